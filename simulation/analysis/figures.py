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
#: The age axis, by where lifespans start (:func:`simulation.analysis.survival.lifespan_origin`).
AGE_LABELS = {
    "forming": AGE_LABEL,
    "founding": "alliance age (months since it was founded)",
}
CAUSE_COLOURS = {
    "formation_failed": "#bdbdbd",
    "founding_conflict": "#e6a23c",
    "lack_of_results": "#d1495b",
    "transformation_failed": "#2e86ab",
    "completed": "#2a9d8f",
    "absorbed": "#8ab17d",
    "wound_down": "#9c89b8",
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
OUTCOME_COLOURS = {"success": "#2a9d8f", "intermediate": "#e9c46a", "failure": "#d1495b"}
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
    km: pd.DataFrame,
    by: Sequence[str] = (),
    *,
    title: str | None = None,
    origin: str = "forming",
    at_risk: bool = True,
) -> Figure:
    """Kaplan-Meier curves with confidence bands, one curve per setting.

    Under each panel a row per setting gives the number of alliances at risk (neither
    ended nor censored) at the ages of the x ticks.

    Args:
        km: the table of :func:`simulation.analysis.survival.kaplan_meier`.
        by: the grouping parameters (for the legend title).
        title: the figure title (a default says what is shown).
        origin: where ages start, ``"forming"`` or ``"founding"`` (see
            :func:`simulation.analysis.survival.lifespan_origin`).
        at_risk: draw the number-at-risk rows.
    """
    from simulation.analysis.survival import number_at_risk

    age_label = AGE_LABELS.get(origin, AGE_LABEL)
    if km.empty:
        return _placeholder(
            title or "Survival of founded alliances",
            "no founded alliances",
            age_label,
            "share of founded alliances still active",
        )
    panels = _panels(km)
    ncols = min(len(panels), 2)
    nrows = math.ceil(len(panels) / 2)
    most = max(len(_settings(frame)) for _, frame in panels)
    risk_height = 0.35 + 0.2 * most if at_risk else 0.0
    figure = Figure(figsize=(6.4 * ncols, (4.4 + risk_height) * nrows), layout="constrained")
    ratios = [4.0, risk_height] * nrows if at_risk else [4.0] * nrows
    grid = figure.add_gridspec(len(ratios), ncols, height_ratios=ratios)
    for k, (panel, frame) in enumerate(panels):
        row, col = divmod(k, 2)
        ax = figure.add_subplot(grid[row * (2 if at_risk else 1), col])
        settings = _settings(frame)
        colours = _colours(len(settings))
        for colour, setting in zip(colours, settings, strict=True):
            curve = frame[frame["setting"] == setting].sort_values("time")
            n = int(curve["at_risk"].iloc[0]) if len(curve) else 0
            ax.step(
                curve["time"],
                curve["survival"],
                where="post",
                color=colour,
                lw=1.6,
                label=f"{_unnamed(setting, by)} ({n} alliances)",
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
        ax.set_xlabel(age_label)
        ax.set_ylabel("share of founded alliances still active")
        ax.set_ylim(0, 1.02)
        ax.set_xlim(left=0)
        if panel:
            ax.set_title(f"by {panel}", fontsize="medium")
        ax.legend(
            title=_legend_title(panel, by),
            fontsize="small",
            title_fontsize="small",
            loc="lower left",  # curves start high on the left and fall to the right
        )
        if at_risk:
            risk = figure.add_subplot(grid[row * 2 + 1, col], sharex=ax)
            _risk_table(risk, ax, number_at_risk, frame, settings, colours, by)
    _suptitle(
        figure,
        title or "Survival of founded alliances (Kaplan-Meier, 95% band; dotted line: median)",
    )
    return figure


def _risk_table(risk, ax, number_at_risk, frame, settings, colours, by=()) -> None:
    """The number-at-risk rows under a Kaplan-Meier panel, at the panel's x ticks.

    Rows are labelled by the setting without the ``name=`` of the grouping parameters
    (the legend names them), cut to 28 characters.
    """
    last = float(frame["time"].max()) if len(frame) else 0.0
    ax.set_xlim(0, max(last, 1.0))
    ticks = [t for t in ax.get_xticks() if 0 <= t <= last]
    ax.set_xticks(ticks)
    counts = number_at_risk(frame, ticks)
    for y, (setting, colour) in enumerate(zip(settings, colours, strict=True)):
        for t, n in zip(ticks, counts.loc[setting], strict=True):
            risk.text(t, y, f"{int(n)}", ha="center", va="center", fontsize="x-small", color=colour)
    risk.set_ylim(len(settings) - 0.5, -0.5)
    labels = [_short(_unnamed(setting, by)) for setting in settings]
    risk.set_yticks(range(len(settings)), labels, fontsize="x-small")
    for label, colour in zip(risk.get_yticklabels(), colours, strict=True):
        label.set_color(colour)
    risk.tick_params(axis="x", labelbottom=False, length=0)
    risk.tick_params(axis="y", length=0, pad=14)
    for spine in risk.spines.values():
        spine.set_visible(False)
    risk.grid(False)
    risk.set_title("number at risk", fontsize="small", loc="left")
    risk.set_xlabel("alliances neither ended nor censored at that age", fontsize="x-small")


def _unnamed(setting: str, by: Sequence[str]) -> str:
    """A setting label without the ``name=`` of the grouping parameters (the legend's title)."""
    for name in by:
        setting = setting.replace(f"{name}=", "")
    return setting


def _short(label: str, width: int = 28) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def hazard_figure(
    hazard: pd.DataFrame,
    by: Sequence[str] = (),
    *,
    min_at_risk: int = 10,
    title: str | None = None,
    origin: str = "forming",
) -> Figure:
    """Dissolution hazard by age bin with confidence intervals, one line per setting.

    Args:
        hazard: the table of :func:`simulation.analysis.survival.hazard_by_age`.
        by: the grouping parameters (for the legend title).
        min_at_risk: bins where fewer alliances were alive at the start are not drawn
            (their intervals are too wide to read).
        title: the figure title.
        origin: where ages start (``"forming"`` or ``"founding"``).
    """
    age_label = AGE_LABELS.get(origin, AGE_LABEL)
    if hazard.empty:
        return _placeholder(
            title or "Dissolution hazard of founded alliances by age",
            "no founded alliances",
            age_label,
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
        ax.set_xlabel(f"{age_label}, in {width:.0f}-month bins")
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
                color=CAUSE_COLOURS.get(cause, "#7f7f7f"),
                label=CAUSE_LABELS.get(cause, cause.replace("_", " ")),
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


def outcome_figure(mix: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Shares of success, intermediate and failure among ended founded alliances.

    One group of bars per setting (one panel per ``panel`` value), with the Wilson
    intervals of :func:`simulation.analysis.summary.outcome_mix`.

    Args:
        mix: the table of :func:`simulation.analysis.summary.outcome_mix`.
        title: the figure title.
    """
    if mix.empty or not (mix["ended"] > 0).any():
        return _placeholder(
            title or "Outcomes of founded alliances",
            "no founded alliance ended",
            "share of ended founded alliances",
            "setting",
        )
    panels = _panels(mix)
    outcomes = list(dict.fromkeys(mix["outcome"]))
    most = max(len(_settings(frame)) for _, frame in panels)
    figure = Figure(
        figsize=(6.0 * min(len(panels), 2), (1.4 + 0.5 * most) * math.ceil(len(panels) / 2) + 1),
        layout="constrained",
    )
    height = 0.8 / max(len(outcomes), 1)
    for ax, (panel, frame) in zip(_grid(figure, len(panels), 2), panels, strict=True):
        settings = _settings(frame)
        y = np.arange(len(settings))
        for k, outcome in enumerate(outcomes):
            rows = frame[frame["outcome"] == outcome].set_index("setting").reindex(settings)
            share = rows["share"].to_numpy(dtype=float)
            err = np.clip(
                np.vstack(
                    [
                        np.nan_to_num(share - rows["ci_low"].to_numpy(dtype=float)),
                        np.nan_to_num(rows["ci_high"].to_numpy(dtype=float) - share),
                    ]
                ),
                0.0,
                None,
            )
            ax.barh(
                y + (k - (len(outcomes) - 1) / 2) * height,
                np.nan_to_num(share),
                height=height,
                xerr=err,
                color=OUTCOME_COLOURS.get(outcome, "#7f7f7f"),
                label=outcome,
                capsize=2,
                error_kw={"lw": 0.8, "ecolor": "#444444"},
            )
        ended = frame.groupby("setting", sort=False)["ended"].first().reindex(settings)
        for k, n in enumerate(ended.fillna(0).astype(int)):
            ax.text(1.01, k, f"n={n}", va="center", fontsize="x-small")
        ax.set_xlim(0, 1.12)
        ax.set_yticks(y, settings)
        ax.invert_yaxis()
        ax.set_xlabel("share of ended founded alliances")
        if panel:
            ax.set_title(f"by {panel}", fontsize="medium")
    handles, labels = figure.get_axes()[0].get_legend_handles_labels()
    figure.legend(
        handles,
        labels,
        loc="outside lower center",
        ncols=len(labels),
        fontsize="small",
        title="outcome",
        title_fontsize="small",
    )
    _suptitle(
        figure,
        title or "How founded alliances ended: outcome shares with 95% intervals (n = ends)",
    )
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
            if f"{column}_low" in rows.columns and rows[f"{column}_low"].notna().any():
                err = np.vstack(  # the bootstrap over replications and design
                    [
                        np.clip(np.nan_to_num(values - rows[f"{column}_low"]), 0, None),
                        np.clip(np.nan_to_num(rows[f"{column}_high"] - values), 0, None),
                    ]
                )
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
        heading = FIGURE_LABELS.get(output, output)
        if "noise_share" in rows.columns and rows["noise_share"].notna().any():
            heading += f" — replication noise {float(rows['noise_share'].iloc[0]):.0%} of variance"
        ax.set_title(_wrap(heading, 42), fontsize="medium")
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


def discovery_figure(found: Sequence, *, title: str | None = None) -> Figure:
    """PRIM's peeling trajectories and chosen boxes, one row per outcome.

    Args:
        found: :class:`simulation.analysis.discovery.Discovery` results.
        title: the figure title.
    """
    if not found:
        return _placeholder(title or "Scenario discovery", "no outcome", "coverage", "density")
    figure = Figure(figsize=(11.0, 3.6 * len(found) + 0.6), layout="constrained")
    axes = figure.subplots(len(found), 2, squeeze=False, width_ratios=[1.0, 1.2])
    for (left, right), item in zip(axes, found, strict=True):
        peel = item.trajectory
        points = left.scatter(
            peel["coverage"],
            peel["density"],
            c=[r.count(",") + 1 if r else 0 for r in peel["restricted"]],
            cmap="viridis",
            s=14,
        )
        chosen = peel.iloc[item.chosen]
        left.scatter(
            [chosen["coverage"]], [chosen["density"]], s=110, facecolors="none", edgecolors="red"
        )
        left.axhline(item.stats["base_rate"], color="grey", ls=":", lw=0.8)
        left.set_xlabel("coverage (share of all cases inside the box)")
        left.set_ylabel("density (share of the box\nthat are cases)")
        left.set_xlim(0, 1.02)
        left.set_ylim(0, 1.02)
        left.set_title(_wrap(item.outcome.name.replace("_", " "), 50), fontsize="medium")
        bar = figure.colorbar(points, ax=left, label="parameters restricted")
        bar.ax.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]
        box = item.restricted()
        y = np.arange(len(box))
        for k, row in enumerate(box.itertuples()):
            if row.min is None or pd.isna(row.min) or row.max == row.min:
                continue
            span = row.max - row.min
            lo, hi = (row.lower - row.min) / span, (row.upper - row.min) / span
            right.plot([0, 1], [k, k], color="#cccccc", lw=6, solid_capstyle="butt")
            right.plot([lo, hi], [k, k], color="#1f4e79", lw=6, solid_capstyle="butt")
            right.text(lo, k - 0.2, f"{row.lower:.3g}", ha="center", fontsize="x-small")
            right.text(hi, k - 0.2, f"{row.upper:.3g}", ha="center", fontsize="x-small")
        right.set_yticks(y, list(box["parameter"]))
        right.set_ylim(len(box) - 0.5, -0.7)
        right.set_xlim(-0.05, 1.05)
        right.set_xticks([0, 1], ["lowest in sweep", "highest in sweep"])
        right.set_xlabel("chosen box within each parameter's range (grey: the sweep)")
        st = item.stats
        right.set_title(
            f"coverage {st['coverage']:.0%}, density {st['density']:.0%} "
            f"(base rate {st['base_rate']:.0%})",
            fontsize="small",
        )
        if box.empty:
            right.text(
                0.5,
                0.5,
                "no restriction: the whole sweep",
                transform=right.transAxes,
                ha="center",
                va="center",
                color="grey",
            )
    _suptitle(figure, title or "Scenario discovery (PRIM): where the outcomes are common")
    return figure


def _suptitle(figure: Figure, text: str) -> None:
    """A figure title wrapped to the figure's width."""
    chars = max(int(figure.get_figwidth() * 8.5), 30)
    figure.suptitle(_wrap(text, chars))


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))
