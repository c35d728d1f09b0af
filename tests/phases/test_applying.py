"""The model applies what the phases decide (C8, C10, C17, C26): hand-made worlds, real steps."""

import numpy as np
from worlds import add_alliance, make_world, model_of, params2, set_trust

from simulation.behaviour import governance
from simulation.phases.common import Outcome
from simulation.state import DISSOLVED, EVOLVING, FORMING, FOUNDING, TRANSFORMING


def causes(model):
    return [(row[1], row[3], row[4]) for row in model.events.rows]


def test_an_ending_takes_the_cause_of_the_phase_at_the_start_of_the_month():
    # The leader's renewal is adopted; the two others do not follow and leave: the alliance
    # renewed but fell below min_viable in the same month. That renewal did not take: it
    # is not counted, and the crisis ended the alliance (not lack_of_results).
    values = [[0.5, 0.5], [1.0, 1.0], [0.0, 0.0]]
    p = params2(renewal_rate=1.0, collective_leadership=0.0, absorption_rate=0.0)
    ended = []
    for seed in range(30):
        world = make_world(values, params=p, need=[0.55, 0.5], leadership=[0.9, 0.1, 0.1])
        set_trust(world, 0.6)
        a = add_alliance(world, [0, 1, 2], TRANSFORMING, since=9, governance=0, cohesion=0.5)
        model = model_of(world, seed)
        model.step()
        store = world.alliances
        if store.phase[a] == DISSOLVED:
            assert causes(model) == [(a, "dissolved", store.end_cause[a])]
            assert store.ended_from[a] == TRANSFORMING
            assert store.evolutionary_renewals[a] == store.revolutionary_renewals[a] == 0
            reasons = [world.members.exit_reason[r] for r in range(3)]
            assert reasons.count("did_not_follow") == 2
            ended.append(store.end_cause[a])
    assert ended and set(ended) == {"transformation_failed"}


def test_founders_are_every_member_at_the_first_founding():
    world = make_world([[0.5, 0.5]] * 5, params=params2(n_organisations=5))
    a = add_alliance(world, range(4), FORMING, founder=False)
    model = model_of(world)
    model.transition(a, FOUNDING, "founded")
    rows = world.members.of(a)
    assert world.members.founder[rows].all() and world.alliances.n_founders[a] == 4  # C8
    assert world.alliances.founded_at[a] == world.step
    # A newcomer joins; the alliance outgrows its form and founds again: still 4 founders.
    model.transition(a, EVOLVING, "governance_complete")
    model.apply(Outcome(joins=[(a, np.array([4]), 0.5)]))
    model.transition(a, FOUNDING, "outgrown")
    newcomer = world.members.of(a)[-1]
    assert world.members.org[newcomer] == 4 and not world.members.founder[newcomer]
    assert world.alliances.n_founders[a] == 4 and world.alliances.founded_at[a] == world.step
    assert world.members.founder[rows].all()


def test_a_founder_leaving_costs_cohesion_a_newcomer_does_not():
    world = make_world([[0.5, 0.5]] * 4, params=params2(n_organisations=4))
    a = add_alliance(world, [0, 1, 2], EVOLVING, cohesion=0.5)
    world.members.add(a, np.array([3]), 0.5, 0, founder=False)
    world.refresh()
    model = model_of(world)
    rows = world.members.of(a)
    model.apply(Outcome(exits=[(rows[-1:], "low_commitment")]))
    assert world.alliances.cohesion[a] == 0.5
    model.apply(Outcome(exits=[(rows[:1], "low_commitment")]))
    assert world.alliances.cohesion[a] == 0.5 - world.params.founder_loss  # C8


def trust_after(ending=None, exit_reason=None):
    """Trust of organisations 1 and 2 in 0 after 0 leaves, or after the alliance ends."""
    world = make_world([[0.5, 0.5]] * 3, params=params2())
    set_trust(world, 0.7)
    a = add_alliance(world, [0, 1, 2], EVOLVING)
    model = model_of(world)
    rows = world.members.of(a)
    if exit_reason is not None:
        model.apply(Outcome(exits=[(rows[:1], exit_reason)]))
    else:
        model.apply(Outcome(transitions=[(a, DISSOLVED, ending)]))
    return world.trust.get(np.array([1, 2]), np.array([0, 0]))


def test_agreed_endings_do_not_lower_trust():
    for ending in ("completed", "wound_down", "absorbed"):
        assert np.allclose(trust_after(ending), 0.7), ending


def test_betrayal_only_on_walk_outs():
    betrayed = 0.7 - params2().betrayal
    for reason in ("low_commitment", "did_not_follow", "overcommitted"):
        assert np.allclose(trust_after(exit_reason=reason), betrayed), reason  # C10
    for reason in ("misfit", "absorbed", "completed", "wound_down"):
        assert np.allclose(trust_after(exit_reason=reason), 0.7), reason


def test_absorbed_members_who_fit_move_to_the_absorber():
    values = [[0.5, 0.5], [0.52, 0.5], [1.0, 0.0], [0.5, 0.5], [0.5, 0.52]]
    world = make_world(values, params=params2(n_organisations=5))
    a = add_alliance(world, [0, 1, 2], TRANSFORMING, governance=governance.SHARED)
    b = add_alliance(world, [3, 4], EVOLVING, governance=governance.SHARED, mission=[0.5, 0.5])
    model = model_of(world)
    model.apply(Outcome(mergers=[(a, b)], transitions=[(a, DISSOLVED, "absorbed")]))
    assert sorted(world.members.org[world.members.of(b)].tolist()) == [0, 1, 3, 4]  # C26
    assert world.members.of(a).shape[0] == 0 and world.alliances.end_cause[a] == "absorbed"
    moved = [r for r in range(len(world.members)) if world.members.alliance[r] == a]
    assert {world.members.exit_reason[r] for r in moved} == {"absorbed"}


def test_an_overcommitted_organisation_gives_up_its_least_committed_alliance():
    values = [[0.5, 0.5]] * 3
    world = make_world(values, params=params2(), attention=[0.8, 2.0, 2.0])
    a = add_alliance(world, [0, 1], EVOLVING, commitment=0.9, governance=0, cohesion=0.5)
    b = add_alliance(world, [0, 2], EVOLVING, commitment=[0.5, 0.9], governance=0, cohesion=0.5)
    world.population.attention[0] = 0.4  # its budget now covers one alliance
    world.refresh()
    model = model_of(world)
    model._departures()
    assert world.members.is_member(a, 0) and not world.members.is_member(b, 0)
    row = next(r for r in range(len(world.members)) if world.members.alliance[r] == b)
    assert world.members.exit_reason[row] == "overcommitted"
