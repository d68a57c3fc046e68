"""The training progress bar: tqdm's text bar, shown in place in a terminal and in a notebook alike.

In a terminal the bar redraws itself with ``\\r``. In Jupyter it is one output
that each refresh replaces (an IPython display handle), so the notebook, once
saved, holds the bar's last state (100 %, the final loss) rather than a stream
of every state or a widget's stale "0%".
"""

from __future__ import annotations

import sys
from typing import Any, TextIO


class NotebookLine:
    """A file for tqdm that shows only the latest bar, updating one notebook output in place."""

    encoding = "utf-8"  # tqdm draws its Unicode blocks, not ###

    def __init__(self) -> None:
        from IPython.display import display

        self.handle = display({"text/plain": ""}, raw=True, display_id=True)
        self.last = ""

    def write(self, text: str) -> None:
        line = text.split("\r")[-1].strip()
        if line and line != self.last:
            self.last = line
            self.handle.update({"text/plain": line}, raw=True)

    def flush(self) -> None:
        pass


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    ip = shell.get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


def bar_file() -> TextIO | Any:
    """Where the bar goes: one updating output in a notebook, else stderr."""
    return NotebookLine() if _in_notebook() else sys.stderr
