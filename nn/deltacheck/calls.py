"""Calling one rule of a ``Rules``: the extra arguments it asks for, and what it returns, judged before use.

A rule takes the arguments of its line in ``nn.deltacheck.equations`` (``(z, y)`` for an output delta,
``(p, l, δ)`` for the others) and, if it names them as parameters, any of the extras:

- ``N``: the number of samples in the batch;
- ``reduction``: ``"sum"`` or ``"mean"`` (a mean's δ^(m) carries the 1/N);
- ``a``: the output activation ``a^(m)`` (``= z^(m)`` on a linear output);
- ``sigma_prime``: σ' of the output layer, as a function of z.

What a rule returns must be real, finite numbers: a complex or non-finite result, or an exception,
becomes a ``RuleProblem`` — that rule's error in the report, named — never a number that is compared.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np

EXTRAS = ("N", "reduction", "a", "sigma_prime")


class RuleProblem(Exception):
    """A rule raised, returned the wrong shape or returned no real finite numbers: reported as data, not raised."""

    def __init__(self, message: str, value: np.ndarray | None = None) -> None:
        super().__init__(message)
        self.value = value  # what a rule returned when its shape was wrong (diagnosed as a transpose...)


def declared_extras(rule: Callable) -> frozenset[str]:
    """Which of ``EXTRAS`` the rule names as parameters (all of them if it takes ``**kwargs``)."""
    try:
        parameters = inspect.signature(rule).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: no extras
        return frozenset()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return frozenset(EXTRAS)
    return frozenset(p.name for p in parameters if p.name in EXTRAS and p.kind is not inspect.Parameter.VAR_POSITIONAL)


def call_rule(rule: Callable, what: str, args: tuple, extras: dict[str, object] | None = None) -> np.ndarray:
    """``rule(*args, **the extras it declares)`` as a float64 array, or a ``RuleProblem`` saying what went wrong."""
    wanted = declared_extras(rule) if extras else frozenset()
    kwargs = {k: v for k, v in (extras or {}).items() if k in wanted}
    try:
        out = rule(*args, **kwargs)
    except Exception as exc:  # a user's rule may fail in any way; the report says how
        raise RuleProblem(f"the rule for {what} raised {type(exc).__name__}: {exc}") from exc
    try:
        value = np.asarray(out)
    except Exception as exc:
        raise RuleProblem(f"the rule for {what} returned {type(out).__name__}, not an array of numbers") from exc
    if np.iscomplexobj(value):
        raise RuleProblem(
            f"the rule for {what} returned complex numbers: the δ of a real loss is real "
            "(a square root or log of a negative number in the rule?)"
        )
    if value.dtype == object or not (np.issubdtype(value.dtype, np.number) or value.dtype == bool):
        raise RuleProblem(f"the rule for {what} returned {type(out).__name__} of dtype {value.dtype}, not numbers")
    value = value.astype(np.float64)
    bad = ~np.isfinite(value)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise RuleProblem(
            f"the rule for {what} returned {int(bad.sum())} non-finite "
            f"{'value' if bad.sum() == 1 else 'values'} ({value[first]} at index {list(first)}): "
            "an overflow or a division by zero in the rule"
        )
    return value
