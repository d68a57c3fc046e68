"""Every loss against mpmath at 60 digits, at every magnitude a float can hold.

A loss either returns the exact value rounded (to a few ulp; a value below the
smallest normal float may lose its relative precision, never more than 1e-300
absolutely) or, when that value is too large for a float, raises an overflow.
Never a silent 0 where the answer is 4e-18, never inf, never an overflow where
the answer is finite. The gradients of the logit losses are checked the same way.
"""

from __future__ import annotations

import math

import mpmath
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from autograd import Value
from nn import binary_cross_entropy, cross_entropy, hinge, l2_penalty, reduce, squared_error

MAX = mpmath.mpf(2) ** 1024 * (1 - mpmath.mpf(2) ** -54)  # values at or above this round to inf
RTOL = 8 * 2.0**-52
ATOL = 1e-300


def magnitudes(low: int = -320, high: int = 308) -> st.SearchStrategy[float]:
    """Floats spread evenly over decimal exponents (hypothesis alone favours small ones)."""
    exponent = st.floats(min_value=low, max_value=high)
    mantissa = st.floats(min_value=1.0, max_value=9.999)
    sign = st.sampled_from([1.0, -1.0])
    spread = st.builds(lambda s, m, e: s * min(m * 10.0**e, 1.7976931348623157e308), sign, mantissa, exponent)
    return st.one_of(spread, st.sampled_from([0.0, 1.0, -1.0, 5e-324, 1.7976931348623157e308, -1e308, 40.0, -40.0]))


def agree(got: float, exact: mpmath.mpf, scale: mpmath.mpf | None = None) -> bool:
    """``got`` within a few ulp of ``exact`` (of ``scale``, for a difference such as p − y that cancels)."""
    return abs(mpmath.mpf(got) - exact) <= RTOL * abs(exact if scale is None else scale) + ATOL


def check(compute, exact: mpmath.mpf) -> float | None:
    """Run ``compute``; it must give ``exact`` rounded, or raise an overflow exactly when ``exact`` overflows."""
    if abs(exact) >= MAX:
        with pytest.raises(OverflowError):
            compute()
        return None
    value = compute()
    assert math.isfinite(value.data) and agree(value.data, exact), f"{value.data!r} vs exact {mpmath.nstr(exact, 20)}"
    return value.data


def softplus(x: mpmath.mpf) -> mpmath.mpf:
    return mpmath.log1p(mpmath.exp(x)) if x < 0 else x + mpmath.log1p(mpmath.exp(-x))


def sigmoid(x: mpmath.mpf) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-x))


@given(st.lists(st.tuples(magnitudes(), magnitudes()), min_size=1, max_size=4))
@example([(1e200, -1e200)])  # (2e200)² overflows: the loss does
@example([(1e-170, 0.0)])  # the square underflows: 1e-340, exact to 1e-300
@example([(1.0 + 2**-52, 1.0)])
def test_squared_error_is_exact_or_overflows(pairs):
    with mpmath.workdps(60):
        exact = mpmath.fsum((mpmath.mpf(z) - mpmath.mpf(y)) ** 2 for z, y in pairs)
        check(lambda: squared_error([Value(z) for z, _ in pairs], [y for _, y in pairs]), exact)


@given(st.lists(magnitudes(), min_size=1, max_size=4), st.lists(st.sampled_from([-1.0, 1.0]), min_size=4))
def test_hinge_is_exact_or_overflows(z, y):
    y = y[: len(z)]
    with mpmath.workdps(60):
        exact = mpmath.fsum(
            max(mpmath.mpf(0), 1 - mpmath.mpf(yk) * mpmath.mpf(zk)) for zk, yk in zip(z, y, strict=True)
        )
        check(lambda: hinge([Value(zk) for zk in z], y), exact)


@given(st.lists(magnitudes(), min_size=2, max_size=5), st.data())
@example([40.0, 0.0], None)  # −log p_0 = log(1 + e^−40) = 4.2e-18, not 0
@example([1e15, 1e15], None)
@example([1e308, -1e308], None)
@example([745.0, 0.0, -745.0], None)
def test_cross_entropy_and_its_delta_are_exact(z, data):
    k = 0 if data is None else data.draw(st.integers(0, len(z) - 1))
    zs = [Value(zj) for zj in z]
    with mpmath.workdps(60):
        mz = [mpmath.mpf(zj) for zj in z]
        top = max(mz)
        rest = mpmath.fsum(mpmath.exp(zj - top) for j, zj in enumerate(mz) if j != mz.index(top))
        total = 1 + rest
        if check(lambda: cross_entropy(zs, k), (top - mz[k]) + mpmath.log1p(rest)) is None:  # never 1e308 + ln 2
            return
        cross_entropy(zs, k).backward()
        for j, zj in enumerate(mz):
            p = mpmath.exp(zj - top) / total
            assert agree(zs[j].grad, p - (j == k), scale=p + (j == k)), (j, zs[j].grad, mpmath.nstr(p, 20))


@given(st.lists(st.tuples(magnitudes(), st.sampled_from([0.0, 1.0, 0.5, 0.1, 0.999])), min_size=1, max_size=3))
@example([(40.0, 1.0)])  # log(1 + e^−40): 4.2e-18, not 0
@example([(-40.0, 0.0)])
@example([(1e300, 0.0)])
@example([(-1e308, 0.5)])
@example([(800.0, 1.0)])
def test_binary_cross_entropy_and_its_delta_are_exact(pairs):
    zs = [Value(z) for z, _ in pairs]
    with mpmath.workdps(60):
        exact = mpmath.fsum(
            mpmath.mpf(y) * softplus(-mpmath.mpf(z)) + (1 - mpmath.mpf(y)) * softplus(mpmath.mpf(z)) for z, y in pairs
        )
        if check(lambda: binary_cross_entropy(zs, [y for _, y in pairs]), exact) is None:
            return
        binary_cross_entropy(zs, [y for _, y in pairs]).backward()
        for v, (z, y) in zip(zs, pairs, strict=True):
            s, y = sigmoid(mpmath.mpf(z)), mpmath.mpf(y)  # δ = s(z) − y
            assert agree(v.grad, s - y, scale=s + y), (z, y, v.grad, mpmath.nstr(s - y, 20))


@given(st.lists(magnitudes(), min_size=1, max_size=4), magnitudes(low=-300, high=300).map(abs))
@example([1e200, 1e200], 1e-200)  # Σp² overflows, α·Σp² = 2e200 does not
@example([1e-200], 1e300)
def test_l2_penalty_is_exact_or_overflows(ps, alpha):
    with mpmath.workdps(60):
        exact = mpmath.mpf(alpha) * mpmath.fsum(mpmath.mpf(p) ** 2 for p in ps)
        check(lambda: l2_penalty([Value(p) for p in ps], alpha), exact)


@given(st.lists(magnitudes().map(abs), min_size=1, max_size=5), st.sampled_from(["sum", "mean"]))
@example([1.7976931348623157e308, 1.7976931348623157e308], "mean")  # the sum overflows, the mean does not
def test_reduce_is_exact_or_overflows(losses, reduction):
    with mpmath.workdps(60):
        exact = mpmath.fsum(mpmath.mpf(x) for x in losses)
        exact = exact if reduction == "sum" else exact / len(losses)
        check(lambda: reduce([Value(x) for x in losses], reduction), exact)


@pytest.mark.parametrize("loss", [squared_error, binary_cross_entropy, hinge])
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_non_finite_target_is_refused_by_name(loss, bad):
    with pytest.raises(ValueError, match=r"target y\[1\] is .*, expected a finite number"):
        loss([Value(0.5), Value(0.5)], [1.0, bad])
