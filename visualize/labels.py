"""Labels: reading the notes' notation (``w^(l)_ij``, ``z^(l)_j``…) and showing it typeset.

``nn`` labels every Value it creates in the notes' notation; this module is the
one place that reads those labels, so ``visualize`` can group a graph by layer
and neuron without importing ``nn``. Any other label (or none) is fine: it is
simply shown as given, with ``_`` and ``^`` typeset as sub- and superscripts.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

_NOTES = re.compile(r"(?P<kind>[wbza])\^\((?P<layer>\d+)\)_(?P<index>\d+(?:,\d+)?)")
_TYPESET = re.compile(  # base, then ^sup and _sub in either order: z^(2)_1, w_21^(1), x_1, x^2
    r"(?P<base>[^^_]+)"
    r"(?:\^(?P<sup>\([^()]*\)|\{[^{}]*\}|[^_^]+))?"
    r"(?:_(?P<sub>\{[^{}]*\}|[^_^]+))?"
    r"(?:\^(?P<sup2>\([^()]*\)|\{[^{}]*\}|[^_^]+))?"
)


@dataclass(frozen=True, slots=True)
class NotesLabel:
    """A label in the notes' notation, read.

    Attributes:
        kind: ``"w"``, ``"b"``, ``"z"``, ``"a"`` or ``"L"`` (the loss).
        layer: ``l`` (0 only for the inputs ``a^(0)_i``); None for ``L``.
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


def parse_label(label: str | None) -> NotesLabel | None:
    """Read ``w^(l)_ij`` / ``w^(l)_i,j``, ``b^(l)_j``, ``z^(l)_j``, ``a^(l)_j`` or ``L``; None for anything else."""
    if label == "L":
        return NotesLabel("L", None, ())
    match = _NOTES.fullmatch(label or "")
    if match is None:
        return None
    kind, layer, digits = match["kind"], int(match["layer"]), match["index"]
    if kind == "w":
        if "," in digits:
            index = tuple(int(d) for d in digits.split(","))
        elif len(digits) == 2:  # w^(l)_ij with one digit each; w_123 would be ambiguous
            index = (int(digits[0]), int(digits[1]))
        else:
            return None
    elif "," in digits:
        return None
    else:
        index = (int(digits),)
    if min(index) < 1 or (layer == 0 and kind != "a"):
        return None
    return NotesLabel(kind, layer, index)


def safe_text(text: str, newlines: bool = False) -> str:
    """Any text, made safe for Graphviz to show as written.

    Graphviz reads ``\\N``, ``\\G``, ``\\n``… as escapes (even doubled, even as ``&#92;``), so a
    backslash is shown as the look-alike ``⧵``; control characters, which its HTML-like labels
    refuse, become spaces (newlines too, unless ``newlines``); what XML cannot hold becomes ``�``.
    """
    text = text.replace("\\", "⧵")
    if newlines:
        return "\n".join(_NOT_XML.sub(_replace, line) for line in text.split("\n"))
    return _NOT_XML.sub(_replace, text)


def html_text(text: str) -> str:
    """Text for inside a Graphviz HTML-like label: made safe, XML-escaped, and ``]`` as ``&#93;``
    (Graphviz 2.43 rejects a text that starts with ``]``)."""
    return html.escape(safe_text(text)).replace("]", "&#93;")


_NOT_XML = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _replace(match: re.Match) -> str:
    return " " if match.group() < " " or match.group() == "\x7f" else "\ufffd"


def label_html(label: str) -> str:
    """The label as a Graphviz HTML-like fragment: ``z^(2)_1`` → ``z<SUP>(2)</SUP><SUB>1</SUB>``."""
    label = safe_text(label)
    match = _TYPESET.fullmatch(label)
    if match is None:
        return html_text(label)
    parts = [html_text(match["base"])]
    sup = match["sup"] or match["sup2"]
    if sup:
        parts.append(f"<SUP>{html_text(sup.strip('{}'))}</SUP>")
    if match["sub"]:
        parts.append(f"<SUB>{html_text(match['sub'].strip('{}'))}</SUB>")
    return "".join(parts)


def number(x: float, digits: int = 4) -> str:
    """A short, readable number (``digits`` significant figures; ``-0`` shown as ``0``)."""
    if x == 0.0:
        return "0"
    if math.isnan(x) or math.isinf(x):
        return str(x)
    return format(x, f".{digits}g")


def full(x: float) -> str:
    """Every digit of a float (for tooltips): ``repr`` round-trips exactly."""
    return repr(float(x))
