"""Matplotlib figures of the analysis tables, labelled for a reader who does not see the code.

Every function takes a tidy table from :mod:`simulation.analysis.survival`,
:mod:`~simulation.analysis.summary` or :mod:`~simulation.analysis.sensitivity` and returns
a ``matplotlib.figure.Figure``. Figures are built without ``pyplot``, so they need no GUI
backend, hold no global state and are freed with their last reference; save one with
:func:`save_figure` or ``fig.savefig``, or show it in a notebook by making it the cell's
value.

A table may carry a ``panel`` column (e.g. one panel per varied parameter, each pooling
over the others); the figures draw one panel per value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simulation import palette
from simulation.analysis.data import parameter_label
from simulation.analysis.summary import FIGURE_LABELS
from simulation.records import END_CAUSES

AGE_LABEL = "alliance age (months since it started forming)"
CAUSE_COLOURS = {
    "formation_failed": "#bdbdbd",
    "founding_conflict": "#e6a23c",
    "lack_of_results": "#d1495b",
    "transformation_failed": "#2e86ab",
    "completed": "#4daf4a",
    "absorbed": "#984ea3",
    "wound_down": "#a6761d",
}
CAUSE_LABELS = {
    "formation_failed": "formation failed",
    "founding_conflict": "conflict while founding",
    "lack_of_results": "lack of results",
    "transformation_failed": "transformation failed",
    "completed": "completed",
    "absorbed": "absorbed",
    "wound_down": "wound down",
}
OUTPUT_TITLES = {
    "survival_rate": "Survival at the horizon",
    "survival_72": "Survival at 72 months",
    "median_lifespan": "Median lifespan",
    "transformation_rate": "Transformation rate",
    "transformations_per_alliance": "Transformations per alliance",
    "renewal_success_rate": "Renewal success",
}
PHASE_COLOURS = palette.PHASE_COLOURS


def save_figure(
    figure: Figure, stem: str | Path, formats: Sequence[str] = ("png", "svg")
) -> list[Path]:
    """Save ``figure`` as ``stem.png`` and ``stem.svg`` (without a date, so files are stable).

    Returns:
        The written paths.
    """
    paths = []
    engine = figure.get_layout_engine()
    try:
        for fmt in formats:
            path = Path(f"{stem}.{fmt}")
            metadata = {"Date": None} if fmt == "svg" else {"Software": None}
            figure.savefig(path, format=fmt, dpi=150, metadata=metadata)
            paths.append(path)
            # the layout is settled by the first save: keep it instead of solving it again
            figure.set_layout_engine("none")
    finally:
        figure.set_layout_engine(engine)
    return paths


def _placeholder(title: str, message: str, xlabel: str, ylabel: str) -> Figure:
    """A labelled figure that says why there is nothing to draw."""
    figure = Figure(figsize=(6.4, 3.2), layout="constrained")
    ax = figure.subplots()
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color="grey")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_xticks([])
    ax.set_yticks([])
    _suptitle(figure, title)
    return figure


def _colours(n: int) -> list:
    from matplotlib import colormaps

    if n <= 0:
        return []
    if n == 1:
        return ["#1f4e79"]
    cmap = colormaps["viridis"]
    return [cmap(x) for x in np.linspace(0.0, 0.85, n)]


def _panels(table: pd.DataFrame) -> list[tuple[str | None, pd.DataFrame]]:
    if "panel" not in table.columns:
        return [(None, table)]
    return [(str(p), table[table["panel"] == p]) for p in dict.fromkeys(table["panel"])]


def _settings(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["setting"]))


def _grid(figure: Figure, n: int, ncols: int) -> list:
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    axes = figure.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return list(axes[:n])


def _legend_title(panel: str | None, by: Sequence[str]) -> str | None:
    if panel is not None:
        return parameter_label(panel)
    return ", ".join(by) if by else None


def survival_figure(
    km: pd.DataFrame, by: Sequence[str] = (), *, title: str | None = None
) -> Figure:
    """Kaplan-Meier curves with confidence bands, one curve per setting.

    Args:
        km: the table of :func:`simulation.analysis.survival.kaplan_meier`.
        by: the grouping parameters (for the legend title).
        title: the figure title (a default says what is shown).
    """
    if km.empty:
        return _placeholder(
            title or "Survival of founded alliances",
            "no founded alliances",
            AGE_LABEL,
            "share of founded alliances still active",
        )
    panels = _panels(km)
    figure = Figure(
        figsize=(6.4 * min(len(panels), 2), 4.4 * math.ceil(len(panels) / 2)), layout="constrained"
    )
    for ax, (panel, frame) in zip(_grid(figure, len(panels), 2), panels, strict=True):
        settings = _settings(frame)
        for colour, setting in zip(_colours(len(settings)), settings, strict=True):
            curve = frame[frame["setting"] == setting].sort_values("time")
            n = int(curve["at_risk"].iloc[0]) if len(curve) else 0
            ax.step(
                curve["time"],
                curve["survival"],
                where="post",
                color=colour,
                lw=1.6,
                label=f"{setting} ({n} alliances)",
            )
            ax.fill_between(
                curve["time"],
                curve["ci_lower"],
                curve["ci_upper"],
                step="post",
                color=colour,
                alpha=0.18,
                lw=0,
            )
        ax.axhline(0.5, color="grey", ls=":", lw=0.8)
        ax.set_xlabel(AGE_LABEL)
        ax.set_ylabel("share of founded alliances still active")
        ax.set_ylim(0, 1.02)
        ax.set_xlim(left=0)
        if panel:
            ax.set_title(f"by {panel}", fontsize="medium")
        ax.legend(title=_legend_title(panel, by), fontsize="small", title_fontsize="small")
    _suptitle(
        figure,
        title or "Survival of founded alliances (Kaplan-Meier, 95% band; dotted line: median)",
    )
    return figure


def hazard_figure(
    hazard: pd.DataFrame,
    by: Sequence[str] = (),
    *,
    min_at_risk: int = 10,
    title: str | None = None,
) -> Figure:
    """Dissolution hazard by age bin with confidence intervals, one line per setting.

    Args:
        hazard: the table of :func:`simulation.analysis.survival.hazard_by_age`.
        by: the grouping parameters (for the legend title).
        min_at_risk: bins where fewer alliances were alive at the start are not drawn
            (their intervals are too wide to read).
        title: the figure title.
    """
    if hazard.empty:
        return _placeholder(
            title or "Dissolution hazard of founded alliances by age",
            "no founded alliances",
            AGE_LABEL,
            "dissolution hazard (ends per alliance-month)",
        )
    panels = _panels(hazard)
    figure = Figure(
        figsize=(6.4 * min(len(panels), 2), 4.2 * math.ceil(len(panels) / 2)), layout="constrained"
    )
    for ax, (panel, frame) in zip(_grid(figure, len(panels), 2), panels, strict=True):
        settings = _settings(frame)
        width = float((frame["age_end"] - frame["age_start"]).median()) if len(frame) else 12.0
        offsets = np.linspace(-0.15, 0.15, len(settings)) * width if len(settings) > 1 else [0.0]
        for colour, setting, dx in zip(_colours(len(settings)), settings, offsets, strict=True):
            rows = frame[(frame["setting"] == setting) & (frame["at_risk"] >= min_at_risk)]
            mid = (rows["age_start"] + rows["age_end"]) / 2 + dx
            err = np.vstack([rows["hazard"] - rows["ci_lower"], rows["ci_upper"] - rows["hazard"]])
            ax.errorbar(
                mid,
                rows["hazard"],
                yerr=err,
                color=colour,
                marker="o",
                ms=3.5,
                lw=1.4,
                capsize=2,
                label=setting,
            )
        ax.set_xlabel(f"{AGE_LABEL}, in {width:.0f}-month bins")
        ax.set_ylabel("dissolution hazard (ends per alliance-month)")
        ax.text(
            0.99,
            0.98,
            f"bins with fewer than {min_at_risk} alliances at risk not shown",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize="x-small",
            color="grey",
        )
        ax.set_ylim(bottom=0)
        ax.set_xlim(left=0)
        if panel:
            ax.set_title(f"by {panel}", fontsize="medium")
        ax.legend(title=_legend_title(panel, by), fontsize="small", title_fontsize="small")
    _suptitle(figure, title or "Dissolution hazard of founded alliances by age (95% interval)")
    return figure


def occupancy_figure(
    occupancy: pd.DataFrame, by: Sequence[str] = (), *, title: str | None = None
) -> Figure:
    """Mean number of alliances in each phase over the months of a run, per setting.

    One column of panels per phase (forming, founding, evolving, transforming); one row
    per ``panel`` value when the table has a ``panel`` column.

    Args:
        occupancy: the table of :func:`simulation.analysis.summary.phase_occupancy`.
        by: the grouping parameters (for the legend title).
        title: the figure title.
    """
    if occupancy.empty:
        return _placeholder(
            title or "Phase occupancy over time",
            "no time series",
            "month of the run",
            "alliances in this phase",
        )
    panels = _panels(occupancy)
    phases = [p for p in PHASE_COLOURS if p in set(occupancy["phase"])]
    figure = Figure(figsize=(3.2 * len(phases), 2.9 * len(panels) + 0.6), layout="constrained")
    axes = figure.subplots(len(panels), len(phases), squeeze=False, sharex=True)
    for row, (panel, frame) in enumerate(panels):
        settings = _settings(frame)
        colours = _colours(len(settings))
        for col, phase in enumerate(phases):
            ax = axes[row, col]
            for colour, setting in zip(colours, settings, strict=True):
                line = frame[(frame["setting"] == setting) & (frame["phase"] == phase)]
                line = line.sort_values("step")
                ax.plot(line["step"], line["mean"], color=colour, lw=1.3, label=setting)
                ax.fill_between(
                    line["step"], line["ci_low"], line["ci_high"], color=colour, alpha=0.18, lw=0
                )
            ax.set_title(phase if panel is None else f"{phase} — by {panel}", fontsize="medium")
            ax.set_ylim(bottom=0)
            if row == len(panels) - 1:
                ax.set_xlabel("month of the run")
            if col == 0:
                ax.set_ylabel("alliances in this phase\n(mean over runs)")
        axes[row, -1].legend(
            title=_legend_title(panel, by), fontsize="x-small", title_fontsize="x-small"
        )
    _suptitle(figure, title or "Phase occupancy over time (mean over runs, 95% band)")
    return figure


def parameter_figure(table: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Outputs against each parameter (pooled over the others), with confidence intervals.

    Args:
        table: the table of :func:`simulation.analysis.summary.by_parameter`; one column
            of panels per output, one row per parameter.
        title: the figure title.
    """
    if table.empty:
        return _placeholder(
            title or "Outputs against the parameters",
            "no varied parameter",
            "parameter value",
            "output",
        )
    outputs = list(dict.fromkeys(table["output"]))
    parameters = list(dict.fromkeys(table["parameter"]))
    figure = Figure(
        figsize=(4.4 * max(len(outputs), 1), 3.2 * max(len(parameters), 1) + 0.8),
        layout="constrained",
    )
    axes = figure.subplots(max(len(parameters), 1), max(len(outputs), 1), squeeze=False)
    for i, parameter in enumerate(parameters):
        for j, output in enumerate(outputs):
            ax = axes[i, j]
            rows = table[(table["output"] == output) & (table["parameter"] == parameter)]
            x = pd.to_numeric(rows["value"], errors="coerce")
            if x.isna().any():
                x = pd.Series(np.arange(len(rows)), index=rows.index)
                ax.set_xticks(x, rows["value"].astype(str))
            low = (rows["mean"] - rows["ci_low"]).fillna(0)
            high = (rows["ci_high"] - rows["mean"]).fillna(0)
            ax.errorbar(
                x,
                rows["mean"],
                yerr=np.vstack([low, high]),
                marker="o",
                ms=4,
                capsize=3,
                color="#1f4e79",
                lw=1.4,
            )
            ax.set_xlabel(parameter_label(parameter))
            ax.set_ylabel(_wrap(FIGURE_LABELS.get(output, output), 36), fontsize="small")
            if i == 0:
                ax.set_title(_wrap(OUTPUT_TITLES.get(output, output), 40), fontsize="medium")
            ax.set_ylim(bottom=0)
            ax.grid(alpha=0.3)
    _suptitle(
        figure,
        title
        or "Transformations and renewals against the parameters (mean over runs, 95% interval)",
    )
    return figure


def ends_figure(ends: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Stacked bars of the dissolutions by cause per setting, all and founded alliances.

    Args:
        ends: the table of :func:`simulation.analysis.summary.ends_by_cause`.
        title: the figure title.
    """
    if ends.empty:
        return _placeholder(
            title or "How alliances end", "no alliance started", "share of dissolutions", "setting"
        )
    scopes = list(dict.fromkeys(ends["scope"]))
    settings = list(dict.fromkeys(ends["setting"]))
    height = 1.6 + 0.42 * len(settings)
    figure = Figure(figsize=(5.2 * len(scopes), height + 0.9), layout="constrained")
    axes = figure.subplots(1, len(scopes), squeeze=False, sharey=True)[0]
    y = np.arange(len(settings))
    for ax, scope in zip(axes, scopes, strict=True):
        frame = ends[ends["scope"] == scope]
        left = np.zeros(len(settings))
        for cause in END_CAUSES:
            rows = frame[frame["cause"] == cause].set_index("setting").reindex(settings)
            share = rows["share"].fillna(0).to_numpy(dtype=float)
            ax.barh(
                y,
                share,
                left=left,
                color=CAUSE_COLOURS[cause],
                label=CAUSE_LABELS[cause],
                edgecolor="white",
                lw=0.5,
            )
            left += share
        totals = frame.groupby("setting", sort=False)["count"].sum().reindex(settings)
        for k, total in enumerate(totals.fillna(0).astype(int)):
            ax.text(1.01, k, f"n={total}", va="center", fontsize="x-small")
        ax.set_xlim(0, 1.12)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        ax.set_xlabel("share of dissolutions")
        ax.set_title(f"{scope}", fontsize="medium")
        ax.set_yticks(y, settings)
    axes[0].invert_yaxis()  # first setting on top (the axes share y: invert once)
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=len(END_CAUSES),
        fontsize="small",
        title="cause of the end",
        title_fontsize="small",
    )
    _suptitle(figure, title or "How alliances end, by setting (n = dissolutions)")
    return figure


def sensitivity_figure(indices: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Bars of the sensitivity indices per output: Sobol S1 and ST, or Morris mu* and sigma.

    Args:
        indices: the table of :func:`simulation.analysis.sensitivity.sensitivity_indices`.
        title: the figure title.
    """
    if indices.empty:
        return _placeholder(title or "Sensitivity indices", "no indices", "index", "parameter")
    method = str(indices["method"].iloc[0])
    outputs = list(dict.fromkeys(indices["output"]))
    parameters = list(dict.fromkeys(indices["parameter"]))
    ncols = min(len(outputs), 3) or 1
    nrows = max(math.ceil(len(outputs) / ncols), 1)
    figure = Figure(
        figsize=(4.4 * ncols, (0.9 + 0.38 * len(parameters)) * nrows + 1.0), layout="constrained"
    )
    axes = _grid(figure, max(len(outputs), 1), ncols)
    y = np.arange(len(parameters))
    bars: list[tuple[str, str | None, str, str]]
    if method == "sobol":
        bars = [
            ("S1", "S1_conf", "first order S1", "#2a9d8f"),
            ("ST", "ST_conf", "total ST", "#264653"),
        ]
        xlabel = "Sobol index (share of output variance)"
    else:
        bars = [
            ("mu_star", "mu_star_conf", "mu* (mean |effect|)", "#2a9d8f"),
            ("sigma", None, "sigma (interactions)", "#e9c46a"),
        ]
        xlabel = "elementary effect (output change over the parameter's range)"
    for ax, output in zip(axes, outputs, strict=False):
        rows = indices[indices["output"] == output].set_index("parameter").reindex(parameters)
        for k, (column, conf, label, colour) in enumerate(bars):
            values = rows[column].to_numpy(dtype=float)
            err = None if conf is None else np.nan_to_num(rows[conf].to_numpy(dtype=float))
            ax.barh(
                y + (k - 0.5) * 0.38,
                np.nan_to_num(values),
                height=0.38,
                xerr=err,
                color=colour,
                label=label,
                capsize=2,
                error_kw={"lw": 0.8, "ecolor": "#444444"},
            )
        ax.set_yticks(y, parameters)
        ax.invert_yaxis()
        ax.axvline(0, color="black", lw=0.6)
        if rows[bars[0][0]].isna().all():
            note = str(rows["note"].dropna().iloc[0]) if rows["note"].notna().any() else ""
            ax.text(
                0.5,
                0.5,
                _wrap(f"not computed: {note or 'no output values'}", 40),
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize="small",
                color="#a00000",
            )
        ax.set_xlabel(_wrap(xlabel, 44))
        ax.set_title(_wrap(FIGURE_LABELS.get(output, output), 42), fontsize="medium")
        ax.grid(axis="x", alpha=0.3)
    if outputs:
        handles, labels = axes[0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="outside lower center", ncols=2, fontsize="small")
    if method == "sobol":
        name = "Sobol indices (95% interval)"
    else:
        name = "Morris screening (95% interval on mu*)"
    _suptitle(figure, title or f"Sensitivity of the outputs to the parameters: {name}")
    return figure


def _suptitle(figure: Figure, text: str) -> None:
    """A figure title wrapped to the figure's width."""
    chars = max(int(figure.get_figwidth() * 8.5), 30)
    figure.suptitle(_wrap(text, chars))


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))
