"""What a δ equation is made of once read: ``Term`` nodes, ``Symbol``s such as ``z_i^{(j-1)}``, and the error.

A symbol with its subscript and superscript is one token of the grammar (``SYMBOL``);
``read_symbol`` takes it apart: the base (δ, z, a, W, b, y, p, x), the entry indices, the
layer, and the superscript as written (the report typesets it back).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from autograd.expression import ExpressionError


class RuleTextError(ExpressionError):
    """A δ equation given as text cannot be read or cannot work; the message points at the column."""


@dataclass(frozen=True)
class Term:
    """One node: ``kind`` is ``symbol number group add sub neg mul hadamard div pow transpose sum call exp``
    or ``derivative`` (∂L/∂z on the right: only the definition of δ may say that).

    ``value`` holds the symbol (a ``Symbol``), the number, the function's name or the summed index;
    ``column`` is where it starts in the text (1-based), for errors.
    """

    kind: str
    value: object = None
    args: tuple[Term, ...] = ()
    column: int = 1


@dataclass(frozen=True)
class Symbol:
    """``z_i^{(j-1)}`` read: base ``z``, indices ``("i",)``, layer text ``"j-1"`` (None if absent)."""

    base: str
    indices: tuple[str, ...]
    layer: str | None
    text: str
    superscript: str = ""  # as written, without ^ and outer braces: "(j-1)", "[i]"


_BASES = {"\\delta": "δ", "δ": "δ", "delta": "δ", "z": "z", "a": "a", "W": "W", "w": "W", "b": "b"}
_BASES |= {"y": "y", "p": "p", "x": "x"}
SYMBOL = re.compile(
    r"(?P<base>\\delta|δ|delta|[zaWwbypx])(?![A-Za-z])"
    r"(?:_(?P<sub1>\{[^{}]*\}|[a-z0-9]+|[A-Z]))?"
    r"(?:\^(?P<sup>\{\([^()]*\)\}|\([^()]*\)|\{\[[^\]]*\]\}|\[[^\]]*\]|\{[a-z](?:\s*[-+−]\s*\d+)?\}|[a-z](?![A-Za-z])))?"
    r"(?:_(?P<sub2>\{[^{}]*\}|[a-z0-9]+|[A-Z]))?"
)


def read_symbol(token: str) -> Symbol:
    match = SYMBOL.fullmatch(str(token))
    if match is None:  # the lexer matched the same pattern: cannot happen, but never crash
        raise RuleTextError(f"cannot read the symbol {token}", str(token))
    sub = (match["sub1"] or match["sub2"] or "").strip("{}").replace(",", "").replace(" ", "")
    sup = match["sup"]
    layer = sup.strip("{}").strip("()") if sup else None
    if sup and ("[" in sup or match["base"] in "ypx"):  # y^(i), x^{[i]}: the notes' sample index, not a layer
        layer = None
    written = sup.removeprefix("{").removesuffix("}") if sup and sup.startswith("{") else (sup or "")
    return Symbol(_BASES[match["base"]], tuple(sub), layer, str(token), written)
