"""Evolving with hand-made organisations (C3, C12, C14-C18, C20, C21, C25, C27)."""

import numpy as np
import pytest
from worlds import add_alliance, make_world, params2, set_trust, updates

from simulation.behaviour import governance
from simulation.phases import evolving
from simulation.state import DISSOLVED, EVOLVING, FOUNDING, TRANSFORMING

ALIKE = [[0.5, 0.5], [0.52, 0.5], [0.5, 0.52]]
SPECIALISTS = [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]
SAME = [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]


def evolving_alliance(world, orgs=(0, 1, 2), **fields):
    defaults = {"governance": governance.SHARED, "cohesion": 0.6, "founding_size": 3}
    return add_alliance(world, list(orgs), EVOLVING, **(defaults | fields))


def results_of(caps, rng, **kw):
    world = make_world(ALIKE, caps, params=params2(**kw), need=[0.5, 0.5])
    set_trust(world, 0.7)
    a = evolving_alliance(world)
    return updates(evolving.step(world, np.array([a]), rng))["results"][0]


def test_complementary_capabilities_produce_more_only_with_interdependence(rng):
    # SPECIALISTS and SAME add up to the same capabilities; only SPECIALISTS cover both.
    assert results_of(SPECIALISTS, rng) > results_of(SAME, rng) + 0.05  # C3, C16
    assert results_of(SPECIALISTS, rng, complementarity=0.0) == pytest.approx(
        results_of(SAME, rng, complementarity=0.0)
    )


def test_without_interdependence_the_added_up_capabilities_matter(rng):
    weak, strong = np.full((3, 2), 0.3), np.full((3, 2), 0.8)
    gained = results_of(strong, rng, complementarity=0.0) - results_of(weak, rng, complementarity=0)
    assert gained == pytest.approx(params2().weight_capability * 0.5)


def test_each_member_weighs_its_own_return_against_its_own_outside_option(rng):
    world = make_world(ALIKE, params=params2(), need=[0.5, 0.5], outside=[1.3, 0.3, 0.3])
    set_trust(world, 0.7)
    a = evolving_alliance(world, results_trend=0.5, aspiration=0.5)
    outcome = evolving.step(world, np.array([a]), rng)
    ((rows, commitment),) = outcome.commitment
    by_org = dict(zip(world.members.org[rows].tolist(), commitment.tolist(), strict=True))
    assert by_org[0] < 0.6 < by_org[1]  # the one with the better outside option loses (C16)
    assert by_org[1] == pytest.approx(by_org[2])


def test_commitment_leavers_one_by_one_over_months(rng):
    world = make_world(ALIKE, params=params2(), need=[0.5, 0.5], outside=[1.2, 0.6, 0.3])
    set_trust(world, 0.6)
    a = evolving_alliance(world)
    rows = world.members.of(a)
    for _ in range(30):
        outcome = evolving.step(world, np.array([a]), rng)
        ((_, commitment),) = outcome.commitment
        world.members.commitment[rows] = commitment
    c = world.members.commitment[rows]
    assert c[0] < c[1] < c[2]  # members differ, so they would leave one by one (C17)


def test_aspiration_rises_after_success_and_falls_back_after_failure(rng):
    world = make_world(ALIKE, SPECIALISTS, params=params2(), need=[0.5, 0.5])
    a = evolving_alliance(world, aspiration=0.2, results_trend=0.6)
    after = updates(evolving.step(world, np.array([a]), rng))
    trend = after["results_trend"][0]
    p = world.params
    # Its only peer is itself, as it was at the start of the month (trend 0.6).
    reference = trend + p.social_aspiration * (0.6 - trend)
    assert after["aspiration"][0] == pytest.approx(
        0.2 + p.aspiration_rate * (reference + p.ambition - 0.2)
    )
    world.alliances.aspiration[a] = 2.0
    peers = world.alliances.results_trend[a]
    after = updates(evolving.step(world, np.array([a]), rng))
    trend = after["results_trend"][0]
    reference = trend + p.social_aspiration * (peers - trend)
    assert reference < after["aspiration"][0] < 2.0  # C14
    assert after["aspiration"][0] == pytest.approx(2.0 + p.fallback_rate * (reference - 2.0))


def test_a_steady_alliance_stagnates_only_when_its_peers_do_better(rng):
    # The same steady alliance, alone or beside a peer whose results are far above its own.
    entered = {}
    for social in (0.0, 0.5):
        world = make_world(
            ALIKE + ALIKE,
            params=params2(transform_hazard=1.0, social_aspiration=social),
            need=[0.5, 0.5],
        )
        set_trust(world, 0.7)
        a = evolving_alliance(world)
        produced = produced_by(world, a, rng)
        evolving_alliance(world, orgs=(3, 4, 5), results_trend=produced + 0.3, aspiration=0.0)
        entered[social] = run_months(world, a, rng, 60)
    assert entered[0.0] == 0  # its own steady results satisfy it
    assert entered[0.5] > 0  # social comparison: falling behind the others is a shortfall


def produced_by(world, a, rng):
    return updates(evolving.step(world, np.array([a]), rng))["results"][0]


def test_stagnation_needs_a_sustained_shortfall(rng):
    p = params2(transform_hazard=1.0)
    world = make_world(ALIKE, params=p, need=[0.5, 0.5])
    set_trust(world, 0.7)
    a = evolving_alliance(world)
    produced = produced_by(world, a, rng)
    # A long shortfall: one good month does not reset it.
    store = world.alliances
    store.aspiration[a], store.results_trend[a], store.shortfall[a] = produced - 0.1, produced, 0.1
    outcome = evolving.step(world, np.array([a]), rng)
    assert updates(outcome)["shortfall"][0] > p.stagnation_tolerance
    assert (a, TRANSFORMING, "stagnation") in outcome.transitions  # C20, C21
    # One bad month after none does not make stagnation.
    store.aspiration[a], store.shortfall[a] = produced + 0.2, 0.0
    outcome = evolving.step(world, np.array([a]), rng)
    assert 0 < updates(outcome)["shortfall"][0] < p.stagnation_tolerance
    assert not outcome.transitions


def run_months(world, a, rng, months):
    """Evolve alone for ``months``, applying the alliance's own updates; count stagnation."""
    store, entered = world.alliances, 0
    for _ in range(months):
        outcome = evolving.step(world, np.array([a]), rng)
        got = updates(outcome)
        for name in ("results_trend", "aspiration", "shortfall", "cohesion"):
            getattr(store, name)[a] = got[name][0]
        store.impact[a] = 0.0
        entered += any(cause == "stagnation" for _, _, cause in outcome.transitions)
    return entered


def test_steady_results_do_not_stagnate(rng):
    world = make_world(ALIKE, params=params2(transform_hazard=1.0), need=[0.5, 0.5])
    set_trust(world, 0.7)
    a = evolving_alliance(world)
    assert run_months(world, a, rng, 120) == 0


@pytest.mark.xfail(
    strict=True,
    reason="at the defaults (results_noise 0.1, ambition 0.124) aspiration ratchets up on "
    "noisy good months and the 12-month shortfall exceeds stagnation_tolerance (0.03) in "
    "about 12 % of months of a steady alliance (3.5 % at ambition 0.04): noise triggers "
    "stagnation (ODD 8, known limits)",
)
def test_noise_alone_does_not_trigger_stagnation():
    entered = 0
    for seed in range(5):
        world = make_world(
            ALIKE, params=params2(transform_hazard=1.0, results_noise=0.1), need=[0.5, 0.5]
        )
        set_trust(world, 0.7)
        a = evolving_alliance(world)
        entered += run_months(world, a, np.random.default_rng(seed), 120)
    assert entered == 0


def test_lost_relevance_triggers_transforming(rng):
    low = [[0.05, 0.05], [0.07, 0.05], [0.05, 0.07]]
    for need, enters in (([0.1, 0.1], False), ([0.7, 0.7], True)):
        p = params2(transform_hazard=1.0, foresight=0.0)
        world = make_world(low, params=p, need=need)
        set_trust(world, 0.7)
        a = evolving_alliance(world)
        outcome = evolving.step(world, np.array([a]), rng)
        assert ((a, TRANSFORMING, "lost_relevance") in outcome.transitions) is enters


def test_foresight_moves_the_mission_toward_the_anticipated_need(rng):
    p = params2(foresight=1.0, foresight_rate=0.5, adaptation_rate=0.0)
    world = make_world(ALIKE, params=p, need=[0.5, 0.5], velocity=[0.01, -0.005])
    a = evolving_alliance(world, mission=[0.5, 0.5])
    mission = updates(evolving.step(world, np.array([a]), rng))["mission"][0]
    anticipated = np.array([0.5, 0.5]) + p.foresight_horizon * np.array([0.01, -0.005])
    assert np.allclose(mission, 0.5 + 0.5 * (anticipated - 0.5))  # C27
    p = params2(foresight=0.0, adaptation_rate=0.0)
    world = make_world(ALIKE, params=p, velocity=[0.01, -0.005])
    a = evolving_alliance(world, mission=[0.5, 0.5])
    assert np.array_equal(
        updates(evolving.step(world, np.array([a]), rng))["mission"][0], [0.5, 0.5]
    )


def test_foresight_costs_results(rng):
    produced = []
    for foresight in (0.0, 1.0):
        # The need does not move: foresight leaves the mission where it is, and only costs.
        world = make_world(ALIKE, params=params2(foresight=foresight), need=[0.5, 0.5])
        set_trust(world, 0.7)
        a = evolving_alliance(world, mission=[0.5, 0.5])
        produced.append(produced_by(world, a, rng))
    assert produced[0] - produced[1] == pytest.approx(params2().foresight_cost)


def test_open_alliances_admit_fitting_applicants():
    values = [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.52, 0.5], [0.0, 1.0]]
    joined = set()
    for seed in range(10):
        world = make_world(values, params=params2(n_organisations=5, recruitment_rate=1.0))
        a = evolving_alliance(world, open=True)
        for alliance, orgs, _ in evolving.step(
            world, np.array([a]), np.random.default_rng(seed)
        ).joins:
            assert alliance == a
            joined |= set(orgs.tolist())
    assert joined == {3}  # 4 does not fit the mission; members do not join again (C15)


def test_closed_alliances_admit_only_referred_trusted_acquaintances():
    values = [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.52, 0.5], [0.5, 0.52]]
    p = params2(n_organisations=5, recruitment_rate=1.0, referral_rate=1.0)
    for seed in range(10):
        world = make_world(values, params=p)
        set_trust(world, 0.9, orgs=[0, 1, 2])  # the members trust each other
        set_trust(world, 0.9, orgs=[0], to=[3])  # 0 knows and trusts 3; nobody trusts 4
        a = evolving_alliance(world, open=False)
        joins = evolving.step(world, np.array([a]), np.random.default_rng(seed)).joins
        # A closed alliance grows, but only by referral (C15).
        assert [(alliance, orgs.tolist()) for alliance, orgs, _ in joins] == [(a, [3])]


def test_closed_alliances_without_referrals_admit_nobody():
    values = [[0.5, 0.5]] * 5
    world = make_world(
        values, params=params2(n_organisations=5, recruitment_rate=1.0, referral_rate=0)
    )
    set_trust(world, 0.9)
    a = evolving_alliance(world, open=False)
    assert not evolving.step(world, np.array([a]), np.random.default_rng(0)).joins


def test_outgrowing_the_governance_form_returns_to_founding_keeping_the_mission(rng):
    n = 12
    p = params2(n_organisations=n, governance_margin=0.01, foresight=0.0, adaptation_rate=0.0)
    world = make_world([[0.5, 0.5]] * n, params=p, need=[0.5, 0.5])
    set_trust(world, 0.8)
    a = evolving_alliance(world, orgs=range(n), mission=[0.45, 0.5], arrangements=1.0)
    outcome = evolving.step(world, np.array([a]), rng)
    assert (a, FOUNDING, "outgrown") in outcome.transitions  # C12
    got = updates(outcome)
    assert np.array_equal(got["mission"][0], [0.45, 0.5]) and got["arrangements"][0] == 0
    # The same group under the form it would choose does not reorganise.
    world.alliances.governance[a] = governance.LEAD
    assert (a, FOUNDING, "outgrown") not in evolving.step(world, np.array([a]), rng).transitions


def test_a_goal_met_completes_when_the_need_has_moved_on(rng):
    # Relevance 0.4 (below completion_relevance, above relevance_lost): mission accomplished.
    world = make_world(ALIKE, params=params2(foresight=0.0), need=[0.7, 0.7])
    set_trust(world, 0.7)
    a = evolving_alliance(world, mission=[0.4, 0.4], goal=10.0, impact=9.99)
    assert (a, DISSOLVED, "completed") in evolving.step(world, np.array([a]), rng).transitions


def test_a_goal_met_sets_a_larger_goal_while_the_need_is_still_there(rng):
    world = make_world(ALIKE, params=params2(), need=[0.5, 0.5])
    set_trust(world, 0.7)
    a = evolving_alliance(world, commitment=0.4, goal=10.0, impact=9.99)
    outcome = evolving.step(world, np.array([a]), rng)
    assert not any(t[1] == DISSOLVED for t in outcome.transitions)
    got = updates(outcome)
    assert got["goal"][0] == pytest.approx(10.0 * world.params.goal_growth)  # C14
    assert got["impact"][0] == 0.0 and got["goal_since"][0] == world.step


def test_a_goal_missed_in_time_is_set_again(rng):
    world = make_world(ALIKE, params=params2(), need=[0.5, 0.5])
    set_trust(world, 0.7)
    horizon = world.params.goal_horizon
    for since, reset in ((world.step - horizon + 1, False), (world.step - horizon, True)):
        a = evolving_alliance(world, goal=10.0, impact=2.0, goal_since=since)
        got = updates(evolving.step(world, np.array([a]), rng))
        assert got["goal"][0] == 10.0 and bool(got["impact"][0] == 0.0) is reset
        assert got["goal_since"][0] == (world.step if reset else since)


def test_collapse_of_commitment_ends_for_lack_of_results(rng):
    world = make_world(ALIKE, params=params2(), need=[0.5, 0.5])
    a = evolving_alliance(world, commitment=0.1, aspiration=1.0, results_trend=0.0)
    assert (a, DISSOLVED, "lack_of_results") in evolving.step(world, np.array([a]), rng).transitions


def test_healthy_alliance_goes_on_evolving(rng):
    world = make_world(ALIKE, params=params2(), need=[0.5, 0.5])
    set_trust(world, 0.7)
    a = evolving_alliance(world)
    assert not evolving.step(world, np.array([a]), rng).transitions
    assert world.alliances.phase[a] == EVOLVING
