"""Notebooks run as tests (nbmake); one whose data needs an optional package is skipped, saying which."""

import importlib.util

import pytest

NEEDS = {
    "07-digits-at-numpy-speed.ipynb": ("sklearn", "scikit-learn ships the UCI digits: pip install 'deltagrad[digits]'")
}


def _available(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


def pytest_collection_modifyitems(config, items):
    for item in items:
        module, reason = NEEDS.get(item.path.name, (None, None))
        if module is not None and not _available(module):
            item.add_marker(pytest.mark.skip(reason=f"{item.path.name} needs {module}: {reason}"))
