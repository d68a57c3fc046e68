"""Prints how many cases each fuzz class tried (the figures in the README's Reliability section)."""

from __future__ import annotations

from tests.fuzz.budget import LONG_RUN, tried


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not tried:
        return
    mode = "long (DELTAGRAD_FUZZ=long)" if LONG_RUN else "fixed budget"
    terminalreporter.section(f"fuzz cases tried, {mode}")
    for kind, n in sorted(tried.items()):
        terminalreporter.write_line(f"{kind:40} {n:>8,}")
