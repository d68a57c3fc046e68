"""Training a classifier: ``fit`` runs the loop the notes describe, ``accuracy`` scores it.

The loop is the notes' recipe: forward each sample, add up the per-sample
losses, ``backward()`` to get ``∇_W L``, and let an optimizer step the weights.
``fit`` only adds what every run needs around it: mini-batches, a seed for
their order, a progress bar, and a history of loss and accuracy per epoch.
Labels are class indices ``0 … k−1``; ``nn.losses.target_for`` turns them into
what each named loss expects.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from tqdm import tqdm  # the text bar, in notebooks too (nn.progress): a saved notebook keeps its last state

import autograd
from autograd import Value
from nn.losses import REDUCTIONS, get_loss, l2_penalty, loss_name, reduce, target_for
from nn.module import Module
from nn.optim import Optimizer, get_optimizer
from nn.progress import bar_file

if TYPE_CHECKING:
    from nn.compiled import CompiledStep


@dataclass
class History:
    """Per epoch: the mean per-sample loss and the accuracy on the samples as they were trained."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    steps: int = 0

    def __len__(self) -> int:
        return len(self.loss)

    def __repr__(self) -> str:
        if not self.loss:
            return "History(no epochs yet)"
        return (
            f"History({len(self)} epochs, {self.steps} steps: mean loss {self.loss[0]:.4g} → {self.loss[-1]:.4g}, "
            f"accuracy {self.accuracy[0]:.1%} → {self.accuracy[-1]:.1%})"
        )

    def _repr_html_(self) -> str:
        """A small plot (loss and accuracy per epoch, inline SVG) and the first and last epochs' numbers."""
        from nn.history_html import history_html

        return history_html(self)


def _as_outputs(out: Value | Sequence[Value]) -> list[Value]:
    return [out] if isinstance(out, Value) else list(out)


def predicted_label(z: Value | Sequence[Value], threshold: float = 0.0) -> int:
    """The class a classifier's outputs vote for: ``z > threshold`` with one output, else the argmax.

    An ``MLP``'s ``threshold`` is 0, or 0.5 under a sigmoid output (``predict`` and ``fit`` use it).
    """
    zs = _as_outputs(z)
    if len(zs) == 1:
        return int(zs[0].data > threshold)
    return max(range(len(zs)), key=lambda k: zs[k].data)


def _rows(model: Module, X: object) -> list[list[float]]:
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"X must be an n × n_inputs array of numbers: {exc}") from None
    n_inputs = getattr(model, "n_inputs", None)
    if X.ndim != 2 or (n_inputs is not None and X.shape[1] != n_inputs):
        raise ValueError(f"X must have shape (n_samples, {n_inputs or 'n_inputs'}), got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X has non-finite entries (nan or inf)")
    return X.tolist()


def _labels(y: object, n: int) -> list[int]:
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"y must hold one class label per row of X (shape ({n},)), got shape {y.shape}")
    integral = np.issubdtype(y.dtype, np.integer) or (
        np.issubdtype(y.dtype, np.floating) and bool(np.all(np.isfinite(y) & (y == np.round(y))))
    )
    if n and not integral:
        raise ValueError(f"y must hold integer class labels 0 … k−1, got dtype {y.dtype}")
    return [int(label) for label in y]


def predict(model: Module, X: object) -> np.ndarray:
    """The predicted class of every row of ``X`` (forward passes without a graph)."""
    rows = _rows(model, X)
    with autograd.no_grad():
        threshold = getattr(model, "threshold", 0.0)
        return np.array([predicted_label(model(x), threshold) for x in rows], dtype=np.int64)


def accuracy(model: Module, X: object, y: object) -> float:
    """The fraction of rows of ``X`` whose predicted class is the label in ``y``."""
    rows = _rows(model, X)
    labels = _labels(y, len(rows))
    if not labels:
        raise ValueError("accuracy() of no samples")
    return float(np.mean(predict(model, rows) == np.array(labels)))


def _optimizer(model: Module, optimizer: Optimizer | str, lr: float | None) -> Optimizer:
    if isinstance(optimizer, Optimizer):
        if lr is not None:
            raise ValueError("lr: the optimizer passed to fit() already has its learning rate; pass lr to it instead")
        own = {id(p) for p in model.parameters()}
        if not any(id(p) in own for p in optimizer.parameters):
            raise ValueError(
                f"the optimizer passed to fit() holds none of this model's {len(own)} parameters, so training "
                f"would change nothing (was it built on another model?): build it on this one, "
                f"{type(optimizer).__name__}(model.parameters(), …), or pass its name"
            )
        return optimizer
    cls = get_optimizer(optimizer)
    return cls(model) if lr is None else cls(model, lr=lr)


def _check_int(name: str, x: object) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral) or x < 1:
        raise ValueError(f"{name} must be a positive int, got {x!r}")
    return int(x)


def _compiled_epoch(
    step: CompiledStep,
    opt: Optimizer,
    order: Sequence[int],
    batch_size: int,
    reduction: str,
    l2: float,
    labels: np.ndarray,
) -> tuple[float, int]:
    """One epoch of compiled steps, one replay per batch: (Σ loss, number of rows classified right)."""
    total_loss, correct = 0.0, 0
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        seed = 1.0 if reduction == "sum" else 1.0 / len(batch)
        if l2:  # the penalty's gradient, eagerly, on top of the replay's in p.grad
            opt.zero_grad()
            total, z = step(batch, seed)
            l2_penalty(opt.parameters, l2).backward()
            opt.step()
        else:  # the replay's gradient vector goes straight to the optimizer
            total, z = step.train(batch, seed, opt)
        total_loss += total
        correct += int(np.sum(step.predicted(z) == labels[np.asarray(batch)]))
    return total_loss, correct


def fit(
    model: Module,
    X: object,
    y: object,
    *,
    loss: str | Callable[..., Value] = "squared-error",
    optimizer: Optimizer | str = "sgd",
    lr: float | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    reduction: str = "mean",
    l2: float = 0.0,
    seed: int | None = None,
    progress: bool | None = None,
    callback: Callable[[int, History], None] | None = None,
    compile: bool = False,  # noqa: A002 - the name users know from torch.compile
) -> History:
    """Train ``model`` on ``(X, y)`` and return the loss and accuracy of every epoch.

    Args:
        model: a classifier (an ``MLP``) with one output (binary) or one output per class.
        X: ``n × n_inputs`` numbers; y: ``n`` class labels ``0 … k−1``.
        loss: a name from ``nn.losses.LOSSES``, or a function ``loss(z, label) -> Value``.
        optimizer: ``"sgd"``, ``"adam"`` or an ``Optimizer`` built on ``model``'s parameters.
        lr: learning rate for a named optimizer (default: the optimizer's own).
        epochs: passes over the data. batch_size: samples per step (None: all of them).
        reduction: ``"mean"`` or ``"sum"`` (the notes') of the per-sample losses of a batch.
        l2: adds ``l2 · Σ p²`` to every batch's loss.
        seed: the order of mini-batches. progress: a tqdm bar (None: only on a terminal).
        callback: called as ``callback(epoch, history)`` after each epoch (e.g. to change ``lr``).
        compile: trace one sample's graph once and replay it on each batch with numpy
            (``autograd.compile``): the same losses and gradients, tens of times faster. Needs a
            named loss; a model whose graph depends on its input is refused (CompileError).
    """
    rows = _rows(model, X)
    labels = _labels(y, len(rows))
    if not rows:
        raise ValueError("fit() needs at least one sample")
    epochs = _check_int("epochs", epochs)
    batch_size = len(rows) if batch_size is None else min(_check_int("batch_size", batch_size), len(rows))
    if reduction not in REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}: choose 'sum' (the notes') or 'mean'")
    if isinstance(l2, bool) or not isinstance(l2, numbers.Real) or not 0.0 <= l2 < math.inf:
        raise ValueError(f"l2 must be a number ≥ 0, got {l2!r}")
    opt = _optimizer(model, optimizer, lr)
    if callable(loss):
        loss_fn, targets = loss, labels
    else:
        loss_fn = get_loss(loss)
        with autograd.no_grad():
            n_outputs = len(_as_outputs(model(rows[0])))
        targets = [target_for(loss_name(loss), label, n_outputs) for label in labels]

    step = None
    if compile:
        if callable(loss):
            raise ValueError(
                "compile=True needs a named loss (e.g. 'cross-entropy'): a loss function of your own takes the "
                "label as a number and may build a different graph for each; train it without compile"
            )
        from nn.compiled import CompiledStep, target_rows

        step = CompiledStep(model, loss_fn, np.array(rows), target_rows(targets, n_outputs), opt.parameters)
        label_array = np.array(labels)

    rng = np.random.default_rng(seed)
    threshold = getattr(model, "threshold", 0.0)
    history = History()
    show = sys.stderr.isatty() if progress is None else bool(progress)
    file = bar_file() if show else sys.stderr
    bar = tqdm(range(1, epochs + 1), desc="train", unit="epoch", disable=not show, leave=True, file=file)
    for epoch in bar:
        order = rng.permutation(len(rows)) if batch_size < len(rows) else range(len(rows))
        total_loss, correct = 0.0, 0
        if step is not None:
            try:
                total_loss, correct = _compiled_epoch(step, opt, order, batch_size, reduction, l2, label_array)
            except BaseException:
                step.hand_back()
                raise
            if callback is not None or epoch == epochs:  # p.data and p.grad as eager leaves them, before other code
                step.hand_back()
            history.steps += math.ceil(len(rows) / batch_size)
        else:
            for start in range(0, len(rows), batch_size):
                batch = order[start : start + batch_size]
                losses = []
                for i in batch:
                    z = model(rows[i])
                    losses.append(loss_fn(z, targets[i]))
                    correct += predicted_label(z, threshold) == labels[i]
                objective = reduce(losses, reduction)
                if l2:
                    objective = objective + l2_penalty(opt.parameters, l2)
                opt.zero_grad()
                objective.backward()
                opt.step()
                history.steps += 1
                total_loss += math.fsum(v.data for v in losses)
        history.loss.append(total_loss / len(rows))
        history.accuracy.append(correct / len(rows))
        bar.set_postfix(loss=f"{history.loss[-1]:.4g}", accuracy=f"{history.accuracy[-1]:.1%}")
        if callback is not None:
            callback(epoch, history)
    bar.close()
    return history


__all__ = ["History", "accuracy", "fit", "predict", "predicted_label"]
