"""Nothing the engine is given makes it lie: one test (or property) per class of hostile input.

Classes: gradients that overflow from finite numbers (every path: backward, grad, create_graph,
by hand), seeds that are not finite numbers, NaN given to any op of the table, four threads on one
graph, pickle/deepcopy of deep graphs and models, and n-ary sums at the float limits (against
``fractions``). Hypothesis draws engine inputs across the whole float range, limits included.
"""

from __future__ import annotations

import copy
import math
import pickle
import sys
import threading
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import OPS, BackwardError, DomainError, NonFiniteGradientError, OverflowInOpError, Value
from tests.autograd.op_specs import spec_of

EXTREME = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([sys.float_info.max, -sys.float_info.max, 5e-324, -5e-324, 1e-200, 1e200, 1e154, 0.0]),
)
REFUSALS = (DomainError, OverflowInOpError, BackwardError, ZeroDivisionError)


# --- gradients are checked like values ---------------------------------------------------------


def test_the_issues_case_raises_naming_log_and_its_operand_on_every_path():
    x = Value(1e-200, label="x")
    y = x.log() * 1e200
    for run in (
        lambda: y.backward(),
        lambda: autograd.grad(y, [x]),
        lambda: autograd.grad(y, [x], create_graph=True),
        lambda: list(autograd.backward_steps(y)),
    ):
        with pytest.raises(NonFiniteGradientError, match=r"log\(1e-200\)") as error:
            run()
        assert error.value.op == "log"
    y.grad = 1e200
    with pytest.raises(NonFiniteGradientError, match="log"):
        y._backward()  # ... and by hand (it seeds the log node, which then overflows into x)
        y.parents[0]._backward()


def test_infinity_in_the_data_passes_on_as_infinity():
    x = Value(math.inf)
    y = x.exp() * 2.0
    y.backward()
    assert x.grad == math.inf


MAKE = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "exp": lambda a, b: a.exp(),
    "log": lambda a, b: a.log(),
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: a.sigmoid(),
    "dot": lambda a, b: autograd.dot([a, b], [b, a]),
}


def _random_graph(data: st.DataObject, xs: list[Value]) -> Value:
    nodes = list(xs)
    for _ in range(data.draw(st.integers(1, 6))):
        name = data.draw(st.sampled_from(sorted(MAKE)))
        a, b = data.draw(st.sampled_from(nodes)), data.draw(st.sampled_from(nodes))
        nodes.append(MAKE[name](a, b))
    return nodes[-1]


@settings(max_examples=150, deadline=None)
@given(data=st.data(), x=st.lists(EXTREME, min_size=1, max_size=3))
def test_finite_inputs_give_finite_gradients_or_a_named_error_on_every_path(data, x):
    xs = [Value(v) for v in x]
    try:
        y = _random_graph(data, xs)
    except REFUSALS:
        return  # the forward refused, naming the op (test_errors checks the messages)
    assert math.isfinite(y.data)
    for path in ("backward", "grad", "create_graph"):
        try:
            if path == "backward":
                for v in xs:
                    v.grad = 0.0
                y.backward()
                grads = [v.grad for v in xs]
            else:
                grads = [float(g) for g in autograd.grad(y, xs, create_graph=path == "create_graph")]
        except REFUSALS as exc:
            assert str(exc), path
            continue
        assert all(math.isfinite(g) for g in grads), f"{path} let a non-finite gradient through: {grads}"


@pytest.mark.parametrize("seed", [None, "1.5", True, [1.0], math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("path", ["backward", "grad", "create_graph", "steps"])
def test_a_seed_that_is_not_a_finite_number_is_a_clear_error(seed, path):
    x = Value(2.0)
    y = x * x
    run = {
        "backward": lambda: y.backward(seed),
        "grad": lambda: autograd.grad(y, [x], seed=seed),
        "create_graph": lambda: autograd.grad(y, [x], seed=seed, create_graph=True),
        "steps": lambda: list(autograd.backward_steps(y, seed)),
    }[path]
    error = ValueError if isinstance(seed, float) else TypeError
    with pytest.raises(error, match="seed"):
        run()
    assert x.grad == 0.0 and y.grad == 0.0  # nothing was half-done


# --- NaN never disappears -----------------------------------------------------------------------


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
@settings(max_examples=10)
def test_nan_given_to_any_op_is_refused_naming_it(name, data):
    spec = spec_of(name)
    p = data.draw(spec.points)
    k = data.draw(st.integers(0, len(p.x) - 1))
    x = [math.nan if i == k else v for i, v in enumerate(p.x)]
    with pytest.raises(DomainError, match="NaN") as error:
        spec.call(p.c, *map(Value, x))
    assert error.value.op == name


def test_relu_of_nan_is_no_longer_zero_and_an_mlp_says_so():
    nn = pytest.importorskip("nn")
    with pytest.raises(DomainError, match="NaN"):
        Value(math.nan).relu()
    with pytest.raises(DomainError, match="NaN"):
        nn.MLP(2, [3, 1], seed=0)([math.nan, 1.0])


def test_a_nan_made_from_infinities_is_refused_too():
    with pytest.raises(DomainError, match=r"sub\(inf, inf\)"):
        Value(math.inf) - math.inf


# --- threads --------------------------------------------------------------------------------------


def test_four_threads_backpropagating_one_graph_give_four_passes():
    x, w = Value(0.5, label="x"), Value(-1.5, label="w")
    y = x
    for _ in range(3000):
        y = (y * w).tanh() + x
    y.backward()
    once = x.grad
    x.grad = w.grad = 0.0
    start = threading.Barrier(4)

    def run() -> None:
        start.wait()
        y.backward()

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for _ in range(3):
            x.grad = w.grad = 0.0
            threads = [threading.Thread(target=run) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert x.grad == pytest.approx(4 * once, rel=1e-12)
    finally:
        sys.setswitchinterval(old)


# --- copying ----------------------------------------------------------------------------------------


def _chain(depth: int) -> tuple[Value, Value]:
    x = Value(0.5, label="x")
    x.m = 0.25  # an attribute of the user's own travels too
    y = x
    for k in range(depth):
        y = y * 0.999 if k % 2 else y + 0.001
    return x, y


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_deep_graph_copies_without_recursion(how):
    x, y = _chain(10_000)
    y.backward()
    copied_x, copied_y = pickle.loads(pickle.dumps((x, y))) if how == "pickle" else copy.deepcopy((x, y))
    assert copied_y is not y and copied_y.data == y.data and copied_x.m == 0.25
    assert autograd.topological_order(copied_y)[0] is copied_x  # the leaf is shared, as in the original
    assert [v.grad for v in autograd.topological_order(copied_y)] == [v.grad for v in autograd.topological_order(y)]
    copied_x.grad = 0.0
    copied_y.backward()
    assert copied_x.grad == x.grad


@settings(max_examples=40, deadline=None)
@given(data=st.data(), x=st.lists(st.floats(-3, 3), min_size=1, max_size=3))
def test_any_graph_survives_a_round_trip_bit_for_bit(data, x):
    xs = [Value(v, label=f"x{i}") for i, v in enumerate(x)]
    try:
        y = _random_graph(data, xs)
    except REFUSALS:
        return
    y.label = "y"
    back = pickle.loads(pickle.dumps(y))
    ours, theirs = autograd.topological_order(y), autograd.topological_order(back)
    assert [(v.data, v.label, v.op, v.arg, len(v.parents)) for v in ours] == [
        (v.data, v.label, v.op, v.arg, len(v.parents)) for v in theirs
    ]


def test_an_nn_model_pickles_and_deepcopies():
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [4, 1], seed=3)
    for other in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert other([0.3, -0.7]).data == model([0.3, -0.7]).data
        assert all(p is not q for p, q in zip(other.parameters(), model.parameters(), strict=True))


# --- n-ary sums at the float limits ------------------------------------------------------------------


def _rounded(exact: Fraction) -> float | None:
    """The float nearest ``exact``, or None when that is beyond the largest float."""
    try:
        return float(exact)
    except OverflowError:
        return None


@settings(max_examples=300)
@given(st.lists(EXTREME, min_size=1, max_size=6))
def test_sum_is_the_exact_sum_correctly_rounded(x):
    want = _rounded(sum(map(Fraction, x), Fraction(0)))
    if want is None:
        with pytest.raises(OverflowInOpError):
            autograd.sum(x)
    else:
        assert autograd.sum(x).data == want


@settings(max_examples=300)
@given(st.lists(st.tuples(EXTREME, EXTREME), min_size=1, max_size=5), st.one_of(st.none(), EXTREME))
def test_dot_is_the_exact_dot_within_its_rounding_bound(pairs, b):
    a, w = [p[0] for p in pairs], [p[1] for p in pairs]
    terms = [Fraction(x) * Fraction(y) for x, y in pairs] + ([] if b is None else [Fraction(b)])
    want = _rounded(sum(terms, Fraction(0)))
    if want is None:
        with pytest.raises(OverflowInOpError):
            autograd.dot(a, w, b)
        return
    got = autograd.dot(a, w, b).data
    bound = sum(abs(t) for t in terms) * Fraction(len(terms), 2**52) + Fraction(len(terms), 2**1074)
    assert abs(Fraction(got) - Fraction(want)) <= bound, (got, want)


@given(st.floats(1e154, 1e308), st.floats(1e154, 1e308))
def test_dot_cancels_exactly_where_products_overflow(a, w):
    assert autograd.dot([a, a], [w, -w]).data == 0.0
    assert autograd.dot([1e200, 1e200], [1e200, -1e200]).data == 0.0
