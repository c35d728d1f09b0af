"""Transforming: the alliance reinvents itself, or it ends.

Claims: C8 (founders keep a leading role: their leadership weighs more), C19 (a healthy
alliance is not forced into a radical transformation: only a large mission-need gap
makes renewal revolutionary), C20 (an alliance that cannot reinvent itself ends), C21
(the work goes on, distracted, and members weigh what they still get), C22 (leaders act:
one visionary leader puts a proposal close to her own view on the table at once;
collective leadership deliberates for ``deliberation_steps`` months and proposes what
the members' centre would accept; a proposal is adopted with a chance that grows with
the leadership behind it; members who do not follow it leave), C26 (evolutionary renewal
adapts the mission and returns to evolving; revolutionary renewal adopts the new mission
and starts a new forming around it; or the alliance merges into a healthier one
(``absorbed``), the members agree to end it (``wound_down``), or time runs out
(``transformation_failed``)).

Controlled organisations (the classroom) can vote and back proposals through
``World.votes`` and ``World.backing``; both are read here and cleared by the model.
"""

from __future__ import annotations

import numpy as np

from simulation.behaviour import commitment as commit
from simulation.behaviour import endings, production
from simulation.groups import Groups
from simulation.phases.common import Outcome, groups_of, member_mean
from simulation.phases.evolving import work
from simulation.population import distance
from simulation.state import DISSOLVED, EVOLVING, FORMING, World

KINDS = ("evolutionary", "revolutionary")


def effort(world: World, groups: Groups, commitment: np.ndarray) -> np.ndarray:
    """Per row: the leadership a member puts in: capacity times commitment (C8, C22)."""
    founder = world.members.founder[groups.rows]
    weight = np.where(founder, world.params.founder_weight, 1.0)
    return np.minimum(world.population.leadership[groups.org] * commitment * weight, 1.0)


def leadership(world: World, groups: Groups, commitment: np.ndarray, collective: np.ndarray):
    """Per group: the strength of the leadership behind renewal, in [0, 1] (C22).

    One leader offers the best member's effort; collective leadership pools everyone's,
    saturating at ``pool_scale``.
    """
    put_in = effort(world, groups, commitment)
    single = groups.max(put_in)
    pooled = 1.0 - np.exp(-groups.sum(put_in) / world.params.pool_scale)
    return np.where(collective, pooled, single)


def proposals(world: World, groups: Groups, commitment: np.ndarray):
    """Per group: the leader's proposal and the collective one (C22).

    The leader (the member putting in most leadership) proposes her own values moved
    toward the need by ``leader_vision``; deliberation proposes the members' centre moved
    by ``collective_vision``.
    """
    p = world.params
    need = world.environment.need
    values = world.population.values[groups.org]
    leader = groups.argmax(effort(world, groups, commitment))
    own = values[np.maximum(leader, 0)]
    by_leader = own + p.leader_vision * (need - own)
    centre = groups.centre(values, np.maximum(commitment, 1e-6))
    by_all = centre + p.collective_vision * (need - centre)
    return by_leader, by_all


def _choices(book: dict[int, dict[int, str]], groups: Groups, options: tuple[str, ...]):
    """Per row: the index in ``options`` of the member's choice in ``book``, or -1."""
    out = np.full(groups.rows.shape[0], -1)
    if not book:
        return out
    for k, (alliance, org) in enumerate(
        zip(groups.ids[groups.group].tolist(), groups.org.tolist(), strict=True)
    ):
        choice = book.get(alliance, {}).get(org)
        if choice in options:
            out[k] = options.index(choice)
    return out


def step(world: World, ids: np.ndarray, rng: np.random.Generator) -> Outcome:
    """One month of transforming for alliances ``ids``."""
    p = world.params
    store = world.alliances
    outcome = Outcome()
    if ids.shape[0] == 0:
        return outcome
    groups = groups_of(world, ids)
    commitment = world.members.commitment[groups.rows]
    age = world.step - store.phase_since[ids]
    mission = store.mission[ids]

    # Who leads this crisis: a collective process or one leader; members may back one.
    backing = _choices(world.backing, groups, ("leader", "collective"))
    share = groups.sum(np.where(backing >= 0, backing, p.collective_leadership)) / np.maximum(
        groups.size, 1
    )
    starting = age <= 1  # the first month in this phase
    draw = rng.random(ids.shape[0]) < share
    collective = np.where(starting, draw, store.proposal_ready[ids] >= 0)
    ready_at = np.where(
        starting,
        np.where(draw, world.step + p.deliberation_steps, -1),
        store.proposal_ready[ids],
    )
    outcome.update("proposal_ready", ids, ready_at)
    by_leader, by_all = proposals(world, groups, commitment)
    proposal = np.where(collective[:, None], by_all, by_leader)
    on_table = ~collective | (world.step >= ready_at)

    # The work goes on, distracted; members weigh what they get and the proposal (C21).
    relevance = production.relevance(world, mission)
    _, returned, worth, _, unfair, pairs, _ = work(
        world, groups, mission, rng, distraction=p.crisis_distraction, relevant=relevance
    )
    left, _, trust, mean_trust = pairs
    outcome.returns.append((groups.rows, returned))
    fit = commit.member_fit(world, groups, np.where(on_table[:, None], proposal, mission))
    trust_in_others = member_mean(groups, left, trust, default=p.trust_baseline)
    satisfied = commit.satisfaction(p, worth, fit, trust_in_others, unfair)
    commitment = commit.follow(p, commitment, satisfied)
    outcome.commitment.append((groups.rows, commitment))

    # A proposal on the table is adopted with a chance set by the leadership behind it.
    strength = leadership(world, groups, commitment, collective)
    renewed = on_table & (rng.random(ids.shape[0]) < p.renewal_rate * strength)
    gap = distance(mission, world.environment.need)
    votes = _choices(world.votes, groups, (*KINDS, "end"))
    revolution = gap > p.revolution_gap
    if world.votes:  # without votes the gap decides
        voted = [groups.sum((votes == k).astype(float)) for k in range(3)]
        revolution = np.where(voted[0] + voted[1] > 0, voted[1] > voted[0], revolution)
    evolution = renewed & ~revolution
    revolution = renewed & revolution

    # Members who do not follow the adopted mission leave (C22).
    adopted = renewed[groups.group]
    astray = adopted & (fit < p.follow_fit)
    outcome.leave(groups.rows[astray], "did_not_follow")

    e = evolution.nonzero()[0]
    if e.shape[0]:
        adapted = mission[e] + p.adaptation * (proposal[e] - mission[e])
        outcome.update("mission", ids[e], adapted)
        outcome.update("aspiration", ids[e], store.results_trend[ids[e]])
        outcome.update("shortfall", ids[e], np.zeros(e.shape[0]))
        outcome.move(ids[e], EVOLVING, "evolutionary_renewal")

    r = revolution.nonzero()[0]
    if r.shape[0]:
        outcome.update("mission", ids[r], proposal[r])
        outcome.update("arrangements", ids[r], np.zeros(r.shape[0]))
        outcome.update("cohesion", ids[r], store.cohesion[ids[r]] * p.revolution_cohesion)
        for name in ("aspiration", "results_trend", "goal"):
            outcome.update(name, ids[r], np.full(r.shape[0], np.nan))
        outcome.update("shortfall", ids[r], np.zeros(r.shape[0]))
        outcome.update("impact", ids[r], np.zeros(r.shape[0]))
        outcome.move(ids[r], FORMING, "revolutionary_renewal")

    # No renewal: a merger into a healthy alliance, an agreed end, or failure (C20, C26).
    absorber = np.where(renewed, -1, endings.absorbers(world, ids, relevance, rng))
    merged = absorber >= 0
    for k in np.flatnonzero(merged).tolist():
        outcome.mergers.append((int(ids[k]), int(absorber[k])))
    outcome.move(ids[merged], DISSOLVED, "absorbed")
    agreed = (
        ~renewed & ~merged & endings.agree_to_end(p, groups, commitment, mean_trust, votes == 2)
    )
    outcome.move(ids[agreed], DISSOLVED, "wound_down")
    failed = ~renewed & ~merged & ~agreed & (age >= p.max_transforming_steps)
    outcome.move(ids[failed], DISSOLVED, "transformation_failed")
    return outcome
