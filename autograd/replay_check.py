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


class Structure:
    """The traced graph's topological order, kept to compare freshly built graphs against."""

    def __init__(self, traced: Value, inputs: Sequence[Value], parameter_ids: set[int]) -> None:
        self.order = topological_order(traced)
        self.position = {id(v): k for k, v in enumerate(self.order)}
        self.column = {id(x): i for i, x in enumerate(inputs)}
        self.parameter_ids = parameter_ids

    def difference(self, built: Value, fresh: Sequence[Value]) -> str | None:
        """Where the graph of ``built`` (leaves ``fresh``) first differs from the traced one, or None."""
        a, b = self.order, topological_order(built)
        position_b = {id(v): k for k, v in enumerate(b)}
        column_b = {id(x): i for i, x in enumerate(fresh)}
        for k, (u, v) in enumerate(zip(a, b, strict=False)):
            where = f"node {k} in topological order"
            if u.op is not v.op or u.arg != v.arg or len(u.parents) != len(v.parents):
                return f"{where} is {_describe(v)} where the compiled graph has {_describe(u)}"
            if u.op is None:  # leaves: the same input column, the same parameter, or an equal constant
                if id(u) in self.column or id(v) in column_b:
                    if self.column.get(id(u)) != column_b.get(id(v)):
                        return f"{where} is a different input (or a constant where an input was)"
                elif u is not v and (id(v) in self.parameter_ids or v.data != u.data):
                    return f"{where} is another leaf (value {v.data!r} where the compiled graph has {u.data!r})"
                continue
            if [self.position[id(p)] for p in u.parents] != [position_b[id(p)] for p in v.parents]:
                return f"{where} ({_describe(u)}) takes different inputs"
        if len(a) != len(b):
            return f"it has {len(b)} nodes where the compiled graph has {len(a)}"
        return None
