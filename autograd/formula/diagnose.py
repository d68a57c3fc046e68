"""Name the mistake in a claimed derivative: a constant factor, a sign, a forgotten inner derivative,
a rule true on part of the domain only, a kink.

Each diagnosis is a template built from autograd's values at the checked points
(the claim C, the derivative D): C = c·D (a constant factor, c = −1 a sign);
C·∂u/∂w = D for a part u of f (the chain rule's inner derivative forgotten);
C right where some input or part of f is positive and wrong where it is negative
(|x| differentiated as if x > 0); points at a kink are described, not counted.
"""

from __future__ import annotations

from autograd.formula.function import Formula
from autograd.formula.report import Inner, Point

_REL = 1e-6


def _fits(C: list[float], D: list[float]) -> bool:
    scale = max([abs(x) for x in C + D] + [1e-300])
    return all(abs(c - d) <= _REL * scale + 1e-12 for c, d in zip(C, D, strict=True))


def _factor(C: list[float], D: list[float]) -> float | None:
    """The c with C = c·D at every point (needs two points where D is not 0)."""
    if sum(abs(d) > 1e-12 for d in D) < 2:
        return None
    c = sum(x * d for x, d in zip(C, D, strict=True)) / sum(d * d for d in D)
    return c if 1e-9 < abs(c) < 1e9 and abs(c - 1.0) > _REL and _fits(C, [c * d for d in D]) else None


def _factor_words(c: float) -> str:
    if abs(c + 1.0) < _REL:
        return "the sign is flipped: claim = −1 × the derivative (a − b written b − a? a minus sign dropped?)"
    for k in (2.0, 3.0, 4.0):
        if abs(c - k) < _REL:
            return f"off by a constant factor: claim = {k:g} × the derivative (a factor {k:g} too many?)"
        if abs(c - 1.0 / k) < _REL:
            return f"off by a constant factor: claim = 1/{k:g} × the derivative (a factor {k:g} lost, as from x^{k:g}?)"
    return f"off by a constant factor: claim = {c:.6g} × the derivative at every point"


def _named(slopes: list[float], points: list[Point], inner: list[Inner]) -> str | None:
    """A name for the inner derivative: a constant, an input, or another part of f with the same values."""
    if all(abs(s - slopes[0]) <= _REL * max(1.0, abs(s)) for s in slopes):
        return f"{slopes[0]:g}".replace("-", "−")
    for name in points[0].values:
        values = [p.values[name] for p in points]
        if _fits(slopes, values):
            return name
        c = _factor(slopes, values)
        if c is not None:
            return f"{c:g}·{name}".replace("-", "−")
    for part in inner:
        if _fits(slopes, part.values):
            return part.text
    return None


def _chain_rule(C: list[float], D: list[float], points: list[Point], inner: list[Inner], wrt: str, order: int):
    square = "²" if order == 2 else ""
    for part in inner:
        du = part.slopes
        if all(abs(s) <= 1e-12 for s in du) or all(abs(s - 1.0) <= _REL for s in du):
            continue  # ∂u/∂w = 1 (or 0) cannot be a missing factor
        name = _named(du if order == 1 else [s**0.5 for s in du], points, inner)
        said = f"∂({part.text})/∂{wrt}" + (f" = {name}" if name else "")
        if _fits([c * s for c, s in zip(C, du, strict=True)], D):
            return (
                f"a missing inner derivative of the chain rule: the claim × ({said}){square} equals the derivative "
                f"at every point — did you forget {said}?"
            )
        if _fits(C, [d * s for d, s in zip(D, du, strict=True)]):
            return (
                f"an inner derivative too many: the claim = the derivative × ({said}){square} at every point "
                f"— is {said} multiplied in twice?"
            )
    return None


def _split(agree: list[bool], points: list[Point], inner: list[Inner]) -> str | None:
    """An input or part of f whose sign separates the points where the claim holds from where it fails."""
    candidates = [(name, [p.values[name] for p in points]) for name in points[0].values]
    candidates += [(part.text, part.values) for part in inner]
    for name, values in candidates:
        for sign, words in ((1.0, ">"), (-1.0, "<")):
            if all((v * sign > 0) == ok for v, ok in zip(values, agree, strict=True)):
                other = "<" if words == ">" else ">"
                return name, words, other, [v * sign <= 0 for v in values]
    return None


def diagnose(points: list[Point], inner: list[Inner], f: Formula, claim: Formula, wrt: str, order: int) -> list[str]:
    """The report's sentences, most specific first."""
    out: list[str] = []
    counted = [p for p in points if p.counted]
    undefined = [p for p in counted if p.claim is None]
    if undefined:
        out.append(
            f"The claim is not defined at {len(undefined)} point(s) where f is ({undefined[0].where()}: "
            f"{undefined[0].claim_problem}); a derivative exists wherever f is differentiable."
        )
    usable = [(i, p) for i, p in enumerate(points) if p.counted and p.claim is not None]
    failing = [p for _, p in usable if not p.agrees]
    if failing and usable:
        index = [i for i, _ in usable]
        C, D = [p.claim for _, p in usable], [p.autograd for _, p in usable]
        parts = [Inner(u.text, [u.values[i] for i in index], [u.slopes[i] for i in index]) for u in inner]
        pts = [p for _, p in usable]
        words = None
        if len(failing) == len(usable):
            c, chain = _factor(C, D), _chain_rule(C, D, pts, parts, wrt, order)
            words = chain if c is None else _factor_words(c) + (f"; that is {chain}" if chain else "")
            if words is None and all(abs(x) <= 1e-12 for x in C):
                words = "the claim is 0 at every point, where the derivative is not"
            if words is None and order == 2:
                first = [_first_derivative(f, p.values, wrt) for p in pts]
                if _fits(C, first):
                    words = "the claim is the first derivative ∂f/∂" + wrt + ": differentiate it once more"
        else:
            words = _partly(C, D, pts, parts)
        if words is None:
            worst = max(failing, key=lambda p: abs(p.claim - p.autograd))
            words = (
                f"the claim disagrees at {len(failing)} of {len(usable)} points with no constant ratio and no "
                f"known mistake matching (worst at {worst.where()}: claim {worst.claim:.9g}, "
                f"derivative {worst.autograd:.9g})"
            )
        out.insert(0, f"{claim.shown()} is wrong: {words}" + ("" if words.endswith("?") else "."))
    out += _kink_sentences(points, wrt)
    engine = [p for p in points if not p.engine_agrees]
    if engine:
        p = engine[0]
        out.append(
            f"autograd and finite differences disagree at {len(engine)} point(s) (at {p.where()}: autograd "
            f"{p.autograd:.9g}, finite differences {p.finite_difference:.9g}): the engine is suspect, not the "
            "claim — run autograd.gradcheck on f."
        )
    return out


def _partly(C, D, points: list[Point], parts: list[Inner]) -> str | None:
    agree = [p.agrees for p in points]
    split = _split(agree, points, parts)
    n_ok, n = sum(agree), len(agree)
    if split is None:
        return None
    name, holds, fails, wrong = split
    Cw = [c for c, w in zip(C, wrong, strict=True) if w]
    Dw = [d for d, w in zip(D, wrong, strict=True) if w]
    there = ""
    c = _factor(Cw, Dw) if len(Cw) >= 2 else (Cw[0] / Dw[0] if Dw and abs(Dw[0]) > 1e-12 else None)
    if c is not None and abs(c + 1.0) < _REL:
        there = (
            f"; there it is −1 × the derivative: a sign lost, as when |{name}| is differentiated as if "
            f"{name} > 0 (∂|u|/∂u = sign(u), not 1)"
        )
    elif c is not None and abs(c - 1.0) > _REL:
        there = f"; there it is {c:.6g} × the derivative"
    elif all(abs(d) <= 1e-12 for d in Dw):
        there = f"; there the derivative is 0 (is a ReLU off where {name} {fails} 0? relu'(u) = 0 for u < 0)"
    return (
        f"true on only part of the domain: it holds where {name} {holds} 0 ({n_ok} of {n} points) and fails "
        f"where {name} {fails} 0{there}"
    )


def _first_derivative(f: Formula, point: dict[str, float], wrt: str) -> float:
    from autograd.backward import grad

    result, leaves = f.at(point)
    return float(grad(result, [leaves[wrt]])[0]) if wrt in leaves else 0.0


def _kink_sentences(points: list[Point], wrt: str) -> list[str]:
    kinks = [p for p in points if p.kink]
    if not kinks:
        return []
    out = []
    for p in kinks[:3]:
        words = (
            f"At {p.where()} f has a kink ({p.kink}): its derivative is not defined there, so the point is not counted"
        )
        if p.sides is not None and p.claim is not None:
            left, right = p.sides
            close = p.tol.fd_close
            side = (
                "equals both one-sided slopes"
                if close(p.claim, left) and close(p.claim, right)
                else "equals the slope from the right"
                if close(p.claim, right)
                else "equals the slope from the left"
                if close(p.claim, left)
                else "is neither one-sided slope"
            )
            words += f"; the one-sided slopes are {left:.6g} (left) and {right:.6g} (right), and the claim {side}"
        words += f"; autograd takes the convention {p.autograd:g}"
        out.append(words + ".")
    if len(kinks) > 3:
        out.append(f"… and {len(kinks) - 3} more point(s) at a kink.")
    return out
