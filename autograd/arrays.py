"""The ops' forwards on numpy arrays: what ``Op.on_arrays`` points to, for a compiled replay.

A compiled graph (``autograd.compile``) applies each op to whole arrays at once: one
entry per sample of a batch, and one row per node of a group. These functions are
the array counterparts of the float forwards in ``ops.py``, with the same domain
errors (the first offending operands are named) and the same stable formulas; the
local derivatives need no counterpart, because the table's ``partials`` rules run
on arrays as they are. Overflow (a non-finite result from finite operands) is
detected by the caller, as the engine does for floats.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.errors import DivisionByZeroError, DomainError


def _first(mask: np.ndarray, *operands: Any) -> tuple[float, ...]:
    """The operands at the first position where ``mask`` holds, as floats (for an error message)."""
    at = np.unravel_index(int(np.argmax(mask)), mask.shape)
    return tuple(float(np.broadcast_to(x, mask.shape)[at]) for x in operands)


def div(c: Any, a: Any, b: Any) -> Any:
    zero = np.asarray(b == 0.0)
    if zero.any():
        raise DivisionByZeroError(
            "div", _first(np.broadcast_to(zero, np.broadcast(a, b).shape), a, b), "division by zero"
        )
    return a / b


def _pow(op: str, a: Any, b: Any) -> Any:
    shape = np.broadcast(a, b).shape
    bad = np.broadcast_to((a == 0.0) & (b < 0.0), shape)
    if bad.any():
        raise DivisionByZeroError(op, _first(bad, a, b), "zero cannot be raised to a negative power")
    bad = np.broadcast_to((a < 0.0) & (np.floor(b) != b), shape)
    if bad.any():
        raise DomainError(op, _first(bad, a, b), "a negative base needs an integer exponent (the result is complex)")
    with np.errstate(over="ignore", invalid="ignore"):
        return np.power(a, b)


def pow(c: Any, a: Any, b: Any) -> Any:  # noqa: A001 - the op's name
    return _pow("pow", a, b)


def powc(c: float, a: Any) -> Any:
    if c > 0.0 and c.is_integer():  # defined for every base: no checks needed (x ** 2 is the common case)
        with np.errstate(over="ignore"):
            return a**c
    return _pow("powc", a, c)


def periodic(name: str, f: Any) -> Any:
    """sin or cos on arrays: undefined (a DomainError) at ±inf, as the float rule."""

    def forward(c: Any, a: Any) -> Any:
        bad = np.asarray(np.isinf(a))
        if bad.any():
            raise DomainError(name, _first(bad, a), f"{name} of an infinite number is undefined")
        return f(a)

    return forward


def exp(c: Any, a: Any) -> Any:
    with np.errstate(over="ignore"):
        return np.exp(a)


def log(c: Any, a: Any) -> Any:
    bad = np.asarray(a <= 0.0)
    if bad.any():
        raise DomainError("log", _first(bad, a), "log is defined only for positive numbers")
    return np.log(a)


def tanh(c: Any, a: Any) -> Any:
    return np.tanh(a)


def sigmoid(c: Any, a: Any) -> Any:
    e = np.exp(-np.abs(a))  # ≤ 1: exp never sees a large positive argument
    return np.where(a >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def relu(c: Any, a: Any) -> Any:
    return np.where(a > 0.0, a, 0.0)  # as the float rule: 0 where a is not > 0


def sum(c: Any, *x: Any) -> Any:  # noqa: A001 - the op's name
    total = x[0]
    for xi in x[1:]:
        total = total + xi
    return total


def dot(c: Any, *x: Any) -> Any:
    n = len(x) // 2
    total = x[0] * x[n]
    for a, w in zip(x[1:n], x[n + 1 : 2 * n], strict=True):
        total = total + a * w
    return total + x[-1] if len(x) % 2 else total


def logsumexp(c: int | np.ndarray | None, *z: Any) -> Any:
    """``log Σ_j e^{z_j}`` (− z_c with an index c), shifted by the largest z as the float rule is.

    ``c`` may be one index per node, an int array of shape (k, 1) (a replay's group of ``−log p_c``
    nodes for every class c of the same z): the result has one row per node."""
    stacked = _stacked(z)
    top = stacked.argmax(axis=0)  # the first largest, as the float rule's z.index(max(z))
    m = stacked.max(axis=0)
    finite = np.isfinite(m)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(stacked - np.where(finite, m, 0.0))
        e.reshape(len(z), -1)[top.ravel(), np.arange(top.size)] = 0.0  # its term is 1: log1p of the others
        if c is None:
            base = m
        elif isinstance(c, np.ndarray):  # node i: z_{c_i}, from its own row or the one row all nodes read
            base = m - _per_node(stacked, c)
        else:
            base = m - z[c]
        return np.where(finite, base + np.log1p(e.sum(axis=0)), base)


def softmax(c: int | np.ndarray | None, *z: Any) -> np.ndarray:
    """``p_j − [j = c]`` for each j (axis 0 of the result), from the shifted inputs (the float rule's formula);
    with one index per node (``c`` of shape (k, 1), as ``logsumexp``), shape (len(z), k, N)."""
    stacked = _stacked(z)
    e = np.exp(stacked - stacked.max(axis=0))
    total = e.sum(axis=0)
    p = e / total
    if c is None:
        return p
    if isinstance(c, np.ndarray):  # node i's row of p_{c_i}: −Σ_{j≠c_i} e_j / total, as below
        others = _per_node(e, c, 0.0).sum(axis=0)
        p = _per_node(p, c, 0.0)
        p[c[:, 0], np.arange(len(c))] = -others / total
        return p
    p[c] = -np.concatenate([e[:c], e[c + 1 :]]).sum(axis=0) / total  # p_c − 1 = −Σ_{j≠c} p_j: no cancellation
    return p


def _stacked(z: tuple[Any, ...]) -> np.ndarray:
    """The inputs as one array, axis 0 the input (broadcast to one shape first when their shapes differ)."""
    shape = getattr(z[0], "shape", ())
    if shape and all(type(x) is np.ndarray and x.shape == shape for x in z):
        return np.concatenate(z).reshape(len(z), *shape)  # as np.stack, in one call
    return np.stack(np.broadcast_arrays(*z))


def _per_node(x: np.ndarray, c: np.ndarray, put: float | None = None) -> np.ndarray:
    """Node i's entry c_i of ``x`` (axis 0: the input; axis 1: the node, or one row every node reads); with
    ``put``, a copy of ``x`` with one row per node and ``put`` at those entries instead."""
    shared = x.shape[1] == 1 and len(c) > 1
    if put is None:
        return x[c[:, 0], 0] if shared else x[c[:, 0], np.arange(len(c))]
    copy = np.repeat(x, len(c), axis=1) if shared else x.copy()
    copy[c[:, 0], np.arange(len(c))] = put
    return copy


PER_NODE_CONSTANT = frozenset({logsumexp})
"""Array forwards that take one constant per node (an int array of shape (k, 1)), as their ops' partials do
(``neg_log_softmax``'s ``arrays.softmax``): a replay groups such nodes whatever their constants."""


def step(a: Any) -> Any:
    return a > 0.0  # True/False multiply as 1/0: ReLU's derivative, cheaper than a float array


def sigmoid_of(a: Any) -> Any:
    return sigmoid(None, a)


def sech2(a: Any) -> Any:
    t = np.exp(-2.0 * np.abs(a))
    return 4.0 * t / ((1.0 + t) * (1.0 + t))
