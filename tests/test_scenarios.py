"""Each scenario does what its description says (`alliances scenarios`)."""

import pandas as pd
import pytest

from simulation import run

SEEDS = range(3)
N = 200


def runs(scenario, **kw):
    return [run(scenario, seed=s, n_organisations=N, **kw) for s in SEEDS]


def mean_of(results, column):
    return pd.concat([r.runs for r in results])[column].mean()


@pytest.fixture(scope="module")
def default():
    return runs("default")


def test_stable_transforms_much_less_than_default(default):
    stable = runs("stable")
    assert mean_of(stable, "transformation_rate") < 0.5 * mean_of(default, "transformation_rate")


def test_crisis_shock_sends_alliances_into_transforming():
    results = runs("crisis")
    events = pd.concat([r.events for r in results])
    series = pd.concat([r.timeseries for r in results])
    entries = events[events.to_phase == "transforming"]

    def rate(start, stop):  # entries into transforming per evolving alliance-month
        months = series[(series.step >= start) & (series.step < stop)].n_evolving.sum()
        return ((entries.step >= start) & (entries.step < stop)).sum() / months

    assert rate(96, 144) > 1.15 * rate(48, 96)


def test_foresight_meets_the_crisis_better():
    crisis, foresight = runs("crisis"), runs("foresight")
    assert mean_of(foresight, "survival_72") > mean_of(crisis, "survival_72")
    assert mean_of(foresight, "transformation_rate") < mean_of(crisis, "transformation_rate")
    # renewals are mostly evolutionary with foresight, mostly revolutionary without
    for results, evolutionary_most in ((foresight, True), (crisis, False)):
        founded = pd.concat([r.alliances for r in results])
        evolutionary = founded.evolutionary_renewals.sum()
        assert bool(evolutionary > founded.revolutionary_renewals.sum()) is evolutionary_most


def test_closed_clubs_are_small_and_alike(default):
    clubs = runs("closed-clubs")
    assert mean_of(clubs, "mean_peak_size") < mean_of(default, "mean_peak_size")
    spread = [
        pd.concat([r.alliances for r in rs]).founding_value_spread.mean() for rs in (clubs, default)
    ]
    assert spread[0] < spread[1]


def test_open_movements_grow_large_with_administrative_organisations(default):
    movements = runs("open-movements")
    assert mean_of(movements, "mean_peak_size") > mean_of(default, "mean_peak_size")
    share = [
        (pd.concat([r.alliances for r in rs]).governance == "administrative_organisation").mean()
        for rs in (movements, default)
    ]
    assert share[0] > share[1]
