"""A ``DeltaReport`` for people: a terminal table (colour only on request) and HTML for Jupyter.

One summary row per layer and quantity (output first, as the notes go), then
the diagnoses in words, then the failing entries with the three values side by
side. Full precision stays in ``to_dict()``; tables show 6 significant digits.
"""

from __future__ import annotations

import html
from typing import Protocol

import numpy as np

from nn.deltacheck.layouts import LAYOUTS
from nn.deltacheck.quantity import Quantity, Tolerances
from nn.deltacheck.rules import Rules


class ReportLike(Protocol):
    """What rendering reads of a ``DeltaReport`` (declared here, so that ``render`` need not import ``report``)."""

    quantities: list[Quantity]
    diagnoses: list[str]
    rules: Rules
    loss: str
    model: str
    n_samples: int
    tolerances: Tolerances
    reduction: str
    l2: float
    checked: str | None
    layout: str

    @property
    def passed(self) -> bool:
        """Every quantity agrees."""

    @property
    def first_failing_layer(self) -> int | None:
        """The first layer from the output where the formulas diverge, or None."""


MAX_ENTRIES = 12
_ANSI = {"ok": "\033[32m", "fail": "\033[1;31m", "kink": "\033[33m"}


def _fmt(x: float | None, spec: str = ".6g") -> str:
    return "—" if x is None or (isinstance(x, float) and np.isnan(x)) else format(x + 0.0, spec)  # no "-0"


def _summary(q: Quantity) -> dict[str, str]:
    status = q.status
    kinks = int(np.sum(status == "kink"))
    if q.finite_difference is None:
        fd = "—"
    elif q.formula is None:
        fd = "not compared"
    else:
        fd = f"{int(np.sum(q.fd_ok & ~q.at_kink))}/{status.size} agree" + (f", {kinks} at kinks" if kinks else "")
    if q.passed:
        result = "ok"
    elif q.inherited:
        result = "FAIL (inherited)"
    else:
        shape = any(w in (q.local_problem or q.problem or "") for w in ("shape", "broadcast", "matmul", "aligned"))
        result = ("FAIL (shape)" if shape else "FAIL (no numbers)") if q.formula is None and q.local is None else "FAIL"
    computed = q.formula is not None
    return {
        "layer": str(q.layer),
        "quantity": q.symbol,
        "entries": str(status.size),
        "failing": str(int(np.sum(status == "fail"))) if computed else "all",
        "max |Δ|": _fmt(float(np.max(q.abs_error)), ".1e") if computed else "—",
        "max rel": _fmt(float(np.max(q.rel_error)), ".1e") if computed else "—",
        "finite diff.": fd,
        "result": result,
    }


def _header(report: ReportLike) -> list[str]:
    verdict = "passed" if report.passed else "FAILED"
    first = report.first_failing_layer
    lines = [
        f"δ-check {verdict}" + (f" — first failing layer (counting from the output): {first}" if first else ""),
        f"network: {report.model}",
        f"loss: {report.loss}, {'summed' if report.reduction == 'sum' else 'averaged'} over {report.n_samples} samples"
        + (f" + {report.l2:g}·ΣW²" if report.l2 else "")
        + " · "
        + (
            f"checked: {report.checked}"
            if report.checked
            else f"rules: {report.rules.name} ({report.rules.description})"
        ),
        f"tolerances: {report.tolerances.describe()}",
    ]
    if report.layout != "notes":
        lines.append(LAYOUTS[report.layout].entry_note())
    return lines


def _failing_rows(report: ReportLike) -> tuple[list[list[str]], int]:
    rows, total = [], 0
    for q in report.quantities:
        if q.formula is None:
            total += 1
            if len(rows) < MAX_ENTRIES:
                rows.append([q.symbol, "", "not computed", "", "", "", "", q.problem or ""])
            continue
        for e in q.entries():
            if e["status"] != "fail":
                continue
            total += 1
            if len(rows) < MAX_ENTRIES:
                rows.append(
                    [
                        e["name"],
                        str(e["sample"] or "Σ"),
                        _fmt(e["formula"]),
                        _fmt(e["autograd"]),
                        _fmt(e["finite_difference"]),
                        _fmt(e["abs_error"], ".1e"),
                        _fmt(e["rel_error"], ".1e"),
                        "",
                    ]
                )
    return rows, total


def _table(head: list[str], rows: list[list[str]], colour_of: list[str | None] | None = None) -> list[str]:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip()]
    for k, row in enumerate(rows):
        cells = [c.ljust(w) for c, w in zip(row, widths, strict=True)]
        colour = colour_of[k] if colour_of else None
        if colour:
            cells[-1] = f"{_ANSI[colour]}{row[-1]}\033[0m"
        lines.append("  ".join(cells).rstrip())
    return lines


def _colour(result: str) -> str:
    return "ok" if result == "ok" else "fail"


def render_text(report: ReportLike, color: bool = False) -> str:
    """The report as a plain-text table (ANSI colours on the result column when ``color``)."""
    summaries = [_summary(q) for q in report.quantities]
    head = list(summaries[0])
    rows = [list(s.values()) for s in summaries]
    colours = [_colour(s["result"]) for s in summaries] if color else None
    lines = [*_header(report), "", *_table(head, rows, colours)]
    if report.diagnoses:
        lines += ["", "Diagnosis:"] + [f"  • {d}" for d in report.diagnoses]
    failing, total = _failing_rows(report)
    if failing:
        more = f" (first {len(failing)} of {total}; to_dict() has all)" if total > len(failing) else ""
        lines += ["", f"Failing entries{more}:"]
        head = ["entry", "sample", "formula", "autograd", "finite diff.", "|Δ|", "rel", "problem"]
        lines += ["  " + line for line in _table(head, failing)]
    return "\n".join(lines)


def render_html(report: ReportLike) -> str:
    """The report as an HTML fragment (what Jupyter shows for ``_repr_html_``)."""
    e = html.escape
    colours = {"ok": "#1a7f37", "fail": "#cf222e"}
    summaries = [_summary(q) for q in report.quantities]
    head = "".join(f"<th>{e(h)}</th>" for h in summaries[0])
    body = "".join(
        "<tr>"
        + "".join(f"<td>{e(v)}</td>" for v in list(s.values())[:-1])
        + f'<td style="color:{colours[_colour(s["result"])]};font-weight:bold">{e(s["result"])}</td></tr>'
        for s in summaries
    )
    header = _header(report)
    parts = [
        '<div class="deltagrad-report">',
        f'<p style="font-weight:bold;color:{colours["ok" if report.passed else "fail"]}">{e(header[0])}</p>',
        "<p>" + "<br>".join(e(line) for line in header[1:]) + "</p>",
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
    ]
    if report.diagnoses:
        parts.append("<p><b>Diagnosis</b></p><ul>" + "".join(f"<li>{e(d)}</li>" for d in report.diagnoses) + "</ul>")
    failing, total = _failing_rows(report)
    if failing:
        cols = ["entry", "sample", "formula", "autograd", "finite diff.", "|Δ|", "rel", "problem"]
        rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in failing)
        parts.append(f"<p><b>Failing entries</b> ({len(failing)} of {total})</p>")
        parts.append(f"<table><thead><tr>{''.join(f'<th>{e(c)}</th>' for c in cols)}</tr></thead>{rows}</table>")
    parts.append("</div>")
    return "\n".join(parts)
