"""With HIPS autograd (same import name) first on the path, nn and visualize say so clearly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("package", ["nn", "visualize"])
def test_another_autograd_first_on_the_path_gives_a_clear_import_error(package: str, tmp_path: Path) -> None:
    other = tmp_path / "autograd"
    other.mkdir()
    (other / "__init__.py").write_text("def grad(fun):\n    return fun\n")  # the shape of HIPS autograd's API
    result = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import {package}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "HIPS autograd uses the same import name" in result.stderr
    assert "virtual environment" in result.stderr
