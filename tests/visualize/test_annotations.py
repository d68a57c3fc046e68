"""Annotations and the δ overlay: text, colour and tooltip on exactly the annotated nodes."""

from __future__ import annotations

import pytest

from autograd import Value, topological_order
from nn import check_deltas
from tests.visualize.conftest import mlp_loss, needs_dot
from tests.visualize.helpers import joined_text, parse_dot, parse_svg, strokes, svg_groups, tooltip
from visualize import Annotation, draw, to_svg
from visualize.labels import parse_label
from visualize.palette import STATUS_COLORS

DISAGREE = {STATUS_COLORS["fail"].lower(), STATUS_COLORS["start"].lower()}
AGREE = {STATUS_COLORS["ok"].lower()}


def z_nodes(root: Value) -> dict[str, Value]:
    """The z^(l)_j values of a graph by their node name."""
    order = topological_order(root)
    return {f"v{k}": v for k, v in enumerate(order) if (n := parse_label(v.label)) and n.kind == "z"}


def red_and_green(svg: str, red: set[str] = DISAGREE, green: set[str] = AGREE) -> tuple[set[str], set[str]]:
    """Value nodes drawn in a disagree colour and in the agree colour (the palette's, unless named); the legend,
    which shows every colour, is not a value."""
    nodes = svg_groups(parse_svg(svg), "node")
    nodes.pop("legend", None)
    drawn = {n: {c.lower() for c in strokes(nodes[n])} for n in nodes}
    return {n for n in nodes if drawn[n] & red}, {n for n in nodes if drawn[n] & green}


@needs_dot
def test_each_form_of_annotation_shows_its_text_colour_and_tooltip(fan_in: Value) -> None:
    order = topological_order(fan_in)
    x, w = (next(v for v in order if v.label == name) for name in ("x", "w"))
    notes = {
        fan_in: Annotation("the output", "blue", "full: 1.2345678901234567"),
        x: {"text": "δ formula = 0.25 | autograd = 0.5", "color": "red", "tooltip": "formula 0.25, autograd 0.5"},
        w: "just text",
    }
    nodes = svg_groups(parse_svg(to_svg(fan_in, annotations=notes)), "node")
    names = {v: f"v{k}" for k, v in enumerate(order)}
    assert "the output" in joined_text(nodes[names[fan_in]]) and "blue" in strokes(nodes[names[fan_in]])
    assert "1.2345678901234567" in tooltip(nodes[names[fan_in]])
    assert "δ formula = 0.25 | autograd = 0.5" in joined_text(nodes[names[x]])
    assert "red" in strokes(nodes[names[x]]) and "formula 0.25" in tooltip(nodes[names[x]])
    assert "just text" in joined_text(nodes[names[w]]) and "red" not in strokes(nodes[names[w]])
    coloured = {n for n, g in nodes.items() if strokes(g) & {"red", "blue"}}
    assert coloured == {names[fan_in], names[x]}


def test_annotations_of_values_outside_the_graph_are_ignored(neuron: Value) -> None:
    plain = draw(neuron).source
    assert draw(neuron, annotations={Value(1.0): "elsewhere"}).source == plain


def test_malformed_annotations_are_refused(neuron: Value) -> None:
    with pytest.raises(TypeError, match="keyed by Value"):
        draw(neuron, annotations={"z": "text"})
    with pytest.raises(ValueError, match=r"colour|color"):
        draw(neuron, annotations={neuron: {"text": "t", "colour": "red"}})
    with pytest.raises(ValueError, match="text"):
        draw(neuron, annotations={neuron: {"color": "red"}})
    with pytest.raises(TypeError, match="annotation"):
        draw(neuron, annotations={neuron: 3})


@needs_dot
def test_a_hand_made_delta_overlay_marks_exactly_the_z_nodes_it_says() -> None:
    root = mlp_loss([2, 3, 2, 1])
    zs = z_nodes(root)
    wrong = set(sorted(zs)[::2])
    notes = {
        zs[n]: {
            "text": f"δ formula = {zs[n].grad * (2 if n in wrong else 1):.3g} | autograd = {zs[n].grad:.3g}",
            "color": "red" if n in wrong else "green",
            "tooltip": f"formula {zs[n].grad!r}, autograd {zs[n].grad!r}",
        }
        for n in zs
    }
    red, green = red_and_green(to_svg(root, annotations=notes), {"red"}, {"green"})
    assert red == wrong
    assert green == set(zs) - wrong


# --- the real δ check ------------------------------------------------------------------------------


@needs_dot
@pytest.mark.parametrize("sizes", [[2, 3, 1], [3, 4, 3, 2]])
def test_overlay_marks_exactly_the_mismatching_z_nodes_with_an_erratum_switched_on(sizes: list[int]) -> None:
    """Erratum 1 (δ^(m) = z − y, without the 2) halves every δ: exactly the z with a nonzero δ disagree."""
    from nn import MLP

    model = MLP(sizes[0], sizes[1:], seed=3)
    X, Y = [[0.5, -0.8, 0.3][: sizes[0]]], [[0.2, -0.4][: sizes[-1]]]
    report = check_deltas(model, X, Y, loss="squared-error", rules="missing-factor-2")
    root = report.sample_loss(1)
    zs = z_nodes(root)
    mismatching = {n for n, z in zs.items() if abs(z.grad) > 1e-9}  # formula = autograd / 2
    assert mismatching and mismatching != set(zs), "the sample should have both live and dead ReLUs"
    svg = to_svg(root, annotations=report.annotations(1, parameters=False))
    red, green = red_and_green(svg)
    assert red == mismatching
    legend = svg_groups(parse_svg(svg), "node")["legend"]  # the full view explains its colours too
    assert "starts here" in joined_text(legend) and "formula agrees" in joined_text(legend)
    assert green == set(zs) - mismatching
    texts = parse_dot(draw(root, annotations=report.annotations(1, parameters=False)).source).nodes
    assert all("δ formula" in texts[n]["label"] for n in zs)


@needs_dot
def test_overlay_marks_no_z_node_with_the_correct_rules() -> None:
    from nn import MLP

    model = MLP(3, [4, 3, 2], seed=3)
    report = check_deltas(model, [[0.5, -0.8, 0.3]], [[0.2, -0.4]], loss="squared-error", rules="correct")
    root = report.sample_loss(1)
    zs = z_nodes(root)
    red, green = red_and_green(to_svg(root, annotations=report.annotations(1, parameters=False)))
    assert red == set()
    assert green == set(zs)
