"""Every primitive in ``autograd.ops.OPS`` against independent oracles.

Each op needs one ``Spec`` in ``op_specs.SPECS``: its forward as a sympy
expression, a strategy for points inside its domain, the Value code a user
writes to reach it, and the PyTorch function it corresponds to. The tests are
parametrized over the op table itself, so a new op is tested as soon as it has
a spec, and fails, saying so, until it has one.

The oracles: sympy's exact derivatives evaluated with mpmath at 50 digits,
central differences in float64, and PyTorch in float64.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import mpmath
import pytest
import sympy
from hypothesis import example, given
from hypothesis import strategies as st

import autograd
from autograd import OPS, Value, ops
from tests.autograd.op_specs import SPECS, Point, spec_of

DIGITS = 50  # working precision of the sympy/mpmath oracle


@dataclass(frozen=True)
class Exact:
    """An op's forward, gradient and Hessian at one point, from sympy, rounded to float."""

    value: float
    gradient: list[float]
    hessian: list[list[float]]


@cache
def _compiled(name: str, n_inputs: int) -> Callable[..., Any]:
    c = sympy.Symbol("c", real=True)
    x = sympy.symbols(f"x:{n_inputs}", real=True)
    f = SPECS[name].sympy(c, *x)
    gradient = [sympy.diff(f, xi) for xi in x]
    hessian = [[sympy.diff(g, xj) for xj in x] for g in gradient]
    return sympy.lambdify((c, *x), [f, gradient, hessian], modules="mpmath")


def exact(name: str, p: Point) -> Exact:
    with mpmath.workdps(DIGITS):
        c = mpmath.mpf(p.c if p.c is not None else 0.0)
        value, gradient, hessian = _compiled(name, len(p.x))(c, *map(mpmath.mpf, p.x))
        return Exact(float(value), [float(g) for g in gradient], [[float(h) for h in row] for row in hessian])


def central_difference(f: Callable[..., float], x: tuple[float, ...], i: int) -> float:
    """∂f/∂x_i by (f(x + h e_i) − f(x − h e_i)) / 2h, with h scaled to x_i."""
    h = 1e-5 * max(abs(x[i]), 0.01)
    up = list(x)
    down = list(x)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (up[i] - down[i])


def leaves(p: Point) -> list[Value]:
    return [Value(x, label=f"x{i}") for i, x in enumerate(p.x)]


@pytest.fixture(scope="module")
def torch() -> Any:
    return pytest.importorskip("torch", reason="PyTorch is an optional oracle: pip install 'deltagrad[torch]'")


def test_every_spec_names_an_op_in_the_table() -> None:
    stale = sorted(set(SPECS) - set(OPS))
    assert not stale, f"SPECS has entries for ops that autograd.ops.OPS no longer declares: {stale}"


@pytest.mark.parametrize("name", OPS)
def test_op_declares_a_consistent_entry(name: str) -> None:
    op = OPS[name]
    assert op.name == name
    assert op.arity is None or op.arity >= 1
    assert op.symbol and op.derivative, f"{name}: the graph needs a symbol and a derivative in words"
    spec_of(name)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_forward_matches_sympy(name: str, data: st.DataObject) -> None:
    op, spec = OPS[name], spec_of(name)
    p = data.draw(spec.points)
    got = op.forward(p.c, *p.x)
    want = exact(name, p).value
    assert type(got) is float, f"{name}{p.x}: forward returned {type(got).__name__}, not float"
    assert got == pytest.approx(want, rel=1e-12, abs=1e-13), f"{name}(c={p.c}, {p.x}): {got} vs sympy {want}"


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_partials_match_sympy(name: str, data: st.DataObject) -> None:
    op, spec = OPS[name], spec_of(name)
    p = data.draw(spec.points)
    out = op.forward(p.c, *p.x)
    local = op.partials(out, p.c, *p.x)
    want = exact(name, p).gradient
    assert len(local) == len(p.x), f"{name}: partials gave {len(local)} derivatives for {len(p.x)} inputs"
    for i, (got, expected) in enumerate(zip(local, want, strict=True)):
        # abs: rules written from the output (1 − tanh²) lose digits where the derivative is ~1e-13
        assert float(got) == pytest.approx(expected, rel=1e-10, abs=1e-12), (
            f"∂{name}/∂x{i} at c={p.c}, x={p.x}: table gives {got}, sympy gives {expected}"
        )


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_backward_matches_central_differences(name: str, data: st.DataObject) -> None:
    op, spec = OPS[name], spec_of(name)
    p = data.draw(spec.points)
    xs = leaves(p)
    out = spec.call(p.c, *xs)
    assert out.op is op, f"SPECS[{name!r}].call applied {out.op}, not {op}"
    assert len(out.parents) == len(xs) and all(a is b for a, b in zip(out.parents, xs, strict=True))
    out.backward()

    def f(*x: float) -> float:
        return spec.call(p.c, *map(Value, x)).data

    for i, x in enumerate(xs):
        numerical = central_difference(f, p.x, i)
        assert x.grad == pytest.approx(numerical, rel=1e-6, abs=1e-6), (
            f"∂{name}/∂x{i} at c={p.c}, x={p.x}: backward gives {x.grad}, central differences {numerical}"
        )


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_second_derivatives_match_sympy(name: str, data: st.DataObject) -> None:
    spec = spec_of(name)
    p = data.draw(spec.points)
    xs = leaves(p)
    gradient = autograd.grad(spec.call(p.c, *xs), xs, create_graph=True)
    want = exact(name, p).hessian
    for i, g in enumerate(gradient):
        row = autograd.grad(g, xs)
        for j, (got, expected) in enumerate(zip(row, want[i], strict=True)):
            assert got == pytest.approx(expected, rel=1e-9, abs=1e-11), (
                f"∂²{name}/∂x{i}∂x{j} at c={p.c}, x={p.x}: grad(create_graph=True) gives {got}, sympy {expected}"
            )


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_value_and_grad_match_torch(name: str, data: st.DataObject, torch: Any) -> None:
    spec = spec_of(name)
    p = data.draw(spec.points)
    xs = leaves(p)
    out = spec.call(p.c, *xs)
    out.backward()
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in p.x]
    out_t = spec.torch(torch, p.c, *ts)
    out_t.backward()
    assert out.data == pytest.approx(out_t.item(), rel=1e-12, abs=1e-13), f"{name}(c={p.c}, {p.x})"
    for i, (x, t) in enumerate(zip(xs, ts, strict=True)):
        assert x.grad == pytest.approx(t.grad.item(), rel=1e-10, abs=1e-12), (
            f"∂{name}/∂x{i} at c={p.c}, x={p.x}: deltagrad {x.grad}, torch {t.grad.item()}"
        )


STEPPED = [name for name, op in OPS.items() if op.step is not None]
SEEDS = (1.0, -2.5, 0.0, -0.0, 1e300, math.inf, -math.inf)


@pytest.mark.parametrize("name", STEPPED)
@given(data=st.data(), g=st.floats(allow_nan=False))
def test_step_is_the_partials_applied_to_g(name: str, data: st.DataObject, g: float) -> None:
    """An op's fast ``step`` leaves every ``.grad`` bit for bit as its ``partials`` through the chain rule do.

    At the spec's point, its negation and zero (every op with a step is defined on all reals),
    for the drawn g and the seeds that break lazy rules (±0, ±inf: inf · 0 must still be nan).
    The inputs start from different gradients, and are also all one Value (``x * x``: each
    edge adds its own term) or two Values in a drawn pattern (so the order of additions shows).
    """
    op, p = OPS[name], data.draw(spec_of(name).points)
    n = len(p.x)
    u, v = Value(p.x[0]), Value(-p.x[-1])
    pattern = data.draw(st.lists(st.sampled_from((u, v)), min_size=n, max_size=n))  # two Values, many edges
    cases = [[Value(x) for x in p.x], [Value(-x) for x in p.x], [Value(0.0) for _ in p.x], [u] * n, pattern]
    for xs in cases:
        x = tuple(q.data for q in xs)
        out = op.forward(p.c, *x)
        node = autograd.value._node(out, tuple(xs), op, p.c)
        for seed in (g, *SEEDS):
            _start_gradients(xs)
            op.step(node, seed)
            got = [repr(q.grad) for q in xs]  # repr: the sign of a zero, inf and nan compare too
            _start_gradients(xs)
            for q, d in zip(xs, op.partials(out, p.c, *x), strict=True):
                q.grad += seed * d
            assert got == [repr(q.grad) for q in xs], f"{name} at c={p.c}, x={x}, g={seed}"


def _start_gradients(xs: list[Value]) -> None:
    for i, q in enumerate(xs):
        q.grad = 0.1 * (i + 1)


_terms = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e200, max_value=1e200)


@given(pairs=st.lists(st.tuples(_terms, _terms), min_size=1, max_size=20), b=st.none() | _terms)
@example(pairs=[(1e200, 1e200), (1e200, -1e200)], b=1.0)  # products overflow, their sum does not: exact
@example(pairs=[(1e200, 1e200)], b=None)  # the sum overflows: refused
@example(pairs=[(0.1, 0.3), (-0.1, 0.3)], b=1e-17)  # cancellation: correctly rounded
def test_dot_of_values_is_the_table_forward_bit_for_bit(pairs: list[tuple[float, float]], b: float | None) -> None:
    """``autograd.dot`` adds the terms read from the Values itself: the same float as ``OPS['dot'].forward``."""
    x = [p for p, _ in pairs] + [q for _, q in pairs] + ([] if b is None else [b])
    try:
        want = repr(OPS["dot"].forward(None, *x))
        if want in ("inf", "-inf"):
            want = "OverflowInOpError"
    except ArithmeticError as exc:
        want = type(exc).__name__
    a, w = [Value(p) for p, _ in pairs], [Value(q) for _, q in pairs]
    try:
        got = repr(autograd.dot(a, w, None if b is None else Value(b)).data)
    except ArithmeticError as exc:
        got = type(exc).__name__
    assert got == want


@given(
    a=st.lists(_terms, min_size=1, max_size=6),
    rows=st.lists(st.tuples(st.lists(_terms, min_size=6, max_size=6), st.none() | _terms), min_size=1, max_size=4),
)
@example(a=[1e200, 1e200], rows=[([1e200, -1e200, 0, 0, 0, 0], 1.0), ([1e200, 0, 0, 0, 0, 0], None)])
def test_dots_is_dot_per_neuron_bit_for_bit(a: list[float], rows: list[tuple[list[float], float | None]]) -> None:
    """``autograd.dots(a, W, b)``, a layer's z at once, gives each neuron's ``dot`` node: value, inputs, gradients."""

    def run(layer: bool) -> list[str]:
        xs = [Value(x) for x in a]
        ws = [[Value(v) for v in w[: len(a)]] for w, _ in rows]
        bs = [None if b is None else Value(b) for _, b in rows]
        try:
            z = autograd.dots(xs, ws, bs) if layer else [autograd.dot(xs, w, b) for w, b in zip(ws, bs, strict=True)]
            assert all(
                zj.op is OPS["dot"] and zj.parents == (*xs, *w, *([] if b is None else [b]))
                for zj, w, b in zip(z, ws, bs, strict=True)
            )
            autograd.sum(z).backward()
        except ArithmeticError as exc:
            return [type(exc).__name__]
        return [repr(v) for v in (*(zj.data for zj in z), *(p.grad for p in (*xs, *(q for w in ws for q in w))))]

    assert run(layer=True) == run(layer=False)


def test_dots_takes_numbers_as_constants_and_no_biases() -> None:
    w = [[Value(2.0), 3.0], [Value(-1.0), Value(4.0)]]
    z = autograd.dots([1.0, Value(0.5)], w)
    assert [zj.data for zj in z] == [3.5, 1.0]
    z[0].backward()
    assert w[0][0].grad == 1.0
    with autograd.no_grad():
        assert all(zj.is_leaf() for zj in autograd.dots([Value(1.0)], [[Value(2.0)]], [Value(1.0)]))


@given(
    a=st.lists(_terms, min_size=1, max_size=6),
    rows=st.lists(st.tuples(st.lists(_terms, min_size=6, max_size=6), st.none() | _terms), min_size=1, max_size=4),
    g=_terms,
    inputs=st.sampled_from(["results", "leaves", "a leaf that is also a weight", "Parameters"]),
    weights=st.sampled_from(["Values", "Parameters", "Parameters, their numbers kept"]),
)
def test_dots_one_pass_step_is_the_two_pass_step_bit_for_bit(
    a: list[float], rows: list[tuple[list[float], float | None]], g: float, inputs: str, weights: str
) -> None:
    """A layer's dots whose a and (w, b) share no Value take each pair in one pass: the same gradients. Layer 2's
    a are results (plain Values), layer 1's x are leaves the user made; a dot whose input is also one of its
    weights keeps one tuple (the two-pass step, whose order of terms the table's partials fix). Weights that are
    Parameters (nn's) may come with their numbers, as a layer keeps them: the same nodes, the same steps."""
    from autograd.value import Parameter, dot_nodes, half_kind, input_level

    def run(one_pass: bool) -> list[str]:
        made = Value if weights == "Values" else Parameter
        leaves = [(Parameter if inputs == "Parameters" else Value)(x) for x in a]
        xs = leaves if inputs != "results" else [v + 0.0 for v in leaves]  # results: as a layer's activations
        ws = [[made(v) for v in w[: len(a)]] for w, _ in rows]
        if inputs in ("a leaf that is also a weight", "Parameters"):
            ws[0][-1] = xs[0]
        bs = [None if b is None else made(b) for _, b in rows]
        try:
            if weights == "Parameters, their numbers kept":
                halves = [(*w, b) if b is not None else tuple(w) for w, b in zip(ws, bs, strict=True)]
                kinds = [half_kind(h) for h in halves]
                numbers = [tuple(p.data for p in h) for h in halves] if set(kinds) == {2} else None
                z = dot_nodes(tuple(xs), halves, kinds, [None] * len(halves), numbers, input_level(xs))
            else:
                z = autograd.dots(xs, ws, bs)
        except ArithmeticError as exc:
            return [type(exc).__name__]
        for zj, w in zip(z, ws, strict=True):
            if not zj.is_leaf() and zj.op is OPS["dot"]:  # two halves exactly when no input is in both
                assert (type(zj._b) is tuple) == set(xs).isdisjoint(w)
        for zj in z:
            if not one_pass and zj.op is OPS["dot"]:  # the same node as one tuple: the two-pass step
                zj._a, zj._b = zj.parents, None
            zj.grad = g
            try:
                zj.backward_step()
            except ArithmeticError as exc:
                return [type(exc).__name__]
        return [repr(p.grad) for p in (*xs, *(q for w in ws for q in w), *(b for b in bs if b is not None))]

    assert run(one_pass=True) == run(one_pass=False)


@given(
    name=st.sampled_from([op.name for op in ops.FUNCTION_OPS]),
    xs=st.lists(_terms, min_size=1, max_size=5),
    record=st.booleans(),
)
def test_unary_nodes_are_the_ops_nodes_one_by_one_each_labelled(name: str, xs: list[float], record: bool) -> None:
    """A layer's σ(z_j) made in one call (value.unary_nodes): the very nodes, and errors, of σ(z) one at a time."""
    from autograd.value import unary_nodes

    z = [Value(x) + 0.0 for x in xs]
    labels = [f"a_{j}" for j in range(len(z))]

    def made(one_call: bool) -> list[tuple[Any, ...]] | str:
        with contextlib.nullcontext() if record else autograd.no_grad():
            try:
                nodes = unary_nodes(OPS[name], z, labels) if one_call else [autograd.FUNCTIONS[name](zj) for zj in z]
            except (ArithmeticError, ValueError) as exc:  # a domain error, an overflow: the same message
                return f"{type(exc).__name__}: {exc}"
        if not one_call:
            for v, label in zip(nodes, labels, strict=True):
                v.label = label
        return [(repr(v.data), v.op, v.parents, v.label) for v in nodes]

    assert made(one_call=True) == made(one_call=False)
