"""Transforming: the alliance reinvents itself, or it ends.

Claims: C8 (founders keep a leading role: their leadership weighs more), C19 (a healthy
alliance is not forced into a radical transformation: only a large mission-need gap makes
renewal revolutionary), C20 (pressure can force transformation; an alliance that cannot
reinvent itself ends), C21 (commitment erodes while it lasts), C22 (renewal needs
leadership: one strong committed leader or the pooled leadership of many, weighted by
``collective_leadership``; shared leadership also slows the erosion of commitment), C26
(evolutionary renewal adapts the mission and returns to evolving; revolutionary renewal
resets the mission, members who no longer fit leave, and a new forming process starts).
"""

from __future__ import annotations

import numpy as np

from simulation.phases.common import (
    Groups,
    Outcome,
    co_member_pairs,
    groups_of,
    mission_of,
    similarity,
)
from simulation.population import distance
from simulation.state import DISSOLVED, EVOLVING, FORMING, World

#: Pooled leadership at which collective leadership reaches 63% of its maximum.
POOL_SCALE = 1.5
#: Founders keep a leading role almost for ever (C8): their leadership counts this much more.
FOUNDER_WEIGHT = 1.5
#: How far an evolutionary renewal moves the mission toward the need.
ADAPTATION = 0.7


def leadership(world: World, groups: Groups, commitment: np.ndarray) -> np.ndarray:
    """Per group: leadership available for renewal, in [0, 1] (C22).

    Only committed leadership counts, and founders' counts more (C8). One leader offers
    the best member's leadership times commitment; collective leadership pools everyone's,
    saturating.
    """
    founder = world.members.founder[groups.rows]
    effort = (
        world.population.leadership[groups.org]
        * commitment
        * np.where(founder, FOUNDER_WEIGHT, 1.0)
    )
    effort = np.minimum(effort, 1.0)
    single = groups.max(effort)
    pooled = 1.0 - np.exp(-groups.sum(effort) / POOL_SCALE)
    share = world.params.collective_leadership
    return (1.0 - share) * single + share * pooled


def step(world: World, ids: np.ndarray, rng: np.random.Generator) -> Outcome:
    """One month of transforming for alliances ``ids``."""
    p = world.params
    store = world.alliances
    outcome = Outcome()
    if ids.shape[0] == 0:
        return outcome
    groups = groups_of(world, ids)
    commitment = world.members.commitment[groups.rows]
    need = world.environment.need
    pressure = world.environment.pressure

    # Commitment erodes while the transformation lasts; shared ownership slows it (C21, C22).
    eroded = commitment - p.transform_erosion * (1.0 - 0.5 * p.collective_leadership)
    outcome.commitment.append((groups.rows, np.clip(eroded, 0.0, 1.0)))

    # Members keep talking; trust follows likeness, strained by the tension (C26).
    left, right = co_member_pairs(groups, rng)
    alike = similarity(world, groups.org[left], groups.org[right])
    outcome.trust.append((groups.org[left], groups.org[right], np.clip(alike - 0.1, 0, 1)))

    lead = leadership(world, groups, commitment)
    chance = p.renewal_rate * lead * (0.5 + 0.5 * store.cohesion[ids]) * (1.0 - 0.6 * pressure)
    renewed = rng.random(ids.shape[0]) < chance
    gap = distance(store.mission[ids], need)
    revolution = renewed & (gap > p.revolution_gap)
    evolution = renewed & ~revolution

    # Evolutionary renewal: adapt the mission, reset goals to what is reachable (C26).
    e = np.flatnonzero(evolution)
    adapted = store.mission[ids[e]] + ADAPTATION * (need - store.mission[ids[e]])
    outcome.update("mission", ids[e], adapted)
    outcome.update("aspiration", ids[e], store.results_trend[ids[e]] * 0.9)
    outcome.update("stagnation", ids[e], np.zeros(e.shape[0], dtype=np.int64))
    outcome.move(ids[e], EVOLVING, "evolutionary_renewal")

    # Revolutionary renewal: a new mission between the need and the members' values;
    # those far from it leave; governance and identity are rebuilt in a new forming (C26).
    r = np.flatnonzero(revolution)
    if r.shape[0]:
        centre = mission_of(world, groups, commitment)[r]
        reset = 0.5 * need + 0.5 * centre
        outcome.update("mission", ids[r], reset)
        outcome.update("governance", ids[r], np.zeros(r.shape[0]))
        outcome.update("cohesion", ids[r], store.cohesion[ids[r]] * 0.5)
        outcome.update("aspiration", ids[r], np.full(r.shape[0], np.nan))
        outcome.update("results_trend", ids[r], np.full(r.shape[0], np.nan))
        outcome.update("stagnation", ids[r], np.zeros(r.shape[0], dtype=np.int64))
        in_revolution = np.isin(groups.group, r)
        position = np.full(groups.ids.shape[0], -1)
        position[r] = np.arange(r.shape[0])
        far = (
            distance(
                world.population.values[groups.org], reset[np.maximum(position[groups.group], 0)]
            )
            > p.admission_distance * 1.5
        )
        outcome.exits.append((groups.rows[in_revolution & far], "left_in_revolution"))
        outcome.move(ids[r], FORMING, "revolutionary_renewal")

    age = world.step - store.phase_since[ids]
    failed = ~renewed & (age >= p.max_transforming_steps)
    outcome.move(ids[failed], DISSOLVED, "transformation_failed")
    return outcome
