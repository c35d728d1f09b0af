"""What an alliance produces each month, and what each member gets back (C3, C16, C18).

Results come from the capabilities the members actually bring (capability times the
share of it their attention allows), combined as the task needs them: a share
``complementarity`` of the work needs the best member on each capability (so different
partners complement each other), the rest is the members' capabilities added up. An
administrative organisation brings network-level competences on every capability. To
that add the mission's relevance to the need, cohesion and coordination; subtract the
governance overhead and what foresight costs; add noise.

What a member gets back depends on the arrangement (C10): under ``equal`` every member
gets the alliance's results; under ``proportional`` in proportion to what it brings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.behaviour import attention, governance
from simulation.population import distance, row_mean, unit

if TYPE_CHECKING:
    from simulation.groups import Groups
    from simulation.state import World


def relevance(world: World, mission: np.ndarray) -> np.ndarray:
    """Alignment of missions with the societal need, in [0, 1] (C7)."""
    far = distance(mission, world.environment.need)
    return unit(1.0 - far / world.params.relevance_scale)


def brought(world: World, groups: Groups) -> np.ndarray:
    """Per row and capability: what each member brings, given the attention it gives.

    Read-only, and kept on ``groups`` while the world's engagement is the same array (a
    phase asks for it more than once; ``World.refresh`` makes a new one).
    """
    return _brought(world, groups)[0]


def _brought(world: World, groups: Groups) -> tuple[np.ndarray, np.ndarray]:
    """``brought`` and its per-group maximum, computed once per groups and engagement."""
    memo = groups.__dict__.get("_brought")
    engagement, capabilities = world.engagement, world.population.capabilities
    if memo is not None and memo[0] is engagement and memo[1] is capabilities:
        return memo[2], memo[3]
    strength = attention.strength(world.params, engagement[groups.rows])
    caps = capabilities[groups.org] * strength[:, None]
    caps.flags.writeable = False
    combined = groups.max(caps)
    combined.flags.writeable = False
    groups.__dict__["_brought"] = (engagement, capabilities, caps, combined)
    return caps, combined


def capability_output(world: World, groups: Groups, form: np.ndarray) -> np.ndarray:
    """Per group: the members' capabilities combined as the task needs them, in [0, 1]."""
    p = world.params
    caps, best = _brought(world, groups)
    added = groups.mean(row_mean(caps))
    combined = np.maximum(best, governance.competence(p, form)[:, None])
    return (1.0 - p.complementarity) * added + p.complementarity * row_mean(combined)


def competence_gain(world: World, groups: Groups) -> np.ndarray:
    """Per group: what network-level competences would add to the combined capabilities."""
    p = world.params
    combined = _brought(world, groups)[1]
    lifted = np.maximum(combined, p.nao_competence)
    return p.complementarity * row_mean(lifted - combined)


def complementarity_of(world: World, groups: Groups) -> np.ndarray:
    """Per group: capabilities covered together beyond what an average member brings alone.

    A covariate for analysts (``founding_complementarity``), in [0, 1].
    """
    caps = world.population.capabilities[groups.org]
    best = row_mean(groups.max(caps))
    return unit(best - groups.mean(row_mean(caps)))


def results(
    world: World,
    groups: Groups,
    mission: np.ndarray,
    form: np.ndarray,
    coordination: np.ndarray,
    rng: np.random.Generator,
    distraction: float = 0.0,
    relevant: np.ndarray | None = None,
) -> np.ndarray:
    """Results per group this month (C16), reduced by ``distraction`` in a crisis (C21).

    ``relevant`` is ``relevance(world, mission)`` if the caller has it already.
    """
    p = world.params
    store = world.alliances
    if relevant is None:
        relevant = relevance(world, mission)
    produced = (
        p.results_base
        + p.weight_capability * capability_output(world, groups, form)
        + p.weight_relevance * relevant
        + p.weight_cohesion * store.cohesion[groups.ids]
        + p.weight_coordination * coordination
        - governance.overhead(p, form)
        - p.foresight_cost * p.foresight
    )
    noise = p.results_noise * rng.standard_normal(groups.ids.shape[0])
    return (produced + noise) * (1.0 - distraction)


def returns(world: World, groups: Groups, produced: np.ndarray) -> np.ndarray:
    """Per row: what each member gets back this month (C10)."""
    if world.params.arrangement == "equal":
        return produced[groups.group]
    contribution = row_mean(brought(world, groups))
    mean = groups.mean(contribution)
    return produced[groups.group] * contribution / np.maximum(mean[groups.group], 1e-9)


def unfairness(world: World, groups: Groups, form: np.ndarray) -> np.ndarray:
    """Per row: how short-changed a member feels, in [0, 1] (C9, C10).

    Under an ``equal`` arrangement members who bring more than the average feel it in
    proportion to the excess; under a lead organisation the others feel their dependence
    on the lead (``lead_dominance``).
    """
    p = world.params
    felt = np.zeros(groups.rows.shape[0])
    if p.arrangement == "equal":
        contribution = world.population.contribution[groups.org]
        mean = groups.mean(contribution)
        excess = contribution / np.maximum(mean[groups.group], 1e-9) - 1.0
        felt = unit(p.unfairness_sensitivity * excess)
    led = (form[groups.group] == governance.LEAD) & (
        groups.org != world.alliances.lead[groups.ids][groups.group]
    )
    return unit(felt + p.lead_dominance * led)
