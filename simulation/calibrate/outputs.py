"""What a calibration leaves in its folder: the posterior, the calibrated config, the report.

- ``posterior.parquet``: one row per particle of every generation: ``generation``,
  ``particle``, the free parameters, ``weight``, ``distance`` and ``stat_<name>`` (the
  particle's statistics).
- ``calibrated.toml``: the posterior median (last generation) with the fixed values, as a
  config for ``alliances run --config`` and the ``config`` key of experiment files.
- ``report/report.md`` with ``marginals.png``, ``pairwise.png``, ``thresholds.png`` and
  ``fit.png``: the posterior, the fit of every target against the posterior predictive
  (fresh runs of ``draws`` posterior draws, 90% intervals), the acceptance threshold per
  generation, and the seven patterns re-tested on the same draws.

Every file is written to a temporary name and renamed into place.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.calibrate.engine import Posterior, Runner
from simulation.calibrate.worker import run_pattern, setting_statistics
from simulation.results import write_part
from simulation.sweep.store import write_text

POSTERIOR = "posterior.parquet"
CALIBRATED = "calibrated.toml"
REPORT = "report"


def write_outputs(posterior: Posterior, runner: Runner, bars: Any) -> Path:
    """Write the posterior, the calibrated config and the report into the folder."""
    root = posterior.out
    meta = {"calibration": posterior.targets.name, "fingerprint": posterior.targets.fingerprint()}
    write_part(root / POSTERIOR, posterior.particles, meta)
    write_text(root / CALIBRATED, calibrated_toml(posterior))
    draws = posterior_draws(posterior)
    predictive = posterior_predictive(posterior, draws, runner, bars)
    patterns = pattern_shares(posterior, draws, runner, bars)
    return write_report(posterior, predictive, patterns)


def outputs_current(posterior: Posterior) -> bool:
    """True when the folder's outputs were written from the posterior it holds now."""
    root = posterior.out
    files = [root / POSTERIOR, root / CALIBRATED, root / REPORT / "report.md"]
    if not all(f.exists() for f in files):
        return False
    try:
        written = pd.read_parquet(root / POSTERIOR)
    except (OSError, ValueError):
        return False
    return written.equals(posterior.particles)


# --- calibrated.toml -------------------------------------------------------------------
def calibrated_toml(posterior: Posterior) -> str:
    """The posterior median as a config file."""
    t = posterior.targets
    median, interval = posterior.median(), posterior.interval(0.9)
    lines = [
        f"# Calibrated parameters: the posterior median of calibration '{t.name}'",
        f"# ({t.source}; generation {posterior.generations} of {t.generations}, population "
        f"{t.population}, seed {t.seed}).",
        "# 90% posterior intervals:",
    ]
    lines += [
        f"#   {n:<24} {median[n]!s:<22} [{lo:.6g}, {hi:.6g}]" for n, (lo, hi) in interval.items()
    ]
    lines += [
        "# Use: alliances run --config calibrated.toml --out DIR",
        '#  or: config = "calibrated.toml" in an experiment file (its [fixed] goes on top).',
        f"scenario = {toml_value(t.scenario)}",
        "",
        "[params]",
    ]
    values: dict[str, Any] = {k: v for k, v in t.fixed.items()}
    values |= median
    lines += [f"{k} = {toml_value(v)}" for k, v in values.items()]
    return "\n".join(lines) + "\n"


def toml_value(value: Any) -> str:
    """A value written as TOML (numbers, booleans, strings, lists, inline tables)."""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


# --- posterior predictive and patterns -------------------------------------------------
def posterior_draws(posterior: Posterior) -> list[dict[str, float]]:
    """``draws`` particles of the last generation, drawn by weight with the root seed."""
    t = posterior.targets
    samples = posterior.samples
    if t.draws == 0 or samples.empty:
        return []
    rng = np.random.default_rng(np.random.SeedSequence(t.seed, spawn_key=(1,)))
    weights = samples["weight"].to_numpy(dtype=float)
    rows = rng.choice(len(samples), size=t.draws, replace=True, p=weights / weights.sum())
    return [{n: float(samples[n].iloc[i]) for n in t.free} for i in rows]


def posterior_predictive(
    posterior: Posterior, draws: list[dict[str, float]], runner: Runner, bars: Any
) -> pd.DataFrame:
    """Statistics of fresh runs of each draw (seeds from the root seed, not the particle's)."""
    t = posterior.targets
    seeds = [
        int(np.random.SeedSequence(t.seed, spawn_key=(2, i)).generate_state(1, np.uint64)[0] >> 1)
        for i in range(len(draws))
    ]
    bar = bars(len(draws), "posterior predictive")
    try:
        stats = runner.map(
            setting_statistics, [(t, d, s) for d, s in zip(draws, seeds, strict=True)], bar
        )
    finally:
        bar.close()
    return pd.DataFrame(stats, columns=[s.name for s in t.statistics])


def pattern_shares(
    posterior: Posterior, draws: list[dict[str, float]], runner: Runner, bars: Any
) -> pd.DataFrame:
    """For each pattern, the share of draws in which it holds (and each of its figures).

    Each draw's free values, with the targets' fixed values, are set in both arms of
    every pattern of ``simulation.patterns`` (on the pattern's own scenario).
    """
    from simulation.patterns import PATTERNS

    t = posterior.targets
    fixed = {k: v for k, v in t.fixed.items() if k != "n_organisations"}
    jobs = [
        (p.number, {**fixed, **values}, t.pattern_seeds, t.pattern_organisations)
        for values in draws
        for p in PATTERNS
    ]
    bar = bars(len(jobs), "patterns")
    try:
        tables = runner.map(run_pattern, jobs, bar)
    finally:
        bar.close()
    rows = []
    for pattern in PATTERNS:
        tables_of = [
            table
            for (number, *_), table in zip(jobs, tables, strict=True)
            if number == pattern.number
        ]
        mine = [table for table in tables_of if "error" not in table.columns]
        failed = len(tables_of) - len(mine)
        figures = ""
        if mine:
            shares = pd.concat(mine).groupby("figure", sort=False)["holds"].mean()
            figures = "; ".join(
                f"{figure} {'up' if pattern.expect[figure] > 0 else 'down'} {share:.0%}"
                for figure, share in shares.items()
            )
        if failed:
            reason = next(t for t in tables_of if "error" in t.columns)["error"].iloc[0]
            figures += f"{'; ' if figures else ''}not measurable in {failed} draw(s) ({reason})"
        rows.append(
            {
                "pattern": pattern.number,
                "claim": pattern.claim,
                "text": pattern.text,
                "draws": len(mine),
                "share_holding": float(np.mean([bool(m["holds"].all()) for m in mine]))
                if mine
                else np.nan,
                "figures": figures,
            }
        )
    return pd.DataFrame(rows)


# --- the report ------------------------------------------------------------------------
def write_report(posterior: Posterior, predictive: pd.DataFrame, patterns: pd.DataFrame) -> Path:
    """``report/report.md`` and its figures."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = posterior.targets
    folder = posterior.out / REPORT
    folder.mkdir(parents=True, exist_ok=True)
    figures = {
        "marginals.png": _marginals(posterior, plt),
        "pairwise.png": _pairwise(posterior, plt),
        "thresholds.png": _thresholds(posterior, plt),
        "fit.png": _fit_figure(posterior, predictive, plt),
    }
    for name, fig in figures.items():
        if fig is None:
            continue
        tmp = folder / f".{name}.tmp-{os.getpid()}.png"
        fig.savefig(tmp, dpi=110, bbox_inches="tight", metadata={"Software": None})
        plt.close(fig)
        os.replace(tmp, folder / name)
    fit = fit_table(posterior, predictive)
    eps = posterior.epsilons
    lines = [
        f"# Calibration '{t.name}'",
        "",
        t.description or "",
        "",
        f"Targets: `{t.source}`"
        + (f", computed from the data file `{t.data_file}`" if t.data_file else "")
        + f". Base scenario `{t.scenario}`, {t.steps} months, warm-up {t.warmup} months, "
        f"{t.replications} run(s) per particle. ABC-SMC (pyABC, median epsilon) with "
        f"{t.population} particles, {posterior.generations} of {t.generations} generations, "
        f"{int(eps['evaluations'].sum()) * t.replications} model runs in the generations, "
        f"root seed {t.seed}.",
        "",
        "Reproduce: `alliances calibrate "
        f"{t.source} --out DIR --population {t.population} --generations {t.generations} "
        f"--seed {t.seed}` (the same seed gives the same posterior with any number of workers).",
        "",
        "## Posterior (last generation)",
        "",
        _markdown(posterior.summary(), floats=4),
        "",
        "![marginal posteriors](marginals.png)",
        "",
    ]
    if figures["pairwise.png"] is not None:
        lines += ["![pairwise posterior](pairwise.png)", ""]
    lines += [
        "## Fit of the targets",
        "",
        f"Posterior predictive: {len(predictive)} draws from the posterior, each run afresh "
        f"({t.replications} run(s), seeds from the root seed); median and 90% interval. "
        "`within` says whether the predictive median is within one tolerance of the target. "
        "A Kaplan-Meier median not reached before the horizon counts as the longest "
        f"follow-up ({t.steps - t.warmup} months).",
        "",
        _markdown(fit, floats=3),
        "",
        "![fit of the targets](fit.png)",
        "",
        "## Acceptance threshold per generation",
        "",
        _markdown(eps, floats=4),
        "",
        "![threshold per generation](thresholds.png)",
        "",
        "## The seven patterns across posterior draws",
        "",
        f"Each pattern of `simulation.patterns` measured on {t.pattern_seeds} seeds per arm "
        f"and {t.pattern_organisations} organisations, with each posterior draw's values set "
        "in both arms: the share of draws in which every figure moved the way the theory "
        "says, and the share for each figure.",
        "",
        _markdown(patterns, floats=2)
        if len(patterns) and draws_present(patterns)
        else "(no draws)",
        "",
        "## Sources of the targets",
        "",
    ]
    lines += [f"- `{s.name}` = {s.value:g}: {s.source}" for s in t.statistics]
    write_text(folder / "report.md", "\n".join(lines) + "\n")
    return folder / "report.md"


def draws_present(patterns: pd.DataFrame) -> bool:
    """True when the patterns were evaluated on at least one draw."""
    return bool((patterns["draws"] > 0).any())


def fit_table(posterior: Posterior, predictive: pd.DataFrame) -> pd.DataFrame:
    """Target, tolerance and the predictive median with its 90% interval, per statistic."""
    rows = []
    for s in posterior.targets.statistics:
        values = predictive[s.name].to_numpy(dtype=float) if s.name in predictive else np.array([])
        values = values[np.isfinite(values)]
        has = values.size > 0
        median = float(np.median(values)) if has else np.nan
        rows.append(
            {
                "statistic": s.name,
                "unit": s.unit,
                "target": s.value,
                "tolerance": s.tolerance,
                "predictive_median": median,
                "q05": float(np.quantile(values, 0.05)) if has else np.nan,
                "q95": float(np.quantile(values, 0.95)) if has else np.nan,
                "within": bool(has and abs(median - s.value) <= s.tolerance),
            }
        )
    return pd.DataFrame(rows)


def _markdown(frame: pd.DataFrame, floats: int) -> str:
    if frame.empty:
        return "(none)"
    columns = list(frame.columns)
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for _, row in frame.iterrows():
        cells = []
        for value in row:
            if isinstance(value, float | np.floating):
                cells.append("n/a" if not np.isfinite(value) else f"{value:.{floats}g}")
            else:
                cells.append(str(value))
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def _bins(prior, count: int = 21) -> np.ndarray:
    if prior.distribution == "loguniform":
        return np.geomspace(prior.low, prior.high, count)
    return np.linspace(prior.low, prior.high, count)


def _axis(ax, prior, which: str = "x") -> None:
    """The prior's range on an axis, logarithmic for a loguniform prior."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis = ax.xaxis if which == "x" else ax.yaxis
    if prior.distribution == "loguniform":
        (ax.set_xscale if which == "x" else ax.set_yscale)("log")
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 3.0)))
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_formatter(NullFormatter())
    (ax.set_xlim if which == "x" else ax.set_ylim)(prior.low, prior.high)


def _marginals(posterior: Posterior, plt):
    t = posterior.targets
    s = posterior.samples
    n = len(t.priors)
    fig, axes = plt.subplots(1, n, figsize=(3.2 * n, 2.8), squeeze=False, layout="constrained")
    median = posterior.quantile(0.5)
    for ax, prior in zip(axes[0], t.priors, strict=True):
        ax.hist(s[prior.name], bins=_bins(prior), weights=s["weight"], color="#4C72B0")
        ax.axvline(median[prior.name], color="black", linestyle="--", linewidth=1)
        _axis(ax, prior)
        ax.set_xlabel(prior.name)
        ax.set_yticks([])
    axes[0][0].set_ylabel("posterior weight")
    fig.suptitle("Marginal posteriors (the prior's range on the axis; dashed: median)", fontsize=9)
    return fig


def _pairwise(posterior: Posterior, plt):
    t = posterior.targets
    if len(t.priors) < 2:
        return None
    s = posterior.samples
    n = len(t.priors)
    fig, axes = plt.subplots(n, n, figsize=(2.4 * n, 2.4 * n), squeeze=False, layout="constrained")
    sizes = 6 + 60 * s["weight"] / s["weight"].max()
    for i, py in enumerate(t.priors):
        for j, px in enumerate(t.priors):
            ax = axes[i][j]
            if i < j:
                ax.axis("off")
                continue
            if i == j:
                ax.hist(s[px.name], bins=_bins(px, 16), weights=s["weight"], color="#4C72B0")
                ax.set_yticks([])
            else:
                ax.scatter(s[px.name], s[py.name], s=sizes, alpha=0.5, color="#4C72B0")
                _axis(ax, py, "y")
            _axis(ax, px)
            if i == n - 1:
                ax.set_xlabel(px.name, fontsize=8)
            if j == 0 and i > 0:
                ax.set_ylabel(py.name, fontsize=8)
    fig.suptitle("Pairwise posterior (last generation; marker size: weight)", fontsize=9)
    return fig


def _thresholds(posterior: Posterior, plt):
    eps = posterior.epsilons
    fig, ax = plt.subplots(figsize=(4.5, 2.8), layout="constrained")
    ax.plot(eps["generation"] + 1, eps["epsilon"], marker="o", color="#4C72B0")
    ax.set_xlabel("generation")
    ax.set_ylabel("acceptance threshold (tolerances)")
    if len(eps) and (eps["epsilon"] > 0).all():
        ax.set_yscale("log")
    ax.set_xticks(eps["generation"] + 1)
    return fig


def _fit_figure(posterior: Posterior, predictive: pd.DataFrame, plt):
    fit = fit_table(posterior, predictive)
    n = len(fit)
    fig, axes = plt.subplots(1, n, figsize=(2.6 * n, 3.0), squeeze=False, layout="constrained")
    for ax, (_, row) in zip(axes[0], fit.iterrows(), strict=True):
        ax.axhspan(row.target - row.tolerance, row.target + row.tolerance, color="#DDDDDD")
        ax.axhline(row.target, color="black", linewidth=1)
        if np.isfinite(row.predictive_median):
            ax.errorbar(
                [0],
                [row.predictive_median],
                yerr=[[row.predictive_median - row.q05], [row.q95 - row.predictive_median]],
                fmt="o",
                color="#C44E52",
                capsize=4,
            )
        ax.set_xticks([])
        ax.set_title(f"{row.statistic}\n({row.unit})", fontsize=8)
    fig.suptitle(
        "Targets (line, grey: ± tolerance) against the posterior predictive (90%)", fontsize=9
    )
    return fig
