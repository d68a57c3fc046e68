"""The collapsed view: layers as columns, neurons 1…n top to bottom, weights at their edges, a fixed layout."""

from __future__ import annotations

import re

import numpy as np
import pytest

import nn
from autograd import Value, topological_order
from autograd.notation import parse_label, typeset
from tests.visualize.conftest import mlp_loss, needs_dot
from tests.visualize.helpers import parse_dot, parse_svg, svg_groups
from visualize import draw, to_svg
from visualize.labels import number
from visualize.palette import CONSTANT_COLOR, STATUS


def _neurons(root: Value) -> dict[tuple[int, int], str]:
    """(layer, j) → the collapsed node's name (``n`` + the index of its ``z``)."""
    out = {}
    for k, v in enumerate(topological_order(root)):
        n = parse_label(v.label)
        if n is not None and n.kind == "z":
            out[n.neuron] = f"n{k}"
    return out


def _positions(source: str) -> dict[str, tuple[float, float]]:
    nodes = parse_dot(source).nodes
    return {name: tuple(float(c) for c in a["pos"].rstrip("!").split(",")) for name, a in nodes.items()}


def test_one_node_per_neuron_showing_its_weights_z_a_and_delta(small_mlp: Value) -> None:
    order = topological_order(small_mlp)
    dot = parse_dot(draw(small_mlp, collapse=True).source)
    neurons = _neurons(small_mlp)
    inputs = {f"v{k}" for k, v in enumerate(order) if v.label and v.label.startswith("a^(0)")}
    assert set(dot.nodes) == set(neurons.values()) | inputs | {f"n{len(order) - 1}"}, "neurons, inputs, the loss"
    for (layer, j), name in neurons.items():
        z = order[int(name[1:])]
        text = dot.nodes[name]["label"]
        assert f">{number(z.data)}<" in text and f">{number(z.grad)}<" in text
        assert f">{typeset(f'δ^({layer})_{j}')}<" in text
        weights = re.findall(r'PORT="w(\d+)"[^>]*>(?:<[^>]*>)*([^<]+)', text)
        assert [int(i) for i, _ in weights] == sorted(int(i) for i, _ in weights), "weights in index order"
        assert [label for _, label in weights] == [typeset(f"w^({layer})_{i}{j}") for i, _ in weights]
        assert 'PORT="b"' in text and typeset(f"b^({layer})_{j}") in text, "the bias is shown"
        assert dot.node_cluster[name] == (f"cluster_layer{layer}",)


def test_edges_enter_at_their_weight_and_leave_from_a(small_mlp: Value) -> None:
    order = topological_order(small_mlp)
    dot = parse_dot(draw(small_mlp, collapse=True).source)
    neurons = _neurons(small_mlp)
    for (layer, j), name in neurons.items():
        into = [(a, b, attrs) for a, b, attrs in dot.edges if b.startswith(name + ":")]
        assert len(into) == (2 if layer == 1 else 3)
        for tail, head, attrs in into:
            i = int(re.fullmatch(rf"{name}:w(\d+):w", head).group(1))
            source = order[int(tail.split(":")[0][1:])]
            assert source.label.endswith(f"_{i}") or tail.endswith(":a:e"), (tail, head)
            assert tail.endswith(":a:e") or layer == 1, "from a neuron, an edge leaves from its a"
            assert attrs["tooltip"].startswith(typeset(f"w^({layer})_{i}{j}") + " = ")


@pytest.mark.parametrize("sizes", [[2, 3, 3, 2], [2, 16, 16, 1]])
def test_layers_are_columns_and_neurons_run_1_to_n_top_to_bottom(sizes: list[int]) -> None:
    root = mlp_loss(sizes)
    where = _positions(draw(root, collapse=True).source)
    neurons = _neurons(root)
    columns = []
    for layer in range(1, len(sizes)):
        xs = {where[neurons[(layer, j)]][0] for j in range(1, sizes[layer] + 1)}
        assert len(xs) == 1, f"layer {layer} is one column"
        columns.append(xs.pop())
        ys = [where[neurons[(layer, j)]][1] for j in range(1, sizes[layer] + 1)]
        assert ys == sorted(ys, reverse=True), f"layer {layer}: neuron 1 on top (Graphviz's y points up)"
    assert columns == sorted(columns), "layers left to right in index order"


def test_a_dense_layer_goes_through_one_bundle() -> None:
    root = mlp_loss([2, 16, 16, 1])
    dot = parse_dot(draw(root, collapse=True).source)
    bundled = [(a, b) for a, b, _ in dot.edges if "bundle" in a or "bundle" in b]
    assert len(bundled) == 16 + 16 + 16 + 1, "16 into W⁽²⁾ and 16 out; 16 into W⁽³⁾ and one out"
    assert len(dot.edges) < 100, "not 2·16 + 16·16 + 16 edges in a solid band"


def _report(rules: str, loss: str = "squared-error") -> nn.DeltaReport:
    model = nn.MLP(2, [3, 3, 2], activation="relu", bias=False, seed=25)
    X = np.array([[1.0, -0.5], [0.5, 0.8], [-1.0, -1.0]])
    Y = np.array([0, 1, 1]) if loss == "cross-entropy" else np.array([[1.0, 0.0], [0.0, 1.0], [0.5, -0.5]])
    return nn.check_deltas(model, X, Y, loss=loss, rules=nn.rules_named(rules))


def test_positions_are_the_same_under_every_rule_set() -> None:
    drawn = []
    for rules in ("correct", "missing-factor-2", "slipped-indices", "transposed-outer-product"):
        report = _report(rules)
        drawn.append(_positions(draw(report.sample_loss(1), collapse=True, annotations=report.annotations(1)).source))
    assert all(d == drawn[0] for d in drawn[1:])


def test_a_status_brings_its_colour_glyph_and_a_legend(small_mlp: Value) -> None:
    order = topological_order(small_mlp)
    z1, z2 = (next(v for v in order if v.label == f"z^(1)_{j}") for j in (1, 2))
    notes = {z1: {"text": "δ formula = 1 | autograd = 2", "status": "start"}, z2: {"text": "ok", "status": "ok"}}
    dot = parse_dot(draw(small_mlp, collapse=True, annotations=notes).source)
    neurons = _neurons(small_mlp)
    start, ok = dot.nodes[neurons[(1, 1)]]["label"], dot.nodes[neurons[(1, 2)]]["label"]
    assert f'COLOR="{STATUS["start"].color}"' in start and "✗" in start and "starts here" in start
    assert '<TABLE BORDER="4"' in start, "where the error starts: a thicker border"
    assert f'COLOR="{STATUS["ok"].color}"' in ok and "✓" in ok and "starts here" not in ok
    legend = dot.nodes["legend"]["label"]
    assert all(STATUS[s].glyph in legend and STATUS[s].color in legend for s in ("ok", "fail", "start"))


def test_the_loss_shows_its_targets_as_constants(small_mlp: Value) -> None:
    dot = parse_dot(draw(small_mlp, collapse=True).source)
    loss = dot.nodes[f"n{len(topological_order(small_mlp)) - 1}"]["label"]
    assert f'<FONT COLOR="{CONSTANT_COLOR}">{typeset("y_1")} = 0.3</FONT>' in loss


def test_cross_entropy_shows_the_softmax_p() -> None:
    report = _report("correct", "cross-entropy")
    root = report.sample_loss(1)
    dot = parse_dot(draw(root, collapse=True).source)
    loss = dot.nodes[f"n{len(topological_order(root)) - 1}"]["label"]
    z = [v for v in topological_order(root) if v.label and v.label.startswith("z^(3)")]
    p = np.exp([v.data for v in z]) / np.sum(np.exp([v.data for v in z]))
    for k, pk in enumerate(p, start=1):
        assert f"{typeset(f'p_{k}')} = {number(pk)}" in loss
    assert f"{typeset('y_1')} = 1" in loss and f"{typeset('y_2')} = 0" in loss, "sample 1 is class 0: y = (1, 0)"


@needs_dot
def test_the_svg_keeps_neuron_order_and_tooltips(small_mlp: Value) -> None:
    svg = parse_svg(to_svg(small_mlp, collapse=True))
    nodes = svg_groups(svg, "node")
    neurons = _neurons(small_mlp)
    ys = [float(next(nodes[neurons[(1, j)]].iter("{http://www.w3.org/2000/svg}text")).get("y")) for j in (1, 2, 3)]
    assert ys == sorted(ys), "SVG's y points down: neuron 1 on top"
    assert all(any(a.get("{http://www.w3.org/1999/xlink}title") for a in g.iter()) for g in nodes.values())


def test_positions_do_not_depend_on_the_numbers_shown() -> None:
    first = _positions(draw(mlp_loss([2, 3, 2], seed=1), collapse=True).source)
    other = _positions(draw(mlp_loss([2, 3, 2], seed=7, x=[-123.25, 0.001]), collapse=True).source)
    assert first == other


def test_the_full_view_names_cross_entropy_as_minus_log_p_k_counted_from_1() -> None:
    model = nn.MLP(2, [2, 3], seed=0)
    root = nn.cross_entropy(model([0.5, -1.0]), 1)  # class index 1: the notes' k = 2
    root.backward()
    ops = [attrs for attrs in parse_dot(draw(root).source).nodes.values() if "softmax" in attrs.get("tooltip", "")]
    (op,) = ops
    assert op["label"] == "−log p₂" and "y₂ = 1" in op["tooltip"] and "p = softmax(z)" in op["tooltip"]
