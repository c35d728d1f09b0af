"""Forming: partners find each other, build trust and agree on a mission.

Claims: C2 (trust and relationships are the core), C3 (differences help innovation,
similarity helps trust), C4 (few are excluded at first: strangers are invited too), C5
(initiators who know each other; fear of exclusion pushes organisations to connect), C6
and C7 (a shared mission as the commitment-weighted centre of the members' values), C24
(care in forming: stricter thresholds on trust and consensus before founding).

``initiate`` decides which organisations start a new alliance and whom they invite;
``step`` moves the alliances already in forming.
"""

from __future__ import annotations

import numpy as np

from simulation.phases.common import (
    NewAlliance,
    Outcome,
    co_member_pairs,
    fit_with,
    groups_of,
    member_mean,
    mission_of,
    pair_trust,
    similarity,
)
from simulation.state import DISSOLVED, FOUNDING, World

#: Strangers considered by each initiator, besides its acquaintances (C4).
STRANGERS_CONSIDERED = 6
#: Members a forming alliance tries to reach before it stops inviting.
EXTRA_MEMBERS = 2


def initiation_probability(world: World) -> np.ndarray:
    """Per organisation: chance to start an alliance this month (C2, C5).

    Drive alone starts some; fear of exclusion adds in proportion to the share of one's
    acquaintances already allied. Organisations without free capacity start none.
    """
    pop, p = world.population, world.params
    allied = (world.load > 0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        allied_share = np.where(pop.degree > 0, (pop.ties @ allied) / pop.degree, 0.0)
    chance = p.initiation_rate * (pop.drive + pop.fear_of_exclusion * allied_share)
    return np.where(world.free(), np.clip(chance, 0.0, 1.0), 0.0)


def partner_scores(world: World, initiator: int, candidates: np.ndarray) -> np.ndarray:
    """How attractive each candidate is to the initiator (C3): alike, trusted, complementary."""
    caps = world.population.capabilities
    alike = similarity(world, np.full(candidates.shape[0], initiator), candidates)
    trusted = world.trust.get(np.full(candidates.shape[0], initiator), candidates)
    adds = np.maximum(caps[candidates] - caps[initiator], 0.0).mean(axis=1) * 2.0
    return alike + trusted + world.params.complementarity * adds


def acceptance_probability(world: World, initiator: int, invitees: np.ndarray) -> np.ndarray:
    """Chance that each invitee accepts: trust in and likeness to the initiator, plus fear."""
    pop = world.population
    alike = similarity(world, invitees, np.full(invitees.shape[0], initiator))
    trusted = world.trust.get(invitees, np.full(invitees.shape[0], initiator))
    base = 0.45 * alike + 0.45 * trusted + 0.3 * pop.fear_of_exclusion[invitees]
    return np.clip(base * (0.5 + 0.5 * pop.openness[invitees]), 0.0, 1.0)


def _candidates(world: World, org: int, free: np.ndarray, rng: np.random.Generator):
    known = world.trust.known(org)
    n_strangers = round(STRANGERS_CONSIDERED * world.params.stranger_share / 0.2)
    strangers = rng.integers(world.population.n, size=n_strangers)
    pool = np.unique(np.concatenate([known, strangers]))
    return pool[(pool != org) & free[pool]]


def initiate(world: World, rng: np.random.Generator) -> Outcome:
    """Decide the alliances started this month and their first members."""
    p = world.params
    outcome = Outcome()
    starters = np.flatnonzero(rng.random(world.population.n) < initiation_probability(world))
    if starters.shape[0] == 0:
        return outcome
    starters = starters[rng.permutation(starters.shape[0])]
    load = world.load.copy()
    capacity = world.population.capacity
    for org in starters.tolist():
        free = load < capacity
        if not free[org]:
            continue
        pool = _candidates(world, org, free, rng)
        if pool.shape[0] == 0:
            continue
        # Gumbel noise: invitations sampled in proportion to attractiveness, not a fixed ranking.
        noisy = partner_scores(world, org, pool) / 0.3 + rng.gumbel(size=pool.shape[0])
        invited = pool[np.argsort(-noisy, kind="stable")[: p.initiators]]
        accepted = invited[
            rng.random(invited.shape[0]) < acceptance_probability(world, org, invited)
        ]
        if accepted.shape[0] == 0:
            continue
        members = np.concatenate([[org], accepted])
        load[members] += 1
        outcome.new_alliances.append(
            NewAlliance(initiator=org, members=members, is_open=bool(rng.random() < p.open_share))
        )
    return outcome


def step(world: World, ids: np.ndarray, rng: np.random.Generator) -> Outcome:
    """One month of forming for alliances ``ids``.

    Members meet: trust moves toward their value similarity (C3). Commitment follows fit
    with the emerging mission and trust in the others. Small alliances invite more
    partners (C4). Enough members, trust and consensus: founding (C24). Too long:
    ``formation_failed``.
    """
    p = world.params
    outcome = Outcome()
    if ids.shape[0] == 0:
        return outcome
    groups = groups_of(world, ids)
    commitment = world.members.commitment[groups.rows]
    mission = mission_of(world, groups, commitment)
    outcome.update("mission", ids, mission)

    left, right = co_member_pairs(groups, rng)
    alike = similarity(world, groups.org[left], groups.org[right])
    outcome.trust.append((groups.org[left], groups.org[right], alike))
    trust, mean_trust = pair_trust(world, groups, left, right)

    fit = fit_with(world, groups, mission)
    consensus = groups.mean(fit)
    trust_in_others = member_mean(groups, left, trust, default=p.trust_baseline)
    satisfaction = 0.5 * fit + 0.5 * trust_in_others
    outcome.commitment.append(
        (groups.rows, commitment + p.commitment_rate * (satisfaction - commitment))
    )

    # Invite one more partner into alliances still short of members (C4).
    free = world.free()
    for g in np.flatnonzero(groups.size < p.min_members + EXTRA_MEMBERS).tolist():
        members = groups.org[groups.start[g] : groups.start[g] + groups.size[g]]
        if members.shape[0] == 0:
            continue
        inviter = int(members[rng.integers(members.shape[0])])
        pool = _candidates(world, inviter, free, rng)
        pool = pool[~np.isin(pool, members)]
        if pool.shape[0] == 0:
            continue
        noisy = partner_scores(world, inviter, pool) / 0.3 + rng.gumbel(size=pool.shape[0])
        invitee = pool[int(np.argmax(noisy))]
        if rng.random() < acceptance_probability(world, inviter, np.array([invitee]))[0]:
            outcome.joins.append((int(ids[g]), np.array([invitee]), 0.6))
            free[invitee] = world.load[invitee] + 1 < world.population.capacity[invitee]

    age = world.step - world.alliances.phase_since[ids]
    ready = (
        (groups.size >= p.min_members)
        & (np.nan_to_num(mean_trust) >= p.forming_trust_needed)
        & (consensus >= p.forming_consensus_needed)
    )
    outcome.move(ids[ready], FOUNDING, "founded")
    failed = ~ready & (age >= p.max_forming_steps)
    outcome.move(ids[failed], DISSOLVED, "formation_failed")
    return outcome
