"""Pictures of a trained classifier (matplotlib, an optional extra: ``pip install deltagrad[notebooks]``)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np

from autograd.files import write_atomically
from nn.deltacheck import equations
from nn.mlp import MLP


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt  # picks a headless backend by itself when there is no display
    except ImportError:
        raise ImportError(
            "plotting needs matplotlib, an optional extra: pip install 'deltagrad[notebooks]' or pip install matplotlib"
        ) from None
    return plt


def decision_grid(model: MLP, X: np.ndarray, resolution: int = 60, margin: float = 0.5) -> tuple:
    """The class ``model`` predicts on a grid covering ``X`` (2 inputs): ``(xx, yy, labels)``."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"a decision boundary needs 2-D inputs (n × 2), got shape {X.shape}")
    xs = np.linspace(X[:, 0].min() - margin, X[:, 0].max() + margin, resolution)
    ys = np.linspace(X[:, 1].min() - margin, X[:, 1].max() + margin, resolution)
    xx, yy = np.meshgrid(xs, ys)
    z = _forward_all(model, np.column_stack([xx.ravel(), yy.ravel()]))
    labels = (z[:, 0] > model.threshold).astype(int) if z.shape[1] == 1 else z.argmax(axis=1)  # as nn.train.predict
    return xx, yy, labels.reshape(xx.shape)


def _forward_all(model: MLP, points: np.ndarray) -> np.ndarray:
    """``a^(m)`` for many points at once: the notes' forward pass (``equations.forward``), one column per point."""
    W, b = equations.network_weights(model)
    b = [None if bl is None else bl[:, None] for bl in b]  # b^(l) as a column, added to every point's column
    sigma = equations.ACTIVATIONS[model.activation][0]
    output_sigma = equations.ACTIVATIONS[model.output_activation][0]  # the notes' forward pass ends at z^(m)
    return output_sigma(equations.forward(W, b, points.T, sigma).z[-1]).T


def plot_decision_boundary(
    model: MLP, X: np.ndarray, y: np.ndarray, ax: Any = None, title: str | None = None, resolution: int = 200
) -> Any:
    """Shade the regions ``model`` assigns to each class and scatter the samples on top; returns the Axes."""
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    xx, yy, labels = decision_grid(model, X, resolution=resolution)
    ax.contourf(xx, yy, labels, alpha=0.3, cmap="coolwarm", levels=np.arange(labels.max() + 2) - 0.5)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=25)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    if title:
        ax.set_title(title)
    return ax


def plot_history(history: Any, ax: Any = None) -> Any:
    """Loss and accuracy per epoch from ``fit``'s ``History``, on twin axes; returns the Axes."""
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3))
    epochs = np.arange(1, len(history.loss) + 1)
    ax.plot(epochs, history.loss, color="tab:blue", label="loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss", color="tab:blue")
    twin = ax.twinx()
    twin.plot(epochs, history.accuracy, color="tab:orange", label="accuracy")
    twin.set_ylabel("accuracy", color="tab:orange")
    twin.set_ylim(0.0, 1.05)
    return ax


def save_figure(ax: Any, path: str | os.PathLike[str]) -> Path:
    """Write the figure holding ``ax`` to ``path`` (format from the suffix), atomically; closes it."""
    plt = _pyplot()
    path = Path(path)
    buffer = io.BytesIO()
    try:
        ax.figure.savefig(buffer, format=path.suffix.lstrip(".") or "png", bbox_inches="tight", dpi=120)
    finally:
        plt.close(ax.figure)
    return write_atomically(path, buffer.getvalue())
