"""How ``compile`` turns a traced graph into numpy steps: levels, groups, rows, θ entries, and where gradients go.

Every node gets a place: an input or a computed node is a *row* of the value table
``V`` (one column per sample of the batch); every other leaf (a parameter, or a
constant the code wrote) is an entry of the parameter vector ``θ``, the same for
every row. Nodes are grouped by level (1 + the highest level of their inputs, so a
group never depends on itself) and by op, constant and the place of each operand;
a group's outputs take consecutive rows, so the next layer often reads them as a
slice (a view) rather than a gather. A group of dot nodes ``Σ_i a_i w_i + b`` whose
``a`` are rows shared by every node and whose ``w`` and ``b`` are parameters is
one matrix product ``[W | b] @ [A; 1]``: a layer of neurons. θ holds each neuron's
``w_1 … w_n, b`` in turn (``nn.MLP.parameters()``' order), so ``[W | b]`` is a view
of θ, and a row of ones follows the rows a layer reads, so ``[A; 1]`` is a view of V.

Backward adds each step's contributions into ``G`` (∂loss/∂row) and into θ's
gradient. A place's first contribution (steps run in reverse) is *written* rather
than added, so neither table is cleared before a replay, except the few places
whose first contribution cannot be a plain write (``Plan.zero_rows``, ``zero_theta``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd import arrays, ops
from autograd.backward import topological_order
from autograd.ops import Op
from autograd.value import Value

Index = slice | np.ndarray
EACH = object()  # a group key's constant when the nodes' constants may differ (``arrays.PER_NODE_CONSTANT``)


@dataclass(frozen=True)
class Into:
    """Where a contribution to ∂loss/∂(some places) goes: rows of G (``"v"``) or entries of θ's gradient (``"t"``).

    ``mode``: ``"set"`` (the first contribution to each place: written), ``"add"``, or ``"add_at"`` (a place
    repeats within the index: ``np.add.at`` adds every occurrence)."""

    kind: str
    index: Index
    mode: str
    over_nodes: bool = False  # one row that every node of the group reads: sum the nodes' contributions


@dataclass(frozen=True)
class OpStep:
    """One op applied to a group of nodes: ``V[out] = forward(arg, *operands)``."""

    op: Op
    arg: Any
    forward: Callable[..., Any]
    out: slice
    operands: list[tuple[str, Index]]  # ("v", rows of V) or ("t", entries of θ), one per input position
    into: list[Into | None]  # per operand: where ∂loss/∂operand goes (None for inputs: no gradient is kept)


@dataclass(frozen=True)
class MatmulStep:
    """A layer of k dot nodes sharing their n inputs: ``V[out] = [W | b] @ [A; 1]``."""

    a: Index  # rows of V: A
    ones: bool  # a is a slice followed by a row of ones: [A; 1] is a view of V
    w: Index  # entries of θ: [W | b] (k × (n + bias)) row by row
    shape: tuple[int, int]  # (k, n)
    bias: bool
    out: slice
    into_a: Into | None  # None when a are inputs
    into_w: Into


@dataclass(frozen=True)
class Plan:
    steps: list[OpStep | MatmulStep]
    n_rows: int
    n_nodes: int
    loss_row: int
    parameters: list[Value]
    places: dict[int, tuple[str, int]]  # id(node) -> ("v", row) or ("t", index in θ)
    input_rows: Index  # the row of each input (the batch's columns)
    ones_rows: list[int]
    zero_rows: np.ndarray  # rows of G cleared before backward
    zero_theta: np.ndarray  # entries of θ's gradient cleared before backward

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
    column = {id(x): i for i, x in enumerate(inputs)}
    leaves = [v for v in order if v.is_leaf() and id(v) not in column]
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
        shared = tuple(id(alias.get(id(p), p)) for p in v.parents[:n]) if layer else None
        arg = EACH if v.op.on_arrays in arrays.PER_NODE_CONSTANT and type(v.arg) is int else v.arg
        groups.setdefault((level[id(v)], id(v.op), arg, kinds, shared), []).append(v)
    keys = sorted(groups, key=lambda k: k[0])  # stable: first appearance within a level

    # θ's order: each layer's neurons in turn, each its w_1 … w_n then b: [W | b] row by row is a slice
    ordered = {id(p): p for key in keys if key[4] is not None for v in groups[key] for p in v.parents[len(key[4]) :]}
    ordered |= {id(p): p for p in leaves if id(p) not in ordered}
    parameters = list(ordered.values())
    places: dict[int, tuple[str, int]] = {id(p): ("t", j) for j, p in enumerate(parameters)}

    # rows: the inputs (those the first layer reads first, then a row of ones), then each group (a row of ones
    # after a group that a layer reads as its A)
    read_as_a = list(dict.fromkeys(key[4] for key in keys if key[4] is not None and len(key[3]) % 2))
    first = next((a for a in read_as_a if all(i in column for i in a) and len(set(a)) == len(a)), ())
    rest = [id(x) for x in inputs if id(x) not in set(first)]
    ones_rows = [len(first)] if first else []
    input_row = {i: r for r, i in enumerate([*first, -1, *rest] if first else rest) if i != -1}
    places |= {id(x): ("v", input_row[id(x)]) for x in inputs}
    n_input_rows = len(inputs) + len(ones_rows)
    n_rows, layer_inputs = n_input_rows, set(read_as_a)
    for key in keys:
        nodes = groups[key]
        places |= {id(v): ("v", r) for r, v in enumerate(nodes, start=n_rows)}
        n_rows += len(nodes)
        if tuple(map(id, nodes)) in layer_inputs:
            ones_rows.append(n_rows)
            n_rows += 1
    places |= {node: places[id(target)] for node, target in alias.items()}

    loss_row = places[id(loss)][1]
    written = ({loss_row}, set())  # places of G and of θ's gradient that backward has written
    zero: tuple[set[int], set[int]] = (set(), set())

    def into(kind_: str, positions: list[int]) -> Into:
        done, clear = (written[0], zero[0]) if kind_ == "v" else (written[1], zero[1])
        fresh = set(positions) - done
        if len(set(positions)) < len(positions):
            mode = "add_at"
        elif len(fresh) == len(positions):
            mode = "set"
        else:
            mode = "add"
        if mode != "set":
            clear |= fresh
        done |= fresh
        return Into(kind_, _index(positions), mode)

    steps: list[OpStep | MatmulStep] = [
        _step(groups[key], places, alias, n_input_rows, ones_rows, layer=key[4] is not None) for key in keys
    ]
    for k in reversed(range(len(steps))):  # backward's order: which contribution comes first to each place
        steps[k] = _with_gradients(steps[k], into, n_input_rows)
    zero[1].update(set(range(len(parameters))) - written[1])
    n_nodes = sum(map(len, groups.values())) + len(alias)
    input_rows = _index([input_row[id(x)] for x in inputs])
    return Plan(
        steps, n_rows, n_nodes, loss_row, parameters, places, input_rows, ones_rows,
        np.array(sorted(zero[0]), dtype=np.intp), np.array(sorted(zero[1]), dtype=np.intp),
    )  # fmt: skip


def _positions(index: Index) -> list[int]:
    return list(range(index.start, index.stop)) if isinstance(index, slice) else index.tolist()


def _step(
    nodes: list[Value],
    places: dict[int, tuple[str, int]],
    alias: dict[int, Value],
    n_input_rows: int,
    ones_rows: list[int],
    layer: bool,
) -> Any:
    """The step of one group, without its gradients' destinations yet (``_with_gradients``)."""

    def place(v: Value) -> tuple[str, int]:
        return places[id(alias.get(id(v), v))]

    first = nodes[0]
    rows = [place(v)[1] for v in nodes]
    out = slice(rows[0], rows[0] + len(rows))
    arity = len(first.parents)
    if layer:
        n = arity // 2
        a = _index([place(p)[1] for p in first.parents[:n]])
        w = _index([place(p)[1] for v in nodes for p in v.parents[n:]])  # [W | b] row by row
        ones = isinstance(a, slice) and a.stop in ones_rows
        return MatmulStep(a, ones, w, (len(nodes), n), bool(arity % 2), out, None, None)  # type: ignore[arg-type]
    columns = [[place(v.parents[i]) for v in nodes] for i in range(arity)]
    operands = [
        (col[0][0], _rows([r for _, r in col]) if col[0][0] == "v" else np.array([r for _, r in col], dtype=np.intp))
        for col in columns
    ]
    op, args = first.op, [v.arg for v in nodes]
    arg = np.array(args, dtype=np.intp)[:, None] if len(set(args)) > 1 else first.arg  # one per node: (k, 1)
    return OpStep(op, arg, op.on_arrays or op.forward, out, operands, [])


def _rows(rows: list[int]) -> Index:
    """The rows an operand reads, one per node: one row (a view that broadcasts) when every node reads it."""
    return slice(rows[0], rows[0] + 1) if len(set(rows)) == 1 else _index(rows)


def _with_gradients(step: Any, into: Callable[[str, list[int]], Into], n_input_rows: int) -> Any:
    """The step with where each contribution goes, decided in backward's order (see ``plan``)."""
    if type(step) is MatmulStep:
        into_w = into("t", _positions(step.w))
        a = _positions(step.a)
        into_a = None if max(a) < n_input_rows else into("v", a)
        return MatmulStep(step.a, step.ones, step.w, step.shape, step.bias, step.out, into_a, into_w)
    k = step.out.stop - step.out.start
    targets = []
    for kind, index in step.operands:
        rows = _positions(index)
        if kind == "v" and max(rows) < n_input_rows:
            targets.append(None)
            continue
        target = into(kind, rows)
        shared = kind == "v" and len(rows) == 1 and k > 1
        targets.append(Into(target.kind, target.index, target.mode, over_nodes=True) if shared else target)
    return OpStep(step.op, step.arg, step.forward, step.out, step.operands, targets)
