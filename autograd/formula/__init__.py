"""Formulas as text: a derivative written by hand — Python syntax or LaTeX — checked against autograd.

The pipeline, one file per step:

- ``grammar.py``: the lark grammar of LaTeX and math text, with the op table's function names in it;
- ``latex.py``: LaTeX or math text → a formula tree (never ``eval``);
- ``tree.py``: the tree, printed as Python syntax (for ``autograd.parse``), Unicode or LaTeX;
- ``function.py``: ``Formula``: text or a function of Values, evaluated as a graph at a point;
- ``check.py``: ``check_derivative``: the claim against autograd and finite differences, point by point;
- ``diagnose.py``: the mistake named (constant factor, sign, inner derivative, part of the domain, kink);
- ``report.py``: ``DerivativeReport``: a table in a terminal, HTML in Jupyter, ``to_dict()``.
"""

from autograd.formula.check import check_derivative
from autograd.formula.function import Formula
from autograd.formula.latex import parse_latex
from autograd.formula.report import DerivativeReport, Tolerances
from autograd.formula.tree import Node

__all__ = ["DerivativeReport", "Formula", "Node", "Tolerances", "check_derivative", "parse_latex"]
