"""A random DAG of ``+``, ``×`` and ``relu`` built the way a user's loop builds one: build, backward, free.

The plan (which op, which operands) is drawn once from a seed before any clock
starts, so only the engine is timed. The graph grows in a *pool* of live nodes:
each new node takes the place of its first operand, so an intermediate is
reachable only through the newer nodes made from it, as in a forward pass (the
second operand is another pool node, or an input, which stays shared). Values
stay bounded (|v| ≤ 1000; a step that would leave that range is redrawn), so
nothing overflows. The pool is then summed pairwise into the output, which
depends on every node, so backward visits the whole graph. Then the graph is
dropped and collected: ``free`` is what deleting it costs (reference counting,
then ``gc.collect()`` for whatever the engine left as cyclic garbage, which a
user's next iterations would otherwise pay for in automatic collections), less
what the same ``gc.collect()`` costs on the heap without the graph.

The garbage collector stays at its defaults throughout (no ``gc.freeze``, no
``gc.disable``): its automatic collections during the build are part of what
the build costs, as they are for a user.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ADD, MUL, RELU = 0, 1, 2
N_INPUTS = 100
POOL = 1_000  # live nodes a step picks its operands from
BOUND = 1e3
PHASES = ("build", "backward", "free")


@dataclass(frozen=True)
class Plan:
    inputs: list[float]
    steps: list[tuple[int, int, int]]  # (op, i, j): pool[i] = pool[i] op (pool[j] if j >= 0 else inputs[~j])
    depth: int  # longest path from an input to the output (micrograd's recursion needs this deep)

    @property
    def n_nodes(self) -> int:
        return len(self.steps) + POOL - 1  # the steps, then the pairwise sum of the pool


def _apply(op: int, a: float, b: float) -> float:
    return a + b if op == ADD else a * b if op == MUL else max(a, 0.0)


def make_plan(n_nodes: int, seed: int = 0) -> Plan:
    """Exactly ``n_nodes`` op nodes: ``n_nodes − POOL + 1`` random steps, then the pool's pairwise sum."""
    if n_nodes < POOL:
        raise ValueError(f"the DAG needs at least {POOL} nodes (its pool), got {n_nodes}")
    rng = random.Random(seed)
    inputs = [rng.uniform(-1.5, 1.5) for _ in range(N_INPUTS)]
    values = [inputs[s % N_INPUTS] for s in range(POOL)]
    depth = [0] * POOL
    steps = []
    for _ in range(n_nodes - POOL + 1):
        for _attempt in range(20):
            op = rng.choices((ADD, MUL, RELU), weights=(0.4, 0.4, 0.2))[0]
            i = rng.randrange(POOL)
            j = rng.randrange(POOL) if rng.random() < 0.75 else ~rng.randrange(N_INPUTS)
            b = values[j] if j >= 0 else inputs[~j]
            v = _apply(op, values[i], b)
            if abs(v) <= BOUND:
                break
        else:
            op, j, v = RELU, 0, max(values[i], 0.0)
        depth[i] = 1 + max(depth[i], depth[j] if j >= 0 and op != RELU else 0)
        values[i] = v
        steps.append((op, i, j))
    return Plan(inputs, steps, max(depth) + POOL.bit_length())


def build(leaf: Callable[[float], Any], plan: Plan) -> tuple[Any, list[Any]]:
    """Run the plan on any engine with ``+``, ``*``, ``.relu()``: (output, leaves)."""
    leaves = [leaf(x) for x in plan.inputs]
    pool = [leaves[s % N_INPUTS] for s in range(POOL)]
    for op, i, j in plan.steps:
        if op == RELU:
            pool[i] = pool[i].relu()
        elif op == ADD:
            pool[i] = pool[i] + (pool[j] if j >= 0 else leaves[~j])
        else:
            pool[i] = pool[i] * (pool[j] if j >= 0 else leaves[~j])
    while len(pool) > 1:
        pool = [a + b for a, b in zip(pool[::2], pool[1::2], strict=False)] + pool[len(pool) // 2 * 2 :]
    return pool[0], leaves


def _deep_enough(plan: Plan) -> None:
    # micrograd's topological sort recurses once per level; CPython 3.11+ runs Python-to-Python
    # recursion without the C stack, so a higher limit is safe. deltagrad's walks are iterative.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), plan.depth + 1_000))


def _clock() -> tuple[int, int]:
    return time.process_time_ns(), time.perf_counter_ns()


def measure_time(leaf: Callable[[float], Any], n_nodes: int, repeats: int) -> dict[str, Any]:
    """Median CPU (and wall) ns per node of build, backward and free, and of their total, over ``repeats``."""
    plan = make_plan(n_nodes)
    _deep_enough(plan)
    times: dict[str, list[tuple[int, int]]] = {phase: [] for phase in (*PHASES, "total")}
    for _ in range(repeats):
        gc.collect()  # untimed: each repeat starts from a clean heap
        b0 = _clock()
        gc.collect()  # what a full collection of the heap costs without the graph: subtracted from free
        b1 = _clock()
        t0 = _clock()
        out, leaves = build(leaf, plan)
        t1 = _clock()
        out.backward()
        t2 = _clock()
        result = {"output": float(out.data), "leaf_grads": [float(x.grad) for x in leaves]}  # untimed
        t3 = _clock()
        del out, leaves
        gc.collect()
        t4 = _clock()
        spans = {"build": (t0, t1), "backward": (t1, t2), "free": (t3, t4)}
        for phase, (start, end) in spans.items():
            times[phase].append((end[0] - start[0], end[1] - start[1]))
        times["free"][-1] = tuple(f - (e - s) for f, s, e in zip(times["free"][-1], b0, b1, strict=True))
        times["total"].append(tuple(map(sum, zip(*(times[phase][-1] for phase in PHASES), strict=True))))
    n = plan.n_nodes
    return {
        "nodes": n,
        "depth": plan.depth,
        "repeats": repeats,
        **{f"{phase}_ns_per_node": statistics.median(t[0] for t in ts) / n for phase, ts in times.items()},
        **{f"wall_{phase}_ns_per_node": statistics.median(t[1] for t in ts) / n for phase, ts in times.items()},
        **result,
    }


def _rss_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None


def measure_memory(leaf: Callable[[float], Any], n_nodes: int) -> dict[str, Any]:
    """Bytes per node seen by tracemalloc (Python allocations) and by the OS (RSS), after build and backward."""
    plan = make_plan(n_nodes)
    _deep_enough(plan)
    n = plan.n_nodes
    build(leaf, make_plan(POOL, seed=1))[0].backward()  # warm up: first-call allocations are not the graph's
    gc.collect()

    rss_base = _rss_bytes()
    out, leaves = build(leaf, plan)
    rss_built = _rss_bytes()
    out.backward()
    rss_backward = _rss_bytes()
    del out, leaves
    gc.collect()

    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    out, _leaves = build(leaf, plan)
    built = tracemalloc.get_traced_memory()[0] - base
    out.backward()
    after_backward = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()

    def per_node(x: int | None) -> float | None:
        return None if x is None or rss_base is None else x / n

    return {
        "nodes": n,
        "tracemalloc_built": built / n,
        "tracemalloc_backward": after_backward / n,
        "rss_built": per_node(None if rss_built is None else rss_built - rss_base),
        "rss_backward": per_node(None if rss_backward is None else rss_backward - rss_base),
    }
