"""How big a node's table will be, worked out before Graphviz draws it, so a layout can be fixed in advance.

The collapsed view places every node itself (layers as columns, neurons 1…n
top to bottom) and gives each table a fixed size, so the same network drawn
with other numbers (another rule set, another step) keeps every position. The
size comes from the table's structure and text, with each number counted as
wide as the widest one of its kind could be, never from the number shown.
Widths are Helvetica's (Liberation Sans) in ems; other glyphs come from the
fallback font (DejaVu), whose sub/superscripts are narrow and symbols wide.
"""

from __future__ import annotations

import html
import re

_NARROW = set("il.,:;!|'ı") | set("⁽⁾₍₎")
_WIDE = set("mwMW✓✗—")
_HALF = set("ftrj()[]-/ ·")
_SCRIPT = set("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼ⁱˡⁿʲᵏᵐˣ₀₁₂₃₄₅₆₇₈₉₊₋₌ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_UPPER = set("ABCDEFGHKNOPQRSUVXYZ∂ΣΔ")
_NUMBER = re.compile(r"[−-]?\d+(?:\.\d+)?(?:e[+−-]?\d+)?")
_ROW = re.compile(r"<TR>(.*?)</TR>", re.S)
_CELL = re.compile(r"<TD([^>]*)>(.*?)</TD>", re.S)
_TAG = re.compile(r"<[^>]+>")
_SIZE_ATTRS = re.compile(r'\s(?:WIDTH|HEIGHT)="[^"]*"')

LINE_HEIGHT = 1.3  # ems per line of text
PADDING = 4  # the tables' CELLPADDING, in points


def char_width(c: str) -> float:
    """One character's advance, in ems (a little more than the font's, so a measured cell always fits)."""
    if c in "…⧵":
        return 1.05
    if c in _SCRIPT:
        return 0.42
    if c in _NARROW:
        return 0.3
    if c in _WIDE:
        return 0.86
    if c in _HALF:
        return 0.36
    if c in _UPPER:
        return 0.7
    return 0.57


def text_width(text: str, size: float = 12.0, number_chars: int = 7) -> float:
    """The width of ``text`` in points, each number counted as ``number_chars`` digits or its own length."""

    def widest(m: re.Match) -> str:
        return "0" * max(number_chars, len(m.group()))

    return 1.2 * size * sum(char_width(c) for c in _NUMBER.sub(widest, text))


def _cell_size(
    attrs: str, content: str, number_chars: int, font: float = 12.0, padding: float = PADDING
) -> tuple[float, float]:
    size = re.search(r'POINT-SIZE="([\d.]+)"', content)
    points = float(size.group(1)) if size else font
    lines = [html.unescape(_TAG.sub("", part)) for part in re.split(r"<BR\s*/?>", content)]
    width = max(text_width(line, points, number_chars) for line in lines)
    border = 0 if padding == 0 else 2  # a table drawn without padding is a bare label: no cell borders either
    return width + 2 * padding + border, len(lines) * LINE_HEIGHT * points + 2 * padding + border


def _grid(label: str, number_chars: int, font: float = 12.0) -> tuple[dict[int, float], dict[int, float], list[tuple]]:
    """Column widths, row heights, and each cell's (row, column, colspan, rowspan) in reading order."""
    widths: dict[int, float] = {}
    heights: dict[int, float] = {}
    spans: list[tuple[int, int, float, int, int, float]] = []
    taken: set[tuple[int, int]] = set()
    found = re.search(r'CELLPADDING="(\d+)"', label)
    padding = float(found.group(1)) if found else PADDING
    for r, row in enumerate(_ROW.findall(label)):
        c = 0
        for attrs, content in _CELL.findall(row):
            while (r, c) in taken:
                c += 1
            colspan = int((re.search(r'COLSPAN="(\d+)"', attrs) or [0, 1])[1])
            rowspan = int((re.search(r'ROWSPAN="(\d+)"', attrs) or [0, 1])[1])
            w, h = _cell_size(attrs, content, number_chars, font, padding)
            taken |= {(r + i, c + j) for i in range(rowspan) for j in range(colspan)}
            spans.append((c, colspan, w, r, rowspan, h))
            c += colspan
    for c, colspan, w, r, rowspan, h in spans:
        if colspan == 1:
            widths[c] = max(widths.get(c, 0.0), w)
        if rowspan == 1:
            heights[r] = max(heights.get(r, 0.0), h)
    for c, colspan, w, r, rowspan, h in spans:  # spanning cells widen their last column / row if needed
        have = sum(widths.get(c + j, 0.0) for j in range(colspan))
        if have < w:
            widths[c + colspan - 1] = widths.get(c + colspan - 1, 0.0) + w - have
        have = sum(heights.get(r + i, 0.0) for i in range(rowspan))
        if have < h:
            heights[r + rowspan - 1] = heights.get(r + rowspan - 1, 0.0) + h - have
    return widths, heights, spans


def _border(label: str) -> float:
    found = re.search(r'<TABLE BORDER="(\d+)"', label)
    return float(found.group(1)) if found else 1.0


def table_size(label: str, number_chars: int = 7) -> tuple[float, float]:
    """(width, height) in points of a one-level HTML-like table (COLSPAN and ROWSPAN allowed)."""
    widths, heights, _ = _grid(label, number_chars)
    border = _border(label)
    return sum(widths.values()) + 2 * border, sum(heights.values()) + 2 * border


def fit_table(
    label: str, border: float, number_chars: int = 7, template: str | None = None
) -> tuple[str, tuple[float, float]]:
    """The table with every cell given its measured width and height, and the table's size with ``border``.

    Graphviz takes a cell's WIDTH and HEIGHT as minimums, so a table drawn from it has the same size
    whatever numbers it shows, as long as each fits its worst case. ``template``, a table of the same
    cells, is measured instead when given (a neuron measured as if its error started there).
    """
    widths, heights, spans = _grid(template or label, number_chars)
    cells = iter(spans)

    def sized(match: re.Match) -> str:
        c, colspan, _, r, rowspan, _ = next(cells)
        w = sum(widths.get(c + j, 0.0) for j in range(colspan))
        h = sum(heights.get(r + i, 0.0) for i in range(rowspan))
        attrs = _SIZE_ATTRS.sub("", match.group(1))
        return f'<TD{attrs} WIDTH="{round(w)}" HEIGHT="{round(h)}">'

    fitted = re.sub(r"<TD([^>]*)>", sized, label)
    return fitted, (sum(widths.values()) + 2 * border, sum(heights.values()) + 2 * border)


def fit_alike(labels: list[str], number_chars: int = 7, font: float = 12.0) -> list[str]:
    """The same table in several states (the step-through's frames), each cell as wide as its widest state.

    Tables of one structure (same rows and cells) then have one size, so ``dot`` lays every state out
    identically and no node moves from one frame to the next. Labels of another structure are kept as given.
    """
    grids = [_grid(label, number_chars, font) if label.startswith("<<TABLE") else None for label in labels]
    shapes = {None if g is None else tuple((c, cs, r, rs) for c, cs, _, r, rs, _ in g[2]) for g in grids}
    if len(shapes) != 1 or None in shapes:
        return labels
    widths = {c: max(g[0].get(c, 0.0) for g in grids) for c in grids[0][0]}
    heights = {r: max(g[1].get(r, 0.0) for g in grids) for r in grids[0][1]}
    out = []
    for label, grid in zip(labels, grids, strict=True):
        cells = iter(grid[2])

        def sized(match: re.Match, cells=cells) -> str:
            c, colspan, _, r, rowspan, _ = next(cells)
            w = sum(widths.get(c + j, 0.0) for j in range(colspan))
            h = sum(heights.get(r + i, 0.0) for i in range(rowspan))
            attrs = _SIZE_ATTRS.sub("", match.group(1))
            return f'<TD{attrs} WIDTH="{round(w)}" HEIGHT="{round(h)}">'

        out.append(re.sub(r"<TD([^>]*)>", sized, label))
    return out
