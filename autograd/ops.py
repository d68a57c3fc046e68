"""The one table of primitive operations: forward, local derivatives, and how each is shown.

Every primitive is declared here and nowhere else. Its ``partials(out, c, *x)``
returns the local derivative ``∂out/∂x_i`` for every input ``x_i`` (``out`` is
the op's own result, ``c`` a constant parameter such as a fixed exponent). The
rules use arithmetic operators only, so the same rule runs on floats (a plain
``backward()``) and on ``Value`` objects (``grad(..., create_graph=True)``,
which is how second derivatives come for free). The backward pass, the graph's
edge labels, gradcheck's kinks and the per-op tests all read this table, and a
one-input op declared with ``function=True`` becomes the method ``x.name()``,
the function ``autograd.name(x)`` and the parser's ``name(x)``: adding an op is
one ``Op(...)`` entry (plus its test spec in ``tests/autograd/op_specs.py``).
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from autograd import arrays
from autograd.errors import DivisionByZeroError, DomainError, OverflowInOpError


@dataclass(frozen=True, slots=True)
class Op:
    """A primitive operation.

    Attributes:
        name: short identifier, used in errors and tests (``"mul"``).
        forward: ``forward(c, *x) -> float`` on floats; raises DomainError outside
            the op's domain. (A result that overflows to inf or nan from finite inputs
            is turned into OverflowInOpError by the engine, in one place: value.py.)
        partials: ``partials(out, c, *x) -> tuple`` of ∂out/∂x_i, one per input.
        symbol: how a graph shows the op (``"×"``); ``{c}`` is filled with ``c``, and ``{k}``
            with ``c + 1`` (a class counted from 1, as the notes count: ``−log p_{k}``).
        derivative: the local derivatives in words, for graphs and docs (filled the same way).
        arity: the number of inputs, or None for n-ary ops (``sum``, ``dot``).
        function: a one-input function a user calls by name: ``x.name()``,
            ``autograd.name(x)`` and ``name(x)`` in ``parse`` are made from this entry.
        kinks: the inputs at which a one-input op is not differentiable (ReLU's and
            abs's 0); ``partials`` there gives the derivative of the left piece.
            gradcheck reports an input within ``eps`` of a kink as a kink, not a failure.
        on_arrays: the forward on numpy arrays (``autograd.arrays``), for a compiled replay;
            None when ``forward`` itself works on arrays (``a + b``). ``partials`` runs on
            arrays as it is: its helpers below take floats, Values and arrays.
        step: optional, for speed: ``step(node, g)`` is the chain rule's step through one
            node with ``partials`` written in (``x.grad += g · ∂out/∂x`` for each input x,
            in the same order and with the same floats). ``backward()`` uses it instead of
            calling ``partials``; ``tests/autograd/test_ops.py`` checks that both give the
            same gradients at every op's test points. It reads the node's inputs where
            ``Value`` keeps them: ``node._a`` (and ``node._b`` for a second input), or the
            tuple ``node._a`` for an n-ary op.
    """

    name: str
    forward: Callable[..., float]
    partials: Callable[..., tuple[Any, ...]]
    symbol: str
    derivative: str
    arity: int | None
    function: bool = False
    kinks: tuple[float, ...] = ()
    on_arrays: Callable[..., Any] | None = None
    step: Callable[[Any, float], None] | None = None

    def __post_init__(self) -> None:
        if (self.function or self.kinks) and self.arity != 1:
            raise ValueError(f"Op {self.name!r}: function= and kinks= are for one-input ops")

    def __repr__(self) -> str:
        return f"Op({self.name!r})"

    def shown(self, c: Any, number: Callable[[float], str] = lambda x: format(x, "g")) -> str:
        """The symbol with its constant ``c`` filled in (``number`` writes a float ``c``)."""
        return _filled(self.symbol, c, number)

    def explained(self, c: Any) -> str:
        """The derivative in words with the constant ``c`` filled in."""
        return _filled(self.derivative, c, lambda x: format(x, "g"))

    def piece(self, x: Sequence[float]) -> int:
        """Which differentiable piece the inputs ``x`` are on: the number of kinks below ``x[0]``."""
        return sum(x[0] > k for k in self.kinks)

    def near_kink(self, x: Sequence[float], eps: float) -> bool:
        """Whether ``x[0]`` is within ``eps`` of a kink, where differences cannot check a derivative."""
        return any(abs(x[0] - k) <= eps for k in self.kinks)


def _filled(template: str, c: Any, number: Callable[[float], str]) -> str:
    if "{c}" in template:
        template = template.replace("{c}", number(c) if isinstance(c, float) else str(c))
    return template.replace("{k}", str(c + 1)) if "{k}" in template else template


def _data(x: Any) -> float:
    """The float inside a Value, or the float itself (rules see either)."""
    return x if isinstance(x, float) else x.data


def _log(x: Any) -> Any:
    if isinstance(x, float):
        return math.log(x)
    return np.log(x) if isinstance(x, np.ndarray) else x.log()


def _checked_div(c: Any, a: float, b: float) -> float:
    if b == 0.0:
        raise DivisionByZeroError("div", (a, b), "division by zero")
    return a / b


def _checked_pow(a: float, b: float, op: str = "pow") -> float:
    if a == 0.0 and b < 0.0:
        raise DivisionByZeroError(op, (a, b), "zero cannot be raised to a negative power")
    if a < 0.0 and not float(b).is_integer():
        raise DomainError(op, (a, b), "a negative base needs an integer exponent (the result is complex)")
    try:
        return float(a**b)
    except OverflowError:
        raise OverflowInOpError(op, (a, b)) from None


def _pow_partials(out: Any, c: Any, a: Any, b: Any) -> tuple[Any, Any]:
    # ∂(a^b)/∂b = a^b·ln a, which needs a > 0; at a = 0 (b > 0) the limit is 0.
    if isinstance(out, np.ndarray):
        if (a < 0.0).any():
            raise DomainError("pow", arrays._first(a < 0.0, a, b), "∂(a**b)/∂b = a**b·ln(a) is undefined for a < 0")
        with np.errstate(divide="ignore", invalid="ignore"):
            return (b * a ** (b - 1.0), np.where(a > 0.0, out * np.log(np.where(a > 0.0, a, 1.0)), 0.0))
    a_data = _data(a)
    if a_data > 0.0:
        d_exponent = out * _log(a)
    elif a_data == 0.0:
        d_exponent = 0.0
    else:
        raise DomainError("pow", (a_data, _data(b)), "∂(a**b)/∂b = a**b·ln(a) is undefined for a negative base a")
    return (b * a ** (b - 1.0), d_exponent)


def _exp(c: Any, a: float) -> float:
    try:
        return math.exp(a)
    except OverflowError:
        raise OverflowInOpError("exp", (a,)) from None


def _log_forward(c: Any, a: float) -> float:
    if a <= 0.0:
        raise DomainError("log", (a,), "log is defined only for positive numbers")
    return math.log(a)


def _sigmoid(c: Any, a: float) -> float:
    # Two branches so that exp never sees a large positive argument.
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def _s(x: Any) -> Any:
    """The sigmoid of a float or a Value. ``s(a)·s(−a)`` equals ``s(a)(1 − s(a))`` without the
    cancellation in ``1 − s(a)``: sigmoid'(40) is 4.2e-18, not 0."""
    if isinstance(x, float):
        return _sigmoid(None, x)
    return arrays.sigmoid_of(x) if isinstance(x, np.ndarray) else x.sigmoid()


def _sech2(x: Any) -> Any:
    """tanh'(x) = 1 − tanh²(x), written as 4t/(1 + t)² with t = e^(−2|x|): no cancellation when
    tanh(x) ≈ ±1, and no overflow (t ≤ 1). Works on floats and Values alike."""
    if isinstance(x, float):
        t = math.exp(-2.0 * abs(x))
    elif isinstance(x, np.ndarray):
        return arrays.sech2(x)
    else:
        t = (-2.0 * x if x.data >= 0.0 else 2.0 * x).exp()
    return 4.0 * t / ((1.0 + t) * (1.0 + t))


def _step(x: Any) -> float:
    """ReLU's derivative: 1 where x > 0, else 0 (the value at exactly 0 is 0, as in the notes)."""
    if isinstance(x, float):
        return 1.0 if x > 0.0 else 0.0
    return arrays.step(x) if isinstance(x, np.ndarray) else 1.0 if x.data > 0.0 else 0.0


def _sign(x: Any) -> Any:
    """abs's derivative: 1 where x > 0, −1 where x < 0, 0 at the kink (as PyTorch)."""
    if isinstance(x, np.ndarray):
        return np.sign(x)
    x = _data(x)
    return 1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0


def _periodic(name: str, f: Callable[[float], float]) -> Callable[[Any, float], float]:
    def forward(c: Any, a: float) -> float:
        if math.isinf(a):
            raise DomainError(name, (a,), f"{name} of an infinite number is undefined")
        return f(a)

    return forward


def _sin(x: Any) -> Any:
    if isinstance(x, float):
        return math.sin(x)
    return np.sin(x) if isinstance(x, np.ndarray) else x.sin()


def _cos(x: Any) -> Any:
    if isinstance(x, float):
        return math.cos(x)
    return np.cos(x) if isinstance(x, np.ndarray) else x.cos()


def _exact(terms: Iterable[Fraction]) -> float:
    """The exact sum of rationals, correctly rounded to a float (±inf when it is too large for one)."""
    total = builtins.sum(terms, Fraction(0))
    try:
        return float(total)
    except OverflowError:
        return math.inf if total > 0 else -math.inf


def _fsum(x: tuple[float, ...] | list[float]) -> float:
    """Σx correctly rounded, even when a partial sum overflows but the total does not."""
    try:
        return math.fsum(x)
    except OverflowError:  # a partial sum overflowed: add the numbers exactly (with an inf: as floats do)
        return _exact(map(Fraction, x)) if all(map(math.isfinite, x)) else builtins.sum(x)
    except ValueError:  # inf − inf among the inputs
        return math.nan


def _dot(c: Any, *x: float) -> float:
    # Inputs are a_1..a_n, w_1..w_n and, when their count is odd, a bias b last. The products and b are
    # added by fsum, correctly rounded (``autograd.dot`` adds the same terms, read from the Values).
    n = len(x) // 2
    total = _fsum([*map(operator.mul, x[:n], x[n : 2 * n]), *x[2 * n :]])
    if total - total == 0.0 or not all(map(math.isfinite, x)):
        return total
    # A product or a partial sum overflowed although every input is finite (1e200·1e200 − 1e200·1e200):
    # the products and their sum exactly, as rationals; only on this path, so the fast one stays fast.
    products = (Fraction(a) * Fraction(w) for a, w in zip(x[:n], x[n : 2 * n], strict=True))
    return _exact([*products, *map(Fraction, x[2 * n :])])


def _dot_partials(out: Any, c: Any, *x: Any) -> tuple[Any, ...]:
    n = len(x) // 2  # ∂/∂a_i = w_i, ∂/∂w_i = a_i, ∂/∂b = 1
    return x[n : 2 * n] + x[:n] + (1.0,) * (len(x) % 2)


def _exp_shifted(a: float, m: float) -> float:
    """e^(a − m) for a ≤ m, to about 1 ulp: a − m is rounded (by up to ½ ulp of |a − m|, which e^x
    would magnify |a − m| times), so its rounding error is recovered exactly (TwoSum) and put back."""
    d = a - m
    if d < -745.2:  # e^d is 0 in floats (also when a − m overflows to −inf)
        return 0.0
    b_virtual = d - a
    error = (a - (d - b_virtual)) + (-m - b_virtual)
    e = math.exp(d)
    return e + e * error


def _logsumexp(c: int | None, *z: float) -> float:
    """``log Σ_j e^{z_j}``, or with an index c, ``log Σ_j e^{z_j} − z_c`` (that is ``−log p_c``,
    p = softmax(z)), computed as ``(m − z_c) + log Σ_j e^{z_j − m}`` with m = max z: each exp
    is ≤ 1, the sum ≥ 1, and the large parts cancel before the logarithm is added, so
    ``−log p_0`` is ln 2 at z = [1e16, 1e16] and 0 at z = [1e308, −1e308], and ``log1p`` of the
    terms other than the largest keeps full precision when they are tiny (``−log p_1`` at [0, 20])."""
    m = max(z)
    if m - m != 0.0:  # an infinite (or nan) largest input: the shift would give nan
        return m if c is None else m - z[c]
    top = z.index(m)  # its term is e^0 = 1: log1p of the rest keeps −log p ≈ e^−40 (not 0) exact
    rest = _fsum([_exp_shifted(zj, m) for j, zj in enumerate(z) if j != top])
    return (m if c is None else m - z[c]) + math.log1p(rest)


def _logsumexp_partials(out: Any, c: int | None, *z: Any) -> tuple[Any, ...]:
    """p_j − [j = c] for each j, with p = softmax(z) (no c: p_j)."""
    if isinstance(out, float):  # from the shifted inputs, so a rounded out never enters
        m = max(z)
        e = [_exp_shifted(zj, m) for zj in z]
        total = _fsum(e)
        p = [ej / total for ej in e]
        if c is not None:  # p_c − 1 = −Σ_{j≠c} p_j, without the cancellation when p_c ≈ 1
            p[c] = -_fsum(e[:c] + e[c + 1 :]) / total
        return tuple(p)
    if isinstance(out, np.ndarray):
        return arrays.softmax(c, *z)
    # On Values (second derivatives): p_j = e^{z_j − z_c − out}, a graph with no constants.
    if c is None:
        return tuple((zj - out).exp() for zj in z)
    p = [(zj - z[c] - out).exp() for zj in z]
    p[c] = p[c] - 1.0
    return tuple(p)


def _neg_log_softmax(c: int, *z: float) -> float:
    if type(c) is not int or not 0 <= c < len(z):
        raise DomainError("neg_log_softmax", z, f"the class index must be an int in 0..{len(z) - 1}, got {c!r}")
    return _logsumexp(c, *z)


# The steps of the ops most graphs are made of: each is its entry's partials, applied to g.
# (g · 1 is g and g · −1 is −g exactly, so adding g is adding g · 1.)


def _add_step(node: Any, g: float) -> None:
    node._a.grad += g
    node._b.grad += g


def _sub_step(node: Any, g: float) -> None:
    node._a.grad += g
    node._b.grad -= g


def _mul_step(node: Any, g: float) -> None:
    a, b = node._a, node._b
    a.grad += g * b.data
    b.grad += g * a.data


def _neg_step(node: Any, g: float) -> None:
    node._a.grad -= g


def _relu_step(node: Any, g: float) -> None:
    a = node._a
    a.grad += g if a.data > 0.0 else g * 0.0  # g · 0, not nothing: an infinite g still meets the zero


def _sum_step(node: Any, g: float) -> None:
    for x in node._a:
        x.grad += g


def _dot_step(node: Any, g: float) -> None:
    if g == 0.0:  # every term g · w_i, g · a_i is then a signed zero (all of them are finite: the forward refuses
        return  # anything else), which leaves a gradient as it is (a sum begun at 0.0 is never −0.0): a ReLU's dead z
    x, wb = node._a, node._b
    if wb is not None:  # kept as halves a and (w, b): no input in both (value.dot_nodes), so one pass
        for ai, wi in zip(x, wb):  # noqa: B905 - stops at a's end, before b
            ai.grad += g * wi._number  # wi.data, without a Parameter's property (value.py)
            wi.grad += g * ai.data
        if len(wb) > len(x):  # ∂/∂b = 1
            wb[-1].grad += g
        return
    # One tuple (a, w, b): all the a_i first, so an input in both halves gets its terms in the order of the
    # table's partials. (zip without strict=: it stops at w's end; a keyword makes each zip() ~0.1 us dearer.)
    n = len(x) // 2
    w = x[n : 2 * n]
    for ai, wi in zip(x, w):  # noqa: B905  ∂/∂a_i = w_i
        ai.grad += g * wi.data
    for ai, wi in zip(x, w):  # noqa: B905  ∂/∂w_i = a_i
        wi.grad += g * ai.data
    if len(x) % 2:  # ∂/∂b = 1
        x[-1].grad += g


ADD = Op("add", lambda c, a, b: a + b, lambda out, c, a, b: (1.0, 1.0), "+", "∂/∂a = 1, ∂/∂b = 1", 2, step=_add_step)
SUB = Op("sub", lambda c, a, b: a - b, lambda out, c, a, b: (1.0, -1.0), "−", "∂/∂a = 1, ∂/∂b = −1", 2, step=_sub_step)
MUL = Op("mul", lambda c, a, b: a * b, lambda out, c, a, b: (b, a), "×", "∂/∂a = b, ∂/∂b = a", 2, step=_mul_step)
DIV = Op(
    "div",
    _checked_div,
    lambda out, c, a, b: (1.0 / b, -out / b),
    "÷",
    "∂/∂a = 1/b, ∂/∂b = −a/b²",
    2,
    on_arrays=arrays.div,
)
NEG = Op("neg", lambda c, a: -a, lambda out, c, a: (-1.0,), "−", "∂/∂a = −1", 1, step=_neg_step)
POW = Op(
    "pow",
    lambda c, a, b: _checked_pow(a, b),
    _pow_partials,
    "**",
    "∂/∂a = b·a^(b−1), ∂/∂b = a^b·ln a",
    2,
    on_arrays=arrays.pow,
)
POWC = Op(  # a Value to a fixed number: the exponent is a constant, not a node
    "powc",
    lambda c, a: _checked_pow(a, c, "powc"),
    lambda out, c, a: (c * a ** (c - 1.0) if c != 0.0 else 0.0,),  # a**0 is constant, even at a = 0
    "**{c}",
    "∂/∂a = c·a^(c−1)",
    1,
    on_arrays=arrays.powc,
)
EXP = Op("exp", _exp, lambda out, c, a: (out,), "exp", "∂/∂a = exp(a)", 1, function=True, on_arrays=arrays.exp)
LOG = Op("log", _log_forward, lambda out, c, a: (1.0 / a,), "log", "∂/∂a = 1/a", 1, function=True, on_arrays=arrays.log)
TANH = Op(
    "tanh",
    lambda c, a: math.tanh(a),
    lambda out, c, a: (_sech2(a),),
    "tanh",
    "∂/∂a = 1 − tanh²(a)",
    1,
    function=True,
    on_arrays=arrays.tanh,
)
SIGMOID = Op(
    "sigmoid",
    _sigmoid,
    lambda out, c, a: (out * _s(-a),),
    "sigmoid",
    "∂/∂a = s(a)(1 − s(a))",
    1,
    function=True,
    on_arrays=arrays.sigmoid,
)
RELU = Op(
    "relu",
    lambda c, a: a if a > 0.0 else 0.0,
    lambda out, c, a: (_step(a),),
    "ReLU",
    "∂/∂a = 1 if a > 0 else 0",
    1,
    function=True,
    kinks=(0.0,),
    on_arrays=arrays.relu,
    step=_relu_step,
)
ABS = Op(
    "abs",
    lambda c, a: abs(a),
    lambda out, c, a: (_sign(a),),
    "abs",
    "∂/∂a = 1 if a > 0, −1 if a < 0, 0 at 0",
    1,
    function=True,
    kinks=(0.0,),
    on_arrays=lambda c, a: np.abs(a),
)
SIN = Op(
    "sin",
    _periodic("sin", math.sin),
    lambda out, c, a: (_cos(a),),
    "sin",
    "∂/∂a = cos(a)",
    1,
    function=True,
    on_arrays=arrays.periodic("sin", np.sin),
)
COS = Op(
    "cos",
    _periodic("cos", math.cos),
    lambda out, c, a: (-_sin(a),),
    "cos",
    "∂/∂a = −sin(a)",
    1,
    function=True,
    on_arrays=arrays.periodic("cos", np.cos),
)
SUM = Op(
    "sum",
    lambda c, *x: _fsum(x),
    lambda out, c, *x: (1.0,) * len(x),
    "Σ",
    "∂/∂x_i = 1",
    None,
    on_arrays=arrays.sum,
    step=_sum_step,
)
DOT = Op(
    "dot",
    _dot,
    _dot_partials,
    "Σ a·w",
    "∂/∂a_i = w_i, ∂/∂w_i = a_i, ∂/∂b = 1",
    None,
    on_arrays=arrays.dot,
    step=_dot_step,
)
LOGSUMEXP = Op(
    "logsumexp",
    lambda c, *z: _logsumexp(None, *z),
    _logsumexp_partials,
    "log Σ exp",
    "∂/∂z_j = softmax(z)_j",
    None,
    on_arrays=lambda c, *z: arrays.logsumexp(None, *z),
)
NEG_LOG_SOFTMAX = Op(  # −log softmax(z)_c = log Σ_j e^{z_j} − z_c: softmax cross-entropy for class c, fused
    "neg_log_softmax",
    _neg_log_softmax,
    _logsumexp_partials,
    "−log p_{k}",
    "∂/∂z_j = p_j − y_j, p = softmax(z) (y_{k} = 1, every other y_j = 0)",
    None,
    on_arrays=arrays.logsumexp,
)

_PRIMITIVES = (ADD, SUB, MUL, DIV, NEG, POW, POWC, EXP, LOG, TANH, SIGMOID, RELU, ABS, SIN, COS)
_PRIMITIVES += (SUM, DOT, LOGSUMEXP, NEG_LOG_SOFTMAX)  # n-ary
OPS: dict[str, Op] = {op.name: op for op in _PRIMITIVES}
"""Every primitive by name: what the tests parametrize over."""

FUNCTION_OPS: tuple[Op, ...] = tuple(op for op in OPS.values() if op.function)
"""The one-input functions a user calls by name (``x.tanh()``, ``autograd.tanh(x)``, ``"tanh(x)"``)."""
