"""``deltagrad draw``: draw an expression's graph, or a small network's, after a backward pass.

Examples::

    deltagrad draw "tanh(x*w + b)" --at x=0.5,w=-1.2,b=0.1 -o graph.svg
    deltagrad draw --mlp 2,3,1 --seed 0 -o mlp.svg
    deltagrad draw --mlp 2,3,1 --check missing-factor-2 -o deltas.svg

The expression is parsed (``autograd.expression``), never evaluated as Python.
Without ``-o`` the DOT text is printed, which needs no Graphviz installed.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from typing import Any

import autograd
from autograd import Value
from autograd.expression import parse
from deltagrad.cli import UsageError, layer_sizes
from deltagrad.cli.arguments import count, seed
from deltagrad.cli.check import MAX_WEIGHTS
from visualize import (
    DEFAULT_MAX_NODES,
    GraphTooLargeError,
    GraphvizNotFoundError,
    OutputPathError,
    UnsupportedFormatError,
    draw,
    render,
)


def add_parser(subparsers: Any) -> None:
    """Add ``deltagrad draw`` and its options."""
    p = subparsers.add_parser(
        "draw",
        help="draw the graph of an expression or a small MLP, with values and gradients (Graphviz)",
        description=(
            "Draw the graph of an expression (after backward) or of one forward pass of a small MLP plus a "
            "squared-error loss. An expression starting with '-' must follow '--': deltagrad draw -- \"-x*w\"."
        ),
    )
    what = p.add_argument_group("what to draw (an expression, or --mlp)")
    what.add_argument("expression", nargs="?", help='e.g. "tanh(x*w + b)": numbers, names, + - * / **, exp log tanh…')
    what.add_argument("--at", action="append", default=[], metavar="NAME=VALUE,…", help="values of the names")
    what.add_argument("--mlp", metavar="SIZES", help="an MLP of sizes n_0,n_1,…,n_m, input first (e.g. 2,3,1)")
    what.add_argument("--activation", default="relu", help="hidden σ of --mlp (default: relu, as in the notes)")
    what.add_argument("--no-bias", dest="bias", action="store_false", help="--mlp without biases, as in the notes")
    what.add_argument("--seed", type=seed, default=0, help="seed of the weights, the sample input and target")
    what.add_argument(
        "--check", metavar="RULES", help="--mlp: overlay a δ check (correct, notes-as-written, missing-factor-2, …)"
    )
    look = p.add_argument_group("how to draw it")
    look.add_argument("-o", "--output", metavar="PATH", help="write .svg, .png, .pdf or .dot (default: DOT to stdout)")
    look.add_argument("--no-data", dest="show_data", action="store_false", help="hide forward values")
    look.add_argument("--no-grad", dest="show_grad", action="store_false", help="hide gradients")
    look.add_argument(
        "--edges",
        choices=["none", "local", "product"],
        default="none",
        help="label edges with ∂out/∂in (local), and grad·∂out/∂in too (product); default: none",
    )
    look.add_argument("--order", action="store_true", help="number values in the order backward visits them")
    look.add_argument("--collapse", action="store_true", help="one node per neuron (z, a, δ)")
    look.add_argument("--no-clusters", dest="clusters", action="store_false", help="no boxes per layer/neuron")
    look.add_argument(
        "--max-nodes",
        type=count(10**7, minimum=0),
        default=DEFAULT_MAX_NODES,
        help="refuse larger graphs (0: no limit)",
    )
    look.add_argument("--rankdir", choices=["LR", "TB", "RL", "BT"], default="LR", help="direction (default: LR)")
    p.set_defaults(run=run)


def parse_values(items: list[str]) -> dict[str, float]:
    """``["x=0.5,w=-1.2", "b=0.1"]`` → ``{"x": 0.5, "w": -1.2, "b": 0.1}``."""
    values: dict[str, float] = {}
    for item in items:
        for part in item.split(","):
            name, sep, number = part.partition("=")
            name = name.strip()
            if not sep or not name.isidentifier():
                raise UsageError(f"--at takes NAME=VALUE pairs separated by commas, like x=0.5,w=-1.2; got {part!r}")
            try:
                values[name] = float(number)
            except ValueError:
                raise UsageError(f"--at {name}: {number.strip()!r} is not a number") from None
            if not math.isfinite(values[name]):
                raise UsageError(f"--at {name}: {number.strip()} is not a finite number (give every name one)")
    return values


def expression_graph(args: argparse.Namespace) -> Value:
    """Parse the expression at the given values and run backward on it."""
    try:
        root = parse(args.expression, parse_values(args.at))
    except ValueError as exc:  # ExpressionError, or two spellings of one name (x and ｘ)
        raise UsageError(str(exc)) from None
    try:
        root.backward()
    except autograd.BackwardError as exc:
        raise UsageError(f"the backward pass failed: {exc}") from None
    return root


def mlp_graph(args: argparse.Namespace) -> tuple[Value, dict, Any]:
    """One forward pass of a seeded MLP on a seeded sample, its squared-error loss ``L``, after backward."""
    from nn import MLP, squared_error

    sizes = layer_sizes(args.mlp, option="--mlp", example="2,3,1", max_weights=MAX_WEIGHTS)
    rng = random.Random(args.seed)
    x = [round(rng.uniform(-1.0, 1.0), 2) for _ in range(sizes[0])]
    y = [round(rng.uniform(-1.0, 1.0), 2) for _ in range(sizes[-1])]
    try:
        model = MLP(sizes[0], sizes[1:], activation=args.activation, bias=args.bias, seed=args.seed)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.check is None:
        loss = squared_error(model(x), y)
        loss.label = "L"
        loss.backward()
        return loss, {}, None
    from nn.deltacheck import check_deltas

    try:
        report = check_deltas(model, [x], [y], loss="squared-error", rules=args.check)
    except (KeyError, ValueError) as exc:
        raise UsageError(str(exc).strip("'\"")) from None
    root = report.sample_loss(1)
    root.label = root.label or "L"
    return root, report.annotations(1), report


def run(args: argparse.Namespace) -> int:
    """Draw the graph to a file, or print its DOT text: 0, or 1 when a ``--check`` fails."""
    if (args.expression is None) == (args.mlp is None):
        raise UsageError('give an expression ("tanh(x*w + b)" --at x=0.5,…) or --mlp SIZES, not both or neither')
    if args.mlp is None and args.check:
        raise UsageError("--check applies to --mlp: it checks the δ equations of a network")
    if args.max_nodes < 0:
        raise UsageError(f"--max-nodes must be ≥ 0 (0: no limit), got {args.max_nodes}")
    annotations: dict = {}
    report = None
    if args.mlp is None:
        root = expression_graph(args)
    else:
        root, annotations, report = mlp_graph(args)
    try:
        graph = draw(
            root,
            show_data=args.show_data,
            show_grad=args.show_grad,
            edge_labels=args.edges,
            backward_order=args.order,
            annotations=annotations,
            clusters=args.clusters,
            collapse=args.collapse,
            max_nodes=args.max_nodes or None,
            rankdir=args.rankdir,
        )
        if args.output is None:
            sys.stdout.write(graph.source)
        else:
            path = render(graph, args.output)
            print(f"wrote {path}", file=sys.stderr)
    except (GraphTooLargeError, UnsupportedFormatError, OutputPathError, GraphvizNotFoundError) as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # e.g. --collapse on an expression, which has no neurons
        raise UsageError(str(exc)) from None
    if report is not None and not report.passed:
        print(f"δ check with rules {args.check!r} failed: the red nodes disagree with autograd", file=sys.stderr)
        return 1
    return 0
