"""Command-line conventions: --version, python -m, -q/-v, help everywhere, settings files."""

import argparse
import subprocess
import sys

import pytest

from simulation.cli import build_parser, main, package_version
from simulation.scenarios import SCENARIOS, get_scenario

SMALL = ["--set", "n_organisations=40", "--steps", "6"]


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"alliances {package_version()}"
    assert package_version()[0].isdigit()


def test_python_dash_m_simulation_is_the_command():
    result = subprocess.run(
        [sys.executable, "-m", "simulation", "columns", "runs"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and "runs: One row per run" in result.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "simulation", "columns", "nope"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and bad.stderr.startswith("alliances: error: unknown table")


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_subcommand_has_a_description_and_help_on_every_option(name):
    parser = subcommands()[name]
    assert parser.description and len(parser.description) > 20, name
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help and action.help != argparse.SUPPRESS, (name, action.dest)


def test_quiet_prints_nothing_and_still_writes(tmp_path, capsys):
    out = tmp_path / "q"
    assert main(["run", "-q", *SMALL, "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert printed.out == "" and printed.err == ""
    assert (out / "alliances").is_dir()
    assert main(["--quiet", "params"]) == 0
    assert capsys.readouterr().out == ""


def test_quiet_still_reports_errors(tmp_path, capsys):
    assert main(["-q", "run", "--set", "presure=1", "--out", str(tmp_path / "x")]) == 2
    assert "unknown parameter 'presure'" in capsys.readouterr().err


def test_verbose_says_what_is_done(tmp_path, capsys):
    assert main(["run", "--verbose", *SMALL, "--seed", "4", "--out", str(tmp_path / "v")]) == 0
    err = capsys.readouterr().err
    assert "alliances: scenario default, seed 4, 6 months; set n_organisations=40" in err
    assert "alliances: run finished in" in err


def test_quiet_and_verbose_exclude_each_other(capsys):
    with pytest.raises(SystemExit):
        main(["params", "-q", "-v"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_scenarios_show_their_pressure_schedule(capsys):
    assert main(["scenarios"]) == 0
    listing = capsys.readouterr().out
    assert "pressure 0.25, +0.45 shock at month 96 for 48 months" in listing
    assert listing.count("by year ") == len(SCENARIOS)
    crisis = listing[listing.index("crisis") :].splitlines()
    chart = next(line for line in crisis if "by year" in line).split()[2]
    assert len(chart) == 21 and chart[0] < chart[8] and chart[8] > chart[12]  # the shock


def test_a_typo_table_in_a_config_is_an_unknown_table(tmp_path, capsys):
    config = tmp_path / "c.toml"
    config.write_text("pressure = 0.2\n[extra]\nforesight = 0.5\n")
    assert main(["run", "--config", str(config), "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "unknown table [extra]" in err and "parameter" not in err.split("[extra]")[0]
    assert not (tmp_path / "x").exists()


def test_a_schedule_table_in_a_config_is_a_parameter(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[[pressure_schedule]]\nkind = "shock"\nat = 3\nsize = 0.2\n')
    out = tmp_path / "x"
    assert main(["run", "--config", str(config), *SMALL, "--out", str(out)]) == 0


def test_animate_takes_set_and_config(tmp_path, monkeypatch):
    import simulation.app.animate as animate_module

    seen = {}

    def fake_animate(out, scenario, *, steps, seed, fps, lang):
        seen.update(scenario=scenario, seed=seed, params=get_scenario(scenario).params())
        return out

    monkeypatch.setattr(animate_module, "animate", fake_animate)
    monkeypatch.setattr("simulation.scenarios.SCENARIOS", dict(SCENARIOS))
    config = tmp_path / "c.toml"
    config.write_text('scenario = "crisis"\nseed = 5\n[params]\nforesight = 0.9\n')
    argv = ["animate", "--config", str(config), "--set", "pressure=0.4", "--out", "a.gif"]
    assert main(argv) == 0
    assert seen["scenario"] == "crisis-custom" and seen["seed"] == 5
    params = seen["params"]
    assert params.foresight == 0.9 and params.pressure == 0.4
    assert params.pressure_schedule == get_scenario("crisis").params().pressure_schedule


def test_demo_takes_set_and_rejects_bad_settings(monkeypatch, capsys):
    import simulation.app.serve as serve_module

    seen = {}
    monkeypatch.setattr(serve_module, "serve", lambda scenario, **kw: seen.update(s=scenario))
    monkeypatch.setattr("simulation.scenarios.SCENARIOS", dict(SCENARIOS))
    assert main(["demo", "--set", "open_share=1.0", "--port", "0"]) == 0
    assert get_scenario(seen["s"]).params().open_share == 1.0
    assert main(["demo", "--set", "open_share=2", "--port", "0"]) == 2
    assert "open_share = 2.0 is out of range" in capsys.readouterr().err
