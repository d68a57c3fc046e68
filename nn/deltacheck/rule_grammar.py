"""The notes' δ equations as text: a lark grammar for one line, ``left = right``, in ASCII, Unicode or LaTeX.

It reads what the notes write: ``δ^(m) = 2(z^(m) − y)``,
``\\delta^{(l-1)} = \\sigma'(z^{(l-1)}) \\odot W^{(l)} \\delta^{(l)}``, ``∂L/∂W^(l) = a^(l-1) (δ^(l))^T``,
``\\frac{\\partial L}{\\partial w_{ik}^{(j)}} = \\sum_k \\delta_k^{(j)} \\sigma(z_i^{(j-1)})``.
A symbol (δ, z, a, W, w, b, y, p, x) with its subscript and superscript is one token, so
``z_i^{(j-1)}`` needs no grammar of its own; juxtaposition is a matrix product, ``⊙ \\odot * \\cdot``
entry by entry, ``^T ᵀ \\top`` a transpose, ``\\sum_k`` a sum over k of the product after it.
The result is a ``Term`` tree that keeps the user's brackets (the report typesets it as written).
Syntax errors are ``RuleTextError``s with the column and a caret.
"""

from __future__ import annotations

import re

from lark import Lark, Token, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.exceptions import VisitError
from lark.visitors import Transformer_NonRecursive

from autograd.expression import MAX_DEPTH, MAX_LENGTH
from nn.deltacheck.rule_tree import SYMBOL, RuleTextError, Symbol, Term, read_symbol

_SUM = (  # Σ_k, \sum_{k=1}^{n^{(j)}}: the index summed over, and an upper limit (two brace levels deep)
    r"(?:\\sum|Σ|∑)(?:_(?:\{\s*[a-z](?:\s*=[^{}]*)?\}|[a-z]))?"
    r"(?:\^(?:\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}|[A-Za-z0-9]))?"
)

GRAMMAR = rf"""
start: lhs EQUALS sum

lhs: SYMBOL                                                  -> lhs_symbol
    | FRAC "{{" PARTIAL LOSS "}}" "{{" PARTIAL SYMBOL "}}"       -> lhs_gradient
    | PARTIAL LOSS DIVIDE PARTIAL SYMBOL                     -> lhs_gradient

?sum: term
    | sum PLUS term    -> add
    | sum MINUS term   -> sub

?term: signed
    | term HADAMARD signed   -> hadamard
    | term DIVIDE signed     -> div

?signed: MINUS signed  -> neg
    | PLUS signed      -> pos
    | product

?product: factor
    | product factor   -> mul

?factor: power
    | SUM product      -> sum_over

?power: atom
    | atom POW exponent   -> pow
    | atom TRANSPOSE      -> transpose

?exponent: NUMBER -> number
    | "{{" sum "}}"       -> brace
    | "(" sum ")"       -> group
    | MINUS NUMBER      -> neg_number

?atom: NUMBER                        -> number
    | SYMBOL                         -> symbol
    | "(" sum ")"                    -> group
    | "{{" sum "}}"                    -> brace
    | "[" sum "]"                    -> group
    | FRAC "{{" sum "}}" "{{" sum "}}"   -> frac
    | FUNC "(" sum ")"               -> call
    | FUNC "{{" sum "}}"               -> call
    | EULER POW exponent_e           -> exp
    | FRAC "{{" PARTIAL LOSS "}}" "{{" PARTIAL SYMBOL "}}"  -> derivative
    | PARTIAL LOSS DIVIDE PARTIAL SYMBOL              -> derivative
    | PARTIAL                        -> partial
    | UNKNOWN                        -> unknown

?exponent_e: "{{" sum "}}" -> brace | SYMBOL -> symbol | NUMBER -> number

SYMBOL.3: /{SYMBOL.pattern}/
SUM.4: /{_SUM}/
FUNC.4: /(?:\\sigma|σ|sigma)(?:'|′|\^\{{?\\prime\}}?)?(?![A-Za-z])/
    | /\\?(?:exp|ln|log)(?![A-Za-z])|\\(?:operatorname|text|mathrm)\{{(?:ReLU|relu)\}}/
FRAC.4: /\\[dt]?frac(?![A-Za-z])/
PARTIAL.4: /∂|\\partial(?![A-Za-z])|d(?=\s*(?:L|\\ell|\\mathcal|Loss|\\text)|\s*[zWwb])/
LOSS.4: /L(?:_(?:\{{[A-Za-z]+\}}|[A-Za-z]))?(?![A-Za-z])|Loss|\\text\{{Loss\}}|\\mathcal\{{L\}}|\\ell/
TRANSPOSE.5: /\^\{{?(?:T|\\top|\\intercal|\\mathsf\{{T\}}|\\mathrm\{{T\}})\}}?|ᵀ/
HADAMARD.4: /⊙|\\odot(?![A-Za-z])|\*|\\circ(?![A-Za-z])|∘|\\cdot(?![A-Za-z])|·|⋅/
EULER.2: /e(?=\s*\^)/
UNKNOWN.1: /\\[A-Za-z]+|[A-Za-z]+/
POW: "^" | "**"
EQUALS: "="
PLUS: "+"
MINUS: "-" | "−" | "–"
DIVIDE: "/" | "÷"
NUMBER: /\d+(?:\.\d*)?|\.\d+/
IGNORED.6: /\s+/ | /\\[,;:! ]/ | /\\q?quad(?![A-Za-z])/ | /\\(?:left|right|big|Big|bigg|Bigg)(?![A-Za-z])/ | "$"
%ignore IGNORED
"""


class _Build(Transformer_NonRecursive):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def _at(self, token: Token) -> int:
        return token.column or 1

    def lhs_symbol(self, items):
        return ("symbol", read_symbol(items[0]), self._at(items[0]))

    def lhs_gradient(self, items):
        symbol = next(t for t in items if isinstance(t, Token) and t.type == "SYMBOL")
        return ("gradient", read_symbol(symbol), self._at(symbol))

    def start(self, items):
        return items[0], items[2]

    def number(self, items):
        return Term("number", float(items[0]), (), self._at(items[0]))

    def neg_number(self, items):
        return Term("neg", None, (Term("number", float(items[1]), (), self._at(items[1])),), self._at(items[0]))

    def symbol(self, items):
        return Term("symbol", read_symbol(items[0]), (), self._at(items[0]))

    def group(self, items):
        inner = items[0]
        return Term("group", None, (inner,), inner.column)

    def brace(self, items):  # {…}: a LaTeX group, invisible when typeset
        inner = items[0]
        return Term("group", "brace", (inner,), inner.column)

    def _binary(self, kind: str, items) -> Term:
        return Term(kind, None, (items[0], items[-1]), items[0].column)

    def add(self, items):
        return self._binary("add", items)

    def sub(self, items):
        return self._binary("sub", items)

    def hadamard(self, items):
        return self._binary("hadamard", items)

    def div(self, items):
        return self._binary("div", items)

    def mul(self, items):
        return self._binary("mul", items)

    def neg(self, items):
        return Term("neg", None, (items[1],), self._at(items[0]))

    def pos(self, items):
        return items[1]

    def pow(self, items):
        return Term("pow", None, (items[0], items[2]), items[0].column)

    def transpose(self, items):
        return Term("transpose", None, (items[0],), items[0].column)

    def sum_over(self, items):
        match = re.search(r"_\{?\s*([a-z])", str(items[0]))
        if match is None:
            raise RuleTextError(
                "Σ needs the index it sums over: Σ_k, \\sum_k or \\sum_{k=1}^{n}", self.text, 1, self._at(items[0])
            )
        return Term("sum", match[1], (items[1],), self._at(items[0]))

    def frac(self, items):
        return Term("div", "frac", (items[1], items[2]), self._at(items[0]))

    def call(self, items):
        name = str(items[0])
        kind = (
            "sigma_prime"
            if any(p in name for p in ("'", "′", "prime"))
            else "sigma"
            if "sigma" in name or "σ" in name
            else None
        )
        kind = kind or ("relu" if "elu" in name.lower() else "log" if "ln" in name or "log" in name else "exp")
        return Term("call", kind, (items[1],), self._at(items[0]))

    def exp(self, items):
        return Term("exp", None, (items[2],), self._at(items[0]))

    def derivative(self, items):
        symbol = next(t for t in items if isinstance(t, Token) and t.type == "SYMBOL")
        return Term("derivative", read_symbol(symbol), (), self._at(items[0]))

    def partial(self, items):
        raise RuleTextError(
            "a derivative ∂…/∂… cannot be computed on the right side: write it with δ, a, z, W, y and p",
            self.text, 1, self._at(items[0]), len(str(items[0])),
        )  # fmt: skip

    def unknown(self, items):
        word = str(items[0])
        raise RuleTextError(
            f"unknown symbol {word}: the notes' symbols are δ (\\delta), z, a, W (or w), b, x, y and p, with σ, σ', "
            "exp, log; write products by juxtaposition (a matrix product) or ⊙ (entry by entry)",
            self.text, 1, self._at(items[0]), len(word),
        )  # fmt: skip


_PARSER: list[Lark] = []


def parse_rule(text: str) -> tuple[tuple[str, Symbol, int], Term]:
    """``(left side, right side)`` of one equation: the left as ``(kind, symbol, column)``."""
    if not isinstance(text, str):
        raise TypeError(f"a δ equation must be a str, got {type(text).__name__}")
    if not text.strip().strip("$").strip():
        raise RuleTextError("empty equation: write one such as δ^(m) = 2(z^(m) − y)", text)
    if len(text) > MAX_LENGTH or "\n" in text.strip():
        raise RuleTextError("one equation per line", text, column=1)
    depth = 0
    for column, char in enumerate(text, 1):
        depth += 1 if char in "({[" else -1 if char in ")}]" else 0
        if depth > MAX_DEPTH:
            raise RuleTextError(f"equation nested more than {MAX_DEPTH} levels deep", text, column=column)
    if not _PARSER:
        _PARSER.append(Lark(GRAMMAR, parser="lalr", lexer="contextual"))
    try:
        tree = _PARSER[0].parse(text)
    except UnexpectedInput as exc:
        raise _syntax_error(exc, text) from None
    try:
        return _Build(text).transform(tree)
    except VisitError as exc:
        error = exc.orig_exc
        if isinstance(error, RuleTextError) and error.text != text:
            raise RuleTextError(error.reason, text, error.line, error.column, error.length) from None
        raise error from None


def _syntax_error(exc: UnexpectedInput, text: str) -> RuleTextError:
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        column = len(text.rstrip().rstrip("$").rstrip()) + 1
        missing = "the right side" if "=" not in text else "more"
        return RuleTextError(f"the equation ends too early: expected {missing}", text, column=column)
    if isinstance(exc, UnexpectedCharacters):
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else "?"
        return RuleTextError(f"unexpected character {char!r}", text, exc.line, exc.column)
    token = exc.token
    hint = ""
    if token.type == "EQUALS":
        hint = ": one = per equation"
    elif "EQUALS" in exc.expected:
        hint = ": the left side is one symbol (δ^(l), a^(l), z^(l)) or ∂L/∂W^(l), ∂L/∂w_ik^(l), ∂L/∂b^(l); then ="
    return RuleTextError(f"unexpected {str(token)!r}{hint}", text, token.line, token.column, len(str(token)))


__all__ = ["GRAMMAR", "RuleTextError", "Symbol", "Term", "parse_rule"]
