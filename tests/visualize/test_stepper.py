"""The backward step-through: frames in which the gradients fill in, node by node."""

from __future__ import annotations

import math
import re
import sys

import pytest

from autograd import Value, topological_order
from tests.visualize.conftest import needs_dot
from tests.visualize.helpers import parse_dot, parse_svg, svg_groups
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
def test_step_through_is_a_slider_with_ipywidgets(neuron: Value) -> None:
    ipywidgets = pytest.importorskip("ipywidgets")
    widget = step_through(neuron)
    assert isinstance(widget, ipywidgets.VBox)
    (controls, view) = widget.children
    slider = controls.children[1]
    assert (slider.min, slider.max) == (0, 3)
    first = view.value
    slider.value = 3
    assert view.value != first and view.value.lstrip().startswith("<?xml")


@needs_dot
def test_step_through_without_ipywidgets_is_the_list_of_svgs(neuron: Value, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # makes `import ipywidgets` raise ImportError
    svgs = step_through(neuron)
    assert isinstance(svgs, list) and len(svgs) == 4 and all(s.lstrip().startswith("<?xml") for s in svgs)
