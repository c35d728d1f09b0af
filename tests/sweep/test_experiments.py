"""Every shipped experiment file parses as written and runs at a tiny size."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

from simulation.sweep import load_design, parse_design, run_experiment

EXPERIMENTS = Path(__file__).resolve().parents[2] / "experiments"
FILES = sorted(EXPERIMENTS.glob("*.toml"))
PATTERNS = {
    "pattern1_pressure": "pressure",
    "pattern2_foresight": "foresight",
    "pattern3_collective_leadership": "collective_leadership",
    "pattern4_forming_care": "forming_care",
    "pattern5_open_closed": "open_share",
    "pattern6_complementarity": "complementarity",
    "pattern7_tie_density": "tie_density",
}


def shrink(data: dict) -> dict:
    """The same experiment at a tiny size: few organisations, months, replications, samples."""
    small = dict(data)
    small["fixed"] = dict(data.get("fixed", {})) | {"n_organisations": 40}
    small.pop("steps", None)
    small["fixed"]["steps"] = 24
    small["replications"] = 1
    sampler = dict(data.get("sampler", {}))
    if sampler.get("method") in ("lhs", "sobol", "morris"):
        sampler["samples"] = 2
    small["sampler"] = sampler
    return small


def test_the_experiments_folder_has_the_expected_files():
    names = {f.stem for f in FILES}
    assert {"default", "sensitivity", *PATTERNS} <= names


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_a_shipped_experiment_parses_and_runs_small(path, tmp_path):
    full = load_design(path)
    assert full.name == path.stem
    assert full.description
    assert full.n_runs >= 2 * full.replications

    data = tomllib.loads(path.read_text())
    design = parse_design(shrink(data), source=str(path))
    assert design.varied == full.varied and design.method == full.method
    out = tmp_path / "out"
    summary = run_experiment(design, out)
    assert summary.ok and summary.completed == design.n_runs
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == design.n_runs and runs["run_id"].is_unique
    for table in design.tables:
        assert (out / table).is_dir()


@pytest.mark.parametrize(("name", "parameter"), PATTERNS.items())
def test_each_pattern_file_compares_settings_of_its_parameter(name, parameter):
    design = load_design(EXPERIMENTS / f"{name}.toml")
    assert design.varied == (parameter,)
    assert design.n_samples >= 2
    assert design.replications >= 20
    assert design.base.n_organisations >= 300 and design.steps == 240


def test_default_is_pressure_at_three_levels_and_small_enough_for_make_run():
    design = load_design(EXPERIMENTS / "default.toml")
    assert design.varied == ("pressure",)
    assert [s["pressure"] for s in design.samples] == [0.2, 0.5, 0.8]
    # about a minute on two cores at roughly one second per default-size run
    assert design.n_runs <= 120


def test_sensitivity_is_a_sobol_design_over_the_main_parameters():
    design = load_design(EXPERIMENTS / "sensitivity.toml")
    assert design.method == "sobol"
    main = {"pressure", "foresight", "collective_leadership", "forming_care", "open_share",
            "complementarity", "tie_density"}  # fmt: skip
    assert main <= set(design.varied)
    assert design.problem()["names"] == list(design.varied)


def test_sensitivity_covers_every_calibration_knob():
    from simulation.calibrate import load_targets

    design = load_design(EXPERIMENTS / "sensitivity.toml")
    knobs = load_targets(EXPERIMENTS / "targets" / "literature.toml").free
    assert set(knobs) <= set(design.varied)
    assert len(design.varied) == 25 and design.n_runs == 64 * (25 + 2) * 2
