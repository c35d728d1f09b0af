"""The environment: pressure over time and a moving societal need (C20, C21, C27).

Pressure follows the configured schedule. It acts on the world only through three
channels, each its own parameter: it speeds the drift of the need
(``pressure_need_drift``), makes the need jump when it rises (``pressure_need_jump``) and
squeezes the organisations' slack (``pressure_squeeze``, read by
``simulation.behaviour.attention``). The need is a point in value space that starts where
an organisation is (drawn from the population) and moves with momentum: its velocity
keeps a share ``need_persistence`` of last month's and takes a random step, so it has a
heading that foresight can read.
"""

from __future__ import annotations

import numpy as np

from simulation.params import Params
from simulation.schedules import Shock, pressure_path

#: The live shock (the classroom's and the page's Shock button, ``AllianceModel.shock``):
#: pressure up by this much ...
SHOCK_SIZE = 0.4
#: ... for this many months.
SHOCK_MONTHS = 24


class Environment:
    """Pressure path and societal need; advanced once per step by the model."""

    def __init__(self, params: Params, rng: np.random.Generator, anchor: np.ndarray) -> None:
        self.params = params
        self.path = pressure_path(params.pressure, params.pressure_schedule, params.steps, rng)
        self.pressure = float(self.path[0])
        self.need = np.clip(np.asarray(anchor, dtype=float), 0.0, 1.0)
        self.velocity = np.zeros(self.need.shape[0])

    def pressure_at(self, step: int) -> float:
        """Pressure at ``step`` (the last value holds beyond the horizon)."""
        return float(self.path[min(step, self.path.shape[0] - 1)])

    def advance(self, step: int, rng: np.random.Generator) -> None:
        """Move to ``step``: read the pressure; the need moves (and jumps on a rise)."""
        p = self.params
        previous = self.pressure
        self.pressure = self.pressure_at(step)
        drift = p.need_drift * (1.0 + p.pressure_need_drift * self.pressure)
        self.velocity = p.need_persistence * self.velocity + rng.normal(
            0.0, drift, self.need.shape[0]
        )
        # Drawn every month, so the random stream does not depend on the pressure path.
        direction = rng.normal(0.0, 1.0, self.need.shape[0])
        direction /= np.sqrt(direction.dot(direction)) + 1e-12  # np.linalg.norm, cheaper
        rise = max(self.pressure - previous, 0.0)
        move = self.velocity + p.pressure_need_jump * rise * direction
        need = self.need + move
        # The need stays in value space: it bounces off the edges.
        outside = (need < 0.0) | (need > 1.0)
        self.velocity[outside] *= -1.0
        self.need = np.clip(need, 0.0, 1.0)

    def add_shock(self, step: int, size: float, duration: int = SHOCK_MONTHS) -> None:
        """Raise pressure by ``size`` from ``step`` on, for ``duration`` steps (the live shock)."""
        extra = Shock(at=step, size=size, duration=duration)
        grid = np.arange(self.path.shape[0], dtype=float)
        self.path = np.clip(self.path + extra.contribution(grid), 0.0, 1.0)
