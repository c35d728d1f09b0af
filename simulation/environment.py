"""The environment: pressure over time and a drifting societal need (C20, C21, C27).

Pressure follows the configured schedule; the need (a point in value space) wanders,
faster under higher pressure, and jumps when pressure rises suddenly. An alliance's
relevance is how close its mission is to the need.
"""

from __future__ import annotations

import numpy as np

from simulation.params import Params
from simulation.schedules import Shock, pressure_path


class Environment:
    """Pressure path and societal need; advanced once per step by the model."""

    def __init__(self, params: Params, rng: np.random.Generator, anchor: np.ndarray) -> None:
        self.params = params
        self.path = pressure_path(params.pressure, params.pressure_schedule, params.steps, rng)
        self.pressure = float(self.path[0])
        dims = params.value_dims
        self.need = np.clip(anchor + rng.normal(0.0, 0.05, dims), 0.0, 1.0)

    def pressure_at(self, step: int) -> float:
        """Pressure at ``step`` (the last value holds beyond the horizon)."""
        return float(self.path[min(step, self.path.shape[0] - 1)])

    def advance(self, step: int, rng: np.random.Generator) -> None:
        """Move to ``step``: read the pressure and let the need drift (and jump on a rise)."""
        previous = self.pressure
        self.pressure = self.pressure_at(step)
        drift = self.params.need_drift * (1.0 + self.pressure)
        move = rng.normal(0.0, drift, self.need.shape[0])
        rise = self.pressure - previous
        if rise > 0:
            direction = rng.normal(0.0, 1.0, self.need.shape[0])
            direction /= np.linalg.norm(direction) + 1e-12
            move += self.params.shock_jump * rise * direction
        self.need = np.clip(self.need + move, 0.0, 1.0)

    def add_shock(self, step: int, size: float, duration: int = 24) -> None:
        """Raise pressure by ``size`` from ``step`` on, for ``duration`` steps (the live shock)."""
        extra = Shock(at=step, size=size, duration=duration)
        grid = np.arange(self.path.shape[0], dtype=float)
        self.path = np.clip(self.path + extra.contribution(grid), 0.0, 1.0)
