"""The package ships `py.typed`: its annotations must hold under mypy's strictest settings."""

from __future__ import annotations

import subprocess
import sys


def test_the_installed_package_type_checks_strictly():
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", "sightline"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
