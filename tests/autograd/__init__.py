"""Tests of the scalar autograd engine."""
