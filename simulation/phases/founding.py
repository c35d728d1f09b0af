"""Founding: arrangements, governance and a common identity are built.

Claims: C9 (arrangements settle each partner's position and contribution), C10 (how
returns are shared: an unfair arrangement erodes trust, and a trust collapse ends the
alliance), C11 (knowledge exchange builds a common identity: cohesion), C12 (growth
brings organisational choices: arrangements take longer in larger groups), C13
(governance takes shape: the form chosen when the alliance was founded sets how far its
coordination reaches; see ``simulation/behaviour/governance.py``), C27 (foresight may
begin in the last part of founding). The mission stays as negotiated.
"""

from __future__ import annotations

import numpy as np

from simulation.behaviour import commitment as commit
from simulation.behaviour import governance, production
from simulation.phases.common import (
    Outcome,
    co_member_pairs,
    experience_trust,
    groups_of,
    member_mean,
    newcomers,
    pair_trust,
    standing,
)
from simulation.population import unit
from simulation.state import DISSOLVED, EVOLVING, World


def arrangement_speed(world: World, size: np.ndarray, form: np.ndarray) -> np.ndarray:
    """Per group: progress in building arrangements per month at full trust (C12, C13).

    Slower in groups larger than ``crowding_size``, the more so the shorter the span of
    the governance form; slower under a proportional arrangement (more to negotiate).
    """
    p = world.params
    crowding = 1.0 + np.maximum(size - p.crowding_size, 0) / governance.span(p, form)
    negotiation = 1.0 - p.proportional_slowdown * (p.arrangement == "proportional")
    return p.governance_rate * negotiation / crowding


def anticipated_need(world: World) -> np.ndarray:
    """Where the need will be ``foresight_horizon`` months on if it keeps moving (C27)."""
    env = world.environment
    return unit(env.need + world.params.foresight_horizon * env.velocity)


def adapt_mission(world: World, mission: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Missions adapted where ``active``: toward the need as it is, and ahead (C7, C27).

    Every alliance follows the need as it sees it now at ``adaptation_rate``; foresight
    adds a movement toward where the need is heading, at ``foresight * foresight_rate``.
    """
    p = world.params
    step = p.adaptation_rate * (world.environment.need - mission)
    step = step + p.foresight * p.foresight_rate * (anticipated_need(world) - mission)
    return np.where(np.asarray(active)[:, None], mission + step, mission)


def step(world: World, ids: np.ndarray, rng: np.random.Generator) -> Outcome:
    """One month of founding for alliances ``ids``."""
    p = world.params
    store = world.alliances
    outcome = Outcome()
    if ids.shape[0] == 0:
        return outcome
    groups = groups_of(world, ids)
    commitment = world.members.commitment[groups.rows]
    form = np.maximum(store.governance[ids], 0)

    unfair = production.unfairness(world, groups, form)
    left, right = co_member_pairs(groups, rng, p.interactions)
    outcome.trust.append(experience_trust(world, groups, left, right, 1.0 - unfair))
    trust, mean_trust = pair_trust(world, groups, left, right)

    arrangements = store.arrangements[ids] + arrangement_speed(world, groups.size, form) * (
        mean_trust
    )
    cohesion = store.cohesion[ids]
    cohesion = cohesion + p.exchange_rate * mean_trust * (1.0 - cohesion)
    outcome.update("arrangements", ids, np.minimum(arrangements, 1.0))
    outcome.update("cohesion", ids, cohesion)

    mission = adapt_mission(world, store.mission[ids], arrangements > p.foresight_start)
    outcome.update("mission", ids, mission)

    fit = commit.member_fit(world, groups, mission)
    trust_in_others = member_mean(groups, left, trust, default=p.trust_baseline)
    w_fit, w_trust, w_fair = p.weight_fit, p.weight_trust, p.weight_fairness
    satisfied = (w_fit * fit + w_trust * trust_in_others + w_fair * (1.0 - unfair)) / max(
        w_fit + w_trust + w_fair, 1e-12
    )
    outcome.commitment.append((groups.rows, commit.follow(p, commitment, satisfied)))
    outcome.joins.extend(newcomers(world, groups, mission, rng))

    conflict = mean_trust < p.conflict_trust
    outcome.move(ids[conflict], DISSOLVED, "founding_conflict")
    done = np.flatnonzero(~conflict & (arrangements >= 1.0))
    if done.shape[0]:
        # With the arrangements in place the members settle the form for the work ahead.
        stand = standing(world, groups, left, right, trust, mean_trust, fit)
        outcome.governance.append((ids[done], stand.best(p)[done]))
        outcome.update("lead", ids[done], stand.lead[done])
    outcome.move(ids[done], EVOLVING, "governance_complete")
    return outcome
