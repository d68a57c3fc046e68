"""The engine's one rule for numbers that are not finite, forward and backward.

- **NaN is refused**: an op given a NaN input, or whose result is NaN (``inf − inf``,
  ``0 · inf``), raises ``DomainError`` naming the op and its operands — for every op,
  checked where every op is applied (``value.py``), so ``relu(nan)`` cannot quietly be 0.
- **Overflow from finite numbers is an error**: a result, a local derivative or a
  gradient that is infinite although everything it was computed from is finite raises
  (``OverflowInOpError`` forward, ``NonFiniteGradientError`` backward), naming the op
  and its operands. Infinity in gives infinity out without complaint.
- **Seeds are finite real numbers.**

The checks cost one comparison per number on the hot path; the functions here run only
once a number has already failed it, to say what went wrong.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

from autograd.errors import DomainError, NonFiniteGradientError, OverflowInOpError


def refuse_forward(op: Any, c: Any, x: Sequence[float], result: float) -> None:
    """Raise if ``op(c, *x) = result`` breaks the rule (a NaN in or out, or inf from finite inputs)."""
    operands = tuple(x) if c is None else (*x, c)
    if any(v != v for v in x):
        raise DomainError(op.name, operands, "a NaN input: deltagrad refuses NaN (find where it came from)")
    if result != result:
        raise DomainError(op.name, operands, "undefined (NaN) for these infinite inputs")
    if math.isinf(result) and all(map(math.isfinite, x)) and (not isinstance(c, float) or math.isfinite(c)):
        raise OverflowInOpError(op.name, operands)


def seed(value: Any, where: str) -> float:
    """A seed ∂L/∂root as a float: a finite real number, or a clear error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: the seed ∂L/∂root must be a real number (1.0 for a loss), got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{where}: the seed ∂L/∂root must be finite, got {value!r}")
    return value


def _name(v: Any) -> str:
    return repr(v.label) if v.label else f"a {v.op.name} node" if v.op else "an unlabelled input"


def _shown(node: Any) -> str:
    operands = [repr(p.data) for p in node.parents] + ([] if node._c is None else [f"c={node._c!r}"])
    return f"{node._primitive.name}({', '.join(operands)})"


def check_gradient(order: Sequence[Any], p: Any) -> None:
    """``p.grad`` is not finite: raise unless it is infinity passed on from infinity in the graph.

    Looks at each contribution ``grad(c) · ∂c/∂p`` from the consumers c of p in ``order``
    to say which op overflowed, or where a zero gradient met an infinite derivative.
    """
    contributions = []
    for c in order:
        if c._primitive is None or not any(q is p for q in c.parents):
            continue
        g = c.grad
        try:
            local = c._primitive.partials(c.data, c._c, *(q.data for q in c.parents))
        except (ArithmeticError, ValueError):
            continue
        data_finite = all(math.isfinite(q.data) for q in c.parents) and math.isfinite(c.data)
        for i, (q, d) in enumerate(zip(c.parents, local, strict=True), start=1):
            if q is not p:
                continue
            d = float(d)
            edge = f"input {i} ({_name(p)}) of {_shown(c)}"
            if not math.isfinite(d) and data_finite:
                raise NonFiniteGradientError(
                    c._primitive.name, f"the local derivative by {edge} is {d!r}: it overflows a float"
                )
            term = g * d
            if term != term:
                raise NonFiniteGradientError(
                    c._primitive.name,
                    f"the gradient reaching {edge} is {g!r} × {d!r} = nan (an infinite number meets a zero)",
                )
            if math.isinf(term) and math.isfinite(g) and math.isfinite(d):
                raise NonFiniteGradientError(
                    c._primitive.name,
                    f"the gradient reaching {edge} is {g!r} × {d!r}, which overflows a float: "
                    "rescale the loss or the inputs",
                )
            contributions.append(term)
    if p.grad != p.grad:
        raise NonFiniteGradientError(
            "sum of gradients", f"the gradients reaching {_name(p)} add up to nan (+inf and −inf): {contributions!r}"
        )
    if contributions and all(map(math.isfinite, contributions)):
        raise NonFiniteGradientError(
            "sum of gradients",
            f"the gradients reaching {_name(p)} are finite but add up past ~1.8e308: rescale the loss or the inputs",
        )
