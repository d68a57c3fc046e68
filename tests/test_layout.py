"""Dependencies point one way: ``nn → autograd``, ``visualize → autograd``, ``deltagrad → nn, visualize``.

Two checks, because each misses what the other sees: importing every module of a
package in a fresh interpreter where the forbidden package cannot be imported (catches
an import at load time, however indirect), and reading every ``import`` statement of
its source (catches one hidden inside a function, which runs only when called).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "autograd": {"nn", "visualize", "deltagrad"},
    "nn": {"visualize", "deltagrad"},
    "visualize": {"nn", "deltagrad"},
}

IMPORT_ALL = """
import importlib, pkgutil, sys
for name in {blocked!r}:
    sys.modules[name] = None  # `import name` now raises ImportError
package = importlib.import_module({package!r})
for module in pkgutil.walk_packages(package.__path__, {package!r} + "."):
    importlib.import_module(module.name)
print("imported", {package!r})
"""


def _imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_every_module_imports_with_the_forbidden_packages_blocked(package: str) -> None:
    blocked = sorted(FORBIDDEN[package])
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL.format(package=package, blocked=blocked)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"{package} needs one of {blocked}:\n{result.stderr}"
    assert f"imported {package}" in result.stdout


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_source_file_imports_a_forbidden_package(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(found)
        for path in sorted((ROOT / package).rglob("*.py"))
        if (found := _imported(ast.parse(path.read_text(encoding="utf-8"))) & FORBIDDEN[package])
    }
    assert not offenders, f"{package} must not import {sorted(FORBIDDEN[package])}: {offenders}"


def test_both_checks_fail_on_a_planted_import(tmp_path: Path) -> None:
    """A module importing ``visualize`` at load time fails the first check; one inside a function, the second."""
    package = tmp_path / "planted"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "loud.py").write_text("import visualize\n")
    planted = IMPORT_ALL.format(package="planted", blocked=["visualize"])
    code = f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n{planted}"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "visualize" in result.stderr
    assert "visualize" in _imported(ast.parse("def draw_it():\n    from visualize import draw\n    return draw\n"))


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle among ``graph``'s modules, or None (an iterative depth-first search)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in sorted(graph):
        if start in state:
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            child = next(stack[-1], None)
            if child is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(child) == 1:
                return [*path[path.index(child) :], child]
            elif child not in state:
                state[child] = 1
                path.append(child)
                stack.append(iter(sorted(graph[child])))
    return None


def test_the_delta_check_modules_import_each_other_without_a_cycle() -> None:
    """Counting imports made only for type checking: a cycle there is still two files that need each other."""
    folder = ROOT / "nn" / "deltacheck"
    names = {path.stem for path in folder.glob("*.py")} - {"__init__"}
    graph = {}
    for name in names:
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("nn.deltacheck"):
                inner = node.module.removeprefix("nn.deltacheck").lstrip(".")
                found |= {inner} if inner else {alias.name for alias in node.names if alias.name in names}
        graph[name] = found & names
    assert graph["report"] >= {"render", "quantity"}, "the graph is read from the source"
    assert _cycle(graph) is None, f"import cycle: {' → '.join(_cycle(graph))}"
    assert _cycle({"report": {"render"}, "render": {"report"}}) == ["render", "report", "render"]
