"""``draw``: the right nodes, labels, edges, edge derivatives and backward order, read back from DOT and SVG."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, topological_order
from autograd.expression import parse
from tests.visualize.conftest import needs_dot
from tests.visualize.helpers import joined_text, parse_dot, parse_svg, svg_groups, texts, tooltip
from visualize import Annotation, draw, to_svg
from visualize.labels import number, safe_text


def value_names(order: list[Value]) -> dict[str, Value]:
    return {f"v{k}": v for k, v in enumerate(order)}


def test_every_value_and_operation_is_a_node_and_every_input_an_edge(fan_in: Value) -> None:
    order = topological_order(fan_in)
    dot = parse_dot(draw(fan_in).source)
    ops = [k for k, v in enumerate(order) if v.op is not None]
    assert set(dot.nodes) == {f"v{k}" for k in range(len(order))} | {f"op{k}" for k in ops}
    expected = []
    for k in ops:
        expected.append((f"op{k}", f"v{k}"))
        expected += [(f"v{order.index(p)}", f"op{k}") for p in order[k].parents]
    assert sorted((a, b) for a, b, _ in dot.edges) == sorted(expected), "x*x keeps both of its edges"


def test_node_names_are_stable_across_identical_graphs() -> None:
    def build() -> str:
        root = parse("tanh(x*w + b) * x", {"x": 0.5, "w": -1.2, "b": 0.1})
        root.backward()
        return draw(root, edge_labels="product", backward_order=True).source

    assert build() == build()
    assert all(re.fullmatch(r"(v|op)\d{1,2}", name) for name in parse_dot(build()).nodes), "positions, not id()"


def test_rankdir_is_left_to_right_by_default(neuron: Value) -> None:
    assert parse_dot(draw(neuron).source).graph_attrs["rankdir"] == "LR"
    assert parse_dot(draw(neuron, rankdir="TB").source).graph_attrs["rankdir"] == "TB"


@needs_dot
def test_svg_value_nodes_show_label_data_and_grad(neuron: Value) -> None:
    order = topological_order(neuron)
    nodes = svg_groups(parse_svg(to_svg(neuron)), "node")
    for name, v in value_names(order).items():
        text = joined_text(nodes[name])
        assert f"data {number(v.data)}" in text
        assert f"grad {number(v.grad)}" in text
        if v.label:
            assert text.startswith(v.label)
        tip = tooltip(nodes[name])
        assert repr(v.data) in tip and repr(v.grad) in tip, "full precision in the tooltip"
    for k, v in enumerate(order):
        if v.op is not None:
            assert joined_text(nodes[f"op{k}"]) == v.op.symbol.replace("{c}", "")


@needs_dot
def test_notes_labels_are_typeset_with_sub_and_superscripts(small_mlp: Value) -> None:
    order = topological_order(small_mlp)
    svg = parse_svg(to_svg(small_mlp))
    nodes = svg_groups(svg, "node")
    k = next(k for k, v in enumerate(order) if v.label == "w^(2)_31")
    texts = list(nodes[f"v{k}"].iter("{http://www.w3.org/2000/svg}text"))
    assert texts[0].text == "w⁽²⁾₃₁", "Unicode sub/superscripts: Firefox ignores SVG's baseline-shift"
    assert not [t for t in svg.iter("{http://www.w3.org/2000/svg}text") if t.get("baseline-shift")]


def test_hiding_data_and_grad(neuron: Value) -> None:
    def labels(**options: bool) -> str:
        return " ".join(a["label"] for a in parse_dot(draw(neuron, **options).source).nodes.values())

    assert "data " not in labels(show_data=False, show_grad=False)
    assert "grad " not in labels(show_data=False, show_grad=False)
    assert "grad " in labels(show_data=False) and "data " not in labels(show_data=False)
    assert "data " in labels(show_grad=False) and "grad " not in labels(show_grad=False)


def _edge_numbers(label: str) -> list[float]:
    return [float(x) for x in re.findall(r"= (-?[\d.e+-]+)", label)]


def test_local_derivative_edge_labels_match_central_differences(neuron: Value) -> None:
    """Each edge x → op(out) is labelled ∂out/∂x; check against (out(x+h) − out(x−h)) / 2h."""
    order = topological_order(neuron)
    dot = parse_dot(draw(neuron, edge_labels="local", digits=17).source)
    labelled = [(a, b, attrs) for a, b, attrs in dot.edges if b.startswith("op")]
    assert labelled and all("label" in attrs for _, _, attrs in labelled)
    for a, b, attrs in labelled:
        out = order[int(b[2:])]
        position = next(i for i, p in enumerate(out.parents) if p is order[int(a[1:])])
        inputs = [p.data for p in out.parents]
        h = 1e-6
        up, down = list(inputs), list(inputs)
        up[position] += h
        down[position] -= h
        numeric = (out.op.forward(out.arg, *up) - out.op.forward(out.arg, *down)) / (2 * h)
        (shown,) = _edge_numbers(attrs["label"])
        assert math.isclose(shown, numeric, rel_tol=1e-6, abs_tol=1e-8)


def test_product_labels_add_up_to_each_inputs_grad(fan_in: Value) -> None:
    """The chain rule made visible: the g·∂ on the edges out of a value sum to its grad (``+=`` fan-in)."""
    order = topological_order(fan_in)
    dot = parse_dot(draw(fan_in, edge_labels="product", digits=17).source)
    incoming: dict[str, float] = {}
    for a, b, attrs in dot.edges:
        if b.startswith("op"):
            local, product = _edge_numbers(attrs["label"])
            assert math.isclose(product, order[int(b[2:])].grad * local, rel_tol=1e-12)
            incoming[a] = incoming.get(a, 0.0) + product
    x = next(k for k, v in enumerate(order) if v.label == "x")
    assert sum(1 for a, b, _ in dot.edges if a == f"v{x}") == 3
    for name, total in incoming.items():
        assert math.isclose(total, order[int(name[1:])].grad, rel_tol=1e-12), name


def test_an_undefined_local_derivative_is_labelled_not_raised() -> None:
    root = parse("x ** y", {"x": -2.0, "y": 2.0})  # ∂/∂y = x^y·ln x: undefined for x < 0
    assert "∂ undefined" in draw(root, edge_labels="local").source


@pytest.mark.parametrize("make", ["neuron", "fan_in", "small_mlp"])
def test_backward_order_numbers_consumers_before_their_inputs(make: str, request) -> None:
    root = request.getfixturevalue(make)
    order = topological_order(root)
    dot = parse_dot(draw(root, backward_order=True).source)
    step = {}
    for name, attrs in dot.nodes.items():
        if name.startswith("v"):
            step[order[int(name[1:])]] = int(re.search(r"<I>#(\d+)</I>", attrs["label"]).group(1))
    assert sorted(step.values()) == list(range(1, len(order) + 1))
    assert step[root] == 1
    for v in order:
        for p in v.parents:
            assert step[v] < step[p], f"{v} is visited before its input {p}"


@needs_dot
def test_backward_order_is_in_the_svg(fan_in: Value) -> None:
    order = topological_order(fan_in)
    nodes = svg_groups(parse_svg(to_svg(fan_in, backward_order=True)), "node")
    steps = {name: texts(g)[0] for name, g in nodes.items() if name.startswith("v")}
    assert steps == {f"v{k}": f"#{len(order) - k}" for k in range(len(order))}


def test_draw_refuses_a_non_value_root() -> None:
    with pytest.raises(TypeError, match="needs a Value"):
        draw(3.0)
    with pytest.raises(TypeError, match="one output"):
        draw([Value(1.0), Value(2.0)])


def test_bad_options_are_named() -> None:
    v = Value(1.0)
    with pytest.raises(ValueError, match="edge_labels"):
        draw(v, edge_labels="all")
    with pytest.raises(ValueError, match="rankdir"):
        draw(v, rankdir="diagonal")
    with pytest.raises(ValueError, match="digits"):
        draw(v, digits=0)


def test_a_leaf_alone_and_unlabelled_constants_draw() -> None:
    assert parse_dot(draw(Value(2.0)).source).nodes.keys() == {"v0"}
    root = autograd.Value(2.0, label="x") * 3 + 1
    dot = parse_dot(draw(root).source)
    assert len([n for n in dot.nodes if n.startswith("v")]) == 5


@needs_dot
@settings(max_examples=40, deadline=None)
@given(label=st.text(max_size=12), note=st.text(max_size=12))
def test_any_label_and_annotation_text_draws(label: str, note: str) -> None:
    a = Value(1.0, label=label)
    root = a * 2
    root.backward()
    svg = to_svg(root, annotations={a: {"text": note, "color": "red", "tooltip": note}})
    node = svg_groups(parse_svg(svg), "node")["v0"]
    shown = tooltip(node).replace("\xa0", " ")  # Graphviz keeps runs of spaces as no-break spaces
    assert shown.startswith(safe_text(label or "value", newlines=True).replace("\xa0", " "))


@needs_dot
@pytest.mark.parametrize("text", ["]", "]]", "[", "]x", "<b>&</b>"])
def test_brackets_and_markup_in_labels_and_annotations_draw(text: str) -> None:
    # Graphviz 2.43 rejects an HTML-like label text that starts with "]" (found by the property test above).
    x = Value(1.0, label=text)
    y = x * x
    y.backward()
    svg = parse_svg(to_svg(y, annotations={x: Annotation(text, color="red")}))
    assert text in joined_text(svg)
