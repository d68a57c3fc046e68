"""The loss a derivation is checked against: a per-sample loss, a reduction over the batch, an L2 term.

``Objective(loss, reduction, l2)`` is ``reduction_i L(output_i, y_i) + l2 · Σ_l ΣW^(l)²`` (weights only,
as CS231n and Nielsen regularise). The losses read the network's output the way their authors do:

- ``"half-squared-error"``: ``½‖a^(m) − y‖²`` (Nielsen), on the output activation ``a^(m)``;
- ``"squared-error"``: ``‖a^(m) − y‖²`` (the notes; ``a^(m) = z^(m)`` when the output is linear);
- ``"cross-entropy"``: softmax cross-entropy on the logits ``z^(m)`` (the output must be linear);
- ``"binary-cross-entropy"``: sigmoid binary cross-entropy of ``z^(m)`` — on a linear output ``z`` is the
  logit, on a sigmoid output ``a = σ(z)`` is the probability: the same loss.

Both oracles (autograd, finite differences) evaluate exactly this, on the model's own Values.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import autograd
from autograd import Value
from autograd.notation import label
from nn import losses

OBJECTIVE_LOSSES: dict[str, str] = {
    "half-squared-error": "½‖a − y‖²",
    "squared-error": "‖a − y‖²",
    "cross-entropy": "softmax cross-entropy",
    "binary-cross-entropy": "sigmoid binary cross-entropy",
}
"""The losses a derivation can be checked against, with how the report writes them."""


def output_activation(model) -> str:  # model: nn.MLP
    """σ of the output layer: ``"linear"`` unless the network was built with another ``output_activation``."""
    return getattr(model, "output_activation", None) or "linear"


@dataclass(frozen=True)
class Objective:
    """``reduction_i L_i + l2 · ΣW²`` for one network's output activation."""

    loss: str
    reduction: str = "sum"
    l2: float = 0.0
    output: str = "linear"  # the output layer's activation

    @classmethod
    def of(cls, loss: str | Callable, reduction: str, l2: float, model) -> Objective:
        """The objective named by the check's arguments, or a ValueError saying which argument is wrong."""
        name = next((n for n, fn in losses.LOSSES.items() if fn is loss), loss)
        if callable(name):
            raise ValueError(f"unknown loss function {loss!r}: pass one of {', '.join(OBJECTIVE_LOSSES)}")
        name = losses.loss_name(name)
        if name not in OBJECTIVE_LOSSES:
            raise ValueError(f"a derivation can be checked against {', '.join(OBJECTIVE_LOSSES)}; got {name!r}")
        if reduction not in losses.REDUCTIONS:
            raise ValueError(f"unknown reduction {reduction!r}: choose 'sum' (the notes') or 'mean' (CS231n, Nielsen)")
        if isinstance(l2, bool) or not isinstance(l2, numbers.Real) or not np.isfinite(l2) or l2 < 0:
            raise ValueError(f"l2 must be a finite number ≥ 0 (the penalty l2 · ΣW²), got {l2!r}")
        out = output_activation(model)
        if name == "cross-entropy" and out != "linear":
            raise ValueError(
                f"softmax cross-entropy reads the output z^(m) as logits, but this network's output layer has "
                f"σ = {out}: build it with output_activation='linear' (or check against 'binary-cross-entropy')"
            )
        if name == "binary-cross-entropy" and out not in ("linear", "sigmoid"):
            raise ValueError(
                f"binary cross-entropy needs logits (a linear output) or probabilities (a sigmoid output); "
                f"this network's output has σ = {out}"
            )
        if name == "cross-entropy" and model.sizes[-1] < 2:
            raise ValueError("softmax cross-entropy needs one output per class (at least 2); use binary-cross-entropy")
        return cls(name, reduction, float(l2), out)

    def sample_loss(self, z: list[Value], a: list[Value], y: np.ndarray) -> Value:
        """``L_i`` of one sample from its output pre-activations ``z`` and activations ``a`` (y a float row),
        labelled L: drawn alone (``report.sample_loss(i)``), a sample's graph ends in the notes' L."""
        target = [float(v) for v in y]
        if self.loss == "half-squared-error":
            loss = losses.half_squared_error(a, target)
        elif self.loss == "squared-error":
            loss = losses.squared_error(a, target)
        elif self.loss == "cross-entropy":
            loss = losses.cross_entropy(z, target)
        else:
            loss = losses.binary_cross_entropy(z, target)  # σ(z) is the sigmoid output's a: the same loss
        loss.label = loss.label or label("L", None)
        return loss

    def total(self, model, traces: list, Y: np.ndarray) -> Value:  # model: nn.MLP, traces: nn.Trace
        """The checked loss: the reduced per-sample losses, plus the L2 term over the weights."""
        per_sample = [self.sample_loss(t.z[-1], t.a[-1], y) for t, y in zip(traces, Y, strict=True)]
        total = losses.reduce(per_sample, self.reduction)
        if self.l2:
            weights = [w for layer in model.layers for n in layer.neurons for w in n.w]
            total = total + float(self.l2) * autograd.dot(weights, weights)
        return total

    def scale(self, n_samples: int) -> float:
        """What each sample's loss is multiplied by: 1 for a sum, 1/N for a mean."""
        return 1.0 / n_samples if self.reduction == "mean" else 1.0

    def describe(self, n_samples: int) -> str:
        text = f"{OBJECTIVE_LOSSES[self.loss]}"
        if self.output != "linear" and self.loss != "cross-entropy":
            text += f" (output σ = {self.output})"
        text += f", {'summed' if self.reduction == 'sum' else 'averaged'} over {n_samples} samples"
        return text + (f", + {self.l2:g}·ΣW²" if self.l2 else "")
