"""Every notebook display as an untrusted notebook shows it, after JupyterLab's sanitizer.

An untrusted notebook (a download, a clone: outputs not made or trusted here) keeps no script, no
style sheet and no inline SVG (its text stays, as a paragraph of raw labels). The pictures must
still be there, fit the cell, and say nothing wrong; the step-through shows its first and last
frames. The emulation of the sanitizer is checked against the installed JupyterLab's own code
where Node can run it.
"""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest

import nn
from autograd import Value, check_derivative, gradcheck
from tests.visualize import sanitizer
from tests.visualize.conftest import needs_dot, tanh_graph
from visualize import draw, step_through
from visualize.html import figure_html, player_html

SVG = (
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<svg width="968pt" height="300pt" '
    'viewBox="0.00 0.00 968.00 300.00" xmlns="http://www.w3.org/2000/svg"><g id="graph0" class="graph">'
    '<title>deltagrad</title><g id="node1" class="node"><title>v0</title><text>a⁽¹⁾₁ = 0.5</text></g></g></svg>'
)


def _images(markup: str) -> list[dict[str, str]]:
    return [dict(e[2]) for e in sanitizer.parse(markup) if e[0] == "start" and e[1] == "img"]


def _decoded(image: dict[str, str]) -> str:
    head, _, data = image["src"].partition(",")
    assert head == "data:image/svg+xml;base64", head
    return base64.b64decode(data).decode("utf-8")


def _displays() -> dict[str, str]:
    """The HTML of every kind of notebook display deltagrad has (drawings need Graphviz)."""
    model = nn.MLP(2, [3, 2], seed=1)
    X, y = nn.moons(30, seed=0)
    shown = {
        "Value": Value(0.5, label="w^(1)_21")._repr_html_(),
        "MLP": nn.MLP(2, [3, 1], seed=0)._repr_html_(),
        "History": nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=12, progress=False)._repr_html_(),
        "GradcheckReport": gradcheck(lambda x: x.tanh(), [Value(0.7, label="x_1")])._repr_html_(),
        "DeltaReport": nn.check_deltas(model, [[0.5, -1.0]], [[1.0, 0.0]], rules="missing-factor-2")._repr_html_(),
        "DerivativeReport": check_derivative("x**3", "x", "3*x")._repr_html_(),
        "figure": figure_html(SVG, caption="a caption"),
        "player": player_html([SVG, SVG, SVG, SVG], ["step 0 of 3", "step 1 of 3", "step 2 of 3", "step 3 of 3"]),
    }
    return shown


def test_the_emulated_sanitizer_drops_what_jupyterlab_drops() -> None:
    page = (
        '<div id="x" style="max-width:100%;position:fixed;color:#333"><style>p{}</style><script>alert(1)</script>'
        '<svg width="5pt"><title>tip</title><text>label</text></svg><a href="javascript:alert(1)">link</a>'
        '<img src="data:image/svg+xml;base64,AA" style="max-width:100%;height:auto" onerror="x()"></div>'
    )
    clean = sanitizer.emulate(page)
    assert "<script" not in clean and "alert(1)" not in clean and "<style" not in clean and "p{}" not in clean
    assert "<svg" not in clean and "tiplabel" in clean, "an inline SVG's tags go, its text stays"
    assert 'data-jupyter-id="x"' in clean and 'style="max-width:100%;color:#333"' in clean
    assert "javascript:" not in clean and "onerror" not in clean
    assert _images(clean) == [{"src": "data:image/svg+xml;base64,AA", "style": "max-width:100%;height:auto"}]


@pytest.mark.skipif(sanitizer.why_no_real() is not None, reason=str(sanitizer.why_no_real()))
def test_the_emulation_is_the_installed_jupyterlab_sanitizer() -> None:
    tricky = [
        '<div id="q" style="font:13px sans-serif;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;'
        'position:fixed;display:none">x<svg><title>t</title><g><text>y</text></g></svg></div>',
        '<p style="color:#0072b2;font-weight:bold">✓</p><template>kept text</template><button>b</button>'
        '<a href="https://x.org">ok</a><a href="data:text/html,x">bad</a><img src="attachment:x.png">',
    ]
    fragments = [*_displays().values(), *tricky]
    for mine, theirs in zip(map(sanitizer.emulate, fragments), sanitizer.real(fragments), strict=True):
        assert sanitizer.parse(mine) == sanitizer.parse(theirs)


def test_a_figure_survives_as_a_fitting_picture_of_the_same_svg() -> None:
    page = figure_html(SVG, caption="sample 1: every δ ✓")
    clean = sanitizer.emulate(page)
    (image,) = _images(clean)
    assert _decoded(image) == SVG, "the picture is the drawing's own SVG, whole"
    assert image["class"] == "deltagrad-svg" and "max-width:100%" in image["style"] and "height:auto" in image["style"]
    assert sanitizer.text_of(clean) == "sample 1: every δ ✓", "no raw SVG labels, only the caption"
    boxes = [dict(e[2]) for e in sanitizer.parse(clean) if e[0] == "start" and e[1] == "div"]
    assert "max-width:100%" in boxes[0]["style"] and "overflow:hidden" in boxes[0]["style"]


def test_a_figure_without_sanitizer_keeps_the_script_that_puts_the_svg_inline() -> None:
    page = figure_html(SVG)
    assert "<script>" in page and "DOMParser" in page and "img.deltagrad-svg" in page
    assert "<svg" not in page, "the SVG travels once, in the picture"


def test_the_player_without_scripts_shows_its_first_and_last_frames_and_says_why() -> None:
    captions = [f"step {k} of 4: …" for k in range(5)]
    clean = sanitizer.emulate(player_html([SVG.replace("0.5", str(k)) for k in range(5)], captions))
    events = sanitizer.parse(clean)
    frames = [dict(e[2]) for e in events if e[0] == "start" and dict(e[2]).get("class") == "deltagrad-frame"]
    assert [f.get("style") for f in frames] == [None, "display:none", "display:none", "display:none", None]
    text = sanitizer.text_of(clean)
    assert text.startswith("Shown: step 0 and step 4, the first and the last.") and "run the cell" in text
    assert captions[0] in text and captions[-1] in text and captions[2] in text, "every caption, hidden or not"
    assert [_decoded(i).count("<text>") for i in _images(clean)] == [1] * 5
    assert "a⁽¹⁾₁" not in text, "no frame's labels leak out as text"


def test_every_display_keeps_its_text_and_styles_when_sanitized() -> None:
    for name, page in _displays().items():
        clean = sanitizer.emulate(page)
        if name not in ("figure", "player"):
            assert sanitizer.text_of(clean) == sanitizer.text_of(page), f"{name} loses text"
        before = re.findall(r'style="([^"]*)"', re.sub(r"<script>.*?</script>", "", page, flags=re.S))
        after = re.findall(r'style="([^"]*)"', clean)
        assert after == [html for html in before if html], f"{name} loses a style: {set(before) - set(after)}"
        assert "<svg" not in clean.lower()


def test_a_history_plot_is_a_picture_with_its_summary_as_title() -> None:
    X, y = nn.moons(30, seed=0)
    history = nn.fit(nn.MLP(2, [4, 1], seed=0), X, y, epochs=5, progress=False)
    (image,) = _images(sanitizer.emulate(history._repr_html_()))
    plot = _decoded(image)
    assert plot.count("<polyline") == 2 and plot.count("<title>") == 2
    assert image["title"].startswith("mean loss per epoch") and "max-width:100%" in image["style"]


@needs_dot
def test_real_drawings_survive_the_sanitizer() -> None:
    loss = tanh_graph()
    bundle = draw(loss)._repr_mimebundle_()
    (image,) = _images(sanitizer.emulate(bundle["text/html"]))
    assert _decoded(image) == bundle["image/svg+xml"]
    frames = step_through(loss)
    clean = sanitizer.emulate(frames._repr_html_())
    assert [_decoded(i) for i in _images(clean)] == list(frames)
    shown = [e for e in sanitizer.parse(clean) if e[0] == "start" and ("style", "display:none") in e[2]]
    assert len(shown) == len(frames) - 2
    assert np.isfinite(loss.grad)
