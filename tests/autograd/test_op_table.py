"""The op table is the one place an op is declared: every op in ``OPS`` is reachable everywhere a user looks.

A one-input function declared ``Op(..., function=True)`` must be a ``Value`` method, a function of
the ``autograd`` namespace (and in its ``__all__``) and a function of the expression parser; every
other op must be reachable from ``parse`` with the text its spec gives, and an n-ary op is also an
``autograd`` function. ``unreachable`` says, for each gap, what to add and where; the last tests
plant ops that are declared but not wired in, and see it name them.
"""

from __future__ import annotations

import math

import pytest

import autograd
from autograd import OPS, Op, Value, expression, parse
from tests.autograd.op_specs import SPECS

INPUTS = {f"x{i}": 0.5 + 0.25 * i for i in range(5)}


def _parsed(op: Op, text: str) -> str | None:
    """None if ``parse(text)`` applies ``op`` at its root, else what went wrong."""
    try:
        root = parse(text, INPUTS)
    except (ValueError, TypeError, ArithmeticError) as exc:
        return f"parse({text!r}) raised {type(exc).__name__}: {exc}"
    return None if root.op is op else f"parse({text!r}) applies {root.op}, not {op}"


def unreachable(op: Op) -> list[str]:
    """Every place a user cannot reach ``op`` from, each with what to do about it."""
    name, problems = op.name, []
    declare = f"declare it Op({name!r}, ..., function=True) in autograd/ops.py"
    if op.function:
        method = getattr(Value, name, None)
        if method is None or method(Value(0.5)).op is not op:
            problems.append(f"op {name!r}: Value(0.5).{name}() does not apply it: {declare} (that adds the method)")
        function = getattr(autograd, name, None)
        if function is None or name not in autograd.__all__ or function(0.5).op is not op:
            problems.append(
                f"op {name!r}: autograd.{name} is missing, not in __all__, or applies another op: {declare}"
            )
        if name not in expression.FUNCTIONS or expression.FUNCTIONS[name](0.5).op is not op:
            problems.append(f"op {name!r}: the parser's FUNCTIONS has no {name!r}: {declare}")
        failure = _parsed(op, f"{name}(x0)")
        if failure:
            problems.append(f"op {name!r}: {failure}: {declare}")
        return problems
    if op.arity == 1 and name not in ("neg", "powc"):
        problems.append(f"op {name!r} takes one input but is no function a user can call: {declare}")
    spec = SPECS.get(name)
    if spec is None or spec.text is None:
        problems.append(
            f"op {name!r}: no expression reaches it: give SPECS[{name!r}] in tests/autograd/op_specs.py a "
            "text=(c, n) -> the parse() input that applies it, and teach autograd/expression.py that syntax"
        )
    else:
        failure = _parsed(op, spec.text(3.0, op.arity or 3))
        if failure:
            problems.append(f"op {name!r}: {failure}: teach autograd/expression.py its syntax")
    if op.arity is None and (getattr(autograd, name, None) is None or name not in autograd.__all__):
        problems.append(f"op {name!r} (n-ary): add the function autograd.{name} (value.py) and put it in __all__")
    return problems


@pytest.mark.parametrize("name", OPS)
def test_every_op_is_reachable_as_a_method_a_function_and_from_the_parser(name: str) -> None:
    problems = unreachable(OPS[name])
    assert not problems, "\n".join(problems)


def _fake(name: str, function: bool) -> Op:
    return Op(name, lambda c, a: math.sinh(a), lambda out, c, a: (math.cosh(a),), name, "∂/∂a = cosh a", 1, function)


def test_a_function_op_declared_outside_the_table_is_named_as_unreachable() -> None:
    problems = unreachable(_fake("sinh", function=True))  # an Op(...) that never made it into OPS
    assert len(problems) == 4, problems
    assert all("declare it Op('sinh', ..., function=True) in autograd/ops.py" in p for p in problems)


def test_a_one_input_op_without_function_is_told_to_declare_it() -> None:
    problems = unreachable(_fake("sinh", function=False))
    assert "takes one input but is no function a user can call" in problems[0], problems
    assert "no expression reaches it" in problems[1], problems


def test_function_and_kinks_are_for_one_input_ops_only() -> None:
    with pytest.raises(ValueError, match="one-input ops"):
        Op("max", lambda c, a, b: max(a, b), lambda out, c, a, b: (1.0, 0.0), "max", "…", 2, kinks=(0.0,))
