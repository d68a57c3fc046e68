"""TEMPORARY (until issue 9's move lands): nn.oracles generalised to an Objective; merged into oracles.py then."""

from __future__ import annotations

import math

import numpy as np

import autograd
from autograd import Value
from nn.deltacheck.objective import Objective
from nn.mlp import MLP
from nn.oracles import STENCIL
from nn.quantity import Quantity


def autograd_side(model: MLP, X: np.ndarray, Y: np.ndarray, objective: Objective) -> tuple[Value, list, dict]:
    model.zero_grad()
    traces = [model.trace(list(x)) for x in X]
    total = objective.total(model, traces, Y)
    total.backward()
    values: dict[tuple[str, int], np.ndarray] = {}
    for l in range(1, len(model.layers) + 1):  # noqa: E741
        values["delta", l] = np.array([[z.grad for z in t.z[l]] for t in traces])
        values["weight", l] = model.weight_matrix(l, grad=True)
        if model.bias:
            values["bias", l] = model.bias_vector(l, grad=True)
    return total, traces, values


def finite_differences(model: MLP, X: np.ndarray, Y: np.ndarray, objective: Objective, h: float) -> dict:
    relu = model.activation == "relu"

    def evaluate() -> tuple[float, set[str]]:
        positive = set()
        with autograd.no_grad():
            traces = [model.trace(list(x)) for x in X]
            total = objective.total(model, traces, Y).data
            if relu:
                for s, t in enumerate(traces, start=1):
                    positive |= {f"{z.label} of sample {s}" for zl in t.z[1:-1] for z in zl if z.data > 0.0}
        return total, positive

    out: dict[Value, tuple[float, str | None]] = {}
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
        crossed = sorted(set.union(*sides) - set.intersection(*sides))
        kink = f"{', '.join(crossed)} within ±{2 * h:g} of 0" if crossed else None
        out[p] = (math.fsum(values) / (12.0 * h), kink)
    return out


def oracle_notes(quantities: list[Quantity]) -> list[str]:
    out = []
    engine = [
        (q.symbol, e["name"])
        for q in quantities
        for e, ok in zip(q.entries(), np.ravel(q.autograd_fd_ok), strict=True)
        if not ok
    ]
    if engine:
        shown = ", ".join(name for _, name in engine[:6]) + (" …" if len(engine) > 6 else "")
        out.append(
            f"Autograd and finite differences disagree at {len(engine)} entries ({shown}): the engine or one of its "
            "ops is suspect, not the notes — run autograd.gradcheck on the ops involved."
        )
    kinks = sum(int(q.at_kink.sum()) for q in quantities)
    if kinks:
        out.append(
            f"{kinks} {'entry is' if kinks == 1 else 'entries are'} at a ReLU kink (some z within the "
            "finite-difference step of 0): not checkable by finite differences, compared with autograd only."
        )
    return out
