"""The inputs and targets of a check, read once and refused with a clear message when they cannot be judged.

``X`` is always rows (N × n_0). ``Y`` is N × n_m rows (``targets="onehot"``: one-hot rows, or any real
targets for the squared errors) or N class indices (``targets="index"``, as CS231n's ``y``). Whatever the
form, the oracles get float rows; the user's code gets ``Y`` in the form it asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

TARGETS = ("onehot", "index")


@dataclass(frozen=True)
class Data:
    """The checked batch: ``X`` (N × n_0), ``Y`` as float rows (N × n_m), ``given``: Y as the user's code gets it."""

    X: np.ndarray
    Y: np.ndarray
    given: np.ndarray  # float rows, or int class indices with targets="index"
    targets: str


def _real(name: str, value: Sequence) -> np.ndarray:
    a = np.asarray(value)
    if np.iscomplexobj(a):
        raise ValueError(f"{name} holds complex numbers: inputs and targets must be real")
    if a.dtype == object or not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise ValueError(f"{name} must be an array of numbers, got dtype {a.dtype}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite numbers (it has nan or inf)")
    return a


def read_data(model, X: Sequence, Y: Sequence, loss: str, targets: str = "onehot") -> Data:  # model: nn.MLP
    """``X`` and ``Y`` checked against the network and the loss (see the module docstring)."""
    if targets not in TARGETS:
        raise ValueError(f"unknown targets {targets!r}: 'onehot' (rows) or 'index' (one class index per sample)")
    X = np.atleast_2d(_real("X", X).astype(np.float64))
    n_in, n_out = model.n_inputs, model.sizes[-1]
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(f"X must be N × {n_in} (one row per sample), got shape {X.shape}")
    N, Y = len(X), _real("Y", Y)
    if targets == "index":
        given = _indices(Y, N, n_out)
        rows = np.eye(max(n_out, 2))[given][:, -n_out:] if n_out == 1 else np.eye(n_out)[given]
    else:
        if Y.ndim == 1 and np.issubdtype(Y.dtype, np.integer) and n_out > 1 and len(Y) == N:
            raise ValueError(
                f"Y holds {N} integers, one per sample: class indices? Pass targets='index' (the backprop then "
                f"gets them as they are), or give one-hot rows, N × {n_out}"
            )
        rows = Y.astype(np.float64)
        if rows.ndim == 1:  # one target per sample (one output), or one sample's row
            rows = rows.reshape(-1, 1) if n_out == 1 else rows.reshape(1, -1)
        if rows.shape != (N, n_out):
            raise ValueError(f"Y must be N × {n_out} (one row per sample, N = {N}), got shape {np.shape(Y)}")
        given = rows
    _check_for_loss(rows, loss, targets)
    return Data(X, rows, given, targets)


def _indices(Y: np.ndarray, N: int, n_out: int) -> np.ndarray:
    n_classes = max(n_out, 2)
    if Y.ndim != 1 or len(Y) != N:
        raise ValueError(f"with targets='index', Y must be {N} class indices (one per sample), got shape {Y.shape}")
    if not np.all(np.round(Y) == Y):
        raise ValueError(f"with targets='index', Y must hold whole numbers (class indices), got {Y.tolist()}")
    idx = Y.astype(np.int64)
    bad = (idx < 0) | (idx >= n_classes)
    if bad.any():
        raise ValueError(
            f"class indices must lie in 0..{n_classes - 1} for {n_out} output(s); sample {int(np.argmax(bad)) + 1} "
            f"has {idx[bad][0]}"
        )
    return idx


def _check_for_loss(Y: np.ndarray, loss: str, targets: str) -> None:
    if loss == "cross-entropy":
        row_sums = Y.sum(axis=1)
        bad = np.any(Y < 0, axis=1) | (np.abs(row_sums - 1.0) > 1e-9)
        if bad.any():
            s = int(np.argmax(bad))
            raise ValueError(
                f"softmax cross-entropy needs each target row to be a probability vector (≥ 0, summing to 1; "
                f"usually one-hot): sample {s + 1} is {Y[s].tolist()} (sum {row_sums[s]:g}). "
                "For class labels pass targets='index'"
            )
    if loss == "binary-cross-entropy" and (np.any(Y < 0) or np.any(Y > 1)):
        s = int(np.argmax(np.any((Y < 0) | (Y > 1), axis=1)))
        raise ValueError(
            f"binary cross-entropy needs targets in [0, 1] (0/1 labels): sample {s + 1} is {Y[s].tolist()}"
        )
