"""``fit(..., compile=True)``: one sample's graph of the model and its loss, compiled once, replayed per batch.

The sample's graph takes the inputs ``x`` and the target ``y`` as leaves (the
target as a vector: a class index becomes its one-hot row), so one compiled graph
serves every sample; the model's parameters are the graph's other leaves, read at
each step. Before training, rows are built once more eagerly and compared with the
compiled graph (``Compiled.check``): every row for a Module of the user's own (its
graph may depend on its input: it is refused rather than trained on the wrong
graph), two rows for an ``nn.MLP``, whose graph is the same for every input.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence

import numpy as np

import autograd
from autograd import Value
from nn.mlp import MLP
from nn.module import Module


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

    def __init__(self, model: Module, loss: Callable, X: np.ndarray, T: np.ndarray) -> None:
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

    def __call__(self, rows: Sequence[int], seed: float) -> tuple[float, np.ndarray]:
        total, z = self.replay(self.batch[np.asarray(rows)], seed=seed, values=self.outputs)
        return total, z

    @staticmethod
    def predicted(z: np.ndarray) -> np.ndarray:
        """The class each row's outputs vote for, as ``nn.train.predicted_label`` decides it."""
        return (z[:, 0] > 0.0).astype(np.int64) if z.shape[1] == 1 else np.argmax(z, axis=1)
