"""Evolving with hand-made organisations (C12, C14-C18, C20, C21, C25, C27)."""

import numpy as np
import pytest
from worlds import add_alliance, make_world, set_trust

from simulation.params import Params
from simulation.phases import evolving
from simulation.state import DISSOLVED, EVOLVING, FOUNDING, TRANSFORMING

ALIKE = [[0.5, 0.5], [0.52, 0.5], [0.5, 0.52]]
SPECIALISTS = [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]
SAME = [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]


def params(**kw):
    base = {"value_dims": 2, "capability_dims": 2, "n_organisations": 3, "results_noise": 0.0}
    return Params(**(base | kw))


def updates(outcome):
    return {name: values for name, _, values in outcome.updates}


def evolving_alliance(world, **fields):
    defaults = {"governance": 1.0, "cohesion": 0.6, "founding_size": 3}
    return add_alliance(world, [0, 1, 2], EVOLVING, **(defaults | fields))


def test_complementary_capabilities_produce_more(rng):
    produced = []
    for caps in (SPECIALISTS, SAME):
        world = make_world(ALIKE, caps, params=params(), need=[0.5, 0.5])
        a = evolving_alliance(world)
        produced.append(updates(evolving.step(world, np.array([a]), rng))["results"][0])
    assert produced[0] > produced[1]  # C3, C16


def test_without_complementarity_weight_capabilities_do_not_matter(rng):
    produced = []
    for caps in (SPECIALISTS, SAME):
        world = make_world(ALIKE, caps, params=params(complementarity=0.0), need=[0.5, 0.5])
        a = evolving_alliance(world)
        produced.append(updates(evolving.step(world, np.array([a]), rng))["results"][0])
    assert np.isclose(produced[0], produced[1])


def test_results_above_aspiration_raise_commitment(rng):
    world = make_world(ALIKE, SPECIALISTS, params=params(), need=[0.5, 0.5])
    set_trust(world, 0.7)
    a = evolving_alliance(world, aspiration=0.0, results_trend=0.9)
    ((_, raised),) = evolving.step(world, np.array([a]), rng).commitment
    world.alliances.aspiration[a] = 1.0
    world.alliances.results_trend[a] = 0.2
    ((_, lowered),) = evolving.step(world, np.array([a]), rng).commitment
    assert np.all(raised > 0.6) and np.all(lowered < 0.6)  # C16, C17


def test_aspiration_follows_results_and_ratchets_up(rng):
    world = make_world(ALIKE, SPECIALISTS, params=params(), need=[0.5, 0.5])
    a = evolving_alliance(world, aspiration=0.2, results_trend=0.6)
    result = updates(evolving.step(world, np.array([a]), rng))
    trend = result["results_trend"][0]
    follows = 0.2 + world.params.aspiration_rate * (trend - 0.2)
    assert result["aspiration"][0] == pytest.approx(follows + world.params.ambition)  # C14
    assert 0.2 < result["aspiration"][0] < trend


def test_stagnation_triggers_transforming_more_under_pressure():
    entered = []
    for pressure in (0.0, 1.0):
        count = 0
        for seed in range(200):
            world = make_world(ALIKE, params=params(), need=[0.5, 0.5], pressure=pressure)
            a = evolving_alliance(world, stagnation=20, aspiration=2.0, results_trend=0.6)
            outcome = evolving.step(world, np.array([a]), np.random.default_rng(seed))
            count += any(t[1] == TRANSFORMING for t in outcome.transitions)
        entered.append(count)
    assert entered[1] > entered[0] > 0  # C20, C21


def test_lost_relevance_triggers_transforming():
    world = make_world(ALIKE, params=params(transform_hazard=1.0), need=[0.0, 1.0], pressure=0.5)
    a = evolving_alliance(world, mission=[1.0, 0.0])
    outcome = evolving.step(world, np.array([a]), np.random.default_rng(1))
    assert (a, TRANSFORMING, "lost_relevance") in outcome.transitions


def test_foresight_moves_the_mission_toward_the_need(rng):
    gaps = []
    for foresight in (0.0, 1.0):
        world = make_world(ALIKE, params=params(foresight=foresight), need=[1.0, 1.0])
        a = evolving_alliance(world)
        mission = updates(evolving.step(world, np.array([a]), rng))["mission"][0]
        gaps.append(np.abs(mission - 1.0).sum())
    assert gaps[1] < gaps[0]  # C27


def test_closed_alliances_admit_nobody_open_ones_admit_fitting_applicants():
    values = [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.51, 0.5], [0.5, 0.49]]
    for is_open in (False, True):
        world = make_world(values, params=params(n_organisations=5, recruitment_rate=1.0))
        a = evolving_alliance(world, open=is_open)
        outcome = evolving.step(world, np.array([a]), np.random.default_rng(0))
        assert bool(outcome.joins) is is_open  # C15
        for _, orgs, _ in outcome.joins:
            assert set(orgs.tolist()) <= {3, 4}


def test_outgrown_alliances_return_to_founding(rng):
    values = np.full((6, 2), 0.5)
    world = make_world(values, params=params(n_organisations=6))
    a = add_alliance(world, list(range(6)), EVOLVING, governance=1.0, founding_size=3)
    outcome = evolving.step(world, np.array([a]), rng)
    assert (a, FOUNDING, "outgrown") in outcome.transitions  # C12


def test_collapse_of_commitment_dissolves_for_lack_of_results(rng):
    world = make_world(ALIKE, params=params(), need=[0.5, 0.5])
    a = evolving_alliance(world, commitment=0.1, aspiration=1.0, results_trend=0.0)
    outcome = evolving.step(world, np.array([a]), rng)
    assert (a, DISSOLVED, "lack_of_results") in outcome.transitions  # C17
