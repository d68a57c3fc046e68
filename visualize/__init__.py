"""Drawing graphs of Values with Graphviz: forward values, gradients, and where a formula disagrees.

``draw(root)`` returns a ``graphviz.Digraph`` (shown inline in Jupyter);
``render(root, "graph.svg")`` writes ``.svg``, ``.png``, ``.pdf`` or ``.dot``;
``step_through(root)`` replays the backward pass frame by frame. Depends on
``autograd`` only (never ``nn``): networks are recognised by their labels in
the notes' notation, and δ-check results arrive as generic annotations, which
``deltagrad draw`` passes from ``nn.deltacheck`` to here.
"""

try:  # the import name `autograd` is also HIPS autograd's: say so instead of a puzzling ImportError
    from autograd import Value as _Value  # noqa: F401
except ImportError as _exc:
    raise ImportError(
        f"{__name__} needs deltagrad's autograd package, but {_exc}. HIPS autograd uses the same "
        "import name: install deltagrad in its own virtual environment."
    ) from _exc

from visualize.annotate import Annotation
from visualize.errors import (
    GraphTooLargeError,
    GraphvizNotFoundError,
    LayoutError,
    OutputPathError,
    UnsupportedFormatError,
)
from visualize.graph import DEFAULT_MAX_NODES, draw
from visualize.labels import NotesLabel, parse_label
from visualize.output import render, to_svg
from visualize.stepper import backward_frames, frame_svgs, step_through

__all__ = [
    "DEFAULT_MAX_NODES",
    "Annotation",
    "GraphTooLargeError",
    "GraphvizNotFoundError",
    "LayoutError",
    "NotesLabel",
    "OutputPathError",
    "UnsupportedFormatError",
    "backward_frames",
    "draw",
    "frame_svgs",
    "parse_label",
    "render",
    "step_through",
    "to_svg",
]
