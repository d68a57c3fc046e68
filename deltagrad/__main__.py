"""``python -m deltagrad``: the same as the ``deltagrad`` command."""

import sys

from deltagrad.cli import main

sys.exit(main())
