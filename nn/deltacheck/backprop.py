"""``check_backprop``: a whole hand-written backprop, checked in its author's own layout and conventions.

The user's function is called as its author calls it — ``backprop(x, y)`` once per sample (the notes,
Nielsen) or ``backprop(X, Y)`` once for the batch (CS231n) — on the network's own weights; what it
returns is read in its layout (``nn.deltacheck.returned``), compared entry by entry with autograd and
central differences of the same objective (``Quantity``), and diagnosed by replaying the derivation
(``nn.deltacheck.whole``). The result is a ``DeltaReport`` like ``check_deltas``'s.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np

from nn.deltacheck import equations, whole
from nn.deltacheck.diagnose import NO_FINDING, Finding, oracle_notes
from nn.deltacheck.keys import Key, Kind
from nn.deltacheck.layouts import Layout, layout_named
from nn.deltacheck.objective import Objective
from nn.deltacheck.oracles import autograd_side, finite_differences
from nn.deltacheck.quantity import Quantity, Tolerances
from nn.deltacheck.replay import replay
from nn.deltacheck.report import DeltaReport
from nn.deltacheck.returned import BackpropOutputError, Gradients, read_gradients
from nn.deltacheck.rules import Rules
from nn.deltacheck.targets import Data, read_data
from nn.mlp import MLP

RETURNS = ("W,b", "b,W")


def _call(backprop: Callable, layout: Layout, args: tuple, what: str) -> object:
    try:
        return backprop(*args)
    except Exception as exc:  # the user's code: say how it was called, then how it failed
        shapes = ", ".join(str(np.shape(a)) if np.ndim(a) else repr(a) for a in args)
        how = ("once per sample" if layout.per_sample else "once, with the whole batch") + f" ({layout.description})"
        raise BackpropOutputError(
            f"{what} raised {type(exc).__name__}: {exc}. With layout={layout.name!r} it is called {how}, here with "
            f"arguments of shape {shapes}. The layouts pass: 'notes' flat vectors (n,) and 'nielsen' (n, 1) columns, "
            "one sample per call; 'batch' the whole batch, X as N × n"
        ) from exc


def _run(
    backprop: Callable, layout: Layout, data: Data, sizes: list[int], has_bias: bool, returns: str, scale: float
) -> tuple[Gradients, np.ndarray | None]:
    """The user's gradients of the objective in the notes' shapes, and (per sample, with biases) each δ row."""
    name = getattr(backprop, "__qualname__", "backprop")
    N = len(data.X)
    if not layout.per_sample:
        out = _call(backprop, layout, (data.X.copy(), data.given.copy()), f"{name}(X, Y)")
        return read_gradients(out, layout, sizes, has_bias, returns, N, f"{name}(X, Y)"), None
    per_sample = []
    for s in range(N):
        y = int(data.given[s]) if data.targets == "index" else layout.sample(data.given[s])
        call = f"{name}(x, y) for sample {s + 1}"
        out = _call(backprop, layout, (layout.sample(data.X[s]), y), call)
        per_sample.append(read_gradients(out, layout, sizes, has_bias, returns, N, call))
    first = per_sample[0]
    for s, g in enumerate(per_sample[1:], start=2):
        for kind, arrays, firsts in (("weight", g.weights, first.weights), ("bias", g.biases, first.biases)):
            for l, (a, b) in enumerate(zip(arrays[1:], firsts[1:], strict=True), start=1):
                if (a is None) != (b is None) or (a is not None and a.shape != b.shape):
                    raise BackpropOutputError(f"{name}(x, y) returned a {kind} gradient of layer {l} shaped "
                                              f"differently for sample {s} than for sample 1")  # fmt: skip

    def total(arrays: list) -> np.ndarray | None:
        return None if arrays[0] is None else scale * np.sum(arrays, axis=0)

    summed = Gradients(
        [None] + [total([g.weights[l] for g in per_sample]) for l in range(1, len(sizes))],
        [None] + [total([g.biases[l] for g in per_sample]) for l in range(1, len(sizes))],
        dict(first.problems),
    )
    rows = None
    if has_bias:
        rows = [None] + [np.array([g.biases[l] for g in per_sample]) for l in range(1, len(sizes))]
    return summed, rows


def check_backprop(
    model: MLP,
    X: Sequence,
    Y: Sequence,
    backprop: Callable,
    *,
    layout: str = "notes",
    loss: str | Callable = "squared-error",
    reduction: str = "sum",
    l2: float = 0.0,
    returns: str = "W,b",
    targets: str = "onehot",
    tolerances: Tolerances | None = None,
) -> DeltaReport:
    """Check a whole hand-written backprop, as its author wrote it, against autograd and finite differences.

    Args:
        model: the ``nn.MLP`` whose weights ``backprop`` reads (load ``model.export_weights(layout)``
            into your own network first); ``output_activation`` gives Nielsen's sigmoid output.
        X, Y: the batch as rows (N × n_0, N × n_m), or with ``targets="index"`` Y as N class indices.
        backprop: ``backprop(x, y)`` per sample (layouts ``"notes"``, ``"nielsen"``) or ``backprop(X, Y)``
            (``"batch"``), returning the gradients in the layout: two lists, one array per layer, in the
            order ``returns`` (``"W,b"``, or ``"b,W"`` as Nielsen's ``(nabla_b, nabla_w)``), or a dict
            ``{"W1": …, "b1": …}``. A per-sample function returns the gradient of that sample's loss;
            the check combines them by ``reduction``.
        layout: ``"notes"``, ``"nielsen"`` or ``"batch"`` (``nn.deltacheck.layouts``).
        loss: ``"half-squared-error"``, ``"squared-error"``, ``"cross-entropy"``, ``"binary-cross-entropy"``.
        reduction: ``"sum"`` (the notes) or ``"mean"`` over the samples.
        l2: the penalty ``l2 · ΣW²`` over the weights (the batch layout: a per-sample function has no place for it).
        returns: the order of the two returned lists.
        targets: ``"onehot"`` (Y as rows) or ``"index"`` (class indices, as CS231n's ``y``).
        tolerances: when two numbers count as equal.

    Returns:
        A ``DeltaReport``; its diagnoses name the layer in the author's indexing and the mistake.
    """
    lay = layout_named(layout)
    objective = Objective.of(loss, reduction, l2, model)
    if returns not in RETURNS:
        raise ValueError(f"returns must be 'W,b' or 'b,W' (Nielsen's (nabla_b, nabla_w)), got {returns!r}")
    if not callable(backprop):
        raise TypeError(f"backprop must be a function, got {type(backprop).__name__}")
    if lay.per_sample and objective.l2:
        raise ValueError(
            f"l2 is checked in the batch layout, where backprop(X, Y) returns the gradient of the whole objective; a "
            f"per-sample backprop(x, y) (layout={lay.name!r}) returns one sample's ∇L_i (Nielsen adds the weight "
            "decay in his update step): pass l2=0"
        )
    tol = tolerances or Tolerances()
    data = read_data(model, X, Y, objective.loss, targets)
    sizes, has_bias, m, N = model.sizes, model.bias, len(model.sizes) - 1, len(data.X)
    scale = objective.scale(N)
    grads, rows = _run(backprop, lay, data, sizes, has_bias, returns, scale)

    total, traces, ag = autograd_side(model, data.X, data.Y, objective)
    fd = finite_differences(model, data.X, data.Y, objective, tol.fd_eps)
    user, quantities = _quantities(model, grads, rows, ag, fd, traces, scale, tol)
    r = replay(*equations.network_weights(model), data.X, data.Y, objective, model.activation, lay)
    findings, diagnoses = _diagnoses(quantities, whole.diagnose_whole(r, user, has_bias), lay, m)
    name = getattr(backprop, "__qualname__", type(backprop).__name__)
    return DeltaReport(
        quantities=[dataclasses.replace(q, **vars(findings.get(q.key, NO_FINDING))) for q in quantities],
        diagnoses=diagnoses + oracle_notes(quantities),
        rules=Rules(name=f"backprop {name}", description=lay.description),
        loss=objective.loss,
        model=repr(model),
        n_samples=N,
        tolerances=tol,
        graph_root=total,
        sample_losses=list(total.parents),
        reduction=objective.reduction,
        l2=objective.l2,
        checked=f"{name}, layout {lay.name!r} ({lay.description})",
        layout=lay.name,
    )


def _quantities(model: MLP, grads: Gradients, rows: list | None, ag: dict, fd: dict, traces: list, scale: float,
                tol: Tolerances) -> tuple[dict[Key, np.ndarray], list[Quantity]]:  # fmt: skip
    """The user's arrays by key (δ in the objective's units), and one ``Quantity`` per returned gradient."""
    user: dict[Key, np.ndarray] = {}
    quantities = []
    for l in range(len(model.layers), 0, -1):
        layer = model.layers[l - 1]
        if rows is not None:  # per sample, the bias gradient is that sample's δ
            key = Key(Kind.DELTA, l)
            user[key] = scale * rows[l]
            quantities.append(Quantity(key=key, autograd=ag[key] / scale, formula=rows[l], tol=tol,
                                       nodes=[t.z[l] for t in traces]))  # fmt: skip
        for kind in (Kind.WEIGHT, Kind.BIAS) if model.bias else (Kind.WEIGHT,):
            key = Key(kind, l)
            user[key] = value = (grads.weights if kind is Kind.WEIGHT else grads.biases)[l]
            if kind is Kind.WEIGHT:
                nodes = [[n.w[i] for n in layer.neurons] for i in range(len(layer.neurons[0].w))]
            else:
                nodes = [[n.b for n in layer.neurons]]
            problem, shape = grads.problems.get(key), ag[key].shape
            quantities.append(
                Quantity(
                    key=key, autograd=ag[key], tol=tol, nodes=nodes,
                    formula=None if problem else value, problem=problem, local_raw=value if problem else None,
                    finite_difference=np.array([[fd[v][0] for v in r] for r in nodes]).reshape(shape),
                    kinks=np.array([[fd[v][1] for v in r] for r in nodes], dtype=object).reshape(shape),
                )
            )  # fmt: skip
    return user, quantities


def _name(key: Key, layout: Layout, m: int) -> str:
    if key.kind is Kind.WEIGHT:
        return layout.weight_name(key.layer, m)
    if key.kind is Kind.BIAS:
        return layout.bias_name(key.layer, m)
    return layout.delta_name(key.layer, m)


def _diagnoses(
    quantities: list[Quantity], verdicts: dict[Key, whole.Verdict], layout: Layout, m: int
) -> tuple[dict[Key, Finding], list[str]]:
    """A ``Finding`` per failing quantity, and the report's sentences: from the output down, inherited last."""
    findings: dict[Key, Finding] = {}
    out, inherited = [], []
    keys = {q.key for q in quantities}
    for q in quantities:
        v, d = verdicts.get(q.key), verdicts.get(Key(Kind.DELTA, q.layer))
        if q.passed or v is None:
            continue
        unseen_delta = q.kind is not Kind.DELTA and Key(Kind.DELTA, q.layer) not in keys
        if unseen_delta and d is not None and d.status == "own" and v.status != "own":
            # the δ the function never returned is the line that is wrong
            behind = [_name(p.key, layout, m).split(" (")[0] for p in quantities if p.layer == q.layer and not p.passed]
            text = f"{layout.delta_name(q.layer, m)}, behind {' and '.join(behind)}: {d.words}."
            findings[q.key] = Finding(text)
            if text not in out:
                out.append(text)
        elif v.status == "inherited":
            findings[q.key] = Finding(
                f"{_name(q.key, layout, m)}: computed from a wrong δ above it; its own line is right.", True
            )
            inherited.append(q)
        elif v.status == "own":
            findings[q.key] = Finding(f"{_name(q.key, layout, m)}: {v.words}.")
            out.append(findings[q.key].diagnosis)
        else:
            findings[q.key] = Finding(f"{_name(q.key, layout, m)}: wrong, below a δ that no known mistake explains.")
            out.append(findings[q.key].diagnosis)
    if inherited:
        names = ", ".join(_name(q.key, layout, m).split(" (")[0] for q in inherited)
        verb = "is" if len(inherited) == 1 else "are"
        out.append(
            f"Inherited: {names} {verb} wrong only because a δ above is: the right line applied to it gives what "
            "the backprop returned, so the error starts higher up."
        )
    return findings, out
