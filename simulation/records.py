"""What a run records, and the tidy tables built from it.

Per step the model appends one row to the time series and one row per phase transition to
the event log; the per-alliance and per-run tables are built once at the end from the
arrays. Column dtypes come from the data dictionary (``simulation.dictionary``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from simulation import dictionary
from simulation.behaviour.endings import END_CAUSES, OUTCOME_KINDS, OUTCOMES
from simulation.behaviour.governance import FORMS
from simulation.state import PHASES, AllianceStore
from simulation.trust import Memberships

__all__ = ["END_CAUSES", "OUTCOMES", "OUTCOME_KINDS"]

TIMESERIES_COLUMNS: tuple[str, ...] = (
    "step",
    "pressure",
    "n_forming",
    "n_founding",
    "n_evolving",
    "n_transforming",
    "share_allied",
    "mean_trust",
    "mean_commitment",
    "mean_results",
    "mean_relevance",
    "founded_total",
    "dissolved_total",
    "evolutionary_total",
    "revolutionary_total",
)


class EventLog:
    """Phase transitions and governance changes in the order they happen."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, int, str | None, str, str, str | None]] = []

    def add(
        self,
        step: int,
        alliance: int,
        from_phase: int | None,
        to_phase: int,
        cause: str,
        governance: int | None = None,
    ) -> None:
        """Record one transition (``from_phase`` None for a birth), or a governance change.

        A governance change has ``from_phase == to_phase`` and the new form's code.
        """
        src = None if from_phase is None else PHASES[from_phase]
        form = None if governance is None else FORMS[governance]
        self.rows.append((step, alliance, src, PHASES[to_phase], cause, form))

    def drop(self, step: int, alliance: int, cause: str) -> None:
        """Remove the latest event of ``alliance`` at ``step`` with ``cause``."""
        for k in range(len(self.rows) - 1, -1, -1):
            row = self.rows[k]
            if row[0] != step:
                break
            if row[1] == alliance and row[4] == cause:
                del self.rows[k]
                return
        raise ValueError(f"no {cause} of alliance {alliance} at step {step} to drop")

    def table(self, run_id: str) -> pd.DataFrame:
        """The ``events`` table."""
        frame = pd.DataFrame(
            self.rows,
            columns=["step", "alliance_id", "from_phase", "to_phase", "cause", "governance"],
        )
        frame.insert(0, "run_id", run_id)
        return _typed(frame, EVENT_TYPES)


class Series:
    """Per-step rows of the ``timeseries`` table."""

    def __init__(self) -> None:
        self.rows: list[tuple] = []

    def add(self, row: tuple) -> None:
        """Append one step's row, in the order of ``TIMESERIES_COLUMNS``."""
        self.rows.append(row)

    def table(self, run_id: str) -> pd.DataFrame:
        """The ``timeseries`` table."""
        frame = pd.DataFrame(self.rows, columns=list(TIMESERIES_COLUMNS))
        frame.insert(0, "run_id", run_id)
        return _typed(frame, TIMESERIES_TYPES)


def _form_names(codes: np.ndarray) -> pd.array:
    return pd.array([FORMS[c] if c >= 0 else None for c in codes.tolist()], dtype="string")


def alliance_table(store: AllianceStore, run_id: str, horizon: int) -> pd.DataFrame:
    """One row per alliance, ready for survival analysis from founding (censored at horizon).

    ``duration`` and ``event_observed`` count from founding (``founded_at``) and are
    missing for alliances never founded; forming time is in ``steps_forming``.
    """
    n = store.count
    ended = store.ended[:n]
    observed = ended >= 0
    founded = store.founded[:n]
    founded_at = store.founded_at[:n]
    end_step = np.where(observed, ended, horizon)
    causes = store.end_cause[:n]
    frame = pd.DataFrame(
        {
            "run_id": run_id,
            "alliance_id": np.arange(n, dtype=np.int64),
            "born": store.born[:n],
            "founded_at": pd.array(np.where(founded, founded_at, 0), dtype="Int64"),
            "ended": pd.array(np.where(observed, ended, 0), dtype="Int64"),
            "duration": pd.array(end_step - founded_at, dtype="Int64"),
            "event_observed": pd.array(observed, dtype="boolean"),
            "end_cause": pd.array(causes, dtype="string"),
            "crisis_cause": pd.array(store.crisis_cause[:n], dtype="string"),
            "end_outcome": pd.array(
                [OUTCOMES[c] if c is not None else None for c in causes], dtype="string"
            ),
            "founded": founded,
            "phase_at_end": [PHASES[int(x)] for x in store.phase[:n]],
            "ended_from": [PHASES[int(x)] if x >= 0 else None for x in store.ended_from[:n]],
            "governance": _form_names(store.governance[:n]),
            "governance_at_founding": _form_names(store.governance_at_founding[:n]),
            "open": store.open[:n],
            "n_founders": store.n_founders[:n],
            "peak_size": store.peak_size[:n],
            "founding_size": pd.array(store.founding_size[:n], dtype="Int64"),
            "founding_value_spread": store.founding_value_spread[:n],
            "founding_complementarity": store.founding_complementarity[:n],
            "founding_trust": store.founding_trust[:n],
            "transformations": store.transformations[:n],
            "evolutionary_renewals": store.evolutionary_renewals[:n],
            "revolutionary_renewals": store.revolutionary_renewals[:n],
            "steps_forming": store.phase_steps[:n, 0],
            "steps_founding": store.phase_steps[:n, 1],
            "steps_evolving": store.phase_steps[:n, 2],
            "steps_transforming": store.phase_steps[:n, 3],
        }
    )
    frame.loc[~observed, "ended"] = pd.NA
    for column in ("founded_at", "duration", "event_observed", "founding_size"):
        frame.loc[~founded, column] = pd.NA
    return _typed(frame, ALLIANCE_TYPES)


def membership_table(members: Memberships, run_id: str) -> pd.DataFrame:
    """One row per membership spell: who joined which alliance when, and how it ended."""
    left = members.left
    frame = pd.DataFrame(
        {
            "run_id": run_id,
            "alliance_id": members.alliance,
            "org_id": members.org,
            "joined": members.joined,
            "left": pd.array(np.where(left >= 0, left, 0), dtype="Int64"),
            "founder": members.founder,
            "exit_reason": pd.array(members.exit_reason, dtype="string"),
            "commitment": members.commitment,
        }
    )
    frame.loc[left < 0, "left"] = pd.NA
    return _typed(frame, MEMBERSHIP_TYPES)


def kaplan_meier_median(duration: np.ndarray, observed: np.ndarray) -> float:
    """Median of the Kaplan-Meier survival curve (NaN if it never falls to one half)."""
    times, survival = kaplan_meier(duration, observed)
    below = np.flatnonzero(survival <= 0.5)
    return float(times[below[0]]) if below.shape[0] else float("nan")


def kaplan_meier(duration: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Event times and the Kaplan-Meier survival just after each."""
    duration = np.asarray(duration, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    if duration.shape[0] == 0:
        return np.empty(0), np.empty(0)
    order = np.argsort(duration, kind="stable")
    times, first = np.unique(duration[order], return_index=True)
    events = np.add.reduceat(observed[order].astype(np.int64), first)
    at_risk = duration.shape[0] - first
    survival = np.cumprod(1.0 - events / at_risk)
    has_event = events > 0
    return times[has_event], survival[has_event]


def survival_at(duration: np.ndarray, observed: np.ndarray, age: float) -> float:
    """Kaplan-Meier survival at ``age``."""
    times, survival = kaplan_meier(duration, observed)
    before = np.flatnonzero(times <= age)
    return float(survival[before[-1]]) if before.shape[0] else 1.0


#: Months a renewal must hold (no new crisis, no end) to count as lasting (pattern 3).
LASTING = 24


def lasting_renewals(events: pd.DataFrame, horizon: int, ids: pd.Series) -> tuple[int, int]:
    """Renewals that held for ``LASTING`` months, and renewals observed that long.

    A renewal holds if the alliance neither entered transforming again nor ended within
    ``LASTING`` months. Renewals less than ``LASTING`` months before the horizon are not
    counted.
    """
    moves = events[events["alliance_id"].isin(ids) & (events["cause"] != "governance_changed")]
    renewal = moves["cause"].isin(["evolutionary_renewal", "revolutionary_renewal"]).to_numpy()
    bad = moves["to_phase"].isin(["transforming", "dissolved"]).to_numpy()
    steps = moves["step"].to_numpy()
    alliance = moves["alliance_id"].to_numpy()
    held = observed = 0
    for k in np.flatnonzero(renewal).tolist():
        if steps[k] + LASTING > horizon:
            continue
        observed += 1
        later = (alliance[k + 1 :] == alliance[k]) & bad[k + 1 :]
        nxt = steps[k + 1 :][later]
        if not nxt.shape[0] or nxt[0] > steps[k] + LASTING:
            held += 1
    return held, observed


def years_at_risk(founded: pd.DataFrame) -> float:
    """Alliance-years at risk of transforming.

    Months since founding, less any re-forming after a revolutionary renewal (when the
    table has the columns to tell), over 12.
    """
    duration = founded["duration"].to_numpy(dtype=float)
    if {"founded_at", "born", "steps_forming"} <= set(founded.columns):
        first_forming = (founded["founded_at"] - founded["born"]).to_numpy(dtype=float)
        reforming = founded["steps_forming"].to_numpy(dtype=float) - first_forming
        duration = (duration - reforming).clip(min=0)
    return float(duration.sum()) / 12.0


def run_summary(
    alliances: pd.DataFrame,
    horizon: int,
    warmup: int = 0,
    events: pd.DataFrame | None = None,
) -> dict[str, float | int]:
    """The summary figures of one run (one row of the ``runs`` table, without parameters).

    Counts founded alliances born at or after ``warmup``; survival is measured from
    founding. Renewal success is the share of finished transformation episodes that ended
    in a renewal (an ending from transforming being the other way an episode finishes);
    the lasting renewal rate (with ``events``) counts only renewals that held
    for ``LASTING`` months (no new crisis, no end), per episode observed that long (a
    renewal or a crisis ending at least ``LASTING`` months before the horizon). The
    transformation rate is per alliance-year lived since founding (outside forming), so
    short-lived alliances count fairly. Outcome shares are among
    the ended founded alliances. Survival at 72 months is NaN when fewer than 72 months
    follow the warm-up.
    """
    cohort = alliances[alliances["born"] >= warmup]
    founded = cohort[cohort["founded"]]
    n_founded = len(founded)
    duration = founded["duration"].to_numpy(dtype=float)
    observed = founded["event_observed"].to_numpy(dtype=bool)
    transformations = int(founded["transformations"].sum())
    evo = int(founded["evolutionary_renewals"].sum())
    rev = int(founded["revolutionary_renewals"].sum())
    # Crises that ended the alliance (a renewal the alliance did not outlive the month of
    # is one of them, not a renewal). A new forming after a revolutionary renewal that
    # later fails (``transformation_failed`` from forming) belongs to an episode already
    # counted as a renewal, so it is not a second episode.
    crisis_ends = int((founded["ended_from"] == "transforming").sum())
    ended_in_transform = evo + rev + crisis_ends
    years = years_at_risk(founded)
    long_enough = horizon - warmup >= 72
    ended = founded[observed]
    outcome = ended["end_outcome"]
    summary: dict[str, float | int] = {
        "alliances_started": len(cohort),
        "alliances_founded": n_founded,
        "survival_rate": float(1.0 - observed.mean()) if n_founded else float("nan"),
        "survival_72": survival_at(duration, observed, 72)
        if n_founded and long_enough
        else float("nan"),
        "ended_within_72": float(((duration <= 72) & observed).sum() / observed.sum())
        if observed.any() and long_enough
        else float("nan"),
        "median_lifespan": kaplan_meier_median(duration, observed) if n_founded else float("nan"),
        "transformations": transformations,
        "transformations_per_alliance": transformations / n_founded if n_founded else float("nan"),
        "transformation_rate": transformations / years if years > 0 else float("nan"),
        "evolutionary_renewals": evo,
        "revolutionary_renewals": rev,
        "renewal_success_rate": (evo + rev) / ended_in_transform
        if ended_in_transform
        else float("nan"),
        "lasting_renewal_rate": float("nan"),
        "mean_peak_size": float(founded["peak_size"].mean()) if n_founded else float("nan"),
        "mean_steps_forming": float(founded["steps_forming"].mean()) if n_founded else float("nan"),
    }
    if events is not None:
        # Successful renewals: those that held, per crisis episode seen long enough.
        held, seen = lasting_renewals(events, horizon, founded["alliance_id"])
        # Crisis endings count in the same window as renewals: at least ``LASTING``
        # months before the horizon.
        in_window = founded["ended"] + LASTING <= horizon
        seen_ends = int(((founded["ended_from"] == "transforming") & in_window).fillna(False).sum())
        episodes = seen + seen_ends
        summary["lasting_renewal_rate"] = held / episodes if episodes else float("nan")
    for kind in OUTCOME_KINDS:
        summary[f"share_{kind}"] = float((outcome == kind).mean()) if len(ended) else float("nan")
    for cause in END_CAUSES:
        summary[f"ends_{cause}"] = int((cohort["end_cause"] == cause).sum())
    return summary


def _typed(frame: pd.DataFrame, types: dict[str, Any]) -> pd.DataFrame:
    """Give the columns their dictionary dtypes.

    A value outside a categorical's categories is an error: ``astype`` would silently make
    it missing.
    """
    for name, dtype in types.items():
        if isinstance(dtype, pd.CategoricalDtype) and name in frame.columns:
            unknown = set(frame[name].dropna().unique()) - set(dtype.categories)
            if unknown:
                raise ValueError(
                    f"column '{name}' has value {sorted(map(str, unknown))[0]!r} that "
                    "simulation/dictionary.py does not list; add it there"
                )
    return frame.astype({k: v for k, v in types.items() if k in frame.columns})


#: Column dtypes of each table, from the data dictionary.
EVENT_TYPES = dictionary.dtypes("events")
TIMESERIES_TYPES = dictionary.dtypes("timeseries")
ALLIANCE_TYPES = dictionary.dtypes("alliances")
MEMBERSHIP_TYPES = dictionary.dtypes("memberships")
TABLE_TYPES = {
    "runs": dictionary.dtypes("runs"),
    "events": EVENT_TYPES,
    "timeseries": TIMESERIES_TYPES,
    "alliances": ALLIANCE_TYPES,
    "memberships": MEMBERSHIP_TYPES,
}
