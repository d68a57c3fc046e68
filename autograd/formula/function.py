"""A scalar formula given as Python-syntax text, LaTeX or a Python function, evaluated on Values.

``Formula.of("tanh(x*w + b)")`` reads text with the safe parser ``autograd.parse``
(Python syntax) or with ``autograd.formula.latex`` (LaTeX, or math text such as
``2x(1 − x)``); ``Formula.of(f)`` takes a function of Values, its parameter names
being the formula's names. Either way ``formula.at({"x": 0.5, ...})`` builds the
graph at one point and returns it with its leaves, so it can be differentiated.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from autograd.backward import topological_order
from autograd.expression import ExpressionError, names, parse
from autograd.formula.latex import looks_like_latex, parse_latex
from autograd.formula.tree import Node
from autograd.value import Value

SYNTAXES = ("auto", "python", "latex")


@dataclass(frozen=True)
class Formula:
    """A scalar function of named inputs.

    Attributes:
        text: what the user gave (for a Python function, its name).
        syntax: ``"python"``, ``"latex"`` or ``"function"``.
        names: the inputs, in order of appearance.
        tree: the formula as read, for LaTeX; None otherwise.
    """

    text: str
    syntax: str
    names: tuple[str, ...]
    tree: Node | None = None
    function: Callable[..., Value] | None = None

    @staticmethod
    def of(source: str | Callable[..., Value] | Formula, syntax: str = "auto") -> Formula:
        """Read ``source``; ``syntax="auto"`` takes LaTeX when the text has ``\\ { } ^ $`` or math symbols,
        or when it is not valid Python syntax but is valid math (``2x``)."""
        if isinstance(source, Formula):
            return source
        if callable(source):
            return _of_function(source)
        if not isinstance(source, str):
            raise TypeError(f"a formula is text or a function of Values, got {type(source).__name__} {source!r}")
        if syntax not in SYNTAXES:
            raise ValueError(f"syntax must be one of {', '.join(SYNTAXES)}, got {syntax!r}")
        if syntax == "latex" or (syntax == "auto" and looks_like_latex(source)):
            return _of_latex(source)
        try:
            return _of_python(source)
        except ExpressionError:
            if syntax == "python":
                raise
            try:
                return _of_latex(source)
            except ExpressionError:
                pass
            raise

    def shown(self) -> str:
        """The formula as it was read, in plain Unicode (``x·(1 − tanh(x·w + b)^2)``)."""
        return self.tree.unicode() if self.tree is not None else self.text

    def at(self, point: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
        """The graph at ``point`` (a number for every name) and its leaf Value for each name."""
        if self.function is not None:
            leaves = {name: Value(float(point[name]), label=name) for name in self.names}
            result = self.function(**leaves)
            if not isinstance(result, Value):
                result = Value(float(result))
            return result, leaves
        text = self.tree.python() if self.tree is not None else self.text
        result = parse(text, {name: float(point[name]) for name in self.names})
        leaves = {v.label: v for v in topological_order(result) if v.is_leaf() and v.label in self.names}
        return result, leaves


def _of_python(text: str) -> Formula:
    return Formula(text, "python", tuple(names(text)))  # the whitelist checked; the names collected


def _of_latex(text: str) -> Formula:
    tree = parse_latex(text)
    return Formula(text, "latex", tuple(tree.names()), tree)


def _of_function(f: Callable[..., Value]) -> Formula:
    try:
        parameters = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        raise TypeError(f"cannot read the parameter names of {f!r}: pass a def or lambda with named inputs") from None
    names = tuple(p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
    if not names:
        raise TypeError(f"{getattr(f, '__name__', f)!r} takes no named inputs: write it as lambda x, w, b: ...")
    return Formula(getattr(f, "__name__", "f"), "function", names, function=f)
