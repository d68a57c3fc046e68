"""The collapsed view's two kinds of node: a neuron (its weights, z, a and δ) and the loss (L, yₖ, pₖ).

A neuron reads like the notes: on its left, one row per weight ``w⁽ˡ⁾ᵢⱼ`` in
index order and its bias ``b⁽ˡ⁾ⱼ`` (the edge from ``a⁽ˡ⁻¹⁾ᵢ`` ends at the row of
its weight, so each weight sits at its edge); on its right ``z⁽ˡ⁾ⱼ``, ``a⁽ˡ⁾ⱼ``
and ``δ⁽ˡ⁾ⱼ = ∂L/∂z⁽ˡ⁾ⱼ``, the edges out leaving from the ``a`` row. A dense
layer's neurons are drawn without weight rows: one bundle carries its edges.
The loss node lists, per output k, the target ``yₖ`` (a constant, grey) and,
when the loss has a log-sum-exp, the softmax ``pₖ = ∂ logsumexp/∂zₖ``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from autograd import Value
from autograd.notation import label as notes_label
from visualize.annotate import Annotation
from visualize.labels import full, label_html, notation_text
from visualize.nodes import Style, annotation_row, border_of, cell, local_derivatives, plain, table
from visualize.palette import CONSTANT_COLOR, START_BORDER


@dataclass
class NeuronRows:
    """What one neuron node shows: its weights by input index, bias, z, a (and the notes on them)."""

    layer: int
    j: int
    z: Value
    a: Value | None
    weights: list[tuple[int, Value]]  # (i, w^(l)_ij), i ascending
    bias: Value | None


def _grey(text: str) -> str:
    return f'<FONT COLOR="{CONSTANT_COLOR}">{text}</FONT>'


def _coloured(text: str, note: Annotation | None) -> str:
    if note is None or note.color is None:
        return text
    glyph = html.escape(note.look.glyph) + " " if note.look is not None else ""
    return f'<FONT COLOR="{html.escape(note.color)}">{glyph}{text}</FONT>'


def _note_lines(note: Annotation, width: int) -> list[list[str]]:
    """An annotation's text as one row per ``|``-separated part, the status glyph in front of the first."""
    parts = note.text.split(" | ")
    rows = []
    for k, part in enumerate(parts):
        shown = Annotation(part, note.color, None, note.status if k == 0 else None)
        rows.append([annotation_row(shown)[0].replace("<TD", f'<TD COLSPAN="{width}" ALIGN="LEFT"', 1)])
    return rows


def neuron_label(n: NeuronRows, style: Style, notes: dict[Value, Annotation], bundled: bool) -> str:
    """The neuron's HTML-like table; ports ``w{i}``/``b`` on the left, ``z`` and ``a`` on the right."""
    note = notes.get(n.z) or (notes.get(n.a) if n.a is not None else None)
    right = [(n.z, "z"), *([(n.a, "a")] if n.a is not None else [])]
    quantities = [
        [
            cell(label_html(v.label), PORT=port if port == "z" else None),
            cell(style.number(v.data), PORT=port if port == "a" else None),
        ]
        for v, port in right
    ]
    if n.a is None:  # the output layer is linear: a = z, and edges leave from z
        quantities[0][1] = cell(style.number(n.z.data), PORT="a")
    if style.show_grad:
        delta = notes_label("δ", n.layer, n.j)
        quantities.append([cell(_coloured(label_html(delta), note)), cell(style.number(n.z.grad))])
    left: list[list[str]] = []
    if not bundled:
        for i, w in n.weights:
            left.append(_weight_row(w, f"w{i}", style, notes.get(w)))
        if n.bias is not None:
            left.append(_weight_row(n.bias, "b", style, notes.get(n.bias)))
    width = 2 + (len(left[0]) if left else 0)
    head = f"<B>neuron {n.j}</B>"
    if note is not None and note.status == "start":
        head += f' <FONT COLOR="{html.escape(note.color)}"><B>✗ starts here</B></FONT>'
    rows = [[cell(head, COLSPAN=str(width))]]
    if left:  # what the unlabelled columns hold
        names = ["weight", "value", *(["∂L/∂w"] if style.show_grad else []), " ", "value"]
        rows.append([cell(f'<FONT POINT-SIZE="9" COLOR="#707070">{html.escape(t)}</FONT>') for t in names])
    height = max(len(left), len(quantities))
    for r in range(height):
        row = (
            list(left[r])
            if r < len(left)
            else ([cell(" "), cell(" ")] + ([cell(" ")] if style.show_grad else []) if left else [])
        )
        if r < len(quantities):
            span = height - r if r == len(quantities) - 1 else 1
            q = quantities[r]
            row += (
                [q[0].replace("<TD", f'<TD ROWSPAN="{span}"', 1), q[1].replace("<TD", f'<TD ROWSPAN="{span}"', 1)]
                if span > 1
                else q
            )
        rows.append(row)
    if note is not None:
        rows += _note_lines(note, width)
    color = note.color if note is not None else None
    return table(rows, color=color, border=border_of(note))


def _weight_row(w: Value, port: str, style: Style, note: Annotation | None) -> list[str]:
    row = [cell(_coloured(label_html(w.label), note), PORT=port), cell(style.number(w.data))]
    if style.show_grad:
        row.append(cell(style.number(w.grad)))
    return row


def neuron_tooltip(n: NeuronRows, notes: dict[Value, Annotation]) -> str:
    lines = [f"{notation_text(n.z.label)} = {full(n.z.data)}"]
    if n.a is not None:
        lines.append(f"{notation_text(n.a.label)} = {full(n.a.data)}")
    lines.append(f"δ = ∂L/∂{notation_text(n.z.label)} = {full(n.z.grad)}")
    for _, w in n.weights + ([(0, n.bias)] if n.bias is not None else []):
        lines.append(f"{notation_text(w.label)} = {full(w.data)}, ∂L/∂{notation_text(w.label)} = {full(w.grad)}")
    for v in (n.z, n.a, *(w for _, w in n.weights), n.bias):
        note = notes.get(v) if v is not None else None
        if note is not None and note.tooltip:
            lines.append(notation_text(note.tooltip))
    return plain("\n".join(lines))


SOFTMAX_OPS = ("logsumexp", "neg_log_softmax")  # ops whose partials are the softmax p (minus the class's 1)


def softmax_of(v: Value) -> list[float | None]:
    """``pₖ`` for each input of a log-sum-exp node (``∂ logsumexp/∂zₖ``; ``−log softmax_c`` adds back [k = c])."""
    local = local_derivatives(v)
    if v.op.name == "neg_log_softmax":
        return [None if d is None else d + (1.0 if k == v.arg else 0.0) for k, d in enumerate(local)]
    return local


def _targets(members: list[Value], outputs: list[tuple[int, Value]], used_by: dict[Value, list[Value]]) -> dict:
    """Output index k → the target yₖ (a Value, or a number implied by a class index)."""
    found: dict[int, Value | float] = {}
    by_value = {id(out): k for k, out in outputs}
    for v in members:
        label = v.label or ""
        if v.is_leaf() and label.startswith("y_") and label[2:].isdigit():
            found[int(label[2:])] = v
        if v.op is not None and v.op.name == "sub" and id(v.parents[0]) in by_value and v.parents[1].is_leaf():
            found.setdefault(by_value[id(v.parents[0])], v.parents[1])  # (zₖ − yₖ)
        if v.op is not None and v.op.name == "neg_log_softmax":
            k = outputs[v.arg][0] if v.arg < len(outputs) else v.arg + 1
            scale = [c for c in used_by.get(v, []) if c.op is not None and c.op.name == "mul"]
            weight = next((p for c in scale for p in c.parents if p is not v and p.is_leaf()), None)
            found.setdefault(k, weight if weight is not None else 1.0)
    if any(v.op is not None and v.op.name == "neg_log_softmax" for v in members):
        for k, _ in outputs:
            found.setdefault(k, 0.0)  # a class with no −log p term has target 0
    return found


def loss_label(
    root: Value,
    members: list[Value],
    outputs: list[tuple[int, Value]],
    style: Style,
    note: Annotation | None,
    used_by: dict[Value, list[Value]],
) -> str:
    """The loss node: ``L`` and its value, then per output k (port ``k{k}``) its target yₖ and softmax pₖ."""
    targets = _targets(members, outputs, used_by)
    softmax: dict[int, float | None] = {}
    for v in members:
        if v.op is not None and v.op.name in SOFTMAX_OPS:
            for p, pk in zip(v.parents, softmax_of(v), strict=True):
                softmax[id(p)] = pk
    has_p = any(id(out) in softmax for _, out in outputs)
    columns = 2 + has_p
    name = label_html(root.label or "L")
    rows = [[cell(f"<B>loss {name}</B> = {style.number(root.data)}", COLSPAN=str(columns))]]
    for k, out in outputs:
        y = targets.get(k)
        y_text = " "
        if y is not None:
            y_number = y.data if isinstance(y, Value) else y
            y_text = _grey(f"{label_html(notes_label('y', None, k))} = {style.number(y_number)}")
        row = [cell(f"k = {k}", PORT=f"k{k}"), cell(y_text)]
        if has_p:
            p = softmax.get(id(out))
            row.append(cell(f"{label_html(f'p_{k}')} = {style.number(p)}" if p is not None else " "))
        rows.append(row)
    if note is not None:
        rows.append(annotation_row(note))
    return table(rows, color=note.color if note else None, border=border_of(note))


def loss_tooltip(root: Value, members: list[Value]) -> str:
    ops = sorted({v.op.symbol.replace("{c}", str(v.arg)) for v in members if v.op is not None})
    lines = [f"{notation_text(root.label or 'L')} = {full(root.data)}", f"computed with {', '.join(ops)}"]
    lines += [
        f"{notation_text(v.label)} = {full(v.data)} (a target: a constant)"
        for v in members
        if v.is_leaf() and v.label and v.label.startswith("y_")
    ]
    return plain("\n".join(lines))


FIXED_BORDER = START_BORDER  # every table is sized as if its border were the thickest, so no status moves it
