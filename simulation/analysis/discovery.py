"""Scenario discovery: which boxes of the parameter space lead to an outcome the user names.

PRIM (the Patient Rule Induction Method, Friedman and Fisher 1999, as implemented for
scenario discovery in the EMA Workbench, ``ema_workbench.analysis.prim``) peels the
parameter space of a sweep down to a box, a range per parameter, where the outcome is
much more common than overall. Two figures describe a box: its *coverage*, the share of
all cases of the outcome that fall inside it, and its *density*, the share of the rows
inside it that are cases. Peeling trades one for the other; the chosen box is the one of
the peeling trajectory with the best balance of the two (their harmonic mean), unless
another is asked for.

An outcome is evaluated per founded alliance (``level="alliances"``, each alliance with
its run's parameters) or per run (``level="runs"``). Alliances of a stochastic model are
noisy: the density of a box is then the probability of the outcome inside it, and the
box marks where that probability is high. Outcomes are named by a key of
:data:`OUTCOMES` or written as a pandas expression over the columns of the level's table,
e.g. ``"event_observed and duration <= 36"`` or ``"survival_72 < 0.3"``.

``ema_workbench`` (extra ``discovery``) is imported on first use.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simulation.analysis.data import as_results, read_experiment
from simulation.analysis.survival import after_warmup, founded_mask
from simulation.errors import AllianceError, ConfigError
from simulation.results import Results

Source = Results | str | os.PathLike


@dataclass(frozen=True)
class Outcome:
    """An outcome to discover: which rows are cases, and which rows can tell.

    Attributes:
        name: short name (a key of :data:`OUTCOMES`, or the expression itself).
        description: one line for the reader.
        expression: a pandas expression that is True for a case.
        level: ``"alliances"`` (founded alliances with their run's parameters) or
            ``"runs"``.
        known: an expression that is True where the outcome can be decided (e.g. an
            alliance censored at 20 months cannot tell whether it dissolves within 36);
            rows where it is False are left out. ``None``: every row.
    """

    name: str
    description: str
    expression: str
    level: str = "alliances"
    known: str | None = None


#: Outcomes that can be named by key (``alliances report --discover KEY``).
OUTCOMES: dict[str, Outcome] = {
    "dissolved_within_3_years": Outcome(
        "dissolved_within_3_years",
        "a founded alliance dissolved within 36 months (alliances censored earlier left out)",
        "event_observed and duration <= 36",
        known="event_observed or duration >= 36",
    ),
    "renewed_at_least_once": Outcome(
        "renewed_at_least_once",
        "a founded alliance renewed (evolutionary or revolutionary) at least once",
        "evolutionary_renewals + revolutionary_renewals >= 1",
    ),
}

LEVELS = ("alliances", "runs")


@dataclass
class Discovery:
    """What :func:`scenario_discovery` found.

    Attributes:
        outcome: the outcome searched for.
        box: one row per parameter: ``parameter``, ``lower``, ``upper`` (the chosen box),
            ``min``, ``max`` (the range of the sweep), ``restricted`` (the box limits it),
            ``qp_lower``, ``qp_upper`` (PRIM's quasi-p-values of the restriction, NaN
            where not restricted).
        trajectory: the peeling trajectory: ``box`` (its index), ``coverage``,
            ``density``, ``mass`` (share of rows inside), ``restricted`` (parameters
            limited), ``chosen``.
        chosen: index of the chosen box in ``trajectory``.
        stats: ``rows``, ``cases``, ``base_rate`` (cases / rows), ``coverage``,
            ``density``, ``mass``, ``left_out`` (rows where the outcome is unknown), and
            of the densest box on the trajectory ``densest_density``, ``densest_mass``,
            ``densest_restricts`` (the parameters it limits).
    """

    outcome: Outcome
    box: pd.DataFrame
    trajectory: pd.DataFrame
    chosen: int
    stats: dict[str, Any] = field(default_factory=dict)

    def restricted(self) -> pd.DataFrame:
        """The rows of ``box`` for the parameters the box limits."""
        return self.box[self.box["restricted"]].reset_index(drop=True)

    def describe(self, digits: int = 3) -> str:
        """The box in one line, e.g. ``pressure in [0.61, 0.9], foresight in [0, 0.4]``."""
        rows = self.restricted()
        if rows.empty:
            return "no restriction (the whole sweep)"
        parts = []
        for r in rows.itertuples():
            if r.min is None or pd.isna(r.min):  # a category: the values kept
                parts.append(f"{r.parameter} in {{{', '.join(sorted(map(str, r.lower)))}}}")
            elif r.lower > r.min and r.upper < r.max:
                parts.append(f"{r.parameter} in [{r.lower:.{digits}g}, {r.upper:.{digits}g}]")
            elif r.lower > r.min:
                parts.append(f"{r.parameter} >= {r.lower:.{digits}g}")
            else:
                parts.append(f"{r.parameter} <= {r.upper:.{digits}g}")
        return ", ".join(parts)


def outcome_for(outcome: str | Outcome, level: str | None = None) -> Outcome:
    """The :class:`Outcome` named by a key of :data:`OUTCOMES` or given as an expression.

    Raises:
        ConfigError: an empty outcome or an unknown level.
    """
    if isinstance(outcome, Outcome):
        chosen = outcome
    else:
        text = str(outcome).strip()
        if not text:
            raise ConfigError("an outcome for scenario discovery cannot be empty")
        chosen = OUTCOMES.get(text) or Outcome(text, text, text, level or "alliances")
    if level is not None and level != chosen.level:
        chosen = Outcome(chosen.name, chosen.description, chosen.expression, level, chosen.known)
    if chosen.level not in LEVELS:
        raise ConfigError(f"unknown level '{chosen.level}' (choose from {', '.join(LEVELS)})")
    return chosen


def scenario_discovery(
    source: Source,
    outcome: str | Outcome | Callable[[pd.DataFrame], Any],
    *,
    parameters: Sequence[str] | None = None,
    level: str | None = None,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
    select: int | None = None,
) -> Discovery:
    """Find with PRIM the box of parameter values where ``outcome`` is most common.

    Args:
        source: a results folder (a sweep) or ``Results``.
        outcome: a key of :data:`OUTCOMES`, a pandas expression over the level's table
            (True for a case), an :class:`Outcome`, or a function of that table returning
            booleans.
        parameters: the parameters that span the boxes (default: the varied parameters
            of the experiment, or for ``Results`` the parameters that differ between
            runs).
        level: ``"alliances"`` or ``"runs"`` (default: the outcome's own, else
            ``"alliances"``).
        peel_alpha: share of the rows peeled off at each step.
        paste_alpha: share of the rows pasted back at each step.
        mass_min: smallest share of the rows a box may hold.
        select: index of the box on the peeling trajectory to report (default: the box
            with the largest harmonic mean of coverage and density).

    Returns:
        A :class:`Discovery`.

    Raises:
        ConfigError: no parameter varies, a parameter or a column of the outcome is
            unknown, the outcome holds no case or only cases, or ``select`` is off the
            trajectory.
        AllianceError: ``ema_workbench`` is not installed.
    """
    prim = _prim_module()
    results = as_results(source)
    names = _parameters(source, results, parameters)
    if callable(outcome) and not isinstance(outcome, str | Outcome):
        chosen = Outcome(
            getattr(outcome, "__name__", "outcome"), "a function", "", level or "alliances"
        )
        table = _table(results, chosen.level, names)
        cases = _boolean(outcome(table), table, chosen.name)
        known = pd.Series(True, index=table.index)
    else:
        chosen = outcome_for(outcome, level)
        table = _table(results, chosen.level, names)
        cases = _boolean(_evaluate(table, chosen.expression, chosen.name), table, chosen.name)
        known = (
            _boolean(_evaluate(table, chosen.known, chosen.name), table, chosen.name)
            if chosen.known
            else pd.Series(True, index=table.index)
        )
    keep = known.to_numpy() & table[names].notna().all(axis=1).to_numpy()
    x = _inputs(table.loc[keep, names])
    y = cases.to_numpy()[keep]
    if y.size == 0:
        raise ConfigError(f"no {chosen.level} to look at for '{chosen.name}'")
    if not y.any() or y.all():
        which = "no" if not y.any() else "only"
        raise ConfigError(
            f"'{chosen.name}' holds {which} cases among the {y.size} {chosen.level}: "
            "nothing to tell apart"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas and numpy deprecations inside the library
        # the workbench drops a column named "scenario" (its own): pass neutral names
        safe = x.reset_index(drop=True).set_axis([f"x{k}" for k in range(x.shape[1])], axis=1)
        algorithm = prim.Prim(
            safe,
            y.astype(int),
            peel_alpha=peel_alpha,
            paste_alpha=paste_alpha,
            mass_min=mass_min,
        )
        box = algorithm.find_box()
    if box is None:
        raise ConfigError(f"PRIM found no box for '{chosen.name}'")
    trajectory = _trajectory(box, x, safe.columns)
    if select is None:
        score = 2 * trajectory["coverage"] * trajectory["density"]
        score = score / (trajectory["coverage"] + trajectory["density"])
        select = int(score.to_numpy().argmax())
    if not 0 <= select < len(trajectory):
        raise ConfigError(f"select must be between 0 and {len(trajectory) - 1}")
    trajectory["chosen"] = trajectory["box"] == select
    limits = _limits(box, select, x, safe.columns)
    row = trajectory.iloc[select]
    stats: dict[str, Any] = {
        "rows": int(y.size),
        "cases": int(y.sum()),
        "base_rate": float(y.mean()),
        "coverage": float(row["coverage"]),
        "density": float(row["density"]),
        "mass": float(row["mass"]),
        "left_out": int((~keep).sum()),
    }
    densest = trajectory.iloc[int(trajectory["density"].to_numpy().argmax())]
    stats |= {
        "densest_density": float(densest["density"]),
        "densest_mass": float(densest["mass"]),
        "densest_restricts": str(densest["restricted"]),
    }
    return Discovery(chosen, limits, trajectory, select, stats)


def _prim_module():
    try:
        with warnings.catch_warnings():
            # the workbench warns at import about optional parts it lacks (ipyparallel, altair)
            warnings.simplefilter("ignore")
            from ema_workbench.analysis import prim
    except ImportError:
        raise AllianceError(
            "scenario discovery needs ema_workbench: pip install 'alliance-lifecycle[discovery]'"
        ) from None
    return prim


def _parameters(source: Source, results: Results, parameters: Sequence[str] | None) -> list[str]:
    from simulation.analysis.data import varying_parameters

    runs = results.runs
    if parameters is not None:
        names = [parameters] if isinstance(parameters, str) else list(parameters)
    elif isinstance(source, Results):
        names = varying_parameters(runs)
    else:
        experiment = read_experiment(source)
        names = [n for n in experiment.varied if n in runs.columns] or varying_parameters(runs)
    for name in names:
        if name not in runs.columns:
            raise ConfigError(f"cannot discover over '{name}': not a column of the runs table")
    names = [n for n in dict.fromkeys(names) if runs[n].map(repr).nunique() > 1]
    if not names:
        raise ConfigError("scenario discovery needs a sweep: no parameter varies between the runs")
    return names


def _table(results: Results, level: str, names: list[str]) -> pd.DataFrame:
    runs = results.runs.assign(run_id=results.runs["run_id"].astype("string"))
    if level == "runs":
        return runs.reset_index(drop=True)
    alliances = after_warmup(results.alliances, results.runs)
    alliances = alliances[founded_mask(alliances)]
    alliances = alliances.assign(run_id=alliances["run_id"].astype("string"))
    alliances = alliances.astype({"duration": float, "event_observed": bool})
    clashing = [n for n in names if n in alliances.columns]
    table = alliances.drop(columns=clashing).merge(
        runs[["run_id", *names]], on="run_id", how="inner", validate="many_to_one"
    )
    return table.reset_index(drop=True)


def _evaluate(table: pd.DataFrame, expression: str, name: str) -> Any:
    try:
        return table.eval(expression, engine="python")
    except Exception as exc:  # a typo'd column, bad syntax: one line for the user
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"cannot evaluate the outcome '{name}': {message}") from None


def _boolean(values: Any, table: pd.DataFrame, name: str) -> pd.Series:
    series = pd.Series(values, index=table.index) if not isinstance(values, pd.Series) else values
    if len(series) != len(table) or not (
        pd.api.types.is_bool_dtype(series) or set(pd.unique(series.dropna())) <= {0, 1}
    ):
        raise ConfigError(f"the outcome '{name}' must give True or False for every row")
    return series.fillna(False).astype(bool)


def _inputs(frame: pd.DataFrame) -> pd.DataFrame:
    """Parameters as PRIM takes them: numbers as floats, anything else as a category."""
    out = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            out[name] = column.map(str).astype("category")
        else:
            out[name] = column.astype(float)
    return pd.DataFrame(out, index=frame.index)


def _trajectory(box, x: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    peeled = box.peeling_trajectory
    initial = box.box_lims[0]
    restricted = [
        ", ".join(n for n, k in zip(x.columns, keys, strict=True) if not _same(lims[k], initial[k]))
        for lims in box.box_lims
    ]
    return pd.DataFrame(
        {
            "box": np.arange(len(peeled), dtype=np.int64),
            "coverage": peeled["coverage"].to_numpy(dtype=float),
            "density": peeled["density"].to_numpy(dtype=float),
            "mass": peeled["mass"].to_numpy(dtype=float),
            "restricted": restricted,
        }
    )


def _same(a: pd.Series, b: pd.Series) -> bool:
    return all(u == v for u, v in zip(a, b, strict=True))


def _limits(box, i: int, x: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    lims = box.box_lims[i]
    initial = box.box_lims[0]
    p_values = box.p_values[i] if i < len(box.p_values) else {}
    rows = []
    for name, key in zip(x.columns, keys, strict=True):
        numeric = pd.api.types.is_float_dtype(x[name])
        qp = p_values.get(key, [np.nan, np.nan])
        lower, upper = lims[key].iloc[0], lims[key].iloc[1]
        rows.append(
            {
                "parameter": name,
                "lower": float(lower) if numeric else lower,
                "upper": float(upper) if numeric else upper,
                "min": float(x[name].min()) if numeric else None,
                "max": float(x[name].max()) if numeric else None,
                "restricted": not _same(lims[key], initial[key]),
                "qp_lower": float(qp[0]) if qp[0] is not None and qp[0] >= 0 else np.nan,
                "qp_upper": float(qp[1]) if qp[1] is not None and qp[1] >= 0 else np.nan,
            }
        )
    return pd.DataFrame(rows)
