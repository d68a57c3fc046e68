"""``pickle`` and ``copy.deepcopy`` of Values and graphs, without recursion.

Python pickles an object by recursing into what it refers to, so a 10,000-node chain
of Values would exceed the recursion limit. ``Value.__reduce__`` instead describes a
graph as one flat list in topological order: each leaf as itself (pickled on its own,
so pickle's memo keeps a leaf that several graphs share one object: an ``nn`` model's
parameters stay the model's), each op node as its op's name, its constant, the
positions of its inputs in the list, its data, grad, label, class and own attributes.
Rebuilding reads the list front to back. Data are kept, not recomputed: a copy is
bit-for-bit the original. (Op nodes are rebuilt per pickled root: two roots pickled
together that share an inner node get one copy of it each; leaves are shared.)
"""

from __future__ import annotations

from typing import Any

from autograd.ops import OPS, Op
from autograd.value import link


def _attributes(v: Any) -> dict[str, Any] | None:
    return dict(v.__dict__) if getattr(v, "__dict__", None) else None


def _fill(v: Any, data: float, grad: Any, label: str | None, attributes: dict[str, Any] | None) -> None:
    v.data, v.grad, v.label = data, grad, label
    if attributes:
        v.__dict__.update(attributes)


def leaf(cls: type, data: float, grad: Any, label: str | None, attributes: dict[str, Any] | None) -> Any:
    """A leaf Value again (the reconstructor ``__reduce__`` names for a leaf)."""
    v = object.__new__(cls)
    v._a, v._b, v._primitive, v._c = None, None, None, None
    _fill(v, data, grad, label, attributes)
    return v


def graph(records: list[Any]) -> Any:
    """The last node of a graph described by ``reduce``'s flat list, every node before it rebuilt."""
    nodes: list[Any] = []
    for r in records:
        if not isinstance(r, tuple):  # a leaf, already rebuilt by pickle
            nodes.append(r)
            continue
        cls, op, c, inputs, data, grad, label, attributes = r
        v = object.__new__(cls)
        link(v, tuple(nodes[i] for i in inputs), OPS[op] if isinstance(op, str) else op, c)
        _fill(v, data, grad, label, attributes)
        nodes.append(v)
    return nodes[-1]


def reduce(v: Any) -> tuple[Any, tuple[Any, ...]]:
    """``Value.__reduce__``: a reconstructor and its arguments, flat however deep the graph."""
    if v._primitive is None:
        return leaf, (type(v), v.data, v.grad, v.label, _attributes(v))
    from autograd.backward import topological_order

    order = topological_order(v)
    position = {node: k for k, node in enumerate(order)}
    records: list[Any] = []
    for node in order:
        if node._primitive is None:
            records.append(node)
            continue
        op: Op = node._primitive
        key: str | Op = op.name if OPS.get(op.name) is op else op  # a custom Op is pickled as itself
        inputs = tuple(position[p] for p in node.parents)
        records.append((type(node), key, node._c, inputs, node.data, node.grad, node.label, _attributes(node)))
    return graph, (records,)
