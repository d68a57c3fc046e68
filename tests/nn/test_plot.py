"""nn.plot: the decision grid is the model's own prediction; figures are written whole."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nn import MLP, fit, moons, spirals
from nn.plot import decision_grid
from nn.train import predicted_label


@pytest.mark.parametrize(
    ("sizes", "activation", "bias", "output"),
    [
        ([8, 8, 1], "relu", True, None),
        ([6, 3], "tanh", False, None),
        ([5, 4, 3], "sigmoid", True, None),
        ([6, 1], "tanh", True, "tanh"),
        ([6, 1], "tanh", True, "sigmoid"),  # threshold 0.5: a sigmoid output is never ≤ 0
    ],
)
def test_decision_grid_is_the_models_prediction_at_every_point(
    sizes: list[int], activation: str, bias: bool, output: str | None
) -> None:
    X, _ = moons(40, seed=1)
    model = MLP(2, sizes, activation=activation, bias=bias, seed=3, output_activation=output)
    xx, yy, labels = decision_grid(model, X, resolution=12)
    points = zip(xx.ravel(), yy.ravel(), strict=True)
    expected = [predicted_label(model([float(a), float(b)]), model.threshold) for a, b in points]
    assert labels.shape == xx.shape == yy.shape
    assert labels.ravel().tolist() == expected
    if sizes[-1] == 1:  # one output: the grid must hold both sides of the threshold to test it
        assert len(set(expected)) == 2


def test_decision_grid_needs_two_dimensional_inputs() -> None:
    with pytest.raises(ValueError, match="2-D inputs"):
        decision_grid(MLP(3, [2, 1], seed=0), np.zeros((5, 3)))


def test_plots_are_saved_as_png_files(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="plots need the optional matplotlib (deltagrad[notebooks])")
    from nn.plot import plot_decision_boundary, plot_history, save_figure

    X, y = spirals(60, classes=3, seed=0)
    model = MLP(2, [8, 3], seed=0)
    history = fit(model, X, y, loss="cross-entropy", optimizer="adam", lr=0.05, epochs=3, progress=False)
    for name, ax in [
        ("boundary.png", plot_decision_boundary(model, X, y, title="t")),
        ("history.png", plot_history(history)),
    ]:
        path = save_figure(ax, tmp_path / name)
        assert path.read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boundary.png", "history.png"]  # no temporary files left


def test_a_failed_save_leaves_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib", reason="plots need the optional matplotlib (deltagrad[notebooks])")
    from nn.plot import plot_decision_boundary, save_figure

    X, y = moons(20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    target = tmp_path / "plot.png"
    target.write_bytes(b"previous")
    ax = plot_decision_boundary(model, X, y)

    def fails_halfway(file, **kwargs) -> None:  # the renderer dies after writing part of the picture
        file.write(b"\x89PNG\r\n\x1a\n" + b"half a picture")
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(ax.figure, "savefig", fails_halfway)
    with pytest.raises(RuntimeError, match="renderer crashed"):
        save_figure(ax, target)  # the same path as the previous file
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["plot.png"]  # no temporary file left either
    with pytest.raises(ValueError):  # matplotlib: unknown format, raised before anything is written
        save_figure(plot_decision_boundary(model, X, y), tmp_path / "plot.notaformat")
    assert [p.name for p in tmp_path.iterdir()] == ["plot.png"]
