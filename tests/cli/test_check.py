"""``deltagrad check``: exit 0 when the formulas agree, 1 when they do not, 2 for bad arguments."""

from __future__ import annotations

import json

import pytest

from deltagrad.cli import main
from nn.deltacheck import RULE_SETS


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_correct_rules_pass_with_exit_code_0(capsys):
    code, out, _ = run(capsys, "--layers", "2,3,3,2", "--loss", "squared-error", "--seed", "3")
    assert code == 0
    assert out.startswith("δ-check passed") and "\033[" not in out  # captured output is not a terminal


@pytest.mark.parametrize("rules", [name for name in RULE_SETS if name != "correct"])
def test_every_erratum_fails_with_exit_code_1(capsys, rules):
    loss = "cross-entropy" if rules == "garbled-cross-entropy" else "squared-error"
    code, out, _ = run(capsys, "--rules", rules, "--loss", loss)
    assert code == 1
    assert "FAILED" in out and "Diagnosis:" in out


def test_missing_factor_2_names_layer_and_diagnosis(capsys):
    code, out, _ = run(capsys, "--layers", "2,3,3,2", "--rules", "missing-factor-2")
    assert code == 1
    assert "first failing layer (counting from the output): 3" in out and "factor of 2" in out


def test_json_output_is_the_report_as_data(capsys):
    code, out, _ = run(capsys, "--layers", "3,4,2", "--loss", "cross-entropy", "--bias", "--seed", "5", "--json")
    data = json.loads(out)
    assert code == 0 and data["passed"] is True and data["loss"] == "cross-entropy"
    assert {q["quantity"] for q in data["quantities"]} >= {"δ^(2)", "∂L/∂W^(2)", "∂L/∂b^(2)", "∂L/∂b^(1)"}


def test_no_bias_is_the_default_as_in_the_notes(capsys):
    _, out, _ = run(capsys, "--json")
    assert all("∂L/∂b" not in q["quantity"] for q in json.loads(out)["quantities"])


def test_rules_list_names_every_rule_set(capsys):
    code, out, _ = run(capsys, "--rules", "list")
    assert code == 0
    for name in RULE_SETS:
        assert name in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rules", "nope"], "--rules must be one of"),
        (["--layers", "2,x"], "--layers must be comma-separated"),
        (["--layers", "2"], "input first, at least two"),
        (["--loss", "hinge"], "--loss must be one of"),
        (["--loss", "cross-entropy", "--layers", "2,3,1"], "one output per class"),
        (["--samples", "0"], "argument --samples: expected an int from 1 to 1,000, got 0"),
        (["--activation", "swish"], "--activation must be one of"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert message in err and err.startswith("deltagrad check: error:")


def test_a_malformed_number_is_one_line_and_exit_code_2(capsys):
    assert main(["check", "--seed", "x"]) == 2
    err = capsys.readouterr().err
    assert err == "deltagrad check: error: argument --seed: 'x' is not a whole number (see deltagrad check --help)\n"
