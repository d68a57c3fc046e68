"""Reading a JSON file nobody vouches for: bounded in size, depth and number size, or one clear error.

``read_json(path)`` opens ``path`` without blocking, refuses anything but a
regular file (a FIFO would hang the reader, ``/dev/zero`` would fill the memory),
refuses a file larger than ``max_bytes`` before reading it, checks how deeply its
brackets nest before the parser sees them (Python's JSON parser recurses), and
parses with hooks that refuse ``NaN``/``Infinity``, floats that overflow
(``1e999``), integers longer than a few digits and duplicate keys. Every failure
is a ``FileFormatError`` with the problem and, where there is one, the place
(``line 3``): what ``nn.io.load`` turns into a ``ModelFileError``.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from typing import Any

import numpy as np

from autograd.files import kind_of

MAX_BYTES = 64 * 1024 * 1024
"""The default size cap: 64 MiB holds a model of about two million weights."""
MAX_DEPTH = 16
"""How deeply brackets may nest (a model file nests 5 deep)."""
MAX_INT_DIGITS = 9
"""The longest integer accepted (a model file's integers are layer sizes)."""

_NEWLINE = b"\n"
_STRING = re.compile(rb'"(?:[^"\\\n]|\\.)*"')  # a JSON string (no raw newline inside one)


class FileFormatError(ValueError):
    """The file cannot be read as the JSON it should hold: ``problem``, at ``where`` (or None)."""

    def __init__(self, problem: str, where: str | None = None) -> None:
        self.problem, self.where = problem, where
        super().__init__(problem if where is None else f"{where}: {problem}")


def read_bytes(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> bytes:
    """The whole of the regular file ``path``, at most ``max_bytes`` long, or a FileFormatError."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise FileFormatError("no such file") from None
    except OSError as exc:
        raise FileFormatError(f"cannot read it ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileFormatError(f"it is {kind_of(info.st_mode)}, not a regular file")
        if info.st_size > max_bytes:
            raise FileFormatError(_too_big(info.st_size, max_bytes))
        chunks, total = [], 0
        while total <= max_bytes:  # read to the end, in case it grew since fstat
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise FileFormatError(_too_big(total, max_bytes))
        return b"".join(chunks)
    except OSError as exc:
        raise FileFormatError(f"cannot read it ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def _too_big(size: int, max_bytes: int) -> str:
    return (
        f"the file is {size:,} bytes, over the cap of {max_bytes:,} bytes for a model file; "
        f"if it really is a model, raise the cap: load(path, max_bytes={max(size, max_bytes + 1)})"
    )


def parse_json(data: bytes) -> Any:
    """``data`` as UTF-8 JSON, with every limit checked first; FileFormatError names the line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = _line(data, exc.start)
        raise FileFormatError(f"not UTF-8 text: byte {data[exc.start]:#04x} cannot start a character", where) from None
    if not text.strip():
        raise FileFormatError("the file is empty")
    _check_depth(data)
    refused: list[tuple[str, str]] = []  # (token, problem): the hooks cannot say where they are

    def refuse(token: str, problem: str) -> None:
        refused.append((token, problem))
        raise ValueError(problem)

    def integer(token: str) -> int:
        if len(token.lstrip("-")) > MAX_INT_DIGITS:
            shown = token if len(token) <= 24 else f"{token[:12]}…{token[-6:]}"
            refuse(token, f"integer {shown} has {len(token.lstrip('-')):,} digits (at most {MAX_INT_DIGITS})")
        return int(token)

    def real(token: str) -> float:
        x = float(token)
        if not math.isfinite(x):
            refuse(token, f"number {token[:24]} is too large for a float")
        return x

    def constant(token: str) -> Any:
        refuse(token, f"non-finite number {token} (JSON has no nan or infinity)")

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set[str] = set()
            twice = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
            refuse(json.dumps(twice), f"the key {twice!r} appears twice in one object")
        return result

    try:
        return json.loads(text, parse_int=integer, parse_float=real, parse_constant=constant, object_pairs_hook=unique)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"not valid JSON, truncated or corrupt ({exc.msg})", f"line {exc.lineno}, column {exc.colno}"
        ) from None
    except ValueError as exc:
        if refused:
            token, problem = refused[0]
            raise FileFormatError(problem, _line(data, data.find(token.encode()))) from None
        raise FileFormatError(f"not valid JSON ({exc})") from None
    except RecursionError:  # a backstop: _check_depth stops this first
        raise FileFormatError(f"nested more than {MAX_DEPTH} levels deep") from None
    except MemoryError:
        raise FileFormatError("not enough memory to parse it") from None


def _check_depth(data: bytes) -> None:
    """Refuse brackets nested more than MAX_DEPTH deep, counted outside strings, without recursion."""
    blanked = _STRING.sub(b'""', data)  # strings hold no raw newline: line numbers survive
    codes = np.frombuffer(blanked, dtype=np.uint8)
    step = np.isin(codes, (ord("["), ord("{"))).astype(np.int32) - np.isin(codes, (ord("]"), ord("}")))
    depth = np.cumsum(step)
    if depth.size and depth.max() > MAX_DEPTH:
        at = int(np.argmax(depth > MAX_DEPTH))
        where = f"line {blanked.count(_NEWLINE, 0, at) + 1}"
        raise FileFormatError(f"brackets nested more than {MAX_DEPTH} levels deep (a model file nests 5)", where)


def _line(data: bytes, offset: int) -> str | None:
    return None if offset < 0 else f"line {data.count(_NEWLINE, 0, offset) + 1}"
