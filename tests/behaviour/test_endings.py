"""How alliances end (C17, C20, C21, C26): every cause has an outcome."""

import re
from pathlib import Path

import numpy as np
from worlds import add_alliance, make_world, params2

from simulation import model
from simulation.behaviour import endings
from simulation.phases.common import groups_of
from simulation.state import EVOLVING

SOURCES = Path(model.__file__).parent


def causes_in_code() -> set[str]:
    """Every cause the phases and the model end an alliance with."""
    found = set(model.TOO_SMALL.values())
    for path in [*sorted((SOURCES / "phases").glob("*.py")), SOURCES / "model.py"]:
        text = path.read_text()
        found |= set(re.findall(r'DISSOLVED,\s*"(\w+)"', text))
        found |= set(re.findall(r'cause = "(\w+)"', text))
    return found


def test_outcomes_map_every_cause_of_an_ending():
    causes = causes_in_code()
    assert causes == set(endings.OUTCOMES)
    assert causes == {
        "formation_failed",
        "founding_conflict",
        "lack_of_results",
        "transformation_failed",
        "completed",
        "absorbed",
        "wound_down",
    }
    assert set(endings.OUTCOMES.values()) == set(endings.OUTCOME_KINDS)
    assert endings.OUTCOMES["completed"] == "success"
    assert {endings.OUTCOMES[c] for c in endings.AGREED} <= {"success", "intermediate"}


def keen_group(commitment):
    world = make_world([[0.5, 0.5]] * 4, params=params2(n_organisations=4))
    a = add_alliance(world, range(4), EVOLVING, commitment=commitment)
    return world, groups_of(world, np.array([a]))


def test_a_goal_met_completes_when_its_mission_lost_relevance():
    p = params2()
    relevance = np.array([p.completion_relevance - 0.01, p.completion_relevance, 0.9])
    assert endings.goal_reached(p, relevance).tolist() == [True, False, False]


def test_agree_to_end_votes_count_as_not_worth_it():
    world, g = keen_group(0.5)
    p = world.params
    commitment, trust = np.full(4, 0.9), np.array([0.6])
    votes = np.array([True, True, True, False])
    assert endings.agree_to_end(p, g, commitment, trust, votes)[0]
    assert not endings.agree_to_end(p, g, commitment, trust, np.zeros(4, bool))[0]


def test_no_absorbers_without_healthy_alliances():
    world, g = keen_group(0.5)
    ids = np.array([g.ids[0]])
    out = endings.absorbers(world, ids, np.array([0.0]), np.random.default_rng(0))
    assert out.tolist() == [-1]
