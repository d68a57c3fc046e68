"""What ``check_derivative`` found: one row per point, the diagnoses, and how to show them.

``DerivativeReport`` is truthy data (``passed``, ``diagnoses``, ``points``) that prints
as a table in a terminal, renders as HTML in Jupyter and turns into plain data
with ``to_dict()`` (the command line's ``--json``).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

from autograd.formula.function import Formula


@dataclass(frozen=True)
class Tolerances:
    """When two numbers count as equal: ``|a − b| ≤ atol + rtol·|b|``.

    The claim is compared with autograd (both exact up to rounding); autograd with
    4th-order central differences, whose error is larger (and larger again for order 2).
    """

    atol: float = 1e-9
    rtol: float = 1e-7
    fd_atol: float = 1e-6
    fd_rtol: float = 1e-5

    def close(self, a: float, b: float) -> bool:
        return abs(a - b) <= self.atol + self.rtol * abs(b)

    def fd_close(self, a: float, b: float, order: int = 1) -> bool:
        scale = 1.0 if order == 1 else 100.0
        return abs(a - b) <= scale * (self.fd_atol + self.fd_rtol * abs(b))


@dataclass
class Inner:
    """A part u of f that depends on wrt: its text and, per point, its value and ∂u/∂wrt."""

    text: str
    values: list[float]
    slopes: list[float]


@dataclass
class Point:
    """One point: the claim's value (or why it has none), autograd's, finite differences', a kink if any."""

    values: dict[str, float]
    claim: float | None
    claim_problem: str | None
    autograd: float
    finite_difference: float | None
    kink: str | None
    sides: tuple[float, float] | None
    tol: Tolerances

    @property
    def agrees(self) -> bool:
        return self.claim is not None and self.tol.close(self.claim, self.autograd)

    @property
    def counted(self) -> bool:
        """Whether the point counts: at a kink the derivative is not defined."""
        return self.kink is None

    @property
    def engine_agrees(self) -> bool:
        """autograd against finite differences (True where there are none, or at a kink)."""
        return (
            self.finite_difference is None
            or self.kink is not None
            or self.tol.fd_close(self.finite_difference, self.autograd, 1)
        )

    def where(self) -> str:
        return ", ".join(f"{k} = {v:g}" for k, v in self.values.items())

    def result(self) -> str:
        if self.kink:
            return "kink (not counted)"
        if self.claim is None:
            return "FAIL (claim undefined)"
        return "ok" if self.agrees else "FAIL"

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.values,
            "claim": self.claim,
            "claim_problem": self.claim_problem,
            "autograd": self.autograd,
            "finite_difference": self.finite_difference,
            "kink": self.kink,
            "result": self.result(),
        }


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x + 0.0:.9g}"  # + 0.0: no "-0"


@dataclass
class DerivativeReport:
    """The verdict on a claimed derivative.

    Attributes:
        passed: True when the claim agrees with autograd at every counted point.
        diagnoses: sentences naming what is wrong (empty when it passed and nothing is odd).
        points: one ``Point`` per point checked, the user's first.
    """

    f: Formula
    claim: Formula
    wrt: str
    order: int
    points: list[Point]
    diagnoses: list[str]
    tolerances: Tolerances

    @property
    def counted(self) -> list[Point]:
        return [p for p in self.points if p.counted]

    @property
    def passed(self) -> bool:
        counted = self.counted
        return bool(counted) and all(p.agrees for p in counted)

    def __bool__(self) -> bool:
        return self.passed

    def title(self) -> str:
        d = "∂" if self.order == 1 else "∂²"
        by = f"∂{self.wrt}" if self.order == 1 else f"∂{self.wrt}²"
        verdict = "holds" if self.passed else "FAILS"
        n, ok = len(self.counted), sum(p.agrees for p in self.counted)
        return f"{d}f/{by} = {self.claim.shown()}  {verdict}: {ok} of {n} points agree with autograd"

    def rows(self) -> list[list[str]]:
        header = ["at", "claim", "autograd", "finite diff.", "result"]
        return [header] + [
            [p.where(), _num(p.claim), _num(p.autograd), _num(p.finite_difference), p.result()] for p in self.points
        ]

    def __str__(self) -> str:
        rows = self.rows()
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        table = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
        lines = [self.title(), f"f = {self.f.shown()}", *table]
        if self.diagnoses:
            lines += ["", "Diagnosis:", *(f"  • {d}" for d in self.diagnoses)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<DerivativeReport {'passed' if self.passed else 'FAILED'}: {self.claim.shown()}>"

    def _repr_html_(self) -> str:
        e = html.escape
        colour = "#1a7f37" if self.passed else "#cf222e"
        rows = self.rows()
        head = "".join(f"<th>{e(c)}</th>" for c in rows[0])
        body = "".join(
            "<tr>" + "".join(f"<td>{e(c)}</td>" for c in r[:-1])
            + f'<td style="color:{"#1a7f37" if r[-1] == "ok" else "#9a6700" if "kink" in r[-1] else "#cf222e"}">'
            + f"{e(r[-1])}</td></tr>"
            for r in rows[1:]
        )  # fmt: skip
        items = "".join(f"<li>{e(d)}</li>" for d in self.diagnoses)
        return (
            f'<div><p style="color:{colour}"><b>{e(self.title())}</b></p><p>f = <code>{e(self.f.shown())}</code></p>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            + (f"<p>Diagnosis:</p><ul>{items}</ul>" if items else "")
            + "</div>"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "f": self.f.text,
            "f_read_as": self.f.shown(),
            "wrt": self.wrt,
            "order": self.order,
            "claim": self.claim.text,
            "claim_read_as": self.claim.shown(),
            "claim_syntax": self.claim.syntax,
            "points": [p.to_dict() for p in self.points],
            "diagnoses": list(self.diagnoses),
            "tolerances": vars(self.tolerances),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)
