"""Annotations: extra text, a colour and a tooltip per node, from anyone.

``visualize`` knows nothing of δ checks or training; a caller that does hands
over a mapping from Value to what should be shown next to it. The δ check's
``report.annotations()`` is such a mapping (plain dicts with ``text``,
``status``, ``color`` and ``tooltip``), so it plugs in directly. A ``status``
(``visualize.palette.STATUS``: ok, fail, start, kink) brings its colour, its
glyph and a legend entry; a bare ``color`` is drawn as given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from autograd import Value
from visualize.palette import Status, status_of

_KEYS = frozenset({"text", "color", "tooltip", "status"})


@dataclass(frozen=True, slots=True)
class Annotation:
    """What to show beside one node.

    Attributes:
        text: a short line drawn in the node (``"δ formula = 0.25 | autograd = 0.5"``).
        color: a Graphviz colour name or ``#rrggbb`` for the node's border and the text.
        tooltip: longer text shown on hover in an SVG (full-precision numbers, say).
        status: ``"ok"``, ``"fail"``, ``"start"`` or ``"kink"``: a colour-blind-safe colour (unless
            ``color`` is given), a glyph before the text, and a line in the picture's legend.
    """

    text: str
    color: str | None = None
    tooltip: str | None = None
    status: str | None = None

    def __post_init__(self) -> None:
        status = status_of(self.status)  # a clear ValueError for an unknown status
        if status is not None and self.color is None:
            object.__setattr__(self, "color", status.color)

    @property
    def look(self) -> Status | None:
        return status_of(self.status)

    @property
    def shown_text(self) -> str:
        """The text with the status glyph in front (``✗ δ formula …``)."""
        look = self.look
        return f"{look.glyph} {self.text}" if look is not None else self.text


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
            raise ValueError(f"annotation keys must be text, color, tooltip, status; got {sorted(unknown)}")
        if "text" not in item:
            raise ValueError(f"an annotation needs a 'text', got {dict(item)!r}")
        return Annotation(str(item["text"]), item.get("color"), item.get("tooltip"), item.get("status"))
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
