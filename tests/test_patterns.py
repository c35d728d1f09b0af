"""The seven patterns of MODEL.md, each a comparison of two settings over many seeds.

Nothing in the model is written for these tests: each pattern has to emerge from the
mechanisms of the four phases. Both arms use the same seeds (common random numbers). The
default run uses a smaller form (fewer seeds, smaller populations); `make test-slow` runs
the full form.
"""

import numpy as np
import pandas as pd
import pytest

from simulation import run
from simulation.records import kaplan_meier_median, survival_at

SMALL = {"seeds": 4, "n_organisations": 200}
FULL = {"seeds": 12, "n_organisations": 300}


def measure(scenario, overrides, seeds, n_organisations):
    """Per-run figures for one setting."""
    rows = []
    for seed in range(seeds):
        results = run(scenario, seed=seed, n_organisations=n_organisations, **overrides)
        row = results.runs.iloc[0].to_dict()
        alliances = results.alliances
        founded = alliances[alliances.founded]
        row["lack_of_results_share"] = (founded.end_cause == "lack_of_results").mean()
        row["peak_open"] = founded[founded.open].peak_size.mean()
        row["peak_closed"] = founded[~founded.open].peak_size.mean()
        foundings = results.events[results.events.to_phase == "founding"].step.sort_values()
        row["months_to_10_foundings"] = foundings.iloc[9] if len(foundings) >= 10 else np.inf
        row["founded_by_24"] = int((foundings <= 24).sum())
        row["_durations"] = founded[["duration", "event_observed"]]
        rows.append(row)
    return pd.DataFrame(rows)


def pooled_median(frame):
    pooled = pd.concat(frame["_durations"].tolist())
    return kaplan_meier_median(pooled.duration, pooled.event_observed)


def pooled_survival(frame, age):
    pooled = pd.concat(frame["_durations"].tolist())
    return survival_at(pooled.duration, pooled.event_observed, age)


@pytest.fixture(
    scope="module",
    params=[pytest.param(SMALL, id="small"), pytest.param(FULL, id="full", marks=pytest.mark.slow)],
)
def size(request):
    return request.param


def test_1_pressure_more_transformations_lower_survival(size):
    low = measure("default", {"pressure": 0.1}, **size)
    high = measure("default", {"pressure": 0.7}, **size)
    assert high.transformation_rate.mean() > low.transformation_rate.mean()
    assert high.survival_rate.mean() < low.survival_rate.mean()
    assert pooled_median(high) < pooled_median(low)


def test_2_foresight_fewer_forced_transformations_higher_survival_under_pressure(size):
    without = measure("crisis", {"foresight": 0.0}, **size)
    with_foresight = measure("crisis", {"foresight": 0.9}, **size)
    assert with_foresight.transformation_rate.mean() < without.transformation_rate.mean()
    assert with_foresight.survival_rate.mean() > without.survival_rate.mean()


def test_3_collective_leadership_more_successful_renewals(size):
    single = measure("default", {"collective_leadership": 0.0}, **size)
    shared = measure("default", {"collective_leadership": 1.0}, **size)
    assert shared.renewal_success_rate.mean() > single.renewal_success_rate.mean()


def test_4_care_fewer_founded_but_longer_lived(size):
    hasty = measure("default", {"forming_care": 0.1}, **size)
    careful = measure("default", {"forming_care": 0.9}, **size)
    assert careful.alliances_founded.mean() < hasty.alliances_founded.mean()
    assert pooled_survival(careful, 72) > pooled_survival(hasty, 72)


def test_5_open_alliances_grow_larger_than_closed(size):
    mixed = measure("default", {"open_share": 0.5}, **size)
    assert mixed.peak_open.mean() > mixed.peak_closed.mean()


def test_6_without_complementarity_more_end_for_lack_of_results(size):
    complementary = measure("default", {"complementarity": 1.0}, **size)
    without = measure("default", {"complementarity": 0.0}, **size)
    assert without.lack_of_results_share.mean() > complementary.lack_of_results_share.mean()
    assert without.ends_lack_of_results.sum() > complementary.ends_lack_of_results.sum()


def test_7_denser_ties_alliances_form_sooner(size):
    sparse = measure("default", {"tie_density": 0.05}, **size)
    dense = measure("default", {"tie_density": 0.6}, **size)
    assert dense.months_to_10_foundings.mean() < sparse.months_to_10_foundings.mean()
    assert dense.founded_by_24.mean() > sparse.founded_by_24.mean()
