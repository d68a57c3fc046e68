"""``check_derivative``: a claimed derivative, as the user wrote it, against autograd and finite differences.

At each point (the user's, then random points inside f's domain) the claim is
evaluated and compared with autograd's exact ∂f/∂wrt (or ∂²f/∂wrt²); float64
central differences confirm autograd. Where f has a kink (a ReLU input crossing
0 within the difference step, or one-sided slopes that disagree) the derivative
is not defined: the point is shown but not counted. What goes wrong is named by
``autograd.formula.diagnose``; the result is a ``DerivativeReport``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence

from autograd.backward import grad, topological_order
from autograd.errors import DomainError, OverflowInOpError
from autograd.expression import ExpressionError
from autograd.formula.diagnose import diagnose
from autograd.formula.function import Formula
from autograd.formula.report import DerivativeReport, Inner, Point, Tolerances
from autograd.formula.tree import from_graph
from autograd.value import Value

KINK_OPS = frozenset({"relu", "abs"})
"""Ops whose derivative jumps where their input is 0."""
_UNDEFINED = (DomainError, OverflowInOpError, ExpressionError, ZeroDivisionError, OverflowError, ValueError)
_MAX_INNER = 40  # inner parts of f tried as a forgotten chain-rule factor


def _derivative(f: Formula, point: Mapping[str, float], wrt: str, order: int) -> tuple[float, Value, Value]:
    """autograd's derivative of f at point, with f's graph and the wrt leaf."""
    result, leaves = f.at(point)
    leaf = leaves.get(wrt)
    if leaf is None:  # f does not use wrt at all (or folded it away): its derivative is 0
        return 0.0, result, Value(point[wrt], label=wrt)
    if order == 1:
        return float(grad(result, [leaf])[0]), result, leaf
    (first,) = grad(result, [leaf], create_graph=True)
    if not isinstance(first, Value) or first.is_leaf():
        return 0.0, result, leaf
    return float(grad(first, [leaf])[0]), result, leaf


def _value(f: Formula, point: Mapping[str, float]) -> float:
    return f.at(point)[0].data


def _kink_signs(result: Value) -> list[bool]:
    return [node.parents[0].data > 0.0 for node in topological_order(result) if node.op and node.op.name in KINK_OPS]


def _kinks(result: Value) -> list[str]:
    return [
        f"{node.op.name}'s input {from_graph(node.parents[0]).unicode()}"
        for node in topological_order(result)
        if node.op and node.op.name in KINK_OPS
    ]


def _finite_difference(
    f: Formula, point: Mapping[str, float], wrt: str, order: int
) -> tuple[float | None, str | None, tuple[float, float] | None]:
    """4th-order central difference; whether a kink lies in the stencil; the one-sided slopes (order 1)."""
    x = point[wrt]
    h = (1e-3 if order == 1 else 1e-2) * max(1.0, abs(x))
    try:
        graphs = [f.at({**point, wrt: x + k * h})[0] for k in (-2, -1, 0, 1, 2)]
    except _UNDEFINED:
        return None, None, None
    g = [r.data for r in graphs]
    if order == 1:
        fd = (g[0] - 8 * g[1] + 8 * g[3] - g[4]) / (12 * h)
    else:
        fd = (-g[0] + 16 * g[1] - 30 * g[2] + 16 * g[3] - g[4]) / (12 * h * h)
    signs = [_kink_signs(r) for r in graphs]
    kink = None
    if len({tuple(s) for s in signs}) > 1 or any(
        n.op and n.op.name in KINK_OPS and n.parents[0].data == 0.0 for n in topological_order(graphs[2])
    ):
        changed = [i for i, column in enumerate(zip(*signs, strict=True)) if len(set(column)) > 1]
        names = _kinks(graphs[2])
        at = names[changed[0]] if changed else next(iter(names), "an input")
        kink = f"{at} is 0 within the difference step"
    sides = None
    if order == 1:
        small = 1e-7 * max(1.0, abs(x))
        try:
            left = (g[2] - _value(f, {**point, wrt: x - small})) / small
            right = (_value(f, {**point, wrt: x + small}) - g[2]) / small
            sides = (left, right)
        except _UNDEFINED:
            pass
    return fd, kink, sides


def _points(f: Formula, at, samples: int, seed: int, wrt: str, order: int) -> list[dict[str, float]]:
    given = [] if at is None else [at] if isinstance(at, Mapping) else list(at)
    rng = random.Random(seed)
    points = []
    for p in given:
        if not isinstance(p, Mapping):
            raise TypeError(f"at must be a dict of numbers by name (or a list of them), got {type(p).__name__} {p!r}")
        unknown = sorted(set(p) - set(f.names))
        if unknown:
            raise ValueError(f"at gives {', '.join(unknown)}, which f does not use (its inputs: {', '.join(f.names)})")
        for name, x in p.items():
            if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
                raise ValueError(f"at: {name} must be a finite number, got {x!r}")
        points.append({n: float(p[n]) if n in p else round(rng.uniform(-2.5, 2.5), 3) for n in f.names})
    for point in points:  # the user's points must lie in f's domain
        try:
            _derivative(f, point, wrt, order)
        except _UNDEFINED as exc:
            shown = ", ".join(f"{k} = {v:g}" for k, v in point.items())
            raise ValueError(f"f is not defined at {shown}: {exc}") from None
    found, tries = 0, 0
    while found < samples and tries < 50 * samples + 50:
        tries += 1
        point = {n: round(rng.uniform(-2.5, 2.5), 3) for n in f.names}
        try:
            _derivative(f, point, wrt, order)
        except _UNDEFINED:
            continue  # outside f's domain
        points.append(point)
        found += 1
    if not points:
        raise ValueError(f"found no point in f's domain among {tries} random points in [-2.5, 2.5]: give some with at=")
    return points


def check_derivative(
    f: str | Callable[..., Value],
    wrt: str,
    claimed: str | Callable[..., Value],
    at: Mapping[str, float] | Sequence[Mapping[str, float]] | None = None,
    samples: int = 12,
    order: int = 1,
    *,
    seed: int = 0,
    tolerances: Tolerances | None = None,
    syntax: str = "auto",
) -> DerivativeReport:
    """Check ``claimed`` = ∂f/∂wrt (``order=2``: ∂²f/∂wrt²) at ``at`` and at ``samples`` random points.

    Args:
        f: Python-syntax text (``"tanh(x*w + b)"``), LaTeX, or a function of Values (``lambda x, w, b: ...``).
        wrt: the input to differentiate by.
        claimed: the derivative as the user wrote it: Python syntax, LaTeX (``r"x\\,(1-\\tanh^2(xw+b))"``)
            or a function of Values; it may use any of f's inputs.
        at: one point (``{"x": 0.5, "w": -1.2}``) or a list of them; inputs not given are drawn at random.
        samples: random points in [-2.5, 2.5] per input, kept only where f and its derivative are defined.
        order: 1 or 2.
        seed: the random points' seed (a run is repeatable).
        tolerances: when the claim counts as equal to autograd (defaults in ``Tolerances``).
        syntax: ``"auto"``, ``"python"`` or ``"latex"``, for text.

    Raises:
        ExpressionError: a text is not a formula (the message points at the column).
        ValueError, TypeError: wrt, at, order or samples are not usable; the message says how.
    """
    if order not in (1, 2):
        raise ValueError(f"order must be 1 or 2, got {order!r}")
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 0:
        raise ValueError(f"samples must be a whole number ≥ 0, got {samples!r}")
    if at is None and samples == 0:
        raise ValueError("nothing to check: give points with at= or samples > 0")
    f, claim = Formula.of(f, syntax), Formula.of(claimed, syntax)
    if not isinstance(wrt, str) or wrt not in f.names:
        raise ValueError(f"wrt={wrt!r} is not an input of f = {f.shown()} (its inputs: {', '.join(f.names)})")
    extra = [n for n in claim.names if n not in f.names]
    if extra:
        hint = " (in LaTeX every letter is its own name: write x*w, or x w)" if any(len(n) > 1 for n in extra) else ""
        raise ValueError(
            f"the claim {claim.shown()} uses {', '.join(extra)}, which f does not have "
            f"(f's inputs: {', '.join(f.names)}){hint}"
        )
    tol = tolerances or Tolerances()
    points = _points(f, at, samples, seed, wrt, order)
    results, inner = [], None
    for point in points:
        truth, result, leaf = _derivative(f, point, wrt, order)
        fd, kink, sides = _finite_difference(f, point, wrt, order)
        try:
            value, problem = float(claim.at(point)[0].data), None
        except _UNDEFINED as exc:
            value, problem = None, str(exc).split("\n")[0]
        if fd is not None and kink is None and not tol.fd_close(fd, truth, order) and sides is not None:
            left, right = sides
            if not tol.fd_close(left, right, order):
                kink = f"its one-sided slopes differ (left {left:.6g}, right {right:.6g})"
        results.append(Point(point, value, problem, truth, fd, kink, sides, tol))
        inner = _inner_parts(result, leaf, order, inner)
    diagnoses = diagnose(results, inner or [], f, claim, wrt, order)
    return DerivativeReport(f, claim, wrt, order, results, diagnoses, tol)


def _inner_parts(result: Value, leaf: Value, order: int, inner: list[Inner] | None) -> list[Inner] | None:
    """Each part of f between wrt and the output, with its value and ∂u/∂wrt at this point (appended)."""
    order_ = topological_order(result)
    depends: set[int] = {id(leaf)}
    parts = []
    for node in order_:
        if node is not leaf and any(id(p) in depends for p in node.parents):
            depends.add(id(node))
            if node is not result:
                parts.append(node)
    parts = parts[::-1][:_MAX_INNER]  # outermost first: ∂(x·w + b)/∂w before ∂(x·w)/∂w
    if inner is not None and len(inner) != len(parts):
        return inner  # a function of Values whose graph changes with the point: keep the first one
    if inner is None:
        inner = [Inner(from_graph(u).unicode(), [], []) for u in parts]
    for part, u in zip(inner, parts, strict=True):
        part.values.append(u.data)
        slope = float(grad(u, [leaf])[0])
        part.slopes.append(slope * slope if order == 2 else slope)
    return inner
