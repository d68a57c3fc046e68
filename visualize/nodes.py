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
from autograd.notation import subscript
from visualize.annotate import Annotation
from visualize.labels import full, html_text, label_html, notation_text, number, safe_text
from visualize.palette import CONSTANT_COLOR, START_BORDER

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


def table(
    rows: list[list[str]],
    color: str | None = None,
    fill: str | None = None,
    bold: bool = False,
    border: str | None = None,
    size: tuple[float, float] | None = None,
) -> str:
    """An HTML-like label: rows of cells; a lone cell in a row spans the full width.

    ``size`` (width, height in points) fixes the table's size, so a node keeps its size whatever
    numbers it shows (the step-through's frames, the same network under other rules).
    """
    width = max(len(r) for r in rows)
    spanned = [
        [r[0].replace("<TD", f'<TD COLSPAN="{width}"', 1)] if len(r) == 1 < width and "COLSPAN" not in r[0] else r
        for r in rows
    ]
    body = "".join("<TR>" + "".join(r) + "</TR>" for r in spanned)
    attrs = f' COLOR="{html.escape(color)}"' if color else ""
    attrs += f' BGCOLOR="{html.escape(fill)}"' if fill else ""
    if size is not None:
        attrs += f' WIDTH="{round(size[0])}" HEIGHT="{round(size[1])}" FIXEDSIZE="TRUE"'
    border = border or ("2" if bold else "1")
    return f'<<TABLE BORDER="{border}" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4"{attrs}>{body}</TABLE>>'


def annotation_row(annotation: Annotation) -> list[str]:
    """One cell: the status glyph and the text, labels typeset (``✗ δ⁽²⁾₁ formula = …``)."""
    text = html_text(notation_text(annotation.shown_text)) or " "  # an empty <FONT></FONT> is a syntax error
    if annotation.color:
        text = f'<FONT COLOR="{html.escape(annotation.color)}">{text}</FONT>'
    return [cell(text)]


def border_of(annotation: Annotation | None) -> str:
    """1 plain, 2 annotated, thicker where an error starts."""
    if annotation is None or annotation.color is None:
        return "1"
    return START_BORDER if annotation.status == "start" else "2"


def is_constant(v: Value) -> bool:
    """A number the graph uses but does not vary: an unlabelled leaf (autograd wraps a plain 2.0 so)
    or a target ``y_k``. Its gradient means nothing and is not drawn."""
    return v.is_leaf() and (v.label is None or v.label.startswith("y_"))


def value_node(
    v: Value,
    style: Style,
    *,
    grad: float | None,
    grad_final: bool = True,
    step: int | None = None,
    annotation: Annotation | None = None,
    active: bool = False,
    size: tuple[float, float] | None = None,
) -> dict[str, str]:
    """Attributes of a value node. ``grad`` None means not yet reached by the backward pass."""
    constant = is_constant(v) and annotation is None
    row = []
    if step is not None:
        row.append(cell(f"<I>#{step}</I>"))
    if v.label:
        name = f"<B>{label_html(v.label)}</B>"
        row.append(cell(f'<FONT COLOR="{CONSTANT_COLOR}">{name}</FONT>' if constant else name))
    if constant:
        row.append(cell(f'<FONT COLOR="{CONSTANT_COLOR}">{style.number(v.data)}</FONT>'))
    elif style.show_data:
        row.append(cell(f"data {style.number(v.data)}"))
    if style.show_grad and not constant:
        if grad is None:
            row.append(cell(f'<FONT COLOR="{PENDING_COLOR}">grad ?</FONT>'))
        elif grad_final:
            row.append(cell(f"grad {style.number(grad)}"))
        else:  # a sum in progress: more contributions are still to come
            row.append(cell(f'<FONT COLOR="{PENDING_COLOR}"><I>grad {style.number(grad)} …</I></FONT>'))
    rows = [row or [cell(" ")]]
    if annotation is not None:
        rows.append(annotation_row(annotation))
    fill = ACTIVE_FILL if active else (LEAF_FILL if v.is_leaf() and not constant else None)
    color = annotation.color if annotation is not None else (CONSTANT_COLOR if constant else None)
    tooltip = [notation_text(v.label or ("constant" if constant else "value")), f"data = {full(v.data)}"]
    if constant:
        tooltip.append("a constant: no gradient")
    elif grad is not None:
        tooltip.append(f"grad = {full(grad)}" + ("" if grad_final else " (so far)"))
    if annotation is not None and annotation.tooltip:
        tooltip.append(notation_text(annotation.tooltip))
    return {
        "shape": "plain",
        "label": table(rows, color=color, fill=fill, border=border_of(annotation), size=size),
        "tooltip": plain("\n".join(tooltip)),
    }


def op_symbol(v: Value, style: Style) -> str:
    """The op's symbol from the op table, its constant filled in (the 2 of ``x**2``; cross-entropy's
    class k counted from 1, ``−log p₂``) and its labels typeset."""
    return notation_text(v.op.shown(v.arg, style.number))


def op_node(v: Value, style: Style, active: bool = False) -> dict[str, str]:
    """The DOT attributes of an op's node: its symbol, with its derivative as tooltip."""
    attrs = {
        "shape": "ellipse",
        "label": plain(op_symbol(v, style)),
        "tooltip": plain(notation_text(f"{v.op.name}: {v.op.explained(v.arg)}")),
        "margin": "0.02",
        "style": "filled",  # always filled (white unless active): the same style in every frame, the same layout
        "fillcolor": ACTIVE_FILL if active else "white",
    }
    return attrs


def local_derivatives(v: Value) -> list[float | None]:
    """∂v/∂(each input) from the op table, at the forward values; None where it is undefined."""
    try:
        return [float(d) for d in v.op.partials(v.data, v.arg, *[p.data for p in v.parents])]
    except (ArithmeticError, ValueError):
        return [None] * len(v.parents)


def input_edge(
    v: Value,
    position: int,
    local: float | None,
    grad: float | None,
    style: Style,
    active: bool = False,
    placeholder: bool = False,
) -> dict[str, str]:
    """Attributes of the edge from input ``position`` of ``v`` into v's op node.

    ``placeholder`` keeps the product line as ``g·∂ = ?`` until the gradient arrives, so the label
    has the same shape in every frame of the step-through.
    """
    attrs: dict[str, str] = {}
    if active:
        attrs.update(color="#d08000", penwidth="2")
    if style.edge_labels == "none":
        return attrs
    parent = v.parents[position]
    lines = [f"∂ = {style.number(local)}" if local is not None else "∂ undefined"]
    tooltip = [f"∂{v.op.name}/∂(input {position + 1}) = {full(local) if local is not None else 'undefined'}"]
    if v.op.name in ("logsumexp", "neg_log_softmax") and local is not None:  # its partials are the softmax
        k, target = position + 1, 1.0 if position == v.arg else 0.0
        p = local + target
        lines = [f"p{subscript(str(k))} = {style.number(p)}"]
        lines.append(f"∂ = p{subscript(str(k))} − 1 = {style.number(local)}" if target else "∂ = p" + subscript(str(k)))
        tooltip.insert(0, f"p{subscript(str(k))} = softmax(z){subscript(str(k))} = {full(p)}")
    if style.edge_labels == "product" and grad is not None and local is not None:
        lines.append(f"g·∂ = {style.number(grad * local)}")
        into = parent.label or "this input"
        tooltip.append(f"grad {full(grad)} × {full(local)} = {full(grad * local)}, added to the grad of {into}")
    elif style.edge_labels == "product" and placeholder:
        lines.append("g·∂ = ?")
    rows = "".join(f"<TR><TD>{html_text(line)}</TD></TR>" for line in lines)
    attrs["label"] = f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{rows}</TABLE>>'
    attrs["tooltip"] = plain("\n".join(tooltip))
    attrs["fontsize"] = "10"
    return attrs
