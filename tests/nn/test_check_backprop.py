"""``check_backprop`` on whole backprops written in three authors' styles (``tests/nn/authors.py``).

Each correct derivation must pass; each planted mistake must be named, at the layer where it starts,
with the layers below marked as inheriting it. The oracles are autograd and finite differences inside
the report; the expected words are the diagnosis, never a number.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn import MLP
from nn.deltacheck.backprop import check_backprop
from nn.deltacheck.returned import BackpropOutputError
from tests.nn.authors import NielsenStyle, cs231n_style, notes_style


def _model(sizes, activation="relu", seed=1, **kw):
    rng = np.random.default_rng(seed)
    model = MLP(sizes[0], sizes[1:], activation=activation, seed=seed, **kw)
    for l, n in enumerate(sizes[1:], start=1):
        model.set_bias_vector(l, rng.normal(0.0, 0.5, size=n))
    return model, rng


def notes_case(sizes=(2, 3, 3, 3), mistake=None):
    model, rng = _model(list(sizes))
    X, Y = rng.normal(size=(4, sizes[0])), rng.normal(size=(4, sizes[-1]))
    W, b = model.export_weights(layout="notes")
    return model, X, Y, lambda x, y: notes_style(W, b, x, y, mistake)


def cs231n_case(hidden=5, mistake=None, reg=0.05):
    model, rng = _model([4, hidden, 3], seed=2)
    X, y = rng.normal(size=(6, 4)), rng.integers(0, 3, size=6)
    W, b = model.export_weights(layout="batch")
    params = {"W1": W[0], "b1": b[0], "W2": W[1], "b2": b[1]}
    return model, X, y, lambda X, y: cs231n_style(params, X, y, reg, mistake)


def nielsen_case(sizes=(2, 3, 3, 3), mistake=None):
    model, rng = _model(list(sizes), activation="sigmoid", seed=3, output_activation="sigmoid")
    X, Y = rng.normal(size=(5, sizes[0])), rng.uniform(size=(5, sizes[-1]))
    weights, biases = model.export_weights(layout="nielsen")
    return model, X, Y, NielsenStyle(weights, biases, mistake).backprop


def check_notes(mistake=None, **kw):
    model, X, Y, bp = notes_case(mistake=mistake, **kw)
    return check_backprop(model, X, Y, bp, layout="notes", loss="squared-error")


def check_cs231n(mistake=None, hidden=5, reg=0.05):
    model, X, y, bp = cs231n_case(hidden, mistake, reg)
    return check_backprop(model, X, y, bp, layout="batch", loss="cross-entropy", reduction="mean", l2=reg,
                          targets="index")  # fmt: skip


def check_nielsen(mistake=None, reduction="mean"):
    model, X, Y, bp = nielsen_case(mistake=mistake)
    return check_backprop(model, X, Y, bp, layout="nielsen", loss="half-squared-error", reduction=reduction,
                          returns="b,W")  # fmt: skip


@pytest.mark.parametrize("check", [check_notes, check_cs231n, check_nielsen], ids=lambda f: f.__name__)
def test_each_authors_correct_derivation_passes(check):
    report = check()
    assert report.passed, str(report)
    assert report.diagnoses == []
    for q in report.quantities:
        if q.finite_difference is not None:
            np.testing.assert_allclose(q.formula, q.finite_difference, rtol=1e-6, atol=1e-8)


def test_nielsen_sum_and_mean_both_pass_a_per_sample_backprop():
    assert check_nielsen(reduction="sum").passed and check_nielsen(reduction="mean").passed


def test_cs231n_bias_kept_as_one_row_is_accepted_not_called_a_mistake():
    _, X, y, bp = cs231n_case()
    assert bp(X, y)["b2"].shape == (1, 3)  # the author's (1, K)
    assert check_cs231n().passed


PLANTED = [
    # (check, mistake, words the diagnosis must contain, the author's name of the layer where it starts)
    (check_notes, "missing-2", "half the right value", "δ^(3)"),
    (check_notes, "transposed-recursion", "transposed weights", "δ^(2)"),
    (check_notes, "sigma-prime-at-linear-output", "the output layer is linear", "δ^(3)"),
    (check_cs231n, "no-divide-by-N", "N = 6 times too large", "dscores"),
    (check_cs231n, "no-minus-y", "p without − y", "dscores"),
    (check_cs231n, "bias-not-summed", "not summed over the batch", "grads['b2']"),
    (check_cs231n, "reg-without-2", "2·l2·W", "grads['W2']"),
    (check_cs231n, "no-reg-gradient", "2·l2·W is missing", "grads['W2']"),
    (check_cs231n, "no-relu-mask", "σ'(z^(1)) ⊙ is missing", "dhidden of layer 1"),
    (check_nielsen, "doubled", "½ cancels the 2", "delta of the book's layer 4"),
    (check_nielsen, "sign", "sign is flipped", "delta of the book's layer 4"),
    (check_nielsen, "no-output-sigma-prime", "σ'(z^(m)) is missing at the output", "delta of the book's layer 4"),
    (check_nielsen, "no-transpose", "transposed weights", "delta of the book's layer 3"),
    (check_nielsen, "sigma-prime-of-a", "evaluated at a^(2)", "delta of the book's layer 3"),
    (check_nielsen, "transposed-nabla-w", "it is transposed", "nabla_w[2]"),
]


@pytest.mark.parametrize(("check", "mistake", "words", "where"), PLANTED, ids=[p[1] for p in PLANTED])
def test_each_planted_mistake_is_named_where_it_starts(check, mistake, words, where):
    report = check(mistake)
    assert not report.passed
    first = report.diagnoses[0]
    assert first.startswith(where) and words in first, report.diagnoses


def test_square_cs231n_layer_transposed_recursion_is_named():
    report = check_cs231n("no-transpose", hidden=3)  # W2 is 3 × 3: no shape error to give it away
    assert "dscores.dot(W2) where the layout needs dscores.dot(W2.T)" in report.diagnoses[0], report.diagnoses


def test_the_error_starts_at_the_output_and_every_layer_below_only_inherits_it():
    report = check_notes("missing-2")
    own = [q for q in report.quantities if not q.passed and not q.inherited]
    assert [(q.kind, q.layer) for q in own] == [("delta", 3)]
    assert all(q.inherited for q in report.quantities if q.layer < 3 and not q.passed)
    assert report.diagnoses[-1].startswith("Inherited: ∂L/∂W^(3), ∂L/∂b^(3), δ^(2)")


def test_a_mistake_in_a_hidden_layer_leaves_the_layers_above_passing():
    report = check_notes("transposed-recursion", sizes=(2, 3, 3, 3))
    assert all(q.passed for q in report.quantities if q.layer == 3)
    assert not report.quantity("delta", 2).inherited and not report.quantity("delta", 2).passed


def test_report_names_the_sample_and_serialises():
    report = check_notes("missing-2")
    data = report.to_dict()
    assert data["passed"] is False
    samples = {e["sample"] for q in data["quantities"] if q["kind"] == "delta" for e in q["entries"]}
    assert samples == {1, 2, 3, 4}


# --- what cannot be judged is refused, with the reason -----------------------------------
def test_wrong_number_of_layers_is_refused():
    model, X, Y, bp = notes_case()
    with pytest.raises(BackpropOutputError, match="returned 2 weight gradients, but the network has 3 layers"):
        check_backprop(model, X, Y, lambda x, y: (bp(x, y)[0][1:], bp(x, y)[1][1:]))


def test_a_notes_backprop_checked_as_nielsen_is_told_which_layout_fits():
    model, X, Y, bp = notes_case(sizes=(2, 3, 4, 2))
    with pytest.raises(BackpropOutputError, match="They would fit layout='notes'"):
        check_backprop(model, X, Y, lambda x, y: bp(x.ravel(), y.ravel()), layout="nielsen")


def test_nielsens_order_without_returns_b_w_is_pointed_out():
    model, X, Y, bp = nielsen_case(sizes=(2, 3, 2))
    with pytest.raises(BackpropOutputError, match="returns='b,W'"):
        check_backprop(model, X, Y, bp, layout="nielsen", loss="half-squared-error")


@pytest.mark.parametrize(("bad", "words"), [(np.nan, "non-finite"), (np.inf, "non-finite"), (1j, "complex")])
def test_non_finite_or_complex_gradients_are_refused(bad, words):
    model, X, Y, bp = notes_case()

    def broken(x, y):
        gW, gb = bp(x, y)
        gW[0] = gW[0] + bad
        return gW, gb

    with pytest.raises(BackpropOutputError, match=words):
        check_backprop(model, X, Y, broken)


def test_a_backprop_that_raises_is_reported_with_how_it_was_called():
    model, X, Y, _ = notes_case()
    with pytest.raises(BackpropOutputError, match=r"raised ZeroDivisionError.*once per sample.*'nielsen' \(n, 1\)"):
        check_backprop(model, X, Y, lambda x, y: 1 / 0)


@pytest.mark.parametrize(
    ("Y", "targets", "words"),
    [
        (np.array([0, 1, 3, 2, 1, 0]), "index", "class indices must lie in 0..2"),
        (np.array([0, 1, 2, 2, 1, 0]), "onehot", "Pass targets='index'"),
        (np.full((6, 3), 0.5), "onehot", "probability vector"),
        (np.array([0.5, 1, 2, 2, 1, 0]), "index", "whole numbers"),
    ],
)
def test_bad_targets_are_refused(Y, targets, words):
    model, X, _, bp = cs231n_case()
    with pytest.raises(ValueError, match=words):
        check_backprop(model, X, Y, bp, layout="batch", loss="cross-entropy", targets=targets)


def test_l2_with_a_per_sample_layout_is_refused():
    model, X, Y, bp = notes_case()
    with pytest.raises(ValueError, match="l2 is checked in the batch layout"):
        check_backprop(model, X, Y, bp, l2=0.1)


# --- export_weights and no false alarms ----------------------------------------------------
def test_exported_nielsen_weights_reproduce_the_models_output():
    model, X, _, _ = nielsen_case()
    weights, biases = model.export_weights(layout="nielsen")
    net = NielsenStyle(weights, biases)
    for x in X:
        a = x.reshape(-1, 1)
        for b, w in zip(net.biases, net.weights, strict=True):
            a = 1.0 / (1.0 + np.exp(-(w @ a + b)))
        np.testing.assert_allclose(a.ravel(), [v.data for v in model.trace(list(x)).a[-1]], rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4), seed=st.integers(0, 2**16))
def test_a_correct_notes_backprop_never_raises_a_false_alarm(sizes, seed):
    model, rng = _model([*sizes, 2], seed=seed)
    X, Y = rng.normal(size=(3, sizes[0])), rng.normal(size=(3, 2))
    W, b = model.export_weights(layout="notes")
    report = check_backprop(model, X, Y, lambda x, y: notes_style(W, b, x, y))
    assert report.passed, str(report)


def test_cs231n_loss_and_grads_pair_is_read_and_a_dict_missing_keys_is_refused():
    model, X, y, bp = cs231n_case()
    kw = dict(layout="batch", loss="cross-entropy", reduction="mean", l2=0.05, targets="index")
    assert check_backprop(model, X, y, lambda X, y: (1.23, bp(X, y)), **kw).passed
    with pytest.raises(BackpropOutputError, match="a dict without b1"):
        check_backprop(model, X, y, lambda X, y: {k: v for k, v in bp(X, y).items() if k != "b1"}, **kw)


@settings(max_examples=15, deadline=None)
@given(hidden=st.integers(1, 6), samples=st.integers(2, 7), seed=st.integers(0, 2**16))
def test_a_correct_cs231n_backward_never_raises_a_false_alarm(hidden, samples, seed):
    model, rng = _model([3, hidden, 3], seed=seed)
    X, y = rng.normal(size=(samples, 3)), rng.integers(0, 3, size=samples)
    W, b = model.export_weights(layout="batch")
    params = {"W1": W[0], "b1": b[0], "W2": W[1], "b2": b[1]}
    report = check_backprop(model, X, y, lambda X, y: cs231n_style(params, X, y, 0.1), layout="batch",
                            loss="cross-entropy", reduction="mean", l2=0.1, targets="index")  # fmt: skip
    assert report.passed, str(report)


EDITS = [
    # a single line of a right CS231n backward changed after the fact, and what the report must say about it
    ("b2 negated", lambda g, N: {**g, "b2": -g["b2"]}, "grads['b2']", "sign is flipped"),
    ("W1 transposed", lambda g, N: {**g, "W1": g["W1"].T}, "grads['W1']", "X.T.dot(dhidden)"),
    ("b1 averaged again", lambda g, N: {**g, "b1": g["b1"] / N}, "grads['b1']", "divided by N = 6 twice"),
]


@pytest.mark.parametrize(("what", "edit", "where", "words"), EDITS, ids=[e[0] for e in EDITS])
def test_a_mistake_in_one_gradient_line_is_pinned_to_that_line(what, edit, where, words):
    model, X, y, bp = cs231n_case()
    report = check_backprop(model, X, y, lambda X, y: edit(bp(X, y), len(X)), layout="batch", loss="cross-entropy",
                            reduction="mean", l2=0.05, targets="index")  # fmt: skip
    assert len(report.diagnoses) == 1 and report.diagnoses[0].startswith(where) and words in report.diagnoses[0]
