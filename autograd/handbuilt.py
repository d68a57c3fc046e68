"""Values built by hand with micrograd's constructor: ``Value(-6.0, (a, b), "*")``.

micrograd's ``Value(data, _children, _op)`` records a result without computing it.
deltagrad accepts the same call when ``_op`` names an op of the table, in its own
spelling (``"mul"``, ``"×"``) or micrograd's (``"*"``, ``"**2"``, ``"ReLU"``), and
``data`` is what that op gives on the children: the Value is then an ordinary node,
and ``backward()`` goes through it. Anything else is refused with a message that
says why, instead of a node whose gradient would be made up.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from autograd.ops import OPS, Op

_MICROGRAD = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow", "ReLU": "relu"}
_FIXED_POWER = re.compile(r"\*\*\s*(\S+)")  # micrograd's f"**{other}"


def _op_named(spelling: str, n_inputs: int) -> tuple[Op, Any]:
    """The op (and its constant) that ``spelling`` names for ``n_inputs`` inputs."""
    power = _FIXED_POWER.fullmatch(spelling)
    if power and n_inputs == 1:
        try:
            return OPS["powc"], float(power.group(1))
        except ValueError:
            pass
    if spelling in ("-", "−") and n_inputs == 1:
        return OPS["neg"], None
    name = _MICROGRAD.get(spelling, spelling)
    found = OPS.get(name) or next((op for op in OPS.values() if op.symbol == spelling), None)
    if found is None:
        known = ", ".join(sorted({*OPS, *_MICROGRAD}))
        raise ValueError(f"Value(..., _op={spelling!r}): no op of that name; use one of {known} (or **k)")
    if found.arity is not None and found.arity != n_inputs:
        raise ValueError(f"Value(..., _op={spelling!r}): {found.name} takes {found.arity} input(s), got {n_inputs}")
    if "{c}" in found.symbol or "{k}" in found.symbol:
        raise ValueError(f"Value(..., _op={spelling!r}): {found.name} needs its constant: build it with the op itself")
    return found, None


def hand_built(data: float, children: Iterable[Any], spelling: Any) -> tuple[tuple[Any, ...], Op, Any]:
    """The inputs, op and constant of ``Value(data, children, spelling)``, checked against the op's forward."""
    from autograd.value import Value

    if isinstance(children, set | frozenset | dict) and len(children) > 1:
        raise TypeError("Value(data, _children, _op): pass the inputs in order, as a tuple (a set has no order)")
    if isinstance(children, str) or not isinstance(children, Iterable):
        raise TypeError(
            f"Value(data, _children, _op): _children must be a tuple of Values, got {type(children).__name__} "
            f"{children!r} (a label goes by keyword: Value(2.0, label='a'))"
        )
    inputs = tuple(children)
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"Value(data, _children, _op): _children[{i}] is {type(x).__name__} {x!r}, not a Value")
    if not isinstance(spelling, str):
        raise TypeError(f"Value(data, _children, _op): _op must be a string such as '*', got {spelling!r}")
    if not inputs or not spelling:
        raise ValueError(
            f"Value({data!r}, {inputs!r}, {spelling!r}): a Value with inputs needs the op that made it, and an op "
            "needs its inputs (e.g. Value(-6.0, (a, b), '*'))"
        )
    op, c = _op_named(spelling, len(inputs))
    expected = op.forward(c, *(x.data for x in inputs))
    if not math.isclose(data, expected, rel_tol=1e-9, abs_tol=1e-12) and not (data == expected):
        raise ValueError(
            f"Value({data!r}, _children, {spelling!r}): {op.name} of the children's data is {expected!r}, not {data!r}"
        )
    return inputs, op, c
