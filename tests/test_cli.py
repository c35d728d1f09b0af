"""The `alliances` command: runs, listings, and one-line errors for bad input."""

import subprocess
import sys

import pandas as pd
import pytest

from simulation.cli import main, parse_assignment

SMALL = ["--set", "n_organisations=60", "--steps", "24"]


def run_cli(*args):
    """Run the real console entry point in a subprocess (tracebacks would show here)."""
    return subprocess.run(
        [sys.executable, "-m", "simulation.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_run_writes_tables_and_prints_summary(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", "--scenario", "crisis", *SMALL, "--seed", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "alliances started" in printed and "ends by cause" in printed
    for table in ("runs", "alliances", "events", "timeseries", "memberships"):
        frame = pd.read_parquet(out / table)
        assert len(frame) > 0
    runs = pd.read_parquet(out / "runs")
    assert runs.scenario.iloc[0] == "crisis" and runs.seed.iloc[0] == 3
    assert runs.n_organisations.iloc[0] == 60


def test_run_csv_and_config(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('scenario = "stable"\npressure = 0.15\n[params]\nforesight = 0.7\n')
    out = tmp_path / "csv"
    assert main(["run", "--config", str(config), *SMALL, "--out", str(out), "--format", "csv"]) == 0
    runs = pd.read_csv(out / "runs.csv")
    assert runs.scenario[0] == "stable"
    assert runs.pressure[0] == 0.15 and runs.foresight[0] == 0.7
    assert (out / "alliances.csv").exists() and (out / "provenance.json").exists()


def test_set_reads_toml_values():
    assert parse_assignment("pressure=0.4") == ("pressure", 0.4)
    assert parse_assignment("arrangement=equal") == ("arrangement", "equal")
    name, value = parse_assignment('pressure_schedule=[{kind="shock", at=10, size=0.3}]')
    assert name == "pressure_schedule" and value[0]["kind"] == "shock"


def test_params_and_scenarios_list_everything(capsys):
    from simulation.params import PARAMETER_NAMES
    from simulation.scenarios import SCENARIOS

    assert main(["params"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in PARAMETER_NAMES)
    line = next(row for row in listing.splitlines() if row.split()[:1] == ["forming_care"])
    assert "[0.0, 1.0]" in line and "share" in line and line.endswith("(C24)")
    assert main(["scenarios"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in SCENARIOS)


BAD = [
    (["--set", "presure=0.5"], "unknown parameter 'presure'; did you mean 'pressure'?"),
    (["--set", "pressure=1.5"], "pressure = 1.5 is out of range [0.0, 1.0]"),
    (["--set", "n_organisations=ten"], "n_organisations must be a whole number"),
    (["--set", "steps=2.5"], "steps must be a whole number"),
    (["--set", "arrangement=fair"], "arrangement must be one of equal, proportional"),
    (["--set", "pressure"], "--set expects name=value"),
    (["--scenario", "crisys"], "unknown scenario 'crisys'; did you mean 'crisis'?"),
    (["--set", 'pressure_schedule=[{kind="bump"}]'], "pressure_schedule: unknown kind 'bump'"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_input_gives_one_line_and_writes_nothing(tmp_path, capsys, args, message):
    out = tmp_path / "never"
    assert main(["run", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message in err
    assert not out.exists()


def test_broken_toml_config(tmp_path, capsys):
    config = tmp_path / "broken.toml"
    config.write_text("pressure = = 0.3\n")
    out = tmp_path / "never"
    assert main(["run", "--config", str(config), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "is not valid TOML" in err and err.count("\n") == 0
    assert not out.exists()


def test_missing_config(tmp_path, capsys):
    assert main(["run", "--config", str(tmp_path / "nope.toml"), "--out", str(tmp_path)]) == 2
    assert "not found" in capsys.readouterr().err


def test_unwritable_output_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli("run", *SMALL, "--out", str(blocker / "sub"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "output folder" in result.stderr
    result = run_cli("run", *SMALL, "--out", str(blocker))
    assert result.returncode == 2 and "is not a folder" in result.stderr


def test_real_process_errors_have_no_traceback(tmp_path):
    result = run_cli("run", "--set", "tie_density=-1", "--out", str(tmp_path / "x"))
    assert result.returncode == 2
    assert result.stderr.startswith("alliances: error: tie_density")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists()


def test_help_is_quick_and_lists_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("run", "params", "scenarios", "sweep", "report", "demo", "animate"):
        assert command in result.stdout


def test_non_text_scenario_in_config(tmp_path, capsys):
    config = tmp_path / "c.toml"
    config.write_text("scenario = 5\n")
    assert main(["run", "--config", str(config), "--out", str(tmp_path / "x")]) == 2
    assert "scenario must be a name" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_run_refuses_a_folder_holding_other_results(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", *SMALL, "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["run", *SMALL, "--seed", "2", "--out", str(out)]) == 2
    assert "is not empty" in capsys.readouterr().err
    assert len(pd.read_parquet(out / "runs")) == 1
