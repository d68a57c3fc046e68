"""``gradcheck`` / ``gradgradcheck``: right derivatives pass, a wrong rule is caught and named, kinks are kinks."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Op, Value, apply
from autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck

# x³ with the 3 forgotten: the "custom op with a wrong derivative" of the issue.
WRONG_CUBE = Op("cube", lambda c, a: a**3, lambda out, c, a: (a * a,), "cube", "∂/∂a = a² (should be 3a²)", 1)
RIGHT_CUBE = Op("cube", lambda c, a: a**3, lambda out, c, a: (3.0 * a * a,), "cube", "∂/∂a = 3a²", 1)
# Right as a float rule, but it reads .data, so create_graph cannot differentiate it again.
FLAT_CUBE = Op(
    "flatcube",
    lambda c, a: a**3,
    lambda out, c, a: (3.0 * (a if isinstance(a, float) else a.data) ** 2,),
    "cube",
    "∂/∂a = 3a², computed as a plain number",
    1,
)


def smooth(x: Value, y: Value) -> Value:
    return (x * y + x.tanh()) ** 2 / (1.0 + y.exp()) + (x * x + 1.0).log() - y.sigmoid()


@given(st.floats(-3, 3), st.floats(-3, 3))
def test_correct_derivatives_pass(x, y):
    report = gradcheck(smooth, [Value(x, label="x"), Value(y, label="y")])
    assert report and report.passed and len(report.entries) == 2


def test_every_output_and_input_is_named():
    x, y = Value(0.7, label="x"), Value(-1.2, label="y")
    report = gradcheck(lambda x, y: [x * y, x.exp()], [x, y])
    assert [e.name for e in report.entries] == ["∂f[0]/∂x", "∂f[0]/∂y", "∂f[1]/∂x", "∂f[1]/∂y"]
    assert [e.name for e in gradcheck(lambda a, b: a * b, [2.0, 3.0]).entries] == ["∂f/∂x[0]", "∂f/∂x[1]"]


def test_a_planted_wrong_derivative_is_caught_with_a_clear_message():
    x, y = Value(2.0, label="x"), Value(-1.5, label="y")
    report = gradcheck(lambda x, y: apply(WRONG_CUBE, x) * y, [x, y])
    assert not report.passed
    (failure,) = report.failures
    assert failure.name == "∂f/∂x"
    expected = gradcheck(lambda x, y: apply(RIGHT_CUBE, x) * y, [x, y]).entries[0].analytical
    assert failure.numerical == pytest.approx(expected, rel=1e-6)  # differences see the true 3x²·y
    assert failure.analytical != pytest.approx(expected)
    text = str(report)
    assert "FAILED" in text and "∂f/∂x" in text and f"{failure.analytical:.12g}" in text
    assert "op 'cube'" in text and "should be 3a²" in text  # the rule itself is named, with its own words
    with pytest.raises(GradcheckError, match=r"op 'cube'"):
        gradcheck(lambda x, y: apply(WRONG_CUBE, x) * y, [x, y], raise_on_failure=True)
    assert isinstance(GradcheckError("x"), AssertionError)  # pytest shows it as a failed assertion


@pytest.mark.parametrize("at", [0.0, 3e-7, -3e-7])
@pytest.mark.parametrize(("method", "shown"), [("relu", "ReLU"), ("abs", "abs")])
def test_a_kink_declared_by_the_op_is_reported_as_a_kink_not_a_failure(at, method, shown):
    z = Value(at, label="z")
    report = gradcheck(lambda z: getattr(z, method)() * 3.0 + z, [z])
    assert report.passed
    (entry,) = report.kinks
    assert entry.status == "kink" and f"{shown} input z crosses 0" in entry.note
    assert "kink" in str(report)


def test_an_op_without_kinks_is_checked_at_0():
    # sin is smooth at 0: a wrong rule there is a failure, not excused as a kink
    wrong = Op("sin", lambda c, a: math.sin(a), lambda out, c, a: (2.0,), "sin", "wrong", 1)
    report = gradcheck(lambda z: apply(wrong, z), [Value(0.0, label="z")])
    assert not report.passed and not report.kinks


def test_a_kink_in_one_output_leaves_the_others_checked():
    report = gradcheck(lambda z: [(z * 2.0).relu(), z * z], [Value(1e-7, label="z")])
    assert [e.status for e in report.entries] == ["kink", "ok"]


def test_inconsistent_one_sided_differences_are_a_kink_even_without_relu():
    # |x| built from Values without a relu node: its derivative jumps at 0 all the same.
    def absolute(x: Value) -> Value:
        return (x * x + 1e-30) ** 0.5

    report = gradcheck(absolute, [Value(1e-7, label="x")])
    assert report.passed and report.kinks and "one-sided differences disagree" in report.kinks[0].note


def test_a_domain_error_inside_the_step_is_not_checkable_and_says_why():
    report = gradcheck(lambda x: x.log(), [Value(1e-7, label="x")])
    assert not report.passed and report.failures[0].status == "undefined"
    assert "log" in report.failures[0].note


@given(st.floats(-2, 2), st.floats(-2, 2))
def test_second_derivatives_pass(x, y):
    assert gradgradcheck(smooth, [Value(x, label="x"), Value(y, label="y")])


def test_gradgradcheck_names_the_mixed_partials():
    report = gradgradcheck(lambda x, y: x * x * y, [Value(1.5, label="x"), Value(-0.5, label="y")])
    assert [e.name for e in report.entries] == ["∂²f/∂x²", "∂²f/∂x∂y", "∂²f/∂y∂x", "∂²f/∂y²"]
    assert report.passed


def test_gradgradcheck_catches_a_rule_that_create_graph_cannot_differentiate():
    x = Value(1.3, label="x")
    assert gradcheck(lambda x: apply(FLAT_CUBE, x), [x]).passed  # first derivatives are right...
    report = gradgradcheck(lambda x: apply(FLAT_CUBE, x).tanh() + x.exp() * x.sigmoid(), [x])
    assert not report.passed  # ...the second is lost
    (suspect,) = report.suspects  # tanh, exp, sigmoid, add and mul differentiate fine on Values
    assert "op 'flatcube'" in suspect and "plain number" in suspect


def test_gradgradcheck_through_a_relu_kink_is_a_kink():
    report = gradgradcheck(lambda x: (x * 2.0).relu() * x, [Value(1e-7, label="x")])
    assert report.passed and report.kinks


def test_report_is_plain_data():
    report = gradcheck(lambda x, y: apply(WRONG_CUBE, x) * y, [Value(2.0), Value(3.0)])
    data = json.loads(json.dumps(report.to_dict()))
    assert data["passed"] is False and data["entries"][0]["status"] == "fail"
    assert all(math.isfinite(e["abs_error"]) for e in data["entries"])


def test_inside_no_grad_there_is_nothing_to_check():
    with autograd.no_grad(), pytest.raises(RuntimeError, match="no_grad"):
        gradcheck(lambda x: x * x, [1.0])


def test_inputs_must_be_values_or_numbers():
    with pytest.raises(TypeError, match="inputs\\[0\\]"):
        gradcheck(lambda x: x, ["one"])
