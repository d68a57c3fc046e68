"""Oracles shared by the nn tests: float64 central differences of a forward pass."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

import autograd
from autograd import Value


def central_differences(f: Callable[[], Value], xs: Sequence[Value], h: float = 1e-6) -> np.ndarray:
    """``(f(x + h) − f(x − h)) / 2h`` for each x in ``xs``, nudging ``x.data`` in place (graph-free passes)."""
    grads = []
    for x in xs:
        original = x.data
        with autograd.no_grad():
            x.data = original + h
            up = f().data
            x.data = original - h
            down = f().data
        x.data = original
        grads.append((up - down) / (2.0 * h))
    return np.array(grads)


def assert_close_to_differences(analytic: Sequence[float], numeric: np.ndarray) -> None:
    """Central differences carry O(h²) truncation and O(ε/h) rounding: about 1e-8 relative at h = 1e-6."""
    np.testing.assert_allclose(np.asarray(analytic, dtype=np.float64), numeric, rtol=1e-6, atol=1e-7)


def delta_cases(architectures: Sequence[Sequence[int]]) -> list[tuple[list[int], str, bool]]:
    """``(sizes, loss, bias)`` for every architecture, both of the notes' losses, with and without biases —
    except cross-entropy on one output, which has no classes to choose between."""
    return [
        (list(sizes), loss, bias)
        for sizes in architectures
        for loss in ("squared-error", "cross-entropy")
        if loss == "squared-error" or sizes[-1] >= 2
        for bias in (False, True)
    ]
