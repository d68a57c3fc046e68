"""``deltagrad check``: check the notes' δ equations (or one erratum) on a small random network.

Example: ``deltagrad check --layers 2,3,3,2 --loss squared-error --rules missing-factor-2``.
The network, its inputs and its targets all come from ``--seed``, so a run can be
repeated exactly. Exit code 0 when everything agrees, 1 when something does not,
2 for bad arguments.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from typing import Any

from deltagrad.cli import UsageError, layer_sizes
from deltagrad.cli.arguments import count, seed
from nn.deltacheck import DELTA_LOSSES, ERRATA, RULE_SETS, check_deltas, random_case
from nn.mlp import ACTIVATIONS

MAX_WEIGHTS = 2_000
MAX_SAMPLES = 1_000
MAX_WORK = 2e7  # weights² × samples: 2,3,3,2 on 4 samples is 1e4; 2,30,30,2 on 4 samples, 4e6, about 20 s


def add_parser(subparsers: Any) -> None:
    """Add ``deltagrad check`` and its options."""
    names = ", ".join(RULE_SETS)
    p = subparsers.add_parser(
        "check",
        help="check the δ equations against autograd and finite differences",
        description=(
            "Compute δ^(l) and ∂L/∂W^(l) by the notes' formulas, by autograd and by finite differences "
            "on a random network, and report per layer where they agree and where they do not."
        ),
    )
    p.add_argument("--layers", default="2,3,3,2", help="sizes n_0,n_1,…,n_m, input first (default: 2,3,3,2)")
    p.add_argument("--loss", default="squared-error", help=f"{' or '.join(DELTA_LOSSES)} (default: squared-error)")
    p.add_argument("--rules", default="correct", help=f"the formulas to check: {names}; 'list' describes them")
    p.add_argument(
        "--bias",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="give the neurons (random) biases; the notes have none (default: --no-bias)",
    )
    p.add_argument("--activation", default="relu", help=f"hidden σ: {', '.join(ACTIVATIONS)} (default: relu)")
    p.add_argument(
        "--samples",
        type=count(MAX_SAMPLES),
        default=4,
        help="number of random samples, summed (default: 4)",
    )
    p.add_argument("--seed", type=seed, default=0, help="seed for weights, inputs and targets (default: 0)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(run=run)


def _validate(args: argparse.Namespace) -> list[int]:
    sizes = layer_sizes(args.layers, example="2,3,3,2", max_weights=MAX_WEIGHTS)
    weights = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
    if weights * weights * args.samples > MAX_WORK:
        raise UsageError(
            f"--layers {args.layers} with --samples {args.samples} is too big to check: finite differences take "
            f"time ∝ weights² × samples = {weights}² × {args.samples}, at most {MAX_WORK:.0e} (a minute or two)"
        )
    if args.loss not in DELTA_LOSSES:
        raise UsageError(f"--loss must be one of {', '.join(DELTA_LOSSES)}, got {args.loss!r}")
    if args.rules not in RULE_SETS:
        raise UsageError(f"--rules must be one of {', '.join(RULE_SETS)} (or 'list'), got {args.rules!r}")
    if args.activation not in ACTIVATIONS:
        raise UsageError(f"--activation must be one of {', '.join(ACTIVATIONS)}, got {args.activation!r}")
    if args.samples < 1:
        raise UsageError(f"--samples must be a positive int, got {args.samples}")
    if args.loss == "cross-entropy" and sizes[-1] < 2:
        raise UsageError("cross-entropy needs one output per class: the last of --layers must be at least 2")
    return sizes


def list_rules() -> str:
    """The ready rule sets, one per line, with the line of the notes each erratum stands for."""
    lines = []
    for name, rules in RULE_SETS.items():
        lines.append(f"{name:26} {rules.description}")
    lines.append("")
    lines += [f"erratum {e.number}: {e.name:26} written {e.written}   should be {e.correct}" for e in ERRATA]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Check the rules on a seeded random network: 0 if all agree, 1 if not."""
    if args.rules == "list":
        print(list_rules())
        return 0
    sizes = _validate(args)
    model, X, Y = random_case(
        sizes, args.loss, bias=args.bias, activation=args.activation, samples=args.samples, seed=args.seed
    )
    report = check_deltas(model, X, Y, loss=args.loss, rules=args.rules)
    print(report.to_json() if args.json else report.render(color=sys.stdout.isatty()))
    return 0 if report.passed else 1
