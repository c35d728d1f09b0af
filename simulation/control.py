"""Organisations steered from outside the model: what participants decide between steps.

The participatory classroom lets people play organisations. The phases stay as they are:
the model's own rules run for every organisation, and a participant's decision, taken
between two steps, overrides the rule for that organisation. ``ControlledModel`` adds the
few things that needs to ``AllianceModel``:

- ``take_control`` marks an organisation as controlled;
- ``start_alliance``, ``join``, ``leave`` and ``decline`` change memberships with the
  model's own bookkeeping (``_found_alliance``, ``_join``, ``_leave``, the event log);
- ``stay`` keeps a member whose commitment fell below the exit threshold in its alliance
  for this month (the model's rule would make it leave, C17);
- ``vote`` and ``back`` write the hooks ``world.votes`` and ``world.backing``, which
  transforming reads and clears;
- a controlled organisation that has acted in a month (``acted``) starts no alliance by
  the model's rule that month; one that has not is played by the model.

The ``rule_*`` functions say what the model's rules would decide in the same situation,
so what participants chose can be compared with them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulation.model import AllianceModel
from simulation.phases import forming
from simulation.population import distance
from simulation.state import DISSOLVED, FORMING, TRANSFORMING

#: The votes a member can cast on a renewal.
VOTES = ("evolutionary", "revolutionary", "end")
#: The renewal proposals a member can back.
BACKING = ("leader", "collective")
#: Exit reason of a member who chose to leave (the model's own reasons are kept as they are).
LEFT_BY_CHOICE = "left_by_choice"
#: Exit reason of an invitee who declined an invitation the model's rule had accepted.
DECLINED = "declined"


class ControlError(ValueError):
    """A participant's action is not possible in the model's current state."""


class ControlledModel(AllianceModel):
    """``AllianceModel`` in which some organisations are steered between steps.

    Args:
        *args: as for ``AllianceModel``.
        **kwargs: as for ``AllianceModel``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.controlled: set[int] = set()
        #: Controlled organisations that acted this month (the model does not play them).
        self.acted: set[int] = set()
        #: (alliance, org) pairs kept in their alliance this month by a decision to stay.
        self.staying: set[tuple[int, int]] = set()
        self._starting = False
        super().__init__(*args, **kwargs)

    # --- who is controlled -------------------------------------------------------------
    def take_control(self, org: int) -> None:
        """Mark ``org`` as controlled from outside."""
        if not 0 <= org < self.world.population.n:
            raise ControlError(f"no organisation {org}")
        self.controlled.add(int(org))

    def unallied(self) -> np.ndarray:
        """Organisations in no alliance, with free capacity, not yet controlled."""
        world = self.world
        free = (world.load == 0) & world.free()
        if self.controlled:
            free[list(self.controlled)] = False
        return np.flatnonzero(free)

    # --- membership changes ------------------------------------------------------------
    def start_alliance(self, initiator: int, members: list[int], is_open: bool) -> int | None:
        """Start an alliance in forming with ``initiator`` and the ``members`` who accepted.

        Returns:
            The new alliance's id, or None if fewer than two of them have free capacity.
        """
        before = self.world.alliances.count
        self._starting = True
        try:
            self._found_alliance(
                int(initiator), np.array([initiator, *members], dtype=np.int64), is_open
            )
        finally:
            self._starting = False
        self.world.refresh()
        return before if self.world.alliances.count > before else None

    def join(self, alliance: int, org: int) -> bool:
        """``org`` joins ``alliance`` (founder commitment in forming, newcomer's otherwise).

        Returns:
            Whether it joined (not if the alliance ended, it has no capacity or is a member).
        """
        world = self.world
        self._alive(alliance)
        if world.members.is_member(alliance, org) or not world.free()[org]:
            return False
        phase = int(world.alliances.phase[alliance])
        p = self.params
        commitment = p.founder_commitment if phase == FORMING else p.newcomer_commitment
        self._join(alliance, np.array([org]), commitment)
        world.refresh()
        world.alliances.peak_size[alliance] = max(
            int(world.alliances.peak_size[alliance]), int(world.size[alliance])
        )
        return True

    def leave(self, org: int, alliance: int) -> None:
        """``org`` leaves ``alliance`` by its own choice; the others trust it less (betrayal)."""
        self._leave(self._row(alliance, org), LEFT_BY_CHOICE)
        self.staying.discard((alliance, org))
        self.world.refresh()

    def decline(self, org: int, alliance: int) -> None:
        """``org`` turns down a place the model's rule accepted for it (no betrayal)."""
        rows = self._row(alliance, org)
        self.world.members.end(rows, self.steps, DECLINED)
        self.world.refresh()

    def stay(self, org: int, alliance: int) -> None:
        """Keep ``org`` in ``alliance`` this month even if its commitment fell low."""
        self._row(alliance, org)
        self.staying.add((int(alliance), int(org)))

    def vote(self, alliance: int, org: int, choice: str) -> None:
        """Record ``org``'s vote on the renewal of the transforming ``alliance``."""
        if choice not in VOTES:
            raise ControlError(f"a vote is one of {', '.join(VOTES)}, not '{choice}'")
        self._member_in_transforming(alliance, org)
        self.world.votes.setdefault(int(alliance), {})[int(org)] = choice

    def back(self, alliance: int, org: int, choice: str) -> None:
        """Record which renewal proposal ``org`` backs in the transforming ``alliance``."""
        if choice not in BACKING:
            raise ControlError(f"backing is one of {', '.join(BACKING)}, not '{choice}'")
        self._member_in_transforming(alliance, org)
        self.world.backing.setdefault(int(alliance), {})[int(org)] = choice

    # --- the step ------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one month; this month's decisions to stay and ``acted`` then lapse.

        (Votes and backing lapse too: the model clears them after the phases.)
        """
        super().step()
        self.staying.clear()
        self.acted.clear()

    def _departures(self) -> None:
        if not self.staying:
            super()._departures()
            return
        members = self.world.members
        saved = []
        for alliance, org in self.staying:
            row = members._current.get((alliance, org))
            if row is not None and members.commitment[row] < self.params.exit_commitment:
                saved.append((row, float(members.commitment[row])))
                members.commitment[row] = self.params.exit_commitment
        super()._departures()
        for row, value in saved:
            members.commitment[row] = value

    def _found_alliance(self, initiator: int, members: np.ndarray, is_open: bool) -> None:
        if not self._starting and initiator in self.controlled and initiator in self.acted:
            return  # the participant decides whether to start one this month
        super()._found_alliance(initiator, members, is_open)

    # --- checks ------------------------------------------------------------------------
    def _alive(self, alliance: int) -> None:
        store = self.world.alliances
        if not 0 <= alliance < store.count or store.phase[alliance] == DISSOLVED:
            raise ControlError(f"alliance {alliance} does not exist or has ended")

    def _row(self, alliance: int, org: int) -> np.ndarray:
        self._alive(alliance)
        row = self.world.members._current.get((int(alliance), int(org)))
        if row is None:
            raise ControlError(f"organisation {org} is not a member of alliance {alliance}")
        return np.array([row], dtype=np.int64)

    def _member_in_transforming(self, alliance: int, org: int) -> None:
        self._row(alliance, org)
        if self.world.alliances.phase[alliance] != TRANSFORMING:
            raise ControlError(f"alliance {alliance} is not transforming")


# --- what the model's rules would decide -------------------------------------------------
def rule_accepts(model: AllianceModel, inviter: int, invitee: int) -> float:
    """Chance that the model's rule makes ``invitee`` accept ``inviter``'s invitation (C3)."""
    p = forming.acceptance_probability(
        model.world, np.array([inviter], dtype=np.int64), np.array([invitee], dtype=np.int64)
    )
    return float(p[0])


def rule_leaves(model: AllianceModel, org: int, alliance: int) -> bool:
    """Whether the model's rule makes ``org`` leave ``alliance`` now (low commitment, C17)."""
    row = model.world.members._current.get((int(alliance), int(org)))
    if row is None:
        return False
    return bool(model.world.members.commitment[row] < model.params.exit_commitment)


def rule_vote(model: AllianceModel, alliance: int) -> str:
    """The renewal the model's rule would choose for ``alliance`` (C19, C26).

    Revolutionary when the mission has drifted further from the need than
    ``revolution_gap``, evolutionary otherwise. (Ending is no vote the rule casts: without
    votes the members agree to end by their own worth and trust, ``endings.agree_to_end``;
    a vote to end therefore always counts as differing from the rule.)
    """
    gap = distance(
        model.world.alliances.mission[alliance][None, :], model.world.environment.need[None, :]
    )[0]
    return "revolutionary" if gap > model.params.revolution_gap else "evolutionary"


def rule_backing(model: AllianceModel, alliance: int) -> str:
    """The proposal the model's rule would have a member back in ``alliance`` (C22).

    Without participants, each member backs the collective process with chance
    ``collective_leadership``; the rule's answer is the likelier of the two.
    """
    if isinstance(model, ControlledModel):
        model._alive(alliance)
    return "collective" if model.params.collective_leadership > 0.5 else "leader"
