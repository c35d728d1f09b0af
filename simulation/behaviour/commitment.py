"""Each member's satisfaction and commitment, its own (C2, C10, C16, C17, C25).

A member's satisfaction with an alliance is a weighted mean of four things it sees for
itself: *worth* (what it gets back against its outside option, which includes its other
alliances), *fit* (of its values with the mission), *trust* (in the co-members it deals
with) and *fairness* (of the arrangement and of the governance form). Commitment follows
satisfaction at ``commitment_rate``; a member whose commitment falls below
``exit_commitment`` leaves on its own. Members differ in all four, so they leave one by
one rather than together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.behaviour import attention
from simulation.population import distance, nan_to_zero, unit

if TYPE_CHECKING:
    from simulation.params import Params
    from simulation.phases.common import Groups
    from simulation.state import World


def fit(params: Params, values: np.ndarray, mission: np.ndarray) -> np.ndarray:
    """How well values fit a mission, in [0, 1]: 1 at the mission, 0 at ``fit_scale``."""
    return unit(1.0 - distance(values, mission) / params.fit_scale)


def member_fit(world: World, groups: Groups, mission: np.ndarray) -> np.ndarray:
    """Per row of ``groups``: the member's fit with its alliance's ``mission`` (per group)."""
    return fit(world.params, world.population.values[groups.org], mission[groups.group])


def outside_option(world: World, rows: np.ndarray) -> np.ndarray:
    """Per row: the best other use of the attention the member gives this alliance (C16).

    The attention could go outside the alliances (the organisation's own outside option,
    around ``outside_option``) or into another
    alliance of the member where it is not yet fully engaged: what that alliance gave back
    last month, times the share of its capability the member does not yet bring there.
    """
    p = world.params
    members = world.members
    active = members.active_rows()
    own_org = members.org[rows]
    option = world.population.outside[own_org]
    if active.shape[0] == 0:
        return option
    org = members.org[active]
    deficit = 1.0 - attention.strength(p, world.engagement[active])
    gain = nan_to_zero(members.returns[active]) * deficit
    n = world.population.n
    best = np.empty(n)
    best.fill(-np.inf)
    np.maximum.at(best, org, gain)
    # The best row of each organisation compares with its second best instead.
    is_best = gain >= best[org]
    second = np.empty(n)
    second.fill(-np.inf)
    np.maximum.at(second, org, np.where(is_best, -np.inf, gain))
    ties = np.bincount(org[is_best], minlength=n) > 1
    second = np.where(ties, best, second)
    # Active rows are sorted: each row's position among them, if it is one.
    at = np.minimum(active.searchsorted(rows), active.shape[0] - 1)
    mine = np.where(active[at] == rows, gain[at], -np.inf)
    best_own = best[own_org]
    other = np.where(mine >= best_own, second[own_org], best_own)
    return np.maximum(option, other)


def worth(params: Params, returns: np.ndarray, option: np.ndarray) -> np.ndarray:
    """Whether membership pays, in [0, 1]: a logistic of returns minus the outside option."""
    return 1.0 / (1.0 + np.exp(-(returns - option) / params.worth_scale))


def satisfaction(
    params: Params,
    worth: np.ndarray,
    fit: np.ndarray,
    trust: np.ndarray,
    unfairness: np.ndarray,
) -> np.ndarray:
    """Weighted mean of worth, fit, trust and fairness (weights normalised to sum 1)."""
    w_worth, w_fit, w_trust, w_fair = params.satisfaction_weights
    return w_worth * worth + w_fit * fit + w_trust * trust + w_fair * (1.0 - unfairness)


def follow(params: Params, commitment: np.ndarray, satisfied: np.ndarray) -> np.ndarray:
    """Commitment one month on: it follows satisfaction at ``commitment_rate``."""
    return unit(commitment + params.commitment_rate * (satisfied - commitment))
