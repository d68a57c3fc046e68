"""The ``deltagrad`` command line: one module per subcommand, and the one handler of everything that goes wrong.

Each subcommand module in this package defines ``add_parser(subparsers)`` and
``run(args) -> int`` (the exit code). Exit codes: 0 success, 1 the command ran
and found a problem (a failed check), 2 bad arguments or input, 70 a bug in
deltagrad, 130 interrupted.

``main`` never shows a traceback. An error deltagrad raises on purpose (a
``UsageError``, or any error class of ``autograd``, ``nn``, ``visualize``, and
``OSError``) is printed as one ``deltagrad COMMAND: error: …`` message; anything
else is a bug, reported as such with where it happened (``DELTAGRAD_TRACEBACK=1``
prints the whole traceback). A reader that leaves early (``deltagrad check | head -1``)
does not change the verdict: the rest of the output goes nowhere and the exit
code is the command's, so a ``pipefail`` CI still sees a failed check fail.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO

from deltagrad.cli.arguments import UsageError, layer_sizes

SUBCOMMANDS = ("demo", "check", "draw", "train")
OURS = ("autograd", "nn", "visualize", "deltagrad")
"""The packages whose error classes are messages for the user, not bugs."""
BUG = 70  # EX_SOFTWARE in sysexits.h


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors as one line and exit code 2 (not the usage text and a traceback-like dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class _Guarded:
    """A stream whose reader may leave (``| head``): after a BrokenPipeError the rest goes nowhere, silently."""

    def __init__(self, stream: TextIO) -> None:
        self._stream, self.broken = stream, False

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self._leave()
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._leave()

    def _leave(self) -> None:
        self.broken = True
        try:  # what Python still holds for the pipe is flushed at exit: send it nowhere
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            pass

    def isatty(self) -> bool:
        return not self.broken and self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def build_parser() -> argparse.ArgumentParser:
    """The ``deltagrad`` parser, with one subparser per subcommand module."""
    parser = _Parser(
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
    """Run ``deltagrad ARGV`` and return its exit code; it never raises (``--help`` returns 0)."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Guarded(sys.stdout), _Guarded(sys.stderr)
    try:
        return _main(argv)
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        sys.stdout, sys.stderr = saved


def _main(argv: Sequence[str] | None) -> int:
    command = None
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help (0) or a bad argument (2): argparse has said why
            return exc.code if isinstance(exc.code, int) else 2
        command = args.command
        if not getattr(args, "run", None):
            parser.print_help()
            return 2
        return int(args.run(args))
    except KeyboardInterrupt:
        print("deltagrad: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the one place every error ends up
        return _report(exc, command)


def _report(exc: BaseException, command: str | None) -> int:
    prefix = f"deltagrad {command}" if command else "deltagrad"
    if isinstance(exc, UsageError) or type(exc).__module__.split(".")[0] in OURS:
        print(f"{prefix}: error: {exc}", file=sys.stderr)
        return 2
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        print(f"{prefix}: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    if isinstance(exc, MemoryError):
        print(f"{prefix}: error: out of memory: choose smaller sizes (fewer samples, smaller layers)", file=sys.stderr)
        return 2
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" at {_relative(frame.filename)}:{frame.lineno} in {frame.name}" if frame else ""
    print(
        f"{prefix}: this is a bug in deltagrad; please report it to its maintainers with the command you ran and "
        f"this line: {type(exc).__name__}: {str(exc)[:300]}{where} (DELTAGRAD_TRACEBACK=1 shows the traceback)",
        file=sys.stderr,
    )
    if os.environ.get("DELTAGRAD_TRACEBACK"):
        traceback.print_exception(exc, file=sys.stderr)
    return BUG


def _relative(filename: str) -> str:
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.relpath(filename, root) if filename.startswith(root) else filename


__all__ = ["BUG", "SUBCOMMANDS", "UsageError", "build_parser", "layer_sizes", "main"]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
