"""The progress bar of a sweep: a widget in a notebook, quiet when stderr is piped."""

from __future__ import annotations

import json
import textwrap

import pytest

from simulation.sweep import run_experiment
from simulation.sweep import runner as runner_module

TINY = """
name = "bar"
steps = 6
replications = 2
seed = 1
[fixed]
n_organisations = 20
"""


def test_progress_is_quiet_when_stderr_is_not_a_terminal(tmp_path, write_experiment, capfd):
    assert run_experiment(write_experiment(TINY), tmp_path / "out", progress=True).ok
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_in_a_notebook_the_bar_is_a_widget(monkeypatch):
    from tqdm.notebook import tqdm_notebook

    monkeypatch.setattr(runner_module, "in_notebook", lambda: True)
    bar = runner_module.progress_bar(True, total=3, initial=0, desc="x", display=False)
    try:
        assert isinstance(bar, tqdm_notebook) and not bar.disable
    finally:
        bar.close()
    quiet = runner_module.progress_bar(False, total=3, initial=0, desc="x")
    assert quiet.disable and not isinstance(quiet, tqdm_notebook)
    quiet.close()


def test_outside_a_kernel_it_is_not_a_notebook():
    assert runner_module.in_notebook() is False


@pytest.mark.notebooks
def test_a_sweep_in_a_real_kernel_shows_a_progress_widget(tmp_path, monkeypatch):
    import nbformat
    from ipykernel.kernelspec import write_kernel_spec
    from nbclient import NotebookClient

    write_kernel_spec(tmp_path / "path" / "kernels" / "python3")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "path"))
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        (tmp_path / name).mkdir()
        monkeypatch.setenv(name, str(tmp_path / name))
    source = textwrap.dedent(f"""
        from simulation.sweep import parse_design, run_experiment
        design = parse_design({{"name": "bar", "steps": 6, "replications": 2,
                                "fixed": {{"n_organisations": 20}}}})
        summary = run_experiment(design, {str(tmp_path / "out")!r}, progress=True)
        print(summary.ok)
    """)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    NotebookClient(notebook, kernel_name="python3", timeout=120, startup_timeout=120).execute()
    outputs = notebook.cells[0].outputs
    widgets = [
        o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert widgets, json.dumps(outputs)[:2000]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "True" in printed
    assert not [o for o in outputs if o.get("name") == "stderr"]
