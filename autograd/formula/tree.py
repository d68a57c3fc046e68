"""A formula as a small tree, and how to print it: Python syntax (for the safe parser), LaTeX, Unicode.

Every text a user gives — Python syntax or LaTeX — becomes a ``Node``: a number,
a name, an operator on two nodes, a minus sign, or a call of one of the op
table's functions. The tree is what is checked; the printers show how the text
was read (``x·(1 − tanh(x·w + b)²)``) and give the Python text the safe parser
``autograd.parse`` builds Values from, so there is one builder, never ``eval``.
"""

from __future__ import annotations

from dataclasses import dataclass

_PRECEDENCE = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}
_PY = {"add": " + ", "sub": " - ", "mul": "*", "div": "/", "pow": "**"}
_UNICODE = {"add": " + ", "sub": " − ", "mul": "·", "div": "/", "pow": "^", "neg": "−"}
GREEK_LETTERS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ",
    "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "tau": "τ",
    "upsilon": "υ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
}  # fmt: skip
"""Greek letters a formula may use as names (σ is the sigmoid), by LaTeX name."""
_GREEK = GREEK_LETTERS
_LATEX_FUNCTIONS = {
    "exp": r"\exp",
    "log": r"\ln",
    "tanh": r"\tanh",
    "sigmoid": r"\sigma",
    "sin": r"\sin",
    "cos": r"\cos",
}


@dataclass(frozen=True, slots=True)
class Node:
    """``kind`` is ``num``, ``name``, ``add``, ``sub``, ``mul``, ``div``, ``pow``, ``neg`` or ``call``.

    ``value`` is the number, the name or the function's name; ``args`` the operands.
    """

    kind: str
    value: object = None
    args: tuple[Node, ...] = ()

    def names(self) -> list[str]:
        """The names the formula uses, in order of first appearance."""
        seen: dict[str, None] = {}
        stack = [self]
        while stack:
            node = stack.pop()
            if node.kind == "name":
                seen.setdefault(str(node.value), None)
            stack.extend(reversed(node.args))
        return list(seen)

    def python(self) -> str:
        """Python syntax with as few brackets as the precedence allows: what ``autograd.parse`` reads."""
        return _show(self, _PY, _number_py, str, lambda f, a: f"{f}({a})", lambda b, e: f"{b}**{e}")

    def unicode(self) -> str:
        """How a person would write it in plain text: ``x·(1 − tanh(x·w + b)^2)``."""
        return _show(self, _UNICODE, _number_short, _name_unicode, lambda f, a: f"{f}({a})", lambda b, e: f"{b}^{e}")

    def latex(self) -> str:
        """LaTeX, with every group braced: ``\\tanh\\left(x \\cdot w + b\\right)``."""
        return _latex(self)


def _number_py(x: float) -> str:
    return repr(float(x))


def _number_short(x: float) -> str:
    return f"{x:g}" if float(x) == float(f"{x:g}") else repr(float(x))


def _name_unicode(name: str) -> str:
    head, _, subscript = name.partition("_")
    if not subscript:
        return _GREEK.get(head, head)
    return _GREEK.get(head, head) + (f"_{subscript}" if len(subscript) == 1 else f"_{{{subscript}}}")


def _name_latex(name: str) -> str:
    head, _, subscript = name.partition("_")
    head = f"\\{head} " if head in _GREEK else head
    return head + (f"_{{{subscript}}}" if subscript else "")


def _show(node: Node, symbols: dict, number, name, call, power) -> str:
    """Print bottom-up with an explicit stack (a deep formula must not hit the recursion limit)."""
    out: dict[int, tuple[str, int]] = {}  # id(node) -> (text, precedence)
    stack: list[tuple[Node, bool]] = [(node, False)]
    while stack:
        n, ready = stack.pop()
        if not ready and n.args:
            stack.append((n, True))
            stack.extend((a, False) for a in n.args)
            continue
        if n.kind == "num":
            text = number(n.value)
            negative = text.startswith("-")
            text = symbols.get("neg", "-") + text[1:] if negative else text
            out[id(n)] = (text, 3 if negative else 5)
        elif n.kind == "name":
            out[id(n)] = (name(str(n.value)), 5)
        elif n.kind == "call":
            out[id(n)] = (call(n.value, ", ".join(out[id(a)][0] for a in n.args)), 5)
        elif n.kind == "neg":
            text, p = out[id(n.args[0])]
            out[id(n)] = (symbols.get("neg", "-") + (text if p > 3 else f"({text})"), 3)
        else:
            p = _PRECEDENCE[n.kind]
            (a, pa), (b, pb) = out[id(n.args[0])], out[id(n.args[1])]
            if n.kind == "pow":  # right-associative, and binds tighter than a minus sign on its left
                a = a if pa > p else f"({a})"
                b = b if pb >= 5 else f"({b})"
                out[id(n)] = (power(a, b), p)
                continue
            a = a if pa >= p else f"({a})"
            b = b if pb > p else f"({b})"  # a + (b + c) keeps its brackets: the same tree, the same rounding
            out[id(n)] = (f"{a}{symbols[n.kind]}{b}", p)
    return out[id(node)][0]


def _latex(node: Node) -> str:
    out: dict[int, str] = {}
    stack: list[tuple[Node, bool]] = [(node, False)]
    while stack:
        n, ready = stack.pop()
        if not ready and n.args:
            stack.append((n, True))
            stack.extend((a, False) for a in n.args)
            continue
        args = [out[id(a)] for a in n.args]
        if n.kind == "num":
            text = _number_short(n.value)
            out[id(n)] = text if not text.startswith("-") else f"\\left({text}\\right)"
        elif n.kind == "name":
            out[id(n)] = _name_latex(str(n.value))
        elif n.kind == "call":
            name = _LATEX_FUNCTIONS.get(str(n.value), rf"\operatorname{{{n.value}}}")
            out[id(n)] = f"{name}\\left({', '.join(args)}\\right)"
        elif n.kind == "neg":
            out[id(n)] = f"\\left(-{args[0]}\\right)"
        elif n.kind == "div":
            out[id(n)] = f"\\frac{{{args[0]}}}{{{args[1]}}}"
        elif n.kind == "pow":
            out[id(n)] = f"\\left({args[0]}\\right)^{{{args[1]}}}"
        else:
            symbol = {"add": "+", "sub": "-", "mul": r"\cdot"}[n.kind]
            out[id(n)] = f"\\left({args[0]} {symbol} {args[1]}\\right)"
    return out[id(node)]


_GRAPH_BINARY = {"add": "add", "sub": "sub", "mul": "mul", "div": "div", "pow": "pow"}


def from_graph(value) -> Node:  # value: autograd.Value (duck-typed: tree.py imports nothing of the engine)
    """The formula a Value's graph computes: a leaf is its label (or its number), an op its node."""
    done: dict[int, Node] = {}
    stack = [(value, False)]
    while stack:
        v, ready = stack.pop()
        if id(v) in done:
            continue
        if not ready and v.parents:
            stack.append((v, True))
            stack.extend((p, False) for p in v.parents)
            continue
        args = tuple(done[id(p)] for p in v.parents)
        name = v.op.name if v.op is not None else None
        if name is None:
            node = Node("name", v.label) if v.label else Node("num", v.data)
        elif name in _GRAPH_BINARY:
            node = Node(_GRAPH_BINARY[name], None, args)
        elif name == "neg":
            node = Node("neg", None, args)
        elif name == "powc":
            node = Node("pow", None, (args[0], Node("num", v.arg)))
        elif name == "dot":
            n = len(args) // 2
            terms = [Node("mul", None, pair) for pair in zip(args[:n], args[n : 2 * n], strict=True)]
            terms += list(args[2 * n :])  # a_1..a_n, w_1..w_n and perhaps a bias
            node = terms[0]
            for term in terms[1:]:
                node = Node("add", None, (node, term))
        else:
            node = Node("call", name, args)  # sum(x, y), logsumexp(x, y) and the one-input functions
        done[id(v)] = node
    return done[id(value)]
