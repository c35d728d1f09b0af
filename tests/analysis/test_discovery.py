"""Scenario discovery with PRIM on synthetic sweeps whose true box is known."""

import re

import numpy as np
import pandas as pd
import pytest

from simulation.analysis.discovery import OUTCOMES, Outcome, outcome_for, scenario_discovery
from simulation.errors import AllianceError, ConfigError
from simulation.results import Results


def _sweep(n_runs=400, per_run=5, seed=3, p_in=0.9, p_out=0.1, censor_young=0):
    """Runs with three uniform parameters; an alliance dissolves within 36 months with
    probability ``p_in`` inside the box pressure > 0.6 and foresight < 0.4, ``p_out`` outside.

    ``censor_young`` alliances per run are censored at 20 months (undecided).
    """
    rng = np.random.default_rng(seed)
    runs = pd.DataFrame(
        {
            "run_id": pd.array([f"r{i}" for i in range(n_runs)], dtype="string"),
            "pressure": rng.uniform(0, 1, n_runs),
            "foresight": rng.uniform(0, 1, n_runs),
            "tie_density": rng.uniform(0, 1, n_runs),
        }
    )
    inside = (runs["pressure"] > 0.6) & (runs["foresight"] < 0.4)
    rows = []
    for run_id, hit in zip(runs["run_id"], inside, strict=True):
        for _ in range(per_run):
            ended = bool(rng.uniform() < (p_in if hit else p_out))
            rows.append(
                {
                    "run_id": run_id,
                    "duration": 20.0 if ended else 100.0,
                    "event_observed": ended,
                    "founded": True,
                    "evolutionary_renewals": int(not ended and rng.uniform() < 0.5),
                    "revolutionary_renewals": 0,
                }
            )
        for _ in range(censor_young):
            rows.append(
                {
                    "run_id": run_id,
                    "duration": 20.0,
                    "event_observed": False,
                    "founded": True,
                    "evolutionary_renewals": 0,
                    "revolutionary_renewals": 0,
                }
            )
    alliances = pd.DataFrame(rows).astype({"run_id": "string"})
    return Results(runs=runs, alliances=alliances, events=pd.DataFrame(), timeseries=pd.DataFrame())


def test_prim_recovers_a_known_box_of_alliance_outcomes():
    found = scenario_discovery(_sweep(), "dissolved_within_3_years")
    box = found.box.set_index("parameter")
    assert box.loc["pressure", "restricted"] and box.loc["foresight", "restricted"]
    assert not box.loc["tie_density", "restricted"]
    assert box.loc["pressure", "lower"] == pytest.approx(0.6, abs=0.05)
    assert box.loc["foresight", "upper"] == pytest.approx(0.4, abs=0.05)
    assert box.loc["pressure", "upper"] == pytest.approx(box.loc["pressure", "max"])
    assert found.stats["density"] > 0.8  # about p_in inside the box
    assert found.stats["coverage"] > 0.5
    assert found.stats["base_rate"] < 0.4
    assert found.stats["rows"] == 2000 and found.stats["left_out"] == 0
    assert box.loc["pressure", "qp_lower"] < 1e-6  # a restriction that is no accident
    text = found.describe()
    assert re.search(r"pressure >= 0\.[56]\d*, foresight <= 0\.[34]\d*$", text), text
    assert "tie_density" not in text
    chosen = found.trajectory[found.trajectory["chosen"]]
    assert len(chosen) == 1 and chosen["box"].iloc[0] == found.chosen
    assert found.trajectory["coverage"].iloc[0] == 1.0  # the trajectory starts at the sweep


def test_expressions_functions_and_the_run_level():
    results = _sweep(n_runs=300, per_run=4)
    by_text = scenario_discovery(results, "event_observed and duration <= 36")
    named = scenario_discovery(results, "dissolved_within_3_years")
    assert by_text.box.equals(named.box)
    by_function = scenario_discovery(results, lambda t: t["event_observed"] & (t["duration"] <= 36))
    assert by_function.box.equals(named.box)
    # a run-level outcome: runs where the box raises the share that dissolved
    shares = results.alliances.groupby("run_id")["event_observed"].mean()
    results.runs["share_dissolved"] = results.runs["run_id"].map(shares).astype(float)
    runs_box = scenario_discovery(results, "share_dissolved >= 0.5", level="runs")
    assert runs_box.stats["rows"] == 300
    limits = runs_box.box.set_index("parameter")
    assert limits.loc["pressure", "lower"] == pytest.approx(0.6, abs=0.08)
    assert limits.loc["foresight", "upper"] == pytest.approx(0.4, abs=0.08)


def test_undecided_alliances_are_left_out():
    results = _sweep(n_runs=200, per_run=4, censor_young=1)
    found = scenario_discovery(results, "dissolved_within_3_years")
    assert found.stats["left_out"] == 200  # censored at 20 months: cannot tell
    assert found.stats["rows"] == 800
    renewed = scenario_discovery(results, "renewed_at_least_once")
    assert renewed.stats["left_out"] == 0 and renewed.stats["rows"] == 1000


def test_a_chosen_box_and_the_errors_are_one_line():
    results = _sweep(n_runs=200, per_run=3)
    first = scenario_discovery(results, "dissolved_within_3_years", select=0)
    assert not first.box["restricted"].any()
    assert first.describe() == "no restriction (the whole sweep)"
    with pytest.raises(ConfigError, match="select must be between 0 and"):
        scenario_discovery(results, "dissolved_within_3_years", select=10_000)
    with pytest.raises(ConfigError, match="cannot evaluate the outcome 'duraton < 3'"):
        scenario_discovery(results, "duraton < 3")
    with pytest.raises(ConfigError, match="holds no cases"):
        scenario_discovery(results, "duration < 0")
    with pytest.raises(ConfigError, match="holds only cases"):
        scenario_discovery(results, "duration >= 0")
    with pytest.raises(ConfigError, match="must give True or False"):
        scenario_discovery(results, "duration")
    with pytest.raises(ConfigError, match="not a column of the runs table"):
        scenario_discovery(results, "duration < 30", parameters=["capacity"])
    flat = Results(
        runs=results.runs.assign(pressure=0.5, foresight=0.5, tie_density=0.5),
        alliances=results.alliances,
        events=pd.DataFrame(),
        timeseries=pd.DataFrame(),
    )
    with pytest.raises(ConfigError, match="no parameter varies"):
        scenario_discovery(flat, "duration < 30")
    with pytest.raises(ConfigError, match="unknown level"):
        outcome_for("duration < 3", level="worlds")
    with pytest.raises(ConfigError, match="cannot be empty"):
        outcome_for("  ")


def test_named_outcomes_say_what_they_mean():
    for name, outcome in OUTCOMES.items():
        assert isinstance(outcome, Outcome) and outcome.name == name
        assert len(outcome.description) > 20
    assert outcome_for("renewed_at_least_once") is OUTCOMES["renewed_at_least_once"]
    assert outcome_for("x > 1", level="runs").level == "runs"


def test_a_categorical_parameter_is_split_by_its_values():
    results = _sweep(n_runs=300, per_run=4)
    results.runs["scenario"] = np.where(results.runs["pressure"] > 0.6, "crisis", "calm")
    found = scenario_discovery(
        results, "dissolved_within_3_years", parameters=["scenario", "foresight"]
    )
    box = found.box.set_index("parameter")
    assert box.loc["scenario", "restricted"]
    assert set(box.loc["scenario", "lower"]) == {"crisis"}
    assert "scenario in {crisis}" in found.describe()


def test_missing_ema_workbench_is_a_one_line_error(monkeypatch):
    import builtins

    real = builtins.__import__

    def blocked(name, *args, **kwargs):
        if name.startswith("ema_workbench"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", blocked)
    with pytest.raises(AllianceError, match=r"pip install 'alliance-lifecycle\[discovery\]'"):
        scenario_discovery(_sweep(n_runs=20), "dissolved_within_3_years")
