"""Losses on Values, per sample, exactly as the notes write them.

The notes' total loss is a *sum* over samples (``Loss_W = Σ_i L_W(x^[i], y^[i])``),
so gradients add up over samples; ``reduce`` also offers the mean. Every loss
takes the network's output ``z^(m)`` (one Value or a list) and a target ``y``
and returns one Value, so ``loss.backward()`` gives ``δ^(m) = z^(m).grad``.
``get_loss`` maps the names the CLI and the δ check use to these functions.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Iterable, Sequence

import autograd
from autograd import Value
from autograd.notation import label
from autograd.value import constant
from nn.module import Module

REDUCTIONS = ("sum", "mean")

Outputs = Value | Sequence[Value]
Target = float | Sequence[float]


def _outputs(z: Outputs) -> list[Value]:
    return [z] if isinstance(z, Value) else list(z)


def _targets(y: Target, n: int, loss: str) -> list[float | Value]:
    """The target as a list of n numbers; Values stay Values (a target that is an input of a compiled graph)."""
    if type(y) is float and n == 1 and y - y == 0.0:  # one finite float: the common case, without the ABC checks
        return [y]
    ys = [y] if isinstance(y, numbers.Real | Value) else list(y)
    if len(ys) != n:
        raise ValueError(f"{loss}: target y has {len(ys)} entries but the model has {n} outputs")
    for k, yk in enumerate(ys):
        if isinstance(yk, bool) or not isinstance(yk, numbers.Real | Value):
            raise TypeError(f"{loss}: target y[{k}] is {type(yk).__name__} {yk!r}, expected a number")
        if not math.isfinite(_number(yk)):
            raise ValueError(f"{loss}: target y[{k}] is {yk}, expected a finite number")
    return [yk if isinstance(yk, Value) else float(yk) for yk in ys]


def _number(y: float | Value) -> float:
    return y.data if isinstance(y, Value) else y


def squared_error(z: Outputs, y: Target) -> Value:
    """``L = ‖z^(m) − y‖² = Σ_k (z_k − y_k)²`` (no ½: its δ^(m) is ``2(z − y)``)."""
    if type(y) is float and isinstance(z, Value) and y - y == 0.0:  # one output, a finite target: a step's hot path
        return autograd.sum(((z - _target(y, 0)) ** 2,))
    zs = _outputs(z)
    ys = _targets(y, len(zs), "squared_error")
    return autograd.sum((zk - _target(yk, k)) ** 2 for k, (zk, yk) in enumerate(zip(zs, ys, strict=True)))


def _target(yk: float | Value, k: int) -> Value:
    """Target k as a Value: a number becomes the constant ``y_k`` (graphs name it); a Value (an input of a
    compiled graph) stays itself."""
    return yk if isinstance(yk, Value) else constant(yk, _target_label(k))


@functools.cache
def _target_label(k: int) -> str:
    """``y_k`` (1-based) for target k (0-based): graphs show the target as a named constant."""
    return label("y", None, k + 1)


def half_squared_error(z: Outputs, y: Target) -> Value:
    """``L = ½‖a − y‖²`` (Nielsen's quadratic cost): its δ is ``a − y`` times the output's σ'."""
    zs = _outputs(z)
    ys = _targets(y, len(zs), "half_squared_error")
    return 0.5 * autograd.sum((zk - _target(yk, k)) ** 2 for k, (zk, yk) in enumerate(zip(zs, ys, strict=True)))


def cross_entropy(z: Sequence[Value], y: int | Sequence[float]) -> Value:
    """Softmax cross-entropy on logits: ``L = −Σ_k y_k log p_k`` with ``p = softmax(z)``.

    Each ``−log p_k`` is one ``neg_log_softmax`` node (``log Σ_j e^{z_j} − z_k``, shifted inside
    the op), so the loss is exact and finite wherever its value is (``[1e16, 1e16]`` gives ln 2)
    and its graph holds no constant that depends on the data. ``y`` is a class index or a
    one-hot vector (any probability vector works). Its δ^(m) is ``p − y``.
    """
    zs = _outputs(z)
    if isinstance(y, numbers.Integral) and not isinstance(y, bool):
        if not 0 <= y < len(zs):
            raise ValueError(f"cross_entropy: class index y={y} is out of range for {len(zs)} outputs")
        return autograd.neg_log_softmax(zs, int(y))
    ys = _targets(y, len(zs), "cross_entropy")
    if any(isinstance(yk, Value) for yk in ys):  # targets that vary (a compiled graph): every term, always
        return autograd.sum(autograd.neg_log_softmax(zs, k) * yk for k, yk in enumerate(ys))
    terms = [
        autograd.neg_log_softmax(zs, k) * yk if yk != 1.0 else autograd.neg_log_softmax(zs, k)
        for k, yk in enumerate(ys)
        if yk != 0.0
    ]
    if not terms:
        raise ValueError("cross_entropy: the target y is all zeros; give a class index or a probability vector")
    return terms[0] if len(terms) == 1 else autograd.sum(terms)


def softmax(z: Sequence[Value]) -> list[Value]:
    """``p_k = e^{z_k} / Σ_j e^{z_j}``, each as ``exp(−(−log p_k))``: exact, no shift constant."""
    zs = _outputs(z)
    return [(-autograd.neg_log_softmax(zs, k)).exp() for k in range(len(zs))]


def binary_cross_entropy(z: Outputs, y: Target) -> Value:
    """Binary cross-entropy on logits: ``Σ_k −y_k log s(z_k) − (1 − y_k) log(1 − s(z_k))``.

    Written as ``y·softplus(−z) + (1 − y)·softplus(z)`` with ``softplus(x) = log(1 + e^x)``
    one ``logsumexp([0, x])`` node: both terms are ≥ 0 (nothing cancels) and each is exact,
    so the loss is exact at ±1e308 and ``log(1 + e^−40)`` is 4.2e-18, not 0.
    A target that is a Value (an input of a compiled graph) always gets both terms: no branch on the data.
    ``y_k`` is a probability, usually 0 or 1. Its δ is ``s(z) − y``.
    """
    zs = _outputs(z)
    ys = _targets(y, len(zs), "binary_cross_entropy")
    for k, yk in enumerate(ys):
        if not 0.0 <= _number(yk) <= 1.0:
            raise ValueError(f"binary_cross_entropy: target y[{k}] = {yk} must lie in [0, 1] (use 0/1 labels)")
    terms = []
    for zk, yk in zip(zs, ys, strict=True):
        if isinstance(yk, Value):  # a target that varies (a compiled graph): both terms, always
            terms += [autograd.logsumexp([0.0, -zk]) * yk, autograd.logsumexp([0.0, zk]) * (1.0 - yk)]
            continue
        if yk != 0.0:  # −log s(z) = softplus(−z)
            term = autograd.logsumexp([0.0, -zk])
            terms.append(term if yk == 1.0 else yk * term)
        if yk != 1.0:  # −log(1 − s(z)) = softplus(z)
            term = autograd.logsumexp([0.0, zk])
            terms.append(term if yk == 0.0 else (1.0 - yk) * term)
    return autograd.sum(terms)


def hinge(z: Outputs, y: Target) -> Value:
    """Hinge loss ``Σ_k max(0, 1 − y_k z_k)`` with ``y_k`` = −1 or +1 (micrograd's demo loss)."""
    zs = _outputs(z)
    ys = _targets(y, len(zs), "hinge")
    for k, yk in enumerate(ys):
        if _number(yk) not in (-1.0, 1.0):
            raise ValueError(f"hinge: target y[{k}] = {yk} must be -1 or +1 (hinge needs ±1 labels, not 0/1)")
    return autograd.sum((1.0 - yk * zk).relu() for zk, yk in zip(zs, ys, strict=True))


def l2_penalty(parameters: Module | Iterable[Value], alpha: float = 1.0) -> Value:
    """``alpha · Σ_p p²`` over the parameters (weight decay written as a loss term).

    Σ p² is one ``dot`` node of the parameters with themselves, whose gradient is ``2p``
    (when Σ p² alone would overflow or underflow but ``alpha·Σp²`` need not, ``Σ (√alpha·p)²``).
    """
    ps = parameters.parameters() if isinstance(parameters, Module) else list(parameters)
    if not ps:
        raise ValueError("l2_penalty() got no parameters")
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or alpha < 0:
        raise ValueError(f"l2_penalty: alpha must be a number ≥ 0, got {alpha!r}")
    alpha = float(alpha)
    try:
        total = autograd.dot(ps, ps)
        if total.data >= 1e-290 or alpha <= 1.0:  # no square was lost to underflow that α could bring back
            return total * alpha
    except OverflowError:
        pass
    # Σp² overflows or underflows where α·Σp² need not: Σ (√α·p)² does so only when the answer does.
    q = [p * math.sqrt(alpha) for p in ps]
    return autograd.dot(q, q)


def reduce(losses: Sequence[Value], reduction: str = "sum") -> Value:
    """Combine per-sample losses: ``"sum"`` as in the notes, or ``"mean"``."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}: choose 'sum' (the notes') or 'mean'")
    if not losses:
        raise ValueError("reduce() got no losses: pass at least one sample")
    if reduction == "sum":
        return autograd.sum(losses)
    try:
        return autograd.sum(losses) / len(losses)
    except OverflowError:  # the sum overflows, the mean may not: (Σ L_i·2^−k) / n · 2^k, 2^k ≥ n (exact scaling)
        scale = math.ldexp(1.0, len(losses).bit_length())
        return autograd.sum(loss * (1.0 / scale) for loss in losses) / len(losses) * scale


LossFunction = Callable[[Outputs, Target], Value]

LOSSES: dict[str, LossFunction] = {
    "squared-error": squared_error,
    "cross-entropy": cross_entropy,
    "binary-cross-entropy": binary_cross_entropy,
    "hinge": hinge,
    "half-squared-error": half_squared_error,
}
"""Every loss by the name the CLI and the δ check use."""


def loss_name(name: str) -> str:
    """The canonical name of a loss (``"squared_error"`` → ``"squared-error"``), or a clear ValueError."""
    key = name.strip().lower().replace("_", "-") if isinstance(name, str) else None
    if key not in LOSSES:
        raise ValueError(f"unknown loss {name!r}: choose one of {', '.join(LOSSES)}")
    return key


def get_loss(name: str) -> LossFunction:
    """The loss function called ``name`` (``"squared-error"``, ``"cross-entropy"``, ``"hinge"``…)."""
    return LOSSES[loss_name(name)]


def target_for(loss: str, label: int, n_outputs: int) -> int | float | list[float]:
    """The target a named loss expects for class ``label`` of a classifier with ``n_outputs`` outputs.

    One output is a binary classifier that predicts class 1 when ``z > 0``: squared error and
    hinge then want ``±1``, binary cross-entropy ``0/1``. With k outputs (one per class, the
    prediction is the argmax) cross-entropy wants the class index; squared error and binary
    cross-entropy a one-hot vector; hinge ``±1`` one-vs-rest.
    """
    name = loss_name(loss)
    if isinstance(label, bool) or not isinstance(label, numbers.Integral):
        raise TypeError(f"label must be an int class index, got {type(label).__name__} {label!r}")
    n_classes = 2 if n_outputs == 1 else n_outputs
    if not 0 <= label < n_classes:
        raise ValueError(f"label {label} is out of range for a model with {n_outputs} output(s) ({n_classes} classes)")
    if name == "cross-entropy":
        if n_outputs < 2:
            raise ValueError("cross-entropy needs one output per class (at least 2); use binary-cross-entropy")
        return int(label)
    if n_outputs == 1:
        return float(label) if name == "binary-cross-entropy" else 2.0 * label - 1.0
    off = -1.0 if name == "hinge" else 0.0
    return [1.0 if k == label else off for k in range(n_outputs)]


__all__ = [
    "LOSSES",
    "REDUCTIONS",
    "binary_cross_entropy",
    "cross_entropy",
    "get_loss",
    "half_squared_error",
    "hinge",
    "l2_penalty",
    "loss_name",
    "reduce",
    "softmax",
    "squared_error",
    "target_for",
]
