"""Read what a user's ``backprop`` returned: one gradient per layer, checked and turned into the notes' shapes.

What cannot be judged is refused with a ``BackpropOutputError`` that says what was wrong and what to do:
the wrong number of layers, arrays that are not real finite numbers, shapes that fit no reading of the
layout (naming the layout or the ``returns`` order they would fit). Shapes that are a known *mistake* of
the derivation — a transposed ``∂L/∂W`` or, in the batch layout, a bias gradient with a row per sample
(not summed over the batch) — are kept, with a problem note, for the report to diagnose.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from nn.deltacheck.keys import Key, Kind
from nn.deltacheck.layouts import LAYOUTS, Layout

Array = np.ndarray


class BackpropOutputError(ValueError):
    """A hand-written backprop returned something that is not a gradient in the stated layout."""


@dataclass
class Gradients:
    """One call's gradients in the notes' shapes, layer 1..m at index 1..m (index 0 unused).

    ``problems[Key(kind, l)]`` says why an array keeps a wrong shape (it is diagnosed, not compared).
    """

    weights: list[Array | None]
    biases: list[Array | None]
    problems: dict[Key, str] = field(default_factory=dict)


def _split(out: object, returns: str, m: int, has_bias: bool, call: str) -> tuple[Sequence, Sequence | None]:
    """The weights part and the biases part of what ``backprop`` returned."""
    if isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], dict) and np.ndim(out[0]) == 0:
        out = out[1]  # CS231n's TwoLayerNet.loss returns (loss, grads)
    if isinstance(out, dict):  # CS231n's grads dict: {'W1': …, 'b1': …}
        missing = [k for l in range(1, m + 1) for k in (f"W{l}", *((f"b{l}",) if has_bias else ())) if k not in out]
        if missing:
            raise BackpropOutputError(
                f"{call} returned a dict without {', '.join(missing)}: the network has {m} layers, so it needs "
                f"W1…W{m}" + (f" and b1…b{m}" if has_bias else "")
            )
        weights = [out[f"W{l}"] for l in range(1, m + 1)]
        return weights, ([out[f"b{l}"] for l in range(1, m + 1)] if has_bias else None)
    if not isinstance(out, (tuple, list)):
        raise BackpropOutputError(
            f"{call} returned {type(out).__name__}; it must return the gradients as two lists, "
            f"{'(weights, biases)' if returns == 'W,b' else '(biases, weights)'} (returns={returns!r}), "
            "or a dict {'W1': …, 'b1': …}"
        )
    if not has_bias and len(out) == m and all(np.ndim(g) == 2 for g in out):
        return out, None  # a network without biases: just the weight gradients
    if len(out) != 2:
        raise BackpropOutputError(
            f"{call} returned a {type(out).__name__} of {len(out)} items; expected 2: "
            f"{'(weights, biases)' if returns == 'W,b' else '(biases, weights)'} (returns={returns!r}), each a list "
            f"with one array per layer ({m})"
        )
    weights, biases = out if returns == "W,b" else out[::-1]
    if biases is not None and not has_bias and any(g is not None for g in biases):
        raise BackpropOutputError(f"{call} returned bias gradients, but this network has no biases (bias=False)")
    return weights, (biases if has_bias else None)


def _array(g: object, name: str, call: str) -> Array:
    try:
        a = np.asarray(g)
    except Exception as exc:
        raise BackpropOutputError(f"{call}: {name} is not an array of numbers ({exc})") from exc
    if np.iscomplexobj(a):
        raise BackpropOutputError(
            f"{call}: {name} holds complex numbers; the gradient of a real loss is real "
            "(a square root or log of a negative number, or a complex literal, somewhere in the derivation?)"
        )
    if a.dtype == object or not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise BackpropOutputError(f"{call}: {name} is not an array of numbers (dtype {a.dtype})")
    a = a.astype(np.float64)
    bad = ~np.isfinite(a)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise BackpropOutputError(
            f"{call}: {name} has {int(bad.sum())} non-finite entries (first at index {list(where)}: {a[where]}); "
            "a gradient must be finite numbers — an overflow (exp of a large z?) or a division by 0 in the derivation"
        )
    return a


def _parts(part: Sequence | None, kind: str, m: int, call: str, names: list[str]) -> list[Array | None]:
    if part is None:
        return [None] * m
    if not isinstance(part, Sequence | np.ndarray):
        raise BackpropOutputError(f"{call}: the {kind} gradients must be a list with one array per layer ({m})")
    if len(part) != m:
        raise BackpropOutputError(
            f"{call} returned {len(part)} {kind} gradients, but the network has {m} layers: one per layer, "
            f"input side first ({names[0]} … {names[-1]})"
        )
    return [_array(g, names[l], call) for l, g in enumerate(part)]


def _fits(layout: Layout, sizes: list[int], ws: list[Array], bs: list[Array | None]) -> bool:
    """Every array has exactly the shape ``layout`` writes (biases in its own shape)."""
    return all(w.shape == layout.weight_shape(sizes[l], sizes[l + 1]) for l, w in enumerate(ws)) and all(
        b is None or b.shape == layout.bias_shape(sizes[l + 1]) for l, b in enumerate(bs)
    )


def read_gradients(
    out: object, layout: Layout, sizes: list[int], has_bias: bool, returns: str, n_samples: int, call: str
) -> Gradients:
    """``out`` (what ``backprop`` returned) as notes-shaped arrays, or a ``BackpropOutputError``."""
    m = len(sizes) - 1
    w_part, b_part = _split(out, returns, m, has_bias, call)
    ws = _parts(w_part, "weight", m, call, [layout.weight_name(l, m) for l in range(1, m + 1)])
    bs = _parts(b_part, "bias", m, call, [layout.bias_name(l, m) for l in range(1, m + 1)])
    grads, wrong = Gradients([None], [None]), []
    for l in range(1, m + 1):
        w, b, n_prev, n = ws[l - 1], bs[l - 1], sizes[l - 1], sizes[l]
        expected = layout.weight_shape(n_prev, n)
        if w.shape == expected:
            grads.weights.append(layout.weight_to_notes(w))
        elif w.shape == expected[::-1]:
            grads.weights.append(layout.weight_to_notes(w))  # a transpose: kept, in the notes' orientation, to diagnose
            grads.problems[Key(Kind.WEIGHT, l)] = f"{layout.weight_name(l, m)} has shape {w.shape}, expected {expected}"
        else:
            wrong.append(f"{layout.weight_name(l, m)} has shape {w.shape}, expected {expected}")
            grads.weights.append(None)
        if b is None:
            grads.biases.append(None)
        elif layout.bias_fits(b.shape, n):
            grads.biases.append(layout.bias_to_notes(b))
        elif not layout.per_sample and b.shape == (n_samples, n) and n_samples > 1:
            grads.biases.append(b)  # one row per sample: not summed over the batch; kept to diagnose
            grads.problems[Key(Kind.BIAS, l)] = (
                f"{layout.bias_name(l, m)} has shape {b.shape}, expected ({n},) or (1, {n})"
            )
        else:
            wrong.append(f"{layout.bias_name(l, m)} has shape {b.shape}, expected {layout.bias_shape(n)}")
            grads.biases.append(None)
    if wrong or (grads.problems and not _fits(layout, sizes, ws, bs)):
        hints = [
            f"layout={other.name!r}" for other in LAYOUTS.values() if other != layout and _fits(other, sizes, ws, bs)
        ]
        if has_bias and returns == "W,b" and _swapped_fits(layout, sizes, ws, bs):
            hints.append("returns='b,W' (Nielsen's order: (nabla_b, nabla_w))")
        if hints or wrong:
            fit = f" They would fit {' or '.join(hints)}." if hints else ""
            listed = wrong or list(grads.problems.values())
            more = f"; and {len(listed) - 3} more" if len(listed) > 3 else ""
            raise BackpropOutputError(
                f"{call} returned gradients of the wrong shape for layout={layout.name!r} ({layout.description}): "
                + "; ".join(listed[:3])
                + more
                + "."
                + fit
            )
    return grads


def _swapped_fits(layout: Layout, sizes: list[int], ws: list[Array], bs: list[Array | None]) -> bool:
    """Would the two returned lists fit if their order were the other way round?"""
    m = len(sizes) - 1
    if any(b is None for b in bs):
        return False
    return (
        all(
            layout.bias_fits(w.shape, sizes[l + 1]) and b.shape == layout.weight_shape(sizes[l], sizes[l + 1])
            for l, (w, b) in enumerate(zip(ws, bs, strict=True))
        )
        and m > 0
    )
