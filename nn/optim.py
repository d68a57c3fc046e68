"""Optimizers: turn the gradients ``backward()`` left in ``p.grad`` into parameter updates.

The notes' rule is plain gradient descent, ``w ← w − lr · ∂L/∂w``: that is ``SGD``
with its defaults. Momentum, weight decay and ``Adam`` follow PyTorch's update
formulas exactly, so a run can be compared step by step with ``torch.optim``.
A step is all or nothing: if any parameter (or Adam's moments) would become inf or
nan, ``step()`` raises ``StepError`` naming it and changes nothing.

Each update is written once, on vectors: ``step()`` reads every ``p.data`` and
``p.grad`` and calls ``update(data, grad)``, which computes the new values with numpy
and writes ``p.data`` back in one pass. A compiled replay hands ``update`` its own
vectors (``Compiled.gradient``), so ``p.grad`` need not be written and read back.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np

from autograd import Value
from autograd.value import data_of, set_data
from nn.module import Module


class StepError(ArithmeticError):
    """An optimizer step would make a parameter (or Adam's moments) inf or nan; nothing was changed."""


def check_positive(name: str, x: object) -> float:
    """``x`` as a float if it is a finite number > 0, else a ValueError naming the argument."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x) or x <= 0:
        raise ValueError(f"{name} must be a positive number, got {x!r}")
    return float(x)


def _check_fraction(name: str, x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not 0.0 <= x < 1.0:
        raise ValueError(f"{name} must be a number in [0, 1), got {x!r}")
    return float(x)


def _check_non_negative(name: str, x: object) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x) or x < 0:
        raise ValueError(f"{name} must be a number ≥ 0, got {x!r}")
    return float(x)


class Optimizer:
    """Holds the parameters and a learning rate; subclasses define ``step()``.

    Args:
        parameters: a Module or an iterable of Values (``model.parameters()``).
        lr: the learning rate, a positive number. It may be changed between steps.
    """

    def __init__(self, parameters: Module | Iterable[Value], lr: float) -> None:
        ps = parameters.parameters() if isinstance(parameters, Module) else list(parameters)
        if not ps:
            raise ValueError("the optimizer got no parameters to update")
        for i, p in enumerate(ps):
            if not isinstance(p, Value):
                raise TypeError(f"parameters[{i}] is {type(p).__name__}, expected a Value")
        self.parameters = ps
        self.lr = lr

    @property
    def lr(self) -> float:
        """The learning rate; setting it checks it is a positive number."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        """None"""
        self._lr = check_positive("lr", value)

    def zero_grad(self) -> None:
        """Clear ``p.grad`` before the next ``backward()`` (leaf gradients accumulate)."""
        for p in self.parameters:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its ``.grad``."""
        ps = self.parameters
        n = len(ps)
        self.update(np.fromiter(data_of(ps), float, n), np.fromiter([p.grad for p in ps], float, n))

    def update(self, data: np.ndarray, grad: np.ndarray, write: bool = True) -> np.ndarray:
        """One step from the parameters' values and gradients as vectors (``self.parameters``' order): sets every
        ``p.data`` (unless ``write=False``: a caller that keeps the vector writes it later) and returns the new
        values, or raises StepError and changes nothing if any value (or moment) would be inf or nan."""
        with np.errstate(over="ignore", invalid="ignore"):  # found and named below
            new, state = self._new(data, grad)
        for what, values in (*state.items(), ("", new)):
            if not np.isfinite(values).all():
                self._check(int(np.argmax(~np.isfinite(values))), data, grad, values, what)
        if write:
            set_data(self.parameters, new.tolist())
        self._keep(state)
        return new

    def _new(self, data: np.ndarray, grad: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The new values, and the state (moments) to keep if the step is taken, by the names errors use."""
        raise NotImplementedError

    def _keep(self, state: dict[str, np.ndarray]) -> None:
        """Keep the state ``_new`` computed: the step was taken."""

    def _name(self, i: int) -> str:
        label = self.parameters[i].label
        return f"parameter {label}" if label else f"parameters[{i}]"

    def _check(self, i: int, data: np.ndarray, grad: np.ndarray, values: np.ndarray, what: str) -> None:
        """Refuse a step that leaves parameter ``i`` (or one of its moments, ``what``) inf or nan."""
        g = float(grad[i])
        if math.isfinite(g):
            why = "the step overflows a float: lower lr, or scale the loss down"
        else:
            why = "its gradient is not finite: check the loss and the data"
        thing = f"{what} of {self._name(i)}" if what else self._name(i)
        raise StepError(
            f"{type(self).__name__} step: {thing} would become {float(values[i])} (data {float(data[i])!r}, "
            f"grad {g!r}, lr {self.lr!r}): {why}. No parameter was changed."
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr}, {len(self.parameters)} parameters)"


class SGD(Optimizer):
    """Gradient descent, optionally with momentum and weight decay (PyTorch's formulas).

    ``g = ∂L/∂p + weight_decay·p``; ``v ← momentum·v + g`` (``v = g`` on the first
    step); ``p ← p − lr·v``. With the defaults this is the notes' ``p ← p − lr·∂L/∂p``.
    """

    def __init__(
        self,
        parameters: Module | Iterable[Value],
        lr: float = 0.1,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters, lr)
        self.momentum = _check_fraction("momentum", momentum)
        self.weight_decay = _check_non_negative("weight_decay", weight_decay)
        self._velocity: np.ndarray | None = None

    def _new(self, data: np.ndarray, grad: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        g = grad + self.weight_decay * data if self.weight_decay else grad
        if not self.momentum:
            return data - self.lr * g, {}
        self._next_velocity = g if self._velocity is None else self.momentum * self._velocity + g
        return data - self.lr * self._next_velocity, {}  # a velocity that overflows makes the step overflow

    def _keep(self, state: dict[str, np.ndarray]) -> None:
        if self.momentum:
            self._velocity = self._next_velocity


class Adam(Optimizer):
    """Adam (Kingma & Ba): per-parameter steps scaled by running gradient moments.

    ``m ← β₁m + (1−β₁)g``; ``v ← β₂v + (1−β₂)g²``; ``p ← p − lr·m̂ / (√v̂ + eps)`` with
    the bias-corrected ``m̂ = m/(1−β₁ᵗ)``, ``v̂ = v/(1−β₂ᵗ)``. ``weight_decay`` adds
    ``weight_decay·p`` to ``g`` (L2, as ``torch.optim.Adam``).
    """

    def __init__(
        self,
        parameters: Module | Iterable[Value],
        lr: float = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters, lr)
        if not isinstance(betas, tuple | list) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.beta1 = _check_fraction("betas[0]", betas[0])
        self.beta2 = _check_fraction("betas[1]", betas[1])
        self.eps = check_positive("eps", eps)
        self.weight_decay = _check_non_negative("weight_decay", weight_decay)
        self.t = 0
        self._m = np.zeros(len(self.parameters))
        self._v = np.zeros(len(self.parameters))

    def _new(self, data: np.ndarray, grad: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """A gradient past ~1.3e154 has a square that overflows, which would silently stop Adam: v is checked too."""
        t = self.t + 1
        b1, b2 = self.beta1, self.beta2
        g = grad + self.weight_decay * data if self.weight_decay else grad
        m = b1 * self._m + (1.0 - b1) * g
        v = b2 * self._v + (1.0 - b2) * g * g
        step_size = self.lr / (1.0 - b1**t)
        new = data - step_size * m / (np.sqrt(v) / math.sqrt(1.0 - b2**t) + self.eps)
        return new, {"the first moment m": m, "the second moment v (running mean of g²)": v}

    def _keep(self, state: dict[str, np.ndarray]) -> None:
        self._m, self._v = state["the first moment m"], state["the second moment v (running mean of g²)"]
        self.t += 1


OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "adam": Adam}
"""Optimizers by the name the CLI and ``fit`` accept."""


def get_optimizer(name: str) -> type[Optimizer]:
    """The optimizer class called ``name`` (``"sgd"`` or ``"adam"``), or a clear ValueError."""
    key = name.strip().lower() if isinstance(name, str) else None
    if key not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}: choose one of {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[key]


__all__ = ["OPTIMIZERS", "SGD", "Adam", "Optimizer", "StepError", "check_positive", "get_optimizer"]
