"""The two oracles of a δ-check: autograd on the model itself, and finite differences of its loss.

Both run on the ``nn.MLP`` as it is — its own forward pass, its own loss functions —
so neither shares a line of code with the formulas being checked (``nn.deltacheck.equations``).
The loss is the notes' ``Loss = Σ_i L_i``: one ``backward()`` on it leaves each
sample's δ in its ``z.grad`` and the sum over samples in every ``w.grad``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

import autograd
from autograd import Value
from nn import losses
from nn.deltacheck.keys import Key, Kind
from nn.losses import reduce
from nn.mlp import MLP

DELTA_LOSSES = ("squared-error", "cross-entropy")
"""The losses the notes derive an output delta δ^(m) for."""


def loss_name(loss: str | Callable) -> str:
    """The name of a loss the δ check covers, given its name or its function from ``nn.losses``."""
    name = next((n for n, fn in losses.LOSSES.items() if fn is loss), loss)
    if callable(name):
        raise ValueError(f"unknown loss function {loss!r}: pass 'squared-error' or 'cross-entropy'")
    name = losses.loss_name(name)
    if name not in DELTA_LOSSES:
        raise ValueError(f"the δ check covers the losses the notes derive δ^(m) for, {' and '.join(DELTA_LOSSES)}; "
                         f"got {name!r}")  # fmt: skip
    return name


def autograd_side(model: MLP, X: np.ndarray, Y: np.ndarray, loss: str) -> tuple[Value, list, dict[Key, np.ndarray]]:
    """One ``backward()`` on ``Loss = Σ_i L_i``: every ``z.grad`` is that sample's δ, every ``w.grad`` the sum."""
    model.zero_grad()
    traces = [model.trace(list(x)) for x in X]
    total = reduce([losses.get_loss(loss)(t.output, list(y)) for t, y in zip(traces, Y, strict=True)], "sum")
    total.backward()
    values: dict[Key, np.ndarray] = {}
    for l in range(1, len(model.layers) + 1):
        values[Key(Kind.DELTA, l)] = np.array([[z.grad for z in t.z[l]] for t in traces])
        values[Key(Kind.WEIGHT, l)] = model.weight_matrix(l, grad=True)
        if model.bias:
            values[Key(Kind.BIAS, l)] = model.bias_vector(l, grad=True)
    return total, traces, values


STENCIL = ((-2.0, 1.0), (-1.0, -8.0), (1.0, 8.0), (2.0, -1.0))
"""Fourth-order central differences: f' ≈ [f(w−2h) − 8f(w−h) + 8f(w+h) − f(w+2h)] / 12h.

Its error is O(h⁴) + O(ε/h) rather than O(h²) + O(ε/h), so with h = 1e-4 it is good to
~1e-11 in float64: tight enough to check the formulas to a relative 1e-9, not just 1e-5.
"""


FiniteDifferences = dict[Value, tuple[float, str | None]]
"""Per parameter: ∂Loss/∂w by central differences, and which ReLU kinks its stencil crosses (or None)."""


class FiniteDifferenceCache:
    """The most recent finite differences, reused when the same network, data and step come back.

    They do not depend on the rules being checked, and they are the slow part of a check
    (4 forward passes over every sample per parameter): checking several rule sets on one
    network in a row (the demo, a notebook) computes them once when the caller passes the
    same cache to each ``check_deltas``. It holds one result; changing a weight misses it.
    """

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._values: FiniteDifferences | None = None
        self.hits = 0
        self.misses = 0

    def get(self, model: MLP, X: np.ndarray, Y: np.ndarray, loss: str, h: float) -> FiniteDifferences:
        """The finite differences of ``model`` on ``X``, ``Y``: from the cache, or computed and kept."""
        params = model.parameters()
        key = (tuple(params), tuple(p.data for p in params), model.activation, X.tobytes(), X.shape, Y.tobytes(),
               Y.shape, loss, h)  # fmt: skip
        if self._values is not None and self._key == key:
            self.hits += 1
            return self._values
        self.misses += 1
        self._key, self._values = key, finite_differences(model, X, Y, loss, h)
        return self._values


def finite_differences(model: MLP, X: np.ndarray, Y: np.ndarray, loss: str, h: float) -> FiniteDifferences:
    """Central differences of the total loss for every parameter, and the kinks of σ (ReLU's 0) each one crosses."""
    sigma = autograd.OPS.get(model.activation)  # None for "linear"
    kinks = sigma.kinks if sigma is not None else ()
    loss_fn = losses.get_loss(loss)

    def evaluate() -> tuple[float, set[tuple[str, int]]]:
        total, sides = [], set()
        with autograd.no_grad():
            for s, (x, y) in enumerate(zip(X, Y, strict=True), start=1):
                t = model.trace(list(x))
                total.append(loss_fn(t.output, list(y)).data)
                if kinks:  # which piece of σ each hidden z is on
                    sides |= {(f"{z.label} of sample {s}", sigma.piece([z.data])) for zl in t.z[1:-1] for z in zl}
        return math.fsum(total), sides

    out: FiniteDifferences = {}
    for p in model.parameters():
        w = p.data
        values, sides = [], []
        try:
            for step, weight in STENCIL:
                p.data = w + step * h
                f, positive = evaluate()
                values.append(weight * f)
                sides.append(positive)
        finally:
            p.data = w
        crossed = sorted({name for name, _ in set.union(*sides) - set.intersection(*sides)})
        at = ", ".join(f"{k:g}" for k in kinks)
        kink = f"{', '.join(crossed)} within ±{2 * h:g} of {at}" if crossed else None
        out[p] = (math.fsum(values) / (12.0 * h), kink)
    return out
