"""Does a freshly built graph have the structure of the compiled one? (``Compiled.check``)

Two graphs match when their topological orders pair up node by node: the same op,
the same constant, the same inputs in the same positions; leaves pair up as the
same input column, the same parameter, or a constant of the same value.
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd.backward import topological_order
from autograd.value import Value


class CompileError(ValueError):
    """A graph cannot be replayed as compiled: its structure depends on the data."""


def _describe(v: Value) -> str:
    return f"{v.op.name}" + (f" (constant {v.arg!r})" if v.arg is not None else "") if v.op else "a leaf"


def first_difference(
    traced: Value, inputs: Sequence[Value], parameter_ids: set[int], built: Value, fresh: Sequence[Value]
) -> str | None:
    """Where the graph of ``built`` (leaves ``fresh``) first differs from ``traced``'s, or None."""
    a, b = topological_order(traced), topological_order(built)
    position_a = {id(v): k for k, v in enumerate(a)}
    position_b = {id(v): k for k, v in enumerate(b)}
    column_a = {id(x): i for i, x in enumerate(inputs)}
    column_b = {id(x): i for i, x in enumerate(fresh)}
    for k, (u, v) in enumerate(zip(a, b, strict=False)):
        where = f"node {k} in topological order"
        if u.op is not v.op or u.arg != v.arg or len(u.parents) != len(v.parents):
            return f"{where} is {_describe(v)} where the compiled graph has {_describe(u)}"
        if u.op is None:  # leaves: the same input column, the same parameter, or an equal constant
            if id(u) in column_a or id(v) in column_b:
                if column_a.get(id(u)) != column_b.get(id(v)):
                    return f"{where} is a different input (or a constant where an input was)"
            elif u is not v and (id(v) in parameter_ids or v.data != u.data):
                return f"{where} is another leaf (value {v.data!r} where the compiled graph has {u.data!r})"
            continue
        if [position_a[id(p)] for p in u.parents] != [position_b[id(p)] for p in v.parents]:
            return f"{where} ({_describe(u)}) takes different inputs"
    if len(a) != len(b):
        return f"it has {len(b)} nodes where the compiled graph has {len(a)}"
    return None
