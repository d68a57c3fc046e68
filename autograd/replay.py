"""``compile(loss, inputs)``: one sample's scalar graph, traced once, replayed on a whole batch with numpy.

The graph is walked once. Its nodes are grouped by level (the longest path from a
leaf) and op, and each group becomes one numpy step: gather the operands, apply the
op's array forward from the op table (``Op.on_arrays``), write the outputs into a
table with one row per node and one column per sample. The dot nodes of a layer,
which share their inputs ``a``, become one matrix product ``W a + b``. Backward runs
the steps in reverse with the table's own ``partials`` rules on arrays and scatters
each contribution back; every leaf that is not an input (the parameters) gets the
sum over the rows, added to ``.grad``, as eager backward over the rows would.

A replay computes the graph it traced, for every row. Code that picks the graph by
looking at ``.data`` (``if z.data > 0: ...``) would build another graph for other
rows: ``Compiled.check(batch, build)`` re-traces rows and raises CompileError where
a graph differs. The ops never do: ReLU's kink is ``np.where`` inside ``relu``, and
log-sum-exp's shift lives inside ``logsumexp`` / ``neg_log_softmax``.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.errors import BackwardError
from autograd.replay_check import CompileError, Structure
from autograd.replay_plan import Plan, plan
from autograd.replay_program import Program
from autograd.value import Value, data_of


class Compiled:
    """The replay of one traced graph; call it on a batch (see ``compile``)."""

    def __init__(self, loss: Value, inputs: Sequence[Value]) -> None:
        self.loss = loss
        self.inputs = list(inputs)
        self._plan: Plan = plan(loss, self.inputs)
        self.parameters: list[Value] = self._plan.parameters
        """Every leaf of the graph that is not an input, in the order ``f`` reads and fills them."""
        self._programs: dict[int, Program] = {}  # by batch size: its tables are reused from call to call
        self._lock = threading.Lock()  # one replay at a time uses a program's tables

    def __repr__(self) -> str:
        p = self._plan
        return (
            f"Compiled({p.n_nodes} nodes in {len(p.steps)} steps, {len(self.inputs)} inputs, "
            f"{len(self.parameters)} parameters)"
        )

    def __call__(
        self, batch: Any, backward: bool = True, seed: float = 1.0, values: Sequence[Value] | None = None
    ) -> Any:
        """Replay on every row of ``batch`` (shape ``(N, len(inputs))``).

        Returns the summed loss (and, with ``backward=True``, adds ``seed · Σ_rows ∂loss/∂p`` to
        every parameter's ``.grad``), or with ``backward=False`` the loss of each row. With
        ``values=[nodes]`` it also returns those nodes' values, one column per node.
        """
        result, grads, shown, _ = self._run(batch, backward, seed, values)
        if grads is not None:
            ps = self.parameters
            grads += np.fromiter([p.grad for p in ps], float, len(ps))
            for p, g in zip(ps, grads.tolist(), strict=True):  # p.grad += ∂/∂p, in one pass
                p.grad = g
        return result if values is None else (result, shown)

    def gradient(
        self,
        batch: Any,
        seed: float = 1.0,
        values: Sequence[Value] | None = None,
        theta: np.ndarray | None = None,
    ) -> tuple[float, np.ndarray, np.ndarray, np.ndarray | None]:
        """``(Σ loss, θ, seed · Σ_rows ∂loss/∂θ, values)`` as ``f(batch)`` computes them, without touching
        ``p.grad``: θ is the parameters' values (``self.parameters``' order; read from ``p.data``, unless given
        as ``theta``) and the gradient is in that order too, so an optimizer can update the vector in one go
        (``Optimizer.update``)."""
        if theta is not None:
            theta = np.asarray(theta, dtype=np.float64)
            if theta.shape != (len(self.parameters),):
                raise ValueError(f"theta must hold the {len(self.parameters)} parameters' values, got {theta.shape}")
        total, grads, shown, theta = self._run(batch, True, seed, values, theta)
        return total, theta, grads, shown

    def check(self, batch: Any, build: Callable[[list[Value]], Value]) -> None:
        """Raise CompileError if ``build`` (the code that made the loss) makes another graph for any row."""
        X = self._batch(batch)
        structure = Structure(self.loss, self.inputs, set(map(id, self.parameters)))
        for r, row in enumerate(X.tolist()):
            fresh = [Value(v) for v in row]
            problem = structure.difference(build(fresh), fresh)
            if problem is not None:
                raise CompileError(
                    f"row {r} of the batch builds a different graph from the one compiled: {problem}. The code "
                    "that builds the loss chooses its graph from the data (a branch on .data, or a constant computed "
                    "from it): write that choice as an op (as relu and logsumexp do), or run it eagerly"
                )

    # --- the replay -----------------------------------------------------------------

    def _batch(self, batch: Any) -> np.ndarray:
        try:
            X = np.asarray(batch, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"the batch must be an array of numbers of shape (N, {len(self.inputs)}): {exc}") from None
        if X.ndim != 2 or X.shape[1] != len(self.inputs) or X.shape[0] == 0:
            raise ValueError(
                f"the batch must have shape (N, {len(self.inputs)}): one row per sample, one column per input "
                f"(N ≥ 1); got shape {X.shape}"
            )
        return X

    def _program(self, n: int) -> Program:
        program = self._programs.get(n)
        if program is None:
            if len(self._programs) >= 4:  # a few batch sizes (a last, smaller mini-batch) are kept
                self._programs.clear()
            program = self._programs[n] = Program(self._plan, n)
        return program

    def _run(
        self, batch: Any, backward: bool, seed: float, values: Sequence[Value] | None, theta: np.ndarray | None = None
    ) -> tuple[Any, np.ndarray | None, np.ndarray | None, np.ndarray]:
        """(Σ loss or each row's loss, a fresh array of θ's gradient or None, the values asked for or None, θ)."""
        X = self._batch(batch)
        if backward and (isinstance(seed, bool) or not isinstance(seed, int | float) or not math.isfinite(seed)):
            raise ValueError(f"seed must be a finite number, got {seed!r}")
        ps = self.parameters
        if theta is None:
            theta = np.fromiter(data_of(ps), float, len(ps))
        with self._lock, np.errstate(all="ignore"):  # overflow is found and named, not warned about
            program = self._program(X.shape[0])
            np.copyto(program.theta, theta)
            program.forward(X)
            grads = None
            if backward:
                result: Any = math.fsum(program.losses.tolist())
                grads = program.backward(float(seed)).copy()
                if not np.isfinite(grads).all() and np.isfinite(program.V).all():
                    bad = int(np.argmax(~np.isfinite(grads)))
                    raise BackwardError(
                        f"the gradient of parameter {ps[bad]!r} overflowed in a compiled replay "
                        "(finite values, infinite gradient)"
                    )
            else:
                result = program.losses.copy()
            shown = None if values is None else self._values(program, values)
        return result, grads, shown, theta

    def _values(self, program: Program, nodes: Sequence[Value]) -> np.ndarray:
        places = [self._plan.place_of(v) for v in nodes]
        V, theta, n = program.V, program.theta, program.V.shape[1]
        rows = [i for kind, i in places if kind == "v"]
        if len(rows) == len(places) and rows == list(range(rows[0], rows[0] + len(rows))):
            return V[rows[0] : rows[0] + len(rows)].T.copy()  # the outputs of one group: one copy
        return np.stack([V[i] if kind == "v" else np.full(n, theta[i]) for kind, i in places], axis=1)


def compile(loss: Value, inputs: Sequence[Value]) -> Compiled:  # noqa: A001 - autograd.compile
    """Trace ``loss`` (one sample's graph) once; return ``f`` that replays it on a batch.

    ``f(batch)`` takes an array of shape ``(N, len(inputs))`` (row i: the values of
    ``inputs`` for sample i), returns the summed loss and adds ``Σ_rows ∂loss/∂p`` to
    ``p.grad`` for every other leaf p (the parameters, whose values are read from
    ``p.data`` at each call). ``f(batch, backward=False)`` returns each row's loss.
    """
    if not isinstance(loss, Value):
        raise TypeError(f"compile() needs the loss as a Value, got {type(loss).__name__}")
    return Compiled(loss, inputs)


__all__ = ["CompileError", "Compiled", "compile"]
