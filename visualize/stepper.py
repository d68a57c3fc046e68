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
from visualize.graph import DEFAULT_MAX_NODES, Frame, GraphPicture, check_root, check_size
from visualize.labels import number
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
    """One drawing per step of the backward pass (options as for ``draw``); the last equals ``backward()``."""
    style = Style(show_data, True, edge_labels, backward_order, digits)
    order = topological_order(check_root(root))
    check_size(order, max_nodes)
    picture = GraphPicture(order, style, normalize(annotations), clusters)
    frames = replay(order)
    drawings = []
    for k, frame in enumerate(frames):
        drawings.append(picture.digraph(frame, rankdir=rankdir, title=_caption(k, len(frames), frame, style)))
    return drawings


def _caption(k: int, n: int, frame: Frame, style: Style) -> str:
    if frame.active is None:
        return f"step 0 of {n - 1}: the seed, grad = 1 at the output"
    v = frame.active
    name = v.label or f"the {op_symbol(v, style)} node"
    return f"step {k} of {n - 1}: {name} passes its grad {number(frame.grads[v], style.digits)} to its inputs"


def frame_svgs(root: Value, **options: Any) -> list[str]:
    """The frames as SVG text (needs Graphviz's ``dot``); options as for ``backward_frames``."""
    return [to_svg(frame) for frame in backward_frames(root, **options)]


def step_through(root: Value, **options: Any) -> Any:
    """In Jupyter: a slider (and play button) over the frames. Without ipywidgets: the list of SVGs."""
    svgs = frame_svgs(root, **options)
    try:
        import ipywidgets
    except ImportError:
        return svgs
    slider = ipywidgets.IntSlider(value=0, min=0, max=len(svgs) - 1, description="step", continuous_update=True)
    play = ipywidgets.Play(value=0, min=0, max=len(svgs) - 1, interval=900, description="play")
    ipywidgets.jslink((play, "value"), (slider, "value"))
    view = ipywidgets.HTML(value=svgs[0])

    def show(change: dict) -> None:
        view.value = svgs[change["new"]]

    slider.observe(show, names="value")
    return ipywidgets.VBox([ipywidgets.HBox([play, slider]), view])
