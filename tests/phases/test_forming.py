"""Forming with hand-made organisations (C2-C7, C24)."""

import numpy as np
from worlds import add_alliance, make_world, set_trust

from simulation.params import Params
from simulation.phases import forming
from simulation.state import DISSOLVED, FORMING, FOUNDING

ALIKE = [[0.5, 0.5], [0.52, 0.5], [0.5, 0.52]]
APART = [[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]]


def params(**kw):
    return Params(**({"value_dims": 2, "capability_dims": 2, "n_organisations": 3} | kw))


def test_alike_trusting_members_are_founded(rng):
    world = make_world(ALIKE, params=params())
    set_trust(world, 0.9)
    a = add_alliance(world, [0, 1, 2], FORMING, since=8)
    outcome = forming.step(world, np.array([a]), rng)
    assert (a, FOUNDING, "founded") in outcome.transitions


def test_members_far_apart_are_not_founded(rng):
    world = make_world(APART, params=params())
    set_trust(world, 0.9)
    a = add_alliance(world, [0, 1, 2], FORMING, since=8)
    outcome = forming.step(world, np.array([a]), rng)
    assert not outcome.transitions  # no consensus on a mission yet (C6, C7)


def test_more_care_asks_for_more_trust(rng):
    for care, founded in ((0.0, True), (1.0, False)):
        world = make_world(ALIKE, params=params(forming_care=care))
        set_trust(world, 0.45)
        a = add_alliance(world, [0, 1, 2], FORMING, since=8)
        outcome = forming.step(world, np.array([a]), rng)
        assert ((a, FOUNDING, "founded") in outcome.transitions) is founded


def test_forming_that_lasts_too_long_fails(rng):
    world = make_world(APART, params=params(max_forming_steps=5), step=20)
    a = add_alliance(world, [0, 1, 2], FORMING, since=10)
    outcome = forming.step(world, np.array([a]), rng)
    assert (a, DISSOLVED, "formation_failed") in outcome.transitions


def test_trust_moves_toward_value_similarity(rng):
    world = make_world(ALIKE, params=params())
    a = add_alliance(world, [0, 1, 2], FORMING, since=8)
    outcome = forming.step(world, np.array([a]), rng)
    ((src, _, target),) = outcome.trust
    assert len(src) == 6  # everyone meets everyone in a small group
    assert np.all(target > 0.9)  # alike partners: trust heads high (C3)


def test_mission_is_commitment_weighted_centre(rng):
    world = make_world([[0.0, 0.0], [1.0, 1.0], [1.0, 1.0]], params=params())
    a = add_alliance(world, [0, 1, 2], FORMING, since=8)
    world.members.commitment[:] = [1.0, 0.5, 0.5]
    outcome = forming.step(world, np.array([a]), rng)
    mission = dict((n, v) for n, _, v in outcome.updates)["mission"][0]
    assert np.allclose(mission, [0.5, 0.5])


def test_fear_of_exclusion_raises_initiation():
    world = make_world(ALIKE, params=params())
    world.population.ties = world.population.ties.tolil()
    world.population.ties[0, 1] = world.population.ties[1, 0] = 1
    world.population.ties = world.population.ties.tocsr()
    world.population.degree = np.asarray(world.population.ties.sum(axis=1)).ravel()
    alone = forming.initiation_probability(world)[0]
    add_alliance(world, [1, 2], FORMING)  # organisation 0's acquaintance is allied now
    excluded = forming.initiation_probability(world)[0]
    assert excluded > alone  # C5


def test_full_organisations_do_not_initiate():
    world = make_world(ALIKE, params=params(capacity=1))
    add_alliance(world, [0, 1], FORMING)
    chance = forming.initiation_probability(world)
    assert chance[0] == 0 and chance[1] == 0 and chance[2] > 0


def test_initiate_invites_trusted_partners():
    world = make_world(ALIKE, params=params(initiation_rate=1.0, drive=1.0))
    world.population.drive[:] = 1.0
    set_trust(world, 0.9)
    outcome = forming.initiate(world, np.random.default_rng(3))
    assert outcome.new_alliances
    for new in outcome.new_alliances:
        assert new.members[0] == new.initiator and len(new.members) >= 2
        assert len(set(new.members.tolist())) == len(new.members)


def test_competing_invitations_respect_capacity():
    from simulation import AllianceModel

    model = AllianceModel(n_organisations=40, capacity=1, initiation_rate=1.0, steps=3, seed=2)
    model.step()
    assert model.world.alliances.count > 0
    assert model.world.load.max() <= 1
