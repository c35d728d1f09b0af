"""Public names of a package imported the first time they are used (PEP 562).

Keeps ``import simulation`` and ``alliances --help`` quick: the model (Mesa, pandas,
SciPy, ...) is imported only when one of its names is needed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def attributes(
    package: str, names: dict[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` for ``names`` (name -> module)."""

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *names})

    return __getattr__, __dir__
