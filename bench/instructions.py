"""``python -m bench.instructions [--steps N] [--only a,b]``: machine instructions per MLP training step.

CPU time on a shared machine moves with its other tenants (the same step has measured 15 to 29 ms
here from one run to the next), so ratios of times are noisy. The number of instructions a step
executes is not: cachegrind (valgrind) counts them, exactly and repeatably. Each implementation of
``bench.mlp`` runs in its own interpreter under ``valgrind --tool=cachegrind`` twice, once with
only the warm-up step and once with ``N`` more steps; the difference over ``N`` is one step's count,
free of start-up and imports. Instructions are not time: an engine whose step waits on memory (micrograd's
cyclic garbage) runs fewer instructions per nanosecond, so its time ratio is larger than its
instruction ratio. Read both: the instructions say how much work each engine does, the times what it costs.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bench import mlp
from bench.report import ratio, table

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ("deltagrad-nn", "deltagrad", "micrograd", "deltagrad-compiled", "numpy")
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def _child(engine: str, steps: int) -> None:
    """Run the warm-up step and ``steps`` more of one implementation (under valgrind, in ``count``)."""
    step = mlp.STEPS[engine](*mlp.moons())
    step()
    for _ in range(steps):
        step()


def count(engine: str, steps: int) -> int:
    """Instructions the interpreter executes for the warm-up step and ``steps`` more of ``engine``."""
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    command += [sys.executable, "-m", "bench.instructions", "--child", engine, str(steps)]
    if shutil.which("setarch"):  # the same addresses every run (no ASLR): counts repeat to the instruction
        command = ["setarch", "-R", *command]
    env = {**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    found = _REFS.search(done.stderr)
    if done.returncode != 0 or found is None:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"{engine} did not run under valgrind (exit {done.returncode}): {last}")
    return int(found.group(1).replace(",", ""))


def per_step(engine: str, steps: int) -> float:
    return (count(engine, steps) - count(engine, 0)) / steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=5, help="steps counted after the warm-up (default 5)")
    parser.add_argument("--only", default=",".join(DEFAULT), help=f"implementations (default {','.join(DEFAULT)})")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "STEPS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child[0], int(args.child[1]))
        return 0
    engines = [e for e in args.only.split(",") if e]
    unknown = [e for e in engines if e not in mlp.STEPS]
    if unknown or not engines:
        parser.error(f"unknown implementation(s) {', '.join(unknown) or '(none)'}: choose from {', '.join(mlp.STEPS)}")
    if args.steps < 1:
        parser.error(f"--steps must be at least 1, got {args.steps}")
    if shutil.which("valgrind") is None:
        print(
            "counting instructions needs valgrind, which is not installed: sudo apt-get install valgrind "
            "(Debian, Ubuntu), then run this again",
            file=sys.stderr,
        )
        return 2
    counts: dict[str, float | str] = {}
    for engine in engines:
        try:
            counts[engine] = per_step(engine, args.steps)
        except RuntimeError as exc:
            counts[engine] = str(exc)[:120]
        print(f"  {engine}: {counts[engine] if isinstance(counts[engine], str) else f'{counts[engine]:,.0f}'}")
    ref = counts.get(engines[0])
    rows = [
        [e, mlp.DESCRIPTIONS[e], c, None]
        if isinstance(c, str)
        else [e, mlp.DESCRIPTIONS[e], c / 1e6, ratio(c, ref if isinstance(ref, float) else None)]
        for e, c in counts.items()
    ]
    print(f"\n### MLP {'→'.join(map(str, mlp.SIZES))} training step: instructions (cachegrind)\n")
    print(table(["implementation", "how", "million instructions/step", f"÷ {engines[0]}'s"], rows))
    print(f"\nInstructions of one step (the mean of {args.steps} after a warm-up step), counted by valgrind.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
