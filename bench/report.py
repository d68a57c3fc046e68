"""Markdown tables and the description of the machine they were measured on."""

from __future__ import annotations

import datetime
import gc
import os
import platform
import sys
from collections.abc import Sequence
from typing import Any


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine() -> dict[str, Any]:
    return {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "gc": "on" if gc.isenabled() else "off",
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "argv": sys.argv[1:],
    }


def machine_line(m: dict[str, Any]) -> str:
    load = "" if m["load_average"] is None else f", load average {m['load_average'][0]:.2f} at start"
    return f"{m['python']} on {m['platform']}; {m['cpu']}, {m['cpu_count']} CPUs{load}; GC {m['gc']}; {m['date']}"


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A markdown table; numbers right-aligned by the renderer via ``---:``."""
    cells = [[_cell(c) for c in row] for row in rows]
    align = ["---" if i == 0 else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(lines)


def _cell(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def ratio(peer: float | None, ours: float | None) -> str | None:
    """How many times faster (or smaller) deltagrad is than a peer: ``peer / ours``."""
    if peer is None or ours is None or ours == 0:
        return None
    r = peer / ours
    return f"{r:.2g}×" if r < 1 else f"{r:.1f}×" if r < 100 else f"{r:,.0f}×"


def verdict(met: bool | None) -> str:
    return "not measured" if met is None else "**met**" if met else "**not met**"
