"""Initial weights: which distribution, drawn from which generator, in which order.

Two defaults, chosen by whether a ``seed`` is given (``init=None``):

- **no seed** — micrograd's: every weight ``U(−1, 1)`` from Python's global
  ``random``, in micrograd's order (layer by layer, neuron by neuron, weight by
  weight; biases start at 0 and draw nothing). ``random.seed(1337)`` followed by
  micrograd's demo therefore gives micrograd's weights, hence its losses.
- **a seed** (an int or a ``random.Random``) — He: ``N(0, 2/n_inputs)`` from that
  generator, which keeps ``z``'s variance steady through ReLU layers, the notes'
  σ. ``seed=`` is deltagrad's own argument (micrograd has none), so it keeps the
  initialisation every seeded example, notebook and command of deltagrad uses.

Any ``init`` given by name wins over both: ``"uniform"`` (micrograd's),
``"he"`` or ``"xavier"`` (Glorot uniform, for tanh and sigmoid).
"""

from __future__ import annotations

import math
import random

INITS = ("he", "xavier", "uniform")

Seed = int | random.Random | None


def generator(seed: Seed) -> random.Random:
    """The generator to draw from: ``seed``'s own, or Python's global one (micrograd's) when None."""
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        return random._inst  # type: ignore[attr-defined]  # what random.uniform() draws from
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, a random.Random or None, got {type(seed).__name__} {seed!r}")
    return random.Random(seed)


def resolve(init: str | None, seed: Seed) -> str:
    """The init a network gets: ``init`` if named, else micrograd's without a seed and He with one."""
    if init is None:
        return "uniform" if seed is None else "he"
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}: choose one of {', '.join(INITS)} (or None for the default)")
    return init


def initial_weight(init: str, n_inputs: int, n_outputs: int, rng: random.Random) -> float:
    """One weight of a neuron with ``n_inputs`` inputs in a layer of ``n_outputs`` neurons."""
    if init == "he":
        return rng.gauss(0.0, math.sqrt(2.0 / n_inputs))
    if init == "xavier":
        limit = math.sqrt(6.0 / (n_inputs + n_outputs))
        return rng.uniform(-limit, limit)
    return rng.uniform(-1.0, 1.0)  # micrograd's: random.uniform(-1, 1)


__all__ = ["INITS", "generator", "initial_weight", "resolve"]
