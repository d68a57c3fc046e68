"""Text to a graph of Values: ``parse("tanh(x*w + b)", {"x": 0.5, ...})``.

The command line (``deltagrad draw "..."``) needs to turn what a user typed
into a graph without ever running it as Python. The text is read with
``ast.parse`` (a parser only: nothing is compiled to code or executed) and then
checked against a whitelist: numbers, names, ``+ - * / **``, unary ``-``/``+``
and calls to the engine's functions. Anything else is refused with an
``ExpressionError`` that quotes the text and points at the offending part.

The graph built is the one the same line of Python would build with a
``Value`` for each name and a float for each number: ``x ** 2`` raises to a
fixed exponent (no node for the 2), ``2 * 3`` is just the number 6 (folded by
the engine's own op, so ``1e200 * 1e200`` is an overflow error, never inf), and
each name is one leaf Value labelled with that name, however often it appears.
Names are read as Python reads them, NFKC-normalised: ``ｘ`` is ``x``, in the
text and in ``values`` alike. Every number, written or given, must be finite.
"""

from __future__ import annotations

import ast
import math
import numbers
import operator
import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping

from autograd import softmax, value
from autograd.ops import OPS
from autograd.value import Value

FUNCTIONS: dict[str, Callable[[Value | float], Value]] = dict(value.FUNCTIONS)
"""The one-argument functions of the op table (``Op(function=True)``) an expression may call;
the n-ary ops are called as ``sum(...)``, ``logsumexp(...)``, ``dot([...], [...], b)`` and
``neg_log_softmax([...], k)``."""

_VARIADIC = {"sum": value.sum, "logsumexp": softmax.logsumexp}  # f(x, y, ...): one node of all the arguments
_NARY = (*_VARIADIC, "dot", "neg_log_softmax")

_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
_PYTHON_OP = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}
_PYTHON_OP["pow"] = operator.pow
_REFUSED = {  # what a user most likely tried, in words
    ast.Attribute: "attribute access (.name)",
    ast.Subscript: "indexing ([...])",
    ast.Compare: "a comparison",
    ast.BoolOp: "and/or",
    ast.IfExp: "a conditional (... if ... else ...)",
    ast.Lambda: "a lambda",
    ast.Tuple: "a tuple (a comma outside a call)",
    ast.List: "a list (only dot([...], [...]) takes lists)",
    ast.JoinedStr: "an f-string",
    ast.NamedExpr: "an assignment (:=)",
}
_LINES = re.compile(r"\r\n|\r|\n")  # how Python's tokenizer splits lines
_CONTEXT = 40  # characters shown either side of an error in a long line
MAX_LENGTH = 10_000
MAX_DEPTH = 200


class ExpressionError(ValueError):
    """The text is not an expression deltagrad can build; the message points at the offending part.

    Attributes:
        text: the whole expression as given.
        reason: what is wrong, in words.
        line, column: where (1-based, in characters).
        length: how many characters the offending part spans (at least 1).
    """

    def __init__(self, reason: str, text: str, line: int = 1, column: int = 1, length: int = 1) -> None:
        self.reason, self.text, self.line, self.column, self.length = reason, text, line, column, max(1, length)
        lines = _LINES.split(text)
        where = f"line {line}, column {column}" if len(lines) > 1 else f"column {column}"
        shown = lines[line - 1] if 0 < line <= len(lines) else ""
        super().__init__(f"{reason} (at {where})\n{_pointer(shown, column, self.length)}")


def _pointer(line: str, column: int, length: int) -> str:
    """The line (a window of it, if long) and a row of carets under the offending part."""
    start = max(0, column - 1 - _CONTEXT)
    stop = column - 1 + _CONTEXT
    excerpt = ("…" if start else "") + line[start:stop] + ("…" if len(line) > stop else "")
    carets = "^" * max(1, min(length, _CONTEXT, len(line) - column + 1))
    return f"  {excerpt}\n  {' ' * (column - 1 - start + bool(start))}{carets}"


def parse(text: str, values: Mapping[str, float] | None = None) -> Value:
    """Build the graph of ``text`` with each name bound to a leaf Value labelled with that name.

    Args:
        text: an expression such as ``"tanh(x*w + b)"``.
        values: a number for every name the expression uses.

    Raises:
        ExpressionError: the text is not allowed, a name has no value, or a
            number is outside an operation's domain (``log(-1)``); always with
            the offending part and its column.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() needs the expression as a str, got {type(text).__name__}")
    leaves, not_finite = _leaves(values or {})
    if not text.strip():
        raise ExpressionError("empty expression: write one such as tanh(x*w + b)", text)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_LENGTH} characters", text, column=MAX_LENGTH + 1)
    tree = _syntax_tree(text)
    builder = _Builder(text, leaves, not_finite)
    builder.check(tree.body, depth=0)
    if builder.missing:
        names = ", ".join(builder.missing)
        first = builder.missing_at[0]
        raise builder.error(f"no value given for {names} (every name needs a number)", first)
    result = builder.build(tree.body)
    return result if isinstance(result, Value) else Value(result)


def _leaves(values: Mapping[str, float]) -> tuple[dict[str, Value], dict[str, float]]:
    """One leaf Value per name (NFKC-normalised, as Python's parser does), and the names whose number is not finite."""
    leaves: dict[str, Value] = {}
    not_finite: dict[str, float] = {}
    given: dict[str, str] = {}
    for name, x in values.items():
        if not isinstance(name, str):
            raise TypeError(f"names must be str, got {type(name).__name__} {name!r}")
        if isinstance(x, bool) or not isinstance(x, numbers.Real):
            raise TypeError(f"the value of {name!r} must be a real number, got {type(x).__name__} {x!r}")
        key = unicodedata.normalize("NFKC", name)
        if key in given:
            raise ValueError(f"{given[key]!r} and {name!r} are the same name (Python reads both as {key!r})")
        given[key] = name
        if math.isfinite(x):
            leaves[key] = Value(float(x), label=key)
        else:
            not_finite[key] = float(x)
    return leaves, not_finite


def _syntax_tree(text: str) -> ast.Expression:
    indent = len(text) - len(text.lstrip(" \t"))  # `ast` rejects a leading space as an "indent"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. SyntaxWarning for escapes in strings, refused anyway
            return ast.parse(text[indent:], mode="eval")
    except SyntaxError as exc:
        line, column = exc.lineno or 1, (exc.offset or 1) + (indent if (exc.lineno or 1) == 1 else 0)
        length = (exc.end_offset or 0) - (exc.offset or 0) if exc.end_lineno == exc.lineno else 1
        raise ExpressionError(f"not a valid expression: {exc.msg}", text, line, max(column, 1), length) from None
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        raise ExpressionError(f"not a valid expression: {exc}", text) from None


class _Builder:
    """Checks a syntax tree against the whitelist, then builds the Values bottom-up."""

    def __init__(self, text: str, leaves: dict[str, Value], not_finite: dict[str, float]) -> None:
        self.text, self.leaves, self.not_finite = text, leaves, not_finite
        self.indent = len(text) - len(text.lstrip(" \t"))
        self.missing: list[str] = []
        self.missing_at: list[ast.AST] = []

    def error(self, reason: str, node: ast.AST) -> ExpressionError:
        line = getattr(node, "lineno", 1)
        start, end = self._column(line, node.col_offset), self._column(line, node.end_col_offset)
        if getattr(node, "end_lineno", line) != line:
            end = start + 1
        shown = _LINES.split(self.text)[line - 1][start:end]
        if shown.strip(" \t()"):  # trim spaces, and the brackets an operator span picks up
            start += len(shown) - len(shown.lstrip(" \t)"))
            end -= len(shown) - len(shown.rstrip(" \t("))
        return ExpressionError(reason, self.text, line, start + 1, end - start)

    def _column(self, line: int, byte_offset: int | None) -> int:
        """ast counts UTF-8 bytes of the parsed text; the user counts characters of what they typed."""
        source = _LINES.split(self.text[self.indent :])[line - 1]
        column = len(source.encode()[: byte_offset or 0].decode(errors="replace"))
        return column + (self.indent if line == 1 else 0)

    def check(self, node: ast.AST, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise self.error(f"expression nested more than {MAX_DEPTH} levels deep", node)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise self.error(f"{type(node.value).__name__} {node.value!r} is not allowed: only real numbers", node)
            if isinstance(node.value, int) and abs(node.value) > 1e308:
                raise self.error("number too large for a float", node)
            if isinstance(node.value, float) and not math.isfinite(node.value):
                raise self.error("number too large for a float (it would be inf)", node)
        elif isinstance(node, ast.Name):
            if node.id in FUNCTIONS or node.id in _NARY:
                raise self.error(f"{node.id} is a function: call it, as in {node.id}(x)", node)
            if node.id in self.not_finite:
                shown = self.not_finite[node.id]
                raise self.error(f"{node.id} = {shown}: every name needs a finite number, not nan or inf", node)
            if node.id not in self.leaves and node.id not in self.missing:
                self.missing.append(node.id)
                self.missing_at.append(node)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise self.error("operator not allowed: use + - * / **", _operator_span(node))
            self.check(node.left, depth + 1)
            self.check(node.right, depth + 1)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd):
                raise self.error("only unary minus (and plus) is allowed", node)
            self.check(node.operand, depth + 1)
        elif isinstance(node, ast.Call):
            self._check_call(node, depth)
        else:
            what = _REFUSED.get(type(node), f"{type(node).__name__} syntax")
            raise self.error(f"{what} is not allowed: use numbers, names, + - * / ** and {_allowed()}", node)

    def _check_call(self, node: ast.Call, depth: int) -> None:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS and name not in _NARY:
            raise self.error(f"only these functions can be called: {_allowed()}", node.func)
        if node.keywords:
            raise self.error(f"{name}() takes no keyword arguments", node.keywords[0])
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.error("* unpacking is not allowed", arg)
        args = node.args
        if name in FUNCTIONS and len(args) != 1:
            raise self.error(f"{name}() takes exactly one argument, got {len(args)}", node)
        if name in _VARIADIC and not args:
            raise self.error(f"{name}() needs at least one argument: {name}(x, y, ...)", node)
        if name == "neg_log_softmax":
            if len(args) != 2 or not isinstance(args[0], ast.List) or not args[0].elts or not _is_index(args[1]):
                usage = "neg_log_softmax([z1, z2], 0)"
                raise self.error(f"neg_log_softmax() takes a non-empty list of logits and a class index: {usage}", node)
            args = args[0].elts
        if name == "dot":
            lists = args[:2]
            if len(args) not in (2, 3) or not all(isinstance(a, ast.List) for a in lists):
                raise self.error("dot() takes two lists and an optional bias: dot([a1, a2], [w1, w2], b)", node)
            if len(lists[0].elts) != len(lists[1].elts) or not lists[0].elts:
                raise self.error("dot() needs two non-empty lists of the same length", node)
            args = [*lists[0].elts, *lists[1].elts, *args[2:]]
        for arg in args:
            self.check(arg, depth + 1)

    def build(self, node: ast.AST) -> Value | float:
        """The Value (or, for a part without names, the float) of a checked node.

        A number outside an operation's domain is reported at the innermost
        part that failed; the enclosing calls pass that ExpressionError on.
        """
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return self.leaves[node.id]
        try:
            if isinstance(node, ast.BinOp):
                name = _BINARY[type(node.op)]
                a, b = self.build(node.left), self.build(node.right)
                if isinstance(a, float) and isinstance(b, float):  # folded by the engine: domain and overflow checks
                    with value.no_grad():
                        return value.apply(OPS[name], a, b).data
                return _PYTHON_OP[name](a, b)
            if isinstance(node, ast.UnaryOp):
                a = self.build(node.operand)
                return -a if isinstance(node.op, ast.USub) else a
            name = node.func.id
            if name == "dot":
                a, w = [self.build(e) for e in node.args[0].elts], [self.build(e) for e in node.args[1].elts]
                bias = self.build(node.args[2]) if len(node.args) == 3 else None
                return value.dot(a, w, bias)
            if name == "neg_log_softmax":
                return softmax.neg_log_softmax([self.build(e) for e in node.args[0].elts], node.args[1].value)
            args = [self.build(arg) for arg in node.args]
            return _VARIADIC[name](args) if name in _VARIADIC else FUNCTIONS[name](args[0])
        except ExpressionError:
            raise
        except (ArithmeticError, ValueError) as exc:  # DomainError, OverflowInOpError, and fsum's own errors
            raise self.error(str(exc), node) from exc


def _operator_span(node: ast.BinOp) -> ast.AST:
    """A stand-in node spanning the text between the operands, where the operator is."""
    span = ast.Constant(None)
    span.lineno, span.end_lineno = node.left.end_lineno, node.right.lineno
    span.col_offset, span.end_col_offset = node.left.end_col_offset, node.right.col_offset
    return span


def _is_index(node: ast.AST) -> bool:
    """A class index: a non-negative int literal (its range is checked by neg_log_softmax itself)."""
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value >= 0


def _allowed() -> str:
    return ", ".join(f"{f}()" for f in (*FUNCTIONS, *_NARY))


__all__ = ["FUNCTIONS", "ExpressionError", "parse"]
