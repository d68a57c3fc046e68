"""A δ equation typeset as the user wrote it: LaTeX for Jupyter, plain Unicode for a terminal.

The user's brackets are kept (the tree remembers them), so ``δ^(j−1) = σ'(z^(j−1)) ⊙ (W^(j) δ^(j))``
comes back with the same grouping, in either notation.
"""

from __future__ import annotations

from nn.deltacheck.rule_tree import Symbol, Term

_LATEX_BASE = {"δ": r"\delta", "z": "z", "a": "a", "W": "W", "b": "b", "y": "y", "p": "p", "x": "x"}
_CALLS = {  # name: (Unicode, LaTeX)
    "sigma": ("σ", r"\sigma"), "sigma_prime": ("σ'", r"\sigma'"), "exp": ("exp", r"\exp"),
    "log": ("log", r"\log"), "relu": ("ReLU", r"\operatorname{ReLU}"),
}  # fmt: skip


def symbol(s: Symbol, latex: bool) -> str:
    base = "w" if s.base == "W" and s.indices else s.base
    sup = s.superscript
    if latex:
        text = _LATEX_BASE.get(base, base) + (f"_{{{''.join(s.indices)}}}" if s.indices else "")
        return text + (f"^{{{sup}}}" if sup else "")
    text = base + (f"_{''.join(s.indices)}" if s.indices else "")
    if sup and not sup.startswith(("(", "[")):
        sup = f"({sup})"
    return text + (f"^{sup.replace('-', '−')}" if sup else "")


def _lhs(s: Symbol, gradient: bool, latex: bool) -> str:
    if gradient:
        return rf"\frac{{\partial L}}{{\partial {symbol(s, True)}}}" if latex else f"∂L/∂{symbol(s, False)}"
    return symbol(s, latex)


def _atomic(t: Term) -> bool:
    return t.kind in ("number", "symbol", "call", "exp") or (t.kind == "group" and t.value != "brace")


def typeset(lhs: Symbol, rhs: Term | None, gradient: bool, latex: bool) -> str:
    """``left = right`` (or the left side alone when ``rhs`` is None); ``gradient``: the left side is ∂L/∂…."""
    left = _lhs(lhs, gradient, latex)
    return left if rhs is None else f"{left} = {term(rhs, latex)}"


def term(t: Term, latex: bool) -> str:
    done: dict[int, str] = {}
    stack = [(t, False)]
    while stack:
        node, ready = stack.pop()
        if not ready and node.args:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args)
            continue
        done[id(node)] = _one(node, [done[id(a)] for a in node.args], latex)
    return done[id(t)]


def _one(t: Term, args: list[str], latex: bool) -> str:
    k = t.kind
    if k == "number":
        return f"{t.value:g}"
    if k == "symbol":
        return symbol(t.value, latex)
    if k == "derivative":
        return _lhs(t.value, True, latex)
    if k == "group" and t.value == "brace":
        return f"{{{args[0]}}}" if latex else args[0] if _atomic(t.args[0]) else f"({args[0]})"
    if k == "group":
        return rf"\left({args[0]}\right)" if latex else f"({args[0]})"
    if k in ("add", "sub", "hadamard"):
        op = {"add": "+", "sub": "-" if latex else "−", "hadamard": r"\odot" if latex else "⊙"}[k]
        return f"{args[0]} {op} {args[1]}"
    if k == "div":
        if latex:
            return rf"\frac{{{args[0]}}}{{{args[1]}}}" if t.value == "frac" else f"{args[0]} / {args[1]}"
        a, b = (s if _atomic(x) else f"({s})" for s, x in zip(args, t.args, strict=True))
        return f"{a}/{b}"
    if k == "mul":
        glue = "" if t.args[0].kind == "number" and t.args[1].kind == "group" else (r"\," if latex else " ")
        return f"{args[0]}{glue}{args[1]}"
    if k == "neg":
        return f"-{args[0]}" if latex else f"−{args[0]}"
    if k == "transpose":
        base = f"{{{args[0]}}}" if latex and t.args[0].kind == "symbol" and t.args[0].value.superscript else args[0]
        return f"{base}^{{T}}" if latex else f"{args[0]}ᵀ"
    if k == "sum":
        return rf"\sum_{{{t.value}}} {args[0]}" if latex else f"Σ_{t.value} {args[0]}"
    if k == "pow":
        return f"{args[0]}^{{{args[1]}}}" if latex else f"{args[0]}^{args[1]}"
    if k == "exp":
        inner = t.args[0].args[0] if t.args[0].kind == "group" and t.args[0].value == "brace" else t.args[0]
        if latex:
            return (
                f"e^{{{args[0].removeprefix('{').removesuffix('}')}}}"
                if t.args[0].value == "brace"
                else f"e^{{{args[0]}}}"
            )
        return f"e^{args[0] if _atomic(inner) else f'({args[0]})'}"
    unicode, tex = _CALLS[t.value]
    return rf"{tex}\left({args[0]}\right)" if latex else f"{unicode}({args[0]})"
