"""Pressure schedules: composable shapes of environmental pressure over time (C20, C21).

A schedule is the constant ``pressure`` level plus any number of components, summed and
clipped to [0, 1]. Each component is a small frozen dataclass, so a schedule is data:
it can be written in TOML, compared, hashed and stored in the ``runs`` table.

In TOML (an experiment file, a config file or ``--set``)::

    pressure_schedule = [
        {kind = "shock", at = 96, size = 0.4, duration = 36},
        {kind = "periodic", period = 60, amplitude = 0.1},
    ]
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from simulation.errors import ParameterError


@dataclass(frozen=True)
class Ramp:
    """Pressure rises (or falls) linearly by ``size`` between steps ``start`` and ``end``."""

    kind: ClassVar[str] = "ramp"
    start: int = 0
    end: int = 240
    size: float = 0.5

    def contribution(self, steps: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        """Contribution at each step in ``steps``."""
        span = max(self.end - self.start, 1)
        return self.size * np.clip((steps - self.start) / span, 0.0, 1.0)


@dataclass(frozen=True)
class Shock:
    """A step shock: pressure jumps by ``size`` at step ``at`` for ``duration`` steps (0: on)."""

    kind: ClassVar[str] = "shock"
    at: int = 96
    size: float = 0.4
    duration: int = 0

    def contribution(self, steps: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        """Contribution at each step in ``steps``."""
        on = steps >= self.at
        if self.duration > 0:
            on &= steps < self.at + self.duration
        return np.where(on, self.size, 0.0)


@dataclass(frozen=True)
class Periodic:
    """A sine wave of ``amplitude`` and ``period`` steps (business or political cycles)."""

    kind: ClassVar[str] = "periodic"
    period: int = 60
    amplitude: float = 0.15
    phase: float = 0.0

    def contribution(self, steps: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        """Contribution at each step in ``steps``."""
        return self.amplitude * np.sin(2 * math.pi * (steps / self.period + self.phase))


@dataclass(frozen=True)
class RandomShocks:
    """Shocks of ``size`` arriving at ``rate`` per step, each lasting ``duration`` steps.

    The arrival times are drawn once per run from the model's generator, so they are
    part of the seeded run.
    """

    kind: ClassVar[str] = "random_shocks"
    rate: float = 0.02
    size: float = 0.3
    duration: int = 12

    def contribution(self, steps: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        """Contribution at each step in ``steps`` (overlapping shocks add up)."""
        if rng is None:
            raise ValueError("random shocks need the model's generator")
        arrivals = rng.random(steps.shape[0]) < self.rate
        starts = steps[arrivals]
        out = np.zeros(steps.shape[0])
        for start in starts:
            out += np.where((steps >= start) & (steps < start + self.duration), self.size, 0.0)
        return out


COMPONENTS: dict[str, type] = {c.kind: c for c in (Ramp, Shock, Periodic, RandomShocks)}

# Allowed ranges of component fields: (low, high); checked on construction.
_FIELD_RANGES: dict[str, tuple[float, float]] = {
    "start": (0, 100_000),
    "end": (0, 100_000),
    "at": (0, 100_000),
    "duration": (0, 100_000),
    "period": (1, 100_000),
    "size": (-1.0, 1.0),
    "amplitude": (0.0, 1.0),
    "phase": (0.0, 1.0),
    "rate": (0.0, 1.0),
}


def component_from_mapping(spec: Any) -> Any:
    """Build one schedule component from a mapping like ``{"kind": "shock", "at": 60}``."""
    if isinstance(spec, tuple(COMPONENTS.values())):
        return spec
    if not isinstance(spec, dict):
        raise ParameterError(
            f"pressure_schedule: each component must be a table like "
            f'{{kind = "shock", at = 96, size = 0.4}}, got {spec!r}'
        )
    spec = dict(spec)
    kind = spec.pop("kind", None)
    if kind not in COMPONENTS:
        raise ParameterError(
            f"pressure_schedule: unknown kind {kind!r}; choose one of {', '.join(COMPONENTS)}"
        )
    cls = COMPONENTS[kind]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for name, value in spec.items():
        if name not in fields:
            raise ParameterError(
                f"pressure_schedule: {kind} has no field {name!r}; fields: {', '.join(fields)}"
            )
        wants_int = isinstance(fields[name].default, int)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(
                f"pressure_schedule: {kind}.{name} must be a number, got {value!r}"
            )
        if wants_int and not float(value).is_integer():
            raise ParameterError(f"pressure_schedule: {kind}.{name} must be a whole number")
        low, high = _FIELD_RANGES[name]
        if not low <= value <= high:
            raise ParameterError(
                f"pressure_schedule: {kind}.{name} = {value} is out of range [{low}, {high}]"
            )
        spec[name] = int(value) if wants_int else float(value)
    component = cls(**spec)
    if isinstance(component, Ramp) and component.end < component.start:
        raise ParameterError(
            f"pressure_schedule: ramp.end ({component.end}) is before ramp.start "
            f"({component.start})"
        )
    return component


def schedule_from_value(value: Any) -> tuple:
    """Normalise a schedule given as None, one mapping, or a list of mappings."""
    if value is None or value == "" or value == ():
        return ()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ParameterError(f"pressure_schedule: cannot read {value!r} as JSON") from exc
    if isinstance(value, (dict, *COMPONENTS.values())):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ParameterError(f"pressure_schedule must be a list of components, got {value!r}")
    return tuple(component_from_mapping(v) for v in value)


def schedule_to_json(schedule: tuple) -> str:
    """Serialise a schedule as JSON (for the ``runs`` table and file metadata)."""
    return json.dumps(
        [{"kind": c.kind, **dataclasses.asdict(c)} for c in schedule], separators=(",", ":")
    )


def pressure_path(
    level: float, schedule: tuple, steps: int, rng: np.random.Generator
) -> np.ndarray:
    """Pressure at steps 0..steps (inclusive), clipped to [0, 1].

    Args:
        level: the constant base level.
        schedule: the components added to it.
        steps: the horizon.
        rng: the model's generator (used only by random components).
    """
    grid = np.arange(steps + 1, dtype=float)
    total = np.full(grid.shape, float(level))
    for component in schedule:
        total += component.contribution(grid, rng)
    return np.clip(total, 0.0, 1.0)
