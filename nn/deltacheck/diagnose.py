"""Name the mistake, not just the numbers: the usual errors of a hand-derived backward pass.

Each failing rule is evaluated alone, fed autograd's δ (``Quantity.local``), and
matched against a few known ways of getting that line wrong, each a template
built from autograd's values: a constant factor (the lost ½, a sign, a mean for
the notes' sum), σ' at the wrong layer, a transposed or uncollapsed outer
product, σ applied to the input, the other loss's δ, a division by p. A
quantity whose rule is right but which is computed from a wrong δ above it is
marked *inherited*: the error starts higher up and propagates down.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from nn.deltacheck import equations
from nn.deltacheck import replay as rp
from nn.deltacheck.equations import Pass
from nn.deltacheck.keys import Key, Kind
from nn.deltacheck.layouts import LAYOUTS
from nn.deltacheck.objective import Objective
from nn.deltacheck.quantity import Quantity


@dataclass(frozen=True)
class Context:
    """What the templates are built from: each sample's forward pass, the targets, autograd's δ."""

    passes: list[Pass]
    Y: np.ndarray
    loss: str
    autograd: dict[Key, np.ndarray]
    model_sigma_prime: Callable[[np.ndarray], np.ndarray]
    objective: Objective = field(default_factory=lambda: Objective("squared-error"))
    hidden: str = "relu"  # the hidden layers' activation
    layout: str = "notes"  # the layout the user's rules are written in

    def stacked(self, what: str, l: int) -> np.ndarray:
        """``z^(l)`` or ``a^(l)`` of every sample, N × n_l."""
        return np.array([getattr(p, what)[l] for p in self.passes])


def _fits(F: np.ndarray, T: np.ndarray) -> bool:
    """F equals T up to rounding (the templates are exact arithmetic, like the rules)."""
    if F.shape != T.shape or not np.all(np.isfinite(T)):
        return False
    scale = max(float(np.max(np.abs(T), initial=0.0)), float(np.max(np.abs(F), initial=0.0)))
    return float(np.max(np.abs(F - T), initial=0.0)) <= 1e-6 * scale + 1e-12


def _factor(F: np.ndarray, T: np.ndarray) -> float | None:
    """The c with F = c·T, if there is one (T needs two non-zero entries for "constant" to mean anything)."""
    if F.shape != T.shape or np.count_nonzero(np.abs(T) > 1e-12) < 2:
        return None
    c = float(np.sum(F * T) / np.sum(T * T))
    return c if 1e-9 < abs(c) < 1e9 and _fits(F, c * T) else None


def _factor_words(c: float, q: Quantity, ctx: Context) -> str:
    n, output = len(ctx.passes), q.kind is Kind.DELTA and q.layer == ctx.passes[0].m
    mean = ctx.objective.reduction == "mean"
    if n > 1 and mean and abs(c - n) < 1e-6 * n:
        return (
            f"off by a factor of N = {n} samples: formula = {c:.6g} × autograd (the loss is a mean, reduction='mean': "
            "its δ^(m) carries 1/N; a rule that names N gets it, lambda z, y, N: …/N)"
        )
    if n > 1 and mean and abs(c * n - 1.0) < 1e-6:
        return f"off by a factor of N = {n} samples: formula = {c:.6g} × autograd (divided by N twice?)"
    if abs(c - 2.0) < 1e-6 and output and ctx.objective.loss == "half-squared-error":
        return (
            "off by a factor of 2: formula = 2 × autograd: 2(a − y) is the δ of ‖a − y‖², but the loss ½‖a − y‖² "
            "has δ^(m) = (a − y) ⊙ σ'(z^(m)): the ½ cancels the 2"
        )
    if abs(c + 1.0) < 1e-6:
        return "the sign is flipped: formula = −autograd (z − y written y − z? the descent step −∇L written for ∇L?)"
    if abs(c - 0.5) < 1e-6:
        words = "off by a factor of 2: formula = ½ × autograd"
        if q.kind is Kind.DELTA and q.layer == ctx.passes[0].m and ctx.loss == "squared-error":
            words += (
                ". Did the loss lose its ½? The notes' loss ‖z − y‖² has δ^(m) = 2(z − y); z − y is the δ of ½‖z − y‖²"
            )
        return words
    if abs(c - 2.0) < 1e-6:
        return "off by a factor of 2: formula = 2 × autograd (is the loss halved, ½‖z − y‖², on one side only?)"
    if n > 1 and (abs(c * n - 1.0) < 1e-6 or abs(c - n) < 1e-6):
        return (
            f"off by a factor of N = {n} samples: formula = {c:.6g} × autograd "
            "(a mean over samples where the notes' loss is a sum, Loss = Σ_i L_i?)"
        )
    return f"off by a constant factor: formula = {c:.6g} × autograd at every entry"


def _match(F: np.ndarray, templates: list[tuple[str, np.ndarray]], q: Quantity, ctx: Context) -> str | None:
    """The template F equals — exactly first, else up to a constant factor — described in words."""
    for words, T in templates:
        if _fits(F, T):
            return words or "agrees with autograd only to about 1e-6: outside the tolerance, but no known mistake"
    for words, T in templates:
        c = _factor(F, T)
        if c is not None:
            return f"{words}, and {_factor_words(c, q, ctx)}" if words else _factor_words(c, q, ctx)
    if np.max(np.abs(F), initial=0.0) <= 1e-12 < np.max(np.abs(q.autograd), initial=0.0):
        return "it is 0 at every entry, where autograd's is not"
    return None


def _replay(ctx: Context) -> rp.Replay:
    """The batch's forward pass as the whole-derivation replay reads it (rows are samples)."""
    p, m = ctx.passes[0], ctx.passes[0].m
    Z = [None] + [ctx.stacked("z", l) for l in range(1, m + 1)]
    A = [ctx.stacked("a", l) for l in range(m + 1)]
    return rp.Replay(p.W, p.b, Z, A, ctx.Y, ctx.objective, ctx.hidden, LAYOUTS["notes"])


def _output_templates(ctx: Context) -> list[tuple[str, np.ndarray]]:
    """The right δ^(m), the notes' own slips (in their words), then the replay's list of wrong output lines."""
    r = _replay(ctx)
    templates = [("", rp.output_delta(r)), *_notes_output_templates(ctx)]
    for words, T in rp.output_variants(r):
        if not any(_fits(T, known) for _, known in templates):
            templates.append((words, T))
    return templates


def _notes_output_templates(ctx: Context) -> list[tuple[str, np.ndarray]]:
    m, scale = ctx.passes[0].m, ctx.objective.scale(len(ctx.passes))
    Z, Y = ctx.stacked("z", m), ctx.Y
    P = np.array([equations.softmax(z) for z in Z])
    if ctx.loss in ("squared-error", "half-squared-error"):
        if Y.shape[1] < 2:
            return []
        return [("it is p − y, the cross-entropy δ, used for the squared error", scale * (P - Y))]
    if ctx.loss != "cross-entropy":
        return []
    with np.errstate(divide="ignore", invalid="ignore"):
        garbled = scale * (P - Y) / P
    return [
        ("it is (p − y)/p: divided by the softmax p (the definition of p, written under the line, read as a divisor)",
         garbled),
        ("it is 2(z − y), the squared-error δ, used for cross-entropy", scale * 2.0 * (Z - Y)),
        ("it is z − y: the softmax is missing (p = e^z / Σ e^z, not z)", scale * (Z - Y)),
    ]  # fmt: skip


def _recursion_templates(q: Quantity, ctx: Context) -> list[tuple[str, np.ndarray]]:
    l, sizes = q.layer, [len(a) for a in ctx.passes[0].a]
    V = np.array([p.W[l + 1] @ d for p, d in zip(ctx.passes, ctx.autograd[Key(Kind.DELTA, l + 1)], strict=True)])
    templates = [("", ctx.model_sigma_prime(ctx.stacked("z", l)) * V), (f"σ'(z^({l})) ⊙ is missing", V)]
    for k in range(1, len(sizes)):
        if k != l and sizes[k] in (sizes[l], 1):
            templates.append(
                (
                    f"σ' is taken at the wrong layer: it is σ'(z^({k})) ⊙ W^({l + 1})δ^({l + 1}), but δ^({l}) needs "
                    f"σ'(z^({l})), the pre-activations of layer {l} itself (the notes' σ'(z^(i-1)) with i ≠ j: "
                    "slipped indices)",
                    ctx.model_sigma_prime(ctx.stacked("z", k)) * V,
                )
            )
    W_next = ctx.passes[0].W[l + 1]
    if W_next.shape[0] == W_next.shape[1]:  # Wᵀδ has the right shape only when W^(l+1) is square
        VT = np.array([p.W[l + 1].T @ d for p, d in zip(ctx.passes, ctx.autograd[Key(Kind.DELTA, l + 1)], strict=True)])
        templates.append(
            (rp.transposed_recursion_words(LAYOUTS[ctx.layout], l), ctx.model_sigma_prime(ctx.stacked("z", l)) * VT)
        )
    rule_sigma_prime = ctx.passes[0].sigma_prime
    if rule_sigma_prime is not ctx.model_sigma_prime:
        templates.append(
            (
                "its σ' (the rules' sigma_prime) is not the derivative of the network's σ",
                rule_sigma_prime(ctx.stacked("z", l)) * V,
            )
        )
    return templates


def _mask_words(F: np.ndarray, q: Quantity, ctx: Context) -> str | None:
    """δ that differs from autograd only in which entries are zeroed: a wrong ReLU mask."""
    l = q.layer
    V = np.array([p.W[l + 1] @ d for p, d in zip(ctx.passes, ctx.autograd[Key(Kind.DELTA, l + 1)], strict=True)])
    tol = 1e-9 * max(float(np.max(np.abs(V), initial=0.0)), 1e-300)
    if F.shape == V.shape and np.all((np.abs(F) <= tol) | (np.abs(F - V) <= tol)):
        return (
            f"it differs from autograd only in which entries are zeroed: the mask σ'(z) is wrong; "
            f"δ^({l}) = σ'(z^({l})) ⊙ W^({l + 1})δ^({l + 1}) needs σ' of layer {l}'s own z"
        )
    return None


def _weight_templates(q: Quantity, ctx: Context, shape: tuple[int, ...]) -> list[tuple[str, np.ndarray]]:
    """Every combination of the known outer-product mistakes that has the formula's shape."""
    l, sigma = q.layer, ctx.passes[0].sigma
    A, D = ctx.stacked("a", l - 1), ctx.autograd[Key(Kind.DELTA, l)]
    a_forms = [("", A)]
    if l == 1:
        a_forms.append(("it applies σ to the input: a^(0) = x has no activation, so ∂L/∂W^(1) = x (δ^(1))ᵀ", sigma(A)))
    elif not np.array_equal(A, ctx.stacked("z", l - 1)):
        a_forms.append((f"it uses z^({l - 1}) for a^({l - 1}) = σ(z^({l - 1})): σ is missing", ctx.stacked("z", l - 1)))
    d_forms = [
        ("", D),
        (
            f"every column k holds Σ_t δ_t^({l}) a_i^({l - 1}): the sum over k was not collapsed "
            f"(∂z_t/∂w_ik = 0 for t ≠ k leaves the single term a_i^({l - 1}) δ_k^({l}))",
            np.repeat(D.sum(axis=1, keepdims=True), D.shape[1], axis=1),
        ),
    ]
    transposed = (
        f"it is δ^({l})(a^({l - 1}))ᵀ, the transpose of ∂L/∂W^({l}) = a^({l - 1})(δ^({l}))ᵀ, "
        f"which has W^({l})'s shape n_{l - 1} × n_{l}"
        + (f" (W^({l}) is square, so only the values show it)" if D.shape[1] == A.shape[1] else "")
    )
    templates = []
    for (aw, a), (dw, d), t in itertools.product(a_forms, d_forms, (False, True)):
        T = a.T @ d  # Σ over samples of the outer products a_s d_sᵀ
        T = T.T if t else T
        if T.shape == shape:
            words = [w for w in (transposed if t else "", aw, dw) if w]
            templates.append(("; ".join(words), T))
    return sorted(templates, key=lambda wt: wt[0].count(";") + bool(wt[0]))


def _explain(q: Quantity, ctx: Context) -> str:
    """Why the rule behind ``q`` is wrong, in words, from its output when fed autograd's δ."""
    m, head = ctx.passes[0].m, f"{q.symbol}: "
    F = q.local if q.local is not None else q.local_raw
    if F is None and not any(w in (q.local_problem or "") for w in ("shape", "broadcast", "matmul", "aligned")):
        return head + (q.local_problem or "its rule could not be evaluated").strip() + "."
    if F is None:
        hint = ""
        if q.kind is Kind.DELTA and q.layer < m and "matmul" in (q.local_problem or ""):
            hint = (
                f" — is it Wᵀδ? In the notes' layout W^({q.layer + 1}) is n_{q.layer} × n_{q.layer + 1}, so "
                f"δ^({q.layer}) = σ'(z^({q.layer})) ⊙ W^({q.layer + 1})δ^({q.layer + 1})"
            )
        if q.kind is Kind.DELTA and "broadcast" in (q.local_problem or ""):
            hint = (
                f" — vectors of two layers' sizes were combined: is σ' taken at another layer's z than z^({q.layer})?"
            )
        return head + f"shape mismatch: {(q.local_problem or '').strip()}{hint}"
    if q.kind is Kind.DELTA:
        templates = _output_templates(ctx) if q.layer == m else _recursion_templates(q, ctx)
        words = _match(F, templates, q, ctx) or (None if q.layer == m else _mask_words(F, q, ctx))
    elif q.kind is Kind.WEIGHT:
        words = _match(F, _weight_templates(q, ctx, F.shape), q, ctx)
    else:
        words = _match(F, [("", q.autograd)], q, ctx)
    if q.local is None:  # the wrong shape itself is part of the story
        words = (words or "no known mistake gives this shape") + f" (shape {F.shape}, expected {q.autograd.shape})"
    if words is None:
        bad = ~q.agrees(F)
        worst = np.unravel_index(np.argmax(np.where(bad, np.abs(F - q.autograd), -1.0)), F.shape)
        name, sample = q.names()[int(np.ravel_multi_index(worst, F.shape))]
        where = f"{name}" + (f" of sample {sample}" if sample else "")
        words = (
            f"the rule disagrees with autograd at {int(bad.sum())} of {bad.size} entries, with no constant ratio and "
            f"no known mistake matching (worst: {where}, formula {F[worst]:.6g}, autograd {q.autograd[worst]:.6g})"
        )
    rule = {Kind.DELTA: "output delta" if q.layer == m else "recursion", Kind.WEIGHT: "weight gradient"}
    return head + f"the {rule.get(q.kind, 'bias gradient')} rule is wrong: {words}."


@dataclass(frozen=True)
class Finding:
    """What the diagnosis says about one failing quantity: why, and whether its error comes from above."""

    diagnosis: str | None
    inherited: bool = False


NO_FINDING = Finding(None)
"""What is said about a quantity that passes."""


@dataclass(frozen=True)
class Diagnosis:
    """The findings of ``diagnose``: one ``Finding`` per failing quantity, and the report's diagnoses in words."""

    findings: dict[Key, Finding]
    messages: list[str]


def diagnose(quantities: list[Quantity], ctx: Context) -> Diagnosis:
    """Why each failing quantity fails (its own rule, or a wrong δ above it), and the report's diagnoses, output first.

    The quantities are read, never changed: ``check_deltas`` folds the findings into the report.
    """
    out, findings, inherited, own = [], {}, [], []
    for q in quantities:
        if q.passed:
            continue
        if q.local_passed and not (q.formula is not None and q.formula_ok.all()):
            findings[q.key] = Finding(f"{q.symbol}: computed from a wrong δ above it; its own rule is right.", True)
            inherited.append(q)
        elif not q.local_passed:
            findings[q.key] = Finding(_explain(q, ctx))
            own.append(q)
            out.append(findings[q.key].diagnosis)
    if inherited:
        names = ", ".join(q.symbol for q in inherited)
        sources = [q.symbol for q in own if q.kind is Kind.DELTA]
        source = ", ".join(sources) + (" is" if len(sources) == 1 else " are") if sources else "a δ above is"
        text = (
            f"Inherited: {names} {'is' if len(inherited) == 1 else 'are'} wrong only because {source} wrong: "
            "fed autograd's δ, their rules give the right answer, so the error starts above and propagates down"
        )
        ratios = [c for q in inherited if q.formula is not None and (c := _factor(q.formula, q.autograd))]
        c = ratios[0] if ratios else None
        if c is not None and all(q.formula is not None and _fits(q.formula, c * q.autograd) for q in inherited):
            text += f" (by the same factor: formula = {c:.6g} × autograd at every entry)"
        out.append(text + ".")
    return Diagnosis(findings, out + oracle_notes(quantities))


def oracle_notes(quantities: list[Quantity]) -> list[str]:
    """What the oracles themselves say: autograd against finite differences, and the entries at ReLU kinks."""
    out = []
    engine = [
        (q.symbol, e["name"])
        for q in quantities
        for e, ok in zip(q.entries(), np.ravel(q.autograd_fd_ok), strict=True)
        if not ok
    ]
    if engine:
        shown = ", ".join(name for _, name in engine[:6]) + (" …" if len(engine) > 6 else "")
        out.append(
            f"Autograd and finite differences disagree at {len(engine)} entries ({shown}): the engine or one of its "
            "ops is suspect, not the notes — run autograd.gradcheck on the ops involved."
        )
    kinks = sum(int(q.at_kink.sum()) for q in quantities)
    if kinks:
        out.append(
            f"{kinks} {'entry is' if kinks == 1 else 'entries are'} at a ReLU kink (some z within the "
            "finite-difference step of 0): not checkable by finite differences, compared with autograd only."
        )
    return out
