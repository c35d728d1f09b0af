"""The model's parameters: one validated, frozen dataclass.

Every field carries its default, allowed range, unit and meaning in its metadata, which
``alliances params`` prints and docs/ODD.md tabulates. Construction validates names, types
and ranges and fails with one line naming the field; unknown names suggest the nearest
valid one. Time is in months (one step is one month).
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np

from simulation.errors import ParameterError
from simulation.schedules import schedule_from_value, schedule_to_json

Arrangement = Literal["equal", "proportional"]


def _p(default: Any, low: Any, high: Any, unit: str, meaning: str, group: str) -> Any:
    return field(
        default=default,
        metadata={"low": low, "high": high, "unit": unit, "meaning": meaning, "group": group},
    )


@dataclass(frozen=True)
class Params:
    """All parameters of one run. Build with ``Params(**kw)`` or ``Params.from_mapping``."""

    # --- run -------------------------------------------------------------------------
    n_organisations: int = _p(300, 2, 200_000, "organisations", "Number of organisations.", "run")
    steps: int = _p(240, 1, 6_000, "months", "Horizon of a run (one step is one month).", "run")
    seed: int = _p(0, 0, 2**63 - 1, "-", "Seed of the model's one random generator.", "run")

    # --- population ----------------------------------------------------------------
    value_dims: int = _p(4, 1, 16, "dimensions", "Dimensions of the value space.", "population")
    capability_dims: int = _p(
        4, 1, 16, "dimensions", "Dimensions of capabilities (what a member brings).", "population"
    )
    n_communities: int = _p(
        4, 1, 64, "communities", "Value communities the population is drawn from.", "population"
    )
    value_diversity: float = _p(
        0.3,
        0.0,
        1.0,
        "share",
        "Spread of values around community centres (0 alike, 1 scattered).",
        "population",
    )
    tie_density: float = _p(
        0.3,
        0.0,
        1.0,
        "share",
        "Density of prior ties: 1 means 20 acquaintances on average (C5).",
        "population",
    )
    tie_homophily: float = _p(
        0.8,
        0.0,
        1.0,
        "share",
        "Share of prior ties inside one's own value community.",
        "population",
    )
    capacity: int = _p(
        2,
        1,
        10,
        "alliances",
        "Alliances an organisation can be a member of at once.",
        "population",
    )
    drive: float = _p(
        0.5,
        0.0,
        1.0,
        "share",
        "Population mean of drive, the propensity to initiate (C2).",
        "population",
    )
    fear_of_exclusion: float = _p(
        0.3, 0.0, 1.0, "share", "Population mean of fear of being excluded (C5).", "population"
    )
    leadership: float = _p(
        0.5,
        0.0,
        1.0,
        "share",
        "Population mean of visionary leadership capacity (C22).",
        "population",
    )

    # --- environment ---------------------------------------------------------------
    pressure: float = _p(
        0.3, 0.0, 1.0, "share", "Constant level of environmental pressure (C20).", "environment"
    )
    pressure_schedule: tuple = _p(
        (),
        None,
        None,
        "components",
        "Shapes added to the pressure level: ramp, shock, periodic, random_shocks.",
        "environment",
    )
    need_drift: float = _p(
        0.01,
        0.0,
        0.2,
        "per month",
        "Drift of the societal need at zero pressure; doubles at full pressure.",
        "environment",
    )
    shock_jump: float = _p(
        0.5,
        0.0,
        2.0,
        "per unit",
        "Jump of the need per unit of sudden pressure rise.",
        "environment",
    )

    # --- trust and commitment ------------------------------------------------------
    trust_baseline: float = _p(
        0.2, 0.0, 1.0, "trust", "Trust between strangers, and where idle trust decays to.", "trust"
    )
    prior_trust: float = _p(
        0.5, 0.0, 1.0, "trust", "Mean initial trust between acquaintances (C5).", "trust"
    )
    trust_gain: float = _p(
        0.08, 0.0, 1.0, "per month", "Rate at which trust rises with good experience (C2).", "trust"
    )
    trust_loss: float = _p(
        0.2, 0.0, 1.0, "per month", "Rate at which trust falls with bad experience.", "trust"
    )
    trust_decay: float = _p(
        0.01, 0.0, 1.0, "per month", "Decay of idle trust toward the baseline.", "trust"
    )
    betrayal: float = _p(0.3, 0.0, 1.0, "trust", "Trust lost toward a member who leaves.", "trust")
    commitment_rate: float = _p(
        0.1, 0.0, 1.0, "per month", "Rate at which commitment follows satisfaction.", "trust"
    )
    exit_commitment: float = _p(
        0.35,
        0.0,
        1.0,
        "commitment",
        "A member whose commitment falls below this leaves (C17).",
        "trust",
    )

    # --- forming -------------------------------------------------------------------
    initiation_rate: float = _p(
        0.01,
        0.0,
        1.0,
        "per month",
        "Chance that an organisation of drive 1 starts an alliance.",
        "forming",
    )
    initiators: int = _p(
        3, 1, 20, "organisations", "Partners an initiator invites at the start (C5).", "forming"
    )
    stranger_share: float = _p(
        0.2,
        0.0,
        1.0,
        "share",
        "How many strangers an inviter considers (0.2: six) (C4).",
        "forming",
    )
    forming_care: float = _p(
        0.5,
        0.0,
        1.0,
        "share",
        "How strict the move to founding is on trust and consensus (C24).",
        "forming",
    )
    min_members: int = _p(
        3, 2, 50, "organisations", "Members an alliance needs to be founded.", "forming"
    )
    max_forming_steps: int = _p(
        18, 1, 600, "months", "Forming that lasts longer fails (formation_failed).", "forming"
    )

    # --- founding ------------------------------------------------------------------
    arrangement: Arrangement = _p(
        "equal",
        None,
        None,
        "-",
        "How returns are shared: 'equal' or 'proportional' to contribution (C10).",
        "founding",
    )
    governance_rate: float = _p(
        0.25,
        0.0,
        1.0,
        "per month",
        "Governance progress per month at full trust (C13).",
        "founding",
    )
    team_threshold: int = _p(
        8,
        2,
        10_000,
        "members",
        "Size from which a professional team runs operations (C13).",
        "founding",
    )
    team_overhead: float = _p(
        0.05, 0.0, 1.0, "results", "Cost of the professional team, per month.", "founding"
    )
    conflict_trust: float = _p(
        0.3,
        0.0,
        1.0,
        "trust",
        "Mean trust below which founding ends in conflict (C10).",
        "founding",
    )

    # --- evolving ------------------------------------------------------------------
    open_share: float = _p(
        0.5, 0.0, 1.0, "share", "Share of alliances founded open to newcomers (C15).", "evolving"
    )
    admission_distance: float = _p(
        0.25,
        0.0,
        1.0,
        "distance",
        "Farthest an applicant's values may be from the mission (C15).",
        "evolving",
    )
    recruitment_rate: float = _p(
        0.1,
        0.0,
        1.0,
        "per month",
        "Chance that an open alliance looks for a newcomer.",
        "evolving",
    )
    complementarity: float = _p(
        0.6,
        0.0,
        1.0,
        "weight",
        "How much complementary capabilities drive results (C3, C16).",
        "evolving",
    )
    results_noise: float = _p(
        0.1, 0.0, 1.0, "results", "Standard deviation of the monthly results noise.", "evolving"
    )
    aspiration_rate: float = _p(
        0.1, 0.0, 1.0, "per month", "Rate at which aspiration follows results.", "evolving"
    )
    ambition: float = _p(
        0.005,
        0.0,
        0.1,
        "per month",
        "Ratchet of aspiration above results: ambitious goals (C14).",
        "evolving",
    )
    stagnation_steps: int = _p(
        12, 1, 600, "months", "Months below aspiration that count as stagnation (C21).", "evolving"
    )
    transform_hazard: float = _p(
        0.1,
        0.0,
        1.0,
        "per month",
        "Chance of entering transforming once stagnating, at pressure 0.5 (C20).",
        "evolving",
    )
    foresight: float = _p(
        0.2,
        0.0,
        1.0,
        "share",
        "How much the mission tracks the need before a crisis (C27).",
        "evolving",
    )
    outgrow_factor: float = _p(
        2.0,
        1.0,
        100.0,
        "ratio",
        "Growth relative to founding size that outgrows arrangements (C12).",
        "evolving",
    )

    # --- transforming --------------------------------------------------------------
    collective_leadership: float = _p(
        0.5,
        0.0,
        1.0,
        "share",
        "Weight of shared leadership against one leader (C22).",
        "transforming",
    )
    renewal_rate: float = _p(
        0.14,
        0.0,
        1.0,
        "per month",
        "Chance of renewal per month at full leadership (C26).",
        "transforming",
    )
    revolution_gap: float = _p(
        0.25,
        0.0,
        1.0,
        "distance",
        "Mission-need gap above which renewal is revolutionary (C26).",
        "transforming",
    )
    transform_erosion: float = _p(
        0.02,
        0.0,
        1.0,
        "per month",
        "Commitment eroded each month of transforming (C21).",
        "transforming",
    )
    max_transforming_steps: int = _p(
        24,
        1,
        600,
        "months",
        "Transforming that lasts longer fails (transformation_failed).",
        "transforming",
    )
    min_viable: int = _p(
        2, 1, 50, "members", "An alliance with fewer members than this dissolves.", "transforming"
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "pressure_schedule", schedule_from_value(self.pressure_schedule))
        for f in dataclasses.fields(self):
            if f.name == "pressure_schedule":
                continue
            value = getattr(self, f.name)
            object.__setattr__(self, f.name, _check(f, value))
        if self.min_viable > self.min_members:
            raise ParameterError(
                f"min_viable ({self.min_viable}) must not exceed min_members ({self.min_members})"
            )

    # --- constructors and views ----------------------------------------------------
    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], base: Params | None = None) -> Params:
        """Build from a mapping of names to values, on top of ``base`` (or the defaults)."""
        check_names(mapping)
        values = base.to_python() if base is not None else {}
        values.update(mapping)
        return cls(**values)

    def replace(self, **changes: Any) -> Params:
        """A copy with some values changed (validated again)."""
        return Params.from_mapping(changes, base=self)

    def to_python(self) -> dict[str, Any]:
        """Field values as they are (the schedule as component objects)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready values: the schedule as a JSON string. Used for table columns."""
        out = self.to_python()
        out["pressure_schedule"] = schedule_to_json(self.pressure_schedule)
        return out

    def to_json(self) -> str:
        """All values as one JSON object (file metadata, run ids)."""
        return json.dumps(self.to_dict(), sort_keys=True)

    @property
    def forming_trust_needed(self) -> float:
        """Mean mutual trust a forming alliance needs to be founded, set by care (C24)."""
        return 0.25 + 0.35 * self.forming_care

    @property
    def forming_consensus_needed(self) -> float:
        """Value consensus a forming alliance needs to be founded, set by care (C24)."""
        return 0.55 + 0.3 * self.forming_care


PARAMETER_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Params))


def check_names(mapping: Mapping[str, Any]) -> None:
    """Raise a one-line error for the first unknown name, suggesting the nearest one."""
    for name in mapping:
        if name not in PARAMETER_NAMES:
            close = difflib.get_close_matches(str(name), PARAMETER_NAMES, n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else "; see `alliances params`"
            raise ParameterError(f"unknown parameter '{name}'{hint}")


def parameter_table() -> list[dict[str, Any]]:
    """One record per parameter: name, group, default, low, high, unit, meaning."""
    rows = []
    for f in dataclasses.fields(Params):
        meta = f.metadata
        low, high = meta["low"], meta["high"]
        if f.name == "arrangement":
            low, high = "equal", "proportional"
        rows.append(
            {
                "name": f.name,
                "group": meta["group"],
                "default": f.default if f.name != "pressure_schedule" else "[]",
                "low": low,
                "high": high,
                "unit": meta["unit"],
                "meaning": meta["meaning"],
            }
        )
    return rows


def _check(f: dataclasses.Field, value: Any) -> Any:
    """Check one value's type and range; return it normalised (ints as int, floats as float)."""
    name, default = f.name, f.default
    if name == "arrangement":
        options = get_args(Arrangement)
        if value not in options:
            raise ParameterError(f"{name} must be one of {', '.join(options)}, got {value!r}")
        return value
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise ParameterError(f"{name} must be {kind}, got {value!r}")
    if isinstance(default, int):
        if not isinstance(value, numbers.Integral) and not float(value).is_integer():
            raise ParameterError(f"{name} must be a whole number, got {value!r}")
        value = int(value)
    else:
        value = float(value)
        if value != value:  # NaN
            raise ParameterError(f"{name} must be a number, got nan")
    low, high = f.metadata["low"], f.metadata["high"]
    if not low <= value <= high:
        raise ParameterError(f"{name} = {value} is out of range [{low}, {high}]")
    return value
