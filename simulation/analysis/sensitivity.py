"""Global sensitivity indices of sweep outputs (SALib) for ``sobol`` and ``morris`` designs.

The ``sample_id`` of a run is its row in the SALib sample matrix; replications of a row are
averaged first. Missing outputs are handled so that SALib's estimators stay valid:

- ``median_lifespan`` is NaN when a run's survival curve never fell to one half; such a
  run (with founded alliances) gets its horizon (``steps``), a lower bound of its median,
  before averaging.
- replications are averaged over the values that exist; a row whose replications all lack
  the output (e.g. no alliance founded, so no survival rate), or whose runs are missing,
  makes its whole Saltelli block (``sobol``: ``2D+2`` or ``D+2`` rows) or Morris
  trajectory (``D+1`` rows) unusable, and that block is dropped. The table says how many
  blocks were used and dropped.
- an output that is constant over the usable rows gets zero indices and a note instead of
  SALib's division by zero.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from simulation.analysis.data import Experiment, load_results, read_experiment
from simulation.errors import ConfigError
from simulation.results import Results

#: Outputs analysed by default (columns of the runs table).
DEFAULT_OUTPUTS: tuple[str, ...] = (
    "survival_rate",
    "survival_72",
    "median_lifespan",
    "transformation_rate",
    "renewal_success_rate",
)

SOBOL_COLUMNS = ["S1", "S1_conf", "ST", "ST_conf"]
MORRIS_COLUMNS = ["mu", "mu_star", "mu_star_conf", "sigma"]


def sensitivity_indices(
    source: Results | pd.DataFrame | str | os.PathLike,
    outputs: Sequence[str] = DEFAULT_OUTPUTS,
    *,
    experiment: Experiment | None = None,
    num_resamples: int = 100,
    confidence: float = 0.95,
    seed: int = 12345,
) -> pd.DataFrame:
    """Sobol (S1, ST) or Morris (mu, mu*, sigma) indices of each output for each parameter.

    Args:
        source: a results folder, ``Results``, or the ``runs`` table itself. It needs the
            ``sample_id`` column and the parameters of the SALib problem.
        outputs: per-run figures of the ``runs`` table to analyse.
        experiment: the experiment description (read from the folder when ``source`` is
            one); its ``sampler`` must be ``sobol`` or ``morris`` and it must carry the
            SALib ``problem``.
        num_resamples: bootstrap resamples of the confidence intervals.
        confidence: level of the confidence intervals.
        seed: seed of the bootstrap, so that the intervals are reproducible.

    Returns:
        One row per output and parameter: ``method``, ``output``, ``parameter``, then
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (sobol; ``_conf`` is the half-width of
        the interval) or ``mu``, ``mu_star``, ``mu_star_conf``, ``sigma`` (morris), and
        ``blocks_used``, ``blocks_dropped``, ``note``.

    Raises:
        ConfigError: the experiment is not a sobol or morris design, lacks its problem, or
            the runs lack ``sample_id`` or a parameter or output column.
    """
    runs, experiment = _inputs(source, experiment)
    method = experiment.sampler
    if method not in ("sobol", "morris"):
        raise ConfigError(
            f"sensitivity indices need a sobol or morris experiment, "
            f"'{experiment.name}' uses {method or 'no sampler'}"
        )
    problem = _problem(experiment)
    names = list(problem["names"])
    missing = [c for c in ["sample_id", *names, *outputs] if c not in runs.columns]
    if missing:
        raise ConfigError(f"the runs table has no column '{missing[0]}' for the sensitivity")
    X, Y = design_matrix(runs, names, outputs)
    rows = []
    for output in outputs:
        if method == "sobol":
            second = _second_order(experiment, X, _n_factors(problem))
            frame = sobol_table(
                problem, Y[output].to_numpy(), second, num_resamples, confidence, seed
            )
        else:
            levels = int(experiment.option("num_levels", "levels", default=4))
            frame = morris_table(
                problem, X, Y[output].to_numpy(), levels, num_resamples, confidence, seed
            )
        rows.append(frame.assign(method=method, output=output))
    table = pd.concat(rows, ignore_index=True)
    columns = SOBOL_COLUMNS if method == "sobol" else MORRIS_COLUMNS
    lead = ["method", "output", "parameter"]
    return table[[*lead, *columns, "blocks_used", "blocks_dropped", "note"]]


def _inputs(
    source: Results | pd.DataFrame | str | os.PathLike, experiment: Experiment | None
) -> tuple[pd.DataFrame, Experiment]:
    if isinstance(source, pd.DataFrame):
        runs = source
    elif isinstance(source, Results):
        runs = source.runs
    else:
        runs = load_results(source).runs
        experiment = experiment or read_experiment(source)
    if experiment is None:
        raise ConfigError("sensitivity indices need the experiment (sampler and problem)")
    return runs, experiment


def _problem(experiment: Experiment) -> dict[str, Any]:
    problem = experiment.problem
    if not problem or not problem.get("names"):
        raise ConfigError(
            f"experiment '{experiment.name}' has no SALib problem (names, bounds) "
            "in experiment.json"
        )
    problem = dict(problem)
    problem.setdefault("num_vars", len(problem["names"]))
    if "bounds" not in problem:
        raise ConfigError(f"the SALib problem of '{experiment.name}' has no bounds")
    return problem


def _n_factors(problem: dict[str, Any]) -> int:
    groups = problem.get("groups")
    return len(dict.fromkeys(groups)) if groups else int(problem["num_vars"])


def design_matrix(
    runs: pd.DataFrame, names: Sequence[str], outputs: Sequence[str]
) -> tuple[np.ndarray, pd.DataFrame]:
    """The sample matrix and the outputs per ``sample_id``, averaged over replications.

    Rows are indexed by ``sample_id`` from 0 to the largest one; rows without runs are
    NaN. ``median_lifespan`` that was not reached counts as the run's horizon.

    Returns:
        ``X`` (rows by parameters, float) and ``Y`` (rows by outputs).
    """
    frame = runs.copy()
    if "median_lifespan" in outputs and "steps" in frame.columns:
        not_reached = frame["median_lifespan"].isna() & (frame["alliances_founded"] > 0)
        frame.loc[not_reached, "median_lifespan"] = frame.loc[not_reached, "steps"]
    frame["sample_id"] = frame["sample_id"].astype(np.int64)
    size = int(frame["sample_id"].max()) + 1
    index = pd.RangeIndex(size, name="sample_id")
    grouped = frame.groupby("sample_id")
    X = grouped[list(names)].first().astype(float).reindex(index).to_numpy()
    Y = grouped[list(outputs)].mean().astype(float).reindex(index)
    return X, Y


def _usable_blocks(Y: np.ndarray, block: int) -> tuple[np.ndarray, int, int]:
    """Keep whole blocks without NaN; returns the kept rows' mask and kept/dropped counts."""
    n_blocks = -(-Y.shape[0] // block)
    padded = np.full(n_blocks * block, np.nan)
    padded[: Y.shape[0]] = Y
    ok = ~np.isnan(padded.reshape(n_blocks, block)).any(axis=1)
    return np.repeat(ok, block), int(ok.sum()), int(n_blocks - ok.sum())


def _pad(values: np.ndarray, length: int) -> np.ndarray:
    out = np.full((length, *values.shape[1:]), np.nan)
    out[: values.shape[0]] = values
    return out


def _second_order(experiment: Experiment, X: np.ndarray, D: int) -> bool:
    """Whether the Saltelli design has second-order rows (``2D+2`` per block, else ``D+2``).

    Taken from ``calc_second_order`` in experiment.json when stated, else from the structure
    of the sample matrix, else from its number of rows; SALib's default (True) otherwise.
    """
    stated = experiment.option("calc_second_order", "second_order")
    if stated is not None:
        return bool(stated)
    matches = {second: _looks_like(X, D, second) for second in (True, False)}
    if matches[True] != matches[False]:
        return matches[True]
    rows = X.shape[0]
    fits = {True: rows % (2 * D + 2) == 0, False: rows % (D + 2) == 0}
    if fits[True] != fits[False]:
        return fits[True]
    return True


def _looks_like(X: np.ndarray, D: int, second: bool) -> bool:
    """Whether the first complete block of ``X`` has the Saltelli layout A, AB_1..AB_D, .., B."""
    size = 2 * D + 2 if second else D + 2
    if X.shape[1] != D:  # groups: the layout is by group, not by column
        return False
    for start in range(0, X.shape[0] - size + 1, size):
        block = X[start : start + size]
        if np.isnan(block).any():
            continue
        a, b = block[0], block[-1]
        for j in range(D):
            expected = a.copy()
            expected[j] = b[j]
            if not np.allclose(block[j + 1], expected):
                return False
        return True
    return False


def sobol_table(
    problem: dict[str, Any],
    Y: np.ndarray,
    calc_second_order: bool = True,
    num_resamples: int = 100,
    confidence: float = 0.95,
    seed: int = 12345,
) -> pd.DataFrame:
    """First-order and total Sobol indices of one output (``SALib.analyze.sobol``).

    Args:
        problem: the SALib problem.
        Y: outputs in the order of the sample matrix (NaN where missing).
        calc_second_order: whether the design has second-order rows.
        num_resamples: bootstrap resamples for the intervals.
        confidence: level of the intervals.
        seed: bootstrap seed (must not be 0: SALib ignores a falsy seed).

    Returns:
        One row per parameter (or group): ``parameter``, ``S1``, ``S1_conf``, ``ST``,
        ``ST_conf``, ``blocks_used``, ``blocks_dropped``, ``note``.
    """
    from SALib.analyze import sobol

    D = _n_factors(problem)
    names = list(dict.fromkeys(problem["groups"])) if problem.get("groups") else problem["names"]
    block = 2 * D + 2 if calc_second_order else D + 2
    keep, used, dropped = _usable_blocks(np.asarray(Y, dtype=float), block)
    values = _pad(np.asarray(Y, dtype=float), keep.size)[keep]
    table = pd.DataFrame({"parameter": names})
    note = _dropped_note(dropped, "Saltelli block")
    if used < 2:
        table[SOBOL_COLUMNS] = np.nan
        note = _join(note, f"too few complete blocks ({used})")
    elif np.ptp(values) <= np.finfo(float).eps:
        table[SOBOL_COLUMNS] = 0.0
        note = _join(note, "output constant over the design: no sensitivity")
    else:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            si = sobol.analyze(
                problem,
                values,
                calc_second_order=calc_second_order,
                num_resamples=num_resamples,
                conf_level=confidence,
                seed=seed or 1,
            )
        for column in SOBOL_COLUMNS:
            table[column] = np.asarray(si[column], dtype=float)
        note = _join(note, *{str(w.message).strip() for w in caught})
    return table.assign(blocks_used=used, blocks_dropped=dropped, note=note)


def morris_table(
    problem: dict[str, Any],
    X: np.ndarray,
    Y: np.ndarray,
    num_levels: int = 4,
    num_resamples: int = 100,
    confidence: float = 0.95,
    seed: int = 12345,
) -> pd.DataFrame:
    """Morris elementary-effect statistics of one output (``SALib.analyze.morris``).

    ``mu_star`` is the mean absolute elementary effect (output change per step of
    ``delta`` in the unit hypercube, with the default unscaled effects), ``sigma`` their
    standard deviation (large: interactions or non-linearity).

    Args:
        problem: the SALib problem.
        X: the sample matrix (rows in the order of ``Y``).
        Y: outputs (NaN where missing).
        num_levels: the grid levels of the Morris design.
        num_resamples: bootstrap resamples for ``mu_star_conf``.
        confidence: level of the interval.
        seed: bootstrap seed.

    Returns:
        One row per parameter (or group): ``parameter``, ``mu``, ``mu_star``,
        ``mu_star_conf``, ``sigma``, ``blocks_used`` (trajectories), ``blocks_dropped``,
        ``note``.
    """
    from SALib.analyze import morris

    names = list(dict.fromkeys(problem["groups"])) if problem.get("groups") else problem["names"]
    block = _n_factors(problem) + 1
    Y = np.asarray(Y, dtype=float)
    keep, used, dropped = _usable_blocks(Y, block)
    values = _pad(Y, keep.size)[keep]
    inputs = _pad(np.asarray(X, dtype=float), keep.size)[keep]
    table = pd.DataFrame({"parameter": names})
    note = _dropped_note(dropped, "trajectory")
    if used < 2:
        table[MORRIS_COLUMNS] = np.nan
        note = _join(note, f"too few complete trajectories ({used})")
    else:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            si = morris.analyze(
                problem,
                inputs,
                values,
                num_resamples=num_resamples,
                conf_level=confidence,
                num_levels=num_levels,
                seed=seed,
            )
        for column in MORRIS_COLUMNS:
            table[column] = np.asarray(si[column], dtype=float)
        note = _join(note, *{str(w.message).strip() for w in caught})
    return table.assign(blocks_used=used, blocks_dropped=dropped, note=note)


def _dropped_note(dropped: int, what: str) -> str:
    if not dropped:
        return ""
    plural = {"trajectory": "trajectories"}.get(what, f"{what}s") if dropped != 1 else what
    return f"{dropped} {plural} dropped (missing output or runs)"


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)
