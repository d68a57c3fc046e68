"""``draw(root)``: the graph of Values as a ``graphviz.Digraph``, forward values and gradients on every node.

Each value is a table (label, data, grad) and each operation a small node with
its symbol, so the picture reads like the worked examples in the notes. Node
names come from positions in the topological order (``v0``, ``v1``…, ``op1``…),
never from ``id()``, so the same graph always gives the same DOT text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import graphviz

from autograd import Value, topological_order
from visualize.annotate import Annotation, AnnotationLike, normalize
from visualize.errors import GraphTooLargeError
from visualize.labels import notation_text
from visualize.nodes import Style, input_edge, local_derivatives, op_node, plain, value_node
from visualize.ordered import mirrored, neuron_shifts, pin, read_layout, routes
from visualize.palette import LEGEND_TOOLTIP, legend_html
from visualize.places import INPUT_LAYER, LOSS, Place, consumers, has_network_labels, places

DEFAULT_MAX_NODES = 200
FONT = "Helvetica"


def check_root(root: object) -> Value:
    """The root, if it is a Value; otherwise a TypeError saying what to pass."""
    if not isinstance(root, Value):
        hint = " (draw one Value: the loss, or one output)" if isinstance(root, list | tuple) else ""
        raise TypeError(f"draw() needs a Value as the root of the graph, got {type(root).__name__}{hint}")
    return root


class Drawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` that Jupyter shows as inline, width-fitting SVG with live tooltips.

    Its display offers ``text/html`` (``visualize.html``: scaled to the cell, zoom and pan) and
    ``image/svg+xml`` for front-ends without HTML, and says clearly when Graphviz is missing. A
    drawing whose positions are fixed in advance (``pinned``) is laid out by ``neato -n2``, which
    keeps every node where it was put.
    """

    pinned: bool = False

    def __repr__(self) -> str:  # stable text (no address), as notebooks store it beside the SVG
        return "<visualize.Drawing: a graphviz.Digraph; shown as SVG in Jupyter, written by render()>"

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        if self.pinned:
            kwargs.setdefault("engine", "neato")
            kwargs.setdefault("neato_no_op", 2)
        return super().pipe(*args, **kwargs)

    def svg(self) -> str:
        """The laid-out SVG text (needs Graphviz's ``dot``)."""
        from visualize.output import graphviz_errors  # output imports this module

        with graphviz_errors():
            return self.pipe(format="svg", encoding="utf-8")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, Any]:
        from visualize.html import figure_html

        svg = self.svg()
        bundle = {"text/html": figure_html(svg), "image/svg+xml": svg, "text/plain": repr(self)}
        return {k: v for k, v in bundle.items() if (not include or k in include) and not (exclude and k in exclude)}


class NetworkDrawing(Drawing):
    """A network's full graph, drawn with each layer's neurons 1…n in reading order.

    Its DOT text (``source``) is what ``dot`` lays out; drawing it (SVG, PNG, Jupyter) takes dot's
    layout, puts each layer's neuron clusters in index order (``visualize.ordered``) and draws
    that, every position pinned, with ``neato -n2``. Drawings that share ``layout`` (a
    step-through's frames, whose nodes have one size in every frame) are laid out once.
    """

    parts: tuple | None = None  # (nodes, edges, rankdir, title), as GraphPicture.emit drew them
    layout: dict | None = None  # the pinned positions once worked out: "fixed" → per node, cluster, edge

    def in_order(self) -> Drawing:
        """The same drawing with every position fixed and the neurons in index order (runs Graphviz)."""
        if self.parts is None:  # a copy graphviz made: its statements only
            return self
        if self.layout is None:
            self.layout = {}
        if "fixed" not in self.layout:
            self.layout["fixed"] = self._fix()
        if self.layout["fixed"] is None:
            return self  # dot put the neurons in order already: its own drawing
        return self._pinned(*self.layout["fixed"])

    def _pinned(self, node_attrs: dict, cluster_attrs: dict, edge_attrs: list, bb: str) -> Drawing:
        nodes, edges, rankdir, title = self.parts
        g = new_digraph(rankdir, title)
        g.pinned = True
        g.attr(splines="true", bb=bb)  # splines: how neato routes an edge given no route
        add_nodes(g, [(n, {**a, **node_attrs[n]}, p) for n, a, p in nodes], True, cluster_attrs)
        for (tail, head, attrs), extra in zip(edges, edge_attrs, strict=True):
            g.edge(tail, head, **{**attrs, **extra})
        return g

    def _fix(self) -> tuple | None:
        """Every position and edge route of the drawing in order, or None when dot's own order is right."""
        nodes, edges, rankdir, _ = self.parts
        laid = read_layout(graphviz.Digraph.pipe(self, format="json", encoding="utf-8", quiet=True))
        if rankdir in ("TB", "BT"):  # dot draws a layer right to left here: mirrored, it reads 1…n
            laid = mirrored(laid)
        elif not any(abs(dx) + abs(dy) > 0.01 for dx, dy in neuron_shifts(laid, rankdir).values()):
            return None
        node_attrs, cluster_attrs, edge_attrs = pin(laid, nodes, edges, neuron_cluster, rankdir)
        if all("pos" in e for e in edge_attrs):
            return node_attrs, cluster_attrs, edge_attrs, laid["bb"]
        routed = self._pinned(node_attrs, cluster_attrs, edge_attrs, laid["bb"])
        out = read_layout(routed.pipe(format="json", encoding="utf-8", quiet=True))  # neato routes the rest
        return node_attrs, cluster_attrs, routes(out, node_attrs, edges, edge_attrs), laid["bb"]

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        pinned = self.in_order()
        return super().pipe(*args, **kwargs) if pinned is self else pinned.pipe(*args, **kwargs)


def neuron_cluster(place: Place) -> str | None:
    """The DOT name of the neuron cluster a place is in, if it is in a neuron."""
    return cluster_name(place) if len(place) == 2 else None


def new_digraph(rankdir: str, title: str | None = None, kind: type[Drawing] = Drawing) -> Drawing:
    """An empty ``Drawing`` (or a ``kind`` of one) with deltagrad's fonts, direction and optional title."""
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be LR, TB, RL or BT, got {rankdir!r}")
    g = kind("deltagrad")
    g.attr(rankdir=rankdir, fontname=FONT)
    g.attr("node", fontname=FONT, fontsize="12")
    g.attr("edge", fontname=FONT, arrowsize="0.7")
    if title:
        shown = title if title.startswith("<<") else plain(notation_text(title))  # "<<…>>": an HTML-like label
        g.attr(label=shown, labelloc="t")
    return g


def cluster_name(place: Place) -> str:
    """The DOT name of the cluster for a place (a layer, a neuron, the inputs, the loss)."""
    if place == INPUT_LAYER:
        return "cluster_input"
    if place == LOSS:
        return "cluster_loss"
    return f"cluster_layer{place[0]}" if len(place) == 1 else f"cluster_layer{place[0]}_neuron{place[1]}"


def cluster_label(place: Place) -> str:
    """The title shown on a place's cluster."""
    if place == INPUT_LAYER:
        return "inputs"
    if place == LOSS:
        return "loss"
    return f"layer {place[0]}" if len(place) == 1 else f"neuron {place[1]}"


def add_nodes(
    g: graphviz.Digraph,
    nodes: list[tuple[str, dict[str, str], Place]],
    clustered: bool,
    cluster_attrs: Mapping[str, dict[str, str]] | None = None,
) -> None:
    """Emit node statements, nested in layer and neuron clusters when ``clustered``.

    ``cluster_attrs`` adds attributes to clusters by name (a pinned layout's boxes).
    """
    more = cluster_attrs or {}
    if not clustered:
        for name, attrs, _ in nodes:
            g.node(name, **attrs)
        return
    by_place: dict[Place, list[tuple[str, dict[str, str]]]] = {}
    for name, attrs, place in nodes:
        by_place.setdefault(place, []).append((name, attrs))
    for name, attrs in by_place.pop((), []):
        g.node(name, **attrs)
    outer = sorted({p[:1] for p in by_place}, key=_place_order)
    for top in outer:
        with g.subgraph(name=cluster_name(top)) as c:
            c.attr(label=cluster_label(top), style="rounded", color="#b0b0b0", fontcolor="#606060")
            c.attr(**more.get(cluster_name(top), {}))
            for name, attrs in by_place.get(top, []):
                c.node(name, **attrs)
            inner = sorted((p for p in by_place if len(p) == 2 and p[:1] == top), key=_place_order)
            for place in inner:
                with c.subgraph(name=cluster_name(place)) as n:
                    n.attr(label=cluster_label(place), style="dashed,rounded", color="#c8c8c8")
                    n.attr(**more.get(cluster_name(place), {}))
                    for name, attrs in by_place[place]:
                        n.node(name, **attrs)


def _place_order(place: Place) -> tuple:
    return (1, 0) if place[:1] == LOSS else (0, *place)


def draw(
    root: Value,
    *,
    show_data: bool = True,
    show_grad: bool = True,
    edge_labels: str = "none",
    backward_order: bool = False,
    annotations: Mapping[Value, AnnotationLike] | None = None,
    clusters: bool = True,
    collapse: bool = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    rankdir: str = "LR",
    digits: int = 4,
    title: str | None = None,
) -> graphviz.Digraph:
    """The graph that computed ``root``, ready to display (Jupyter shows it as SVG) or ``render``.

    Args:
        root: the value whose graph to draw (usually the loss, after ``backward()``).
        show_data, show_grad: show each value's forward result / gradient.
        edge_labels: ``"local"`` labels each edge into an op with ∂out/∂in;
            ``"product"`` adds grad(out)·∂out/∂in, what that edge adds to the input's grad.
        backward_order: number the values in the order ``backward()`` visits them.
        annotations: extra text, colour and tooltip per Value (e.g. a δ-check report's).
        clusters: group a network's values (labelled by ``nn``) per layer and neuron, each layer's
            neurons 1…n from the top (``visualize.ordered``).
        collapse: draw each neuron as one node (z, a, δ), its weights on the edges into it.
        max_nodes: refuse (with advice) to draw more nodes than this; None for no limit.
        rankdir: ``"LR"`` (inputs on the left) or ``"TB"``, ``"RL"``, ``"BT"``.
        digits: significant digits shown; tooltips have full precision.
        title: a caption above the graph.

    Raises:
        TypeError: root is not a Value.
        GraphTooLargeError: the graph has more than ``max_nodes`` nodes.
    """
    style = Style(show_data, show_grad, edge_labels, backward_order, digits)
    notes = normalize(annotations)
    order = topological_order(check_root(root))
    if collapse:
        from visualize.grid import draw_collapsed

        return draw_collapsed(order, style, notes, max_nodes=max_nodes, clusters=clusters, rankdir=rankdir, title=title)
    check_size(order, max_nodes)
    picture = GraphPicture(order, style, notes, clusters)
    return picture.digraph(Frame.after_backward(order), rankdir=rankdir, title=title)


def check_size(order: list[Value], max_nodes: int | None) -> None:
    """Raise GraphTooLargeError, with ways out, when the graph has more than ``max_nodes`` nodes."""
    n_nodes = len(order) + sum(1 for v in order if v.op is not None)
    if max_nodes is None or n_nodes <= max_nodes:
        return
    ways = []
    where = places(order)
    if has_network_labels(where):
        from visualize.grid import collapsed_size

        ways.append(f"collapse=True (--collapse): one node per neuron, {collapsed_size(order)} nodes")
    inner = next((v for v in reversed(order[:-1]) if v.label and v.op is not None), None)
    example = f"e.g. draw(v) for the value labelled {inner.label!r}" if inner else "draw(v) for an intermediate v"
    ways.append(f"draw a sub-graph: {example}")
    ways.append(f"raise the limit: max_nodes={n_nodes} (--max-nodes {n_nodes})")
    raise GraphTooLargeError(n_nodes, max_nodes, ways)


@dataclass(frozen=True, slots=True)
class Frame:
    """What the gradients hold at one moment of the backward pass.

    Attributes:
        grads: each value's gradient so far (missing: not reached yet).
        final: the values whose gradient is complete.
        pushed: the values whose gradient has been passed on to their inputs.
        active: the value the backward pass has just processed, if any.
    """

    grads: Mapping[Value, float]
    final: frozenset[Value]
    pushed: frozenset[Value]
    active: Value | None = None

    @classmethod
    def after_backward(cls, order: list[Value]) -> Frame:
        """The frame once the backward pass is over: every gradient final."""
        everything = frozenset(order)
        return cls({v: v.grad for v in order}, everything, everything)


class GraphPicture:
    """The whole graph, drawable at any moment of the backward pass (the step-through draws one per frame)."""

    def __init__(self, order: list[Value], style: Style, notes: dict[Value, Annotation], clusters: bool) -> None:
        self.order, self.style, self.notes = order, style, notes
        self.index = {v: k for k, v in enumerate(order)}
        self.where = places(order, consumers(order)) if clusters else {}
        self.clustered = clusters and has_network_labels(self.where)
        self.local = {v: local_derivatives(v) for v in order if v.op is not None}

    def step(self, v: Value) -> int | None:
        """1 for the root: the backward pass walks the topological order in reverse."""
        return len(self.order) - self.index[v] if self.style.backward_order else None

    def parts(self, frame: Frame, placeholder: bool = False) -> tuple[list, list]:
        """The node statements ``(name, attrs, place)`` and edges ``(tail, head, attrs)`` of one frame."""
        nodes = []
        for k, v in enumerate(self.order):
            place = self.where.get(v, ())
            active = v is frame.active
            attrs = value_node(
                v,
                self.style,
                grad=frame.grads.get(v),
                grad_final=v in frame.final,
                step=self.step(v),
                annotation=self.notes.get(v),
                active=active,
            )
            nodes.append((f"v{k}", attrs, place))
            if v.op is not None:
                nodes.append((f"op{k}", op_node(v, self.style, active=active), place))
        edges = []
        for k, v in enumerate(self.order):
            if v.op is None:
                continue
            edges.append((f"op{k}", f"v{k}", {}))
            grad = frame.grads.get(v) if v in frame.pushed else None
            for i, p in enumerate(v.parents):
                active = v is frame.active
                attrs = input_edge(v, i, self.local[v][i], grad, self.style, active=active, placeholder=placeholder)
                if self.clustered and self.where.get(p, ())[:1] != self.where.get(v, ())[:1]:
                    attrs = {**attrs, "minlen": "2"}  # into another layer: a rank apart, layers side by side
                edges.append((f"v{self.index[p]}", f"op{k}", attrs))
        used = {n.status for n in self.notes.values() if n.status}
        if used:  # what the colours and glyphs of an overlay mean, as the collapsed view says it too
            nodes.append(("legend", {"shape": "plain", "label": legend_html(used), "tooltip": LEGEND_TOOLTIP}, ()))
        return nodes, edges

    def emit(self, nodes: list, edges: list, *, rankdir: str = "LR", title: str | None = None) -> Drawing:
        neurons = self.clustered and any(len(p) == 2 for p in self.where.values())
        g = new_digraph(rankdir, title, NetworkDrawing if neurons else Drawing)
        if isinstance(g, NetworkDrawing):  # dot's layout, each layer's neurons then put in index order
            g.parts, g.layout = (nodes, edges, rankdir, title), {}
            g.attr(mclimit="0.01")  # dot's crossing reduction barely runs: each neuron keeps w⁽ˡ⁾₁ⱼ, …, b⁽ˡ⁾ⱼ top down
        add_nodes(g, nodes, self.clustered)
        for tail, head, attrs in edges:
            g.edge(tail, head, **attrs)
        return g

    def digraph(self, frame: Frame, *, rankdir: str = "LR", title: str | None = None) -> Drawing:
        return self.emit(*self.parts(frame), rankdir=rankdir, title=title)
