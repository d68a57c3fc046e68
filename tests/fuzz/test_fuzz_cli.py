"""Command lines, run in-process: every subcommand, hostile values for every option.

Each case is a subcommand with small working defaults followed by options drawn
from lists of values that are valid, borderline or hostile (negative, huge, nan,
inf, 5,000 digits, empty, unicode, a device or a directory as the output). The
command must return 0, 1 or 2, never raise, never print a traceback, never report
a bug (exit 70), and say what was wrong in a ``deltagrad COMMAND: error:`` line when
it exits 2.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from deltagrad.cli import main
from tests.fuzz.budget import LONG_RUN, budget, count

FOLDER = Path(tempfile.mkdtemp(prefix="deltagrad-cli-fuzz-"))
(FOLDER / "file.json").write_text("{}")
if not (FOLDER / "fifo.dot").exists():
    os.mkfifo(FOLDER / "fifo.dot")

INTS = ["-1", "0", "1", "2", "3", "20", "99999999999999999999", "9" * 5000, "1e3", "nan", "", "x", "٣", "1_0"]
FLOATS = ["0", "-0.5", "0.01", "0.1", "1", "1e308", "-1e308", "inf", "nan", "1e-320", "", "x"]
SIZES = ["2,3,1", "2,2", "2,3,3", "2,1", "3,3,1", "2,0,1", "2,99999999999999999999,1", "x", "", "2,,1", "2,-3,1"]
SIZES += ["2,2000,1", "2,40,40,2"]
PATHS = [str(FOLDER / name) for name in ("g.svg", "g.dot", "g.txt", "", "missing/g.svg", "fifo.dot", "file.json")]
PATHS += ["/dev/null", str(FOLDER), "/"]
WORDS = ["relu", "tanh", "sigmoid", "linear", "gelu", "", "ｒｅｌｕ", "squared-error", "cross-entropy", "hinge"]
WORDS += ["binary-cross-entropy", "correct", "missing-factor-2", "notes-as-written", "list", "nope"]

OPTIONS = {
    "check": {
        "--layers": SIZES, "--loss": WORDS, "--rules": WORDS, "--activation": WORDS, "--samples": INTS,
        "--seed": INTS, "--json": None, "--bias": None, "--no-bias": None,
    },
    "train": {
        "--dataset": ["moons", "circles", "spirals", "xor", "blobs", "mnist", ""], "--samples": INTS,
        "--noise": FLOATS, "--classes": INTS, "--layers": SIZES, "--activation": WORDS, "--no-bias": None,
        "--init": ["he", "xavier", "uniform", "zeros"], "--loss": WORDS, "--optimizer": ["sgd", "adam", "lbfgs"],
        "--lr": FLOATS, "--momentum": FLOATS, "--epochs": ["-1", "0", "1", "2", "99999999999999999999", "x"],
        "--batch-size": INTS, "--reduction": ["sum", "mean", "max"], "--l2": FLOATS, "--seed": INTS,
        "--save": PATHS,
    },
    "draw": {
        "--at": ["x=1", "x=nan", "x=1e308,w=-1e308", "ｘ=2", "x=", "=1", "x=1,x=2", "w=5e-324"],
        "--mlp": SIZES, "--activation": WORDS, "--no-bias": None, "--seed": INTS, "--check": WORDS,
        "-o": PATHS, "--no-data": None, "--no-grad": None, "--edges": ["none", "local", "product", "all"],
        "--order": None, "--collapse": None, "--no-clusters": None, "--max-nodes": INTS,
        "--rankdir": ["LR", "TB", "XY"],
    },
    "demo": {"--out": PATHS[-5:], "--seed": INTS, "--epochs": ["-1", "0", "x", "99999999999999999999"],
             "--samples": INTS, "--no-progress": None},
}  # fmt: skip
DEFAULTS = {
    "check": ["--layers", "2,2,2", "--samples", "2"],
    "train": ["--epochs", "1", "--samples", "20", "--layers", "2,3,1", "--no-progress"],
    "draw": [],
    "demo": ["--no-progress"],
}
EXPRESSIONS = ["x*w", "tanh(x*w + b)", "1e200*1e200", "log(x)", "x" * 300, "exp(exp(x))", "-x", "sum()", ""]


@st.composite
def command_lines(draw) -> list[str]:
    command = draw(st.sampled_from(list(OPTIONS)))
    argv = [command, *DEFAULTS[command]]
    if command == "draw" and draw(st.booleans()):
        argv += (
            ["--", draw(st.sampled_from(EXPRESSIONS))] if draw(st.booleans()) else [draw(st.sampled_from(EXPRESSIONS))]
        )
    options = OPTIONS[command]
    for name in draw(st.lists(st.sampled_from(list(options)), max_size=4)):
        argv += [name] if options[name] is None else [name, draw(st.sampled_from(options[name]))]
    if command == "demo" and "--epochs" not in argv:  # a whole demo takes a minute
        argv += ["--epochs", "1" if LONG_RUN else "0"]  # the fixed budget only tries its refusals
    if command == "draw" and "--" in argv:  # everything after -- is the expression: keep it last
        i = argv.index("--")
        argv = argv[:i] + argv[i + 2 :] + argv[i : i + 2]
    return argv


@budget(fast=40, long=1000)
@given(command_lines())
def test_a_command_line_exits_0_1_or_2_with_a_message_never_a_traceback(argv):
    count(f"command lines: {argv[0]}")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    message = err.getvalue()
    assert code in (0, 1, 2), f"exit {code}: {message[-500:]}"
    assert "Traceback" not in message and "this is a bug" not in message, message[-500:]
    if code == 2:
        assert message.startswith(f"deltagrad {argv[0]}: error: ") or message.startswith("usage:"), message[:300]
