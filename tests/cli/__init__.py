"""Tests of the ``deltagrad`` command line: ``demo``, ``check``, ``draw``, ``train``, exit codes and errors."""
