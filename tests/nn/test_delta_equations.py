"""The notes' matrix-form equations (``nn.deltacheck.equations``) against the engine, line by line.

Oracles: autograd on the same ``nn.MLP`` (``z.grad`` is δ, ``w.grad`` is ∂L/∂w) and,
when installed, PyTorch on the same weights. No expected number is typed in.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd
from nn.deltacheck import equations, random_case
from nn.losses import get_loss, reduce
from tests.nn.helpers import delta_cases

ARCHITECTURES = [[2, 3, 1], [2, 3, 3, 2], [3, 4, 4, 4, 3], [1, 5, 2]]


def autograd_deltas(model, X, Y, loss):
    """δ^(l) per sample (N × n_l) and ∂L/∂W^(l), from one backward on Σ_i L_i."""
    model.zero_grad()
    traces = [model.trace(list(x)) for x in X]
    reduce([get_loss(loss)(t.output, list(y)) for t, y in zip(traces, Y, strict=True)]).backward()
    m = len(model.layers)
    deltas = {l: np.array([[z.grad for z in t.z[l]] for t in traces]) for l in range(1, m + 1)}
    grads = {l: np.array([[w.grad for w in n.w] for n in model.layers[l - 1].neurons]).T for l in range(1, m + 1)}
    return traces, deltas, grads


@pytest.mark.parametrize("sizes", ARCHITECTURES, ids=str)
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_forward_matches_the_model_trace(sizes, bias, activation):
    model, X, _ = random_case(sizes, bias=bias, activation=activation, seed=3)
    W, b = equations.network_weights(model)
    sigma, sigma_prime = equations.ACTIVATIONS[activation]
    for x in X:
        p = equations.forward(W, b, x, sigma, sigma_prime)
        trace = model.trace(list(x))
        for l in range(1, len(sizes)):
            np.testing.assert_allclose(p.z[l], [z.data for z in trace.z[l]], rtol=1e-13, atol=1e-14)
            np.testing.assert_allclose(p.a[l], [a.data for a in trace.a[l]], rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize(("sizes", "loss", "bias"), delta_cases(ARCHITECTURES), ids=str)
def test_every_delta_and_weight_gradient_matches_autograd(sizes, loss, bias):
    model, X, Y = random_case(sizes, loss, bias=bias, seed=11)
    _, deltas, grads = autograd_deltas(model, X, Y, loss)
    W, b = equations.network_weights(model)
    output_delta = (
        equations.output_delta_cross_entropy if loss == "cross-entropy" else equations.output_delta_squared_error
    )
    for s, (x, y) in enumerate(zip(X, Y, strict=True)):
        d = equations.deltas(equations.forward(W, b, x), y, output_delta)
        for l in range(1, len(sizes)):
            np.testing.assert_allclose(d[l], deltas[l][s], rtol=1e-12, atol=1e-13)
    summed = equations.gradients(W, b, X, Y, output_delta)
    for l in range(1, len(sizes)):
        np.testing.assert_allclose(summed[l], grads[l], rtol=1e-12, atol=1e-13)
        assert summed[l].shape == W[l].shape  # ∂L/∂W^(l) has W^(l)'s shape, n_{l-1} × n_l


def test_relu_prime_takes_the_engines_convention_at_the_kink():
    for v in (-1.0, 0.0, 2.0):  # σ'(0) = 0 in the notes and in the engine alike
        x = autograd.Value(v)
        assert equations.relu_prime(np.array([v]))[0] == autograd.grad(x.relu(), x)[0]


@pytest.mark.parametrize("loss", ["squared-error", "cross-entropy"])
def test_weight_gradients_match_pytorch(loss):
    torch = pytest.importorskip("torch")
    model, X, Y = random_case([3, 4, 4, 2], loss, bias=True, seed=5)
    W, b = equations.network_weights(model)
    Wt = [None] + [torch.tensor(Wl, dtype=torch.float64, requires_grad=True) for Wl in W[1:]]
    bt = [None] + [torch.tensor(bl, dtype=torch.float64, requires_grad=True) for bl in b[1:]]
    a = torch.tensor(X, dtype=torch.float64)
    for l in range(1, len(W)):  # row-per-sample form of z^(l) = (W^(l))ᵀ a^(l-1) + b^(l)
        z = a @ Wt[l] + bt[l]
        a = z if l == len(W) - 1 else torch.relu(z)
    y = torch.tensor(Y, dtype=torch.float64)
    if loss == "cross-entropy":
        total = torch.nn.functional.cross_entropy(a, y.argmax(dim=1), reduction="sum")
    else:
        total = ((a - y) ** 2).sum()
    total.backward()
    output_delta = (
        equations.output_delta_cross_entropy if loss == "cross-entropy" else equations.output_delta_squared_error
    )
    ours = equations.gradients(W, b, X, Y, output_delta)
    for l in range(1, len(W)):
        np.testing.assert_allclose(ours[l], Wt[l].grad.numpy(), rtol=1e-12, atol=1e-13)
