"""Runs one measurement in a fresh interpreter and prints it as JSON.

``python -m bench.worker TASK ENGINE '{"param": value}'``; ``bench.__main__``
starts one per (benchmark, engine) so each is isolated from the others.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def run(task: str, engine: str, params: dict[str, Any]) -> dict[str, Any]:
    if task == "mlp":
        from bench import mlp

        return mlp.measure(engine, **params)
    if task == "digits":
        from bench import digits

        return digits.measure(engine, **params)
    if task == "deltacheck":
        from bench import deltacheck

        return deltacheck.measure(**params)
    from bench.peers import PEERS

    leaf = PEERS[engine].leaf()
    if task == "dag":
        from bench import dag

        return dag.measure_time(leaf, **params)
    if task == "memory":
        from bench import dag

        return dag.measure_memory(leaf, **params)
    if task == "chain":
        from bench import chain

        return chain.measure(leaf, **params)
    raise ValueError(f"unknown task {task!r}")


def main() -> None:
    task, engine, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    print(json.dumps(run(task, engine, params)))


if __name__ == "__main__":
    main()
