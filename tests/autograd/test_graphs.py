"""Whole graphs: random DAGs against sympy, repeated backward, depth, memory, no_grad, micrograd.

The random graphs are plans drawn by hypothesis: each step applies an op to
earlier nodes, picked with replacement, so subexpressions are reused (the
same node feeds several others, and sometimes both inputs of one op). The
same plan is built once with Values and once with sympy symbols; sympy's
exact derivatives, evaluated at 50 digits, are the oracle.
"""

from __future__ import annotations

import asyncio
import gc
import math
import random
import sys
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd
from autograd import Value

DIGITS = 50


def _relu(x: Any) -> Any:
    return x.relu() if isinstance(x, Value) else sympy.Piecewise((x, x > 0), (0, True))


def _tanh(x: Any) -> Any:
    return x.tanh() if isinstance(x, Value) else sympy.tanh(x)


def _sigmoid(x: Any) -> Any:
    return x.sigmoid() if isinstance(x, Value) else 1 / (1 + sympy.exp(-x))


def _exp(x: Any) -> Any:
    return x.exp() if isinstance(x, Value) else sympy.exp(x)


def _sum(*x: Any) -> Any:
    return autograd.sum(x) if isinstance(x[0], Value) else sympy.Add(*x)


def _dot(*x: Any) -> Any:
    n = len(x) // 2
    if isinstance(x[0], Value):
        return autograd.dot(x[:n], x[n:])
    return sympy.Add(*(a * w for a, w in zip(x[:n], x[n:], strict=True)))


def _relu_layer(*x: Any) -> Any:
    """Σ_j relu(Σ_i a_i w_ji) over two neurons that read the same a (``x`` is a, w_1, w_2): a layer's shape, whose
    dots share one tuple a, as the walk's shortcuts expect."""
    n = len(x) // 3
    a, w = x[:n], [x[n : 2 * n], x[2 * n :]]
    if isinstance(x[0], Value):
        z = autograd.dots(a, w)
        for zj in z:
            assume(abs(zj.data) > 1e-6)  # clear of relu's kink
        return autograd.sum([zj.relu() for zj in z])
    return sympy.Add(*(_relu(sympy.Add(*(ai * wi for ai, wi in zip(a, wj, strict=True)))) for wj in w))


# name -> (how to apply it to Values or sympy expressions alike, number of operands or None for a choice)
STEPS: dict[str, tuple[Callable[..., Any], int | None]] = {
    "add": (lambda a, b: a + b, 2),
    "sub": (lambda a, b: a - b, 2),
    "mul": (lambda a, b: a * b, 2),
    "div": (lambda a, b: a / (1 + b * b), 2),  # a denominator that never vanishes
    "neg": (lambda a: -a, 1),
    "square": (lambda a: a**2, 1),
    "exp": (_exp, 1),
    "tanh": (_tanh, 1),
    "sigmoid": (_sigmoid, 1),
    "relu": (_relu, 1),
    "sum": (_sum, None),
    "dot": (_dot, None),
    "relu layer": (_relu_layer, None),
}
ARITIES = {"dot": [2, 4], "relu layer": [3, 6]}  # and [2, 3, 4] for sum


@dataclass(frozen=True)
class Plan:
    """A random expression DAG: input values, then steps (op name, indices of earlier nodes)."""

    inputs: tuple[float, ...]
    steps: tuple[tuple[str, tuple[int, ...]], ...]

    def build(self, leaves: list[Any]) -> Any:
        """Run the plan on leaves (Values or sympy symbols); the output sums the nodes nothing used."""
        nodes = list(leaves)
        used = set()
        for name, operands in self.steps:
            apply, _ = STEPS[name]
            arguments = [nodes[i] for i in operands]
            if isinstance(arguments[0], Value):
                # keep clear of relu's kink and of large numbers, where float and exact answers part
                assume(name != "relu" or abs(arguments[0].data) > 1e-6)
                assume(name != "exp" or arguments[0].data < 10.0)
            nodes.append(apply(*arguments))
            used.update(operands)
            if isinstance(nodes[-1], Value):
                assume(abs(nodes[-1].data) < 1e4)
        sinks = [v for i, v in enumerate(nodes) if i >= len(leaves) and i not in used]
        return _sum(*sinks)


@st.composite
def plans(draw: st.DrawFn, max_steps: int = 10) -> Plan:
    n_inputs = draw(st.integers(1, 3))
    inputs = tuple(draw(st.floats(-2.0, 2.0)) for _ in range(n_inputs))
    steps = []
    for k in range(draw(st.integers(1, max_steps))):
        name = draw(st.sampled_from(sorted(STEPS)))
        arity = STEPS[name][1] or draw(st.sampled_from(ARITIES.get(name, [2, 3, 4])))
        steps.append((name, tuple(draw(st.integers(0, n_inputs + k - 1)) for _ in range(arity))))
    return Plan(inputs, tuple(steps))


def symbols(n: int) -> list[sympy.Symbol]:
    return list(sympy.symbols(f"x:{n}", real=True))


def evaluate(expressions: Any, xs: list[sympy.Symbol], at: tuple[float, ...]) -> Any:
    """sympy expressions (nested lists allowed) evaluated at 50 digits, rounded to floats."""
    with mpmath.workdps(DIGITS):
        result = sympy.lambdify(xs, expressions, modules="mpmath")(*map(mpmath.mpf, at))

    def to_float(r: Any) -> Any:
        return [to_float(e) for e in r] if isinstance(r, list) else float(r)

    return to_float(result)


def close(got: float, want: float) -> bool:
    return math.isclose(got, want, rel_tol=1e-8, abs_tol=1e-9)


# --- random graphs against sympy --------------------------------------------


@given(plans())
def test_random_dag_gradient_matches_sympy(plan: Plan) -> None:
    leaves = [Value(x) for x in plan.inputs]
    out = plan.build(leaves)
    out.backward()
    xs = symbols(len(leaves))
    expression = plan.build(xs)
    assert close(out.data, evaluate(expression, xs, plan.inputs))
    want = evaluate([sympy.diff(expression, x) for x in xs], xs, plan.inputs)
    for i, (leaf, expected) in enumerate(zip(leaves, want, strict=True)):
        assert close(leaf.grad, expected), f"∂out/∂x{i}: backward {leaf.grad}, sympy {expected}; {plan}"
    assert [g for g in autograd.grad(out, leaves)] == pytest.approx(want, rel=1e-8, abs=1e-9)


@given(plans(max_steps=5))
def test_random_dag_second_derivatives_match_sympy(plan: Plan) -> None:
    leaves = [Value(x) for x in plan.inputs]
    gradient = autograd.grad(plan.build(leaves), leaves, create_graph=True)
    xs = symbols(len(leaves))
    expression = plan.build(xs)
    hessian = evaluate([[sympy.diff(expression, a, b) for b in xs] for a in xs], xs, plan.inputs)
    for i, g in enumerate(gradient):
        for j, got in enumerate(autograd.grad(g, leaves)):
            assert close(got, hessian[i][j]), f"∂²out/∂x{i}∂x{j}: deltagrad {got}, sympy {hessian[i][j]}; {plan}"


# --- edges, repeated backward, seeds ----------------------------------------


@given(st.floats(-10.0, 10.0))
def test_x_times_x_keeps_both_edges(x0: float) -> None:
    x = Value(x0)
    y = x * x
    assert len(y.parents) == 2 and y.parents[0] is x and y.parents[1] is x
    y.backward()
    s = sympy.Symbol("x")
    assert close(x.grad, evaluate(sympy.diff(s * s, s), [s], (x0,)))


@given(st.floats(-10.0, 10.0))
def test_a_plus_a_keeps_both_edges(a0: float) -> None:
    a = Value(a0)
    y = a + a
    assert len(y.parents) == 2 and y.parents[0] is a and y.parents[1] is a
    y.backward()
    s = sympy.Symbol("a")
    assert close(a.grad, evaluate(sympy.diff(s + s, s), [s], (a0,)))


def test_backward_twice_keeps_intermediate_grads_and_accumulates_leaves() -> None:
    # micrograd's double-counting case: a = 2; b = a*a; c = b + b
    a = Value(2.0)
    b = a * a
    c = b + b
    sa, sb = sympy.symbols("a b")
    dc_da = evaluate(sympy.diff(2 * sa**2, sa), [sa], (2.0,))
    dc_db = evaluate(sympy.diff(sb + sb, sb), [sb], (4.0,))

    c.backward()
    assert close(a.grad, dc_da)
    assert close(b.grad, dc_db)
    c.backward()
    assert close(b.grad, dc_db), "an intermediate gradient must not accumulate across backward() calls"
    assert close(a.grad, 2 * dc_da), "a leaf gradient accumulates, once per backward()"


@given(plans(max_steps=25))
def test_topological_order_is_every_reachable_node_once_each_after_its_inputs(plan: Plan) -> None:
    """The walk's shortcuts (a leaf, or a ReLU over a ready dot, placed straight from an n-ary node's inputs) keep
    its contract: each node that the output depends on, once, after every one of its inputs."""
    out = plan.build([Value(x) for x in plan.inputs])
    order = autograd.topological_order(out)
    reachable, todo = {id(out): out}, [out]
    while todo:
        for p in todo.pop().parents:
            if id(p) not in reachable:
                reachable[id(p)] = p
                todo.append(p)
    position = {id(v): i for i, v in enumerate(order)}
    assert len(order) == len(position) == len(reachable) and position.keys() == reachable.keys()
    assert all(position[id(p)] < position[id(v)] for v in order for p in v.parents)
    assert order[-1] is out


@given(plans())
def test_backward_twice_gives_identical_intermediate_grads(plan: Plan) -> None:
    leaves = [Value(x) for x in plan.inputs]
    out = plan.build(leaves)
    nodes = [v for v in autograd.topological_order(out) if not v.is_leaf()]
    out.backward()
    first = [v.grad for v in nodes]
    once = [leaf.grad for leaf in leaves]
    out.backward()
    assert [v.grad for v in nodes] == first
    assert [leaf.grad for leaf in leaves] == pytest.approx([2 * g for g in once], rel=1e-12, abs=1e-12)


@given(plans(), st.floats(-5.0, 5.0))
def test_seed_scales_every_gradient(plan: Plan, seed: float) -> None:
    leaves = [Value(x) for x in plan.inputs]
    out = plan.build(leaves)
    out.backward(seed)
    xs = symbols(len(leaves))
    want = evaluate([seed * sympy.diff(plan.build(xs), x) for x in xs], xs, plan.inputs)
    assert [leaf.grad for leaf in leaves] == pytest.approx(want, rel=1e-8, abs=1e-9)
    assert autograd.grad(out, leaves, seed=seed) == pytest.approx(want, rel=1e-8, abs=1e-9)


@given(plans())
def test_zero_grad_clears_the_whole_graph(plan: Plan) -> None:
    leaves = [Value(x) for x in plan.inputs]
    out = plan.build(leaves)
    out.backward()
    once = [leaf.grad for leaf in leaves]
    out.zero_grad()
    assert all(v.grad == 0.0 for v in autograd.topological_order(out))
    out.backward()
    assert [leaf.grad for leaf in leaves] == pytest.approx(once, rel=1e-12, abs=1e-12)


def test_grad_leaves_dot_grad_untouched() -> None:
    x = Value(1.5)
    y = x * x.tanh()
    gradient = autograd.grad(y, [x])
    assert x.grad == 0.0 and y.grad == 0.0
    y.backward()
    assert gradient == pytest.approx([x.grad], rel=1e-12)


# --- depth and memory --------------------------------------------------------


@contextmanager
def gc_paused() -> Iterator[None]:
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_million_node_chain_backprops_at_the_default_recursion_limit() -> None:
    assert sys.getrecursionlimit() <= 1000, "the test is only meaningful at Python's default recursion limit"
    n_pairs, scale = 500_000, 0.999999  # 1,000,000 ops deep: y ← y·scale + 1e-6
    x, s, c = Value(0.5), Value(scale), Value(1e-6)
    y = x
    with gc_paused():  # only to keep the test fast: the cyclic GC has nothing to find in a Value graph
        for _ in range(n_pairs):
            y = y * s + c
        y.backward()
        del y
    with mpmath.workdps(DIGITS):
        want = float(mpmath.mpf(scale) ** n_pairs)  # ∂y/∂x = scale^n
    assert math.isclose(x.grad, want, rel_tol=1e-9)


def _graph_of(value_type: type, n: int) -> Any:
    x = value_type(0.5)
    y = x
    for i in range(n):
        y = (y * 0.5 + x * 0.25).relu() + i * 1e-6
    return y


# CPython keeps up to 2,000 freed tuples of each small size for reuse: memory that
# tracemalloc still counts, bounded whatever the size of the graph.
FREE_LISTS = 512 * 1024


def _memory_left_after_dropping(build: Callable[[], Any]) -> tuple[int, int]:
    """(bytes held by the built graph, bytes still held after the last reference is dropped), GC off."""
    gc.collect()
    with gc_paused():
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            out = build()
            out.backward()
            held = tracemalloc.get_traced_memory()[0] - base
            del out
            left = tracemalloc.get_traced_memory()[0] - base
        finally:
            tracemalloc.stop()
    return held, left


def test_a_dropped_graph_is_freed_by_reference_counting_alone() -> None:
    n = 6_000  # 24,000 nodes
    held, left = _memory_left_after_dropping(lambda: _graph_of(Value, n))
    assert held > 8 * FREE_LISTS, f"the built graph should hold memory (held {held} bytes)"
    assert left < FREE_LISTS, f"{left} of {held} bytes stay allocated after the graph is dropped with GC off"


def test_the_memory_check_sees_a_graph_kept_by_reference_cycles() -> None:
    # micrograd's closures form a cycle per node: its graphs outlive their last reference until the GC runs
    micrograd = pytest.importorskip("micrograd.engine", reason="micrograd is the control case (pip install micrograd)")
    held, left = _memory_left_after_dropping(lambda: _graph_of(micrograd.Value, 100))  # recursive backward
    assert left > 0.5 * held


# --- no_grad -----------------------------------------------------------------


def test_no_grad_records_no_graph_and_restores_recording() -> None:
    x = Value(2.0)
    with autograd.no_grad():
        assert not autograd.is_grad_enabled()
        y = (x * x).tanh() + autograd.dot([x], [x])
        with autograd.no_grad():
            pass
        assert not autograd.is_grad_enabled()
    assert autograd.is_grad_enabled()
    assert y.is_leaf() and y.op is None and y.parents == ()
    s = sympy.Symbol("x")
    assert close(y.data, evaluate(sympy.tanh(s * s) + s * s, [s], (2.0,)))
    assert not (x * x).is_leaf()


def test_no_grad_is_restored_after_an_exception() -> None:
    with pytest.raises(autograd.DomainError), autograd.no_grad():
        autograd.log(Value(-1.0))
    assert autograd.is_grad_enabled()


def test_no_grad_in_one_thread_does_not_affect_another() -> None:
    entered, recorded = threading.Event(), threading.Event()
    seen: dict[str, Any] = {}

    def worker() -> None:
        entered.wait(10)
        x = Value(1.0)
        seen["enabled"] = autograd.is_grad_enabled()
        seen["parents"] = len((x * 3.0).parents)
        recorded.set()

    thread = threading.Thread(target=worker)
    thread.start()
    with autograd.no_grad():
        entered.set()
        assert recorded.wait(10)
        assert (Value(1.0) * 3.0).is_leaf()
    thread.join(10)
    assert seen == {"enabled": True, "parents": 2}


def test_no_grad_in_a_worker_thread_leaves_the_main_thread_recording() -> None:
    entered, done = threading.Event(), threading.Event()

    def worker() -> None:
        with autograd.no_grad():
            entered.set()
            done.wait(10)

    thread = threading.Thread(target=worker)
    thread.start()
    assert entered.wait(10)
    assert autograd.is_grad_enabled()
    assert not (Value(1.0) * 3.0).is_leaf()
    done.set()
    thread.join(10)


def test_no_grad_is_per_asyncio_task() -> None:
    async def quiet(entered: asyncio.Event, release: asyncio.Event) -> bool:
        with autograd.no_grad():
            entered.set()
            await release.wait()
            return (Value(1.0) * 2.0).is_leaf()

    async def loud(entered: asyncio.Event, release: asyncio.Event) -> bool:
        await entered.wait()
        recorded = not (Value(1.0) * 2.0).is_leaf()
        release.set()
        return recorded

    async def main() -> list[bool]:
        entered, release = asyncio.Event(), asyncio.Event()
        return await asyncio.gather(quiet(entered, release), loud(entered, release))

    assert asyncio.run(main()) == [True, True]


# --- micrograd compatibility -------------------------------------------------
# The same code, from micrograd's README and tests, run on micrograd.engine.Value and on autograd.Value.


def readme_example(Value: type) -> tuple[Any, ...]:
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return g.data, a.grad, b.grad


def sanity_check_example(Value: type) -> tuple[Any, ...]:
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    return y.data, x.grad


@pytest.fixture(scope="module")
def micrograd() -> Any:
    return pytest.importorskip("micrograd.nn", reason="micrograd is the compatibility oracle (pip install micrograd)")


@pytest.mark.parametrize("example", [readme_example, sanity_check_example])
def test_micrograd_examples_give_micrograd_results(example: Callable[..., tuple[Any, ...]], micrograd: Any) -> None:
    from micrograd.engine import Value as MicrogradValue

    assert example(Value) == pytest.approx(example(MicrogradValue), rel=1e-12)


def moons(n: int, seed: int) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles with noise, labels ±1 (as in micrograd's demo)."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.0, math.pi, n)
    upper = rng.random(n) < 0.5
    x = np.where(upper, np.cos(t), 1.0 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    points = np.stack([x, y], axis=1) + rng.normal(0.0, 0.1, (n, 2))
    return points.tolist(), np.where(upper, 1.0, -1.0).tolist()


def _on_deltagrad(model: Any) -> Any:
    """Swap a micrograd MLP's parameters for deltagrad Values with the same numbers."""
    for layer in model.layers:
        for neuron in layer.neurons:
            neuron.w = [Value(w.data) for w in neuron.w]
            neuron.b = Value(neuron.b.data)
    return model


def demo_training(model: Any, Value: type, steps: int = 2) -> list[float]:
    """micrograd's demo.ipynb loop: max-margin loss + L2, SGD with a decaying learning rate."""
    X, y = moons(20, seed=0)
    history = []
    for k in range(steps):
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        history.append(total_loss.data)
    return history + [p.data for p in model.parameters()]


def test_micrograd_mlp_training_gives_micrograd_results(micrograd: Any) -> None:
    from micrograd.engine import Value as MicrogradValue

    random.seed(1337)
    reference = micrograd.MLP(2, [16, 16, 1])
    random.seed(1337)
    ours = _on_deltagrad(micrograd.MLP(2, [16, 16, 1]))
    assert demo_training(ours, Value) == pytest.approx(demo_training(reference, MicrogradValue), rel=1e-9, abs=1e-12)
