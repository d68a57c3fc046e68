"""How one node or edge looks: the Graphviz attributes of a value, an operation, an edge.

Every view (the whole graph, the collapsed network, each frame of the
backward step-through) draws its nodes through these few functions, so they
all look alike. A value is an HTML-like table ``[step] label | data | grad``
with an optional annotation row; an operation is a small ellipse with its
symbol; the tooltips carry the full-precision numbers.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import graphviz

from autograd import Value
from visualize.annotate import Annotation
from visualize.labels import full, html_text, label_html, number, safe_text

LEAF_FILL = "#eef4fb"  # inputs and parameters: where gradients end up
ACTIVE_FILL = "#fff3b0"  # the node the backward pass is at (step-through)
PENDING_COLOR = "#9a9a9a"  # a gradient still being summed (step-through)
EDGE_LABELS = ("none", "local", "product")


@dataclass(frozen=True, slots=True)
class Style:
    """The drawing options every view shares.

    Attributes:
        show_data: show each value's forward result.
        show_grad: show each value's gradient.
        edge_labels: ``"none"``; ``"local"`` labels each input edge with ∂out/∂in;
            ``"product"`` adds grad(out) × ∂out/∂in, the amount added to the input's grad.
        backward_order: number values in the order the backward pass visits them.
        digits: significant digits of the numbers shown (tooltips have all of them).
    """

    show_data: bool = True
    show_grad: bool = True
    edge_labels: str = "none"
    backward_order: bool = False
    digits: int = 4

    def __post_init__(self) -> None:
        if self.edge_labels not in EDGE_LABELS:
            raise ValueError(f"edge_labels must be one of {', '.join(EDGE_LABELS)}, got {self.edge_labels!r}")
        if isinstance(self.digits, bool) or not isinstance(self.digits, int) or not 1 <= self.digits <= 17:
            raise ValueError(f"digits must be an int from 1 to 17, got {self.digits!r}")

    def number(self, x: float) -> str:
        """``x`` to this style's significant digits."""
        return number(x, self.digits)


def plain(text: str) -> str:
    """Text for a quoted DOT attribute, shown as written (never taken for an HTML-like ``<...>`` label)."""
    return graphviz.nohtml(safe_text(text, newlines=True))


def cell(content: str, **attrs: str) -> str:
    """One HTML-like table cell, attributes upper-cased and escaped."""
    extra = "".join(f' {k.upper()}="{html.escape(str(v))}"' for k, v in attrs.items() if v is not None)
    return f"<TD{extra}>{content}</TD>"


def table(rows: list[list[str]], color: str | None = None, fill: str | None = None, bold: bool = False) -> str:
    """An HTML-like label: rows of cells; a lone cell in a row spans the full width."""
    width = max(len(r) for r in rows)
    spanned = [[r[0].replace("<TD", f'<TD COLSPAN="{width}"', 1)] if len(r) == 1 < width else r for r in rows]
    body = "".join("<TR>" + "".join(r) + "</TR>" for r in spanned)
    attrs = f' COLOR="{html.escape(color)}"' if color else ""
    attrs += f' BGCOLOR="{html.escape(fill)}"' if fill else ""
    border = "2" if bold else "1"
    return f'<<TABLE BORDER="{border}" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4"{attrs}>{body}</TABLE>>'


def annotation_row(annotation: Annotation) -> list[str]:
    """The table row that shows an annotation's text, in its colour."""
    text = html_text(annotation.text) or " "  # an empty <FONT></FONT> is a syntax error
    if annotation.color:
        text = f'<FONT COLOR="{html.escape(annotation.color)}">{text}</FONT>'
    return [cell(text)]


def value_node(
    v: Value,
    style: Style,
    *,
    grad: float | None,
    grad_final: bool = True,
    step: int | None = None,
    annotation: Annotation | None = None,
    active: bool = False,
) -> dict[str, str]:
    """Attributes of a value node. ``grad`` None means not yet reached by the backward pass."""
    row = []
    if step is not None:
        row.append(cell(f"<I>#{step}</I>"))
    if v.label:
        row.append(cell(f"<B>{label_html(v.label)}</B>"))
    if style.show_data:
        row.append(cell(f"data {style.number(v.data)}"))
    if style.show_grad:
        if grad is None:
            row.append(cell(f'<FONT COLOR="{PENDING_COLOR}">grad ?</FONT>'))
        elif grad_final:
            row.append(cell(f"grad {style.number(grad)}"))
        else:  # a sum in progress: more contributions are still to come
            row.append(cell(f'<FONT COLOR="{PENDING_COLOR}"><I>grad {style.number(grad)} …</I></FONT>'))
    rows = [row or [cell(" ")]]
    if annotation is not None:
        rows.append(annotation_row(annotation))
    fill = ACTIVE_FILL if active else (LEAF_FILL if v.is_leaf() else None)
    color = annotation.color if annotation is not None else None
    tooltip = [f"{v.label or 'value'}", f"data = {full(v.data)}"]
    if grad is not None:
        tooltip.append(f"grad = {full(grad)}" + ("" if grad_final else " (so far)"))
    if annotation is not None and annotation.tooltip:
        tooltip.append(annotation.tooltip)
    return {
        "shape": "plain",
        "label": table(rows, color=color, fill=fill, bold=color is not None),
        "tooltip": plain("\n".join(tooltip)),
    }


def op_symbol(v: Value, style: Style) -> str:
    """The op's symbol from the op table; ``{c}`` is its constant (the 2 of ``x**2``)."""
    c = v.arg
    shown = style.number(c) if isinstance(c, float) else str(c)
    return v.op.symbol.replace("{c}", shown)


def op_node(v: Value, style: Style, active: bool = False) -> dict[str, str]:
    """The DOT attributes of an op's node: its symbol, with its derivative as tooltip."""
    attrs = {
        "shape": "ellipse",
        "label": plain(op_symbol(v, style)),
        "tooltip": plain(f"{v.op.name}: {v.op.derivative}"),
        "margin": "0.02",
    }
    if active:
        attrs.update(style="filled", fillcolor=ACTIVE_FILL)
    return attrs


def local_derivatives(v: Value) -> list[float | None]:
    """∂v/∂(each input) from the op table, at the forward values; None where it is undefined."""
    try:
        return [float(d) for d in v.op.partials(v.data, v.arg, *[p.data for p in v.parents])]
    except (ArithmeticError, ValueError):
        return [None] * len(v.parents)


def input_edge(
    v: Value, position: int, local: float | None, grad: float | None, style: Style, active: bool = False
) -> dict[str, str]:
    """Attributes of the edge from input ``position`` of ``v`` into v's op node."""
    attrs: dict[str, str] = {}
    if active:
        attrs.update(color="#d08000", penwidth="2")
    if style.edge_labels == "none":
        return attrs
    parent = v.parents[position]
    lines = [f"∂ = {style.number(local)}" if local is not None else "∂ undefined"]
    tooltip = [f"∂{v.op.name}/∂(input {position + 1}) = {full(local) if local is not None else 'undefined'}"]
    if style.edge_labels == "product" and grad is not None and local is not None:
        lines.append(f"g·∂ = {style.number(grad * local)}")
        into = parent.label or "this input"
        tooltip.append(f"grad {full(grad)} × {full(local)} = {full(grad * local)}, added to the grad of {into}")
    attrs["label"] = "<" + "<BR/>".join(html_text(line) for line in lines) + ">"
    attrs["tooltip"] = plain("\n".join(tooltip))
    attrs["fontsize"] = "10"
    return attrs
