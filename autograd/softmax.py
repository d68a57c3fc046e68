"""Log-sum-exp and −log softmax, each one node of the graph (ops ``logsumexp``, ``neg_log_softmax``).

Both are exact and finite wherever their value is: no shift by ``max(z)`` is recorded
as a constant in the graph (the shift lives inside the op), so a softmax cross-entropy
graph has the same structure for every input and can be replayed on a batch.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

from autograd import ops
from autograd.value import Scalar, Value, apply


def _logits(z: Iterable[Scalar], name: str) -> tuple[Scalar, ...]:
    z = tuple(z)
    if not z:
        raise ValueError(f"{name}() of no values: pass at least one Value or number")
    return z


def logsumexp(z: Iterable[Scalar]) -> Value:
    """``log Σ_j e^{z_j}`` as one node; its partials are ``softmax(z)``."""
    return apply(ops.LOGSUMEXP, *_logits(z, "logsumexp"))


def neg_log_softmax(z: Iterable[Scalar], k: int) -> Value:
    """``−log softmax(z)_k = log Σ_j e^{z_j} − z_k`` as one node: the cross-entropy of logits z
    for class k. Its partials are ``softmax(z) − e_k`` (the notes' ``δ^(m) = p − y``)."""
    z = _logits(z, "neg_log_softmax")
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 0 <= k < len(z):
        raise ValueError(f"neg_log_softmax: class index k={k!r} must be an int in 0..{len(z) - 1}")
    return apply(ops.NEG_LOG_SOFTMAX, *z, arg=int(k))
