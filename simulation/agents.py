"""Mesa agents: organisations and alliances as thin views on the model's arrays.

The state lives in arrays owned by the model (see ``state.py`` and ``trust.py``), so the
phases can update it in whole arrays. These agents give Mesa users and the classroom
app the familiar object interface without copying anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from simulation.state import PHASES

if TYPE_CHECKING:
    from simulation.model import AllianceModel


class Organisation(mesa.Agent):
    """An organisation with values, capabilities and traits (a view on row ``index``)."""

    def __init__(self, model: AllianceModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def _pop(self):
        return self.model.world.population

    @property
    def values(self) -> np.ndarray:
        """Position in value space."""
        return self._pop.values[self.index]

    @property
    def capabilities(self) -> np.ndarray:
        """What it brings to an alliance."""
        return self._pop.capabilities[self.index]

    @property
    def drive(self) -> float:
        """Propensity to initiate."""
        return float(self._pop.drive[self.index])

    @property
    def fear_of_exclusion(self) -> float:
        """Fear of being left out."""
        return float(self._pop.fear_of_exclusion[self.index])

    @property
    def leadership(self) -> float:
        """Visionary leadership capacity."""
        return float(self._pop.leadership[self.index])

    @property
    def alliances(self) -> list[int]:
        """Ids of the alliances it is a member of now."""
        members = self.model.world.members
        rows = members.active_rows()
        return members.alliance[rows[members.org[rows] == self.index]].tolist()

    def trust_in(self, other: Organisation) -> float:
        """Its trust in ``other``."""
        trust = self.model.world.trust
        return float(trust.get(np.array([self.index]), np.array([other.index]))[0])


class Alliance(mesa.Agent):
    """An alliance (a view on row ``alliance_id`` of the alliance arrays)."""

    def __init__(self, model: AllianceModel, alliance_id: int) -> None:
        super().__init__(model)
        self.alliance_id = alliance_id

    @property
    def _store(self):
        return self.model.world.alliances

    @property
    def phase(self) -> str:
        """Current phase name."""
        return PHASES[int(self._store.phase[self.alliance_id])]

    @property
    def mission(self) -> np.ndarray:
        """Position of the mission in value space."""
        return self._store.mission[self.alliance_id]

    @property
    def members(self) -> list[int]:
        """Organisation indices of the current members."""
        members = self.model.world.members
        return members.org[members.of(self.alliance_id)].tolist()

    @property
    def founders(self) -> list[int]:
        """Organisation indices of the founders (kept for ever, C8)."""
        members = self.model.world.members
        rows = np.flatnonzero(members.founder & (members.alliance == self.alliance_id))
        return members.org[rows].tolist()

    @property
    def is_open(self) -> bool:
        """Whether it admits newcomers (C15)."""
        return bool(self._store.open[self.alliance_id])
