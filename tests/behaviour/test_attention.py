"""Attention: budgets, capacity, engagement and over-commitment (C16, C21)."""

import numpy as np
import pytest
from worlds import add_alliance, make_world, params2

from simulation.behaviour import attention
from simulation.state import EVOLVING

SPOT = [[0.5, 0.5]] * 3


def test_capacity_is_where_the_budget_runs_out_at_min_engagement():
    p = params2()  # min_engagement 0.4
    budget = np.array([0.0, 0.39, 0.4, 0.85, 1.2])
    assert attention.capacity(p, budget).tolist() == [0, 0, 1, 2, 3]


def test_pressure_squeezes_the_budget_through_its_channel_only():
    for squeeze, expected in ((0.5, [0.5, 0.5, 0.5]), (0.0, [1.0, 1.0, 1.0])):
        world = make_world(SPOT, params=params2(pressure_squeeze=squeeze), pressure=1.0)
        assert attention.budget(world).tolist() == expected


def test_engagement_splits_the_budget_by_commitment():
    world = make_world(SPOT, params=params2())
    a = add_alliance(world, [0, 1], EVOLVING, commitment=[0.9, 0.5])
    b = add_alliance(world, [0, 2], EVOLVING, commitment=[0.3, 0.5])
    (ra0, ra1), (rb0, rb2) = world.members.of(a), world.members.of(b)
    e = world.engagement
    assert e[ra0] == pytest.approx(0.75) and e[rb0] == pytest.approx(0.25)
    assert e[ra1] == pytest.approx(1.0) and e[rb2] == pytest.approx(1.0)  # one alliance each
    strength = attention.strength(world.params, e[[ra0, rb0]])
    assert strength.tolist() == [1.0, pytest.approx(0.5)]  # full_engagement 0.5


def test_an_overcommitted_organisation_drops_its_least_committed_alliances():
    world = make_world(SPOT, params=params2(), attention=[1.2, 2.0, 2.0])
    rows = [
        world.members.of(add_alliance(world, [0, k], EVOLVING, commitment=c))[0]
        for k, c in ((1, 0.9), (2, 0.2), (1, 0.5))
    ]
    assert world.capacity[0] == 3 and attention.overcommitted(world).shape[0] == 0
    world.environment.pressure = 1.0  # the squeeze halves the budget: capacity 1
    world.refresh()
    assert world.capacity[0] == 1
    assert sorted(attention.overcommitted(world).tolist()) == sorted([rows[1], rows[2]])
    assert world.capacity[1] == 2 and world.load[1] == 2  # 1 still covers both of its own


def test_overcommitted_drops_one_per_surplus_alliance_per_organisation():
    world = make_world(SPOT, params=params2(), attention=[0.8, 0.8, 0.8])
    a = add_alliance(world, [0, 1], EVOLVING, commitment=[0.9, 0.4])
    b = add_alliance(world, [0, 1], EVOLVING, commitment=[0.1, 0.8])
    world.population.attention[:] = 0.4  # capacity 1 each now
    world.refresh()
    dropped = attention.overcommitted(world)
    assert sorted(dropped.tolist()) == sorted([world.members.of(b)[0], world.members.of(a)[1]])
