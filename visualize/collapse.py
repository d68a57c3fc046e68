"""The collapsed view: each neuron one node (its z, a and δ), weights on the edges between them.

A network's full graph has a node for every weight, bias and operation; past a
few neurons it stops being readable. Collapsed, it looks like the diagrams in
the notes: inputs, then one node per neuron showing ``z^(l)_j``, ``a^(l)_j``
and ``δ^(l)_j = ∂L/∂z^(l)_j`` (its ``grad``), then the loss. Neurons are found
from the notes' labels: each ``z^(l)_j`` starts a neuron, its ``a^(l)_j`` and
unlabelled helper values join it, and its weights and bias become edge labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import graphviz

from autograd import Value
from visualize.annotate import Annotation
from visualize.errors import GraphTooLargeError
from visualize.graph import add_nodes, new_digraph
from visualize.labels import full, html_text, label_html, parse_label
from visualize.nodes import (
    Style,
    annotation_row,
    cell,
    input_edge,
    local_derivatives,
    op_node,
    plain,
    table,
    value_node,
)
from visualize.places import LOSS, Place, consumers, places

MAX_LABELLED_EDGES = 40
"""Weights are written on the edges up to this many edges; beyond, only in the edge tooltips."""


@dataclass
class Group:
    """One neuron (seeded by its ``z``) or one loss (seeded by ``L``) and the values folded into it."""

    seed: Value
    key: int  # the seed's position in the topological order: a stable node name
    place: Place  # (l, j) for a neuron, LOSS for the loss
    a: Value | None = None


@dataclass
class Grouping:
    group_of: dict[Value, Group]
    hidden: set[Value]  # weights and biases: shown on edges, not as nodes
    params: dict[str, Value]  # by label, to find w^(l)_ij for an edge i → j

    def size(self, order: list[Value]) -> int:
        """How many nodes the collapsed drawing of ``order`` has."""
        groups = {id(g) for g in self.group_of.values()}
        singles = [v for v in order if v not in self.group_of and v not in self.hidden]
        return len(groups) + len(singles) + sum(1 for v in singles if v.op is not None)


def group(order: list[Value], used_by: dict[Value, list[Value]]) -> Grouping:
    """Fold each neuron's values into one group seeded by its ``z`` (and the loss into one)."""
    index = {v: k for k, v in enumerate(order)}
    notes = {v: parse_label(v.label) for v in order}
    group_of: dict[Value, Group] = {}
    for v in order:
        n = notes[v]
        if n is not None and n.kind == "z":
            group_of[v] = Group(v, index[v], n.neuron)
        elif n is not None and n.kind == "L":
            group_of[v] = Group(v, index[v], LOSS)
        elif n is not None and n.kind == "a" and n.layer:
            z = _find_z(v, n.neuron, notes)
            if z is not None and z in group_of and group_of[z].a is None:
                group_of[v] = group_of[z]
                group_of[z].a = v
    hidden = {v for v in order if notes[v] is not None and notes[v].kind in "wb" and v.is_leaf()}
    for v in reversed(order):  # unlabelled helpers join the group all their consumers are in
        if v in group_of or v in hidden or v.label is not None or not used_by[v]:
            continue
        owners = {id(group_of.get(c)) for c in used_by[v]}
        if len(owners) == 1 and used_by[v][0] in group_of:
            group_of[v] = group_of[used_by[v][0]]
    hidden = {v for v in hidden if used_by[v] and all(c in group_of for c in used_by[v])}
    return Grouping(group_of, hidden, {v.label: v for v in hidden})


def _find_z(a: Value, neuron: tuple[int, int] | None, notes: dict) -> Value | None:
    """The ``z^(l)_j`` that ``a^(l)_j`` is computed from, through at most a few unlabelled steps."""
    frontier = list(a.parents)
    for _ in range(4):
        for p in frontier:
            n = notes.get(p)
            if n is not None and n.kind == "z" and n.neuron == neuron:
                return p
        frontier = [q for p in frontier if p.label is None for q in p.parents]
    return None


def collapsed_size(order: list[Value]) -> int:
    """How many nodes the collapsed view of this graph has."""
    return group(order, consumers(order)).size(order)


def neuron_node(g: Group, style: Style, notes: dict[Value, Annotation]) -> dict[str, str]:
    """The DOT attributes of one neuron's node: its z and a, with data, gradients and notes."""
    layer, j = g.place
    z, a = g.seed, g.a
    rows = [[cell(f"<B>neuron {j}</B>")]]
    shown = [(z, label_html(z.label))] + ([(a, label_html(a.label))] if a is not None else [])
    if style.show_data:
        rows += [[cell(name), cell(style.number(v.data))] for v, name in shown]
    if style.show_grad:
        rows.append([cell(f"δ<SUP>({layer})</SUP><SUB>{j}</SUB>"), cell(style.number(z.grad))])
    annotation = notes.get(z) or (notes.get(a) if a is not None else None)
    if annotation is not None:
        rows.append(annotation_row(annotation))
    tooltip = [f"{z.label} = {full(z.data)}"]
    if a is not None:
        tooltip.append(f"{a.label} = {full(a.data)}")
    tooltip.append(f"δ = ∂L/∂{z.label} = {full(z.grad)}")
    if annotation is not None and annotation.tooltip:
        tooltip.append(annotation.tooltip)
    color = annotation.color if annotation is not None else None
    label = table(rows, color=color, bold=color is not None)
    return {"shape": "plain", "label": label, "tooltip": plain("\n".join(tooltip))}


def weight_edge(
    source: Value,
    target: Group,
    params: dict[str, Value],
    style: Style,
    notes: dict[Value, Annotation],
    labelled: bool = True,
) -> dict[str, str]:
    """The edge a^(l-1)_i → neuron j of layer l: w^(l)_ij in its label (if ``labelled``) and tooltip."""
    src = parse_label(source.label)
    if src is None or target.place == LOSS:
        return {}
    (layer, j), i = target.place, src.index[-1]
    w = params.get(f"w^({layer})_{i}{j}") or params.get(f"w^({layer})_{i},{j}")
    if w is None:
        return {}
    lines = [f"w = {style.number(w.data)}"] if style.show_data else []
    if style.show_grad:
        lines.append(f"∂L/∂w = {style.number(w.grad)}")
    tooltip = [f"{w.label} = {full(w.data)}", f"∂L/∂{w.label} = {full(w.grad)}"]
    attrs = {"fontsize": "10"}
    if lines and labelled:
        attrs["label"] = "<" + "<BR/>".join(html_text(s) for s in lines) + ">"
    annotation = notes.get(w)
    if annotation is not None:
        tooltip.append(annotation.tooltip or annotation.text)
        if annotation.color:
            attrs.update(color=annotation.color, fontcolor=annotation.color, penwidth="2" if labelled else "1")
    attrs["tooltip"] = plain("\n".join(tooltip))
    return attrs


def draw_collapsed(
    order: list[Value],
    style: Style,
    notes: dict[Value, Annotation],
    *,
    max_nodes: int | None,
    clusters: bool = True,
    rankdir: str = "LR",
    title: str | None = None,
) -> graphviz.Digraph:
    """Draw the graph with one node per neuron; weights and biases become edge labels."""
    used_by = consumers(order)
    grouping = group(order, used_by)
    if not any(g.place != LOSS for g in grouping.group_of.values()):
        raise ValueError(
            "collapse=True draws each neuron as one node, but this graph has no values labelled z^(l)_j "
            "(the labels nn gives a network); draw it without collapse"
        )
    n_nodes = grouping.size(order)
    if max_nodes is not None and n_nodes > max_nodes:
        raise GraphTooLargeError(
            n_nodes, max_nodes, [f"raise the limit: max_nodes={n_nodes} (--max-nodes {n_nodes})", "draw a sub-graph"]
        )
    where = places(order, used_by)
    index = {v: k for k, v in enumerate(order)}
    g = new_digraph(rankdir, title)

    def unit(v: Value) -> str:
        grp = grouping.group_of.get(v)
        return f"v{index[v]}" if grp is None else f"n{grp.key}"

    nodes: list[tuple[str, dict[str, str], Place]] = []
    rank: dict[str, int] = {}  # neurons (and inputs) top to bottom by index, as in the notes' pictures
    done = set()
    for k, v in enumerate(order):
        grp = grouping.group_of.get(v)
        if v in grouping.hidden:
            continue
        if grp is None:
            place = where.get(v, ())[:1]
            nodes.append((f"v{k}", value_node(v, style, grad=v.grad, annotation=notes.get(v)), place))
            notes_label = parse_label(v.label)
            rank[f"v{k}"] = notes_label.index[-1] if notes_label is not None and notes_label.index else 0
            if v.op is not None:
                nodes.append((f"op{k}", op_node(v, style), place))
        elif grp.key not in done:
            done.add(grp.key)
            if grp.place == LOSS:
                attrs = value_node(grp.seed, style, grad=grp.seed.grad, annotation=notes.get(grp.seed))
            else:
                attrs = neuron_node(grp, style, notes)
            nodes.append((f"n{grp.key}", attrs, grp.place[:1]))
            rank[f"n{grp.key}"] = grp.place[-1] if grp.place != LOSS else 0
    add_nodes(g, sorted(nodes, key=lambda node: rank.get(node[0], 0)), clustered=clusters)
    between: list[tuple[str, str, Value, Group]] = []  # edges into a group: (from, to, source value, group)
    for k, v in enumerate(order):
        grp = grouping.group_of.get(v)
        if v in grouping.hidden or v.op is None:
            continue
        if grp is None:  # drawn in full: its op node and an edge per input
            g.edge(f"op{k}", f"v{k}")
            local = local_derivatives(v)
            for i, p in enumerate(v.parents):
                g.edge(unit(p), f"op{k}", **input_edge(v, i, local[i], v.grad, style))
            continue
        for p in v.parents:
            edge = (unit(p), unit(v))
            if p in grouping.hidden or grouping.group_of.get(p) is grp or any(e[:2] == edge for e in between):
                continue
            source = p if grouping.group_of.get(p) is None else _output_of(grouping.group_of[p])
            between.append((*edge, source, grp))
    labelled = len(between) <= MAX_LABELLED_EDGES  # past that, dot stacks the labels into a tower
    for tail, head, source, grp in between:
        g.edge(tail, head, **weight_edge(source, grp, grouping.params, style, notes, labelled))
    return g


def _output_of(g: Group) -> Value:
    return g.a if g.a is not None else g.seed
