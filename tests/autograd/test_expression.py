"""The expression parser: it builds exactly the graph Python would, or refuses with a pointed error.

The oracle is an independent evaluator over the same generated expression
tree, using Python floats and ``math``; nothing is ever compared to numbers
typed in by hand.
"""

from __future__ import annotations

import ast
import builtins
import math
import operator
from collections import Counter
from contextlib import contextmanager, suppress
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import autograd
from autograd.expression import ExpressionError, parse

NAMES = ("x", "y", "w", "b")
VALUES = {"x": 0.5, "y": -1.25, "w": -1.2, "b": 0.1}
FUNCS = ("exp", "log", "tanh", "sigmoid", "relu")


class Refused(Exception):
    """The reference evaluator found the expression outside some operation's domain."""


# --- generated expressions: a tree, its text, its value and the ops it must create -------------

numbers_ = st.sampled_from([0, 1, 2, 3, 10, 0.5, 0.1, 1.5, 2.25, 1e-3])
leaves = st.one_of(st.tuples(st.just("num"), numbers_), st.tuples(st.just("name"), st.sampled_from(NAMES)))


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.tuples(st.just("bin"), st.sampled_from(["+", "-", "*", "/", "**"]), children, children),
        st.tuples(st.just("neg"), children),
        st.tuples(st.just("call"), st.sampled_from(FUNCS), children),
        st.tuples(st.just("sum"), st.lists(children, min_size=1, max_size=3)),
    )


trees = st.recursive(leaves, _extend, max_leaves=8)


def render(tree: tuple, space: str) -> str:
    kind = tree[0]
    if kind == "num":
        return repr(tree[1])
    if kind == "name":
        return tree[1]
    if kind == "bin":
        return f"({render(tree[2], space)}{space}{tree[1]}{space}{render(tree[3], space)})"
    if kind == "neg":
        return f"(-{render(tree[1], space)})"
    if kind == "call":
        return f"{tree[1]}({render(tree[2], space)})"
    return f"sum({(',' + space).join(render(t, space) for t in tree[1])})"


def _pow(a: float, b: float) -> float:
    if (a == 0.0 and b < 0.0) or (a < 0.0 and not b.is_integer()):
        raise Refused  # undefined, or complex
    try:
        return a**b
    except OverflowError:
        raise Refused from None


def _sigmoid(a: float) -> float:
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    return math.exp(a) / (1.0 + math.exp(a))


def _call(name: str, a: float) -> float:
    try:
        if name == "log" and a <= 0.0:
            raise Refused
        return {"exp": math.exp, "log": math.log, "tanh": math.tanh, "sigmoid": _sigmoid}.get(
            name, lambda t: t if t > 0.0 else 0.0
        )(a)
    except OverflowError:
        raise Refused from None


def reference(tree: tuple, ops: Counter) -> tuple[float, bool]:
    """(value with Python floats, whether Python would have a Value there); counts the nodes it would make."""
    kind = tree[0]
    if kind == "num":
        return float(tree[1]), False
    if kind == "name":
        return VALUES[tree[1]], True
    if kind == "neg":
        a, is_value = reference(tree[1], ops)
        if is_value:
            ops["neg"] += 1
        return -a, is_value
    if kind == "call":
        a, _ = reference(tree[2], ops)
        ops[tree[1]] += 1  # a call always makes a node, even of a number
        return _call(tree[1], a), True
    if kind == "sum":
        args = [reference(t, ops)[0] for t in tree[1]]
        ops["sum"] += 1
        try:
            return math.fsum(args), True
        except (OverflowError, ValueError):
            raise Refused from None
    symbol, (a, a_is_value), (b, b_is_value) = tree[1], reference(tree[2], ops), reference(tree[3], ops)
    if a_is_value or b_is_value:
        name = {"+": "add", "-": "sub", "*": "mul", "/": "div"}.get(symbol)
        ops[name or ("pow" if b_is_value else "powc")] += 1
    if symbol == "/" and b == 0.0:
        raise Refused
    if symbol == "**":
        return _pow(a, b), a_is_value or b_is_value
    return {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else 0.0}[symbol], a_is_value or b_is_value


def names_in(tree: tuple):
    if tree[0] == "name":
        yield tree[1]
    for child in tree[1:]:
        if isinstance(child, tuple):
            yield from names_in(child)
        elif isinstance(child, list):
            for t in child:
                yield from names_in(t)


def same_float(got: float, want: float) -> bool:
    if math.isnan(want) or math.isinf(want):
        return math.isnan(got) if math.isnan(want) else got == want
    return math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-300)


@contextmanager
def nothing_executed():
    """Fail if anything is eval'd, exec'd or compiled to code while parsing (``ast.parse`` only builds a tree)."""
    real_compile = builtins.compile

    def ast_only_compile(source, filename, mode, flags=0, *args, **kwargs):
        assert flags & ast.PyCF_ONLY_AST, f"compile() to code of {source!r}"
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    def forbidden(*args, **kwargs):
        raise AssertionError(f"executed: {args!r}")

    with (
        mock.patch.object(builtins, "eval", forbidden),
        mock.patch.object(builtins, "exec", forbidden),
        mock.patch.object(builtins, "compile", ast_only_compile),
    ):
        yield


def graph_ops(root: autograd.Value) -> Counter:
    return Counter(v.op.name for v in autograd.topological_order(root) if v.op is not None)


# --- properties ----------------------------------------------------------------------------------


def at_least(n: int) -> int:
    """Parsing is cheap: run more examples than the suite's default profile, and more still when it asks."""
    return max(n, settings.default.max_examples)


@settings(max_examples=at_least(300), suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees, space=st.sampled_from(["", " "]))
@example(tree=("bin", "**", ("name", "x"), ("neg", ("num", 2))), space=" ")
@example(tree=("bin", "**", ("num", 2), ("name", "x")), space="")
@example(tree=("call", "log", ("neg", ("name", "x"))), space="")
def test_generated_expression_builds_the_graph_python_would(tree: tuple, space: str) -> None:
    text = render(tree, space)
    want_ops: Counter = Counter()
    try:
        want, _ = reference(tree, want_ops)
    except Refused:
        with nothing_executed(), pytest.raises(ExpressionError):
            parse(text, VALUES)
        return
    with nothing_executed():
        got = parse(text, VALUES)
    assert same_float(got.data, want), text
    assert graph_ops(got) == want_ops, text
    labelled = [v for v in autograd.topological_order(got) if v.label is not None]
    used = set(names_in(tree))
    assert sorted(v.label for v in labelled) == sorted(used), "each name is one leaf, however often it appears"


junk_alphabet = "xyzwb0123456789.e+-*/()[], _'\"=;:!@#$%^&|<>~`\\\n\ttanhexplogsigmoidrelusumdot"


@settings(max_examples=at_least(500))
@given(text=st.one_of(st.text(max_size=40), st.text(alphabet=junk_alphabet, max_size=40)))
def test_junk_is_built_or_refused_with_the_parse_error(text: str) -> None:
    with nothing_executed():
        try:
            result = parse(text, VALUES)
        except ExpressionError as exc:
            assert str(exc).startswith(exc.reason)
            assert 1 <= exc.column <= len(text) + 1
            return
    assert isinstance(result, autograd.Value)


@settings(max_examples=at_least(200))
@given(tree=trees, data=st.data())
def test_a_generated_expression_with_one_character_changed_is_built_or_refused(tree: tuple, data) -> None:
    text = render(tree, " ")
    i = data.draw(st.integers(0, len(text)))
    junk = text[:i] + data.draw(st.sampled_from(list("()[],.=;'\"@%:! x1"))) + text[i + 1 :]
    with nothing_executed(), suppress(ExpressionError):
        assert isinstance(parse(junk, VALUES), autograd.Value)


# --- the graph and its gradients -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["tanh(x*w + b)", "x*x + w/x - b**2", "sigmoid(relu(x) - log(x) * exp(w))"])
def test_backward_through_a_parsed_graph_matches_central_differences(text: str) -> None:
    root = parse(text, VALUES)
    root.backward()
    leaves = {v.label: v for v in autograd.topological_order(root) if v.label}
    h = 1e-6
    for name, leaf in leaves.items():
        up = parse(text, {**VALUES, name: VALUES[name] + h}).data
        down = parse(text, {**VALUES, name: VALUES[name] - h}).data
        assert math.isclose(leaf.grad, (up - down) / (2 * h), rel_tol=1e-6, abs_tol=1e-8), name


def test_a_name_used_twice_is_one_leaf_with_both_edges() -> None:
    root = parse("x * x", {"x": 3.0})
    assert root.parents[0] is root.parents[1]
    assert root.parents[0].label == "x"


def test_a_constant_exponent_is_not_a_node_and_a_name_exponent_is() -> None:
    assert parse("x ** -2", VALUES).op.name == "powc"
    assert parse("2 ** x", VALUES).op.name == "pow"


def test_dot_with_lists_and_a_bias_is_one_node() -> None:
    root = parse("dot([x, y], [w, w], b)", VALUES)
    assert root.op.name == "dot"
    assert [p.label for p in root.parents] == ["x", "y", "w", "w", "b"]


def test_an_expression_without_names_is_one_leaf() -> None:
    root = parse("2 * 3", {})
    assert root.is_leaf() and root.data == parse("6", {}).data


# --- errors point at the offending part ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "part", "words"),
    [
        ("x // 2", "//", "operator"),
        ("x.data", "x.data", "attribute"),
        ("__import__('os').system('true')", "__import__('os').system", "functions"),
        ("open('f')", "open", "functions"),
        ("x if w else b", "x if w else b", "conditional"),
        ("x < w", "x < w", "comparison"),
        ("tanh(x, w)", "tanh(x, w)", "one argument"),
        ("tanh(x=1)", "x=1", "keyword"),
        ("x[0]", "x[0]", "indexing"),
        ("'text'", "'text'", "real numbers"),
        ("lambda: x", "lambda: x", "lambda"),
        ("tanh", "tanh", "call it"),
        ("tanh(x*w + b", "(", "never closed"),
        ("x + log(w)", "log(w)", "log"),
        ("  x + é", "é", "no value"),
    ],
)
def test_the_error_points_at_the_offending_part(text: str, part: str, words: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text, VALUES)
    exc = info.value
    assert words in exc.reason
    assert text[exc.column - 1 : exc.column - 1 + exc.length] == part
    lines = str(exc).splitlines()
    assert lines[-1].index("^") == lines[-2].index(text) + exc.column - 1, "the caret sits under the part"


def test_every_name_without_a_value_is_named_once() -> None:
    with pytest.raises(ExpressionError, match="no value given for y, z") as info:
        parse("y * x + z * y", {"x": 1.0})
    assert info.value.column == 1


def test_nothing_is_executed_by_a_hostile_expression(tmp_path) -> None:
    target = tmp_path / "touched"
    for text in [f"open({str(target)!r}, 'w')", f"__import__('pathlib').Path({str(target)!r}).touch()"]:
        with nothing_executed(), pytest.raises(ExpressionError):
            parse(text, VALUES)
    assert not target.exists()


def test_absurd_inputs_are_refused_cleanly() -> None:
    for text in ["-" * 1000 + "x", "(" * 500 + "x" + ")" * 500, "x+" * 6000 + "x", "\x00", "", "   "]:
        with pytest.raises(ExpressionError):
            parse(text, VALUES)


def test_values_must_be_numbers() -> None:
    with pytest.raises(TypeError, match="'x'"):
        parse("x", {"x": "1"})


# --- numbers: folded by the engine, finite or refused ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "part", "words"),
    [
        ("1e200*1e200", "1e200*1e200", "mul(1e+200, 1e+200) overflows"),
        ("x + 1e200*1e200", "1e200*1e200", "overflows"),
        ("1e999", "1e999", "too large for a float"),
        ("x * -1e999", "1e999", "too large for a float"),
        ("2 ** 5000", "2 ** 5000", "pow(2.0, 5000.0) overflows"),
        ("1e308 - -1e308", "1e308 - -1e308", "sub(1e+308, -1e+308) overflows"),
        ("(1e-300 / 1e-300) / 0", "(1e-300 / 1e-300) / 0", "division by zero"),
    ],
)
def test_a_constant_that_overflows_is_an_error_not_inf(text: str, part: str, words: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text, VALUES)
    assert words in info.value.reason
    assert text[info.value.column - 1 : info.value.column - 1 + info.value.length] == part


FINITE = st.floats(allow_nan=False, allow_infinity=False)
PYTHON = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow}


@given(FINITE, st.sampled_from(["+", "-", "*", "/", "**"]), FINITE)
@example(1e308, "+", 1e308)
@example(-1e-320, "**", -2.5)
@example(1e-200, "/", 1e-200)
def test_folding_two_numbers_gives_pythons_float_or_an_error_never_inf(a: float, op: str, b: float) -> None:
    text = f"({a!r}) {op} ({b!r})"
    try:
        expected = PYTHON[op](a, b)  # the oracle: Python's own float arithmetic
    except (ArithmeticError, ValueError):
        expected = None
    if isinstance(expected, complex) or (isinstance(expected, float) and not math.isfinite(expected)):
        expected = None
    try:
        got = parse(text, {}).data
    except ExpressionError:
        got = None
    assert got == expected or (got is not None and expected is not None and math.isclose(got, expected))


def test_a_name_given_nan_or_inf_is_refused_where_it_is_used() -> None:
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ExpressionError, match="every name needs a finite number") as info:
            parse("tanh(w + x)", {"x": bad, "w": 1.0})
        assert info.value.column == 10
    assert parse("w", {"w": 1.0, "unused": math.nan}).data == 1.0  # a value the text never uses is not read


# --- names are read as Python reads them ----------------------------------------------------------------


def test_unicode_names_are_nfkc_normalised_in_text_and_values_alike() -> None:
    assert ast.parse("ｘ", mode="eval").body.id == "x"  # Python's own rule, which parse follows
    assert parse("ｘ * 2", {"x": 3.0}).data == 6.0
    assert parse("x * 2", {"ｘ": 3.0}).data == 6.0
    root = parse("ｘ * x", {"ｘ": 3.0})
    assert root.parents[0] is root.parents[1] and root.parents[0].label == "x", "one leaf, labelled as Python names it"
    assert parse("ﬁ + 1", {"fi": 1.0}).data == 2.0  # the ligature is the two letters


def test_two_spellings_of_one_name_are_refused() -> None:
    with pytest.raises(ValueError, match="'x' and 'ｘ' are the same name"):
        parse("x", {"x": 1.0, "ｘ": 2.0})
