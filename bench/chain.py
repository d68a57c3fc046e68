"""A deep chain: ``y ← y + c`` and ``y ← y · s`` alternately, ``depth`` ops in all, then backward.

Each attempt runs in its own subprocess (see ``bench.__main__``), so a
RecursionError, a crash of the interpreter or a timeout is contained and
reported as the failure of that depth only. Times are CPU seconds of the process.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

SCALE = 1.0 - 1e-6


def measure(leaf: Callable[[float], Any], depth: int) -> dict[str, Any]:
    x, s, c = leaf(0.5), leaf(SCALE), leaf(1e-3)
    t0 = time.process_time()
    y = x
    for k in range(depth):
        y = y * s if k % 2 else y + c
    t1 = time.process_time()
    y.backward()
    t2 = time.process_time()
    expected = SCALE ** (depth // 2)  # ∂y/∂x
    got = float(x.grad)
    del y  # freeing a deep graph is part of surviving it
    t3 = time.process_time()
    return {
        "depth": depth,
        "build_s": t1 - t0,
        "backward_s": t2 - t1,
        "free_s": t3 - t2,
        "grad_ok": math.isclose(got, expected, rel_tol=1e-6),
    }
