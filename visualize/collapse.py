"""The collapsed view: each neuron one node (its weights, z, a and δ), laid out like the notes' diagrams.

A network's full graph has a node for every weight, bias and operation; past a
few neurons it stops being readable. Collapsed, it looks like the diagrams in
the notes: the inputs, then one column per layer with neurons 1…n from top to
bottom, then the loss. Neurons are found from the notes' labels: each
``z^(l)_j`` starts a neuron, its ``a^(l)_j`` and unlabelled helper values join
it, and its weights and bias become rows of its node (``visualize.neuron``).
The positions are worked out here from the structure alone and pinned
(``visualize.grid``), so the same network drawn with other numbers, or under
other rules, puts every node in the same place.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograd import Value
from visualize.labels import parse_label
from visualize.places import LOSS, Place


@dataclass
class Group:
    """One neuron (seeded by its ``z``) or one loss (seeded by ``L``) and the values folded into it."""

    seed: Value
    key: int  # the seed's position in the topological order: a stable node name
    place: Place  # (l, j) for a neuron, LOSS for the loss
    a: Value | None = None


@dataclass
class Grouping:
    group_of: dict[Value, Group]
    hidden: set[Value]  # weights and biases: shown on edges, not as nodes
    params: dict[str, Value]  # by label, to find w^(l)_ij for an edge i → j


def group(order: list[Value], used_by: dict[Value, list[Value]]) -> Grouping:
    """Fold each neuron's values into one group seeded by its ``z`` (and the loss into one)."""
    index = {v: k for k, v in enumerate(order)}
    notes = {v: parse_label(v.label) for v in order}
    group_of: dict[Value, Group] = {}
    for v in order:
        n = notes[v]
        if n is not None and n.kind == "z":
            group_of[v] = Group(v, index[v], n.neuron)
        elif n is not None and n.kind == "L":
            group_of[v] = Group(v, index[v], LOSS)
        elif n is not None and n.kind == "a" and n.layer:
            z = _find_z(v, n.neuron, notes)
            if z is not None and z in group_of and group_of[z].a is None:
                group_of[v] = group_of[z]
                group_of[z].a = v
    root = order[-1]
    if root.label is None and root not in group_of and group_of:  # a network's unlabelled root is its loss
        group_of[root] = Group(root, index[root], LOSS)
    hidden = {v for v in order if notes[v] is not None and notes[v].kind in "wb" and v.is_leaf()}
    for v in reversed(order):  # unlabelled helpers join the group all their consumers are in
        is_target = notes[v] is not None and notes[v].kind == "y"  # a loss's constant yₖ belongs to the loss
        if v in group_of or v in hidden or (v.label is not None and not is_target) or not used_by[v]:
            continue
        owners = {id(group_of.get(c)) for c in used_by[v]}
        if len(owners) == 1 and used_by[v][0] in group_of:
            group_of[v] = group_of[used_by[v][0]]
    hidden = {v for v in hidden if used_by[v] and all(c in group_of for c in used_by[v])}
    return Grouping(group_of, hidden, {v.label: v for v in hidden})


def _find_z(a: Value, neuron: tuple[int, int] | None, notes: dict) -> Value | None:
    """The ``z^(l)_j`` that ``a^(l)_j`` is computed from, through at most a few unlabelled steps."""
    frontier = list(a.parents)
    for _ in range(4):
        for p in frontier:
            n = notes.get(p)
            if n is not None and n.kind == "z" and n.neuron == neuron:
                return p
        frontier = [q for p in frontier if p.label is None for q in p.parents]
    return None
