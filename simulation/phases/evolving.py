"""Evolving: the alliance sets goals, delivers results, grows or closes.

Claims: C14 (more ambitious goals: aspiration ratchets up), C15 (closed alliances admit
no newcomers; open ones admit those whose values fit the mission), C16 (results come from
complementary capabilities, relevance, cohesion and coordination; visible results keep
partners investing), C17 (without results commitment falls and members leave), C18
(coordination: large alliances without a professional team coordinate poorly), C25 (a
shared mission gives stability: fit with it feeds commitment), C27 (foresight: the mission
already tracks the societal need), C12 (growth outgrows the arrangements: back to
founding), C20 and C21 (stagnation, lost relevance or lost meaning trigger transforming,
more readily under pressure).
"""

from __future__ import annotations

import numpy as np

from simulation.phases.common import (
    Groups,
    Outcome,
    co_member_pairs,
    complementarity_of,
    fit_with,
    groups_of,
    member_mean,
    pair_trust,
    recruit,
    similarity,
)
from simulation.population import distance
from simulation.state import DISSOLVED, FOUNDING, TRANSFORMING, World

#: Weight of recent results in the smoothed trend that is compared with aspiration.
TREND_WEIGHT = 0.3
#: Relevance below which an alliance has lost its relevance (C20).
RELEVANCE_LOST = 0.2
#: Sensitivity of satisfaction to the gap between results and aspiration.
GAP_SCALE = 2.5
#: Results a member could achieve outside the alliance; below it membership is not worth it.
OUTSIDE_OPTION = 0.65


def relevance(mission: np.ndarray, need: np.ndarray) -> np.ndarray:
    """Alignment of missions with the societal need, in [0, 1]."""
    return np.clip(1.0 - 2.0 * distance(mission, need), 0.0, 1.0)


def coordination(world: World, groups: Groups, team: np.ndarray) -> np.ndarray:
    """How well work is coordinated, in [0, 1] (C13, C18): falls with size, a team helps."""
    span = np.where(team, 3.0 * world.params.team_threshold, float(world.params.team_threshold))
    return 1.0 / (1.0 + (groups.size / span) ** 2)


def results(
    world: World,
    groups: Groups,
    mission: np.ndarray,
    team: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Results per group this month (C16): what working together produces."""
    p = world.params
    store = world.alliances
    ids = groups.ids
    produce = (
        0.15
        + 0.45 * p.complementarity * complementarity_of(world, groups)
        + 0.30 * relevance(mission, world.environment.need)
        + 0.15 * store.cohesion[ids]
        + 0.15 * coordination(world, groups, team)
        - p.team_overhead * team
        - 0.1 * world.environment.pressure
    )
    return produce + p.results_noise * rng.standard_normal(ids.shape[0])


def step(world: World, ids: np.ndarray, rng: np.random.Generator) -> Outcome:
    """One month of evolving for alliances ``ids``."""
    p = world.params
    store = world.alliances
    outcome = Outcome()
    if ids.shape[0] == 0:
        return outcome
    groups = groups_of(world, ids)
    commitment = world.members.commitment[groups.rows]
    team = store.team[ids]
    need = world.environment.need

    # Foresight: the mission moves toward the need before a crisis forces it (C27).
    mission = store.mission[ids] + 0.05 * p.foresight * (need - store.mission[ids])
    outcome.update("mission", ids, mission)

    produced = results(world, groups, mission, team, rng)
    trend = np.where(
        np.isnan(store.results_trend[ids]),
        produced,
        (1 - TREND_WEIGHT) * store.results_trend[ids] + TREND_WEIGHT * produced,
    )
    aspiration = np.where(np.isnan(store.aspiration[ids]), trend, store.aspiration[ids])
    gap = trend - aspiration
    # Aspiration follows results and ratchets up: ambitious goals (C14).
    new_aspiration = aspiration + p.aspiration_rate * (trend - aspiration) + p.ambition
    stagnation = np.where(gap < 0, store.stagnation[ids] + 1, 0)
    outcome.update("results", ids, produced)
    outcome.update("results_trend", ids, trend)
    outcome.update("aspiration", ids, new_aspiration)
    outcome.update("stagnation", ids, stagnation)

    # Results above aspiration build trust and commitment; below, they erode (C16, C17).
    pleased = np.clip(0.5 + GAP_SCALE * gap, 0.0, 1.0)
    left, right = co_member_pairs(groups, rng)
    alike = similarity(world, groups.org[left], groups.org[right])
    outcome.trust.append(
        (groups.org[left], groups.org[right], 0.5 * alike + 0.5 * pleased[groups.group[left]])
    )
    trust, _ = pair_trust(world, groups, left, right)
    fit = fit_with(world, groups, mission)
    trust_in_others = member_mean(groups, left, trust, default=p.trust_baseline)
    # Worth: results against what members could achieve elsewhere (their outside option).
    worth = np.clip(0.5 + GAP_SCALE * (trend - OUTSIDE_OPTION), 0.0, 1.0)
    satisfaction = (
        0.4 * worth[groups.group]
        + 0.3 * pleased[groups.group]
        + 0.15 * fit
        + 0.15 * trust_in_others
    )
    commitment = commitment + p.commitment_rate * (satisfaction - commitment)
    outcome.commitment.append((groups.rows, commitment))

    open_ids = np.flatnonzero(store.open[ids])
    outcome.joins.extend(recruit(world, ids[open_ids], mission[open_ids], rng))

    # Without results the members as a group no longer want to go on: it falls apart (C17).
    collapsed = groups.mean(commitment) < p.exit_commitment
    outcome.move(ids[collapsed], DISSOLVED, "lack_of_results")

    # Growth outgrows the arrangements (C12).
    outgrown = ~collapsed & (
        groups.size >= np.maximum(p.outgrow_factor * store.founding_size[ids], p.min_members + 1)
    )
    outcome.move(ids[outgrown], FOUNDING, "outgrown")

    # Stagnation, lost relevance or lost meaning trigger transforming (C20, C21).
    stagnating = stagnation >= p.stagnation_steps
    irrelevant = relevance(mission, need) < RELEVANCE_LOST
    meaningless = groups.mean(commitment) < p.exit_commitment + 0.1
    triggered = ~collapsed & ~outgrown & (stagnating | irrelevant | meaningless)
    hazard = np.clip(p.transform_hazard * (0.5 + world.environment.pressure), 0.0, 1.0)
    enters = triggered & (rng.random(ids.shape[0]) < hazard)
    for mask, cause in (
        (stagnating, "stagnation"),
        (irrelevant, "lost_relevance"),
        (meaningless, "lost_meaning"),
    ):
        chosen = enters & mask
        outcome.move(ids[chosen], TRANSFORMING, cause)
        enters &= ~mask
    return outcome
