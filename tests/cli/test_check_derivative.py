"""``deltagrad check-derivative`` and ``deltagrad check --rule-text``: exit 0 / 1 / 2, errors with a caret."""

from __future__ import annotations

import json

import pytest

from deltagrad.cli import main

CLAIM = r"$x\,(1-\tanh^2(xw+b))$"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_right_claim_in_latex_exits_0(capsys) -> None:
    code, out, _ = run(capsys, "check-derivative", "tanh(x*w + b)", "--wrt", "w", "--claim", CLAIM, "--samples", "3")
    assert code == 0 and out.startswith("∂f/∂w = x·(1 − tanh(x·w + b)^2)  holds: 3 of 3 points")


def test_a_wrong_claim_exits_1_with_its_diagnosis(capsys) -> None:
    args = ["check-derivative", "tanh(x*w + b)", "--wrt", "w", "--claim", r"1 - \tanh^2(xw+b)", "--samples", "3"]
    code, out, _ = run(capsys, *args, "--at", "x=0.5,w=-1.2,b=0.1")
    assert code == 1 and "did you forget ∂(x·w + b)/∂w = x?" in out
    assert "x = 0.5, w = -1.2, b = 0.1" in out.splitlines()[3]


def test_second_derivatives_and_json(capsys) -> None:
    code, out, _ = run(capsys, "check-derivative", "x**3", "--wrt", "x", "--claim", "6x", "--order", "2", "--json")
    data = json.loads(out)
    assert code == 0 and data["passed"] and data["order"] == 2 and data["claim_read_as"] == "6·x"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tanh(x*w + b)", "--wrt", "w", "--claim", r"$x\,(1-\tanh^2(xw+b)$"], "(at column 21)"),
        (["tanh(x*w +)", "--wrt", "w", "--claim", "x"], "not a valid expression"),
        (["x**2", "--wrt", "y", "--claim", "2*x"], "wrt='y' is not an input of f"),
        (["x**2", "--wrt", "x", "--claim", "2*x", "--at", "x=oops"], "--at takes name=number pairs"),
    ],
)
def test_bad_input_exits_2_with_one_clear_message(capsys, args: list[str], message: str) -> None:
    code, out, err = run(capsys, "check-derivative", *args)
    assert code == 2 and out == "" and message in err and "Traceback" not in err
    if "column" in message:
        assert err.rstrip().endswith("^")


def test_rule_text_replaces_a_rule_and_is_shown(capsys) -> None:
    code, out, _ = run(capsys, "check", "--rule-text", r"\delta^{(m)} = z^{(m)} - y")
    assert code == 1 and "    δ^(m) = z^(m) − y" in out and "lose its ½" in out
    code, out, _ = run(capsys, "check", "--rule-text", "δ^(l-1) = σ'(z^(l-1)) ⊙ W^(l) δ^(l)")
    assert code == 0


def test_rule_text_that_cannot_work_exits_2_with_a_caret(capsys) -> None:
    code, _, err = run(capsys, "check", "--rule-text", r"\delta^{(j-1)} = \sigma'(z^{(i-1)}) W^{(i)} \delta^{(j)}")
    assert code == 2 and "the index i is not bound: the left side is δ^(j−1); did you mean j?" in err
    assert err.rstrip().endswith("^")


def test_a_delta_m_line_for_the_other_loss_is_noted(capsys) -> None:
    code, _, err = run(capsys, "check", "--rule-text", "δ^(m) = p − y")
    assert code == 0 and "is the cross-entropy δ^(m); --loss is squared-error" in err
