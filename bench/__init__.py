"""deltagrad's benchmark against its peers: ``python -m bench`` (or ``make bench``).

Four measurements, each printed as a markdown table with ratios against the
peers measured in the same run:

* ``dag``: build and backward of a random 200,000-node DAG of ``+``, ``×``, ``relu``.
* ``chain``: the deepest chain each engine can backpropagate (1e2 … 1e6 ops).
* ``memory``: bytes per node of a built graph (tracemalloc and RSS).
* ``mlp``: one SGD step of a 2→16→16→1 MLP on 100 two-moons points.

Every (benchmark, engine) pair runs in its own subprocess (``bench.worker``), so
one engine's imports, garbage and crashes do not touch another's timings. The
garbage collector stays on, as users have it. Peers that are not installed
(micrograd, PyTorch) are reported as skipped.
"""
