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
    "median_lifespan": "median lifespan of founded alliances (months)",
    "transformation_rate": "transformations per alliance-year after forming",
    "transformations_per_alliance": "transformations per founded alliance",
    "renewal_success_rate": "renewal success (share of transformation episodes)",
    "mean_peak_size": "mean peak size of founded alliances (members)",
    "mean_steps_forming": "mean months in forming (founded alliances)",
}

PHASE_COLUMNS: tuple[str, ...] = ("n_forming", "n_founding", "n_evolving", "n_transforming")


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
        :func:`simulation.analysis.survival.median_survival`).
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
    return table.merge(medians, on=keys, how="left", validate="one_to_one")


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
    alliances = results.alliances.merge(
        runs[["run_id", *names, "setting"]], on="run_id", validate="many_to_one"
    )
    n_runs = runs.groupby("setting", observed=True).size()
    rows = []
    scopes = {"all alliances": None, "founded alliances": "founded"}
    for values, group in alliances.groupby([*names, "setting"], sort=True, observed=True):
        keys = dict(zip([*names, "setting"], values, strict=True))
        for scope, flag in scopes.items():
            subset = group if flag is None else group[group[flag].astype(bool)]
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
