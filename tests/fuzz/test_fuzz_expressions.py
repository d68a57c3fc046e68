"""Expressions with extreme constants: ``parse`` builds a finite Value or raises ExpressionError, nothing else.

The text mixes the numbers a float barely holds (``1e308``, ``5e-324``, a 400-digit
integer), numbers it cannot (``1e999``), names bound to extreme values (plain and
in full-width letters, which Python reads as the same name), every operator and
function, and junk characters. Whatever comes out, a built Value's data is finite:
a constant that overflows is an error pointing at it, never ``Value(inf)``.
"""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from autograd import ExpressionError, parse
from tests.fuzz.budget import budget, count

CONSTANTS = ["1e308", "1.7976931348623157e308", "5e-324", "1e-320", "1e999", "-1e999", "0", "0.0", "1_000", "2"]
CONSTANTS += ["9" * 400, "1e200", "1e-200", "709.8", "710", "-745", "0x10", "1j", "True", "None", "'s'"]
NAMES = ["x", "y", "ｘ", "ﬁ", "exp", "sum", "__import__"]
VALUES = {"x": 1e308, "y": 5e-324, "fi": -710.0}
FUNCTIONS = ["exp", "log", "tanh", "sigmoid", "relu"]
JUNK = ["", " ", "(", ")", ",", "**", "//", "[", "]", ".", "\x00", "\n", "λ", "#"]


def expressions() -> st.SearchStrategy[str]:
    leaf = st.sampled_from(CONSTANTS + NAMES)

    def grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.builds(
            lambda a, op, b: f"({a}){op}({b})", inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner
        )
        call = st.builds(lambda f, a: f"{f}({a})", st.sampled_from(FUNCTIONS), inner)
        nary = st.builds(lambda xs: f"sum({', '.join(xs)})", st.lists(inner, min_size=1, max_size=3))
        dot = st.builds(lambda a, b: f"dot([{a}], [{b}])", inner, inner)
        unary = st.builds(lambda a: f"-({a})", inner)
        return binary | call | nary | dot | unary

    tree = st.recursive(leaf, grow, max_leaves=8)
    junk = st.builds(lambda t, j, at: t[:at] + j + t[at:], tree, st.sampled_from(JUNK), st.integers(0, 60))
    return st.one_of(tree, tree, junk)


@budget(fast=150, long=20000)
@given(expressions())
def test_an_expression_builds_a_finite_value_or_is_refused_with_an_expression_error(text):
    count("expressions")
    try:
        root = parse(text, VALUES)
    except ExpressionError as exc:
        assert exc.column >= 1 and exc.text == text
        return
    assert math.isfinite(root.data), f"{text!r} gave {root.data!r}"
