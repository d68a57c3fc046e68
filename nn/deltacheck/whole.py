"""Diagnose a whole hand-written backprop: which line is wrong, at which layer, and which layers only inherit.

A whole function shows only its results (∂L/∂W, ∂L/∂b; per sample, its bias gradient is its δ), so
the derivation is *replayed* (``nn.deltacheck.replay``) from the output down. At each layer the δ the
user must have had is found: the right line applied to the δ above (then any error there is
inherited), or one of the known wrong lines, or either scaled by a constant (the factor N of a mean,
the ½, a sign). That δ is carried down, so a mistake is named once, at the layer where it starts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn.deltacheck import replay as rp
from nn.deltacheck.diagnose import _factor, _fits
from nn.deltacheck.keys import Key, Kind
from nn.deltacheck.replay import Replay, Variants

Array = np.ndarray


@dataclass(frozen=True)
class Verdict:
    """What the replay says about one returned quantity: ``"ok"``, ``"own"``, ``"inherited"`` or ``"unknown"``."""

    status: str
    words: str = ""


def factor_words(c: float, r: Replay) -> str:
    """``c`` as the product of the usual culprits: a sign, a 2 (the ½), the batch size N (a mean vs a sum)."""
    N, loss, reduction = r.N, r.objective.loss, r.objective.reduction
    ns = (0, 1, -1) if N > 1 else (0,)
    combos = [(sign, two, n) for sign in (1, -1) for two in (0, 1, -1) for n in ns]
    # the fewest culprits first; between equals, the one this loss and reduction make likely
    combos.sort(key=lambda k: (abs(k[1]) + abs(k[2]) + (k[0] < 0), abs(k[2]) if reduction == "sum" else abs(k[1])))
    for sign, two, n in combos:
        if abs(c - sign * 2.0**two * float(N) ** n) <= 1e-6 * abs(c):
            words = _parts(sign, two, n, N, loss, reduction) or "it agrees"
            if N == 2 and (two or n):
                words += " (with N = 2 samples a factor of 2 and a factor of N look alike: check more samples)"
            return words
    return f"off by a constant factor: {c:.6g} × the right value at every entry"


def _parts(sign: int, two: int, n: int, N: int, loss: str, reduction: str) -> str:
    words = []
    if n == 1:
        words.append(f"N = {N} times too large: the loss is a mean over the batch (reduction='mean'), so the δ "
                     "needs its 1/N (CS231n's dscores /= N)" if reduction == "mean" else
                     f"N = {N} times too large")  # fmt: skip
    if n == -1:
        if reduction == "sum":
            words.append(
                f"divided by N = {N}: the loss is a sum over the samples (reduction='sum'); only a mean divides"
            )
        else:
            words.append(f"divided by N = {N} twice (the mean's 1/N taken again)")
    if two == 1:
        words.append("twice the right value: the δ of ‖a − y‖² (2(a − y)) used for ½‖a − y‖², whose ½ cancels the 2"
                     if loss == "half-squared-error" else "twice the right value (a factor of 2)")  # fmt: skip
    if two == -1:
        words.append("half the right value: a − y is the δ of ½‖a − y‖²; the loss ‖a − y‖² has δ = 2(a − y)"
                     if loss == "squared-error" else "half the right value (a factor of ½)")  # fmt: skip
    if sign == -1:
        words.append("the sign is flipped (y − a written for a − y, or −∇L returned for ∇L?)")
    return "; ".join(words)


def _fit(user: Array | None, T: Array) -> bool | None:
    """Does ``user`` equal ``T`` (or its transpose, a separate mistake)? None when there is nothing to compare."""
    if user is None:
        return None
    if user.shape != T.shape and user.shape == T.T.shape:
        T = T.T
    return _fits(user, T)


def _scaled(user: Array | None, T: Array) -> float | None:
    if user is None:
        return None
    return _factor(user, T.T if user.shape != T.shape and user.shape == T.T.shape else T)


def _describe(user: Array, templates: Variants, r: Replay) -> str | None:
    """The template ``user`` equals, exactly or up to a constant factor, in words (templates[0] is the right one)."""
    for words, T in templates:
        if _fit(user, T):
            return words
    for words, T in templates:
        c = _scaled(user, T)
        if c is not None:
            return "; ".join(w for w in (words, factor_words(c, r)) if w)
    return None


def _choose_delta(r: Replay, l: int, user: dict, candidates: Variants) -> tuple[str, Array] | None:
    """The δ^(l) that best explains the user's δ (per sample), bias and weight gradients at layer l."""
    u_delta, u_bias, u_weight = user.get(Key(Kind.DELTA, l)), user.get(Key(Kind.BIAS, l)), user.get(Key(Kind.WEIGHT, l))
    tried = []
    for words, D in candidates:
        tried.append((words, D, 1.0))
        if u_delta is not None:
            c = _factor(u_delta, D)
        elif u_bias is not None:
            c = _factor(u_bias, D if u_bias.ndim == 2 else rp.bias_gradient(D))
        else:
            c = _scaled(u_weight, rp.weight_gradient(r, l, D)) if not r.objective.l2 else None
        if c is not None and abs(c - 1.0) > 1e-6:
            tried.append(("; ".join(w for w in (words, factor_words(c, r)) if w), c * D, c))
    best, best_score, right_score = None, 0, 0
    for k, (words, D, _) in enumerate(tried):
        fits = [_fit(u, T) for u, T in ((u_delta, D), (u_bias, D if u_bias is not None and u_bias.ndim == 2
                else rp.bias_gradient(D)), (u_weight, rp.weight_gradient(r, l, D)))]  # fmt: skip
        score = 4 * bool(fits[0]) + 2 * bool(fits[1]) + bool(fits[2])
        if u_delta is not None and not fits[0]:
            score = 0  # a per-sample δ read off the bias gradient is known: it must match
        if k == 0:
            right_score = score
        if score > best_score:
            best, best_score = (words, D), score
    if (
        0 < right_score < 3 and best_score < 3
    ):  # two partial explanations: the right line's wins, the other line is wrong
        return tried[0][0], tried[0][1]
    return best


def diagnose_whole(r: Replay, user: dict[Key, Array], has_bias: bool) -> dict[Key, Verdict]:
    """A ``Verdict`` for every quantity in ``user`` (by ``Key``): ok, its own mistake, inherited, or unknown."""
    findings: dict[Key, Verdict] = {}
    truth = [None] * (r.m + 1)
    truth[r.m] = rp.output_delta(r)
    for l in range(r.m - 1, 0, -1):
        truth[l] = rp.recursion(r, l, truth[l + 1])
    state: Array | None = truth[r.m]  # the δ the user's code had at the layer above (None: unknown)
    for l in range(r.m, 0, -1):
        if state is None:
            for kind in Kind:
                if Key(kind, l) in user:
                    T = truth[l] if kind is Kind.DELTA else rp.weight_gradient(r, l, truth[l]) if kind is Kind.WEIGHT \
                        else rp.bias_gradient(truth[l])  # fmt: skip
                    ok = _fit(user[Key(kind, l)], T) and user[Key(kind, l)].shape == T.shape
                    findings[Key(kind, l)] = Verdict("ok" if ok else "unknown")
            continue
        right = rp.output_delta(r) if l == r.m else rp.recursion(r, l, state)
        wrong = rp.output_variants(r) if l == r.m else rp.recursion_variants(r, l, state)
        chosen = _choose_delta(r, l, user, [("", right), *wrong])
        inherited = not _fits(right, truth[l])
        line = "output delta" if l == r.m else "recursion"
        if chosen is None:
            own = f"the {line} gives a δ^({l}) that no known mistake explains"
            if Key(Kind.DELTA, l) in user:
                state = user[Key(Kind.DELTA, l)]
                findings[Key(Kind.DELTA, l)] = Verdict("own", own + _worst(user[Key(Kind.DELTA, l)], truth[l], "δ"))
            else:
                state = None
                findings[Key(Kind.DELTA, l)] = Verdict("own", own + "; the layers below cannot be told apart from it")
        else:
            words, state = chosen
            status = "own" if words else ("inherited" if inherited else "ok")
            findings[Key(Kind.DELTA, l)] = Verdict(status, f"the {line} is wrong: {words}" if words else "")
        delta_status = findings[Key(Kind.DELTA, l)].status
        for kind in (Kind.WEIGHT, Kind.BIAS) if has_bias else (Kind.WEIGHT,):
            if Key(kind, l) not in user or state is None:
                continue
            u = user[Key(kind, l)]
            if kind is Kind.BIAS and u.ndim == 2:
                fits_rows = _fits(u, state)
                words = (
                    "not summed over the batch: it has one row per sample (the δ of each sample); "
                    "∂L/∂b = Σ_s δ_s, np.sum(dscores, axis=0)" + ("" if fits_rows else ", and those rows are wrong too")
                )
                findings[Key(kind, l)] = Verdict("own", words)
                continue
            T = rp.weight_gradient(r, l, state) if kind is Kind.WEIGHT else rp.bias_gradient(state)
            if _fit(u, T) and u.shape == T.shape:
                findings[Key(kind, l)] = Verdict("ok" if delta_status == "ok" else "inherited")
                continue
            variants = rp.weight_variants(r, l, state) if kind is Kind.WEIGHT else rp.bias_variants(r, l, state)
            words = _describe(u, [("", T), *variants], r)
            if u.shape != T.shape:
                shape_words = _transposed_weight_words(r, l)
                words = shape_words if not words else f"{shape_words}; {words}"
            elif words is None and u.shape[0] == u.shape[-1] and _fit(u, T.T):
                words = _transposed_weight_words(r, l)
            if words is None:
                words = "no known mistake matches" + _worst(u, T, kind)
            findings[Key(kind, l)] = Verdict("own", f"the {kind} gradient is wrong: {words}")
    return findings


def _transposed_weight_words(r: Replay, l: int) -> str:
    if r.layout.name == "nielsen":
        right = f"np.dot(delta, activations[-l-1].transpose()), an n_{l} × n_{l - 1} matrix like w"
    elif r.layout.name == "batch":
        source, signal = "X" if l == 1 else "h", "dscores" if l == r.m else "dhidden"
        right = f"{source}.T.dot({signal}), an n_in × n_out matrix like W{l}"
    else:
        right = f"a^({l - 1})(δ^({l}))ᵀ, an n_{l - 1} × n_{l} matrix like W^({l})"
    return f"it is transposed: the layout needs {right}"


def _worst(user: Array, T: Array, what: str) -> str:
    if user.shape != T.shape:
        return f" (shape {user.shape}, expected {T.shape})"
    k = np.unravel_index(int(np.argmax(np.abs(user - T))), T.shape)
    return f" (worst at {what}{list(int(i) for i in k)}: {user[k]:.6g} where {T[k]:.6g} is right)"
