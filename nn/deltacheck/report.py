"""What a δ-check found: the report as data, and the hooks for Jupyter and the visualizer.

``DeltaReport`` gathers the ``Quantity`` of every layer (``nn.deltacheck.quantity``) with the
diagnoses (``nn.deltacheck.diagnose``); it serialises to a dict / JSON, annotates the graph's
nodes for ``visualize.draw``, and renders through ``nn.deltacheck.render`` (which reads a
report without importing this module: the dependency points one way).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from autograd import Value
from nn.deltacheck.keys import Kind
from nn.deltacheck.quantity import Quantity, Tolerances
from nn.deltacheck.render import render_html, render_text
from nn.deltacheck.rules import Rules

__all__ = ["DeltaReport", "Quantity", "Tolerances"]


STATUS_COLORS = {"ok": "#0072b2", "fail": "#d55e00", "start": "#d55e00", "kink": "#e69f00"}
"""The colour of an annotated node by its entry's status: Okabe and Ito's blue (agree), vermillion (disagree;
``start`` where the error is the quantity's own) and orange (a kink), apart under every common colour-vision
deficiency. ``visualize.palette`` draws the same colours with a glyph each (a test keeps the two equal)."""


def _plain(x: Any) -> Any:
    """JSON has no NaN or infinity: those become null."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_plain(v) for v in x]
    return x


@dataclass(eq=False)
class DeltaReport:
    """The result of ``check_deltas`` or ``check_backprop``: print it, show it in Jupyter, serialise it, or draw it.

    Samples are numbered from 1, like the notes' ``x^[i]`` (and like layers and neurons).
    ``graph_root`` is the checked loss (``Σ_i L_i`` unless ``reduction`` says mean); its graph
    holds every sample. ``checked`` says what ``check_backprop`` checked (its function and layout);
    for ``check_deltas`` it is None and ``rules`` says it.
    """

    quantities: list[Quantity]
    diagnoses: list[str]
    rules: Rules
    loss: str
    model: str
    n_samples: int
    tolerances: Tolerances
    graph_root: Value
    sample_losses: list[Value]
    reduction: str = "sum"
    l2: float = 0.0
    checked: str | None = None
    layout: str = "notes"

    @property
    def passed(self) -> bool:
        """Every quantity of every layer agrees (the report is truthy then)."""
        return all(q.passed for q in self.quantities)

    def __bool__(self) -> bool:
        return self.passed

    @property
    def first_failing_layer(self) -> int | None:
        """The first layer, counting from the output, where the formulas diverge (None if none does)."""
        failing = [q.layer for q in self.quantities if not q.passed]
        return max(failing) if failing else None

    @property
    def failures(self) -> list[dict[str, Any]]:
        """Every failing entry (``Quantity.entries`` rows, with the quantity's symbol added)."""
        return [{"quantity": q.symbol, **e} for q in self.quantities for e in q.entries() if e["status"] == "fail"] + [
            {"quantity": q.symbol, "problem": q.problem} for q in self.quantities if q.formula is None
        ]

    @property
    def kinks(self) -> list[dict[str, Any]]:
        """Every entry at a ReLU kink: compared with autograd only."""
        return [{"quantity": q.symbol, **e} for q in self.quantities for e in q.entries() if e["status"] == "kink"]

    def quantity(self, kind: Kind | str, layer: int) -> Quantity:
        """The ``"delta"``, ``"weight"`` or ``"bias"`` quantity of layer ``layer`` (a ``Kind`` or its name)."""
        for q in self.quantities:
            if q.kind == kind and q.layer == layer:
                return q
        raise KeyError(f"no {kind!r} quantity for layer {layer}")

    def sample_loss(self, sample: int = 1) -> Value:
        """The loss Value ``L_i`` of sample ``i`` (1-based): the root of that sample's graph."""
        if not 1 <= sample <= self.n_samples:
            raise IndexError(f"sample must be 1..{self.n_samples}, got {sample}")
        return self.sample_losses[sample - 1]

    def annotations(self, sample: int | None = 1, parameters: bool = True) -> dict[Value, dict[str, str]]:
        """Per-node notes for ``visualize.draw(report.sample_loss(1), annotations=report.annotations(1))``.

        Each ``z^(l)_j`` of ``sample`` (1-based; every sample when None) gets its δ by formula
        and by autograd; with ``parameters``, each weight and bias gets ∂L/∂w — summed over
        all samples, which is what its ``.grad`` holds — by formula, autograd and differences.
        Each note has a ``status`` that ``visualize`` draws in its colour-blind-safe palette:
        ``ok``, ``fail`` (inherited from the layer after), ``start`` (the error starts here), ``kink``.
        """
        if sample is not None and not 1 <= sample <= self.n_samples:
            raise IndexError(f"sample must be 1..{self.n_samples} or None, got {sample}")
        out: dict[Value, dict[str, str]] = {}
        for q in self.quantities:
            if q.kind is not Kind.DELTA and not parameters:
                continue
            rows = len(q.nodes)
            grids = [None if v is None else v.reshape(rows, -1) for v in (q.formula, q.autograd, q.finite_difference)]
            status = q.status.reshape(rows, -1)
            picked = [sample - 1] if q.kind is Kind.DELTA and sample is not None else range(rows)
            for r in picked:
                for c, node in enumerate(q.nodes[r]):
                    f, g, d = (None if v is None else float(v[r, c]) for v in grids)
                    out[node] = self._note(q, node, f, g, d, str(status[r, c]))
        return out

    def _note(self, q: Quantity, node: Value, f: float | None, g: float, d: float | None, status: str) -> dict:
        name = "δ" if q.kind is Kind.DELTA else "∂L/∂" + (node.label or "w")
        text = f"{name} formula = {_short(f)} | autograd = {_short(g)}"
        tip = f"{name}: formula = {f!r}, autograd = {g!r}"
        if d is not None:
            text += f" | fd = {_short(d)}"
            tip += f", finite differences = {d!r} (summed over {self.n_samples} samples)"
        tip += {"ok": "", "fail": " — disagree", "kink": " — at a ReLU kink: not checkable by differences"}[status]
        if status == "fail" and not q.inherited:  # this quantity's own rule is wrong: the error starts here
            status, tip = "start", tip + " (the error starts here: the quantities it is computed from agree)"
        return {"text": text, "status": status, "color": STATUS_COLORS[status], "tooltip": tip}

    def to_dict(self) -> dict[str, Any]:
        """The whole report as plain data (what ``to_json`` writes; NaN and inf become null)."""
        return _plain(
            {
                "passed": self.passed,
                "first_failing_layer": self.first_failing_layer,
                "model": self.model,
                "loss": self.loss,
                "reduction": self.reduction,
                "l2": self.l2,
                "layout": self.layout,
                "checked": self.checked,
                "n_samples": self.n_samples,
                "rules": {
                    "name": self.rules.name,
                    "description": self.rules.description,
                    "text": [
                        {"text": t.text, "kind": t.kind, "loss": t.loss, "unicode": t.unicode(), "latex": t.latex()}
                        for t in self.rules.texts
                    ],
                },
                "tolerances": vars(self.tolerances),
                "diagnoses": list(self.diagnoses),
                "quantities": [q.to_dict() for q in self.quantities],
            }
        )

    def to_json(self, indent: int | None = 2) -> str:
        """``to_dict()`` as JSON text (Unicode kept: δ, ∂)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def render(self, color: bool = False) -> str:
        """The terminal table; ANSI colours only when asked (the CLI asks when stdout is a tty)."""
        return render_text(self, color=color)

    def __str__(self) -> str:
        return self.render(color=False)

    def __repr__(self) -> str:
        verdict = "passed" if self.passed else f"FAILED from layer {self.first_failing_layer}"
        what = f"checked {self.checked}" if self.checked else f"rules {self.rules.name!r}"
        return f"<DeltaReport {verdict}: {what}, loss {self.loss!r}, {self.n_samples} samples>"

    def _repr_html_(self) -> str:
        return render_html(self)


def _short(x: float | None) -> str:
    return "—" if x is None else f"{x + 0.0:.6g}"  # + 0.0 turns -0.0 into 0.0
