"""fit, accuracy and predict: moons learned to ≥ 97 %, reproducible runs, mini-batches, bad arguments named."""

from __future__ import annotations

import numpy as np
import pytest

from nn import MLP, SGD, Adam, accuracy, fit, moons, predict, reduce, spirals, squared_error, target_for


def test_moons_reaches_97_percent_training_accuracy_from_a_fixed_seed():
    X, y = moons(100, noise=0.1, seed=0)
    model = MLP(2, [8, 8, 1], seed=0)
    history = fit(model, X, y, loss="hinge", optimizer="adam", lr=0.1, epochs=40, progress=False)
    assert history.steps == 40  # full batch: one step per epoch
    assert accuracy(model, X, y) >= 0.97
    assert history.loss[-1] < history.loss[0]


def test_same_seeds_give_the_same_run():
    X, y = moons(30, seed=1)

    def run():
        model = MLP(2, [4, 1], seed=2)
        return fit(model, X, y, epochs=3, batch_size=8, seed=5, progress=False), model.state_dict()

    (h1, s1), (h2, s2) = run(), run()
    assert h1 == h2 and s1 == s2


def test_one_full_batch_epoch_is_one_gradient_step_on_the_reduced_loss():
    X, y = moons(10, seed=0)
    model, reference = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=0)
    fit(model, X, y, loss="squared-error", optimizer="sgd", lr=0.05, epochs=1, reduction="sum", progress=False)
    losses = [squared_error(reference(x), target_for("squared-error", int(c), 1)) for x, c in zip(X, y, strict=True)]
    reduce(losses, "sum").backward()
    expected = [p.data - 0.05 * p.grad for p in reference.parameters()]
    assert [p.data for p in model.parameters()] == pytest.approx(expected, rel=1e-12)


def test_mini_batches_take_one_step_each_and_history_has_one_entry_per_epoch():
    X, y = moons(25, seed=0)
    history = fit(MLP(2, [3, 1], seed=0), X, y, epochs=3, batch_size=10, progress=False)
    assert history.steps == 3 * 3 and len(history) == len(history.accuracy) == 3
    assert all(0.0 <= a <= 1.0 for a in history.accuracy)


def test_cross_entropy_classifier_with_one_output_per_class_learns():
    X, y = spirals(30, classes=3, seed=0)
    model = MLP(2, [8, 3], activation="tanh", seed=0)
    before = accuracy(model, X, y)
    history = fit(model, X, y, loss="cross-entropy", optimizer=Adam(model, lr=0.05), epochs=15, progress=False)
    assert history.loss[-1] < history.loss[0] and accuracy(model, X, y) > before


def test_accuracy_is_the_fraction_of_argmax_predictions_that_match():
    X, y = spirals(12, classes=3, seed=0)
    model = MLP(2, [4, 3], seed=0)
    scores = np.array([[v.data for v in model(x)] for x in X])
    np.testing.assert_array_equal(predict(model, X), scores.argmax(axis=1))
    assert accuracy(model, X, y) == pytest.approx(np.mean(scores.argmax(axis=1) == y))


def test_callback_runs_after_each_epoch_and_may_change_the_learning_rate():
    X, y = moons(10, seed=0)
    model = MLP(2, [3, 1], seed=0)
    opt = SGD(model, lr=0.1)
    seen = []

    def callback(epoch, history):
        seen.append((epoch, len(history)))
        opt.lr = 0.1 * (1.0 - 0.5 * epoch / 3)

    fit(model, X, y, optimizer=opt, epochs=3, callback=callback, progress=False)
    assert seen == [(1, 1), (2, 2), (3, 3)] and opt.lr == pytest.approx(0.05)


def test_progress_bar_only_when_asked(capsys):
    X, y = moons(6, seed=0)
    fit(MLP(2, [2, 1], seed=0), X, y, epochs=2, progress=False)
    assert capsys.readouterr().err == ""
    fit(MLP(2, [2, 1], seed=0), X, y, epochs=2, progress=True)
    assert "train" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"X": np.zeros((5, 3))}, r"X must have shape \(n_samples, 2\), got \(5, 3\)"),
        ({"X": [["a", "b"]] * 5}, "X must be an n × n_inputs array of numbers"),
        ({"y": [0, 1]}, r"y must hold one class label per row of X \(shape \(5,\)\)"),
        ({"y": [0.5] * 5}, "y must hold integer class labels"),
        ({"lr": 0}, "lr must be a positive number, got 0"),
        ({"lr": -0.1}, "lr must be a positive number"),
        ({"loss": "mse"}, "unknown loss 'mse'"),
        ({"optimizer": "rmsprop"}, "unknown optimizer 'rmsprop'"),
        ({"epochs": 0}, "epochs must be a positive int"),
        ({"batch_size": 0}, "batch_size must be a positive int"),
        ({"reduction": "avg"}, "unknown reduction 'avg'"),
        ({"l2": -1.0}, "l2 must be a number ≥ 0"),
        ({"y": [0, 1, 2, 0, 1]}, "label 2 is out of range for a model with 1 output"),
    ],
)
def test_bad_fit_arguments_are_named(kwargs, message):
    X, y = moons(5, seed=0)
    args = {"X": X, "y": y} | kwargs
    model = MLP(2, [2, 1], seed=0)
    with pytest.raises((ValueError, TypeError), match=message):
        fit(model, args.pop("X"), args.pop("y"), progress=False, **args)


def test_lr_goes_to_the_optimizer_not_to_fit_when_an_optimizer_is_given():
    X, y = moons(5, seed=0)
    model = MLP(2, [2, 1], seed=0)
    with pytest.raises(ValueError, match="lr: the optimizer passed to fit"):
        fit(model, X, y, optimizer=SGD(model), lr=0.1, progress=False)


# --- fit(compile=True): the same run as eager, from one compiled graph -------------------


@pytest.mark.parametrize(
    ("loss", "n_outputs", "reduction", "batch_size", "l2"),
    [
        ("squared-error", 1, "mean", 8, 0.0),
        ("cross-entropy", 3, "sum", None, 1e-3),
        ("binary-cross-entropy", 1, "mean", 5, 0.0),
        ("hinge", 2, "mean", 7, 1e-2),
    ],
)
def test_compiled_fit_is_the_eager_run(loss, n_outputs, reduction, batch_size, l2):
    X, y = spirals(24, classes=3, seed=0) if n_outputs == 3 else moons(24, seed=0)

    def run(compiled):
        model = MLP(2, [6, 5, n_outputs], activation="tanh", seed=1)
        history = fit(model, X, y, loss=loss, optimizer="adam", lr=0.05, epochs=3, batch_size=batch_size,
                      reduction=reduction, l2=l2, seed=4, progress=False, compile=compiled)  # fmt: skip
        return history, np.array([p.data for p in model.parameters()]), np.array([p.grad for p in model.parameters()])

    (eager_history, eager_weights, eager_grads), (history, weights, grads) = run(False), run(True)
    assert history.accuracy == eager_history.accuracy and history.steps == eager_history.steps
    np.testing.assert_allclose(history.loss, eager_history.loss, rtol=1e-12)
    np.testing.assert_allclose(weights, eager_weights, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(grads, eager_grads, rtol=1e-9, atol=1e-13)  # p.grad: the last step's, as eager


def test_compiled_fit_refuses_a_module_whose_graph_depends_on_its_input():
    from autograd import CompileError, Value
    from nn.module import Module

    class Branching(Module):  # a piecewise model written with a Python branch instead of relu
        n_inputs = 2

        def __init__(self):
            self.w = Value(0.5)

        def parameters(self):
            return [self.w]

        def __call__(self, x):
            return x[0] * self.w if float(x[0]) > 0 else x[1] * self.w

    X, y = moons(10, seed=0)
    fit(Branching(), X, y, epochs=1, progress=False)  # eager: fine
    with pytest.raises(CompileError, match="builds a different graph"):
        fit(Branching(), X, y, epochs=1, progress=False, compile=True)


def test_compiled_fit_needs_a_named_loss():
    X, y = moons(10, seed=0)
    with pytest.raises(ValueError, match="compile=True needs a named loss"):
        fit(MLP(2, [1], seed=0), X, y, loss=lambda z, label: (z - label) ** 2, compile=True, progress=False)


def test_an_optimizer_built_on_another_model_is_refused_before_training():
    X, y = moons(5, seed=0)
    model, other = MLP(2, [2, 1], seed=0), MLP(2, [2, 1], seed=1)
    before = model.state_dict()
    with pytest.raises(ValueError, match="holds none of this model's 9 parameters"):
        fit(model, X, y, optimizer=SGD(other.parameters()), progress=False)
    assert model.state_dict() == before


def test_an_optimizer_on_some_of_the_parameters_trains_those_and_freezes_the_rest():
    X, y = moons(20, seed=0)
    model = MLP(2, [3, 1], seed=0)
    first, last = model.layers[0].parameters(), model.layers[1].parameters()
    frozen = [p.data for p in first]
    fit(model, X, y, optimizer=SGD(last, lr=0.1), epochs=3, progress=False)
    assert [p.data for p in first] == frozen and any(p.grad != 0.0 for p in last)


def test_a_sigmoid_output_predicts_class_1_above_one_half():
    X, _ = moons(40, seed=1)
    model = MLP(2, [6, 1], activation="tanh", seed=3, output_activation="sigmoid")
    a = np.array([model(x).data for x in X.tolist()])
    assert model.threshold == 0.5 and 0.0 < (a > 0.5).mean() < 1.0  # both classes occur
    np.testing.assert_array_equal(predict(model, X), (a > 0.5).astype(int))


def test_a_notebook_progress_bar_keeps_only_its_last_state() -> None:
    """In Jupyter the bar is one output updated in place: the saved notebook holds 100 %, not a stale 0 %."""
    from nn.progress import NotebookLine

    shown = []
    line = NotebookLine.__new__(NotebookLine)
    line.handle, line.last = type("Handle", (), {"update": lambda self, data, raw: shown.append(data)})(), ""
    line.write("\rtrain:   0%|          | 0/2")
    line.write("\rtrain:  50%|█████     | 1/2\rtrain: 100%|██████████| 2/2")
    line.write("\n")
    assert shown[-1] == {"text/plain": "train: 100%|██████████| 2/2"} and len(shown) == 2


def test_compiled_fit_hands_parameters_back_to_callbacks_and_on_errors():
    # the compiled steps keep θ as a vector: a callback must see (and may change) p.data, and an error
    # mid-epoch must leave p.data at the last step taken, as eager training does
    X, y = moons(24, seed=0)

    def shrink(epoch, history, model):
        for p in model.parameters():
            p.data *= 0.5

    def run(compiled, **settings):
        model = MLP(2, [6, 1], seed=1)
        try:
            fit(model, X, y, optimizer="sgd", epochs=3, batch_size=8, seed=4, progress=False, compile=compiled,
                callback=lambda e, h: shrink(e, h, model), **settings)  # fmt: skip
            error = None
        except ArithmeticError as exc:
            error = type(exc)
        return error, [p.data for p in model.parameters()]

    (error, weights), (want_error, want_weights) = run(True, lr=0.1), run(False, lr=0.1)
    assert error is want_error is None
    assert weights == pytest.approx(want_weights, rel=1e-10)
    error, weights = run(True, lr=1e250)
    want_error, want_weights = run(False, lr=1e250)
    assert error is want_error is not None
    assert weights == pytest.approx(want_weights, rel=1e-10)
