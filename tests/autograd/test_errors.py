"""The errors a user meets, each naming what went wrong, and the extreme inputs that must not fail.

Expected values come from mpmath at 50 digits, never from hand-typed numbers.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Callable
from typing import Any

import mpmath
import pytest

import autograd
from autograd import OPS, BackwardError, DomainError, OverflowInOpError, Value
from tests.autograd.op_specs import spec_of

DIGITS = 50


@pytest.mark.parametrize("given", ["abc", None, [1, 2], True, 1 + 2j])
def test_value_of_a_non_number_is_a_type_error_naming_what_was_given(given: Any) -> None:
    with pytest.raises(TypeError) as error:
        Value(given)
    message = str(error.value)
    assert type(given).__name__ in message and repr(given) in message


@pytest.mark.parametrize("given", [3, -2.5, 10**20])
def test_value_stores_a_plain_float(given: Any) -> None:
    v = Value(given)
    assert type(v.data) is float
    assert math.isclose(v.data, given, rel_tol=1e-15)


def test_arithmetic_with_a_non_number_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Value(1.0) + "abc"
    with pytest.raises(TypeError):
        Value(1.0) ** "abc"


# (what the user writes, the op at fault, its operands)
DOMAIN_ERRORS: list[tuple[str, Callable[[], Any], str, tuple[float, ...]]] = [
    ("log(0)", lambda: autograd.log(Value(0.0)), "log", (0.0,)),
    ("log(-1)", lambda: Value(-1.0).log(), "log", (-1.0,)),
    ("Value(0) ** -1", lambda: Value(0) ** -1, "powc", (0.0, -1.0)),
    ("Value(-8) ** (1/3)", lambda: Value(-8) ** (1 / 3), "powc", (-8.0, 1 / 3)),
    ("0 ** Value(-1)", lambda: 0 ** Value(-1), "pow", (0.0, -1.0)),
    ("Value(1) / 0", lambda: Value(1) / 0, "div", (1.0, 0.0)),
    ("1 / Value(0)", lambda: 1 / Value(0), "div", (1.0, 0.0)),
    ("Value(1) / Value(-0.0)", lambda: Value(1) / Value(-0.0), "div", (1.0, -0.0)),
]


@pytest.mark.parametrize(("code", "run", "op", "operands"), DOMAIN_ERRORS, ids=[case[0] for case in DOMAIN_ERRORS])
def test_outside_the_domain_is_a_domain_error_naming_op_and_operand(
    code: str, run: Callable[[], Any], op: str, operands: tuple[float, ...]
) -> None:
    with pytest.raises(DomainError) as error:
        run()
    assert isinstance(error.value, ValueError)
    assert error.value.op == op, f"{code}: the error names {error.value.op!r}, but the op applied is {op!r}"
    message = str(error.value)
    assert op in message and repr(operands[0]) in message, message


@pytest.mark.parametrize(
    ("code", "run", "op"),
    [
        ("exp(1000)", lambda: autograd.exp(Value(1000.0)), "exp"),
        ("Value(10) ** 400", lambda: Value(10.0) ** 400, "powc"),
        ("10 ** Value(400)", lambda: 10 ** Value(400.0), "pow"),
    ],
)
def test_a_result_too_large_for_a_float_is_an_overflow_error_naming_the_op(
    code: str, run: Callable[[], Any], op: str
) -> None:
    with pytest.raises(OverflowInOpError) as error:
        run()
    assert isinstance(error.value, OverflowError)
    assert error.value.op == op, f"{code}: the error names {error.value.op!r}, but the op applied is {op!r}"
    assert op in str(error.value)


EXTREMES = sorted(
    {s * x for s in (1.0, -1.0) for x in (0.0, 5e-324, 1e-300, 0.5, 1.0, 2.0, 1e154, 1e300, sys.float_info.max)}
)


def _extreme_inputs(op: Any) -> list[tuple[Any, tuple[float, ...]]]:
    """(c, inputs) for every combination of extreme finite floats, for an op of any arity."""
    if op.name == "powc":
        return [(c, (a,)) for c, a in itertools.product(EXTREMES, repeat=2)]
    counts = [op.arity] if op.arity is not None else [2, 3]  # sum of 2 or 3; dot of one pair, ± a bias
    if op.name == "neg_log_softmax":  # its constant is the class index
        return [(k, x) for n in counts for x in itertools.product(EXTREMES, repeat=n) for k in range(n)]
    return [(None, x) for n in counts for x in itertools.product(EXTREMES, repeat=n)]


# Two ways to reach an op: the generic autograd.apply, and the code a user writes
# (operators and methods, which take a faster path through the engine).
PATHS: dict[str, Callable[[str, Any, tuple[float, ...]], Value]] = {
    "apply": lambda name, c, x: autograd.apply(OPS[name], *x, arg=c),
    "user code": lambda name, c, x: spec_of(name).call(c, *map(Value, x)),
}


def _outcome(path: str, name: str, c: Any, x: tuple[float, ...]) -> str | None:
    """What is wrong with applying the op at (c, x), or None if it keeps the contract."""
    try:
        out = PATHS[path](name, c, x).data
    except (DomainError, OverflowInOpError) as error:
        return None if error.op == name else f"raises an error naming {error.op!r}"
    except Exception as error:
        return f"raises {type(error).__name__}: {error}"
    return None if math.isfinite(out) else f"returns {out}"


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", OPS)
def test_finite_inputs_give_a_finite_value_or_a_named_error(name: str, path: str) -> None:
    # The engine's contract: DomainError / OverflowInOpError rather than nan or inf.
    first: dict[str, str] = {}
    count: dict[str, int] = {}
    for c, x in _extreme_inputs(OPS[name]):
        problem = _outcome(path, name, c, x)
        if problem is not None:
            first.setdefault(problem, f"{name}(c={c}, x={x})")
            count[problem] = count.get(problem, 0) + 1
    assert not first, f"{name} through {path} breaks the contract on finite inputs:\n" + "\n".join(
        f"  {problem} ({count[problem]} cases), e.g. {example}" for problem, example in first.items()
    )


def test_infinite_inputs_pass_through_and_nan_is_refused() -> None:
    # inf in, inf out is not an overflow: only finite inputs promise a finite result
    assert (Value(math.inf) + 1.0).data == math.inf
    with pytest.raises(DomainError, match=r"mul\(nan, 2.0\): a NaN input"):
        Value(math.nan) * 2.0  # NaN is never passed on (tests/autograd/test_nonfinite.py: every op)


@pytest.mark.parametrize(
    "terms",
    [
        (sys.float_info.max, sys.float_info.max, -sys.float_info.max),
        (1e308, 1e308, -1e308, -1e308, 1.0),
        (sys.float_info.max, 1.0, -sys.float_info.max),
    ],
)
def test_sum_and_dot_with_a_finite_exact_total_return_it(terms: tuple[float, ...]) -> None:
    with mpmath.workdps(400):
        exact = float(mpmath.fsum(map(mpmath.mpf, terms)))
    assert math.isclose(autograd.sum(terms).data, exact, rel_tol=1e-15)
    ones = [1.0] * len(terms)
    assert math.isclose(autograd.dot(terms, ones).data, exact, rel_tol=1e-15)


# --- saturating functions at large |x| ----------------------------------------


def _exact(f: Callable[[Any], Any], x: float) -> float:
    with mpmath.workdps(DIGITS):
        return float(f(mpmath.mpf(x)))


def _sigmoid(x: Any) -> Any:
    return 1 / (1 + mpmath.exp(-x))


def _sigmoid_derivative(x: Any) -> Any:
    return mpmath.exp(-x) / (1 + mpmath.exp(-x)) ** 2  # = s(x)(1 − s(x)), without 1 − s(x) rounding to 0


def _tanh_derivative(x: Any) -> Any:
    return 1 / mpmath.cosh(x) ** 2


@pytest.mark.parametrize("x", [-1000.0, -710.0, -40.0, 40.0, 710.0, 1000.0])
@pytest.mark.parametrize(
    ("name", "exact", "derivative"),
    [("sigmoid", _sigmoid, _sigmoid_derivative), ("tanh", mpmath.tanh, _tanh_derivative)],
)
def test_saturating_functions_are_finite_and_correct_far_from_zero(
    name: str, exact: Callable[[Any], Any], derivative: Callable[[Any], Any], x: float
) -> None:
    v = Value(x)
    y = getattr(v, name)()
    y.backward()
    # The exact answers, rounded to float (e^-1000 rounds to 0): a tiny absolute tolerance is enough.
    assert math.isclose(y.data, _exact(exact, x), rel_tol=1e-15, abs_tol=1e-300)
    assert math.isfinite(v.grad)
    assert math.isclose(v.grad, _exact(derivative, x), rel_tol=1e-6, abs_tol=1e-15)


# --- undefined local derivatives ----------------------------------------------


UNDEFINED_DERIVATIVES = [
    ("Value(0.0) ** 0.5", lambda: Value(0.0) ** 0.5, "powc"),
    ("Value(0.0) ** Value(0.5)", lambda: Value(0.0) ** Value(0.5), "pow"),
    ("Value(-2.0) ** Value(2.0)", lambda: Value(-2.0) ** Value(2.0), "pow"),  # ∂/∂b = a^b·ln a
]


@pytest.mark.parametrize(("code", "build", "op"), UNDEFINED_DERIVATIVES, ids=[c[0] for c in UNDEFINED_DERIVATIVES])
def test_backward_through_an_undefined_derivative_is_a_backward_error_naming_the_op(
    code: str, build: Callable[[], Value], op: str
) -> None:
    y = build()
    assert math.isfinite(y.data), f"{code}: the forward value itself is defined"
    with pytest.raises(BackwardError, match=op):
        y.backward()
    with pytest.raises(BackwardError, match=op):
        autograd.grad(y, y.parents)
    with pytest.raises(BackwardError, match=op):
        autograd.grad(y, y.parents, create_graph=True)


def test_backward_error_points_at_the_node_deep_in_the_graph() -> None:
    x = Value(0.0)
    y = (x**0.5 + 1.0).tanh() * 2.0
    with pytest.raises(BackwardError, match="powc") as error:
        y.backward()
    assert error.value.__cause__ is not None


def test_grad_rejects_what_is_not_a_value() -> None:
    with pytest.raises(TypeError, match="float"):
        autograd.grad(1.0, [Value(1.0)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"inputs\[1\]"):
        autograd.grad(Value(1.0), [Value(1.0), 2.0])  # type: ignore[list-item]


def test_sum_and_dot_of_nothing_or_mismatched_lengths_are_value_errors() -> None:
    with pytest.raises(ValueError, match="sum"):
        autograd.sum([])
    with pytest.raises(ValueError, match="dot"):
        autograd.dot([], [])
    with pytest.raises(ValueError, match="same length"):
        autograd.dot([Value(1.0)], [Value(1.0), Value(2.0)])
    with pytest.raises(ValueError, match="same length"):
        autograd.dots([Value(1.0)], [[Value(1.0)], [Value(1.0), Value(2.0)]])
    with pytest.raises(ValueError, match="one bias"):
        autograd.dots([Value(1.0)], [[Value(1.0)]], [])


@pytest.mark.parametrize("x", [-700.0, -40.0, -5.0, 5.0, 40.0, 700.0])
@pytest.mark.parametrize(
    ("name", "derivative"),
    [("sigmoid", _sigmoid_derivative), ("tanh", lambda x: 4 / (mpmath.exp(x) + mpmath.exp(-x)) ** 2)],
)
def test_saturating_derivatives_keep_their_relative_precision_in_the_tails(
    name: str, derivative: Callable[[Any], Any], x: float
) -> None:
    # No cancellation in 1 − s(x) or 1 − tanh²(x): sigmoid'(40) is 4.2e-18, not 0.
    v = Value(x)
    getattr(v, name)().backward()
    assert math.isclose(v.grad, _exact(derivative, x), rel_tol=1e-13)
