"""The two benchmarks of compiled replays on real work: training on the UCI digits, and ``check_deltas``."""

from __future__ import annotations

import importlib.util
from typing import Any

from bench import deltacheck, digits
from bench.report import ratio, table, verdict
from bench.runner import Config, run_worker

DIGITS_ENGINES = {
    "eager": "nn.fit, one graph per sample",
    "compiled": "nn.fit(compile=True)",
    "numpy": "numpy by hand, the same Adam",
}


def bench_digits(config: Config) -> dict[str, Any]:
    if importlib.util.find_spec("sklearn") is None:
        print("\n### UCI digits\n\nskipped: scikit-learn (which ships the data) is not installed: "
              "pip install 'deltagrad[digits]'")  # fmt: skip
        return {"skipped": "scikit-learn is not installed"}
    results = {}
    for engine in DIGITS_ENGINES:
        epochs = 1 if engine == "eager" else config.digits_epochs
        params = {"epochs": epochs, "n_train": config.digits_train}
        results[engine] = run_worker("digits", engine, params, config.timeout_s)
    numpy = results["numpy"]
    rows = []
    for engine, how in DIGITS_ENGINES.items():
        r = results[engine]
        if not r["ok"]:
            rows.append([engine, how, r["error"], None, None, None, None])
            continue
        agree = abs(r["losses"][0] - numpy["losses"][0]) / numpy["losses"][0] if numpy["ok"] else None
        rows.append([engine, how, r["s_per_epoch"] * 1e3, ratio(r["s_per_epoch"], numpy.get("s_per_epoch")),
                     r["epochs"], f"{r['test_accuracy']:.1%}", None if agree is None else f"{agree:.0e}"])  # fmt: skip
    n_train = next((r["n_train"] for r in results.values() if r["ok"]), None)
    print(f"\n### UCI digits: MLP {'→'.join(map(str, digits.SIZES))}, softmax cross-entropy, Adam "
          f"(lr {digits.LR}, batches of {digits.BATCH}, {n_train} training images)\n")  # fmt: skip
    header = ["training", "how", "ms/epoch", "time ÷ numpy's", "epochs", "test accuracy", "epoch-1 loss vs numpy"]
    print(table(header, rows))
    print(
        f"\nCPU ms per epoch, median over the epochs run (the compiled run's first epoch, which compiles, "
        f"is in --json); accuracy on {digits.N_TEST} held-out digits after the epochs run. All three start from "
        "the same weights and see the same batches, so eager, trained longer, reaches the compiled run's accuracy."
    )
    compiled, eager = results["compiled"], results["eager"]
    if compiled["ok"] and eager["ok"]:
        print(f"A compiled epoch is {eager['s_per_epoch'] / compiled['s_per_epoch']:.0f}× faster than an eager one.")
    return results


def bench_deltacheck(config: Config) -> dict[str, Any]:
    r = run_worker("deltacheck", "deltagrad", {"repeats": config.deltacheck_repeats}, config.timeout_s)
    print(f"\n### check_deltas: MLP {'→'.join(map(str, deltacheck.SIZES))}, {deltacheck.N_SAMPLES} samples\n")
    if not r["ok"]:
        print(f"failed: {r['error']}")
        return r
    fd_ratio = ratio(r["fd_eager_s"], r["fd_replay_s"])
    rows = [
        ["check_deltas (finite differences by one replay)", r["check_s"] * 1e3, "passed" if r["passed"] else "FAILED"],
        ["  its finite differences alone", r["fd_replay_s"] * 1e3, f"max diff. vs eager {r['max_difference']:.0e}"],
        ["finite differences by eager forward passes (the reference)", r["fd_eager_s"] * 1e3, f"{fd_ratio} slower"],
    ]  # fmt: skip
    print(table(["what", "CPU ms", "note"], rows))
    print(
        f"\nMedian of {config.deltacheck_repeats} run(s); 337 parameters, a 4-point stencil: "
        "1,348 evaluations of the loss."
    )
    print(f"Target: check_deltas ≤ 0.1 s: {verdict(r['check_s'] <= 0.1)} ({r['check_s'] * 1e3:.0f} ms)")
    return r
