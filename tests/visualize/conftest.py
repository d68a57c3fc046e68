"""Graphs the visualize tests draw, built fresh for each test (drawing never mutates them, backward does)."""

from __future__ import annotations

import random
import shutil

import pytest

from autograd import Value
from autograd.expression import parse
from nn import MLP, check_deltas, cross_entropy, squared_error

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


@pytest.fixture
def neuron() -> Value:
    """micrograd's example neuron: tanh(x*w + b), after backward."""
    root = parse("tanh(x*w + b)", {"x": 0.5, "w": -1.2, "b": 0.1})
    root.backward()
    return root


@pytest.fixture
def fan_in() -> Value:
    """x is used three times: its grad is the sum of three contributions (``+=``)."""
    root = parse("x*x + x*w", {"x": 0.5, "w": -1.2})
    root.backward()
    return root


def tanh_graph() -> Value:
    """L = tanh(a·b + a), after backward: four steps to walk through, a used twice."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    e = a * b + a
    e.label = "e"
    loss = e.tanh()
    loss.label = "L"
    loss.backward()
    return loss


def mlp_loss(sizes: list[int], seed: int = 0, x: list[float] | None = None) -> Value:
    model = MLP(sizes[0], sizes[1:], seed=seed)
    x = x if x is not None else [0.5 - 0.25 * i for i in range(sizes[0])]
    loss = squared_error(model(x), [0.3] * sizes[-1])
    loss.label = "L"
    loss.backward()
    return loss


@pytest.fixture
def small_mlp() -> Value:
    """MLP 2 → 3 → 1 with a squared-error loss ``L``, after backward."""
    return mlp_loss([2, 3, 1])


def network_loss(sizes: list[int], seed: int, kind: str) -> tuple[Value, dict]:
    """A network's loss after backward, and its annotations: a δ-overlay (check_deltas' sample 1, no
    biases), or a plain ``"cross-entropy"`` / ``"squared-error"`` loss with biases (no annotations)."""
    model = MLP(sizes[0], sizes[1:], seed=seed, bias=kind != "δ-overlay")
    rnd = random.Random(seed)
    X = [[rnd.uniform(-1, 1) for _ in range(sizes[0])] for _ in range(3)]
    if kind == "δ-overlay":
        Y = [[rnd.uniform(-1, 1) for _ in range(sizes[-1])] for _ in range(3)]
        report = check_deltas(model, X, Y, loss="squared-error", rules="correct")
        return report.sample_loss(1), report.annotations(1)
    out = model(X[0])
    loss = cross_entropy(out, 1) if kind == "cross-entropy" else squared_error(out, [0.3] * sizes[-1])
    loss.label = "L"
    loss.backward()
    return loss, {}
