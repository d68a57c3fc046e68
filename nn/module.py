"""``Module``: what every network part shares — its parameters, their gradients and their state."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Mapping

from autograd import Value


class Module:
    """A part of a network that owns parameters (Values updated by an optimizer)."""

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """Yield ``(name, parameter)`` pairs, names in the notes' notation (``w^(1)_21``)."""
        yield from ()

    def parameters(self) -> list[Value]:
        """Every parameter, in a fixed order (micrograd's: per layer, per neuron, weights then bias)."""
        return [p for _, p in self.named_parameters()]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.parameters())} parameters)"

    def zero_grad(self) -> None:
        """Clear every parameter's ``.grad`` (leaf gradients accumulate over backward passes)."""
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        """Parameter values by name: plain floats, ready for JSON."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Set every parameter from ``state``; checks everything before changing anything.

        Raises:
            KeyError: a parameter is missing from ``state`` or ``state`` has unknown names.
            TypeError / ValueError: an entry is not a finite real number.
        """
        params = dict(self.named_parameters())
        missing = [n for n in params if n not in state]
        unexpected = [n for n in state if n not in params]
        if missing or unexpected:
            raise KeyError(
                f"state does not match the model: missing {missing[:5]}{'…' if len(missing) > 5 else ''}, "
                f"unexpected {unexpected[:5]}{'…' if len(unexpected) > 5 else ''}"
            )
        for name in params:
            x = state[name]
            if isinstance(x, bool) or not isinstance(x, numbers.Real):
                raise TypeError(f"state[{name!r}] is {type(x).__name__}, expected a number")
            if not math.isfinite(x):
                raise ValueError(f"state[{name!r}] is {x}, expected a finite number")
        for name, p in params.items():
            p.data = float(state[name])
