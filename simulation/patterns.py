"""The seven patterns of the model, each a comparison of two settings over many seeds.

Nothing in the model is written for these checks: each pattern has to emerge from the
mechanisms of the four phases. Both arms use the same seeds (common random numbers). The
tests (tests/test_patterns.py) and the calibration report (the share of posterior draws in
which each pattern holds) use these definitions.

An arm is a scenario and overrides; with ``base`` (e.g. a posterior draw's parameters) an
arm runs ``base``, then the scenario's own overrides, then the arm's overrides.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simulation.records import kaplan_meier_median, survival_at
from simulation.runner import simulate
from simulation.scenarios import get_scenario

SMALL = {"seeds": 4, "n_organisations": 200}
FULL = {"seeds": 12, "n_organisations": 300}


def measure_run(results) -> dict[str, Any]:
    """The figures of one run the patterns compare (the ``runs`` row and a few more)."""
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
    return row


def measure(
    scenario: str,
    overrides: Mapping[str, Any],
    seeds: int,
    n_organisations: int,
    base: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Per-run figures for one setting, seeds ``0 .. seeds - 1``."""
    preset = get_scenario(scenario)
    rows = []
    for seed in range(seeds):
        values = {**(base or {}), **preset.overrides, **overrides}
        values |= {"n_organisations": n_organisations, "seed": seed}
        params = preset.params(**values)
        rows.append(measure_run(simulate(params, run_id=f"{scenario}-s{seed}", scenario=scenario)))
    return pd.DataFrame(rows)


def pooled_median(frame: pd.DataFrame) -> float:
    """Kaplan-Meier median of the founded alliances of all runs pooled."""
    pooled = pd.concat(frame["_durations"].tolist())
    return kaplan_meier_median(pooled.duration, pooled.event_observed)


def pooled_survival(frame: pd.DataFrame, age: float) -> float:
    """Kaplan-Meier survival at ``age`` of the founded alliances of all runs pooled."""
    pooled = pd.concat(frame["_durations"].tolist())
    return survival_at(pooled.duration, pooled.event_observed, age)


@dataclass(frozen=True)
class Check:
    """One inequality of a pattern: ``left`` should be above (or below) ``right``."""

    description: str
    left: float
    right: float
    holds: bool


def _above(description: str, left: float, right: float) -> Check:
    return Check(description, float(left), float(right), bool(left > right))


def _below(description: str, left: float, right: float) -> Check:
    return Check(description, float(left), float(right), bool(left < right))


@dataclass(frozen=True)
class PatternResult:
    """A pattern's checks for one setting; it holds when every check does."""

    number: int
    title: str
    checks: tuple[Check, ...]

    @property
    def holds(self) -> bool:
        """True when every check holds."""
        return all(c.holds for c in self.checks)


@dataclass(frozen=True)
class Pattern:
    """A pattern: two arms (scenario and overrides each) and the checks comparing them."""

    number: int
    title: str
    arms: tuple[tuple[str, dict[str, Any]], ...]
    compare: Callable[..., list[Check]] = field(repr=False)

    def evaluate(
        self, seeds: int, n_organisations: int, base: Mapping[str, Any] | None = None
    ) -> PatternResult:
        """Run both arms and compare them."""
        frames = [measure(s, o, seeds, n_organisations, base) for s, o in self.arms]
        return PatternResult(self.number, self.title, tuple(self.compare(*frames)))


def _p1(low, high):
    return [
        _above(
            "transformation rate: high > low pressure",
            high.transformation_rate.mean(),
            low.transformation_rate.mean(),
        ),
        _below(
            "survival: high < low pressure", high.survival_rate.mean(), low.survival_rate.mean()
        ),
        _below("median lifespan: high < low pressure", pooled_median(high), pooled_median(low)),
    ]


def _p2(without, with_foresight):
    return [
        _below(
            "transformation rate: foresight < none",
            with_foresight.transformation_rate.mean(),
            without.transformation_rate.mean(),
        ),
        _above(
            "survival: foresight > none",
            with_foresight.survival_rate.mean(),
            without.survival_rate.mean(),
        ),
    ]


def _p3(single, shared):
    return [
        _above(
            "renewal success: collective > single",
            shared.renewal_success_rate.mean(),
            single.renewal_success_rate.mean(),
        )
    ]


def _p4(hasty, careful):
    return [
        _below(
            "alliances founded: careful < hasty",
            careful.alliances_founded.mean(),
            hasty.alliances_founded.mean(),
        ),
        _above(
            "survival at 72 months: careful > hasty",
            pooled_survival(careful, 72),
            pooled_survival(hasty, 72),
        ),
    ]


def _p5(mixed):
    return [_above("peak size: open > closed", mixed.peak_open.mean(), mixed.peak_closed.mean())]


def _p6(complementary, without):
    return [
        _above(
            "share ending for lack of results: none > complementary",
            without.lack_of_results_share.mean(),
            complementary.lack_of_results_share.mean(),
        ),
        _above(
            "ends for lack of results: none > complementary",
            without.ends_lack_of_results.sum(),
            complementary.ends_lack_of_results.sum(),
        ),
    ]


def _p7(sparse, dense):
    return [
        _below(
            "months to 10 foundings: dense < sparse",
            dense.months_to_10_foundings.mean(),
            sparse.months_to_10_foundings.mean(),
        ),
        _above(
            "founded by month 24: dense > sparse",
            dense.founded_by_24.mean(),
            sparse.founded_by_24.mean(),
        ),
    ]


PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        1,
        "pressure: more transformations, lower survival",
        (("default", {"pressure": 0.1}), ("default", {"pressure": 0.7})),
        _p1,
    ),
    Pattern(
        2,
        "foresight: fewer forced transformations, higher survival under pressure",
        (("crisis", {"foresight": 0.0}), ("crisis", {"foresight": 0.9})),
        _p2,
    ),
    Pattern(
        3,
        "collective leadership: more successful renewals",
        (("default", {"collective_leadership": 0.0}), ("default", {"collective_leadership": 1.0})),
        _p3,
    ),
    Pattern(
        4,
        "care in forming: fewer founded, longer lived",
        (("default", {"forming_care": 0.1}), ("default", {"forming_care": 0.9})),
        _p4,
    ),
    Pattern(
        5,
        "open alliances grow larger than closed ones",
        (("default", {"open_share": 0.5}),),
        _p5,
    ),
    Pattern(
        6,
        "without complementarity, more ends for lack of results",
        (("default", {"complementarity": 1.0}), ("default", {"complementarity": 0.0})),
        _p6,
    ),
    Pattern(
        7,
        "denser prior ties: alliances form sooner",
        (("default", {"tie_density": 0.05}), ("default", {"tie_density": 0.6})),
        _p7,
    ),
)
