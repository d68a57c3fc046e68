"""Settings shared by the whole test suite.

Hypothesis runs a modest number of examples by default so that the suite stays
fast on a small machine; ``HYPOTHESIS_PROFILE=thorough pytest`` runs many more.
Under CI (``CI`` set) the examples are derandomized, so a run can be repeated exactly;
elsewhere each run explores new ones. No deadline: a first example pays for sympy and
PyTorch warming up.
"""

import os

from hypothesis import settings

settings.register_profile("default", max_examples=25, deadline=None)
settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))
