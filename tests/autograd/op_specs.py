"""How the tests see each primitive in ``autograd.ops.OPS``: one ``Spec`` per op.

A spec gives the op's forward as a sympy expression, a hypothesis strategy of
points inside its domain, the Value code a user writes to reach it, and the
PyTorch function it corresponds to. ``test_ops`` checks every op against these
oracles; ``test_errors`` uses ``call`` to reach each op the way a user does.
A new op fails the tests, saying what to add here, until it has a spec.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sympy
from hypothesis import strategies as st

import autograd
from autograd import Value

SIZES = (1, 2, 3, 5)  # input counts tried for n-ary ops (pairs, for dot)


@dataclass(frozen=True)
class Point:
    """Where an op is evaluated: its constant parameter (powc's exponent) and its inputs."""

    c: float | None
    x: tuple[float, ...]


@dataclass(frozen=True)
class Spec:
    """How the tests see one op.

    Attributes:
        sympy: ``(c, *x) -> sympy expression`` of the forward (c is a symbol).
        points: a hypothesis strategy of Points inside the op's domain.
        call: ``(c, *values) -> Value``, the user-facing code that applies the op.
        torch: ``(torch, c, *tensors) -> tensor``, the same op in PyTorch.
        text: ``(c, n_inputs) -> str``, the ``parse`` input that applies the op to ``x0, x1, ...``;
            None for ``Op(function=True)`` entries, which the parser reaches as ``name(x0)``.
    """

    sympy: Callable[..., Any]
    points: st.SearchStrategy[Point]
    call: Callable[..., Value]
    torch: Callable[..., Any]
    text: Callable[[Any, int], str] | None = None


NO_CONSTANT = st.none()


def reals(lo: float = -10.0, hi: float = 10.0) -> st.SearchStrategy[float]:
    return st.floats(lo, hi)


def away_from_zero(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Numbers with lo <= |x| <= hi, of either sign."""
    return st.one_of(st.floats(lo, hi), st.floats(-hi, -lo))


def points(*inputs: st.SearchStrategy[float], c: st.SearchStrategy[Any] = NO_CONSTANT) -> st.SearchStrategy[Point]:
    return st.builds(Point, c, st.tuples(*inputs))


def n_ary(points_of_size: Callable[[int], st.SearchStrategy[Point]]) -> st.SearchStrategy[Point]:
    return st.sampled_from(SIZES).flatmap(points_of_size)


def _powc_points(c: float) -> st.SearchStrategy[Point]:
    # A negative base needs an integer exponent; a zero base, a positive one.
    base = away_from_zero(0.1, 5.0) if c.is_integer() else st.floats(0.1, 5.0)
    return points(base, c=st.just(c))


def _dot_inputs(n: int) -> st.SearchStrategy[Point]:
    # a_1..a_n, w_1..w_n, then the optional bias b
    return st.sampled_from([2 * n, 2 * n + 1]).flatmap(lambda count: points(*[reals()] * count))


def _dot_sympy(c: Any, *x: Any) -> Any:
    n = len(x) // 2
    return sympy.Add(*(a * w for a, w in zip(x[:n], x[n : 2 * n], strict=True)), *x[2 * n :])


def _dot_call(c: Any, *x: Value) -> Value:
    n = len(x) // 2
    return autograd.dot(x[:n], x[n : 2 * n], *x[2 * n :])


def _names(n: int) -> list[str]:
    return [f"x{i}" for i in range(n)]


def _dot_text(c: Any, n: int) -> str:
    x = _names(n)
    half = n // 2
    bias = f", {x[-1]}" if n % 2 else ""
    return f"dot([{', '.join(x[:half])}], [{', '.join(x[half : 2 * half])}]{bias})"


def _dot_torch(t: Any, c: Any, *x: Any) -> Any:
    n = len(x) // 2
    return t.dot(t.stack(x[:n]), t.stack(x[n : 2 * n])) + sum(x[2 * n :])


def _logsumexp_sympy(c: Any, *x: Any) -> Any:
    return sympy.log(sympy.Add(*map(sympy.exp, x)))


def _neg_log_softmax_sympy(c: Any, *x: Any) -> Any:
    # log Σ_j e^{x_j} − x_c, with the class index c a symbol: x_c picked by a Piecewise on c
    x_c = sympy.Piecewise(*[(xj, sympy.Eq(c, j)) for j, xj in enumerate(x[:-1])], (x[-1], True))
    return _logsumexp_sympy(c, *x) - x_c


def _neg_log_softmax_points(n: int) -> st.SearchStrategy[Point]:
    return points(*[reals(-30.0, 30.0)] * n, c=st.integers(0, n - 1))


def _neg_log_softmax_torch(t: Any, c: Any, *x: Any) -> Any:
    return -t.log_softmax(t.stack(x), 0)[c]


SPECS: dict[str, Spec] = {
    "add": Spec(
        sympy=lambda c, a, b: a + b,
        points=points(reals(), reals()),
        call=lambda c, a, b: a + b,
        torch=lambda t, c, a, b: a + b,
        text=lambda c, n: "x0 + x1",
    ),
    "sub": Spec(
        sympy=lambda c, a, b: a - b,
        points=points(reals(), reals()),
        call=lambda c, a, b: a - b,
        torch=lambda t, c, a, b: a - b,
        text=lambda c, n: "x0 - x1",
    ),
    "mul": Spec(
        sympy=lambda c, a, b: a * b,
        points=points(reals(), reals()),
        call=lambda c, a, b: a * b,
        torch=lambda t, c, a, b: a * b,
        text=lambda c, n: "x0 * x1",
    ),
    "div": Spec(
        sympy=lambda c, a, b: a / b,
        points=points(reals(), away_from_zero(0.1, 10.0)),
        call=lambda c, a, b: a / b,
        torch=lambda t, c, a, b: a / b,
        text=lambda c, n: "x0 / x1",
    ),
    "neg": Spec(
        sympy=lambda c, a: -a,
        points=points(reals()),
        call=lambda c, a: -a,
        torch=lambda t, c, a: -a,
        text=lambda c, n: "-x0",
    ),
    "pow": Spec(  # ∂/∂b = a^b·ln a needs a > 0
        sympy=lambda c, a, b: a**b,
        points=points(st.floats(0.1, 5.0), reals(-3.0, 3.0)),
        call=lambda c, a, b: a**b,
        torch=lambda t, c, a, b: a**b,
        text=lambda c, n: "x0 ** x1",
    ),
    "powc": Spec(
        sympy=lambda c, a: a**c,
        points=st.sampled_from([-2.0, -1.0, 0.5, 1.5, 2.0, 3.0]).flatmap(_powc_points),
        call=lambda c, a: a**c,
        torch=lambda t, c, a: a**c,
        text=lambda c, n: f"x0 ** ({c!r})",
    ),
    "exp": Spec(
        sympy=lambda c, a: sympy.exp(a),
        points=points(reals(-20.0, 20.0)),
        call=lambda c, a: a.exp(),
        torch=lambda t, c, a: a.exp(),
    ),
    "log": Spec(
        sympy=lambda c, a: sympy.log(a),
        points=points(st.floats(1e-3, 1e3)),
        call=lambda c, a: a.log(),
        torch=lambda t, c, a: a.log(),
    ),
    "tanh": Spec(
        sympy=lambda c, a: sympy.tanh(a),
        points=points(reals()),
        call=lambda c, a: a.tanh(),
        torch=lambda t, c, a: a.tanh(),
    ),
    "sigmoid": Spec(
        sympy=lambda c, a: 1 / (1 + sympy.exp(-a)),
        points=points(reals(-30.0, 30.0)),
        call=lambda c, a: a.sigmoid(),
        torch=lambda t, c, a: a.sigmoid(),
    ),
    "relu": Spec(  # not differentiable at 0: sampled away from it
        sympy=lambda c, a: sympy.Piecewise((a, a > 0), (0, True)),
        points=points(away_from_zero(1e-3, 10.0)),
        call=lambda c, a: a.relu(),
        torch=lambda t, c, a: a.relu(),
    ),
    "abs": Spec(  # not differentiable at 0: sampled away from it
        sympy=lambda c, a: sympy.Piecewise((a, a > 0), (-a, True)),  # |a|, piecewise so its Hessian is 0
        points=points(away_from_zero(1e-3, 10.0)),
        call=lambda c, a: a.abs(),
        torch=lambda t, c, a: a.abs(),
    ),
    "sin": Spec(
        sympy=lambda c, a: sympy.sin(a),
        points=points(reals(-20.0, 20.0)),
        call=lambda c, a: a.sin(),
        torch=lambda t, c, a: a.sin(),
    ),
    "cos": Spec(
        sympy=lambda c, a: sympy.cos(a),
        points=points(reals(-20.0, 20.0)),
        call=lambda c, a: a.cos(),
        torch=lambda t, c, a: a.cos(),
    ),
    "sum": Spec(
        sympy=lambda c, *x: sympy.Add(*x),
        points=n_ary(lambda n: points(*[reals()] * n)),
        call=lambda c, *x: autograd.sum(x),
        torch=lambda t, c, *x: t.stack(x).sum(),
        text=lambda c, n: f"sum({', '.join(_names(n))})",
    ),
    "dot": Spec(sympy=_dot_sympy, points=n_ary(_dot_inputs), call=_dot_call, torch=_dot_torch, text=_dot_text),
    "logsumexp": Spec(
        sympy=_logsumexp_sympy,
        points=n_ary(lambda n: points(*[reals(-30.0, 30.0)] * n)),
        call=lambda c, *x: autograd.logsumexp(x),
        torch=lambda t, c, *x: t.logsumexp(t.stack(x), 0),
        text=lambda c, n: f"logsumexp({', '.join(_names(n))})",
    ),
    "neg_log_softmax": Spec(
        sympy=_neg_log_softmax_sympy,
        points=n_ary(_neg_log_softmax_points),
        call=lambda c, *x: autograd.neg_log_softmax(x, c),
        torch=_neg_log_softmax_torch,
        text=lambda c, n: f"neg_log_softmax([{', '.join(_names(n))}], {n - 1})",
    ),
}


def spec_of(name: str) -> Spec:
    if name not in SPECS:
        pytest.fail(
            f"op {name!r} is in autograd.ops.OPS but has no test spec: add SPECS[{name!r}] in "
            "tests/autograd/op_specs.py with its sympy forward, a strategy for points inside its "
            "domain, the Value call that applies it, and its PyTorch equivalent"
        )
    return SPECS[name]
