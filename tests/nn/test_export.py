"""``to_torch``: the same network in PyTorch, with the same weights, outputs and gradients."""

from __future__ import annotations

import numpy as np
import pytest

from nn import MLP, reduce, squared_error

torch = pytest.importorskip("torch", reason="to_torch exports to PyTorch; tests need it installed")

from nn.export import to_torch  # noqa: E402 - after the importorskip

XS = [[0.5, -0.2, 1.0], [-1.0, 0.8, 0.3], [0.1, 0.3, -2.0], [2.0, -1.5, 0.0]]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("output", [None, "tanh", "sigmoid", "relu"])
def test_exported_network_computes_the_same_outputs(activation, bias, output):
    model = MLP(3, [6, 4, 2], activation=activation, bias=bias, seed=11, output_activation=output)
    net = to_torch(model)
    expected = net(torch.tensor(XS, dtype=torch.float64)).detach().numpy()
    ours = np.array([[v.data for v in model(x)] for x in XS])
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-14)


def test_exported_weights_are_the_transposed_weight_matrices_bit_for_bit():
    model = MLP(3, [4, 1], seed=0)
    net = to_torch(model)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    assert [type(m).__name__ for m in net] == ["Linear", "ReLU", "Linear"]
    tanh_net = to_torch(MLP(3, [4, 1], activation="tanh", seed=0, output_activation="tanh"))
    assert [type(m).__name__ for m in tanh_net] == ["Linear", "Tanh", "Linear", "Tanh"]
    for l, linear in enumerate(linears, start=1):
        np.testing.assert_array_equal(linear.weight.detach().numpy(), model.weight_matrix(l).T)
        np.testing.assert_array_equal(linear.bias.detach().numpy(), model.bias_vector(l))
        assert linear.weight.dtype == torch.float64


def test_gradients_through_the_export_match_ours():
    model = MLP(3, [5, 5, 2], activation="relu", seed=3)
    ys = [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [-1.0, 2.0]]
    loss = reduce([squared_error(model(x), y) for x, y in zip(XS, ys, strict=True)], "sum")
    loss.backward()
    net = to_torch(model)
    out = net(torch.tensor(XS, dtype=torch.float64))
    expected = ((out - torch.tensor(ys, dtype=torch.float64)) ** 2).sum()
    expected.backward()
    assert loss.data == pytest.approx(expected.item(), rel=1e-12)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    for layer, linear in zip(model.layers, linears, strict=True):
        grads = np.array([[w.grad for w in n.w] for n in layer.neurons])
        np.testing.assert_allclose(grads, linear.weight.grad.numpy(), rtol=1e-10, atol=1e-13)


def test_float32_export_on_request():
    net = to_torch(MLP(2, [3, 1], seed=0), dtype=torch.float32)
    assert all(p.dtype == torch.float32 for p in net.parameters())


def test_only_an_mlp_can_be_exported():
    with pytest.raises(TypeError, match="to_torch\\(\\) needs an MLP"):
        to_torch(object())
