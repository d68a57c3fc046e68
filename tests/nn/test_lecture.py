"""The micrograd lecture's network (karpathy/nn-zero-to-hero): tanh on every layer, four samples, squared error.

The lecture builds ``MLP(3, [4, 4, 1])`` from its own tanh neurons and trains it with
``p.data += -0.1 * p.grad`` for 20 steps. With deltagrad that network is one call; these
tests train it the lecture's way and check it learns the four targets from every seed.
"""

from __future__ import annotations

import random

import pytest

from nn import MLP, Layer, Module

XS = [
    [2.0, 3.0, -1.0],
    [3.0, -1.0, 0.5],
    [0.5, 1.0, 1.0],
    [1.0, 1.0, -1.0],
]
YS = [1.0, -1.0, -1.0, 1.0]  # desired targets


def _train(n, steps: int = 20, lr: float = 0.1) -> tuple[list[float], list[float]]:
    """The lecture's loop; returns the loss of every step and the last predictions."""
    losses = []
    for _ in range(steps):
        ypred = [n(x) for x in XS]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(YS, ypred, strict=True))
        for p in n.parameters():
            p.grad = 0.0
        loss.backward()
        for p in n.parameters():
            p.data += -lr * p.grad
        losses.append(loss.data)
    return losses, [y.data for y in ypred]


def _lecture_mlp(seed: int | None) -> MLP:
    return MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", seed=seed)


@pytest.mark.parametrize("seeded", [False, True], ids=["random.seed (micrograd's init)", "seed= (He)"])
def test_the_lectures_tanh_mlp_learns_the_four_samples_from_every_seed(seeded):
    for seed in range(20):
        random.seed(seed)
        losses, ypred = _train(_lecture_mlp(seed if seeded else None))
        assert losses[-1] < 0.1, (seed, losses)  # a ReLU network with a linear output stalls near 4.0 here
        assert all(-1.0 < y < 1.0 for y in ypred)  # a tanh output
        assert [y > 0 for y in ypred] == [t > 0 for t in YS], (seed, ypred)


class _HandBuiltMLP(Module):
    """The lecture's MLP class, stacking the library's layers of tanh neurons."""

    def __init__(self, nin: int, nouts: list[int]) -> None:
        sz = [nin, *nouts]
        self.layers = [Layer(sz[i], sz[i + 1], "tanh", layer=i + 1) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)  # the last layer has one neuron: a bare Value, as in the lecture
        return x

    def named_parameters(self):
        for layer in self.layers:
            yield from layer.named_parameters()


def test_the_lectures_mlp_built_by_hand_from_layers_is_the_one_call_mlp():
    random.seed(5)
    by_hand = _HandBuiltMLP(3, [4, 4, 1])
    random.seed(5)
    one_call = _lecture_mlp(None)
    assert by_hand.state_dict() == one_call.state_dict()  # same draws, same names
    assert _train(by_hand, steps=5) == _train(one_call, steps=5)
