"""``check_deltas`` with the losses, reductions and target forms of issue 11, and what it refuses to judge.

Each new diagnosis is planted as a user's rule and must be named; each rule that returns something no
number can be compared with (inf, nan, complex) must be reported as that rule's error, never diagnosed.
"""

from __future__ import annotations

import numpy as np
import pytest

from nn.deltacheck import CORRECT, check_deltas, equations, random_case


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


@pytest.mark.parametrize("loss", ["squared-error", "half-squared-error", "cross-entropy", "binary-cross-entropy"])
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_the_correct_rules_pass_every_loss_and_reduction(loss, reduction):
    model, X, Y = random_case([2, 3, 3], loss if loss == "cross-entropy" else "squared-error", bias=True, seed=4)
    if loss == "binary-cross-entropy":
        Y = (Y > 0).astype(float)
    report = check_deltas(model, X, Y, loss, reduction=reduction)
    assert report.passed, str(report)
    assert report.to_dict()["reduction"] == reduction


def test_rules_get_N_and_class_indices_when_they_ask_for_them():
    model, X, Y = random_case([2, 4, 3], "cross-entropy", bias=True, samples=5, seed=2)
    y = Y.argmax(axis=1)
    seen = []

    def cs231n(z, y, N):  # y is a class index, as CS231n's dscores[range(N), y] -= 1 expects
        seen.append((type(y), N))
        d = softmax(z)
        d[y] -= 1
        return d / N

    mean = CORRECT.replace(output_delta_cross_entropy=cs231n)
    assert check_deltas(model, X, y, "cross-entropy", mean, reduction="mean", targets="index").passed
    assert {(t, n) for t, n in seen} == {(int, 5)}
    report = check_deltas(model, X, y, "cross-entropy", mean, reduction="sum", targets="index")
    assert "factor of N = 5 samples" in report.diagnoses[0]
    sum_rule = CORRECT.replace(output_delta_cross_entropy=lambda z, y: softmax(z) - y)
    report = check_deltas(model, X, Y, "cross-entropy", sum_rule, reduction="mean")
    assert "the loss is a mean" in report.diagnoses[0]


@pytest.mark.parametrize(
    ("loss", "rule", "words"),
    [
        ("cross-entropy", lambda z, y: softmax(z), "p without − y"),
        ("squared-error", lambda z, y: 2 * (z - y) * equations.relu_prime(z), "the output layer is linear"),
        ("half-squared-error", lambda z, y: 2 * (z - y), "the ½ cancels the 2"),
        ("binary-cross-entropy", lambda z, y: equations.sigmoid(z), "σ(z) without − y"),
    ],
    ids=["softmax-without-y", "sigma-prime-at-linear-output", "half-doubled", "bce-without-y"],
)
def test_new_output_delta_mistakes_are_named(loss, rule, words):
    model, X, Y = random_case([2, 3, 3], "cross-entropy" if loss == "cross-entropy" else "squared-error", seed=6)
    if loss == "binary-cross-entropy":
        Y = (Y > 0).astype(float)
    report = check_deltas(model, X, Y, loss, CORRECT.replace(**{f"output_delta_{loss.replace('-', '_')}": rule}))
    assert report.first_failing_layer == 2 and words in report.quantity("delta", 2).diagnosis, report.diagnoses


def test_the_transposed_recursion_on_a_square_layer_is_named():
    model, X, Y = random_case([2, 3, 3, 3], seed=3)
    transposed = CORRECT.replace(backward_delta=lambda p, layer, d: p.sigma_prime(p.z[layer - 1]) * (p.W[layer].T @ d))
    report = check_deltas(model, X, Y, rules=transposed)
    assert "Nielsen's Wᵀδ" in report.quantity("delta", 2).diagnosis
    assert "only the values show it" in report.quantity("delta", 1).diagnosis


@pytest.mark.parametrize(
    ("rule", "words"),
    [(lambda z, y: 2 * (z - y) / 0.0, "non-finite"), (lambda z, y: 2 * (z - y) + 0j, "complex numbers")],
    ids=["inf", "complex"],
)
def test_a_rule_returning_inf_or_complex_is_that_rules_named_error(rule, words):
    model, X, Y = random_case([2, 3, 2], seed=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        report = check_deltas(model, X, Y, rules=CORRECT.replace(output_delta_squared_error=rule))
    q = report.quantity("delta", 2)
    assert not report.passed and q.formula is None and words in q.problem
    assert q.diagnosis.startswith("δ^(2): the rule for δ^(2) returned") and words in q.diagnosis
    assert "factor" not in " ".join(report.diagnoses)


@pytest.mark.parametrize(
    ("Y", "kw", "words"),
    [
        (np.full((4, 2), 0.5) + np.array([0.1, 0.0]), {}, "probability vector"),
        (np.array([0, 1, 2, 1]), {}, "class indices must lie in 0..1"),
        (np.array([0, 1, 1, 0]), {"targets": "onehot"}, "Pass targets='index'"),
    ],
)
def test_targets_cross_entropy_cannot_judge_are_refused(Y, kw, words):
    model, X, _ = random_case([2, 3, 2], "cross-entropy", seed=1)
    with pytest.raises(ValueError, match=words):
        check_deltas(model, X, Y, "cross-entropy", **kw)


def nielsen_rules(transpose=True):
    """Per-line rules in Nielsen's shapes: w^l is n_l × n_{l−1}, every vector an (n, 1) column."""

    def backward(p, layer, delta):
        w = p.W[layer].transpose() if transpose else p.W[layer]
        return np.dot(w, delta) * equations.sigmoid_prime(p.z[layer - 1])

    return CORRECT.replace(
        output_delta_half_squared_error=lambda z, y, a, sigma_prime: (a - y) * sigma_prime(z),
        backward_delta=backward,
        weight_gradient=lambda p, layer, delta: np.dot(delta, p.a[layer - 1].transpose()),
        bias_gradient=lambda p, layer, delta: delta,
    )


def test_rules_written_in_nielsens_layout_are_checked_in_it():
    model, X, Y = random_case([2, 3, 3, 2], activation="sigmoid", bias=True, seed=5)
    assert check_deltas(model, X, Y, "half-squared-error", nielsen_rules(), layout="nielsen").passed
    assert not check_deltas(model, X, Y, "half-squared-error", nielsen_rules(), layout="notes").passed
    report = check_deltas(model, X, Y, "half-squared-error", nielsen_rules(transpose=False), layout="nielsen")
    assert "np.dot(self.weights[-l+1].transpose(), delta)" in report.quantity("delta", 1).diagnosis
    with pytest.raises(ValueError, match="layout='batch' is for a whole backprop"):
        check_deltas(model, X, Y, "half-squared-error", nielsen_rules(), layout="batch")
