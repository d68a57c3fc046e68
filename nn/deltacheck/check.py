"""``check_deltas``: the notes' δ equations checked three ways — by hand, by autograd, by finite differences.

For every layer ``l`` (from the output down) it compares

- ``δ^(l)`` per sample and neuron: the formulas (``nn.deltacheck.equations`` / a ``Rules``) against
  autograd's ``z^(l)_j.grad`` after one ``backward()`` on the notes' loss ``Σ_i L_i``;
- ``∂L/∂W^(l)`` (and ``∂L/∂b^(l)``) summed over samples: the formulas, autograd's
  parameter ``.grad`` and float64 central differences of the model's own forward pass.

The two oracles live in ``nn.deltacheck.oracles``. Each rule is also evaluated *alone*,
fed autograd's δ instead of its own: that separates a layer whose rule is wrong
from one that only inherits a wrong δ from above, which is what the diagnoses
(``nn.deltacheck.diagnose``) build on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from nn.deltacheck import equations
from nn.deltacheck.calls import RuleProblem, call_rule
from nn.deltacheck.diagnose import NO_FINDING, Context, diagnose
from nn.deltacheck.keys import Key, Kind
from nn.deltacheck.objective import Objective
from nn.deltacheck.oracles import DELTA_LOSSES, FiniteDifferenceCache, autograd_side, finite_differences
from nn.deltacheck.quantity import Quantity, Tolerances
from nn.deltacheck.report import DeltaReport
from nn.deltacheck.rules import Rules, rules_named
from nn.deltacheck.rules_layout import in_layout
from nn.deltacheck.targets import read_data
from nn.mlp import MLP

__all__ = ["DELTA_LOSSES", "DeltaReport", "FiniteDifferenceCache", "Rules", "Tolerances", "check_deltas"]


def _shaped(value: np.ndarray, expected: tuple[int, ...], what: str) -> np.ndarray:
    if value.shape != expected:
        raise RuleProblem(f"{what} by the formula has shape {value.shape}, expected {expected}", value)
    return value


@dataclass
class _Side:
    """One way of computing every quantity: arrays by key, or why a key could not be computed."""

    values: dict[Key, np.ndarray]
    problems: dict[Key, RuleProblem]

    def run(self, key: Key, compute: Callable[[], np.ndarray]) -> None:
        try:
            self.values[key] = compute()
        except RuleProblem as problem:
            self.problems[key] = problem


def _formula_sides(
    passes: list[equations.Pass], Y: np.ndarray, objective: Objective, rules: Rules, ag: dict
) -> tuple[_Side, _Side]:
    """The formulas chained from the output down (as by hand), and each rule alone fed autograd's δ.

    ``Y`` is the targets as the rules get them: float rows, or class indices.
    """
    m, N, n = passes[0].m, len(passes), [len(a) for a in passes[0].a]
    chain, local = _Side({}, {}), _Side({}, {})

    def per_sample(l: int, rule: Callable, args: Callable[[int], tuple], extras=lambda s: None) -> np.ndarray:
        """δ^(l) of every sample, stacked N × n_l."""
        try:
            value = np.array([call_rule(rule, f"δ^({l})", args(s), extras(s)) for s in range(N)])
        except ValueError as exc:  # samples gave differently shaped vectors
            raise RuleProblem(f"the rule for δ^({l}) gave inconsistent shapes: {exc}") from exc
        return _shaped(value, (N, n[l]), f"δ^({l})")

    def summed(key: Key, deltas: dict[Key, np.ndarray]) -> np.ndarray:
        """∂L/∂W^(l) or ∂L/∂b^(l), summed over the samples, from the δ^(l) in ``deltas``."""
        l, weight, what = key.layer, key.kind is Kind.WEIGHT, key.symbol
        rule = rules.weight_gradient if weight else rules.bias_gradient
        if Key(Kind.DELTA, l) not in deltas:
            raise RuleProblem(f"not computed: δ^({l}) could not be")
        try:
            value = sum(call_rule(rule, what, (passes[s], l, deltas[Key(Kind.DELTA, l)][s])) for s in range(N))
        except ValueError as exc:
            raise RuleProblem(f"the rule for {what} gave inconsistent shapes: {exc}") from exc
        return _shaped(np.asarray(value), (n[l - 1], n[l]) if weight else (n[l],), what)

    def recursion(l: int, deltas: dict[Key, np.ndarray]) -> np.ndarray:
        """δ^(l) from δ^(l+1) in ``deltas``: the chained one, or autograd's."""
        above = Key(Kind.DELTA, l + 1)
        if above not in deltas:
            raise RuleProblem(f"not computed: δ^({l + 1}) could not be")
        return per_sample(l, rules.backward_delta, lambda s: (passes[s], l + 1, deltas[above][s]))

    output_rule = rules.output_delta(objective.loss)

    def extras(s: int) -> dict:
        p = passes[s]
        return {"N": N, "reduction": objective.reduction, "a": p.a[m], "sigma_prime": p.output_sigma_prime}

    def target(s: int) -> np.ndarray | int:
        return int(Y[s]) if Y.ndim == 1 else Y[s]

    for side in (chain, local):  # the output delta needs no δ from anywhere: both sides are the same
        side.run(Key(Kind.DELTA, m), lambda: per_sample(m, output_rule, lambda s: (passes[s].z[m], target(s)), extras))
    for l in range(m, 0, -1):
        if l < m:
            chain.run(Key(Kind.DELTA, l), lambda layer=l: recursion(layer, chain.values))
            local.run(Key(Kind.DELTA, l), lambda layer=l: recursion(layer, ag))
        kinds = (Kind.WEIGHT, Kind.BIAS) if passes[0].b[l] is not None else (Kind.WEIGHT,)
        for key in (Key(kind, l) for kind in kinds):
            chain.run(key, lambda k=key: summed(k, chain.values))
            local.run(key, lambda k=key: summed(k, ag))
    return chain, local


def check_deltas(
    model: MLP,
    X: Sequence,
    Y: Sequence,
    loss: str | Callable = "squared-error",
    rules: Rules | str = "correct",
    *,
    reduction: str = "sum",
    targets: str | None = None,
    layout: str = "notes",
    tolerances: Tolerances | None = None,
    fd_cache: FiniteDifferenceCache | None = None,
) -> DeltaReport:
    """Check the δ equations (``rules``) on ``model`` against autograd and finite differences.

    Args:
        model: an ``nn.MLP`` (any activation; the notes' is ReLU). Its parameters'
            ``.grad`` are zeroed and left holding autograd's gradient of the checked loss.
        X: inputs, one row per sample (N × n_0).
        Y: targets, N × n_m rows; for cross-entropy also N class indices.
        loss: ``"squared-error"`` (the notes), ``"half-squared-error"`` (½‖a − y‖², Nielsen),
            ``"cross-entropy"`` (softmax) or ``"binary-cross-entropy"`` (sigmoid), or their ``nn`` functions.
            Squared errors read the output activation ``a^(m)`` (``MLP(..., output_activation=...)``).
        rules: a ``Rules`` or the name of a ready rule set (``nn.deltacheck.RULE_SETS``).
        reduction: ``"sum"`` over the samples (the notes) or ``"mean"``; a rule that names ``N`` or
            ``reduction`` gets them (``nn.deltacheck.calls``).
        targets: what the output rules get as ``y``: ``"onehot"`` (float rows) or ``"index"`` (class
            indices, as given); None reads class indices for cross-entropy and gives the rules one-hot rows.
        layout: the shapes your own rules are written in, ``"notes"`` or ``"nielsen"`` (W^(l) as
            n_l × n_{l−1}, (n, 1) columns: ``nn.deltacheck.rules_layout``).
        tolerances: when two numbers count as equal (defaults stated in ``Tolerances``).
        fd_cache: keeps the finite differences for the next check of the same network and data
            (they do not depend on ``rules``); without one they are computed afresh.

    Returns:
        A ``DeltaReport``: truthy fields ``passed``, ``first_failing_layer``, ``diagnoses``;
        print it, show it in Jupyter, ``to_json()`` it, or hand ``annotations()`` to the visualizer.
    """
    objective = Objective.of(loss, reduction, 0.0, model)
    rules = rules_named(rules) if isinstance(rules, str) else rules
    written = in_layout(rules, layout)  # the rules as the check runs them, in the notes' shapes
    tol = tolerances or Tolerances()
    indices = objective.loss == "cross-entropy" and np.ndim(Y) == 1 and np.issubdtype(np.asarray(Y).dtype, np.integer)
    data = read_data(model, X, Y, objective.loss, targets or ("index" if indices else "onehot"))
    X, Y = data.X, data.Y
    total, traces, ag = autograd_side(model, X, Y, objective)
    fd = (finite_differences if fd_cache is None else fd_cache.get)(model, X, Y, objective, tol.fd_eps)

    sigma, model_sigma_prime = equations.ACTIVATIONS[model.activation]
    W, b = equations.network_weights(model)
    passes = [equations.forward(W, b, x, sigma, rules.sigma_prime or model_sigma_prime, objective.output) for x in X]
    chain, local = _formula_sides(passes, data.given if targets == "index" else Y, objective, written, ag)

    quantities = []
    for l in range(len(W) - 1, 0, -1):  # from the output down, as the notes do
        layer = model.layers[l - 1]
        for key in (Key(kind, l) for kind in Kind):
            if key not in ag:
                continue
            if key.kind is Kind.DELTA:
                nodes = [t.z[l] for t in traces]
                fd_values = kinks = None
            else:
                nodes = [[n.w[i] for n in layer.neurons] for i in range(len(layer.neurons[0].w))]
                nodes = [[n.b for n in layer.neurons]] if key.kind is Kind.BIAS else nodes
                fd_values = np.array([[fd[v][0] for v in row] for row in nodes]).reshape(ag[key].shape)
                kinks = np.array([[fd[v][1] for v in row] for row in nodes], dtype=object).reshape(ag[key].shape)
            quantities.append(
                Quantity(
                    key=key,
                    autograd=ag[key],
                    formula=chain.values.get(key),
                    problem=str(chain.problems[key]) if key in chain.problems else None,
                    local=local.values.get(key),
                    local_problem=str(local.problems[key]) if key in local.problems else None,
                    local_raw=local.problems[key].value if key in local.problems else None,
                    finite_difference=fd_values,
                    kinks=kinks,
                    nodes=nodes,
                    tol=tol,
                )
            )
    context = Context(passes, Y, objective.loss, ag, model_sigma_prime, objective, model.activation, layout)
    found = diagnose(quantities, context)  # the findings, folded into copies of the quantities they are about
    return DeltaReport(
        quantities=[dataclasses.replace(q, **vars(found.findings.get(q.key, NO_FINDING))) for q in quantities],
        diagnoses=found.messages,
        rules=rules,
        loss=objective.loss,
        reduction=objective.reduction,
        model=repr(model),
        n_samples=len(X),
        tolerances=tol,
        graph_root=total,
        sample_losses=list(total.parents),
    )
