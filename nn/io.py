"""Saving and loading an MLP as a JSON file a person can read.

The file holds a format name and version, the architecture (``n_inputs``,
``layer_sizes``, ``activation``, ``bias``, ``output_activation``) and, per
layer, the notes' ``W^(l)`` (an ``n_{l-1} × n_l`` nested list) and ``b^(l)``.
Floats are written with ``repr``, which round-trips every float64 exactly.
Version 2 added ``output_activation``; version 1 files (which have none: their
output layer is linear) still load.

``save`` writes a temporary file beside the target and renames it over the
target only once it is complete (``autograd.files``), so a crash mid-save leaves
the old file intact. ``load`` reads only a regular file under a size cap
(``nn.reading``), checks every key, type and shape before building the model,
and raises ``ModelFileError`` naming the file, the problem and the place
(``layers[0].W[1][2]``) for anything wrong: it never returns a half-loaded model.
"""

from __future__ import annotations

import json
import os
import reprlib
from typing import Any

import numpy as np

from autograd.files import write_atomically
from nn.mlp import MLP, _check_architecture
from nn.reading import MAX_BYTES, FileFormatError, parse_json, read_bytes

FORMAT = "deltagrad-mlp"
VERSION = 2
READABLE_VERSIONS = (1, 2)


class ModelFileError(ValueError):
    """A model file could not be loaded (missing, not a file, too big, corrupt, wrong version or shape).

    Attributes: ``path``; ``problem`` (what is wrong); ``where`` (the place in the file:
    ``line 3`` or ``layers[0].W[1][2]``), or None when the problem is the file as a whole.
    """

    def __init__(self, path: str | os.PathLike[str], problem: str, where: str | None = None) -> None:
        self.path = os.fspath(path)
        self.problem, self.where = problem, where
        at = f", at {where}" if where else ""
        super().__init__(f"cannot load model from {self.path!r}{at}: {problem}")


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


def _number(x: Any, where: str, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise FileFormatError(f"{name} holds {_kind(x)} where a number belongs", where)
    return float(x)


def _kind(x: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    shown = repr(x) if isinstance(x, str | int | float) and not isinstance(x, bool) else ""
    shown = shown if len(shown) <= 40 else f"{shown[:30]}…{shown[-6:]}"
    return names.get(type(x), type(x).__name__) + (f" {shown}" if shown else "")


def _matrix(value: Any, shape: tuple[int, ...], where: str, name: str) -> np.ndarray:
    """``value`` as a float array of exactly ``shape`` (1 or 2 axes), checked entry by entry (no recursion)."""
    expected = " × ".join(map(str, shape))

    def items(x: Any, length: int, at: str, what: str) -> list[Any]:
        if not isinstance(x, list):
            raise FileFormatError(f"{name} must be a list of {length} {what} (shape {expected}), got {_kind(x)}", at)
        if len(x) != length:
            raise FileFormatError(f"{name} has {len(x)} {what} here, expected {length} (shape {expected})", at)
        return x

    if len(shape) == 1:
        return np.array([_number(x, f"{where}[{i}]", name) for i, x in enumerate(items(value, shape[0], where,
                        "numbers"))], dtype=np.float64)  # fmt: skip
    rows = items(value, shape[0], where, "rows")
    return np.array(
        [[_number(x, f"{where}[{i}][{j}]", name) for j, x in enumerate(items(row, shape[1], f"{where}[{i}]",
          "numbers"))] for i, row in enumerate(rows)],
        dtype=np.float64,
    )  # fmt: skip


def _object(x: Any, keys: set[str], where: str) -> dict[str, Any]:
    if not isinstance(x, dict):
        raise FileFormatError(f"expected an object, got {_kind(x)}", where)
    unknown = sorted(set(x) - keys)
    if unknown:
        raise FileFormatError(f"unknown key {reprlib.repr(unknown[0])} (expected {', '.join(sorted(keys))})", where)
    return x


def from_dict(data: Any) -> MLP:
    """Build an MLP from ``to_dict``'s output, checking every key, type and shape first.

    Raises:
        FileFormatError (a ValueError): what is wrong, and ``where`` (``layers[0].W[1][2]``).
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FileFormatError(f'not a deltagrad model file (expected "format": "{FORMAT}")')
    version = data.get("version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        readable = " and ".join(str(v) for v in READABLE_VERSIONS)
        raise FileFormatError(
            f"unsupported format version {reprlib.repr(version)}; this deltagrad reads versions {readable}"
        )
    _object(data, {"format", "version", "architecture", "layers"}, "the top level")
    keys = _ARCHITECTURE if version == 1 else _ARCHITECTURE | {"output_activation"}
    if version == 1 and isinstance(data.get("architecture"), dict) and "output_activation" in data["architecture"]:
        raise FileFormatError("output_activation is a version 2 field, but the file says version 1", "architecture")
    arch = _object(data.get("architecture"), keys, "architecture")
    missing = sorted(keys - set(arch))
    if missing:
        raise FileFormatError(f'missing "{missing[0]}"', "architecture")
    n_inputs, sizes, activation, bias = (arch[key] for key in ("n_inputs", "layer_sizes", "activation", "bias"))
    output_activation = arch.get("output_activation", "linear")
    if not isinstance(bias, bool):
        raise FileFormatError(f"bias must be true or false, got {_kind(bias)}", "architecture.bias")
    for key, name in (("activation", activation), ("output_activation", output_activation)):
        if not isinstance(name, str):
            raise FileFormatError(f'{key} must be a name like "linear", got {_kind(name)}', f"architecture.{key}")
    try:
        _check_architecture(n_inputs, sizes, activation, None, output_activation)
    except (TypeError, ValueError) as exc:
        raise FileFormatError(f"bad architecture: {exc}", "architecture") from None
    layers = data.get("layers")
    if not isinstance(layers, list) or len(layers) != len(sizes):
        got = len(layers) if isinstance(layers, list) else "no"
        raise FileFormatError(f'"layers" has {got} entries, but the architecture has {len(sizes)} layers')
    full = [n_inputs, *sizes]
    keys = {"W", "b"} if bias else {"W"}
    weights, biases = [], []
    for l, entry in enumerate(layers, start=1):
        where = f"layers[{l - 1}]"
        if isinstance(entry, dict) and not bias and "b" in entry:
            raise FileFormatError('has "b" but the architecture says bias=false', where)
        entry = _object(entry, keys, where)
        for key in sorted(keys - set(entry)):
            raise FileFormatError(f'missing "{key}" (its {key}^({l}))', where)
        weights.append(_matrix(entry["W"], (full[l - 1], full[l]), f"{where}.W", f"W^({l})"))
        if bias:
            biases.append(_matrix(entry["b"], (full[l],), f"{where}.b", f"b^({l})"))
    # Everything is checked (and the sizes match the data, so they are sane): build and fill.
    model = MLP(n_inputs, sizes, activation=activation, bias=bias, seed=0, output_activation=output_activation)
    for l, W in enumerate(weights, start=1):
        model.set_weight_matrix(l, W)
        if bias:
            model.set_bias_vector(l, biases[l - 1])
    return model


_ARCHITECTURE = {"n_inputs", "layer_sizes", "activation", "bias"}


def load(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> MLP:
    """Read a model written by ``save``; ``ModelFileError`` names the file, the problem and the place.

    Only a regular file of at most ``max_bytes`` (64 MiB by default) is read; its whole
    content is checked before any part of the model is built.
    """
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(f"max_bytes must be a positive int, got {max_bytes!r}")
    try:
        return from_dict(parse_json(read_bytes(path, max_bytes)))
    except FileFormatError as exc:
        raise ModelFileError(path, exc.problem, exc.where) from None
    except MemoryError:
        raise ModelFileError(path, "not enough memory to build the model it describes") from None


__all__ = [
    "FORMAT",
    "MAX_BYTES",
    "READABLE_VERSIONS",
    "VERSION",
    "ModelFileError",
    "from_dict",
    "load",
    "save",
    "to_dict",
]
