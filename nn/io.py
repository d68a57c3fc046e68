"""Saving and loading an MLP as a JSON file a person can read.

The file holds a format name and version, the architecture (``n_inputs``,
``layer_sizes``, ``activation``, ``bias``, ``output_activation``) and, per
layer, the notes' ``W^(l)`` (an ``n_{l-1} × n_l`` nested list) and ``b^(l)``.
Floats are written with ``repr``, which round-trips every float64 exactly.
Version 2 added ``output_activation``; version 1 files (which have none: their
output layer is linear) still load.

``save`` writes a temporary file beside the target and renames it over the
target only once it is complete, so a crash mid-save leaves the old file
intact. ``load`` checks the whole file before building the model and raises
``ModelFileError`` (naming the file and the problem) for anything wrong: it
never returns a half-loaded model.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

import numpy as np

from autograd.files import write_atomically
from nn.mlp import MLP, _check_architecture

FORMAT = "deltagrad-mlp"
VERSION = 2
READABLE_VERSIONS = (1, 2)


class ModelFileError(ValueError):
    """A model file could not be loaded (missing, truncated, corrupt, wrong version or wrong shape)."""

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        self.path = os.fspath(path)
        self.problem = problem
        super().__init__(f"cannot load model from {self.path!r}: {problem}")


def to_dict(model: MLP) -> dict[str, Any]:
    """The JSON-ready description of ``model``: format, version, architecture, parameters."""
    if not isinstance(model, MLP):
        raise TypeError(f"save() needs an MLP, got {type(model).__name__}")
    layers = []
    for l in range(1, len(model.layers) + 1):
        entry: dict[str, Any] = {"W": model.weight_matrix(l).tolist()}
        if model.bias:
            entry["b"] = model.bias_vector(l).tolist()  # type: ignore[union-attr]
        layers.append(entry)
    return {
        "format": FORMAT,
        "version": VERSION,
        "architecture": {
            "n_inputs": model.n_inputs,
            "layer_sizes": model.sizes[1:],
            "activation": model.activation,
            "bias": model.bias,
            "output_activation": model.output_activation,
        },
        "layers": layers,
    }


def save(model: MLP, path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` as JSON, atomically (temporary file, fsync, rename)."""
    data = to_dict(model)
    try:
        text = json.dumps(data, indent=1, allow_nan=False)
    except ValueError:
        raise ValueError("cannot save a model with non-finite parameters (nan or inf)") from None
    write_atomically(path, (text + "\n").encode("utf-8"))


def _reject_constant(name: str) -> float:
    raise ValueError(f"non-finite number {name} (JSON has no nan or infinity)")


def _matrix(value: Any, shape: tuple[int, ...], what: str) -> np.ndarray:
    """``value`` as a float array of exactly ``shape`` with finite entries, or a ValueError saying why."""

    def finite_numbers(x: Any) -> bool:
        if isinstance(x, list):
            return all(finite_numbers(e) for e in x)
        return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)

    if not isinstance(value, list) or not finite_numbers(value):
        raise ValueError(f"{what} must be a list of finite numbers")
    try:
        array = np.array(value, dtype=np.float64)
    except ValueError:  # ragged rows
        raise ValueError(f"{what} has rows of different lengths; expected shape {shape}") from None
    if array.shape != shape:
        raise ValueError(f"{what} has shape {array.shape}, expected {shape}")
    return array


def from_dict(data: Any) -> MLP:
    """Build an MLP from ``to_dict``'s output, checking everything first (ValueError on any problem)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f'not a deltagrad model file (expected "format": "{FORMAT}")')
    version = data.get("version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        readable = " and ".join(str(v) for v in READABLE_VERSIONS)
        raise ValueError(f"unsupported format version {version!r}; this deltagrad reads versions {readable}")
    arch = data.get("architecture")
    if not isinstance(arch, dict):
        raise ValueError('missing "architecture"')
    n_inputs, sizes = arch.get("n_inputs"), arch.get("layer_sizes")
    activation, bias = arch.get("activation"), arch.get("bias")
    if not isinstance(bias, bool):
        raise ValueError(f"architecture.bias must be true or false, got {bias!r}")
    if version == 1 and "output_activation" in arch:
        raise ValueError("architecture.output_activation is a version 2 field, but the file says version 1")
    output_activation = arch.get("output_activation", "linear" if version == 1 else None)
    if not isinstance(output_activation, str):
        raise ValueError(f'architecture.output_activation must be a name like "linear", got {output_activation!r}')
    try:
        _check_architecture(n_inputs, sizes, activation, None, output_activation)
    except ValueError as exc:
        raise ValueError(f"bad architecture: {exc}") from None
    layers = data.get("layers")
    if not isinstance(layers, list) or len(layers) != len(sizes):
        got = len(layers) if isinstance(layers, list) else "no"
        raise ValueError(f'"layers" has {got} entries, but the architecture has {len(sizes)} layers')
    full = [n_inputs, *sizes]
    keys = '"W" and "b"' if bias else '"W"'
    weights, biases = [], []
    for l, entry in enumerate(layers, start=1):
        if not isinstance(entry, dict):
            raise ValueError(f"layers[{l - 1}] must be an object with {keys}")
        weights.append(_matrix(entry.get("W"), (full[l - 1], full[l]), f"W^({l})"))
        if bias:
            biases.append(_matrix(entry.get("b"), (full[l],), f"b^({l})"))
        elif "b" in entry:
            raise ValueError(f'layers[{l - 1}] has "b" but the architecture says bias=false')
    # Everything is checked (and the sizes match the data, so they are sane): build and fill.
    model = MLP(n_inputs, sizes, activation=activation, bias=bias, seed=0, output_activation=output_activation)
    for l, W in enumerate(weights, start=1):
        model.set_weight_matrix(l, W)
        if bias:
            model.set_bias_vector(l, biases[l - 1])
    return model


def load(path: str | os.PathLike[str]) -> MLP:
    """Read a model written by ``save``; ``ModelFileError`` names the file and the problem."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise ModelFileError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelFileError(path, f"cannot read it ({exc})") from exc
    if not text.strip():
        raise ModelFileError(path, "the file is empty")
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ModelFileError(path, f"not valid JSON, truncated or corrupt ({exc})") from None
    except ValueError as exc:
        raise ModelFileError(path, str(exc)) from None
    try:
        return from_dict(data)
    except ValueError as exc:
        raise ModelFileError(path, str(exc)) from None


__all__ = ["FORMAT", "READABLE_VERSIONS", "VERSION", "ModelFileError", "from_dict", "load", "save", "to_dict"]
