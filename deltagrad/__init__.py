"""deltagrad's command line, kept apart from the libraries it drives.

``deltagrad.cli`` holds one module per subcommand (``demo``, ``check``, ``draw``,
``train``); it is the one place that imports both ``nn`` and ``visualize``, so the
libraries need not know each other: ``nn → autograd``, ``visualize → autograd``,
``deltagrad → nn, visualize``. Run it as ``deltagrad …`` or ``python -m deltagrad …``.
"""
