"""``deltagrad check-derivative``: a claimed derivative, as written (Python syntax or LaTeX), against autograd.

Example: ``deltagrad check-derivative "tanh(x*w + b)" --wrt w --claim '$x\\,(1-\\tanh^2(xw+b))$'``.
The claim is compared at the ``--at`` points and at random points inside f's domain (from
``--seed``: a run repeats exactly). Exit code 0 when it holds, 1 when it does not, 2 for
text that is not a formula (the message points at the column) or other bad arguments.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

from autograd import check_derivative
from autograd.expression import ExpressionError
from deltagrad.cli import UsageError


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "check-derivative",
        help="check a derivative you worked out (Python syntax or LaTeX) against autograd",
        description=(
            "Compare a claimed derivative of f with autograd's exact derivative and with finite differences, "
            "at given and random points, and say where it holds and what is wrong where it does not."
        ),
    )
    p.add_argument("f", metavar="EXPR", help='the function, e.g. "tanh(x*w + b)"')
    p.add_argument("--wrt", required=True, help="the input to differentiate by, e.g. w")
    p.add_argument(
        "--claim", required=True, help="your derivative: Python syntax or LaTeX ('$x\\,(1-\\tanh^2(xw+b))$')"
    )
    p.add_argument("--order", type=int, choices=(1, 2), default=1, help="1 (default) or 2 for ∂²f/∂wrt²")
    p.add_argument("--at", action="append", default=[], metavar="x=0.5,w=-1.2", help="a point to check at (repeatable)")
    p.add_argument("--samples", type=int, default=12, help="random points in f's domain (default: 12)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random points (default: 0)")
    p.add_argument("--syntax", choices=("auto", "python", "latex"), default="auto", help="how to read the texts")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(run=run)


def _point(text: str) -> dict[str, float]:
    point = {}
    for part in filter(None, (s.strip() for s in text.split(","))):
        name, sep, number = part.partition("=")
        try:
            value = float(number)
        except ValueError:
            value = math.nan
        if not sep or not name.strip() or not math.isfinite(value):
            raise UsageError(f"--at takes name=number pairs separated by commas, like x=0.5,w=-1.2; got {text!r}")
        point[name.strip()] = value
    if not point:
        raise UsageError(f"--at takes name=number pairs separated by commas, like x=0.5,w=-1.2; got {text!r}")
    return point


def run(args: argparse.Namespace) -> int:
    points = [_point(text) for text in args.at] or None
    if args.samples < 0:
        raise UsageError(f"--samples must be ≥ 0, got {args.samples}")
    try:
        report = check_derivative(
            args.f, args.wrt, args.claim, at=points, samples=args.samples, order=args.order, seed=args.seed,
            syntax=args.syntax,
        )  # fmt: skip
    except ExpressionError as exc:
        raise UsageError(str(exc)) from None
    except (ValueError, TypeError) as exc:
        raise UsageError(str(exc)) from None
    print(report.to_json() if args.json else str(report))
    return 0 if report.passed else 1
