"""One SGD training step of an MLP 2→16→16→1 (ReLU hidden, linear output) on 100 two-moons points.

A step is: forward over all samples, the summed squared error, backward, the
update ``p ← p − lr·∂L/∂p``, and zeroing the gradients (where an implementation
keeps them: the compiled step, as ``fit(compile=True)`` runs it, hands its gradient
vector to the optimizer and writes no ``p.grad``; numpy's step keeps none). Every implementation
starts from the same weights (drawn here from a numpy seed) on the same data,
so their losses must agree step by step: the table shows that they do.
"""

from __future__ import annotations

import itertools
import math
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

SIZES = (2, 16, 16, 1)
N_POINTS = 100
LEARNING_RATE = 1e-3
IMPLEMENTATIONS = (
    "deltagrad", "deltagrad-nn", "deltagrad-compiled", "deltagrad-compiled-loop", "micrograd", "torch", "numpy"
)  # fmt: skip
DESCRIPTIONS = {
    "deltagrad": "deltagrad Values, z = dot(w, x) + b",
    "deltagrad-nn": "deltagrad nn.MLP + nn.squared_error",
    "deltagrad-compiled": "the same nn.MLP, compiled, + nn.SGD, as fit(compile=True) runs it",
    "deltagrad-compiled-loop": "the same compiled f(batch), then SGD.step() and zero_grad() on p.grad",
    "micrograd": "micrograd.nn.MLP",
    "torch": "PyTorch, 0-d tensor per scalar",
    "numpy": "numpy, vectorized by hand",
}
NEEDS = {
    "deltagrad-nn": "nn",
    "deltagrad-compiled": "nn",
    "deltagrad-compiled-loop": "nn",
    "micrograd": "micrograd",
    "torch": "torch",
    "numpy": "numpy",
    "deltagrad": "autograd",
}


def moons(n: int = N_POINTS, noise: float = 0.1, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles (labels ±1), like scikit-learn's make_moons."""
    rng = np.random.default_rng(seed)
    n_upper = n // 2
    t_upper = np.linspace(0.0, math.pi, n_upper)
    t_lower = np.linspace(0.0, math.pi, n - n_upper)
    x = np.concatenate([np.cos(t_upper), 1.0 - np.cos(t_lower)])
    y = np.concatenate([np.sin(t_upper), 0.5 - np.sin(t_lower)])
    points = np.stack([x, y], axis=1) + rng.normal(0.0, noise, (n, 2))
    labels = np.concatenate([np.ones(n_upper), -np.ones(n - n_upper)])
    return points.tolist(), labels.tolist()


def initial_layers(seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W, b) per layer, W of shape (n_in, n_out) with He-scaled normal weights; column j is neuron j."""
    rng = np.random.default_rng(seed)
    return [
        (rng.normal(0.0, math.sqrt(2.0 / n_in), (n_in, n_out)), np.zeros(n_out))
        for n_in, n_out in itertools.pairwise(SIZES)
    ]


def flat_parameters(layers: list[tuple[np.ndarray, np.ndarray]]) -> list[float]:
    """micrograd's parameter order: per layer, per neuron, its weights then its bias (Python floats, as a
    user's weights are: a numpy scalar in ``p.data`` would make every operation on it numpy's)."""
    return [float(v) for W, b in layers for j in range(W.shape[1]) for v in [*W[:, j], b[j]]]


# --- one step per implementation: each returns step() -> loss before the update ---


def _deltagrad_step(X: list[list[float]], y: list[float]) -> Callable[[], float]:
    import autograd
    from autograd import Value

    layers = [[([Value(w) for w in W[:, j]], Value(b[j])) for j in range(W.shape[1])] for W, b in initial_layers()]
    parameters = [p for layer in layers for w, b in layer for p in (*w, b)]
    last = len(layers) - 1

    def model(x: list[Value]) -> Value:
        a = x
        for index, layer in enumerate(layers):
            z = [autograd.dot(a, w, b) for w, b in layer]
            a = z if index == last else [zj.relu() for zj in z]
        return a[0]

    def step() -> float:
        loss = autograd.sum((model([Value(v) for v in xi]) - yi) ** 2 for xi, yi in zip(X, y, strict=True))
        loss.backward()
        for p in parameters:
            p.data -= LEARNING_RATE * p.grad
            p.grad = 0.0
        return loss.data

    return step


def _library_mlp_step(mlp_class: Any, total_loss: Callable[[Any], Any]) -> Callable[[], float]:
    """A step of a library's own ``MLP`` (deltagrad's nn, micrograd's nn): they differ only in ``total_loss``."""
    model = mlp_class(SIZES[0], list(SIZES[1:]))
    for p, v in zip(model.parameters(), flat_parameters(initial_layers()), strict=True):
        p.data = v

    def step() -> float:
        loss = total_loss(model)
        loss.backward()
        for p in model.parameters():
            p.data -= LEARNING_RATE * p.grad
        model.zero_grad()
        return loss.data

    return step


def _deltagrad_nn_step(X: list[list[float]], y: list[float]) -> Callable[[], float]:
    import autograd
    from autograd import Value
    from nn import MLP, squared_error

    return _library_mlp_step(
        MLP,
        lambda model: autograd.sum(
            squared_error(model([Value(v) for v in xi]), yi) for xi, yi in zip(X, y, strict=True)
        ),
    )


def _compiled_parts(X: list[list[float]], y: list[float]) -> tuple[Any, Any]:
    """The compiled step ``fit`` makes for nn.MLP from the shared weights (the batch is (x, y) per row), nn.SGD."""
    from nn import MLP, SGD, squared_error
    from nn.compiled import CompiledStep

    model = MLP(SIZES[0], list(SIZES[1:]))
    for p, v in zip(model.parameters(), flat_parameters(initial_layers()), strict=True):
        p.data = v
    return (
        CompiledStep(model, squared_error, np.asarray(X), np.asarray(y)[:, None]),
        SGD(model, lr=LEARNING_RATE),
    )


def _deltagrad_compiled_step(X: list[list[float]], y: list[float]) -> Callable[[], float]:
    """What ``fit(model, X, y, loss="squared-error", reduction="sum", compile=True)`` runs per epoch (one step of
    the whole batch): the replay's gradient vector handed to ``SGD.update``, θ kept as a vector; fit writes
    ``p.data`` and ``p.grad`` back when it returns (or before a callback: the loop row pays that every step)."""
    step_of, optimizer = _compiled_parts(X, y)
    rows = range(len(X))

    def step() -> float:
        loss, _ = step_of.train(rows, 1.0, optimizer)
        return loss

    return step


def _deltagrad_compiled_loop_step(X: list[list[float]], y: list[float]) -> Callable[[], float]:
    """The compiled ``f`` in an ordinary optimizer loop: ``f(batch)`` reads every ``p.data`` and adds to every
    ``p.grad``; ``SGD.step()`` reads both and writes ``p.data``; ``zero_grad()``."""
    step_of, optimizer = _compiled_parts(X, y)
    f, batch = step_of.replay, step_of.batch

    def step() -> float:
        loss = f(batch)
        optimizer.step()
        optimizer.zero_grad()
        return loss

    return step


def compile_ms(repeats: int = 5) -> float:
    """CPU ms to build one sample's graph of the MLP and compile it (median of ``repeats``)."""
    import autograd
    from autograd import Value
    from nn import MLP, squared_error

    model = MLP(SIZES[0], list(SIZES[1:]))
    times = []
    for _ in range(repeats):
        c0 = time.process_time_ns()
        x, target = [Value(0.0) for _ in range(SIZES[0])], Value(0.0)
        autograd.compile(squared_error(model(x), target), [*x, target])
        times.append(time.process_time_ns() - c0)
    return statistics.median(times) / 1e6


def _micrograd_step(X: list[list[float]], y: list[float]) -> Callable[[], float]:
    from micrograd.engine import Value
    from micrograd.nn import MLP

    return _library_mlp_step(
        MLP, lambda model: sum((model(list(map(Value, xi))) - yi) ** 2 for xi, yi in zip(X, y, strict=True))
    )


def _torch_step(X: list[list[float]], y: list[float]) -> Callable[[], float]:
    import torch

    torch.set_num_threads(1)

    def scalar(v: float) -> Any:
        return torch.tensor(float(v), dtype=torch.float64, requires_grad=True)

    layers = [[([scalar(w) for w in W[:, j]], scalar(b[j])) for j in range(W.shape[1])] for W, b in initial_layers()]
    parameters = [p for layer in layers for w, b in layer for p in (*w, b)]
    last = len(layers) - 1

    def model(x: list[Any]) -> Any:
        a = x
        for index, layer in enumerate(layers):
            z = [sum((wi * ai for wi, ai in zip(w, a, strict=True)), b) for w, b in layer]
            a = z if index == last else [zj.relu() for zj in z]
        return a[0]

    def step() -> float:
        inputs = [[torch.tensor(v, dtype=torch.float64) for v in xi] for xi in X]
        loss = sum((model(xi) - yi) ** 2 for xi, yi in zip(inputs, y, strict=True))
        loss.backward()
        with torch.no_grad():
            for p in parameters:
                p -= LEARNING_RATE * p.grad
                p.grad = None
        return loss.item()

    return step


def _numpy_step(X: list[list[float]], y: list[float]) -> Callable[[], float]:
    layers = [(W.copy(), b.copy()) for W, b in initial_layers()]
    inputs, targets = np.asarray(X), np.asarray(y)[:, None]

    def step() -> float:
        a, zs, activations = inputs, [], [inputs]
        for index, (W, b) in enumerate(layers):
            z = a @ W + b
            a = z if index == len(layers) - 1 else np.maximum(z, 0.0)
            zs.append(z)
            activations.append(a)
        loss = float(np.sum((a - targets) ** 2))
        delta = 2.0 * (a - targets)  # ∂L/∂z of the linear output layer
        for index in reversed(range(len(layers))):
            W, b = layers[index]
            grad_W, grad_b = activations[index].T @ delta, delta.sum(axis=0)
            if index > 0:
                delta = (delta @ W.T) * (zs[index - 1] > 0.0)
            W -= LEARNING_RATE * grad_W
            b -= LEARNING_RATE * grad_b
        return loss

    return step


STEPS = {
    "deltagrad": _deltagrad_step,
    "deltagrad-nn": _deltagrad_nn_step,
    "deltagrad-compiled": _deltagrad_compiled_step,
    "deltagrad-compiled-loop": _deltagrad_compiled_loop_step,
    "micrograd": _micrograd_step,
    "torch": _torch_step,
    "numpy": _numpy_step,
}


def measure(engine: str, steps: int, warm_up: bool = True) -> dict[str, Any]:
    """Median CPU (and wall) milliseconds per step over ``steps`` steps, after an untimed warm-up step.

    A step shorter than 5 ms is timed in runs of many steps (≥ 20 ms each), so the clock's
    resolution and one-off interruptions do not decide its median; the losses of the first
    ``steps`` steps are what the table compares.
    """
    X, y = moons()
    step = STEPS[engine](X, y)
    losses = [step()] if warm_up else []
    cpu, wall = [], []
    for _ in range(steps):
        c0, w0 = time.process_time_ns(), time.perf_counter_ns()
        losses.append(step())
        cpu.append(time.process_time_ns() - c0)
        wall.append(time.perf_counter_ns() - w0)
    per_run = math.ceil(20e6 / max(statistics.median(cpu), 1))
    if per_run > 4:  # a fast step: time runs of per_run steps instead
        cpu, wall = [], []
        for _ in range(max(steps, 7)):
            c0, w0 = time.process_time_ns(), time.perf_counter_ns()
            for _ in range(per_run):
                step()
            cpu.append((time.process_time_ns() - c0) / per_run)
            wall.append((time.perf_counter_ns() - w0) / per_run)
    extra = {"compile_ms": compile_ms(), "times_numpy": times_numpy()} if engine == "deltagrad-compiled" else {}
    return {
        **extra,
        "steps": steps,
        "ms_per_step": statistics.median(cpu) / 1e6,
        "wall_ms_per_step": statistics.median(wall) / 1e6,
        "losses": losses,
    }


def times_numpy(runs: int = 9) -> float:
    """The compiled step's time ÷ numpy's, measured side by side in this process: runs of ≥ 20 ms of each,
    alternating, and the median of the paired ratios (a shared machine's load changes between processes)."""
    X, y = moons()
    compiled, numpy = _deltagrad_compiled_step(X, y), _numpy_step(X, y)
    compiled(), numpy()
    per_run = [math.ceil(20e6 / _cpu_ns(step, 1)) for step in (compiled, numpy)]
    return statistics.median(_cpu_ns(compiled, per_run[0]) / _cpu_ns(numpy, per_run[1]) for _ in range(runs))


def _cpu_ns(step: Callable[[], float], n: int) -> float:
    """CPU ns per step over ``n`` steps."""
    c0 = time.process_time_ns()
    for _ in range(n):
        step()
    return max(time.process_time_ns() - c0, 1) / n
