"""The backward pass: the chain rule, written once, and the three ways to run it.

``_chain_rule`` is the one walk: nodes in reverse topological order (each after
every node that uses it), each adding ``grad · ∂node/∂input`` to the ``.grad``
of its inputs, one node per step. It is iterative (a million-node chain
backpropagates at Python's default recursion limit) and drives:

- ``backward()``: float gradients accumulated into ``.grad``;
- ``grad()``: gradients returned, every ``.grad`` left as it was; with
  ``create_graph=True`` the rules run on Values, so the gradients are graphs
  that can be differentiated again;
- ``backward_steps()``: the same pass one node at a time (the step-through of
  ``visualize``), also leaving ``.grad`` as it was;
- ``backward_step(node)``: one node's own step, as micrograd's ``node._backward()``.
"""

from __future__ import annotations

import math
import operator
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Any

from autograd import finite
from autograd.errors import BackwardError, DomainError, NonFiniteGradientError, OverflowInOpError
from autograd.value import Scalar, Value

_data = operator.attrgetter("data")
_NOTHING = None  # create_graph: no gradient has reached this node yet (a Value zero would add a node)
# Every walk writes .grad, so walks take turns: four threads calling backward() on one graph get
# four sequential passes, not interleaved garbage. Re-entrant: a step may call grad() in its thread.
_LOCK = threading.RLock()


def topological_order(root: Value) -> list[Value]:
    """Every value ``root`` depends on, inputs before the results made from them.

    Depth-first, with the path in a list (no recursion): a node stays on it until
    every input is placed. A node of one or two inputs is looked at again after each
    input it pushes; an n-ary node (``dot``, ``sum``) pushes an iterator over its
    inputs above itself, which resumes where it stopped, and places at once, without
    pushing them, the inputs it finds ready: a leaf, or a one-input node over an n-ary
    one whose inputs are all placed (a layer's ReLUs over their z). (An input already
    seen is placed: the nodes seen but not placed are the path, and an input of a node
    on the path cannot be on the path before it, in a graph without cycles.)
    """
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value, got {type(root).__name__} {root!r}")
    return _order(root, zero=False)


def _order(root: Value, zero: bool) -> list[Value]:
    """``topological_order``; with ``zero``, each node that has inputs gets ``.grad = 0.0`` as it is placed
    (``backward``'s reset, done while the node is at hand rather than in a second pass over the graph)."""
    order: list[Value] = []
    seen = {root}
    stack: list[Any] = [root]
    visit, push, pop, place, placed = seen.add, stack.append, stack.pop, order.append, seen.issuperset
    done: set[int] = set()  # the ids of the neurons' (w, b) found all placed: each is shared by every sample
    ready: Any = done  # the a last found all placed, shared by a layer's dots (to begin with, no node's _a)

    def remember(inputs: tuple[Value, ...]) -> bool:
        done.add(id(inputs))
        return True

    def keep(inputs: tuple[Value, ...]) -> bool:
        nonlocal ready
        ready = inputs
        return True

    top: Any = root  # stack[-1], kept at hand: what was just pushed is the next to look at
    while True:
        if type(top) is _INPUTS:  # the inputs of the n-ary node below it
            for p in top:
                if p in seen:
                    continue
                visit(p)
                a = p._a
                if a is None:  # a leaf: placed at once
                    place(p)
                    continue
                # One input, itself an n-ary node whose inputs are all placed (a ReLU over its z, whose layer's a
                # and own (w, b) are): both placed at once, where the walk would push, place, pop, place. The ReLUs
                # of a layer come in a row over the same a: the one last found placed is asked by identity.
                if (
                    p._b is None
                    and type(a) is not tuple
                    and a not in seen
                    and ((za := a._a) is ready or (type(za) is tuple and placed(za) and keep(za)))
                    and ((zb := a._b) is None or id(zb) in done or (placed(zb) and remember(zb)))
                ):
                    visit(a)
                    if zero:
                        a.grad = p.grad = 0.0
                    place(a)
                    place(p)
                    continue
                push(p)
                top = p
                break
            else:
                pop()
                node = pop()
                if zero:
                    node.grad = 0.0
                place(node)
                if not stack:
                    break
                top = stack[-1]
            continue
        a = top._a
        if a is not None:
            if type(a) is tuple:
                b = top._b  # a dot's second half, or None: a neuron's (w, b), which one sample places for all
                if b is not None and (id(b) in done or (placed(b) and remember(b))):
                    b = None
                if not (seen.issuperset(a) and (b is None or seen.issuperset(b))):  # one C call or two, when
                    top = iter(a if b is None else a + b)  # every input is placed already (a layer's dots)
                    push(top)
                    continue
            elif a not in seen:
                visit(a)
                push(a)
                top = a
                continue
            elif (b := top._b) is not None and b not in seen:
                visit(b)
                push(b)
                top = b
                continue
            if zero:
                top.grad = 0.0
        pop()  # every input of top is placed: top can follow them
        place(top)
        if not stack:
            break
        top = stack[-1]
    return order


_INPUTS = type(iter(()))


def _local_failure(node: Value, exc: Exception) -> BackwardError:
    shown = [repr(p.data) for p in node.parents]
    if node._c is not None:
        shown.append(f"c={node._c!r}")
    where = f"{node._primitive.name}({', '.join(shown)})"
    if isinstance(exc, OverflowError):
        return NonFiniteGradientError(node._primitive.name, f"the local derivative of {where} overflows: {exc}")
    return BackwardError(
        f"the local derivative of {where} could not be computed (it is infinite or undefined there): {exc}"
    )


def _chain_rule(order: list[Value], create_graph: bool = False, steps: bool = False) -> Iterator[Value]:
    """The chain rule: ∂root/∂p += ∂root/∂node · ∂node/∂p for each input p of each node of ``order``.

    Nodes are taken in reverse topological order, so a node's ``.grad`` is complete
    before it is passed on, and checked then (leaves too): a gradient that is not
    finite is judged by ``finite.check_gradient``. The caller sets the ``.grad`` the
    walk starts from. With ``steps``, each node is yielded once it has passed its
    gradient on; without, the walk runs to its end on the first ``next()`` (a yield
    per node costs ~2% of a backward pass). An op with a ``step`` (ops.py) takes
    the step itself, its partials written in; for any other op the rule below
    calls ``partials``, reading one- and two-input nodes from their two slots
    without building an argument list.
    """
    if create_graph:  # the rules run on Values: each gradient is itself a graph
        for node in reversed(order):
            if node._a is not None:
                _values_step(node, node.grad, node.parents)
                if steps:
                    yield node
        return
    inf, minus_inf = math.inf, -math.inf
    for node in reversed(order):
        g = node.grad
        if not minus_inf < g < inf:  # one comparison per node: NaN or ±inf
            finite.check_gradient(order, node)
        op = node._primitive
        if op is None:  # a leaf
            continue
        try:
            if (step := op.step) is not None:  # the op's partials written into the step (ops.py)
                step(node, g)
            elif type(a := node._a) is tuple:
                local = op.partials(node.data, node._c, *map(_data, a))
                for p, d in zip(a, local, strict=True):
                    p.grad += g * d
            elif (b := node._b) is not None:
                da, db = op.partials(node.data, node._c, a.data, b.data)
                a.grad += g * da
                b.grad += g * db
            else:
                (da,) = op.partials(node.data, node._c, a.data)
                a.grad += g * da
        except (ArithmeticError, ValueError) as exc:
            raise _local_failure(node, exc) from exc
        if steps:
            yield node


def _values_step(node: Value, g: Value, parents: tuple[Value, ...]) -> None:
    """One node's step with ``create_graph``: the same rule, on Values (whose ops check every number)."""
    try:
        local = node._primitive.partials(node, node._c, *parents)
    except (ArithmeticError, ValueError) as exc:
        raise _local_failure(node, exc) from exc
    for p, d in zip(parents, local, strict=True):
        try:
            contribution = g * d
            p.grad = contribution if p.grad is _NOTHING else p.grad + contribution
        except (OverflowInOpError, DomainError) as exc:
            raise NonFiniteGradientError(
                node._primitive.name,
                f"the gradient through {node._primitive.name}({', '.join(repr(q.data) for q in parents)}) "
                f"is not finite: {exc}",
            ) from exc


def backward(root: Value, seed: float = 1.0) -> None:
    """Set ``v.grad = ∂root/∂v`` (times ``seed``) for every v that root depends on.

    Intermediate values are reset first (so a second call gives the same
    answer); leaves accumulate, as parameters do across the samples of a batch.
    One backward pass runs at a time (a lock): threads sharing a graph take turns.
    """
    seed = finite.seed(seed, "backward()")
    with _LOCK:
        order = _order(root, zero=True)  # and every intermediate .grad set to 0
        root.grad += seed
        deque(_chain_rule(order), maxlen=0)  # the walk, run to its end


def backward_step(node: Value) -> None:
    """One node's step of the chain rule (``Value.backward_step``, micrograd's ``_backward``)."""
    with _LOCK:
        deque(_chain_rule([node]), maxlen=0)
        for p in node.parents:
            if not -math.inf < p.grad < math.inf:
                finite.check_gradient([node], p)


def _start(order: list[Value], extra: Sequence[Value], seed: Scalar, create_graph: bool) -> list[tuple[Value, Any]]:
    """Save every ``.grad`` the walk will touch, then set them to zero and the root's to ``seed``."""
    saved = [(v, v.grad) for v in order] + [(x, x.grad) for x in extra]
    zero = _NOTHING if create_graph else 0.0
    for v, _ in saved:
        v.grad = zero
    order[-1].grad = Value(seed) if create_graph else float(seed)
    return saved


def _restore(saved: list[tuple[Value, Any]]) -> None:
    for v, g in saved:
        v.grad = g


def grad(
    output: Value,
    inputs: Value | Sequence[Value],
    seed: Scalar = 1.0,
    create_graph: bool = False,
) -> list[Value] | list[float]:
    """∂output/∂x for each x in ``inputs``, leaving every ``.grad`` untouched.

    With ``create_graph=True`` the local derivatives are computed with Values,
    so each returned gradient is itself a graph: differentiate it again for a
    second derivative. Otherwise the gradients are floats.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad() needs a Value as output, got {type(output).__name__}")
    single = isinstance(inputs, Value)
    inputs = [inputs] if single else list(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad() inputs[{i}] is {type(x).__name__}, expected a Value")
    seed = finite.seed(seed, "grad()")
    with _LOCK:
        order = topological_order(output)
        saved = _start(order, inputs, seed, create_graph)
        try:
            deque(_chain_rule(order, create_graph), maxlen=0)
            found = [x.grad for x in inputs]
        finally:
            _restore(saved)
    zero: Scalar = Value(0.0) if create_graph else 0.0
    return [zero if g is _NOTHING else g for g in found]


def backward_steps(root: Value, seed: float = 1.0) -> Iterator[Value]:
    """``backward()`` one node at a time, for showing it: yields each node once it has passed its gradient on.

    While the steps run, ``.grad`` holds the gradients so far (the root's is ``seed``,
    a value no step has reached yet has 0); when they end, or the iterator is
    closed, every ``.grad`` is back to what it was.
    """
    seed = finite.seed(seed, "backward_steps()")
    with _LOCK:  # held until the steps end or the iterator is closed
        order = topological_order(root)
        saved = _start(order, (), seed, create_graph=False)
        try:
            yield from _chain_rule(order, steps=True)
        finally:
            _restore(saved)
