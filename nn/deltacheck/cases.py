"""Random but repeatable things to check: a seeded network with inputs and targets that fit its loss.

``deltagrad check`` runs on one of these, and so do the δ-check tests: the network,
its inputs and its targets all come from one seed, so a check can be repeated exactly.
"""

from __future__ import annotations

import numpy as np

from nn.mlp import MLP


def random_case(
    sizes: list[int],
    loss: str = "squared-error",
    *,
    bias: bool = False,
    activation: str = "relu",
    samples: int = 4,
    seed: int = 0,
) -> tuple[MLP, np.ndarray, np.ndarray]:
    """A seeded network ``n_0 → … → n_m`` with random inputs and targets that fit the loss.

    Biases, when asked for, are random rather than 0, so that a check exercises the ``+ b^(l)``;
    cross-entropy targets are one-hot rows, binary cross-entropy targets 0 or 1.
    """
    rng = np.random.default_rng(seed)
    model = MLP(sizes[0], sizes[1:], activation=activation, bias=bias, seed=seed)
    if bias:
        for l, n in enumerate(sizes[1:], start=1):
            model.set_bias_vector(l, rng.normal(0.0, 0.5, size=n))
    X = rng.normal(size=(samples, sizes[0]))
    if loss == "cross-entropy":
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=samples)]
    elif loss == "binary-cross-entropy":
        Y = rng.integers(0, 2, size=(samples, sizes[-1])).astype(np.float64)
    else:
        Y = rng.normal(size=(samples, sizes[-1]))
    return model, X, Y
