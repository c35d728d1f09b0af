"""Reading a results folder for analysis, its experiment description, and grouping runs.

A results folder is either one or more single runs saved into the same place, or a sweep.
A sweep adds ``experiment.json`` (name, description, sampler, varied parameters and, for
``sobol``/``morris``, the SALib problem) and the columns ``experiment``, ``sample_id`` and
``replication`` to the ``runs`` table.

A *setting* is one combination of values of the grouping parameters (by default the varied
parameters of the experiment); the replications of a setting differ only by seed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.errors import ConfigError
from simulation.params import PARAMETER_NAMES
from simulation.results import Results, read_provenance, read_table

#: Tables the analysis reads (memberships and events are not needed and can be large).
ANALYSIS_TABLES: tuple[str, ...] = ("runs", "alliances", "timeseries")

#: Columns of the runs table that identify a run rather than describe a setting.
IDENTITY_COLUMNS: tuple[str, ...] = (
    "run_id",
    "scenario",
    "seed",
    "experiment",
    "sample_id",
    "replication",
    "package_version",
    "git_commit",
)

SAMPLERS: tuple[str, ...] = ("grid", "lhs", "sobol", "morris", "ofat")


@dataclass(frozen=True)
class Experiment:
    """What ``experiment.json`` says about a sweep (empty for single runs).

    Attributes:
        name: experiment name (the folder name when there is no ``experiment.json``).
        description: one line for the reader.
        sampler: ``grid``, ``lhs``, ``sobol``, ``morris``, ``ofat``, or ``None`` for runs
            that do not come from a sweep.
        varied: the varied parameter names, in the experiment's order.
        problem: the SALib problem (``names``, ``bounds``, ``num_vars``) for ``sobol``
            and ``morris``, else ``None``.
        raw: the whole decoded file, for keys this class does not model.
    """

    name: str
    description: str = ""
    sampler: str | None = None
    varied: tuple[str, ...] = ()
    problem: dict[str, Any] | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    def option(self, *keys: str, default: Any = None) -> Any:
        """The first of ``keys`` found at the top level, in ``sampler`` or in ``problem``."""
        places = [self.raw, self.raw.get("sampler"), self.raw.get("options"), self.problem]
        for place in places:
            if isinstance(place, dict):
                for key in keys:
                    if key in place and place[key] is not None:
                        return place[key]
        return default


def read_experiment(folder: str | os.PathLike) -> Experiment:
    """Read ``folder/experiment.json``; a folder without one gets an empty description.

    Raises:
        ConfigError: the file exists but is not valid JSON or not an object.
    """
    root = Path(folder)
    path = root / "experiment.json"
    if not path.exists():
        return Experiment(name=root.resolve().name)
    try:
        raw = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read '{path}': {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"'{path}' does not hold a JSON object")
    sampler = raw.get("sampler")
    if isinstance(sampler, dict):  # {"method": "sobol", "samples": 64}
        sampler = sampler.get("method")
    varied = raw.get("varied") or []
    if isinstance(varied, dict):  # {"pressure": [...], ...}
        varied = list(varied)
    varied = [v.get("name") if isinstance(v, dict) else v for v in varied]  # [{"name": ..}]
    problem = raw.get("problem")
    if not varied and isinstance(problem, dict):
        varied = list(problem.get("names", []))
    return Experiment(
        name=str(raw.get("name") or root.resolve().name),
        description=str(raw.get("description") or ""),
        sampler=str(sampler).lower() if sampler else None,
        varied=tuple(str(v) for v in varied if v),
        problem=problem if isinstance(problem, dict) else None,
        raw=raw,
    )


def load_results(folder: str | os.PathLike) -> Results:
    """Read the tables the analysis needs (runs, alliances, timeseries) from ``folder``.

    Raises:
        ConfigError: ``folder`` is not a results folder, or holds no runs.
    """
    root = Path(folder)
    if not root.is_dir():
        raise ConfigError(f"'{root}' is not a folder of results")
    if not ((root / "runs").is_dir() or (root / "runs.csv").exists()):
        raise ConfigError(f"'{root}' holds no results (no runs/ folder or runs.csv)")
    try:
        frames = {name: read_table(root, name) for name in ANALYSIS_TABLES}
        prov = read_provenance(root)
    except (OSError, ValueError) as exc:  # unreadable or corrupt parts
        raise ConfigError(f"cannot read the results in '{root}': {exc}") from None
    if frames["runs"].empty:
        raise ConfigError(f"'{root}' holds no finished runs")
    for name in ("alliances", "timeseries"):
        if len(frames[name].columns) == 0:  # no parts at all (zero rows are fine)
            raise ConfigError(f"'{root}' has no {name} table; the analysis needs it")
    return Results(events=pd.DataFrame(), provenance=prov, **frames)


def as_results(source: Results | str | os.PathLike) -> Results:
    """``source`` itself if it is ``Results``, else the results read from that folder."""
    return source if isinstance(source, Results) else load_results(source)


def grouping(
    runs: pd.DataFrame, experiment: Experiment | None = None, by: Iterable[str] | None = None
) -> list[str]:
    """The parameters to group runs by: ``by`` if given, else the experiment's varied ones.

    Varied parameters that are not columns of ``runs`` (e.g. a ``pressure_schedule``
    given as a table) are left out.

    Raises:
        ConfigError: a name in ``by`` is not a column of the runs table.
    """
    if by is not None:
        names = [by] if isinstance(by, str) else list(by)
        for name in names:
            if name not in runs.columns:
                choices = ", ".join(c for c in varying_parameters(runs)) or "none vary"
                raise ConfigError(
                    f"cannot group by '{name}': not a column of the runs table "
                    f"(parameters that vary here: {choices})"
                )
        return list(dict.fromkeys(names))
    if experiment is None:
        return []
    return [name for name in experiment.varied if name in runs.columns]


def ofat_subset(runs: pd.DataFrame, name: str, varied: Sequence[str]) -> pd.DataFrame:
    """The runs of a one-factor-at-a-time design that vary ``name`` only.

    Those are the runs where every other varied parameter sits at its base value (its most
    common value, since every other factor's runs use it); the base runs are included.
    """
    keep = pd.Series(True, index=runs.index)
    for other in varied:
        if other != name and other in runs.columns:
            column = runs[other].map(_hashable)
            keep &= column == column.mode(dropna=False).iloc[0]
    return runs[keep]


def varying_parameters(runs: pd.DataFrame) -> list[str]:
    """Model parameters whose value differs between the runs (the seed excluded)."""
    names = []
    for name in PARAMETER_NAMES:
        if name in IDENTITY_COLUMNS or name not in runs.columns:
            continue
        values = runs[name].map(_hashable)
        if values.nunique(dropna=False) > 1:
            names.append(name)
    return names


def _hashable(value: Any) -> Any:
    if isinstance(value, np.ndarray | list | tuple):
        return repr(list(value))
    return value


def settings(runs: pd.DataFrame, by: Sequence[str], max_levels: int | None = None) -> pd.DataFrame:
    """One row per run: ``run_id``, the grouping columns, and a readable ``setting`` label.

    Args:
        runs: the runs table.
        by: grouping parameters; with none, every run belongs to one setting "all runs".
        max_levels: a numeric parameter with more distinct values than this (as in lhs,
            sobol or morris designs) is cut into that many quantile bins, labelled by
            their range; ``None`` keeps exact values.

    Returns:
        A frame indexed like ``runs`` whose grouping columns sort in a natural order.
    """
    frame = pd.DataFrame({"run_id": runs["run_id"].astype("string")}, index=runs.index)
    labels = []
    for name in by:
        column = runs[name].map(_hashable)
        numeric = pd.api.types.is_numeric_dtype(runs[name])
        if max_levels is not None and numeric and column.nunique() > max_levels:
            column, label = _bin(runs[name].astype(float), max_levels, name)
        else:
            label = column.map(lambda v, n=name: f"{n}={_fmt(v, 6)}")
        frame[name] = column
        labels.append(label.astype(str))
    if labels:
        setting = labels[0]
        for extra in labels[1:]:
            setting = setting + ", " + extra
    else:
        setting = pd.Series("all runs", index=runs.index)
    frame["setting"] = setting
    return frame


def _bin(values: pd.Series, bins: int, name: str) -> tuple[pd.Series, pd.Series]:
    """Quantile bins of ``values``, each labelled by the range of the values it holds."""
    codes = pd.qcut(values, q=bins, duplicates="drop", labels=False).astype(int)
    ranges = values.groupby(codes).agg(["min", "max"])
    names = [
        _fmt(lo) if _fmt(lo) == _fmt(hi) else f"{_fmt(lo)}–{_fmt(hi)}"
        for lo, hi in zip(ranges["min"], ranges["max"], strict=True)
    ]
    position = {code: k for k, code in enumerate(ranges.index)}
    ordinal = codes.map(position).to_numpy()
    column = pd.Categorical.from_codes(ordinal, categories=names, ordered=True)
    label = pd.Series([f"{name} {names[c]}" for c in ordinal], index=values.index)
    return pd.Series(column, index=values.index), label


def _fmt(value: Any, digits: int = 3) -> str:
    """A short label for a value: ``digits`` significant digits for floats."""
    if isinstance(value, float | np.floating):
        return f"{value:.{digits}g}"
    return str(value)


def setting_order(frame: pd.DataFrame, by: Sequence[str]) -> list[str]:
    """Setting labels of ``frame`` (from :func:`settings`) sorted by the grouping values."""
    if not by:
        return list(dict.fromkeys(frame["setting"]))
    ordered = frame.drop_duplicates("setting").sort_values(list(by), kind="stable")
    return ordered["setting"].tolist()


def with_settings(
    table: pd.DataFrame, runs: pd.DataFrame, by: Sequence[str], max_levels: int | None = None
) -> pd.DataFrame:
    """``table`` (with a ``run_id`` column) joined to the setting of each row's run."""
    groups = settings(runs, by, max_levels)
    left = table.assign(run_id=table["run_id"].astype("string"))
    return left.merge(groups, on="run_id", how="inner", validate="many_to_one")


def mean_ci(values: Iterable[float], confidence: float = 0.95) -> tuple[float, float, float, int]:
    """Mean of the non-missing ``values`` with a Student-t confidence interval.

    Returns:
        ``(mean, low, high, n)``; the interval is NaN with fewer than two values, and
        everything is NaN with none.
    """
    from scipy import stats

    array = np.asarray(pd.to_numeric(pd.Series(list(values)), errors="coerce"), dtype=float)
    array = array[~np.isnan(array)]
    n = int(array.size)
    if n == 0:
        return float("nan"), float("nan"), float("nan"), 0
    mean = float(array.mean())
    if n < 2:
        return mean, float("nan"), float("nan"), n
    sem = float(array.std(ddof=1)) / np.sqrt(n)
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sem
    return mean, mean - half, mean + half, n


def parameter_label(name: str) -> str:
    """Axis label for a model parameter: its name and unit, e.g. ``pressure (share)``."""
    from simulation.params import parameter_table

    units = {row["name"]: row["unit"] for row in parameter_table()}
    unit = units.get(name)
    return f"{name} ({unit})" if unit and unit != "-" else name
