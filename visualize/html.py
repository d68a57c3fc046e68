"""Drawings as inline HTML for notebooks: the SVG scaled to the cell's width, tooltips kept, zoom and pan.

Jupyter shows an ``image/svg+xml`` output as an ``<img>``: at its natural size
(clipped past the cell's edge) and with its tooltips gone. So a drawing also
offers ``text/html``: the same SVG inline, ``max-width: 100%`` so it fits the
cell, with its ``<title>`` tooltips alive, and a small self-contained script
(no CDN) for zooming and panning big graphs: the wheel (with Ctrl or ⌘) or the
+ / − buttons zoom, dragging pans, "fit" goes back. Without scripts (an
untrusted notebook, GitHub) the picture still fits and still has its tooltips.
"""

from __future__ import annotations

import re

_XML_PROLOGUE = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--.*?-->\s*)*", re.S)
_SIZE = re.compile(r'<svg\b([^>]*?)\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"', re.S)

ZOOM_SCRIPT = """(function () {
  document.querySelectorAll("div.deltagrad-figure:not([data-zoom])").forEach(function (box) {
    var svg = box.querySelector("svg"); if (!svg) return;
    box.setAttribute("data-zoom", "on");
    var vb = svg.viewBox.baseVal, home = [vb.x, vb.y, vb.width, vb.height];
    function set(x, y, w, h) { svg.setAttribute("viewBox", [x, y, w, h].join(" ")); }
    function zoom(f, cx, cy) {
      var v = svg.viewBox.baseVal, w = v.width / f, h = v.height / f;
      if (w > home[2] * 1.0001) { set.apply(null, home); return; }
      set(cx - (cx - v.x) / f, cy - (cy - v.y) / f, w, h);
    }
    function centre() { var v = svg.viewBox.baseVal; return [v.x + v.width / 2, v.y + v.height / 2]; }
    function point(e) {
      var r = svg.getBoundingClientRect(), v = svg.viewBox.baseVal;
      return [v.x + (e.clientX - r.left) / r.width * v.width, v.y + (e.clientY - r.top) / r.height * v.height];
    }
    var bar = document.createElement("div"); bar.className = "deltagrad-zoom";
    [["+", 1.5], ["\\u2212", 1 / 1.5], ["fit", 0]].forEach(function (b) {
      var k = document.createElement("button"); k.type = "button"; k.textContent = b[0];
      k.title = b[1] ? "zoom (or Ctrl + wheel; drag to pan)" : "the whole graph";
      k.onclick = function () { if (b[1]) { var c = centre(); zoom(b[1], c[0], c[1]); } else set.apply(null, home); };
      bar.appendChild(k);
    });
    box.insertBefore(bar, box.firstChild);
    svg.addEventListener("wheel", function (e) {
      if (!(e.ctrlKey || e.metaKey)) return;
      e.preventDefault(); var p = point(e); zoom(e.deltaY < 0 ? 1.2 : 1 / 1.2, p[0], p[1]);
    }, {passive: false});
    var drag = null;
    svg.addEventListener("pointerdown", function (e) { drag = point(e); });
    window.addEventListener("pointerup", function () { drag = null; });
    svg.addEventListener("pointermove", function (e) {
      if (!drag) return; var p = point(e), v = svg.viewBox.baseVal;
      set(v.x + drag[0] - p[0], v.y + drag[1] - p[1], v.width, v.height);
    });
  });
})();"""

STYLE = (
    "<style>div.deltagrad-figure{max-width:100%;overflow:hidden;margin:4px 0}"
    "div.deltagrad-figure svg{max-width:100%;height:auto;display:block}"
    "div.deltagrad-zoom{font:12px sans-serif;margin-bottom:2px}"
    "div.deltagrad-zoom button{margin-right:3px;padding:0 6px;cursor:pointer}</style>"
)


def inline_svg(svg: str) -> str:
    """The SVG text as an element for an HTML page: no XML prologue, scaled to its container's width.

    The width and height become a ``max-width`` style, so a small graph keeps its natural size and a
    big one shrinks to fit (its ``viewBox`` keeps the proportions).
    """
    body = _XML_PROLOGUE.sub("", svg, count=1)
    match = _SIZE.search(body)
    if match is not None:
        width = float(match[2])
        body = (
            body[: match.start()]
            + f'<svg{match[1]} width="{width:g}pt" style="max-width:100%;height:auto"'
            + body[match.end() :]
        )
    return body


def figure_html(svg: str, caption: str | None = None, zoom: bool = True) -> str:
    """A notebook cell's HTML for one drawing: the inline SVG, an optional caption, the zoom/pan script."""
    parts = [STYLE, '<div class="deltagrad-figure">', inline_svg(svg)]
    if caption:
        parts.append(f'<div style="font:13px sans-serif;color:#333">{_escape(caption)}</div>')
    parts.append("</div>")
    if zoom:
        parts.append(f"<script>{ZOOM_SCRIPT}</script>")
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


PLAYER_SCRIPT = """(function () {
  document.querySelectorAll("div.deltagrad-player:not([data-ready])").forEach(function (box) {
    box.setAttribute("data-ready", "on");
    var frames = box.querySelectorAll(":scope > div.deltagrad-frame"), n = frames.length, at = 0, timer = null;
    var bar = document.createElement("div"); bar.className = "deltagrad-controls";
    function button(text, title, act) {
      var b = document.createElement("button"); b.type = "button"; b.textContent = text; b.title = title;
      b.onclick = act; bar.appendChild(b); return b;
    }
    var play = button("\u25b6 play", "play the backward pass", function () { timer ? stop() : start(); });
    button("\u25c0", "one step back", function () { stop(); show(at - 1); });
    var slider = document.createElement("input"); slider.type = "range"; slider.min = 0; slider.max = n - 1;
    slider.value = 0; slider.oninput = function () { stop(); show(+slider.value); }; bar.appendChild(slider);
    button("\u25b6", "one step on", function () { stop(); show(at + 1); });
    var where = document.createElement("span"); bar.appendChild(where);
    function show(k) {
      at = Math.max(0, Math.min(n - 1, k)); slider.value = at;
      frames.forEach(function (f, i) { f.style.display = i === at ? "" : "none"; });
      where.textContent = " step " + at + " of " + (n - 1);
    }
    function start() {
      if (at === n - 1) show(0);
      play.textContent = "\u275a\u275a pause";
      timer = setInterval(function () { if (at === n - 1) stop(); else show(at + 1); }, 900);
    }
    function stop() { if (timer) clearInterval(timer); timer = null; play.textContent = "\u25b6 play"; }
    box.insertBefore(bar, box.firstChild); show(0);
  });
})();"""


PLAYER_STYLE = (
    "<style>div.deltagrad-controls{font:13px sans-serif;margin:4px 0}"
    "div.deltagrad-controls *{margin-right:4px;vertical-align:middle}div.deltagrad-controls input{width:260px}</style>"
)


def player_html(svgs: list[str], captions: list[str]) -> str:
    """The step-through as HTML: every frame inline, and a script that shows one at a time with a slider.

    Without scripts all frames stay visible, one under the other, each with its caption.
    """
    frames = "".join(
        f'<div class="deltagrad-frame" title="{_escape(caption)}">'
        f'<div class="deltagrad-figure">{inline_svg(svg)}</div></div>'
        for svg, caption in zip(svgs, captions, strict=True)
    )
    return (
        STYLE
        + PLAYER_STYLE
        + f'<div class="deltagrad-player">{frames}</div><script>{PLAYER_SCRIPT}{ZOOM_SCRIPT}</script>'
    )
