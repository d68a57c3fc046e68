"""``Parameter``: a Value whose every write to ``.data`` is counted, so a layer may keep the numbers it read."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable

import pytest

import autograd
from autograd import Value
from autograd.value import Parameter, data_writes


def _set(p: Value) -> None:
    p.data = 2.5


def _add(p: Value) -> None:
    p.data += 1.0


def _setattr(p: Value) -> None:
    setattr(p, "data", -1.0)  # noqa: B010 - by name, as generic code (copy, a loader) does


def _object_setattr(p: Value) -> None:
    object.__setattr__(p, "data", 4.0)


@pytest.mark.parametrize("write", [_set, _add, _setattr, _object_setattr])
def test_every_write_to_a_parameters_data_is_counted_and_read_back(write: Callable[[Value], None]) -> None:
    p = Parameter(1.0)
    before = data_writes()
    write(p)
    assert data_writes() == before + 1
    expected = Value(1.0)
    write(expected)
    assert p.data == expected.data and type(p.data) is float
    plain = Value(1.0)
    write(plain)  # a Value's own writes are not counted: no layer keeps its numbers
    assert data_writes() == before + 1


def test_a_parameter_is_a_value_in_every_other_way() -> None:
    p, v = Parameter(3, label="w"), Value(3, label="w")
    assert isinstance(p, Value) and repr(p) == repr(v) and p.data == 3.0 and type(p.data) is float
    p.m = 0.5  # room for attributes of your own, as a Value you make has
    assert p.m == 0.5
    loss = (p * p + 1.0).relu()
    loss.backward()
    assert p.grad == 6.0 and p.is_leaf()
    for copied in (pickle.loads(pickle.dumps(p)), copy.deepcopy(p)):
        assert type(copied) is Parameter and (copied.data, copied.grad, copied.label, copied.m) == (3.0, 6.0, "w", 0.5)
    with pytest.raises(TypeError, match="real number"):
        Parameter("3")


def test_a_networks_weights_and_biases_are_parameters() -> None:
    from nn import MLP

    model = MLP(2, [3, 1], seed=0)
    assert {type(p) for p in model.parameters()} == {Parameter}
    assert type(autograd.Value(1.0)) is not Parameter


def test_set_data_writes_every_value_as_one_counted_write_and_data_of_reads_them() -> None:
    """An optimizer's pass over every parameter: one count for the lot (a layer then reads its numbers again)."""
    from autograd.value import data_of, set_data

    values = [Parameter(1.0), Value(2.0), Parameter(3.0)]
    before = data_writes()
    set_data(values, [4.0, 5.0, 6.0])
    assert data_writes() == before + 1
    assert list(data_of(values)) == [v.data for v in values] == [4.0, 5.0, 6.0]
    with pytest.raises(ValueError, match="one number per Value, got 2 for 3"):
        set_data(values, [1.0, 2.0])
    assert [v.data for v in values] == [4.0, 5.0, 6.0] and data_writes() == before + 1  # nothing written
