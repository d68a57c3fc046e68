"""``autograd.compile``: a replay on a batch gives what eager forward and backward give, row by row.

The oracle is the engine itself, run eagerly on each row's own graph: the loss of
every row, and every parameter's gradient summed over the rows, must agree to a
relative 1e-12. Every op of the table is replayed (parametrized over ``OPS``, so a
new op is covered as soon as it has a spec), random graphs from ``test_graphs``'
plans are replayed, and so are whole networks with each loss. A replay must never
compute another graph than the one traced: ``check`` finds a branch on ``.data``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import OPS, CompileError, DomainError, OverflowInOpError, Value
from autograd.replay_plan import MatmulStep
from tests.autograd.op_specs import spec_of
from tests.autograd.test_graphs import Plan, plans

REL = 1e-12


def assert_close(got: np.ndarray, want: np.ndarray, what: str, magnitude: float = 0.0) -> None:
    """Within REL of the largest of ``want`` — or of ``magnitude``, the largest value the graph computed on the
    way, since eager's n-ary sums are correctly rounded and a vectorized replay's need not be when terms cancel."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    scale = max(float(np.max(np.abs(want), initial=0.0)), magnitude, 1e-300)
    assert np.all(np.abs(got - want) <= REL * scale), f"{what}: replay {got}, eager {want}"


def _absolute_backward(order: list[Value], parameters: list[Value]) -> float:
    """The largest Σ over paths of |∏ local derivatives| into a parameter: the chain rule on absolute values, the
    scale of the terms each gradient adds up (a gradient that cancels to 0 is exact only up to these terms)."""
    size = {id(order[-1]): 1.0}
    for v in reversed(order):
        if v.op is None:
            continue
        for p, d in zip(v.parents, v.op.partials(v.data, v.arg, *[p.data for p in v.parents]), strict=True):
            size[id(p)] = size.get(id(p), 0.0) + size.get(id(v), 0.0) * abs(float(d))
    return max((size.get(id(p), 0.0) for p in parameters), default=0.0)


def eager(build, rows: np.ndarray, parameters: list[Value]) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Each row's loss from its own eager graph, Σ_rows ∂loss/∂p per parameter, and the largest |value| and the
    largest |gradient| computed on the way (the scales that cancelling terms leave their rounding at)."""
    for p in parameters:
        p.grad = 0.0
    losses, magnitude, grad_magnitude = [], 0.0, 0.0
    for row in rows:
        loss = build([Value(v) for v in row])
        loss.backward()
        losses.append(loss.data)
        order = autograd.topological_order(loss)
        magnitude = max(magnitude, max(abs(v.data) for v in order))
        grad_magnitude = max(grad_magnitude, _absolute_backward(order, parameters))
    grads = np.array([p.grad for p in parameters])
    for p in parameters:
        p.grad = 0.0
    return np.array(losses), grads, magnitude, grad_magnitude


def replay(build, n_inputs: int, rows: np.ndarray, parameters: list[Value]) -> tuple[np.ndarray, np.ndarray, float]:
    inputs = [Value(v) for v in rows[0][:n_inputs]]
    f = autograd.compile(build(inputs), inputs)
    per_row = f(rows, backward=False)
    for p in parameters:
        p.grad = 0.0
    total = f(rows)
    grads = np.array([p.grad for p in parameters])
    for p in parameters:
        p.grad = 0.0
    return per_row, grads, total


def compare(build, rows: np.ndarray, parameters: list[Value], what: str) -> None:
    want_losses, want_grads, magnitude, grad_magnitude = eager(build, rows, parameters)
    per_row, grads, total = replay(build, rows.shape[1], rows, parameters)
    assert_close(per_row, want_losses, f"{what}: per-row losses", magnitude)
    assert total == pytest.approx(math.fsum(want_losses), rel=REL, abs=REL * magnitude * len(rows) + 1e-300)
    assert_close(grads, want_grads, f"{what}: Σ_rows ∂loss/∂p", grad_magnitude * len(rows))


# --- every op of the table ----------------------------------------------------------


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_every_op_replays_as_eager(name: str, data: st.DataObject) -> None:
    spec = spec_of(name)
    p = data.draw(spec.points)
    # rows: the point scaled entrywise by factors in [0.5, 2] (same signs: inside the op's domain)
    factors = np.array(data.draw(st.lists(st.lists(st.floats(0.5, 2.0), min_size=len(p.x), max_size=len(p.x)),
                                          min_size=1, max_size=6)))  # fmt: skip
    rows = np.array(p.x) * factors
    scales = [Value(1.0) for _ in p.x]  # x_i · s_i with s_i = 1: ∂/∂s_i is the op's i-th partial times x_i

    def build(xs: list[Value]) -> Value:
        return spec.call(p.c, *[x * s for x, s in zip(xs, scales, strict=True)])

    compare(build, rows, scales, f"{name} at c={p.c}")


@given(plans(max_steps=12), st.data())
def test_random_graphs_replay_as_eager(plan: Plan, data: st.DataObject) -> None:
    # the first input varies per row; the others are parameters (shared by every row)
    weights = [Value(x) for x in plan.inputs[1:]]
    rows = np.array(data.draw(st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=5)))[:, None]

    def build(xs: list[Value]) -> Value:
        return plan.build([*xs, *weights])

    try:
        eager(build, rows, weights)
    except (ArithmeticError, ValueError):  # a row outside some op's domain: not this test's subject
        return
    compare(build, rows, weights, f"{plan}")


# --- networks, losses, layers as matrix products -------------------------------------


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("loss", ["squared-error", "cross-entropy", "binary-cross-entropy", "hinge"])
def test_mlp_losses_replay_as_eager(activation: str, loss: str) -> None:
    from nn import MLP, get_loss

    n_out = 1 if loss == "binary-cross-entropy" else 3
    model = MLP(2, [5, 4, n_out], activation=activation, seed=3)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 2))
    Y = np.eye(n_out)[rng.integers(0, n_out, 7)] if n_out > 1 else rng.integers(0, 2, (7, 1)).astype(float)
    if loss == "hinge":
        Y = 2.0 * Y - 1.0

    def build(xs: list[Value]) -> Value:
        return get_loss(loss)(model(xs[:2]), xs[2:])

    compare(build, np.hstack([X, Y]), model.parameters(), f"{activation} MLP, {loss}")


def test_a_layer_of_dot_nodes_is_one_matrix_product() -> None:
    from nn import MLP

    model = MLP(2, [16, 16, 1], seed=0)
    x, y = [Value(0.0), Value(0.0)], Value(0.0)
    f = autograd.compile((model(x) - y) ** 2, [*x, y])
    layers = [s for s in f._plan.steps if type(s) is MatmulStep]
    assert [s.shape for s in layers] == [(16, 2), (16, 16), (1, 16)]
    assert all(isinstance(s.w, slice) for s in layers), "each layer's W should be read as a view of θ"


def _layers(kind: str) -> tuple:
    """A small two-layer graph whose layers are laid out in a way the plan must handle: (build, n_inputs, params)."""
    W = [[Value(0.3 * i - 0.2 * j + 0.1) for j in range(3)] for i in range(4)]
    b = [Value(0.05 * i - 0.1) for i in range(4)]
    v = [Value(0.7 - 0.3 * i) for i in range(4)]

    def build(xs: list[Value]) -> Value:
        x, t = xs[:3], xs[3]
        if kind == "permuted inputs, no bias":  # a layer reads the inputs out of order: its A is gathered
            h = [autograd.dot([x[2], x[0], x[1]], W[i]) for i in range(4)]
        elif kind == "shared weights":  # two neurons share a weight Value: [W | b] is gathered from θ
            h = [autograd.dot(x, [W[i][0], W[0][1], W[i][2]], b[i]) for i in range(4)]
        elif kind == "two layers on the inputs":  # the second reads rows with no row of ones after them
            h = [autograd.dot(x, W[i], b[i]) for i in range(2)] + [autograd.dot(x[:2], W[i][:2], b[i]) for i in (2, 3)]
        elif kind == "repeated input":  # a dot reads one input twice
            h = [autograd.dot([x[0], x[0], x[1]], W[i], b[i]) for i in range(4)]
        else:  # a hidden node feeds both the layer above and the loss: its ∂ is a sum of two contributions
            h = [autograd.dot(x, W[i], b[i]) for i in range(4)]
        a = [hi.tanh() for hi in h]
        if kind == "reused hidden node":
            return (autograd.dot(a, v) - t) ** 2 + a[1] * a[1]
        return (autograd.dot(a[::-1], v, b[0]) - t) ** 2

    return build, 4, [p for row in W for p in row] + b + v


@pytest.mark.parametrize(
    "kind",
    ["permuted inputs, no bias", "two layers on the inputs", "shared weights", "repeated input", "reused hidden node"],
)
def test_layers_laid_out_any_way_replay_as_eager(kind: str) -> None:
    build, n_inputs, params = _layers(kind)
    rows = np.random.default_rng(1).normal(size=(6, n_inputs))
    compare(build, rows, params, kind)


def test_gradient_is_f_without_touching_p_grad_and_any_batch_size_works() -> None:
    build, n_inputs, params = _layers("shared weights")
    inputs = [Value(0.0) for _ in range(n_inputs)]
    f = autograd.compile(build(inputs), inputs)
    rng = np.random.default_rng(2)
    for n in (5, 1, 5, 3, 7, 2, 9):  # more sizes than the replay keeps tables for
        rows = rng.normal(size=(n, n_inputs))
        for p in params:
            p.grad = 0.25
        total, theta, grads, _ = f.gradient(rows, seed=0.5)
        assert [p.grad for p in params] == [0.25] * len(params)
        assert theta.tolist() == [p.data for p in f.parameters]
        assert f(rows, seed=0.5) == total
        assert [p.grad for p in f.parameters] == (grads + 0.25).tolist()  # the same sums, then added to p.grad
        _, want, *_ = eager(build, rows, f.parameters)
        assert_close(grads, 0.5 * want, f"batch of {n}")


def test_parameters_are_read_at_each_call_so_an_optimizer_loop_works() -> None:
    w = Value(0.5)
    x = Value(1.0)
    f = autograd.compile((x * w - 1.0) ** 2, [x])
    batch = np.array([[1.0], [2.0], [-1.0]])
    for _ in range(3):
        w.grad = 0.0
        f(batch)
        got = w.grad
        _, want, *_ = eager(lambda xs: (xs[0] * w - 1.0) ** 2, batch, [w])
        assert got == pytest.approx(want[0], rel=REL)
        w.data -= 0.1 * got


def test_values_returns_the_nodes_of_each_row() -> None:
    x, w = Value(0.0), Value(3.0)
    z = x * w
    f = autograd.compile(z.relu(), [x])
    losses, values = f(np.array([[1.0], [-2.0]]), backward=False, values=[z, w, x])
    assert losses.tolist() == [3.0, 0.0]
    assert values.tolist() == [[3.0, 3.0, 1.0], [-6.0, 3.0, -2.0]]


# --- a replay never computes another graph --------------------------------------------


def test_check_finds_a_graph_that_branches_on_the_data() -> None:
    w = Value(2.0)

    def branching(xs: list[Value]) -> Value:
        x = xs[0]
        return x * w if x.data > 0 else x * x  # the graph depends on the sign of x

    inputs = [Value(1.0)]
    f = autograd.compile(branching(inputs), inputs)
    f.check(np.array([[3.0], [0.5]]), branching)  # same side: the same graph
    with pytest.raises(CompileError, match="row 1 of the batch builds a different graph"):
        f.check(np.array([[3.0], [-0.5]]), branching)


def test_check_accepts_relu_and_cross_entropy_whose_choices_are_ops() -> None:
    from nn import MLP, cross_entropy

    model = MLP(2, [4, 3], seed=1)

    def build(xs: list[Value]) -> Value:
        return cross_entropy(model(xs[:2]), xs[2:])

    inputs = [Value(v) for v in (0.1, 0.2, 1.0, 0.0, 0.0)]
    f = autograd.compile(build(inputs), inputs)
    f.check(np.array([[5.0, -5.0, 0.0, 1.0, 0.0], [-3.0, 2.0, 0.0, 0.0, 1.0]]), build)


# --- errors ----------------------------------------------------------------------------


def test_an_overflow_in_a_row_names_the_op() -> None:
    x = Value(0.0)
    f = autograd.compile(x.exp() * 0.0, [x])
    with pytest.raises(OverflowInOpError, match="exp"):
        f(np.array([[1.0], [1000.0]]))


def test_a_row_outside_the_domain_names_the_op() -> None:
    x = Value(1.0)
    f = autograd.compile(x.log(), [x])
    with pytest.raises(DomainError, match="log"):
        f(np.array([[1.0], [-1.0]]))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda x: (x * 2.0, [x * 1.0]), "must be leaves"),
        (lambda x: (x * 2.0, [x, x]), "the same Value twice"),
        (lambda x: (x, [x]), "not a leaf"),
        (lambda x: (x * 2.0, [3.0]), "expected a Value"),
    ],
)
def test_compile_refuses_what_it_cannot_replay(make, message: str) -> None:
    loss, inputs = make(Value(1.0))
    with pytest.raises((TypeError, ValueError), match=message):
        autograd.compile(loss, inputs)


@pytest.mark.parametrize("batch", [np.zeros((3, 2)), np.zeros(3), np.zeros((0, 1)), [["a"]]])
def test_a_batch_of_the_wrong_shape_is_refused(batch) -> None:
    x = Value(1.0)
    f = autograd.compile(x * x, [x])
    with pytest.raises((TypeError, ValueError), match=r"shape \(N, 1\)"):
        f(batch)


@given(st.data())
def test_a_class_index_per_node_is_each_class_alone(data: st.DataObject) -> None:
    # a replay groups the −log p_c nodes of every class c: arrays.logsumexp and softmax take one c per node
    # and must give, bit for bit, what each node's own c gives (ties and infinities included)
    from autograd import arrays

    J, N = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 4))
    number = st.one_of(st.floats(-1e3, 1e3), st.sampled_from([0.0, 1e300, -1e300, math.inf, -math.inf]))
    z = [np.array([data.draw(st.lists(number, min_size=N, max_size=N))]) for _ in range(J)]
    c = np.array(data.draw(st.lists(st.integers(0, J - 1), min_size=1, max_size=4)))[:, None]
    with np.errstate(all="ignore"):
        together = arrays.logsumexp(c, *z)
        for i, ci in enumerate(c[:, 0].tolist()):
            assert np.array_equal(together[i], arrays.logsumexp(ci, *z)[0], equal_nan=True)
        if all(np.isfinite(x).all() for x in z):
            p = arrays.softmax(c, *z)
            for i, ci in enumerate(c[:, 0].tolist()):
                assert np.array_equal(p[:, i], arrays.softmax(ci, *z)[:, 0])
