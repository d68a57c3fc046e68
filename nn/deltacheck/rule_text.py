"""``Rules.from_text``: the notes' δ equations, pasted as text, turned into the rules the δ check runs.

Each line ``left = right`` is read by ``rule_grammar``; its left side says which rule
it is and fixes the layer index: ``δ^(m)`` the output delta (of the cross-entropy when the
right side uses p or e^z, else of the squared error), ``δ^(j−1)`` the recursion (so j is the
layer above), ``∂L/∂W^(l)`` / ``∂L/∂w_ik^(l)`` the weight gradient, ``∂L/∂b^(l)`` the bias
gradient. ``a^(l) = σ(z^(l))`` and ``δ^(l) = ∂L/∂z^(l)`` are the forward pass and the definition:
accepted when they agree with the network, refused when they do not. Everything that cannot
work is refused when the text is read, with the column: an index bound nowhere (the notes'
``σ'(z^(i−1))`` under ``δ^(j−1)``), a δ the rule is not given, shapes that do not fit.
``z^(0)`` reads as the input x, as the notes' σ(z_i^(j−1)) at j = 1 does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nn.deltacheck.rule_eval import LAYER, Evaluator
from nn.deltacheck.rule_grammar import parse_rule
from nn.deltacheck.rule_tree import RuleTextError, Symbol, Term
from nn.deltacheck.rule_typeset import typeset


@dataclass(frozen=True)
class RuleText:
    """One line of the derivation as the user wrote it, read.

    Attributes:
        text: the line as given.
        kind: ``output``, ``recursion``, ``weight``, ``bias``, ``forward`` or ``definition``.
        loss: for an output rule, ``squared-error`` or ``cross-entropy``.
    """

    text: str
    kind: str
    loss: str | None
    lhs: Symbol
    rhs: Term = field(repr=False)
    var: str = ""
    offset: int = 0
    gradient: bool = False  # the left side is written ∂L/∂…

    def latex(self) -> str:
        return typeset(self.lhs, self.rhs, self.gradient, latex=True)

    def unicode(self) -> str:
        return typeset(self.lhs, self.rhs, self.gradient, latex=False)

    def __str__(self) -> str:
        return self.unicode()

    def _repr_latex_(self) -> str:
        return f"$${self.latex()}$$"

    def _repr_markdown_(self) -> str:
        return f"$${self.latex()}$$"

    @property
    def field_name(self) -> str | None:
        """Which ``Rules`` field this line replaces (None for the forward pass and the definition)."""
        if self.kind == "output":
            return "output_delta_cross_entropy" if self.loss == "cross-entropy" else "output_delta_squared_error"
        return {"recursion": "backward_delta", "weight": "weight_gradient", "bias": "bias_gradient"}.get(self.kind)

    def rule(self):
        """The callable the δ check runs: ``(z, y) -> δ^(m)`` or ``(pass, l, δ^(l)) -> array``."""
        if self.kind == "output":
            return lambda z, y: Evaluator(self, z=np.asarray(z, float), y=np.asarray(y, float)).result()
        return lambda p, layer, delta: Evaluator(self, p=p, l=layer, delta=np.asarray(delta, float)).result()


def read_line(text: str, loss: str | None = None) -> RuleText:
    """One equation read and checked as far as it can be without a network (``RuleTextError`` otherwise)."""
    (side, lhs, column), rhs = parse_rule(text)
    lhs_words = typeset(lhs, None, side == "gradient", latex=False)
    if side == "gradient" and lhs.base == "z":  # ∂L/∂z^(l) is δ^(l) by definition
        kind = "output" if lhs.layer == "m" else "recursion"
    elif side == "gradient":
        if lhs.base not in ("W", "b"):
            raise RuleTextError(
                f"the left side ∂L/∂{lhs.base} is not a rule of the δ check: use δ^(l) = …, ∂L/∂W^(l) or ∂L/∂b^(l)",
                text,
                1,
                column,
            )
        kind = "weight" if lhs.base == "W" else "bias"
    elif lhs.base == "δ":
        kind = "definition" if rhs.kind == "derivative" else "output" if lhs.layer == "m" else "recursion"
    elif lhs.base in ("a", "z"):
        kind = "forward"
    else:
        raise RuleTextError(
            f"{lhs_words} cannot be a left side: write δ^(l), ∂L/∂W^(l), ∂L/∂b^(l), a^(l) or z^(l)", text, 1, column
        )
    if lhs.layer is None:
        raise RuleTextError(f"the left side {lhs_words} needs its layer: {lhs.base}^(l)", text, 1, column)
    match = LAYER.fullmatch(lhs.layer)
    if match is None or match["number"] is not None:
        raise RuleTextError(
            f"the left side's layer must be a letter, as in {lhs.base}^(l) or {lhs.base}^(l−1), "
            f"or m for the output layer; got ({lhs.layer})",
            text,
            1,
            column,
        )
    var = match["var"]
    offset = int(match["offset"] or 0) * (-1 if match["sign"] in ("-", "−") else 1)
    if var == "m" and kind not in ("output", "definition", "forward"):
        raise RuleTextError(
            f"{lhs_words} would be a rule for one layer only: write it for every layer, with a letter (l)",
            text,
            1,
            column,
        )
    if kind == "output" and offset:
        raise RuleTextError("the output delta is δ^(m), m the output layer", text, 1, column)
    if kind == "output":
        loss = loss or ("cross-entropy" if _uses_softmax(rhs) else "squared-error")
    line = RuleText(text, kind, loss, lhs, rhs, var, offset, side == "gradient")
    if kind == "definition":
        _check_definition(line, column)
    else:
        Evaluator(line).result()  # the static pass: indices and shapes, no numbers
    return line


def _uses_softmax(term: Term) -> bool:
    stack = [term]
    while stack:
        t = stack.pop()
        if t.kind == "exp" or (t.kind == "symbol" and t.value.base == "p"):
            return True
        stack.extend(t.args)
    return False


def _check_definition(line: RuleText, column: int) -> None:
    z = line.rhs.value
    if z.base != "z" or z.layer != line.lhs.layer or z.indices != line.lhs.indices:
        shown = typeset(line.lhs, line.rhs, False, latex=False)
        raise RuleTextError(f"{shown} is not the definition of δ: δ_i^(l) = ∂L/∂z_i^(l)", line.text, 1, column)


def read_lines(*texts: str, loss: str | None = None) -> list[RuleText]:
    """Every non-empty line of ``texts`` read; two lines for the same rule are an error naming both."""
    lines = [line for text in texts for line in _split(text)]
    if not lines:
        raise RuleTextError("no equations: give at least one line such as δ^(m) = 2(z^(m) − y)", "")
    read, seen = [], {}
    whole = "\n".join(lines)
    for number, line in enumerate(lines, 1):
        try:
            rule = read_line(line, loss)
        except RuleTextError as exc:
            if len(lines) == 1:
                raise
            raise RuleTextError(exc.reason, whole, number, exc.column, exc.length) from None
        if rule.field_name is not None:
            if rule.field_name in seen:
                raise RuleTextError(
                    f"two lines give the same rule ({rule.kind}{f', {rule.loss}' if rule.loss else ''}): "
                    f"line {seen[rule.field_name]} and line {number}",
                    whole, number, 1, len(line),
                )  # fmt: skip
            seen[rule.field_name] = number
        read.append(rule)
    return read


def _split(text: str) -> list[str]:
    if not isinstance(text, str):
        raise TypeError(f"δ equations are text, got {type(text).__name__} {text!r}")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("$$") and line.endswith("$$") and len(line) > 4:
            line = line[2:-2]
        if line and not line.startswith("#"):
            out.append(line)
    return out


def rule_changes(lines: list[RuleText]) -> dict[str, object]:
    """The ``Rules`` fields the lines replace, by name (the forward pass and the definition replace none)."""
    return {line.field_name: line.rule() for line in lines if line.field_name is not None}
