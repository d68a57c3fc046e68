"""The notes' δ equations in matrix form, one short numpy function per line of the notes.

This is the *hand* side of a δ-check: what a person computes with pencil and
paper, written so each function reads like the line of the notes it encodes.
Everything is per sample and float64; ``W[l]`` is the notes' ``W^(l)``
(``n_{l-1} × n_l``), ``z[l]`` and ``a[l]`` are ``z^(l)`` and ``a^(l)``
(``a[0] = x``, ``z[0]`` is None: the input has no pre-activation), and the
output layer ``m`` is linear, as in the notes (``forward(..., output="sigmoid")`` gives it
Nielsen's σ). The notes' loss is a *sum* over samples, so ``gradients`` adds the
per-sample ``∂L/∂W^(l)`` up; the output deltas take ``N`` and ``reduction`` for a mean.

The rules of ``nn.deltacheck.rules`` take these same arguments, so a user's own formula
(or one of the notes' errata) replaces exactly one of these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


# --- σ and σ' ---------------------------------------------------------------
def relu(z: Array) -> Array:
    """σ(x) = x if x > 0, 0 otherwise."""
    return np.where(z > 0.0, z, 0.0)


def relu_prime(z: Array) -> Array:
    """σ'(x) = 1 if x > 0, else 0 (at exactly 0 the notes' and the engine's convention: 0)."""
    return (z > 0.0).astype(np.float64)


def sigmoid(z: Array) -> Array:
    """σ(x) = 1 / (1 + e^(−x))."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # the same function as 1/(1+e^-z), without overflow


def sigmoid_prime(z: Array) -> Array:
    """σ'(x) = σ(x)(1 − σ(x))."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh_prime(z: Array) -> Array:
    """tanh'(x) = 1 − tanh²(x)."""
    return 1.0 - np.tanh(z) ** 2


def identity(z: Array) -> Array:
    """σ of a linear layer: a = z."""
    return z


ACTIVATIONS: dict[str, tuple[Callable[[Array], Array], Callable[[Array], Array]]] = {
    "relu": (relu, relu_prime),
    "tanh": (np.tanh, tanh_prime),
    "sigmoid": (sigmoid, sigmoid_prime),
    "linear": (identity, np.ones_like),
}
"""σ and σ' for each activation an ``nn.MLP`` can have."""


# --- the forward pass ---------------------------------------------------------
@dataclass(frozen=True)
class Pass:
    """One sample's forward pass, indexed by layer as in the notes (index 0 is the input).

    ``sigma_prime`` is the σ' in use: the network's own, or a rule set's replacement;
    ``output_sigma`` and ``output_sigma_prime`` are the output layer's (identity and 1 when linear).
    """

    W: list[Array | None]
    b: list[Array | None]
    z: list[Array | None]
    a: list[Array]
    sigma: Callable[[Array], Array]
    sigma_prime: Callable[[Array], Array]
    output_sigma: Callable[[Array], Array] = identity
    output_sigma_prime: Callable[[Array], Array] = np.ones_like

    @property
    def m(self) -> int:
        """The output layer's index."""
        return len(self.W) - 1


def network_weights(model) -> tuple[list[Array | None], list[Array | None]]:  # model: nn.MLP
    """``W^(1)…W^(m)`` and ``b^(1)…b^(m)`` of an ``nn.MLP`` (index 0 is None; b is None without biases)."""
    m = len(model.sizes) - 1
    W = [None] + [model.weight_matrix(l) for l in range(1, m + 1)]
    b = [None] + [model.bias_vector(l) for l in range(1, m + 1)]
    return W, b


def forward(
    W: Sequence[Array | None],
    b: Sequence[Array | None],
    x: Array,
    sigma: Callable[[Array], Array] = relu,
    sigma_prime: Callable[[Array], Array] = relu_prime,
    output: str = "linear",
) -> Pass:
    """``z^(l) = (W^(l))ᵀ a^(l-1) (+ b^(l))``, ``a^(l) = σ(z^(l))``; the output layer's σ is ``output``."""
    output_sigma, output_sigma_prime = ACTIVATIONS[output]
    m = len(W) - 1
    z: list[Array | None] = [None]
    a: list[Array] = [np.asarray(x, dtype=np.float64)]
    for l in range(1, m + 1):
        zl = W[l].T @ a[l - 1] + (b[l] if b[l] is not None else 0.0)
        z.append(zl)
        a.append(output_sigma(zl) if l == m else sigma(zl))
    return Pass(list(W), list(b), z, a, sigma, sigma_prime, output_sigma, output_sigma_prime)


# --- the output layer ---------------------------------------------------------
def _per_sample(N: int, reduction: str) -> float:
    """What one sample's loss is divided by: N for a mean, 1 for the notes' sum."""
    return float(N) if reduction == "mean" else 1.0


def _row(y: Array | int, n: int) -> Array:
    """A target as a float row: a class index (``targets="index"``) becomes one-hot."""
    if isinstance(y, int | np.integer):
        return np.eye(n)[int(y)]
    return np.asarray(y, dtype=np.float64)


def output_delta_squared_error(
    z: Array,
    y: Array,
    *,
    N: int = 1,
    reduction: str = "sum",
    a: Array | None = None,
    sigma_prime=None,
) -> Array:
    """δ^(m) = 2(a^(m) − y) ⊙ σ'(z^(m)), the δ of ‖a^(m) − y‖² (the notes' linear output: 2(z − y)); /N for a mean."""
    a = z if a is None else a
    slope = 1.0 if sigma_prime is None else sigma_prime(z)
    return 2.0 * (a - _row(y, len(z))) * slope / _per_sample(N, reduction)


def output_delta_half_squared_error(
    z: Array,
    y: Array,
    *,
    N: int = 1,
    reduction: str = "sum",
    a: Array | None = None,
    sigma_prime=None,
) -> Array:
    """δ^(m) = (a^(m) − y) ⊙ σ'(z^(m)), the δ of ½‖a^(m) − y‖² (Nielsen's); /N for a mean."""
    a = z if a is None else a
    slope = 1.0 if sigma_prime is None else sigma_prime(z)
    return (a - _row(y, len(z))) * slope / _per_sample(N, reduction)


def output_delta_binary_cross_entropy(z: Array, y: Array, *, N: int = 1, reduction: str = "sum") -> Array:
    """δ^(m) = σ(z^(m)) − y for sigmoid binary cross-entropy (its σ' cancels); /N for a mean."""
    return (sigmoid(z) - _row(y, len(z))) / _per_sample(N, reduction)


def softmax(z: Array) -> Array:
    """p_k = e^{z_k} / Σ_j e^{z_j} (shifted by max z, which cancels)."""
    e = np.exp(z - np.max(z))
    return e / e.sum()


def output_delta_cross_entropy(z: Array, y: Array, *, N: int = 1, reduction: str = "sum") -> Array:
    """δ^(m) = p − y for softmax cross-entropy with a one-hot y (or a class index); /N for a mean."""
    return (softmax(z) - _row(y, len(z))) / _per_sample(N, reduction)


# --- backward: δ layer by layer, then the gradients ----------------------------
def backward_delta(p: Pass, l: int, delta: Array) -> Array:
    """δ^(l-1) = σ'(z^(l-1)) ⊙ W^(l) δ^(l)."""
    return p.sigma_prime(p.z[l - 1]) * (p.W[l] @ delta)


def weight_gradient(p: Pass, l: int, delta: Array) -> Array:
    """∂L/∂W^(l) = a^(l-1) (δ^(l))ᵀ, an n_{l-1} × n_l matrix (one sample)."""
    return np.outer(p.a[l - 1], delta)


def bias_gradient(p: Pass, l: int, delta: Array) -> Array:
    """∂L/∂b^(l) = δ^(l) (one sample)."""
    return delta


def deltas(
    p: Pass,
    y: Array,
    output_delta: Callable[[Array, Array], Array] = output_delta_squared_error,
    backward: Callable[[Pass, int, Array], Array] = backward_delta,
) -> list[Array | None]:
    """``[None, δ^(1), …, δ^(m)]`` for one sample: the output delta, then the recursion down."""
    d: list[Array | None] = [None] * (p.m + 1)
    d[p.m] = output_delta(p.z[p.m], y)
    for l in range(p.m, 1, -1):
        d[l - 1] = backward(p, l, d[l])
    return d


def gradients(
    W: Sequence[Array | None],
    b: Sequence[Array | None],
    X: Array,
    Y: Array,
    output_delta: Callable[[Array, Array], Array] = output_delta_squared_error,
    sigma: Callable[[Array], Array] = relu,
    sigma_prime: Callable[[Array], Array] = relu_prime,
) -> list[Array | None]:
    """``∂L/∂W^(l)`` for l = 1..m, summed over the samples (rows of X and Y): the notes' Σ_i."""
    total: list[Array | None] = [None] + [np.zeros_like(Wl) for Wl in W[1:]]
    for x, y in zip(X, Y, strict=True):
        p = forward(W, b, x, sigma, sigma_prime)
        d = deltas(p, y, output_delta)
        for l in range(1, p.m + 1):
            total[l] += weight_gradient(p, l, d[l])
    return total
