"""Classification datasets: toy ones generated with numpy from a seed, and the UCI digits.

Each generator returns ``(X, y)``: ``X`` an ``n × 2`` float64 array of points,
``y`` an ``n``-entry int array of class labels ``0 … k−1``. The same seed gives
the same data on every machine, so a training run is reproducible end to end.
``moons``, ``circles`` and ``blobs`` follow scikit-learn's recipes (without it).
``digits`` is real data: the UCI handwritten digits as scikit-learn ships them
(an optional extra, ``pip install 'deltagrad[digits]'``).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

Dataset = tuple[np.ndarray, np.ndarray]


def _check_count(name: str, n: object, minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < minimum:
        raise ValueError(f"{name} must be an int ≥ {minimum}, got {n!r}")
    return int(n)


def _check_noise(noise: object) -> float:
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not 0.0 <= noise < float("inf"):
        raise ValueError(f"noise must be a finite number ≥ 0, got {noise!r}")
    return float(noise)


def _shuffled(rng: np.random.Generator, X: np.ndarray, y: np.ndarray, noise: float) -> Dataset:
    X = X + rng.normal(scale=noise, size=X.shape) if noise else X
    order = rng.permutation(len(y))
    return X[order].astype(np.float64), y[order].astype(np.int64)


def moons(n: int = 100, noise: float = 0.1, seed: int | None = None) -> Dataset:
    """Two interleaving half circles (class 0 on top, class 1 below), as ``sklearn.datasets.make_moons``."""
    n, noise = _check_count("n", n, 2), _check_noise(noise)
    rng = np.random.default_rng(seed)
    n_top = n // 2
    n_bottom = n - n_top
    t_top, t_bottom = np.linspace(0.0, np.pi, n_top), np.linspace(0.0, np.pi, n_bottom)
    top = np.column_stack([np.cos(t_top), np.sin(t_top)])
    bottom = np.column_stack([1.0 - np.cos(t_bottom), 0.5 - np.sin(t_bottom)])
    y = np.concatenate([np.zeros(n_top), np.ones(n_bottom)])
    return _shuffled(rng, np.vstack([top, bottom]), y, noise)


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int | None = None) -> Dataset:
    """A small circle (class 1, radius ``factor``) inside a large one (class 0, radius 1)."""
    n, noise = _check_count("n", n, 2), _check_noise(noise)
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not 0.0 < factor < 1.0:
        raise ValueError(f"factor must be a number in (0, 1), got {factor!r}")
    rng = np.random.default_rng(seed)
    n_outer = n // 2
    n_inner = n - n_outer
    t_outer = np.linspace(0.0, 2.0 * np.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0.0, 2.0 * np.pi, n_inner, endpoint=False)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = factor * np.column_stack([np.cos(t_inner), np.sin(t_inner)])
    y = np.concatenate([np.zeros(n_outer), np.ones(n_inner)])
    return _shuffled(rng, np.vstack([outer, inner]), y, noise)


def spirals(n: int = 100, classes: int = 3, noise: float = 0.2, seed: int | None = None) -> Dataset:
    """``classes`` interleaved spiral arms from the origin (CS231n's toy data); ``noise`` jitters the angle."""
    n, classes, noise = _check_count("n", n, 1), _check_count("classes", classes, 2), _check_noise(noise)
    rng = np.random.default_rng(seed)
    counts = [n // classes + (1 if c < n % classes else 0) for c in range(classes)]
    parts, labels = [], []
    for c, count in enumerate(counts):
        r = np.linspace(0.0, 1.0, count)
        t = np.linspace(c * 4.0, (c + 1) * 4.0, count) + rng.normal(scale=noise, size=count)
        parts.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        labels.append(np.full(count, c))
    return _shuffled(rng, np.vstack(parts), np.concatenate(labels), 0.0)


def xor(n: int = 100, noise: float = 0.0, seed: int | None = None) -> Dataset:
    """Points uniform in the square [−1, 1]²; class 1 where exactly one coordinate is positive."""
    n, noise = _check_count("n", n, 1), _check_noise(noise)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    y = (X[:, 0] > 0) ^ (X[:, 1] > 0)
    return _shuffled(rng, X, y, noise)


def blobs(n: int = 100, centers: int = 3, std: float = 1.0, seed: int | None = None) -> Dataset:
    """``centers`` Gaussian clusters of spread ``std`` around centres drawn uniformly in [−10, 10]²."""
    n, centers = _check_count("n", n, 1), _check_count("centers", centers, 1)
    if isinstance(std, bool) or not isinstance(std, numbers.Real) or not 0.0 < std < float("inf"):
        raise ValueError(f"std must be a positive number, got {std!r}")
    rng = np.random.default_rng(seed)
    middles = rng.uniform(-10.0, 10.0, size=(centers, 2))
    y = np.arange(n) % centers
    return _shuffled(rng, middles[y], y, float(std))


DATASETS: dict[str, Callable[..., Dataset]] = {
    "moons": moons,
    "circles": circles,
    "spirals": spirals,
    "xor": xor,
    "blobs": blobs,
}
"""Every generator by name, as the CLI's ``--dataset`` accepts them."""


def digits() -> Dataset:
    """The UCI handwritten digits as scikit-learn ships them: 1,797 images of 8 × 8 pixels.

    ``X`` is ``1797 × 64`` (pixel intensities 0 … 16 scaled to [0, 1]), ``y`` the digit 0 … 9.
    Needs scikit-learn, which carries the data file: ``pip install 'deltagrad[digits]'``.
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ModuleNotFoundError(
            "nn.data.digits() reads the UCI digits from scikit-learn, which is not installed: "
            "pip install 'deltagrad[digits]' (or pip install scikit-learn)"
        ) from None
    images = load_digits()
    return np.asarray(images.data, dtype=np.float64) / 16.0, np.asarray(images.target, dtype=np.int64)


def make_dataset(name: str, n: int = 100, seed: int | None = None, **options: object) -> Dataset:
    """``DATASETS[name](n=n, seed=seed, **options)``, with a clear error for an unknown name."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}: choose one of {', '.join(DATASETS)}")
    return DATASETS[name](n=n, seed=seed, **options)


def n_classes(y: np.ndarray) -> int:
    """The number of classes in a label array (labels are ``0 … k−1``)."""
    return int(np.max(y)) + 1 if len(y) else 0


__all__ = ["DATASETS", "blobs", "circles", "digits", "make_dataset", "moons", "n_classes", "spirals", "xor"]
