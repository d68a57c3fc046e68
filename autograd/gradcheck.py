"""Gradient checking for any function of Values: autograd against float64 central differences.

``gradcheck(f, inputs)`` compares every ``∂f_k/∂x_i`` that ``grad`` computes with
``[f(x + h) − f(x − h)] / 2h``, names each input by its label, and shows both
numbers side by side (PyTorch's ``gradcheck`` and JAX's ``check_grads`` do the
same). Where the input of an op with a kink (ReLU's or abs's 0: ``Op.kinks``)
crosses it inside ``x ± h``, or the one-sided
differences disagree with each other, ``f`` is not differentiable there: the
entry is reported as a *kink*, not as a failure. On a failure, every op in the
graph is checked on its own — its ``partials`` rule against differences of its
own ``forward`` — so a wrong derivative rule is named, not just its symptom.
``gradgradcheck`` does the same one order up, through ``create_graph=True``.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

from autograd.backward import grad, topological_order
from autograd.gradcheck_report import GradcheckEntry, GradcheckError, GradcheckReport
from autograd.value import Value, apply, is_grad_enabled


def _as_values(inputs: Value | float | Sequence[Value | float]) -> list[Value]:
    if isinstance(inputs, Value | numbers.Real):
        inputs = [inputs]
    values = []
    for i, x in enumerate(inputs):
        if isinstance(x, Value):
            values.append(x)
        elif isinstance(x, numbers.Real) and not isinstance(x, bool):
            values.append(Value(float(x)))
        else:
            raise TypeError(f"gradcheck inputs[{i}] is {type(x).__name__} {x!r}: expected a Value or a number")
    if not values:
        raise ValueError("gradcheck needs at least one input")
    return values


def _as_outputs(result: Any) -> list[Value]:
    items = [result] if isinstance(result, Value | numbers.Real) else list(result)
    return [y if isinstance(y, Value) else Value(float(y)) for y in items]  # a number is a constant output


def _names(values: Sequence[Value], fallback: str) -> list[str]:
    """Labels where there are, else ``f`` / ``f[k]`` for outputs and ``x`` / ``x[i]`` for inputs."""
    if len(values) == 1:
        return [values[0].label or fallback]
    return [v.label or f"{fallback}[{i}]" for i, v in enumerate(values)]


def _kink_sides(output: Value) -> list[tuple[str, int]]:
    """Each input of an op with kinks in ``output``'s graph, in graph order: its name and its piece."""
    sides = []
    for node in topological_order(output):
        op = node.op
        if op is not None and op.kinks:
            x = node.parents[0]
            name = x.label or (f"{x.op.name}(…)" if x.op else "an unlabelled input")
            kinks = ", ".join(f"{k:g}" for k in op.kinks)
            sides.append((f"{op.symbol} input {name} crosses {kinks}", op.piece([x.data])))
    return sides


def close(a: Any, b: Any, *, rtol: float, atol: float) -> Any:
    """``|a − b| ≤ atol + rtol·|b|``, ``b`` the reference: a bool for floats, a bool array for numpy arrays."""
    return abs(a - b) <= atol + rtol * abs(b)


# --- the check ------------------------------------------------------------------
def _check(
    f: Callable[..., Any],
    xs: list[Value],
    eps: float,
    atol: float,
    rtol: float,
    name: Callable[[list[str], int, int], str],
    probe: Callable[..., Any],
    probe_of: Callable[[int], int],
) -> tuple[list[GradcheckEntry], list[Value], list[int]]:
    """Every entry of the Jacobian of ``f``: analytical, numerical, and a status; also the failing outputs."""
    if not is_grad_enabled():
        raise RuntimeError("gradcheck inside no_grad(): no graph is recorded, so there is nothing to check")
    outs = _as_outputs(f(*xs))
    out_names = _names(outs, "f")
    analytical = [[float(g) for g in grad(y, xs)] for y in outs]
    base = [y.data for y in outs]

    def evaluate() -> tuple[list[float], list[list[tuple[str, int]]]]:
        """f's outputs, and the kinked inputs of each output of ``probe`` (f itself, or what f differentiates)."""
        values = [y.data for y in _as_outputs(f(*xs))]
        return values, [_kink_sides(y) for y in _as_outputs(probe(*xs))]

    entries: dict[tuple[int, int], GradcheckEntry] = {}
    failing_outputs: set[int] = set()
    for i, x in enumerate(xs):
        v = x.data
        try:
            x.data = v + eps
            plus, kinks_plus = evaluate()
            x.data = v - eps
            minus, kinks_minus = evaluate()
        except (ArithmeticError, ValueError) as exc:
            for k in range(len(outs)):
                note = f"f raised {type(exc).__name__} within ±eps: {exc}"
                entries[k, i] = GradcheckEntry(name(out_names, k, i), analytical[k][i], None, "undefined", note)
            continue
        finally:
            x.data = v
        h = (v + eps) - (v - eps)
        for k in range(len(outs)):
            a, numerical = analytical[k][i], (plus[k] - minus[k]) / h
            status, note = "ok", ""
            up, down = kinks_plus[probe_of(k)], kinks_minus[probe_of(k)]
            crossed = [u[0] for u, d in zip(up, down, strict=False) if u[1] != d[1]]
            if len(up) != len(down):
                crossed.append("the graph itself changes shape")
            if crossed:
                status, note = "kink", f"{', '.join(dict.fromkeys(crossed))} within ±{eps:g}"
            elif not close(a, numerical, rtol=rtol, atol=atol):
                forward, backward = 2 * (plus[k] - base[k]) / h, 2 * (base[k] - minus[k]) / h
                slack = atol + rtol * abs(numerical)
                bracketed = min(forward, backward) - slack <= a <= max(forward, backward) + slack
                if abs(forward - backward) > 10 * slack and bracketed:
                    status, note = "kink", f"one-sided differences disagree ({forward:.6g} vs {backward:.6g})"
                else:
                    status = "fail"
                    failing_outputs.add(k)
            entries[k, i] = GradcheckEntry(name(out_names, k, i), a, numerical, status, note)
    ordered = [entries[k, i] for k in range(len(outs)) for i in range(len(xs))]
    return ordered, outs, sorted(failing_outputs)


def _suspect_ops(outputs: Sequence[Value], eps: float, atol: float, rtol: float, order: int) -> list[str]:
    """Check each op's ``partials`` against differences of its own ``forward`` (and, for order 2, of itself)."""
    found: dict[str, str] = {}
    for out in outputs:
        for node in topological_order(out):
            op = node.op
            if op is None or op.name in found:
                continue
            data = [p.data for p in node.parents]
            try:
                rule = op.partials(node.data, node.arg, *data)
            except (ArithmeticError, ValueError):
                continue
            for j in range(len(data)):
                if op.near_kink(data, eps):
                    continue  # the kink itself: no derivative to check
                try:
                    up, down = list(data), list(data)
                    up[j], down[j] = data[j] + eps, data[j] - eps
                    numerical = (op.forward(node.arg, *up) - op.forward(node.arg, *down)) / (up[j] - down[j])
                except (ArithmeticError, ValueError):
                    continue
                if not close(float(rule[j]), numerical, rtol=rtol, atol=atol):
                    at = ", ".join(f"{d:.6g}" for d in data)
                    found[op.name] = (
                        f"op {op.name!r}: its rule gives ∂{op.name}/∂(input {j + 1}) = {float(rule[j]):.12g} at "
                        f"({at}), but differences of its forward give {numerical:.12g} ({op.derivative})"
                    )
                    break
            if order == 2 and op.name not in found:
                message = _second_order_suspect(node, eps, atol, rtol)
                if message:
                    found[op.name] = message
    return list(found.values())


def _second_order_suspect(node: Value, eps: float, atol: float, rtol: float) -> str | None:
    """Does the rule, run on Values, differentiate like the rule run on floats? (create_graph needs it.)"""
    op, data = node.op, [p.data for p in node.parents]
    leaves = [Value(d) for d in data]
    try:  # the rule sees the op's own node, as grad(create_graph=True) gives it: out depends on the inputs
        on_values = op.partials(apply(op, *leaves, arg=node.arg), node.arg, *leaves)
    except (ArithmeticError, ValueError, TypeError):
        return None
    for j, partial in enumerate(on_values):
        for k in range(len(data)):
            try:
                up, down = list(data), list(data)
                up[k], down[k] = data[k] + eps, data[k] - eps
                f_up = float(op.partials(op.forward(node.arg, *up), node.arg, *up)[j])
                f_down = float(op.partials(op.forward(node.arg, *down), node.arg, *down)[j])
            except (ArithmeticError, ValueError):
                continue
            numerical = (f_up - f_down) / (up[k] - down[k])
            analytical = float(grad(partial, leaves[k])[0]) if isinstance(partial, Value) else 0.0
            if not close(analytical, numerical, rtol=rtol, atol=atol) and not op.near_kink(data, eps):
                kind = "a plain number, so no graph" if not isinstance(partial, Value) else "a graph"
                return (
                    f"op {op.name!r}: its rule ∂{op.name}/∂(input {j + 1}), run on Values, returns {kind} whose "
                    f"derivative by input {k + 1} is {analytical:.12g}, but differences give {numerical:.12g}: "
                    "write the rule with arithmetic on its arguments so create_graph can differentiate it"
                )
    return None


def _finish(report: GradcheckReport, raise_on_failure: bool) -> GradcheckReport:
    if raise_on_failure and not report.passed:
        raise GradcheckError(str(report))
    return report


def gradcheck(
    f: Callable[..., Value | Sequence[Value]],
    inputs: Value | float | Sequence[Value | float],
    *,
    eps: float = 1e-6,
    atol: float = 1e-8,
    rtol: float = 1e-6,
    raise_on_failure: bool = False,
) -> GradcheckReport:
    """Compare autograd's ``∂f_k/∂x_i`` with float64 central differences, for every output and input.

    Args:
        f: called as ``f(*inputs)``; returns a Value or a list of Values (each output checked).
        inputs: Values (named by their labels) or numbers (wrapped in Values).
        eps: the finite-difference step h.
        atol, rtol: pass when ``|analytical − numerical| ≤ atol + rtol·|numerical|``.
        raise_on_failure: raise ``GradcheckError`` (an AssertionError) with the report instead of returning it.

    Returns:
        A ``GradcheckReport``, truthy when every entry passed or sits at a kink.
    """
    xs = _as_values(inputs)
    in_names = _names(xs, "x")

    def name(out_names: list[str], k: int, i: int) -> str:
        return f"∂{out_names[k]}/∂{in_names[i]}"

    entries, outs, failing = _check(f, xs, eps, atol, rtol, name, f, lambda k: k)
    suspects = _suspect_ops([outs[k] for k in failing], eps, atol, rtol, 1) if failing else []
    return _finish(GradcheckReport(entries, eps, atol, rtol, suspects), raise_on_failure)


def gradgradcheck(
    f: Callable[..., Value | Sequence[Value]],
    inputs: Value | float | Sequence[Value | float],
    *,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    raise_on_failure: bool = False,
) -> GradcheckReport:
    """Check second derivatives: ``grad`` of ``grad(f, create_graph=True)`` against differences of the first.

    Each ``∂²f_k/∂x_i∂x_j`` from differentiating autograd's own first derivative (a graph,
    thanks to ``create_graph``) is compared with central differences of that first derivative.
    """
    xs = _as_values(inputs)
    in_names = _names(xs, "x")
    out_names = _names(_as_outputs(f(*xs)), "f")
    n = len(xs)

    def first_derivatives(*args: Value) -> list[Value]:
        outs = _as_outputs(f(*args))
        return [g for y in outs for g in grad(y, list(args), create_graph=True)]

    def name(_: list[str], k: int, j: int) -> str:
        out, i = out_names[k // n], k % n
        below = f"∂{in_names[i]}²" if i == j else f"∂{in_names[i]}∂{in_names[j]}"
        return f"∂²{out}/{below}"

    entries, _, failing = _check(first_derivatives, xs, eps, atol, rtol, name, f, lambda k: k // n)
    suspects = _suspect_ops(_as_outputs(f(*xs)), eps, atol, rtol, 2) if failing else []
    return _finish(GradcheckReport(entries, eps, atol, rtol, suspects, order=2), raise_on_failure)
