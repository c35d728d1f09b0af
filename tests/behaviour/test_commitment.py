"""Each member's own worth, fit, satisfaction and commitment (C2, C10, C16, C17, C25)."""

import numpy as np
import pytest
from worlds import add_alliance, make_world, params2

from simulation.behaviour import commitment as commit
from simulation.state import EVOLVING

SPOT = [[0.5, 0.5]] * 3


def two_alliances(attention):
    """Organisation 0 in alliance a (no returns yet) and b (which paid 1.0 last month)."""
    world = make_world(SPOT, params=params2(), attention=attention, outside=[0.05, 0.5, 0.5])
    a = add_alliance(world, [0, 1], EVOLVING)
    b = add_alliance(world, [0, 2], EVOLVING)
    world.members.returns[world.members.of(b)] = 1.0
    world.refresh()
    return world, world.members.of(a)[0], world.members.of(b)[0]


def test_outside_option_counts_another_alliance_where_the_member_is_under_engaged():
    world, in_a, in_b = two_alliances(attention=0.8)  # 0.4 each: strength 0.8 in both
    option = commit.outside_option(world, np.array([in_a, in_b]))
    # For a: b would give back 1.0 times the 20 % of capability not yet brought there.
    assert option[0] == pytest.approx(0.2)
    assert option[1] == pytest.approx(0.05)  # for b: a paid nothing yet; its own option


def test_outside_option_ignores_alliances_where_the_member_is_fully_engaged():
    world, in_a, in_b = two_alliances(attention=1.0)  # 0.5 each: full engagement
    option = commit.outside_option(world, np.array([in_a, in_b]))
    assert option.tolist() == [pytest.approx(0.05)] * 2


def test_outside_option_of_a_member_of_one_alliance_is_its_own():
    world = make_world(SPOT, params=params2(), outside=[0.1, 0.3, 0.7])
    a = add_alliance(world, [0, 1, 2], EVOLVING)
    world.members.returns[world.members.of(a)] = 5.0
    assert commit.outside_option(world, world.members.of(a)).tolist() == [0.1, 0.3, 0.7]


def test_worth_is_a_logistic_of_returns_over_the_outside_option():
    p = params2()
    w = commit.worth(p, np.array([0.2, 0.5, 0.8]), np.full(3, 0.5))
    assert w[1] == 0.5 and w[0] < 0.5 < w[2] and np.isclose(w[0] + w[2], 1.0)


def test_fit_is_one_at_the_mission_and_zero_at_fit_scale():
    p = params2()
    assert p.fit_scale == 0.5  # distance is scaled by the diagonal of the value space
    values = np.array([[0.5, 0.5], [0.75, 0.75], [1.0, 1.0], [1.0, 0.0]])
    f = commit.fit(p, values, np.array([0.5, 0.5]))
    assert f.tolist() == [1.0, 0.5, 0.0, 0.0]


def test_satisfaction_weights_are_normalised_and_unfairness_subtracts():
    p = params2(weight_worth=1, weight_fit=0.5, weight_trust=0.5, weight_fairness=0)
    ones = np.ones(1)
    assert commit.satisfaction(p, ones, ones, ones, 0 * ones)[0] == pytest.approx(1.0)
    assert commit.satisfaction(p, ones, 0 * ones, 0 * ones, 0 * ones)[0] == pytest.approx(0.5)
    p = params2(weight_fairness=1)
    felt = commit.satisfaction(p, ones, ones, ones, ones)[0]
    assert felt < commit.satisfaction(p, ones, ones, ones, 0 * ones)[0]


def test_commitment_follows_satisfaction_at_its_rate():
    p = params2(commitment_rate=0.1)
    moved = commit.follow(p, np.array([0.5, 0.5]), np.array([1.0, 0.0]))
    assert moved.tolist() == [pytest.approx(0.55), pytest.approx(0.45)]
