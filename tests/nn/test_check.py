"""``check_deltas`` and its report: no false alarms, honest kinks, every rendering, the visualizer hook.

The oracles are autograd and finite differences inside the report itself (and, for the
relative-error claim, the report's own arrays): no expected number is typed in.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import topological_order
from nn import MLP
from nn.deltacheck import CORRECT, check_deltas, equations, random_case
from nn.deltacheck.report import STATUS_COLORS
from tests.nn.helpers import delta_cases

# One hidden layer, several hidden layers, one output, many outputs; square and non-square W.
ARCHITECTURES = [[2, 3, 1], [2, 3, 3, 2], [3, 4, 4, 4, 3], [1, 5, 2], [4, 2, 5]]


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """‖a − b‖∞ / ‖b‖∞: norm-wise, so a tiny entry of b does not blow the ratio up."""
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


@pytest.mark.parametrize(("sizes", "loss", "bias"), delta_cases(ARCHITECTURES), ids=str)
def test_correct_rules_agree_with_autograd_and_finite_differences_to_1e9(sizes, loss, bias):
    model, X, Y = random_case(sizes, loss, bias=bias, seed=7)
    report = check_deltas(model, X, Y, loss)
    assert report.passed, str(report)
    assert report.first_failing_layer is None and report.diagnoses == []
    for q in report.quantities:
        assert relative_error(q.formula, q.autograd) < 1e-9, q.symbol
        if q.finite_difference is not None:
            assert not q.at_kink.any()  # this seed keeps every z away from 0: every entry is checked
            assert relative_error(q.finite_difference, q.autograd) < 1e-9, q.symbol
            assert relative_error(q.formula, q.finite_difference) < 1e-9, q.symbol


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    outputs=st.integers(1, 3),
    loss=st.sampled_from(["squared-error", "cross-entropy"]),
    bias=st.booleans(),
    activation=st.sampled_from(["relu", "relu", "tanh", "sigmoid"]),
    samples=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
)
def test_correct_rules_never_raise_a_false_alarm(sizes, outputs, loss, bias, activation, samples, seed):
    if loss == "cross-entropy":
        outputs = max(outputs, 2)
    model, X, Y = random_case([*sizes, outputs], loss, bias=bias, activation=activation, samples=samples, seed=seed)
    report = check_deltas(model, X, Y, loss, CORRECT)
    assert report.passed, str(report)


def kinked_case() -> tuple[MLP, np.ndarray, np.ndarray]:
    """z^(1)_1 of sample 1 is exactly 0: x = (1, −1) and w^(1)_11 = w^(1)_21 = 0.5, no bias."""
    model, _, Y = random_case([2, 3, 2], seed=2, samples=2)
    W = model.weight_matrix(1)
    W[:, 0] = 0.5
    model.set_weight_matrix(1, W)
    X = np.array([[1.0, -1.0], [0.3, 0.8]])
    return model, X, Y


def test_a_relu_kink_is_reported_as_a_kink_not_a_failure():
    model, X, Y = kinked_case()
    report = check_deltas(model, X, Y)
    assert report.passed, str(report)
    kinked = {e["name"] for e in report.kinks}
    assert kinked == {"w^(1)_11", "w^(1)_21"}  # the two weights that move z^(1)_1 of sample 1
    assert all("z^(1)_1 of sample 1" in e["kink"] for e in report.kinks)
    weights = report.quantity("weight", 1)
    fd, ag = weights.finite_difference[:, 0], weights.autograd[:, 0]
    assert not np.allclose(fd, ag)  # differences straddle the kink: they really cannot check these entries
    assert any("kink" in d and "not checkable by finite differences" in d for d in report.diagnoses)
    assert "at kinks" in str(report)


def test_a_wrong_formula_at_a_kink_still_fails():
    model, X, Y = kinked_case()
    report = check_deltas(model, X, Y, rules="missing-factor-2")
    assert not report.passed
    statuses = {e["name"]: e["status"] for e in report.quantity("weight", 1).entries()}
    assert statuses["w^(1)_11"] == "fail"  # formula vs autograd is still checked at a kink


def test_report_renders_as_text_html_and_json():
    model, X, Y = random_case([2, 3, 3, 2], seed=1)
    report = check_deltas(model, X, Y, rules="missing-factor-2")
    text = str(report)
    assert "\033[" not in text  # no colour codes unless asked
    assert "\033[" in report.render(color=True)
    for symbol in ("δ^(3)", "∂L/∂W^(3)", "δ^(1)", "∂L/∂W^(1)"):
        assert symbol in text
    assert "first failing layer (counting from the output): 3" in text
    html = report._repr_html_()
    assert html.count("<tr>") >= 7 and "factor of 2" in html and "<script" not in html
    data = json.loads(report.to_json())
    assert data["passed"] is False and data["first_failing_layer"] == 3
    assert data["rules"]["name"] == "missing-factor-2"
    entry = data["quantities"][0]["entries"][0]
    assert set(entry) >= {"name", "sample", "formula", "autograd", "finite_difference", "abs_error", "status"}
    assert report.to_dict() == data


def test_annotations_cover_one_sample_graph_and_colour_it():
    model, X, Y = random_case([2, 3, 3, 2], seed=1)
    report = check_deltas(model, X, Y, rules="missing-factor-2")
    notes = report.annotations(sample=2)
    graph = set(topological_order(report.sample_loss(2)))
    assert set(notes) <= graph  # every annotated node is in that sample's graph
    zs = [z for z in notes if (z.label or "").startswith("z^(")]
    assert len(zs) == 3 + 3 + 2
    for z in zs:
        note = notes[z]
        assert "δ formula" in note["text"] and "autograd" in note["text"]
        # erratum 1 halves every δ: an entry is wrong exactly where autograd's δ (z.grad) is not 0
        expected = STATUS_COLORS["fail"] if abs(z.grad) > 1e-12 else STATUS_COLORS["ok"]
        assert note["color"] == expected, (z.label, z.grad, note)
    assert {notes[z]["color"] for z in zs if z.label.startswith("z^(3)")} == {STATUS_COLORS["fail"]}
    assert {notes[z]["color"] for z in zs} == {STATUS_COLORS["ok"], STATUS_COLORS["fail"]}, "both kinds of entry"
    assert report.graph_root.data == pytest.approx(sum(loss.data for loss in report.sample_losses))


def test_model_grads_hold_autograds_gradient_after_the_check():
    model, X, Y = random_case([2, 3, 2], seed=4)
    for p in model.parameters():
        p.grad = 123.0  # stale gradients must not leak into the check
    report = check_deltas(model, X, Y)
    assert report.passed
    np.testing.assert_array_equal(
        report.quantity("weight", 1).autograd, [[n.w[i].grad for n in model.layers[0].neurons] for i in range(2)]
    )


def test_own_rules_sign_flip_mean_and_missing_sigma_prime_are_diagnosed():
    model, X, Y = random_case([2, 4, 4, 2], seed=8)
    flipped = CORRECT.replace(output_delta_squared_error=lambda z, y: 2.0 * (y - z))
    report = check_deltas(model, X, Y, rules=flipped)
    assert report.first_failing_layer == 3 and "sign is flipped" in report.diagnoses[0]
    assert "same factor: formula = -1 × autograd" in report.diagnoses[-1]

    mean = CORRECT.replace(weight_gradient=lambda p, layer, d: np.outer(p.a[layer - 1], d) / len(X))
    report = check_deltas(model, X, Y, rules=mean)
    assert all("factor of N = 4 samples" in d for d in report.diagnoses)

    no_sigma_prime = CORRECT.replace(backward_delta=lambda p, layer, d: p.W[layer] @ d)
    report = check_deltas(model, X, Y, rules=no_sigma_prime)
    assert report.first_failing_layer == 2
    assert "σ'(z^(2)) ⊙ is missing" in report.quantity("delta", 2).diagnosis


def test_a_sigma_prime_that_is_not_the_networks_is_diagnosed():
    model, X, Y = random_case([2, 4, 4, 2], seed=1)
    report = check_deltas(model, X, Y, rules=CORRECT.replace(sigma_prime=equations.sigmoid_prime))
    assert report.first_failing_layer == 2
    assert report.quantity("delta", 2).diagnosis.startswith("δ^(2): the recursion rule is wrong: its σ'")
    other_convention = CORRECT.replace(sigma_prime=lambda z: (z >= 0.0).astype(float))  # differs only at z = 0
    assert check_deltas(model, X, Y, rules=other_convention).passed


def test_the_visualizer_draws_a_report():
    visualize = pytest.importorskip("visualize")
    model, X, Y = random_case([2, 3, 2], seed=1)
    report = check_deltas(model, X, Y, rules="missing-factor-2")
    source = visualize.draw(report.sample_loss(1), annotations=report.annotations(1)).source
    assert source.count("δ formula =") == 3 + 2  # every z of sample 1
    assert "red" in source and "green" in source  # δ^(2) wrong, δ^(1) right where its ReLU is off


def test_a_rule_that_raises_is_reported_not_raised():
    def broken(p, layer, d):
        raise RuntimeError("not written yet")

    model, X, Y = random_case([2, 3, 2], seed=0)
    report = check_deltas(model, X, Y, rules=CORRECT.replace(backward_delta=broken))
    assert not report.passed and report.first_failing_layer == 1
    assert "not written yet" in report.quantity("delta", 1).problem


def test_bad_arguments_say_what_is_wrong():
    model, X, Y = random_case([2, 3, 2], seed=0)
    with pytest.raises(ValueError, match="unknown loss"):
        check_deltas(model, X, Y, loss="hinge-ish")
    with pytest.raises(ValueError, match="N × 2"):
        check_deltas(model, X[:, :1], Y)
    with pytest.raises(KeyError, match="choose one of"):
        check_deltas(model, X, Y, rules="no-such-rules")
    with pytest.raises(ValueError, match="class indices"):
        check_deltas(model, X, np.array([0, 5, 1, 0]), loss="cross-entropy")


def test_class_indices_are_one_hot_targets():
    model, X, Y = random_case([2, 3, 3], "cross-entropy", seed=6)
    by_index = check_deltas(model, X, Y.argmax(axis=1), loss="cross-entropy")
    by_one_hot = check_deltas(model, X, Y, loss="cross-entropy")
    assert by_index.passed and by_one_hot.passed
    np.testing.assert_array_equal(by_index.quantity("delta", 2).autograd, by_one_hot.quantity("delta", 2).autograd)


@pytest.mark.parametrize("output", ["tanh", "sigmoid", "relu"])
def test_a_nonlinear_output_layer_is_checked_with_its_sigma_prime(output):
    _, X, Y = random_case([2, 3, 2], seed=0)
    model = MLP(2, [3, 2], seed=0, output_activation=output)
    for loss in ("squared-error", "half-squared-error"):
        assert check_deltas(model, X, Y, loss).passed
    no_sigma_prime = CORRECT.replace(output_delta_squared_error=lambda z, y, a: 2.0 * (a - y))
    report = check_deltas(model, X, Y, rules=no_sigma_prime)
    assert f"σ'(z^(m)) is missing at the output: the output layer has σ = {output}" in report.diagnoses[0]
    with pytest.raises(ValueError, match=f"reads the output z\\^\\(m\\) as logits.*σ = {output}"):
        check_deltas(model, X, np.eye(2)[[0, 1, 1, 0]], loss="cross-entropy")
