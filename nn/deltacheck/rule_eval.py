"""A δ equation's right side evaluated: with numbers inside the δ check, or without when the text is read.

Without numbers (``data is None``) the same walk checks what can be checked before any
network exists: every layer index bound by the left side, only the δ the rule is given,
shapes that fit (``rule_values``). With a sample's forward pass it returns the array the
δ check expects from that rule: δ^(l) as a vector, ∂L/∂W^(l) as a matrix.
"""

from __future__ import annotations

import re
from typing import Protocol

import numpy as np

from nn.deltacheck.rule_tree import Symbol, Term
from nn.deltacheck.rule_typeset import _one, typeset
from nn.deltacheck.rule_typeset import symbol as shown_symbol
from nn.deltacheck.rule_values import ONE, Dim, Ops, Val, dim_words


class Line(Protocol):
    """What the evaluator needs of a read line (``rule_text.RuleText``)."""

    text: str
    kind: str
    lhs: Symbol
    rhs: Term
    var: str
    offset: int
    gradient: bool


LAYER = re.compile(r"\s*(?:(?P<var>[a-z])\s*(?:(?P<sign>[-+−])\s*(?P<offset>\d+))?|(?P<number>\d+))\s*")
_FUNCTIONS = {
    "exp": np.exp, "log": np.log,
    "relu": lambda t: np.where(t > 0.0, t, 0.0),
}  # fmt: skip


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - np.max(z))
    return e / e.sum()


class Evaluator:
    """Walks the right side bottom-up, with numbers (inside the check) or without (when the text is read)."""

    def __init__(self, line: Line, *, z=None, y=None, p=None, l=None, delta=None) -> None:
        self.line, self.z, self.y, self.p, self.l, self.delta = line, z, y, p, l, delta
        self.numeric = z is not None or p is not None
        self.ops = Ops(line.text, line.var)
        # the bound layer: for δ^(j−1) the rule is called with l = j, so j − 1 = l − 1
        self.v = None if l is None else (l - 1 - line.offset if line.kind == "recursion" else l - line.offset)

    def _layer(self, symbol: Symbol, column: int) -> Dim:
        if symbol.layer is None:
            if symbol.base in ("y", "p") or (self.line.kind == "output" and symbol.base in ("z", "a")):
                return ("m", 0)
            if symbol.base == "x":
                return ("abs", 0)
            raise self.ops.error(f"{shown_symbol(symbol, False)} needs its layer: {symbol.base}^(l)", column)
        match = LAYER.fullmatch(symbol.layer)
        if match is None:
            raise self.ops.error(
                f"cannot read the layer ({symbol.layer}) of {symbol.text}: write a letter ± a number", column
            )
        if match["number"] is not None:
            return ("abs", int(match["number"]))
        var, offset = match["var"], int(match["offset"] or 0) * (-1 if match["sign"] in ("-", "−") else 1)
        if var == "m":
            return ("m", offset)
        if var != self.line.var:
            hat = symbol.text.find("^")
            column += symbol.text.find(var, hat) if hat >= 0 else 0  # the caret under the index itself
            lhs = typeset(self.line.lhs, None, self.line.gradient, latex=False)
            raise self.ops.error(
                f"the index {var} is not bound: the left side is {lhs}; did you mean {self.line.var}?", column
            )
        return ("v", offset)

    def _available(self, symbol: Symbol, d: Dim, column: int) -> None:
        kind, lhs = self.line.kind, typeset(self.line.lhs, None, self.line.gradient, latex=False)
        if kind == "output" and (symbol.base in ("W", "b", "x", "δ") or d != ("m", 0)):
            raise self.ops.error(
                f"the output delta δ^(m) is computed from z^(m), y and p only, not {shown_symbol(symbol, False)}",
                column,
            )
        if kind != "output" and symbol.base in ("y", "p"):
            raise self.ops.error(
                f"{shown_symbol(symbol, False)} belongs to the output layer: the rule for {lhs} cannot use it", column
            )
        if symbol.base == "δ":
            given = ("v", self.line.offset + 1) if kind == "recursion" else ("v", self.line.offset)
            if kind == "forward" or d != given:
                layer = _words(given, self.line.var)
                wanted = typeset(Symbol("δ", (), layer, "", f"({layer})"), None, False, latex=False)
                slip = f": is the left side's ({self.line.lhs.layer}) a slip?" if kind in ("weight", "bias") else ""
                raise self.ops.error(
                    f"the rule for {lhs} is given {wanted}, not {shown_symbol(symbol, False)}{slip}", column
                )

    def _resolve(self, d: Dim, symbol: Symbol, column: int) -> int:
        anchor, offset = d
        m = len(self.p.a) - 1 if self.p is not None else None
        layer = self.v + offset if anchor == "v" else (m + offset if anchor == "m" else offset)
        if self.p is not None and not 0 <= layer <= m:
            at = f" at {self.line.var} = {self.v}" if anchor == "v" else ""
            raise self.ops.error(
                f"{shown_symbol(symbol, False)} is layer {layer}{at}, which the network does not have (layers 0…{m})",
                column,
            )
        return layer

    def symbol(self, s: Symbol, column: int) -> Val:
        d = self._layer(s, column)
        self._available(s, d, column)
        dims: tuple[Dim, ...] = ((d[0], d[1] - 1), d) if s.base == "W" else (d, ONE)
        expected = 2 if s.base == "W" else 1
        if s.indices and len(s.indices) != expected:
            raise self.ops.error(
                f"{shown_symbol(s, False)} needs {expected} index{'es' if expected == 2 else ''}, got {len(s.indices)}",
                column,
            )
        data = self._data(s, d, column) if self.numeric else None
        if s.indices:
            return Val(
                None if data is None else data.reshape(data.shape[:expected]), dims[:expected], s.indices, s.text
            )
        return Val(data, dims, None, s.text)

    def _data(self, s: Symbol, d: Dim, column: int) -> np.ndarray:
        if self.line.kind == "output":
            value = {"y": self.y, "p": _softmax(self.z)}.get(s.base, self.z)
            return value.reshape(-1, 1)
        p, layer = self.p, self._resolve(d, s, column)
        if s.base == "δ":
            return self.delta.reshape(-1, 1)
        if s.base == "W":
            if layer == 0:
                raise self.ops.error("W^(0) does not exist: the first weight matrix is W^(1)", column)
            return p.W[layer]
        if s.base == "b" and (layer == 0 or p.b[layer] is None):
            raise self.ops.error("the network has no biases b^(l)" if layer else "b^(0) does not exist", column)
        vectors = {"z": p.a[0] if layer == 0 else p.z[layer], "a": p.a[layer], "x": p.a[0], "b": p.b[layer]}
        return np.asarray(vectors[s.base], float).reshape(-1, 1)

    def term(self, t: Term) -> Val:
        """Bottom-up with an explicit stack: a long sum must not hit the recursion limit."""
        done: dict[int, Val] = {}
        stack = [(t, False)]
        while stack:
            node, ready = stack.pop()
            if not ready and node.args:
                stack.append((node, True))
                stack.extend((a, False) for a in reversed(node.args))  # the leftmost first: errors read left to right
                continue
            args = [done[id(a)] for a in node.args]
            text = _one(node, [a.text for a in args], latex=False)  # each operand as the user wrote it
            done[id(node)] = self._apply(node, args).retext(text)
        return done[id(t)]

    def _apply(self, t: Term, args: list[Val]) -> Val:
        ops, c = self.ops, t.column
        if t.kind == "number":
            return Val(np.asarray(t.value).reshape(1, 1) if self.numeric else None, (ONE, ONE), None, f"{t.value:g}")
        if t.kind == "symbol":
            return self.symbol(t.value, c)
        if t.kind == "group":
            return args[0].retext(f"({args[0].text})")
        if t.kind in ("add", "sub", "hadamard", "div"):
            f = {"add": np.add, "sub": np.subtract, "hadamard": np.multiply, "div": _divide}[t.kind]
            return ops.elementwise(
                args[0], args[1], f, {"add": "+", "sub": "−", "hadamard": "⊙", "div": "/"}[t.kind], c
            )
        if t.kind == "mul":
            return ops.product(args[0], args[1], c)
        if t.kind == "neg":
            a = args[0]
            return Val(None if a.data is None else -a.data, a.dims, a.indices, f"−{a.text}")
        if t.kind == "transpose":
            return ops.transpose(args[0], c)
        if t.kind == "sum":
            return ops.sum_over(t.value, args[0], c)
        if t.kind == "pow":
            base, exponent = args
            if not exponent.scalar or t.args[1].kind not in ("number", "neg", "group"):
                raise ops.error("an exponent must be a number", c)
            data = None if base.data is None else base.data ** float(np.asarray(exponent.data).reshape(()))
            return Val(data, base.dims, base.indices, f"{base.text}^…")
        if t.kind == "derivative":
            raise ops.error(
                "∂L/∂z on the right side is the definition of δ: write δ^(l) = ∂L/∂z^(l) on its own line", c
            )
        a = args[0]  # calls: σ, σ', exp, log, relu, e^{…}; entry by entry
        name = "exp" if t.kind == "exp" else t.value
        if name in ("sigma", "sigma_prime") and self.line.kind == "output":
            raise ops.error("the output layer is linear: σ has no place in δ^(m)", c)
        if a.data is None:
            return Val(None, a.dims, a.indices, f"{name}({a.text})")
        f = {"sigma": self.p.sigma if self.p else None, "sigma_prime": self.p.sigma_prime if self.p else None}.get(name)
        f = f or _FUNCTIONS[name]
        return Val(np.asarray(f(a.data), float), a.dims, a.indices, f"{name}({a.text})")

    def result(self) -> np.ndarray | None:
        """The right side in the shape the δ check expects; statically, the shape checks only."""
        value, lhs = self.term(self.line.rhs), self.line.lhs
        d = self._layer(lhs, self.line.rhs.column)
        lhs_dims: tuple[Dim, ...] = ((d[0], d[1] - 1), d) if lhs.base == "W" else (d,)
        shown = typeset(lhs, None, self.line.gradient, latex=False)
        if self.line.kind == "forward":
            shown += " (the forward pass is a^(l) = σ(z^(l)), z^(l) = (W^(l))ᵀ a^(l−1))"
        if lhs.indices:  # ∂L/∂w_ik^(l), δ_i^(l): the right side's indices must be among the left side's
            if value.indices is None:
                if lhs.base != "W" and value.dims == (lhs_dims[0], ONE):
                    return None if value.data is None else value.data.ravel()
                raise self.ops.error(
                    f"the left side {shown} has indices, the right side {value.text} is a matrix: "
                    "write its entries with indices too",
                    self.line.rhs.column,
                )
            extra = [i for i in value.indices if i not in lhs.indices]
            if extra:
                raise self.ops.error(
                    f"the index {extra[0]} is free on the right side but not on the left ({shown}): "
                    f"sum over it with Σ_{extra[0]}, or name it on the left",
                    self.line.rhs.column,
                )
            for i, dim in zip(value.indices, value.dims, strict=True):
                wanted = lhs_dims[lhs.indices.index(i)]
                if dim != wanted:
                    here, there = dim_words(dim, self.line.var), dim_words(wanted, self.line.var)
                    raise self.ops.error(
                        f"the index {i} runs over {here} on the right side but over {there} in {shown}",
                        self.line.rhs.column,
                    )
            if value.data is None:
                return None
            order = lhs.indices
            data = np.asarray(value.data)
            present = [i for i in order if i in value.indices]
            data = np.transpose(data, [value.indices.index(i) for i in present]) if present else data.reshape(())
            shape = [data.shape[present.index(i)] if i in present else 1 for i in order]
            full = [self._size(lhs_dims[k]) for k in range(len(order))]
            return np.broadcast_to(data.reshape(shape), full).copy()
        if value.indices:
            raise self.ops.error(
                f"the right side {value.text} has indices ({', '.join(value.indices)}) that the left side {shown} "
                f"does not: write {shown} with them",
                self.line.rhs.column,
            )
        if lhs.base == "W":
            if value.data is None:
                return None
            return (
                np.broadcast_to(value.data, tuple(self._size(x) for x in lhs_dims)).copy()
                if value.scalar
                else value.data
            )
        if not value.scalar and value.dims != (lhs_dims[0], ONE):
            raise self.ops.error(
                f"the right side {value.text} is {self.ops.shape(value)}, but {shown} is a vector of "
                f"{dim_words(lhs_dims[0], self.line.var)} entries",
                self.line.rhs.column,
            )
        if value.data is None:
            return None
        return np.broadcast_to(value.data, (self._size(lhs_dims[0]), 1)).ravel().copy()

    def _size(self, d: Dim) -> int:
        if self.line.kind == "output":
            return len(self.z)
        return len(self.p.a[self._resolve(d, self.line.lhs, 1)])


def _divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.divide(a, b)


def _words(d: Dim, var: str) -> str:
    anchor, offset = d
    name = var if anchor == "v" else "m"
    return name + (f"{'+' if offset > 0 else '−'}{abs(offset)}" if offset else "")
