"""The backward step-through: frames in which the gradients fill in, node by node."""

from __future__ import annotations

import math
import re

import pytest

from autograd import Value, topological_order
from tests.visualize.conftest import needs_dot, network_loss
from tests.visualize.helpers import SVG, box, parse_dot, parse_svg, svg_groups
from visualize import backward_frames, frame_svgs, step_through


def shown_grads(frame_source: str, order: list[Value]) -> dict[Value, tuple[str, float | None]]:
    """Per value: ("final" | "partial" | "pending", the full-precision grad from the tooltip)."""
    out = {}
    for name, attrs in parse_dot(frame_source).nodes.items():
        if not name.startswith("v"):
            continue
        v = order[int(name[1:])]
        if "a constant: no gradient" in attrs["tooltip"]:
            continue  # constants are drawn without a gradient
        grad = re.search(r"grad = (\S+)", attrs["tooltip"])
        if "grad ?" in attrs["label"]:
            out[v] = ("pending", None)
        else:
            out[v] = ("partial" if "(so far)" in attrs["tooltip"] else "final", float(grad.group(1)))
    return out


@pytest.mark.parametrize("make", ["neuron", "fan_in", "small_mlp"])
def test_frames_replay_backward_one_op_at_a_time(make: str, request) -> None:
    root = request.getfixturevalue(make)
    order = topological_order(root)
    ops = [v for v in reversed(order) if v.op is not None]  # the order backward() processes them
    frames = backward_frames(root)
    assert len(frames) == 1 + len(ops)
    first = shown_grads(frames[0].source, order)
    assert first[root] == ("final", 1.0)
    assert all(state == "pending" for v, (state, _) in first.items() if v is not root)
    for k, frame in enumerate(frames[1:], start=1):
        shown = shown_grads(frame.source, order)
        done = ops[:k]
        assert f"step {k} of {len(ops)}" in parse_dot(frame.source).graph_attrs["label"]
        for v in shown:
            reached = v is root or any(c in done and v in c.parents for c in order)
            assert (shown[v][0] != "pending") == reached, (k, v)
            uses = [c for c in order for p in c.parents if p is v]
            if v is not root and reached:
                assert (shown[v][0] == "final") == all(c in done for c in uses), (k, v)
    last = shown_grads(frames[-1].source, order)
    for v in last:  # the last frame is what backward() computed
        assert last[v][0] == "final"
        assert math.isclose(last[v][1], v.grad, rel_tol=1e-12, abs_tol=1e-15), v


def test_frames_leave_the_grads_untouched(fan_in: Value) -> None:
    before = [v.grad for v in topological_order(fan_in)]
    backward_frames(fan_in)
    assert [v.grad for v in topological_order(fan_in)] == before


def test_the_active_node_and_its_edges_are_highlighted(neuron: Value) -> None:
    frame = parse_dot(backward_frames(neuron)[1].source)
    highlighted = [(a, b) for a, b, attrs in frame.edges if attrs.get("penwidth") == "2"]
    k = len(topological_order(neuron)) - 1
    assert highlighted == [(f"v{k - 1}", f"op{k}")], "tanh's one input edge"
    assert "fillcolor" in frame.nodes[f"op{k}"]


@needs_dot
def test_frame_svgs_are_svg_documents(neuron: Value) -> None:
    svgs = frame_svgs(neuron)
    assert len(svgs) == 4
    assert all(svg_groups(parse_svg(svg), "node") for svg in svgs)


@needs_dot
def test_step_through_is_a_self_contained_player(neuron: Value) -> None:
    player = step_through(neuron)
    assert len(player) == 4 and all(svg.lstrip().startswith("<?xml") for svg in player), "a list of the SVGs"
    page = player._repr_html_()
    assert page.count('class="deltagrad-frame"') == 4 and "<script>" in page and "http" not in page.split("<svg")[0]
    assert "<?xml" not in page, "inline SVG, not a document"
    assert "step 2 of 3" in page


@needs_dot
def test_frames_keep_every_node_in_place(small_mlp: Value) -> None:
    """Laid out alike: the same position for every node and edge label in every frame, and one size."""

    def geometry(svg: str) -> tuple[float, float, dict]:
        root = parse_svg(svg)
        nodes = svg_groups(root, "node")
        where = {name: [(t.get("x"), t.get("y")) for t in g.iter(f"{SVG}text")][:1] for name, g in nodes.items()}
        assert all(where.values())
        return float(root.get("width")[:-2]), float(root.get("height")[:-2]), where

    shapes = [geometry(svg) for svg in frame_svgs(small_mlp)]
    assert all(shape[2] == shapes[0][2] for shape in shapes[1:]), "every node drawn in the same place"
    for width, height, _ in shapes:  # only the highlighted edge's pen may stick out by a point or two
        assert abs(width - shapes[0][0]) <= 3 and abs(height - shapes[0][1]) <= 3


@needs_dot
def test_frames_of_a_network_dot_misorders_keep_neurons_1_to_n_and_their_places() -> None:
    """The 2-3-2 δ-overlay (dot alone draws its layer 1 out of order): in order, and alike, in every frame."""
    loss, notes = network_loss([2, 3, 2], 0, "δ-overlay")
    frames = [parse_svg(svg) for svg in frame_svgs(loss, annotations=notes, edge_labels="none")]
    where = []
    for root in frames:
        clusters = svg_groups(root, "cluster")
        tops = [box(clusters[f"cluster_layer1_neuron{j}"])[2] for j in (1, 2, 3)]
        assert tops == sorted(tops), "neurons 1, 2, 3 from the top"
        nodes = svg_groups(root, "node")
        where.append({name: [(t.get("x"), t.get("y")) for t in g.iter(f"{SVG}text")][:1] for name, g in nodes.items()})
    assert all(w == where[0] for w in where[1:]), "every node in the same place in every frame"
