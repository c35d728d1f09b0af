"""Governance forms (Provan & Kenis 2008): each is the best somewhere (C9, C12, C13, C18).

Each situation is a hand-made alliance; the form chosen for it must be the one under which
it produces most (``production.results`` under each form, no noise).
"""

import numpy as np
import pytest
from worlds import add_alliance, make_world, params2, set_trust

from simulation.behaviour import commitment as commit
from simulation.behaviour import governance, production
from simulation.phases.common import co_member_pairs, groups_of, pair_trust, standing
from simulation.state import EVOLVING


def situation(n, trust=0.9, caps=0.5, central=None, n_orgs=None):
    """An evolving alliance of ``n`` alike organisations with mutual ``trust``.

    ``central``: trust every other member puts in organisation 0.
    """
    p = params2(n_organisations=max(n, 2))
    world = make_world([[0.5, 0.5]] * n, np.full((n, 2), caps), params=p, need=[0.5, 0.5])
    set_trust(world, trust)
    if central is not None:
        set_trust(world, central, orgs=range(1, n), to=[0])
    a = add_alliance(world, range(n), EVOLVING, cohesion=0.5)
    return world, a


def choose_and_produce(world, a):
    """The form chosen for the alliance, and its results under each of the three forms."""
    p = world.params
    groups = groups_of(world, np.array([a]))
    mission = world.alliances.mission[[a]]
    fit = commit.member_fit(world, groups, mission)
    left, right = co_member_pairs(groups, np.random.default_rng(0), p.interactions)
    trust, mean_trust = pair_trust(world, groups, left, right)
    stand = standing(world, groups, left, right, trust, mean_trust, fit)
    world.alliances.lead[a] = stand.lead[0]
    produced = []
    for form in range(len(governance.FORMS)):
        forms = np.array([form])
        coordination = governance.coordination(
            p, forms, stand.size, stand.trust, stand.consensus, stand.lead_trust
        )
        rng = np.random.default_rng(0)
        produced.append(production.results(world, groups, mission, forms, coordination, rng)[0])
    return int(stand.best(p)[0]), np.array(produced), stand


def test_a_small_dense_agreed_group_shares_governance():
    chosen, produced, _ = choose_and_produce(*situation(3, trust=0.9))
    assert governance.FORMS[chosen] == "shared"
    assert np.argmax(produced) == chosen


def test_one_trusted_central_member_in_a_mid_size_group_leads():
    world, a = situation(8, trust=0.3, central=0.95)
    chosen, produced, stand = choose_and_produce(world, a)
    assert governance.FORMS[chosen] == "lead_organisation"
    assert stand.lead[0] == 0  # the member the others trust
    assert np.argmax(produced) == chosen


def test_a_large_group_has_an_administrative_organisation():
    chosen, produced, _ = choose_and_produce(*situation(30, trust=0.6))
    assert governance.FORMS[chosen] == "administrative_organisation"
    assert np.argmax(produced) == chosen


def test_a_big_competence_gap_calls_for_an_administrative_organisation():
    chosen, produced, _ = choose_and_produce(*situation(3, trust=0.9, caps=0.1))
    assert governance.FORMS[chosen] == "administrative_organisation"
    assert np.argmax(produced) == chosen


@pytest.mark.parametrize("n", [2, 3, 5, 8, 12, 20, 40])
@pytest.mark.parametrize("trust", [0.3, 0.6, 0.9])
def test_the_form_chosen_is_the_one_that_produces_most(n, trust):
    chosen, produced, _ = choose_and_produce(*situation(n, trust=trust))
    assert produced[chosen] == pytest.approx(produced.max())


def test_spans_order_the_forms_and_coordination_halves_at_the_span():
    p = params2()
    spans = governance.span(p, np.arange(3))
    assert spans[0] < spans[1] < spans[2]
    ones = np.ones(3)
    q = governance.qualities(p, ones, ones, ones)[np.arange(3), np.arange(3)]
    reach = governance.coordination(p, np.arange(3), spans, ones, ones, ones) / q
    assert np.allclose(reach, 0.5)


def test_shared_decisions_need_trust_and_consensus_nao_decides_regardless():
    p = params2()
    low, high = np.array([0.1, 0.9]), np.array([0.9, 0.9])
    q = governance.qualities(p, low, high, high)  # rows: low trust, high trust
    assert q[0, governance.SHARED] < q[1, governance.SHARED]
    assert q[0, governance.LEAD] == q[1, governance.LEAD]  # the lead's standing counts
    assert q[0, governance.NAO] == q[1, governance.NAO] == p.nao_quality
