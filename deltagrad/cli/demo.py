"""``deltagrad demo``: the main job on built-in data, start to finish, in well under a minute.

1. Train an MLP (2 → 16 → 16 → 1, ReLU, squared error as in the notes) on two moons.
2. Check the notes' δ equations on the trained network: the correct rules pass.
3. Check the notes *as written*: the missing factor 2 (and the rest) are caught and explained.
4. Write the network's graph with the δ overlay (SVG) and a decision-boundary plot to ``--out``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from deltagrad.cli import UsageError
from deltagrad.cli.arguments import MAX_EPOCHS, count, seed
from nn.data import moons
from nn.deltacheck import FiniteDifferenceCache, check_deltas
from nn.losses import target_for
from nn.mlp import MLP
from nn.train import accuracy, fit


def add_parser(subparsers: Any) -> None:
    """Add ``deltagrad demo`` and its options."""
    p = subparsers.add_parser(
        "demo",
        help="train on two moons, check the δ equations (correct and as written), draw the results",
        description=(__doc__ or "").split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", default="out", help="folder for the graph and the plot (default: out)")
    p.add_argument("--seed", type=seed, default=0, help="seed for data and weights (default: 0)")
    p.add_argument("--epochs", type=count(MAX_EPOCHS), default=100, help="training epochs (default: 100)")
    p.add_argument("--samples", type=count(100), default=4, help="samples the δ check runs on (default: 4)")
    p.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar (default: on a terminal)"
    )
    p.set_defaults(run=run)


def _heading(text: str) -> None:
    print(f"\n== {text} " + "=" * max(0, 74 - len(text)))


def run(args: argparse.Namespace) -> int:
    """Train, check the correct and the as-written rules, draw: 0 when both verdicts are as expected."""
    if args.epochs < 1 or args.samples < 1:
        raise UsageError("--epochs and --samples must be positive")
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the output folder {str(out)!r}: {exc.strerror or exc}") from None
    started = time.perf_counter()

    _heading("1. Train an MLP on two moons")
    X, y = moons(100, noise=0.1, seed=args.seed)
    model = MLP(2, [16, 16, 1], activation="relu", seed=args.seed)
    print(f"model: {model}; data: 100 points, loss: squared error Σ_k (z_k − y_k)², optimizer: Adam")
    history = fit(model, X, y, loss="squared-error", optimizer="adam", lr=0.05, epochs=args.epochs,
                  seed=args.seed, progress=args.progress)  # fmt: skip
    print(f"after {history.steps} steps: loss {history.loss[-1]:.4f}, training accuracy {accuracy(model, X, y):.1%}")

    n = min(args.samples, len(X))
    Y = np.array([[target_for("squared-error", int(label), 1)] for label in y[:n]])
    _heading(f"2. The δ equations on the trained network ({n} samples): correct rules")
    fd_cache = FiniteDifferenceCache()  # both checks below need the same finite differences: computed once
    correct = check_deltas(model, X[:n], Y, loss="squared-error", rules="correct", fd_cache=fd_cache)
    print(correct)

    _heading("3. The notes as written")
    written = check_deltas(model, X[:n], Y, loss="squared-error", rules="notes-as-written", fd_cache=fd_cache)
    print(written)

    _heading("4. Pictures")
    paths = [_draw_graph(written, out / "network-delta-check.svg"), _plot(model, X, y, out / "decision-boundary.png")]
    for path in paths:
        if path is not None:
            print(f"wrote {path}")
    print(f"\ndone in {time.perf_counter() - started:.1f} s")
    return 0 if correct.passed and not written.passed else 1


def _draw_graph(report: Any, path: Path) -> Path | None:
    """Each neuron of sample 1 as one node, green where the notes-as-written δ agrees with autograd, red where not."""
    try:
        import visualize
    except ImportError as exc:  # pragma: no cover - visualize ships with deltagrad
        print(f"(no graph: {exc})", file=sys.stderr)
        return None
    title = "δ by the notes as written vs autograd, sample 1 (red: they disagree)"
    try:
        return visualize.render(report.sample_loss(1), path, collapse=True, annotations=report.annotations(1),
                                title=title)  # fmt: skip
    except visualize.GraphvizNotFoundError as exc:
        print(f"(no graph: {exc})", file=sys.stderr)
        return None


def _plot(model: MLP, X: np.ndarray, y: np.ndarray, path: Path) -> Path | None:
    try:
        from nn.plot import plot_decision_boundary, save_figure

        ax = plot_decision_boundary(
            model, X, y, title=f"decision boundary, training accuracy {accuracy(model, X, y):.0%}"
        )
    except ImportError as exc:
        print(f"(no plot: {exc})", file=sys.stderr)
        return None
    return save_figure(ax, path)
