"""A whole derivation replayed on the batch, right and with the usual mistakes planted one at a time.

Rows are samples and matrices are the notes' (``W^(l)`` is ``n_{l-1} × n_l``), so one line does the
whole batch: ``Z^(l) = A^(l-1) W^(l) + b^(l)``, ``Δ^(l-1) = σ'(Z^(l-1)) ⊙ Δ^(l) (W^(l))ᵀ``,
``∂/∂W^(l) = (A^(l-1))ᵀ Δ^(l) + 2·l2·W^(l)``, ``∂/∂b^(l) = Σ_rows Δ^(l)``. Each ``*_variants`` function
lists what one line gives when written wrong, as ``(words, array)`` pairs: the diagnosis of a
hand-written backprop (``nn.deltacheck.whole``) looks for the one that reproduces the user's numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nn.deltacheck import equations
from nn.deltacheck.layouts import Layout
from nn.deltacheck.objective import Objective

Array = np.ndarray
Variants = list[tuple[str, Array]]


@dataclass(frozen=True)
class Replay:
    """The forward pass of the batch and what the checked objective needs to go backwards."""

    W: list[Array | None]
    b: list[Array | None]
    Z: list[Array | None]
    A: list[Array]
    Y: Array
    objective: Objective
    hidden: str  # the hidden layers' activation
    layout: Layout

    @property
    def m(self) -> int:
        return len(self.W) - 1

    @property
    def N(self) -> int:
        return len(self.Y)

    def sigma(self, l: int) -> tuple[Callable[[Array], Array], Callable[[Array], Array]]:
        """σ and σ' of layer ``l``."""
        return equations.ACTIVATIONS[self.objective.output if l == self.m else self.hidden]


def replay(W: list, b: list, X: Array, Y: Array, objective: Objective, hidden: str, layout: Layout) -> Replay:
    Z: list[Array | None] = [None]
    A: list[Array] = [np.asarray(X, dtype=np.float64)]
    m = len(W) - 1
    for l in range(1, m + 1):
        Z.append(A[-1] @ W[l] + (b[l] if b[l] is not None else 0.0))
        A.append(equations.ACTIVATIONS[objective.output if l == m else hidden][0](Z[-1]))
    return Replay(list(W), list(b), Z, A, np.asarray(Y, dtype=np.float64), objective, hidden, layout)


# --- the right lines -----------------------------------------------------------
def _softmax(Z: Array) -> Array:
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def output_delta(r: Replay) -> Array:
    """Δ^(m) = ∂objective/∂Z^(m), one row per sample (the 1/N of a mean included)."""
    m, loss, scale = r.m, r.objective.loss, r.objective.scale(r.N)
    Z, A, Y = r.Z[m], r.A[m], r.Y
    if loss == "cross-entropy":
        return scale * (_softmax(Z) - Y)
    if loss == "binary-cross-entropy":
        return scale * (equations.sigmoid(Z) - Y)
    factor = 1.0 if loss == "half-squared-error" else 2.0
    return scale * factor * (A - Y) * r.sigma(m)[1](Z)


def recursion(r: Replay, l: int, D_above: Array) -> Array:
    """Δ^(l) = σ'(Z^(l)) ⊙ Δ^(l+1) (W^(l+1))ᵀ."""
    return r.sigma(l)[1](r.Z[l]) * (D_above @ r.W[l + 1].T)


def weight_gradient(r: Replay, l: int, D: Array) -> Array:
    return r.A[l - 1].T @ D + 2.0 * r.objective.l2 * r.W[l]


def bias_gradient(D: Array) -> Array:
    return D.sum(axis=0)


# --- the same lines, written wrong ------------------------------------------------
def output_variants(r: Replay) -> Variants:
    m, loss, scale, out = r.m, r.objective.loss, r.objective.scale(r.N), r.objective.output
    Z, A, Y = r.Z[m], r.A[m], r.Y
    P, S = _softmax(Z), equations.sigmoid(Z)
    if loss == "cross-entropy":
        return [
            ("it is p without − y: the softmax δ is p − y (CS231n's dscores[range(N), y] -= 1, or p - y, is missing)",
             scale * P),
            ("it is (p − y)/p: divided by the softmax p", scale * (P - Y) / P),
            ("it is 2(z − y), the squared-error δ, used for cross-entropy", scale * 2.0 * (Z - Y)),
            ("it is z − y: the softmax is missing (p = e^z / Σ e^z, not z)", scale * (Z - Y)),
        ]  # fmt: skip
    if loss == "binary-cross-entropy":
        return [
            ("it is σ(z) without − y: the δ of sigmoid cross-entropy is σ(z^(m)) − y", scale * S),
            ("it is (a − y) ⊙ σ'(z^(m)), the quadratic cost's δ: with cross-entropy the σ' cancels, δ^(m) = a − y",
             scale * (S - Y) * equations.sigmoid_prime(Z)),
        ]  # fmt: skip
    c = 1.0 if loss == "half-squared-error" else 2.0
    written = "(a − y)" if c == 1.0 else "2(a − y)"
    variants: Variants = []
    if out != "linear":
        variants.append(
            (f"σ'(z^(m)) is missing at the output: the output layer has σ = {out}, so δ^(m) = {written} ⊙ σ'(z^(m))",
             scale * c * (A - Y))
        )  # fmt: skip
    else:
        for name in dict.fromkeys((r.hidden, "sigmoid")):
            if name != "linear":
                variants.append(
                    (f"σ' ({name}') is applied at the output, but the output layer is linear (a^(m) = z^(m)): "
                     f"δ^(m) = {written}, with no σ'", scale * c * (A - Y) * equations.ACTIVATIONS[name][1](Z))
                )  # fmt: skip
    if Y.shape[1] > 1:
        variants.append(("it is p − y, the softmax cross-entropy δ, used for a squared error", scale * (P - Y)))
    return variants


def recursion_variants(r: Replay, l: int, D_above: Array) -> Variants:
    sigma, sigma_prime = r.sigma(l)
    V, Wn = D_above @ r.W[l + 1].T, r.W[l + 1]
    variants: Variants = []
    if Wn.shape[0] == Wn.shape[1]:
        variants.append((transposed_recursion_words(r.layout, l), sigma_prime(r.Z[l]) * (D_above @ Wn)))
    variants.append((f"σ'(z^({l})) ⊙ is missing", V))
    if r.hidden != "linear":
        variants += [
            (f"σ' is evaluated at a^({l}) = σ(z^({l})) instead of at z^({l})", sigma_prime(r.A[l]) * V),
            (f"σ(z^({l})) is used where σ'(z^({l})) belongs", sigma(r.Z[l]) * V),
        ]
    for k in range(1, r.m + 1):
        if k != l and r.Z[k].shape == r.Z[l].shape:
            variants.append(
                (f"σ' is taken at the wrong layer: σ'(z^({k})) where δ^({l}) needs σ'(z^({l})) (slipped indices)",
                 r.sigma(k)[1](r.Z[k]) * V)
            )  # fmt: skip
    return variants


def transposed_recursion_words(layout: Layout, l: int) -> str:
    if layout.name == "nielsen":
        how = (
            f"it multiplies by w^{l + 2} where the layout needs its transpose: "
            f"δ^{l + 1} = ((w^{l + 2})ᵀ δ^{l + 2}) ⊙ σ'(z) — np.dot(self.weights[-l+1].transpose(), delta)"
        )
    elif layout.name == "batch":
        how = f"it is dscores.dot(W{l + 1}) where the layout needs dscores.dot(W{l + 1}.T)"
    else:
        how = (f"it is (W^({l + 1}))ᵀδ^({l + 1}) where the notes' layout (W^({l + 1}) is n_{l} × n_{l + 1}) needs "
               f"W^({l + 1})δ^({l + 1}) — Nielsen's Wᵀδ, written for his n_l × n_(l−1) matrices")  # fmt: skip
    return f"it uses the transposed weights: {how} (the layer is square, so only the values show it)"


def weight_variants(r: Replay, l: int, D: Array) -> Variants:
    G, R, l2 = r.A[l - 1].T @ D, 2.0 * r.objective.l2 * r.W[l], r.objective.l2
    sigma = r.sigma(l - 1)[0] if l > 1 else r.sigma(1)[0]
    variants: Variants = []
    if l2:
        variants += [
            ("the L2 term's gradient 2·l2·W is missing", G),
            ("the L2 term's gradient is l2·W; the derivative of l2·ΣW² is 2·l2·W", G + 0.5 * R),
        ]
        if r.objective.reduction == "mean" and r.N > 1:
            variants.append(("the L2 term's gradient is divided by N too; only the data loss is a mean", G + R / r.N))
    if l == 1 and r.hidden != "linear":
        variants.append(("it applies σ to the input: a^(0) = x has no activation", sigma(r.A[0]).T @ D + R))
    elif l > 1 and r.hidden != "linear":
        variants.append((f"it uses z^({l - 1}) for a^({l - 1}) = σ(z^({l - 1})): σ is missing", r.Z[l - 1].T @ D + R))
    variants.append(
        ("every column holds the sum over k: the sum was not collapsed to the single term a_i δ_k",
         np.repeat(G.sum(axis=1, keepdims=True), G.shape[1], axis=1) + R)
    )  # fmt: skip
    return variants


def bias_variants(r: Replay, l: int, D: Array) -> Variants:
    variants: Variants = []
    if r.objective.l2:
        variants.append(
            (
                "it has the L2 term 2·l2·b, but the penalty is on the weights only",
                D.sum(0) + 2 * r.objective.l2 * r.b[l],
            )
        )
    return variants
