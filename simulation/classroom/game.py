"""One classroom round: students playing organisations in a shared model, month by month.

``Round`` knows nothing about the network: the server passes it the messages students and
the lecturer send (already checked against the protocol) and sends on what it returns.
Each month is a window in which students decide; at its end the invitations nobody
answered are settled by the model's rules, and the model steps.

Invitations to students are held here until the invitee answers or the month ends.
Invitations to the model's organisations are answered at once by the model's rule
(``control.rule_accepts``, drawn with the round's own random stream). A place the model's
rules give a student's organisation (a model organisation invited it and the rule
accepted) is shown to the student as an invitation it may still decline.

Every explicit decision is recorded with what the model's rule would have decided, for
the debrief. Nothing is written to disk here.
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulation import control
from simulation.control import ControlError, ControlledModel
from simulation.environment import SHOCK_MONTHS, SHOCK_SIZE
from simulation.phases import forming
from simulation.phases.common import similarity
from simulation.scenarios import get_scenario
from simulation.state import EVOLVING, FORMING, PHASES, TRANSFORMING

#: Months the world runs before the students join, so they join a living world.
WARMUP_MONTHS = 12
#: Join codes avoid letters and digits that are easily confused (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
#: Most students in a round.
MAX_STUDENTS = 60
#: Most invitations a student may send in one month.
MAX_INVITES_PER_MONTH = 6
#: Model organisations offered as partners to each student, besides the other students.
MODEL_CANDIDATES = 6
#: Seconds per month: the lecturer's pace control moves within these bounds.
PACE_MIN, PACE_MAX, PACE_DEFAULT = 3.0, 120.0, 20.0
#: Entries kept in the lecturer's activity feed.
FEED_LENGTH = 40
#: Co-membership lines sent to the lecturer's screen, at most.
MAX_EDGES = 1500

LOBBY, RUNNING, PAUSED, ENDED = "lobby", "running", "paused", "ended"


class RoundError(ValueError):
    """A request that cannot be carried out; its message is shown to the sender."""

    def __init__(self, key: str, **details: Any) -> None:
        super().__init__(key)
        self.key = key
        self.details = details


@dataclass
class Student:
    """A participant and the organisation it plays."""

    id: int
    name: str
    org: int
    token: str
    joined: int
    last_acted: int = -1
    invites_sent: int = 0
    notes: deque = field(default_factory=lambda: deque(maxlen=8))


@dataclass
class Invitation:
    """An invitation held until the invitee answers or the month ends."""

    id: int
    inviter: int  # organisation
    invitee: int  # organisation (a student's)
    month: int
    model_answer: bool  # what the model's rule would answer
    alliance: int | None = None  # an existing alliance (None: a proposal's new one)
    proposal: int | None = None
    provisional: bool = False  # a place the model's rules already gave the invitee


@dataclass
class Proposal:
    """A student's new alliance, created as soon as one invitee accepts."""

    id: int
    initiator: int
    is_open: bool
    month: int
    alliance: int | None = None
    accepted: list[int] = field(default_factory=list)


def new_code() -> str:
    """A fresh join code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Round:
    """A classroom round over one shared ``ControlledModel``.

    Args:
        scenario: the preset the world is built from.
        seed: random seed of the model and of the round's own draws.
        warmup: months the world runs before students join.
        clock: the time source (seconds); tests pass a fake one.
    """

    def __init__(
        self,
        scenario: str = "default",
        seed: int = 0,
        warmup: int = WARMUP_MONTHS,
        clock=time.monotonic,
    ) -> None:
        params = get_scenario(scenario).params(seed=seed)
        self.scenario = scenario
        self.seed = seed
        self.model = ControlledModel(params)
        for _ in range(min(warmup, params.steps - 1)):
            self.model.step()
        self.start_month = self.model.steps
        self.rng = np.random.default_rng([seed, 20_250_611])
        self.code = new_code()
        self.clock = clock
        self.state = LOBBY
        self.pace = PACE_DEFAULT
        self.deadline: float | None = None
        self.remaining: float | None = None  # seconds left of a paused month
        self.students: dict[int, Student] = {}
        self.by_token: dict[str, Student] = {}
        self.by_org: dict[int, Student] = {}
        self.invitations: dict[int, Invitation] = {}
        self.proposals: dict[int, Proposal] = {}
        self.decisions: list[dict[str, Any]] = []
        self.feed: deque = deque(maxlen=FEED_LENGTH)
        self.sequence = 0  # activity entries so far
        self.changed: set[int] = set()  # students whose pages changed (see take_changed)
        self.everyone_changed = False
        self.shocks: list[int] = []
        self._ids = 0
        self._candidates: dict[int, tuple[int, list[int]]] = {}

    # --- people ------------------------------------------------------------------------
    @property
    def month(self) -> int:
        """Months played in this round."""
        return self.model.steps - self.start_month

    def _next_id(self) -> int:
        self._ids += 1
        return self._ids

    def join(self, code: str, name: str) -> Student:
        """A student joins with the round's code and becomes an unallied organisation."""
        if not secrets.compare_digest(code.strip().upper().encode(), self.code.encode()):
            raise RoundError("wrong_code")
        if self.state == ENDED:
            raise RoundError("round_over")
        if len(self.students) >= MAX_STUDENTS:
            raise RoundError("round_full")
        name = " ".join(name.split())
        if not name:
            raise RoundError("name_needed")
        if any(s.name.casefold() == name.casefold() for s in self.students.values()):
            raise RoundError("name_taken")
        free = self.model.unallied()
        if free.shape[0] == 0:
            raise RoundError("round_full")
        org = int(free[self.rng.integers(free.shape[0])])
        self.model.take_control(org)
        student = Student(
            id=self._next_id(),
            name=name,
            org=org,
            token=secrets.token_urlsafe(24),
            joined=self.month,
        )
        self.students[student.id] = student
        self.by_token[student.token] = student
        self.by_org[org] = student
        self._log(student, "joined")
        self.everyone_changed = True  # a new name among everyone's candidates
        return student

    def resume(self, token: str) -> Student:
        """The student whose secret ``token`` this is (a reconnecting page)."""
        for known, student in self.by_token.items():
            if secrets.compare_digest(known.encode(), token.encode()):
                return student
        raise RoundError("unknown_student")

    def label(self, org: int) -> dict[str, Any]:
        """How an organisation is named on the pages: a student's name, or its number."""
        student = self.by_org.get(org)
        return {"org": org, "name": student.name if student else None}

    def _log(self, student: Student | None, kind: str, ref: int | None = None) -> None:
        self.sequence += 1
        self.feed.append(
            {
                "seq": self.sequence,
                "month": self.month,
                "student": student.name if student else None,
                "kind": kind,
                "ref": ref,
            }
        )

    # --- the lecturer's controls ----------------------------------------------------------
    def control(self, command: str, value: float | None = None) -> None:
        """Carry out one of the lecturer's commands."""
        now = self.clock()
        if command == "start":
            if self.state == ENDED:
                raise RoundError("round_over")
            if self.state == PAUSED and self.remaining is not None:
                self.deadline = now + self.remaining
            elif self.state != RUNNING:
                self.deadline = now + self.pace
            self.state = RUNNING
        elif command == "pause":
            if self.state == RUNNING and self.deadline is not None:
                self.remaining = max(0.0, self.deadline - now)
                self.state = PAUSED
        elif command == "pace":
            assert value is not None
            self.pace = float(min(max(value, PACE_MIN), PACE_MAX))
            if self.state == RUNNING and self.deadline is not None:
                self.deadline = min(self.deadline, now + self.pace)
        elif command == "shock":
            if self.state == ENDED:
                raise RoundError("round_over")
            self.model.shock(SHOCK_SIZE, SHOCK_MONTHS)
            self.shocks.append(self.month)
            self._log(None, "shock")
        elif command == "advance":
            if self.state == ENDED:
                raise RoundError("round_over")
            self.end_month()
        elif command == "end":
            self.state = ENDED
            self.deadline = None
        else:  # the protocol lets no other command through
            raise RoundError("bad_message")

    def seconds_left(self) -> float | None:
        """Seconds left in this month's window (None when not running)."""
        if self.state == RUNNING and self.deadline is not None:
            return max(0.0, self.deadline - self.clock())
        if self.state == PAUSED:
            return self.remaining
        return None

    def due(self) -> bool:
        """Whether the running month's window has closed."""
        return self.state == RUNNING and self.deadline is not None and self.clock() >= self.deadline

    # --- the month -----------------------------------------------------------------------
    def end_month(self) -> None:
        """Settle what nobody answered by the model's rules; the model steps one month."""
        model = self.model
        for invitation in list(self.invitations.values()):
            invitee = self.by_org[invitation.invitee]
            self._settle(invitation, invitation.model_answer, invitee, explicit=False)
        self.invitations.clear()
        for proposal in list(self.proposals.values()):
            if proposal.alliance is None:
                owner = self.by_org.get(proposal.initiator)
                if owner is not None:
                    owner.notes.append({"key": "proposal_lapsed"})
        self.proposals.clear()
        rows_before = len(model.world.members)
        model.step()
        for student in self.students.values():
            student.invites_sent = 0
        self._offer_model_places(rows_before)
        self._candidates.clear()
        if self.state == RUNNING:
            self.deadline = self.clock() + self.pace
        if not model.running:
            self.state = ENDED
            self.deadline = None

    def _offer_model_places(self, rows_before: int) -> None:
        """Places the model's rules gave students this month become invitations to answer."""
        members = self.model.world.members
        for row in range(rows_before, len(members)):
            org = int(members.org[row])
            student = self.by_org.get(org)
            if student is None or not members.active[row]:
                continue
            alliance = int(members.alliance[row])
            initiator = int(self.model.world.alliances.initiator[alliance])
            if initiator == org:
                student.notes.append({"key": "model_started", "alliance": alliance})
                continue
            born_now = self.model.world.alliances.born[alliance] == self.model.steps
            inviter = initiator if born_now else self._any_member(alliance, org)
            invitation = Invitation(
                id=self._next_id(),
                inviter=inviter,
                invitee=org,
                month=self.month,
                model_answer=True,
                alliance=alliance,
                provisional=True,
            )
            self.invitations[invitation.id] = invitation

    def _any_member(self, alliance: int, other_than: int) -> int:
        members = self.model.world.members
        for row in members.of(alliance).tolist():
            if int(members.org[row]) != other_than:
                return int(members.org[row])
        return other_than

    # --- students' actions -------------------------------------------------------------------
    def act(self, student: Student, message: dict[str, Any]) -> dict[str, Any]:
        """Carry out a student's action (already checked against the protocol).

        Returns:
            What to tell the student (``{"ok": key, ...}``).

        Raises:
            RoundError: the action is not possible now.
        """
        if self.state == ENDED:
            raise RoundError("round_over")
        if self.state == LOBBY:
            raise RoundError("not_started")
        kind = message["type"]
        self._touch(student)
        try:
            result = getattr(self, f"_do_{kind}")(student, message)
        except ControlError as exc:
            raise RoundError("not_possible", reason=str(exc)) from None
        finally:
            self._touch(student)
        student.last_acted = self.month
        self.model.acted.add(student.org)
        self._log(student, kind, message.get("ref"))
        return result

    def _touch(self, student: Student) -> None:
        """Mark ``student`` and the students sharing an alliance with it as changed."""
        self.changed.add(student.id)
        members = self.model.world.members
        for alliance in self.alliances_of(student.org):
            for row in members.of(alliance).tolist():
                other = self.by_org.get(int(members.org[row]))
                if other is not None:
                    self.changed.add(other.id)

    def take_changed(self) -> set[int] | None:
        """Ids of the students whose pages may have changed since the last call (None: all)."""
        changed, self.changed = self.changed, set()
        if self.everyone_changed:
            self.everyone_changed = False
            return None
        return changed

    def _record(
        self, student: Student, kind: str, choice: str, rule: str, alliance: int | None
    ) -> None:
        self.decisions.append(
            {
                "month": self.month,
                "student": student.name,
                "organisation": student.org,
                "alliance": alliance,
                "decision": kind,
                "choice": choice,
                "model_rule": rule,
                "differs": choice != rule,
            }
        )

    def _member_alliance(self, student: Student, alliance: int) -> int:
        if not self.model.world.members.is_member(alliance, student.org):
            raise RoundError("not_member")
        return alliance

    def _do_stay(self, student: Student, message: dict[str, Any]) -> dict[str, Any]:
        alliance = self._member_alliance(student, message["alliance"])
        rule = "leave" if control.rule_leaves(self.model, student.org, alliance) else "stay"
        self.model.stay(student.org, alliance)
        self._record(student, "stay_or_leave", "stay", rule, alliance)
        return {"ok": "stayed", "alliance": alliance}

    def _do_leave(self, student: Student, message: dict[str, Any]) -> dict[str, Any]:
        alliance = self._member_alliance(student, message["alliance"])
        rule = "leave" if control.rule_leaves(self.model, student.org, alliance) else "stay"
        self.model.leave(student.org, alliance)
        self._record(student, "stay_or_leave", "leave", rule, alliance)
        for invitation in list(self.invitations.values()):
            if invitation.alliance == alliance and invitation.invitee == student.org:
                del self.invitations[invitation.id]
        return {"ok": "left", "alliance": alliance}

    def _do_vote(self, student: Student, message: dict[str, Any]) -> dict[str, Any]:
        alliance = self._member_alliance(student, message["alliance"])
        self.model.vote(alliance, student.org, message["choice"])
        rule = control.rule_vote(self.model, alliance)
        self._record(student, "vote", message["choice"], rule, alliance)
        return {"ok": "voted", "alliance": alliance}

    def backing_open(self, alliance: int) -> bool:
        """Whether backing a proposal counts now: the month after entering transforming.

        That month the members settle who leads the renewal, one leader or the collective
        (transforming reads the backing then); later the proposal is on its way.
        """
        store = self.model.world.alliances
        return bool(
            store.phase[alliance] == TRANSFORMING
            and store.phase_since[alliance] == self.model.steps
        )

    def _do_back(self, student: Student, message: dict[str, Any]) -> dict[str, Any]:
        alliance = self._member_alliance(student, message["alliance"])
        if not self.backing_open(alliance):
            raise RoundError("backing_closed")
        self.model.back(alliance, student.org, message["choice"])
        rule = control.rule_backing(self.model, alliance)
        self._record(student, "backing", message["choice"], rule, alliance)
        return {"ok": "backed", "alliance": alliance}

    def _do_answer(self, student: Student, message: dict[str, Any]) -> dict[str, Any]:
        invitation = self.invitations.get(message["invitation"])
        if invitation is None or invitation.invitee != student.org:
            raise RoundError("no_invitation")
        del self.invitations[invitation.id]
        return self._settle(invitation, message["accept"], student, explicit=True)

    def _settle(
        self, invitation: Invitation, accept: bool, invitee: Student, explicit: bool
    ) -> dict[str, Any]:
        """Apply an answer to an invitation (the student's, or the model's rule's)."""
        model = self.model
        if explicit:
            self._record(
                invitee,
                "invitation",
                "accept" if accept else "decline",
                "accept" if invitation.model_answer else "decline",
                invitation.alliance,
            )
        inviter = self.by_org.get(invitation.inviter)
        if invitation.provisional:
            alliance = invitation.alliance
            if (
                not accept
                and alliance is not None
                and model.world.members.is_member(alliance, invitee.org)
            ):
                model.decline(invitee.org, alliance)
            return {"ok": "accepted" if accept else "declined"}
        if inviter is not None:
            self.changed.add(inviter.id)
            inviter.notes.append(
                {
                    "key": "accepted_by" if accept else "declined_by",
                    "who": self.label(invitee.org),
                }
            )
        if not accept:
            return {"ok": "declined"}
        joined = self._admit(invitation, invitee.org)
        return {"ok": "accepted" if joined else "too_late"}

    def _admit(self, invitation: Invitation, org: int) -> bool:
        """Put ``org`` into the invitation's alliance (creating a proposal's alliance)."""
        model = self.model
        if invitation.proposal is not None:
            proposal = self.proposals.get(invitation.proposal)
            if proposal is None:
                return False
            if proposal.alliance is None:
                if not model.world.free()[proposal.initiator]:
                    return False
                alliance = model.start_alliance(proposal.initiator, [org], proposal.is_open)
                if alliance is None:
                    return False
                proposal.alliance = alliance
                proposal.accepted.append(org)
                return True
            proposal.accepted.append(org)
            return self._join(proposal.alliance, org)
        return self._join(invitation.alliance, org)

    def _join(self, alliance: int | None, org: int) -> bool:
        try:
            return alliance is not None and self.model.join(alliance, org)
        except ControlError:
            return False

    def _do_invite(self, student: Student, message: dict[str, Any]) -> dict[str, Any]:
        """Invite organisations into a new alliance (no ``alliance``) or into one's own."""
        model = self.model
        targets = list(dict.fromkeys(message["orgs"]))
        if student.org in targets:
            raise RoundError("not_possible", reason="one cannot invite oneself")
        if student.invites_sent + len(targets) > MAX_INVITES_PER_MONTH:
            raise RoundError("too_many_invites")
        n = model.world.population.n
        if any(not 0 <= org < n for org in targets):
            raise RoundError("no_such_organisation")
        alliance = message.get("alliance")
        proposal: Proposal | None = None
        if alliance is None:
            if not model.world.free()[student.org]:
                raise RoundError("no_capacity")
            proposal = Proposal(
                id=self._next_id(),
                initiator=student.org,
                is_open=bool(message.get("open", False)),
                month=self.month,
            )
            self.proposals[proposal.id] = proposal
        else:
            self._member_alliance(student, alliance)
            phase = int(model.world.alliances.phase[alliance])
            if not (
                phase == FORMING or (phase == EVOLVING and model.world.alliances.open[alliance])
            ):
                raise RoundError("cannot_invite_now")
        student.invites_sent += len(targets)
        answers = {}
        for org in targets:
            rule = self.rng.random() < control.rule_accepts(model, student.org, org)
            invitation = Invitation(
                id=self._next_id(),
                inviter=student.org,
                invitee=org,
                month=self.month,
                model_answer=bool(rule),
                alliance=alliance,
                proposal=proposal.id if proposal else None,
            )
            invitee = self.by_org.get(org)
            if invitee is not None:
                self.changed.add(invitee.id)
                self.invitations[invitation.id] = invitation
                answers[org] = "pending"
            elif rule and self._admit(invitation, org):
                answers[org] = "accepted"
            else:
                answers[org] = "declined"
        if proposal is not None and proposal.alliance is not None:
            alliance = proposal.alliance
        return {"ok": "invited", "answers": answers, "alliance": alliance}

    # --- what the pages show ------------------------------------------------------------
    def candidates(self, student: Student) -> list[int]:
        """Organisations a student may invite: other students, and a few of the model's.

        The model's are the student's acquaintances with free capacity it finds most
        attractive (``forming.partner_scores``), topped up with others at random; they are
        chosen once a month.
        """
        world = self.model.world
        free = world.free()
        others = [s.org for s in self.students.values() if s.id != student.id and free[s.org]]
        cached = self._candidates.get(student.id)
        if cached is None or cached[0] != self.model.steps:
            cached = (self.model.steps, self._model_candidates(student.org, free))
            self._candidates[student.id] = cached
        return others + [o for o in cached[1] if free[o]]

    def _model_candidates(self, org: int, free: np.ndarray) -> list[int]:
        world = self.model.world
        _, known = world.trust.known_many(np.array([org], dtype=np.int64))
        pool = np.array(
            [o for o in np.unique(known).tolist() if free[o] and o not in self.by_org],
            dtype=np.int64,
        )
        if pool.shape[0] < MODEL_CANDIDATES:
            extra = np.flatnonzero(free)
            extra = extra[~np.isin(extra, [*self.by_org, *pool.tolist()])]
            take = min(MODEL_CANDIDATES - pool.shape[0], extra.shape[0])
            pool = np.concatenate([pool, self.rng.choice(extra, take, replace=False)])
        if pool.shape[0] > MODEL_CANDIDATES:
            scores = forming.partner_scores(
                world, np.full(pool.shape[0], org, dtype=np.int64), pool
            )
            pool = pool[np.argsort(-scores, kind="stable")[:MODEL_CANDIDATES]]
        return sorted(int(o) for o in pool.tolist())

    def alliances_of(self, org: int) -> list[int]:
        """The alliances ``org`` is a member of now."""
        members = self.model.world.members
        return sorted(a for (a, o) in members._current if o == org)

    def _described(self, org: int, candidates: list[int]) -> list[dict[str, Any]]:
        """Candidates with what the model's inviters weigh: likeness and trust (C2, C3)."""
        if not candidates:
            return []
        world = self.model.world
        others = np.array(candidates, dtype=np.int64)
        me = np.full(others.shape[0], org, dtype=np.int64)
        alike = similarity(world, me, others)
        trust = world.trust.get(me, others)
        return [
            {**self.label(o), "alike": round(float(a), 2), "trust": round(float(t), 2)}
            for o, a, t in zip(candidates, alike.tolist(), trust.tolist(), strict=True)
        ]

    def student_view(self, student: Student) -> dict[str, Any]:
        """Everything a student's page shows."""
        model = self.model
        world = model.world
        store = world.alliances
        members = world.members
        alliances = []
        for a in self.alliances_of(student.org):
            rows = members.of(a)
            own = members._current[(a, student.org)]
            phase = int(store.phase[a])
            alliances.append(
                {
                    "id": a,
                    "phase": PHASES[phase],
                    "since": int(store.phase_since[a]) - self.start_month,
                    "open": bool(store.open[a]),
                    "members": [self.label(int(members.org[r])) for r in rows.tolist()],
                    "commitment": round(float(members.commitment[own]), 3),
                    "exit_commitment": model.params.exit_commitment,
                    "staying": (a, student.org) in model.staying,
                    "can_invite": phase == FORMING or (phase == EVOLVING and bool(store.open[a])),
                    "transforming": phase == TRANSFORMING,
                    "can_back": self.backing_open(a),
                    "vote": world.votes.get(a, {}).get(student.org),
                    "backing": world.backing.get(a, {}).get(student.org),
                }
            )
        invitations = [
            {
                "id": i.id,
                "from": self.label(i.inviter),
                "alliance": i.alliance,
                "new": i.alliance is None,
                "provisional": i.provisional,
            }
            for i in self.invitations.values()
            if i.invitee == student.org
        ]
        return {
            "type": "you",
            "state": self.state,
            "month": self.month,
            "seconds_left": self.seconds_left(),
            "pace": self.pace,
            "name": student.name,
            "org": student.org,
            "capacity": int(world.capacity[student.org]),
            "load": int(world.load[student.org]),
            "acted": student.last_acted == self.month,
            "invites_left": MAX_INVITES_PER_MONTH - student.invites_sent,
            "alliances": alliances,
            "invitations": invitations,
            "candidates": self._described(student.org, self.candidates(student)),
            "notes": list(student.notes),
        }

    def world_view(self) -> dict[str, Any]:
        """What the lecturer's screen shows of the shared world."""
        model = self.model
        phase = model.organisation_phase()
        edges = model.co_membership_edges()[:MAX_EDGES]
        return {
            "type": "world",
            "state": self.state,
            "month": self.month,
            "seconds_left": self.seconds_left(),
            "pace": self.pace,
            "pressure": round(float(model.pressure), 3),
            "counts": model.phase_counts(),
            "phase": phase.tolist(),
            "edges": edges.ravel().tolist(),
            "students": [self.student_summary(s) for s in self.students.values()],
            "feed": list(self.feed),
        }

    def student_summary(self, student: Student) -> dict[str, Any]:
        """One student's tile on the lecturer's screen."""
        world = self.model.world
        alliances = self.alliances_of(student.org)
        phases = [PHASES[int(world.alliances.phase[a])] for a in alliances]
        return {
            "name": student.name,
            "org": student.org,
            "acted": student.last_acted == self.month,
            "alliances": alliances,
            "phases": phases,
        }

    def activity_since(self, seq: int) -> dict[str, Any]:
        """The light update after students' actions: feed entries after ``seq`` and tiles."""
        return {
            "type": "activity",
            "month": self.month,
            "feed": [entry for entry in self.feed if entry["seq"] > seq],
            "students": [self.student_summary(s) for s in self.students.values()],
        }
