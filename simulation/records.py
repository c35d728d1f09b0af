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
from simulation.dictionary import END_CAUSES
from simulation.state import PHASES, AllianceStore
from simulation.trust import Memberships

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
    """Phase transitions in the order they happen: (step, alliance, from, to, cause)."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, int, str | None, str, str]] = []

    def add(self, step: int, alliance: int, from_phase: int | None, to_phase: int, cause: str):
        """Record one transition (``from_phase`` None for a birth)."""
        src = None if from_phase is None else PHASES[from_phase]
        self.rows.append((step, alliance, src, PHASES[to_phase], cause))

    def table(self, run_id: str) -> pd.DataFrame:
        """The ``events`` table."""
        frame = pd.DataFrame(
            self.rows, columns=["step", "alliance_id", "from_phase", "to_phase", "cause"]
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


def alliance_table(store: AllianceStore, run_id: str, horizon: int) -> pd.DataFrame:
    """One row per alliance, ready for survival analysis (censored at the horizon)."""
    n = store.count
    ended = store.ended[:n]
    observed = ended >= 0
    end_step = np.where(observed, ended, horizon)
    frame = pd.DataFrame(
        {
            "run_id": run_id,
            "alliance_id": np.arange(n, dtype=np.int64),
            "born": store.born[:n],
            "ended": pd.array(np.where(observed, ended, 0), dtype="Int64"),
            "duration": end_step - store.born[:n],
            "event_observed": observed,
            "end_cause": pd.array(store.end_cause[:n], dtype="string"),
            "founded": store.founded[:n],
            "phase_at_end": [PHASES[int(x)] for x in store.phase[:n]],
            "n_founders": store.n_founders[:n],
            "peak_size": store.peak_size[:n],
            "open": store.open[:n],
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


def run_summary(alliances: pd.DataFrame, horizon: int) -> dict[str, float | int]:
    """The summary figures of one run (one row of the ``runs`` table, without parameters).

    Survival figures count founded alliances only, from birth; renewal success is the
    share of finished transformation episodes that ended in a renewal. The transformation
    rate is per alliance-year lived outside forming (so short-lived alliances count
    fairly). Survival at 72 months is NaN when the horizon is shorter than that.
    """
    founded = alliances[alliances["founded"]]
    n_founded = len(founded)
    duration = founded["duration"].to_numpy(dtype=float)
    observed = founded["event_observed"].to_numpy(dtype=bool)
    transformations = int(founded["transformations"].sum())
    evo = int(founded["evolutionary_renewals"].sum())
    rev = int(founded["revolutionary_renewals"].sum())
    failed = int((founded["end_cause"] == "transformation_failed").sum())
    ended_in_transform = evo + rev + failed
    # Time at risk of transforming: alliance-years lived outside forming.
    years = float((founded["duration"] - founded["steps_forming"]).clip(lower=0).sum()) / 12.0
    summary: dict[str, float | int] = {
        "alliances_started": len(alliances),
        "alliances_founded": n_founded,
        "survival_rate": float(1.0 - observed.mean()) if n_founded else float("nan"),
        "survival_72": survival_at(duration, observed, 72)
        if n_founded and horizon >= 72
        else float("nan"),
        "ended_within_72": float(((duration <= 72) & observed).sum() / max(observed.sum(), 1))
        if n_founded and horizon >= 72
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
        "mean_peak_size": float(founded["peak_size"].mean()) if n_founded else float("nan"),
        "mean_steps_forming": float(founded["steps_forming"].mean()) if n_founded else float("nan"),
    }
    for cause in END_CAUSES:
        summary[f"ends_{cause}"] = int((alliances["end_cause"] == cause).sum())
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
