"""Transforming with hand-made organisations (C8, C19-C22, C26)."""

import numpy as np
import pytest
from worlds import add_alliance, make_world, params2, plain, set_trust, updates

from simulation.behaviour import governance
from simulation.phases import evolving, forming, founding, transforming
from simulation.phases.common import groups_of
from simulation.state import DISSOLVED, EVOLVING, FORMING, FOUNDING, TRANSFORMING

ALIKE = [[0.5, 0.5], [0.52, 0.5], [0.5, 0.52]]
STEP = 10


def crisis(values=ALIKE, *, since=STEP - 3, trust=0.6, alliance=None, **world_kw):
    """A world with one transforming alliance of organisations 0, 1, 2."""
    world = make_world(values, step=STEP, **world_kw)
    set_trust(world, trust)
    fields = {"governance": governance.SHARED, "cohesion": 0.6, "results_trend": 0.5}
    a = add_alliance(world, [0, 1, 2], TRANSFORMING, since=since, **(fields | (alliance or {})))
    return world, a


def outcomes(make, seeds=60):
    """(world, alliance, outcome) for many random streams."""
    for seed in range(seeds):
        world, a = make()
        yield world, a, transforming.step(world, np.array([a]), np.random.default_rng(seed))


def renewals(make, seeds=60):
    found = []
    for world, a, outcome in outcomes(make, seeds):
        found.extend((world, a, outcome, t) for t in outcome.transitions if t[1] != DISSOLVED)
    return found


LEADER = params2(renewal_rate=1.0, collective_leadership=0.0, absorption_rate=0.0)


def test_small_gap_gives_evolutionary_renewal():
    def make():
        return crisis(params=LEADER, need=[0.55, 0.5], alliance={"mission": [0.5, 0.5]})

    found = renewals(make)
    assert found
    for world, a, outcome, transition in found:
        assert transition == (a, EVOLVING, "evolutionary_renewal")  # C19, C26
        got = updates(outcome)
        assert got["mission"][0][0] > 0.5  # adapted toward the proposal, nearer the need
        assert got["aspiration"][0] == world.alliances.results_trend[a]
        assert not outcome.exits


def test_large_gap_gives_revolutionary_renewal_and_non_followers_leave():
    def make():
        values = [[0.0, 0.0], [0.05, 0.0], [1.0, 1.0]]
        return crisis(values, params=LEADER, need=[0.0, 0.0], alliance={"mission": [1.0, 1.0]})

    found = renewals(make)
    assert found
    for world, a, outcome, transition in found:
        assert transition == (a, FORMING, "revolutionary_renewal")  # C26
        got = updates(outcome)
        assert np.linalg.norm(got["mission"][0]) < 0.1  # a new mission, near the need
        assert got["arrangements"][0] == 0 and np.isnan(got["aspiration"][0])
        ((rows, reason),) = outcome.exits
        assert reason == "did_not_follow" and world.members.org[rows].tolist() == [2]  # C22


def test_collective_leadership_pools_committed_leadership_one_leader_is_the_best():
    world, a = crisis(leadership=[0.2, 0.4, 0.6], params=params2())
    groups = groups_of(world, np.array([a]))
    committed, half = np.full(3, 0.8), np.array([0.8, 0.4, 0.8])
    effort = transforming.effort(world, groups, committed)
    assert np.allclose(effort, np.minimum(np.array([0.2, 0.4, 0.6]) * 0.8 * 1.5, 1.0))
    one = transforming.leadership(world, groups, committed, np.array([False]))[0]
    pooled = transforming.leadership(world, groups, committed, np.array([True]))[0]
    assert one == pytest.approx(effort.max())  # the best member leads alone
    assert pooled == pytest.approx(1 - np.exp(-effort.sum() / world.params.pool_scale))
    # Less commitment from a member who is not the best: the one leader does not care,
    # the collective does (C22).
    assert transforming.leadership(world, groups, half, np.array([False]))[0] == one
    assert transforming.leadership(world, groups, half, np.array([True]))[0] < pooled


def test_equal_leaders_together_lead_more_than_one():
    world, a = crisis(leadership=0.5, params=params2())
    groups = groups_of(world, np.array([a]))
    committed = np.full(3, 0.8)
    one = transforming.leadership(world, groups, committed, np.array([False]))[0]
    assert transforming.leadership(world, groups, committed, np.array([True]))[0] > one


def test_founders_lead_more():
    world, a = crisis(params=params2())
    groups = groups_of(world, np.array([a]))
    with_founders = transforming.effort(world, groups, np.full(3, 0.5))
    world.members.founder[:] = False
    assert np.all(with_founders > transforming.effort(world, groups, np.full(3, 0.5)))  # C8


def test_collective_proposals_are_ready_only_after_deliberation():
    p = params2(renewal_rate=1.0, collective_leadership=1.0, absorption_rate=0.0)
    ready_at = STEP + p.deliberation_steps
    for _, _, outcome in outcomes(lambda: crisis(params=p, since=STEP), seeds=40):
        assert updates(outcome)["proposal_ready"][0] == ready_at
        assert not outcome.transitions  # nothing on the table yet
    for step, renew in ((ready_at - 1, False), (ready_at, True)):
        found = []
        for seed in range(40):
            world, a = crisis(params=p, since=STEP, alliance={"proposal_ready": ready_at})
            world.step = step
            outcome = transforming.step(world, np.array([a]), np.random.default_rng(seed))
            assert updates(outcome)["proposal_ready"][0] == ready_at  # the process goes on
            found.extend(t for t in outcome.transitions if t[1] != DISSOLVED)
        assert bool(found) is renew


def test_one_leader_puts_a_proposal_on_the_table_at_once():
    found = renewals(lambda: crisis(params=LEADER, since=STEP), seeds=40)
    assert found
    for _, _, outcome, _ in found:
        assert updates(outcome)["proposal_ready"][0] == -1


def test_votes_steer_the_kind_of_renewal():
    def revolution_voted():
        world, a = crisis(params=LEADER, need=[0.55, 0.5], alliance={"mission": [0.5, 0.5]})
        world.votes = {a: {0: "revolutionary", 1: "revolutionary", 2: "evolutionary"}}
        return world, a

    def evolution_voted():
        world, a = crisis(params=LEADER, need=[0.0, 0.0], alliance={"mission": [1.0, 1.0]})
        world.votes = {a: {0: "evolutionary"}}
        return world, a

    kinds = {t[2] for *_, t in renewals(revolution_voted)}
    assert kinds == {"revolutionary_renewal"}  # small gap, but the members want a revolution
    kinds = {t[2] for *_, t in renewals(evolution_voted)}
    assert kinds == {"evolutionary_renewal"}


def test_votes_to_end_wind_down_without_waiting():
    world, a = crisis(params=params2(renewal_rate=0.0, absorption_rate=0.0), since=STEP)
    rng = np.random.default_rng(0)
    assert not transforming.step(world, np.array([a]), rng).transitions
    world.votes = {a: {0: "end", 1: "end"}}
    outcome = transforming.step(world, np.array([a]), rng)
    assert outcome.transitions == [(a, DISSOLVED, "wound_down")]


def test_backing_steers_the_process():
    p_collective = params2(collective_leadership=1.0, renewal_rate=0.0, absorption_rate=0.0)
    p_leader = params2(collective_leadership=0.0, renewal_rate=0.0, absorption_rate=0.0)
    for p, backed, ready in ((p_leader, "collective", True), (p_collective, "leader", False)):
        for seed in range(10):
            world, a = crisis(params=p, since=STEP)
            world.backing = {a: dict.fromkeys((0, 1, 2), backed)}
            outcome = transforming.step(world, np.array([a]), np.random.default_rng(seed))
            assert bool(updates(outcome)["proposal_ready"][0] >= 0) is ready


def patient_end(age, trust, outside):
    p = params2(renewal_rate=0.0, absorption_rate=0.0)
    world, a = crisis(params=p, since=STEP - age, trust=trust, outside=outside)
    return transforming.step(world, np.array([a]), np.random.default_rng(0)).transitions


def agreed_end(commitment, trust):
    p = params2(renewal_rate=0.0, absorption_rate=0.0)
    world, a = crisis(params=p, since=STEP - 2, trust=trust, alliance={"commitment": commitment})
    return transforming.step(world, np.array([a]), np.random.default_rng(0)).transitions


def test_agreed_ends_need_a_majority_who_lost_the_will_and_trust():
    p = params2()
    done, keen = p.wind_down_commitment - 0.2, p.wind_down_commitment + 0.3
    assert agreed_end(done, 0.6) == [(0, DISSOLVED, "wound_down")]
    assert agreed_end(keen, 0.6) == []  # they still want to go on (C21)
    assert agreed_end(done, 0.3) == []  # no trust to agree: no agreed end
    assert agreed_end([done, keen, keen], 0.6) == []  # a minority wants out
    assert agreed_end([done, done, keen], 0.6) == [(0, DISSOLVED, "wound_down")]


def test_time_runs_out_in_transformation_failed():
    p = params2()
    assert patient_end(p.max_transforming_steps - 1, 0.6, 0.0) == []
    assert patient_end(p.max_transforming_steps, 0.6, 0.0) == [
        (0, DISSOLVED, "transformation_failed")
    ]


def absorption_world(trend=1.0, absorber_mission=(0.5, 0.5), absorbed_at=0.3, **params):
    """Alliance a (transforming, near ``absorbed_at``) and b (evolving) by a need at 0.6."""
    x = absorbed_at
    values = [[x, x], [x + 0.02, x], [x, x + 0.02], [0.5, 0.5], [0.52, 0.5], [0.5, 0.52]]
    p = params2(n_organisations=6, renewal_rate=0.0, absorption_rate=1.0, **params)
    world = make_world(values, params=p, need=[0.6, 0.6], step=STEP)
    set_trust(world, 0.6)
    a = add_alliance(world, [0, 1, 2], TRANSFORMING, since=STEP - 1, governance=0, cohesion=0.5)
    b = add_alliance(
        world,
        [3, 4, 5],
        EVOLVING,
        governance=0,
        mission=absorber_mission,
        results_trend=trend,
        aspiration=0.5,
    )
    return world, a, b


def test_absorption_merges_into_a_close_healthy_alliance():
    world, a, b = absorption_world()
    outcome = transforming.step(world, np.array([a]), np.random.default_rng(0))
    assert outcome.mergers == [(a, b)]  # C26
    assert outcome.transitions == [(a, DISSOLVED, "absorbed")]


@pytest.mark.parametrize(
    "kw",
    [
        pytest.param({"trend": 0.2}, id="unhealthy"),
        pytest.param({"absorber_mission": (1.0, 0.9)}, id="less-relevant"),
        pytest.param({"absorbed_at": 0.0, "absorber_mission": (0.6, 0.6)}, id="too-different"),
        # members fit the absorber's mission 0.6 or less: a merger would carry nobody over
        pytest.param({"admission_fit": 0.65}, id="nobody-would-move"),
        pytest.param({"absorption_movers": 4}, id="too-few-would-move"),
    ],
)
def test_no_absorption_into_an_unhealthy_less_relevant_or_distant_alliance(kw):
    world, a, _ = absorption_world(**kw)
    outcome = transforming.step(world, np.array([a]), np.random.default_rng(0))
    assert not outcome.mergers and not outcome.transitions


def test_the_work_goes_on_distracted():
    p = params2(renewal_rate=0.0, absorption_rate=0.0)
    world, a = crisis(params=p)
    ((_, back),) = transforming.step(world, np.array([a]), np.random.default_rng(0)).returns
    world = make_world(ALIKE, params=p, step=STEP)
    set_trust(world, 0.6)
    b = add_alliance(world, [0, 1, 2], EVOLVING, governance=0, cohesion=0.6, results_trend=0.5)
    ((_, calm),) = evolving.step(world, np.array([b]), np.random.default_rng(0)).returns
    # Evolving also spends on foresight; transforming loses crisis_distraction of the rest.
    assert np.all(back < calm)


# --- no pressure term in the phases: pressure acts only through its three channels ---------

NO_CHANNELS = {"pressure_need_drift": 0.0, "pressure_need_jump": 0.0, "pressure_squeeze": 0.0}


def phase_outcomes(pressure, **kw):
    """Outcomes of every phase step, and of initiation, at ``pressure`` (same streams)."""
    p = params2(n_organisations=8, pressure=pressure, initiation_rate=0.5, **kw)
    values = [[0.5, 0.5], [0.52, 0.5], [0.5, 0.52], [0.3, 0.4]] * 2
    caps = [[0.9, 0.2], [0.2, 0.9], [0.5, 0.5], [0.4, 0.6]] * 2
    world = make_world(values, caps, params=p, pressure=pressure, ties=[(0, 1), (2, 7)])
    set_trust(world, 0.6)
    ids = {
        FORMING: add_alliance(world, [0, 1], FORMING, since=8, founder=False),
        FOUNDING: add_alliance(world, [2, 3], FOUNDING, since=8, governance=0),
        EVOLVING: add_alliance(world, [4, 5, 6], EVOLVING, governance=1, results_trend=0.5),
        TRANSFORMING: add_alliance(world, [7, 0, 4], TRANSFORMING, since=STEP, governance=0),
    }
    world.refresh()
    got = {"initiate": plain(forming.initiate(world, np.random.default_rng(1)))}
    for phase, module in ((FORMING, forming), (FOUNDING, founding), (EVOLVING, evolving)):
        got[phase] = plain(module.step(world, np.array([ids[phase]]), np.random.default_rng(2)))
    step = transforming.step(world, np.array([ids[TRANSFORMING]]), np.random.default_rng(3))
    got[TRANSFORMING] = plain(step)
    return got


def test_no_pressure_term_in_any_phase():
    calm, pressed = phase_outcomes(0.0, **NO_CHANNELS), phase_outcomes(1.0, **NO_CHANNELS)
    np.testing.assert_equal(pressed, calm)


def test_pressure_acts_through_its_squeeze_channel():
    squeeze = NO_CHANNELS | {"pressure_squeeze": 0.5}
    calm, pressed = phase_outcomes(0.0, **squeeze), phase_outcomes(1.0, **squeeze)
    assert pressed[EVOLVING] != calm[EVOLVING]  # less attention, less brought
