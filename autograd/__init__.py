"""deltagrad's scalar autograd engine.

``Value`` records the operation that made each number; ``backward()`` walks the
graph in reverse topological order and applies the chain rule, using the local
derivatives declared once per primitive in ``autograd.ops``.

It imports none of deltagrad's other packages (``nn``, ``visualize``, ``deltagrad``).
Note: this package is deltagrad's ``autograd``, not HIPS autograd (same import name).
"""

from autograd.backward import backward, backward_steps, grad, topological_order
from autograd.errors import (
    BackwardError,
    DivisionByZeroError,
    DomainError,
    NonFiniteGradientError,
    OverflowInOpError,
)
from autograd.expression import ExpressionError, parse
from autograd.formula import DerivativeReport, check_derivative
from autograd.gradcheck import GradcheckError, GradcheckReport, gradcheck, gradgradcheck
from autograd.ops import OPS, Op
from autograd.replay import Compiled, CompileError, compile  # noqa: A004 - autograd.compile
from autograd.softmax import logsumexp, neg_log_softmax
from autograd.value import (
    FUNCTIONS,
    Value,
    apply,
    dot,
    dots,
    is_grad_enabled,
    no_grad,
    sum,  # noqa: A004 - the engine's n-ary sum node, used as autograd.sum
)

globals().update(FUNCTIONS)  # autograd.exp, autograd.tanh, ...: one per Op(function=True) in ops.py

__all__ = [
    "OPS",
    "BackwardError",
    "DerivativeReport",
    "CompileError",
    "Compiled",
    "DivisionByZeroError",
    "DomainError",
    "ExpressionError",
    "GradcheckError",
    "GradcheckReport",
    "NonFiniteGradientError",
    "Op",
    "OverflowInOpError",
    "Value",
    "apply",
    "backward",
    "backward_steps",
    "check_derivative",
    "compile",
    "dot",
    "dots",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "is_grad_enabled",
    "logsumexp",
    "neg_log_softmax",
    "no_grad",
    "parse",
    "sum",
    "topological_order",
    *FUNCTIONS,
]
