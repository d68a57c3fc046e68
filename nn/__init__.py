"""Neural networks on deltagrad Values, in the notes' notation (``W^(l)``, ``z^(l)``, ``a^(l)``, ``δ^(l)``).

``MLP(2, [16, 16, 1])`` is micrograd's call; losses, optimizers, toy data, a
training loop, JSON saving and a PyTorch export are built around it.
PyTorch stays optional: ``to_torch`` imports it only when called.
The δ check is a sub-package of its own, ``nn.deltacheck`` (its docstring lists
the pipeline); ``check_deltas``, ``Rules``, ``RULE_SETS``, ``rules_named`` and
``DeltaReport`` are re-exported here. Depends on ``autograd`` only: the command
line that also draws lives in the ``deltagrad`` package.
"""

try:  # the import name `autograd` is also HIPS autograd's: say so instead of a puzzling ImportError
    from autograd import Value as _Value  # noqa: F401
except ImportError as _exc:
    raise ImportError(
        f"{__name__} needs deltagrad's autograd package, but {_exc}. HIPS autograd uses the same "
        "import name: install deltagrad in its own virtual environment."
    ) from _exc

from nn.data import DATASETS, blobs, circles, make_dataset, moons, spirals, xor
from nn.deltacheck import RULE_SETS, BackpropOutputError, DeltaReport, Rules, check_backprop, check_deltas, rules_named
from nn.export import to_torch
from nn.io import ModelFileError, load, save
from nn.losses import (
    LOSSES,
    binary_cross_entropy,
    cross_entropy,
    get_loss,
    half_squared_error,
    hinge,
    l2_penalty,
    reduce,
    softmax,
    squared_error,
    target_for,
)
from nn.mlp import MLP, Layer, Neuron, Trace
from nn.module import Module
from nn.optim import SGD, Adam, Optimizer
from nn.train import History, accuracy, fit, predict

__all__ = [
    "DATASETS",
    "LOSSES",
    "MLP",
    "RULE_SETS",
    "SGD",
    "Adam",
    "BackpropOutputError",
    "DeltaReport",
    "History",
    "Layer",
    "ModelFileError",
    "Module",
    "Neuron",
    "Optimizer",
    "Rules",
    "Trace",
    "accuracy",
    "binary_cross_entropy",
    "blobs",
    "check_backprop",
    "check_deltas",
    "circles",
    "cross_entropy",
    "fit",
    "get_loss",
    "half_squared_error",
    "hinge",
    "l2_penalty",
    "load",
    "make_dataset",
    "moons",
    "predict",
    "reduce",
    "rules_named",
    "save",
    "softmax",
    "spirals",
    "squared_error",
    "target_for",
    "to_torch",
    "xor",
]
