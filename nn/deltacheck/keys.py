"""The address of a quantity in a δ check: ``Key(Kind.DELTA, 2)`` is δ^(2), ``Key(Kind.WEIGHT, 1)`` is ∂L/∂W^(1).

Every step of the check (the oracles, the formulas, the diagnosis, the report) files
its arrays under these keys, so a misspelt kind is an error where it is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """What a quantity is; a ``StrEnum``, so ``Kind.DELTA == "delta"`` and it serialises as ``"delta"``."""

    DELTA = "delta"
    WEIGHT = "weight"
    BIAS = "bias"

    @property
    def symbol(self) -> str:
        """δ, ∂L/∂W or ∂L/∂b."""
        return {"delta": "δ", "weight": "∂L/∂W", "bias": "∂L/∂b"}[self.value]


@dataclass(frozen=True)
class Key:
    """The address of one quantity: ``Key(Kind.DELTA, 2)`` is δ^(2). A plain string kind is accepted and checked."""

    kind: Kind
    layer: int

    def __post_init__(self) -> None:
        if self.kind not in tuple(Kind):
            raise ValueError(f"no quantity of kind {self.kind!r}: the kinds are {', '.join(map(str, Kind))}")
        object.__setattr__(self, "kind", Kind(self.kind))

    @property
    def symbol(self) -> str:
        """The quantity in the notes' notation: ``δ^(2)``, ``∂L/∂W^(1)``."""
        return f"{self.kind.symbol}^({self.layer})"
