"""``deltagrad draw``: an expression or a small MLP, drawn to a file or to stdout, and its clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from deltagrad.cli import main
from tests.visualize.conftest import needs_dot
from tests.visualize.helpers import joined_text, parse_dot, parse_svg, strokes, svg_groups
from visualize.palette import STATUS_COLORS


@needs_dot
def test_draw_an_expression_to_svg(tmp_path: Path, capsys) -> None:
    out = tmp_path / "graph.svg"
    assert main(["draw", "tanh(x*w + b)", "--at", "x=0.5,w=-1.2,b=0.1", "-o", str(out)]) == 0
    nodes = svg_groups(parse_svg(out.read_text()), "node")
    text = " ".join(joined_text(g) for g in nodes.values())
    assert "tanh" in text and "data -0.4621" in text and "grad 1" in text, "drawn after a backward pass"
    labels = {joined_text(g).split("data")[0] for g in nodes.values()}
    assert {"x", "w", "b"} <= labels
    assert str(out) in capsys.readouterr().err


def test_without_output_the_dot_text_goes_to_stdout(capsys) -> None:
    assert main(["draw", "x*w", "--at", "x=2", "--at", "w=3", "--edges", "local", "--order"]) == 0
    dot = parse_dot(capsys.readouterr().out)
    assert len([n for n in dot.nodes if n.startswith("v")]) == 3
    assert any("∂ = 3" in attrs.get("label", "") for _, _, attrs in dot.edges)


@needs_dot
def test_draw_an_mlp(tmp_path: Path) -> None:
    out = tmp_path / "mlp.svg"
    assert main(["draw", "--mlp", "2,3,1", "--seed", "0", "-o", str(out)]) == 0
    svg = parse_svg(out.read_text())
    clusters = svg_groups(svg, "cluster")
    assert {"cluster_input", "cluster_layer1_neuron3", "cluster_layer2_neuron1", "cluster_loss"} <= set(clusters)
    assert any(joined_text(g).startswith("L") for g in svg_groups(svg, "node").values())


def test_draw_an_mlp_collapsed_is_deterministic(capsys) -> None:
    assert main(["draw", "--mlp", "2,3,1", "--seed", "4", "--collapse"]) == 0
    first = capsys.readouterr().out
    assert main(["draw", "--mlp", "2,3,1", "--seed", "4", "--collapse"]) == 0
    assert capsys.readouterr().out == first
    assert len(parse_dot(first).nodes) == 2 + 3 + 1 + 1


@needs_dot
def test_draw_an_mlp_with_a_delta_check_overlay(tmp_path: Path, capsys) -> None:
    out = tmp_path / "deltas.svg"
    assert main(["draw", "--mlp", "2,3,1", "--check", "missing-factor-2", "-o", str(out)]) == 1
    assert "missing-factor-2" in capsys.readouterr().err
    nodes = svg_groups(parse_svg(out.read_text()), "node")
    disagree = {STATUS_COLORS["fail"].lower(), STATUS_COLORS["start"].lower()}
    assert any({c.lower() for c in strokes(g)} & disagree for g in nodes.values())
    assert main(["draw", "--mlp", "2,3,1", "--check", "correct", "-o", str(out)]) == 0
    nodes = svg_groups(parse_svg(out.read_text()), "node")
    assert not any("red" in strokes(g) for g in nodes.values())


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["draw", "tanh(x*w + b", "--at", "x=1,w=1,b=1"], "never closed"),
        (["draw", "__import__('os').system('true')"], "only these functions"),
        (["draw", "x*y", "--at", "x=1"], "no value given for y"),
        (["draw", "x", "--at", "x"], "NAME=VALUE"),
        (["draw", "x", "--at", "x=one"], "not a number"),
        (["draw"], "an expression"),
        (["draw", "x", "--mlp", "2,1"], "not both"),
        (["draw", "--mlp", "2"], "--mlp must be comma-separated positive ints"),
        (["draw", "--mlp", "2,x,1"], "--mlp must be comma-separated positive ints"),
        (["draw", "--mlp", "2,1", "--activation", "softsign"], "activation"),
        (["draw", "--mlp", "2,1", "--check", "nonsense"], "no rule set"),
        (["draw", "x", "--at", "x=1", "--check", "correct"], "--check applies to --mlp"),
        (["draw", "x", "--at", "x=1", "--collapse"], "no values labelled"),
        (["draw", "x", "--at", "x=1", "-o", "graph.txt"], ".svg, .png, .pdf or .dot"),
        (["draw", "x", "--at", "x=1", "-o", "/nonexistent-dir/g.svg"], "does not exist"),
        (["draw", "--mlp", "2,16,16,1"], "--collapse"),
        (["draw", "x", "--at", "x=1", "--max-nodes", "-1"], "--max-nodes"),
        (["draw", "log(x)", "--at", "x=-1"], "log is defined only for positive numbers"),
        (["draw", "x ** y", "--at", "x=-2,y=2"], "backward pass failed"),
    ],
)
def test_bad_input_is_a_clear_error_with_exit_code_2(argv: list[str], words: str, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("deltagrad draw: error:") and words in err


def test_missing_dot_on_the_command_line(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PATH", "")
    assert main(["draw", "x", "--at", "x=1", "-o", str(tmp_path / "g.svg")]) == 2
    assert "apt-get install graphviz" in capsys.readouterr().err
    assert main(["draw", "x", "--at", "x=1", "-o", str(tmp_path / "g.dot")]) == 0
