"""The backward pass, frame by frame: how the gradients fill in, node by node.

Frame 0 holds only the seed (``∂root/∂root = 1``). Each later frame is one step
of ``backward()``: the next value in reverse topological order passes its
gradient to its inputs, each input receiving ``grad × local derivative`` and
adding it (``+=``) to what it already had. A gradient still waiting for more
contributions is shown grey with an ellipsis; once every consumer has
contributed it is final. The frames come from autograd's own walk
(``autograd.backward_steps``), which leaves every ``.grad`` as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import graphviz

from autograd import Value, backward_steps, topological_order
from visualize.annotate import AnnotationLike, normalize
from visualize.graph import DEFAULT_MAX_NODES, Frame, GraphPicture, NetworkDrawing, check_root, check_size
from visualize.html import player_html
from visualize.labels import html_text, notation_text, number
from visualize.measure import fit_alike
from visualize.nodes import Style, op_symbol
from visualize.output import to_svg


def replay(order: list[Value], seed: float = 1.0) -> list[Frame]:
    """The state of every gradient before and after each step of the backward pass over ``order``."""
    root = order[-1]
    waiting = {v: 0 for v in order}  # contributions still to come, one per edge out of v
    for v in order:
        for p in v.parents:
            waiting[p] += 1
    reached, final, pushed = {root: None}, {root}, set()  # reached: an ordered set
    frames = [Frame({root: float(seed)}, frozenset(final), frozenset())]
    for v in backward_steps(root, seed):  # autograd's own walk; it leaves every .grad as it was
        for p in v.parents:
            reached[p] = None
            waiting[p] -= 1
            if waiting[p] == 0:
                final.add(p)
        pushed.add(v)
        frames.append(Frame({u: u.grad for u in reached}, frozenset(final), frozenset(pushed), active=v))
    return frames


def backward_frames(
    root: Value,
    *,
    show_data: bool = True,
    edge_labels: str = "product",
    backward_order: bool = True,
    annotations: Mapping[Value, AnnotationLike] | None = None,
    clusters: bool = True,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    rankdir: str = "LR",
    digits: int = 4,
) -> list[graphviz.Digraph]:
    """One drawing per step of the backward pass (options as for ``draw``); the last equals ``backward()``.

    Every node, edge label and caption is given the size of its widest state over all frames, so
    ``dot`` lays each frame out exactly alike: nodes keep their places as the gradients fill in.
    """
    options = dict(show_data=show_data, edge_labels=edge_labels, backward_order=backward_order)
    return _frames(root, options, annotations, clusters, max_nodes, rankdir, digits)[0]


def _frames(
    root: Value,
    options: dict[str, Any],
    annotations: Mapping[Value, AnnotationLike] | None = None,
    clusters: bool = True,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    rankdir: str = "LR",
    digits: int = 4,
) -> tuple[list[graphviz.Digraph], list[str]]:
    show_data, edge_labels, backward_order = options["show_data"], options["edge_labels"], options["backward_order"]
    style = Style(show_data, True, edge_labels, backward_order, digits)
    order = topological_order(check_root(root))
    check_size(order, max_nodes)
    picture = GraphPicture(order, style, normalize(annotations), clusters)
    frames = replay(order)
    parts = [picture.parts(frame, placeholder=True) for frame in frames]
    texts = [notation_text(_caption(k, len(frames), f, style)) for k, f in enumerate(frames)]
    captions = fit_alike([_caption_label(text) for text in texts], 0)
    for position in range(len(parts[0][0])):  # the same node in every frame: one size
        labels = fit_alike([nodes[position][1]["label"] for nodes, _ in parts], 0)
        for (nodes, _), label in zip(parts, labels, strict=True):
            nodes[position][1]["label"] = label
    for position in range(len(parts[0][1])):
        if "label" in parts[0][1][position][2]:
            labels = fit_alike([edges[position][2]["label"] for _, edges in parts], 0, font=10.0)  # edge font
            for (_, edges), label in zip(parts, labels, strict=True):
                edges[position][2]["label"] = label
    drawings = [picture.emit(n, e, rankdir=rankdir, title=c) for (n, e), c in zip(parts, captions, strict=True)]
    for drawing in drawings:  # one size per node in every frame: one layout for them all, worked out once
        if isinstance(drawing, NetworkDrawing):
            drawing.layout = drawings[0].layout
    return drawings, texts


def _caption_label(text: str) -> str:
    return f'<<TABLE BORDER="0" CELLBORDER="0"><TR><TD>{html_text(text)}</TD></TR></TABLE>>'


def _caption(k: int, n: int, frame: Frame, style: Style) -> str:
    if frame.active is None:
        return f"step 0 of {n - 1}: the seed, grad = 1 at the output"
    v = frame.active
    name = v.label or f"the {op_symbol(v, style)} node"
    return f"step {k} of {n - 1}: {name} passes its grad {number(frame.grads[v], style.digits)} to its inputs"


def frame_svgs(root: Value, **options: Any) -> list[str]:
    """The frames as SVG text (needs Graphviz's ``dot``); options as for ``backward_frames``."""
    return [to_svg(frame) for frame in backward_frames(root, **options)]


class StepThrough(list):
    """The frames' SVGs, shown in a notebook as a player: a slider, ◀ ▶ and play, one frame at a time.

    Self-contained HTML and a few lines of script (no kernel, no widget library), so it plays in
    JupyterLab, classic Notebook, VS Code and static HTML alike; without scripts every frame is
    shown, one under the other. It is a list of the SVG texts, as ``frame_svgs`` returns.
    """

    def __init__(self, svgs: list[str], captions: list[str]) -> None:
        super().__init__(svgs)
        self.captions = captions

    def _repr_html_(self) -> str:
        return player_html(list(self), self.captions)


def step_through(
    root: Value,
    *,
    show_data: bool = True,
    edge_labels: str = "product",
    backward_order: bool = True,
    **options: Any,
) -> StepThrough:
    """The backward pass as a player in Jupyter (options as for ``backward_frames``); a list of SVGs."""
    look = dict(show_data=show_data, edge_labels=edge_labels, backward_order=backward_order)
    drawings, captions = _frames(root, look, **options)
    return StepThrough([to_svg(d) for d in drawings], captions)
