"""``deltagrad train``: train an MLP on a toy dataset and optionally save it.

Example: ``deltagrad train --dataset moons --layers 2,16,16,1 --loss hinge --epochs 50 --save model.json``.
One ``--seed`` fixes the data, the initial weights and the order of mini-batches,
so the same command prints the same numbers on every run.
"""

from __future__ import annotations

import argparse
import math
import time
from typing import Any

from autograd.files import check_target
from deltagrad.cli import UsageError, layer_sizes
from deltagrad.cli.arguments import MAX_CLASSES, MAX_EPOCHS, MAX_SAMPLES, MAX_WEIGHTS, count, number, seed
from nn.data import DATASETS, make_dataset, n_classes
from nn.io import save
from nn.losses import LOSSES, REDUCTIONS, loss_name
from nn.mlp import ACTIVATIONS, INITS, MLP
from nn.optim import OPTIMIZERS, get_optimizer
from nn.train import accuracy, fit

MAX_NOISE = 1e6  # beyond this the noise swamps any dataset (and 1e308 makes its points inf)


def add_parser(subparsers: Any) -> None:
    """Add ``deltagrad train`` and its options."""
    p = subparsers.add_parser(
        "train",
        help="train an MLP on a toy dataset (moons, circles, spirals, xor, blobs)",
        description="Train an MLP on a toy 2-D dataset and report its loss and training accuracy.",
    )
    data = p.add_argument_group("data")
    data.add_argument("--dataset", choices=list(DATASETS), default="moons", help="toy dataset (default: moons)")
    data.add_argument("--samples", type=count(MAX_SAMPLES), default=100, help="number of points (default: 100)")
    data.add_argument(
        "--noise", type=number(0.0, MAX_NOISE), default=None, help="noise of the dataset (default: its own)"
    )
    data.add_argument(
        "--classes", type=count(MAX_CLASSES, minimum=2), default=None, help="number of classes for spirals and blobs"
    )
    model = p.add_argument_group("model")
    model.add_argument("--layers", default="2,16,16,1", help="sizes n_0,n_1,…,n_m, input first (default: 2,16,16,1)")
    model.add_argument("--activation", choices=ACTIVATIONS, default="relu", help="hidden σ (default: relu)")
    model.add_argument(
        "--output-activation", choices=ACTIVATIONS, default="linear", help="σ of the output layer (default: linear)"
    )
    model.add_argument("--no-bias", dest="bias", action="store_false", help="no biases, as in the notes")
    model.add_argument("--init", choices=INITS, default="he", help="weight initialisation (default: he)")
    training = p.add_argument_group("training")
    loss_help = f"one of {', '.join(LOSSES)} (default: squared-error)"
    training.add_argument("--loss", default="squared-error", help=loss_help)
    training.add_argument("--optimizer", choices=list(OPTIMIZERS), default="adam", help="(default: adam)")
    training.add_argument(
        "--lr", type=number(0.0, math.inf, low_open=True), default=0.05, help="learning rate (default: 0.05)"
    )
    training.add_argument("--momentum", type=float, default=0.0, help="SGD momentum (default: 0)")
    training.add_argument("--epochs", type=count(MAX_EPOCHS), default=100, help="passes over the data (default: 100)")
    training.add_argument("--batch-size", type=count(MAX_SAMPLES), default=None, help="samples per step (default: all)")
    training.add_argument("--reduction", choices=REDUCTIONS, default="mean", help="of a batch's losses (default: mean)")
    training.add_argument("--l2", type=float, default=0.0, help="L2 penalty α·Σp² (default: 0)")
    p.add_argument("--seed", type=seed, default=0, help="seed for data, weights and batch order (default: 0)")
    p.add_argument("--save", metavar="PATH", default=None, help="write the trained model to this JSON file")
    p.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar (default: on a terminal)"
    )
    p.set_defaults(run=run)


def _check(args: argparse.Namespace) -> tuple[str, list[int]]:
    try:
        loss = loss_name(args.loss)
    except ValueError as exc:
        raise UsageError(f"--loss: {exc}") from None
    for name in ("lr", "samples", "epochs"):
        value = getattr(args, name)
        if not (math.isfinite(value) and value > 0):
            raise UsageError(f"--{name} must be a positive number, got {value}")
    if args.batch_size is not None and args.batch_size < 1:
        raise UsageError(f"--batch-size must be a positive int, got {args.batch_size}")
    if not 0.0 <= args.momentum < 1.0:
        raise UsageError(f"--momentum must be in [0, 1), got {args.momentum}")
    if args.momentum and args.optimizer != "sgd":
        raise UsageError("--momentum applies to --optimizer sgd only")
    if not (math.isfinite(args.l2) and args.l2 >= 0):
        raise UsageError(f"--l2 must be a number ≥ 0, got {args.l2}")
    if args.classes is not None and args.dataset not in ("spirals", "blobs"):
        raise UsageError(f"--classes applies to spirals and blobs, not {args.dataset} (which has 2 classes)")
    if args.save is not None:  # before training, not after it
        if not args.save.strip():
            raise UsageError("--save needs the path of a file to write")
        try:
            check_target(args.save)
        except OSError as exc:
            raise UsageError(f"--save {args.save}: {exc.strerror or exc}") from None
    return loss, layer_sizes(args.layers, example="2,16,16,1", max_weights=MAX_WEIGHTS)


def run(args: argparse.Namespace) -> int:
    """Train a network on a built-in dataset, report its accuracy, save it if asked."""
    loss, sizes = _check(args)
    options: dict[str, object] = {}
    if args.noise is not None:
        options["noise" if args.dataset != "blobs" else "std"] = args.noise
    if args.classes is not None:
        options["classes" if args.dataset == "spirals" else "centers"] = args.classes
    try:
        X, y = make_dataset(args.dataset, n=args.samples, seed=args.seed, **options)
    except ValueError as exc:
        raise UsageError(f"--dataset {args.dataset}: {exc}") from None
    k = n_classes(y)
    if sizes[0] != X.shape[1]:
        raise UsageError(f"--layers must start with {X.shape[1]}, the size of {args.dataset}'s points, not {sizes[0]}")
    n_out = sizes[-1]
    if loss == "cross-entropy" and n_out != k:
        raise UsageError(f"--loss cross-entropy needs one output per class: end --layers with {k}, not {n_out}")
    if n_out not in (k, 1) or (n_out == 1 and k != 2):
        hint = "1 (binary) or 2" if k == 2 else str(k)
        raise UsageError(f"--layers: {args.dataset} has {k} classes, so the output layer needs {hint} neurons")

    model = MLP(
        sizes[0],
        sizes[1:],
        activation=args.activation,
        bias=args.bias,
        init=args.init,
        seed=args.seed,
        output_activation=args.output_activation,
    )
    optimizer_options = {"momentum": args.momentum} if args.momentum else {}
    optimizer = get_optimizer(args.optimizer)(model, lr=args.lr, **optimizer_options)
    start = time.perf_counter()
    history = fit(
        model,
        X,
        y,
        loss=loss,
        optimizer=optimizer,
        epochs=args.epochs,
        batch_size=args.batch_size,
        reduction=args.reduction,
        l2=args.l2,
        seed=args.seed,
        progress=args.progress,
    )
    seconds = time.perf_counter() - start
    print(f"{model} on {args.dataset} ({len(y)} samples, {k} classes), {loss}, {args.optimizer} lr={args.lr}")
    print(f"{len(history)} epochs, {history.steps} steps in {seconds:.1f} s")
    print(f"final loss {history.loss[-1]:.6g} (mean per sample), training accuracy {accuracy(model, X, y):.1%}")
    if args.save:
        try:
            save(model, args.save)
        except OSError as exc:
            raise UsageError(f"--save {args.save}: {exc.strerror or exc}") from None
        print(f"saved to {args.save}")
    return 0
