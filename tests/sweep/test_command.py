"""The ``alliances sweep`` command: dry runs, the summary, and a light import."""

from __future__ import annotations

import subprocess
import sys

from simulation.cli import main


def test_dry_run_prints_the_plan_and_writes_nothing(tmp_path, write_experiment, capsys):
    path = write_experiment()
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "experiment 'small'" in text
    assert "sampler grid: 2 samples x 3 replications = 6 runs; root seed 11" in text
    assert "varied: pressure" in text
    assert "output: " in text and "(new folder)" in text
    assert "small-s0000-r00" in text and "small-s0001-r00" in text
    assert "nothing written" in text
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp.toml"]


def test_dry_run_on_a_started_folder_says_how_far_it_got(
    tmp_path, write_experiment, capsys, drop_runs
):
    path = write_experiment()
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1"]) == 0
    drop_runs(out, ["small-s0000-r00"])
    capsys.readouterr()
    before = sorted(p.name for p in out.rglob("*"))
    assert main(["sweep", str(path), "--out", str(out), "--dry-run"]) == 0
    assert "holds 5 of 6 runs" in capsys.readouterr().out
    assert sorted(p.name for p in out.rglob("*")) == before


def test_a_sweep_prints_a_short_summary(tmp_path, write_experiment, capsys):
    path = write_experiment()
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(
        "sweep 'small': 6 runs planned; 6 done now, 0 already done, 0 failed"
    )
    assert "local executor, 2 workers" in lines[0]
    assert lines[-1] == (
        f"tables (runs, alliances, events, timeseries) in {out}/: "
        f"simulation.load('{out}') reads them"
    )


def test_the_command_module_imports_no_heavy_library():
    code = (
        "import sys, simulation.sweep.command; "
        "heavy = [m for m in ('dask', 'distributed', 'SALib', 'scipy.stats') "
        "if m in sys.modules]; print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_package_and_the_command_line_start_light():
    # `import simulation` and building every subcommand's parser (what `alliances --help`
    # and the start of `alliances sweep` do) import no numerical library: the model and
    # its tables are imported by the subcommand that runs them.
    code = (
        "import sys, simulation, simulation.sweep, simulation.calibrate; "
        "from simulation.cli import build_parser; build_parser(); "
        "heavy = [m for m in ('numpy', 'pandas', 'pyarrow', 'mesa', 'scipy', 'simulation.model') "
        "if m in sys.modules]; print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_lazy_names_of_the_package_are_its_public_names():
    import simulation
    import simulation.sweep

    assert simulation.run.__module__ == "simulation.runner"
    assert simulation.sweep.run_experiment.__module__ == "simulation.sweep.runner"
    assert set(simulation.__all__) <= set(dir(simulation))
    assert set(simulation.sweep.__all__) <= set(dir(simulation.sweep))
