"""The errors a user of the engine can meet, each naming the operation at fault."""

from __future__ import annotations


def _operands(operands: tuple[float, ...]) -> str:
    """The operands as the op was called, the middle left out past 6 (a neuron's dot has 2n + 1)."""
    if len(operands) <= 6:
        return ", ".join(repr(x) for x in operands)
    head, tail = ", ".join(repr(x) for x in operands[:4]), repr(operands[-1])
    return f"{head}, … {len(operands) - 5} more …, {tail}"


class DomainError(ValueError):
    """An operation was applied outside its mathematical domain (``log(0)``, ``0 ** -1``...).

    Raised instead of Python's bare ``math domain error`` or a silent ``nan``,
    so that the message says which operation and which operand were at fault.
    """

    def __init__(self, op: str, operands: tuple[float, ...], reason: str) -> None:
        self.op = op
        self.operands = operands
        shown = _operands(operands)
        super().__init__(f"{op}({shown}): {reason}")


class DivisionByZeroError(DomainError, ZeroDivisionError):
    """``x / 0`` or ``0 ** -1``: a ``DomainError`` that is also Python's ``ZeroDivisionError``,
    so code written for floats (``except ZeroDivisionError``) catches it as before."""


class OverflowInOpError(OverflowError):
    """An operation's exact result is too large for a float (``exp(1000)``)."""

    def __init__(self, op: str, operands: tuple[float, ...]) -> None:
        self.op = op
        self.operands = operands
        shown = _operands(operands)
        super().__init__(
            f"{op}({shown}) overflows a float (result larger than ~1.8e308); "
            "rescale the input, or use a stable formulation (e.g. log-sum-exp)"
        )


class BackwardError(RuntimeError):
    """A local derivative could not be computed during the backward pass."""


class NonFiniteGradientError(BackwardError, ArithmeticError):
    """A gradient became infinite or NaN from finite numbers (``(Value(1e-200).log() * 1e200).backward()``).

    Attributes:
        op: the op whose step of the chain rule overflowed (or ``"sum of gradients"``).
    """

    def __init__(self, op: str, message: str) -> None:
        self.op = op
        super().__init__(message)
