"""The classroom round without a network: joining, invitations, months, the debrief."""

from __future__ import annotations

import csv
import io
import json

import pytest

from simulation.classroom import debrief as debriefing
from simulation.classroom.game import CODE_ALPHABET, CODE_LENGTH, Round, RoundError


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def game():
    return Round(seed=2, clock=Clock())


def invite(game, student, *others, alliance=None):
    message = {"type": "invite", "orgs": [o.org for o in others]}
    if alliance is not None:
        message["alliance"] = alliance
    return game.act(student, message)


def test_each_round_has_its_own_join_code():
    codes = {Round(seed=1, warmup=0).code for _ in range(5)}
    assert len(codes) == 5
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)


def test_students_join_as_distinct_unallied_organisations(game):
    with pytest.raises(RoundError, match="wrong_code"):
        game.join("WRONG1", "Ada")
    ada = game.join(game.code.lower(), "  Ada  ")
    assert ada.name == "Ada"
    with pytest.raises(RoundError, match="name_taken"):
        game.join(game.code, "ADA")
    students = [ada] + [game.join(game.code, f"s{i}") for i in range(20)]
    orgs = [s.org for s in students]
    assert len(set(orgs)) == len(orgs)
    assert set(orgs) == game.model.controlled
    assert all(game.model.world.load[o] == 0 for o in orgs)


def test_actions_wait_for_the_start(game):
    ada = game.join(game.code, "Ada")
    with pytest.raises(RoundError, match="not_started"):
        game.act(ada, {"type": "stay", "alliance": 0})


def test_an_invitation_waits_for_the_invitee_then_starts_the_alliance(game):
    ada, bo = game.join(game.code, "Ada"), game.join(game.code, "Bo")
    game.control("start")
    result = invite(game, ada, bo)
    assert result["answers"] == {bo.org: "pending"}
    assert game.alliances_of(ada.org) == []  # nobody accepted yet
    (pending,) = game.student_view(bo)["invitations"]
    assert pending["from"] == {"org": ada.org, "name": "Ada"} and pending["new"]
    assert game.act(bo, {"type": "answer", "invitation": pending["id"], "accept": True})["ok"] == (
        "accepted"
    )
    (alliance,) = game.alliances_of(ada.org)
    assert game.alliances_of(bo.org) == [alliance]
    assert {"key": "accepted_by", "who": {"org": bo.org, "name": "Bo"}} in ada.notes
    (decision,) = game.decisions
    assert decision["decision"] == "invitation" and decision["choice"] == "accept"
    assert decision["model_rule"] in {"accept", "decline"}
    assert decision["differs"] == (decision["model_rule"] != "accept")


def test_unanswered_invitations_are_settled_by_the_models_rule(game):
    ada, bo = game.join(game.code, "Ada"), game.join(game.code, "Bo")
    game.control("start")
    invite(game, ada, bo)
    (invitation,) = game.invitations.values()
    game.end_month()
    assert game.invitations == {}
    together = set(game.alliances_of(ada.org)) & set(game.alliances_of(bo.org))
    assert bool(together) == invitation.model_answer
    assert game.decisions == []  # the model's answer is not the student's decision


def test_the_month_ends_when_its_window_closes(game):
    game.control("pace", 10)
    game.control("start")
    assert game.seconds_left() == 10 and not game.due()
    game.clock.now += 4
    game.control("pause")
    game.clock.now += 100
    assert game.seconds_left() == 6 and not game.due()
    game.control("start")
    game.clock.now += 6
    assert game.due()
    game.end_month()
    assert game.month == 1 and game.seconds_left() == 10
    game.control("pace", 1)
    assert game.pace == 3.0  # held within bounds


def test_stay_leave_votes_and_backing_are_recorded_against_the_rule(game):
    ada, bo, cy = (game.join(game.code, n) for n in ("Ada", "Bo", "Cy"))
    game.control("start")
    invite(game, ada, bo, cy)
    for s in (bo, cy):
        (i,) = game.student_view(s)["invitations"]
        game.act(s, {"type": "answer", "invitation": i["id"], "accept": True})
    (alliance,) = game.alliances_of(ada.org)
    model = game.model
    row = model.world.members._current[(alliance, bo.org)]
    model.world.members.commitment[row] = 0.0
    game.act(bo, {"type": "stay", "alliance": alliance})
    game.act(cy, {"type": "leave", "alliance": alliance})
    model.world.alliances.phase[alliance] = 3  # transforming, as if it had got there
    model.world.alliances.phase_since[alliance] = model.steps  # ... in the last month
    game.act(ada, {"type": "vote", "alliance": alliance, "choice": "end"})
    game.act(ada, {"type": "back", "alliance": alliance, "choice": "leader"})
    by_kind = {d["decision"]: d for d in game.decisions if d["decision"] != "invitation"}
    assert by_kind["stay_or_leave"]["model_rule"] in {"stay", "leave"}
    stays = [d for d in game.decisions if d["decision"] == "stay_or_leave"]
    assert [(d["student"], d["choice"], d["model_rule"]) for d in stays] == [
        ("Bo", "stay", "leave"),
        ("Cy", "leave", "stay"),
    ]
    assert model.world.votes[alliance] == {ada.org: "end"}
    report = debriefing.debrief(game)
    assert report["choices"]["stay_or_leave"] == {"decisions": 2, "differ": 2, "share_differ": 1.0}
    assert report["choices"]["vote"]["decisions"] == 1
    with pytest.raises(RoundError, match="not_member"):
        game.act(cy, {"type": "stay", "alliance": alliance})
    model.world.alliances.phase_since[alliance] = model.steps - 1  # a month later
    assert not game.student_view(ada)["alliances"][0]["can_back"]
    with pytest.raises(RoundError, match="backing_closed"):
        game.act(ada, {"type": "back", "alliance": alliance, "choice": "collective"})


def test_places_the_model_gives_a_student_can_be_declined(game):
    ada = game.join(game.code, "Ada")
    game.control("start")
    model = game.model
    others = [int(o) for o in model.unallied()[:2]]
    alliance = model.start_alliance(others[0], [others[1], ada.org], is_open=False)
    rows_before = len(model.world.members) - 3
    game._offer_model_places(rows_before)
    (offer,) = game.student_view(ada)["invitations"]
    assert offer["provisional"] and offer["alliance"] == alliance
    assert offer["from"] == {"org": others[0], "name": None}  # the one who started it
    game.act(ada, {"type": "answer", "invitation": offer["id"], "accept": False})
    assert game.alliances_of(ada.org) == []
    (decision,) = game.decisions
    assert (decision["choice"], decision["model_rule"], decision["differs"]) == (
        "decline",
        "accept",
        True,
    )


def test_a_played_round_gives_a_debrief_and_exports(game):
    students = [game.join(game.code, f"s{i}") for i in range(8)]
    game.control("start")
    for k in range(0, 8, 2):
        invite(game, students[k], students[k + 1])
    for month in range(24):
        for s in students:
            for i in game.student_view(s)["invitations"]:
                game.act(s, {"type": "answer", "invitation": i["id"], "accept": True})
            for a in game.student_view(s)["alliances"]:
                if month % 3 == 0:
                    game.act(s, {"type": "stay", "alliance": a["id"]})
        game.end_month()
    game.control("end")
    report = debriefing.debrief(game)
    assert report["months"] == 24 and report["students"] == 8
    assert report["alliances"] and all(
        a["path"][0]["phase"] == "forming" for a in report["alliances"]
    )
    ours, theirs = report["survival"]["students"], report["survival"]["model"]
    assert ours["alliances"] == len(report["alliances"]) and theirs["alliances"] > 0
    for group in (ours, theirs):
        assert 0.0 <= group["share_alive"] <= 1.0 and group["mean_months"] >= 0
    name, media, text = debriefing.export(game, "csv")
    assert name.endswith(".csv") and media == "text/csv"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(game.decisions) and rows[0].keys() == set(debriefing.DECISION_COLUMNS)
    name, media, text = debriefing.export(game, "json")
    data = json.loads(text)
    assert data["choices"] == json.loads(json.dumps(report["choices"]))
    assert len(data["decisions"]) == len(game.decisions)
    with pytest.raises(RoundError, match="round_over"):
        game.act(students[0], {"type": "stay", "alliance": 0})


def test_same_seed_same_actions_same_round():
    def play():
        game = Round(seed=4, clock=Clock())
        a, b = game.join(game.code, "A"), game.join(game.code, "B")
        game.control("start")
        invite(game, a, b)
        for _ in range(10):
            game.end_month()
        report = debriefing.debrief(game)
        return json.dumps(report, sort_keys=True), (a.org, b.org)

    assert play() == play()


def test_only_the_pages_an_action_touches_are_refreshed(game):
    ada, bo, cy = (game.join(game.code, n) for n in ("Ada", "Bo", "Cy"))
    assert game.take_changed() is None  # a join changes everyone's candidates
    game.control("start")
    invite(game, ada, bo)
    assert game.take_changed() == {ada.id, bo.id}
    (i,) = game.student_view(bo)["invitations"]
    game.act(bo, {"type": "answer", "invitation": i["id"], "accept": True})
    assert game.take_changed() == {ada.id, bo.id}
    (alliance,) = game.alliances_of(ada.org)
    game.act(cy, {"type": "invite", "orgs": [game.candidates(cy)[-1]]})
    assert cy.id in game.take_changed()
    game.act(bo, {"type": "leave", "alliance": alliance})
    assert game.take_changed() == {ada.id, bo.id}
