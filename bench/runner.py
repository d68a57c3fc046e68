"""How much each benchmark runs (full, --quick, --smoke), and running one measurement in a fresh interpreter."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Config:
    dag_nodes: int
    dag_nodes_torch: int  # PyTorch is ~20 µs a node: a smaller graph in --quick, scaled per node
    dag_repeats: int
    chain_depths: tuple[int, ...]
    chain_max_depth_torch: int
    memory_nodes: int
    mlp_steps: int
    mlp_warm_up: bool
    timeout_s: int
    digits_epochs: int  # compiled and numpy; eager trains one epoch (its time per epoch is what is compared)
    digits_train: int | None  # None: all 1,500 training images
    deltacheck_repeats: int
    mlp_rounds: int  # micrograd ÷ deltagrad-nn in alternating processes (bench.__main__.paired_speedup); 0: none


DEPTHS = (100, 1_000, 10_000, 100_000, 1_000_000)
FULL = Config(200_000, 200_000, 5, DEPTHS, 1_000_000, 200_000, 7, True, 900, 10, None, 5, 5)
QUICK = Config(200_000, 20_000, 3, DEPTHS, 100_000, 50_000, 3, True, 300, 5, None, 3, 3)  # the same DAG, fewer repeats
SMOKE = Config(2_000, 2_000, 1, DEPTHS[:2], 1_000, 2_000, 1, False, 120, 1, 128, 1, 0)  # only proves the benchmark runs


def run_worker(task: str, engine: str, params: dict[str, Any], timeout: int) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter: {"ok": True, **result} or {"ok": False, "error": why}."""
    command = [sys.executable, "-m", "bench.worker", task, engine, json.dumps(params)]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": f"timed out after {timeout} s"}
    if done.returncode < 0:
        return {"ok": False, "error": f"crashed ({signal.Signals(-done.returncode).name})"}
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ["no message"]
        return {"ok": False, "error": lines[-1][:160]}
    return {"ok": True, **json.loads(done.stdout.strip().splitlines()[-1])}
