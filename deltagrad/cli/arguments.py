"""Argument types with limits: every number a user types is checked before anything is allocated.

Each is an ``argparse`` ``type=`` (or is called on an option's text) and refuses
with one line naming the option's rule: a seed is an int ≥ 0, a count a positive
int up to a limit, a number finite and in a range, layer sizes positive ints whose
network has at most so many weights. The limits keep a typo
(``--layers 2,99999999999999999999,1``, ``--epochs 1e20``) from allocating until
memory runs out or running for years; each message says the limit.
"""

from __future__ import annotations

import argparse
import itertools
import math
from collections.abc import Callable

MAX_SEED = 2**128 - 1
MAX_SAMPLES = 1_000_000
MAX_EPOCHS = 1_000_000
MAX_CLASSES = 1_000
MAX_WEIGHTS = 1_000_000
"""The most weights (and biases) a network on the command line may have: about 180 MB of Values."""


class UsageError(Exception):
    """Bad arguments or input: reported as ``deltagrad COMMAND: error: ...`` with exit code 2."""


def _int(text: str) -> int:
    if len(text) > 60:
        raise argparse.ArgumentTypeError(f"{_short(text)!r} is far too long for any number here")
    try:
        return int(text.strip().replace("_", ""), 10)
    except ValueError:
        shown = text if len(text) <= 40 else f"{text[:20]}…{text[-10:]}"
        raise argparse.ArgumentTypeError(f"{shown!r} is not a whole number") from None


def seed(text: str) -> int:
    """A seed: an int from 0 to 2**128 − 1 (numpy's generators take no negative seed)."""
    value = _int(text)
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"a seed is an int from 0 to 2**128 − 1, got {_short(value)}")
    return value


def count(limit: int, minimum: int = 1) -> Callable[[str], int]:
    """An int from ``minimum`` (1) to ``limit``."""

    def parse(text: str) -> int:
        value = _int(text)
        if not minimum <= value <= limit:
            raise argparse.ArgumentTypeError(f"expected an int from {minimum:,} to {limit:,}, got {_short(value)}")
        return value

    return parse


def number(low: float, high: float, *, low_open: bool = False) -> Callable[[str], float]:
    """A finite float in ``[low, high]`` (``(low, high]`` with ``low_open``)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{_short(text)!r} is not a number") from None
        below = value <= low if low_open else value < low
        if not math.isfinite(value) or below or value > high:
            side = "(" if low_open else "["
            raise argparse.ArgumentTypeError(f"expected a finite number in {side}{low:g}, {high:g}], got {value}")
        return value

    return parse


def layer_sizes(
    text: str, option: str = "--layers", example: str = "2,16,16,1", max_weights: int = MAX_WEIGHTS
) -> list[int]:
    """``"n_0,n_1,…,n_m"`` (input first) as ints, or a UsageError naming the option and its limit.

    The network's weight count, Σ (n_{l−1} + 1)·n_l, must be at most ``max_weights``: checked on the
    numbers, before any network is built.
    """
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        sizes = []
    if len(sizes) < 2 or any(n < 1 for n in sizes):
        raise UsageError(
            f"{option} must be comma-separated positive ints n_0,n_1,…,n_m (input first, at least two), "
            f"like {example}; got {_short(text)!r}"
        )
    weights = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
    if weights > max_weights:
        raise UsageError(
            f"{option} {_short(text)} makes a network of {weights:.3g} weights; at most {max_weights:,} here "
            "(every weight is a Python object: choose smaller layers)"
        )
    return sizes


def _short(x: object) -> str:
    text = str(x)
    return text if len(text) <= 40 else f"{text[:20]}…{text[-10:]} ({len(text):,} characters)"
