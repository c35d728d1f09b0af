"""Statistics from model runs: from founding, after the warm-up, censored at the horizon."""

import numpy as np
import pandas as pd
import pytest

from simulation import run
from simulation.calibrate import statistics


@pytest.fixture(scope="module")
def results():
    return run("default", seed=3, n_organisations=80, steps=120)


def test_durations_are_from_founding(results):
    founded = statistics.founded_alliances(results.alliances, warmup=0)
    alliances = results.alliances
    if "founded_at" in alliances.columns:  # Model 2: the table measures from founding
        expected = alliances[alliances.founded_at.notna()].duration.to_numpy(dtype=float)
    else:  # Model 1: from birth, so founding is the first move to founding in the events
        first = (
            results.events[results.events.to_phase == "founding"].groupby("alliance_id").step.min()
        )
        f = alliances[alliances.founded].set_index("alliance_id")
        expected = (f.born + f.duration - first.reindex(f.index)).to_numpy(dtype=float)
    assert len(founded) == len(expected) > 10
    np.testing.assert_array_equal(founded.duration.to_numpy(), expected)
    assert (founded.duration >= 0).all()
    # an alliance alive at the horizon is censored there
    alive = founded[~founded.event_observed]
    assert len(alive) and (alive.duration <= 120).all()


def test_warmup_keeps_alliances_born_after_it(results):
    everything = statistics.founded_alliances(results.alliances, warmup=0)
    later = statistics.founded_alliances(results.alliances, warmup=36)
    born = results.alliances[results.alliances.founded_at.notna()].born
    assert len(later) == int((born >= 36).sum()) < len(everything)


def test_the_statistics_are_those_of_the_runs_table():
    # the same cohort (founded, born after the warm-up) and the same estimators
    results = run("default", seed=3, n_organisations=150, warmup=36)
    row = results.runs.iloc[0]
    frame = statistics.founded_alliances(results.alliances, warmup=36)
    names = [
        "median_lifespan",
        "survival_72",
        "share_ended",
        "share_success",
        "share_intermediate",
        "share_failure",
        "transformation_rate",
        "mean_peak_size",
    ]
    got = {name: value for name, (value, _) in statistics.estimate(frame, names).items()}
    assert got["share_ended"] == pytest.approx(1.0 - row.survival_rate)
    for name in names:
        if name != "share_ended":
            assert np.isfinite(got[name]) and got[name] == pytest.approx(row[name]), name


def test_outcomes_follow_the_causes(results):
    founded = statistics.founded_alliances(results.alliances)
    ended = founded[founded.event_observed]
    assert ended.end_outcome.isin(["success", "intermediate", "failure"]).all()
    assert founded[~founded.event_observed].end_outcome.isna().all()


def test_a_median_not_reached_counts_as_the_longest_follow_up():
    frame = pd.DataFrame(
        {
            "duration": [10.0, 50.0, 50.0, 50.0],
            "event_observed": [True, False, False, False],
            "end_outcome": ["failure", None, None, None],
            "transformations": [0.0] * 4,
            "peak_size": [3.0] * 4,
        }
    )
    values = statistics.simulated(frame, ["median_lifespan", "survival_20", "share_ended"], 54)
    assert values == {"median_lifespan": 54.0, "survival_20": 0.75, "share_ended": 0.25}


def test_distance_is_in_tolerances_and_punishes_what_is_missing():
    observed, tol, w = {"a": 1.0, "b": 0.5}, {"a": 0.5, "b": 0.1}, {"a": 1.0, "b": 4.0}
    assert statistics.distance({"a": 2.0, "b": 0.5}, observed, tol, w) == pytest.approx(2.0)
    assert statistics.distance({"a": 1.0, "b": 0.6}, observed, tol, w) == pytest.approx(2.0)
    missing = statistics.distance({"a": 1.0, "b": float("nan")}, observed, tol, w)
    assert missing == pytest.approx(2 * statistics.MISSING_MISS)


def test_standard_errors_are_the_usual_ones():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            "duration": rng.exponential(40, 500).round() + 1,
            "event_observed": rng.random(500) < 0.8,
            "end_outcome": "failure",
            "transformations": 1.0,
            "peak_size": rng.integers(3, 9, 500).astype(float),
        }
    )
    from lifelines import KaplanMeierFitter

    est = statistics.estimate(frame, ["survival_24", "median_lifespan", "mean_peak_size"])
    km = KaplanMeierFitter().fit(frame.duration, frame.event_observed)
    lower, upper = km.confidence_interval_.loc[:24].iloc[-1]
    # Greenwood's standard error against lifelines' (log-log) 95% band: the same order
    assert est["survival_24"][1] == pytest.approx((upper - lower) / (2 * 1.96), rel=0.1)
    assert est["median_lifespan"][0] == km.median_survival_time_
    assert est["mean_peak_size"][1] == pytest.approx(frame.peak_size.std() / np.sqrt(500))
