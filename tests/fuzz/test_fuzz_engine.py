"""The engine at the float limits: finite inputs give a finite result or an error naming the op, never inf or nan.

Inputs are drawn evenly over every decimal exponent a float has (subnormals,
±1.8e308, ±0), for every op in the table. Elementwise ops must agree with
Python's own correctly rounded float arithmetic where it is finite; the n-ary
ops are checked against exact rational (``fractions``) or 60-digit (``mpmath``)
answers: ``sum`` correctly rounded, ``neg_log_softmax`` to a few ulp, ``logsumexp`` to a few ulp of
``|max z| + log Σ e^(z − max z)`` (the two terms it adds, which may cancel).
"""

from __future__ import annotations

import math
import operator
from fractions import Fraction

import mpmath
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import autograd
from autograd import DomainError, OverflowInOpError, Value
from tests.fuzz.budget import budget, count

EDGES = [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.0, -1.0, 709.78, 710.0, -745.2, 1e308, -1e308]
EDGES += [1.7976931348623157e308, -1.7976931348623157e308, 0.5, 2.0, 3.0, -3.0]


def limits() -> st.SearchStrategy[float]:
    exponent = st.floats(min_value=-324, max_value=308.25)
    spread = st.builds(lambda s, e: s * min(10.0**e, 1.7976931348623157e308), st.sampled_from([1.0, -1.0]), exponent)
    return st.one_of(spread, st.sampled_from(EDGES), st.floats(allow_nan=False, allow_infinity=False))


UNARY = {"exp": Value.exp, "log": Value.log, "tanh": Value.tanh, "sigmoid": Value.sigmoid, "relu": Value.relu}
UNARY |= {"neg": operator.neg, "square": lambda v: v**2, "cube": lambda v: v**3, "inverse": lambda v: v**-1.0}
UNARY |= {"sqrt": lambda v: v**0.5}
BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "**": operator.pow}


@budget(fast=200, long=20000)
@given(st.sampled_from(list(UNARY)), limits())
def test_a_unary_op_on_a_finite_float_is_finite_or_names_the_op(name, x):
    count("engine: unary ops")
    try:
        y = UNARY[name](Value(x))
    except (DomainError, OverflowInOpError) as exc:
        assert exc.op in str(exc)
        return
    assert math.isfinite(y.data), f"{name}({x!r}) = {y.data!r} silently"


@budget(fast=200, long=20000)
@given(st.sampled_from(list(BINARY)), limits(), limits())
def test_a_binary_op_is_pythons_correctly_rounded_float_or_an_error(symbol, a, b):
    count("engine: binary ops")
    try:
        expected = BINARY[symbol](a, b)
    except (ArithmeticError, ValueError):
        expected = None
    if isinstance(expected, complex) or (expected is not None and not math.isfinite(expected)):
        expected = None
    try:
        got = BINARY[symbol](Value(a), Value(b)).data
    except (DomainError, OverflowInOpError):
        got = None
    assert got == expected or (got is not None and expected is not None and math.isclose(got, expected, rel_tol=1e-15))


MAX = Fraction(2**1024) * (1 - Fraction(1, 2**54))  # values at or above this round to inf


def _overflows(exact: Fraction) -> bool:
    return abs(exact) >= MAX


@budget(fast=100, long=10000)
@given(st.lists(limits(), min_size=1, max_size=8))
def test_sum_is_correctly_rounded_or_an_overflow(x):
    count("engine: n-ary sum")
    exact = sum(Fraction(v) for v in x)
    if _overflows(exact):
        with pytest.raises(OverflowInOpError):
            autograd.sum(x)
    else:
        assert autograd.sum(x).data == float(exact)


@budget(fast=100, long=10000)
@example([(0.1, 0.1), (-0.01, 1.0)])  # rounded products leave 1.7e-18 of an exact 9.0e-19: inside the bound
@given(st.lists(st.tuples(limits(), limits()), min_size=1, max_size=5))
def test_dot_is_within_its_error_bound_or_an_overflow(pairs):
    """dot adds its rounded products correctly rounded (math.fsum, on every Python), so it is within n ulp of the
    exact Σ a_i w_i, relative to Σ |a_i w_i| (plus n subnormal steps), and raises an overflow only when the exact
    value is at the edge of what a float holds."""
    count("engine: n-ary dot")
    a, w = [p for p, _ in pairs], [q for _, q in pairs]
    products = [Fraction(p) * Fraction(q) for p, q in pairs]
    exact = sum(products)
    bound = len(pairs) * (Fraction(1, 2**53) * sum(map(abs, products)) + Fraction(1, 2**1074))
    try:
        got = autograd.dot(a, w).data
    except OverflowInOpError:
        assert abs(exact) + bound >= MAX, (pairs, float(exact))
    else:
        assert abs(exact) - bound < MAX, (pairs, got)
        assert abs(Fraction(got) - exact) <= bound, (pairs, got, float(exact))


@budget(fast=100, long=10000)
@given(st.lists(limits(), min_size=1, max_size=6), st.data())
def test_logsumexp_and_neg_log_softmax_are_exact_to_a_few_ulp(z, data):
    count("engine: logsumexp / neg_log_softmax")
    k = data.draw(st.integers(0, len(z) - 1))
    with mpmath.workdps(60):
        mz = [mpmath.mpf(v) for v in z]
        top = max(mz)
        rest = mpmath.fsum(mpmath.exp(v - top) for j, v in enumerate(mz) if j != mz.index(top))
        cases = [  # (exact, its scale, compute): logsumexp adds max z and log Σ, which may cancel (−1 + 0.998…)
            (top + mpmath.log1p(rest), abs(top) + mpmath.log1p(rest), lambda: autograd.logsumexp(z)),
            ((top - mz[k]) + mpmath.log1p(rest), None, lambda: autograd.neg_log_softmax(z, k)),  # both terms ≥ 0
        ]
        for exact, scale, compute in cases:
            if abs(exact) >= mpmath.mpf(2) ** 1024 * (1 - mpmath.mpf(2) ** -54):
                with pytest.raises(OverflowInOpError):
                    compute()
                continue
            got = compute().data
            assert abs(mpmath.mpf(got) - exact) <= 8 * 2.0**-52 * (scale or abs(exact)) + 1e-300, (z, k, got)
