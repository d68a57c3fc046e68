"""One quantity of one layer, compared entry by entry: by the formulas, by autograd, by finite differences.

``Quantity`` holds one layer's ``δ^(l)`` (a row per sample), ``∂L/∂W^(l)`` or
``∂L/∂b^(l)`` computed three ways, and decides entry by entry whether they agree
under the stated ``Tolerances``; ``nn.deltacheck.report.DeltaReport`` gathers them.
Every step of the check addresses a quantity by its ``Key(kind, layer)`` (``nn.deltacheck.keys``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd import Value
from autograd.gradcheck import close
from nn.deltacheck.keys import Key, Kind
from nn.mlp import label


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
        """The tolerances in one line, as the report's header shows them."""
        return (
            f"formula vs autograd: |Δ| ≤ {self.atol:g} + {self.rtol:g}·|autograd|; finite differences "
            f"(4th-order central, h = {self.fd_eps:g}): |Δ| ≤ {self.fd_atol:g} + {self.fd_rtol:g}·|fd|"
        )


@dataclass(eq=False)
class Quantity:
    """One layer's δ^(l), ∂L/∂W^(l) or ∂L/∂b^(l): by the formulas, by autograd, by finite differences.

    Arrays: δ is N × n_l (a row per sample), ∂L/∂W is n_{l-1} × n_l (the shape of W^(l)),
    ∂L/∂b is n_l. ``formula`` is None when a rule failed (``problem`` says why); ``local``
    is the rule alone, fed autograd's δ, to tell an own error from an inherited one.
    """

    key: Key
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
    def kind(self) -> Kind:
        """``Kind.DELTA``, ``Kind.WEIGHT`` or ``Kind.BIAS`` (equal to ``"delta"``, ``"weight"``, ``"bias"``)."""
        return self.key.kind

    @property
    def layer(self) -> int:
        """The layer ``l`` of δ^(l), ∂L/∂W^(l) or ∂L/∂b^(l)."""
        return self.key.layer

    @property
    def symbol(self) -> str:
        """The quantity in the notes' notation: ``δ^(2)``, ``∂L/∂W^(1)``."""
        return self.key.symbol

    def agrees(self, values: np.ndarray) -> np.ndarray:
        """Per entry: do ``values`` (of autograd's shape) agree with autograd under the tight tolerance?"""
        return close(values, self.autograd, rtol=self.tol.rtol, atol=self.tol.atol)

    @property
    def formula_ok(self) -> np.ndarray:
        """Per entry: does the formula agree with autograd (all False when the rule failed)?"""
        if self.formula is None:
            return np.zeros(self.autograd.shape, dtype=bool)
        return self.agrees(self.formula)

    @property
    def at_kink(self) -> np.ndarray:
        """Per entry: does a ReLU kink lie within the finite-difference stencil?"""
        if self.kinks is None:
            return np.zeros(self.autograd.shape, dtype=bool)
        return np.vectorize(lambda k: k is not None, otypes=[bool])(self.kinks)

    def _fd_close(self, x: np.ndarray | None) -> np.ndarray:
        if self.finite_difference is None:
            return np.ones(self.autograd.shape, dtype=bool)
        if x is None:
            return np.zeros(self.autograd.shape, dtype=bool)
        return close(x, self.finite_difference, rtol=self.tol.fd_rtol, atol=self.tol.fd_atol) | self.at_kink

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
        """Computed, and no entry fails (kinks agree with autograd, which is enough)."""
        return bool(self.formula is not None and np.all(self.status != "fail"))

    @property
    def local_passed(self) -> bool:
        """Does the rule alone, fed autograd's δ, agree with autograd everywhere?"""
        if self.local is None:
            return False
        return bool(np.all(self.agrees(self.local)))

    @property
    def abs_error(self) -> np.ndarray:
        """|formula − autograd| per entry (NaN when the rule failed)."""
        if self.formula is None:
            return np.full(self.autograd.shape, np.nan)
        return np.abs(self.formula - self.autograd)

    @property
    def rel_error(self) -> np.ndarray:
        """|formula − autograd| / |autograd| per entry (0 where they agree exactly)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = self.abs_error / np.abs(self.autograd)
        return np.where(self.abs_error == 0.0, 0.0, rel)

    def names(self) -> list[tuple[str, int | None]]:
        """Each entry's name in the notes' notation and its sample (1-based; None for summed gradients)."""
        l = self.layer
        rows, cols = self.autograd.shape if self.autograd.ndim == 2 else (1, self.autograd.size)
        if self.kind is Kind.DELTA:
            return [(label("δ", l, j), s) for s in range(1, rows + 1) for j in range(1, cols + 1)]
        if self.kind is Kind.WEIGHT:
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
        """The quantity as plain data: verdict, diagnosis, largest errors, every entry."""
        return {
            "quantity": self.symbol,
            "kind": self.kind.value,
            "layer": self.layer,
            "passed": self.passed,
            "inherited": self.inherited,
            "diagnosis": self.diagnosis,
            "problem": self.problem,
            "max_abs_error": float(np.nanmax(self.abs_error)) if self.formula is not None else None,
            "max_rel_error": float(np.nanmax(self.rel_error)) if self.formula is not None else None,
            "entries": self.entries(),
        }
