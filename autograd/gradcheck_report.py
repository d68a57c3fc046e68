"""What ``gradcheck`` found: one entry per derivative, analytical beside numerical, as text or data."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


class GradcheckError(AssertionError):
    """Raised by ``gradcheck(..., raise_on_failure=True)``; the message is the whole report."""


@dataclass(frozen=True)
class GradcheckEntry:
    """One derivative ``∂output/∂input``: analytical (autograd) against numerical (differences)."""

    name: str
    analytical: float
    numerical: float | None
    status: str  # "ok", "fail", "kink" (not differentiable within ±eps) or "undefined" (f raised)
    note: str = ""

    @property
    def abs_error(self) -> float:
        """|analytical − numerical| (NaN when f could not be evaluated)."""
        return math.nan if self.numerical is None else abs(self.analytical - self.numerical)

    @property
    def rel_error(self) -> float:
        """|Δ| / |numerical| (0 when they agree exactly; NaN when f could not be evaluated)."""
        if self.numerical is None:
            return math.nan
        return 0.0 if self.abs_error == 0.0 else self.abs_error / max(abs(self.numerical), 1e-300)


@dataclass
class GradcheckReport:
    """Every derivative checked, whether it passed, and which op rules look wrong. Truthy when passed."""

    entries: list[GradcheckEntry]
    eps: float
    atol: float
    rtol: float
    suspects: list[str]
    order: int = 1

    @property
    def passed(self) -> bool:
        """Every derivative agrees, or sits at a kink where differences cannot check it."""
        return all(e.status in ("ok", "kink") for e in self.entries)

    def __bool__(self) -> bool:
        return self.passed

    @property
    def failures(self) -> list[GradcheckEntry]:
        """The entries that disagree, or where f raised."""
        return [e for e in self.entries if e.status in ("fail", "undefined")]

    @property
    def kinks(self) -> list[GradcheckEntry]:
        """The entries not checkable by differences: a kink within ±eps."""
        return [e for e in self.entries if e.status == "kink"]

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data for JSON (non-finite numbers become None)."""

        def num(x: float | None) -> float | None:
            return None if x is None or not math.isfinite(x) else x

        return {
            "passed": self.passed,
            "order": self.order,
            "eps": self.eps,
            "atol": self.atol,
            "rtol": self.rtol,
            "suspects": list(self.suspects),
            "entries": [
                {
                    "name": e.name,
                    "analytical": num(e.analytical),
                    "numerical": num(e.numerical),
                    "abs_error": num(e.abs_error),
                    "rel_error": num(e.rel_error),
                    "status": e.status,
                    "note": e.note,
                }
                for e in self.entries
            ],
        }

    def __str__(self) -> str:
        what = ("derivative" if self.order == 1 else "second derivative") + ("" if len(self.entries) == 1 else "s")
        bad, n = len(self.failures), len(self.entries)
        counted = (
            f"{bad} of {n} {what} {'disagrees' if bad == 1 else 'disagree'}"
            if bad
            else f"{n} {what} " + ("agrees" if n == 1 else "agree")
        )
        name = "gradcheck" if self.order == 1 else "gradgradcheck"
        head = f"{name} {'passed' if self.passed else 'FAILED'}: {counted} with central differences"
        rule = (
            f"  (float64, eps = {self.eps:g}; "
            f"pass when |analytical − numerical| ≤ {self.atol:g} + {self.rtol:g}·|numerical|)"
        )
        rows = [["derivative", "analytical", "numerical", "|Δ|", "rel", "status"]]
        for e in self.entries:
            num = "—" if e.numerical is None else f"{e.numerical + 0.0:.12g}"  # + 0.0: no "-0"
            errors = ["—", "—"] if e.numerical is None else [f"{e.abs_error:.1e}", f"{e.rel_error:.1e}"]
            status = {"ok": "ok", "fail": "FAIL"}.get(e.status, e.status) + (f": {e.note}" if e.note else "")
            rows.append([e.name, f"{e.analytical + 0.0:.12g}", num, *errors, status])
        widths = [max(len(r[c]) for r in rows) for c in range(5)]
        lines = [head, rule] + ["  " + "  ".join([*(r[c].ljust(widths[c]) for c in range(5)), r[5]]) for r in rows]
        if self.suspects:
            lines.append("Derivative rules that disagree with finite differences of their own op:")
            lines += [f"  • {s}" for s in self.suspects]
        return "\n".join(lines)


# --- helpers -------------------------------------------------------------------
