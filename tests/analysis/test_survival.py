import math

import numpy as np
import pandas as pd
import pytest

from simulation.analysis.survival import (
    founded_mask,
    hazard_by_age,
    kaplan_meier,
    lifespan_origin,
    median_survival,
)
from simulation.errors import ConfigError

# Seven founded alliances: ends at 1, 2, 3, 4, 5; censored at 2 and 5.
DURATIONS = [1, 2, 2, 3, 4, 5, 5]
OBSERVED = [True, True, False, True, True, False, True]


@pytest.fixture
def hand_example(make_results):
    runs = [{"run_id": "a", "pressure": 0.2}, {"run_id": "b", "pressure": 0.8}]
    alliances = [
        {"run_id": "a", "duration": d, "event_observed": e}
        for d, e in zip(DURATIONS, OBSERVED, strict=True)
    ]
    # never founded: must be ignored by the survival analysis
    alliances.append({"run_id": "a", "duration": 1, "event_observed": True, "founded": False})
    # run b: three alliances, all alive at the horizon
    alliances += [{"run_id": "b", "duration": d, "event_observed": False} for d in (3, 6, 9)]
    return make_results(runs, alliances)


def test_kaplan_meier_matches_a_hand_computation(hand_example):
    km = kaplan_meier(hand_example, by=["pressure"])
    curve = km[km["pressure"] == 0.2].set_index("time")
    # S(t) = prod over event times of (1 - d/n): n = 7, 7, 6, 4, 3, 2 at t = 0..5
    expected = {
        0: 1.0,
        1: 6 / 7,
        2: 6 / 7 * 5 / 6,
        3: 5 / 7 * 3 / 4,
        4: 15 / 28 * 2 / 3,
        5: 5 / 14 * 1 / 2,
    }
    for t, s in expected.items():
        assert curve.loc[t, "survival"] == pytest.approx(s)
    assert curve["at_risk"].tolist() == [7, 7, 6, 4, 3, 2]
    assert curve["events"].tolist() == [0, 1, 1, 1, 1, 1]
    assert curve["censored"].tolist() == [0, 0, 1, 0, 0, 1]
    # exponential Greenwood band at t = 1: V = 1 / (7 * 6), s = 6/7
    z = 1.959963984540054
    v = math.log(6 / 7)
    half = z * math.sqrt(1 / 42) / v
    assert curve.loc[1, "ci_lower"] == pytest.approx(math.exp(-math.exp(math.log(-v) - half)))
    assert curve.loc[1, "ci_upper"] == pytest.approx(math.exp(-math.exp(math.log(-v) + half)))
    assert (curve["ci_lower"] <= curve["survival"] + 1e-12).all()
    assert (curve["ci_upper"] >= curve["survival"] - 1e-12).all()


def test_kaplan_meier_groups_and_labels(hand_example):
    km = kaplan_meier(hand_example, by=["pressure"])
    assert set(km["setting"]) == {"pressure=0.2", "pressure=0.8"}
    censored_only = km[km["pressure"] == 0.8]
    assert (censored_only["survival"] == 1.0).all()
    pooled = kaplan_meier(hand_example)  # Results without `by`: one group
    assert set(pooled["setting"]) == {"all runs"}
    assert pooled["at_risk"].iloc[0] == 10


def test_median_survival(hand_example):
    medians = median_survival(hand_example, by=["pressure"]).set_index("pressure")
    # S(3) = 0.536 > 0.5 and S(4) = 0.357 <= 0.5
    assert medians.loc[0.2, "median"] == 4.0
    assert medians.loc[0.2, "reached"]
    assert medians.loc[0.2, "alliances"] == 7
    assert medians.loc[0.2, "events"] == 5
    assert medians.loc[0.2, "ci_lower"] <= 4.0
    assert np.isnan(medians.loc[0.8, "median"])
    assert not medians.loc[0.8, "reached"]


def test_hazard_on_a_hand_made_table(make_results):
    runs = [{"run_id": "r"}]
    alliances = [
        {"run_id": "r", "duration": d, "event_observed": e}
        for d, e in [(5, True), (12, True), (15, False), (30, True)]
    ]
    hazard = hazard_by_age(make_results(runs, alliances), width=12)
    assert hazard["age_start"].tolist() == [0, 12, 24]
    # exposure: [0,12] 5 + 12 + 12 + 12; (12,24] 3 + 12; (24,36] 6
    assert hazard["exposure"].tolist() == [41, 15, 6]
    # the end at exactly 12 months falls in the first year
    assert hazard["events"].tolist() == [2, 0, 1]
    assert hazard["at_risk"].tolist() == [4, 2, 1]
    assert hazard["hazard"].tolist() == pytest.approx([2 / 41, 0, 1 / 6])
    # exact Poisson limits for 2 events: 0.2422 and 7.2247; for 0 events: 0 and 3.6889
    first = hazard.iloc[0]
    assert first["ci_lower"] * 41 == pytest.approx(0.2422, abs=1e-4)
    assert first["ci_upper"] * 41 == pytest.approx(7.2247, abs=1e-4)
    assert hazard.iloc[1]["ci_lower"] == 0
    assert hazard.iloc[1]["ci_upper"] * 15 == pytest.approx(3.6889, abs=1e-4)


def test_hazard_by_group_and_width(hand_example):
    hazard = hazard_by_age(hand_example, by=["pressure"], width=2)
    low = hazard[hazard["pressure"] == 0.2]
    # bins [0,2], (2,4], (4,6]: ends at 1, 2 | 3, 4 | 5
    assert low["events"].tolist() == [2, 2, 1]
    assert low["exposure"].sum() == pytest.approx(sum(DURATIONS))
    high = hazard[hazard["pressure"] == 0.8]
    assert high["events"].sum() == 0
    assert high["exposure"].sum() == pytest.approx(18)
    with pytest.raises(ValueError, match="width"):
        hazard_by_age(hand_example, width=0)


def test_tables_read_from_a_folder_group_by_the_varied_parameters(grid_folder):
    km = kaplan_meier(grid_folder)
    assert set(km["pressure"]) == {0.2, 0.8}
    founded = pd.read_parquet(grid_folder / "alliances")
    founded = founded[founded["founded"]]
    start = km[km["time"] == 0]
    assert start["at_risk"].sum() == len(founded)


def test_number_at_risk_reads_the_kaplan_meier_table(hand_example):
    from simulation.analysis.survival import number_at_risk

    km = kaplan_meier(hand_example, by=["pressure"])
    counts = number_at_risk(km, [0, 2, 2.5, 5, 6])
    # durations 1, 2, 2, 3, 4, 5, 5: at least t -> 7, 6, 4, 2, 0; run b: 3, 6, 9
    assert counts.loc["pressure=0.2"].tolist() == [7, 6, 4, 2, 0]
    assert counts.loc["pressure=0.8"].tolist() == [3, 3, 3, 2, 2]


def test_model2_tables_count_from_founding_and_drop_never_founded(make_results):
    runs = [{"run_id": "a", "pressure": 0.2}]
    alliances = pd.DataFrame(
        {
            "run_id": ["a"] * 5,
            "founded_at": pd.array([3, 5, None, 2, None], dtype="Int64"),
            "duration": pd.array([10, 20, None, 30, None], dtype="Int64"),
            "event_observed": pd.array([True, False, None, True, None], dtype="boolean"),
            "governance_at_founding": pd.array(
                ["shared", "shared", None, "lead_organisation", None], dtype="string"
            ),
        }
    )
    results = make_results(runs, alliances.to_dict("records"))
    results.alliances = alliances.assign(run_id=alliances["run_id"].astype("string"))
    assert lifespan_origin(results.alliances) == "founding"
    km = kaplan_meier(results)
    assert km["at_risk"].iloc[0] == 3  # the two never-founded rows are left out
    assert km.loc[km["events"] > 0, "time"].tolist() == [10.0, 30.0]
    split = kaplan_meier(results, within="governance_at_founding")
    assert set(split["setting"]) == {
        "governance_at_founding=shared",
        "governance_at_founding=lead_organisation",
    }
    medians = median_survival(results, within="governance_at_founding").set_index("setting")
    assert medians.loc["governance_at_founding=lead_organisation", "median"] == 30
    assert medians.loc["governance_at_founding=shared", "alliances"] == 2
    with pytest.raises(ConfigError, match="cannot split by 'nothing'"):
        kaplan_meier(results, within="nothing")


def test_older_tables_count_from_forming(hand_example):
    assert lifespan_origin(hand_example.alliances) == "forming"
    assert founded_mask(hand_example.alliances).sum() == 10


def test_alliances_born_in_the_warmup_are_left_out(make_results):
    runs = [{"run_id": "a", "warmup": 10}, {"run_id": "b", "warmup": 0}]
    alliances = [
        {"run_id": "a", "born": 5, "duration": 3, "event_observed": True},
        {"run_id": "a", "born": 10, "duration": 7, "event_observed": True},
        {"run_id": "b", "born": 5, "duration": 9, "event_observed": False},
    ]
    km = kaplan_meier(make_results(runs, alliances))
    assert km["at_risk"].iloc[0] == 2
    assert km.loc[km["events"] > 0, "time"].tolist() == [7.0]
