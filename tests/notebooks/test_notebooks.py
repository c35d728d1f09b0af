"""The notebooks: every one runs from top to bottom in its small mode, and git holds them clean.

Each notebook is executed with nbclient in a fresh kernel of this interpreter, with the
environment variable ``ALLIANCES_NOTEBOOK_SMALL=1`` (its parameters cell switches to a quick,
reduced size) and its sweeps written to a temporary folder. The kernel is made independent
of the machine's Jupyter set-up: a ``python3`` kernelspec pointing at ``sys.executable`` is
written to a temporary ``JUPYTER_PATH`` (which takes precedence over user and system
kernels), and Jupyter's and IPython's own folders are temporary too.

The executed copies are kept in pytest's temporary folder (``<name>.executed.ipynb``) for
a look when something fails. A notebook that holds outputs fails
``test_notebooks_are_stored_without_outputs``; strip them with
``.venv/bin/python tests/notebooks/strip_outputs.py notebooks/*.ipynb``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
EXPECTED = (
    "01_first_run",
    "02_survival_and_transformation",
    "03_sensitivity",
    "04_teaching_walkthrough",
)
SMALL_ENV = "ALLIANCES_NOTEBOOK_SMALL"
OUTPUT_ENV = "ALLIANCES_NOTEBOOK_OUTPUT"
KERNEL = "python3"
#: Longest a single cell may run in small mode (seconds); the slowest takes under a minute.
CELL_TIMEOUT = 300
#: Longest the kernel may take to start (a busy machine can be slow to import).
STARTUP_TIMEOUT = 120
STRIP = "run: .venv/bin/python tests/notebooks/strip_outputs.py notebooks/*.ipynb"


def ids(path: Path) -> str:
    return path.stem


# --- how the notebooks are stored ---------------------------------------------------------
def test_every_notebook_is_there():
    # more notebooks are welcome (every one found is executed below); none may go missing
    missing = set(EXPECTED) - {p.stem for p in PATHS}
    assert not missing, f"notebooks missing from {NOTEBOOKS}: {sorted(missing)}"


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_notebooks_are_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    problems = [
        f"cell {i} has {len(cell.outputs)} outputs and execution count {cell.execution_count}"
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    if "widgets" in notebook.metadata:
        problems.append("the notebook's metadata holds widget state")
    problems += [
        f"cell {i} holds run metadata ({', '.join(sorted(cell.metadata))})"
        for i, cell in enumerate(notebook.cells)
        if "execution" in cell.metadata
    ]
    assert not problems, f"{path.name} is stored with outputs: {'; '.join(problems)}; {STRIP}"


@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_notebooks_open_with_an_introduction_and_a_parameters_cell(path):
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    tagged = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "one cell tagged 'parameters' (papermill's convention)"
    assert tagged[0] is cells[1] and tagged[0].cell_type == "code"
    assert SMALL_ENV in tagged[0].source and OUTPUT_ENV in tagged[0].source
    assert cells[-1].cell_type == "markdown", "end with a word for the reader, not with code"


# --- running them -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def kernel_environment(tmp_path_factory):
    """A ``python3`` kernel of this interpreter, small mode, and temporary Jupyter folders."""
    from ipykernel.kernelspec import write_kernel_spec

    root = tmp_path_factory.mktemp("jupyter")
    write_kernel_spec(root / "path" / "kernels" / KERNEL)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(root / "path"))
        for name, folder in {
            "JUPYTER_CONFIG_DIR": "config",
            "JUPYTER_DATA_DIR": "data",
            "JUPYTER_RUNTIME_DIR": "runtime",
            "IPYTHONDIR": "ipython",
        }.items():
            (root / folder).mkdir()
            patch.setenv(name, str(root / folder))
        patch.setenv(SMALL_ENV, "1")
        patch.setenv(OUTPUT_ENV, str(root / "output"))
        patch.delenv("MPLBACKEND", raising=False)
        yield root


@pytest.mark.notebooks
@pytest.mark.parametrize("path", PATHS, ids=ids)
def test_notebook_runs_in_small_mode(path, kernel_environment, tmp_path):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        startup_timeout=STARTUP_TIMEOUT,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{path.name} failed in small mode:\n{exc}", pytrace=False)
    finally:
        nbformat.write(notebook, tmp_path / f"{path.stem}.executed.ipynb")

    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "every code cell ran"
    outputs = [o for c in code for o in c.outputs]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "SMALL mode" in printed, "the notebook did not switch to its small mode"
    warnings = [o.text for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not warnings, f"{path.name} wrote to stderr (a warning?):\n{''.join(warnings)}"
    figures = sum("image/png" in o.get("data", {}) for o in outputs)
    assert figures >= 3, f"{path.name} drew {figures} figures"
