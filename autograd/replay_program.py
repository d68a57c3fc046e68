"""A compiled plan made runnable for batches of one size: its tables, and each step as a closure over their views.

``Program(plan, n)`` allocates, once, the value table ``V`` and the gradient table
``G`` (one row per node, ``n`` columns), θ and its gradient, and a buffer for every
operand that must be gathered. Each step of the plan becomes a forward and a
backward closure that read and write views of these tables (``out=``): a replay is
a loop over closures, a few numpy calls each, and allocates almost nothing. The
ops' array forwards and local derivatives are the op table's (``Op.on_arrays``,
``Op.partials``); the chain rule is the one line ``g · ∂out/∂operand``, added to
the operand's places (``Into``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from autograd.errors import BackwardError, OverflowInOpError
from autograd.replay_plan import Into, MatmulStep, OpStep, Plan

Run = Callable[[], None]


def _times(g: np.ndarray, d: Any) -> Any:
    """``g · d``; ``g`` itself when d is the constant 1 (sum, add, sub's first input): one product less."""
    return g if type(d) is float and d == 1.0 else g * d


class Program:
    """The replay of ``plan`` on ``n`` rows: ``forward(X)``, then ``backward(seed)`` for θ's gradient."""

    def __init__(self, plan: Plan, n: int) -> None:
        self.plan = plan
        self.V = np.empty((plan.n_rows, n))
        self.V[plan.ones_rows] = 1.0
        self.G = np.empty((plan.n_rows, n))
        self.theta = np.empty(len(plan.parameters))
        self.dtheta = np.empty(len(plan.parameters))
        self.inputs = self.V[plan.input_rows] if isinstance(plan.input_rows, slice) else None
        self.losses = self.V[plan.loss_row]
        self.seed_row = self.G[plan.loss_row]
        self.forwards: list[Run] = []
        self.backwards: list[Run] = []
        self.operands: list[list[np.ndarray]] = []  # per step, what its forward read (to name an overflow)
        for step in plan.steps:
            forward, backward, operands = (self._matmul if type(step) is MatmulStep else self._op)(step, n)
            self.forwards.append(forward)
            self.backwards.append(backward)
            self.operands.append(operands)
        self.backwards.reverse()

    def forward(self, X: np.ndarray) -> None:
        """Every row's values (θ must hold the parameters' values); OverflowInOpError names the first overflow."""
        if self.inputs is not None:
            np.copyto(self.inputs, X.T)
        else:
            self.V[self.plan.input_rows] = X.T
        for run in self.forwards:
            run()
        if not np.isfinite(self.V).all():
            self._find_overflow()

    def backward(self, seed: float) -> np.ndarray:
        """``seed · Σ_rows ∂loss/∂θ`` (this program's buffer: read it before the next replay)."""
        p = self.plan
        if len(p.zero_rows):
            self.G[p.zero_rows] = 0.0
        if len(p.zero_theta):
            self.dtheta[p.zero_theta] = 0.0
        self.seed_row.fill(seed)
        for run in self.backwards:
            run()
        return self.dtheta

    # --- the steps ------------------------------------------------------------------

    def _gather(self, kind: str, index: Any, n: int, fills: list[Run]) -> np.ndarray:
        """An operand as an array: a view of V when its rows are a slice, else a buffer that ``fills`` refill."""
        if kind == "v":
            if isinstance(index, slice):
                return self.V[index]
            buffer = np.empty((len(index), n))
            fills.append(partial(np.take, self.V, index, 0, buffer, "clip"))
            return buffer
        buffer = np.empty(len(index))
        fills.append(partial(np.take, self.theta, index, None, buffer, "clip"))
        return buffer[:, None]  # the same for every row: broadcast along the batch

    def _put(self, into: Into, over_rows: bool) -> Callable[[np.ndarray, Any], None]:
        """``put(g, d)``: add ``g · d`` (summed over the rows first, for θ; over the nodes for a row they all
        read) to ``into``'s places."""
        table = self.G if into.kind == "v" else self.dtheta
        index, mode, over_nodes = into.index, into.mode, into.over_nodes
        if isinstance(index, slice) and mode == "set" and not over_nodes:
            view = table[index]
            if over_rows:
                return lambda g, d: np.sum(_times(g, d), axis=1, out=view)
            return lambda g, d: np.copyto(view, g) if type(d) is float and d == 1.0 else np.multiply(g, d, out=view)

        def put(g: np.ndarray, d: Any) -> None:
            c = _times(g, d)
            if over_rows:
                c = c.sum(axis=1)
            elif over_nodes:
                c = np.broadcast_to(c, g.shape).sum(axis=0, keepdims=True)
            if mode == "set":
                table[index] = c
            elif mode == "add":
                table[index] += c
            else:
                np.add.at(table, index, c)

        return put

    def _op(self, step: OpStep, n: int) -> tuple[Run, Run, list[np.ndarray]]:
        fills: list[Run] = []
        xs = [self._gather(kind, index, n, fills) for kind, index in step.operands]
        out, g = self.V[step.out], self.G[step.out]
        forward, partials, arg, name = step.forward, step.op.partials, step.arg, step.op.name
        puts = self._puts(step)

        def run_forward() -> None:
            for fill in fills:
                fill()
            out[...] = forward(arg, *xs)

        def run_backward() -> None:
            try:
                local = partials(out, arg, *xs)
            except (ArithmeticError, ValueError) as exc:
                raise BackwardError(f"the local derivative of {name} failed in a compiled replay: {exc}") from exc
            for i, j, put in puts:
                put(g, local[i] if j is None else local[i:j])

        return run_forward, run_backward, xs

    def _puts(self, step: OpStep) -> list[tuple[int, int | None, Callable[[np.ndarray, Any], None]]]:
        """``(i, None, put)`` for operand i's ``∂``, or ``(i, j, put)`` for operands i … j−1 whose places are
        consecutive blocks of rows of G, written (or added) at once: a loss over many outputs reads each once."""
        puts: list[tuple[int, int | None, Callable[[np.ndarray, Any], None]]] = []
        i, intos = 0, step.into
        while i < len(intos):
            j = i + 1
            while j < len(intos) and _continues(intos[j - 1], intos[j]):
                j += 1
            if j - i > 1:
                puts.append((i, j, self._block(intos[i:j])))
            elif intos[i] is not None:
                puts.append((i, None, self._put(intos[i], step.operands[i][0] == "t")))
            i = j
        return puts

    def _block(self, intos: list[Into]) -> Callable[[np.ndarray, Any], None]:
        """``put(g, ds)`` for operands whose places are blocks of rows of G one after another (``_continues``)."""
        first, last = intos[0].index, intos[-1].index
        height, count, over_nodes = first.stop - first.start, len(intos), intos[0].over_nodes
        view = self.G[first.start : last.stop].reshape(count, height, -1)
        add = intos[0].mode == "add"

        def put(g: np.ndarray, ds: Any) -> None:
            if isinstance(ds, np.ndarray):  # every partial at once (axis 0: the operand)
                c = ds * g
            elif all(type(d) is float and d == 1.0 for d in ds):
                c = g
            else:
                c = np.stack([np.broadcast_to(_times(g, d), g.shape) for d in ds])
            if over_nodes:
                c = np.broadcast_to(c, (count, *g.shape)).sum(axis=1, keepdims=True)
            if add:
                np.add(view, c, out=view)
            else:
                np.copyto(view, c)

        return put

    def _matmul(self, step: MatmulStep, n: int) -> tuple[Run, Run, list[np.ndarray]]:
        """``Z = [W | b] @ [A; 1]``; backward ``∂[W | b] = G_Z [A; 1]ᵀ`` and ``∂A = Wᵀ G_Z``."""
        k, n_in = step.shape
        m = n_in + step.bias
        fills: list[Run] = []
        if isinstance(step.w, slice):
            W = self.theta[step.w].reshape(k, m)
        else:
            W = np.empty((k, m))
            fills.append(partial(np.take, self.theta, step.w, None, W.reshape(-1), "clip"))
        if step.ones:
            A = self.V[step.a.start : step.a.stop + 1]
        elif step.bias:
            A = np.empty((m, n))
            A[n_in] = 1.0
            rows = np.arange(step.a.start, step.a.stop) if isinstance(step.a, slice) else step.a
            fills.append(partial(np.take, self.V, rows, 0, A[:n_in], "clip"))
        else:
            A = self._gather("v", step.a, n, fills)
        out, g = self.V[step.out], self.G[step.out]
        into_w, into_a = step.into_w, step.into_a

        def run_forward() -> None:
            for fill in fills:
                fill()
            np.matmul(W, A, out=out)

        if isinstance(into_w.index, slice) and into_w.mode == "set":
            dW = self.dtheta[into_w.index].reshape(k, m)
            put_w: Run = lambda: np.matmul(g, A.T, out=dW)  # noqa: E731
        else:
            put_grad = self._put(into_w, over_rows=False)
            put_w = lambda: put_grad((g @ A.T).reshape(-1), 1.0)  # noqa: E731
        put_a: Run | None = None
        if into_a is not None and step.ones and into_a.mode == "set":  # ∂ of the row of ones lands on its G row
            dA = self.G[step.a.start : step.a.stop + 1]
            put_a = lambda: np.matmul(W.T, g, out=dA)  # noqa: E731
        elif into_a is not None:
            put_rows = self._put(into_a, over_rows=False)
            put_a = lambda: put_rows(W[:, :n_in].T @ g, 1.0)  # noqa: E731

        def run_backward() -> None:
            put_w()
            if put_a is not None:
                put_a()

        return run_forward, run_backward, [A, W]

    def _find_overflow(self) -> None:
        """Raise OverflowInOpError at the first step with a non-finite result from finite operands."""
        for step, xs in zip(self.plan.steps, self.operands, strict=True):
            out = self.V[step.out]
            if type(step) is MatmulStep:  # node k, row r: dot(a[:, r], w[k], b[k])
                A, W = xs
                bad = ~np.isfinite(out) & np.isfinite(A).all(axis=0) & np.isfinite(W).all(axis=1)[:, None]
                if bad.any():
                    k, r = np.unravel_index(int(np.argmax(bad)), bad.shape)
                    n_in = step.shape[1]
                    raise OverflowInOpError("dot", (*A[:n_in, r].tolist(), *W[k].tolist()))
                continue
            bad = ~np.isfinite(out)
            for x in xs:
                bad &= np.isfinite(np.broadcast_to(x, out.shape))
            if bad.any():
                at = np.unravel_index(int(np.argmax(bad)), bad.shape)
                shown = tuple(float(np.broadcast_to(x, out.shape)[at]) for x in xs)
                arg = step.arg[at[0], 0].item() if isinstance(step.arg, np.ndarray) else step.arg
                raise OverflowInOpError(step.op.name, shown if arg is None else (*shown, arg))


def _continues(before: Into | None, into: Into | None) -> bool:
    """Do ``into``'s rows of G come right after ``before``'s, as rows of the same height and the same kind of put?"""
    if before is None or into is None or before.kind != "v" or into.kind != "v":
        return False
    a, b = before.index, into.index
    return (
        isinstance(a, slice) and isinstance(b, slice) and b.start == a.stop and b.stop - b.start == a.stop - a.start
        and before.mode == into.mode != "add_at" and before.over_nodes == into.over_nodes
    )  # fmt: skip
