"""Losses: values and gradients against PyTorch (float64) and central differences; stability; bad targets."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
from autograd import Value
from nn import MLP, get_loss, l2_penalty, reduce, softmax, target_for
from nn.losses import LOSSES, binary_cross_entropy, cross_entropy, hinge, loss_name, squared_error
from tests.nn.helpers import assert_close_to_differences, central_differences

Z = [0.7, -1.3, 2.1]
# For each loss, targets it accepts for three outputs.
TARGETS = {
    "squared-error": [[0.5, -1.0, 2.0]],
    "cross-entropy": [0, 2, [0.0, 1.0, 0.0], [0.2, 0.3, 0.5]],
    "binary-cross-entropy": [[1.0, 0.0, 1.0], [0.25, 0.5, 0.75]],
    "hinge": [[1.0, -1.0, -1.0], [-1.0, 1.0, 1.0]],
}
CASES = [(name, y) for name, ys in TARGETS.items() for y in ys]


def _torch_loss(torch, name, z, y):
    F = torch.nn.functional
    t = torch.tensor(y, dtype=torch.float64) if not isinstance(y, int) else torch.tensor([y])
    if name == "squared-error":
        return ((z - t) ** 2).sum()
    if name == "cross-entropy":
        return F.cross_entropy(z[None], t if isinstance(y, int) else t[None], reduction="sum")
    if name == "binary-cross-entropy":
        return F.binary_cross_entropy_with_logits(z, t, reduction="sum")
    return torch.relu(1.0 - t * z).sum()


@pytest.mark.parametrize(("name", "y"), CASES)
def test_loss_and_gradient_match_torch_float64(name, y):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for loss values and gradients")
    z = [Value(v) for v in Z]
    loss = get_loss(name)(z, y)
    loss.backward()
    zt = torch.tensor(Z, dtype=torch.float64, requires_grad=True)
    expected = _torch_loss(torch, name, zt, y)
    expected.backward()
    assert loss.data == pytest.approx(expected.item(), rel=1e-12, abs=1e-15)
    np.testing.assert_allclose([v.grad for v in z], zt.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("name", "y"), CASES)
def test_loss_gradient_matches_central_differences(name, y):
    z = [Value(v) for v in Z]
    loss = get_loss(name)
    loss(z, y).backward()
    assert_close_to_differences([v.grad for v in z], central_differences(lambda: loss(z, y), z))


@pytest.mark.parametrize("name", list(LOSSES))
def test_whole_network_loss_gradients_match_torch(name):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for whole-network gradients")
    from nn.export import to_torch

    model = MLP(2, [5, 3], activation="tanh", seed=4)
    xs = [[0.5, -0.2], [-1.0, 0.8], [0.1, 0.3]]
    ys = [target_for(name, label, 3) for label in (0, 2, 1)]
    loss = reduce([get_loss(name)(model(x), y) for x, y in zip(xs, ys, strict=True)], "mean")
    loss.backward()
    net = to_torch(model)
    out = net(torch.tensor(xs, dtype=torch.float64))
    expected = sum(_torch_loss(torch, name, out[i], ys[i]) for i in range(3)) / 3
    expected.backward()
    assert loss.data == pytest.approx(expected.item(), rel=1e-12)
    for l, linear in zip((1, 2), (net[0], net[2]), strict=True):
        grads = np.array([[w.grad for w in n.w] for n in model.layers[l - 1].neurons])
        np.testing.assert_allclose(grads, linear.weight.grad.numpy(), rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(
            [n.b.grad for n in model.layers[l - 1].neurons], linear.bias.grad.numpy(), rtol=1e-10, atol=1e-14
        )


@pytest.mark.parametrize("y", [0, 1, 2])
def test_cross_entropy_is_exact_and_finite_at_logits_of_ten_thousand(y):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for extreme logits")
    logits = [10_000.0, -10_000.0, 9_999.0]
    z = [Value(v) for v in logits]
    loss = cross_entropy(z, y)
    loss.backward()
    zt = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    expected = torch.nn.functional.cross_entropy(zt[None], torch.tensor([y]))
    expected.backward()
    assert math.isfinite(loss.data) and loss.data == pytest.approx(expected.item(), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose([v.grad for v in z], zt.grad.numpy(), rtol=1e-12, atol=1e-300)
    p = softmax([Value(v) for v in logits])
    np.testing.assert_allclose([v.data for v in p], torch.softmax(zt.detach(), 0).numpy(), rtol=1e-12)


@pytest.mark.parametrize(("logit", "y"), [(10_000.0, 0.0), (10_000.0, 1.0), (-10_000.0, 0.0), (-10_000.0, 1.0)])
def test_binary_cross_entropy_is_exact_and_finite_at_logits_of_ten_thousand(logit, y):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for extreme logits")
    z = Value(logit)
    loss = binary_cross_entropy(z, y)
    loss.backward()
    zt = torch.tensor(logit, dtype=torch.float64, requires_grad=True)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(zt, torch.tensor(y, dtype=torch.float64))
    expected.backward()
    assert math.isfinite(loss.data) and loss.data == pytest.approx(expected.item(), rel=1e-12)
    assert z.grad == pytest.approx(zt.grad.item(), abs=1e-300)


def test_reduction_sum_is_the_notes_and_mean_divides_by_the_sample_count():
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for reductions")
    values = [0.5, 2.0, 3.25]
    for reduction, torch_reduce in (("sum", torch.sum), ("mean", torch.mean)):
        losses = [Value(v) for v in values]
        total = reduce(losses, reduction)
        total.backward()
        t = torch.tensor(values, dtype=torch.float64, requires_grad=True)
        expected = torch_reduce(t)
        expected.backward()
        assert total.data == pytest.approx(expected.item(), rel=1e-15)
        assert [v.grad for v in losses] == pytest.approx(t.grad.tolist(), rel=1e-15)
    with pytest.raises(ValueError, match="unknown reduction 'avg'"):
        reduce([Value(1.0)], "avg")
    with pytest.raises(ValueError, match="no losses"):
        reduce([], "sum")


def test_l2_penalty_matches_central_differences_and_accepts_a_module():
    params = [Value(v) for v in (0.3, -1.2, 2.0)]
    l2_penalty(params, 0.01).backward()
    assert_close_to_differences([p.grad for p in params], central_differences(lambda: l2_penalty(params, 0.01), params))
    model = MLP(2, [3, 1], seed=0)
    expected = 0.5 * sum(p.data**2 for p in model.parameters())
    assert l2_penalty(model, 0.5).data == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="alpha must be a number ≥ 0"):
        l2_penalty(model, -1.0)


def test_get_loss_knows_every_name_and_rejects_others_clearly():
    assert get_loss("squared-error") is squared_error and get_loss("hinge") is hinge
    assert get_loss("Cross_Entropy") is cross_entropy and loss_name("binary_cross_entropy") == "binary-cross-entropy"
    with pytest.raises(ValueError, match="unknown loss 'mse': choose one of squared-error, cross-entropy"):
        get_loss("mse")
    with pytest.raises(ValueError, match="unknown loss None"):
        get_loss(None)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda z: squared_error(z, [1.0, 2.0]), ValueError, "target y has 2 entries but the model has 3 outputs"),
        (lambda z: squared_error(z, [1.0, "a", 2.0]), TypeError, r"target y\[1\] is str"),
        (lambda z: cross_entropy(z, 3), ValueError, "class index y=3 is out of range for 3 outputs"),
        (lambda z: cross_entropy(z, [1.0, 0.0]), ValueError, "target y has 2 entries"),
        (lambda z: hinge(z, [1.0, 0.0, 1.0]), ValueError, r"y\[1\] = 0.0 must be -1 or \+1"),
        (lambda z: binary_cross_entropy(z, [1.0, 2.0, 0.0]), ValueError, r"y\[1\] = 2.0 must lie in \[0, 1\]"),
    ],
)
def test_a_target_of_the_wrong_shape_or_kind_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call([Value(v) for v in Z])


def test_target_for_encodes_labels_for_each_loss():
    assert target_for("squared-error", 0, 1) == -1.0 and target_for("hinge", 1, 1) == 1.0
    assert target_for("binary-cross-entropy", 0, 1) == 0.0
    assert target_for("cross-entropy", 2, 3) == 2
    assert target_for("squared-error", 1, 3) == [0.0, 1.0, 0.0]
    assert target_for("hinge", 1, 3) == [-1.0, 1.0, -1.0]
    with pytest.raises(ValueError, match="cross-entropy needs one output per class"):
        target_for("cross-entropy", 1, 1)
    with pytest.raises(ValueError, match="label 3 is out of range"):
        target_for("hinge", 3, 3)


def _exact_cross_entropy(logits, y):
    import mpmath

    with mpmath.workdps(400):  # enough digits to hold 1e308 + ln 2
        z = [mpmath.mpf(v) for v in logits]
        return float(mpmath.log(mpmath.fsum(mpmath.exp(v) for v in z)) - z[y])


@pytest.mark.parametrize(
    ("logits", "y"),
    [([1e15, 1e15], 0), ([1e16, 1e16], 1), ([1e308, -1e308], 0), ([-1e308, 1e308, 1e308], 2), ([3e2, -7e2, 1e3], 2)],
)
def test_cross_entropy_is_exact_at_huge_logits(logits, y):
    z = [Value(v) for v in logits]
    loss = cross_entropy(z, y)
    assert loss.data == pytest.approx(_exact_cross_entropy(logits, y), rel=1e-15, abs=1e-300)
    loss.backward()
    assert all(math.isfinite(v.grad) for v in z)
    assert math.fsum(v.grad for v in z) == pytest.approx(0.0, abs=1e-15)  # Σ_k (p_k − y_k) = 0


def test_cross_entropy_graph_has_no_constant_that_depends_on_the_data():
    # The old max(z) shift was a constant leaf that changed with z: a replay on other data lied.
    def structure(logits, y):
        z = [Value(v) for v in logits]
        nodes = autograd.topological_order(cross_entropy(z, y))
        index = {id(v): k for k, v in enumerate(z)}
        leaf = {id(v): f"z{k}" for k, v in enumerate(z)} | {
            id(v): v.data for v in nodes if v.is_leaf() and id(v) not in index
        }
        return [(v.op and v.op.name, v.arg, leaf.get(id(v))) for v in nodes]

    for y in (1, [0.2, 0.3, 0.5], [0.0, 0.0, 1.0]):
        assert structure([0.5, -2.0, 1.0], y) == structure([1e3, 2.0, -1e3], y)
