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
#: Commitment of those who join while the alliance is forming (founders, C8).
FOUNDER_COMMITMENT = 0.6


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


def partner_scores(world: World, inviters: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """How attractive each candidate is to its inviter (C3): alike, trusted, complementary."""
    caps = world.population.capabilities
    alike = similarity(world, inviters, candidates)
    trusted = world.trust.get(inviters, candidates)
    adds = np.maximum(caps[candidates] - caps[inviters], 0.0).mean(axis=1) * 2.0
    return alike + trusted + world.params.complementarity * adds


def acceptance_probability(world: World, inviters: np.ndarray, invitees: np.ndarray):
    """Chance that each invitee accepts: trust in and likeness to the inviter, plus fear."""
    pop = world.population
    alike = similarity(world, invitees, inviters)
    trusted = world.trust.get(invitees, inviters)
    base = 0.45 * alike + 0.45 * trusted + 0.3 * pop.fear_of_exclusion[invitees]
    return np.clip(base * (0.5 + 0.5 * pop.openness[invitees]), 0.0, 1.0)


def invite(
    world: World,
    inviters: np.ndarray,
    per_inviter: int,
    free: np.ndarray,
    rng: np.random.Generator,
    alliances: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Who each inviter invites, and who accepts, for all inviters at once (C3, C4, C5).

    Candidates are the inviter's acquaintances and former partners plus a few strangers,
    with free capacity and not yet in the inviter's alliance. Up to ``per_inviter`` are
    invited, sampled in proportion to attractiveness (Gumbel top-k); each accepts by its
    own view of the inviter.

    Returns:
        (inviter position, invitee) for each accepted invitation.
    """
    n = world.population.n
    owner, candidate = world.trust.known_many(inviters)
    strangers = round(STRANGERS_CONSIDERED * world.params.stranger_share / 0.2)
    owner = np.concatenate([owner, np.repeat(np.arange(inviters.shape[0]), strangers)])
    candidate = np.concatenate([candidate, rng.integers(n, size=inviters.shape[0] * strangers)])
    pair = np.unique(owner * n + candidate)
    owner, candidate = pair // n, pair % n
    keep = (candidate != inviters[owner]) & free[candidate]
    if alliances is not None:
        keep &= ~world.members.contains(alliances[owner], candidate)
    owner, candidate = owner[keep], candidate[keep]
    if owner.shape[0] == 0:
        return owner, candidate
    noisy = partner_scores(world, inviters[owner], candidate) / 0.3
    noisy += rng.gumbel(size=owner.shape[0])
    order = np.lexsort((-noisy, owner))
    owner, candidate = owner[order], candidate[order]
    first = np.searchsorted(owner, owner)
    chosen = np.arange(owner.shape[0]) - first < per_inviter
    owner, candidate = owner[chosen], candidate[chosen]
    accepts = rng.random(owner.shape[0]) < acceptance_probability(world, inviters[owner], candidate)
    return owner[accepts], candidate[accepts]


def initiate(world: World, rng: np.random.Generator) -> Outcome:
    """Decide the alliances started this month and their first members.

    Invitations go out at once; where two new alliances want the same organisation, the
    model admits it to the first while it has capacity (in a random order).
    """
    p = world.params
    outcome = Outcome()
    starters = np.flatnonzero(rng.random(world.population.n) < initiation_probability(world))
    if starters.shape[0] == 0:
        return outcome
    starters = starters[rng.permutation(starters.shape[0])]
    owner, accepted = invite(world, starters, p.initiators, world.free(), rng)
    is_open = rng.random(starters.shape[0]) < p.open_share
    bounds = np.searchsorted(owner, np.arange(starters.shape[0] + 1))
    for k in np.flatnonzero(np.diff(bounds)).tolist():
        members = np.concatenate([[starters[k]], accepted[bounds[k] : bounds[k + 1]]])
        outcome.new_alliances.append(
            NewAlliance(initiator=int(starters[k]), members=members, is_open=bool(is_open[k]))
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

    # Alliances still short of members invite one more partner (C4).
    short = np.flatnonzero(groups.size < p.min_members + EXTRA_MEMBERS)
    if short.shape[0]:
        pick = groups.start[short] + np.floor(rng.random(short.shape[0]) * groups.size[short])
        inviters = groups.org[pick.astype(np.int64)]
        owner, invitee = invite(world, inviters, 1, world.free(), rng, alliances=ids[short])
        for k, org in zip(owner.tolist(), invitee.tolist(), strict=True):
            outcome.joins.append((int(ids[short[k]]), np.array([org]), FOUNDER_COMMITMENT))

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
