"""Each erratum of ``delta-equations.md``, switched on alone, is caught at the right layer(s) and named.

Which errata a network can show depends on its shape, so each case says why it uses
the architecture it does:

- 1 (factor 2) and 2 (garbled cross-entropy) touch only δ^(m): any network shows them,
  and every layer below inherits the error through the recursion.
- 3 (slipped indices) takes σ' of z^(l) instead of z^(l-1): where n_l ≠ n_{l-1} the two
  vectors do not even fit together (a shape mismatch); on 3,3,3,3 they do, and only the
  wrong ReLU mask shows it.
- 4 (first-layer activation) uses σ(x) for a^(0): with ReLU it shows only where some
  input x_i < 0 (random normal inputs have them); with x ≥ 0 it is invisible.
- 5 (uncollapsed sum) shows in a layer with at least two neurons: with one output the
  sum over k has a single term, so the output layer is right by accident.
- 6 (transposed outer product) is a shape mismatch for a non-square W^(l) and a wrong
  matrix of the right shape for a square one (W^(2) of 2,3,3,2).
"""

from __future__ import annotations

import numpy as np
import pytest

from nn.deltacheck import ERRATA, RULE_SETS, check_deltas, random_case


def own_and_inherited(report) -> tuple[set[str], set[str]]:
    failing = [q for q in report.quantities if not q.passed]
    return {q.symbol for q in failing if not q.inherited}, {q.symbol for q in failing if q.inherited}


ALL_BELOW_OUTPUT = {"∂L/∂W^(3)", "δ^(2)", "∂L/∂W^(2)", "δ^(1)", "∂L/∂W^(1)"}

CASES = [
    # rules, loss, architecture, first failing layer, own errors, inherited errors, words in each own diagnosis
    ("missing-factor-2", "squared-error", [2, 3, 3, 2], 3, {"δ^(3)"}, ALL_BELOW_OUTPUT, ["factor of 2", "lose its ½"]),
    ("garbled-cross-entropy", "cross-entropy", [2, 3, 3, 2], 3, {"δ^(3)"}, ALL_BELOW_OUTPUT,
     ["divided by the softmax"]),
    ("slipped-indices", "squared-error", [3, 3, 3, 3], 2, {"δ^(2)", "δ^(1)"}, {"∂L/∂W^(2)", "∂L/∂W^(1)"},
     ["σ' is taken at the wrong layer", "slipped indices"]),
    ("first-layer-activation", "squared-error", [2, 3, 3, 2], 1, {"∂L/∂W^(1)"}, set(), ["applies σ to the input"]),
    ("uncollapsed-sum", "squared-error", [2, 3, 3, 2], 3, {"∂L/∂W^(3)", "∂L/∂W^(2)", "∂L/∂W^(1)"}, set(),
     ["sum over k was not collapsed"]),
    ("uncollapsed-sum", "squared-error", [2, 3, 1], 1, {"∂L/∂W^(1)"}, set(), ["sum over k was not collapsed"]),
    ("transposed-outer-product", "squared-error", [2, 3, 3, 2], 3, {"∂L/∂W^(3)", "∂L/∂W^(2)", "∂L/∂W^(1)"}, set(),
     ["transpose of ∂L/∂W"]),
]  # fmt: skip


@pytest.mark.parametrize(("rules", "loss", "sizes", "first", "own", "inherited", "words"), CASES)
def test_each_erratum_alone_is_caught_at_the_right_layer_with_the_right_diagnosis(
    rules, loss, sizes, first, own, inherited, words
):
    model, X, Y = random_case(sizes, loss, seed=1)
    report = check_deltas(model, X, Y, loss, rules)
    assert not report.passed
    assert report.first_failing_layer == first, str(report)
    assert own_and_inherited(report) == (own, inherited), str(report)
    for q in report.quantities:
        if q.symbol in own:
            rule = {"delta": "output delta" if q.layer == len(sizes) - 1 else "recursion"}.get(
                q.kind, "weight gradient"
            )
            assert q.diagnosis.startswith((f"{q.symbol}: the {rule} rule is wrong: ", f"{q.symbol}: shape mismatch"))
            for w in words:
                assert w in q.diagnosis, (q.symbol, q.diagnosis)
            assert q.diagnosis in report.diagnoses


def test_every_erratum_has_a_case_and_a_rule_set():
    assert {e.name for e in ERRATA} == {c[0] for c in CASES}
    assert [e.number for e in ERRATA] == [1, 2, 3, 4, 5, 6]
    assert set(RULE_SETS) == {"correct", "notes-as-written"} | {e.name for e in ERRATA}


def test_the_factor_2_propagates_down_by_the_same_factor():
    model, X, Y = random_case([2, 3, 3, 2], seed=1)
    report = check_deltas(model, X, Y, rules="missing-factor-2")
    assert "the same factor: formula = 0.5 × autograd" in report.diagnoses[-1]


def test_slipped_indices_on_unequal_widths_is_a_shape_mismatch():
    # 2,3,3,2: σ'(z^(3)) has 2 entries, W^(3)δ^(3) has 3. δ^(1) can still be checked alone (fed
    # autograd's δ^(2)), where n_2 = n_1 = 3 lets the wrong layer's mask through.
    model, X, Y = random_case([2, 3, 3, 2], seed=1)
    report = check_deltas(model, X, Y, rules="slipped-indices")
    assert report.first_failing_layer == 2
    assert "shape mismatch" in report.quantity("delta", 2).diagnosis
    assert "is σ' taken at another layer's z" in report.quantity("delta", 2).diagnosis
    assert "σ'(z^(2))" in report.quantity("delta", 1).diagnosis


def test_transposed_outer_product_is_named_even_when_w_is_square():
    model, X, Y = random_case([2, 3, 3, 2], seed=1)
    report = check_deltas(model, X, Y, rules="transposed-outer-product")
    square = report.quantity("weight", 2)  # 3 × 3: the shape cannot tell
    assert square.formula is not None and "only the values show it" in square.diagnosis
    assert report.quantity("weight", 3).formula is None  # 3 × 2 expected, 2 × 3 given
    assert "shape (2, 3), expected (3, 2)" in report.quantity("weight", 3).diagnosis


def test_first_layer_activation_is_invisible_when_every_input_is_positive():
    model, X, Y = random_case([2, 3, 3, 2], seed=1)
    assert check_deltas(model, np.abs(X), Y, rules="first-layer-activation").passed  # σ(x) = x for x ≥ 0
    assert not check_deltas(model, X, Y, rules="first-layer-activation").passed


@pytest.mark.parametrize(("rules", "other_loss"), [("missing-factor-2", "cross-entropy"),
                                                   ("garbled-cross-entropy", "squared-error")])  # fmt: skip
def test_an_output_erratum_touches_only_its_own_loss(rules, other_loss):
    model, X, Y = random_case([2, 3, 3, 2], other_loss, seed=1)
    assert check_deltas(model, X, Y, other_loss, rules).passed


@pytest.mark.parametrize(
    ("loss", "words"),
    [
        ("squared-error", ["factor of 2", "not collapsed", "shape mismatch", "wrong layer", "applies σ to the input"]),
        ("cross-entropy", ["divided by the softmax", "not collapsed", "shape mismatch", "applies σ to the input"]),
    ],
)
def test_notes_as_written_show_every_erratum_at_once(loss, words):
    model, X, Y = random_case([2, 3, 3, 2], loss, seed=1)
    report = check_deltas(model, X, Y, loss, "notes-as-written")
    assert report.first_failing_layer == 3
    text = " ".join(report.diagnoses)
    for w in words:
        assert w in text, w
    assert "transpose of ∂L/∂W^(3)" in report.quantity("weight", 3).diagnosis
