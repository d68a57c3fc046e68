"""The notes' labels, written and read in one place: ``w^(l)_ij``, ``b^(l)_j``, ``z^(l)_j``, ``a^(l)_j``, ``y_k``…

``nn`` names every Value it makes with ``label(...)``; ``visualize`` reads those
names back with ``parse_label`` to find layers and neurons, and shows any label
with ``typeset`` (Unicode sub- and superscripts: ``w⁽¹⁾₂₁``, which every browser
and font draws, unlike SVG's baseline shift). Indices are written side by side
while all are single digits (``w^(1)_21``, as in the notes) and joined by commas
once one passes 9 (``w^(12)_3,11``), so a label always reads back one way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("w", "b", "z", "a", "δ", "y", "L")
"""weight, bias, pre-activation, activation, error δ, target, loss."""

_LAYERED = re.compile(r"(?P<kind>[wbzaδ])\^\((?P<layer>\d+)\)_(?P<index>\d+(?:,\d+)*)")
_TARGET = re.compile(r"y_(?P<index>\d+)")


def label(kind: str, layer: int | None, *index: int) -> str:
    """The notes' name of a quantity: ``label("w", 1, 2, 1) == "w^(1)_21"``, ``label("y", None, 2) == "y_2"``.

    Indices are 1-based; they are joined by commas once one of them passes 9 (``w^(2)_10,3``).
    """
    if kind not in KINDS:
        raise ValueError(f"label kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if any(isinstance(i, bool) or not isinstance(i, int) or i < 1 for i in index):
        raise ValueError(f"label indices are ints from 1, got {index!r}")
    if kind == "L":
        return "L"
    sep = "," if any(i > 9 for i in index) else ""
    joined = sep.join(str(i) for i in index)
    return f"y_{joined}" if kind == "y" else f"{kind}^({layer})_{joined}"


@dataclass(frozen=True, slots=True)
class NotesLabel:
    """A label in the notes' notation, read.

    Attributes:
        kind: one of ``KINDS``: ``"w"``, ``"b"``, ``"z"``, ``"a"``, ``"δ"``, ``"y"`` or ``"L"``.
        layer: ``l`` (0 only for the inputs ``a^(0)_i``); None for ``y_k`` and ``L``.
        index: ``(i, j)`` for a weight, ``(j,)`` otherwise, 1-based; ``()`` for ``L``.
    """

    kind: str
    layer: int | None
    index: tuple[int, ...]

    @property
    def neuron(self) -> tuple[int, int] | None:
        """``(l, j)``: the neuron this quantity belongs to (a weight ``w_ij`` to the neuron it feeds, j)."""
        if self.layer is None or self.layer == 0:
            return None
        return (self.layer, self.index[-1])

    def __str__(self) -> str:
        return label(self.kind, self.layer, *self.index)


def parse_label(text: str | None) -> NotesLabel | None:
    """Read a label ``label`` wrote (``w^(l)_ij`` or ``w^(l)_i,j``, ``z^(l)_j``, ``y_k``, ``L``…); None otherwise."""
    if text == "L":
        return NotesLabel("L", None, ())
    if not text:
        return None
    target = _TARGET.fullmatch(text)
    if target is not None:
        k = int(target["index"])
        return NotesLabel("y", None, (k,)) if k >= 1 else None
    match = _LAYERED.fullmatch(text)
    if match is None:
        return None
    kind, layer, digits = match["kind"], int(match["layer"]), match["index"]
    want = 2 if kind == "w" else 1
    if "," in digits:
        index = tuple(int(d) for d in digits.split(","))  # w^(1)_2,1 is read too; label() writes w^(1)_21
    elif want == 2 and len(digits) == 2:
        index = (int(digits[0]), int(digits[1]))
    elif want == 2:  # w^(1)_123 could be (1, 23) or (12, 3)
        return None
    else:
        index = (int(digits),)
    if len(index) != want or min(index) < 1 or (layer == 0 and kind != "a"):
        return None
    return NotesLabel(kind, layer, index)


_SUP = dict(zip("0123456789+-−=()ilnjkmx", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁱˡⁿʲᵏᵐˣ", strict=True))
_SUB = dict(zip("0123456789+-−=()aehijklmnoprstuvx,", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ,", strict=True))
_PARTS = re.compile(  # base, then ^sup and _sub in either order: z^(2)_1, w_21^(1), x_1, x^2
    r"(?P<base>[^^_]+)"
    r"(?:\^(?P<sup>\([^()]*\)|\{[^{}]*\}|[^_^]+))?"
    r"(?:_(?P<sub>\{[^{}]*\}|[^_^]+))?"
    r"(?:\^(?P<sup2>\([^()]*\)|\{[^{}]*\}|[^_^]+))?"
)


def split_label(text: str) -> tuple[str, str | None, str | None] | None:
    """``(base, superscript, subscript)`` of ``z^(2)_1`` (``("z", "(2)", "1")``); None if it is not of that form."""
    match = _PARTS.fullmatch(text)
    if match is None or not (match["sup"] or match["sup2"] or match["sub"]):
        return None
    sup = match["sup"] or match["sup2"]
    sub = match["sub"]
    return match["base"], sup.strip("{}") if sup else None, sub.strip("{}") if sub else None


def superscript(text: str) -> str | None:
    """``text`` in Unicode superscript characters (``"(2)"`` → ``"⁽²⁾"``), or None if one has none."""
    return "".join(_SUP[c] for c in text) if all(c in _SUP for c in text) else None


def subscript(text: str) -> str | None:
    """``text`` in Unicode subscript characters (``"21"`` → ``"₂₁"``), or None if one has none."""
    return "".join(_SUB[c] for c in text) if all(c in _SUB for c in text) else None


def typeset(text: str | None) -> str:
    """A label with its ``^`` and ``_`` parts as Unicode sub/superscripts: ``w^(1)_21`` → ``w⁽¹⁾₂₁``.

    A part with a character Unicode has no sub/superscript for (``x_max``) is left as written.
    """
    if not text:
        return text or ""
    parts = split_label(text)
    if parts is None:
        return text
    base, sup, sub = parts
    shown_sup = superscript(sup) if sup else ""
    shown_sub = subscript(sub) if sub else ""
    if shown_sup is None or shown_sub is None:
        return text
    return base + shown_sup + shown_sub


_INLINE = re.compile(r"[A-Za-zδσ∂]+(?:\^\([^()\s]*\)|\^\{[^{}\s]*\}|\^[0-9A-Za-z]+|_\{[^{}\s]*\}|_[0-9A-Za-z,]+)+")


def typeset_text(text: str) -> str:
    """Every label-like word inside a sentence typeset: ``"δ^(2)_1 formula"`` → ``"δ⁽²⁾₁ formula"``."""
    return _INLINE.sub(lambda m: typeset(m.group()), text)
