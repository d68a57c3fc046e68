"""save / load: exact round trips, atomic writes, and one clear error for every kind of bad file."""

from __future__ import annotations

import json
import os

import pytest

import nn.io
import nn.reading
from nn import MLP, ModelFileError, load, save


@pytest.mark.parametrize(
    "model",
    [
        MLP(2, [16, 16, 1], seed=0),
        MLP(3, [4, 2], activation="tanh", bias=False, seed=1),
        MLP(1, [1], activation="sigmoid", seed=2),
        MLP(3, [4, 4, 1], activation="tanh", seed=3, output_activation="tanh"),
        MLP(2, [3, 2], bias=False, seed=4, output_activation="sigmoid"),
    ],
    ids=["relu-bias", "tanh-no-bias", "tiny", "tanh-throughout", "sigmoid-output"],
)
def test_save_then_load_round_trips_exactly(tmp_path, model):
    for p in model.parameters():  # awkward floats: nothing may be lost in decimal
        p.data = p.data / 3.0 + 1e-17
    path = tmp_path / "model.json"
    save(model, path)
    loaded = load(path)
    assert loaded.state_dict() == model.state_dict()  # exact: repr round-trips float64
    structure = ("sizes", "activation", "bias", "output_activation")
    assert [getattr(loaded, k) for k in structure] == [getattr(model, k) for k in structure]
    x = [0.25] * model.n_inputs
    assert [v.data for v in loaded.trace(x).output] == [v.data for v in model.trace(x).output]


def test_the_file_is_readable_json_with_format_version_and_architecture(tmp_path):
    path = tmp_path / "m.json"
    save(MLP(2, [3, 1], seed=0), path)
    data = json.loads(path.read_text())
    assert data["format"] == "deltagrad-mlp" and data["version"] == nn.io.VERSION
    assert data["architecture"] == {
        "n_inputs": 2,
        "layer_sizes": [3, 1],
        "activation": "relu",
        "bias": True,
        "output_activation": "linear",
    }
    assert len(data["layers"][0]["W"]) == 2 and len(data["layers"][0]["W"][0]) == 3  # W^(1) is n_0 × n_1


def test_a_version_1_file_still_loads_with_its_linear_output(tmp_path):
    model = MLP(2, [3, 2], activation="tanh", seed=5)
    data = nn.io.to_dict(model)
    del data["architecture"]["output_activation"]  # what version 1 wrote: no such field, a linear output
    data["version"] = 1
    path = tmp_path / "old.json"
    _write(path, data)
    loaded = load(path)
    assert loaded.output_activation == "linear" and loaded.state_dict() == model.state_dict()
    assert [v.data for v in loaded([0.3, -0.4])] == [v.data for v in model([0.3, -0.4])]


def _saved(tmp_path) -> tuple[os.PathLike, dict]:
    path = tmp_path / "model.json"
    save(MLP(2, [3, 1], seed=0), path)
    return path, json.loads(path.read_text())


def _write(path, data) -> None:
    path.write_text(json.dumps(data))


def _edit(**changes):
    def edit(path, data):
        for dotted, value in changes.items():
            target, *keys = [data, *dotted.split("__")]
            for key in keys[:-1]:
                target = target[int(key)] if key.isdigit() else target[key]
            last = keys[-1]
            target[int(last) if last.isdigit() else last] = value
        _write(path, data)

    return edit


BAD_FILES = {
    "missing": (lambda path, data: path.unlink(), "no such file"),
    "empty": (lambda path, data: path.write_text(""), "the file is empty"),
    "truncated": (lambda path, data: path.write_text(path.read_text()[: len(path.read_text()) // 2]), "not valid JSON"),
    "corrupt": (lambda path, data: path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff"), "not UTF-8 text"),
    "not-json-object": (lambda path, data: _write(path, [1, 2, 3]), "not a deltagrad model file"),
    "other-format": (_edit(format="keras"), "not a deltagrad model file"),
    "future-version": (_edit(version=3), "unsupported format version 3; this deltagrad reads versions 1 and 2"),
    "bool-version": (_edit(version=True), "unsupported format version True"),
    "no-version": (lambda path, data: _write(path, {k: v for k, v in data.items() if k != "version"}), "version None"),
    "bad-activation": (_edit(architecture__activation="gelu"), "unknown activation 'gelu'"),
    "bad-sizes": (_edit(architecture__layer_sizes=[3, 0]), "bad architecture"),
    "bias-not-bool": (_edit(architecture__bias="yes"), "bias must be true or false"),
    "bad-output-activation": (_edit(architecture__output_activation="softmax"), "unknown output_activation 'softmax'"),
    "no-output-activation": (
        lambda path, data: _write(path, dict(data, architecture=dict(data["architecture"], output_activation=None))),
        "output_activation must be a name",
    ),
    "version-1-with-output": (_edit(version=1), "output_activation is a version 2 field"),
    "missing-layer": (_edit(layers=[{"W": [[1.0, 2.0, 3.0]] * 2, "b": [0.0] * 3}]), '"layers" has 1 entries'),
    "wrong-W-shape": (
        _edit(layers__0__W=[[1.0, 2.0, 3.0]]),
        r"at layers\[0\]\.W: W\^\(1\) has 1 rows here, expected 2 \(shape 2 × 3\)",
    ),
    "ragged-W": (
        _edit(layers__0__W=[[1.0, 2.0, 3.0], [1.0]]),
        r"at layers\[0\]\.W\[1\]: W\^\(1\) has 1 numbers here, expected 3",
    ),
    "wrong-b-shape": (_edit(layers__1__b=[0.0, 1.0]), r"at layers\[1\]\.b: b\^\(2\) has 2 numbers here, expected 1"),
    "missing-b": (_edit(layers__1={"W": [[1.0]] * 3}), r'at layers\[1\]: missing "b" \(its b\^\(2\)\)'),
    "string-weight": (
        _edit(layers__0__W=[["1", 2.0, 3.0], [1.0, 2.0, 3.0]]),
        r"at layers\[0\]\.W\[0\]\[0\]: W\^\(1\) holds a string '1' where a number belongs",
    ),
    "nan-weight": (_edit(layers__0__W=[[float("nan"), 2.0, 3.0], [1.0] * 3]), "non-finite number NaN"),
    "infinite-bias": (_edit(layers__0__b=[0.0, float("inf"), 0.0]), "non-finite number Infinity"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_every_bad_file_raises_one_clear_error_naming_the_file_and_problem(tmp_path, case):
    path, data = _saved(tmp_path)
    damage, problem = BAD_FILES[case]
    damage(path, data)
    with pytest.raises(ModelFileError, match=problem) as info:
        load(path)
    assert str(path) in str(info.value) and info.value.path == str(path)


class _DiskFull(OSError):
    pass


def test_an_interrupted_save_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    old = MLP(2, [3, 1], seed=0)
    save(old, path)
    before = path.read_bytes()
    real_fdopen = os.fdopen

    def failing_fdopen(fd, *args, **kwargs):
        f = real_fdopen(fd, *args, **kwargs)
        real_write = f.write

        def write(text):  # half of the text reaches the disk, then the disk is full
            real_write(text[: len(text) // 2])
            f.flush()
            raise _DiskFull(28, "No space left on device")

        f.write = write
        return f

    monkeypatch.setattr(nn.io.os, "fdopen", failing_fdopen)
    with pytest.raises(_DiskFull):
        save(MLP(2, [3, 1], seed=1), path)
    assert path.read_bytes() == before
    assert load(path).state_dict() == old.state_dict()
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]  # no temporary file left behind


def test_an_interrupt_before_the_rename_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    save(MLP(2, [3, 1], seed=0), path)
    before = path.read_bytes()

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(nn.io.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save(MLP(2, [3, 1], seed=1), path)
    assert path.read_bytes() == before and len(list(tmp_path.iterdir())) == 1


def test_a_saved_file_gets_the_permissions_open_would_give_it(tmp_path):
    reference = tmp_path / "reference"
    reference.write_text("x")
    save(MLP(2, [3, 1], seed=0), tmp_path / "m.json")
    assert (tmp_path / "m.json").stat().st_mode == reference.stat().st_mode
    (tmp_path / "m.json").chmod(0o600)
    save(MLP(2, [3, 1], seed=1), tmp_path / "m.json")  # replacing a file keeps its permissions
    assert (tmp_path / "m.json").stat().st_mode & 0o777 == 0o600


def test_a_model_with_non_finite_weights_is_not_saved(tmp_path):
    model = MLP(2, [3, 1], seed=0)
    model.parameters()[0].data = float("nan")
    with pytest.raises(ValueError, match="non-finite parameters"):
        save(model, tmp_path / "m.json")
    assert not list(tmp_path.iterdir())


def test_only_an_mlp_can_be_saved(tmp_path):
    with pytest.raises(TypeError, match="save\\(\\) needs an MLP"):
        save(object(), tmp_path / "m.json")


def _replace_text(old: str, new: str):
    return lambda path, data: path.write_text(path.read_text().replace(old, new, 1))


HOSTILE_FILES = {  # (damage, problem, where): every one is one ModelFileError naming the file and the place
    "deep-brackets": (lambda path, data: path.write_text("[" * 100_000), "nested more than 16 levels", "line 1"),
    "deep-objects": (lambda path, data: path.write_text('{"a":' * 50_000), "nested more than 16 levels", "line 1"),
    "huge-int": (_replace_text('"n_inputs": 2', '"n_inputs": ' + "9" * 5000), "integer 9999", "line 5"),
    "huge-float": (_replace_text('"n_inputs": 2', '"n_inputs": 1e999'), "1e999 is too large for a float", "line 5"),
    "duplicate-key": (
        _replace_text('"n_inputs": 2', '"n_inputs": 2, "n_inputs": 3'),
        "'n_inputs' appears twice",
        "line 5",
    ),
    "sizes-not-list": (_edit(architecture__layer_sizes="3,1"), "layer_sizes must be", "architecture"),
    "n-inputs-float": (_edit(architecture__n_inputs=2.0), "n_inputs must be a positive int", "architecture"),
    "bias-no": (_edit(architecture__bias="no"), "bias must be true or false, got a string 'no'", "architecture.bias"),
    "activation-list": (
        _edit(architecture__activation=["relu"]),
        "activation must be a name like",
        "architecture.activation",
    ),
    "unknown-key": (_edit(architecture__bais=True), "unknown key 'bais'", "architecture"),
    "layer-not-object": (_edit(layers__0=[1, 2]), "expected an object, got a list", "layers[0]"),
    "W-is-number": (_edit(layers__0__W=3.0), r"W\^\(1\) must be a list of 2 rows", "layers[0].W"),
    "weight-is-list": (_edit(layers__1__W=[[[1.0]], [2.0], [3.0]]), "holds a list where a number", "layers[1].W[0][0]"),
    "weight-is-null": (_edit(layers__1__b=[None]), "holds null where a number", "layers[1].b[0]"),
    "weight-is-bool": (_edit(layers__1__b=[True]), "holds true/false where a number", "layers[1].b[0]"),
    "version-true": (_edit(version=True), "unsupported format version True", None),
}


@pytest.mark.parametrize("case", list(HOSTILE_FILES))
def test_a_hostile_file_is_one_model_file_error_naming_the_place(tmp_path, case):
    path, data = _saved(tmp_path)
    damage, problem, where = HOSTILE_FILES[case]
    damage(path, data)
    with pytest.raises(ModelFileError, match=problem) as info:
        load(path)
    assert info.value.path == str(path) and info.value.where == where
    assert str(path) in str(info.value) and (where is None or f"at {where}:" in str(info.value))
    assert len(str(info.value)) < 400, "the message quotes the file, not the whole of it"


def test_deep_brackets_inside_strings_are_just_text(tmp_path):
    path, data = _saved(tmp_path)
    data["architecture"]["activation"] = "[" * 1000 + "{"
    _write(path, data)
    with pytest.raises(ModelFileError, match="unknown activation") as info:
        load(path)
    assert info.value.where == "architecture"


NOT_FILES = {
    "dev-zero": lambda tmp: "/dev/zero",  # a symlink to it read until memory ran out
    "fifo": lambda tmp: (os.mkfifo(tmp / "pipe"), tmp / "pipe")[1],  # opening it for reading blocked
    "directory": lambda tmp: tmp,
}


@pytest.mark.parametrize("kind", list(NOT_FILES))
def test_only_a_regular_file_is_read_even_through_a_symlink(tmp_path, kind):
    link = tmp_path / "model.json"
    link.symlink_to(NOT_FILES[kind](tmp_path))
    with pytest.raises(ModelFileError, match="not a regular file") as info:
        load(link)
    assert info.value.where is None


def test_a_file_over_the_size_cap_is_refused_before_it_is_read_and_says_how_to_raise_the_cap(tmp_path, monkeypatch):
    path, _ = _saved(tmp_path)
    size = path.stat().st_size
    monkeypatch.setattr(nn.reading.os, "read", lambda *a: pytest.fail("read a file over the cap"))
    with pytest.raises(
        ModelFileError, match=rf"{size:,} bytes, over the cap of 100 bytes.*load\(path, max_bytes={size}\)"
    ):
        load(path, max_bytes=100)
    monkeypatch.undo()
    assert load(path, max_bytes=size).sizes == [2, 3, 1]


def test_a_file_that_grows_past_the_cap_while_read_is_refused(tmp_path, monkeypatch):
    path, _ = _saved(tmp_path)
    size = path.stat().st_size
    real_fstat = os.fstat
    monkeypatch.setattr(
        nn.reading.os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, *real_fstat(fd)[7:]))
    )
    with pytest.raises(ModelFileError, match="over the cap"):
        load(path, max_bytes=size - 1)
