"""What an untrusted notebook shows of an HTML output: JupyterLab's sanitizer, emulated and, where it can be, run.

JupyterLab and Notebook 7 pass an untrusted output's ``text/html`` through
``@jupyterlab/apputils``' ``Sanitizer``: sanitize-html with an allow-list of
tags, of attributes per tag, of CSS properties (each value matched by a
pattern), of URL schemes for ``href``/``cite``, ``id`` turned into
``data-jupyter-id``, links given ``rel=nofollow`` and inputs ``disabled``,
disallowed tags discarded *keeping their text*, and ``script``/``style``/
``textarea``/``option`` dropped with their content.

``emulate`` applies exactly those rules, read from
``jupyterlab_sanitizer_rules.json`` (dumped from the installed JupyterLab 4.6.6
bundle). ``real`` runs the installed JupyterLab's own bundled code under Node
(``jupyterlab_sanitizer.js``); it is None where Node or JupyterLab is missing.
``parse`` turns markup into comparable events, so the two can be checked alike.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sysconfig
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"}


@cache
def rules() -> dict:
    found = json.loads((HERE / "jupyterlab_sanitizer_rules.json").read_text(encoding="utf-8"))
    found["patterns"] = {name: re.compile(p, re.I) for name, p in found["allowedStyles"].items()}
    return found


def _style(value: str) -> str | None:
    """The declarations the sanitizer keeps (property allowed, value matching one of its patterns)."""
    kept = []
    for declaration in value.split(";"):
        name, colon, text = declaration.partition(":")
        name, text = name.strip().lower(), text.strip()
        pattern = rules()["patterns"].get(name)
        if colon and pattern is not None and pattern.search(text):  # JS RegExp.test: a match anywhere
            kept.append(f"{name}:{text}")
    return ";".join(kept) or None


def _allowed_url(tag: str, value: str) -> bool:
    scheme = re.match(r"^\s*([a-z][a-z0-9+.-]*):", value, re.I)
    if scheme is None:
        return True
    schemes = rules()["allowedSchemesByTag"].get(tag, rules()["allowedSchemes"])
    return scheme[1].lower() in schemes


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.dropping = 0  # inside script/style/textarea/option: content goes too

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool = False) -> None:
        r = rules()
        if tag in r["nonTextTags"]:
            self.dropping += 0 if closed or tag in VOID else 1
            return
        if self.dropping or tag not in r["allowedTags"]:
            return
        allowed = set(r["allowedAttributes"]["*"]) | set(r["allowedAttributes"].get(tag, []))
        forced = r["transformTags"].get(tag, {})
        attrs = [(k, v) for k, v in attrs if k not in forced] + list(forced.items())
        kept = []
        for name, value in attrs:
            value = value or ""
            if name == "id":
                name = r["idBecomes"]
            if name not in allowed:
                continue
            if name == "style" and (value := _style(value)) is None:
                continue
            if name in r["allowedSchemesAppliedToAttributes"] and not _allowed_url(tag, value):
                continue
            kept.append(f' {name}="{html.escape(value, quote=True)}"')
        self.out.append(f"<{tag}{''.join(kept)}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs, closed=True)
        if tag not in VOID and not self.dropping and tag in rules()["allowedTags"]:
            self.out.append(f"</{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in rules()["nonTextTags"]:
            self.dropping = max(0, self.dropping - 1)
        elif not self.dropping and tag in rules()["allowedTags"] and tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))


def emulate(markup: str) -> str:
    """``markup`` as JupyterLab's sanitizer leaves it (the rules of ``jupyterlab_sanitizer_rules.json``)."""
    parser = _Sanitizer()
    parser.feed(markup)
    parser.close()
    return "".join(parser.out)


def _static_dir() -> Path | None:
    for base in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        static = Path(base) / "jupyterlab" / "static"
        if static.is_dir():
            return static
    return None


def why_no_real() -> str | None:
    """Why the real sanitizer cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "no node on this machine (Debian: apt-get install nodejs) to run JupyterLab's own sanitizer"
    if _static_dir() is None:
        return "JupyterLab is not installed in this environment (pip install jupyterlab)"
    return None


def real(fragments: list[str]) -> list[str]:
    """The fragments through the installed JupyterLab's own Sanitizer (needs ``why_no_real()`` to be None)."""
    run = subprocess.run(
        ["node", str(HERE / "jupyterlab_sanitizer.js"), str(_static_dir())],
        input=json.dumps(fragments),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if run.returncode != 0:
        raise RuntimeError(f"JupyterLab's sanitizer did not run: {run.stderr.strip()}")
    return json.loads(run.stdout)


class _Events(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, tuple(sorted((k, v or "") for k, v in attrs))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.events.append(("end", tag))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if self.events and self.events[-1][0] == "text":
            self.events[-1] = ("text", self.events[-1][1] + data)
        else:
            self.events.append(("text", data))


def parse(markup: str) -> list[tuple]:
    """Markup as a list of (start, tag, attributes) / (end, tag) / (text, …) events, spelling aside."""
    parser = _Events()
    parser.feed(markup)
    parser.close()
    return parser.events


def text_of(markup: str) -> str:
    """The text a reader sees of ``markup`` (whitespace collapsed)."""
    return " ".join("".join(e[1] for e in parse(markup) if e[0] == "text").split())
