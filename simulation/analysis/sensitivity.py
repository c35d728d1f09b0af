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

The model is stochastic, so two more things are reported beside SALib's indices:

- ``noise_share``: the share of an output's variance over all runs that is replication
  noise, the pooled variance between the replications of a sample divided by the total
  variance (NaN with one replication per sample). Variance no parameter can explain:
  a large share caps the first-order indices and shows as apparent interactions.
- ``noise_floor``: the share of the variance of the *averaged* output (what the indices
  apportion) that is replication noise, the within-sample variance over the replications
  per sample, divided by the variance of the sample means. Noise acts like one more
  factor that interacts with everything: a parameter without effect gets an ST near the
  floor, and the S1 sum at most one minus it.
- bootstrap intervals that know it (``S1_low``/``S1_high``, ``ST_low``/``ST_high``;
  ``mu_star_low``/``mu_star_high``): the index plus or minus z standard errors of a
  two-level bootstrap that resamples the replications of every sample (the noise) and the
  Saltelli blocks or Morris trajectories (the design), recomputing the indices each
  time. SALib's own ``_conf`` half-widths resample the design only.
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
SOBOL_BOOTSTRAP = ["S1_low", "S1_high", "ST_low", "ST_high"]
MORRIS_BOOTSTRAP = ["mu_star_low", "mu_star_high"]
NOISE_COLUMNS = ["noise_share", "noise_floor", "replications"]


def sensitivity_indices(
    source: Results | pd.DataFrame | str | os.PathLike,
    outputs: Sequence[str] = DEFAULT_OUTPUTS,
    *,
    experiment: Experiment | None = None,
    num_resamples: int = 100,
    confidence: float = 0.95,
    seed: int = 12345,
    bootstrap: int = 200,
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
        bootstrap: resamples of the two-level (replications and design) bootstrap; 0
            leaves its intervals out (NaN).

    Returns:
        One row per output and parameter: ``method``, ``output``, ``parameter``, then
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (sobol; ``_conf`` is the half-width of
        SALib's interval) and ``S1_low``, ``S1_high``, ``ST_low``, ``ST_high`` (the
        two-level bootstrap's), or ``mu``, ``mu_star``, ``mu_star_conf``, ``sigma``,
        ``mu_star_low``, ``mu_star_high`` (morris); ``noise_share`` (share of the
        output's variance over runs due to replication noise), ``noise_floor`` (share of
        the variance of the averaged output that is noise), ``replications`` (median
        replications per sample), ``blocks_used``, ``blocks_dropped``, ``note``.

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
    second = _second_order(experiment, X, _n_factors(problem)) if method == "sobol" else False
    rows = []
    for output in outputs:
        if method == "sobol":
            frame = sobol_table(
                problem, Y[output].to_numpy(), second, num_resamples, confidence, seed
            )
        else:
            levels = int(experiment.option("num_levels", "levels", default=4))
            frame = morris_table(
                problem, X, Y[output].to_numpy(), levels, num_resamples, confidence, seed
            )
        values = replicate_matrix(runs, output, X.shape[0])
        share, reps = noise_share(values)
        floor = noise_floor(values)
        extra = replication_bootstrap(
            problem, method, X, values, second, bootstrap, confidence, seed
        )
        frame = frame.assign(**extra, noise_share=share, noise_floor=floor, replications=reps)
        if reps <= 1:
            frame["note"] = [
                _join(n, "one replication per sample: replication noise not measured")
                for n in frame["note"]
            ]
        rows.append(frame.assign(method=method, output=output))
    table = pd.concat(rows, ignore_index=True)
    columns = (
        [*SOBOL_COLUMNS, *SOBOL_BOOTSTRAP]
        if method == "sobol"
        else [*MORRIS_COLUMNS, *MORRIS_BOOTSTRAP]
    )
    lead = ["method", "output", "parameter"]
    return table[[*lead, *columns, *NOISE_COLUMNS, "blocks_used", "blocks_dropped", "note"]]


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
    frame = _filled(runs, outputs)
    frame["sample_id"] = frame["sample_id"].astype(np.int64)
    size = int(frame["sample_id"].max()) + 1
    index = pd.RangeIndex(size, name="sample_id")
    grouped = frame.groupby("sample_id")
    X = grouped[list(names)].first().astype(float).reindex(index).to_numpy()
    Y = grouped[list(outputs)].mean().astype(float).reindex(index)
    return X, Y


def _filled(runs: pd.DataFrame, outputs: Sequence[str]) -> pd.DataFrame:
    """A copy of ``runs`` where an unreached median lifespan is the run's horizon."""
    frame = runs.copy()
    if "median_lifespan" in outputs and "steps" in frame.columns:
        not_reached = frame["median_lifespan"].isna() & (frame["alliances_founded"] > 0)
        frame.loc[not_reached, "median_lifespan"] = frame.loc[not_reached, "steps"]
    return frame


def replicate_matrix(runs: pd.DataFrame, output: str, size: int) -> np.ndarray:
    """The values of ``output`` per sample (rows, by ``sample_id``) and replication.

    Each row holds its sample's values first and NaN after them (rows without runs are all
    NaN); an unreached median lifespan counts as the horizon, as in :func:`design_matrix`.
    """
    frame = _filled(runs, [output])
    ids = frame["sample_id"].astype(np.int64).to_numpy()
    values = pd.to_numeric(frame[output], errors="coerce").to_numpy(dtype=float)
    ok = ~np.isnan(values)
    ids, values = ids[ok], values[ok]
    width = int(np.bincount(ids, minlength=size).max()) if ids.size else 1
    out = np.full((size, max(width, 1)), np.nan)
    order = np.argsort(ids, kind="stable")
    ids, values = ids[order], values[order]
    starts = np.searchsorted(ids, np.arange(size))
    column = np.arange(ids.size) - starts[ids]
    out[ids, column] = values
    return out


def noise_share(values: np.ndarray) -> tuple[float, float]:
    """Replication noise over total variance of one output, and replications per sample.

    ``values`` is a :func:`replicate_matrix`. The noise is the pooled within-sample
    variance (each sample with two or more values weighs by its degrees of freedom); the
    total is the variance of all the values. NaN when no sample has two values or the
    output does not vary.

    Returns:
        ``(share, median replications per sample with any value)``.
    """
    counts = (~np.isnan(values)).sum(axis=1)
    reps = float(np.median(counts[counts > 0])) if (counts > 0).any() else 0.0
    multi = counts >= 2
    every = values[~np.isnan(values)]
    if not multi.any() or every.size < 2:
        return float("nan"), reps
    rows = values[multi]
    within = np.nansum((rows - np.nanmean(rows, axis=1, keepdims=True)) ** 2)
    dof = float((counts[multi] - 1).sum())
    total = float(every.var(ddof=1))
    if total <= 0:
        return float("nan"), reps
    return float(within / dof / total), reps


def noise_floor(values: np.ndarray) -> float:
    """Share of the variance of the sample means (replications averaged) that is noise.

    The pooled within-sample variance divided by each sample's number of values, averaged
    over the samples, over the variance of the sample means; NaN when no sample has two
    values or the means do not vary.
    """
    counts = (~np.isnan(values)).sum(axis=1)
    multi = counts >= 2
    if not multi.any() or (counts > 0).sum() < 2:
        return float("nan")
    rows = values[multi]
    within = np.nansum((rows - np.nanmean(rows, axis=1, keepdims=True)) ** 2)
    variance = within / float((counts[multi] - 1).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.nansum(values, axis=1)[counts > 0] / counts[counts > 0]
    total = float(means.var(ddof=1))
    if total <= 0:
        return float("nan")
    return float(np.mean(variance / counts[counts > 0]) / total)


def _resample_means(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Means of each row's values drawn with replacement (as many as it has)."""
    counts = (~np.isnan(values)).sum(axis=1)
    draw = (rng.random(values.shape) * np.maximum(counts, 1)[:, None]).astype(np.int64)
    picked = np.take_along_axis(values, draw, axis=1)
    mask = np.arange(values.shape[1])[None, :] < counts[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(mask, picked, 0.0).sum(axis=1) / counts
    return np.where(counts > 0, means, np.nan)


def replication_bootstrap(
    problem: dict[str, Any],
    method: str,
    X: np.ndarray,
    values: np.ndarray,
    calc_second_order: bool = False,
    resamples: int = 200,
    confidence: float = 0.95,
    seed: int = 12345,
) -> dict[str, np.ndarray]:
    """Intervals of the indices from a two-level bootstrap of their standard error.

    Every resample draws, for every sample, its replications with replacement and averages
    them (the replication noise), then draws the complete Saltelli blocks (``sobol``) or
    Morris trajectories with replacement (the design), and recomputes the indices:
    S1 and ST with SALib's estimators, or mu* from the elementary effects. The interval
    is the index of the averaged outputs plus or minus ``z`` bootstrap standard errors.
    It is conservative: resampling replications adds their noise a second time, which
    also shifts the resampled indices, so percentiles would not be centred on the index.

    Args:
        problem: the SALib problem.
        method: ``sobol`` or ``morris``.
        X: the sample matrix (rows by ``sample_id``).
        values: the :func:`replicate_matrix` of the output.
        calc_second_order: whether the Saltelli design has second-order rows.
        resamples: bootstrap resamples (0: NaN intervals).
        confidence: level of the intervals.
        seed: seed of the bootstrap.

    Returns:
        ``{"S1_low", "S1_high", "ST_low", "ST_high"}`` or ``{"mu_star_low",
        "mu_star_high"}``, one value per factor (parameter or group); NaN when too few
        blocks are complete or the output is constant.
    """
    from scipy.stats import norm

    D = _n_factors(problem)
    keys = SOBOL_BOOTSTRAP if method == "sobol" else MORRIS_BOOTSTRAP
    empty = {key: np.full(D, np.nan) for key in keys}
    if resamples <= 0 or values.size == 0:
        return empty
    counts = (~np.isnan(values)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, np.nansum(values, axis=1) / counts, np.nan)
    block = (2 * D + 2 if calc_second_order else D + 2) if method == "sobol" else D + 1
    keep, used, _ = _usable_blocks(means, block)
    if used < 2 or np.ptp(_pad(means, keep.size)[keep]) <= np.finfo(float).eps:
        return empty
    rows = np.flatnonzero(keep[: values.shape[0]])
    blocks = rows.reshape(-1, block)
    rng = np.random.default_rng(seed)
    ordered = np.sort(values, axis=1)  # NaN last: each row's values first
    if method == "morris":
        lows, highs = np.array(problem["bounds"], dtype=float).T
        unit = (X - lows) / np.where(highs > lows, highs - lows, 1.0)
        step, which = _morris_steps(unit, blocks)
        groups = problem.get("groups")
        if groups:  # a step moves every parameter of one group: count it for the group
            index = {g: k for k, g in enumerate(dict.fromkeys(groups))}
            which = np.asarray([index[g] for g in groups])[which]
    estimates = []
    for _ in range(resamples):
        Y = _resample_means(ordered, rng)
        chosen = blocks[rng.integers(0, len(blocks), len(blocks))]
        if method == "sobol":
            estimates.append(_sobol_point(Y[chosen.ravel()], D, len(chosen), calc_second_order))
        else:
            picked = rng.integers(0, len(blocks), len(blocks))
            estimates.append(_mu_star(Y, blocks[picked], step[picked], which[picked], D))
    stats = np.asarray(estimates)  # resamples x (2 D) or x D
    if method == "sobol":
        point = _sobol_point(means[blocks.ravel()], D, len(blocks), calc_second_order)
    else:
        point = _mu_star(means, blocks, step, which, D)
    z = float(norm.ppf(0.5 + confidence / 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns stay NaN
        spread = z * np.nanstd(stats, axis=0, ddof=1)
    low, high = point - spread, point + spread
    if method == "sobol":
        return {"S1_low": low[:D], "S1_high": high[:D], "ST_low": low[D:], "ST_high": high[D:]}
    return {"mu_star_low": low, "mu_star_high": high}


def _sobol_point(Y: np.ndarray, D: int, N: int, second: bool) -> np.ndarray:
    """S1 and ST (concatenated) of a Saltelli-ordered output, with SALib's estimators."""
    from SALib.analyze.sobol import first_order, separate_output_values, total_order

    if np.ptp(Y) <= np.finfo(float).eps:
        return np.zeros(2 * D)
    Y = (Y - Y.mean()) / Y.std()
    A, B, AB, _ = separate_output_values(Y, D, N, second)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a resample whose A and B are constant
        s1 = [first_order(A, AB[:, j], B) for j in range(D)]
        st = [total_order(A, AB[:, j], B) for j in range(D)]
    return np.asarray([*s1, *st], dtype=float)


def _morris_steps(unit: np.ndarray, blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every trajectory and step: the move in the unit cube and the factor moved."""
    diffs = unit[blocks[:, 1:]] - unit[blocks[:, :-1]]  # trajectories x D x factors
    which = np.abs(diffs).argmax(axis=2)
    step = np.take_along_axis(diffs, which[:, :, None], axis=2)[:, :, 0]
    return step, which


def _mu_star(
    Y: np.ndarray, blocks: np.ndarray, step: np.ndarray, which: np.ndarray, D: int
) -> np.ndarray:
    """Mean absolute elementary effect of each factor over the given trajectories."""
    change = Y[blocks[:, 1:]] - Y[blocks[:, :-1]]
    with np.errstate(invalid="ignore", divide="ignore"):
        effects = np.abs(change / step)
    totals = np.zeros(D)
    counts = np.zeros(D)
    np.add.at(totals, which.ravel(), effects.ravel())
    np.add.at(counts, which.ravel(), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return totals / counts


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
