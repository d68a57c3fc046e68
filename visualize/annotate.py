"""Annotations: extra text, a colour and a tooltip per node, from anyone.

``visualize`` knows nothing of δ checks or training; a caller that does hands
over a mapping from Value to what should be shown next to it. The δ check's
``report.annotations()`` is such a mapping (plain dicts with ``text``,
``color`` and ``tooltip``), so it plugs in directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from autograd import Value

_KEYS = frozenset({"text", "color", "tooltip"})


@dataclass(frozen=True, slots=True)
class Annotation:
    """What to show beside one node.

    Attributes:
        text: a short line drawn in the node (``"δ formula = 0.25 | autograd = 0.5"``).
        color: a Graphviz colour name or ``#rrggbb`` for the node's border and the text.
        tooltip: longer text shown on hover in an SVG (full-precision numbers, say).
    """

    text: str
    color: str | None = None
    tooltip: str | None = None


AnnotationLike = Annotation | Mapping[str, str] | str


def as_annotation(item: AnnotationLike) -> Annotation:
    """An ``Annotation`` from an Annotation, a dict with keys text/color/tooltip, or a bare string."""
    if isinstance(item, Annotation):
        return item
    if isinstance(item, str):
        return Annotation(item)
    if isinstance(item, Mapping):
        unknown = set(item) - _KEYS
        if unknown:
            raise ValueError(f"annotation keys must be text, color, tooltip; got {sorted(unknown)}")
        if "text" not in item:
            raise ValueError(f"an annotation needs a 'text', got {dict(item)!r}")
        return Annotation(str(item["text"]), item.get("color"), item.get("tooltip"))
    raise TypeError(f"an annotation is an Annotation, a dict or a str, got {type(item).__name__} {item!r}")


def normalize(annotations: Mapping[Value, AnnotationLike] | None) -> dict[Value, Annotation]:
    """Check every key is a Value and every item an annotation; Values not in the graph are ignored later."""
    if annotations is None:
        return {}
    if not isinstance(annotations, Mapping):
        raise TypeError(f"annotations must map Values to annotations, got {type(annotations).__name__}")
    result = {}
    for value, item in annotations.items():
        if not isinstance(value, Value):
            raise TypeError(f"annotations are keyed by Value, got {type(value).__name__} {value!r}")
        result[value] = as_annotation(item)
    return result
