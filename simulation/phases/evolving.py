"""Evolving: the alliance sets goals, delivers results, grows, completes or stalls.

Claims: C3 and C16 (results come from the capabilities members bring and combine, the
mission's relevance, cohesion and coordination), C14 (ambition rises with success and
falls back after failures, against a reference between the alliance's own results and
its peers'; a goal met is completed or replaced by a larger one), C15 (open alliances
recruit fitting applicants; closed ones admit trusted acquaintances by referral), C16
and C17 (each member's commitment follows its own return against its outside option,
its fit, its trust and fairness; members leave one by one), C18
(coordination through the governance form), C12 (an alliance that outgrows its form goes
back to founding, keeping its mission), C25 (a shared mission gives stability: fit feeds
commitment), C27 (foresight moves the mission toward where the need is heading, at a
cost in results and in the fit of members it leaves behind), C20 and C21 (sustained
stagnation, lost relevance or lost meaning start transforming).
"""

from __future__ import annotations

import numpy as np

from simulation.behaviour import commitment as commit
from simulation.behaviour import endings, governance, production
from simulation.phases.common import (
    Groups,
    Outcome,
    co_member_pairs,
    experience_trust,
    groups_of,
    member_mean,
    newcomers,
    pair_trust,
    standing,
)
from simulation.phases.founding import adapt_mission
from simulation.state import DISSOLVED, EVOLVING, FOUNDING, TRANSFORMING, World


def pleased(world: World, trend: np.ndarray, aspiration: np.ndarray) -> np.ndarray:
    """How results compare with what the alliance aimed for, in [0, 1]."""
    return 1.0 / (1.0 + np.exp(-(trend - aspiration) / world.params.pleased_scale))


def peer_trend(world: World) -> float:
    """The peers' results: the mean results trend of the evolving alliances (NaN if none)."""
    store = world.alliances
    trends = store.results_trend[store.in_phase(EVOLVING)]
    trends = trends[~np.isnan(trends)]
    return float(trends.mean()) if trends.shape[0] else float("nan")


def aspire(
    world: World, trend: np.ndarray, aspiration: np.ndarray, peers: float = float("nan")
) -> np.ndarray:
    """Aspiration one month on (C14).

    What it follows is a reference: its own trend, leaned by ``social_aspiration`` toward
    the peers' results ``peers`` (social comparison: an alliance that does worse than
    the others does not settle for it). After success it aims ``ambition`` above the
    reference; after failure it falls back toward it at ``fallback_rate``.
    """
    p = world.params
    reference = trend if np.isnan(peers) else trend + p.social_aspiration * (peers - trend)
    success = trend >= aspiration
    up = aspiration + p.aspiration_rate * (reference + p.ambition - aspiration)
    down = aspiration + p.fallback_rate * (reference - aspiration)
    return np.where(success, up, down)


def work(
    world: World,
    groups: Groups,
    mission: np.ndarray,
    rng: np.random.Generator,
    distraction: float = 0.0,
    relevant: np.ndarray | None = None,
):
    """One month of work, shared by evolving and transforming.

    Returns the results, each member's return, worth, fit and unfairness, the co-member
    pairs with their trust, and the governance standing. ``relevant`` is the missions'
    relevance (``production.relevance``) if the caller has it already.
    """
    p = world.params
    store = world.alliances
    ids = groups.ids
    form = np.maximum(store.governance[ids], 0)
    fit = commit.member_fit(world, groups, mission)
    left, right = co_member_pairs(groups, rng, p.interactions)
    trust, mean_trust = pair_trust(world, groups, left, right)
    stand = standing(world, groups, left, right, trust, mean_trust, fit)
    lead_trust = np.where(store.lead[ids] == stand.lead, stand.lead_trust, mean_trust)
    coordination = governance.coordination(
        p, form, stand.size, mean_trust, stand.consensus, lead_trust
    )
    produced = production.results(
        world, groups, mission, form, coordination, rng, distraction, relevant
    )
    returned = production.returns(world, groups, produced)
    option = commit.outside_option(world, groups.rows)
    worth = commit.worth(p, returned, option)
    unfair = production.unfairness(world, groups, form)
    return produced, returned, worth, fit, unfair, (left, right, trust, mean_trust), stand


def step(world: World, ids: np.ndarray, rng: np.random.Generator) -> Outcome:
    """One month of evolving for alliances ``ids``."""
    p = world.params
    store = world.alliances
    outcome = Outcome()
    if ids.shape[0] == 0:
        return outcome
    groups = groups_of(world, ids)
    commitment = world.members.commitment[groups.rows]

    mission = adapt_mission(world, store.mission[ids], np.ones(ids.shape[0], dtype=bool))
    outcome.update("mission", ids, mission)
    relevance = production.relevance(world, mission)
    produced, returned, worth, fit, unfair, pairs, stand = work(
        world, groups, mission, rng, relevant=relevance
    )
    left, right, trust, mean_trust = pairs
    outcome.returns.append((groups.rows, returned))

    old_trend = store.results_trend[ids]
    trend = np.where(
        np.isnan(old_trend), produced, old_trend + p.trend_weight * (produced - old_trend)
    )
    aspiration = np.where(np.isnan(store.aspiration[ids]), trend, store.aspiration[ids])
    # Stagnation is a sustained shortfall: a moving average over the window (C21).
    shortfall = store.shortfall[ids] + (aspiration - produced - store.shortfall[ids]) / (
        p.stagnation_window
    )
    outcome.update("results", ids, produced)
    outcome.update("results_trend", ids, trend)
    outcome.update("aspiration", ids, aspire(world, trend, aspiration, peer_trend(world)))
    outcome.update("shortfall", ids, shortfall)
    # Knowledge exchange goes on and deepens the common identity (C11).
    cohesion = store.cohesion[ids]
    outcome.update("cohesion", ids, cohesion + p.exchange_rate * mean_trust * (1.0 - cohesion))

    # Shared experience moves trust: results against aims, fairness felt (C2, C10, C16).
    happy = pleased(world, trend, aspiration)[groups.group] * (1.0 - unfair)
    outcome.trust.append(experience_trust(world, groups, left, right, happy))
    trust_in_others = member_mean(groups, left, trust, default=p.trust_baseline)
    satisfied = commit.satisfaction(p, worth, fit, trust_in_others, unfair)
    commitment = commit.follow(p, commitment, satisfied)
    outcome.commitment.append((groups.rows, commitment))
    outcome.joins.extend(newcomers(world, groups, mission, rng))

    # Impact toward the goal: relevant results add up; a goal met is completed or renewed.
    # A goal has a horizon: one missed in time is set again from scratch.
    fresh = np.isnan(store.goal[ids])
    goal = np.where(fresh, p.goal_size, store.goal[ids])
    since = np.where(fresh, world.step, store.goal_since[ids])
    impact = store.impact[ids] + np.maximum(produced, 0.0) * relevance
    met = impact >= goal
    missed = ~met & (world.step - since >= p.goal_horizon)
    completes = met & endings.goal_reached(p, relevance)
    renews = met & ~completes
    outcome.update("impact", ids, np.where(met | missed, 0.0, impact))
    outcome.update("goal", ids, np.where(renews, goal * p.goal_growth, goal))
    outcome.update("goal_since", ids, np.where(met | missed, world.step, since))
    outcome.move(ids[completes], DISSOLVED, "completed")

    # Without results the members as a group no longer want to go on (C17).
    mean_commitment = groups.mean(commitment)
    collapsed = ~completes & (mean_commitment < p.exit_commitment)
    outcome.move(ids[collapsed], DISSOLVED, "lack_of_results")

    # An alliance that outgrew its governance form reorganises (C12).
    form = np.maximum(store.governance[ids], 0)
    worths = stand.worth(p)
    current = worths[np.arange(ids.shape[0]), form]
    outgrown = ~completes & ~collapsed & (worths.max(axis=1) > current + p.governance_margin)
    outcome.move(ids[outgrown], FOUNDING, "outgrown")
    outcome.update("arrangements", ids[outgrown], np.zeros(int(outgrown.sum())))

    # Sustained stagnation, lost relevance or lost meaning: a crisis to face (C20, C21).
    stagnating = shortfall > p.stagnation_tolerance
    irrelevant = relevance < p.relevance_lost
    meaningless = mean_commitment < p.meaning_lost
    calm = ~completes & ~collapsed & ~outgrown
    triggered = calm & (stagnating | irrelevant | meaningless)
    enters = triggered & (rng.random(ids.shape[0]) < p.transform_hazard)
    for mask, cause in (
        (irrelevant, "lost_relevance"),
        (stagnating, "stagnation"),
        (meaningless, "lost_meaning"),
    ):
        chosen = enters & mask
        outcome.move(ids[chosen], TRANSFORMING, cause)
        enters &= ~mask
    return outcome
