"""Large graphs: clusters per layer and neuron, the collapsed view, and the refusal past ``max_nodes``."""

from __future__ import annotations

from itertools import pairwise

import pytest

from autograd import Value, topological_order
from autograd.expression import parse
from tests.visualize.conftest import mlp_loss, needs_dot, network_loss
from tests.visualize.helpers import box, joined_text, parse_dot, parse_svg, svg_groups
from visualize import GraphTooLargeError, NotesLabel, draw, parse_label, to_svg
from visualize.labels import label_html, number


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("w^(1)_21", NotesLabel("w", 1, (2, 1))),
        ("w^(2)_10,3", NotesLabel("w", 2, (10, 3))),
        ("b^(3)_12", NotesLabel("b", 3, (12,))),
        ("z^(2)_1", NotesLabel("z", 2, (1,))),
        ("a^(0)_4", NotesLabel("a", 0, (4,))),
        ("L", NotesLabel("L", None, ())),
        ("w^(1)_123", None),  # ambiguous without a comma
        ("z^(0)_1", None),  # layer 0 is the input: it has no z
        ("z^(1)_0", None),  # 1-based
        ("x", None),
        (None, None),
        ("z^(1)_1,2", None),
    ],
)
def test_parse_label_reads_the_notes_notation(label: str | None, expected: NotesLabel | None) -> None:
    assert parse_label(label) == expected


def test_weights_belong_to_the_neuron_they_feed() -> None:
    assert parse_label("w^(2)_31").neuron == (2, 1)
    assert parse_label("a^(0)_3").neuron is None


@pytest.mark.parametrize(
    ("label", "html"),
    [
        ("z^(2)_1", "z⁽²⁾₁"),
        ("w_21^(1)", "w⁽¹⁾₂₁"),
        ("x_1", "x₁"),
        ("w^(12)_3,11", "w⁽¹²⁾₃,₁₁"),
        ("x_old", 'x<FONT POINT-SIZE="9">old</FONT>'),
        ("a<b & c", "a&lt;b &amp; c"),
        ("^^", "^^"),
    ],
)
def test_labels_are_typeset_and_escaped(label: str, html: str) -> None:
    assert label_html(label) == html


def test_numbers_are_short_and_without_negative_zero() -> None:
    assert number(-0.0) == "0" and number(0.123456) == "0.1235" and number(float("nan")) == "nan"


# --- clusters -----------------------------------------------------------------------------------


def _by_label(root: Value) -> dict[str, str]:
    return {v.label: f"v{k}" for k, v in enumerate(topological_order(root)) if v.label}


def test_an_mlp_graph_is_clustered_per_layer_and_per_neuron(small_mlp: Value) -> None:
    dot = parse_dot(draw(small_mlp).source)
    assert dot.clusters == {
        "cluster_input": (),
        "cluster_layer1": (),
        "cluster_layer1_neuron1": ("cluster_layer1",),
        "cluster_layer1_neuron2": ("cluster_layer1",),
        "cluster_layer1_neuron3": ("cluster_layer1",),
        "cluster_layer2": (),
        "cluster_layer2_neuron1": ("cluster_layer2",),
        "cluster_loss": (),
    }
    names = _by_label(small_mlp)
    for label, name in names.items():
        notes = parse_label(label)
        if notes.kind in ("L", "y"):
            assert dot.node_cluster[name] == ("cluster_loss",)
        elif notes.layer == 0:
            assert dot.node_cluster[name] == ("cluster_input",)
        else:
            layer, j = notes.neuron
            assert dot.node_cluster[name] == (f"cluster_layer{layer}", f"cluster_layer{layer}_neuron{j}"), label
            if notes.kind in ("z", "a"):  # the op node that made it sits beside it
                assert dot.node_cluster["op" + name[1:]] == dot.node_cluster[name]
    unlabelled_loss_ops = [n for n, path in dot.node_cluster.items() if path == ("cluster_loss",)]
    assert len(unlabelled_loss_ops) > 2, "(z − y), its square and the target join the loss"


@needs_dot
def test_clusters_are_in_the_svg(small_mlp: Value) -> None:
    clusters = svg_groups(parse_svg(to_svg(small_mlp)), "cluster")
    assert {"cluster_layer1_neuron3", "cluster_layer2", "cluster_loss"} <= set(clusters)
    assert "neuron 3" in joined_text(clusters["cluster_layer1_neuron3"])


def test_a_graph_with_other_labels_or_none_draws_without_clusters(neuron: Value) -> None:
    assert parse_dot(draw(neuron).source).clusters == {}
    assert parse_dot(draw(parse("x*2 + 1", {"x": 1.0})).source).clusters == {}


def test_clusters_can_be_switched_off(small_mlp: Value) -> None:
    assert parse_dot(draw(small_mlp, clusters=False).source).clusters == {}


def test_a_hand_built_neuron_keeps_its_helpers_in_its_cluster() -> None:
    a1, a2 = Value(0.5, label="a^(0)_1"), Value(-1.0, label="a^(0)_2")
    w1, w2, b = Value(0.3, label="w^(1)_11"), Value(0.7, label="w^(1)_21"), Value(0.1, label="b^(1)_1")
    z = a1 * w1 + a2 * w2 + b
    z.label = "z^(1)_1"
    dot = parse_dot(draw(z).source)
    inside = dot.in_cluster("cluster_layer1_neuron1")
    assert inside == {n for n in dot.nodes if n not in (_by_label(z)["a^(0)_1"], _by_label(z)["a^(0)_2"])}


# --- collapsed view -----------------------------------------------------------------------------


def test_collapsing_a_graph_without_neurons_says_why(neuron: Value) -> None:
    with pytest.raises(ValueError, match=r"z\^\(l\)_j"):
        draw(neuron, collapse=True)


# --- max_nodes ----------------------------------------------------------------------------------


def test_a_graph_past_max_nodes_is_refused_with_its_size_and_the_ways_to_see_it() -> None:
    root = mlp_loss([2, 16, 16, 1])
    n_nodes = len(parse_dot(draw(root, max_nodes=None).source).nodes)
    with pytest.raises(GraphTooLargeError) as info:
        draw(root)
    message = str(info.value)
    assert f"{n_nodes} nodes" in message and "max_nodes=200" in message
    assert "collapse=True" in message and f"max_nodes={n_nodes}" in message and "sub-graph" in message
    collapsed = parse_dot(draw(root, collapse=True).source)
    assert f"{len(collapsed.nodes)} nodes" in message, "the advice says how large the collapsed view is"
    assert len(parse_dot(draw(root, max_nodes=n_nodes).source).nodes) == n_nodes


def test_max_nodes_applies_to_the_collapsed_view_too() -> None:
    with pytest.raises(GraphTooLargeError):
        draw(mlp_loss([2, 3, 1]), collapse=True, max_nodes=3)


@needs_dot
@pytest.mark.parametrize("sizes", [[2, 2, 2], [2, 3, 2], [3, 2, 2], [2, 3, 3, 2]])
def test_the_full_view_draws_layers_as_columns(sizes: list[int]) -> None:
    """Each layer starts right of where the one before ends: side by side, not stacked diagonally.

    (The collapsed view fixes every position: neurons 1…n from the top, w in index order.)
    """
    clusters = svg_groups(parse_svg(to_svg(mlp_loss(sizes))), "cluster")
    boxes = [box(clusters[f"cluster_layer{layer}"]) for layer in range(1, len(sizes))]
    for layer, (left, right) in enumerate(pairwise(boxes), start=1):
        assert left[1] < right[0], f"layer {layer + 1} overlaps layer {layer}'s columns"


@needs_dot
@pytest.mark.parametrize("sizes", [[2, 2, 2], [2, 3, 2], [3, 2, 2], [2, 3, 3, 2]])
def test_the_full_view_stacks_each_neurons_inputs_in_index_order(sizes: list[int]) -> None:
    """w⁽ˡ⁾₁ⱼ, w⁽ˡ⁾₂ⱼ, …, then b⁽ˡ⁾ⱼ, top to bottom."""
    loss = mlp_loss(sizes)
    nodes = svg_groups(parse_svg(to_svg(loss)), "node")
    name = {v.label: f"v{k}" for k, v in enumerate(topological_order(loss)) if v.label}
    for layer in range(1, len(sizes)):
        for j in range(1, sizes[layer] + 1):
            inputs = [f"w^({layer})_{i}{j}" for i in range(1, sizes[layer - 1] + 1)] + [f"b^({layer})_{j}"]
            ys = [box(nodes[name[label]])[2] for label in inputs]
            assert ys == sorted(ys), f"neuron {j} of layer {layer}: {inputs} top to bottom"


def _ordered_cases() -> list:
    """Networks whose full view dot alone draws with neurons out of order (8 of these 12 δ-overlays), and plain ones."""
    shapes = [[2, 3, 2], [2, 4, 4, 1], [3, 5, 2], [2, 3, 3, 2], [4, 3, 3], [2, 5, 1], [3, 4, 4, 2], [2, 6, 2]]
    shapes += [[5, 2, 3], [1, 3, 3, 1], [2, 2, 2, 2, 2], [3, 3, 3]]
    cases = [
        pytest.param(sizes, seed, "δ-overlay", id=f"overlay-{'-'.join(map(str, sizes))}")
        for seed, sizes in enumerate(shapes)
    ]
    cases += [
        pytest.param(sizes, 4, loss, id=f"{loss}-{'-'.join(map(str, sizes))}")
        for sizes, loss in [([3, 4, 3], "cross-entropy"), ([2, 4, 4, 1], "squared-error")]
    ]
    return cases


@needs_dot
@pytest.mark.parametrize(("sizes", "seed", "kind"), _ordered_cases())
def test_the_full_view_draws_each_layers_neurons_1_to_n_from_the_top(sizes: list[int], seed: int, kind: str) -> None:
    """Neuron j's box ends above neuron j + 1's, in every layer (dot's crossing reduction is overruled)."""
    loss, notes = network_loss(sizes, seed, kind)
    clusters = svg_groups(parse_svg(to_svg(draw(loss, annotations=notes, max_nodes=None))), "cluster")
    for layer in range(1, len(sizes)):
        boxes = [box(clusters[f"cluster_layer{layer}_neuron{j}"]) for j in range(1, sizes[layer] + 1)]
        for j, (upper, lower) in enumerate(pairwise(boxes), start=1):
            assert upper[3] <= lower[2], f"layer {layer}: neuron {j} is not above neuron {j + 1}"


@needs_dot
def test_top_to_bottom_drawings_put_each_layers_neurons_and_inputs_in_index_order_left_to_right() -> None:
    """rankdir="TB": neurons 1…n, and each neuron's w⁽ˡ⁾₁ⱼ, w⁽ˡ⁾₂ⱼ, …, left to right (dot alone reverses both)."""
    loss, notes = network_loss([2, 3, 2], 0, "δ-overlay")
    root = parse_svg(to_svg(draw(loss, annotations=notes, rankdir="TB")))
    clusters, nodes = svg_groups(root, "cluster"), svg_groups(root, "node")
    name = {v.label: f"v{k}" for k, v in enumerate(topological_order(loss)) if v.label}
    for layer, n, fan_in in ((1, 3, 2), (2, 2, 3)):
        boxes = [box(clusters[f"cluster_layer{layer}_neuron{j}"]) for j in range(1, n + 1)]
        assert all(left[1] <= right[0] for left, right in pairwise(boxes)), f"layer {layer}"
        for j in range(1, n + 1):
            xs = [box(nodes[name[f"w^({layer})_{i}{j}"]])[0] for i in range(1, fan_in + 1)]
            assert xs == sorted(xs), f"neuron {j} of layer {layer}: its weights left to right"
