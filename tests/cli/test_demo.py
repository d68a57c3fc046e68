"""``deltagrad demo`` end to end: it trains, checks, draws, and says where it wrote what."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from deltagrad.cli import main
from nn.deltacheck.report import STATUS_COLORS


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    out = tmp_path_factory.mktemp("demo")
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["demo", "--out", str(out), "--no-progress"])
    return code, buffer.getvalue(), out


def test_demo_exits_0_when_correct_rules_pass_and_notes_as_written_fail(demo_run: tuple[int, str, Path]) -> None:
    code, text, _ = demo_run
    assert code == 0, text
    assert "δ-check passed" in text
    assert "δ-check FAILED" in text


def test_demo_reports_training_accuracy_of_the_trained_network(demo_run: tuple[int, str, Path]) -> None:
    _, text, _ = demo_run
    match = re.search(r"training accuracy ([\d.]+)%", text)
    assert match and float(match.group(1)) >= 95.0, text


def test_demo_diagnoses_the_missing_factor_2(demo_run: tuple[int, str, Path]) -> None:
    _, text, _ = demo_run
    assert "factor of 2" in text


def test_demo_writes_the_files_it_names(demo_run: tuple[int, str, Path]) -> None:
    _, text, out = demo_run
    written = [Path(p) for p in re.findall(r"^wrote (.+)$", text, flags=re.M)]
    assert {p.name for p in written} == {"network-delta-check.svg", "decision-boundary.png"}
    for path in written:
        assert path.exists() and path.stat().st_size > 0
        assert path.parent == out
    assert (out / "decision-boundary.png").read_bytes().startswith(b"\x89PNG")


def test_demo_graph_marks_disagreeing_deltas_red(demo_run: tuple[int, str, Path]) -> None:
    _, _, out = demo_run
    svg = ET.parse(out / "network-delta-check.svg").getroot()
    strokes = {el.get("stroke") for el in svg.iter() if el.get("stroke")}
    texts = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "δ formula" in texts
    assert {STATUS_COLORS["fail"], STATUS_COLORS["ok"]} <= strokes, strokes  # the notes as written: some δ wrong


def test_demo_rejects_an_output_folder_it_cannot_create(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code = main(["demo", "--out", str(blocker / "sub"), "--no-progress"])
    assert code == 2
    assert "cannot create the output folder" in capsys.readouterr().err
