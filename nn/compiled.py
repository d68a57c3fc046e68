"""``fit(..., compile=True)``: one sample's graph of the model and its loss, compiled once, replayed per batch.

The sample's graph takes the inputs ``x`` and the target ``y`` as leaves (the
target as a vector: a class index becomes its one-hot row), so one compiled graph
serves every sample; the model's parameters are the graph's other leaves, read at
each step. Before training, rows are built once more eagerly and compared with the
compiled graph (``Compiled.check``): every row for a Module of the user's own (its
graph may depend on its input: it is refused rather than trained on the wrong
graph), two rows for an ``nn.MLP``, whose graph is the same for every input.

A training step (``CompiledStep.train``) hands the replay's vectors of values and
gradients straight to the optimizer (``Optimizer.update``) and keeps the new values
as the next step's θ: ``p.data`` and ``p.grad`` are written only when ``fit`` hands
control back (``hand_back``: before a callback, at the end, on an error), with what
eager training leaves there.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence

import numpy as np

import autograd
from autograd import Value
from autograd.value import data_of, set_data
from nn.mlp import MLP
from nn.module import Module
from nn.optim import Optimizer


def target_rows(targets: Sequence[int | float | Sequence[float]], n_outputs: int) -> np.ndarray:
    """Each sample's target as one row of numbers: a class index becomes its one-hot vector."""
    rows = []
    for t in targets:
        if isinstance(t, numbers.Integral) and not isinstance(t, bool):
            rows.append(np.eye(n_outputs)[int(t)])
        else:
            rows.append(np.atleast_1d(np.asarray(t, dtype=np.float64)))
    return np.vstack(rows)


class CompiledStep:
    """``step(rows, seed)``: Σ loss over the rows, ``seed · ∂/∂p`` added to ``p.grad``, each row's outputs."""

    def __init__(
        self, model: Module, loss: Callable, X: np.ndarray, T: np.ndarray, parameters: Sequence[Value] | None = None
    ) -> None:
        self.n_inputs = X.shape[1]
        self.batch = np.hstack([X, T])

        def build(leaves: list[Value]) -> Value:
            self._z = model(leaves[: self.n_inputs])
            return loss(self._z, leaves[self.n_inputs :])

        leaves = [Value(v) for v in self.batch[0]]
        graph = build(leaves)
        self.outputs = [self._z] if isinstance(self._z, Value) else list(self._z)
        self.replay = autograd.compile(graph, leaves)
        # nn.MLP's graph is the same for every input (relu is an op; every loss is branch-free): two rows
        # show the build is deterministic. Any other Module may branch on its input: every row is checked.
        self.replay.check(self.batch[:2] if type(model) is MLP else self.batch, build)
        # the optimizer's parameters (the model's) as entries of the replay's θ: the same order for an nn.MLP
        self.parameters = list(model.parameters() if parameters is None else parameters)
        position = {id(p): j for j, p in enumerate(self.replay.parameters)}
        same = list(map(id, self.parameters)) == list(map(id, self.replay.parameters))
        self._order = None if same else np.array([position.get(id(p), -1) for p in self.parameters])
        self._last_gradient: np.ndarray | None = None
        self._theta: np.ndarray | None = None  # the parameters' values, kept between hand_back() calls

    def _rows(self, rows: Sequence[int]) -> np.ndarray:
        if isinstance(rows, range) and rows.step == 1:  # a whole batch in order: a view, no copy
            return self.batch[rows.start : rows.stop]
        return self.batch[np.asarray(rows)]

    def __call__(self, rows: Sequence[int], seed: float) -> tuple[float, np.ndarray]:
        """Σ loss over the rows, ``seed · ∂/∂p`` added to every ``p.grad``, and each row's outputs."""
        total, z = self.replay(self._rows(rows), seed=seed, values=self.outputs)
        return total, z

    def train(self, rows: Sequence[int], seed: float, optimizer: Optimizer) -> tuple[float, np.ndarray]:
        """One step of ``optimizer`` on ``seed · Σ`` loss over the rows; returns Σ loss and each row's outputs.

        Between ``hand_back()`` calls the parameters' values stay in a vector: ``p.data`` is read at the first
        step and written by ``hand_back`` (when ``fit`` lets other code run: a callback, its end, an error)."""
        if self._order is None:  # the optimizer's order is the replay's: keep θ as a vector
            total, theta, gradient, z = self.replay.gradient(self._rows(rows), seed, self.outputs, self._theta)
            self._last_gradient = gradient
            self._theta = optimizer.update(theta, gradient, write=False)
        else:  # a parameter the graph does not use has gradient 0
            total, _, grads, z = self.replay.gradient(self._rows(rows), seed, self.outputs)
            data = np.fromiter(data_of(self.parameters), float, len(self.parameters))
            self._last_gradient = gradient = np.append(grads, 0.0)[self._order]
            optimizer.update(data, gradient)
        return total, z

    def hand_back(self) -> None:
        """Write the kept values to every ``p.data``, and the last step's gradient to ``p.grad``: what eager
        training leaves. The next ``train`` reads ``p.data`` again (a callback may have changed it)."""
        if self._theta is not None:
            set_data(self.parameters, self._theta.tolist())
        if self._last_gradient is not None:
            for p, g in zip(self.parameters, self._last_gradient.tolist(), strict=True):
                p.grad = g
        self._theta = self._last_gradient = None

    @staticmethod
    def predicted(z: np.ndarray) -> np.ndarray:
        """The class each row's outputs vote for, as ``nn.train.predicted_label`` decides it."""
        return (z[:, 0] > 0.0).astype(np.int64) if z.shape[1] == 1 else np.argmax(z, axis=1)
