"""``python -m bench [--quick|--smoke] [--only dag,…,deltacheck] [--json PATH]``: run, print markdown tables."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from autograd.files import write_atomically
from bench import dag, mlp
from bench.peers import GRAPH_PEERS, PEERS
from bench.report import machine, machine_line, ratio, table, verdict
from bench.runner import FULL, QUICK, SMOKE, Config, run_worker
from bench.sections import bench_deltacheck, bench_digits

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ("dag", "chain", "memory", "mlp", "digits", "deltacheck")


def available(engine: str) -> bool:
    return PEERS[engine].available()


def skipped(engine: str) -> str:
    return f"skipped: {engine} is not installed"


def _max_relative_difference(a: list[float], b: list[float]) -> float:
    return max((abs(x - y) / max(abs(x), abs(y), 1e-300) for x, y in zip(a, b, strict=True)), default=0.0)


# --- 1. DAG ------------------------------------------------------------------


def bench_dag(config: Config) -> dict[str, Any]:
    results = {}
    for peer in GRAPH_PEERS:
        if not peer.available():
            results[peer.name] = {"ok": False, "error": skipped(peer.name)}
            continue
        n = config.dag_nodes_torch if peer.name == "torch" else config.dag_nodes
        params = {"n_nodes": n, "repeats": config.dag_repeats}
        results[peer.name] = run_worker("dag", peer.name, params, config.timeout_s)
    ours = results["deltagrad"]
    total = {k: r["total_ns_per_node"] for k, r in results.items() if r["ok"]}
    rows = []
    for peer in GRAPH_PEERS:
        r = results[peer.name]
        if not r["ok"]:
            rows.append([peer.name, peer.version(), r["error"], *[None] * 6])
            continue
        same_graph = ours["ok"] and r["nodes"] == ours["nodes"]
        agree = _max_relative_difference(r["leaf_grads"], ours["leaf_grads"]) if same_graph else None
        rows.append(
            [
                peer.name,
                peer.version(),
                r["nodes"],
                r["build_ns_per_node"],
                r["backward_ns_per_node"],
                r["free_ns_per_node"],
                total[peer.name],
                ratio(total[peer.name], total.get("deltagrad")),
                "reference" if peer.name == "deltagrad" else None if agree is None else f"{agree:.0e}",
            ]
        )
    speedup = total["micrograd"] / total["deltagrad"] if {"micrograd", "deltagrad"} <= total.keys() else None
    print(f"\n### Random DAG of +, ×, relu ({config.dag_nodes:,} nodes): build, backward, free\n")
    header = ["engine", "version", "nodes", "build ns/node", "backward ns/node", "free ns/node", "total ns/node"]
    print(table([*header, "time ÷ deltagrad's", "grads vs deltagrad (max rel. diff)"], rows))
    depth = f", {ours['depth']:,} levels deep" if ours.get("ok") else ""
    print(
        f"\nCPU time of the process, median of {config.dag_repeats} repeat(s), default GC; the graph grows in a "
        f"pool of {dag.POOL:,} live nodes (each new node replaces its first operand){depth}; free = dropping the "
        "graph plus gc.collect() of what it left as cyclic garbage (net of a collection without it). "
        "PyTorch: 0-d float64 tensors, one thread"
        + (
            f", on a {config.dag_nodes_torch:,}-node graph (scaled per node)."
            if config.dag_nodes_torch != config.dag_nodes and results["torch"]["ok"]
            else "."
        )
    )
    print(
        "Target: build+backward+free ≥10× faster than micrograd: "
        f"{verdict(None if speedup is None else speedup >= 10)}" + ("" if speedup is None else f" ({speedup:.1f}×)")
    )
    return results


# --- 2. deep chain -------------------------------------------------------------


def bench_chain(config: Config) -> dict[str, Any]:
    results: dict[str, Any] = {}
    rows = []
    for peer in GRAPH_PEERS:
        if not peer.available():
            results[peer.name] = {"error": skipped(peer.name)}
            rows.append([peer.name, *[None] * len(config.chain_depths), skipped(peer.name)])
            continue
        attempts, deepest, failed = {}, None, False
        for depth in config.chain_depths:
            if failed or (peer.name == "torch" and depth > config.chain_max_depth_torch):
                attempts[depth] = None
                continue
            r = run_worker("chain", peer.name, {"depth": depth}, config.timeout_s)
            attempts[depth] = r
            if r["ok"] and r["grad_ok"]:
                deepest = depth
            else:
                failed = True
        results[peer.name] = {"attempts": attempts, "deepest": deepest}
        cells = [_chain_cell(attempts[d]) for d in config.chain_depths]
        rows.append([peer.name, *cells, f"{deepest:,}" if deepest else "none tried"])
    print("\n### Deepest chain that backpropagates (y ← y + c, y ← y·s alternately)\n")
    print(table(["engine", *[f"{d:,}" for d in config.chain_depths], "deepest"], rows))
    print(
        "\nEach cell: one subprocess, default recursion limit; build + backward CPU seconds, or how it failed "
        "(– = not tried: a smaller depth failed"
        + (", or skipped in --quick)." if config.chain_max_depth_torch < max(config.chain_depths) else ").")
    )
    ours = results.get("deltagrad", {}).get("deepest")
    print(f"Target: 1,000,000 deep: {verdict(None if ours is None else ours >= 1_000_000)}")
    return results


def _chain_cell(r: dict[str, Any] | None) -> str:
    if r is None:
        return "–"
    if not r["ok"]:
        return r["error"].split(":")[0]
    if not r["grad_ok"]:
        return "wrong gradient"
    return f"✓ {r['build_s'] + r['backward_s']:.2f} s"


# --- 3. memory ------------------------------------------------------------------


def bench_memory(config: Config) -> dict[str, Any]:
    results = {}
    rows = []
    for peer in GRAPH_PEERS:
        if not peer.available():
            results[peer.name] = {"ok": False, "error": skipped(peer.name)}
            rows.append([peer.name, skipped(peer.name), None, None, None, None, None])
            continue
        r = run_worker("memory", peer.name, {"n_nodes": config.memory_nodes}, config.timeout_s)
        results[peer.name] = r
        if not r["ok"]:
            rows.append([peer.name, r["error"], None, None, None, None, None])
            continue
        ours = results["deltagrad"]
        rows.append(
            [
                peer.name,
                r["nodes"],
                r["tracemalloc_built"],
                r["tracemalloc_backward"],
                r["rss_built"],
                r["rss_backward"],
                ratio(r["tracemalloc_built"], ours.get("tracemalloc_built")) if ours["ok"] else None,
            ]
        )
    print(f"\n### Memory per node of the built DAG ({config.memory_nodes:,} nodes)\n")
    header = ["engine", "nodes", "tracemalloc B/node, built", "… after backward", "RSS B/node, built"]
    print(table([*header, "RSS … after backward", "tracemalloc ÷ deltagrad's"], rows))
    print(
        "\ntracemalloc counts Python allocations only: PyTorch's tensors live in libtorch's allocator, so for "
        "torch only the RSS columns are comparable. RSS is the growth of the process's resident memory."
    )
    ours = results["deltagrad"]
    met = None if not ours.get("ok") else ours["tracemalloc_built"] <= 250
    micro = results.get("micrograd", {})
    also = f"; micrograd {micro['tracemalloc_built']:.0f}" if micro.get("ok") else ""
    shown = f" ({ours['tracemalloc_built']:.0f} B/node{also})" if ours.get("ok") else ""
    print(f"Target: ≤250 bytes per node (tracemalloc, built graph): {verdict(met)}{shown}")
    return results


# --- 4. MLP training step ---------------------------------------------------------


def bench_mlp(config: Config) -> dict[str, Any]:
    results = {}
    for name in mlp.IMPLEMENTATIONS:
        module = mlp.NEEDS[name]
        if not (PEERS[name].available() if name in PEERS else _importable(module)):
            results[name] = {"ok": False, "error": f"skipped: {module} is not installed"}
            continue
        params = {"steps": config.mlp_steps, "warm_up": config.mlp_warm_up}
        results[name] = run_worker("mlp", name, params, config.timeout_s)
    reference = "deltagrad-nn" if results["deltagrad-nn"]["ok"] else "deltagrad"
    ref = results[reference]
    rows = []
    for name in mlp.IMPLEMENTATIONS:
        r = results[name]
        if not r["ok"]:
            rows.append([name, mlp.DESCRIPTIONS[name], r["error"], None, None, None])
            continue
        agree = _max_relative_difference(r["losses"], ref["losses"]) if ref["ok"] else None
        rows.append(
            [
                name,
                mlp.DESCRIPTIONS[name],
                r["ms_per_step"],
                ratio(r["ms_per_step"], ref.get("ms_per_step")),
                r["losses"][-1],
                "reference" if name == reference else None if agree is None else f"{agree:.0e}",
            ]
        )
    print(
        f"\n### MLP {'→'.join(map(str, mlp.SIZES))} training step "
        f"({mlp.N_POINTS} two-moons points, summed squared error, SGD)\n"
    )
    header = ["implementation", "how", "ms/step", f"time ÷ {reference}'s", "loss at last step"]
    print(table([*header, f"losses vs {reference} (max rel. diff)"], rows))
    print(
        f"\nCPU ms, median of {config.mlp_steps} step(s){' after one warm-up step' if config.mlp_warm_up else ''}; "
        "all start from the same weights on the same data, so their losses agree step by step. Every step is "
        "forward, backward and the SGD update, and zeroes the gradients it keeps: deltagrad-compiled is what "
        "fit(compile=True) runs for an epoch of the whole batch (the replay's gradient vector handed to "
        "SGD.update, θ kept as a vector, p.data and p.grad written when fit returns or calls back), "
        "deltagrad-compiled-loop the same replay in an ordinary loop over p.data and p.grad; numpy updates its "
        "arrays in place and keeps no gradients to zero."
    )
    micro = results["micrograd"]
    speedup = micro["ms_per_step"] / ref["ms_per_step"] if micro["ok"] and ref["ok"] else None
    paired = paired_speedup(config) if micro["ok"] and reference == "deltagrad-nn" else None
    if paired is not None:
        results["paired"] = paired
        print(paired_line(paired))
    judged, how = (paired["median"], ", the alternating rounds' median") if paired and paired["ok"] else (speedup, "")
    print(
        f"Target: MLP step ≥100× faster than micrograd ({reference}): "
        f"{verdict(None if judged is None else judged >= 100)}" + ("" if judged is None else f" ({judged:.1f}×{how})")
    )
    compiled, numpy = results["deltagrad-compiled"], results["numpy"]
    times = compiled.get("times_numpy")  # measured side by side in one process: the load changes between them
    loop = results["deltagrad-compiled-loop"]
    loop_times = loop["ms_per_step"] / numpy["ms_per_step"] if loop["ok"] and numpy["ok"] else None
    print(
        "Target: the compiled replay's step ≤ 2× numpy's time: "
        f"{verdict(None if times is None else times <= 2.0)}"
        + ("" if times is None else f" ({times:.2f}×, as fit runs it, timed alternately with numpy in one process")
        + ("" if times is None or loop_times is None else f"; {loop_times:.1f}× in an ordinary loop over p.grad")
        + ("" if times is None else ")")
    )
    cost = compiled.get("compile_ms")
    print(
        f"Target: compiling the step ≤ 50 ms: {verdict(None if cost is None else cost <= 50.0)}"
        + ("" if cost is None else f" ({cost:.1f} ms to build one sample's graph and compile it)")
    )
    return results


PAIRED_STEPS = {"deltagrad-nn": 50, "micrograd": 2}  # about 1 s and 3 s of steps on this kind of machine


def paired_speedup(config: Config) -> dict[str, Any] | None:
    """micrograd's step time ÷ deltagrad-nn's, from fresh processes run in turn: deltagrad-nn, micrograd,
    deltagrad-nn, …, deltagrad-nn; each micrograd run is divided by the mean of the two deltagrad-nn runs
    either side of it. A shared machine's speed drifts over seconds (one process has timed the same step at
    18 ms and at 33 ms a few seconds apart), so two runs a minute apart, as in the table, measure the drift
    as much as the engines; runs side by side in time measure the engines. None when ``config`` has no rounds."""
    if config.mlp_rounds < 1:
        return None
    ours, theirs = [], []

    def run(engine: str) -> float | None:
        r = run_worker("mlp", engine, {"steps": PAIRED_STEPS[engine], "warm_up": True}, config.timeout_s)
        return r["ms_per_step"] if r["ok"] else None

    ours.append(run("deltagrad-nn"))
    for _ in range(config.mlp_rounds):
        theirs.append(run("micrograd"))
        ours.append(run("deltagrad-nn"))
    if None in ours or None in theirs:
        return {"ok": False, "error": "a run of the alternating rounds failed"}
    ratios = [m / ((before + after) / 2) for m, before, after in zip(theirs, ours, ours[1:], strict=False)]
    return {"ok": True, "ratios": ratios, "median": statistics.median(ratios), "ours_ms": ours, "micrograd_ms": theirs}


def paired_line(paired: dict[str, Any]) -> str:
    if not paired["ok"]:
        return f"micrograd ÷ deltagrad-nn in alternating processes: not measured ({paired['error']})"
    ratios, ours, theirs = paired["ratios"], paired["ours_ms"], paired["micrograd_ms"]
    return (
        f"micrograd ÷ deltagrad-nn in {len(ratios)} alternating rounds of fresh processes "
        f"({PAIRED_STEPS['deltagrad-nn']} and {PAIRED_STEPS['micrograd']} steps a run, medians): "
        f"{', '.join(f'{r:.0f}×' for r in ratios)}; median {paired['median']:.1f}× "
        f"(deltagrad-nn {min(ours):.1f}–{max(ours):.1f} ms, micrograd {min(theirs):,.0f}–{max(theirs):,.0f} ms)"
    )


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


RUNNERS = {
    "dag": bench_dag,
    "chain": bench_chain,
    "memory": bench_memory,
    "mlp": bench_mlp,
    "digits": bench_digits,
    "deltacheck": bench_deltacheck,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller graphs and fewer repeats (about a minute)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: only checks that every benchmark runs")
    parser.add_argument(
        "--only", default=",".join(BENCHMARKS), help=f"comma-separated subset of {','.join(BENCHMARKS)}"
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write every measurement to PATH as JSON")
    args = parser.parse_args(argv)
    only = [b.strip() for b in args.only.split(",") if b.strip()]
    unknown = sorted(set(only) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}: choose from {', '.join(BENCHMARKS)}")
    config = SMOKE if args.smoke else QUICK if args.quick else FULL
    info = machine()
    versions = ", ".join(
        f"{p.name} {p.version()}" if p.available() else f"{p.name} (not installed)" for p in GRAPH_PEERS
    )
    print(f"## deltagrad benchmark{' (--quick)' if args.quick else ''}\n")
    print(f"{machine_line(info)}\n\n{versions}\n")
    print(
        "Times are CPU time of each benchmark's own process (steadier than wall time on a shared machine; "
        "wall times are in --json). Each engine runs in a fresh subprocess, garbage collector on."
    )
    started = time.perf_counter()
    results: dict[str, Any] = {"machine": info, "config": asdict(config), "quick": args.quick}
    for name in only:
        section = time.perf_counter()
        results[name] = RUNNERS[name](config)
        print(f"\n({name}: {time.perf_counter() - section:.0f} s)")
        sys.stdout.flush()
    elapsed = time.perf_counter() - started
    results["elapsed_s"] = elapsed
    print(f"\n({elapsed:.0f} s in all)")
    if args.json:
        write_atomically(args.json, json.dumps(results, indent=2).encode("utf-8"))


if __name__ == "__main__":
    main()
