"""A neuron and a layer of neurons, in the notes' notation (and with micrograd's arguments).

Neuron ``j`` of layer ``l`` computes ``z^(l)_j = Σ_i a^(l-1)_i w^(l)_ij (+ b^(l)_j)``
as one ``dot`` node and ``a^(l)_j = σ(z^(l)_j)``, each Value labelled with its
name in the notes (``w^(1)_21``, ``z^(2)_1``, ``a^(1)_3``). ``Neuron(nin, nonlin=False)``
and ``Layer(nin, nout, nonlin=False)`` are micrograd's calls; a ``Layer`` of one
neuron returns a bare Value, as micrograd's does. ``nn.mlp`` stacks layers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import autograd
from autograd import Value
from autograd.notation import label  # the one label format, shared with visualize
from autograd.ops import OPS
from autograd.value import Parameter, data_of, data_writes, dot_nodes, half_kind, input_level, unary_nodes
from nn.init import Seed, generator, initial_weight, resolve
from nn.module import Module

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")


def _activation(activation: str | bool | None, nonlin: bool | None = None) -> str:
    """σ's name, from ``activation`` or from micrograd's ``nonlin`` flag (True: ReLU, False: linear)."""
    if nonlin is not None:
        if activation is not None:
            raise TypeError(f"give activation= or micrograd's nonlin=, not both (got {activation!r}, {nonlin!r})")
        if not isinstance(nonlin, bool):
            raise TypeError(f"nonlin must be True (ReLU) or False (linear), as in micrograd; got {nonlin!r}")
        activation = nonlin
    if isinstance(activation, bool):  # micrograd's Neuron(nin, nonlin), positionally or by keyword
        return "relu" if activation else "linear"
    if activation is None:
        return "relu"
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}: choose one of {', '.join(ACTIVATIONS)}")
    return activation


def _activate(z: Value, activation: str) -> Value:
    return z if activation == "linear" else autograd.FUNCTIONS[activation](z)


class Weights(tuple):
    """A neuron's weights: a tuple, which its dot nodes share, that adds to a list as micrograd's list of
    weights does (``neuron.w + [neuron.b]``) and says how to replace an entry instead of failing bare."""

    __slots__ = ()

    def __add__(self, other: object) -> object:
        return [*self, *other] if isinstance(other, list) else tuple.__add__(self, other)  # type: ignore[arg-type]

    def __radd__(self, other: object) -> object:
        if isinstance(other, list):
            return [*other, *self]
        return NotImplemented

    def __setitem__(self, index: object, value: object) -> None:
        raise TypeError(
            "a neuron's weights are a tuple (its graph nodes share it): set them all with neuron.w = [...], "
            "or change one weight's value with neuron.w[i].data = x"
        )


_neurons_changed = 0  # how many times a neuron's weights or bias have been set, in any layer


class Neuron(Module):
    """Neuron ``j`` of layer ``l``: weights ``w^(l)_1j … w^(l)_nj`` and an optional bias ``b^(l)_j``.

    ``Neuron(nin)`` and ``Neuron(nin, nonlin=False)`` are micrograd's calls (ReLU, linear), and
    without a ``seed`` the weights are micrograd's (see ``nn.init``). ``activation`` names any σ
    of ``ACTIVATIONS``; a bool there is micrograd's ``nonlin`` given positionally.
    """

    _kind = 0  # half_kind of (w…, b), set by _inputs (a class default: a neuron pickled without it works too)

    def __init__(
        self,
        n_inputs: int,
        activation: str | bool | None = None,
        bias: bool = True,
        *,
        nonlin: bool | None = None,
        layer: int = 1,
        index: int = 1,
        init: str | None = None,
        n_outputs: int = 1,
        seed: Seed = None,
    ) -> None:
        init = resolve(init, seed)
        rng = generator(seed)
        self.layer, self.index, self.activation = layer, index, _activation(activation, nonlin)
        self._w = Weights(
            Parameter(initial_weight(init, n_inputs, n_outputs, rng), label=label("w", layer, i, index))
            for i in range(1, n_inputs + 1)
        )
        self._b = Parameter(0.0, label=label("b", layer, index)) if bias else None
        self._inputs()
        self._z_label = label("z", layer, index)  # formatted once: labelling is on the hot path

    @property
    def w(self) -> tuple[Value, ...]:
        """The weights ``w^(l)_1j … w^(l)_nj`` (a tuple: set ``neuron.w = [...]`` to replace them)."""
        return self._w

    @w.setter
    def w(self, w: Iterable[Value]) -> None:
        self._w = Weights(w)
        self._inputs()

    @property
    def b(self) -> Value | None:
        """The bias ``b^(l)_j``, or None."""
        return self._b

    @b.setter
    def b(self, b: Value | None) -> None:
        self._b = b
        self._inputs()

    def _inputs(self) -> None:
        for p in (*self._w, self._b):
            if p is not None and not isinstance(p, Value):
                raise TypeError(f"a neuron's weights and bias must be Values, got {type(p).__name__} {p!r}")
        self._wb = (*self._w,) if self._b is None else (*self._w, self._b)  # the dot nodes' second half: a tuple
        self._kind = half_kind(self._wb)
        global _neurons_changed
        _neurons_changed += 1  # every layer's plan is out of date (Layer._plan)

    def __call__(self, a: Sequence[Value | float]) -> Value:
        return _activate(self.pre_activation(a), self.activation)

    def pre_activation(self, a: Sequence[Value | float]) -> Value:
        """``z^(l)_j = Σ_i a_i w_ij (+ b_j)``: one node."""
        z = autograd.dot(a, self.w, self.b)
        z.label = self._z_label
        return z

    def parameters(self) -> list[Value]:
        """The weights, then the bias: ``named_parameters``' Values, without their names."""
        return list(self._wb)

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """``(label, Value)`` for each weight, then the bias."""
        for w in self.w:
            yield w.label, w
        if self.b is not None:
            yield self.b.label, self.b

    def __repr__(self) -> str:
        kind = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}[self.activation]
        return f"{kind}Neuron({len(self.w)})"  # micrograd's names: ReLUNeuron(2), LinearNeuron(16)


class _Plan:
    """What a layer's forward hands ``dot_nodes`` while its neurons stay the same: their halves ``(w…, b)``,
    kinds and z labels, and, when every weight and bias is a ``Parameter``, their numbers, read again only
    after a Parameter's ``.data`` has been set (``data_writes()``): once a step, not once a sample."""

    __slots__ = ("changed", "fits", "halves", "keep", "kinds", "labels", "n_in", "neurons", "read")

    def __init__(self, neurons: Sequence[Neuron], n_in: int) -> None:
        self.neurons, self.n_in, self.changed = list(neurons), n_in, _neurons_changed  # what it was made for
        self.fits = all(len(n._w) == n_in for n in neurons)
        self.halves = [n._wb for n in neurons]
        self.kinds = [n._kind for n in neurons]
        self.labels = [n._z_label for n in neurons]
        self.keep = all(k == 2 for k in self.kinds)
        self.read: tuple[int, list[tuple[float, ...]] | None] = (-1, None)  # (data_writes() then, the numbers)

    def numbers(self) -> list[tuple[float, ...]] | None:
        """Each half's numbers as they are now, or None when they are not kept."""
        if not self.keep:
            return None
        count, values = self.read
        if count != (now := data_writes()):  # counted before reading: a write meanwhile changes the count again
            values = [tuple(data_of(h)) for h in self.halves]
            self.read = (now, values)  # one assignment: another thread sees the old pair or the new one
        return values


class Layer(Module):
    """Layer ``l``: ``n_l`` neurons reading the ``n_{l-1}`` activations of the layer before.

    ``layer(a)`` returns the list ``a^(l)``, except that a layer of **one** neuron returns
    that neuron's bare Value, as micrograd's ``Layer`` does (so ``(layer(x) - y)**2`` works
    on a one-output layer). ``forward`` always returns lists. ``Layer(nin, nout, nonlin=False)``
    is micrograd's call.
    """

    _plan_of: _Plan | None = None  # what _plan made (a class default: a layer pickled without one works too)

    def __init__(
        self,
        n_inputs: int,
        n_outputs: int,
        activation: str | bool | None = None,
        bias: bool = True,
        *,
        nonlin: bool | None = None,
        layer: int = 1,
        init: str | None = None,
        seed: Seed = None,
    ) -> None:
        init = resolve(init, seed)
        rng = generator(seed)
        self.layer, self.activation = layer, _activation(activation, nonlin)
        self.neurons = [
            Neuron(n_inputs, self.activation, bias, layer=layer, index=j, init=init, n_outputs=n_outputs, seed=rng)
            for j in range(1, n_outputs + 1)
        ]
        self._a_labels = [label("a", layer, j) for j in range(1, n_outputs + 1)]

    def forward(self, a: Sequence[Value | float]) -> tuple[list[Value], list[Value]]:
        """``(z^(l), a^(l))`` for the activations ``a^(l-1)`` of the previous layer."""
        a = tuple(a)
        plan = self._plan(len(a))
        level = input_level(a)
        if plan is not None and level is not None:  # every a_i a Value: straight to the nodes
            z = dot_nodes(a, plan.halves, plan.kinds, plan.labels, plan.numbers(), level)
        else:  # dots converts numbers and says what is wrong
            neurons = self.neurons
            z = autograd.dots(a, [n.w for n in neurons], [n.b for n in neurons])
            for zj, n in zip(z, neurons):  # noqa: B905 - one z per neuron
                zj.label = n._z_label
        if self.activation == "linear":
            return z, z
        return z, unary_nodes(OPS[self.activation], z, self._a_labels)  # σ(z_j), each labelled a^(l)_j

    def _plan(self, n_in: int) -> _Plan | None:
        """``dot_nodes``' arguments for ``n_in`` inputs (None if a neuron has another number of weights), kept until
        a neuron of any layer has its weights or bias set or ``self.neurons`` changes."""
        plan = self._plan_of
        if plan is None or plan.changed != _neurons_changed or plan.n_in != n_in or plan.neurons != self.neurons:
            plan = self._plan_of = _Plan(self.neurons, n_in)
        return plan if plan.fits else None

    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        state.pop("_plan_of", None)  # dated by this process's counts (of neuron changes, of writes): not another's
        return state

    def __call__(self, a: Sequence[Value | float]) -> Value | list[Value]:
        out = self.forward(a)[1]
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        """Every neuron's parameters, neuron by neuron (``named_parameters``' order)."""
        return [p for n in self.neurons for p in n._wb]

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """``(label, Value)`` for every neuron's parameters, neuron by neuron."""
        for n in self.neurons:
            yield from n.named_parameters()

    def __repr__(self) -> str:
        return f"Layer({self.layer}: {len(self.neurons[0].w)} → {len(self.neurons)}, {self.activation})"


__all__ = ["ACTIVATIONS", "Layer", "Neuron", "Weights", "label"]
