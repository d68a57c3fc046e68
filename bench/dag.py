"""A random DAG of ``+``, ``×`` and ``relu``: build and backward time, and bytes per node.

The plan (which op, which earlier nodes) is drawn once from a seed before any
clock starts, so only the engine is timed. Operands are picked uniformly among
all earlier nodes: subexpressions are shared many times over and the graph stays
shallow (no engine hits a recursion limit here). Values are kept bounded
(|v| ≤ 1000) by redrawing a node that would leave that range, so nothing
overflows. Nodes that nothing uses are then summed pairwise, so the output
depends on every node and backward visits the whole graph.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ADD, MUL, RELU = 0, 1, 2
N_INPUTS = 100
BOUND = 1e3


@dataclass(frozen=True)
class Plan:
    inputs: list[float]
    steps: list[tuple[int, int, int]]  # (op, i, j): node = nodes[i] op nodes[j] (relu ignores j)


def _apply(op: int, a: float, b: float) -> float:
    return a + b if op == ADD else a * b if op == MUL else max(a, 0.0)


def make_plan(n_nodes: int, seed: int = 0) -> Plan:
    """Exactly ``n_nodes`` op nodes: random ones, then the pairwise sum of those nothing used."""
    rng = random.Random(seed)
    values = [rng.uniform(-1.5, 1.5) for _ in range(N_INPUTS)]
    inputs = list(values)
    used = [True] * N_INPUTS  # inputs need not feed anything
    unused = 0
    steps = []
    while len(steps) + unused - 1 < n_nodes:  # the pairwise sum will add unused - 1 nodes
        for _attempt in range(20):
            op = rng.choices((ADD, MUL, RELU), weights=(0.4, 0.4, 0.2))[0]
            i, j = rng.randrange(len(values)), rng.randrange(len(values))
            v = _apply(op, values[i], values[j])
            if abs(v) <= BOUND:
                break
        else:
            op, v = RELU, max(values[i], 0.0)
        for k in (i, j) if op != RELU else (i,):
            unused -= not used[k]
            used[k] = True
        steps.append((op, i, j))
        values.append(v)
        used.append(False)
        unused += 1
    frontier = [k for k in range(N_INPUTS, len(values)) if not used[k]]
    while len(frontier) > 1:
        paired = []
        for a, b in zip(frontier[::2], frontier[1::2], strict=False):
            steps.append((ADD, a, b))
            values.append(values[a] + values[b])
            paired.append(len(values) - 1)
        if len(frontier) % 2:
            paired.append(frontier[-1])
        frontier = paired
    return Plan(inputs, steps)


def build(leaf: Callable[[float], Any], plan: Plan) -> tuple[Any, list[Any]]:
    """Run the plan on any engine with ``+``, ``*``, ``.relu()``: (output, leaves)."""
    leaves = [leaf(x) for x in plan.inputs]
    nodes = list(leaves)
    append = nodes.append
    for op, i, j in plan.steps:
        a = nodes[i]
        if op == ADD:
            append(a + nodes[j])
        elif op == MUL:
            append(a * nodes[j])
        else:
            append(a.relu())
    return nodes[-1], leaves


def measure_time(leaf: Callable[[float], Any], n_nodes: int, repeats: int) -> dict[str, Any]:
    """Median CPU time (and wall time) per node of build and of backward."""
    plan = make_plan(n_nodes)
    cpu: dict[str, list[int]] = {"build": [], "backward": []}
    wall: dict[str, list[int]] = {"build": [], "backward": []}
    for _ in range(repeats):
        gc.collect()  # untimed: start each repeat without the previous one's garbage
        c0, w0 = time.process_time_ns(), time.perf_counter_ns()
        out, leaves = build(leaf, plan)
        c1, w1 = time.process_time_ns(), time.perf_counter_ns()
        out.backward()
        c2, w2 = time.process_time_ns(), time.perf_counter_ns()
        cpu["build"].append(c1 - c0)
        cpu["backward"].append(c2 - c1)
        wall["build"].append(w1 - w0)
        wall["backward"].append(w2 - w1)
        result = {"output": float(out.data), "leaf_grads": [float(x.grad) for x in leaves]}
        del out, leaves
    n = len(plan.steps)
    return {
        "nodes": n,
        "repeats": repeats,
        "build_ns_per_node": statistics.median(cpu["build"]) / n,
        "backward_ns_per_node": statistics.median(cpu["backward"]) / n,
        "wall_build_ns_per_node": statistics.median(wall["build"]) / n,
        "wall_backward_ns_per_node": statistics.median(wall["backward"]) / n,
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
    n = len(plan.steps)
    build(leaf, make_plan(100, seed=1))[0].backward()  # warm up: first-call allocations are not the graph's
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
