"""Reading drawings back for tests: a small DOT reader and SVG helpers (structure only, never bytes)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

SVG = "{http://www.w3.org/2000/svg}"
XLINK_TITLE = "{http://www.w3.org/1999/xlink}title"

_TOKEN = re.compile(r'\s+|//[^\n]*|"(?:\\.|[^"\\])*"|->|[{}\[\];=,]|[^\s{}\[\];=,"<>]+|<')


@dataclass
class Dot:
    """What a DOT text declares: nodes with attributes and the cluster path they sit in, edges, clusters."""

    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    node_cluster: dict[str, tuple[str, ...]] = field(default_factory=dict)
    edges: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    clusters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> path of enclosing clusters
    graph_attrs: dict[str, str] = field(default_factory=dict)

    def in_cluster(self, cluster: str) -> set[str]:
        return {n for n, path in self.node_cluster.items() if cluster in path}


def _tokens(text: str) -> list[str]:
    out, i = [], 0
    while i < len(text):
        if text[i] == "<":  # an HTML-like string: up to the matching '>'
            depth, j = 0, i
            while True:
                depth += {"<": 1, ">": -1}.get(text[j], 0)
                j += 1
                if depth == 0:
                    break
            out.append(text[i:j])
            i = j
            continue
        m = _TOKEN.match(text, i)
        assert m, f"cannot read DOT at {text[i : i + 30]!r}"
        if not m.group().isspace() and not m.group().startswith("//"):
            out.append(m.group())
        i = m.end()
    return out


def _value(token: str) -> str:
    if token.startswith('"'):
        return token[1:-1].replace('\\"', '"')
    return token


def parse_dot(text: str) -> Dot:
    tokens, dot = _tokens(text), Dot()
    assert tokens[0] in ("digraph", "graph"), tokens[:3]
    i = tokens.index("{") + 1
    stack: list[str] = []

    def attrs(i: int) -> tuple[dict[str, str], int]:
        found: dict[str, str] = {}
        if i < len(tokens) and tokens[i] == "[":
            i += 1
            while tokens[i] != "]":
                if tokens[i] in (",", ";"):
                    i += 1
                    continue
                found[_value(tokens[i])] = _value(tokens[i + 2])
                i += 3
            i += 1
        return found, i

    while i < len(tokens):
        t = tokens[i]
        if t == "}":
            if stack:
                stack.pop()
            i += 1
        elif t == "subgraph":
            name = _value(tokens[i + 1])
            dot.clusters[name] = tuple(stack)
            stack.append(name)
            i += 3  # subgraph NAME {
        elif t in ("node", "edge", "graph"):
            _, i = attrs(i + 1)
        elif t == ";":
            i += 1
        elif i + 1 < len(tokens) and tokens[i + 1] == "=":
            target = dot.graph_attrs if not stack else {}
            target[_value(t)] = _value(tokens[i + 2])
            i += 3
        elif i + 1 < len(tokens) and tokens[i + 1] == "->":
            found, j = attrs(i + 3)
            dot.edges.append((_value(t), _value(tokens[i + 2]), found))
            i = j
        else:
            found, i = attrs(i + 1)
            name = _value(t)
            dot.nodes.setdefault(name, {}).update(found)
            dot.node_cluster[name] = tuple(stack)
    return dot


# --- SVG ------------------------------------------------------------------------------------------


def parse_svg(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode())


def svg_groups(root: ET.Element, kind: str) -> dict[str, ET.Element]:
    """The ``<g class="node">`` (or edge, cluster) elements by their ``<title>`` (the DOT name)."""
    out = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == kind:
            out[g.find(f"{SVG}title").text] = g
    return out


def texts(g: ET.Element) -> list[str]:
    return [t.text or "" for t in g.iter(f"{SVG}text")]


def joined_text(g: ET.Element) -> str:
    return "".join(texts(g))


def strokes(g: ET.Element) -> set[str]:
    """The colours a node is drawn in: its outlines and its text."""
    lines = {e.get("stroke") for e in g.iter() if e.get("stroke")}
    return lines | {t.get("fill") for t in g.iter(f"{SVG}text") if t.get("fill")}


def tooltip(g: ET.Element) -> str | None:
    for a in g.iter(f"{SVG}a"):
        if a.get(XLINK_TITLE):
            return a.get(XLINK_TITLE)
    return None


def box(g: ET.Element) -> tuple[float, float, float, float]:
    """x_min, x_max, y_min, y_max of a group's polygon/path points (Graphviz writes absolute points)."""
    numbers = []
    for shape in g.iter():
        text = shape.get("points") or shape.get("d") or ""
        numbers += [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", text)]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), max(xs), min(ys), max(ys)
