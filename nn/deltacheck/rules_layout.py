"""Per-line rules written in another author's layout: ``check_deltas(..., layout="nielsen")``.

A ``Rules`` normally sees the notes' shapes (``W^(l)`` n_{l-1} × n_l, flat vectors). With
``layout="nielsen"`` each rule sees Nielsen's instead — the forward pass with ``p.W[l]`` as his
``w`` (n_l × n_{l-1}) and every vector (``p.z[l]``, ``p.a[l]``, ``p.b[l]``, δ, ``y``, ``a``) as an
(n, 1) column — and returns his shapes (δ and ∂L/∂b as columns, ∂L/∂W as n_l × n_{l-1}). ``in_layout``
wraps each rule so the rest of the check compares in the notes' shapes. Layers keep the notes'
index ``l`` (Nielsen's list index is ``l − 1``). A rule's own extras (``N``, ``reduction``, …) pass through.
The built-in rules (the correct ones and the errata) are the notes' own and stay in the notes' layout.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from nn.deltacheck.calls import declared_extras
from nn.deltacheck.equations import Pass
from nn.deltacheck.layouts import Layout, layout_named
from nn.deltacheck.rules import Rules

Array = np.ndarray


def _column(v: object, layout: Layout) -> object:
    if isinstance(v, np.ndarray) and v.ndim == 1:
        return layout.sample(v)
    return v  # a class index, or None


def _flat(out: object) -> object:
    a = np.asarray(out)
    return a.reshape(-1) if a.ndim == 2 and 1 in a.shape else a  # an (n, 1) column back to (n,)


def _pass_in(p: Pass, layout: Layout) -> Pass:
    return dataclasses.replace(
        p,
        W=[None if W is None else layout.weight(W) for W in p.W],
        b=[None if b is None else layout.bias(b) for b in p.b],
        z=[None if z is None else layout.sample(z) for z in p.z],
        a=[layout.sample(a) for a in p.a],
    )


def _output_rule(rule: Callable, layout: Layout) -> Callable:
    wanted = declared_extras(rule)

    def in_layout(z: Array, y: Array | int, **extras: object) -> object:
        kwargs = {k: _column(v, layout) for k, v in extras.items() if k in wanted}
        return _flat(rule(layout.sample(z), _column(np.asarray(y), layout) if np.ndim(y) else y, **kwargs))

    return in_layout


def _layer_rule(rule: Callable, layout: Layout, weight: bool = False) -> Callable:
    def in_layout(p: Pass, l: int, delta: Array) -> object:
        out = rule(_pass_in(p, layout), l, layout.sample(delta))
        if weight:
            return layout.weight_to_notes(np.asarray(out)) if np.ndim(out) == 2 else out
        return _flat(out)

    return in_layout


def _builtin(rule: Callable) -> bool:
    return getattr(rule, "__module__", None) in ("nn.deltacheck.equations", "nn.deltacheck.rules")


def in_layout(rules: Rules, layout: str | Layout) -> Rules:
    """``rules`` written in ``layout``, as rules the check can run in the notes' shapes."""
    lay = layout_named(layout)
    if not lay.per_sample:
        raise ValueError(
            "layout='batch' is for a whole backprop of the batch (check_backprop); the per-line rules of "
            "check_deltas run one sample at a time: use layout='notes' or 'nielsen'"
        )
    if lay.name == "notes":
        return rules
    changes: dict[str, Callable] = {}
    for f in dataclasses.fields(rules):
        rule = getattr(rules, f.name)
        if not callable(rule) or _builtin(rule) or f.name == "sigma_prime":
            continue
        if f.name.startswith("output_delta_"):
            changes[f.name] = _output_rule(rule, lay)
        elif f.name in ("backward_delta", "weight_gradient", "bias_gradient"):
            changes[f.name] = _layer_rule(rule, lay, weight=f.name == "weight_gradient")
    return dataclasses.replace(rules, **changes)
