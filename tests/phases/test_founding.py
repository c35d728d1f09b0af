"""Founding with hand-made organisations (C9-C13, C24)."""

import numpy as np
from worlds import add_alliance, make_world, set_trust

from simulation.params import Params
from simulation.phases import founding
from simulation.phases.common import groups_of
from simulation.state import DISSOLVED, EVOLVING, FOUNDING

ALIKE = [[0.5, 0.5], [0.52, 0.5], [0.5, 0.52]]
UNEQUAL = [[1.0, 1.0], [0.1, 0.1], [0.1, 0.1]]


def params(**kw):
    return Params(**({"value_dims": 2, "capability_dims": 2, "n_organisations": 3} | kw))


def updates(outcome):
    return {name: values for name, _, values in outcome.updates}


def test_equal_shares_are_unfair_to_strong_contributors():
    world = make_world(ALIKE, UNEQUAL, params=params(arrangement="equal"))
    a = add_alliance(world, [0, 1, 2], FOUNDING)
    unfair = founding.unfairness(world, groups_of(world, np.array([a])))
    assert unfair[0] > 0.5 and unfair[1] == 0 and unfair[2] == 0  # C10


def test_proportional_shares_are_fair():
    world = make_world(ALIKE, UNEQUAL, params=params(arrangement="proportional"))
    a = add_alliance(world, [0, 1, 2], FOUNDING)
    assert np.all(founding.unfairness(world, groups_of(world, np.array([a]))) == 0)


def test_unfairness_lowers_the_trust_target(rng):
    fair = make_world(ALIKE, UNEQUAL, params=params(arrangement="proportional"))
    unfair = make_world(ALIKE, UNEQUAL, params=params(arrangement="equal"))
    targets = []
    for world in (fair, unfair):
        a = add_alliance(world, [0, 1, 2], FOUNDING)
        ((_, _, target),) = founding.step(world, np.array([a]), rng).trust
        targets.append(target.mean())
    assert targets[1] < targets[0]


def test_governance_grows_with_trust_and_completes(rng):
    world = make_world(ALIKE, params=params())
    set_trust(world, 0.9)
    a = add_alliance(world, [0, 1, 2], FOUNDING, governance=0.5)
    first = updates(founding.step(world, np.array([a]), rng))["governance"][0]
    assert first > 0.5
    world.alliances.governance[a] = 0.999
    outcome = founding.step(world, np.array([a]), rng)
    assert (a, EVOLVING, "governance_complete") in outcome.transitions  # C13


def test_low_trust_ends_in_conflict(rng):
    world = make_world(ALIKE, params=params(conflict_trust=0.3))
    set_trust(world, 0.1)
    a = add_alliance(world, [0, 1, 2], FOUNDING)
    outcome = founding.step(world, np.array([a]), rng)
    assert (a, DISSOLVED, "founding_conflict") in outcome.transitions


def test_professional_team_from_size_threshold(rng):
    values = np.full((5, 2), 0.5)
    world = make_world(values, params=params(team_threshold=4, n_organisations=5))
    a = add_alliance(world, [0, 1, 2, 3, 4], FOUNDING)
    assert updates(founding.step(world, np.array([a]), rng))["team"][0]


def test_a_team_speeds_governance_in_large_alliances():
    values = np.full((12, 2), 0.5)
    world = make_world(values, params=params(n_organisations=12))
    a = add_alliance(world, list(range(12)), FOUNDING)
    groups = groups_of(world, np.array([a]))
    without = founding.governance_speed(world, groups, np.array([False]))[0]
    with_team = founding.governance_speed(world, groups, np.array([True]))[0]
    assert with_team > without  # C12, C13


def test_care_slows_governance_and_deepens_cohesion(rng):
    speeds, cohesion = [], []
    for care in (0.0, 1.0):
        world = make_world(ALIKE, params=params(forming_care=care))
        set_trust(world, 0.8)
        a = add_alliance(world, [0, 1, 2], FOUNDING)
        result = updates(founding.step(world, np.array([a]), rng))
        speeds.append(result["governance"][0])
        cohesion.append(result["cohesion"][0])
    assert speeds[1] < speeds[0] and cohesion[1] > cohesion[0]  # C24
