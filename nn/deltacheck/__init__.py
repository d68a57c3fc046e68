"""The δ check: the notes' hand-derived backward pass, checked against autograd and finite differences.

``check_deltas(model, X, Y, loss, rules)`` runs this pipeline, one file per step:

1. **equations** (``equations.py``): the notes' δ equations in matrix form, one numpy function per
   line of the notes — the *hand* side of the check.
2. **rules** (``rules.py``): ``Rules``, one replaceable callable per line of the derivation;
   ``RULE_SETS`` holds the correct set, the notes as written and one set per erratum (``ERRATA``).
3. **the two oracles** (``oracles.py``): autograd on the model itself (one ``backward()`` on
   ``Loss = Σ_i L_i``), and fourth-order central differences of its loss, held in a
   ``FiniteDifferenceCache`` when the caller wants them reused.
4. **comparison** (``quantity.py``): each ``δ^(l)``, ``∂L/∂W^(l)``, ``∂L/∂b^(l)`` is a ``Quantity``
   addressed by a ``Key(kind, layer)`` (``keys.py``), compared entry by entry under ``Tolerances``.
5. **diagnosis** (``diagnose.py``): names the mistake of a failing rule (a lost factor 2, σ' at the
   wrong layer, a transposed product, …) or marks the quantity as inheriting a wrong δ from above.
6. **report** (``report.py``): ``DeltaReport``, the findings as data (``to_dict``, ``to_json``) and
   per-node annotations for ``visualize.draw``.
7. **rendering** (``render.py``): the report as a terminal table or as HTML for Jupyter.

``check_backprop(model, X, Y, backprop, layout=…)`` (``backprop.py``) checks a *whole* hand-written
backprop instead of one rule per line, through the same oracles, comparison and report:

- **layouts** (``layouts.py``): the notes', Nielsen's and CS231n's shapes and call styles;
- **what it returned** (``returned.py``): the gradients read in their layout, or refused with a reason;
- **inputs** (``targets.py``, ``objective.py``): X and Y (one-hot rows or class indices) and the loss
  (four losses, a sum or a mean, an L2 term) — ``check_deltas`` reads its inputs the same way;
- **diagnosis** (``replay.py``, ``whole.py``): the derivation replayed with the usual mistakes planted,
  to name the wrong line and the layer where it starts.

``calls.py`` calls one rule of a ``Rules`` (the extras it asks for; its output judged).
``check.py`` joins the steps; ``cases.py`` makes seeded random networks to check
(``deltagrad check`` runs on one). These files import one another without a cycle
(``render`` reads a report through a Protocol, so ``report`` → ``render`` is one way;
``tests/test_layout.py`` checks it), and beyond them only ``nn`` and ``autograd``:
nothing here imports ``visualize``.
"""

from nn.deltacheck.backprop import check_backprop
from nn.deltacheck.cases import random_case
from nn.deltacheck.check import check_deltas
from nn.deltacheck.keys import Key, Kind
from nn.deltacheck.layouts import LAYOUTS, Layout
from nn.deltacheck.objective import OBJECTIVE_LOSSES, Objective
from nn.deltacheck.oracles import DELTA_LOSSES, FiniteDifferenceCache
from nn.deltacheck.quantity import Quantity, Tolerances
from nn.deltacheck.report import DeltaReport
from nn.deltacheck.returned import BackpropOutputError
from nn.deltacheck.rules import CORRECT, ERRATA, NOTES_AS_WRITTEN, RULE_SETS, Erratum, Rules, rules_named

__all__ = [
    "CORRECT",
    "DELTA_LOSSES",
    "ERRATA",
    "LAYOUTS",
    "NOTES_AS_WRITTEN",
    "OBJECTIVE_LOSSES",
    "RULE_SETS",
    "BackpropOutputError",
    "DeltaReport",
    "Erratum",
    "FiniteDifferenceCache",
    "Key",
    "Kind",
    "Layout",
    "Objective",
    "Quantity",
    "Rules",
    "Tolerances",
    "check_backprop",
    "check_deltas",
    "random_case",
    "rules_named",
]
