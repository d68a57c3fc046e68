"""How a training ``History`` looks in Jupyter: a small inline plot and a few numbers, never a dump.

Loss (blue, left scale) and accuracy (orange, right scale, 0–100 %) per epoch,
drawn as one self-contained SVG (no plotting library), then a table of the
first and last epochs. ``nn.plot.plot_history`` draws the same with matplotlib.
The plot is an ``<img>`` with the SVG as a ``data:`` URI, because a notebook's
sanitizer (an untrusted notebook in JupyterLab or Notebook 7) drops inline
``<svg>`` and keeps its text; the image's title carries the curves' summary.
"""

from __future__ import annotations

import base64
import html
from typing import Protocol

LOSS_COLOR, ACCURACY_COLOR = "#0072b2", "#e69f00"  # Okabe–Ito blue and orange
WIDTH, HEIGHT, PAD = 360.0, 120.0, 34.0


class HistoryLike(Protocol):
    loss: list[float]
    accuracy: list[float]
    steps: int


def _points(values: list[float], low: float, high: float) -> str:
    n = len(values)
    span = (high - low) or 1.0
    xs = [PAD + (WIDTH - 2 * PAD) * (k / (n - 1) if n > 1 else 0.5) for k in range(n)]
    ys = [HEIGHT - PAD / 2 - (HEIGHT - PAD) * (v - low) / span for v in values]
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys, strict=True))


def plot_svg(history: HistoryLike) -> str:
    """The loss and accuracy curves as an SVG element (with a <title> per curve for tooltips)."""
    low, high = min(history.loss), max(history.loss)
    top, bottom = PAD / 2, HEIGHT - PAD / 2
    n = len(history.loss)
    text = 'font-family="sans-serif" font-size="10"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:g}" height="{HEIGHT:g}" '
        f'viewBox="0 0 {WIDTH:g} {HEIGHT:g}" style="max-width:100%;height:auto">'
        f'<rect x="{PAD}" y="{top}" width="{WIDTH - 2 * PAD}" height="{bottom - top}" fill="none" stroke="#ccc"/>'
        f'<polyline fill="none" stroke="{LOSS_COLOR}" stroke-width="2" points="{_points(history.loss, low, high)}">'
        f"<title>mean loss per epoch: {history.loss[0]:.4g} → {history.loss[-1]:.4g}</title></polyline>"
        f'<polyline fill="none" stroke="{ACCURACY_COLOR}" stroke-width="2" stroke-dasharray="5,3" '
        f'points="{_points(history.accuracy, 0.0, 1.0)}">'
        f"<title>accuracy per epoch: {history.accuracy[0]:.1%} → {history.accuracy[-1]:.1%}</title></polyline>"
        f'<text x="{PAD - 4}" y="{top + 8}" text-anchor="end" fill="{LOSS_COLOR}" {text}>{high:.3g}</text>'
        f'<text x="{PAD - 4}" y="{bottom}" text-anchor="end" fill="{LOSS_COLOR}" {text}>{low:.3g}</text>'
        f'<text x="{WIDTH - PAD + 4}" y="{top + 8}" fill="{ACCURACY_COLOR}" {text}>100%</text>'
        f'<text x="{WIDTH - PAD + 4}" y="{bottom}" fill="{ACCURACY_COLOR}" {text}>0%</text>'
        f'<text x="{PAD}" y="{HEIGHT - 2}" {text}>epoch 1</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 2}" text-anchor="end" {text}>{n}</text>'
        f'<text x="{WIDTH / 2}" y="{top - 4}" text-anchor="middle" {text}>'
        f'<tspan fill="{LOSS_COLOR}">— loss</tspan>  <tspan fill="{ACCURACY_COLOR}">- - accuracy</tspan></text>'
        "</svg>"
    )


def plot_image(history: HistoryLike) -> str:
    """The plot as an ``<img>`` (its SVG base64 in a ``data:`` URI), ``max-width:100%``, the summary as its title."""
    summary = (
        f"mean loss per epoch {history.loss[0]:.4g} → {history.loss[-1]:.4g}; "
        f"accuracy {history.accuracy[0]:.1%} → {history.accuracy[-1]:.1%}"
    )
    data = base64.b64encode(plot_svg(history).encode("utf-8")).decode("ascii")
    return (
        f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(summary)}" title="{html.escape(summary)}" '
        f'width="{WIDTH:g}" height="{HEIGHT:g}" style="max-width:100%;height:auto">'
    )


def history_html(history: HistoryLike, shown: int = 3) -> str:
    """The plot and a table of the first and last ``shown`` epochs."""
    n = len(history.loss)
    if n == 0:
        return "<p>History: no epochs yet</p>"
    picked = list(range(n)) if n <= 2 * shown else [*range(shown), None, *range(n - shown, n)]
    rows = "".join(
        "<tr><td>…</td><td></td><td></td></tr>"
        if k is None
        else f"<tr><td>{k + 1}</td><td>{history.loss[k]:.4g}</td><td>{history.accuracy[k]:.1%}</td></tr>"
        for k in picked
    )
    head = html.escape(f"{n} epochs, {history.steps} optimizer steps")
    return (
        f'<div style="display:flex;gap:16px;align-items:flex-start"><div>{plot_image(history)}</div>'
        f"<div><p>{head}</p><table><thead><tr><th>epoch</th><th>mean loss</th><th>accuracy</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div></div>"
    )
