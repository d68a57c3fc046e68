"""``Value``: one scalar, the operation that made it, and its gradient.

A Value holds its inputs in order (``x * x`` keeps both edges) and a reference
to its ``Op`` from the table in ``ops.py``: no closure per node and no reference
back from an input to its result, so a graph nobody holds is freed by reference
counting alone. The one or two inputs of most ops sit in two slots of the node
itself, not in a tuple of their own: one object per node, not two, for the
garbage collector to track and traverse (half its work while a graph grows).
"""

from __future__ import annotations

import builtins
import html
import itertools
import math
import numbers
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Union

from autograd import ops
from autograd.finite import refuse_forward
from autograd.ops import Op

_grad_enabled: ContextVar[bool] = ContextVar("deltagrad_grad_enabled", default=True)

Scalar = Union["Value", float, int]


def _as_float(data: Any) -> float:
    if type(data) is float or type(data) is int:  # x ** 2: no need to ask numbers.Real (an ABC, ~0.3 us)
        return float(data)
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        what = type(data).__name__
        vector = isinstance(data, Iterable) and not isinstance(data, str | bytes)
        hint = " (a Value holds one number; use a list of Values for a vector)" if vector else ""
        if isinstance(data, bool):
            hint = " (use 1.0 or 0.0 for a number)"
        raise TypeError(f"Value() needs a real number, got {what} {data!r}{hint}")
    return float(data)


class Value:
    """A scalar node of the computation graph.

    ``Value(data, _children=(), _op="", label=None)``: micrograd's constructor. With
    ``_children`` and ``_op`` (``Value(-6.0, (a, b), "*")``) the Value is the result of
    that op of the table on those inputs, checked against its forward.

    Attributes:
        data: the number computed by the forward pass.
        grad: ∂(output)/∂(this value), filled in by ``backward()``.
        label: an optional name (a string) shown in reprs and graphs (``"w^(1)_21"``).

    A Value you construct also takes attributes of your own (``p.m = 0.0`` for an
    optimizer's state); the results of ops, which are most of a graph, do not.
    """

    # _a, _b: the op's inputs. A one-input op's input is _a (_b is None), a two-input
    # op's are _a and _b; an n-ary op's (sum, dot) are the tuple _a. Both None on a leaf.
    # (A dot whose a and (w, b) cannot share an input keeps them as two tuples _a, _b: see ``dot_nodes``.)
    # _primitive: the Op from the table (None on a leaf); _c: the op's constant
    # parameter (the 3 of x ** 3). Read them through ``parents``, ``op`` and ``arg``.
    __slots__ = ("data", "grad", "label", "_a", "_b", "_primitive", "_c")

    def __new__(cls, *args: Any, **kwargs: Any) -> Value:
        # A constructed Value may carry attributes (a __dict__): a subclass, so the nodes
        # that ops make stay 88 bytes (a __dict__ costs 32 B/node on CPython 3.11-3.12).
        return object.__new__(_OwnValue if cls is Value else cls)

    def __init__(self, data: float, _children: Iterable[Value] = (), _op: str = "", label: str | None = None) -> None:
        self.data = data if type(data) is float else _as_float(data)
        self.grad = 0.0
        self._a: Any = None
        self._b: Value | None = None
        self._primitive: Op | None = None
        self._c: Any = None
        self.label = _checked_label(label)  # not a property: checking every v.label = ... cost 2.6% of an MLP step
        if _children != () or _op != "":
            from autograd.handbuilt import hand_built

            link(self, *hand_built(self.data, _children, _op))

    # --- graph structure -------------------------------------------------
    @property
    def parents(self) -> tuple[Value, ...]:
        """The inputs of the op that made this value, in order (empty for a leaf)."""
        a, b = self._a, self._b
        if a is None or type(a) is tuple:
            return (a or ()) if b is None else a + b  # a dot kept as its halves a and (w, b): see dot_nodes
        return (a,) if b is None else (a, b)

    @property
    def _prev(self) -> tuple[Value, ...]:
        """micrograd's name for ``parents`` (read-only; a tuple in order, not a set)."""
        return self.parents

    @property
    def op(self) -> Op | None:
        """The primitive that made this value, or None for a leaf (an input or parameter)."""
        return self._primitive

    @property
    def _op(self) -> str:
        """micrograd's ``_op``: the op's symbol as a string (``"×"``, ``"**2"``), ``""`` on a leaf."""
        op = self._primitive
        if op is None:
            return ""
        return op.shown(self._c)

    @property
    def arg(self) -> Any:
        """The op's constant parameter (the fixed exponent of ``x ** 3``), if any."""
        return self._c

    def is_leaf(self) -> bool:
        """Whether no op made this value (an input, a parameter or a constant)."""
        return self._a is None

    # --- arithmetic ------------------------------------------------------
    def __add__(self, other: Scalar) -> Value:
        return _binary(ops.ADD, self, other)

    def __radd__(self, other: Scalar) -> Value:  # other + self
        return _binary(ops.ADD, other, self)

    def __sub__(self, other: Scalar) -> Value:
        return _binary(ops.SUB, self, other)

    def __rsub__(self, other: Scalar) -> Value:  # other - self
        return _binary(ops.SUB, other, self)

    def __mul__(self, other: Scalar) -> Value:
        return _binary(ops.MUL, self, other)

    def __rmul__(self, other: Scalar) -> Value:  # other * self
        return _binary(ops.MUL, other, self)

    def __truediv__(self, other: Scalar) -> Value:
        return _binary(ops.DIV, self, other)

    def __rtruediv__(self, other: Scalar) -> Value:  # other / self
        return _binary(ops.DIV, other, self)

    def __neg__(self) -> Value:
        return _unary(ops.NEG, self)

    def __pos__(self) -> Value:
        return self

    def __pow__(self, other: Scalar) -> Value:
        if isinstance(other, Value):
            return _binary(ops.POW, self, other)
        return _unary(ops.POWC, self, _as_float(other))  # a fixed exponent is not a node

    def __rpow__(self, other: Scalar) -> Value:  # other ** self
        return _binary(ops.POW, other, self)

    # --- functions: x.exp(), x.log(), x.tanh(), x.relu(), ... -------------
    # One method per ``Op(..., function=True)`` of the table, added below the class
    # by ``_add_functions``: declaring the op is all it takes.

    # --- copying: pickle and copy.deepcopy, flat however deep (pickling.py) --
    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        from autograd.pickling import reduce

        return reduce(self)

    # --- conversions and display ----------------------------------------
    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def _repr_html_(self) -> str:
        """In Jupyter: the label typeset (``w⁽¹⁾₂₁``), data and grad, and the op that made it."""
        from autograd.notation import typeset

        name = html.escape(typeset(self.label)) if self.label else "Value"
        op = self.op
        made = f"{html.escape(op.name)} of {len(self.parents)}" if op is not None else "a leaf"
        return (
            f'<span style="font-family:monospace"><b>{name}</b> data {self.data!r} · grad {self.grad!r} '
            f'<span style="color:#777">({made})</span></span>'
        )

    # --- gradients (the walk itself lives in backward.py) ----------------
    def backward(self, grad: float = 1.0) -> None:
        """Fill ``.grad`` of every value this one depends on with ∂self/∂value.

        Intermediate gradients are reset at the start of each pass, so calling
        ``backward()`` twice gives the same intermediate gradients; leaf
        gradients (inputs, parameters) accumulate until ``zero_grad``.

        Args:
            grad: the seed ∂L/∂self (1.0 when self is the loss).
        """
        from autograd.backward import backward

        backward(self, grad)

    def backward_step(self) -> None:
        """This node's own step of the chain rule: add ``grad · ∂self/∂x`` to the ``.grad`` of each input x.

        ``backward()`` is this step for every node, outputs first. Called by hand
        (micrograd's ``o._backward()``), it lets you backpropagate one node at a time.
        Nothing happens on a leaf.
        """
        from autograd.backward import backward_step

        backward_step(self)

    _backward = backward_step  # micrograd's name

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0 on this value and everything it depends on."""
        from autograd.backward import topological_order

        for v in topological_order(self):
            v.grad = 0.0


_new_value = object.__new__


class _OwnValue(Value):
    """A Value made by calling ``Value(...)``: the same, plus room for attributes of your own."""

    __slots__ = ("__dict__",)


# The data slot under a second name, which Parameter's property does not cover: the property reads and writes
# the number there, and so does the engine where it reads or writes many parameters at once (a dot's weights, an
# optimizer's pass): v._number is a slot's speed for every Value, where a Parameter's v.data costs ~25 ns more to
# read and ~55 ns more to write. A write through it is not counted: see set_data.
Value._number = Value.data  # type: ignore[attr-defined]
_number = operator.attrgetter("_number")  # its fastest getter in C: the property's, and a half's numbers
_writes = 0  # how many times a Parameter's .data has been set, in this process


def _write_data(p: Parameter, x: float) -> None:
    p._number = x
    global _writes
    _writes += 1  # after the write: whoever read the count before it reads the new number too (threads)


class Parameter(_OwnValue):
    """A constructed Value whose every write to ``.data`` is counted (``data_writes()``): what ``nn`` makes a
    network's weights and biases of, so that a layer can keep the numbers it read from them until one is set.

    It is a Value in every other way: ``p.data -= lr * p.grad`` works as on any Value (and is counted). Reading
    ``p.data`` goes through a property (~25 ns more than a slot), which the engine's hot paths avoid."""

    __slots__ = ()
    data = property(_number, _write_data, doc="the number (each write is counted: ``data_writes()``)")


def data_writes() -> int:
    """How many times any Parameter's ``.data`` has been set in this process: numbers read from Parameters
    are still their values while this count is unchanged."""
    return _writes


def data_of(values: Iterable[Value]) -> list[float]:
    """``[v.data for v in values]``, read from the slot itself (``_number``): an optimizer's pass over every
    parameter, which Parameters' properties would make four times slower."""
    return [v._number for v in values]


def set_data(values: Sequence[Value], numbers: Sequence[float]) -> None:
    """``v.data = x`` for each Value and number, written to the slots in one pass that counts as one write
    (``data_writes()``): an optimizer's update of every parameter."""
    if len(values) != len(numbers):
        raise ValueError(f"set_data() needs one number per Value, got {len(numbers)} for {len(values)}")
    for v, x in zip(values, numbers):  # noqa: B905 - the lengths are checked
        v._number = x
    global _writes
    _writes += 1  # after the writes, as _write_data's


def _checked_label(label: Any) -> str | None:
    if label is None or label == "":
        return None  # micrograd's default label is ""
    if not isinstance(label, str):
        raise TypeError(f"a Value's label must be a string, got {type(label).__name__} {label!r}")
    return label


def constant(data: float, label: str | None = None) -> Value:
    """A leaf for a number that is no parameter (a loss's target ``y_k``), labelled: cheaper than ``Value(...)``,
    which makes room for attributes of your own."""
    v = _constant(data)
    v.label = _checked_label(label)
    return v


def _constant(data: float) -> Value:
    """A leaf for a number an op was given, or a result under ``no_grad``."""
    v = _new_value(Value)
    v.data = data if type(data) is float else _as_float(data)
    v.grad = 0.0
    v._a = None
    v._b = None
    v._primitive = None
    v._c = None
    v.label = None
    return v


def link(v: Value, inputs: tuple[Value, ...], op: Op, c: Any) -> None:
    """Make ``v`` the result of ``op`` (constant ``c``) on ``inputs``: the one place that lays them out."""
    if op.arity == 1 or op.arity == 2:
        v._a, v._b = inputs if op.arity == 2 else (inputs[0], None)
    else:
        v._a, v._b = inputs, None
    v._primitive = op
    v._c = c


def _node(data: float, inputs: tuple[Value, ...], op: Op, c: Any) -> Value:
    v = _new_value(Value)
    v.data = data
    v.grad = 0.0
    link(v, inputs, op, c)
    v.label = None
    return v


def apply(op: Op, *inputs: Scalar, arg: Any = None) -> Value:
    """Apply a primitive to Values or numbers, recording the node unless inside ``no_grad``.

    Raises:
        DomainError: an input is outside the op's domain (``log(0)``), or is NaN.
        OverflowInOpError: finite inputs give a result too large for a float.
    """
    if not _VALUES.issuperset(map(type, inputs)):  # C-speed check, no set built: a neuron's dot has 2n+1 inputs
        inputs = tuple(x if isinstance(x, Value) else _constant(x) for x in inputs)
    x = tuple([v.data for v in inputs])  # a comprehension reads a slot ~2x faster than map(attrgetter)
    data = op.forward(arg, *x)
    if data - data != 0.0 or (total := _add_up(x)) != total:  # inf or NaN out, or a NaN in: finite.py
        refuse_forward(op, arg, x, data)
    if not _grad_enabled.get():
        return _constant(data)
    return _node(data, inputs, op, arg)


_VALUES = {Value, _OwnValue, Parameter}
_PLAIN, _OWN, _PARAMETERS = {Value}, {_OwnValue, Parameter}, {Parameter}
_add_up = builtins.sum  # C-speed: NaN if any input is NaN
_data = operator.attrgetter("data")


# ``apply`` specialised for one and two inputs: these are the hot path of every
# graph (about 5x faster than the generic *args version; see bench/).
def _binary(op: Op, a: Scalar, b: Scalar) -> Value:
    if type(a) is not Value:
        a = a if isinstance(a, Value) else _constant(a)
    if type(b) is not Value:
        b = b if isinstance(b, Value) else _constant(b)
    x, y = a.data, b.data
    data = op.forward(None, x, y)
    if data - data != 0.0 or x != x or y != y:  # inf or NaN out, or a NaN in: see finite.py
        refuse_forward(op, None, (x, y), data)
    if not _grad_enabled.get():
        return _constant(data)
    v = _new_value(Value)
    v.data = data
    v.grad = 0.0
    v._a = a
    v._b = b
    v._primitive = op
    v._c = None
    v.label = None
    return v


def _unary(op: Op, a: Scalar, arg: Any = None) -> Value:
    if type(a) is not Value:
        a = a if isinstance(a, Value) else _constant(a)
    x = a.data
    data = op.forward(arg, x)
    if data - data != 0.0 or x != x:  # inf or NaN out, or a NaN in: see finite.py
        refuse_forward(op, arg, (x,), data)
    if not _grad_enabled.get():
        return _constant(data)
    v = _new_value(Value)
    v.data = data
    v.grad = 0.0
    v._a = a
    v._b = None
    v._primitive = op
    v._c = arg
    v.label = None
    return v


def unary_nodes(op: Op, inputs: Sequence[Value], labels: Sequence[str | None]) -> list[Value]:
    """``[op(x) for x in inputs]``, each node given its label: a layer's ``a_j = σ(z_j)`` in one call (``_unary``'s
    steps, without a call per node). ``inputs`` are Values already."""
    forward = op.forward
    if not _grad_enabled.get():
        nodes = [_unary(op, x) for x in inputs]
        for v, name in zip(nodes, labels):  # noqa: B905 - one label per input
            v.label = name
        return nodes
    nodes = []
    for z, name in zip(inputs, labels):  # noqa: B905 - one label per input
        x = z.data
        data = forward(None, x)
        if data - data != 0.0 or x != x:  # inf or NaN out, or a NaN in: see finite.py
            refuse_forward(op, None, (x,), data)
        v = _new_value(Value)
        v.data = data
        v.grad = 0.0
        v._a = z
        v._b = None
        v._primitive = op
        v._c = None
        v.label = name
        nodes.append(v)
    return nodes


def sum(values: Iterable[Scalar]) -> Value:  # noqa: A001 - the engine's n-ary sum, one node
    """Σ_i x_i as a single node (not a chain of ``+``): one δ per sum in graphs."""
    values = tuple(values)
    if not values:
        raise ValueError("sum() of no values: pass at least one Value or number")
    return _sum_node(ops.SUM, values)


def dot(a: Iterable[Scalar], w: Iterable[Scalar], b: Scalar | None = None) -> Value:
    """Σ_i a_i w_i (+ b) as a single node: a neuron's pre-activation ``z``, as in the notes."""
    a = a if type(a) is tuple else tuple(a)
    h = (w if type(w) is tuple else tuple(w)) if b is None else (*w, b)
    n_w = len(h) - (b is not None)
    if len(a) != n_w:
        raise ValueError(f"dot() needs two sequences of the same length, got {len(a)} and {n_w}")
    if not a:
        raise ValueError("dot() of two empty sequences: pass at least one pair")
    a, level = _inputs(a)
    if _OWN.issuperset(map(type, h)):  # parameters, the common case: no call to _half (a hand-written loop's hot path)
        return dot_nodes(a, (h,), _CONSTRUCTED, _UNLABELLED, None, level)[0]
    h, kind = _half(h)
    return dot_nodes(a, (h,), (kind,), _UNLABELLED, None, level)[0]


def dots(
    a: Iterable[Scalar], weights: Iterable[Iterable[Scalar]], biases: Iterable[Scalar | None] | None = None
) -> list[Value]:
    """``[dot(a, w_j, b_j) for each j]``: a layer's ``z^(l)``, one ``dot`` node per neuron, with the inputs
    ``a`` read (and checked) once for all the neurons. ``biases`` (one per ``w_j``, None for no bias)
    may be left out."""
    a = tuple(a)
    n = len(a)
    ws = [tuple(w) for w in weights]
    bs = [None] * len(ws) if biases is None else list(biases)
    if len(bs) != len(ws):
        raise ValueError(f"dots() needs one bias (or None) per weight vector, got {len(bs)} for {len(ws)}")
    for w in ws:
        if n != len(w):
            raise ValueError(f"dot() needs two sequences of the same length, got {n} and {len(w)}")
    if not n:
        raise ValueError("dot() of two empty sequences: pass at least one pair")
    a, level = _inputs(a)
    checked = [_half(w if b is None else (*w, b)) for w, b in zip(ws, bs)]  # noqa: B905 - one bias per w
    return dot_nodes(a, [h for h, _ in checked], [kind for _, kind in checked], [None] * len(checked), None, level)


def _inputs(a: tuple[Scalar, ...]) -> tuple[tuple[Value, ...], int]:
    """A dot's a as Values (numbers made constants), and its ``input_level``: the types looked at once."""
    level = input_level(a)
    if level is None:
        a = _values(a)
        level = input_level(a)
    return a, 2 if level is None else level


def _half(h: tuple[Scalar, ...]) -> tuple[tuple[Value, ...], int]:
    """A dot's ``(w…, b)`` as Values, and its ``half_kind``."""
    h = h if _VALUES.issuperset(map(type, h)) else _values(h)
    return h, half_kind(h)


def dot_nodes(
    a: tuple[Value, ...],
    halves: Sequence[tuple[Value, ...]],
    kinds: Sequence[int],
    labels: Sequence[str | None],
    numbers: Sequence[tuple[float, ...]] | None,
    level: int,
) -> list[Value]:
    """The dot nodes ``z_j = Σ_i a_i w_ji (+ b_j)`` for each ``(w_j1, …, w_jn[, b_j])`` of ``halves``, node j
    labelled ``labels[j]``: the core of ``dot``, ``dots`` and ``nn.Layer``, whose Values are checked already
    (lengths match, every entry a Value). ``kinds[j]`` is ``half_kind(halves[j])``, ``level`` is ``input_level(a)``
    (2 for a Value of a class of your own). ``numbers``, if not None, is each half's numbers, read since the last
    ``data_writes()`` (a layer keeps them from sample to sample); it is given only when every half is all
    Parameters.

    A node with no input in both halves keeps them as the two tuples ``_a = a`` (shared by a layer's neurons) and
    ``_b = (w_j…, b_j)``: nothing is copied, and its step takes each pair (a_i, w_ji) in one pass (ops.py). That
    holds by type when every a_i is a plain Value (an op's
    result: a layer's activations) and every w_ji, b_j a constructed one (a parameter), or when no a_i is a
    Parameter and every w_ji, b_j is (layer 1's x and its weights); otherwise a set of the a_i is asked. Any
    other dot keeps the one tuple ``_a = (*a, *w_j, b_j)`` and its step takes the two halves in turn."""
    x = [ai.data for ai in a]  # a comprehension reads a slot ~2x faster than map(attrgetter)
    x.append(1.0)  # b's factor (1.0 · b is b exactly): a half without b stops the zip before it
    few = len(x) <= 5
    shared: set[Value] | None = None  # the a_i as a set, made the first time a half's kind cannot tell
    record = _grad_enabled.get()
    nodes = []
    for h, kind, name, row in zip(halves, kinds, labels, numbers or _NO_NUMBERS):  # noqa: B905 - one of each per half
        # ops.DOT's forward on the terms read here: added by fsum. Anything but a finite sum goes to the
        # table's forward, whose rules decide it.
        try:  # (h may end before b's 1.0: both stop there.) A comprehension's call costs more than it saves
            if row is not None:  # the numbers of h, kept: two lists multiplied in map's C loop
                data = math.fsum(map(operator.mul, x, row))
            elif few:  # on up to four inputs, where map's C loop is faster
                data = math.fsum(map(operator.mul, x, map(_number, h)))
            else:
                data = math.fsum([xi * wi._number for xi, wi in zip(x, h)])  # noqa: B905
        except (OverflowError, ValueError):
            data = math.inf
        if data - data != 0.0:
            nodes.append(_sum_node(_DOT, (*a, *h)))
            continue
        if not record:  # no_grad: the number, labelled
            v = _constant(data)
            v.label = name
            nodes.append(v)
            continue
        v = _new_value(Value)  # made here, not by _node: a call a node is ~2% of the nn step's instructions
        v.data = data
        v.grad = 0.0
        if kind > level or (shared := shared or set(a)).isdisjoint(h):  # no input in both halves
            v._a = a
            v._b = h
        else:
            v._a = (*a, *h)
            v._b = None
        v._primitive = _DOT
        v._c = None
        v.label = name
        nodes.append(v)
    return nodes


_NO_NUMBERS = itertools.repeat(None)


def all_values(xs: Iterable[Any]) -> bool:
    """Whether every entry of ``xs`` is a Value (one C-speed pass)."""
    return _VALUES.issuperset(map(type, xs))


def input_level(a: Iterable[Any]) -> int | None:
    """What ``dot_nodes`` needs to know of its a, from the types of its entries (one pass): None if one is not a
    Value of the engine's own classes; else how far they are from sharing an entry with a half, which a half of
    a higher ``half_kind`` cannot: 0 if all are plain Values (op results), 1 if none is a Parameter, else 2."""
    types = set(map(type, a))
    if types <= _PLAIN:
        return 0
    if types <= _VALUES:
        return 1 if Parameter not in types else 2
    return None


def half_kind(h: Iterable[Any]) -> int:
    """What ``dot_nodes`` needs to know of a half ``(w…, b)``: 2 if every entry is a Parameter, 1 if every
    entry is a constructed Value (``Value(...)``, a Parameter included), else 0."""
    h = tuple(h)
    return 2 if _PARAMETERS.issuperset(map(type, h)) else 1 if _OWN.issuperset(map(type, h)) else 0


def _values(xs: Iterable[Scalar]) -> tuple[Value, ...]:
    return tuple(x if isinstance(x, Value) else _constant(x) for x in xs)


_DOT = ops.DOT
_UNLABELLED = (None,)  # dot()'s one node has no label
_CONSTRUCTED = (1,)  # and its half's kind, when every entry is a constructed Value


def _sum_node(op: Op, inputs: tuple[Scalar, ...]) -> Value:
    """``apply`` for ``sum`` and ``dot``: their result is NaN whenever an input is (a NaN term makes
    the sum NaN), so the result's one check covers the inputs too, and the tuple is the node's own."""
    if not _VALUES.issuperset(map(type, inputs)):
        inputs = tuple(x if isinstance(x, Value) else _constant(x) for x in inputs)
    x = [v.data for v in inputs]  # a comprehension reads a slot ~2x faster than map(attrgetter)
    data = op.forward(None, *x)
    if data - data != 0.0:  # inf or NaN out (a NaN in among them): finite.py
        refuse_forward(op, None, x, data)
    if not _grad_enabled.get():
        return _constant(data)
    return _node(data, inputs, op, None)


FUNCTIONS: dict[str, Callable[[Scalar], Value]] = {}
"""``autograd.exp``, ``autograd.tanh``, ...: every one-input function of the op table, by name."""


def _add_functions() -> None:
    """Make ``x.name()`` and ``FUNCTIONS[name](x)`` for each ``Op(function=True)`` of the table."""
    for op in ops.FUNCTION_OPS:
        method, function = _callers(op)
        setattr(Value, op.name, method)
        FUNCTIONS[op.name] = function


def _callers(op: Op) -> tuple[Callable[[Value], Value], Callable[[Scalar], Value]]:
    def method(self: Value) -> Value:
        return _unary(op, self)

    def function(x: Scalar) -> Value:
        return _unary(op, x)

    for f, qualname in ((method, f"Value.{op.name}"), (function, op.name)):
        f.__name__, f.__qualname__ = op.name, qualname
        f.__doc__ = f"{op.name}(x) as a node of the graph ({op.derivative})."
    return method, function


_add_functions()


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block, operations compute values but record no graph (per thread/task)."""
    token = _grad_enabled.set(False)
    try:
        yield
    finally:
        _grad_enabled.reset(token)


def is_grad_enabled() -> bool:
    return _grad_enabled.get()
