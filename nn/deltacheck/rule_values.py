"""The values a δ equation computes with: a matrix (the notes' matrix notation) or an array with named
indices (``δ_k^(j) σ(z_i^(j−1))``), each carrying its shape as the notes would say it (``n_{j−1} × n_j``).

The same operations run with numbers (inside the δ check, per sample) or without
(``data is None``: when the text is read), so a shape that cannot work is refused
before anything runs, naming both operands and their shapes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn.deltacheck.rule_tree import RuleTextError

Dim = tuple[str, int]
"""A length: ``("v", -1)`` is n of the bound layer minus 1, ``("m", 0)`` n_m, ``("abs", 2)`` n_2, ``ONE`` 1."""
ONE: Dim = ("1", 0)


def dim_words(d: Dim, var: str) -> str:
    anchor, offset = d
    if d == ONE:
        return "1"
    name = var if anchor == "v" else "m" if anchor == "m" else ""
    if anchor == "abs":
        return f"n_{offset}"
    shift = f"{'+' if offset > 0 else '−'}{abs(offset)}" if offset else ""
    return f"n_{name}{shift}" if not shift else f"n_{{{name}{shift}}}"


@dataclass(frozen=True)
class Val:
    """``indices is None``: a matrix with ``dims`` (rows, columns); else one dim per named index (none: a scalar)."""

    data: np.ndarray | None
    dims: tuple[Dim, ...]
    indices: tuple[str, ...] | None
    text: str

    @property
    def scalar(self) -> bool:
        return (self.indices == ()) or (self.indices is None and self.dims == (ONE, ONE))

    def retext(self, text: str) -> Val:
        """The same value, written as ``text`` (for messages)."""
        return Val(self.data, self.dims, self.indices, text)


class Ops:
    """The arithmetic of δ equations; errors point at ``column`` of ``source``."""

    def __init__(self, source: str, var: str) -> None:
        self.source, self.var = source, var

    def error(self, reason: str, column: int) -> RuleTextError:
        return RuleTextError(reason, self.source, 1, column)

    def shape(self, v: Val) -> str:
        words = " × ".join(dim_words(d, self.var) for d in v.dims) if v.dims else "a number"
        if v.indices:
            words = ", ".join(f"{i} over {dim_words(d, self.var)}" for i, d in zip(v.indices, v.dims, strict=True))
            words = f"indexed by {words}"
        if v.data is not None and v.dims:
            words += f" ({' × '.join(str(n) for n in v.data.shape)})"
        return words

    # --- entry by entry -------------------------------------------------------------------
    def elementwise(self, a: Val, b: Val, f, symbol: str, column: int) -> Val:
        text = f"{a.text} {symbol} {b.text}"
        if a.scalar or b.scalar:
            big = b if a.scalar else a
            data = None if a.data is None else f(a.data if not a.scalar else a.data.reshape(()),
                                                   b.data if not b.scalar else b.data.reshape(()))  # fmt: skip
            return Val(data, big.dims, big.indices, text)
        if a.indices is None and b.indices is None:
            if a.dims != b.dims:
                raise self.error(self._mismatch(a, b, f"{symbol} needs two operands of the same shape"), column)
            return Val(None if a.data is None else f(a.data, b.data), a.dims, None, text)
        if a.indices is not None and b.indices is not None:
            return self._indexed(a, b, f, text, column, symbol)
        matrix, indexed = (a, b) if a.indices is None else (b, a)
        if len(indexed.indices) == 1 and matrix.dims[1] == ONE and matrix.dims[0] == indexed.dims[0]:
            column_data = None if indexed.data is None else indexed.data.reshape(-1, 1)
            as_matrix = Val(column_data, matrix.dims, None, indexed.text)
            return self.elementwise(a if a is matrix else as_matrix, b if b is matrix else as_matrix, f, symbol, column)
        raise self.error(self._mismatch(a, b, f"{symbol} cannot mix a matrix with indexed entries"), column)

    def _indexed(self, a: Val, b: Val, f, text: str, column: int, symbol: str) -> Val:
        dims = dict(zip(a.indices, a.dims, strict=True))
        for i, d in zip(b.indices, b.dims, strict=True):
            if dims.setdefault(i, d) != d:
                raise self.error(
                    f"the index {i} runs over {dim_words(dims[i], self.var)} in {a.text} but over "
                    f"{dim_words(d, self.var)} in {b.text}",
                    column,
                )
        order = tuple(dims)
        data = None if a.data is None else f(_align(a, order), _align(b, order))
        return Val(data, tuple(dims[i] for i in order), order, text)

    def _mismatch(self, a: Val, b: Val, what: str) -> str:
        return f"{what}: {a.text} is {self.shape(a)} and {b.text} is {self.shape(b)}"

    # --- juxtaposition: a matrix product -----------------------------------------------------
    def product(self, a: Val, b: Val, column: int) -> Val:
        if a.scalar or b.scalar or (a.indices is not None and b.indices is not None):
            return self.elementwise(a, b, np.multiply, "·", column).retext(f"{a.text} {b.text}")
        if a.indices is not None or b.indices is not None:
            raise self.error(self._mismatch(a, b, "a product cannot mix a matrix with indexed entries"), column)
        if a.dims[1] != b.dims[0]:
            hint = ""
            if a.dims == b.dims or (a.dims[1] == ONE and a.dims[0] == b.dims[0]):
                hint = " — for entry by entry write ⊙ (\\odot)"
            elif a.text.endswith("ᵀ") and a.dims[0] == b.dims[0]:
                hint = (
                    " — without its ᵀ it fits: the notes' W^(l) is n_{l−1} × n_l (entry w_ij joins i of layer "
                    "l−1 to j of layer l); Nielsen's and PyTorch's weight matrices are its transpose"
                )
            raise self.error(
                f"{a.text} {b.text} cannot be a matrix product: {a.text} is {self.shape(a)} and {b.text} is "
                f"{self.shape(b)}; the columns of the first must match the rows of the second{hint}",
                column,
            )
        data = None if a.data is None else a.data @ b.data
        return Val(data, (a.dims[0], b.dims[1]), None, f"{a.text} {b.text}")

    def transpose(self, a: Val, column: int) -> Val:
        if a.indices is not None:
            raise self.error(f"{a.text} has indices: it needs no transpose (swap the indices instead)", column)
        return Val(None if a.data is None else a.data.T, a.dims[::-1], None, f"({a.text})ᵀ")

    def sum_over(self, index: str, a: Val, column: int) -> Val:
        if a.indices is None or index not in a.indices:
            raise self.error(
                f"Σ_{index} sums over {index}, but {index} is not an index of {a.text}: "
                f"write the entries with the index (δ_{index}^(l))",
                column,
            )
        axis = a.indices.index(index)
        keep = tuple(i for i in a.indices if i != index)
        dims = tuple(d for i, d in zip(a.indices, a.dims, strict=True) if i != index)
        return Val(None if a.data is None else a.data.sum(axis=axis), dims, keep, f"Σ_{index} {a.text}")


def _align(v: Val, order: tuple[str, ...]) -> np.ndarray:
    """v's data with one axis per index of ``order`` (length 1 where v has no such index)."""
    data = np.asarray(v.data)
    if v.indices == ():
        return data.reshape((1,) * len(order))
    present = [i for i in order if i in v.indices]
    data = np.transpose(data, [v.indices.index(i) for i in present])
    shape = [data.shape[present.index(i)] if i in present else 1 for i in order]
    return data.reshape(shape)
