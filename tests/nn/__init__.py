"""Tests of ``nn``: networks, losses, optimizers, data, training, saving, export."""
