"""Where each author puts the numbers: the three layouts a hand-written backprop can use, and the conversions.

- ``"notes"``: the notes' own — ``W^(l)`` is ``n_{l-1} × n_l``, vectors are flat ``(n,)``, one sample per call.
- ``"nielsen"``: Michael Nielsen's ``network.py`` — ``w^l`` is ``n_l × n_{l-1}``, vectors are ``(n, 1)``
  columns, one sample per call, gradients returned as ``(nabla_b, nabla_w)``.
- ``"batch"``: CS231n's — the whole batch at once (``X`` is N × D), ``W`` is ``n_in × n_out``, biases
  ``(n,)`` or ``(1, n)``.

A ``Layout`` turns the network's weights and one sample into the author's shapes, turns the author's
gradients back into the notes' shapes, and names a layer the way the author's code does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Layout:
    """One author's conventions: shapes, call style, and how that author's code names a layer."""

    name: str
    per_sample: bool
    weights_transposed: bool  # W stored n_l × n_{l-1} (Nielsen) rather than n_{l-1} × n_l (the notes)
    columns: bool  # vectors as (n, 1) columns
    description: str

    # --- shapes ---------------------------------------------------------------
    def weight_shape(self, n_prev: int, n: int) -> tuple[int, int]:
        return (n, n_prev) if self.weights_transposed else (n_prev, n)

    def bias_shape(self, n: int) -> tuple[int, ...]:
        """The bias shape this layout writes (``export_weights``); ``bias_fits`` also accepts the others."""
        return (n, 1) if self.columns else (n,)

    def bias_fits(self, shape: tuple[int, ...], n: int) -> bool:
        """A bias gradient of ``n`` numbers as a flat vector, a column or a row: (n,), (n, 1), (1, n)."""
        return shape in ((n,), (n, 1), (1, n))

    # --- the network's numbers, in this layout ----------------------------------
    def weight(self, W: Array) -> Array:
        """``W^(l)`` (the notes' n_{l-1} × n_l) in this layout."""
        return np.array(W.T if self.weights_transposed else W, dtype=np.float64)

    def bias(self, b: Array) -> Array:
        return np.array(b, dtype=np.float64).reshape(self.bias_shape(len(b)))

    def sample(self, x: Array) -> Array:
        """One input or one-hot target row as this layout's vector: flat, or an (n, 1) column."""
        return np.array(x, dtype=np.float64).reshape(-1, 1) if self.columns else np.array(x, dtype=np.float64)

    # --- the author's gradients, back in the notes' shapes ----------------------
    def weight_to_notes(self, G: Array) -> Array:
        return G.T if self.weights_transposed else G

    @staticmethod
    def bias_to_notes(g: Array) -> Array:
        return g.reshape(-1)

    # --- names as the author's code has them ------------------------------------
    def weight_name(self, l: int, m: int) -> str:
        """The author's name for ``∂L/∂W^(l)`` of an ``m``-layer network, with the notes' name after it."""
        if self.name == "nielsen":
            return f"nabla_w[{l - 1}] (nabla_w[{l - 1 - m}], the book's layer {l + 1}; W^({l}) in the notes)"
        if self.name == "batch":
            return f"grads['W{l}'] (∂L/∂W^({l}))"
        return f"∂L/∂W^({l})"

    def bias_name(self, l: int, m: int) -> str:
        if self.name == "nielsen":
            return f"nabla_b[{l - 1}] (nabla_b[{l - 1 - m}], the book's layer {l + 1}; b^({l}) in the notes)"
        if self.name == "batch":
            return f"grads['b{l}'] (∂L/∂b^({l}))"
        return f"∂L/∂b^({l})"

    def delta_name(self, l: int, m: int) -> str:
        """The author's name for ``δ^(l)``, the error signal behind layer l's gradients."""
        if self.name == "nielsen":
            return f"delta of the book's layer {l + 1} (δ^({l}) in the notes, read off nabla_b[{l - 1}])"
        if self.name == "batch":
            return f"{'dscores' if l == m else f'dhidden of layer {l}'} (δ^({l}), one row per sample)"
        return f"δ^({l})"

    def entry_note(self) -> str:
        """How the report's entry names (the notes' ``w^(l)_ij``) map onto the author's arrays."""
        if self.name == "nielsen":
            return "entries are named as in the notes: w^(l)_ij is nabla_w[l−1][j−1, i−1], b^(l)_j is nabla_b[l−1][j−1]"
        if self.name == "batch":
            return "entries are named as in the notes: w^(l)_ij is grads['Wl'][i−1, j−1], b^(l)_j is grads['bl'][j−1]"
        return "entries are named as in the notes: w^(l)_ij is W^(l)[i−1, j−1]"


LAYOUTS: dict[str, Layout] = {
    "notes": Layout("notes", True, False, False, "the notes: W^(l) is n_{l−1} × n_l, flat vectors, one sample"),
    "nielsen": Layout(
        "nielsen", True, True, True, "Nielsen's network.py: w^l is n_l × n_{l−1}, (n, 1) columns, one sample"
    ),
    "batch": Layout("batch", False, False, False, "CS231n: the whole batch (N × D), W is n_in × n_out"),
}
"""Every layout by name."""


def layout_named(name: str | Layout) -> Layout:
    """The layout called ``name``; the error lists the layouts there are."""
    if isinstance(name, Layout):
        return name
    if name not in LAYOUTS:
        raise ValueError(
            f"unknown layout {name!r}: choose one of "
            + "; ".join(f"{k!r} ({v.description})" for k, v in LAYOUTS.items())
        )
    return LAYOUTS[name]


def export_weights(W: list[Array | None], b: list[Array | None], layout: str | Layout) -> tuple[list, list]:
    """``(weights, biases)``, one array per layer 1..m in ``layout`` (biases None when the network has none)."""
    lay = layout_named(layout)
    weights = [lay.weight(Wl) for Wl in W[1:]]
    biases = [None if bl is None else lay.bias(bl) for bl in b[1:]]
    return weights, biases
