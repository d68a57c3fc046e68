"""The full view of a network with its neurons in index order: dot's layout, then each neuron put in its place.

``dot`` draws a network's full graph well (layers as columns, each neuron's
inputs in index order) but orders the neuron clusters of a layer to cut
crossings, so a layer can read neuron 3, 1, 2 from the top. Here dot lays the
graph out once (``-Tjson``); then, per layer, the neurons' cluster boxes are
stacked again in index order, 1…n from the top, in the same slots (the same
gaps, the same span), each neuron's nodes and inner edges moved with its box.
An edge whose two ends moved alike keeps dot's route and label place; one
between neurons that moved apart is routed afresh by neato around the nodes
(``splines=true``). The result is pinned and drawn by ``neato -n2``, which
keeps every position as given. The same graph always gives the same layout,
so a step-through's frames (whose nodes have one size in every frame) keep
their places.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable

Point = tuple[float, float]
NodeList = list[tuple[str, dict[str, str], tuple]]
EdgeList = list[tuple[str, str, dict[str, str]]]


def _point(text: str) -> Point:
    x, y = text.split(",")[:2]
    return float(x), float(y)


def _box(text: str) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(t) for t in text.split(","))
    return x0, y0, x1, y1


def _span(box: tuple[float, float, float, float], across: int) -> tuple[float, float]:
    """Where a box starts in reading order and how long it is, across a layer (Graphviz's y points up)."""
    x0, y0, x1, y1 = box
    return (-y1, y1 - y0) if across == 1 else (x0, x1 - x0)


def neuron_shifts(layout: dict, rankdir: str) -> dict[str, Point]:
    """How far to move each neuron cluster (by DOT name) so a layer reads neurons 1…n in reading order.

    Across a layer means down the page for ``LR``/``RL`` and rightwards for ``TB``/``BT``. The
    clusters are restacked in the slots dot gave them: the first slot's start, then each cluster
    after the one before with dot's gap between them.
    """
    across = 1 if rankdir in ("LR", "RL") else 0  # the coordinate along which a layer's neurons are stacked
    clusters = {o["name"]: o for o in layout.get("objects", []) if str(o.get("name", "")).startswith("cluster")}
    layers: dict[str, list[tuple[int, tuple[float, float]]]] = {}
    names: dict[tuple[str, int], str] = {}
    inside: dict[str, set[int]] = {}  # the nodes in a layer's neurons
    for o in clusters.values():
        layer, sep, j = o["name"].partition("_neuron")
        if sep and j.isdigit() and "bb" in o:
            layers.setdefault(layer, []).append((int(j), _span(_box(o["bb"]), across)))
            names[(layer, int(j))] = o["name"]
            inside.setdefault(layer, set()).update(o.get("nodes", []))
    shifts: dict[str, Point] = {}
    for layer, members in layers.items():
        if layer in clusters and set(clusters[layer].get("nodes", [])) - inside[layer]:
            continue  # a value of the layer outside its neurons (a hand-built graph): dot's order stays
        slots = sorted(span for _, span in members)
        gaps = [b[0] - (a[0] + a[1]) for a, b in itertools.pairwise(slots)] + [0.0]
        at = slots[0][0]
        for (j, (start, extent)), gap in zip(sorted(members), gaps, strict=True):
            move = at - start  # in reading order: down (−y) or right (+x)
            shifts[names[(layer, j)]] = (0.0, -move) if across == 1 else (move, 0.0)
            at += extent + gap
    return shifts


def _text(p: Point) -> str:
    return f"{p[0]:.2f},{p[1]:.2f}"


def _shifted(p: Point, d: Point) -> Point:
    return p[0] + d[0], p[1] + d[1]


def _mapped(pos: str, f: Callable[[Point], Point]) -> str:
    """An edge's ``pos`` (``e,x,y`` / ``s,x,y`` arrow ends, then its spline's points), ``f`` applied to each."""
    out = []
    for token in pos.split():
        end = token[:2] if token[:2] in ("e,", "s,") else ""
        out.append(end + _text(f(_point(token[len(end) :]))))
    return " ".join(out)


def pin(
    layout: dict, nodes: NodeList, edges: EdgeList, cluster_of: Callable[[tuple], str | None], rankdir: str
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]], list[dict[str, str]]]:
    """The extra attributes that fix dot's layout with the neurons in order: per node, per cluster, per edge.

    ``cluster_of`` names the neuron cluster a node's place belongs to (None outside any neuron).
    """
    shifts = neuron_shifts(layout, rankdir)
    none = (0.0, 0.0)
    objects = layout.get("objects", [])
    centre = {o["name"]: _point(o["pos"]) for o in objects if "pos" in o}
    shift_of = {name: shifts.get(cluster_of(place) or "", none) for name, _, place in nodes}
    node_attrs = {name: {"pos": _text(_shifted(centre[name], shift_of[name])) + "!"} for name, _, _ in nodes}
    cluster_attrs = {}
    for o in objects:
        name = str(o.get("name", ""))
        if name.startswith("cluster") and "bb" in o:
            dx, dy = shifts.get(name, none)
            x0, y0, x1, y1 = _box(o["bb"])
            cluster_attrs[name] = {"bb": f"{x0 + dx:.2f},{y0 + dy:.2f},{x1 + dx:.2f},{y1 + dy:.2f}"}
            if "lp" in o:  # where dot put its title (at the bottom in BT)
                cluster_attrs[name]["lp"] = _text(_shifted(_point(o["lp"]), (dx, dy)))
    edge_attrs = []
    for (tail, head, _), laid in zip(edges, _by_ends(layout, edges), strict=True):
        d = shift_of[tail]
        if d != shift_of[head]:  # its ends moved apart: routed afresh (``routes``)
            edge_attrs.append({})
            continue
        edge_attrs.append(_edge_moved(laid, d))
    return node_attrs, cluster_attrs, edge_attrs


def _by_ends(layout: dict, edges: EdgeList) -> list[dict]:
    """The laid-out edge for each of ``edges``, matched by its two ends (in order, for several like x·x)."""
    objects = layout.get("objects", [])
    between: dict[tuple[str, str], list[dict]] = {}
    for e in sorted(layout.get("edges", []), key=lambda e: e["_gvid"]):
        between.setdefault((objects[e["tail"]]["name"], objects[e["head"]]["name"]), []).append(e)
    return [between[(tail, head)].pop(0) for tail, head, _ in edges]


def routes(
    routed: dict, node_attrs: dict[str, dict[str, str]], edges: EdgeList, edge_attrs: list[dict[str, str]]
) -> list[dict[str, str]]:
    """``edge_attrs`` with the routes neato found (``routed``, its ``-Tjson``) for the edges that had none.

    neato moves the whole drawing to start at its corner; the routes are moved back by as much,
    so that every later drawing, given every route, is exactly this one.
    """
    objects = routed.get("objects", [])
    name, given = next(iter(node_attrs.items()))
    drawn = next(o for o in objects if o.get("name") == name)
    (gx, gy), (dx, dy) = _point(given["pos"].rstrip("!")), _point(drawn["pos"])
    back = (gx - dx, gy - dy)
    out = []
    for extra, laid in zip(edge_attrs, _by_ends(routed, edges), strict=True):
        if "pos" in extra or "pos" not in laid:
            out.append(extra)
            continue
        out.append(_edge_moved(laid, back))
    return out


def _edge_moved(laid: dict, d: Point) -> dict[str, str]:
    """A laid-out edge's route and label place, moved by ``d``, as attributes that pin them."""
    extra = {"pos": _mapped(laid["pos"], lambda p: _shifted(p, d))} if "pos" in laid else {}
    if "lp" in laid:
        extra["lp"] = _text(_shifted(_point(laid["lp"]), d))
    return extra


def mirrored(layout: dict) -> dict:
    """dot's layout flipped left to right (a ``TB`` drawing's order across a layer is the mirror of ``LR``'s).

    ``LR`` is dot's layout turned a quarter, and its top-down order (inputs w₁ⱼ, w₂ⱼ, … as the
    notes list them) comes out right to left in ``TB``; mirrored, ``TB`` reads left to right.
    """
    x0, _, x1, _ = _box(layout["bb"])

    def across(p: Point) -> Point:
        return x0 + x1 - p[0], p[1]

    def flip(text: str) -> str:
        return _text(across(_point(text)))

    objects = []
    for o in layout.get("objects", []):
        o = dict(o)
        if "bb" in o:
            a, b, c, d = _box(o["bb"])
            o["bb"] = f"{x0 + x1 - c:.2f},{b:.2f},{x0 + x1 - a:.2f},{d:.2f}"
        for key in ("pos", "lp"):
            if key in o:
                o[key] = flip(o[key])
        objects.append(o)
    edges = []
    for e in layout.get("edges", []):
        e = dict(e)
        if "pos" in e:
            e["pos"] = _mapped(e["pos"], across)
        if "lp" in e:
            e["lp"] = flip(e["lp"])
        edges.append(e)
    return {**layout, "objects": objects, "edges": edges}


def read_layout(json_text: str | bytes) -> dict:
    """dot's ``-Tjson`` output as a dict."""
    return json.loads(json_text)
