"""What an alliance produces and what each member gets back (C3, C7, C10, C16, C18)."""

import numpy as np
import pytest
from worlds import add_alliance, make_world, params2

from simulation.behaviour import governance, production
from simulation.phases.common import groups_of
from simulation.state import EVOLVING

SPOT = [[0.5, 0.5]] * 3
SPECIALISTS = [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]


def group(caps, **kw):
    world = make_world(SPOT, caps, params=params2(**kw))
    a = add_alliance(world, [0, 1, 2], EVOLVING)
    return world, groups_of(world, np.array([a]))


def test_capability_output_mixes_added_up_and_best_per_capability():
    for c in (0.0, 0.6, 1.0):
        world, g = group(SPECIALISTS, complementarity=c)
        # added up: mean 0.5; combined: best on each capability, 1.0
        expected = (1 - c) * 0.5 + c * 1.0
        assert production.capability_output(world, g, np.array([0]))[0] == pytest.approx(expected)


def test_administrative_organisation_lifts_missing_competences():
    world, g = group(np.full((3, 2), 0.1))
    shared = production.capability_output(world, g, np.array([governance.SHARED]))[0]
    nao = production.capability_output(world, g, np.array([governance.NAO]))[0]
    gain = production.competence_gain(world, g)[0]
    assert gain == pytest.approx(world.params.complementarity * (0.5 - 0.1))
    assert nao - shared == pytest.approx(gain)


def test_members_bring_capability_only_as_far_as_their_attention_allows():
    world, g = group(np.full((3, 2), 0.8), complementarity=0.0)
    full = production.capability_output(world, g, np.array([0]))[0]
    world.population.attention[:] = 0.4  # strength 0.8 each
    world.refresh()
    assert production.capability_output(world, g, np.array([0]))[0] == pytest.approx(0.8 * full)


def test_relevance_falls_with_distance_to_the_need():
    world = make_world(SPOT, params=params2(), need=[0.5, 0.5])
    r = production.relevance(world, np.array([[0.5, 0.5], [0.7, 0.5], [0.0, 1.0]]))
    assert r[0] == 1.0 and 0 < r[1] < 1 and r[2] == 0.0


def test_equal_returns_are_the_results_proportional_follow_contribution():
    caps = [[0.9, 0.9], [0.3, 0.3], [0.3, 0.3]]
    world, g = group(caps, arrangement="equal")
    assert production.returns(world, g, np.array([0.6])).tolist() == [0.6, 0.6, 0.6]
    world, g = group(caps, arrangement="proportional")
    back = production.returns(world, g, np.array([0.6]))
    assert back[0] == pytest.approx(0.6 * 0.9 / 0.5) and back[1] == pytest.approx(0.6 * 0.3 / 0.5)


def test_members_under_a_lead_feel_their_dependence():
    world, g = group(np.full((3, 2), 0.5), arrangement="proportional")
    world.alliances.lead[g.ids[0]] = 1
    felt = production.unfairness(world, g, np.array([governance.LEAD]))
    p = world.params
    assert felt.tolist() == [p.lead_dominance, 0.0, p.lead_dominance]
    assert not production.unfairness(world, g, np.array([governance.SHARED])).any()


def test_results_add_up_the_terms_and_subtract_overhead():
    world, g = group(np.full((3, 2), 0.5), foresight=0.0)
    store, a = world.alliances, g.ids[0]
    store.cohesion[a] = 0.4
    mission = world.environment.need[None, :]
    rng = np.random.default_rng(0)
    p = world.params
    got = production.results(world, g, mission, np.array([1]), np.array([0.5]), rng)[0]
    expected = (
        p.results_base
        + p.weight_capability * 0.5
        + p.weight_relevance * 1.0
        + p.weight_cohesion * 0.4
        + p.weight_coordination * 0.5
        - p.lead_overhead
    )
    assert got == pytest.approx(expected)
    distracted = production.results(world, g, mission, np.array([1]), np.array([0.5]), rng, 0.3)
    assert distracted[0] == pytest.approx(0.7 * expected)
