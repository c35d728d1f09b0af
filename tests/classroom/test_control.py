"""simulation.control: participants' decisions applied with the model's own bookkeeping."""

from __future__ import annotations

import numpy as np
import pytest

from simulation import control
from simulation.control import ControlError, ControlledModel
from simulation.state import FORMING, TRANSFORMING


def model(**overrides) -> ControlledModel:
    return ControlledModel(n_organisations=80, steps=60, seed=3, **overrides)


def test_start_join_and_leave_use_the_models_bookkeeping():
    m = model()
    a, b, c = (int(o) for o in m.unallied()[:3])
    alliance = m.start_alliance(a, [b], is_open=False)
    assert alliance is not None
    world = m.world
    assert world.alliances.phase[alliance] == FORMING
    assert world.alliances.initiator[alliance] == a
    assert (m.steps, alliance, None, "forming", "initiated") == m.events.rows[-1][:5]
    assert world.size[alliance] == 2 and world.load[a] == 1
    assert m.join(alliance, c)
    assert world.size[alliance] == 3 and world.alliances.peak_size[alliance] == 3
    assert not m.join(alliance, c)  # already a member
    trust_before = world.trust.get(np.array([a]), np.array([c]))[0]
    m.leave(c, alliance)
    assert not world.members.is_member(alliance, c) and world.load[c] == 0
    row = np.flatnonzero(world.members.org[: len(world.members)] == c)[-1]
    assert world.members.exit_reason[row] == control.LEFT_BY_CHOICE
    # the members who stay trust the leaver less (betrayal), as when the model's rule leaves
    assert world.trust.get(np.array([a]), np.array([c]))[0] < trust_before


def test_declining_a_place_is_no_betrayal():
    m = model()
    a, b, c = (int(o) for o in m.unallied()[:3])
    alliance = m.start_alliance(a, [b, c], is_open=False)
    before = m.world.trust.get(np.array([a]), np.array([c]))[0]
    m.decline(c, alliance)
    assert not m.world.members.is_member(alliance, c)
    assert m.world.trust.get(np.array([a]), np.array([c]))[0] == before


def test_staying_overrides_the_low_commitment_rule_for_one_month():
    m = model()
    a, b, c, d = (int(o) for o in m.unallied()[:4])
    alliance = m.start_alliance(a, [b, c, d], is_open=False)
    rows = m.world.members.of(alliance)
    m.world.members.commitment[rows] = 0.0  # everyone would leave by the rule
    assert control.rule_leaves(m, b, alliance)
    m.stay(b, alliance)
    m._departures()
    assert m.world.members.is_member(alliance, b)  # kept by the decision
    assert not m.world.members.is_member(alliance, c)  # the rule played the others
    assert m.world.members.commitment[m.world.members._current[(alliance, b)]] == 0.0
    m.step()
    assert m.staying == set()  # a decision to stay holds for one month


def test_an_organisation_that_acted_starts_nothing_by_the_rule():
    def initiators(m):
        return m.world.alliances.initiator[: m.world.alliances.count].tolist()

    played = model()
    months = 0
    while not initiators(played) and months < 60:
        played.step()
        months += 1
    started = initiators(played)[0]  # the model started this one in month ``months``
    acted = model()  # the same seed: the same draws
    acted.take_control(started)
    for _ in range(months - 1):
        acted.step()
    acted.acted.add(started)
    acted.step()
    assert started not in initiators(acted)
    idle = model()
    idle.take_control(started)
    for _ in range(months):
        idle.step()
    assert started in initiators(idle)  # one that did nothing is played by the model


def test_votes_and_backing_fill_the_hooks_and_lapse_after_the_step():
    m = model()
    a, b, c = (int(o) for o in m.unallied()[:3])
    alliance = m.start_alliance(a, [b, c], is_open=False)
    with pytest.raises(ControlError, match="not transforming"):
        m.vote(alliance, a, "evolutionary")
    m.world.alliances.phase[alliance] = TRANSFORMING  # as if it had got there
    m.vote(alliance, a, "revolutionary")
    m.back(alliance, b, "collective")
    assert m.world.votes == {alliance: {a: "revolutionary"}}
    assert m.world.backing == {alliance: {b: "collective"}}
    with pytest.raises(ControlError, match="a vote is one of"):
        m.vote(alliance, a, "coup")
    with pytest.raises(ControlError, match="not a member"):
        m.back(alliance, int(m.unallied()[0]), "leader")
    assert control.rule_vote(m, alliance) in control.VOTES
    assert control.rule_backing(m, alliance) in control.BACKING
    m.step()
    assert m.world.votes == {} and m.world.backing == {}


def test_rule_backing_follows_collective_leadership():
    for share, expected in ((0.0, "leader"), (1.0, "collective")):
        m = model(collective_leadership=share)
        a, b, c = (int(o) for o in m.unallied()[:3])
        alliance = m.start_alliance(a, [b, c], is_open=False)
        assert control.rule_backing(m, alliance) == expected


def test_rule_accepts_is_the_forming_acceptance_probability():
    m = model()
    a, b = (int(o) for o in m.unallied()[:2])
    p = control.rule_accepts(m, a, b)
    assert 0.0 <= p <= 1.0


def test_impossible_actions_are_control_errors():
    m = model()
    a, b = (int(o) for o in m.unallied()[:2])
    with pytest.raises(ControlError):
        m.leave(a, 999)
    with pytest.raises(ControlError):
        m.take_control(-1)
    alliance = m.start_alliance(a, [b], is_open=False)
    m.world.alliances.phase[alliance] = 4
    with pytest.raises(ControlError, match="ended"):
        m.join(alliance, int(m.unallied()[0]))


def test_without_participants_the_controlled_model_is_the_model():
    from simulation.model import AllianceModel

    plain = AllianceModel(n_organisations=80, steps=30, seed=5)
    steered = ControlledModel(n_organisations=80, steps=30, seed=5)
    plain.run()
    steered.run()
    for name in ("alliances", "events", "memberships"):
        assert plain.tables()[name].equals(steered.tables()[name])


@pytest.mark.parametrize(
    ("choice", "renewal"),
    [("revolutionary", "revolutionary_renewal"), ("evolutionary", "evolutionary_renewal")],
)
def test_the_members_votes_decide_the_kind_of_renewal(choice, renewal):
    from simulation.scenarios import get_scenario

    m = ControlledModel(get_scenario("crisis").params(seed=1, renewal_rate=1.0))
    while not m.world.alliances.in_phase(TRANSFORMING).size and m.steps < 200:
        m.step()
    (alliance, *_) = m.world.alliances.in_phase(TRANSFORMING).tolist()
    orgs = m.world.members.org[m.world.members.of(alliance)].tolist()
    for _ in range(m.params.max_transforming_steps + 1):
        if m.world.alliances.phase[alliance] != TRANSFORMING:
            break
        for org in orgs:
            if m.world.members.is_member(alliance, org):
                m.vote(alliance, org, choice)
        m.step()
    causes = [row[4] for row in m.events.rows if row[1] == alliance]
    assert causes[-1] == renewal  # the same world renews the other way with the other vote
