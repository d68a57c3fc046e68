"""The grammar of scalar formulas in LaTeX or math text, built from the op table, and its syntax errors.

``grammar()`` writes the lark grammar with the engine's function names in it (``FUNCTIONS``
and ``VARIADIC`` of ``autograd.expression``, plus their usual spellings), so a new op in the
table is readable at once; ``parser()`` builds it (once per set of functions);
``syntax_error`` turns lark's exceptions into an ``ExpressionError`` with the column and a caret.
"""

from __future__ import annotations

import re

from lark import Lark, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from autograd.expression import FUNCTIONS, MAX_DEPTH, VARIADIC, ExpressionError
from autograd.formula.tree import GREEK_LETTERS

SPELLINGS = {"ln": "log", "sigma": "sigmoid", "σ": "sigmoid", "logistic": "sigmoid"}
"""Other names for the op table's functions (case is ignored inside ``\\operatorname{…}``, ``\\text{…}``)."""
GREEK = [*GREEK_LETTERS, "varepsilon", "vartheta", "varphi"]
UNICODE_GREEK = "".join(GREEK_LETTERS.values())
GREEK_NAMES = list(GREEK_LETTERS)
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def function_words() -> list[str]:
    return sorted({*FUNCTIONS, *VARIADIC, *SPELLINGS} - {"σ"}, key=len, reverse=True)


def listed() -> str:
    return ", ".join([*FUNCTIONS, *VARIADIC]) + r" (also written \ln, \sigma, \operatorname{ReLU})"


def grammar() -> str:
    words = "|".join(function_words())
    greek = "|".join(GREEK)
    return rf"""
?start: sum

?sum: term
    | sum PLUS term    -> add
    | sum MINUS term   -> sub

?term: signed
    | term TIMES signed   -> mul
    | term DIVIDE signed  -> div
    | term factor         -> mul

?signed: MINUS signed  -> neg
    | PLUS signed      -> pos
    | factor
    | BAR sum BAR                           -> abs
    | BAR sum BAR POW exponent              -> abs_pow

?factor: power | bare_call

?power: atom
    | atom POW exponent  -> pow
    | atom SUPERSCRIPT   -> pow_digits

?exponent: atom | MINUS atom -> neg | PLUS atom -> pos

?atom: group
    | FUNC "(" sum ")"                      -> call
    | FUNC "(" sum ("," sum)+ ")"           -> call_many
    | FUNC POW exponent "(" sum ")"         -> call_pow
    | FUNC SUPERSCRIPT "(" sum ")"          -> call_pow_digits
    | "(" sum ")"

?group: NUMBER              -> number
    | WORD                  -> word
    | GREEK                 -> greek
    | TEXTNAME              -> textname
    | "{{" sum "}}"
    | "[" sum "]"
    | FRAC "{{" sum "}}" "{{" sum "}}"      -> frac
    | SQRT "{{" sum "}}"                    -> sqrt
    | UNKNOWN                               -> unknown

bare_call: FUNC bare_power
    | FUNC POW exponent bare_power          -> bare_call_pow
    | FUNC SUPERSCRIPT bare_power           -> bare_call_pow_digits

?bare_power: group | group POW exponent -> pow | group SUPERSCRIPT -> pow_digits

FUNC.4: /\\(?:exp|ln|log|tanh|sigma|sin|cos|{words})(?![A-Za-z])/
      | /\\(?:operatorname|mathrm|text)\{{(?i:{words})\}}/
      | /(?:{words})(?![A-Za-z])/
      | "σ"
GREEK.3: /(?:\\(?:{greek})(?![A-Za-z])|[{UNICODE_GREEK}])(?:_(?:\{{[A-Za-z0-9]+\}}|[A-Za-z0-9]))?/
FRAC.3: /\\[dt]?frac(?![A-Za-z])/
SQRT.3: /\\sqrt(?![A-Za-z])/
TIMES.3: "*" | /\\(?:cdot|times)(?![A-Za-z])/ | "·" | "×" | "⋅"
TEXTNAME.2: /\\(?:operatorname|mathrm|text)\{{[A-Za-z][A-Za-z0-9]*\}}/
UNKNOWN.1: /\\[A-Za-z]+/
POW.4: "^" | "**"
SUPERSCRIPT: /[⁰¹²³⁴⁵⁶⁷⁸⁹]+/
PLUS: "+"
MINUS: "-" | "−" | "–"
DIVIDE.3: "/" | "÷" | /\\div(?![A-Za-z])/
BAR: "|" | /\\[lr]vert(?![A-Za-z])/ | "\\|"
NUMBER: /\d+(?:\.\d*)?|\.\d+/
WORD: /[A-Za-z]+(?:_(?:\{{[A-Za-z0-9]+\}}|[A-Za-z0-9]))?/

IGNORED.5: /\s+/ | /\\[,;:! ]/ | /\\q?quad(?![A-Za-z])/ | /\\(?:left|right|big|Big|bigg|Bigg)(?![A-Za-z])/ | "$"
%ignore IGNORED
"""


_PARSERS: dict[tuple[str, ...], Lark] = {}


def parser() -> Lark:
    key = tuple(FUNCTIONS)  # rebuilt if the op table grows (tests may add an op)
    if key not in _PARSERS:
        _PARSERS[key] = Lark(grammar(), parser="lalr", lexer="contextual", propagate_positions=False)
    return _PARSERS[key]


def check_depth(text: str) -> None:
    depth = 0
    for column, char in enumerate(text, 1):
        depth += char in "({[" if char in "({[" else -(char in ")}]")
        if depth > MAX_DEPTH:
            raise ExpressionError(f"formula nested more than {MAX_DEPTH} levels deep", text, column=column)


_TERMINAL_WORDS = {
    "RPAR": "')'", "LPAR": "'('", "RBRACE": "'}'", "LBRACE": "'{'", "RSQB": "']'", "LSQB": "'['",
    "NUMBER": "a number", "WORD": "a name", "FUNC": "a function", "PLUS": "'+'", "MINUS": "'-'",
    "TIMES": "'*'", "DIVIDE": "'/'", "POW": "'^'", "BAR": "'|'", "FRAC": r"\frac", "GREEK": "a Greek letter",
}  # fmt: skip


def _expected(names: set[str]) -> str:
    words = sorted({_TERMINAL_WORDS.get(n, n.lower()) for n in names if n in _TERMINAL_WORDS})
    return ", ".join(words[:6]) + (", …" if len(words) > 6 else "")


def syntax_error(exc: UnexpectedInput, text: str) -> ExpressionError:
    if isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
        expected = _expected(set(getattr(exc, "expected", ()) or ()))
        column = len(text.rstrip().rstrip("$").rstrip()) + 1  # just after the last symbol
        return ExpressionError(f"the formula ends too early: expected {expected or 'more'}", text, column=column)
    if isinstance(exc, UnexpectedCharacters):
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else "?"
        return ExpressionError(f"unexpected character {char!r}", text, exc.line, exc.column)
    assert isinstance(exc, UnexpectedToken)
    token = exc.token
    expected = _expected(set(exc.expected))
    hint = f": expected {expected}" if expected else ""
    return ExpressionError(f"unexpected {str(token)!r}{hint}", text, token.line, token.column, len(str(token)))


def looks_like_latex(text: str) -> bool:
    """Backslashes, braces, ``^``, ``$`` or math symbols: not Python syntax."""
    return bool(re.search(r"[\\{}^$·×−σ⁰¹²³⁴⁵⁶⁷⁸⁹|]", text))
