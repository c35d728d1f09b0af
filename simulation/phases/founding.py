"""Founding: arrangements, governance and a common identity are built.

Claims: C9 (arrangements settle each partner's position and contribution), C10 (how
returns are shared: an unfair arrangement erodes trust and can break the cooperation),
C11 (knowledge exchange builds a common identity: cohesion), C12 (growth brings
organisational choices: mutual trust is harder to build in larger groups), C13
(governance takes shape; past a size threshold a professional team runs operations,
a network administrative organisation in Provan & Kenis' terms), C24 (a careful founding
process builds cohesion more slowly but more deeply), C27 (foresight may begin at the end
of founding).
"""

from __future__ import annotations

import numpy as np

from simulation.phases.common import (
    Groups,
    Outcome,
    co_member_pairs,
    fit_with,
    groups_of,
    member_mean,
    mission_of,
    pair_trust,
    recruit,
    similarity,
)
from simulation.state import DISSOLVED, EVOLVING, World

#: Size of a group that governs itself without friction (shared governance).
SMALL_GROUP = 4
#: How strongly a member feels short-changed per unit of excess contribution (C10).
UNFAIRNESS_SENSITIVITY = 3.0
#: Base rate at which knowledge exchange builds cohesion (C11).
EXCHANGE_RATE = 0.05


def unfairness(world: World, groups: Groups) -> np.ndarray:
    """Per row: how much more a member contributes than it gets back, in [0, 1] (C10).

    Contribution is the member's capability. Under an ``equal`` arrangement every member
    gets the same share, so strong contributors are short-changed; ``proportional``
    returns match contributions.
    """
    contribution = world.population.capabilities[groups.org].mean(axis=1)
    share = contribution / np.maximum(groups.sum(contribution)[groups.group], 1e-9)
    if world.params.arrangement == "proportional":
        return np.zeros(groups.rows.shape[0])
    equal = 1.0 / np.maximum(groups.size[groups.group], 1)
    excess = (share - equal) * groups.size[groups.group]  # relative to an average member
    return np.clip(UNFAIRNESS_SENSITIVITY * excess, 0.0, 1.0)


def governance_speed(world: World, groups: Groups, team: np.ndarray) -> np.ndarray:
    """Per group: governance progress per month at full trust (C12, C13, C24).

    Slower in larger groups unless a professional team runs operations; slower under a
    proportional arrangement (more to negotiate) and under more care.
    """
    p = world.params
    span = np.where(team, 3.0 * p.team_threshold, float(p.team_threshold))
    crowding = 1.0 + np.maximum(groups.size - SMALL_GROUP, 0) / span
    negotiation = 0.8 if p.arrangement == "proportional" else 1.0
    return p.governance_rate * negotiation * (1.0 - 0.4 * p.forming_care) / crowding


def step(world: World, ids: np.ndarray, rng: np.random.Generator) -> Outcome:
    """One month of founding for alliances ``ids``."""
    p = world.params
    store = world.alliances
    outcome = Outcome()
    if ids.shape[0] == 0:
        return outcome
    groups = groups_of(world, ids)
    commitment = world.members.commitment[groups.rows]

    team = store.team[ids] | (groups.size >= p.team_threshold)
    outcome.update("team", ids, team)

    unfair = unfairness(world, groups)
    left, right = co_member_pairs(groups, rng)
    alike = similarity(world, groups.org[left], groups.org[right])
    outcome.trust.append((groups.org[left], groups.org[right], np.clip(alike - unfair[left], 0, 1)))
    trust, mean_trust = pair_trust(world, groups, left, right)
    mean_trust = np.nan_to_num(mean_trust, nan=p.trust_baseline)

    governance = store.governance[ids] + governance_speed(world, groups, team) * mean_trust
    cohesion = store.cohesion[ids]
    cohesion = cohesion + EXCHANGE_RATE * (1.0 + p.forming_care) * mean_trust * (1.0 - cohesion)
    outcome.update("governance", ids, np.minimum(governance, 1.0))
    outcome.update("cohesion", ids, cohesion)

    mission = mission_of(world, groups, commitment)
    late = governance > 0.7  # foresight can begin in the last part of founding (C27)
    need = world.environment.need
    mission = np.where(late[:, None], mission + 0.05 * p.foresight * (need - mission), mission)
    outcome.update("mission", ids, mission)

    fit = fit_with(world, groups, mission)
    trust_in_others = member_mean(groups, left, trust, default=p.trust_baseline)
    satisfaction = 0.4 * fit + 0.4 * trust_in_others + 0.2 * (1.0 - unfair)
    outcome.commitment.append(
        (groups.rows, commitment + p.commitment_rate * (satisfaction - commitment))
    )

    open_ids = np.flatnonzero(store.open[ids])
    outcome.joins.extend(recruit(world, ids[open_ids], mission[open_ids], rng))

    conflict = mean_trust < p.conflict_trust
    outcome.move(ids[conflict], DISSOLVED, "founding_conflict")
    outcome.move(ids[~conflict & (governance >= 1.0)], EVOLVING, "governance_complete")
    return outcome
