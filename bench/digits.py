"""Real data: an MLP 64→32→10 (ReLU, softmax cross-entropy, Adam) on the UCI digits, three ways.

The same network from the same weights on the same mini-batches, trained by
``nn.fit`` eagerly, by ``nn.fit(compile=True)``, and by hand in numpy (the same
Adam formulas on whole matrices). Their first-epoch losses agree to rounding, so
the epoch times compare the same computation. Needs scikit-learn (the data).
"""

from __future__ import annotations

import math
import statistics
import time
from typing import Any

import numpy as np

SIZES = (64, 32, 10)
LR = 0.01
BATCH = 64
SEED = 0
N_TEST = 297  # held out: 1,500 images to train on


def split(n_train: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train, y_train, X_test, y_test): a fixed shuffle of the 1,797 digits."""
    from nn.data import digits

    X, y = digits()
    order = np.random.default_rng(SEED).permutation(len(y))
    train, test = order[: len(y) - N_TEST], order[len(y) - N_TEST :]
    train = train[:n_train] if n_train else train
    return X[train], y[train], X[test], y[test]


def _model() -> Any:
    from nn import MLP

    return MLP(SIZES[0], list(SIZES[1:]), seed=SEED)


def _fit(engine: str, X: np.ndarray, y: np.ndarray, epochs: int) -> tuple[Any, list[float], list[float]]:
    from nn import fit

    model = _model()
    stamps = [time.process_time()]
    history = fit(model, X, y, loss="cross-entropy", optimizer="adam", lr=LR, epochs=epochs, batch_size=BATCH,
                  seed=SEED, progress=False, compile=engine == "compiled",
                  callback=lambda epoch, h: stamps.append(time.process_time()))  # fmt: skip
    return model, np.diff(stamps).tolist(), history.loss


def _numpy(X: np.ndarray, y: np.ndarray, epochs: int) -> tuple[list[tuple[np.ndarray, np.ndarray]], list, list]:
    """The same training by hand: matrices, the softmax cross-entropy's δ = (p − y)/n, Adam on arrays."""
    model = _model()
    layers = [(model.weight_matrix(l), model.bias_vector(l)) for l in range(1, len(SIZES))]  # noqa: E741
    params = [a for layer in layers for a in layer]
    m, v = [np.zeros_like(p) for p in params], [np.zeros_like(p) for p in params]
    Y = np.eye(SIZES[-1])[y]
    rng, t, times, losses = np.random.default_rng(SEED), 0, [], []
    for _ in range(epochs):
        start, total = time.process_time(), 0.0
        order = rng.permutation(len(y))
        for first in range(0, len(y), BATCH):
            rows = order[first : first + BATCH]
            (W1, b1), (W2, b2) = layers
            z1 = X[rows] @ W1 + b1
            a1 = np.maximum(z1, 0.0)
            z2 = a1 @ W2 + b2
            shifted = z2 - z2.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            total += -np.sum(log_p * Y[rows])
            delta2 = (np.exp(log_p) - Y[rows]) / len(rows)  # reduction "mean", as fit's default
            delta1 = (delta2 @ W2.T) * (z1 > 0.0)
            grads = [X[rows].T @ delta1, delta1.sum(axis=0), a1.T @ delta2, delta2.sum(axis=0)]
            t += 1
            step_size, v_correction = LR / (1.0 - 0.9**t), math.sqrt(1.0 - 0.999**t)
            for p, g, mi, vi in zip(params, grads, m, v, strict=True):
                mi *= 0.9
                mi += 0.1 * g
                vi *= 0.999
                vi += 0.001 * g * g
                p -= step_size * mi / (np.sqrt(vi) / v_correction + 1e-8)
        times.append(time.process_time() - start)
        losses.append(total / len(y))
    return layers, times, losses


def _accuracy_numpy(layers: list, X: np.ndarray, y: np.ndarray) -> float:
    (W1, b1), (W2, b2) = layers
    return float(np.mean(np.argmax(np.maximum(X @ W1 + b1, 0.0) @ W2 + b2, axis=1) == y))


def measure(engine: str, epochs: int, n_train: int | None = None) -> dict[str, Any]:
    """Median CPU seconds per epoch, the loss of each epoch, and the accuracy on the held-out digits."""
    X, y, X_test, y_test = split(n_train)
    if engine == "numpy":
        layers, times, losses = _numpy(X, y, epochs)
        test_accuracy = _accuracy_numpy(layers, X_test, y_test)
    else:
        from nn import accuracy

        model, times, losses = _fit(engine, X, y, epochs)
        test_accuracy = accuracy(model, X_test, y_test)
    return {
        "epochs": epochs,
        "n_train": len(y),
        "s_per_epoch": statistics.median(times),
        "first_epoch_s": times[0],
        "losses": losses,
        "test_accuracy": test_accuracy,
    }
