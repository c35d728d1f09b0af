"""Strip outputs, execution counts and widget state from notebooks, as git must hold them.

Usage, from the repository root::

    .venv/bin/python tests/notebooks/strip_outputs.py notebooks/*.ipynb

A notebook saved from Jupyter after running it holds its outputs (figures, tables, the
live page's widget state); ``tests/notebooks/test_notebooks.py`` fails until they are
stripped. The file is rewritten only when something changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

#: Notebook-level metadata that only an executed notebook has.
RUN_METADATA = ("widgets",)
#: Cell-level metadata that only an executed cell has (nbclient's timings, Jupyter's state).
CELL_RUN_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")


def strip(notebook: nbformat.NotebookNode) -> bool:
    """Remove outputs, execution counts and run metadata in place; True if any were there."""
    changed = False
    for key in RUN_METADATA:
        changed |= notebook.metadata.pop(key, None) is not None
    for cell in notebook.cells:
        for key in CELL_RUN_METADATA:
            changed |= cell.metadata.pop(key, None) is not None
        if cell.cell_type != "code":
            continue
        if cell.outputs or cell.execution_count is not None:
            changed = True
        cell.outputs = []
        cell.execution_count = None
    return changed


def main(argv: list[str] | None = None) -> int:
    """Strip the notebooks named on the command line; print the ones that changed."""
    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)]
    if not paths:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: strip_outputs.py NOTEBOOK.ipynb ...", file=sys.stderr)
        return 2
    for path in paths:
        notebook = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        if strip(notebook):
            nbformat.write(notebook, path)
            print(f"stripped {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
