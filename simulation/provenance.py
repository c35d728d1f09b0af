"""Where a result came from: package version, git commit, library versions.

Computed once per process. Used by ``Results`` and the sweep store; the model itself
never calls it (it does no I/O).
"""

from __future__ import annotations

import functools
import platform
import subprocess
from importlib import metadata
from pathlib import Path

PACKAGE = "alliance-lifecycle"


@functools.cache
def package_version() -> str:
    """Installed version of this package."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "unknown"


@functools.cache
def git_commit() -> str | None:
    """Commit of the source tree this package runs from (``+dirty`` if changed), if known."""
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{commit}+dirty" if dirty else commit


@functools.cache
def environment() -> dict[str, str]:
    """Versions of Python and the main libraries."""
    out = {"python": platform.python_version()}
    for lib in ("mesa", "numpy", "pandas", "pyarrow"):
        try:
            out[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            out[lib] = "unknown"
    return out


def record() -> dict[str, object]:
    """The provenance record shared by all tables of a run."""
    return {
        "package_version": package_version(),
        "git_commit": git_commit(),
        "environment": environment(),
    }
