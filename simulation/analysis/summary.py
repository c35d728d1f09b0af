"""Figures per setting: survival, lifespans, transformations, renewals, ends, occupancy.

Per-run figures come from the ``runs`` table (one row per run, computed by the model);
a setting's figure is their mean over replications with a Student-t confidence interval.
Counts (runs, alliances) are totals over the setting's runs, and ends-by-cause shares are
shares of all dissolutions in the setting.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from simulation.analysis.data import (
    as_results,
    grouping,
    mean_ci,
    ofat_subset,
    read_experiment,
    settings,
    with_settings,
)
from simulation.analysis.survival import (
    ORIGIN_WORDS,
    after_warmup,
    founded_mask,
    lifespan_origin,
)
from simulation.errors import ConfigError
from simulation.records import END_CAUSES
from simulation.results import Results

Source = Results | str | os.PathLike

#: Per-run figures averaged over replications in :func:`summary_table`.
MEAN_FIGURES: tuple[str, ...] = (
    "survival_rate",
    "survival_72",
    "median_lifespan",
    "transformation_rate",
    "transformations_per_alliance",
    "renewal_success_rate",
    "mean_peak_size",
    "mean_steps_forming",
)

#: What each output means, for tables, axis labels and the report.
FIGURE_LABELS: dict[str, str] = {
    "survival_rate": "survival at the horizon (share of founded alliances)",
    "survival_72": "Kaplan-Meier survival at 72 months (share)",
    "median_lifespan": "Kaplan-Meier median lifespan of a run's founded alliances (months)",
    "transformation_rate": "transformations per alliance-year after forming",
    "transformations_per_alliance": "transformations per founded alliance",
    "renewal_success_rate": "renewal success (share of transformation episodes)",
    "mean_peak_size": "mean peak size of founded alliances (members)",
    "mean_steps_forming": "mean months in forming (founded alliances)",
}


def summary_columns(origin: str = "founding") -> dict[str, tuple[str, str | None]]:
    """The columns of ``summary.csv`` shown to a reader, with their label and format.

    The one definition of those figures' names: ``alliances report`` prints them under
    these labels and ``report.md`` uses them as its table headings. ``origin`` is where
    lifespans start (:func:`simulation.analysis.survival.lifespan_origin`). Formats are
    a ``str.format`` pattern, ``"pct"`` (a share shown as a percentage) or ``None`` (text).
    """
    return {
        "setting": ("setting", None),
        "runs": ("runs", "{:.0f}"),
        "alliances_founded": ("founded", "{:.0f}"),
        "survival_rate": ("alive at the horizon", "pct"),
        "survival_72": ("KM survival at 72 months", "pct"),
        "km_median_lifespan": (f"KM median lifespan {ORIGIN_WORDS[origin]} (months)", "{:.0f}"),
        "transformation_rate": ("transformations per alliance-year", "{:.3f}"),
        "renewal_success_rate": ("renewal success", "pct"),
    }


PHASE_COLUMNS: tuple[str, ...] = ("n_forming", "n_founding", "n_evolving", "n_transforming")

#: End outcomes of founded alliances (Model 2's ``end_outcome``), in the report's order.
OUTCOMES: tuple[str, ...] = ("success", "intermediate", "failure")


def _prepare(
    source: Source, by: Iterable[str] | None, max_levels: int | None
) -> tuple[Results, list[str], pd.DataFrame]:
    results = as_results(source)
    experiment = None if isinstance(source, Results) else read_experiment(source)
    names = grouping(results.runs, experiment, by)
    groups = settings(results.runs, names, max_levels)
    runs = results.runs.drop(columns=names).merge(groups, on="run_id", validate="one_to_one")
    return results, names, runs


def summary_table(
    source: Source,
    by: Iterable[str] | None = None,
    *,
    confidence: float = 0.95,
    max_levels: int | None = None,
) -> pd.DataFrame:
    """The figures of every setting, one row each (what ``summary.csv`` holds).

    Args:
        source: ``Results`` or a results folder.
        by: grouping parameters (default: the experiment's varied parameters).
        confidence: level of the intervals over replications.
        max_levels: bin numeric parameters with more distinct values than this.

    Returns:
        Grouping columns, ``setting``, ``runs``, ``alliances_started`` and
        ``alliances_founded`` (totals), ``founded_per_run``; for each of
        :data:`MEAN_FIGURES` present in the runs table, the mean over runs and
        ``<figure>_ci_low``/``_ci_high`` (NaN with one run); ``median_lifespan_not_reached``
        (runs whose survival stayed above one half, left out of the mean lifespan);
        ``transformations``, ``evolutionary_renewals``, ``revolutionary_renewals`` (totals);
        ``ends`` and ``share_<cause>`` (share of the setting's dissolutions by cause); and
        ``km_median_lifespan`` with ``_ci_low``/``_ci_high``, the median of the
        setting's pooled Kaplan-Meier curve (NaN when not reached, see
        :func:`simulation.analysis.survival.median_survival`): the median lifespan the
        report prints; ``median_lifespan`` is the mean over runs of each run's own
        Kaplan-Meier median, another estimator, kept for comparison; and
        ``lifespan_from`` (``founding`` or ``forming``), where the lifespans start.
    """
    from simulation.analysis.survival import median_survival

    results, names, runs = _prepare(source, by, max_levels)
    rows = []
    for values, group in runs.groupby([*names, "setting"], sort=True, observed=True):
        row = dict(zip([*names, "setting"], values, strict=True))
        row["runs"] = len(group)
        row["alliances_started"] = int(group["alliances_started"].sum())
        row["alliances_founded"] = int(group["alliances_founded"].sum())
        row["founded_per_run"] = row["alliances_founded"] / len(group)
        for figure in MEAN_FIGURES:
            if figure not in group.columns:
                continue
            mean, low, high, _ = mean_ci(group[figure], confidence)
            row |= {figure: mean, f"{figure}_ci_low": low, f"{figure}_ci_high": high}
            if figure == "median_lifespan":
                reached = group["median_lifespan"].notna()
                founded = group["alliances_founded"] > 0
                row["median_lifespan_not_reached"] = int((~reached & founded).sum())
        for total in ("transformations", "evolutionary_renewals", "revolutionary_renewals"):
            row[total] = int(group[total].sum())
        ends = {cause: int(group[f"ends_{cause}"].sum()) for cause in END_CAUSES}
        all_ends = sum(ends.values())
        row["ends"] = all_ends
        for cause, count in ends.items():
            row[f"share_{cause}"] = count / all_ends if all_ends else float("nan")
        rows.append(row)
    table = pd.DataFrame(rows)
    medians = median_survival(results, names, max_levels=max_levels)[
        [*names, "setting", "median", "ci_lower", "ci_upper"]
    ].rename(
        columns={
            "median": "km_median_lifespan",
            "ci_lower": "km_median_lifespan_ci_low",
            "ci_upper": "km_median_lifespan_ci_high",
        }
    )
    keys = [*names, "setting"]
    table = table.merge(medians, on=keys, how="left", validate="one_to_one")
    return table.assign(lifespan_from=lifespan_origin(results.alliances))


def ends_by_cause(
    source: Source, by: Iterable[str] | None = None, *, max_levels: int | None = None
) -> pd.DataFrame:
    """Dissolutions by cause per setting, for all alliances and for founded ones.

    Most alliances that start never get founded (they end as ``formation_failed``), which
    hides the ends of founded alliances; the ``scope`` column separates the two views.

    Returns:
        One row per setting, scope (``all alliances``, ``founded alliances``) and cause (in
        the order of ``END_CAUSES``): grouping columns, ``setting``, ``scope``, ``cause``,
        ``count``, ``share`` (of the dissolutions in that setting and scope), ``per_run``.
    """
    results, names, runs = _prepare(source, by, max_levels)
    alliances = after_warmup(results.alliances, results.runs).merge(
        runs[["run_id", *names, "setting"]], on="run_id", validate="many_to_one"
    )
    n_runs = runs.groupby("setting", observed=True).size()
    rows = []
    scopes = {"all alliances": None, "founded alliances": True}
    for values, group in alliances.groupby([*names, "setting"], sort=True, observed=True):
        keys = dict(zip([*names, "setting"], values, strict=True))
        for scope, flag in scopes.items():
            subset = group if flag is None else group[founded_mask(group)]
            counts = subset["end_cause"].value_counts()
            total = int(sum(int(counts.get(c, 0)) for c in END_CAUSES))
            for cause in END_CAUSES:
                count = int(counts.get(cause, 0))
                rows.append(
                    keys
                    | {
                        "scope": scope,
                        "cause": cause,
                        "count": count,
                        "share": count / total if total else float("nan"),
                        "per_run": count / int(n_runs[keys["setting"]]),
                    }
                )
    columns = [*names, "setting", "scope", "cause", "count", "share", "per_run"]
    return pd.DataFrame(rows, columns=columns)


def by_parameter(
    source: Source,
    parameters: Sequence[str] | None = None,
    outputs: Sequence[str] = ("transformation_rate", "renewal_success_rate"),
    *,
    bins: int = 8,
    confidence: float = 0.95,
    one_at_a_time: bool | None = None,
) -> pd.DataFrame:
    """Outputs against each parameter, pooled over the other parameters.

    A parameter with at most ``bins`` distinct values is kept at its levels (as in grid
    and ofat designs); one with more (lhs, sobol, morris) is cut into ``bins`` equal-width
    bins, each represented by the mean parameter value of its runs.

    Args:
        source: ``Results`` or a results folder.
        parameters: parameters to plot against (default: the varied parameters).
        outputs: per-run figures of the ``runs`` table.
        bins: the number of levels beyond which values are binned.
        confidence: level of the intervals over runs.
        one_at_a_time: for a one-factor-at-a-time (``ofat``) design, use for each parameter
            only the runs where the other varied parameters are at their base value
            (default: whether the experiment's sampler is ``ofat``).

    Returns:
        One row per parameter, level and output: ``parameter``, ``value``, ``output``,
        ``mean``, ``ci_low``, ``ci_high``, ``runs`` (runs with a value of the output).
    """
    results = as_results(source)
    experiment = None if isinstance(source, Results) else read_experiment(source)
    names = grouping(results.runs, experiment, parameters)
    if one_at_a_time is None:
        one_at_a_time = experiment is not None and experiment.sampler == "ofat"
    rows = []
    for name in names:
        runs = ofat_subset(results.runs, name, names) if one_at_a_time else results.runs
        x = pd.to_numeric(runs[name], errors="coerce")
        if x.isna().any():  # a parameter that is not a number: one level per value
            x = runs[name].map(str)
            levels = x
        elif x.nunique() > bins:
            edges = np.linspace(float(x.min()), float(x.max()), bins + 1)
            codes = np.clip(np.searchsorted(edges, x.to_numpy(), side="right") - 1, 0, bins - 1)
            levels = pd.Series(x.groupby(codes).transform("mean").to_numpy(), index=x.index)
        else:
            levels = x
        for level, group in runs.groupby(levels, sort=True):
            for output in outputs:
                mean, low, high, n = mean_ci(group[output], confidence)
                rows.append(
                    {
                        "parameter": name,
                        "value": level,
                        "output": output,
                        "mean": mean,
                        "ci_low": low,
                        "ci_high": high,
                        "runs": n,
                    }
                )
    columns = ["parameter", "value", "output", "mean", "ci_low", "ci_high", "runs"]
    return pd.DataFrame(rows, columns=columns)


def phase_occupancy(
    source: Source,
    by: Iterable[str] | None = None,
    *,
    confidence: float = 0.95,
    max_levels: int | None = None,
) -> pd.DataFrame:
    """Mean number of alliances in each phase per month and setting.

    Returns:
        One row per setting, step and phase: grouping columns, ``setting``, ``step``,
        ``phase`` (forming, founding, evolving, transforming), ``mean`` over the
        setting's runs, ``ci_low``, ``ci_high`` (Student-t) and ``runs``.
    """
    from scipy import stats

    results = as_results(source)
    experiment = None if isinstance(source, Results) else read_experiment(source)
    names = grouping(results.runs, experiment, by)
    series = with_settings(
        results.timeseries[["run_id", "step", *PHASE_COLUMNS]], results.runs, names, max_levels
    )
    long = series.melt(
        id_vars=[*names, "setting", "run_id", "step"],
        value_vars=list(PHASE_COLUMNS),
        var_name="phase",
        value_name="count",
    )
    long["phase"] = long["phase"].str.removeprefix("n_")
    keys = [*names, "setting", "step", "phase"]
    table = (
        long.groupby(keys, sort=False, observed=True)["count"]
        .agg(mean="mean", sd="std", runs="count")
        .reset_index()
    )
    t = np.where(
        table["runs"] > 1,
        stats.t.ppf(0.5 + confidence / 2, np.maximum(table["runs"] - 1, 1)),
        np.nan,
    )
    half = t * table["sd"].to_numpy(dtype=float) / np.sqrt(table["runs"].to_numpy(dtype=float))
    table["ci_low"] = np.maximum(table["mean"] - half, 0.0)  # counts are never negative
    table["ci_high"] = table["mean"] + half
    order = {phase.removeprefix("n_"): i for i, phase in enumerate(PHASE_COLUMNS)}
    table = table.sort_values(
        [*names, "setting", "phase", "step"],
        key=lambda c: c.map(order) if c.name == "phase" else c,
        kind="stable",
    )
    columns = [*names, "setting", "step", "phase", "mean", "ci_low", "ci_high", "runs"]
    return table[columns].reset_index(drop=True)


def outcome_mix(
    source: Source,
    by: Iterable[str] | None = None,
    *,
    confidence: float = 0.95,
    max_levels: int | None = None,
) -> pd.DataFrame:
    """How founded alliances that ended did end: success, intermediate or failure.

    Counts the ``end_outcome`` of the founded alliances that ended before the horizon
    (alive ones have none), pooled over the runs of each setting, with a Wilson score
    interval for each share.

    Returns:
        One row per setting and outcome (in the order of :data:`OUTCOMES`, then any other
        value found): grouping columns, ``setting``, ``outcome``, ``count``, ``ended``
        (founded alliances that ended), ``share``, ``ci_low``, ``ci_high``.

    Raises:
        ConfigError: the alliances table has no ``end_outcome`` column (tables written
            before Model 2).
    """
    results, names, runs = _prepare(source, by, max_levels)
    if "end_outcome" not in results.alliances.columns:
        raise ConfigError("the alliances table has no 'end_outcome' column (a Model 2 column)")
    alliances = after_warmup(results.alliances, results.runs)
    alliances = alliances[founded_mask(alliances) & alliances["end_outcome"].notna()]
    alliances = alliances.merge(
        runs[["run_id", *names, "setting"]], on="run_id", validate="many_to_one"
    )
    found = [str(v) for v in dict.fromkeys(alliances["end_outcome"].astype(str))]
    outcomes = [*OUTCOMES, *sorted(set(found) - set(OUTCOMES))]
    rows = []
    for values, _group in runs.groupby([*names, "setting"], sort=True, observed=True):
        keys = dict(zip([*names, "setting"], values, strict=True))
        ended = alliances[alliances["setting"] == keys["setting"]]["end_outcome"].astype(str)
        counts = ended.value_counts()
        for outcome in outcomes:
            count = int(counts.get(outcome, 0))
            share, low, high = wilson(count, len(ended), confidence)
            rows.append(
                keys
                | {
                    "outcome": outcome,
                    "count": count,
                    "ended": len(ended),
                    "share": share,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    columns = [*names, "setting", "outcome", "count", "ended", "share", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns)


def wilson(count: int, total: int, confidence: float = 0.95) -> tuple[float, float, float]:
    """A share with its Wilson score interval: ``(share, low, high)``; NaN when total is 0."""
    from scipy import stats

    if total <= 0:
        return float("nan"), float("nan"), float("nan")
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = count / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * np.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    low = 0.0 if count == 0 else max(0.0, min(p, centre - half))
    high = 1.0 if count == total else min(1.0, max(p, centre + half))
    return p, low, high
