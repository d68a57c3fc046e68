"""Writing a drawing to a file (``render``) or to SVG text (``to_svg``), with clear errors.

The format comes from the file's suffix. ``.dot`` is the DOT text itself and
needs nothing else; ``.svg``, ``.png`` and ``.pdf`` are laid out by Graphviz's
``dot`` program. A file is written whole or not at all: into a temporary file
beside it, then renamed over it, so a reader never sees half a picture.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import graphviz

from autograd import Value, files
from visualize.errors import GraphvizNotFoundError, LayoutError, OutputPathError, UnsupportedFormatError
from visualize.graph import draw

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}


def _digraph(graph: Value | graphviz.Digraph, options: dict[str, Any]) -> graphviz.Digraph:
    if isinstance(graph, graphviz.Digraph):
        if options:
            raise TypeError(f"drawing options ({', '.join(options)}) go to draw(), not to an already drawn Digraph")
        return graph
    return draw(graph, **options)


@contextmanager
def graphviz_errors() -> Iterator[None]:
    """Run Graphviz's ``dot`` inside: GraphvizNotFoundError when it is not installed, a plain message if it fails."""
    if shutil.which("dot") is None:
        raise GraphvizNotFoundError()
    try:
        yield
    except graphviz.ExecutableNotFound as exc:
        raise GraphvizNotFoundError(str(exc)) from None
    except graphviz.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode(errors="replace").strip()
        raise LayoutError(" ".join(detail.split())[:500]) from None


def layout(graph: graphviz.Digraph, fmt: str) -> bytes:
    """The graph laid out by ``dot`` in format ``fmt`` (svg, png, pdf)."""
    with graphviz_errors():
        return graph.pipe(format=fmt, quiet=True)  # its stderr goes into the error, not onto the terminal


def to_svg(graph: Value | graphviz.Digraph, **options: Any) -> str:
    """The SVG text of a drawing (``options`` as for ``draw`` when given a Value)."""
    return layout(_digraph(graph, options), "svg").decode()


def render(graph: Value | graphviz.Digraph, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write the drawing to ``path``, in the format its suffix names (.svg, .png, .pdf, .dot).

    Args:
        graph: a Value (drawn with ``draw(graph, **options)``) or a Digraph from ``draw``.
        path: the file to write; replaced atomically if it exists.
        options: drawing options for ``draw`` (collapse=True, edge_labels="local", ...).

    Returns:
        The path written.

    Raises:
        UnsupportedFormatError: the suffix is not one of .svg .png .pdf .dot .gv.
        OutputPathError: the directory is missing or not writable.
        GraphvizNotFoundError: an image format was asked for and ``dot`` is not installed.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        shown = path.suffix or "no suffix"
        raise UnsupportedFormatError(
            f"cannot tell the format of {str(path)!r} ({shown}): name the file .svg, .png, .pdf or .dot"
        )
    _check_writable(path)
    digraph = _digraph(graph, options)
    data = digraph.source.encode() if fmt == "dot" else layout(digraph, fmt)
    write_atomically(path, data)
    return path


def _check_writable(path: Path) -> None:
    folder = path.parent
    if path.is_dir():
        raise OutputPathError(f"cannot write {str(path)!r}: it is a directory")
    if not folder.is_dir():
        raise OutputPathError(f"cannot write {str(path)!r}: the directory {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputPathError(f"cannot write {str(path)!r}: no permission to write in {str(folder)!r}")


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` over ``path`` all at once (``autograd.files``), as an OutputPathError on failure."""
    try:
        files.write_atomically(path, data)
    except OSError as exc:
        raise OutputPathError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from exc
