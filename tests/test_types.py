"""The package is typed: it ships py.typed and mypy (configured in pyproject.toml) is clean."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_package_ships_py_typed():
    assert (ROOT / "simulation" / "py.typed").is_file()
    from importlib.resources import files

    assert files("simulation").joinpath("py.typed").is_file()


def test_mypy_is_clean_on_the_package():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
