"""Founding with hand-made organisations (C9-C13, C27)."""

import numpy as np
import pytest
from worlds import add_alliance, make_world, params2, set_trust, updates

from simulation.behaviour import governance, production
from simulation.phases import founding
from simulation.phases.common import groups_of
from simulation.state import DISSOLVED, EVOLVING, FOUNDING

ALIKE = [[0.5, 0.5], [0.52, 0.5], [0.5, 0.52]]
UNEQUAL = [[0.9, 0.9], [0.3, 0.3], [0.3, 0.3]]


def founding_alliance(world, orgs=(0, 1, 2), **fields):
    defaults = {"governance": governance.SHARED, "cohesion": 0.3}
    return add_alliance(world, list(orgs), FOUNDING, since=8, **(defaults | fields))


def test_equal_arrangement_is_unfair_to_strong_contributors():
    world = make_world(ALIKE, UNEQUAL, params=params2(arrangement="equal"))
    a = founding_alliance(world)
    felt = production.unfairness(world, groups_of(world, np.array([a])), np.array([0]))
    assert felt[0] > 0.5 and felt[1] == 0 and felt[2] == 0  # C10


def test_proportional_arrangement_is_fair_and_pays_by_contribution():
    world = make_world(ALIKE, UNEQUAL, params=params2(arrangement="proportional"))
    a = founding_alliance(world)
    groups = groups_of(world, np.array([a]))
    assert np.all(production.unfairness(world, groups, np.array([0])) == 0)
    back = production.returns(world, groups, np.array([1.0]))
    assert back[0] > 1.0 > back[1] and np.isclose(back.mean(), 1.0)


def test_unfairness_lowers_the_trust_targets(rng):
    targets = {}
    for arrangement in ("proportional", "equal"):
        world = make_world(ALIKE, UNEQUAL, params=params2(arrangement=arrangement))
        a = founding_alliance(world)
        ((src, _, target),) = founding.step(world, np.array([a]), rng).trust
        targets[arrangement] = target[src == 0]
    assert np.all(targets["equal"] < targets["proportional"] - 0.1)  # C10


def test_arrangements_grow_with_trust(rng):
    progress = []
    for trust in (0.3, 0.9):
        world = make_world(ALIKE, params=params2())
        set_trust(world, trust)
        a = founding_alliance(world, arrangements=0.2)
        progress.append(updates(founding.step(world, np.array([a]), rng))["arrangements"][0] - 0.2)
    assert 0 < progress[0] < progress[1]
    assert progress[1] / progress[0] == pytest.approx(3.0)  # in proportion to trust


def test_arrangements_complete_and_the_form_is_settled(rng):
    world = make_world(ALIKE, params=params2())
    set_trust(world, 0.9)
    a = founding_alliance(world, arrangements=0.95)
    outcome = founding.step(world, np.array([a]), rng)
    assert (a, EVOLVING, "governance_complete") in outcome.transitions
    assert updates(outcome)["arrangements"][0] == 1.0
    ((ids, forms),) = outcome.governance
    assert ids.tolist() == [a] and forms[0] == governance.SHARED


def test_low_trust_ends_in_founding_conflict(rng):
    for trust, conflict in ((0.1, True), (0.3, False)):
        world = make_world(ALIKE, params=params2())
        set_trust(world, trust)
        a = founding_alliance(world, arrangements=0.95)
        outcome = founding.step(world, np.array([a]), rng)
        assert ((a, DISSOLVED, "founding_conflict") in outcome.transitions) is conflict
        if conflict:
            assert len(outcome.transitions) == 1  # no completion on top of it


def test_larger_groups_build_arrangements_slower_less_so_with_a_longer_span():
    world = make_world(ALIKE, params=params2())
    sizes = np.array([3, 12])
    slowdown = {}
    for form in (governance.SHARED, governance.LEAD, governance.NAO):
        small, large = founding.arrangement_speed(world, sizes, np.full(2, form))
        slowdown[form] = large / small
    assert slowdown[governance.SHARED] < slowdown[governance.LEAD] < slowdown[governance.NAO] < 1


def test_larger_groups_build_arrangements_slower_in_a_step(rng):
    progress = []
    for n in (3, 12):
        world = make_world([[0.5, 0.5]] * n, params=params2(n_organisations=n))
        set_trust(world, 0.8)
        a = founding_alliance(world, orgs=range(n))
        progress.append(updates(founding.step(world, np.array([a]), rng))["arrangements"][0])
    assert progress[1] < progress[0]  # C12


def test_proportional_arrangements_take_longer_to_negotiate():
    sizes, form = np.array([3]), np.array([0])
    equal = founding.arrangement_speed(make_world(ALIKE, params=params2()), sizes, form)
    world = make_world(ALIKE, params=params2(arrangement="proportional"))
    assert founding.arrangement_speed(world, sizes, form) < equal


def test_mission_stays_except_foresight_in_the_last_part(rng):
    p = params2(foresight=1.0, foresight_rate=0.5, adaptation_rate=0.0)
    start = np.array([0.5, 0.5])
    missions = {}
    for arrangements in (0.1, 0.9):
        world = make_world(ALIKE, params=p, need=[0.6, 0.5], velocity=[0.01, 0.0])
        set_trust(world, 0.8)
        a = founding_alliance(world, arrangements=arrangements, mission=start)
        missions[arrangements] = updates(founding.step(world, np.array([a]), rng))["mission"][0]
    assert np.array_equal(missions[0.1], start)  # early in founding: as negotiated
    anticipated = np.array([0.6 + p.foresight_horizon * 0.01, 0.5])
    assert np.allclose(missions[0.9], start + 0.5 * (anticipated - start))  # C27
    # Without foresight the mission follows the need as it is, at ``adaptation_rate``.
    for rate in (0.0, 0.1):
        p = params2(foresight=0.0, adaptation_rate=rate)
        world = make_world(ALIKE, params=p, need=[0.6, 0.5], velocity=[0.01, 0])
        set_trust(world, 0.8)
        a = founding_alliance(world, arrangements=0.9, mission=start)
        mission = updates(founding.step(world, np.array([a]), rng))["mission"][0]
        assert np.allclose(mission, start + rate * (np.array([0.6, 0.5]) - start))


def test_cohesion_grows_with_knowledge_exchange(rng):
    world = make_world(ALIKE, params=params2())
    set_trust(world, 0.8)
    a = founding_alliance(world, cohesion=0.3)
    assert updates(founding.step(world, np.array([a]), rng))["cohesion"][0] > 0.3  # C11


def test_still_founding_when_arrangements_are_not_done(rng):
    world = make_world(ALIKE, params=params2())
    set_trust(world, 0.8)
    a = founding_alliance(world, arrangements=0.1)
    outcome = founding.step(world, np.array([a]), rng)
    assert not outcome.transitions and not outcome.governance
    assert world.alliances.phase[a] == FOUNDING
