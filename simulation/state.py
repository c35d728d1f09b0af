"""The world's state as arrays: alliances, and the bundle the phases read.

Alliances live in growing arrays indexed by alliance id; the Mesa ``Alliance`` agents are
thin views on them. ``World`` bundles everything a phase needs to decide what changes,
so phase functions never need the model itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from simulation.behaviour import attention
from simulation.environment import Environment
from simulation.params import Params
from simulation.population import Population
from simulation.trust import Memberships, TrustStore

FORMING, FOUNDING, EVOLVING, TRANSFORMING, DISSOLVED = range(5)
PHASES: tuple[str, ...] = ("forming", "founding", "evolving", "transforming", "dissolved")

#: Every transition the model allows (docs/ODD.md, section 3); anything else is a bug and raises.
ALLOWED: frozenset[tuple[int, int]] = frozenset(
    {
        (FORMING, FOUNDING),
        (FOUNDING, EVOLVING),
        (EVOLVING, TRANSFORMING),
        (TRANSFORMING, EVOLVING),  # evolutionary renewal
        (TRANSFORMING, FORMING),  # revolutionary renewal
        (EVOLVING, FOUNDING),  # growth outgrows the arrangements
    }
    | {(phase, DISSOLVED) for phase in (FORMING, FOUNDING, EVOLVING, TRANSFORMING)}
)

# Per-alliance scalar fields: name -> (dtype, value of a new alliance).
_FIELDS: dict[str, tuple[type, object]] = {
    "phase": (np.int8, FORMING),
    "born": (np.int64, 0),
    "founded_at": (np.int64, -1),
    "phase_since": (np.int64, 0),
    "ended": (np.int64, -1),
    "ended_from": (np.int8, -1),  # the phase it was in when it ended; -1 while alive
    "initiator": (np.int64, -1),
    "founded": (bool, False),
    "open": (bool, False),
    "arrangements": (float, 0.0),  # progress in building arrangements, 0..1 (founding)
    "governance": (np.int8, -1),  # index into governance.FORMS; -1 before founding
    "governance_at_founding": (np.int8, -1),
    "lead": (np.int64, -1),  # the lead organisation under lead_organisation governance
    "cohesion": (float, 0.0),
    "aspiration": (float, np.nan),
    "results": (float, np.nan),
    "results_trend": (float, np.nan),
    "shortfall": (float, 0.0),  # moving average of aspiration minus results
    "impact": (float, 0.0),  # relevant results summed toward the current goal
    "goal": (float, np.nan),  # impact that meets the current goal
    "goal_since": (np.int64, -1),  # month the current goal was set
    "proposal_ready": (np.int64, -1),  # month the collective proposal is on the table
    "n_founders": (np.int64, 0),
    "peak_size": (np.int64, 0),
    "founding_size": (np.int64, 0),
    "founding_value_spread": (float, np.nan),
    "founding_complementarity": (float, np.nan),
    "founding_trust": (float, np.nan),
    "transformations": (np.int64, 0),
    "evolutionary_renewals": (np.int64, 0),
    "revolutionary_renewals": (np.int64, 0),
}
#: Per-alliance vector fields (one point in value space each).
_VECTORS: tuple[str, ...] = ("mission",)


class AllianceStore:
    """Arrays over alliance ids, grown by doubling; ids are never reused."""

    def __init__(self, value_dims: int, capacity: int = 64) -> None:
        self.count = 0
        self._capacity = capacity
        for name, (dtype, fill) in _FIELDS.items():
            setattr(self, name, np.full(capacity, fill, dtype=dtype))
        for name in _VECTORS:
            setattr(self, name, np.zeros((capacity, value_dims)))
        self.phase_steps = np.zeros((capacity, 4), dtype=np.int64)
        self.end_cause: list[str | None] = []
        self.crisis_cause: list[str | None] = []  # what started the last transforming

    if TYPE_CHECKING:  # the per-alliance fields of _FIELDS, set in __init__ and _grow

        def __getattr__(self, name: str) -> np.ndarray: ...

    def _grow(self) -> None:
        new = self._capacity * 2
        for name, (dtype, fill) in _FIELDS.items():
            old = getattr(self, name)
            arr: np.ndarray = np.full(new, fill, dtype=dtype)
            arr[: self._capacity] = old
            setattr(self, name, arr)
        for name in (*_VECTORS, "phase_steps"):
            old = getattr(self, name)
            arr = np.zeros((new, *old.shape[1:]), dtype=old.dtype)
            arr[: self._capacity] = old
            setattr(self, name, arr)
        self._capacity = new

    def new(self, step: int, initiator: int, mission: np.ndarray, is_open: bool) -> int:
        """Create an alliance in forming; return its id."""
        if self.count == self._capacity:
            self._grow()
        a = self.count
        self.count += 1
        self.born[a] = step
        self.phase_since[a] = step
        self.initiator[a] = initiator
        self.mission[a] = mission
        self.open[a] = is_open
        self.end_cause.append(None)
        self.crisis_cause.append(None)
        return a

    def in_phase(self, phase: int) -> np.ndarray:
        """Ids of the alliances in ``phase``."""
        return (self.phase[: self.count] == phase).nonzero()[0]

    def alive(self) -> np.ndarray:
        """Ids of the alliances not dissolved."""
        return (self.phase[: self.count] != DISSOLVED).nonzero()[0]


@dataclass
class World:
    """What the phases read: parameters, population, stores, environment and step."""

    params: Params
    population: Population
    trust: TrustStore
    members: Memberships
    alliances: AllianceStore
    environment: Environment
    step: int = 0
    #: Decisions taken outside the model for controlled organisations (the classroom), read
    #: and cleared by transforming: alliance -> organisation -> "evolutionary",
    #: "revolutionary" or "end" (a vote), and -> "leader" or "collective" (a proposal backed).
    votes: dict[int, dict[int, str]] = field(default_factory=dict)
    backing: dict[int, dict[int, str]] = field(default_factory=dict)
    # Derived by ``refresh`` from the active memberships and the environment:
    size: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    load: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    capacity: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    engagement: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def refresh(self) -> None:
        """Recompute sizes, loads, capacities and engagement from memberships and slack."""
        members = self.members
        rows = members.active_rows()
        org = members.org[rows]
        self.size = np.bincount(members.alliance[rows], minlength=self.alliances.count)
        self.load = np.bincount(org, minlength=self.population.n)
        budget = attention.budget(self)
        self.capacity = attention.capacity(self.params, budget)
        self.engagement = attention.engagement(members, rows, budget)

    def free(self) -> np.ndarray:
        """Boolean mask of organisations whose attention covers one more alliance."""
        return self.load < self.capacity
