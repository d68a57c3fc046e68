"""What a δ-check found, as data: per layer, per quantity, per entry; and hooks for the visualizer.

``Quantity`` holds one layer's ``δ^(l)`` (per sample), ``∂L/∂W^(l)`` or ``∂L/∂b^(l)``
computed three ways, and decides entry by entry whether they agree under the
stated ``Tolerances``. ``DeltaReport`` gathers them with the diagnoses; the
terminal table and the HTML live in ``nn.report_render``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd import Value
from nn.mlp import label
from nn.rules import Rules


@dataclass(frozen=True)
class Tolerances:
    """When two numbers count as equal: ``|a − b| ≤ atol + rtol·|reference|``, all float64.

    Formula and autograd are both exact up to rounding, so they are held tight;
    fourth-order central differences carry an O(h⁴) truncation and an O(ε/h)
    rounding error (~1e-11 relative at h = 1e-4), so they are held looser. A
    step of 1e-4 rather than 1e-6 also keeps ReLU kinks rare: a kink counts only
    when some z crosses 0 within the stencil's ±2h.
    """

    rtol: float = 1e-7
    atol: float = 1e-9
    fd_eps: float = 1e-4
    fd_rtol: float = 1e-6
    fd_atol: float = 1e-8

    def describe(self) -> str:
        return (
            f"formula vs autograd: |Δ| ≤ {self.atol:g} + {self.rtol:g}·|autograd|; finite differences "
            f"(4th-order central, h = {self.fd_eps:g}): |Δ| ≤ {self.fd_atol:g} + {self.fd_rtol:g}·|fd|"
        )


def _close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    return np.abs(a - b) <= atol + rtol * np.abs(b)


@dataclass(eq=False)
class Quantity:
    """One layer's δ^(l), ∂L/∂W^(l) or ∂L/∂b^(l): by the formulas, by autograd, by finite differences.

    Arrays: δ is N × n_l (a row per sample), ∂L/∂W is n_{l-1} × n_l (the shape of W^(l)),
    ∂L/∂b is n_l. ``formula`` is None when a rule failed (``problem`` says why); ``local``
    is the rule alone, fed autograd's δ, to tell an own error from an inherited one.
    """

    kind: str
    layer: int
    autograd: np.ndarray
    formula: np.ndarray | None
    tol: Tolerances
    nodes: list[list[Value]]
    problem: str | None = None
    local: np.ndarray | None = None
    local_problem: str | None = None
    local_raw: np.ndarray | None = None  # what the rule alone returned, when its shape was wrong
    finite_difference: np.ndarray | None = None
    kinks: np.ndarray | None = None  # str (which z crosses 0) or None, per entry
    diagnosis: str | None = None
    inherited: bool = False

    @property
    def symbol(self) -> str:
        return {"delta": "δ", "weight": "∂L/∂W", "bias": "∂L/∂b"}[self.kind] + f"^({self.layer})"

    def agrees(self, values: np.ndarray) -> np.ndarray:
        """Per entry: do ``values`` (of autograd's shape) agree with autograd under the tight tolerance?"""
        return _close(values, self.autograd, self.tol.rtol, self.tol.atol)

    @property
    def formula_ok(self) -> np.ndarray:
        if self.formula is None:
            return np.zeros(self.autograd.shape, dtype=bool)
        return self.agrees(self.formula)

    @property
    def at_kink(self) -> np.ndarray:
        if self.kinks is None:
            return np.zeros(self.autograd.shape, dtype=bool)
        return np.vectorize(lambda k: k is not None, otypes=[bool])(self.kinks)

    def _fd_close(self, x: np.ndarray | None) -> np.ndarray:
        if self.finite_difference is None:
            return np.ones(self.autograd.shape, dtype=bool)
        if x is None:
            return np.zeros(self.autograd.shape, dtype=bool)
        return _close(x, self.finite_difference, self.tol.fd_rtol, self.tol.fd_atol) | self.at_kink

    @property
    def fd_ok(self) -> np.ndarray:
        """Formula ≈ finite differences, or not checkable there (a kink)."""
        return self._fd_close(self.formula)

    @property
    def autograd_fd_ok(self) -> np.ndarray:
        """Autograd ≈ finite differences: if not, the engine itself is suspect."""
        return self._fd_close(self.autograd)

    @property
    def status(self) -> np.ndarray:
        """Per entry: ``"ok"``, ``"fail"`` or ``"kink"`` (agrees with autograd; not checkable by differences)."""
        ok = self.formula_ok & self.fd_ok
        return np.where(~ok, "fail", np.where(self.at_kink, "kink", "ok"))

    @property
    def passed(self) -> bool:
        return bool(self.formula is not None and np.all(self.status != "fail"))

    @property
    def local_passed(self) -> bool:
        if self.local is None:
            return False
        return bool(np.all(self.agrees(self.local)))

    @property
    def abs_error(self) -> np.ndarray:
        if self.formula is None:
            return np.full(self.autograd.shape, np.nan)
        return np.abs(self.formula - self.autograd)

    @property
    def rel_error(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = self.abs_error / np.abs(self.autograd)
        return np.where(self.abs_error == 0.0, 0.0, rel)

    def names(self) -> list[tuple[str, int | None]]:
        """Each entry's name in the notes' notation and its sample (1-based; None for summed gradients)."""
        l = self.layer  # noqa: E741
        rows, cols = self.autograd.shape if self.autograd.ndim == 2 else (1, self.autograd.size)
        if self.kind == "delta":
            return [(label("δ", l, j), s) for s in range(1, rows + 1) for j in range(1, cols + 1)]
        if self.kind == "weight":
            return [(label("w", l, i, j), None) for i in range(1, rows + 1) for j in range(1, cols + 1)]
        return [(label("b", l, j), None) for j in range(1, cols + 1)]

    def entries(self) -> list[dict[str, Any]]:
        """One plain dict per entry: name, sample, the three values, errors, status, kink."""
        flat = [np.ravel(x) if x is not None else None for x in (self.formula, self.autograd, self.finite_difference)]
        kinks = np.ravel(self.kinks) if self.kinks is not None else [None] * self.autograd.size
        errors = zip(np.ravel(self.abs_error), np.ravel(self.rel_error), np.ravel(self.status), kinks, strict=True)
        out = []
        for k, ((name, sample), (abs_err, rel_err, status, kink)) in enumerate(zip(self.names(), errors, strict=True)):
            out.append(
                {
                    "name": name,
                    "sample": sample,
                    "formula": None if flat[0] is None else float(flat[0][k]),
                    "autograd": float(flat[1][k]),
                    "finite_difference": None if flat[2] is None else float(flat[2][k]),
                    "abs_error": float(abs_err),
                    "rel_error": float(rel_err),
                    "status": str(status),
                    "kink": kink,
                }
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "quantity": self.symbol,
            "kind": self.kind,
            "layer": self.layer,
            "passed": self.passed,
            "inherited": self.inherited,
            "diagnosis": self.diagnosis,
            "problem": self.problem,
            "max_abs_error": float(np.nanmax(self.abs_error)) if self.formula is not None else None,
            "max_rel_error": float(np.nanmax(self.rel_error)) if self.formula is not None else None,
            "entries": self.entries(),
        }


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
    """The result of ``check_deltas``: print it, show it in Jupyter, serialise it, or draw it.

    Samples are numbered from 1, like the notes' ``x^[i]`` (and like layers and neurons).
    ``graph_root`` is the checked loss ``Σ_i L_i``; its graph holds every sample.
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

    @property
    def passed(self) -> bool:
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
        return [{"quantity": q.symbol, **e} for q in self.quantities for e in q.entries() if e["status"] == "kink"]

    def quantity(self, kind: str, layer: int) -> Quantity:
        """The ``"delta"``, ``"weight"`` or ``"bias"`` quantity of layer ``layer``."""
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

        Each ``z^(l)_j`` of ``sample`` (every sample when None) gets its δ by formula and by autograd;
        with ``parameters``, each weight and bias gets ∂Loss/∂w (summed over all samples: that is
        what its ``.grad`` holds) by formula, autograd and finite differences.
        """
        out: dict[Value, dict[str, str]] = {}
        for q in self.quantities:
            if q.kind != "delta" and not parameters:
                continue
            values = [q.formula, q.autograd, q.finite_difference]
            rows = range(len(q.nodes)) if q.kind != "delta" or sample is None else [sample - 1]
            for r in rows:
                for c, node in enumerate(q.nodes[r]):
                    f, g, d = (None if v is None else float(v.reshape(len(q.nodes), -1)[r, c]) for v in values)
                    status = q.status.reshape(len(q.nodes), -1)[r, c]
                    name = "δ" if q.kind == "delta" else "∂Loss/∂" + (node.label or "w")
                    text = f"{name} formula = {_short(f)} | autograd = {_short(g)}"
                    tip = f"{name}: formula = {f!r}, autograd = {g!r}"
                    if d is not None:
                        text += f" | fd = {_short(d)}"
                        tip += f", finite differences = {d!r} (summed over {self.n_samples} samples)"
                    colour = {"ok": "green", "fail": "red", "kink": "orange"}[str(status)]
                    out[node] = {"text": text, "color": colour, "tooltip": tip + ("" if q.passed else f"; {status}")}
        return out

    def to_dict(self) -> dict[str, Any]:
        return _plain(
            {
                "passed": self.passed,
                "first_failing_layer": self.first_failing_layer,
                "model": self.model,
                "loss": self.loss,
                "reduction": "sum",
                "n_samples": self.n_samples,
                "rules": {"name": self.rules.name, "description": self.rules.description},
                "tolerances": vars(self.tolerances),
                "diagnoses": list(self.diagnoses),
                "quantities": [q.to_dict() for q in self.quantities],
            }
        )

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def render(self, color: bool = False) -> str:
        """The terminal table; ANSI colours only when asked (the CLI asks when stdout is a tty)."""
        from nn.report_render import render_text

        return render_text(self, color=color)

    def __str__(self) -> str:
        return self.render(color=False)

    def _repr_html_(self) -> str:
        from nn.report_render import render_html

        return render_html(self)


def _short(x: float | None) -> str:
    return "—" if x is None else f"{x:.6g}"
