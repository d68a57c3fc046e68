"""Notebook displays: one palette everywhere, reports and histories as tables and plots, not dumps."""

from __future__ import annotations

import base64
import re

import numpy as np

import nn
from autograd import Value, gradcheck
from autograd import gradcheck_report as gradcheck_html
from nn.deltacheck import render as report_html
from nn.deltacheck import report as delta_report
from tests.visualize.conftest import needs_dot
from visualize import draw
from visualize.palette import STATUS_COLORS


def test_every_html_report_uses_the_drawings_palette() -> None:
    assert delta_report.STATUS_COLORS == STATUS_COLORS, "the δ check's annotations colour as visualize draws"
    for colours in (gradcheck_html.HTML_COLORS, report_html.HTML_COLORS):
        assert colours["ok"] == STATUS_COLORS["ok"] and colours["fail"] == STATUS_COLORS["fail"]
    assert gradcheck_html.HTML_COLORS["kink"] == STATUS_COLORS["kink"]


def test_a_gradcheck_report_is_a_table_with_glyphs() -> None:
    x = Value(0.7, label="x_1")
    good = gradcheck(lambda x: x.tanh(), [x])._repr_html_()
    assert "<table" in good and "✓ ok" in good and STATUS_COLORS["ok"] in good and "∂f/∂x₁" in good
    relu = gradcheck(lambda x: x.relu(), [Value(0.0, label="x")])._repr_html_()
    assert "~ kink" in relu


def test_a_delta_report_typesets_its_quantities() -> None:
    model = nn.MLP(2, [3, 2], seed=1)
    report = nn.check_deltas(model, [[0.5, -1.0]], [[1.0, 0.0]], rules="missing-factor-2")
    page = report._repr_html_()
    assert "δ⁽²⁾" in page and "δ^(2)" not in page and "✗" in page and STATUS_COLORS["fail"] in page


def test_a_history_is_a_plot_and_a_few_numbers() -> None:
    X, y = nn.moons(30, seed=0)
    history = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=12, progress=False)
    text = repr(history)
    assert text.startswith("History(12 epochs") and "→" in text and len(text) < 150, "a summary, not a dump"
    page = history._repr_html_()
    (plot,) = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', page)
    plot = base64.b64decode(plot).decode()
    assert plot.count("<polyline") == 2 and "<title>" in plot and "<svg" not in page, "a picture, not inline SVG"
    assert page.count("<tr>") == 1 + 3 + 1 + 3, "header, the first three epochs, …, the last three"


def test_an_mlp_and_a_value_show_the_notes_notation() -> None:
    page = nn.MLP(2, [3, 1], seed=0)._repr_html_()
    assert "W⁽¹⁾: 2 × 3" in page and "b⁽²⁾: 1" in page and "linear (output)" in page
    assert "<b>w⁽¹⁾₂₁</b>" in Value(0.5, label="w^(1)_21")._repr_html_()


@needs_dot
def test_a_drawing_offers_inline_html_and_keeps_the_svg() -> None:
    root = Value(2.0, label="x") * Value(np.float64(3.0), label="y")
    root.backward()
    bundle = draw(root)._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    page = bundle["text/html"]
    (picture,) = re.findall(r'<img class="deltagrad-svg" src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert base64.b64decode(picture).decode() == bundle["image/svg+xml"], "the picture is the SVG, whole"
    assert 'style="max-width:100%;height:auto;display:block"' in page and "<script>" in page
    assert "<svg" not in page, "inline SVG only where the script runs (a sanitizer turns it into raw text)"
    assert "http://" not in page.replace(picture, "") and "cdn" not in page.lower(), "self-contained"
