"""The pictures as a learner sees them, in a real browser: they fit the page, keep their tooltips, and the
step-through's frames keep every node in place. Both for pages made now from the code, and for the
notebooks as saved (rendered to HTML by nbconvert, as a reader of the static notebook sees them)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nn
from tests.visualize.conftest import tanh_graph
from visualize import draw, step_through

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

FIGURES = """
return [...document.querySelectorAll("svg")].filter(s => s.querySelector("g.node")).map(svg => {
  const box = svg.getBoundingClientRect();
  const nodes = [...svg.querySelectorAll("g.node")];
  const tipped = nodes.filter(g => [...g.querySelectorAll("a")].some(a =>
      (a.getAttribute("xlink:title") || a.getAttribute("title") || "").trim().length > 0));
  return {right: box.right, width: box.width, page: document.documentElement.clientWidth,
          nodes: nodes.length, tipped: tipped.length, inline: !!svg.closest("div.deltagrad-figure")};
});
"""

FRAME_POSITIONS = """
const player = document.querySelectorAll("div.deltagrad-player")[arguments[0]];
const frames = [...player.querySelectorAll(":scope > div.deltagrad-frame")];
const seen = [];
frames.forEach((frame, k) => {
  frames.forEach((f, i) => { f.style.display = i === k ? "" : "none"; });
  const svg = frame.querySelector("svg"), at = {};
  svg.querySelectorAll("g.node").forEach(g => {
    const b = g.getBBox(); at[g.querySelector("title").textContent] = [Math.round(b.x), Math.round(b.y)];
  });
  seen.push({at: at, width: svg.viewBox.baseVal.width, height: svg.viewBox.baseVal.height});
});
return seen;
"""


def _page(tmp_path: Path, body: str) -> str:
    path = tmp_path / "page.html"
    path.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="width:900px">{body}</body></html>'
    )
    return path.as_uri()


def _check_figures(browser, expect_inline: bool = True) -> list[dict]:
    figures = browser.execute_script(FIGURES)
    assert figures, "no graph on the page"
    for f in figures:
        assert f["right"] <= f["page"] + 1, f"a graph overflows the page: {f}"
        assert f["tipped"] == f["nodes"], f"{f['nodes'] - f['tipped']} nodes have no tooltip"
        assert f["inline"] or not expect_inline, "a graph is an <img> or a bare SVG, not the inline figure"
    return figures


def _check_frames(browser, player: int = 0) -> None:
    frames = browser.execute_script(FRAME_POSITIONS, player)
    assert len(frames) > 1
    for k, frame in enumerate(frames[1:], start=1):
        assert frame["at"] == frames[0]["at"], f"frame {k} moved nodes"
        assert abs(frame["width"] - frames[0]["width"]) <= 3 and abs(frame["height"] - frames[0]["height"]) <= 3


def _erratum_report() -> nn.DeltaReport:
    model = nn.MLP(2, [3, 3, 2], activation="relu", bias=False, seed=25)
    X = np.array([[1.0, -0.5], [0.5, 0.8], [-1.0, -1.0]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, -0.5]])
    return nn.check_deltas(model, X, Y, rules="missing-factor-2")


def test_a_big_graph_fits_the_page_keeps_its_tooltips_and_zooms(browser, tmp_path: Path) -> None:
    report = _erratum_report()
    figure = draw(report.sample_loss(1), collapse=True, annotations=report.annotations(1))
    browser.get(_page(tmp_path, figure._repr_mimebundle_()["text/html"]))
    (shown,) = _check_figures(browser)
    assert shown["width"] <= 900 + 1
    before = browser.execute_script('return document.querySelector("div.deltagrad-figure svg").getAttribute("viewBox")')
    browser.execute_script('document.querySelector("div.deltagrad-zoom button").click()')  # "+"
    after = browser.execute_script('return document.querySelector("div.deltagrad-figure svg").getAttribute("viewBox")')
    assert after != before, "the zoom button changes the view"


def test_the_step_through_plays_and_keeps_its_nodes_in_place(browser, tmp_path: Path) -> None:
    loss = tanh_graph()
    browser.get(_page(tmp_path, step_through(loss)._repr_html_()))
    shown = browser.execute_script(
        "return [...document.querySelectorAll('div.deltagrad-frame')].map(f => f.style.display !== 'none')"
    )
    assert shown.count(True) == 1 and shown[0], "one frame at a time, the seed first"
    browser.execute_script("document.querySelectorAll('div.deltagrad-controls button')[2].click()")  # one step on
    shown = browser.execute_script(
        "return [...document.querySelectorAll('div.deltagrad-frame')].map(f => f.style.display !== 'none')"
    )
    assert shown.index(True) == 1
    bar = browser.execute_script("return document.querySelector('div.deltagrad-controls span').textContent")
    assert bar.startswith("step 1 of 3: L passes its grad"), bar
    assert browser.execute_script("return document.querySelectorAll('div.deltagrad-static-note').length") == 0
    captions = browser.execute_script(
        "return [...document.querySelectorAll('div.deltagrad-caption')].map(c => c.offsetHeight)"
    )
    assert captions and not any(captions), "the bar shows the caption; the frames' own (for no scripts) hide"
    bar = "return document.querySelector('div.deltagrad-controls').getBoundingClientRect().height"
    wide = browser.execute_script(bar)
    browser.execute_script("document.body.style.width = '420px'")  # a narrow cell
    tops = []
    for _ in range(4):
        assert browser.execute_script(bar) == wide, "the bar stays one line: a caption never pushes the picture"
        tops.append(
            browser.execute_script(
                "return [...document.querySelectorAll('div.deltagrad-frame')].filter(f => f.style.display !== 'none')"
                "[0].getBoundingClientRect().top"
            )
        )
        browser.execute_script("document.querySelectorAll('div.deltagrad-controls button')[2].click()")
    browser.execute_script("document.body.style.width = '900px'")
    assert len(set(tops)) == 1, f"the frames move as the captions change: {tops}"
    _check_figures(browser)
    _check_frames(browser)


def _notebook_page(name: str, tmp_path: Path) -> str:
    nbformat = pytest.importorskip("nbformat")
    nbconvert = pytest.importorskip("nbconvert")
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    body, _ = nbconvert.HTMLExporter(template_name="lab").from_notebook_node(notebook)
    path = tmp_path / name.replace(".ipynb", ".html")
    path.write_text(body)
    return path.as_uri()


@pytest.mark.parametrize("name", ["01-values-and-graphs.ipynb", "02-the-delta-equations.ipynb"])
def test_the_saved_notebooks_show_fitting_graphs_with_tooltips(browser, tmp_path: Path, name: str) -> None:
    browser.get(_notebook_page(name, tmp_path))
    figures = _check_figures(browser, expect_inline=False)
    assert all(f["inline"] for f in figures), "every graph of the notebook is an inline figure"
    if name.startswith("01"):
        assert browser.execute_script("return document.querySelectorAll('div.deltagrad-player').length") == 1
        _check_frames(browser)


UNTRUSTED = """
return [...document.querySelectorAll("img.deltagrad-svg")].map(img => {
  const box = img.getBoundingClientRect();
  return {loaded: img.complete && img.naturalWidth > 0, right: box.right, width: box.width, natural: img.naturalWidth,
          visible: box.width > 0 && box.height > 0, page: document.documentElement.clientWidth};
});
"""


def test_what_an_untrusted_notebook_shows_fits_the_page(browser, tmp_path: Path) -> None:
    """After JupyterLab's sanitizer (emulated): the pictures load, fit, and the player shows its two ends."""
    from tests.visualize.sanitizer import emulate, text_of

    report = _erratum_report()
    big = draw(report.sample_loss(1), collapse=True, annotations=report.annotations(1))._repr_mimebundle_()
    player = step_through(tanh_graph())._repr_html_()
    clean = emulate(big["text/html"] + player)
    assert "<script" not in clean and "<svg" not in clean
    browser.get(_page(tmp_path, clean))
    pictures = browser.execute_script(UNTRUSTED)
    assert pictures and all(p["loaded"] for p in pictures), "every data: picture decodes and loads"
    shown = [p for p in pictures if p["visible"]]
    assert len(shown) == 1 + 2, "the big graph, and the player's first and last frames"
    for p in shown:
        assert p["right"] <= p["page"] + 1, f"a picture overflows the page: {p}"
    assert shown[0]["natural"] > shown[0]["width"], "the big graph is shrunk to the page, not clipped"
    assert "the first and the last" in text_of(clean)
