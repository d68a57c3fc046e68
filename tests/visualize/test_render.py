"""``render``: every format by suffix, written atomically, and clear errors (no dot, bad suffix, bad path)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograd import Value, files
from tests.visualize.conftest import needs_dot
from tests.visualize.helpers import parse_dot, parse_svg, svg_groups
from visualize import GraphvizNotFoundError, OutputPathError, UnsupportedFormatError, draw, render, to_svg
from visualize import output as output_module


@needs_dot
@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF")])
def test_render_writes_the_format_its_suffix_names(neuron: Value, tmp_path: Path, suffix: str, magic: bytes) -> None:
    path = render(neuron, tmp_path / f"graph{suffix}")
    assert path.read_bytes().startswith(magic)
    if suffix == ".svg":
        assert len(svg_groups(parse_svg(path.read_text()), "node")) == len(parse_dot(draw(neuron).source).nodes)


@pytest.mark.parametrize("suffix", [".dot", ".gv", ".DOT"])
def test_render_dot_writes_the_source(neuron: Value, tmp_path: Path, suffix: str) -> None:
    path = render(neuron, tmp_path / f"graph{suffix}", edge_labels="local")
    assert path.read_text() == draw(neuron, edge_labels="local").source


def test_render_takes_a_drawn_digraph_but_not_options_with_it(neuron: Value, tmp_path: Path) -> None:
    graph = draw(neuron, show_grad=False)
    assert render(graph, tmp_path / "g.dot").read_text() == graph.source
    with pytest.raises(TypeError, match="draw"):
        render(graph, tmp_path / "g.dot", show_grad=True)


def test_render_replaces_a_file_atomically_and_leaves_no_temporary(neuron: Value, tmp_path: Path) -> None:
    path = tmp_path / "g.dot"
    path.write_text("old")
    render(neuron, path)
    assert path.read_text().startswith("digraph")
    assert sorted(os.listdir(tmp_path)) == ["g.dot"]


def test_a_failed_render_keeps_the_old_file(neuron: Value, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "g.svg"
    path.write_text("old")

    def broken_layout(graph, fmt):
        raise GraphvizNotFoundError("simulated")

    monkeypatch.setattr(output_module, "layout", broken_layout)
    with pytest.raises(GraphvizNotFoundError):
        render(neuron, path)
    assert path.read_text() == "old" and sorted(os.listdir(tmp_path)) == ["g.svg"]


def test_an_interrupted_write_leaves_the_old_file(neuron: Value, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "g.dot"
    path.write_text("old")

    def no_rename(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output_module.os, "replace", no_rename)
    with pytest.raises(OutputPathError, match="No space left"):
        render(neuron, path)
    assert path.read_text() == "old" and sorted(os.listdir(tmp_path)) == ["g.dot"]


def test_missing_dot_is_a_clear_error_and_the_dot_source_still_works(
    neuron: Value, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(GraphvizNotFoundError) as info:
        render(neuron, tmp_path / "g.svg")
    message = str(info.value)
    assert "Graphviz is missing" in message
    assert "apt-get install graphviz" in message and "brew install graphviz" in message
    assert "dnf install graphviz" in message and "conda install" in message
    assert isinstance(info.value, RuntimeError)
    assert not (tmp_path / "g.svg").exists()
    with pytest.raises(GraphvizNotFoundError):
        to_svg(neuron)
    assert draw(neuron).source.startswith("digraph")
    assert render(neuron, tmp_path / "g.dot").read_text() == draw(neuron).source


def test_missing_dot_reported_by_graphviz_itself(neuron: Value, tmp_path: Path, monkeypatch) -> None:
    """If ``which`` finds a dot that then cannot be run, graphviz's ExecutableNotFound becomes the same error."""
    import graphviz

    monkeypatch.setattr(output_module.shutil, "which", lambda name: "/usr/bin/dot")

    def not_found(self, *args, **kwargs):
        raise graphviz.ExecutableNotFound(("dot", "-Tsvg"))

    monkeypatch.setattr(graphviz.Digraph, "pipe", not_found)
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        render(neuron, tmp_path / "g.svg")


@pytest.mark.parametrize("name", ["graph.txt", "graph", "graph.jpeg"])
def test_an_unknown_format_is_named(neuron: Value, tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=r"\.svg, \.png, \.pdf or \.dot"):
        render(neuron, tmp_path / name)
    assert isinstance(UnsupportedFormatError("x"), ValueError)


def test_unwritable_paths_are_named(neuron: Value, tmp_path: Path) -> None:
    with pytest.raises(OutputPathError, match="does not exist"):
        render(neuron, tmp_path / "missing" / "g.dot")
    (tmp_path / "d.svg").mkdir()
    with pytest.raises(OutputPathError, match="is a directory"):
        render(neuron, tmp_path / "d.svg")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_directory_is_named(neuron: Value, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputPathError, match="permission"):
            render(neuron, folder / "g.dot")
    finally:
        folder.chmod(0o700)


def test_render_refuses_a_non_value(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="needs a Value"):
        render("tanh(x)", tmp_path / "g.dot")


def test_a_directory_that_refuses_the_temporary_file_is_named(neuron: Value, tmp_path: Path, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files, "_create_temporary", refuse)
    with pytest.raises(OutputPathError, match="Permission denied"):
        render(neuron, tmp_path / "g.dot")


def test_a_new_file_gets_the_permissions_open_would_give(neuron: Value, tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        assert render(neuron, tmp_path / "g.dot").stat().st_mode & 0o777 == 0o644
        (tmp_path / "h.dot").touch(0o600)
        assert render(neuron, tmp_path / "h.dot").stat().st_mode & 0o777 == 0o600, "an existing file keeps its mode"
    finally:
        os.umask(umask)


@needs_dot
def test_jupyter_display_is_svg_and_says_when_graphviz_is_missing(neuron: Value, monkeypatch) -> None:
    graph = draw(neuron)
    assert "<svg" in graph._repr_mimebundle_()["image/svg+xml"]
    monkeypatch.setenv("PATH", "")
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        graph._repr_mimebundle_()
