"""What the four phases share: the outcome record, member groups and co-member pairs.

A phase function reads the ``World`` and returns an ``Outcome``: the transitions,
trust and commitment moves, joins, exits and field updates it decides. The model applies
outcomes; phases never change state themselves, which is what makes them testable with
three hand-made organisations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulation.population import distance
from simulation.state import World

#: Co-members a member interacts with per month, at most (keeps large alliances O(members)).
INTERACTIONS = 8
#: Applicants an open alliance considers when it looks for a newcomer (C15).
APPLICANTS = 6
#: Commitment of a newcomer admitted to an alliance.
NEWCOMER_COMMITMENT = 0.5


@dataclass
class NewAlliance:
    """An alliance to create in forming."""

    initiator: int
    members: np.ndarray
    is_open: bool


@dataclass
class Outcome:
    """Changes a phase decided; applied by the model in the order of the fields."""

    new_alliances: list[NewAlliance] = field(default_factory=list)
    #: (field name, alliance ids, values): e.g. ("governance", ids, new levels)
    updates: list[tuple[str, np.ndarray, np.ndarray]] = field(default_factory=list)
    #: (src orgs, dst orgs, target trust): trust moves toward target at the gain/loss rates
    trust: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    #: (membership rows, new commitment)
    commitment: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    #: (alliance id, orgs, initial commitment)
    joins: list[tuple[int, np.ndarray, float]] = field(default_factory=list)
    #: (membership rows, reason)
    exits: list[tuple[np.ndarray, str]] = field(default_factory=list)
    #: (alliance id, to phase, cause)
    transitions: list[tuple[int, int, str]] = field(default_factory=list)

    def update(self, name: str, ids: np.ndarray, values: np.ndarray) -> None:
        """Record new values of an alliance field."""
        if len(ids):
            self.updates.append((name, np.asarray(ids), np.asarray(values)))

    def move(self, ids: np.ndarray, to_phase: int, cause: str) -> None:
        """Record transitions of alliances ``ids`` to ``to_phase``."""
        self.transitions.extend((int(a), to_phase, cause) for a in np.asarray(ids).tolist())


@dataclass
class Groups:
    """The active members of a set of alliances, as rows sorted by alliance.

    ``ids[g]`` is the alliance of group ``g``; per-row arrays (``rows``, ``org``,
    ``group``) are aligned; ``start`` and ``size`` locate each group's rows.
    """

    ids: np.ndarray
    rows: np.ndarray
    org: np.ndarray
    group: np.ndarray
    start: np.ndarray
    size: np.ndarray

    def sum(self, per_row: np.ndarray) -> np.ndarray:
        """Per-group sum of a per-row quantity."""
        return np.bincount(self.group, weights=per_row, minlength=self.ids.shape[0])

    def mean(self, per_row: np.ndarray) -> np.ndarray:
        """Per-group mean of a per-row quantity (NaN for empty groups)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.sum(per_row) / self.size

    def max(self, per_row: np.ndarray) -> np.ndarray:
        """Per-group maximum of a per-row quantity (0 for empty groups)."""
        out = np.zeros(self.ids.shape[0])
        np.maximum.at(out, self.group, per_row)
        return out


def groups_of(world: World, ids: np.ndarray) -> Groups:
    """Gather the active members of alliances ``ids``."""
    ids = np.asarray(ids, dtype=np.int64)
    members = world.members
    position = np.full(world.alliances.count, -1, dtype=np.int64)
    position[ids] = np.arange(ids.shape[0])
    rows = members.active_rows()
    rows = rows[position[members.alliance[rows]] >= 0]
    group = position[members.alliance[rows]]
    order = np.argsort(group, kind="stable")
    rows, group = rows[order], group[order]
    size = np.bincount(group, minlength=ids.shape[0])
    start = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
    return Groups(ids, rows, members.org[rows], group, start, size)


def co_member_pairs(groups: Groups, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Ordered pairs (positions in ``groups``) of members who interact this month.

    In groups of up to ``INTERACTIONS + 1`` members everyone meets everyone; in larger
    ones each member meets ``INTERACTIONS`` co-members drawn at random.
    """
    size_of_row = groups.size[groups.group]
    count = np.minimum(size_of_row - 1, INTERACTIONS)
    left = np.repeat(np.arange(groups.rows.shape[0]), count)
    offset = np.arange(left.shape[0]) - np.repeat(np.cumsum(count) - count, count)
    s = size_of_row[left]
    drawn = 1 + np.floor(rng.random(left.shape[0]) * np.maximum(s - 1, 1)).astype(np.int64)
    step = np.where(s - 1 <= INTERACTIONS, offset + 1, drawn)
    start = groups.start[groups.group[left]]
    right = start + (left - start + step) % s
    return left, right


def mission_of(world: World, groups: Groups, commitment: np.ndarray) -> np.ndarray:
    """Commitment-weighted centre of the members' values, per group (C6, C7)."""
    values = world.population.values[groups.org]
    weight = np.maximum(commitment, 1e-6)
    total = np.bincount(groups.group, weights=weight, minlength=groups.ids.shape[0])
    dims = values.shape[1]
    mission = np.empty((groups.ids.shape[0], dims))
    for d in range(dims):
        mission[:, d] = np.bincount(
            groups.group, weights=weight * values[:, d], minlength=groups.ids.shape[0]
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        mission /= total[:, None]
    return mission


def fit_with(world: World, groups: Groups, mission: np.ndarray) -> np.ndarray:
    """Per row: how well the member's values fit the mission, in [0, 1] (C25)."""
    far = distance(world.population.values[groups.org], mission[groups.group])
    return np.clip(1.0 - 2.0 * far, 0.0, 1.0)


def similarity(world: World, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Value similarity of organisations ``a`` and ``b``, in [0, 1]."""
    values = world.population.values
    return 1.0 - distance(values[a], values[b])


def pair_trust(world: World, groups: Groups, left: np.ndarray, right: np.ndarray):
    """Trust of each left member in its right partner, and its per-group mean."""
    trust = world.trust.get(groups.org[left], groups.org[right])
    total = np.bincount(groups.group[left], weights=trust, minlength=groups.ids.shape[0])
    count = np.bincount(groups.group[left], minlength=groups.ids.shape[0])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return trust, mean


def member_mean(
    groups: Groups, left: np.ndarray, per_pair: np.ndarray, default: float
) -> np.ndarray:
    """Per row: mean of a per-pair quantity over the member's pairs (``default`` if none)."""
    n = groups.rows.shape[0]
    count = np.bincount(left, minlength=n)
    total = np.bincount(left, weights=per_pair, minlength=n)
    return np.where(count > 0, total / np.maximum(count, 1), default)


def complementarity_of(world: World, groups: Groups) -> np.ndarray:
    """Capability complementarity per group, in [0, 1] (C3, C16).

    What the members cover together (the best member on each capability) beyond what an
    average member brings alone.
    """
    caps = world.population.capabilities[groups.org]
    n_groups = groups.ids.shape[0]
    best = np.zeros((n_groups, caps.shape[1]))
    np.maximum.at(best, groups.group, caps)
    alone = groups.mean(caps.mean(axis=1))
    return np.clip(best.mean(axis=1) - alone, 0.0, 1.0) * 2.0


def recruit(
    world: World, ids: np.ndarray, mission: np.ndarray, rng: np.random.Generator
) -> list[tuple[int, np.ndarray, float]]:
    """Open alliances admit one applicant whose values fit the mission (C15).

    Each alliance in ``ids`` looks with probability ``recruitment_rate``; it considers a
    few organisations with free capacity and admits the closest if within
    ``admission_distance`` of the mission.
    """
    p = world.params
    looking = rng.random(ids.shape[0]) < p.recruitment_rate
    candidates_pool = np.flatnonzero(world.free())
    joins: list[tuple[int, np.ndarray, float]] = []
    if candidates_pool.shape[0] == 0:
        return joins
    taken: set[int] = set()
    for g in np.flatnonzero(looking).tolist():
        alliance = int(ids[g])
        sample = candidates_pool[rng.integers(candidates_pool.shape[0], size=APPLICANTS)]
        far = distance(world.population.values[sample], mission[g])
        for k, org in enumerate(sample.tolist()):
            if org in taken or world.members.is_member(alliance, org):
                far[k] = np.inf
        best = int(np.argmin(far))
        if far[best] <= p.admission_distance:
            org = int(sample[best])
            taken.add(org)
            joins.append((alliance, np.array([org]), NEWCOMER_COMMITMENT))
    return joins
