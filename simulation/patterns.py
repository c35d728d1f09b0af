"""The seven patterns the model must reproduce, as measurements with intervals.

Each pattern compares two settings of one lever over many seeds (the same seeds in both
arms: common random numbers) and reads one or two figures per run. ``measure`` runs a
pattern and returns, per figure, the mean in each arm and the difference with a
bootstrap 95% interval over seeds; ``holds`` says whether every figure moved the way the
theory says. Pattern 5 compares alliances within the same runs; pattern 6 is also read
within runs, from the founding covariates (``within_runs``). Nothing in the model refers
to these definitions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simulation.errors import ConfigError

#: Crises about results: a sustained shortfall below aspiration (stagnation), or members
#: who lost the will to invest because membership no longer paid (lost meaning) (C17, C21).
RESULTS_CRISES = ("stagnation", "lost_meaning")


def results_failures(alliances: pd.DataFrame) -> float:
    """Share of founded alliances that ended because results failed to appear (C17).

    Either the members drifted away (``lack_of_results``) or a results crisis
    (stagnation, lost meaning) ended the alliance in the crisis itself, without renewal
    (failed or wound down).
    """
    founded = alliances[alliances["founded"]]
    if not len(founded):
        return float("nan")
    return float(results_failed(founded).mean())


def results_failed(alliances: pd.DataFrame) -> pd.Series:
    """Per alliance: whether it ended because results failed to appear (as above).

    Only endings in the crisis itself count (``ended_from`` transforming): a new forming
    after a revolutionary renewal that fails later is a renewal that did not hold, not a
    results failure.
    """
    _require_ended_from(alliances)
    cause = alliances["end_cause"].astype("string")
    crisis = alliances["crisis_cause"].isin(RESULTS_CRISES)
    in_crisis = (alliances["ended_from"] == "transforming").fillna(False)
    ended_in_crisis = (
        cause.isin(["transformation_failed", "wound_down"]) & crisis & in_crisis
    ).fillna(False)
    return (ended_in_crisis | (cause == "lack_of_results").fillna(False)).astype(bool)


def _require_ended_from(alliances: pd.DataFrame) -> None:
    """Tables saved before ``ended_from`` existed cannot tell a crisis ending apart."""
    if "ended_from" not in alliances.columns:
        raise ConfigError(
            "the alliances table has no 'ended_from' column (saved by an older version); "
            "run the simulation again to read crisis endings"
        )


#: Founding covariates the within-run reading of pattern 6 holds constant: C3's tension
#: (complementary founders are less alike and trust less) and size (more members cover
#: more capabilities).
ADJUSTED_FOR = ("founding_value_spread", "founding_trust", "founding_size")


def within_runs(alliances: pd.DataFrame, event: str = "results_failure") -> pd.DataFrame:
    """The hazard of an ending by founding covariates, within runs (pattern 6, section 8).

    A cause-specific Cox model (lifelines ``CoxPHFitter``) over founded alliances, time
    from founding, event = ended for lack of results (``results_failed``), other endings
    and the horizon censor. Covariates are standardised, so each hazard ratio is per
    standard deviation: founding complementarity, adjusted for ``ADJUSTED_FOR``. With
    ``event="any"`` every ending counts (``event_observed``): how far what the founders
    were predicts how long the alliance lives.

    Returns:
        One row per covariate: ``hazard_ratio``, ``ci_low``, ``ci_high`` (95%), ``p``,
        with ``alliances`` and ``events`` counted in ``attrs``.
    """
    if event not in ("results_failure", "any"):
        raise ConfigError(f"unknown event {event!r}: use 'results_failure' or 'any'")
    from lifelines import CoxPHFitter

    founded = alliances[alliances["founded"]]
    covariates = ["founding_complementarity", *ADJUSTED_FOR]
    data = founded[covariates].astype(float)
    data = (data - data.mean()) / data.std()
    data["duration"] = founded["duration"].astype(float).clip(lower=0.5)
    if event == "results_failure":
        data["event"] = results_failed(founded).astype(int)
    else:
        data["event"] = founded["event_observed"].astype(bool).astype(int)
    fitted = CoxPHFitter().fit(data, "duration", "event").summary
    table = pd.DataFrame(
        {
            "hazard_ratio": fitted["exp(coef)"],
            "ci_low": fitted["exp(coef) lower 95%"],
            "ci_high": fitted["exp(coef) upper 95%"],
            "p": fitted["p"],
        }
    ).rename_axis("covariate")
    table.attrs = {"alliances": len(data), "events": int(data["event"].sum())}
    return table


def _foundings(results) -> pd.Series:
    """Months of the run's first foundings (a re-founding after a renewal is not one)."""
    return results.alliances["founded_at"].dropna().sort_values()


def months_to_foundings(results, k: int = 10) -> float:
    """Month of the k-th alliance founded in the run (the horizon if fewer)."""
    foundings = _foundings(results)
    return (
        float(foundings.iloc[k - 1])
        if len(foundings) >= k
        else float(results.runs["steps"].iloc[0])
    )


def figures(results) -> dict[str, float]:
    """Per-run figures the patterns read: the ``runs`` summary plus a few derived ones.

    Figures of alliances count those born at or after the warm-up, as the summary does;
    the months to the first foundings count from the start of the run.
    """
    row = results.runs.iloc[0].to_dict()
    # the cohort of the runs summary: alliances born at or after the warm-up
    alliances = results.alliances
    alliances = alliances[alliances["born"] >= row.get("warmup", 0)]
    _require_ended_from(alliances)
    founded = alliances[alliances["founded"]]
    row["results_failures"] = results_failures(alliances)
    # crises that ended the alliance as a failure (pattern 3's chain)
    in_crisis = (founded["ended_from"] == "transforming").fillna(False)
    failed = (founded["end_cause"] == "transformation_failed").fillna(False)
    row["crisis_failures"] = float((in_crisis & failed).sum())
    # crises that ended the alliance in any way, and new formings after a revolutionary
    # renewal that never came together (pattern 4's chain)
    row["crisis_ends"] = float(in_crisis.sum())
    reformed = (founded["ended_from"] == "forming").fillna(False)
    row["reforming_failures"] = float((reformed & failed).sum())
    # what the founders were, on average (pattern 4's chain: what care buys)
    for covariate in ("founding_trust", "founding_value_spread", "founding_complementarity"):
        row[covariate] = float(founded[covariate].mean())
    row["peak_open"] = float(founded[founded["open"]]["peak_size"].mean())
    row["peak_closed"] = float(founded[~founded["open"]]["peak_size"].mean())
    row["open_minus_closed"] = row["peak_open"] - row["peak_closed"]
    row["months_to_10_foundings"] = months_to_foundings(results)
    row["founded_by_24"] = float((_foundings(results) <= 24).sum())
    return row


@dataclass(frozen=True)
class Pattern:
    """One pattern: a lever set low and high, and the figures that must move.

    ``expect`` maps a figure to +1 (must be higher in the high arm) or -1 (lower). A
    pattern with ``low == high`` is read within the same runs (pattern 5).
    """

    number: int
    claim: str
    text: str
    low: dict[str, Any]
    high: dict[str, Any]
    expect: dict[str, int]
    scenario: str = "default"
    fixed: dict[str, Any] = field(default_factory=dict)


PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        1,
        "C20, C21",
        "Higher pressure: more transformations per alliance-year and lower survival",
        {"pressure": 0.1},
        {"pressure": 0.7},
        {"transformation_rate": +1, "survival_72": -1},
    ),
    Pattern(
        2,
        "C27",
        "More foresight: fewer forced transformations and higher survival when the need moves",
        {"foresight": 0.0},
        {"foresight": 0.9},
        {"transformation_rate": -1, "survival_72": +1},
        scenario="crisis",
    ),
    Pattern(
        3,
        "C22",
        "More collective leadership: more successful renewals (renewals that hold 24 months)",
        {"collective_leadership": 0.0},
        {"collective_leadership": 1.0},
        {"lasting_renewal_rate": +1},
    ),
    Pattern(
        4,
        "C24",
        "More care in forming: fewer alliances founded, but they survive longer",
        {"forming_care": 0.1},
        {"forming_care": 0.9},
        {"alliances_founded": -1, "survival_72": +1},
    ),
    Pattern(
        5,
        "C15",
        "Open alliances grow larger than closed ones (within the same runs)",
        {"open_share": 0.5},
        {"open_share": 0.5},
        {"open_minus_closed": +1},
    ),
    Pattern(
        6,
        "C3, C17",
        "Without capability complementarity, more alliances end for lack of results",
        {"complementarity": 1.0},
        {"complementarity": 0.0},
        {"results_failures": +1},
    ),
    Pattern(
        7,
        "C5",
        "Denser prior ties: alliances form sooner",
        {"tie_density": 0.05},
        {"tie_density": 0.6},
        {"months_to_10_foundings": -1, "founded_by_24": +1},
    ),
)


def pattern(number: int) -> Pattern:
    """The pattern with this number (1-7)."""
    return PATTERNS[number - 1]


def _run_one(job: tuple[str, dict[str, Any], int]) -> dict[str, float]:
    from simulation.runner import run

    scenario, overrides, seed = job
    return figures(run(scenario, seed=seed, **overrides))


def runs_for(
    item: Pattern,
    seeds: Iterable[int],
    overrides: dict[str, Any] | None = None,
    mapper: Callable = map,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-run figures of both arms (same seeds), as two frames."""
    seeds = list(seeds)
    base = {**item.fixed, **(overrides or {})}
    jobs = [(item.scenario, {**base, **arm}, s) for arm in (item.low, item.high) for s in seeds]
    if item.low == item.high:
        jobs = jobs[: len(seeds)]
    rows = list(mapper(_run_one, jobs))
    low = pd.DataFrame(rows[: len(seeds)])
    high = pd.DataFrame(rows[len(seeds) :]) if item.low != item.high else low
    return low, high


def effect(
    low: pd.DataFrame, high: pd.DataFrame, figure: str, paired: bool, rng: np.random.Generator
) -> dict[str, float]:
    """Means, difference (high - low) and its bootstrap 95% interval over seeds."""
    x = low[figure].to_numpy(dtype=float)
    y = high[figure].to_numpy(dtype=float)
    if paired or figure == "open_minus_closed":
        d = y - x if figure != "open_minus_closed" else y
        d = d[~np.isnan(d)]
        boot = [rng.choice(d, d.shape[0]).mean() for _ in range(2000)] if d.size else [np.nan]
        diff = float(d.mean()) if d.size else float("nan")
    else:
        x, y = x[~np.isnan(x)], y[~np.isnan(y)]
        boot = [
            rng.choice(y, y.shape[0]).mean() - rng.choice(x, x.shape[0]).mean() for _ in range(2000)
        ]
        diff = float(y.mean() - x.mean())
    lo, hi = np.percentile(boot, [2.5, 97.5])
    return {
        "low": float(np.nanmean(low[figure]))
        if figure != "open_minus_closed"
        else float(np.nanmean(low["peak_closed"])),
        "high": float(np.nanmean(high[figure]))
        if figure != "open_minus_closed"
        else float(np.nanmean(high["peak_open"])),
        "difference": diff,
        "ci_low": float(lo),
        "ci_high": float(hi),
    }


def measure(
    item: Pattern | int,
    seeds: Iterable[int] = range(24),
    overrides: dict[str, Any] | None = None,
    mapper: Callable = map,
    arms: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Effect sizes of one pattern: a row per figure with means, difference and interval.

    Args:
        item: a ``Pattern`` or its number.
        seeds: the seeds of both arms (paired by seed).
        overrides: parameters set in both arms (e.g. a smaller ``n_organisations``).
        mapper: ``map`` or a pool's ``map`` to spread the runs.
        arms: the per-run figures of both arms from ``runs_for``, if already run.
    """
    item = pattern(item) if isinstance(item, int) else item
    low, high = runs_for(item, seeds, overrides, mapper) if arms is None else arms
    rng = np.random.default_rng(item.number)
    rows = []
    for figure, sign in item.expect.items():
        row: dict[str, Any] = {"pattern": item.number, "figure": figure, "expected": sign}
        row |= effect(low, high, figure, paired=True, rng=rng)
        row["holds"] = bool(np.sign(row["difference"]) == sign)
        row["clear"] = bool(row["ci_low"] > 0 if sign > 0 else row["ci_high"] < 0)
        rows.append(row)
    return pd.DataFrame(rows)


def holds(table: pd.DataFrame) -> bool:
    """Whether every figure of a measured pattern moved the expected way."""
    return bool(table["holds"].all())
