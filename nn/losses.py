"""Losses on Values, per sample, exactly as the notes write them.

The notes' total loss is a *sum* over samples (``Loss_W = Σ_i L_W(x^[i], y^[i])``),
so gradients add up over samples; ``reduce`` also offers the mean.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import autograd
from autograd import Value

REDUCTIONS = ("sum", "mean")


def _outputs(z: Value | Sequence[Value]) -> list[Value]:
    return [z] if isinstance(z, Value) else list(z)


def _targets(y: float | Sequence[float], n: int, loss: str) -> list[float]:
    ys = [y] if isinstance(y, numbers.Real) else list(y)
    if len(ys) != n:
        raise ValueError(f"{loss}: target y has {len(ys)} entries but the model has {n} outputs")
    for k, yk in enumerate(ys):
        if isinstance(yk, bool) or not isinstance(yk, numbers.Real):
            raise TypeError(f"{loss}: target y[{k}] is {type(yk).__name__} {yk!r}, expected a number")
    return [float(yk) for yk in ys]


def squared_error(z: Value | Sequence[Value], y: float | Sequence[float]) -> Value:
    """``L = ‖z^(m) − y‖² = Σ_k (z_k − y_k)²`` (no ½: its δ^(m) is ``2(z − y)``)."""
    zs = _outputs(z)
    ys = _targets(y, len(zs), "squared_error")
    return autograd.sum((zk - yk) ** 2 for zk, yk in zip(zs, ys, strict=True))


def cross_entropy(z: Sequence[Value], y: int | Sequence[float]) -> Value:
    """Softmax cross-entropy on logits: ``L = −Σ_k y_k log p_k`` with ``p = softmax(z)``.

    Computed as ``log Σ_j e^{z_j} − Σ_k y_k z_k`` with the log-sum-exp shift, so it is
    exact and finite for logits of ±10,000. ``y`` is a class index or a one-hot vector
    (any probability vector works).
    """
    zs = _outputs(z)
    if isinstance(y, numbers.Integral) and not isinstance(y, bool):
        if not 0 <= y < len(zs):
            raise ValueError(f"cross_entropy: class index y={y} is out of range for {len(zs)} outputs")
        ys = [1.0 if k == y else 0.0 for k in range(len(zs))]
    else:
        ys = _targets(y, len(zs), "cross_entropy")
    shift = max(zk.data for zk in zs)  # a constant: the shift cancels in value and gradient
    log_sum_exp = autograd.sum((zk - shift).exp() for zk in zs).log() + shift
    return autograd.sum(yk * (log_sum_exp - zk) for zk, yk in zip(zs, ys, strict=True) if yk != 0.0)


def softmax(z: Sequence[Value]) -> list[Value]:
    """``p_k = e^{z_k} / Σ_j e^{z_j}``, stable (shifted by max z)."""
    shift = max(zk.data for zk in z)
    e = [(zk - shift).exp() for zk in z]
    total = autograd.sum(e)
    return [ek / total for ek in e]


def reduce(losses: Sequence[Value], reduction: str = "sum") -> Value:
    """Combine per-sample losses: ``"sum"`` as in the notes, or ``"mean"``."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}: choose 'sum' (the notes') or 'mean'")
    if not losses:
        raise ValueError("reduce() got no losses: pass at least one sample")
    total = autograd.sum(losses)
    return total if reduction == "sum" else total / len(losses)


__all__ = ["REDUCTIONS", "cross_entropy", "reduce", "softmax", "squared_error"]
