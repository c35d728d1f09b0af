"""Attention: what an organisation can give to its alliances, shared across them (C16, C21).

Each organisation has an attention budget (``Population.attention``); pressure squeezes
it (channel ``pressure_squeeze``). An organisation can be in as many alliances as its
budget covers at ``min_engagement`` each, so capacity is where the budget runs out, and
a squeeze can leave an organisation over-committed. Within its budget, an organisation
gives each of its alliances attention in proportion to its commitment to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from simulation.params import Params
    from simulation.state import World
    from simulation.trust import Memberships


def slack(params: Params, pressure: float) -> float:
    """Share of their usual slack that organisations have now (channel 3, C21)."""
    return 1.0 - params.pressure_squeeze * pressure


def budget(world: World) -> np.ndarray:
    """Per organisation: attention it can give to alliances now."""
    return world.population.attention * slack(world.params, world.environment.pressure)


def capacity(params: Params, budget: np.ndarray) -> np.ndarray:
    """Per organisation: how many alliances its budget covers at ``min_engagement`` each."""
    return np.floor(budget / params.min_engagement + 1e-9).astype(np.int64)


def engagement(members: Memberships, rows: np.ndarray, budget: np.ndarray) -> np.ndarray:
    """Per membership row (all rows; 0 where inactive): attention given to that alliance.

    An organisation splits its budget over its alliances in proportion to its commitment.
    """
    out = np.zeros(len(members))
    if rows.shape[0] == 0:
        return out
    org = members.org[rows]
    weight = np.maximum(members.commitment[rows], 1e-6)
    total = np.bincount(org, weights=weight, minlength=budget.shape[0])
    out[rows] = budget[org] * weight / total[org]
    return out


def shift_outside_options(world: World, rng: np.random.Generator) -> None:
    """Organisations' opportunities elsewhere come and go (C16, C21).

    Each outside option takes a random step of ``outside_drift`` times the mean option
    and returns toward its usual level at ``outside_reversion``. This is what lets a
    member of a healthy alliance find a better use of its attention and leave on its own.
    """
    p = world.params
    pop = world.population
    step = p.outside_drift * p.outside_option * rng.standard_normal(pop.n)
    pop.outside += p.outside_reversion * (pop.usual_outside - pop.outside) + step
    np.maximum(pop.outside, 0.0, out=pop.outside)


def strength(params: Params, engagement: np.ndarray) -> np.ndarray:
    """How much of its capability a member brings, given the attention it gives (0..1)."""
    return np.minimum(engagement / params.full_engagement, 1.0)


def overcommitted(world: World) -> np.ndarray:
    """Membership rows an organisation gives up because its budget no longer covers them.

    An organisation with more alliances than its capacity drops the ones it is least
    committed to, one per surplus alliance.
    """
    members = world.members
    rows = members.active_rows()
    surplus = world.load - world.capacity
    if rows.shape[0] == 0 or not (surplus > 0).any():
        return np.empty(0, dtype=np.int64)
    org = members.org[rows]
    over = surplus[org] > 0
    rows, org = rows[over], org[over]
    order = np.lexsort((members.commitment[rows], org))  # by org, least committed first
    rows, org = rows[order], org[order]
    first = np.searchsorted(org, org)
    rank = np.arange(rows.shape[0]) - first
    return rows[rank < surplus[org]]
