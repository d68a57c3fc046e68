"""Labels and numbers as a drawing shows them: typeset, escaped for Graphviz, rounded.

``nn`` labels every Value it creates in the notes' notation, written and read by
``autograd.notation`` (the one place that knows the format), so ``visualize`` can
group a graph by layer and neuron without importing ``nn``. Any other label (or
none) is fine: it is shown as given, its ``_`` and ``^`` parts as Unicode sub-
and superscripts (``z⁽²⁾₁``), which every browser draws; SVG's baseline shift,
which Graphviz uses for ``<SUB>``, is ignored by Firefox.
"""

from __future__ import annotations

import html
import math
import re

from autograd.notation import NotesLabel, parse_label, split_label, subscript, superscript, typeset, typeset_text


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
    """The label as a Graphviz HTML-like fragment in Unicode: ``z^(2)_1`` → ``z⁽²⁾₁``.

    A part with no Unicode sub/superscript form (``x_max``) is drawn smaller, on the baseline.
    """
    label = safe_text(label)
    parts = split_label(label)
    if parts is None:
        return html_text(label)
    base, sup, sub = parts
    shown = [html_text(base)]
    for part, unicode_form in ((sup, superscript(sup or "")), (sub, subscript(sub or ""))):
        if part:
            shown.append(html_text(unicode_form) if unicode_form is not None else _small(part))
    return "".join(shown)


def _small(text: str) -> str:
    return f'<FONT POINT-SIZE="9">{html_text(text)}</FONT>'


def notation_text(text: str) -> str:
    """Free text (a title, a caption, an annotation) with its labels typeset: ``∂L/∂w^(1)_11`` → ``∂L/∂w⁽¹⁾₁₁``."""
    return typeset_text(text)


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


__all__ = [
    "NotesLabel",
    "full",
    "html_text",
    "label_html",
    "notation_text",
    "number",
    "parse_label",
    "safe_text",
    "typeset",
]
