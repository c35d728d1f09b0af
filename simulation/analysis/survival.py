"""Survival of founded alliances: Kaplan-Meier curves, median lifespans, hazard by age.

Survival counts founded alliances only, over their ``duration``; alliances still alive at
the horizon are right-censored there. Tables with a ``founded_at`` column (Model 2) count
``duration`` from founding and leave it ``<NA>`` for alliances never founded; older tables
count it from birth (the start of forming) and flag founded alliances in ``founded``.
:func:`lifespan_origin` says which, and every label of the analysis takes it from there.
Every function returns a tidy DataFrame with one column per grouping parameter and a
readable ``setting`` label, so the same tables feed notebooks, figures and the report.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from simulation.analysis.data import as_results, grouping, read_experiment, with_settings
from simulation.errors import ConfigError
from simulation.results import Results

Source = Results | str | os.PathLike


#: How the origin of ``duration`` is named in labels, by :func:`lifespan_origin`.
ORIGIN_WORDS: dict[str, str] = {
    "founding": "from founding",
    "forming": "from the start of forming",
}


def lifespan_origin(alliances: pd.DataFrame) -> str:
    """Where ``duration`` starts: ``"founding"`` (Model 2 tables) or ``"forming"`` (older)."""
    return "founding" if "founded_at" in alliances.columns else "forming"


def founded_mask(alliances: pd.DataFrame) -> pd.Series:
    """True for the alliances that were founded and have a duration.

    Model 2 tables mark a never-founded alliance by a missing ``founded_at`` (and missing
    ``duration`` and ``event_observed``); older tables by ``founded`` False.
    """
    keep = pd.Series(True, index=alliances.index)
    if "founded_at" in alliances.columns:
        keep &= alliances["founded_at"].notna()
    if "founded" in alliances.columns:
        keep &= alliances["founded"].astype("boolean").fillna(False).astype(bool)
    for column in ("duration", "event_observed"):
        if column in alliances.columns:
            keep &= alliances[column].notna()
    return keep.astype(bool)


def after_warmup(alliances: pd.DataFrame, runs: pd.DataFrame) -> pd.DataFrame:
    """The alliances born at or after their run's ``warmup`` (all of them without one).

    The same cohort as the ``runs`` summaries count, so that the report's figures and the
    per-run figures describe the same alliances.
    """
    if "warmup" not in runs.columns or "born" not in alliances.columns:
        return alliances
    warmup = runs.assign(run_id=runs["run_id"].astype("string")).set_index("run_id")["warmup"]
    start = alliances["run_id"].astype("string").map(warmup).fillna(0).astype(float)
    return alliances[alliances["born"].to_numpy(dtype=float) >= start.to_numpy()]


def founded_alliances(
    source: Source,
    by: Iterable[str] | None = None,
    max_levels: int | None = None,
    within: str | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Founded alliances joined to their run's setting.

    Args:
        source: ``Results`` or a results folder.
        by: grouping parameters (default: the varied parameters of the experiment when
            ``source`` is a folder, none for ``Results``).
        max_levels: bin numeric parameters with more distinct values (see
            :func:`simulation.analysis.data.settings`).
        within: a column of the alliances table (e.g. ``governance_at_founding``) that
            splits every setting further; it is added to the grouping list and to the
            ``setting`` label. Alliances without a value are left out.

    Returns:
        The alliances (with the grouping columns and ``setting``) and the grouping list;
        with a ``warmup`` column in the runs table, only the alliances born at or after
        it (see :func:`after_warmup`).

    Raises:
        ConfigError: ``within`` is not a column of the alliances table.
    """
    results = as_results(source)
    experiment = None if isinstance(source, Results) else read_experiment(source)
    names = grouping(results.runs, experiment, by)
    alliances = after_warmup(results.alliances, results.runs)
    founded = alliances[founded_mask(alliances)]
    founded = founded.astype({"duration": float, "event_observed": bool})
    frame = with_settings(founded, results.runs, names, max_levels)
    if within is None:
        return frame, names
    if within not in frame.columns:
        raise ConfigError(f"cannot split by '{within}': not a column of the alliances table")
    if within in names:
        raise ConfigError(f"'{within}' is already a grouping parameter")
    frame = frame[frame[within].notna()].copy()
    label = frame[within].astype(str).map(lambda v: f"{within}={v}")
    frame["setting"] = label if not names else frame["setting"] + ", " + label
    return frame, [*names, within]


def _groups(frame: pd.DataFrame, by: Sequence[str]):
    keys = [*by, "setting"]
    for values, group in frame.groupby(keys, sort=True, observed=True, dropna=False):
        yield dict(zip(keys, values, strict=True)), group


def kaplan_meier(
    source: Source,
    by: Iterable[str] | None = None,
    *,
    alpha: float = 0.05,
    max_levels: int | None = None,
    within: str | None = None,
) -> pd.DataFrame:
    """Kaplan-Meier survival of founded alliances per setting, with confidence bands.

    Fitted with ``lifelines.KaplanMeierFitter``; the band is its pointwise exponential
    Greenwood (log-log) interval.

    Args:
        source: ``Results`` or a results folder.
        by: grouping parameters (default: the experiment's varied parameters).
        alpha: one minus the confidence level of the band.
        max_levels: bin numeric parameters with more distinct values than this.
        within: an alliance column splitting each setting (see :func:`founded_alliances`),
            e.g. ``governance_at_founding``.

    Returns:
        One row per setting and time (months of ``duration``, see
        :func:`lifespan_origin`, starting at 0): the grouping
        columns, ``setting``, ``time``, ``survival``, ``ci_lower``, ``ci_upper``,
        ``at_risk``, ``events`` (dissolutions at that age) and ``censored``.
    """
    founded, names = founded_alliances(source, by, max_levels, within)
    return _km_table(founded, names, alpha)


def _km_table(founded: pd.DataFrame, names: list[str], alpha: float) -> pd.DataFrame:
    frames = []
    for keys, group in _groups(founded, names):
        fitter = _fit(group, alpha)
        table = fitter.event_table
        bands = fitter.confidence_interval_
        frame = pd.DataFrame(
            {
                "time": fitter.survival_function_.index.to_numpy(dtype=float),
                "survival": fitter.survival_function_["km"].to_numpy(dtype=float),
                "ci_lower": bands.iloc[:, 0].to_numpy(dtype=float),
                "ci_upper": bands.iloc[:, 1].to_numpy(dtype=float),
                "at_risk": table["at_risk"].to_numpy(dtype=np.int64),
                "events": table["observed"].to_numpy(dtype=np.int64),
                "censored": table["censored"].to_numpy(dtype=np.int64),
            }
        )
        frames.append(frame.assign(**keys)[[*keys, *frame.columns]])
    columns = [
        *names,
        "setting",
        "time",
        "survival",
        "ci_lower",
        "ci_upper",
        "at_risk",
        "events",
        "censored",
    ]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def median_survival(
    source: Source,
    by: Iterable[str] | None = None,
    *,
    alpha: float = 0.05,
    max_levels: int | None = None,
    within: str | None = None,
) -> pd.DataFrame:
    """Kaplan-Meier median lifespan of founded alliances per setting (pooled over runs).

    The estimator the report and ``alliances report`` print as the median lifespan: the
    median of the Kaplan-Meier curve of all the setting's founded alliances together (see
    :func:`lifespan_origin` for where ages start). ``within`` splits settings as in
    :func:`kaplan_meier`. The median is the first age at which the curve falls to one
    half; its interval is where the lower and upper bands cross one half. A median that
    is not reached before the horizon is NaN with ``reached`` False (its lower bound may
    still be known).

    Returns:
        One row per setting: grouping columns, ``setting``, ``alliances``, ``events``,
        ``median``, ``ci_lower``, ``ci_upper`` (months) and ``reached``.
    """
    from lifelines.utils import median_survival_times

    founded, names = founded_alliances(source, by, max_levels, within)
    rows = []
    for keys, group in _groups(founded, names):
        fitter = _fit(group, alpha)
        median = float(fitter.median_survival_time_)
        bounds = median_survival_times(fitter.confidence_interval_)
        low, high = (float(x) for x in np.asarray(bounds, dtype=float).ravel()[:2])
        rows.append(
            keys
            | {
                "alliances": len(group),
                "events": int(group["event_observed"].sum()),
                "median": _finite(median),
                "ci_lower": _finite(low),
                "ci_upper": _finite(high),
                "reached": bool(np.isfinite(median)),
            }
        )
    columns = [
        *names,
        "setting",
        "alliances",
        "events",
        "median",
        "ci_lower",
        "ci_upper",
        "reached",
    ]
    return pd.DataFrame(rows, columns=columns)


def _finite(x: float) -> float:
    return x if np.isfinite(x) else float("nan")


def hazard_by_age(
    source: Source,
    by: Iterable[str] | None = None,
    *,
    width: int = 12,
    confidence: float = 0.95,
    max_levels: int | None = None,
) -> pd.DataFrame:
    """Life-table dissolution hazard of founded alliances by age.

    Ages are cut into bins of ``width`` months: the first bin is ``[0, width]``, the next
    ``(width, 2 width]`` and so on (an alliance dissolving at exactly 12 months counts in
    the first year). An alliance contributes to a bin the months it lived in it (exposure,
    up to its dissolution or censoring), and a dissolution to the bin holding its age at
    the end. The hazard is dissolutions per alliance-month at risk, with an exact Poisson
    (Garwood) confidence interval.

    Returns:
        One row per setting and age bin: grouping columns, ``setting``, ``age_start``,
        ``age_end`` (months), ``at_risk`` (alliances alive at the start of the bin),
        ``exposure`` (alliance-months), ``events``, ``hazard``, ``ci_lower``, ``ci_upper``
        (per alliance-month). Bins with no exposure are left out.
    """
    from scipy import stats

    if width <= 0:
        raise ValueError("width must be a positive number of months")
    founded, names = founded_alliances(source, by, max_levels)
    columns = [
        *names,
        "setting",
        "age_start",
        "age_end",
        "at_risk",
        "exposure",
        "events",
        "hazard",
        "ci_lower",
        "ci_upper",
    ]
    frames = []
    a = 1.0 - confidence
    for keys, group in _groups(founded, names):
        duration = group["duration"].to_numpy(dtype=float)
        observed = group["event_observed"].to_numpy(dtype=bool)
        n_bins = max(int(np.ceil(duration.max() / width)), 1) if duration.size else 0
        starts = np.arange(n_bins, dtype=float) * width
        # exposure of every alliance in every bin: the part of [0, duration] inside the bin
        exposure = np.clip(duration[:, None] - starts[None, :], 0.0, width).sum(axis=0)
        # the bin of an end at age d: (k w, (k+1) w], with d = 0 in the first bin
        end_bin = np.maximum(np.ceil(duration / width) - 1, 0).astype(np.int64)
        events = np.bincount(end_bin[observed], minlength=n_bins)[:n_bins]
        at_risk = (duration[:, None] > starts[None, :]).sum(axis=0)
        at_risk[0] = duration.size
        with np.errstate(divide="ignore", invalid="ignore"):
            hazard = np.where(exposure > 0, events / exposure, np.nan)
            lower = np.where(events > 0, stats.chi2.ppf(a / 2, 2 * events) / 2, 0.0) / exposure
            upper = stats.chi2.ppf(1 - a / 2, 2 * events + 2) / 2 / exposure
        frame = pd.DataFrame(
            {
                "age_start": starts,
                "age_end": starts + width,
                "at_risk": at_risk.astype(np.int64),
                "exposure": exposure,
                "events": events.astype(np.int64),
                "hazard": hazard,
                "ci_lower": lower,
                "ci_upper": upper,
            }
        )
        frame = frame[frame["exposure"] > 0]
        frames.append(frame.assign(**keys))
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def _fit(group: pd.DataFrame, alpha: float):
    """A lifelines Kaplan-Meier fit of one group of alliances."""
    from lifelines import KaplanMeierFitter

    fitter = KaplanMeierFitter(alpha=alpha)
    return fitter.fit(
        group["duration"].to_numpy(dtype=float),
        group["event_observed"].to_numpy(dtype=bool),
        label="km",
    )


def number_at_risk(km: pd.DataFrame, times: Sequence[float]) -> pd.DataFrame:
    """Founded alliances still at risk (not ended, not censored) at each of ``times``.

    Read from a :func:`kaplan_meier` table: the count at age ``t`` is the number of
    alliances whose duration is at least ``t``, which is the ``at_risk`` of the first
    tabulated age at or after ``t`` (nobody leaves between two tabulated ages), and 0
    past the last one.

    Returns:
        One row per setting (in the order of ``km``) and one column per time.
    """
    times = [float(t) for t in times]
    rows = {}
    for setting in dict.fromkeys(km["setting"]):
        curve = km[km["setting"] == setting].sort_values("time")
        ages = curve["time"].to_numpy(dtype=float)
        counts = curve["at_risk"].to_numpy(dtype=np.int64)
        position = np.searchsorted(ages, times, side="left")
        padded = np.append(counts, 0)
        rows[setting] = padded[position]
    return pd.DataFrame.from_dict(rows, orient="index", columns=times)
