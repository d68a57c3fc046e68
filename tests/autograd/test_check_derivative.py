"""``check_derivative``: right claims pass, each planted mistake gets its own diagnosis.

The right claims come from sympy (its Python printer and its LaTeX printer), never
typed in; every wrong claim is a right one with one mistake planted in it.
"""

from __future__ import annotations

import json

import pytest
import sympy

from autograd import check_derivative
from autograd.expression import FUNCTIONS, ExpressionError

x, w, b = sympy.symbols("x w b")
FORMULAS = [  # f in sympy, and the same in the engine's Python syntax
    (sympy.tanh(x * w + b), "tanh(x*w + b)"),
    (sympy.exp(-(w**2)) * x, "exp(-w**2)*x"),
    (sympy.log(1 + w**2) / (x**2 + 1), "log(1 + w**2)/(x**2 + 1)"),
    (1 / (1 + sympy.exp(-(x * w))), "sigmoid(x*w)"),
    ((w * x + b) ** 3, "(w*x + b)**3"),
]


def _sympy_text(expr: sympy.Expr) -> str:
    return str(expr)  # sympy's own printer: ** and exp/log/tanh, as the engine reads them


@pytest.mark.parametrize(("expr", "text"), FORMULAS)
@pytest.mark.parametrize("order", [1, 2])
def test_sympys_derivative_passes_in_python_syntax_and_in_latex(expr, text: str, order: int) -> None:
    derivative = sympy.diff(expr, w, order)
    for claim in (_sympy_text(derivative), f"${sympy.latex(derivative)}$"):
        report = check_derivative(text, "w", claim, samples=4, order=order)
        assert report.passed and report.diagnoses == [], str(report)


def _diagnosis(f: str, wrt: str, claim: str, **kwargs) -> str:
    report = check_derivative(f, wrt, claim, samples=kwargs.pop("samples", 6), **kwargs)
    assert not report.passed, str(report)
    return report.diagnoses[0]


def test_a_constant_factor_is_named() -> None:
    right = _sympy_text(sympy.diff(x**2 * w**2, w))
    assert check_derivative("x**2*w**2", "w", right, samples=4).passed
    assert "claim = 1/2 × the derivative" in _diagnosis("x**2*w**2", "w", f"({right})/2")


def test_a_flipped_sign_is_named() -> None:
    assert "the sign is flipped" in _diagnosis("exp(-w)", "w", "exp(-w)")


def test_a_missing_inner_derivative_names_the_inner_part_and_its_derivative() -> None:
    words = _diagnosis("tanh(x*w + b)", "w", "1 - tanh(x*w + b)**2")
    assert "did you forget ∂(x·w + b)/∂w = x?" in words
    latex = _diagnosis("sigmoid(w**2)", "w", r"\sigma(w^2)(1-\sigma(w^2))")
    assert "∂(w^2)/∂w = 2·w" in latex


def test_an_inner_derivative_too_many_is_named() -> None:
    assert "an inner derivative too many" in _diagnosis("exp(w**2)", "w", "4*w**2*exp(w**2)")
    constant = _diagnosis("exp(3*w)", "w", "exp(3*w)")  # a constant inner derivative is also a constant factor
    assert "claim = 1/3 × the derivative" in constant and "did you forget ∂(3·w)/∂w = 3?" in constant


def _abs(u: str) -> str:
    return f"abs({u})" if "abs" in FUNCTIONS else f"(({u})**2)**0.5"


def test_a_rule_true_on_part_of_the_domain_names_the_sign_that_splits_it() -> None:
    words = _diagnosis(_abs("x"), "x", "1", samples=10)
    assert "true on only part of the domain: it holds where x > 0" in words and "a sign lost" in words
    assert check_derivative(_abs("x"), "x", "x/" + _abs("x"), samples=10).passed
    masked = _diagnosis("relu(x*w)", "w", "x", samples=10)
    assert "it holds where x·w > 0" in masked and "the derivative is 0" in masked


def test_a_kink_is_described_and_not_counted() -> None:
    report = check_derivative("relu(x*w)", "w", "x", at={"x": 1.0, "w": 0.0}, samples=0)
    assert report.points[0].kink and not report.counted and not report.passed
    assert "the claim equals the slope from the right" in report.diagnoses[-1]
    smooth = check_derivative("relu(x*w)", "w", "x", at=[{"x": 1.0, "w": 0.0}, {"x": 1.0, "w": 0.5}], samples=0)
    assert smooth.passed and len(smooth.counted) == 1


def test_second_derivatives_and_their_mistakes() -> None:
    assert check_derivative("x**3", "x", "6*x", order=2, samples=4).passed
    assert "the first derivative" in _diagnosis("x**3", "x", "3*x**2", order=2)
    assert "claim = 2 × the derivative" in _diagnosis("x**3", "x", "12*x", order=2)


def test_a_claim_undefined_where_f_is_defined_fails() -> None:
    report = check_derivative("x**2", "x", "2*x*log(x)/log(x)", samples=6)
    assert not report.passed and "not defined at" in " ".join(report.diagnoses)


def test_functions_of_values_work_as_f_and_as_claim() -> None:
    report = check_derivative(lambda x, w: (x * w).tanh(), "w", lambda x, w: x * (1 - (x * w).tanh() ** 2), samples=3)
    assert report.passed


def test_the_report_is_a_table_html_and_data() -> None:
    report = check_derivative("tanh(x*w + b)", "w", r"$x\,(1-\tanh^2(xw+b))$", at={"x": 0.5, "w": -1.2, "b": 0.1})
    text = str(report)
    assert text.splitlines()[0].startswith("∂f/∂w = x·(1 − tanh(x·w + b)^2)  holds")
    assert "x = 0.5, w = -1.2, b = 0.1" in text
    assert "<table>" in report._repr_html_()
    data = json.loads(report.to_json())
    assert (
        data["passed"]
        and data["claim_syntax"] == "latex"
        and data["points"][0]["at"] == {"x": 0.5, "w": -1.2, "b": 0.1}
    )
    again = check_derivative("tanh(x*w + b)", "w", r"$x\,(1-\tanh^2(xw+b))$", at={"x": 0.5, "w": -1.2, "b": 0.1})
    assert again.to_dict() == report.to_dict()  # the random points come from the seed


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"f": "x**2", "wrt": "y", "claimed": "2*x"}, "wrt='y' is not an input of f"),
        ({"f": "x**2", "wrt": "x", "claimed": "2*y"}, "uses y, which f does not have"),
        ({"f": "x*w", "wrt": "w", "claimed": "xw + xx"}, "uses xw, xx"),
        ({"f": "x**2", "wrt": "x", "claimed": "2x", "order": 3}, "order must be 1 or 2"),
        ({"f": "log(x)", "wrt": "x", "claimed": "1/x", "at": {"x": -1.0}}, "f is not defined at x = -1"),
        ({"f": "x**2", "wrt": "x", "claimed": "2x", "at": {"q": 1.0}}, "which f does not use"),
    ],
)
def test_bad_arguments_say_what_to_do(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        check_derivative(**kwargs)


def test_a_latex_syntax_error_points_at_the_column() -> None:
    with pytest.raises(ExpressionError) as info:
        check_derivative("x**2", "x", r"$2\cdot x +$")
    assert info.value.column == 12 and "ends too early" in str(info.value)
