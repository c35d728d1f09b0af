"""The default scenario against the literature targets (docs/ODD.md, section 8).

More than half of founded alliances end; about two thirds of those that end do so within
six years; the median lifespan (Kaplan-Meier, founded alliances, from birth) is roughly six
to seven years. Tolerances are a little wider than the targets, since these are
statistics over a handful of runs.
"""

import pandas as pd
import pytest

from simulation import run
from simulation.records import kaplan_meier_median


@pytest.mark.parametrize(
    "seeds", [pytest.param(4, id="small"), pytest.param(16, id="full", marks=pytest.mark.slow)]
)
def test_default_scenario_is_calibrated(seeds):
    founded = pd.concat(
        [run("default", seed=seed).alliances.query("founded") for seed in range(seeds)]
    )
    ended = founded[founded.event_observed]
    assert len(ended) / len(founded) > 0.5
    within_six_years = (ended.duration <= 72).mean()
    assert 0.55 <= within_six_years <= 0.8
    median = kaplan_meier_median(founded.duration, founded.event_observed)
    assert 62 <= median <= 92
