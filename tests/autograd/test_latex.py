"""The LaTeX / math-text reader: what it reads each notation as, round trips, and errors with a caret.

Oracles: the existing safe parser reading the same formula in Python syntax
(``autograd.parse``, built on ``ast``), and an independent evaluator of the
generated trees in plain ``math``; never numbers typed in by hand.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import parse
from autograd.expression import FUNCTIONS, VARIADIC, ExpressionError
from autograd.formula import Formula, Node, parse_latex

POINT = {"x": 0.7, "w": -1.3, "b": 0.4, "y": 1.9, "w_1": 0.35, "alpha": 0.6}


def _value(node: Node) -> float:
    return parse(node.python(), {n: POINT[n] for n in node.names()}).data


READINGS = [  # LaTeX or math text, and the same formula in Python syntax
    (r"x\,(1-\tanh^2(xw+b))", "x*(1 - tanh(x*w + b)**2)"),
    (r"$x\,(1-\tanh^2(xw+b))$", "x*(1 - tanh(x*w + b)**2)"),
    (r"\frac{1}{2}\sigma(x)\cdot(1-\sigma(x))", "0.5*sigmoid(x)*(1 - sigmoid(x))"),
    (r"2x e^{x^2}", "2*x*exp(x**2)"),
    (r"\exp(-x) \cdot \ln(y)", "exp(-x)*log(y)"),
    (r"\ln x^2", "log(x**2)"),
    (r"\tanh^{2}{\left(b + w x \right)}", "tanh(b + w*x)**2"),
    (r"-x^2", "-(x**2)"),
    (r"2^{-x}", "2**(-x)"),
    (r"\sqrt{y}", "y**0.5"),
    (r"x_1 w_{1}", "x_1*w_1"),
    (r"\alpha x", "alpha*x"),
    (r"\operatorname{ReLU}(x) + \text{relu}(w)", "relu(x) + relu(w)"),
    (r"\frac{x}{y}\frac{w}{b}", "(x/y)*(w/b)"),
    (r"\left( x + y \right)\left(x - y\right)", "(x + y)*(x - y)"),
    (r"x \times y \div w", "x*y/w"),
    ("x·(1 − tanh(x·w + b)²)", "x*(1 - tanh(x*w + b)**2)"),
    ("σ(x)(1 − σ(x))", "sigmoid(x)*(1 - sigmoid(x))"),
    ("2x(1 - x)", "2*x*(1 - x)"),
    (r"\operatorname{logsumexp}(x, 2y) + sum(x, y)", "logsumexp(x, 2*y) + x + y"),
    (r"\sigma'", None),  # a prime is not a scalar formula: refused below
]


@pytest.mark.parametrize(("latex", "python"), [r for r in READINGS if r[1]])
def test_latex_reads_as_the_python_formula(latex: str, python: str) -> None:
    tree = parse_latex(latex)
    names = {n: POINT.get(n, 0.3) for n in tree.names()}
    if "x_1" in names:
        names["x_1"] = 0.8
    expected = parse(python, names).data
    assert math.isclose(parse(tree.python(), names).data, expected, rel_tol=1e-14, abs_tol=1e-15)


def test_a_word_is_a_product_of_letters_but_a_function_name_is_a_function() -> None:
    assert parse_latex("xw").names() == ["x", "w"]
    assert parse_latex("tanh(x)") == Node("call", "tanh", (Node("name", "x"),))


def test_function_names_come_from_the_op_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new one-input op in the table is readable without an edit to the grammar."""
    from autograd import value
    from autograd.expression import FUNCTIONS as table

    monkeypatch.setitem(table, "softsign", lambda x: value.apply(value.ops.TANH, x))  # any op will do
    assert parse_latex(r"\operatorname{softsign}(x) + softsign(y)").python() == "softsign(x) + softsign(y)"
    with pytest.raises(ExpressionError, match="unknown command"):
        parse_latex(r"\softmaxx(x)")


# --- errors point at the column ---------------------------------------------------------------
ERRORS = [
    ("x +", 4, "ends too early"),
    ("(x", 3, "ends too early"),
    ("x)", 2, "unexpected ')'"),
    (r"\foo x", 1, r"unknown command \foo"),
    ("x + @", 5, "unexpected character '@'"),
    (r"\frac{1}{x", 11, "ends too early"),
    ("2 ** * 3", 6, "unexpected '*'"),
    (r"\tanh^{-1}(x)", 1, "inverse function"),
    (r"\sigma'(x)", 7, "unexpected character"),
]


@pytest.mark.parametrize(("text", "column", "reason"), ERRORS)
def test_a_syntax_error_points_at_the_column_with_a_caret(text: str, column: int, reason: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_latex(text)
    error = info.value
    assert reason in str(error) and error.column == column, str(error)
    shown, carets = str(error).splitlines()[-2:]
    assert shown.strip() == text.strip() and carets.index("^") - 2 == column - 1


def test_functions_missing_from_the_engine_are_named() -> None:
    if "sin" in FUNCTIONS:
        pytest.skip("the engine has sin")
    with pytest.raises(ExpressionError, match="sin is not an op of deltagrad's engine"):
        parse_latex(r"\sin x")


# --- round trips over random formulas ------------------------------------------------------------
_names = st.sampled_from(["x", "w", "b", "y", "w_1", "alpha"])
_numbers = st.sampled_from([0.5, 1.0, 2.0, 3.0, 0.25, 1.5, 10.0])
_leaves = st.one_of(_names.map(lambda n: Node("name", n)), _numbers.map(lambda v: Node("num", v)))
_SAFE = [f for f in ("exp", "tanh", "sigmoid", "relu", "sin", "cos", "abs") if f in FUNCTIONS]


def _grow(children: st.SearchStrategy) -> st.SearchStrategy:
    binary = st.tuples(st.sampled_from(["add", "sub", "mul", "div", "pow"]), children, children)
    return st.one_of(
        binary.map(lambda t: Node(t[0], None, (t[1], t[2]))),
        children.map(lambda a: Node("neg", None, (a,))),
        st.tuples(st.sampled_from(_SAFE), children).map(lambda t: Node("call", t[0], (t[1],))),
        st.tuples(st.sampled_from(sorted(VARIADIC)), st.lists(children, min_size=1, max_size=3)).map(
            lambda t: Node("call", t[0], tuple(t[1]))
        ),
    )


trees = st.recursive(_leaves, _grow, max_leaves=10)


def _reference(node: Node) -> float:
    """An evaluator of its own, in plain math (complex results and domain errors raise)."""
    if node.kind == "num":
        return node.value
    if node.kind == "name":
        return POINT[node.value]
    a = [_reference(x) for x in node.args]
    if node.kind == "call" and node.value in VARIADIC:  # a new n-ary op needs its definition here
        definitions = {
            "sum": math.fsum,
            "logsumexp": lambda t: max(t) + math.log(math.fsum(math.exp(v - max(t)) for v in t)),
        }
        return definitions[node.value](a)
    if node.kind == "call":
        f = {"exp": math.exp, "tanh": math.tanh, "sigmoid": lambda t: 1 / (1 + math.exp(-t)),
             "relu": lambda t: max(t, 0.0), "sin": math.sin, "cos": math.cos, "abs": abs}[node.value]  # fmt: skip
        return f(a[0])
    if node.kind == "neg":
        return -a[0]
    ops = {"add": lambda p, q: p + q, "sub": lambda p, q: p - q, "mul": lambda p, q: p * q,
           "div": lambda p, q: p / q, "pow": lambda p, q: p**q}  # fmt: skip
    result = ops[node.kind](*a)
    if isinstance(result, complex) or not math.isfinite(result):
        raise ArithmeticError
    return result


@settings(max_examples=150, deadline=None)
@given(trees)
def test_printed_latex_and_unicode_parse_back_to_the_same_tree(tree: Node) -> None:
    assert parse_latex(tree.latex()) == tree
    assert parse_latex(tree.unicode()) == tree


@settings(max_examples=150, deadline=None)
@given(trees)
def test_the_python_reading_has_the_reference_value(tree: Node) -> None:
    try:
        expected = _reference(tree)
    except (ArithmeticError, OverflowError, ValueError):
        return  # outside some op's domain: nothing to compare
    try:
        got = _value(parse_latex(tree.latex()))
    except ExpressionError as exc:  # the engine refuses what overflows or leaves a domain: say so
        assert "overflow" in str(exc) or "domain" in str(exc) or ":" in str(exc)
        return
    assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12)


_pieces = st.sampled_from([*"xwb12.+-*/^_{}()[]|$\\ σ·−²", "\\frac", "\\tanh", "\\left(", "\\,", "**"])
_hostile = st.lists(_pieces, max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), _hostile))
def test_hostile_text_gives_a_formula_or_the_parse_error(text: str) -> None:
    for read in (parse_latex, Formula.of):
        try:
            read(text)
        except ExpressionError as exc:
            assert "column" in str(exc) and "^" in str(exc)
