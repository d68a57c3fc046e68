"""What can go wrong when drawing, each error saying what to do about it."""

from __future__ import annotations

INSTALL_GRAPHVIZ = """\
  sudo apt-get install graphviz            # Debian, Ubuntu
  sudo dnf install graphviz                # Fedora, RHEL
  brew install graphviz                    # macOS
  conda install -c conda-forge graphviz    # conda"""


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program, which lays the graph out, is not on the PATH.

    The Python ``graphviz`` package only writes DOT text; turning it into an
    SVG, PNG or PDF needs the system binary. ``draw(...).source`` and writing a
    ``.dot`` file still work without it.
    """

    def __init__(self, detail: str = "") -> None:
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"Graphviz is missing: its 'dot' program is not on the PATH{extra}. Install it with one of:\n"
            f"{INSTALL_GRAPHVIZ}\n"
            "Without it, draw(...).source gives the DOT text, and render(root, 'graph.dot') writes it."
        )


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes``: drawn whole it would be an unreadable blob."""

    def __init__(self, n_nodes: int, max_nodes: int, suggestions: list[str]) -> None:
        self.n_nodes, self.max_nodes = n_nodes, max_nodes
        ways = "".join(f"\n  - {s}" for s in suggestions)
        super().__init__(
            f"this graph has {n_nodes} nodes, more than max_nodes={max_nodes}: "
            f"drawn whole it would be unreadable. To see it:{ways}"
        )


class UnsupportedFormatError(ValueError):
    """The output path's suffix is not a format ``render`` writes."""


class OutputPathError(OSError):
    """The output file cannot be written (missing directory, no permission, a directory in the way)."""


class LayoutError(RuntimeError):
    """Graphviz's ``dot`` ran but failed: it crashed, or refused the DOT text (a string over 16,384 characters)."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        hint = ""
        if "16384" in detail:
            hint = " (Graphviz refuses any label longer than 16,384 characters: shorten the names)"
        super().__init__(f"Graphviz's dot failed to lay out the graph: {detail or 'no message'}{hint}")
