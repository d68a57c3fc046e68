"""``deltagrad train``: trains, reports, saves a loadable model; bad arguments exit 2 with a named error."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from deltagrad.cli import main
from nn import accuracy, load, make_dataset

FAST = ["train", "--samples", "20", "--layers", "2,4,1", "--epochs", "3", "--no-progress"]


def test_train_reports_and_saves_a_model_that_loads(tmp_path, capsys):
    path = tmp_path / "model.json"
    assert main([*FAST, "--loss", "hinge", "--seed", "3", "--save", str(path)]) == 0
    out = capsys.readouterr().out
    assert "MLP(2 → 4 → 1" in out and "3 epochs, 3 steps" in out and f"saved to {path}" in out
    model = load(path)
    X, y = make_dataset("moons", n=20, seed=3)
    assert f"training accuracy {accuracy(model, X, y):.1%}" in out


def test_the_output_activation_is_built_and_saved(tmp_path, capsys):
    path = tmp_path / "model.json"
    assert main([*FAST, "--output-activation", "sigmoid", "--save", str(path)]) == 0
    assert "output sigmoid)" in capsys.readouterr().out and load(path).output_activation == "sigmoid"


def test_same_seed_same_numbers(capsys):
    main([*FAST, "--seed", "1"])
    first = capsys.readouterr().out
    main([*FAST, "--seed", "1"])
    second = capsys.readouterr().out

    def without_timing(out: str) -> list[str]:
        return [line for line in out.splitlines() if " steps in " not in line]

    assert without_timing(first) == without_timing(second) and "final loss" in first


@pytest.mark.parametrize(
    ("extra", "loss"),
    [
        (["--dataset", "spirals", "--classes", "3", "--layers", "2,6,3"], "cross-entropy"),
        (["--dataset", "blobs", "--layers", "2,4,3", "--optimizer", "sgd", "--momentum", "0.9"], "squared-error"),
        (["--dataset", "xor", "--batch-size", "5", "--l2", "0.001"], "binary-cross-entropy"),
        (["--dataset", "circles", "--no-bias", "--activation", "tanh", "--reduction", "sum"], "hinge"),
        (["--activation", "tanh", "--output-activation", "tanh"], "squared-error"),
    ],
)
def test_each_dataset_and_loss_trains(extra, loss, capsys):
    assert main([*FAST, *extra, "--loss", loss]) == 0
    assert "training accuracy" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lr", "0"], r"argument --lr: expected a finite number in \(0, inf\], got 0.0"),
        (["--lr", "-0.5"], r"argument --lr: expected a finite number in \(0, inf\], got -0.5"),
        (["--epochs", "0"], "argument --epochs: expected an int from 1 to 1,000,000, got 0"),
        (["--layers", "2,x,1"], "--layers must be comma-separated positive ints"),
        (["--layers", "3,4,1"], "--layers must start with 2"),
        (["--layers", "2,4,3"], "moons has 2 classes, so the output layer needs 1 \\(binary\\) or 2 neurons"),
        (["--loss", "cross-entropy"], "--loss cross-entropy needs one output per class: end --layers with 2"),
        (["--loss", "mse"], "--loss: unknown loss 'mse'"),
        (["--classes", "3"], "--classes applies to spirals and blobs"),
        (["--momentum", "0.9"], "--momentum applies to --optimizer sgd only"),
        (["--noise", "-1"], r"argument --noise: expected a finite number in \[0, 1e\+06\], got -1.0"),
    ],
)
def test_bad_arguments_exit_2_naming_the_argument(args, message, capsys):
    assert main([*FAST, *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("deltagrad train: error:")
    assert re.search(message, err), err


def test_save_to_an_unwritable_place_is_a_usage_error(tmp_path, capsys):
    assert main([*FAST, "--save", str(tmp_path / "no-such-dir" / "m.json")]) == 2
    assert "--save" in capsys.readouterr().err


def test_python_dash_m_deltagrad_runs_the_train_command(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "deltagrad", *FAST, "--save", str(tmp_path / "m.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "training accuracy" in result.stdout and (tmp_path / "m.json").exists()
