"""Where each value sits in a network: which layer, which neuron, or the loss.

A graph made by ``nn`` labels its values in the notes' notation. A labelled
value's place comes from its label (a weight ``w^(l)_ij`` belongs to the
neuron it feeds, ``(l, j)``). An unlabelled value (the ``(z − y)`` of a loss,
the partial sums of a hand-built neuron) takes the place its consumers share.
A graph with no such labels has no places, and is drawn without clusters.
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value
from visualize.labels import parse_label

Place = tuple  # (l,) a layer, (l, j) neuron j of layer l, ("L",) the loss; () nowhere in particular

INPUT_LAYER: Place = (0,)
LOSS: Place = ("L",)


def consumers(order: Sequence[Value]) -> dict[Value, list[Value]]:
    """For each value, the values computed from it (one entry per edge, in order)."""
    used_by: dict[Value, list[Value]] = {v: [] for v in order}
    for v in order:
        for p in v.parents:
            used_by[p].append(v)
    return used_by


def label_place(v: Value) -> Place:
    """Where a value belongs in the notes' network, read from its label (``()`` if nowhere)."""
    notes = parse_label(v.label)
    if notes is None:
        return ()
    if notes.kind == "L":
        return LOSS
    return notes.neuron or INPUT_LAYER


def _common(places: list[Place]) -> Place:
    first = places[0]
    n = len(first)
    for p in places[1:]:
        n = min(n, len(p))
        while n and p[:n] != first[:n]:
            n -= 1
    return first[:n]


def places(order: Sequence[Value], used_by: dict[Value, list[Value]] | None = None) -> dict[Value, Place]:
    """The place of every value in ``order`` (a topological order); ``()`` where there is none."""
    used_by = used_by if used_by is not None else consumers(order)
    where: dict[Value, Place] = {}
    for v in reversed(order):  # consumers first: each one's place is known before its inputs'
        place = label_place(v)
        if not place and v.label is None and used_by[v]:
            place = _common([where[c] for c in used_by[v]])
        where[v] = place
    return where


def has_network_labels(where: dict[Value, Place]) -> bool:
    """Do the labels describe a network (neurons or a loss), so that clusters mean something?"""
    return any(len(p) == 2 or p == LOSS for p in where.values())
