"""How ``compile`` turns a traced graph into numpy steps: levels, groups, rows, gathers and scatters.

Every node gets a place: an input or a computed node is a *row* of the value table
``V`` (one column per sample of the batch); every other leaf (a parameter, or a
constant the code wrote) is an entry of the parameter vector ``θ``, the same for
every row. Nodes are grouped by level (1 + the highest level of their inputs, so a
group never depends on itself) and by op, constant and the place of each operand;
a group's outputs take consecutive rows, so the next layer often reads them as a
slice (a view) rather than a gather. A group of dot nodes ``Σ_i a_i w_i + b`` whose
``a`` are rows shared by every node and whose ``w`` and ``b`` are parameters is
one matrix product ``W @ A + b``: a layer of neurons.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd import ops
from autograd.backward import topological_order
from autograd.ops import Op
from autograd.value import Value

Index = slice | np.ndarray
Scatter = Callable[[np.ndarray, np.ndarray], None]  # (target: G or the θ gradient, contribution)


@dataclass(frozen=True)
class OpStep:
    """One op applied to a group of nodes: ``V[out] = forward(arg, *operands)``."""

    op: Op
    arg: Any
    forward: Callable[..., Any]
    out: slice
    operands: list[tuple[str, Index]]  # ("v", rows of V) or ("t", entries of θ), one per input position
    scatters: list[tuple[bool, Scatter | None]]  # ∂loss/∂operand: (into θ's gradient, not G; how), or no scatter
    # for an input (no gradient is kept for the batch itself)


@dataclass(frozen=True)
class MatmulStep:
    """A layer of dot nodes sharing their inputs: ``V[out] = θ[w] @ V[a] + θ[b]``."""

    a: Index
    w: Index  # entries of θ: W (k × n) row by row
    shape: tuple[int, int]  # (k, n): k nodes of n inputs each
    b: Index | None  # (k,) entries of θ
    out: slice
    scatter_a: Scatter | None  # None when a are inputs
    scatter_w: Scatter
    scatter_b: Scatter | None


@dataclass(frozen=True)
class Plan:
    steps: list[OpStep | MatmulStep]
    n_rows: int
    n_nodes: int
    loss_row: int
    parameters: list[Value]
    places: dict[int, tuple[str, int]]  # id(node) -> ("v", row) or ("t", index in θ)

    def place_of(self, v: Value) -> tuple[str, int]:
        if id(v) not in self.places:
            raise ValueError(f"{v!r} is not a node of the compiled graph")
        return self.places[id(v)]


def _index(positions: Sequence[int]) -> Index:
    """A slice when the positions are consecutive (a view, no copy), else an index array."""
    first = positions[0]
    if list(positions) == list(range(first, first + len(positions))):
        return slice(first, first + len(positions))
    return np.array(positions, dtype=np.intp)


def _adder(index: Index, over_rows: bool = False) -> Scatter:
    """``target[index] += contribution``, adding up repeated indices; ``over_rows``: first sum the
    contribution over the batch (a parameter is the same for every row, so its gradient is that sum)."""
    repeated = not isinstance(index, slice) and len(np.unique(index)) < index.size

    def scatter(target: np.ndarray, c: np.ndarray) -> None:
        if over_rows:
            c = c.sum(axis=1)
        if repeated:
            np.add.at(target, index, c)
        else:
            target[index] += c

    return scatter


def plan(loss: Value, inputs: Sequence[Value]) -> Plan:
    """Levels, groups and places for the graph of ``loss``, whose per-sample leaves are ``inputs``."""
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"compile() inputs[{i}] is {type(x).__name__}, expected a Value")
        if x.parents:
            raise ValueError(f"compile() inputs[{i}] is computed by {x.op.name}: inputs must be leaves (Values)")
    if len(set(map(id, inputs))) != len(inputs):
        raise ValueError("compile() inputs name the same Value twice")
    if loss.is_leaf():
        raise ValueError("compile() needs a loss computed from its inputs, not a leaf")
    order = topological_order(loss)
    places: dict[int, tuple[str, int]] = {id(x): ("v", i) for i, x in enumerate(inputs)}
    leaves = [v for v in order if v.is_leaf() and id(v) not in places]
    kind = {id(p): "t" for p in leaves}

    level = {id(v): 0 for v in order if v.is_leaf()}
    groups: dict[tuple, list[Value]] = {}
    alias: dict[int, Value] = {}  # a sum of one input is that input: no step, the same place
    for v in order:
        if v.is_leaf():
            continue
        if v.op is ops.SUM and len(v.parents) == 1 and not v.parents[0].is_leaf():
            alias[id(v)] = alias.get(id(v.parents[0]), v.parents[0])
            level[id(v)] = level[id(v.parents[0])]
            continue
        level[id(v)] = 1 + max(level[id(p)] for p in v.parents)
        kinds = tuple(kind.get(id(p), "v") for p in v.parents)
        n = len(kinds) // 2
        layer = v.op is ops.DOT and n > 0 and set(kinds[:n]) == {"v"} and set(kinds[n:]) == {"t"}
        shared = tuple(map(id, v.parents[:n])) if layer else None
        groups.setdefault((level[id(v)], id(v.op), v.arg, kinds, shared), []).append(v)
    keys = sorted(groups, key=lambda k: k[0])  # stable: first appearance within a level

    # θ's order: each layer's W row by row, then its b, so a layer reads them as slices (views)
    ordered: dict[int, Value] = {}
    for key in keys:
        if key[4] is not None:
            n = len(key[3]) // 2
            ordered |= {id(p): p for v in groups[key] for p in v.parents[n : 2 * n] if id(p) not in ordered}
            ordered |= {id(v.parents[-1]): v.parents[-1] for v in groups[key] if len(v.parents) % 2}
    ordered |= {id(p): p for p in leaves if id(p) not in ordered}
    parameters = list(ordered.values())
    places |= {id(p): ("t", j) for j, p in enumerate(parameters)}

    steps: list[OpStep | MatmulStep] = []
    n_rows = len(inputs)
    for key in keys:
        nodes = groups[key]
        out = slice(n_rows, n_rows + len(nodes))
        for r, v in enumerate(nodes, start=n_rows):
            places[id(v)] = ("v", r)
        n_rows = out.stop
        steps.append(_step(nodes, out, places, alias, len(inputs), layer=key[4] is not None))
    places |= {node: places[id(target)] for node, target in alias.items()}
    n_nodes = sum(map(len, groups.values())) + len(alias)
    return Plan(steps, n_rows, n_nodes, places[id(loss)][1], parameters, places)


def _step(
    nodes: list[Value],
    out: slice,
    places: dict[int, tuple[str, int]],
    alias: dict[int, Value],
    n_inputs: int,
    layer: bool,
) -> OpStep | MatmulStep:
    def place(v: Value) -> tuple[str, int]:
        return places[id(alias.get(id(v), v))]

    first = nodes[0]
    arity = len(first.parents)
    columns = [[place(v.parents[i])[1] for v in nodes] for i in range(arity)]
    if layer:
        n = arity // 2
        a = _index([place(p)[1] for p in first.parents[:n]])
        w = _index([place(p)[1] for v in nodes for p in v.parents[n : 2 * n]])  # W row by row
        b = _index(columns[2 * n]) if arity % 2 else None
        inputs_only = max(place(p)[1] for p in first.parents[:n]) < n_inputs
        scatter_a = None if inputs_only else _adder(a)
        return MatmulStep(a, w, (len(nodes), n), b, out, scatter_a, _adder(w), None if b is None else _adder(b))
    kinds = [place(p)[0] for p in first.parents]
    operands = [
        (kind, _index(col) if kind == "v" else np.array(col, dtype=np.intp))
        for kind, col in zip(kinds, columns, strict=True)
    ]
    scatters = [
        (kind == "t", None if kind == "v" and max(col) < n_inputs else _adder(index, over_rows=kind == "t"))
        for (kind, index), col in zip(operands, columns, strict=True)
    ]
    op = first.op
    return OpStep(op, first.arg, op.on_arrays or op.forward, out, operands, scatters)
