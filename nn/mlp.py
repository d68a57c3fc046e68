"""Neurons, layers and multi-layer perceptrons, in the notes' notation.

Layer ``l`` (1-based; layer 0 is the input ``a^(0) = x``) has ``n_l`` neurons.
Neuron ``j`` of layer ``l`` computes ``z^(l)_j = Σ_i a^(l-1)_i w^(l)_ij (+ b^(l)_j)``
as one ``dot`` node and ``a^(l)_j = σ(z^(l)_j)``; the output layer ``m`` is
linear (``a^(m) = z^(m)``). Every Value made here carries that label, so after
``loss.backward()`` the δ of the notes is simply ``z.grad``.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

import autograd
from autograd import Value
from autograd.notation import label, typeset  # the one label format, shared with visualize
from nn.module import Module

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
INITS = ("he", "xavier", "uniform")


def _rng(seed: int | random.Random | None) -> random.Random:
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        return random._inst  # type: ignore[attr-defined]  # the global generator, as micrograd uses
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, a random.Random or None, got {type(seed).__name__} {seed!r}")
    return random.Random(seed)


def _initial_weight(init: str, n_inputs: int, n_outputs: int, rng: random.Random) -> float:
    if init == "he":  # keeps the variance of z steady through ReLU layers
        return rng.gauss(0.0, math.sqrt(2.0 / n_inputs))
    if init == "xavier":  # Glorot uniform, for tanh/sigmoid
        limit = math.sqrt(6.0 / (n_inputs + n_outputs))
        return rng.uniform(-limit, limit)
    return rng.uniform(-1.0, 1.0)  # micrograd's


def _activate(z: Value, activation: str) -> Value:
    if activation == "relu":
        return z.relu()
    if activation == "tanh":
        return z.tanh()
    if activation == "sigmoid":
        return z.sigmoid()
    return z


class Neuron(Module):
    """Neuron ``j`` of layer ``l``: weights ``w^(l)_1j … w^(l)_nj`` and an optional bias ``b^(l)_j``."""

    def __init__(
        self,
        n_inputs: int,
        activation: str = "relu",
        bias: bool = True,
        *,
        layer: int = 1,
        index: int = 1,
        init: str = "he",
        n_outputs: int = 1,
        seed: int | random.Random | None = None,
    ) -> None:
        rng = _rng(seed)
        self.layer, self.index, self.activation = layer, index, activation
        self.w = [
            Value(_initial_weight(init, n_inputs, n_outputs, rng), label=label("w", layer, i, index))
            for i in range(1, n_inputs + 1)
        ]
        self.b = Value(0.0, label=label("b", layer, index)) if bias else None
        self._z_label = label("z", layer, index)  # formatted once: labelling is on the hot path

    def __call__(self, a: Sequence[Value | float]) -> Value:
        return _activate(self.pre_activation(a), self.activation)

    def pre_activation(self, a: Sequence[Value | float]) -> Value:
        """``z^(l)_j = Σ_i a_i w_ij (+ b_j)``: one node."""
        z = autograd.dot(a, self.w, self.b)
        z.label = self._z_label
        return z

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        for w in self.w:
            yield w.label, w
        if self.b is not None:
            yield self.b.label, self.b

    def __repr__(self) -> str:
        kind = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}[self.activation]
        return f"{kind}Neuron({len(self.w)})"  # micrograd's names: ReLUNeuron(2), LinearNeuron(16)


class Layer(Module):
    """Layer ``l``: ``n_l`` neurons reading the ``n_{l-1}`` activations of the layer before."""

    def __init__(
        self,
        n_inputs: int,
        n_outputs: int,
        activation: str = "relu",
        bias: bool = True,
        *,
        layer: int = 1,
        init: str = "he",
        seed: int | random.Random | None = None,
    ) -> None:
        rng = _rng(seed)
        self.layer, self.activation = layer, activation
        self.neurons = [
            Neuron(n_inputs, activation, bias, layer=layer, index=j, init=init, n_outputs=n_outputs, seed=rng)
            for j in range(1, n_outputs + 1)
        ]
        self._a_labels = [label("a", layer, j) for j in range(1, n_outputs + 1)]

    def forward(self, a: Sequence[Value | float]) -> tuple[list[Value], list[Value]]:
        """``(z^(l), a^(l))`` for the activations ``a^(l-1)`` of the previous layer."""
        z = [n.pre_activation(a) for n in self.neurons]
        if self.activation == "linear":
            return z, z
        out = []
        for zj, name in zip(z, self._a_labels, strict=True):
            aj = _activate(zj, self.activation)
            aj.label = name
            out.append(aj)
        return z, out

    def __call__(self, a: Sequence[Value | float]) -> list[Value]:
        return self.forward(a)[1]

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        for n in self.neurons:
            yield from n.named_parameters()

    def __repr__(self) -> str:
        return f"Layer({self.layer}: {len(self.neurons[0].w)} → {len(self.neurons)}, {self.activation})"


@dataclass
class Trace:
    """One forward pass, layer by layer: ``a[l]`` for l = 0..m and ``z[l]`` for l = 1..m (``z[0]`` is empty).

    After ``loss.backward()``, ``z[l][j-1].grad`` is the notes' ``δ^(l)_j``.
    """

    a: list[list[Value]]
    z: list[list[Value]]

    @property
    def output(self) -> list[Value]:
        return self.z[-1]

    def deltas(self, layer: int) -> list[float]:
        """``δ^(l)`` as autograd found it (read after ``backward()``)."""
        return [z.grad for z in self.z[layer]]


class MLP(Module):
    """A multi-layer perceptron: hidden layers with an activation, a linear output layer.

    ``MLP(2, [16, 16, 1])`` is micrograd's call and behaves the same way: ``model(x)``
    returns one Value when the output layer has one neuron, else a list.

    Args:
        n_inputs: ``n_0``, the length of each input ``x``.
        layer_sizes: ``[n_1, …, n_m]``; the last layer is the (linear) output.
        activation: σ of the hidden layers: ``"relu"`` (the notes), ``"tanh"``, ``"sigmoid"``, ``"linear"``.
        bias: whether neurons have a bias ``b^(l)_j`` (the notes have none).
        init: ``"he"``, ``"xavier"`` or ``"uniform"`` (U(-1, 1), micrograd's).
        seed: an int or ``random.Random`` for reproducible weights; None uses the ``random`` module.
    """

    def __init__(
        self,
        n_inputs: int,
        layer_sizes: Sequence[int],
        activation: str = "relu",
        bias: bool = True,
        init: str = "he",
        seed: int | random.Random | None = None,
    ) -> None:
        _check_architecture(n_inputs, layer_sizes, activation, init)
        rng = _rng(seed)
        sizes = [n_inputs, *layer_sizes]
        self.n_inputs, self.activation, self.bias, self.init = n_inputs, activation, bias, init
        self._input_labels = [label("a", 0, i) for i in range(1, n_inputs + 1)]
        self.layers = [
            Layer(
                sizes[l - 1],
                sizes[l],
                activation if l < len(sizes) - 1 else "linear",
                bias,
                layer=l,
                init=init,
                seed=rng,
            )
            for l in range(1, len(sizes))  # noqa: E741 - l is the notes' layer index
        ]

    @property
    def sizes(self) -> list[int]:
        """``[n_0, n_1, …, n_m]``."""
        return [self.n_inputs] + [len(layer.neurons) for layer in self.layers]

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
        out = self.trace(x).output
        return out[0] if len(out) == 1 else out

    def _inputs(self, x: Sequence[Value | float]) -> list[Value]:
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

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        for layer in self.layers:
            yield from layer.named_parameters()

    # --- the notes' matrices -------------------------------------------
    def _layer(self, l: int) -> Layer:  # noqa: E741
        if isinstance(l, bool) or not isinstance(l, int) or not 1 <= l <= len(self.layers):
            raise IndexError(f"layer must be an int from 1 to {len(self.layers)} (layer 0 is the input), got {l!r}")
        return self.layers[l - 1]

    def weight_matrix(self, l: int, grad: bool = False) -> np.ndarray:  # noqa: E741
        """``W^(l)``: an ``n_{l-1} × n_l`` array whose entry ``[i-1, j-1]`` is ``w^(l)_ij``.

        With ``grad=True``, the same shape filled with each weight's ``.grad``: after
        ``loss.backward()`` that is autograd's ``∂L/∂W^(l)``, to compare with ``a^(l-1) (δ^(l))ᵀ``.
        """
        field = "grad" if grad else "data"
        return np.array([[getattr(w, field) for w in n.w] for n in self._layer(l).neurons], dtype=np.float64).T

    def set_weight_matrix(self, l: int, W: np.ndarray) -> None:  # noqa: E741
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

    def bias_vector(self, l: int, grad: bool = False) -> np.ndarray | None:  # noqa: E741
        """``b^(l)`` as an ``n_l`` array (its ``.grad`` with ``grad=True``), or None without biases."""
        layer = self._layer(l)
        field = "grad" if grad else "data"
        return np.array([getattr(n.b, field) for n in layer.neurons]) if self.bias else None

    def set_bias_vector(self, l: int, b: np.ndarray) -> None:  # noqa: E741
        layer = self._layer(l)
        if not self.bias:
            raise ValueError("this MLP was built with bias=False: it has no b^(l) to set")
        b = np.asarray(b, dtype=np.float64).reshape(-1)
        if b.shape != (len(layer.neurons),) or not np.all(np.isfinite(b)):
            raise ValueError(f"b^({l}) must be {len(layer.neurons)} finite numbers, got shape {b.shape}")
        for neuron, bj in zip(layer.neurons, b, strict=True):
            neuron.b.data = float(bj)

    def __repr__(self) -> str:
        sizes = " → ".join(str(n) for n in self.sizes)
        return f"MLP({sizes}, activation={self.activation!r}, bias={self.bias}, output linear)"

    def _repr_html_(self) -> str:
        """One row per layer in the notes' notation: sizes, σ, the shape of W⁽ˡ⁾, parameters."""
        rows = []
        for l, layer in enumerate(self.layers, start=1):  # noqa: E741
            n_in, n_out = len(layer.neurons[0].w), len(layer.neurons)
            sup = typeset(f"W^({l})")
            sigma = "linear (output)" if l == len(self.layers) else self.activation
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


def _check_architecture(n_inputs: int, layer_sizes: Sequence[int], activation: str, init: str) -> None:
    def positive_int(x: object) -> bool:
        return isinstance(x, int) and not isinstance(x, bool) and x > 0

    if not positive_int(n_inputs):
        raise ValueError(f"n_inputs must be a positive int, got {n_inputs!r}")
    if isinstance(layer_sizes, int | str) or not layer_sizes or not all(positive_int(n) for n in layer_sizes):
        raise ValueError(f"layer_sizes must be a non-empty list of positive ints like [16, 16, 1], got {layer_sizes!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}: choose one of {', '.join(ACTIVATIONS)}")
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}: choose one of {', '.join(INITS)}")
