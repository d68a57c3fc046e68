"""How long the fuzz suite runs, and what it counts.

``make test`` gives each fuzz target a small fixed budget (``FAST`` examples: seconds
in all), derandomized under CI like the rest of the suite; ``DELTAGRAD_FUZZ=long``
gives each ``LONG`` examples and fresh randomness, to go looking for new failures.
``tried`` counts the cases each class ran; the fuzz conftest prints the counts.
"""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, settings

LONG_RUN = os.environ.get("DELTAGRAD_FUZZ", "").strip().lower() == "long"
FAST, LONG = 30, 2000

tried: Counter[str] = Counter()


def budget(fast: int = FAST, long: int = LONG) -> settings:
    """Settings for one fuzz target: ``fast`` examples in ``make test``, ``long`` with DELTAGRAD_FUZZ=long."""
    examples = long if LONG_RUN else fast
    extra = {"derandomize": False} if LONG_RUN else {}
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        **extra,
    )


def count(kind: str) -> None:
    tried[kind] += 1
