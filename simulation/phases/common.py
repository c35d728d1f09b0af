"""What the four phases share: the outcome record, co-member pairs, missions, newcomers.

A phase function reads the ``World`` and returns an ``Outcome``: the transitions, trust
and commitment moves, joins, exits and field updates it decides. The model applies
outcomes; phases never change state themselves, which is what makes them testable with
three hand-made organisations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulation.behaviour import commitment as commit
from simulation.groups import Groups, groups_of
from simulation.population import distance, unit
from simulation.state import World

__all__ = [
    "Groups",
    "NewAlliance",
    "Outcome",
    "co_member_pairs",
    "groups_of",
    "member_mean",
    "negotiated_mission",
    "newcomers",
    "pair_trust",
    "similarity",
]


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
    #: (field name, alliance ids, values): e.g. ("cohesion", ids, new levels)
    updates: list[tuple[str, np.ndarray, np.ndarray]] = field(default_factory=list)
    #: (src orgs, dst orgs, target trust): trust moves toward target at the gain/loss rates
    trust: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    #: (membership rows, new commitment)
    commitment: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    #: (membership rows, what each member got back this month)
    returns: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    #: (alliance id, orgs, initial commitment)
    joins: list[tuple[int, np.ndarray, float]] = field(default_factory=list)
    #: (membership rows, reason)
    exits: list[tuple[np.ndarray, str]] = field(default_factory=list)
    #: (alliance ids, new governance form codes): recorded as events when they change
    governance: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    #: (absorbed alliance, absorbing alliance): members who fit move over
    mergers: list[tuple[int, int]] = field(default_factory=list)
    #: (alliance id, to phase, cause)
    transitions: list[tuple[int, int, str]] = field(default_factory=list)

    def update(self, name: str, ids: np.ndarray, values: np.ndarray) -> None:
        """Record new values of an alliance field."""
        if len(ids):
            self.updates.append((name, np.asarray(ids), np.asarray(values)))

    def move(self, ids: np.ndarray, to_phase: int, cause: str) -> None:
        """Record transitions of alliances ``ids`` to ``to_phase``."""
        if not len(ids):
            return
        self.transitions.extend((int(a), to_phase, cause) for a in np.asarray(ids).tolist())

    def leave(self, rows: np.ndarray, reason: str) -> None:
        """Record members leaving (membership rows) for ``reason``."""
        if len(rows):
            self.exits.append((np.asarray(rows), reason))


def co_member_pairs(
    groups: Groups, rng: np.random.Generator, interactions: int
) -> tuple[np.ndarray, np.ndarray]:
    """Ordered pairs (positions in ``groups``) of members who deal with each other this month.

    In groups of up to ``interactions + 1`` members everyone meets everyone; in larger
    ones each member meets ``interactions`` co-members drawn at random.
    """
    group = groups.group
    size_of_row = groups.size[group]
    count = np.minimum(size_of_row - 1, interactions)
    left = np.arange(group.shape[0]).repeat(count)
    n_pairs = left.shape[0]
    offset = np.arange(n_pairs) - (count.cumsum() - count).repeat(count)
    group_of_pair = group[left]
    s = groups.size[group_of_pair]
    others = s - 1
    # Truncation is the floor here: the draws are never negative.
    drawn = 1 + (rng.random(n_pairs) * np.maximum(others, 1)).astype(np.int64)
    offset += 1
    step = np.where(others <= interactions, offset, drawn)
    start = groups.start[group_of_pair]
    right = left - start
    right += step
    right %= s
    right += start
    return left, right


def negotiated_mission(world: World, groups: Groups, commitment: np.ndarray) -> np.ndarray:
    """What the members would agree on as a mission, per group (C6, C7, C8).

    The centre of their values, weighted by commitment and with founders weighing
    ``founder_weight`` times more, leaned toward the societal need by
    ``mission_need_weight``: a meaningful mission is about the need, not only about us.
    """
    p = world.params
    founder = world.members.founder[groups.rows]
    weight = np.maximum(commitment, 1e-6) * np.where(founder, p.founder_weight, 1.0)
    centre = groups.centre(world.population.values[groups.org], weight)
    need = world.environment.need
    return centre + p.mission_need_weight * (need - centre)


def similarity(world: World, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Value similarity of organisations ``a`` and ``b``, in [0, 1]."""
    table = world.population.similarity_table()
    if table is not None:
        return table[a, b]
    values = world.population.values
    return 1.0 - distance(values[a], values[b])


def pair_trust(world: World, groups: Groups, left: np.ndarray, right: np.ndarray):
    """Trust of each left member in its right partner, and its per-group mean."""
    trust = world.trust.get(groups.org[left], groups.org[right])
    group, n = groups.group[left], groups.ids.shape[0]
    total = np.bincount(group, weights=trust, minlength=n)
    count = np.bincount(group, minlength=n)
    mean = np.where(count > 0, total / np.maximum(count, 1), world.params.trust_baseline)
    return trust, mean


def member_mean(
    groups: Groups, left: np.ndarray, per_pair: np.ndarray, default: float
) -> np.ndarray:
    """Per row: mean of a per-pair quantity over the member's pairs (``default`` if none)."""
    n = groups.rows.shape[0]
    count = np.bincount(left, minlength=n)
    total = np.bincount(left, weights=per_pair, minlength=n)
    return np.where(count > 0, total / np.maximum(count, 1), default)


def experience_trust(
    world: World,
    groups: Groups,
    left: np.ndarray,
    right: np.ndarray,
    experience: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Trust moves for co-member pairs: toward likeness and shared experience (C2, C3).

    ``experience`` is per row (what the left member went through with the others this
    month, in [0, 1]); the target leans on value similarity by ``trust_similarity_weight``.
    """
    w = world.params.trust_similarity_weight
    src, dst = groups.org[left], groups.org[right]
    target = w * similarity(world, src, dst) + (1.0 - w) * experience[left]
    return src, dst, unit(target)


def newcomers(
    world: World,
    groups: Groups,
    mission: np.ndarray,
    rng: np.random.Generator,
) -> list[tuple[int, np.ndarray, float]]:
    """Who joins the alliances of ``groups`` this month (C15).

    Open alliances look with probability ``recruitment_rate`` among ``applicants``
    organisations with free attention and admit the best-fitting one if it fits the
    mission by ``admission_fit``. Closed alliances admit only by referral: each member,
    with probability ``referral_rate``, proposes an acquaintance it trusts at least
    ``referral_trust``, admitted if it fits as well. An organisation joins one alliance a
    month at most (the first that admits it).
    """
    p = world.params
    ids = groups.ids
    free = world.free()
    pool = free.nonzero()[0]
    if pool.shape[0] == 0 or ids.shape[0] == 0:
        return []
    values = world.population.values
    is_open = world.alliances.open[ids]
    chosen_group: list[np.ndarray] = []
    chosen_org: list[np.ndarray] = []

    looking = (is_open & (rng.random(ids.shape[0]) < p.recruitment_rate)).nonzero()[0]
    if looking.shape[0]:
        sample = pool[rng.integers(pool.shape[0], size=(looking.shape[0], p.applicants))]
        fits = commit.fit(p, values[sample], mission[looking][:, None, :])
        member = world.members.contains(ids[looking].repeat(p.applicants), sample.ravel())
        fits[member.reshape(sample.shape)] = -1.0
        best = np.argmax(fits, axis=1)
        pick = np.arange(looking.shape[0])
        ok = fits[pick, best] >= p.admission_fit
        chosen_group.append(looking[ok])
        chosen_org.append(sample[pick, best][ok])

    closed_rows = (~is_open[groups.group]).nonzero()[0]
    if closed_rows.shape[0] and p.referral_rate > 0:
        proposing = closed_rows[rng.random(closed_rows.shape[0]) < p.referral_rate]
        if proposing.shape[0]:
            proposers = groups.org[proposing]
            trust = world.trust
            slots = trust.slot_block(proposers)
            if slots is not None:
                block = slots >= 0
                block &= free
                owner, known = block.nonzero()
                # What ``trust.get`` reads for these known pairs, from their slots.
                keep = trust.value[slots[owner, known]] >= p.referral_trust
            else:
                owner, known = trust.known_many(proposers)
                keep = free[known] & (trust.get(proposers[owner], known) >= p.referral_trust)
            # Co-members are trusted acquaintances too, but proposing them admits nobody.
            keep &= ~world.members.contains(ids[groups.group[proposing[owner]]], known)
            owner, known = owner[keep], known[keep]
            # Each proposing member proposes one trusted acquaintance, drawn at random: the
            # first of its own in a random order.
            order = rng.permutation(owner.shape[0])
            first = _first_of_each(owner, order)
            group = groups.group[proposing[owner[first]]]
            org = known[first]
            # Acquaintances already in the proposer's alliance were left out above.
            ok = commit.fit(p, values[org], mission[group]) >= p.admission_fit
            chosen_group.append(group[ok])
            chosen_org.append(org[ok])

    if not chosen_org:
        return []
    group = np.concatenate(chosen_group)
    org = np.concatenate(chosen_org)
    # Each organisation joins the first alliance that admits it.
    alliance_of = ids.tolist()
    seen: set[int] = set()
    joins = []
    for g, o in zip(group.tolist(), org.tolist(), strict=True):
        if o not in seen:
            seen.add(o)
            joins.append((alliance_of[g], np.array([o]), p.newcomer_commitment))
    return joins


def _first_of_each(owner: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Per value of sorted ``owner``: the index of its first row in the order ``order``.

    ``order`` is a permutation of the rows; the values come out ascending. What
    ``order[np.unique(owner[order], return_index=True)[1]]`` gives, in linear time.
    """
    m = owner.shape[0]
    if m == 0:
        return np.empty(0, dtype=np.int64)
    position = np.empty(m, dtype=np.int64)
    position[order] = np.arange(m)
    new = np.empty(m, dtype=bool)
    new[0] = True
    np.not_equal(owner[1:], owner[:-1], out=new[1:])
    return order[np.minimum.reduceat(position, np.flatnonzero(new))]


@dataclass
class Standing:
    """What governance depends on, per group: size, trust, consensus and the lead."""

    size: np.ndarray
    trust: np.ndarray
    consensus: np.ndarray
    lead: np.ndarray  # organisation most trusted by its co-members
    lead_trust: np.ndarray  # their mean trust in it
    world: World
    groups: Groups

    def worth(self, params) -> np.ndarray:
        """Worth of every governance form, shape (groups, 3)."""
        from simulation.behaviour import governance, production

        gain = production.competence_gain(self.world, self.groups)
        return governance.compare(
            params, self.size, self.trust, self.consensus, self.lead_trust, gain
        )

    def best(self, params) -> np.ndarray:
        """The governance form worth most to each group."""
        return np.argmax(self.worth(params), axis=1).astype(np.int8)


def standing(
    world: World,
    groups: Groups,
    left: np.ndarray,
    right: np.ndarray,
    trust: np.ndarray,
    mean_trust: np.ndarray,
    fit: np.ndarray,
) -> Standing:
    """Gather what the choice and the working of a governance form depend on (C12, C13)."""
    received = member_mean(groups, right, trust, default=world.params.trust_baseline)
    top = groups.argmax(received)
    lead = np.where(top >= 0, groups.org[np.maximum(top, 0)], -1)
    lead_trust = np.where(top >= 0, received[np.maximum(top, 0)], 0.0)
    return Standing(
        size=groups.size.astype(float),
        trust=mean_trust,
        consensus=groups.mean(fit),
        lead=lead,
        lead_trust=lead_trust,
        world=world,
        groups=groups,
    )
