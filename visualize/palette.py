"""The colours and glyphs of a check drawn on a graph, safe for colour-blind eyes, and their legend.

Colour is never the only cue: every status has a glyph (✓ agree, ✗ disagree),
and the place where an error *starts* (not merely inherited from the layer
after it) has a thicker border and the words "starts here". The colours are
Okabe and Ito's, chosen to stay apart under every common colour-vision
deficiency: blue for agree, vermillion for disagree, orange for a kink.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Status:
    """How one status is drawn: its colour, its glyph and the legend's words for it."""

    color: str
    glyph: str
    meaning: str


BLUE, VERMILLION, ORANGE, GREY = "#0072b2", "#d55e00", "#e69f00", "#7a7a7a"  # lower case, as Graphviz writes them

STATUS: dict[str, Status] = {
    "ok": Status(BLUE, "✓", "formula agrees with autograd"),
    "fail": Status(VERMILLION, "✗", "formula disagrees (inherited from the layer after)"),
    "start": Status(VERMILLION, "✗", "starts here: the first wrong value on the backward pass"),
    "kink": Status(ORANGE, "~", "at a kink: compared with autograd only"),
}
"""Every status an annotation can have; ``report.annotations()`` of the δ check uses these names."""

STATUS_COLORS: dict[str, str] = {name: s.color for name, s in STATUS.items()}
"""The colour of each status (the δ-overlay tests assert the report's annotations against these)."""

CONSTANT_COLOR = GREY  # numbers that are not variables: drawn grey, without a gradient
START_BORDER = "4"  # the table border where an error starts (others: 2 when annotated, 1 plain)


def status_of(name: str | None) -> Status | None:
    """The ``Status`` called ``name``; None for None; a ValueError naming the choices otherwise."""
    if name is None:
        return None
    if name not in STATUS:
        raise ValueError(f"annotation status must be one of {', '.join(STATUS)}, got {name!r}")
    return STATUS[name]


LEGEND_TOOLTIP = "what the colours and glyphs mean"


def legend_html(used: set[str]) -> str:
    """A Graphviz HTML-like table explaining every status, whichever of them a picture uses.

    Always all of them, so the same network under other rules has a legend of the same size.
    """
    shown = list(STATUS) if used else []
    rows = []
    for name in shown:
        s = STATUS[name]
        border = START_BORDER if name == "start" else "2"
        rows.append(
            f'<TR><TD BORDER="{border}" COLOR="{s.color}" WIDTH="22">'
            f'<FONT COLOR="{s.color}"><B>{s.glyph}</B></FONT></TD>'
            f'<TD ALIGN="LEFT" BORDER="0"><FONT POINT-SIZE="11">{s.meaning}</FONT></TD></TR>'
        )
    return (
        '<<TABLE BORDER="1" COLOR="#b0b0b0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="2">'
        '<TR><TD COLSPAN="2" ALIGN="LEFT"><B>legend</B></TD></TR>' + "".join(rows) + "</TABLE>>"
    )
