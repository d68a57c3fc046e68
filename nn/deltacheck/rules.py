"""Replaceable δ rules: the correct equations, the notes' errata, and the user's own formulas.

A ``Rules`` holds one callable per line of the derivation (the output delta for
each loss, the backward recursion, the weight and bias gradients, σ'). Each
takes the same arguments as its counterpart in ``nn.deltacheck.equations``, so replacing one
line of the derivation is one keyword::

    mine = CORRECT.replace(output_delta_squared_error=lambda z, y: z - y)

A rule may also ask for ``N``, ``reduction``, ``a`` or ``sigma_prime`` by naming them as
parameters (``nn.deltacheck.calls``): ``lambda z, y, N: (softmax(z) - y) / N`` is the δ of a mean.
Targets reach an output rule as the check was given them: one-hot rows, or class indices
with ``targets="index"``.

Every erratum listed in ``delta-equations.md`` is turned into the (wrong) rule
the notes compute *as written*, so each can be switched on alone
(``RULE_SETS["missing-factor-2"]``) or all at once (``"notes-as-written"``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nn.deltacheck import equations
from nn.deltacheck.equations import Array, Pass

OutputRule = Callable[..., Array]
"""``(z^(m), y) -> δ^(m)`` for one sample (plus any extras it names: ``N``, ``reduction``, ``a``, ``sigma_prime``)."""
LayerRule = Callable[[Pass, int, Array], Array]
"""``(forward pass, l, δ^(l)) -> δ^(l-1)``, ``∂L/∂W^(l)`` or ``∂L/∂b^(l)`` for one sample."""


@dataclass(frozen=True)
class Rules:
    """One formula per line of the derivation; ``sigma_prime=None`` means the network's own σ'."""

    name: str = "custom"
    output_delta_squared_error: OutputRule = equations.output_delta_squared_error
    output_delta_cross_entropy: OutputRule = equations.output_delta_cross_entropy
    output_delta_half_squared_error: OutputRule = equations.output_delta_half_squared_error
    output_delta_binary_cross_entropy: OutputRule = equations.output_delta_binary_cross_entropy
    backward_delta: LayerRule = equations.backward_delta
    weight_gradient: LayerRule = equations.weight_gradient
    bias_gradient: LayerRule = equations.bias_gradient
    sigma_prime: Callable[[Array], Array] | None = None
    description: str = "the user's own rules"

    def output_delta(self, loss: str) -> OutputRule:
        """The output-delta rule for a loss of ``nn.deltacheck.objective.OBJECTIVE_LOSSES``."""
        return getattr(self, "output_delta_" + loss.replace("-", "_"))

    def replace(self, **changes: object) -> Rules:
        """A copy with some rules replaced (named ``"custom"`` unless a name is given)."""
        changes.setdefault("name", "custom")
        changes.setdefault("description", f"{self.name} with {', '.join(sorted(changes.keys() - {'name'}))} replaced")
        return dataclasses.replace(self, **changes)


# --- the errata, as the notes write them ----------------------------------------
def output_delta_missing_factor_2(z: Array, y: Array) -> Array:
    """δ^(m) = z^(m) − y: the notes derive 2(z_k − y_k), then drop the 2 (the δ of ½‖z − y‖²)."""
    return z - y


def output_delta_garbled_cross_entropy(z: Array, y: Array) -> Array:
    """δ^(m) = (p − y) / (e^{z_i} / Σ_j e^{z_j}): the definition of p, written under the line, read as a divisor."""
    p = equations.softmax(z)
    return (p - y) / p


def backward_delta_slipped_indices(p: Pass, l: int, delta_l: Array) -> Array:
    """δ^(j-1) = σ'(z^(i-1)) W^(i) δ^(j) with the slipped index read as i − 1 = j: σ' of the wrong layer, z^(l)."""
    return p.sigma_prime(p.z[l]) * (p.W[l] @ delta_l)


def _a_as_written(p: Pass, l: int) -> Array:
    # The notes write σ(z_i^(j-1)) for a_i^(j-1); at the first layer that reads σ(z^(0)), i.e. σ(x).
    return p.sigma(p.z[l - 1]) if l > 1 else p.sigma(p.a[0])


def weight_gradient_first_layer_activation(p: Pass, l: int, delta_l: Array) -> Array:
    """∂L/∂W^(l) = σ(z^(l-1)) (δ^(l))ᵀ: right for hidden layers, but gives the input x an activation σ(x)."""
    return np.outer(_a_as_written(p, l), delta_l)


def weight_gradient_uncollapsed_sum(p: Pass, l: int, delta_l: Array) -> Array:
    """∂L/∂w_ik^(l) = Σ_k δ_k^(l) a_i^(l-1): the sum over k kept, though only the term t = k is non-zero."""
    return np.outer(p.a[l - 1], np.full_like(delta_l, delta_l.sum()))


def weight_gradient_transposed(p: Pass, l: int, delta_l: Array) -> Array:
    """∂L/∂W^(l) = δ^(l) (a^(l-1))ᵀ: an n_l × n_{l-1} matrix, the transpose of the gradient."""
    return np.outer(delta_l, p.a[l - 1])


def weight_gradient_as_written(p: Pass, l: int, delta_l: Array) -> Array:
    """The notes' last lines together: Σ_k δ_k^(j) σ(z_i^(j-1)), assembled as the n_j × n_{j-1} matrix δ aᵀ."""
    return np.outer(np.full_like(delta_l, delta_l.sum()), _a_as_written(p, l))


@dataclass(frozen=True)
class Erratum:
    """One place where the notes, as written, disagree with the mathematics (``delta-equations.md``)."""

    number: int
    name: str
    written: str
    correct: str
    changes: dict[str, Callable]


ERRATA: tuple[Erratum, ...] = (
    Erratum(
        1,
        "missing-factor-2",
        "δ^(m) = z^(m) − y",
        "δ^(m) = 2(z^(m) − y)",
        {"output_delta_squared_error": output_delta_missing_factor_2},
    ),
    Erratum(
        2,
        "garbled-cross-entropy",
        "δ^(m) = (p − y) / (e^{z_i} / Σ_j e^{z_j})",
        "δ^(m) = p − y",
        {"output_delta_cross_entropy": output_delta_garbled_cross_entropy},
    ),
    Erratum(
        3,
        "slipped-indices",
        "δ^(j-1) = σ'(z^(i-1)) W^(i) δ^(j)",
        "δ^(j-1) = σ'(z^(j-1)) ⊙ W^(j) δ^(j)",
        {"backward_delta": backward_delta_slipped_indices},
    ),
    Erratum(
        4,
        "first-layer-activation",
        "a_i^(j) = σ(z_i^(j-1)), so a^(0) = σ(x)",
        "a^(0) = x: the input has no activation",
        {"weight_gradient": weight_gradient_first_layer_activation},
    ),
    Erratum(
        5,
        "uncollapsed-sum",
        "∂L/∂w_it^(j-1) = Σ_k δ_k^(j) σ(z_i^(j-1))",
        "∂L/∂w_ik^(j) = a_i^(j-1) δ_k^(j)",
        {"weight_gradient": weight_gradient_uncollapsed_sum},
    ),
    Erratum(
        6,
        "transposed-outer-product",
        "∂L/∂W^(j) = δ^(j) (a^(j-1))ᵀ (n_j × n_{j-1})",
        "∂L/∂W^(j) = a^(j-1) (δ^(j))ᵀ (n_{j-1} × n_j)",
        {"weight_gradient": weight_gradient_transposed},
    ),
)
"""The six errata of ``delta-equations.md``, in its order."""

CORRECT = Rules("correct", description="the clean reading of the notes, as in delta-equations.md")


def _erratum_rules(e: Erratum) -> Rules:
    return dataclasses.replace(CORRECT, name=e.name, description=f"erratum {e.number} alone: {e.written}", **e.changes)


NOTES_AS_WRITTEN = dataclasses.replace(
    CORRECT,
    name="notes-as-written",
    description="every erratum at once: the notes exactly as written",
    output_delta_squared_error=output_delta_missing_factor_2,
    output_delta_cross_entropy=output_delta_garbled_cross_entropy,
    backward_delta=backward_delta_slipped_indices,
    weight_gradient=weight_gradient_as_written,
)

RULE_SETS: dict[str, Rules] = {
    "correct": CORRECT,
    "notes-as-written": NOTES_AS_WRITTEN,
    **{e.name: _erratum_rules(e) for e in ERRATA},
}
"""Every ready rule set by name: ``correct``, ``notes-as-written`` and one per erratum."""


def rules_named(name: str) -> Rules:
    """The ready rule set called ``name``; the error lists the names there are."""
    try:
        return RULE_SETS[name]
    except KeyError:
        raise KeyError(f"no rule set {name!r}: choose one of {', '.join(RULE_SETS)}") from None
