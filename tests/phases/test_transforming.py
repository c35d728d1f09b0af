"""Transforming with hand-made organisations (C8, C19-C22, C26)."""

import numpy as np
from worlds import add_alliance, make_world

from simulation.params import Params
from simulation.phases import transforming
from simulation.phases.common import groups_of
from simulation.state import DISSOLVED, EVOLVING, FORMING, TRANSFORMING

ALIKE = [[0.5, 0.5], [0.52, 0.5], [0.5, 0.52]]


def params(**kw):
    return Params(**({"value_dims": 2, "capability_dims": 2, "n_organisations": 3} | kw))


def renewals(world_kwargs, alliance_kwargs, seeds=300):
    outcomes = []
    for seed in range(seeds):
        world = make_world(ALIKE, **world_kwargs)
        a = add_alliance(world, [0, 1, 2], TRANSFORMING, **alliance_kwargs)
        outcome = transforming.step(world, np.array([a]), np.random.default_rng(seed))
        outcomes.extend(t for t in outcome.transitions if t[1] != DISSOLVED)
    return outcomes


def test_small_gap_gives_evolutionary_renewal():
    found = renewals(
        {"params": params(renewal_rate=1.0), "need": [0.5, 0.5]},
        {"cohesion": 1.0, "mission": [0.5, 0.5], "since": 9},
        seeds=50,
    )
    assert found and all(t[1] == EVOLVING and t[2] == "evolutionary_renewal" for t in found)


def test_large_gap_gives_revolutionary_renewal_and_misfits_leave():
    world = make_world(
        [[0.0, 0.0], [0.05, 0.0], [1.0, 1.0]], params=params(renewal_rate=1.0), need=[0.0, 0.0]
    )
    a = add_alliance(world, [0, 1, 2], TRANSFORMING, cohesion=1.0, mission=[1.0, 1.0], since=9)
    for seed in range(50):
        outcome = transforming.step(world, np.array([a]), np.random.default_rng(seed))
        if outcome.transitions:
            break
    assert (a, FORMING, "revolutionary_renewal") in outcome.transitions  # C26
    ((rows, reason),) = outcome.exits
    assert reason == "left_in_revolution"
    assert world.members.org[rows].tolist() == [2]


def test_collective_leadership_pools_committed_leaders():
    world = make_world(ALIKE, leadership=[0.5, 0.5, 0.5])
    a = add_alliance(world, [0, 1, 2], TRANSFORMING)
    groups = groups_of(world, np.array([a]))
    commitment = np.full(3, 0.8)
    single = make_world(ALIKE, leadership=[0.5, 0.5, 0.5], params=params(collective_leadership=0.0))
    b = add_alliance(single, [0, 1, 2], TRANSFORMING)
    shared = make_world(ALIKE, leadership=[0.5, 0.5, 0.5], params=params(collective_leadership=1.0))
    c = add_alliance(shared, [0, 1, 2], TRANSFORMING)
    lead_single = transforming.leadership(single, groups_of(single, np.array([b])), commitment)
    lead_shared = transforming.leadership(shared, groups_of(shared, np.array([c])), commitment)
    assert lead_shared[0] > lead_single[0]  # C22
    assert transforming.leadership(world, groups, np.zeros(3))[0] == 0  # only committed leaders


def test_pressure_makes_renewal_harder():
    calm = renewals(
        {"params": params(), "need": [0.5, 0.5], "pressure": 0.0}, {"cohesion": 0.8, "since": 9}
    )
    stormy = renewals(
        {"params": params(), "need": [0.5, 0.5], "pressure": 1.0}, {"cohesion": 0.8, "since": 9}
    )
    assert len(stormy) < len(calm)


def test_commitment_erodes_while_transforming(rng):
    world = make_world(ALIKE, params=params(), need=[0.5, 0.5])
    a = add_alliance(world, [0, 1, 2], TRANSFORMING, since=9)
    ((_, eroded),) = transforming.step(world, np.array([a]), rng).commitment
    assert np.all(eroded < 0.6)  # C21


def test_too_long_transforming_fails():
    world = make_world(ALIKE, params=params(renewal_rate=0.0, max_transforming_steps=6), step=30)
    a = add_alliance(world, [0, 1, 2], TRANSFORMING, since=20)
    outcome = transforming.step(world, np.array([a]), np.random.default_rng(0))
    assert (a, DISSOLVED, "transformation_failed") in outcome.transitions  # C20


def test_founders_lead_more():
    world = make_world(ALIKE, leadership=[0.6, 0.6, 0.6], params=params(collective_leadership=0))
    a = add_alliance(world, [0, 1, 2], TRANSFORMING)
    groups = groups_of(world, np.array([a]))
    with_founders = transforming.leadership(world, groups, np.full(3, 0.8))[0]
    world.members.founder[:] = False
    without = transforming.leadership(world, groups, np.full(3, 0.8))[0]
    assert with_founders > without  # C8
