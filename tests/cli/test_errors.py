"""The command line never shows a traceback: one line and exit 2 for what a user did, a bug report for the rest.

Each class of hostile argument from issue 14 has a case here; size limits are
checked before anything is allocated (a case that allocated would take minutes
or run out of memory instead of returning in milliseconds). A reader that leaves
early keeps the verdict, so ``deltagrad check … | head -1`` fails a pipefail CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import nn.train
from deltagrad.cli import BUG, main

HOSTILE = {  # argv: what the one line says
    "negative seed": (["check", "--seed", "-1"], "argument --seed: a seed is an int from 0 to 2**128 − 1, got -1"),
    "negative seed, draw": (["draw", "--mlp", "2,3,1", "--seed", "-5"], "a seed is an int from 0"),
    "huge seed": (["train", "--seed", "9" * 50], "a seed is an int from 0 to 2**128 − 1"),
    "huge learning rate": (["train", "--lr", "1e308", "--epochs", "2"], "Adam step: parameter w^(1)_11 would become"),
    "infinite learning rate": (["train", "--lr", "inf"], "argument --lr: expected a finite number"),
    "huge noise": (["train", "--noise", "1e308"], r"argument --noise: expected a finite number in [0, 1e+06]"),
    "nan noise": (["train", "--noise", "nan"], "argument --noise: expected a finite number"),
    "absurd layer": (["train", "--layers", "2,99999999999999999999,1"], "makes a network of 4e+20 weights"),
    "absurd layer, check": (["check", "--layers", "2,99999999999999999999,1"], "at most 2,000 here"),
    "absurd layer, draw": (["draw", "--mlp", "2,99999999999999999999,1"], "makes a network of 4e+20 weights"),
    "absurd samples": (["train", "--samples", "99999999999999"], "argument --samples: expected an int from 1 to"),
    "absurd classes": (["train", "--dataset", "blobs", "--classes", "10000000"], "argument --classes"),
    "absurd epochs": (["train", "--epochs", "99999999999999999999"], "argument --epochs: expected an int"),
    "a check too big to finish": (["check", "--layers", "2,40,40,2", "--samples", "50"], "too big to check"),
    "a 5,000-digit number": (["check", "--samples", "9" * 5000], "far too long for any number here"),
    "nan value": (["draw", "x", "--at", "x=nan"], "--at x: nan is not a finite number"),
    "two spellings of x": (["draw", "x", "--at", "x=1,ｘ=2"], "'x' and 'ｘ' are the same name"),
    "a constant that overflows": (["draw", "1e200*1e200"], "mul(1e+200, 1e+200) overflows"),
    "save over a device": (["train", "--save", "/dev/null"], "refusing to replace '/dev/null': it is a character"),
    "save over a directory": (["train", "--save", "/"], "it is a directory, not a regular file"),
    "save nowhere": (["train", "--save", ""], "--save needs the path of a file to write"),
    "an overflowing penalty": (["train", "--l2", "1e308", "--epochs", "1"], "overflows a float"),
    "a missing value": (
        ["check", "--samples"],
        "argument --samples: expected one argument (see deltagrad check --help)",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_each_hostile_argument_is_one_line_and_exit_2_without_allocating(capsys, case):
    argv, words = HOSTILE[case]
    started = time.process_time()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err, err
    assert err.startswith(f"deltagrad {argv[0]}: error: ") and "Traceback" not in err
    assert err.count("\n") == 1 or "^" in err, "one line (an expression error adds the text and a caret)"
    assert time.process_time() - started < 5.0, "refused before the work, not after it"


def test_the_save_path_is_checked_before_training(capsys, monkeypatch):
    monkeypatch.setattr(nn.train, "fit", lambda *a, **k: pytest.fail("trained before refusing --save"))
    assert main(["train", "--save", "/dev/null"]) == 2


def test_a_failing_dot_is_one_line(capsys, tmp_path, monkeypatch):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "dot").write_text('#!/bin/sh\necho "dot: crashed" >&2\nexit 3\n')
    (fake / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    assert main(["draw", "x*2", "--at", "x=1", "-o", str(tmp_path / "g.svg")]) == 2
    _, err = capsys.readouterr()
    assert err == "deltagrad draw: error: Graphviz's dot failed to lay out the graph: dot: crashed\n"
    assert not (tmp_path / "g.svg").exists()


def test_an_unexpected_exception_is_reported_as_a_bug_with_where_it_happened(capsys, monkeypatch):
    def broken(*args, **kwargs):
        return {}["missing"]  # a KeyError deltagrad never meant to raise

    monkeypatch.setattr(nn.train, "fit", broken)
    monkeypatch.setattr("deltagrad.cli.train.fit", broken)
    assert main(["train", "--epochs", "1"]) == BUG
    err = capsys.readouterr().err
    assert err.startswith("deltagrad train: this is a bug in deltagrad; please report it")
    assert "KeyError: 'missing'" in err and "test_errors.py:" in err and "in broken" in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_deltagrad_traceback_shows_the_traceback_of_a_bug(capsys, monkeypatch):
    monkeypatch.setattr("deltagrad.cli.train.fit", lambda *a, **k: 1 / 0)
    monkeypatch.setenv("DELTAGRAD_TRACEBACK", "1")
    assert main(["train", "--epochs", "1"]) == BUG
    assert "Traceback (most recent call last)" in capsys.readouterr().err


class _ClosedPipe:
    """stdout after the reader left: every write is a BrokenPipeError."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    def isatty(self) -> bool:
        return False


@pytest.mark.parametrize(("rules", "verdict"), [("missing-factor-2", 1), ("correct", 0)])
def test_a_reader_that_leaves_keeps_the_verdict(monkeypatch, rules, verdict):
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert main(["check", "--rules", rules]) == verdict


def test_head_dash_1_under_pipefail_sees_the_failed_check():
    script = f"set -o pipefail; {sys.executable} -m deltagrad check --rules missing-factor-2 | head -1"
    run = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120, cwd=Path.cwd())
    assert run.returncode == 1, run.stderr
    assert run.stdout.startswith("δ-check FAILED") and run.stdout.count("\n") == 1
    assert run.stderr == "", "no 'Exception ignored … BrokenPipeError' at exit"
