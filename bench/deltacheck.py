"""``check_deltas`` on the notes' MLP 2→16→16→1 with 8 samples: its time, and its finite differences two ways.

The finite differences of the loss for all 337 parameters (a 4-point stencil: 1,348
evaluations of the total loss) are what a check spends its time on. They are taken
by one batched replay of the model's recorded forward (``nn.deltacheck.oracles``),
and here, as the reference, by eager forward passes as before: the two must agree.
"""

from __future__ import annotations

import math
import statistics
import time
from typing import Any

import numpy as np

SIZES = (2, 16, 16, 1)
N_SAMPLES = 8


def case() -> tuple[Any, np.ndarray, np.ndarray]:
    from nn import MLP

    rng = np.random.default_rng(0)
    return MLP(SIZES[0], list(SIZES[1:]), seed=0), rng.normal(size=(N_SAMPLES, 2)), rng.normal(size=(N_SAMPLES, 1))


def eager_finite_differences(model: Any, X: np.ndarray, Y: np.ndarray, h: float = 1e-4) -> list[float]:
    """The same stencil by eager forward passes of every sample, one parameter at a time."""
    import autograd
    from nn import squared_error
    from nn.deltacheck.oracles import STENCIL

    out = []
    for p in model.parameters():
        w, values = p.data, []
        for step, weight in STENCIL:
            p.data = w + step * h
            with autograd.no_grad():
                values.append(
                    weight * math.fsum(squared_error(model(list(x)), list(y)).data for x, y in zip(X, Y, strict=True))
                )
        p.data = w
        out.append(math.fsum(values) / (12.0 * h))
    return out


def measure(repeats: int) -> dict[str, Any]:
    from nn import check_deltas
    from nn.deltacheck.objective import Objective
    from nn.deltacheck.oracles import finite_differences

    model, X, Y = case()
    check_times, fd_times = [], []
    for _ in range(repeats):
        c0 = time.process_time()
        report = check_deltas(model, X, Y, "squared-error")
        c1 = time.process_time()
        fd = finite_differences(model, X, Y, Objective.of("squared-error", "sum", 0.0, model), 1e-4)
        fd_times.append(time.process_time() - c1)
        check_times.append(c1 - c0)
    c0 = time.process_time()
    eager = eager_finite_differences(model, X, Y)
    eager_s = time.process_time() - c0
    replayed = [fd[p][0] for p in model.parameters()]
    return {
        "check_s": statistics.median(check_times),
        "fd_replay_s": statistics.median(fd_times),
        "fd_eager_s": eager_s,
        "max_difference": max(abs(a - b) for a, b in zip(replayed, eager, strict=True)),
        "passed": bool(report.passed),
    }
