"""The notes' δ equations as text: each erratum through its own line, errors that point, typesetting.

The oracle for every verdict is the built-in rule set of the same erratum (``nn.deltacheck.rules``),
itself checked against autograd and finite differences in ``test_errata.py``: a line pasted as
text must give the same report, diagnosis for diagnosis.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn.deltacheck import RULE_SETS, Rules, check_deltas, random_case
from nn.deltacheck.rule_text import read_line
from nn.deltacheck.rule_tree import RuleTextError

# The notes' own lines, exactly as backprop-notes.txt writes them.
NOTES = {
    "factor 2": r"\delta^{(m)} = z^{(m)} - y",
    "cross-entropy": r"\delta^{(m)} = \frac{p^{(i)} - y}{\frac{e^{z_i}}{\sum_j e^{z_j}}}",
    "recursion": r"\delta^{(j-1)} = \sigma'(z^{(i-1)}) W^{(i)} \delta^{(j)}",
    "activation": r"a_i^{(j)} = \sigma(z_i^{(j-1)})",
    "sum": r"\frac{\partial L}{\partial w_{it}^{(j-1)}} = \sum_k \delta_k^{(j)} \sigma(z_i^{(j-1)})",
    "collapsed": r"\frac{\partial L}{\partial w_{it}^{(j-1)}} = \delta_k^{(j)} \sigma(z_i^{(j-1)})",
    "definition": r"\delta_i^{(j)} = \frac{\partial L_w}{\partial z_i^{(j)}}",
    "derived": r"\frac{\partial \text{Loss}}{\partial z_k^{(m)}} = 2(z_k^{(m)} - y_k^{(i)})",
    "forward": r"z_k^{(j)} = \sum_i a_i^{(j-1)} w_{ik}^{(j)}",
}


def _same_report(rules_text: Rules, builtin: str, loss: str, sizes: list[int]) -> None:
    model, X, Y = random_case(sizes, loss, seed=1)
    expected = check_deltas(model, X, Y, loss, builtin)
    got = check_deltas(model, X, Y, loss, rules_text)
    assert got.passed == expected.passed and got.first_failing_layer == expected.first_failing_layer
    assert got.diagnoses == expected.diagnoses, (got.diagnoses, expected.diagnoses)
    assert [q.passed for q in got.quantities] == [q.passed for q in expected.quantities]


# --- each erratum through its text ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("builtin", "loss", "text"),
    [
        ("missing-factor-2", "squared-error", NOTES["factor 2"]),
        ("garbled-cross-entropy", "cross-entropy", NOTES["cross-entropy"]),
        ("first-layer-activation", "squared-error",  # erratum 4: σ(z_i^(j−1)) for a_i^(j−1), so σ(x) at j = 1
         r"\frac{\partial L}{\partial w_{ik}^{(j)}} = \sigma(z_i^{(j-1)}) \delta_k^{(j)}"),
        ("uncollapsed-sum", "squared-error",
         r"\frac{\partial L}{\partial w_{ik}^{(j)}} = \sum_k \delta_k^{(j)} a_i^{(j-1)}"),
        ("transposed-outer-product", "squared-error",
         r"\frac{\partial L}{\partial W^{(j)}} = \delta^{(j)} (a^{(j-1)})^T"),
        ("correct", "squared-error", NOTES["derived"]),
        ("correct", "cross-entropy", "δ^(m) = p − y"),
    ],
)  # fmt: skip
def test_an_erratum_pasted_as_text_gives_the_builtin_verdict_and_diagnoses(builtin, loss, text) -> None:
    _same_report(Rules.from_text(text), builtin, loss, [2, 3, 3, 2])


def test_the_correct_derivation_as_text_passes_with_and_without_biases() -> None:
    lines = """
        δ^(m) = 2(z^(m) − y)
        δ^(m) = p − y
        δ^(l-1) = σ'(z^(l-1)) ⊙ W^(l) δ^(l)
        ∂L/∂W^(l) = a^(l-1) (δ^(l))^T
        ∂L/∂b^(l) = δ^(l)
    """
    rules = Rules.from_text(lines)
    for loss in ("squared-error", "cross-entropy"):
        model, X, Y = random_case([3, 4, 2, 3], loss, bias=True, seed=2)
        assert check_deltas(model, X, Y, loss, rules).passed
    halved = Rules.from_text("∂L/∂b^(l) = 2 δ^(l)")
    model, X, Y = random_case([3, 4, 2, 3], bias=True, seed=2)
    assert "formula = 2 × autograd" in " ".join(check_deltas(model, X, Y, rules=halved).diagnoses)


def test_erratum_3_as_written_is_an_unbound_index() -> None:
    with pytest.raises(RuleTextError) as info:
        Rules.from_text(NOTES["recursion"])
    assert info.value.reason == "the index i is not bound: the left side is δ^(j−1); did you mean j?"
    assert NOTES["recursion"][info.value.column - 1 :].startswith("i-1)")  # the caret is under the index


def test_erratum_3_with_j_for_i_is_a_shape_that_cannot_work_and_with_odot_it_is_right() -> None:
    with pytest.raises(RuleTextError) as info:
        Rules.from_text(r"\delta^{(j-1)} = \sigma'(z^{(j-1)}) W^{(j)} \delta^{(j)}")
    message = str(info.value)
    assert "σ'(z^(j−1)) is n_{j−1} × 1 and W^(j) is n_{j−1} × n_j" in message and "write ⊙" in message
    with pytest.raises(RuleTextError, match=r"σ'\(z\^\(j\)\) is n_j × 1 and W\^\(j\) δ\^\(j\) is n_\{j−1\} × 1"):
        Rules.from_text(r"\delta^{(j-1)} = \sigma'(z^{(j)}) \odot W^{(j)} \delta^{(j)}")  # the built-in's reading
    _same_report(Rules.from_text(r"\delta^{(j-1)} = \sigma'(z^{(j-1)}) \odot W^{(j)} \delta^{(j)}"), "correct",
                 "squared-error", [2, 3, 3, 2])  # fmt: skip


def test_erratum_4_as_written_puts_two_layers_in_one_line() -> None:
    with pytest.raises(
        RuleTextError, match=r"the index i runs over n_\{j−1\} on the right side but over n_j in a_i\^\(j\)"
    ):
        Rules.from_text(NOTES["activation"])
    assert read_line("a_i^{(j)} = \\sigma(z_i^{(j)})").kind == "forward"


def test_erratum_5_as_written_uses_the_delta_of_another_layer() -> None:
    for line in (NOTES["sum"], NOTES["collapsed"]):
        with pytest.raises(
            RuleTextError, match=r"is given δ\^\(j−1\), not δ_k\^\(j\): is the left side's \(j-1\) a slip"
        ):
            Rules.from_text(line)
    with pytest.raises(RuleTextError, match="the index k is free on the right side but not on the left"):
        Rules.from_text(r"\frac{\partial L}{\partial w_{it}^{(j)}} = \delta_k^{(j)} \sigma(z_i^{(j-1)})")


def test_the_notes_definition_and_forward_lines_are_accepted_and_change_no_rule() -> None:
    rules = Rules.from_text(NOTES["definition"], NOTES["forward"])
    assert [t.kind for t in rules.texts] == ["definition", "forward"]
    assert rules.backward_delta is RULE_SETS["correct"].backward_delta


def test_pasting_the_notes_block_stops_at_the_first_line_that_cannot_work() -> None:
    block = "\n".join([NOTES["definition"], NOTES["factor 2"], NOTES["cross-entropy"], NOTES["recursion"]])
    with pytest.raises(RuleTextError) as info:
        Rules.from_text(block)
    assert info.value.line == 4 and "line 4" in str(info.value) and "did you mean j?" in str(info.value)


# --- errors point at the column --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "reason", "column"),
    [
        ("δ^(m) = 2(z^(m) − y", "ends too early", 20),
        ("δ^(m) = q", "unknown symbol q", 9),
        ("δ^(l-1) = W^(l) δ^(l+1)", "is given δ^(l), not δ^(l+1)", 17),
        ("∂L/∂W^(l) = a^(l-1) δ^(l)", "a^(l−1) δ^(l) cannot be a matrix product", 13),
        ("δ^(m) = y ⊙ W^(m)", "the output delta δ^(m) is computed from z^(m), y and p only", 13),
        ("δ^(l) = = z", "one = per equation", 9),
        ("δ^(l-1) = σ'(z^(l-1)) + @", "unexpected character '@'", 25),
    ],
)
def test_a_rule_that_cannot_be_read_points_at_the_column(text: str, reason: str, column: int) -> None:
    with pytest.raises(RuleTextError) as info:
        Rules.from_text(text)
    assert reason in str(info.value) and info.value.column == column, str(info.value)
    shown, carets = str(info.value).splitlines()[-2:]
    assert carets.index("^") - 2 == column - 1 and shown.strip() == text


_pieces = st.sampled_from([*"δzaWbypx^_(){}[]ijklm-+1=⊙*/ ᵀ'σ∂L", r"\delta", r"\frac", r"\sum_k", "^{(j-1)}", "_i"])


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=30), st.lists(_pieces, max_size=25).map("".join)))
def test_hostile_text_gives_rules_or_the_parse_error(text: str) -> None:
    try:
        Rules.from_text(text)
    except RuleTextError as exc:
        assert "column" in str(exc) and "^" in str(exc)


# --- typesetting ------------------------------------------------------------------------------------------
def test_each_rule_is_typeset_as_written_and_reads_back_the_same() -> None:
    for text in [NOTES["factor 2"], NOTES["cross-entropy"], NOTES["derived"], NOTES["forward"],
                 "δ^(l-1) = σ'(z^(l-1)) ⊙ (W^(l) δ^(l))", "∂L/∂W^(l) = a^(l-1) (δ^(l))ᵀ"]:  # fmt: skip
        line = read_line(text)
        assert read_line(line.latex()).latex() == line.latex()  # each notation reads back as itself
        assert read_line(line.unicode()).unicode() == line.unicode()
        assert read_line(line.latex()).unicode() == line.unicode()  # and the two say the same
        assert line._repr_latex_() == f"$${line.latex()}$$"
    assert read_line("δ^(l-1) = σ'(z^(l-1)) ⊙ (W^(l) δ^(l))").unicode() == "δ^(l−1) = σ'(z^(l−1)) ⊙ (W^(l) δ^(l))"


def test_the_report_shows_the_rules_typeset() -> None:
    rules = Rules.from_text(NOTES["factor 2"])
    model, X, Y = random_case([2, 3, 2], seed=0)
    report = check_deltas(model, X, Y, rules=rules)
    assert "    δ^(m) = z^(m) − y" in str(report).splitlines()
    assert r"$$\delta^{(m)} = z^{(m)} - y$$" in report._repr_html_()
    assert report.to_dict()["rules"]["text"][0]["unicode"] == "δ^(m) = z^(m) − y"
    assert r"$$\delta^{(m)} = z^{(m)} - y$$" in rules._repr_markdown_()


def test_a_line_from_another_convention_is_told_which_one() -> None:
    """Nielsen's network.py writes W^(l) as n_l × n_{l−1}: its δ^(l) = (W^(l+1))ᵀ δ^(l+1) ⊙ σ'(z^(l)) is the notes'
    recursion with a ᵀ too many."""
    with pytest.raises(RuleTextError, match="without its ᵀ it fits") as info:
        Rules.from_text("δ^(l) = ((W^(l+1))^T δ^(l+1)) ⊙ σ'(z^(l))")
    assert "write ⊙" not in str(info.value)
    _same_report(Rules.from_text("δ^(l) = (W^(l+1) δ^(l+1)) ⊙ σ'(z^(l))"), "correct", "squared-error", [2, 3, 3, 2])


def test_a_layer_the_network_lacks_is_named_in_the_report() -> None:
    model, X, Y = random_case([2, 3, 3, 2], seed=1)
    report = check_deltas(model, X, Y, rules=Rules.from_text("∂L/∂W^(l) = a^(l-2) (δ^(l))^T"))
    assert not report.passed and "a^(l−2) is layer -1 at l = 1, which the network does not have" in str(report)
