"""``python -m bench`` runs every benchmark end to end (at tiny sizes: timings are not tested here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_smoke_runs_every_benchmark_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for heading in ("Random DAG", "Deepest chain", "Memory per node", "MLP 2→16→16→1", "UCI digits", "check_deltas"):
        assert heading in result.stdout, result.stdout
    assert result.stdout.count("Target:") == 7
    data = json.loads(out.read_text())
    assert {"dag", "chain", "memory", "mlp", "digits", "deltacheck", "machine"} <= data.keys()


def test_bench_rejects_an_unknown_benchmark_name() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--only", "dag,nope"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "unknown benchmark(s) nope" in result.stderr


def test_instruction_counts_refuse_unknown_implementations_and_too_few_steps() -> None:
    for args, message in ((["--only", "nope"], "unknown implementation(s) nope"), (["--steps", "0"], "at least 1")):
        result = subprocess.run(
            [sys.executable, "-m", "bench.instructions", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 2
        assert message in result.stderr


def test_instruction_counts_say_how_to_get_valgrind_when_it_is_missing(tmp_path: Path) -> None:
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}  # no valgrind on this PATH
    result = subprocess.run(
        [sys.executable, "-m", "bench.instructions"], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 2
    assert "needs valgrind" in result.stderr and "apt-get install valgrind" in result.stderr


def test_the_counted_child_runs_the_steps_it_is_given() -> None:
    from bench import instructions, mlp

    ran = []
    real = mlp.STEPS["numpy"]
    mlp.STEPS["numpy"] = lambda X, y: (step := real(X, y)) and (lambda: ran.append(step()))
    try:
        instructions._child("numpy", 3)
    finally:
        mlp.STEPS["numpy"] = real
    assert len(ran) == 4  # the warm-up and three counted steps
