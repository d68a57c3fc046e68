"""LaTeX (and plain math text) to a formula tree, with a small lark grammar of our own; never ``eval``.

Reads what a person writes for a derivative: ``x\\,(1-\\tanh^2(xw+b))``,
``\\frac{1}{2}\\sigma(x)\\cdot(1-\\sigma(x))``, ``$2x e^{x^2}$``, ``x·(1 − tanh(x·w + b)²)``.
Juxtaposition is a product and every letter is its own name (``xw`` is x·w, as in
LaTeX); ``w_1`` and ``w_{12}`` are names; ``e^{…}`` is exp. The functions are the op
table's one-input ops (``autograd.expression.FUNCTIONS``) plus their usual spellings
(``\\ln``, ``\\sigma``, ``\\operatorname{ReLU}``), so a new op is readable without an edit here.
A function applied without brackets takes the next factor: ``\\ln x^2`` is ln(x²).
Every syntax error is an ``ExpressionError`` with the column and a caret.
"""

from __future__ import annotations

from lark import Token, UnexpectedInput
from lark.exceptions import VisitError
from lark.visitors import Transformer_NonRecursive

from autograd.expression import FUNCTIONS, MAX_LENGTH, VARIADIC, ExpressionError
from autograd.formula.grammar import (
    GREEK_NAMES,
    SPELLINGS,
    SUPERSCRIPTS,
    UNICODE_GREEK,
    check_depth,
    listed,
    looks_like_latex,
    parser,
    syntax_error,
)
from autograd.formula.tree import Node


class _Build(Transformer_NonRecursive):
    """Each rule's node, bottom-up without recursion (a long sum is a deep tree), or an error at its column."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def _error(self, reason: str, token: Token) -> ExpressionError:
        return ExpressionError(reason, self.text, token.line or 1, token.column or 1, len(str(token)))

    def number(self, items):
        return Node("num", float(items[0]))

    def word(self, items):
        letters, _, subscript = str(items[0]).partition("_")
        names = list(letters)
        if subscript:
            names[-1] += "_" + subscript.strip("{}")
        node = Node("name", names[0])
        for name in names[1:]:  # xw is x·w, as in LaTeX
            node = Node("mul", None, (node, Node("name", name)))
        return node

    def greek(self, items):
        text, _, subscript = str(items[0]).lstrip("\\").partition("_")
        name = GREEK_NAMES[UNICODE_GREEK.index(text)] if text in UNICODE_GREEK else text
        return Node("name", name + ("_" + subscript.strip("{}") if subscript else ""))

    def textname(self, items):
        return Node("name", str(items[0]).split("{")[1].rstrip("}"))

    def unknown(self, items):
        raise self._error(
            f"unknown command {items[0]}: the functions are {listed()}; "
            r"write products with \cdot, fractions with \frac{…}{…}",
            items[0],
        )

    def add(self, items):
        return Node("add", None, (items[0], items[2]))

    def sub(self, items):
        return Node("sub", None, (items[0], items[2]))

    def mul(self, items):
        return Node("mul", None, (items[0], items[-1]))

    def div(self, items):
        return Node("div", None, (items[0], items[2]))

    def neg(self, items):
        return Node("neg", None, (items[1],))

    def pos(self, items):
        return items[1]

    def pow(self, items):
        base, exponent = items[0], items[2]
        if base == Node("name", "e"):  # e^{…} is exp(…)
            return self._call_node("exp", exponent, items[1])
        return Node("pow", None, (base, exponent))

    def pow_digits(self, items):
        return Node("pow", None, (items[0], Node("num", float(str(items[1]).translate(SUPERSCRIPTS)))))

    def frac(self, items):
        return Node("div", None, (items[1], items[2]))

    def sqrt(self, items):
        return Node("pow", None, (items[1], Node("num", 0.5)))

    def abs(self, items):  # |x| is not a factor of an implicit product (|x| |y| would be ambiguous)
        return self._call_node("abs", items[1], items[0])

    def abs_pow(self, items):
        return Node("pow", None, (self.abs(items), items[4]))

    def _call_node(self, name: str, arg: Node | list[Node], token: Token) -> Node:
        args = tuple(arg) if isinstance(arg, list) else (arg,)
        if name not in FUNCTIONS and name not in VARIADIC:
            raise self._error(f"{name} is not an op of deltagrad's engine: the functions are {listed()}", token)
        if name in FUNCTIONS and len(args) != 1:
            raise self._error(f"{name} takes one argument, got {len(args)}", token)
        return Node("call", name, args)

    def _call(self, token: Token, arg: Node | list[Node], exponent: Node | None = None) -> Node:
        text = str(token).lstrip("\\")
        text = text.split("{")[1].rstrip("}").lower() if "{" in text else text
        node = self._call_node(SPELLINGS.get(text, text), arg, token)
        if exponent is None:
            return node
        if exponent in (Node("num", -1.0), Node("neg", None, (Node("num", 1.0),))):
            raise self._error(
                f"{token}^{{-1}} would be an inverse function, which deltagrad has not: write 1/{text}(…)", token
            )
        return Node("pow", None, (node, exponent))

    def call(self, items):
        return self._call(items[0], items[1])

    def call_many(self, items):
        return self._call(items[0], list(items[1:]))

    def call_pow(self, items):
        return self._call(items[0], items[3], items[2])

    def call_pow_digits(self, items):
        return self._call(items[0], items[2], Node("num", float(str(items[1]).translate(SUPERSCRIPTS))))

    bare_call = call
    bare_call_pow = call_pow
    bare_call_pow_digits = call_pow_digits


def parse_latex(text: str) -> Node:
    """The formula tree of ``text`` (LaTeX or plain math), or an ExpressionError pointing at the column."""
    if not isinstance(text, str):
        raise TypeError(f"a formula must be a str, got {type(text).__name__}")
    if not text.strip().strip("$").strip():
        raise ExpressionError("empty formula: write one such as x(1 - \\tanh^2(xw + b))", text)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"formula longer than {MAX_LENGTH} characters", text, column=MAX_LENGTH + 1)
    check_depth(text)
    try:
        tree = parser().parse(text)
    except UnexpectedInput as exc:
        raise syntax_error(exc, text) from None
    try:
        return _Build(text).transform(tree)
    except VisitError as exc:  # lark wraps what a rule raised
        raise exc.orig_exc from None


__all__ = ["looks_like_latex", "parse_latex"]
