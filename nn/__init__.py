"""Neural networks on deltagrad Values, in the notes' notation (``W^(l)``, ``z^(l)``, ``a^(l)``, ``δ^(l)``)."""

from nn.losses import cross_entropy, reduce, softmax, squared_error
from nn.mlp import MLP, Layer, Neuron, Trace
from nn.module import Module

__all__ = ["MLP", "Layer", "Module", "Neuron", "Trace", "cross_entropy", "reduce", "softmax", "squared_error"]
