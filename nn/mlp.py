"""Neurons, layers and multi-layer perceptrons, in the notes' notation.

Layer ``l`` (1-based; layer 0 is the input ``a^(0) = x``) has ``n_l`` neurons.
Neuron ``j`` of layer ``l`` computes ``z^(l)_j = Σ_i a^(l-1)_i w^(l)_ij (+ b^(l)_j)``
as one ``dot`` node (``nn.layer``) and ``a^(l)_j = σ(z^(l)_j)``; the output layer
``m`` is linear (``a^(m) = z^(m)``, the notes') unless ``output_activation`` gives
it a σ too. Every Value made here carries its label, so after ``loss.backward()``
the δ of the notes is simply ``z.grad``.
"""

from __future__ import annotations

import numbers
import os
import reprlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from autograd import Value
from autograd.notation import typeset
from autograd.value import all_values
from nn.init import INITS, Seed, generator, resolve
from nn.layer import ACTIVATIONS, Layer, Neuron, label
from nn.module import Module

__all__ = ["ACTIVATIONS", "INITS", "MLP", "Layer", "Neuron", "Trace", "label"]


@dataclass
class Trace:
    """One forward pass, layer by layer: ``a[l]`` for l = 0..m and ``z[l]`` for l = 1..m (``z[0]`` is empty).

    After ``loss.backward()``, ``z[l][j-1].grad`` is the notes' ``δ^(l)_j``.
    """

    a: list[list[Value]]
    z: list[list[Value]]

    @property
    def output(self) -> list[Value]:
        """The network's output ``a^(m)``: the very Values ``z^(m)`` when the output layer is linear."""
        return self.a[-1]

    def deltas(self, layer: int) -> list[float]:
        """``δ^(l)`` as autograd found it (read after ``backward()``)."""
        return [z.grad for z in self.z[layer]]


class MLP(Module):
    """A multi-layer perceptron: hidden layers with an activation, an output layer (linear by default).

    ``MLP(2, [16, 16, 1])`` is micrograd's call and behaves the same way: ``model(x)``
    returns one Value when the output layer has one neuron, else a list; after
    ``random.seed(s)`` it starts from the weights micrograd's ``MLP`` would draw.
    The lecture's tanh network (tanh on every layer, output included) is
    ``MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh")``.

    Args:
        n_inputs: ``n_0``, the length of each input ``x``.
        layer_sizes: ``[n_1, …, n_m]``; the last layer is the output.
        activation: σ of the hidden layers: ``"relu"`` (the notes), ``"tanh"``, ``"sigmoid"``, ``"linear"``.
        bias: whether neurons have a bias ``b^(l)_j`` (the notes have none).
        init: ``"uniform"`` (U(−1, 1), micrograd's), ``"he"`` or ``"xavier"``; None (the default)
            is micrograd's uniform when ``seed`` is None and He when a seed is given (``nn.init``).
        seed: an int or ``random.Random`` for reproducible weights; None draws from the ``random``
            module, as micrograd does.
        output_activation: σ of the output layer: None or ``"linear"`` (the notes' ``a^(m) = z^(m)``),
            ``"relu"``, ``"tanh"``, ``"sigmoid"``.
    """

    def __init__(
        self,
        n_inputs: int,
        layer_sizes: Sequence[int],
        activation: str = "relu",
        bias: bool = True,
        init: str | None = None,
        seed: Seed = None,
        *,
        output_activation: str | None = None,
    ) -> None:
        output_activation = "linear" if output_activation is None else output_activation
        layer_sizes = _as_sizes(layer_sizes)
        if isinstance(n_inputs, numbers.Integral) and not isinstance(n_inputs, bool):
            n_inputs = int(n_inputs)  # numpy's ints too
        _check_architecture(n_inputs, layer_sizes, activation, init, output_activation)
        _check_bias_and_size(n_inputs, layer_sizes, bias)
        init = resolve(init, seed)
        rng = generator(seed)
        sizes = [n_inputs, *layer_sizes]
        self.n_inputs, self.activation, self.bias, self.init = n_inputs, activation, bool(bias), init
        self.output_activation = output_activation
        self._input_labels = [label("a", 0, i) for i in range(1, n_inputs + 1)]
        self.layers = [
            Layer(
                sizes[l - 1],
                sizes[l],
                activation if l < len(sizes) - 1 else output_activation,
                bias,
                layer=l,
                init=init,
                seed=rng,
            )
            for l in range(1, len(sizes))
        ]

    @property
    def sizes(self) -> list[int]:
        """``[n_0, n_1, …, n_m]``."""
        return [self.n_inputs] + [len(layer.neurons) for layer in self.layers]

    @property
    def threshold(self) -> float:
        """Where a one-output classifier's output splits the classes: the middle of σ's range (0.5 for sigmoid)."""
        return 0.5 if self.output_activation == "sigmoid" else 0.0

    def trace(self, x: Sequence[Value | float]) -> Trace:
        """Run the forward pass and keep every layer's ``z`` and ``a`` (for reading δ per layer)."""
        a = self._inputs(x)
        trace = Trace(a=[a], z=[[]])
        for layer in self.layers:
            z, a = layer.forward(a)
            trace.z.append(z)
            trace.a.append(a)
        return trace

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        a = self._inputs(x)
        for layer in self.layers:  # trace's pass, keeping only the last a
            a = layer.forward(a)[1]
        return a[0] if len(a) == 1 else a

    def _inputs(self, x: Sequence[Value | float]) -> list[Value]:
        if type(x) is list and len(x) == self.n_inputs and all_values(x):  # Values already: nothing to check
            return x.copy()
        if isinstance(x, (str, bytes)) or not isinstance(x, Sequence | np.ndarray):
            raise TypeError(f"model input x must be a sequence of {self.n_inputs} numbers, got {type(x).__name__}")
        if len(x) != self.n_inputs:
            raise ValueError(f"model input x has {len(x)} entries, but this MLP expects n_inputs={self.n_inputs}")
        a = []
        for i, (xi, name) in enumerate(zip(x, self._input_labels, strict=True)):
            if isinstance(xi, Value):
                a.append(xi)
            elif isinstance(xi, numbers.Real) and not isinstance(xi, bool):
                a.append(Value(float(xi), label=name))
            else:
                raise TypeError(f"model input x[{i}] is {type(xi).__name__} {xi!r}, expected a number")
        return a

    def parameters(self) -> list[Value]:
        """Every parameter, layer by layer (``named_parameters``' order, micrograd's): a step's loop reads it."""
        return [p for layer in self.layers for p in layer.parameters()]

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """``(label, Value)`` for every parameter, layer by layer (``w^(l)_ij``, ``b^(l)_j``)."""
        for layer in self.layers:
            yield from layer.named_parameters()

    # --- the notes' matrices -------------------------------------------
    def _layer(self, l: int) -> Layer:
        if isinstance(l, bool) or not isinstance(l, int) or not 1 <= l <= len(self.layers):
            raise IndexError(f"layer must be an int from 1 to {len(self.layers)} (layer 0 is the input), got {l!r}")
        return self.layers[l - 1]

    def weight_matrix(self, l: int, grad: bool = False) -> np.ndarray:
        """``W^(l)``: an ``n_{l-1} × n_l`` array whose entry ``[i-1, j-1]`` is ``w^(l)_ij``.

        With ``grad=True``, the same shape filled with each weight's ``.grad``: after
        ``loss.backward()`` that is autograd's ``∂L/∂W^(l)``, to compare with ``a^(l-1) (δ^(l))ᵀ``.
        """
        field = "grad" if grad else "data"
        return np.array([[getattr(w, field) for w in n.w] for n in self._layer(l).neurons], dtype=np.float64).T

    def set_weight_matrix(self, l: int, W: np.ndarray) -> None:
        """Set ``W^(l)`` from an ``n_{l-1} × n_l`` array of finite numbers."""
        layer = self._layer(l)
        W = np.asarray(W, dtype=np.float64)
        expected = (len(layer.neurons[0].w), len(layer.neurons))
        if W.shape != expected:
            raise ValueError(f"W^({l}) must have shape {expected} (n_{l - 1} × n_{l}), got {W.shape}")
        if not np.all(np.isfinite(W)):
            raise ValueError(f"W^({l}) has non-finite entries")
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                w.data = float(W[i, j])

    def bias_vector(self, l: int, grad: bool = False) -> np.ndarray | None:
        """``b^(l)`` as an ``n_l`` array (its ``.grad`` with ``grad=True``), or None without biases."""
        layer = self._layer(l)
        field = "grad" if grad else "data"
        return np.array([getattr(n.b, field) for n in layer.neurons]) if self.bias else None

    def set_bias_vector(self, l: int, b: np.ndarray) -> None:
        """Set ``b^(l)`` from ``n_l`` finite numbers (the MLP must have biases)."""
        layer = self._layer(l)
        if not self.bias:
            raise ValueError("this MLP was built with bias=False: it has no b^(l) to set")
        b = np.asarray(b, dtype=np.float64).reshape(-1)
        if b.shape != (len(layer.neurons),) or not np.all(np.isfinite(b)):
            raise ValueError(f"b^({l}) must be {len(layer.neurons)} finite numbers, got shape {b.shape}")
        for neuron, bj in zip(layer.neurons, b, strict=True):
            neuron.b.data = float(bj)

    def export_weights(self, layout: str = "notes") -> tuple[list[np.ndarray], list[np.ndarray | None]]:
        """``(weights, biases)``, one array per layer 1..m, in a hand-written backprop's layout.

        ``"notes"``: ``W^(l)`` n_{l-1} × n_l, flat biases; ``"nielsen"``: n_l × n_{l-1} and (n, 1) columns,
        ready for ``network.weights`` / ``network.biases``; ``"batch"`` (CS231n): n_in × n_out, flat biases.
        Biases are None without them. Copies: changing them leaves the model alone.
        """
        from nn.deltacheck.layouts import export_weights  # the layouts live with the δ check

        m = len(self.layers)
        W = [None] + [self.weight_matrix(l) for l in range(1, m + 1)]
        b = [None] + [self.bias_vector(l) for l in range(1, m + 1)]
        return export_weights(W, b, layout)

    def __repr__(self) -> str:
        sizes = " → ".join(str(n) for n in self.sizes)
        return f"MLP({sizes}, activation={self.activation!r}, bias={self.bias}, output {self.output_activation})"

    def _repr_html_(self) -> str:
        """One row per layer in the notes' notation: sizes, σ, the shape of W⁽ˡ⁾, parameters."""
        rows = []
        for l, layer in enumerate(self.layers, start=1):
            n_in, n_out = len(layer.neurons[0].w), len(layer.neurons)
            sup = typeset(f"W^({l})")
            sigma = f"{self.output_activation} (output)" if l == len(self.layers) else self.activation
            count = n_in * n_out + (n_out if self.bias else 0)
            rows.append(
                f"<tr><td>{l}</td><td>{n_in} → {n_out}</td><td>{sigma}</td>"
                f"<td>{sup}: {n_in} × {n_out}"
                + (f", {typeset(f'b^({l})')}: {n_out}" if self.bias else "")
                + f"</td><td>{count}</td></tr>"
            )
        total = sum(1 for _ in self.named_parameters())
        return (
            f"<p><b>MLP</b> {' → '.join(str(n) for n in self.sizes)} · {total} parameters · init {self.init}</p>"
            "<table><thead><tr><th>layer l</th><th>n<sub>l−1</sub> → n<sub>l</sub></th><th>σ</th>"
            f"<th>weights</th><th>parameters</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )


def _check_architecture(
    n_inputs: int, layer_sizes: Sequence[int], activation: str, init: str | None, output_activation: str = "linear"
) -> None:
    def positive_int(x: object) -> bool:
        return isinstance(x, int) and not isinstance(x, bool) and x > 0

    if not positive_int(n_inputs):
        raise ValueError(f"n_inputs must be a positive int, got {reprlib.repr(n_inputs)}")
    if isinstance(layer_sizes, int | str) or not layer_sizes or not all(positive_int(n) for n in layer_sizes):
        shown = reprlib.repr(layer_sizes)
        raise ValueError(f"layer_sizes must be a non-empty list of positive ints like [16, 16, 1], got {shown}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {reprlib.repr(activation)}: choose one of {', '.join(ACTIVATIONS)}")
    if output_activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown output_activation {reprlib.repr(output_activation)}: "
            f"choose one of {', '.join(ACTIVATIONS)} (None is linear)"
        )
    if init is not None and init not in INITS:
        raise ValueError(
            f"unknown init {reprlib.repr(init)}: choose one of {', '.join(INITS)} (or None for the default)"
        )


def _as_sizes(layer_sizes: object) -> object:
    """Any iterable of ints (a list, a range, an iterator, a numpy array) as a list of ints, read once."""
    if isinstance(layer_sizes, str | bytes | dict) or not hasattr(layer_sizes, "__iter__"):
        return layer_sizes  # refused by _check_architecture, as given
    sizes = list(layer_sizes)  # type: ignore[call-overload]
    return [int(n) if isinstance(n, numbers.Integral) and not isinstance(n, bool) else n for n in sizes]


BYTES_PER_PARAMETER = 150
"""Less than a parameter really costs (a Value, its float and its label: ~180 bytes)."""


def _check_bias_and_size(n_inputs: int, layer_sizes: Sequence[int], bias: object) -> None:
    """``bias`` must be a bool; the network must fit in this machine's memory (checked before allocating)."""
    if not isinstance(bias, bool | np.bool_):
        raise ValueError(f"bias must be True or False, got {type(bias).__name__} {reprlib.repr(bias)}")
    sizes = [n_inputs, *layer_sizes]
    count = sum((sizes[l - 1] + bool(bias)) * sizes[l] for l in range(1, len(sizes)))
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not a POSIX system: no limit known
        return
    if count * BYTES_PER_PARAMETER > memory:
        shape = " → ".join(reprlib.repr(n) for n in sizes[:6]) + (
            f" → … ({len(sizes)} sizes)" if len(sizes) > 6 else ""
        )
        raise ValueError(
            f"MLP({shape}) would have {count:.3g} parameters, at least {count * BYTES_PER_PARAMETER:.2g} bytes; "
            f"this machine has {memory:.2g} bytes of memory: choose smaller layer sizes"
        )
