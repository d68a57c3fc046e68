"""Hostile model files: whatever the bytes, ``load`` returns the model they describe or one ModelFileError.

Each case starts from a real saved model and damages it: a value anywhere replaced
by any JSON value (or an extreme number), a key dropped or added, the text cut,
spliced with junk bytes or brackets, re-encoded. ``load`` must either return an MLP
whose architecture and every weight are exactly the file's, or raise
``ModelFileError`` naming the file: never another exception, never a hang.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nn import MLP, ModelFileError, load
from nn.io import to_dict
from tests.fuzz.budget import budget, count

EXTREME_NUMBERS = st.sampled_from(
    [0, -0.0, 1, -1, 2**31, 10**9, 10**10, 10**30, 1e308, -1e308, 5e-324, 1.7976931348623157e308, 0.5, True, False]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8)
    | EXTREME_NUMBERS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@st.composite
def saved_models(draw) -> dict[str, Any]:
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    model = MLP(
        draw(st.integers(1, 3)),
        sizes,
        activation=draw(st.sampled_from(["relu", "tanh", "sigmoid", "linear"])),
        bias=draw(st.booleans()),
        seed=draw(st.integers(0, 100)),
    )
    return to_dict(model)


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON document (as a tuple of keys and indices), the root included."""
    places = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            places += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            places += _paths(value, (*prefix, i))
    return places


def _replace(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    head, *rest = path
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[head] = _replace(data[head], tuple(rest), value) if rest else value  # a new key needs no old value
    return copy


def _drop(data: Any, path: tuple) -> Any:
    if len(path) == 1:
        copy = dict(data) if isinstance(data, dict) else list(data)
        del copy[path[0]]
        return copy
    head, *rest = path
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[head] = _drop(data[head], tuple(rest))
    return copy


@st.composite
def hostile_texts(draw) -> bytes:
    data = draw(saved_models())
    for _ in range(draw(st.integers(0, 3))):
        places = _paths(data)
        path = draw(st.sampled_from(places))
        how = draw(st.sampled_from(["replace", "extreme", "drop", "add-key"]))
        if how == "replace":
            data = _replace(data, path, draw(JSON))
        elif how == "extreme":
            data = _replace(data, path, draw(EXTREME_NUMBERS))
        elif how == "drop" and path:
            data = _drop(data, path)
        elif how == "add-key":
            target = data
            for key in path:
                target = target[key]
            if isinstance(target, dict):
                data = _replace(data, (*path, draw(st.text(max_size=6))), draw(JSON))
    text = json.dumps(data, indent=draw(st.sampled_from([None, 1])), allow_nan=True).encode()
    mangle = draw(st.sampled_from(["none", "cut", "splice", "brackets", "bom", "utf16", "number"]))
    at = draw(st.integers(0, len(text)))
    if mangle == "cut":
        text = text[:at]
    elif mangle == "splice":
        text = text[:at] + draw(st.binary(max_size=12)) + text[at:]
    elif mangle == "brackets":
        text = text[:at] + draw(st.sampled_from([b"[", b"{", b'{"a":'])) * draw(st.integers(1, 5000)) + text[at:]
    elif mangle == "bom":
        text = b"\xef\xbb\xbf" + text
    elif mangle == "utf16":
        text = text.decode().encode("utf-16")
    elif mangle == "number":
        text = text[:at] + draw(st.sampled_from([b"1e999", b"-1e999", b"9" * 5000, b"NaN", b"Infinity", b"1" * 30]))
        text += text[at:]
    return text


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory(prefix="deltagrad-fuzz-") as name:
        yield Path(name)


@budget(fast=60, long=5000)
@given(text=hostile_texts())
def test_a_damaged_model_file_loads_exactly_or_is_one_model_file_error(folder, text):
    count("model files")
    path = folder / "model.json"
    path.write_bytes(text)
    try:
        model = load(path)
    except ModelFileError as exc:
        assert exc.path == str(path) and str(path) in str(exc)
        assert len(str(exc)) < 600, "the message quotes the problem, not the file"
        return
    data = json.loads(text)  # it loaded, so it is a valid model file: the model is exactly what it says
    assert to_dict(model)["architecture"] == data["architecture"]
    for mine, theirs in zip(to_dict(model)["layers"], data["layers"], strict=True):
        assert mine.keys() == theirs.keys()
        for key in mine:
            assert np.array_equal(np.array(mine[key], dtype=float), np.array(theirs[key], dtype=float))


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "dev-null", "directory", "dangling", "loop", "unreadable"])
def test_a_path_that_is_not_a_readable_regular_file_is_one_model_file_error(tmp_path, kind):
    count("model files")
    path = tmp_path / "model.json"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind in ("dev-zero", "dev-null"):
        path.symlink_to(f"/dev/{kind[4:]}")
    elif kind == "directory":
        path.mkdir()
    elif kind == "dangling":
        path.symlink_to(tmp_path / "nowhere")
    elif kind == "loop":
        path.symlink_to(path)
    else:
        path.write_text("{}")
        path.chmod(0)
        if os.geteuid() == 0:  # root reads anything: this case is a plain bad file then
            path.write_text("{")
    with pytest.raises(ModelFileError) as info:
        load(path)
    assert info.value.path == str(path)
