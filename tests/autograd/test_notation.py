"""The one label format: what ``label`` writes, ``parse_label`` reads back, and ``typeset`` shows."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd.notation import NotesLabel, label, parse_label, typeset, typeset_text

index = st.integers(min_value=1, max_value=120)
layers = st.integers(min_value=1, max_value=30)


@given(layers, index, index)
def test_a_weight_label_reads_back_as_itself(n: int, i: int, j: int) -> None:
    text = label("w", n, i, j)
    assert parse_label(text) == NotesLabel("w", n, (i, j))
    assert str(parse_label(text)) == text


@given(st.sampled_from("bzaδ"), layers, index)
def test_a_neuron_label_reads_back_as_itself(kind: str, n: int, j: int) -> None:
    text = label(kind, n, j)
    assert parse_label(text) == NotesLabel(kind, n, (j,))
    assert str(parse_label(text)) == text


@given(index)
def test_a_target_label_reads_back_as_itself(k: int) -> None:
    assert parse_label(label("y", None, k)) == NotesLabel("y", None, (k,))


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("w", 1, 2, 1), "w^(1)_21"),  # the notes' (and the README's) spelling while indices are single digits
        (("w", 12, 3, 11), "w^(12)_3,11"),
        (("w", 2, 10, 3), "w^(2)_10,3"),
        (("b", 3, 12), "b^(3)_12"),
        (("a", 0, 4), "a^(0)_4"),
        (("y", None, 2), "y_2"),
        (("L", None), "L"),
    ],
)
def test_labels_are_written_as_in_the_notes(args: tuple, text: str) -> None:
    assert label(*args) == text


@pytest.mark.parametrize("text", ["w^(1)_123", "w^(1)_1", "z^(1)_1,2", "z^(0)_1", "w^(1)_01", "y_0", "x", "", None])
def test_ambiguous_or_foreign_labels_are_not_read(text: str | None) -> None:
    assert parse_label(text) is None


def test_labels_are_typeset_in_unicode() -> None:
    assert typeset("w^(12)_3,11") == "w⁽¹²⁾₃,₁₁"
    assert typeset("z^(2)_1") == "z⁽²⁾₁" and typeset("y_2") == "y₂" and typeset("L") == "L"
    assert typeset("x_old") == "x_old", "no Unicode subscript d: shown as written, not half converted"
    assert typeset_text("∂L/∂w^(1)_11 formula = 0.5") == "∂L/∂w⁽¹⁾₁₁ formula = 0.5"


def test_bad_kinds_and_indices_are_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        label("q", 1, 1)
    with pytest.raises(ValueError, match="indices"):
        label("z", 1, 0)
