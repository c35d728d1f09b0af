"""The report of a results folder: figures (PNG and SVG), CSV tables and ``report.md``.

Everything is written into a hidden staging folder next to the destination and moved into
place at the end, so a failed report leaves the previous one (or nothing) behind, never a
half-written ``report.md``.

Grouping: by the experiment's varied parameters (or ``by``). Numeric parameters with many
values (lhs, sobol, morris designs) are cut into quantile bins for the figures; when the
combined settings are too many to draw as separate curves, each parameter gets its own
panel, pooling the runs over the other parameters. ``summary.csv`` keeps exact settings.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from simulation.analysis.data import (
    Experiment,
    grouping,
    load_results,
    ofat_subset,
    read_experiment,
    settings,
    varying_parameters,
)
from simulation.errors import AllianceError, ConfigError, OutputError
from simulation.results import Results

#: Most curves drawn in one panel; beyond, one panel per parameter.
MAX_GROUPS = 6
#: Numeric parameters with more distinct values are binned into this many bins in figures.
MAX_LEVELS = 6
#: Rows of summary.csv shown in report.md.
MAX_TABLE_ROWS = 30


@dataclass
class _Report:
    """What goes into report.md, collected while the files are written."""

    sections: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.sections.append(text.rstrip() + "\n")


def write_report(
    folder: str | os.PathLike,
    out: str | os.PathLike | None = None,
    *,
    by: Iterable[str] | None = None,
    outputs: Sequence[str] | None = None,
    discover: Sequence[str] | None = None,
) -> Path:
    """Write figures, tables and ``report.md`` for a results folder (single runs or a sweep).

    Args:
        folder: the results folder (``DIR/runs``, ``DIR/alliances``, ... and, for a sweep,
            ``DIR/experiment.json``).
        out: the report folder (default ``DIR/report``); an existing report there is
            replaced, any other existing folder is refused.
        by: parameters to group by instead of the experiment's varied parameters.
        outputs: outputs of the sensitivity analysis (default
            :data:`simulation.analysis.sensitivity.DEFAULT_OUTPUTS`).
        discover: outcomes for scenario discovery (names of
            :data:`simulation.analysis.discovery.OUTCOMES` or expressions, see
            :func:`simulation.analysis.discovery.scenario_discovery`); default: the
            named outcomes, for a sweep with varied parameters; ``[]`` for none.

    Returns:
        The path of ``report.md``.

    Raises:
        ConfigError: ``folder`` is not a results folder, ``by`` names an unknown column,
            or an outcome in ``discover`` is not understood.
        OutputError: the report folder cannot be written.
        AllianceError: lifelines is not installed.
    """
    _require("lifelines", "survival curves")
    root = Path(folder)
    results = load_results(root)
    experiment = read_experiment(root)
    names = grouping(results.runs, experiment, by)
    target = Path(out) if out is not None else root / "report"
    staging = _staging_folder(target)
    try:
        _build(staging, results, experiment, names, outputs, by is not None, discover)
        _follow_umask(staging)
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target / "report.md"


def _follow_umask(folder: Path) -> None:
    """Give ``folder`` the mode a plain ``mkdir`` would (``mkdtemp`` makes it 0700)."""
    mask = os.umask(0)
    os.umask(mask)
    folder.chmod(0o777 & ~mask)


def report_exists(folder: str | os.PathLike, out: str | os.PathLike | None = None) -> bool:
    """Whether :func:`write_report` would replace an existing report (``out`` as there)."""
    target = Path(out) if out is not None else Path(folder) / "report"
    return (target / "report.md").is_file()


def _require(module: str, purpose: str) -> None:
    """One-line error when an optional dependency of the report is missing."""
    if importlib.util.find_spec(module) is None:
        raise AllianceError(
            f"the report needs {module} for {purpose}: pip install 'alliance-lifecycle[sweep]'"
        )


def _staging_folder(target: Path) -> Path:
    if target.exists() and not target.is_dir():
        raise OutputError(f"report output '{target}' exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / "report.md").exists():
        raise OutputError(f"'{target}' exists and does not hold a report; choose another --out")
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=parent))
    except OSError as exc:
        raise OutputError(f"cannot write the report into '{parent}': {exc.strerror}") from None


def _swap(staging: Path, target: Path) -> None:
    old = None
    try:
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, old / target.name)
        os.replace(staging, target)
    except OSError as exc:
        if old is not None and (old / target.name).exists() and not target.exists():
            os.replace(old / target.name, target)  # put the previous report back
        raise OutputError(f"cannot move the report into '{target}': {exc.strerror}") from None
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


# --- building ---------------------------------------------------------------------------
def _plot_groups(runs: pd.DataFrame, names: list[str]) -> tuple[str, list[list[str]]]:
    """``("combined", [names])`` when all settings fit in one panel, else one per parameter."""
    if not names:
        return "combined", [[]]
    combined = settings(runs, names, MAX_LEVELS)["setting"].nunique()
    if len(names) == 1 or combined <= MAX_GROUPS:
        return "combined", [names]
    return "marginal", [[name] for name in names]


def _stratified(
    func: Callable[..., pd.DataFrame],
    results: Results,
    groups: list[list[str]],
    mode: str,
    experiment: Experiment,
) -> pd.DataFrame:
    """``func(results, by)`` for each grouping, with a ``panel`` column per parameter.

    In a one-factor-at-a-time design, a parameter's panel uses only the runs that vary it
    (and the base runs), not those where another parameter moved.
    """
    frames = []
    for names in groups:
        subset = results
        if mode == "marginal" and experiment.sampler == "ofat":
            varied = [g[0] for g in groups]
            subset = replace(results, runs=ofat_subset(results.runs, names[0], varied))
        frame = func(subset, names, max_levels=MAX_LEVELS)
        if mode == "marginal":
            frame = frame.assign(panel=names[0])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _build(
    out: Path,
    results: Results,
    experiment: Experiment,
    names: list[str],
    outputs: Sequence[str] | None,
    by_given: bool,
    discover: Sequence[str] | None = None,
) -> None:
    from simulation.analysis import figures, summary, survival

    runs = results.runs
    origin = survival.lifespan_origin(results.alliances)
    report = _Report()
    mode, groups = _plot_groups(runs, names)
    report.add(_header(results, experiment, names, by_given))

    table = summary.summary_table(results, names)
    _write_csv(table, out / "summary.csv")
    report.add(_summary_section(table, names, origin))

    grouped = _grouped_by(mode, names, experiment.sampler)
    km = _stratified(survival.kaplan_meier, results, groups, mode, experiment)
    medians = _stratified(survival.median_survival, results, groups, mode, experiment)
    _write_csv(km, out / "survival.csv")
    _write_csv(medians, out / "median_survival.csv")
    _save(figures.survival_figure(km, names, origin=origin), out / "survival")
    report.add(
        _figure_section(
            "Survival",
            "survival",
            f"Kaplan-Meier survival of founded alliances {survival.ORIGIN_WORDS[origin]}, "
            f"{grouped}; shaded bands are 95% pointwise confidence intervals (exponential "
            "Greenwood) and a curve crossing the dotted line gives the Kaplan-Meier median "
            "lifespan. The rows under the plot give the number of alliances still at risk "
            "(neither ended nor censored) at each age. " + _median_sentence(medians, origin),
            ["survival.csv", "median_survival.csv"],
        )
    )
    governance = _governance_column(results.alliances)
    if governance is not None:
        report.add(_governance_section(out, results, governance, origin))

    hazard = _stratified(survival.hazard_by_age, results, groups, mode, experiment)
    _write_csv(hazard, out / "hazard.csv")
    _save(figures.hazard_figure(hazard, names, origin=origin), out / "hazard")
    report.add(
        _figure_section(
            "Dissolution hazard by age",
            "hazard",
            "Dissolutions of founded alliances per alliance-month at risk in 12-month age bins "
            f"(life table, ages {survival.ORIGIN_WORDS[origin]}), {grouped}, with exact "
            "Poisson 95% intervals: a rising line means alliances become more likely to end "
            "as they age.",
            ["hazard.csv"],
        )
    )

    occupancy = _stratified(summary.phase_occupancy, results, groups, mode, experiment)
    _write_csv(occupancy, out / "phase_occupancy.csv")
    _save(figures.occupancy_figure(occupancy, names), out / "phase_occupancy")
    report.add(
        _figure_section(
            "Phase occupancy over time",
            "phase_occupancy",
            "Mean number of alliances in each phase (forming, founding, evolving, "
            f"transforming) in every month of a run, {grouped}, with 95% bands over runs.",
            ["phase_occupancy.csv"],
        )
    )

    if names:
        ofat = experiment.sampler == "ofat"
        against = summary.by_parameter(results, names, one_at_a_time=ofat)
        _write_csv(against, out / "by_parameter.csv")
        _save(figures.parameter_figure(against), out / "by_parameter")
        pooling = (
            "from the runs that vary that parameter alone"
            if ofat
            else "pooled over the other parameters"
        )
        report.add(
            _figure_section(
                "Transformations and renewals against the parameters",
                "by_parameter",
                "Transformations per alliance-year (time lived after forming) and the share of "
                "transformation episodes that ended in a renewal, against each varied "
                f"parameter (mean over the runs at each level, {pooling}, 95% interval; "
                "parameters with more than 8 values are cut into 8 equal-width bins).",
                ["by_parameter.csv"],
            )
        )
    else:
        report.add(
            "## Transformations and renewals against the parameters\n\n"
            "No parameter varies in this experiment, so there is nothing to plot "
            "against; the figures per setting are in the summary table above."
        )

    ends = _stratified(summary.ends_by_cause, results, groups, mode, experiment)
    _write_csv(ends, out / "ends_by_cause.csv")
    _save(figures.ends_figure(ends), out / "ends_by_cause")
    report.add(
        _figure_section(
            "Ends by cause",
            "ends_by_cause",
            "How alliances ended, as shares of the dissolutions in each setting: on the left "
            "all alliances that started (those that fail while forming were never founded), "
            "on the right founded alliances only; n is the number of dissolutions.",
            ["ends_by_cause.csv"],
        )
    )

    if "end_outcome" in results.alliances.columns:
        report.add(_outcome_section(out, results, groups, mode, experiment))

    if experiment.sampler in ("sobol", "morris"):
        report.add(_sensitivity(out, results, experiment, outputs))

    chosen = _discovery_outcomes(discover, experiment, names)
    if chosen:
        report.add(_discovery(out, results, experiment, chosen))

    (out / "report.md").write_text("\n".join(report.sections))


def _governance_column(alliances: pd.DataFrame) -> str | None:
    """The governance column to split survival by: the form at founding where known."""
    for column in ("governance_at_founding", "governance"):
        if column in alliances.columns and alliances[column].notna().any():
            return column
    return None


def _governance_section(out: Path, results: Results, column: str, origin: str) -> str:
    from simulation.analysis import figures, survival

    km = survival.kaplan_meier(results, [], within=column)
    medians = survival.median_survival(results, [], within=column)
    _write_csv(km, out / "survival_by_governance.csv")
    _write_csv(medians, out / "median_by_governance.csv")
    title = "Survival of founded alliances by governance form (Kaplan-Meier, 95% band)"
    _save(
        figures.survival_figure(km, [column], title=title, origin=origin),
        out / "survival_by_governance",
    )
    which = (
        "the form it had when it was founded (a later change of form does not move an "
        "alliance to another curve, so no curve profits from the time alliances had to "
        "live to change)"
        if column == "governance_at_founding"
        else "its last governance form (the form at founding is not in these tables)"
    )
    return _figure_section(
        "Survival by governance form",
        "survival_by_governance",
        f"Kaplan-Meier survival of founded alliances {survival.ORIGIN_WORDS[origin]}, all "
        f"runs pooled, one curve per governance form: each alliance counts under {which}. "
        + _median_sentence(medians, origin),
        ["survival_by_governance.csv", "median_by_governance.csv"],
    )


def _outcome_section(
    out: Path, results: Results, groups: list[list[str]], mode: str, experiment: Experiment
) -> str:
    from simulation.analysis import figures, summary

    mix = _stratified(summary.outcome_mix, results, groups, mode, experiment)
    _write_csv(mix, out / "outcomes.csv")
    _save(figures.outcome_figure(mix), out / "outcomes")
    return _figure_section(
        "Outcomes of founded alliances",
        "outcomes",
        "How the founded alliances that ended did end, as shares of those ends in each "
        "setting: success (completed its mission), intermediate (absorbed or wound down) "
        "or failure (every other cause); 95% Wilson intervals, n is the number of ended "
        "founded alliances. Alliances still active at the horizon have no outcome yet and "
        "are left out.",
        ["outcomes.csv"],
    )


def _densest(found) -> str:
    """When the whole sweep is the best box: how far the densest box got."""
    st = found.stats
    if not found.restricted().empty or not st["densest_restricts"]:
        return ""
    return (
        f"; no box concentrates it much: the densest PRIM found (limiting "
        f"{st['densest_restricts']}, {st['densest_mass']:.0%} of the rows) has density "
        f"{st['densest_density']:.0%}"
    )


def _quasi_p(box: pd.DataFrame) -> str:
    values = box[["qp_lower", "qp_upper"]].to_numpy(dtype=float)
    if box.empty or pd.isna(values).all():
        return ""
    return f"; largest quasi-p-value of a restriction {float(pd.Series(values.ravel()).max()):.2g}"


def _noise_sentence(indices: pd.DataFrame) -> str:
    """Replication noise per output, as a sentence."""
    columns = ["noise_share", "noise_floor", "replications"]
    noise = indices.groupby("output", sort=False)[columns].first()
    if noise["noise_share"].isna().all():
        return (
            "With one replication per sample the replication noise is not measured: "
            "repeat each sample (replications >= 2) to see how much of the variance no "
            "parameter can explain."
        )
    parts = ", ".join(
        f"{o} {row.noise_share:.0%} ({row.noise_floor:.0%})"
        for o, row in noise.iterrows()
        if not pd.isna(row.noise_share)
    )
    return (
        "Replication noise, the variance between the replications of a sample over the "
        "total variance over runs (`noise_share`), and in brackets its share of the "
        "variance of the averaged outputs the indices apportion (`noise_floor`): "
        f"{parts}. No parameter explains that part: noise acts like one more factor "
        "interacting with all of them, so a parameter without effect has an ST near the "
        "floor and the S1 add up to at most one minus it. The intervals are the index "
        "plus or minus 1.96 standard errors of a bootstrap that resamples the replications "
        "of every sample as well as the design (conservative)."
    )


def _discovery_outcomes(
    discover: Sequence[str] | None, experiment: Experiment, names: list[str]
) -> list[str]:
    """The outcomes to discover: those asked for, else the named ones for a sweep."""
    if discover is not None:
        return list(dict.fromkeys(d for d in discover if str(d).strip()))
    if experiment.sampler is None or not names:
        return []
    from simulation.analysis.discovery import OUTCOMES

    return list(OUTCOMES)


def _discovery(out: Path, results: Results, experiment: Experiment, outcomes: Sequence[str]) -> str:
    from simulation.analysis import figures
    from simulation.analysis.discovery import outcome_for, scenario_discovery

    title = "## Scenario discovery\n\n"
    if importlib.util.find_spec("ema_workbench") is None:
        return title + (
            "Scenario discovery needs ema_workbench: pip install 'alliance-lifecycle[discovery]'."
        )
    parameters = [n for n in experiment.varied if n in results.runs.columns] or None
    lines = [
        "Which ranges of the varied parameters lead to an outcome? PRIM (the Patient Rule "
        "Induction Method, EMA Workbench) peels the sweep's parameter space down to a box "
        "where the outcome is much more common than overall. Coverage is the share of all "
        "cases inside the box, density the share of the box's rows that are cases (for "
        "alliances: the probability of the outcome there). The box shown is the one of the "
        "peeling trajectory with the best harmonic mean of coverage and density; "
        "quasi-p-values test each restriction (small: not chance).",
        "",
    ]
    boxes, trajectories, found = [], [], []
    for text in outcomes:
        outcome = outcome_for(text)
        try:
            found_box = scenario_discovery(results, outcome, parameters=parameters)
        except ConfigError as exc:
            lines.append(f"- **{outcome.name}**: not computed ({exc}).")
            continue
        st = found_box.stats
        lines.append(
            f"- **{outcome.name}** ({outcome.description}; {st['cases']} cases among "
            f"{st['rows']} {outcome.level}, base rate {st['base_rate']:.0%}"
            + (f", {st['left_out']} undecided left out" if st["left_out"] else "")
            + f"): {found_box.describe()}; coverage {st['coverage']:.0%}, density "
            f"{st['density']:.0%} (vs {st['base_rate']:.0%} overall), holding "
            f"{st['mass']:.0%} of the {outcome.level}"
            + _quasi_p(found_box.restricted())
            + _densest(found_box)
            + "."
        )
        boxes.append(found_box.box.assign(outcome=outcome.name, **{k: st[k] for k in st}))
        trajectories.append(found_box.trajectory.assign(outcome=outcome.name))
        found.append(found_box)
    if not found:
        return title + "\n".join(lines)
    lead = ["outcome"]
    table = pd.concat(boxes, ignore_index=True)
    _write_csv(table[lead + [c for c in table.columns if c not in lead]], out / "discovery.csv")
    peel = pd.concat(trajectories, ignore_index=True)
    _write_csv(
        peel[lead + [c for c in peel.columns if c not in lead]], out / "discovery_peeling.csv"
    )
    _save(figures.discovery_figure(found), out / "discovery")
    text = "\n".join(lines) + (
        "\n\nLeft: the peeling trajectory of each outcome (every box PRIM tried, from the "
        "whole sweep at the right to the smallest box at the left; the ring marks the box "
        "shown); right: the chosen box's range of each restricted parameter within the "
        "sweep's range."
    )
    return _figure_section(
        "Scenario discovery", "discovery", text, ["discovery.csv", "discovery_peeling.csv"]
    )


def _save(figure, stem: Path) -> None:
    from simulation.analysis.figures import save_figure

    save_figure(figure, stem)


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    table.to_csv(path, index=False, float_format="%.6g")


def _sensitivity(
    out: Path, results: Results, experiment: Experiment, outputs: Sequence[str] | None
) -> str:
    from simulation.analysis import figures
    from simulation.analysis.sensitivity import DEFAULT_OUTPUTS, sensitivity_indices

    chosen = [o for o in (outputs or DEFAULT_OUTPUTS) if o in results.runs.columns]
    title = "## Sensitivity indices\n\n"
    if importlib.util.find_spec("SALib") is None:
        return title + "Sensitivity indices need SALib: pip install 'alliance-lifecycle[sweep]'."
    try:
        indices = sensitivity_indices(results, chosen, experiment=experiment)
    except ConfigError as exc:
        return title + f"Sensitivity indices could not be computed: {exc}."
    _write_csv(indices, out / "sensitivity.csv")
    _save(figures.sensitivity_figure(indices), out / "sensitivity")
    if experiment.sampler == "sobol":
        text = (
            "Sobol indices (SALib) of each output: S1 is the share of the output's variance "
            "due to a parameter alone, ST includes its interactions. Replications of a "
            "sample are averaged first; bars show 95% intervals from a bootstrap that "
            "resamples both the replications of every sample (the model's noise) and the "
            "Saltelli blocks (the design)."
        )
    else:
        text = (
            "Morris screening (SALib): mu* is the mean absolute elementary effect, the change "
            "of the output from a one-step move of a parameter expressed per move across its "
            "whole range; sigma is the spread of those effects (interactions or "
            "non-linearity). Replications of a sample are averaged first; bars show 95% "
            "intervals on mu* from a bootstrap that resamples both the replications of "
            "every sample (the model's noise) and the trajectories."
        )
    text += (
        " Missing outputs: an unreached median lifespan counts as the horizon; samples "
        "without a value drop their whole block of the design (see the blocks columns)."
    )
    text += " " + _noise_sentence(indices)
    dropped = indices.groupby("output")["blocks_dropped"].first()
    if dropped.any():
        text += (
            " Dropped blocks: " + ", ".join(f"{o} {int(n)}" for o, n in dropped.items() if n) + "."
        )
    return _figure_section("Sensitivity indices", "sensitivity", text, ["sensitivity.csv"])


# --- text -------------------------------------------------------------------------------
def _header(results: Results, experiment: Experiment, names: list[str], by_given: bool) -> str:
    runs = results.runs
    lines = [f"# Report: {experiment.name}", ""]
    if experiment.description:
        lines += [experiment.description, ""]
    founded = int(runs["alliances_founded"].sum())
    lines.append(
        f"- runs: {len(runs)}; alliances started {int(runs['alliances_started'].sum())}, "
        f"founded {founded}"
    )
    if experiment.sampler:
        lines.append(f"- sampler: {experiment.sampler}")
    if names:
        source = "chosen with --by" if by_given else "varied parameters"
        lines.append(f"- grouped by: {', '.join(names)} ({source})")
    else:
        lines.append("- grouped by: nothing (all runs pooled)")
        differing = varying_parameters(runs)
        if differing and not by_given:
            lines.append(
                f"- parameters that differ between these runs: {', '.join(differing)}"
                f" (group by them with `--by {differing[0]}`)"
            )
    if "replication" in runs.columns and names:
        per = runs.groupby(names, observed=True).size()
        lines.append(
            f"- runs per setting: {per.min()}–{per.max()}"
            if per.min() != per.max()
            else f"- runs per setting: {per.min()}"
        )
    steps = sorted(set(runs["steps"].astype(int))) if "steps" in runs.columns else []
    if steps:
        lines.append(f"- horizon: {', '.join(map(str, steps))} months")
    versions = _distinct(runs, "package_version")
    commits = _distinct(runs, "git_commit")
    if versions or commits:
        lines.append(f"- model version {versions or 'unknown'}, commit {commits or 'unknown'}")
    lines += [
        "",
        "Survival figures count founded alliances only, "
        f"{_origin_words(results)}; alliances still active at the horizon are censored "
        "there.",
    ]
    return "\n".join(lines)


def _origin_words(results: Results) -> str:
    from simulation.analysis.survival import ORIGIN_WORDS, lifespan_origin

    origin = lifespan_origin(results.alliances)
    return {"founding": "from the month they were founded"}.get(origin, ORIGIN_WORDS[origin])


def _distinct(runs: pd.DataFrame, column: str) -> str:
    if column not in runs.columns:
        return ""
    return ", ".join(str(v) for v in dict.fromkeys(runs[column].dropna()))


def _grouped_by(mode: str, names: list[str], sampler: str | None) -> str:
    if not names:
        return "all runs pooled"
    if mode == "marginal" and sampler == "ofat":
        return "one panel per varied parameter, each from the runs that vary it alone"
    if mode == "marginal":
        return "one panel per varied parameter, pooling the runs over the other parameters"
    return f"one curve per setting of {', '.join(names)}"


def _median_sentence(medians: pd.DataFrame, origin: str = "forming") -> str:
    from simulation.analysis.survival import ORIGIN_WORDS

    reached = medians[medians["reached"]]
    name = f"Kaplan-Meier median lifespan {ORIGIN_WORDS[origin]}"
    if medians.empty:
        return "No alliance was founded."
    if reached.empty:
        return f"No curve fell to one half before the horizon: the {name} is longer."
    low = reached.loc[reached["median"].idxmin()]
    high = reached.loc[reached["median"].idxmax()]
    if len(medians) == 1:
        return f"The {name} is {low['median']:.0f} months."
    if len(reached) == 1:
        others = len(medians) - 1
        return (
            f"The {name} is {low['median']:.0f} months for {low['setting']}; the other "
            f"{'setting' if others == 1 else f'{others} settings'} did not reach one half."
        )
    text = (
        f"The {name} ranges from {low['median']:.0f} months ({low['setting']}) to "
        f"{high['median']:.0f} months ({high['setting']})"
    )
    missing = len(medians) - len(reached)
    if missing:
        text += f"; {missing} setting{'s' if missing > 1 else ''} did not reach one half"
    return text + "."


def _figure_section(heading: str, stem: str, sentence: str, tables: list[str]) -> str:
    links = ", ".join(f"[{t}]({t})" for t in tables)
    return (
        f"## {heading}\n\n![{heading}]({stem}.png)\n\n{sentence}\n\n"
        f"Vector version: [{stem}.svg]({stem}.svg). Data: {links}."
    )


def _summary_section(table: pd.DataFrame, names: list[str], origin: str = "forming") -> str:
    from simulation.analysis.summary import summary_columns
    from simulation.analysis.survival import ORIGIN_WORDS

    columns = [(c, label, fmt) for c, (label, fmt) in summary_columns(origin).items()]
    head = "| " + " | ".join(label for _, label, _ in columns) + " |"
    rule = "|" + "|".join("---" for _ in columns) + "|"
    rows = []
    for _, row in table.head(MAX_TABLE_ROWS).iterrows():
        cells = []
        for column, _, fmt in columns:
            cells.append(_cell(row, column, fmt))
        rows.append("| " + " | ".join(cells) + " |")
    more = len(table) - MAX_TABLE_ROWS
    tail = f"\n\n{more} more settings in [summary.csv](summary.csv)." if more > 0 else ""
    return (
        "## Summary per setting\n\n"
        "Means over the runs of each setting with 95% intervals over replications where "
        "there are several. Alive at the horizon is the share of founded alliances not "
        "dissolved when the run ends (young ones included); KM survival at 72 months is "
        "each run's Kaplan-Meier estimate, which accounts for alliances too young to have "
        f"reached that age. The KM median lifespan {ORIGIN_WORDS[origin]} is the median of "
        "the setting's pooled Kaplan-Meier curve (all its founded alliances together; "
        '"not reached" when survival stayed above one half): the same estimator as in '
        "the survival figure and as `alliances report` prints. All figures per setting, "
        f"with intervals and ends by cause, are in [summary.csv](summary.csv).\n\n"
        f"{head}\n{rule}\n" + "\n".join(rows) + tail
    )


def _cell(row: pd.Series, column: str, fmt: str | None) -> str:
    value = row.get(column)
    if fmt is None:
        return str(value).replace("|", "\\|")
    if value is None or pd.isna(value):
        founded = row.get("alliances_founded", 0)
        return "not reached" if column == "km_median_lifespan" and founded else "n/a"
    if fmt == "pct":
        text = f"{100 * value:.0f}%"
        low, high = row.get(f"{column}_ci_low"), row.get(f"{column}_ci_high")
        if low is not None and not pd.isna(low):  # a share's interval stays within 0-100%
            text += f" ({100 * max(low, 0.0):.0f}–{100 * min(high, 1.0):.0f})"
        return text
    return fmt.format(value)
