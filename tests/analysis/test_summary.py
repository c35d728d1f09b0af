import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simulation import run
from simulation.analysis.data import (
    grouping,
    load_results,
    ofat_subset,
    read_experiment,
    settings,
)
from simulation.analysis.summary import by_parameter, ends_by_cause, phase_occupancy, summary_table
from simulation.errors import ConfigError


@pytest.fixture
def two_settings(make_results):
    runs = [
        {
            "run_id": "a1",
            "pressure": 0.2,
            "survival_rate": 0.5,
            "median_lifespan": 100.0,
            "transformation_rate": 0.1,
            "ends_formation_failed": 6,
            "ends_lack_of_results": 2,
        },
        {
            "run_id": "a2",
            "pressure": 0.2,
            "survival_rate": 0.7,
            "median_lifespan": np.nan,
            "transformation_rate": 0.3,
            "ends_formation_failed": 4,
            "ends_lack_of_results": 0,
        },
        {
            "run_id": "a3",
            "pressure": 0.2,
            "survival_rate": 0.6,
            "median_lifespan": 80.0,
            "transformation_rate": np.nan,
            "ends_formation_failed": 0,
            "ends_lack_of_results": 0,
        },
        {
            "run_id": "b1",
            "pressure": 0.8,
            "survival_rate": 0.2,
            "median_lifespan": 40.0,
            "transformation_rate": 0.5,
            "ends_formation_failed": 1,
            "ends_lack_of_results": 3,
        },
    ]
    alliances = [
        {
            "run_id": "a1",
            "duration": 10,
            "event_observed": True,
            "founded": False,
            "end_cause": "formation_failed",
        },
        {"run_id": "a1", "duration": 50, "event_observed": True, "end_cause": "lack_of_results"},
        {"run_id": "a2", "duration": 70, "event_observed": False},
        {"run_id": "b1", "duration": 30, "event_observed": True, "end_cause": "lack_of_results"},
        {
            "run_id": "b1",
            "duration": 20,
            "event_observed": True,
            "founded": False,
            "end_cause": "formation_failed",
        },
        {
            "run_id": "b1",
            "duration": 25,
            "event_observed": True,
            "founded": False,
            "end_cause": "formation_failed",
        },
    ]
    return make_results(runs, alliances)


def test_summary_groups_runs_by_setting(two_settings):
    table = summary_table(two_settings, by=["pressure"]).set_index("pressure")
    assert table["setting"].tolist() == ["pressure=0.2", "pressure=0.8"]
    assert table["runs"].tolist() == [3, 1]
    assert table.loc[0.2, "alliances_started"] == 30
    low = table.loc[0.2]
    assert low["survival_rate"] == pytest.approx(0.6)
    half = stats.t.ppf(0.975, 2) * np.std([0.5, 0.7, 0.6], ddof=1) / np.sqrt(3)
    assert low["survival_rate_ci_low"] == pytest.approx(0.6 - half)
    assert low["survival_rate_ci_high"] == pytest.approx(0.6 + half)
    # missing values are left out of means, and unreached medians are counted
    assert low["transformation_rate"] == pytest.approx(0.2)
    assert low["median_lifespan"] == pytest.approx(90.0)
    assert low["median_lifespan_not_reached"] == 1
    # one run: a mean without an interval
    assert table.loc[0.8, "survival_rate"] == pytest.approx(0.2)
    assert np.isnan(table.loc[0.8, "survival_rate_ci_low"])
    # shares of all ends in the setting
    assert low["ends"] == 12
    assert low["share_formation_failed"] == pytest.approx(10 / 12)
    assert low["share_lack_of_results"] == pytest.approx(2 / 12)
    assert table.loc[0.8, "share_lack_of_results"] == pytest.approx(0.75)
    # the pooled Kaplan-Meier median of the founded alliances
    assert table.loc[0.8, "km_median_lifespan"] == 30
    assert table.loc[0.2, "km_median_lifespan"] == 50  # S falls to exactly one half at 50


def test_summary_without_grouping_pools_all_runs(two_settings):
    table = summary_table(two_settings)
    assert len(table) == 1
    assert table.loc[0, "setting"] == "all runs"
    assert table.loc[0, "runs"] == 4


def test_ends_by_cause_separates_founded_alliances(two_settings):
    ends = ends_by_cause(two_settings, by=["pressure"])
    high = ends[ends["pressure"] == 0.8].set_index(["scope", "cause"])
    assert high.loc[("all alliances", "formation_failed"), "count"] == 2
    assert high.loc[("all alliances", "formation_failed"), "share"] == pytest.approx(2 / 3)
    assert high.loc[("founded alliances", "lack_of_results"), "share"] == 1.0
    assert high.loc[("founded alliances", "formation_failed"), "count"] == 0
    low = ends[ends["pressure"] == 0.2]
    assert low.groupby("scope")["share"].sum().to_dict() == pytest.approx(
        {"all alliances": 1.0, "founded alliances": 1.0}
    )
    assert low[low["cause"] == "lack_of_results"]["per_run"].iloc[0] == pytest.approx(1 / 3)


def test_by_parameter_keeps_levels_and_bins_many_values(make_results):
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 1, 200)
    runs = [
        {
            "run_id": f"r{i}",
            "pressure": v,
            "transformation_rate": 2 * v,
            "renewal_success_rate": 0.5,
            "level": i % 3,
        }
        for i, v in enumerate(x)
    ]
    results = make_results(runs, [{"run_id": "r0", "duration": 1, "event_observed": True}])
    table = by_parameter(results, ["pressure", "level"], bins=5)
    binned = table[(table["parameter"] == "pressure") & (table["output"] == "transformation_rate")]
    assert len(binned) == 5
    # the output is twice the parameter: each bin's mean is twice its mean value
    assert np.allclose(binned["mean"], 2 * binned["value"])
    assert binned["runs"].sum() == 200
    levels = table[(table["parameter"] == "level") & (table["output"] == "renewal_success_rate")]
    assert levels["value"].tolist() == [0, 1, 2]
    assert levels["mean"].tolist() == pytest.approx([0.5] * 3)


def test_phase_occupancy_means_per_step(two_settings):
    occupancy = phase_occupancy(two_settings, by=["pressure"])
    assert list(dict.fromkeys(occupancy["phase"])) == [
        "forming",
        "founding",
        "evolving",
        "transforming",
    ]
    low = occupancy[(occupancy["pressure"] == 0.2) & (occupancy["phase"] == "forming")]
    # the runs of pressure 0.2 are the first three: n_forming = step + k for k = 0, 1, 2
    assert low["mean"].tolist() == pytest.approx([1.0, 2.0, 3.0])
    assert (low["runs"] == 3).all()
    several = occupancy["runs"] > 1
    assert (occupancy.loc[several, "ci_low"] >= 0).all()  # counts: clipped at zero
    assert occupancy.loc[~several, "ci_low"].isna().all()  # one run: no interval
    evolving = occupancy[(occupancy["pressure"] == 0.8) & (occupancy["phase"] == "evolving")]
    assert evolving["mean"].tolist() == [6.0, 6.0, 6.0]


def test_settings_bin_many_valued_parameters():
    runs = pd.DataFrame(
        {
            "run_id": [f"r{i}" for i in range(90)],
            "foresight": np.linspace(0, 1, 90),
            "capacity": [1, 2, 3] * 30,
        }
    )
    frame = settings(runs, ["foresight", "capacity"], max_levels=3)
    assert frame["foresight"].nunique() == 3
    assert frame["capacity"].nunique() == 3
    assert frame["setting"].nunique() == 9
    assert frame["setting"].iloc[0] == "foresight 0–0.326, capacity=1"
    exact = settings(runs, ["foresight"])
    assert exact["setting"].nunique() == 90


def test_grouping_uses_experiment_or_by(grid_folder, two_settings):
    experiment = read_experiment(grid_folder)
    assert experiment.sampler == "grid"
    assert grouping(two_settings.runs, experiment) == ["pressure"]
    assert grouping(two_settings.runs, None) == []
    assert grouping(two_settings.runs, experiment, by=[]) == []
    with pytest.raises(ConfigError, match="cannot group by 'presure'"):
        grouping(two_settings.runs, experiment, by=["presure"])


def test_summary_of_a_real_sweep(grid_folder):
    table = summary_table(grid_folder)
    assert table["pressure"].tolist() == [0.2, 0.8]
    assert table["runs"].tolist() == [2, 2]
    runs = pd.read_parquet(grid_folder / "runs")
    assert table["alliances_founded"].sum() == runs["alliances_founded"].sum()
    assert ((table["survival_rate"] >= 0) & (table["survival_rate"] <= 1)).all()


def test_one_factor_at_a_time_uses_the_runs_that_vary_each_parameter(make_results):
    # base pressure 0.3, foresight 0.2; each factor moved alone
    design = [(0.3, 0.2), (0.3, 0.2), (0.6, 0.2), (0.9, 0.2), (0.3, 0.5), (0.3, 0.8)]
    runs = [
        {
            "run_id": f"r{i}",
            "pressure": p,
            "foresight": f,
            "transformation_rate": 10 * f,
            "renewal_success_rate": p,
        }
        for i, (p, f) in enumerate(design)
    ]
    results = make_results(runs, [{"run_id": "r0", "duration": 1, "event_observed": True}])
    table = by_parameter(results, ["pressure", "foresight"], one_at_a_time=True)
    pressure = table[
        (table["parameter"] == "pressure") & (table["output"] == "transformation_rate")
    ]
    # runs that move foresight are not pooled into pressure = 0.3
    assert pressure["runs"].tolist() == [2, 1, 1]
    assert pressure["mean"].tolist() == pytest.approx([2.0, 2.0, 2.0])
    pooled = by_parameter(results, ["pressure"], one_at_a_time=False)
    assert pooled["runs"].tolist()[:2] == [4, 4]
    subset = ofat_subset(results.runs, "foresight", ["pressure", "foresight"])
    assert subset["run_id"].tolist() == ["r0", "r1", "r4", "r5"]


def test_experiment_file_variants(tmp_path):
    (tmp_path / "experiment.json").write_text(
        json.dumps(
            {
                "name": "x",
                "sampler": {"method": "Morris", "num_levels": 6},
                "varied": [{"name": "pressure"}, {"name": "foresight"}],
            }
        )
    )
    experiment = read_experiment(tmp_path)
    assert experiment.sampler == "morris"
    assert experiment.varied == ("pressure", "foresight")
    assert experiment.option("num_levels") == 6
    (tmp_path / "experiment.json").write_text("{not json")
    with pytest.raises(ConfigError, match="cannot read"):
        read_experiment(tmp_path)
    missing = read_experiment(tmp_path / "nowhere")
    assert missing.sampler is None and missing.varied == ()


def test_a_run_without_alliances_still_loads(tmp_path):
    run("default", seed=1, steps=2, n_organisations=10).save(tmp_path)
    results = load_results(tmp_path)
    assert results.alliances.empty
    assert summary_table(results).loc[0, "alliances_founded"] == 0
    assert ends_by_cause(results).empty


def test_outcome_mix_counts_ended_founded_alliances_with_wilson_intervals(make_results):
    from simulation.analysis.summary import outcome_mix, wilson

    runs = [{"run_id": "a", "pressure": 0.2}, {"run_id": "b", "pressure": 0.8}]
    rows = (
        [{"run_id": "a", "end_outcome": "success"}] * 3
        + [{"run_id": "a", "end_outcome": "failure"}]
        + [{"run_id": "a", "end_outcome": None}] * 2  # alive at the horizon
        + [{"run_id": "b", "end_outcome": "intermediate"}] * 2
        + [{"run_id": "b", "end_outcome": "failure", "founded": False}] * 5  # never founded
    )
    for row in rows:
        row |= {"duration": 10, "event_observed": row["end_outcome"] is not None}
    results = make_results(runs, rows)
    results.alliances["end_outcome"] = results.alliances["end_outcome"].astype("string")
    mix = outcome_mix(results, by=["pressure"]).set_index(["pressure", "outcome"])
    assert mix.loc[(0.2, "success"), "count"] == 3
    assert mix.loc[(0.2, "success"), "ended"] == 4
    assert mix.loc[(0.2, "success"), "share"] == 0.75
    assert mix.loc[(0.8, "intermediate"), "share"] == 1.0
    assert mix.loc[(0.8, "failure"), "count"] == 0  # the never-founded ones do not count
    # Wilson 95% for 3 of 4: 0.3006 to 0.9544
    assert mix.loc[(0.2, "success"), "ci_low"] == pytest.approx(0.3006, abs=1e-4)
    assert mix.loc[(0.2, "success"), "ci_high"] == pytest.approx(0.9544, abs=1e-4)
    assert list(mix.loc[0.2].index) == ["success", "intermediate", "failure"]
    assert np.isnan(wilson(0, 0)[0])


def test_outcome_mix_needs_the_model2_column(make_results):
    from simulation.analysis.summary import outcome_mix
    from simulation.errors import ConfigError

    results = make_results(
        [{"run_id": "a"}], [{"run_id": "a", "duration": 1, "event_observed": True}]
    )
    with pytest.raises(ConfigError, match="no 'end_outcome' column"):
        outcome_mix(results)


def test_the_headline_and_report_name_the_same_estimator(model2_folder, older_folder, tmp_path):
    from simulation.analysis.command import headline
    from simulation.analysis.summary import summary_table

    for folder, words in ((model2_folder, "from founding"), (older_folder, "from the start of")):
        table = summary_table(folder)
        path = tmp_path / "summary.csv"
        table.to_csv(path, index=False)
        printed = headline(path)
        assert f"KM median lifespan {words}" in printed
        assert "%" in printed  # shares as percentages, as in report.md
        first = table.iloc[0]
        expected = (
            "not reached"
            if np.isnan(first["km_median_lifespan"])
            else f"{first['km_median_lifespan']:.0f}"
        )
        assert expected in printed.splitlines()[1]
