"""The data dictionary: every column of every output table, from this one source.

For each column: its type (the pandas dtype the tables carry), unit, meaning and allowed
values. The tables take their dtypes from here (``simulation.records``), Parquet files
carry each column's entry in their field metadata (``simulation.results``), ``alliances
columns [TABLE]`` prints it, and ``docs/DATA.md`` is rendered from it::

    alliances columns --markdown > docs/DATA.md

(a test fails when the checked-in file differs). Parameter columns of the ``runs`` table
come from the parameters' own metadata in ``simulation.params``.

Phases, causes, outcomes and governance forms are pandas categoricals with fixed
categories (phases, causes and outcomes ordered), so a value outside them is an error
rather than a silent new category.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, get_args

import pandas as pd

from simulation.behaviour import endings
from simulation.behaviour.governance import FORMS
from simulation.params import Arrangement, Params
from simulation.state import PHASES

#: Outcomes, worst first (the model's ``OUTCOME_KINDS`` are best first).
OUTCOMES: tuple[str, ...] = tuple(reversed(endings.OUTCOME_KINDS))
#: What kind of ending each cause is (``simulation.behaviour.endings``).
OUTCOME_OF: dict[str, str] = dict(endings.OUTCOMES)
#: Why an alliance ended: the failures in the order of the phases they end, then the
#: intermediate endings, then success (the model's causes, ordered worst first).
END_CAUSES: tuple[str, ...] = tuple(
    sorted(
        endings.END_CAUSES,
        key=lambda c: (OUTCOMES.index(OUTCOME_OF[c]), endings.END_CAUSES.index(c)),
    )
)
#: Governance forms of a founded alliance (Provan & Kenis).
GOVERNANCE: tuple[str, ...] = tuple(FORMS)
#: What sends an evolving alliance into transforming (C20, C21).
CRISIS_CAUSES: tuple[str, ...] = ("stagnation", "lost_relevance", "lost_meaning")
#: Causes on rows of the ``events`` table, roughly in lifecycle order, the ends last.
EVENT_CAUSES: tuple[str, ...] = (
    "initiated",
    "founded",
    "governance_complete",
    "governance_changed",
    "outgrown",
    *CRISIS_CAUSES,
    "evolutionary_renewal",
    "revolutionary_renewal",
    *END_CAUSES,
)
#: Why a membership spell ended: walking out, being left behind, or the alliance's end.
EXIT_REASONS: tuple[str, ...] = (
    "low_commitment",
    "overcommitted",
    "misfit",
    "left_out",
    "did_not_follow",
    "absorbed",
    "wound_down",
    "completed",
    "dissolved",
    # Only in runs with controlled organisations (the classroom, ``simulation.control``):
    "left_by_choice",
    "declined",
)


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Attributes:
        name: the column name.
        dtype: the pandas dtype name: ``int64``, ``Int64`` (nullable), ``float64``,
            ``bool``, ``boolean`` (nullable), ``string`` or ``category``.
        unit: unit of the values (``-`` when it has none).
        meaning: what a value means, and when it is missing.
        allowed: allowed values in words (a range, or the categories).
        categories: the categories of a ``category`` column, in order.
        ordered: whether the categories are ordered.
        sweep_only: the column is in the tables of sweeps only (not of single runs).
    """

    name: str
    dtype: str
    unit: str
    meaning: str
    allowed: str = ""
    categories: tuple[str, ...] = ()
    ordered: bool = False
    sweep_only: bool = False

    @property
    def pandas_dtype(self) -> str | pd.CategoricalDtype:
        """The dtype to give a pandas column."""
        if self.dtype == "category":
            return pd.CategoricalDtype(list(self.categories), ordered=self.ordered)
        return self.dtype

    @property
    def type_name(self) -> str:
        """The type as shown to readers (``category (ordered)`` for ordered categoricals)."""
        return "category (ordered)" if self.ordered else self.dtype

    @property
    def allowed_text(self) -> str:
        """The allowed values, categories listed in order."""
        if self.categories:
            joined = (" < " if self.ordered else ", ").join(self.categories)
            return f"{joined}{'; ' + self.allowed if self.allowed else ''}"
        return self.allowed

    def metadata(self) -> dict[bytes, bytes]:
        """The entry as Parquet field metadata (UTF-8 keys and values)."""
        entry = {
            "type": self.type_name,
            "unit": self.unit,
            "meaning": self.meaning,
            "allowed": self.allowed_text,
        }
        return {k.encode(): v.encode() for k, v in entry.items() if v}


def _c(name: str, dtype: str, unit: str, meaning: str, allowed: str = "", **kw: Any) -> Column:
    return Column(name, dtype, unit, meaning, allowed, **kw)


def _cat(name: str, categories: tuple[str, ...], meaning: str, ordered: bool = True) -> Column:
    return Column(name, "category", "-", meaning, "", categories, ordered)


_MONTH = "month"
_COUNT = "count"
_SHARE = "share"
_ID = (
    "run_id",
    "string",
    "-",
    "Id of the run, e.g. default-s3: scenario and seed, with a hash of the parameters when "
    "they were overridden.",
)
_ALLIANCE_ID = ("alliance_id", "int64", "-", "Id of the alliance within its run (from 0).", ">= 0")

# --- alliances ------------------------------------------------------------------------
ALLIANCES: tuple[Column, ...] = (
    _c(*_ID),
    _c(*_ALLIANCE_ID),
    _c("born", "int64", _MONTH, "Month the alliance was initiated (entered forming).", ">= 0"),
    _c(
        "founded_at",
        "Int64",
        _MONTH,
        "Month it entered founding for the first time; missing if never founded.",
        ">= born",
    ),
    _c("ended", "Int64", _MONTH, "Month it dissolved; missing if alive at the horizon.", ">= born"),
    _c(
        "duration",
        "Int64",
        "months",
        "Months from founding to the end, or to the horizon if alive (censored); "
        "missing if never founded. Forming time is in steps_forming.",
        ">= 0",
    ),
    _c(
        "event_observed",
        "boolean",
        "-",
        "Whether it ended before the horizon (false: censored); missing if never founded.",
    ),
    _cat("end_cause", END_CAUSES, "Why it ended; missing if alive at the horizon."),
    _cat(
        "end_outcome",
        OUTCOMES,
        "Kind of ending: success (completed), intermediate (absorbed, wound_down), failure "
        "(the other causes); missing if alive.",
    ),
    _cat(
        "crisis_cause",
        CRISIS_CAUSES,
        "What sent it into transforming the last time; missing if it never transformed.",
        ordered=False,
    ),
    _c("founded", "bool", "-", "Whether it ever reached founding."),
    _cat("phase_at_end", PHASES, "Phase at the end of the run (dissolved if it ended)."),
    _cat(
        "ended_from",
        PHASES[:4],
        "Phase it was in when it ended; missing if alive at the horizon. A "
        "transformation_failed from forming is the new forming of a revolutionary renewal "
        "that never came together; one from transforming is a crisis not overcome, "
        "including a renewal that too few members followed to keep the alliance going "
        "that month. end_cause follows the phase at the start of the month.",
    ),
    _cat(
        "governance",
        GOVERNANCE,
        "Governance form at the end (the last one); missing if never founded.",
        ordered=False,
    ),
    _cat(
        "governance_at_founding",
        GOVERNANCE,
        "Governance form chosen at founding; missing if never founded.",
        ordered=False,
    ),
    _c(
        "founding_size",
        "Int64",
        "organisations",
        "Founders: members at its first founding (as n_founders); missing if never founded.",
        ">= 1",
    ),
    _c(
        "founding_value_spread",
        "float64",
        "distance",
        "Spread of the founders' values around their centre (root mean square distance) at "
        "founding; NaN if never founded.",
        ">= 0",
    ),
    _c(
        "founding_complementarity",
        "float64",
        _SHARE,
        "Complementarity of the founders' capabilities at founding; NaN if never founded.",
        "0 to 1",
    ),
    _c(
        "founding_trust",
        "float64",
        "trust",
        "Mean trust of each founder in each other founder when the alliance is founded "
        "(after that month's forming); NaN if never founded.",
        "0 to 1",
    ),
    _c(
        "n_founders",
        "int64",
        "organisations",
        "Founders: members at its first founding (0 if never founded).",
        "0, or >= 2",
    ),
    _c("peak_size", "int64", "organisations", "Largest number of members it ever had.", ">= 0"),
    _c("open", "bool", "-", "Whether it admits newcomers (open) rather than closed (C15)."),
    _c("transformations", "int64", _COUNT, "Times it entered transforming.", ">= 0"),
    _c(
        "evolutionary_renewals",
        "int64",
        _COUNT,
        "Times transforming ended in an evolutionary renewal (back to evolving); a renewal the "
        "alliance did not outlive the month of is not one.",
        ">= 0",
    ),
    _c(
        "revolutionary_renewals",
        "int64",
        _COUNT,
        "Times transforming ended in a revolutionary renewal (a new forming); a renewal the "
        "alliance did not outlive the month of is not one.",
        ">= 0",
    ),
    _c("steps_forming", "int64", "months", "Months spent in forming, over all spells.", ">= 0"),
    _c("steps_founding", "int64", "months", "Months spent in founding, over all spells.", ">= 0"),
    _c("steps_evolving", "int64", "months", "Months spent in evolving, over all spells.", ">= 0"),
    _c(
        "steps_transforming",
        "int64",
        "months",
        "Months spent in transforming, over all spells.",
        ">= 0",
    ),
)

# --- events -----------------------------------------------------------------------------
EVENTS: tuple[Column, ...] = (
    _c(*_ID),
    _c("step", "int64", _MONTH, "Month of the event.", ">= 0"),
    _c(*_ALLIANCE_ID),
    _cat("from_phase", PHASES, "Phase before; missing on the birth row (cause initiated)."),
    _cat(
        "to_phase",
        PHASES,
        "Phase after; equal to from_phase on a governance change (cause governance_changed).",
    ),
    _cat("cause", EVENT_CAUSES, "Why it happened; an end cause when to_phase is dissolved."),
    _cat(
        "governance",
        GOVERNANCE,
        "The new governance form on governance_changed rows; missing on phase transitions.",
        ordered=False,
    ),
)

# --- timeseries ---------------------------------------------------------------------------
TIMESERIES: tuple[Column, ...] = (
    _c(*_ID),
    _c("step", "int64", _MONTH, "Month (0: the initial state, before the first step).", ">= 0"),
    _c("pressure", "float64", _SHARE, "Environmental pressure this month (C20).", "0 to 1"),
    _c("n_forming", "int64", "alliances", "Alliances in forming at the end of the month.", ">= 0"),
    _c("n_founding", "int64", "alliances", "Alliances in founding.", ">= 0"),
    _c("n_evolving", "int64", "alliances", "Alliances in evolving.", ">= 0"),
    _c("n_transforming", "int64", "alliances", "Alliances in transforming.", ">= 0"),
    _c(
        "share_allied",
        "float64",
        _SHARE,
        "Share of organisations that are a member of at least one alliance.",
        "0 to 1",
    ),
    _c(
        "mean_trust",
        "float64",
        "trust",
        "Mean trust over the ties that moved this month; NaN if none did.",
        "0 to 1",
    ),
    _c(
        "mean_commitment",
        "float64",
        "commitment",
        "Mean commitment of the current memberships; NaN if there are none.",
        "0 to 1",
    ),
    _c(
        "mean_results",
        "float64",
        "results",
        "Mean results of the evolving alliances; NaN if none is evolving.",
    ),
    _c(
        "mean_relevance",
        "float64",
        _SHARE,
        "Mean relevance of the living alliances' missions to the societal need; NaN if none.",
        "0 to 1",
    ),
    _c("founded_total", "int64", "alliances", "Alliances founded so far (cumulative).", ">= 0"),
    _c("dissolved_total", "int64", "alliances", "Alliances dissolved so far (cumulative).", ">= 0"),
    _c(
        "evolutionary_total",
        "int64",
        _COUNT,
        "Evolutionary renewals so far (cumulative).",
        ">= 0",
    ),
    _c(
        "revolutionary_total",
        "int64",
        _COUNT,
        "Revolutionary renewals so far (cumulative).",
        ">= 0",
    ),
)

# --- memberships ---------------------------------------------------------------------------
MEMBERSHIPS: tuple[Column, ...] = (
    _c(*_ID),
    _c(*_ALLIANCE_ID),
    _c("org_id", "int64", "-", "Id of the organisation within its run (from 0).", ">= 0"),
    _c("joined", "int64", _MONTH, "Month the membership spell began.", ">= 0"),
    _c("left", "Int64", _MONTH, "Month it ended; missing if current at the horizon.", ">= joined"),
    _c(
        "founder",
        "bool",
        "-",
        "Whether the organisation was a member at the alliance's first founding.",
    ),
    _c(
        "exit_reason",
        "string",
        "-",
        "Why the spell ended; missing if current.",
        ", ".join(EXIT_REASONS),
    ),
    _c(
        "commitment",
        "float64",
        "commitment",
        "Commitment at the end of the spell (or at the horizon).",
        "0 to 1",
    ),
)

# --- runs ------------------------------------------------------------------------------------
_SUMMARIES: tuple[Column, ...] = (
    _c(
        "alliances_started",
        "int64",
        "alliances",
        "Alliances initiated at or after warmup.",
        ">= 0",
    ),
    _c(
        "alliances_founded",
        "int64",
        "alliances",
        "Founded alliances born at or after warmup: the alliances the summaries count.",
        ">= 0",
    ),
    _c(
        "survival_rate",
        "float64",
        _SHARE,
        "Share of the counted alliances alive at the horizon; NaN if none.",
        "0 to 1",
    ),
    _c(
        "survival_72",
        "float64",
        _SHARE,
        "Kaplan-Meier survival 72 months after founding; NaN if none or the horizon is shorter.",
        "0 to 1",
    ),
    _c(
        "ended_within_72",
        "float64",
        _SHARE,
        "Of the counted alliances that ended, the share that ended within 72 months; NaN if "
        "none ended or the horizon is shorter.",
        "0 to 1",
    ),
    _c(
        "median_lifespan",
        "float64",
        "months",
        "Kaplan-Meier median lifespan from founding; NaN if survival never falls to one half.",
        ">= 0",
    ),
    _c("transformations", "int64", _COUNT, "Times counted alliances entered transforming.", ">= 0"),
    _c(
        "transformations_per_alliance",
        "float64",
        "per alliance",
        "Transformations per counted alliance; NaN if none.",
        ">= 0",
    ),
    _c(
        "transformation_rate",
        "float64",
        "per alliance-year",
        "Transformations per alliance-year lived after forming; NaN if no time at risk.",
        ">= 0",
    ),
    _c("evolutionary_renewals", "int64", _COUNT, "Evolutionary renewals.", ">= 0"),
    _c("revolutionary_renewals", "int64", _COUNT, "Revolutionary renewals.", ">= 0"),
    _c(
        "renewal_success_rate",
        "float64",
        _SHARE,
        "Share of finished transformation episodes that ended in a renewal; NaN if none.",
        "0 to 1",
    ),
    _c(
        "lasting_renewal_rate",
        "float64",
        _SHARE,
        "Renewals that held for 24 months (no new crisis, no end), per crisis episode "
        "resolved (by a renewal or an ending) at least 24 months before the horizon; NaN "
        "if none.",
        "0 to 1",
    ),
    _c(
        "mean_peak_size",
        "float64",
        "organisations",
        "Mean peak size of the counted alliances; NaN if none.",
        ">= 0",
    ),
    _c(
        "mean_steps_forming",
        "float64",
        "months",
        "Mean months the counted alliances spent forming; NaN if none.",
        ">= 0",
    ),
    *(
        _c(
            f"share_{outcome}",
            "float64",
            _SHARE,
            f"Share of the counted alliances that ended whose ending was a {outcome} "
            f"({', '.join(c for c in END_CAUSES if OUTCOME_OF[c] == outcome)}); NaN if none ended.",
            "0 to 1",
        )
        for outcome in ("success", "failure", "intermediate")
    ),
    *(
        _c(f"ends_{cause}", "int64", "alliances", f"Alliances that ended by {cause}.", ">= 0")
        for cause in END_CAUSES
    ),
)


def _parameter_columns() -> Iterator[Column]:
    for f in dataclasses.fields(Params):
        meta = f.metadata
        default = f.default
        if f.name == "pressure_schedule":
            dtype, allowed = "string", "JSON list of components (see `alliances params`)"
        elif isinstance(default, str):
            dtype = "string"
            allowed = ", ".join(_choices(f.name))
        else:
            dtype = "int64" if isinstance(default, int) else "float64"
            allowed = f"{meta['low']} to {meta['high']}"
        yield Column(f.name, dtype, meta["unit"], f"Parameter: {meta['meaning']}", allowed)


def _choices(name: str) -> tuple[str, ...]:
    return get_args(Arrangement) if name == "arrangement" else ()


def _runs() -> tuple[Column, ...]:
    return (
        _c(*_ID),
        _c(
            "experiment",
            "string",
            "-",
            "Sweeps only: name of the experiment file's experiment.",
            sweep_only=True,
        ),
        _c(
            "sample_id",
            "int64",
            "-",
            "Sweeps only: which point of the design (parameter setting) the run is.",
            ">= 0",
            sweep_only=True,
        ),
        _c(
            "replication",
            "int64",
            "-",
            "Sweeps only: which replication of its design point (its own seed).",
            ">= 0",
            sweep_only=True,
        ),
        _c("scenario", "string", "-", "Name of the scenario the run started from (custom: none)."),
        *_parameter_columns(),
        *_SUMMARIES,
        _c("package_version", "string", "-", "Version of this package that made the run."),
        _c(
            "git_commit",
            "string",
            "-",
            "Git commit of the code that made the run; missing outside a git checkout.",
        ),
    )


#: What each table holds, one line each.
DESCRIPTIONS: dict[str, str] = {
    "runs": "One row per run: its parameters, summary figures and provenance.",
    "alliances": "One row per alliance, ready for survival analysis (censored at the horizon).",
    "events": "One row per phase transition or governance change, in the order they happened.",
    "timeseries": "One row per run and month: pressure, alliances per phase, means, totals.",
    "memberships": "One row per membership spell: who joined which alliance when, how it ended.",
}


def tables() -> dict[str, tuple[Column, ...]]:
    """Every table's columns, in table order (as in ``simulation.results.TABLES``)."""
    return {
        "runs": _runs(),
        "alliances": ALLIANCES,
        "events": EVENTS,
        "timeseries": TIMESERIES,
        "memberships": MEMBERSHIPS,
    }


def columns(table: str) -> tuple[Column, ...]:
    """The columns of ``table``.

    Raises:
        KeyError: ``table`` is not one of the tables.
    """
    return tables()[table]


def dtypes(table: str) -> dict[str, str | pd.CategoricalDtype]:
    """Column name -> pandas dtype for ``table``."""
    return {c.name: c.pandas_dtype for c in columns(table)}


def field_metadata(table: str) -> Mapping[str, dict[bytes, bytes]]:
    """Column name -> Parquet field metadata for ``table``."""
    return {c.name: c.metadata() for c in columns(table)}


# --- rendering -----------------------------------------------------------------------------
def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown() -> str:
    """``docs/DATA.md``: every table's columns with type, unit, meaning and allowed values."""
    lines = [
        "# Data dictionary",
        "",
        "<!-- Generated by `alliances columns --markdown > docs/DATA.md` from",
        "     simulation/dictionary.py; edit that file, not this one (a test checks). -->",
        "",
        "Every run writes five tables (see README, *Outputs*). Read a saved folder with",
        '`simulation.load(DIR)` or `pandas.read_parquet(DIR / "alliances")`; each Parquet',
        "field carries its entry below in its metadata, and `alliances columns [TABLE]` prints",
        "it. Months count from the start of the run (step 0 is the initial state). Missing",
        "values are `<NA>` in nullable columns and `NaN` in float columns.",
        "",
        "Categorical columns have fixed categories; ordered ones are listed with `<` and",
        'compare in that order (`phase_at_end >= "evolving"`). Group them with',
        "`observed=True`; to fill or join them with other text, take them as text first",
        '(`.astype("string")`).',
        "",
    ]
    for name, cols in tables().items():
        lines += [f"## {name}", "", DESCRIPTIONS[name], ""]
        lines += ["| column | type | unit | meaning | allowed values |", "|---|---|---|---|---|"]
        for c in cols:
            cells = (f"`{c.name}`", c.type_name, c.unit, c.meaning, c.allowed_text)
            lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def render_text(table: str | None = None) -> str:
    """The dictionary as plain text for a terminal (one table, or all)."""
    names = [table] if table is not None else list(tables())
    out: list[str] = []
    for name in names:
        cols = columns(name)
        out.append(f"{name}: {DESCRIPTIONS[name]}")
        width = max(len(c.name) for c in cols)
        for c in cols:
            allowed = f" [{c.allowed_text}]" if c.allowed_text else ""
            unit = "" if c.unit == "-" else f" ({c.unit})"
            out.append(f"  {c.name:<{width}}  {c.type_name:<18} {c.meaning}{unit}{allowed}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
