"""The engines under test and how to make a leaf in each.

deltagrad, micrograd and PyTorch (0-d float64 tensors) share one syntax for
what the benchmarks do (``a + b``, ``a * b``, ``a.relu()``, ``out.backward()``),
so the graph-building loops in ``bench.dag`` and ``bench.chain`` are written
once and timed identically for all three; only the leaf constructor differs.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Peer:
    """An engine: its name in tables, the module that must import, and its distribution for the version."""

    name: str
    module: str
    distribution: str

    def available(self) -> bool:
        return importlib.util.find_spec(self.module.split(".")[0]) is not None

    def version(self) -> str:
        try:
            return importlib.metadata.version(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            return "?"

    def leaf(self) -> Callable[[float], Any]:
        """A function making a leaf (an input that gradients flow to) from a float."""
        if self.name == "deltagrad":
            from autograd import Value

            return Value
        if self.name == "micrograd":
            from micrograd.engine import Value as MicrogradValue

            return MicrogradValue
        if self.name == "torch":
            import torch

            torch.set_num_threads(1)  # 0-d tensors: threads only add overhead

            def tensor(x: float) -> Any:
                return torch.tensor(x, dtype=torch.float64, requires_grad=True)

            return tensor
        raise ValueError(f"no leaf constructor for peer {self.name!r}")


DELTAGRAD = Peer("deltagrad", "autograd", "deltagrad")
MICROGRAD = Peer("micrograd", "micrograd.engine", "micrograd")
TORCH = Peer("torch", "torch", "torch")
GRAPH_PEERS = (DELTAGRAD, MICROGRAD, TORCH)
PEERS = {p.name: p for p in GRAPH_PEERS}
