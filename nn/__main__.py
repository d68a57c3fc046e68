"""``python -m nn``: the same as the ``deltagrad`` command."""

import sys

from nn.cli import main

sys.exit(main())
