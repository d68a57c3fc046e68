"""The backward pass: the chain rule, written once.

Both walks are iterative (an explicit stack), so a graph a million nodes deep
backpropagates at Python's default recursion limit. ``backward`` accumulates
float gradients into ``.grad``; ``grad`` returns gradients without touching
``.grad`` and, with ``create_graph=True``, returns them as Values that can be
differentiated again.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

from autograd.errors import BackwardError
from autograd.value import Scalar, Value

_data = operator.attrgetter("data")


def topological_order(root: Value) -> list[Value]:
    """Every value ``root`` depends on, inputs before the results made from them."""
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value, got {type(root).__name__} {root!r}")
    order: list[Value] = []
    seen = {root}
    stack = [(root, iter(root._parents))]
    while stack:
        node, parents = stack[-1]
        for p in parents:
            if p not in seen:
                seen.add(p)
                stack.append((p, iter(p._parents)))
                break
        else:  # every input of node is placed: node can follow them
            stack.pop()
            order.append(node)
    return order


def _local_failure(node: Value, exc: Exception) -> BackwardError:
    shown = [repr(p.data) for p in node._parents]
    if node._arg is not None:
        shown.append(f"c={node._arg!r}")
    return BackwardError(
        f"the local derivative of {node._op.name}({', '.join(shown)}) could not be computed "
        f"(it is infinite or undefined there): {exc}"
    )


def backward(root: Value, seed: float = 1.0) -> None:
    """Set ``v.grad = ∂root/∂v`` (times ``seed``) for every v that root depends on.

    Intermediate values are reset first (so a second call gives the same
    answer); leaves accumulate, as parameters do across the samples of a batch.
    """
    order = topological_order(root)
    for v in order:
        if v._parents:
            v.grad = 0.0
    root.grad += float(seed)
    # The chain rule: ∂root/∂p += ∂root/∂node · ∂node/∂p, for each input p of each node,
    # nodes taken after everything that uses them. One- and two-input nodes are unpacked
    # without building an argument list: they are almost every node of a graph.
    for node in reversed(order):
        parents = node._parents
        if not parents:
            continue
        g = node.grad
        try:
            if len(parents) == 2:
                a, b = parents
                da, db = node._op.partials(node.data, node._arg, a.data, b.data)
                a.grad += g * da
                b.grad += g * db
            elif len(parents) == 1:
                a = parents[0]
                (da,) = node._op.partials(node.data, node._arg, a.data)
                a.grad += g * da
            else:
                local = node._op.partials(node.data, node._arg, *map(_data, parents))
                for p, d in zip(parents, local, strict=True):
                    p.grad += g * d
        except (ArithmeticError, ValueError) as exc:
            raise _local_failure(node, exc) from exc


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
    order = topological_order(output)
    grads: dict[Value, Scalar] = {output: Value(seed) if create_graph else float(seed)}
    for node in reversed(order):
        g = grads.get(node)
        if g is None or not node._parents:
            continue
        try:
            if create_graph:
                local = node._op.partials(node, node._arg, *node._parents)
            else:
                local = node._op.partials(node.data, node._arg, *map(_data, node._parents))
        except (ArithmeticError, ValueError) as exc:
            raise _local_failure(node, exc) from exc
        for p, d in zip(node._parents, local, strict=True):
            contribution = g * d
            previous = grads.get(p)
            grads[p] = contribution if previous is None else previous + contribution
    zero: Scalar = Value(0.0) if create_graph else 0.0
    return [grads.get(x, zero) for x in inputs]
