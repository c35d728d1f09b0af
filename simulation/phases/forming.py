"""Forming: partners find each other, build trust and agree on a mission.

Claims: C2 (trust and relationships are the core), C3 (differences help innovation,
similarity helps trust: partners are scored on both), C4 (few are excluded at first:
strangers are considered too; members who do not fit drop out rather than block the
group), C5 (initiators who know each other; fear of exclusion pushes organisations to
start and to accept), C6 and C7 (a mission negotiated from the members' values, leaned
toward the need), C8 (founders weigh more in the negotiation), C24 (care: more partners
explored, stricter thresholds of trust and consensus before founding, and more patience).

``initiate`` decides which organisations start a new alliance and whom they invite;
``step`` moves the alliances already in forming.
"""

from __future__ import annotations

import numpy as np

from simulation.behaviour import commitment as commit
from simulation.behaviour.production import complementarity_of
from simulation.phases.common import (
    NewAlliance,
    Outcome,
    co_member_pairs,
    experience_trust,
    groups_of,
    member_mean,
    negotiated_mission,
    pair_trust,
    similarity,
    standing,
)
from simulation.population import nan_to_zero, row_mean, unit
from simulation.state import DISSOLVED, FOUNDING, World


def initiation_probability(world: World) -> np.ndarray:
    """Per organisation: chance to start an alliance this month (C2, C5).

    Drive alone starts some; fear of exclusion adds in proportion to the share of one's
    acquaintances already allied. Organisations without free attention start none.
    """
    pop, p = world.population, world.params
    allied = (world.load > 0).astype(float)
    allied_share = (pop.ties @ allied) / np.maximum(pop.degree, 1)
    chance = p.initiation_rate * (pop.drive + pop.fear_of_exclusion * allied_share)
    return np.where(world.free(), unit(chance), 0.0)


def partner_scores(
    world: World,
    inviters: np.ndarray,
    candidates: np.ndarray,
    missions: np.ndarray | None = None,
) -> np.ndarray:
    """How attractive each candidate is to its inviter (C3): alike, trusted, complementary.

    With ``missions`` (rows not NaN: a new forming around a renewed mission, C26) likeness
    is to the mission rather than to the inviter.
    """
    p = world.params
    caps = world.population.capabilities
    alike = similarity(world, inviters, candidates)
    if missions is not None:
        around = ~np.isnan(missions[:, 0])
        fits = commit.fit(p, world.population.values[candidates], nan_to_zero(missions))
        alike = np.where(around, fits, alike)
    trusted = world.trust.get(inviters, candidates)
    adds = row_mean(np.maximum(caps[candidates] - caps[inviters], 0.0))
    return p.seek_similarity * alike + p.seek_trust * trusted + p.seek_complementarity * adds


def acceptance_probability(world: World, inviters: np.ndarray, invitees: np.ndarray):
    """Chance that each invitee accepts: trust in and likeness to the inviter, plus fear."""
    p = world.params
    pop = world.population
    alike = similarity(world, invitees, inviters)
    trusted = world.trust.get(invitees, inviters)
    base = (
        p.accept_similarity * alike
        + p.accept_trust * trusted
        + p.accept_fear * pop.fear_of_exclusion[invitees]
    )
    openness = 1.0 - p.accept_openness + p.accept_openness * pop.openness[invitees]
    return unit(base * openness)


def invite(
    world: World,
    inviters: np.ndarray,
    per_inviter: int,
    free: np.ndarray,
    rng: np.random.Generator,
    alliances: np.ndarray | None = None,
    missions: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Who each inviter invites, and who accepts, for all inviters at once (C3, C4, C5, C24).

    Candidates are the inviter's acquaintances and former partners plus
    ``strangers_considered`` strangers (more with care: ``care_exploration``), with free
    attention and not yet in the inviter's alliance. Up to ``per_inviter`` are invited,
    sampled by attractiveness (Gumbel top-k at ``invite_temperature``); each accepts by
    its own view of the inviter. ``missions`` (per inviter, optional) scores candidates
    by their fit with the mission instead of their likeness to the inviter.

    Returns:
        (inviter position, invitee) for each accepted invitation.
    """
    p = world.params
    n = world.population.n
    k = inviters.shape[0]
    strangers = p.strangers_considered + round(p.care_exploration * p.forming_care)
    block = world.trust.known_block(inviters)
    if block is not None:
        # The same pairs, in the same order, from a mask of (inviter position, candidate).
        block[np.repeat(np.arange(k), strangers), rng.integers(n, size=k * strangers)] = True
        block[np.arange(k), inviters] = False
        block[:, ~free] = False
        owner, candidate = np.nonzero(block)
        keep = np.ones(owner.shape[0], dtype=bool)
    else:
        owner, candidate = world.trust.known_many(inviters)
        owner = np.concatenate([owner, np.repeat(np.arange(k), strangers)])
        candidate = np.concatenate([candidate, rng.integers(n, size=k * strangers)])
        pair = np.unique(owner * n + candidate)
        owner, candidate = pair // n, pair % n
        keep = (candidate != inviters[owner]) & free[candidate]
    if alliances is not None:
        keep &= ~world.members.contains(alliances[owner], candidate)
    owner, candidate = owner[keep], candidate[keep]
    if owner.shape[0] == 0:
        return owner, candidate
    around = None if missions is None else missions[owner]
    noisy = partner_scores(world, inviters[owner], candidate, around) / p.invite_temperature
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
    model admits it to the first while it has free attention (in a random order).
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


def founding_covariates(world: World, alliance: int) -> tuple[int, float, float, float]:
    """What analysts compare alliances by, read from its founders at the first founding.

    The founders' number, the spread of their values around their centre, how far their
    capabilities complement each other (``complementarity_of``) and their mean mutual
    trust over every ordered pair.
    """
    groups = groups_of(world, np.array([alliance]))
    orgs = groups.org
    values = world.population.values[orgs]
    src, dst = np.nonzero(~np.eye(orgs.shape[0], dtype=bool))
    trust = world.trust.get(orgs[src], orgs[dst])
    mean_trust = float(trust.mean()) if trust.shape[0] else world.params.trust_baseline
    return (
        int(orgs.shape[0]),
        float(groups.spread(values)[0]),
        float(complementarity_of(world, groups)[0]),
        mean_trust,
    )


def step(world: World, ids: np.ndarray, rng: np.random.Generator) -> Outcome:
    """One month of forming for alliances ``ids``.

    The mission is negotiated (in a first forming; after a revolutionary renewal the new
    mission stands). Members meet: trust moves toward likeness and shared sense of
    mission. Commitment follows each member's fit and trust. Members who do not fit drop
    out. Alliances short of ``target_size`` invite ``forming_invitations`` more partners.
    Enough members, trust and consensus: founding, with a governance form chosen. Too
    long: ``formation_failed``.
    """
    p = world.params
    store = world.alliances
    outcome = Outcome()
    if ids.shape[0] == 0:
        return outcome
    groups = groups_of(world, ids)
    commitment = world.members.commitment[groups.rows]
    mission = store.mission[ids]
    # After a revolutionary renewal the new mission is the starting point; it is
    # renegotiated only at a share ``renegotiation`` of the usual rate (C26).
    renewal = store.revolutionary_renewals[ids] > 0
    rate = p.negotiation_rate * np.where(renewal, p.renegotiation, 1.0)
    mission = mission + rate[:, None] * (negotiated_mission(world, groups, commitment) - mission)
    outcome.update("mission", ids, mission)

    fit = commit.member_fit(world, groups, mission)
    left, right = co_member_pairs(groups, rng, p.interactions)
    outcome.trust.append(experience_trust(world, groups, left, right, fit))
    trust, mean_trust = pair_trust(world, groups, left, right)
    trust_in_others = member_mean(groups, left, trust, default=p.trust_baseline)
    satisfied = (p.weight_fit * fit + p.weight_trust * trust_in_others) / max(
        p.weight_fit + p.weight_trust, 1e-12
    )
    outcome.commitment.append((groups.rows, commit.follow(p, commitment, satisfied)))

    # Members who do not fit the emerging mission drop out (C4): the rest can agree.
    misfit = fit < p.misfit_fit
    outcome.leave(groups.rows[misfit], "misfit")
    stays = (~misfit).astype(float)
    size = groups.sum(stays)
    consensus = groups.sum(fit * stays) / np.maximum(size, 1.0)
    # A group with members to spare that cannot agree leaves out the member who fits the
    # mission least (C4, C24).
    spare = (size > p.min_members) & (consensus < p.forming_consensus_needed)
    spare &= rng.random(ids.shape[0]) < p.leave_out_chance
    if spare.any():
        out = groups.argmax(np.where(misfit, -np.inf, -fit))[spare]
        outcome.leave(groups.rows[out], "left_out")
        stays[out] = 0.0
        size = groups.sum(stays)
        consensus = groups.sum(fit * stays) / np.maximum(size, 1.0)

    # Alliances still short of members invite more partners (C4); a new forming after
    # a renewal also invites while it lacks consensus, looking for partners who fit the
    # new mission (C26).
    lacking = renewal & (consensus < p.forming_consensus_needed)
    short = np.flatnonzero((size < p.target_size) | lacking)
    if short.shape[0]:
        pick = groups.start[short] + np.floor(rng.random(short.shape[0]) * groups.size[short])
        inviters = groups.org[pick.astype(np.int64)]
        around = np.where(renewal[short][:, None], mission[short], np.nan)
        owner, invitee = invite(
            world,
            inviters,
            p.forming_invitations,
            world.free(),
            rng,
            alliances=ids[short],
            missions=around if renewal[short].any() else None,
        )
        for k, org in zip(owner.tolist(), invitee.tolist(), strict=True):
            outcome.joins.append((int(ids[short[k]]), np.array([org]), p.founder_commitment))

    age = world.step - store.phase_since[ids]
    ready = (
        (size >= p.min_members)
        & (mean_trust >= p.forming_trust_needed)
        & (consensus >= p.forming_consensus_needed)
    )
    r = np.flatnonzero(ready)
    if r.shape[0]:
        # What the founders settle at founding: the governance form (C6, C13). The
        # founding covariates are read from the founders once the month's moves are done
        # (``founding_covariates``).
        stand = standing(world, groups, left, right, trust, mean_trust, fit)
        outcome.governance.append((ids[r], stand.best(p)[r]))
        outcome.update("lead", ids[r], stand.lead[r])
    outcome.move(ids[ready], FOUNDING, "founded")
    failed = ~ready & (age >= p.forming_patience)
    # A new forming after a revolutionary renewal that fails is a renewal that failed.
    outcome.move(ids[failed & ~renewal], DISSOLVED, "formation_failed")
    outcome.move(ids[failed & renewal], DISSOLVED, "transformation_failed")
    return outcome
