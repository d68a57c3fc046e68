"""The two oracles of a δ-check: autograd on the model itself, and finite differences of its loss.

Both run on the ``nn.MLP`` as it is — its own forward pass, its own loss functions —
so neither shares a line of code with the formulas being checked (``nn.deltacheck.equations``).
The loss is an ``Objective`` (``nn.deltacheck.objective``): the notes' ``Loss = Σ_i L_i`` by default,
or a mean, plus an L2 term. One ``backward()`` on it leaves each sample's δ in its ``z.grad``
and the whole gradient in every ``w.grad``.
"""

from __future__ import annotations

import math
import operator

import numpy as np

import autograd
from autograd import Value
from nn.deltacheck.keys import Key, Kind
from nn.deltacheck.objective import OBJECTIVE_LOSSES, Objective
from nn.mlp import MLP

DELTA_LOSSES = tuple(OBJECTIVE_LOSSES)
"""The losses a derivation can be checked against (``nn.deltacheck.objective``)."""


def autograd_side(
    model: MLP, X: np.ndarray, Y: np.ndarray, objective: Objective
) -> tuple[Value, list, dict[Key, np.ndarray]]:
    """One ``backward()`` on the objective: every ``z.grad`` is that sample's δ, every ``w.grad`` the gradient."""
    model.zero_grad()
    traces = [model.trace(list(x)) for x in X]
    total = objective.total(model, traces, Y)
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
"""Per parameter: ∂L/∂w by central differences, and which ReLU kinks its stencil crosses (or None)."""


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

    def get(self, model: MLP, X: np.ndarray, Y: np.ndarray, objective: Objective, h: float) -> FiniteDifferences:
        """The finite differences of ``model`` on ``X``, ``Y``: from the cache, or computed and kept."""
        params = model.parameters()
        key = (tuple(params), tuple(p.data for p in params), model.activation, X.tobytes(), X.shape, Y.tobytes(),
               Y.shape, objective, h)  # fmt: skip
        if self._values is not None and self._key == key:
            self.hits += 1
            return self._values
        self.misses += 1
        self._key, self._values = key, finite_differences(model, X, Y, objective, h)
        return self._values


def finite_differences(model: MLP, X: np.ndarray, Y: np.ndarray, objective: Objective, h: float) -> FiniteDifferences:
    """Central differences of the objective for every parameter, and the kinks of σ (ReLU's 0) each one crosses.

    The model's own forward pass and objective are recorded once, as one graph whose inputs are
    the parameters, and replayed on every perturbed parameter vector at once (``autograd.compile``,
    forward only: neither the δ formulas nor autograd's backward take part).
    """
    sigma = autograd.OPS.get(model.activation)  # None for "linear"
    out_sigma = autograd.OPS.get(objective.output)  # the output layer's σ: a ReLU output has kinks too
    kinks = tuple(dict.fromkeys([*(sigma.kinks if sigma else ()), *(out_sigma.kinks if out_sigma else ())]))
    params = model.parameters()
    traces = [model.trace(list(x)) for x in X]
    total = objective.total(model, traces, Y)
    watched = [  # (name, z, σ of its layer) for every z at a layer whose σ has kinks
        (f"{z.label} of sample {s}", z, op)
        for s, t in enumerate(traces, start=1)
        for l, zl in enumerate(t.z[1:], start=1)
        if (op := out_sigma if l == len(t.z) - 1 else sigma) is not None and op.kinks
        for z in zl
    ]
    w = np.array([p.data for p in params])
    rows = np.repeat(w[None], len(params) * len(STENCIL), axis=0)  # row 4j + k: w_j moved by step_k · h
    steps = np.array([step for step, _ in STENCIL])
    rows[np.arange(len(rows)), np.repeat(np.arange(len(params)), len(STENCIL))] += np.tile(steps, len(params)) * h
    replay = autograd.compile(total, params)
    if watched:
        values, z = replay(rows, backward=False, values=[v for _, v, _ in watched])
        piece = np.column_stack([sum(z[:, i] > k for k in op.kinks) for i, (_, _, op) in enumerate(watched)])
    else:
        values, piece = replay(rows, backward=False), None
    weights = [weight for _, weight in STENCIL]
    at = ", ".join(f"{k:g}" for k in kinks)
    out: FiniteDifferences = {}
    for j, p in enumerate(params):
        stencil = slice(len(STENCIL) * j, len(STENCIL) * (j + 1))
        derivative = math.fsum(map(operator.mul, weights, values[stencil].tolist())) / (12.0 * h)
        kink = None
        if piece is not None:  # the z whose piece of σ changes within the stencil
            moved = np.flatnonzero((piece[stencil] != piece[stencil][0]).any(axis=0))
            crossed = sorted(watched[i][0] for i in moved)
            kink = f"{', '.join(crossed)} within ±{2 * h:g} of {at}" if crossed else None
        out[p] = (derivative, kink)
    return out
