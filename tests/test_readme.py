"""The README's commands and code run, and print what the README says they print.

Python blocks run in order in one namespace; a ``deltagrad …`` line in a bash block
runs through the CLI. A ``text`` block right after either is the expected output:
its lines (up to a line ``…``) must match, numbers compared to 6 significant digits.
Each command must exit with the code the README promises for it ("exit 0 when all is
well, 1 when a check fails"), listed in ``PROMISED``. (``make demo`` and ``make test``
are run by CI itself.)
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest

from deltagrad.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)
NUMBER = re.compile(r"-?\d+\.\d+(?:e[+-]?\d+)?|-?\d+e[+-]?\d+")

PROMISED = {
    # its output, shown in the README, starts "δ-check FAILED": a failed check exits 1
    "deltagrad check --layers 2,3,3,2 --loss squared-error --rules missing-factor-2": 1,
    # draws an expression: nothing is checked, all is well
    'deltagrad draw "tanh(x*w + b)" --at x=0.5,w=-1.2,b=0.1 --edges local -o docs/expression.svg': 0,
    # "red where they do not" agree: the check it draws fails
    "deltagrad draw --mlp 2,3,2 --no-bias --seed 1 --check missing-factor-2 -o docs/missing-factor-2.svg": 1,
    # lists the rule sets
    "deltagrad check --rules list": 0,
}
"""Every ``deltagrad`` command the README shows, and the exit code it promises."""


def _exit_code(line: str) -> int:
    """Run one README command through the CLI; assert it exits as promised."""
    command = line.split("#")[0].strip()
    assert command in PROMISED, f"{command!r} is in the README: add it to PROMISED with the exit code promised"
    code = main(shlex.split(command)[1:])
    assert code == PROMISED[command], f"{command!r} exited {code}, the README promises {PROMISED[command]}"
    return code


def _blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(README.read_text(encoding="utf-8"))]


def _normal(line: str) -> str:
    return NUMBER.sub(lambda m: f"{float(m.group()):.6g}", line.rstrip())


def _assert_output(actual: str, expected: str, what: str) -> None:
    wanted = expected.split("\n…")[0].rstrip("\n").split("\n")
    got = actual.rstrip("\n").split("\n")[: len(wanted)]
    assert [_normal(x) for x in got] == [_normal(x) for x in wanted], f"{what} printed:\n{actual}"


def test_readme_code_and_commands_run_and_print_what_it_shows(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    blocks = _blocks()
    namespace: dict = {}
    ran = 0
    for k, (kind, body) in enumerate(blocks):
        expected = blocks[k + 1][1] if k + 1 < len(blocks) and blocks[k + 1][0] == "text" else None
        out = io.StringIO()
        if kind == "python":
            with contextlib.redirect_stdout(out):
                exec(compile(body, f"README block {k}", "exec"), namespace)  # the README's own code
            what = f"README python block {k}"
        elif kind == "bash" and any(line.startswith("deltagrad ") for line in body.splitlines()):
            for line in body.splitlines():
                if line.startswith("deltagrad "):
                    with contextlib.redirect_stdout(out):
                        _exit_code(line)
            what = f"README command block {k}"
        else:
            continue
        ran += 1
        if expected is not None:
            _assert_output(out.getvalue(), expected, what)
    assert ran >= 5


def test_every_command_the_readme_mentions_is_promised_an_exit_code() -> None:
    text = README.read_text(encoding="utf-8")
    quoted = set(re.findall(r"`(deltagrad [^`]+)`", text))
    shown = {
        line.split("#")[0].strip()
        for kind, body in _blocks()
        if kind == "bash"
        for line in body.splitlines()
        if line.startswith("deltagrad ")
    }
    assert quoted | shown == set(PROMISED)


@pytest.mark.parametrize("line", sorted(PROMISED))
def test_commands_quoted_in_the_readme_text_exit_as_promised(line: str, tmp_path: Path, monkeypatch) -> None:
    assert line in README.read_text(encoding="utf-8").replace("`", "")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        _exit_code(line)
