"""Settings shared by the whole test suite.

Hypothesis runs a modest number of examples by default so that the suite stays
fast on a small machine; ``HYPOTHESIS_PROFILE=thorough pytest`` runs many more.
No deadline: a first example pays for sympy and PyTorch warming up.
"""

import os

from hypothesis import settings

settings.register_profile("default", max_examples=25, deadline=None)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
