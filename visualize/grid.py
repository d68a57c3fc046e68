"""The collapsed view laid out on a grid: layers as columns in index order, neurons 1…n top to bottom.

Graphviz's ``dot`` orders a rank's nodes to cut crossings, so it draws a layer
as neurons 9…16 then 1…8, and moves every node when one table grows. Here the
positions come from the network's structure alone: one column per layer (the
inputs first, the loss last), each neuron at row j, every table a fixed size
(``visualize.measure``), and the result is pinned for ``neato -n2``. Edges enter
a neuron at the row of their weight and leave from its ``a``; a dense layer's
edges meet in one bundle node ``W⁽ˡ⁾`` instead of filling the gap with a band.
"""

from __future__ import annotations

from dataclasses import replace

from autograd import Value
from visualize.annotate import Annotation
from visualize.collapse import Group, Grouping, group
from visualize.errors import GraphTooLargeError
from visualize.graph import Drawing, new_digraph
from visualize.labels import full, notation_text, parse_label
from visualize.measure import fit_table
from visualize.neuron import FIXED_BORDER, NeuronRows, loss_label, loss_tooltip, neuron_label, neuron_tooltip
from visualize.nodes import Style, input_edge, local_derivatives, op_node, plain, value_node
from visualize.palette import LEGEND_TOOLTIP, legend_html
from visualize.places import LOSS, consumers

MAX_FAN_IN = 8  # more inputs than this per neuron, or
MAX_EDGES = 40  # more edges than this into a layer: its edges go through one bundle node
COLUMN_GAP, ROW_GAP, MARGIN = 60.0, 14.0, 8.0


class Unit:
    """One drawn node: its name, column depth, order in the column, label and size."""

    def __init__(
        self,
        name: str,
        depth: int,
        order: float,
        attrs: dict[str, str],
        header: str | None = None,
        digits: int = 4,
        template: str | None = None,
    ) -> None:
        self.name, self.depth, self.order, self.attrs, self.header = name, depth, order, attrs, header
        self.size = _size(attrs, digits + 6, template)  # room for the longest number of that many digits: -1.235e-05
        self.x = self.y = 0.0


def _size(attrs: dict[str, str], number_chars: int, template: str | None = None) -> tuple[float, float]:
    label = attrs.get("label", "")
    if label.startswith("<<TABLE"):  # sized as if its border were the thickest: no status moves it
        fitted, size = fit_table(label, float(FIXED_BORDER), number_chars, template)
        attrs["label"] = fitted
        return size
    return 9.0 * max(len(label), 2) + 16.0, 30.0  # an op's ellipse


def _fix(attrs: dict[str, str], size: tuple[float, float]) -> dict[str, str]:
    if attrs.get("label", "").startswith("<<TABLE"):
        return attrs
    return {**attrs, "width": f"{size[0] / 72:.3f}", "height": f"{size[1] / 72:.3f}", "fixedsize": "true"}


def draw_collapsed(
    order: list[Value],
    style: Style,
    notes: dict[Value, Annotation],
    *,
    max_nodes: int | None,
    clusters: bool = True,
    rankdir: str = "LR",
    title: str | None = None,
) -> Drawing:
    used_by = consumers(order)
    grouping = group(order, used_by)
    if not any(g.place != LOSS for g in grouping.group_of.values()):
        raise ValueError(
            "collapse=True draws each neuron as one node, but this graph has no values labelled z^(l)_j "
            "(the labels nn gives a network); draw it without collapse"
        )
    grid = _Grid(order, style, notes, grouping, clusters)
    n_nodes = len(grid.units)
    if max_nodes is not None and n_nodes > max_nodes:
        raise GraphTooLargeError(
            n_nodes, max_nodes, [f"raise the limit: max_nodes={n_nodes} (--max-nodes {n_nodes})", "draw a sub-graph"]
        )
    return grid.drawing(rankdir, title)


def collapsed_size(order: list[Value]) -> int:
    """How many nodes the collapsed view of this graph has (neurons, inputs, the loss, bundles…)."""
    return len(_Grid(order, Style(), {}, group(order, consumers(order)), True).units)


class _Grid:
    def __init__(
        self, order: list[Value], style: Style, notes: dict[Value, Annotation], grouping: Grouping, headers: bool
    ) -> None:
        self.order, self.style, self.notes, self.grouping, self.headers = order, style, notes, grouping, headers
        self.index = {v: k for k, v in enumerate(order)}
        self.used_by = consumers(order)
        self.members: dict[int, list[Value]] = {}
        for v in order:
            g = grouping.group_of.get(v)
            if g is not None:
                self.members.setdefault(g.key, []).append(v)
        self.units: dict[str, Unit] = {}
        self.edges: list[tuple[str, str, dict[str, str]]] = []
        self._bundled = self._dense_layers()
        self._build()

    # --- which node a value is drawn in -------------------------------------------------------
    def unit_of(self, v: Value) -> str:
        g = self.grouping.group_of.get(v)
        return f"v{self.index[v]}" if g is None else f"n{g.key}"

    def _sources(self, g: Group) -> list[Value]:
        """Values outside group g that its members read (weights and biases excepted), in order, once each."""
        seen, out = set(), []
        for v in self.members[g.key]:
            for p in v.parents:
                if p in self.grouping.hidden or self.grouping.group_of.get(p) is g or p in seen:
                    continue
                seen.add(p)
                out.append(p)
        return out

    def _dense_layers(self) -> set[int]:
        fan_in: dict[int, list[int]] = {}
        for g in {id(g): g for g in self.grouping.group_of.values()}.values():
            if g.place != LOSS:
                fan_in.setdefault(g.place[0], []).append(len(self._sources(g)))
        return {layer for layer, n in fan_in.items() if max(n) > MAX_FAN_IN or sum(n) > MAX_EDGES}

    # --- nodes ----------------------------------------------------------------------------------
    def _build(self) -> None:
        groups = {g.key: g for g in self.grouping.group_of.values()}
        depth: dict[str, int] = {}
        for k, v in enumerate(self.order):
            g = self.grouping.group_of.get(v)
            if v in self.grouping.hidden:
                continue
            if g is not None:
                if g.key == self.index[v]:
                    self._group_unit(g, depth)
                continue
            parents = [depth[self.unit_of(p)] for p in v.parents if p not in self.grouping.hidden]
            note = self.notes.get(v)
            attrs = value_node(v, self.style, grad=v.grad, annotation=note)
            label = parse_label(v.label)
            if v.op is None:
                is_input = label is not None and label.kind == "a" and label.layer == 0
                d = 0 if is_input else 1
                position = label.index[-1] if label is not None and label.index else k
                self.units[f"v{k}"] = Unit(
                    f"v{k}", d, position, attrs, "inputs" if is_input else None, digits=self.style.digits
                )
            else:
                d = max(parents, default=0) + 1
                self.units[f"op{k}"] = Unit(f"op{k}", d, k, op_node(v, self.style))
                self.units[f"v{k}"] = Unit(f"v{k}", d + 1, k, attrs, digits=self.style.digits)
                self.edges.append((f"op{k}", f"v{k}", {}))
                local = local_derivatives(v)
                for i, p in enumerate(v.parents):
                    tail = self.unit_of(p) + (":a:e" if self.grouping.group_of.get(p) is not None else "")
                    self.edges.append((tail, f"op{k}", input_edge(v, i, local[i], v.grad, self.style)))
                d += 1
            depth[f"v{k}"] = d
            if v.op is not None:
                depth[f"op{k}"] = d - 1
        del groups

    def _group_unit(self, g: Group, depth: dict[str, int]) -> None:
        name = f"n{g.key}"
        sources = self._sources(g)
        source_depth = max((depth.get(self.unit_of(p), 0) for p in sources), default=0)
        if g.place == LOSS:
            outputs = [(self._output_index(p), p) for p in sources]
            members = self.members[g.key]
            attrs = {
                "shape": "plain",
                "label": loss_label(g.seed, members, outputs, self.style, self.notes.get(g.seed), self.used_by),
                "tooltip": loss_tooltip(g.seed, members),
            }
            depth[name] = source_depth + 2
            self.units[name] = Unit(name, depth[name], 0, attrs, "loss", self.style.digits)
            for k, p in outputs:
                self.edges.append((self._tail(p), f"{name}:k{k}:w", {}))
            return
        layer, j = g.place
        rows = self._neuron_rows(g)
        bundled = layer in self._bundled
        attrs = {
            "shape": "plain",
            "label": neuron_label(rows, self.style, self.notes, bundled),
            "tooltip": neuron_tooltip(rows, self.notes),
        }
        depth[name] = max(2 * layer, source_depth + 2)
        starts = {v: replace(n, status="start") if n.status else n for v, n in self.notes.items()}
        template = neuron_label(rows, self.style, starts, bundled)  # measured as if its error started here
        self.units[name] = Unit(name, depth[name], j, attrs, f"layer {layer}", self.style.digits, template)
        weights = dict(rows.weights)
        for p in sources:
            i = self._output_index(p)
            if bundled:
                bundle = self._bundle(layer, depth[name] - 1)
                if not any(e[0] == self._tail(p) and e[1] == bundle for e in self.edges):
                    self.edges.append((self._tail(p), bundle, {"color": "#8a8a8a"}))
                continue
            w = weights.get(i)
            head = f"{name}:w{i}:w" if w is not None else f"{name}:z:w"
            self.edges.append((self._tail(p), head, self._weight_edge(w)))
        if bundled:
            self.edges.append((self._bundle(layer, depth[name] - 1), f"{name}:z:w", {"color": "#8a8a8a"}))

    def _bundle(self, layer: int, d: int) -> str:
        name = f"bundle{layer}"
        if name not in self.units:
            text = f"W⁽{_sup(layer)}⁾: every aᵢ × w⁽{_sup(layer)}⁾ᵢⱼ"
            tooltip = f"all the weights of layer {layer}, one edge each way (values in each neuron's tooltip)"
            attrs = {
                "shape": "box",
                "style": "rounded,filled",
                "fillcolor": "#f4f4f4",
                "color": "#8a8a8a",
                "label": plain(text),
                "tooltip": plain(tooltip),
                "fontsize": "11",
            }
            self.units[name] = Unit(name, d, 0, attrs)
            self.units[name].size = (7.0 * len(text) + 16, 28.0)
        return name

    def _tail(self, p: Value) -> str:
        g = self.grouping.group_of.get(p)
        return f"n{g.key}:a:e" if g is not None else f"v{self.index[p]}:e"

    def _output_index(self, p: Value) -> int:
        g = self.grouping.group_of.get(p)
        if g is not None and g.place != LOSS:
            return g.place[1]
        label = parse_label(p.label)
        return label.index[-1] if label is not None and label.index else self.index[p]

    def _neuron_rows(self, g: Group) -> NeuronRows:
        layer, j = g.place
        weights, bias = [], None
        for v in self.members[g.key]:
            for p in v.parents:
                n = parse_label(p.label) if p in self.grouping.hidden else None
                if n is not None and n.neuron == (layer, j):
                    if n.kind == "w":
                        weights.append((n.index[0], p))
                    elif n.kind == "b":
                        bias = p
        return NeuronRows(layer, j, g.seed, g.a, sorted(weights, key=lambda t: t[0]), bias)

    def _weight_edge(self, w: Value | None) -> dict[str, str]:
        if w is None:
            return {}
        name = notation_text(w.label)
        lines = [f"{name} = {full(w.data)}", f"∂L/∂{name} = {full(w.grad)}"]
        attrs: dict[str, str] = {}
        note = self.notes.get(w)
        if note is not None:
            lines.append(notation_text(note.tooltip or note.text))
            if note.color:
                attrs.update(color=note.color, penwidth="1.6")
        attrs["tooltip"] = plain("\n".join(lines))
        return attrs

    # --- positions ------------------------------------------------------------------------------
    def drawing(self, rankdir: str, title: str | None) -> Drawing:
        columns: dict[int, list[Unit]] = {}
        for u in self.units.values():
            columns.setdefault(u.depth, []).append(u)
        x = MARGIN
        placed: list[list[Unit]] = []
        for d in sorted(columns):
            col = sorted(columns[d], key=lambda u: u.order)
            width = max(u.size[0] for u in col)
            uniform = [u for u in col if u.name.startswith("n")]  # a layer's neurons: one size, a neat grid
            if uniform:
                size = (max(u.size[0] for u in uniform), max(u.size[1] for u in uniform))
                for u in uniform:
                    u.size = size
            for u in col:
                u.x = x + width / 2
            x += width + COLUMN_GAP
            placed.append(col)
        heights = [sum(u.size[1] for u in col) + ROW_GAP * (len(col) - 1) for col in placed]
        tallest = max(heights)
        top = MARGIN + (26.0 if self.headers else 0.0)
        for col, height in zip(placed, heights, strict=True):
            y = top + (tallest - height) / 2
            for u in col:
                u.y = y + u.size[1] / 2
                y += u.size[1] + ROW_GAP
        bottom = top + tallest
        g = new_digraph("LR", title)
        g.pinned = True
        g.attr(splines="line", outputorder="edgesfirst", overlap="true")
        legend = {n.status for n in self.notes.values() if n.status}
        extra = 0.0
        if legend:
            attrs = {"shape": "plain", "label": legend_html(legend), "tooltip": LEGEND_TOOLTIP}
            unit = Unit("legend", -1, 0, attrs)
            unit.x, unit.y = MARGIN + unit.size[0] / 2, bottom + ROW_GAP + unit.size[1] / 2
            self.units["legend"] = unit
            extra = unit.size[1] + ROW_GAP
        height = bottom + extra + MARGIN

        def point(px: float, py: float) -> tuple[float, float]:
            if rankdir in ("TB", "BT"):
                px, py = py, px
            return px, (height - py if rankdir != "BT" else py)

        def pos(px: float, py: float) -> str:
            x, y = point(px, py)
            return f"{x:.1f},{y:.1f}!"

        for col in placed:
            header = next((u.header for u in col if u.header), None)
            members = [u for u in col if u.header]
            if not header or not self.headers:
                for u in col:
                    g.node(u.name, pos=pos(u.x, u.y), **_fix(u.attrs, u.size))
                continue
            left = min(u.x - u.size[0] / 2 for u in members) - 6
            right = max(u.x + u.size[0] / 2 for u in members) + 6
            upper = min(u.y - u.size[1] / 2 for u in members) - 22
            lower = max(u.y + u.size[1] / 2 for u in members) + 6
            (x0, y0), (x1, y1) = point(left, lower), point(right, upper)
            bb = f"{min(x0, x1):.1f},{min(y0, y1):.1f},{max(x0, x1):.1f},{max(y0, y1):.1f}"
            with g.subgraph(name=_cluster(header)) as c:
                c.attr(label=plain(header), bb=bb, style="rounded", color="#c8c8c8", fontcolor="#606060")
                for u in members:
                    c.node(u.name, pos=pos(u.x, u.y), **_fix(u.attrs, u.size))
            for u in col:
                if not u.header:
                    g.node(u.name, pos=pos(u.x, u.y), **_fix(u.attrs, u.size))
        if "legend" in self.units:
            u = self.units["legend"]
            g.node(u.name, pos=pos(u.x, u.y), **u.attrs)
        for tail, head, attrs in self.edges:
            g.edge(tail, head, **attrs)
        return g


def _cluster(header: str) -> str:
    return {"inputs": "cluster_input", "loss": "cluster_loss"}.get(header, "cluster_" + header.replace(" ", ""))


def _sup(n: int) -> str:
    return "".join("⁰¹²³⁴⁵⁶⁷⁸⁹"[int(c)] for c in str(n))
