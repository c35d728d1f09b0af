"""Summary statistics of alliances, from model runs and from data, with the same estimators.

Survival is measured from founding and alliances alive at the horizon (or at the end of
observation, for data) are right-censored there, as in the reports: the Kaplan-Meier
estimator of ``simulation.records`` (the same curve lifelines fits for the reports), its
median the first age at which the curve falls to one half. A model run counts the founded
alliances born at or after ``warmup``.

Statistics (see ``simulation.calibrate.targets.STATISTICS``): ``median_lifespan``,
``survival_<months>``, ``share_ended``, ``share_success``, ``share_intermediate``,
``share_failure`` (among ended alliances, by ``end_outcome``), ``transformation_rate``
(transformations per alliance-year from founding) and ``mean_peak_size``.

For the distance a median that the curve does not reach before the horizon counts as the
longest follow-up (its lower bound), and a statistic that cannot be computed (no founded or
no ended alliance) counts as a miss of :data:`MISSING_MISS` tolerances.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from simulation.records import kaplan_meier, kaplan_meier_median, survival_at, years_at_risk

#: A statistic a run cannot compute counts as a miss of this many tolerances.
MISSING_MISS = 10.0


def founded_alliances(alliances: pd.DataFrame, warmup: int = 0) -> pd.DataFrame:
    """The founded alliances of model runs born at or after ``warmup``, measured from founding.

    Args:
        alliances: the ``alliances`` table of one or more runs.
        warmup: months; alliances born earlier are left out (as in the runs' summaries).

    Returns:
        Columns ``duration`` (months from founding), ``event_observed``, ``end_outcome``,
        ``transformations``, ``peak_size``, ``born``, ``founded_at`` and ``steps_forming``,
        one row per counted alliance.
    """
    frame = alliances[alliances["founded_at"].notna() & (alliances["born"] >= warmup)]
    return pd.DataFrame(
        {
            "duration": frame["duration"].to_numpy(dtype=float),
            "event_observed": frame["event_observed"].to_numpy(dtype=bool),
            "end_outcome": frame["end_outcome"].astype("string").to_numpy(),
            "transformations": frame["transformations"].to_numpy(dtype=float),
            "peak_size": frame["peak_size"].to_numpy(dtype=float),
            # to leave re-forming months out of the time at risk, as the runs table does
            "born": frame["born"].to_numpy(dtype=float),
            "founded_at": frame["founded_at"].to_numpy(dtype=float),
            "steps_forming": frame["steps_forming"].to_numpy(dtype=float),
        }
    )


# --- estimators ------------------------------------------------------------------------
def estimate(frame: pd.DataFrame, names: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Each statistic's estimate and standard error from founded alliances (NaN if undefined).

    Standard errors: Greenwood for survival, the binomial one for shares, the half-width
    of the Brookmeyer-Crowley interval over 2 x 1.96 for the median (from the Greenwood
    band), the Poisson one for the transformation rate, the sample one for the mean size.
    """
    duration = frame["duration"].to_numpy(dtype=float)
    observed = frame["event_observed"].to_numpy(dtype=bool)
    out: dict[str, tuple[float, float]] = {}
    for name in names:
        out[name] = _estimate_one(name, frame, duration, observed)
    return out


def _estimate_one(name, frame, duration, observed) -> tuple[float, float]:
    n = duration.shape[0]
    nan = float("nan")
    if n == 0:
        return nan, nan
    if name == "median_lifespan":
        median = kaplan_meier_median(duration, observed)
        low, high = _median_band(duration, observed)
        se = (high - low) / (2 * 1.96) if np.isfinite(high - low) else nan
        return median, se
    if name.startswith("survival_"):
        age = float(name.split("_", 1)[1])
        value = survival_at(duration, observed, age)
        return value, _greenwood_se(duration, observed, age, value)
    if name == "share_ended":
        p = float(observed.mean())
        return p, math.sqrt(p * (1 - p) / n)
    if name.startswith("share_"):
        ended = frame.loc[observed, "end_outcome"].dropna()
        if ended.empty:
            return nan, nan
        p = float((ended == name.removeprefix("share_")).mean())
        return p, math.sqrt(p * (1 - p) / len(ended))
    if name == "transformation_rate":
        years = years_at_risk(frame)
        if years <= 0:
            return nan, nan
        count = float(frame["transformations"].sum())
        return count / years, math.sqrt(max(count, 1.0)) / years
    if name == "mean_peak_size":
        sizes = frame["peak_size"].to_numpy(dtype=float)
        se = float(sizes.std(ddof=1) / math.sqrt(n)) if n > 1 else nan
        return float(sizes.mean()), se
    raise ValueError(f"unknown statistic {name!r}")


def _greenwood_se(duration, observed, age: float, value: float) -> float:
    order = np.argsort(duration, kind="stable")
    times, first = np.unique(duration[order], return_index=True)
    events = np.add.reduceat(observed[order].astype(np.int64), first)
    at_risk = duration.shape[0] - first
    keep = (times <= age) & (events > 0) & (at_risk > events)
    variance = float(np.sum(events[keep] / (at_risk[keep] * (at_risk[keep] - events[keep]))))
    return float(value * math.sqrt(variance))


def _median_band(duration, observed) -> tuple[float, float]:
    """Where the pointwise log-log Greenwood band of the curve crosses one half."""
    times, survival = kaplan_meier(duration, observed)
    if times.shape[0] == 0:
        return float("nan"), float("nan")
    order = np.argsort(duration, kind="stable")
    _, first = np.unique(duration[order], return_index=True)
    events = np.add.reduceat(observed[order].astype(np.int64), first)
    at_risk = duration.shape[0] - first
    has = events > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(at_risk > events, events / (at_risk * (at_risk - events)), np.inf)
        var = np.cumsum(terms[has])
        log_s = np.log(survival)
        se = np.sqrt(var) / np.abs(log_s)
        lower = survival ** np.exp(1.96 * se)
        upper = survival ** np.exp(-1.96 * se)
    below_low = np.flatnonzero(lower <= 0.5)
    below_high = np.flatnonzero(upper <= 0.5)
    low = float(times[below_low[0]]) if below_low.shape[0] else float("nan")
    high = float(times[below_high[0]]) if below_high.shape[0] else float("nan")
    return low, high


def simulated(frame: pd.DataFrame, names: Sequence[str], follow_up: float) -> dict[str, float]:
    """The statistics of model runs as the distance uses them.

    A median not reached counts as ``follow_up`` (the longest follow-up, its lower
    bound); a statistic that cannot be computed is NaN.
    """
    values = {name: value for name, (value, _) in estimate(frame, names).items()}
    if "median_lifespan" in values and len(frame) and not np.isfinite(values["median_lifespan"]):
        values["median_lifespan"] = float(follow_up)
    return values


def distance(
    simulated_stats: Mapping[str, float],
    observed: Mapping[str, float],
    tolerances: Mapping[str, float],
    weights: Mapping[str, float],
) -> float:
    """sqrt(sum of weight x (miss / tolerance)^2); an undefined statistic misses by 10."""
    total = 0.0
    for name, target in observed.items():
        value = simulated_stats.get(name, float("nan"))
        try:
            value = float(value)
        except (TypeError, ValueError):
            value = float("nan")
        miss = MISSING_MISS if not np.isfinite(value) else (value - target) / tolerances[name]
        total += weights[name] * miss * miss
    return math.sqrt(total)
