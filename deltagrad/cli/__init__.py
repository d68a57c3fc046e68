"""The ``deltagrad`` command line: one module per subcommand.

Each subcommand module in this package defines ``add_parser(subparsers)`` and
``run(args) -> int`` (the exit code). Exit codes: 0 success, 1 the command ran
and found a problem (a failed check), 2 bad arguments or input.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

SUBCOMMANDS = ("demo", "check", "draw", "train")


class UsageError(Exception):
    """Bad arguments or input: reported as ``deltagrad: error: ...`` with exit code 2."""


def layer_sizes(text: str, option: str = "--layers", example: str = "2,16,16,1") -> list[int]:
    """``"n_0,n_1,…,n_m"`` (input first) as ints, or a UsageError naming the option."""
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        sizes = []
    if len(sizes) < 2 or any(n < 1 for n in sizes):
        raise UsageError(
            f"{option} must be comma-separated positive ints n_0,n_1,…,n_m (input first, at least two), "
            f"like {example}; got {text!r}"
        )
    return sizes


def build_parser() -> argparse.ArgumentParser:
    """The ``deltagrad`` parser, with one subparser per subcommand module."""
    parser = argparse.ArgumentParser(
        prog="deltagrad",
        description="Check hand-derived backpropagation (the δ equations) against automatic differentiation.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        try:
            module = importlib.import_module(f"deltagrad.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"deltagrad.cli.{name}":
                raise
            continue
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``deltagrad`` with ``argv``; returns the exit code (0 ok, 1 a failed check, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args))
    except UsageError as exc:
        print(f"deltagrad {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("deltagrad: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `deltagrad check | head`: the reader left; not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
