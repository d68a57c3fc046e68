"""Optimizers: updates identical to torch.optim's on the same parameters and gradients; bad settings named."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value
from nn import MLP, SGD, Adam
from nn.optim import StepError, get_optimizer

START = [0.5, -1.5, 2.0, 0.0]
GRADS = [[0.1, -0.3, 0.5, 1.0], [-0.2, 0.4, 0.0, 0.7], [0.3, 0.3, -0.6, -1.1], [1e-3, -2.0, 0.25, 0.0]]


def _run_ours(make, grads=GRADS):
    params = [Value(v) for v in START]
    opt = make(params)
    for g in grads:
        opt.zero_grad()
        for p, gi in zip(params, g, strict=True):
            p.grad += gi
        opt.step()
    return [p.data for p in params]


def _run_torch(torch, make, grads=GRADS):
    params = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt = make([params])
    for g in grads:
        opt.zero_grad()
        params.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
    return params.detach().tolist()


@pytest.mark.parametrize(
    "settings",
    [
        {"lr": 0.1},
        {"lr": 0.05, "momentum": 0.9},
        {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.01},
        {"lr": 0.2, "weight_decay": 0.1},
    ],
)
def test_sgd_steps_like_torch(settings):
    torch = pytest.importorskip("torch", reason="torch.optim is the oracle for optimizer updates")
    ours = _run_ours(lambda ps: SGD(ps, **settings))
    theirs = _run_torch(torch, lambda ps: torch.optim.SGD(ps, **settings))
    np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize(
    "settings",
    [
        {"lr": 0.01},
        {"lr": 0.1, "betas": (0.8, 0.99), "eps": 1e-6},
        {"lr": 0.05, "weight_decay": 0.01},
    ],
)
def test_adam_steps_like_torch(settings):
    torch = pytest.importorskip("torch", reason="torch.optim is the oracle for optimizer updates")
    ours = _run_ours(lambda ps: Adam(ps, **settings))
    theirs = _run_torch(torch, lambda ps: torch.optim.Adam(ps, **settings))
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-15)


def test_plain_sgd_is_the_notes_gradient_descent():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, -2.0]).backward()
    expected = [p.data - 0.3 * p.grad for p in model.parameters()]
    SGD(model, lr=0.3).step()
    assert [p.data for p in model.parameters()] == pytest.approx(expected, rel=1e-15)


def test_zero_grad_clears_the_parameters_gradients():
    model = MLP(2, [3, 1], seed=0)
    opt = Adam(model.parameters(), lr=0.01)
    model([1.0, -2.0]).backward()
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_the_learning_rate_can_change_between_steps():
    params = [Value(1.0)]
    opt = SGD(params, lr=0.1)
    opt.lr = 0.5
    params[0].grad = 1.0
    opt.step()
    assert params[0].data == pytest.approx(0.5)


@pytest.mark.parametrize("lr", [0, -0.1, math.nan, math.inf, "0.1", None, True])
@pytest.mark.parametrize("cls", [SGD, Adam])
def test_a_learning_rate_that_is_not_a_positive_number_is_named(cls, lr):
    with pytest.raises(ValueError, match="lr must be a positive number"):
        cls([Value(1.0)], lr=lr)
    opt = cls([Value(1.0)], lr=0.1)
    with pytest.raises(ValueError, match="lr must be a positive number"):
        opt.lr = lr


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: SGD([Value(1.0)], momentum=1.0), r"momentum must be a number in \[0, 1\)"),
        (lambda: SGD([Value(1.0)], weight_decay=-1), "weight_decay must be a number ≥ 0"),
        (lambda: Adam([Value(1.0)], betas=(0.9,)), "betas must be a pair"),
        (lambda: Adam([Value(1.0)], eps=0), "eps must be a positive number"),
        (lambda: SGD([]), "no parameters"),
        (lambda: SGD([1.0]), r"parameters\[0\] is float, expected a Value"),
        (lambda: get_optimizer("rmsprop"), "unknown optimizer 'rmsprop': choose one of sgd, adam"),
    ],
)
def test_bad_optimizer_settings_are_named(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


# --- a step is all or nothing: never a silent inf or nan ------------------------------------------------


def _params(data, grads):
    ps = [Value(d, label=f"w{i}") for i, d in enumerate(data)]
    for p, g in zip(ps, grads, strict=True):
        p.grad = g
    return ps


@pytest.mark.parametrize(
    ("make", "data", "grads", "words"),
    [
        (lambda ps: SGD(ps, lr=10.0), [1.0, -1e308], [0.5, 1e308], "w1 would become -inf.*overflows"),
        (lambda ps: SGD(ps, lr=1e308), [1.0, 2.0], [0.5, 10.0], "w1 would become -inf"),
        (lambda ps: SGD(ps, lr=0.1), [1.0, 2.0], [math.nan, 0.0], "w0 would become nan.*gradient is not finite"),
        (lambda ps: SGD(ps, lr=0.1, momentum=0.9), [1.0, 2.0], [math.inf, 0.0], "w0 would become -inf"),
        (lambda ps: Adam(ps), [1.0, 2.0], [0.5, 1e200], r"second moment v \(running mean of g²\) of parameter w1"),
        (lambda ps: Adam(ps), [1.0, 2.0], [math.inf, 1.0], "first moment m of parameter w0 would become inf"),
    ],
)
def test_a_step_that_would_leave_inf_or_nan_raises_and_changes_nothing(make, data, grads, words):
    ps = _params(data, grads)
    opt = make(ps)
    with pytest.raises(StepError, match=words):
        opt.step()
    assert [p.data for p in ps] == data
    if isinstance(opt, Adam):
        assert opt.t == 0 and opt._m.tolist() == [0.0, 0.0] and opt._v.tolist() == [0.0, 0.0]
    if isinstance(opt, SGD):
        assert opt._velocity is None


def test_adam_after_a_refused_step_goes_on_as_if_it_never_happened():
    ps, reference = _params([1.0, 2.0], [0.5, 1e200]), _params([1.0, 2.0], [0.5, -0.25])
    opt, ref = Adam(ps, lr=0.1), Adam(reference, lr=0.1)
    with pytest.raises(StepError):
        opt.step()
    ps[1].grad = -0.25
    opt.step()
    ref.step()
    assert [p.data for p in ps] == [p.data for p in reference]


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.05)])
def test_update_from_vectors_is_step_from_p_grad(make):
    # a compiled replay hands its vectors to update(); step() reads p.data and p.grad: the same run
    by_step, by_update = [Value(v) for v in START], [Value(v) for v in START]
    stepping, updating = make(by_step), make(by_update)
    for g in GRADS:
        for p, gi in zip(by_step, g, strict=True):
            p.grad = gi
        stepping.step()
        updating.update(np.array([p.data for p in by_update]), np.array(g))
        assert [p.data for p in by_update] == [p.data for p in by_step]
    assert all(p.grad == 0.0 for p in by_update)  # update() reads no p.grad and writes none
