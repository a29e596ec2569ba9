"""Static checks: the package ships `py.typed`, so its annotations must hold under mypy's
strictest settings; the code (package, tests, benchmark) must pass ruff's checks for errors and
likely bugs; and the package must stay Python 3.9 code (`requires-python = ">=3.9"`) although
the tests run on a newer Python."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def test_the_installed_package_type_checks_strictly():
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", "sightline"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout


def test_ruff_finds_nothing():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_package_is_python_3_9_syntax_with_postponed_annotations():
    sources = sorted((PROJECT / "src" / "sightline").rglob("*.py"))
    assert len(sources) > 20
    for source in sources:
        tree = ast.parse(source.read_text(), filename=str(source), feature_version=(3, 9))
        # Annotations such as `X | None` or `list[str]` are only safe on 3.9 when never evaluated.
        if _has_annotations(tree):
            assert any(
                isinstance(node, ast.ImportFrom) and node.module == "__future__" and any(a.name == "annotations" for a in node.names)
                for node in tree.body
            ), f"{source} evaluates its annotations: add `from __future__ import annotations`"


def _has_annotations(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args
            every = [*args.posonlyargs, *args.args, *args.kwonlyargs, *(a for a in (args.vararg, args.kwarg) if a)]
            if node.returns is not None or any(a.annotation is not None for a in every):
                return True
    return False
