"""Drawings as HTML for notebooks: a picture that fits the cell everywhere, and live SVG where scripts run.

Jupyter shows an ``image/svg+xml`` output as an ``<img>`` at its natural size
(clipped past the cell's edge) with its tooltips gone, so a drawing also offers
``text/html``. That HTML must survive two readers:

- An untrusted notebook (opened from disk or a download, never run here) goes
  through JupyterLab's sanitizer (``@jupyterlab/apputils`` ``Sanitizer``, the
  same in Notebook 7): ``<script>`` and ``<style>`` are dropped with their
  content, ``<svg>`` and every SVG element are dropped *keeping their text*
  (an inline graph becomes a paragraph of raw labels), ``style`` attributes keep
  only allow-listed properties (``max-width``, ``height``, ``display`` are
  among them), ``id`` becomes ``data-jupyter-id``, and an ``<img>``'s ``src``
  is not scheme-checked, so a ``data:image/svg+xml`` picture passes.
- A trusted notebook (run here, or trusted), the nbconvert HTML and a browser
  page run the scripts.

So the figure is an ``<img class="deltagrad-svg">`` holding the SVG as a
``data:`` URI, ``max-width:100%`` in its own ``style`` (the ``<style>`` sheet
may be gone), and a small self-contained script (no CDN) swaps in the same SVG
inline where scripts run: its ``<title>`` tooltips come alive and big graphs
zoom and pan (the wheel with Ctrl or ⌘, the + / − buttons, dragging; "fit" goes
back). The step-through player without scripts shows its first and last frames
with their captions and a note saying why; the script removes the note and plays.
"""

from __future__ import annotations

import base64

ZOOM_SCRIPT = """(function () {
  function inline(img) {  // the picture's own SVG, parsed from its data: URI and put in its place
    var text = new TextDecoder().decode(Uint8Array.from(atob(img.getAttribute("src").split(",")[1]),
      function (c) { return c.charCodeAt(0); }));
    var svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
    if (svg.nodeName !== "svg") return null;
    svg = document.importNode(svg, true);
    svg.removeAttribute("height");
    svg.setAttribute("style", "max-width:100%;height:auto;display:block");
    img.parentNode.replaceChild(svg, img);
    return svg;
  }
  document.querySelectorAll("div.deltagrad-figure:not([data-zoom])").forEach(function (box) {
    box.setAttribute("data-zoom", "on");
    var img = box.querySelector("img.deltagrad-svg"), svg = img ? inline(img) : box.querySelector("svg");
    if (!svg || box.hasAttribute("data-still")) return;
    if (box.clientWidth && svg.width.baseVal.value <= box.clientWidth + 1) return;  // it fits: nothing to zoom
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

FIGURE = "max-width:100%;overflow:hidden;margin:4px 0"  # in each element's own style too: a sanitizer drops <style>
CAPTION = "font:13px sans-serif;color:#333"
ONE_LINE = "white-space:nowrap;overflow:hidden;text-overflow:ellipsis"
NOTE = "font:italic 13px sans-serif;color:#555;margin:4px 0"
HIDDEN = ' style="display:none"'

STYLE = (
    f"<style>div.deltagrad-figure{{{FIGURE}}}"
    "div.deltagrad-figure svg{max-width:100%;height:auto;display:block}"
    "div.deltagrad-zoom{font:12px sans-serif;margin-bottom:2px}"
    "div.deltagrad-zoom button{margin-right:3px;padding:0 6px;cursor:pointer}</style>"
)


def data_uri(svg: str) -> str:
    """The SVG text as a ``data:image/svg+xml`` URI (base64 of its UTF-8)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


SCRIPTS_HINT = "run the cell (or trust the notebook) for tooltips with full precision, and zoom"


def picture(svg: str, alt: str = "graph of the computation") -> str:
    """The drawing as an ``<img>`` that fits its container and survives a notebook's sanitizer."""
    return (
        f'<img class="deltagrad-svg" src="{data_uri(svg)}" alt="{_escape(alt)}" title="{_escape(SCRIPTS_HINT)}" '
        'style="max-width:100%;height:auto;display:block">'
    )


def figure_html(svg: str, caption: str | None = None, zoom: bool = True) -> str:
    """A notebook cell's HTML for one drawing: the picture, an optional caption, the script that makes it live.

    ``zoom=False``: the script still puts the SVG inline (tooltips) but adds no zoom buttons.
    """
    still = "" if zoom else " data-still"
    parts = [STYLE, f'<div class="deltagrad-figure"{still} style="{FIGURE}">', picture(svg)]
    if caption:
        parts.append(f'<div style="{CAPTION}">{_escape(caption)}</div>')
    parts.append(f"</div><script>{ZOOM_SCRIPT}</script>")
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


PLAYER_SCRIPT = """(function () {
  document.querySelectorAll("div.deltagrad-player:not([data-ready])").forEach(function (box) {
    box.setAttribute("data-ready", "on");
    box.querySelectorAll(":scope > div.deltagrad-static-note").forEach(function (note) { note.remove(); });
    box.querySelectorAll(":scope > div.deltagrad-frame > div.deltagrad-caption").forEach(function (c) {
      c.style.display = "none";  // the bar shows the current one
    });
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
      var caption = frames[at].querySelector(":scope > div.deltagrad-caption");
      where.textContent = caption ? caption.textContent : " step " + at + " of " + (n - 1);
      where.title = where.textContent;
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
    f"<style>div.deltagrad-controls{{font:13px sans-serif;margin:4px 0;{ONE_LINE}}}"  # one line: no jumps
    "div.deltagrad-controls *{margin-right:4px;vertical-align:middle}div.deltagrad-controls input{width:260px}</style>"
)


def player_html(svgs: list[str], captions: list[str]) -> str:
    """The step-through as HTML: every frame, and a script that shows one at a time with a slider.

    Without scripts (an untrusted notebook) the first and the last frame show, each under its
    caption, with a note saying why the others are hidden; the script removes the note.
    """
    last = len(svgs) - 1
    frames = "".join(
        f'<div class="deltagrad-frame"{"" if k in (0, last) else HIDDEN}>'
        f'<div class="deltagrad-caption" style="{CAPTION};{ONE_LINE}">{_escape(caption)}</div>'
        f'<div class="deltagrad-figure" style="{FIGURE}">{picture(svg, f"the graph at {caption}")}</div></div>'
        for k, (svg, caption) in enumerate(zip(svgs, captions, strict=True))
    )
    note = (
        f'<div class="deltagrad-static-note" style="{NOTE}">Shown: step 0 and step {last}, the first and the last. '
        "The player that steps through them all needs scripts, which this notebook does not run until "
        "you run the cell (or trust the notebook).</div>"
    )
    return (
        STYLE
        + PLAYER_STYLE
        + f'<div class="deltagrad-player">{note}{frames}</div><script>{PLAYER_SCRIPT}{ZOOM_SCRIPT}</script>'
    )
