"""Mesa interop of ``AllianceModel``: its ``DataCollector`` and Mesa's ``rng`` keyword.

The model records one row of the ``timeseries`` table per step (``simulation.records``);
the model's ``datacollector`` is handed each row as it is recorded, so its model variables
and the ``timeseries`` table always agree. This is what ``mesa.batch_run`` and the plot
components of Mesa's ``SolaraViz`` read::

    >>> import mesa
    >>> from simulation import AllianceModel
    >>> rows = mesa.batch_run(AllianceModel, parameters={"pressure": [0.2, 0.5]},
    ...                       rng=range(3), max_steps=240)  # doctest: +SKIP

The reporters are module-level functions (bound with ``functools.partial``), so a model
and its collector can be pickled. ``seed_from_rng`` turns what Mesa passes as ``rng``
(or inside a ``scenario``) into the model's ``seed`` parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np
from mesa.experimental.scenarios import Scenario as MesaScenario

from simulation.errors import ParameterError
from simulation.records import TIMESERIES_COLUMNS, Series

if TYPE_CHECKING:
    from simulation.model import AllianceModel

#: What Mesa accepts as ``rng``: a seed, a sequence of seeds, a ``SeedSequence`` or a generator.
SeedLike = int | np.integer | Sequence[int] | np.random.SeedSequence | np.random.Generator


class NotGiven:
    """Type of ``NOT_GIVEN``: the ``rng`` keyword was not passed."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()

#: Reporter names: every ``timeseries`` column but ``step`` (Mesa indexes by step), and the
#: seed the run used (``mesa.batch_run`` with ``iterations`` draws one per run).
REPORTERS: tuple[str, ...] = (*(c for c in TIMESERIES_COLUMNS if c != "step"), "seed")


def series_value(model: AllianceModel, index: int) -> Any:
    """Column ``index`` of the model's latest ``timeseries`` row."""
    return model.series.rows[-1][index]


def seed(model: AllianceModel) -> int:
    """The seed of the model's random generator (a parameter)."""
    return model.params.seed


def model_reporters() -> dict[str, Any]:
    """Reporter name -> function of the model, in the order of ``REPORTERS``."""
    reporters: dict[str, Any] = {
        name: partial(series_value, index=i)
        for i, name in enumerate(TIMESERIES_COLUMNS)
        if name != "step"
    }
    reporters["seed"] = seed
    return reporters


def make_datacollector() -> mesa.DataCollector:
    """A fresh ``DataCollector`` with the time-series reporters."""
    return mesa.DataCollector(model_reporters=model_reporters())


class CollectedSeries(Series):
    """The ``timeseries`` rows of a model; each new row is also collected by its DataCollector."""

    def __init__(self, model: AllianceModel) -> None:
        super().__init__()
        self.model = model
        #: The collector and its reporters once collected by Mesa: while they stay ours,
        #: ``add`` appends the row's values itself (what the reporters would return).
        self._ours: tuple[Any, tuple[Any, ...]] | None = None

    def add(self, row: tuple) -> None:
        """Append one step's row and let the model's ``datacollector`` collect it."""
        super().add(row)
        model = self.model
        collector = model.datacollector
        reporters = tuple(collector.model_reporters.values())
        ours = self._ours
        if (
            ours is None
            or ours[0] is not collector
            or len(reporters) != len(ours[1])
            or any(a is not b for a, b in zip(reporters, ours[1], strict=True))
            or collector.agent_reporters
            or collector.agenttype_reporters
        ):
            collector.collect(model)
            if _are_ours(collector.model_reporters):
                self._ours = (collector, reporters)
            return
        if hasattr(collector, "_collection_steps"):
            collector._collection_steps.append(model.time)
        columns = collector.model_vars
        for name, index in _COLUMN_INDEX:
            columns[name].append(row[index])
        columns["seed"].append(model.params.seed)


#: (reporter name, index in a ``timeseries`` row) for every column but ``step``.
_COLUMN_INDEX: tuple[tuple[str, int], ...] = tuple(
    (name, i) for i, name in enumerate(TIMESERIES_COLUMNS) if name != "step"
)


def _are_ours(reporters: dict[str, Any]) -> bool:
    """Whether ``reporters`` are exactly those of ``model_reporters`` (same names and order)."""
    if list(reporters) != [*(name for name, _ in _COLUMN_INDEX), "seed"]:
        return False
    for name, index in _COLUMN_INDEX:
        reporter = reporters[name]
        if not (
            isinstance(reporter, partial)
            and reporter.func is series_value
            and reporter.args == ()
            and reporter.keywords == {"index": index}
        ):
            return False
    return reporters["seed"] is seed


def seed_from_rng(rng: SeedLike | None, seed: Any = None) -> Any:
    """The ``seed`` parameter for Mesa's ``rng`` keyword (``seed``: one given by name too).

    An int is the seed itself. ``None`` is Mesa's "unseeded": the seed given by name if
    any, else a fresh one from the operating system's entropy (recorded as the run's
    seed, so the run can be repeated). A generator, ``SeedSequence`` or sequence of ints
    yields a seed drawn from it.

    Raises:
        ParameterError: ``rng`` and ``seed`` are both given and differ.
    """
    if rng is None:
        if seed is not None:
            return seed
        return int(np.random.default_rng().integers(0, 2**63 - 1, endpoint=True))
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool | np.bool_):
        value: Any = int(rng)
    elif isinstance(rng, bool | np.bool_ | str | bytes | float):
        raise ParameterError(f"rng must be a seed (a whole number) or a generator, got {rng!r}")
    else:
        try:
            value = int(np.random.default_rng(rng).integers(0, 2**63 - 1, endpoint=True))
        except (TypeError, ValueError):
            raise ParameterError(
                f"rng must be a seed (a whole number) or a generator, got {rng!r}"
            ) from None
    if seed is not None and seed != value:
        raise ParameterError(f"give either rng or seed, not both (rng={rng!r}, seed={seed!r})")
    return value


def mesa_keywords(overrides: dict[str, Any]) -> dict[str, Any]:
    """``overrides`` with Mesa's ``rng`` and ``scenario`` keywords turned into ``seed``.

    Raises:
        ParameterError: a bad ``rng`` or ``scenario``, or one that contradicts ``seed``.
    """
    if "rng" not in overrides and "scenario" not in overrides:
        return overrides
    rest = dict(overrides)
    rng = rest.pop("rng", NOT_GIVEN)
    scenario = rest.pop("scenario", None)
    if scenario is not None:
        rng = rng_of_scenario(scenario, rng)
    if not isinstance(rng, NotGiven):
        rest["seed"] = seed_from_rng(rng, rest.get("seed"))
    return rest


def rng_of_scenario(scenario: Any, rng: SeedLike | NotGiven | None) -> SeedLike | None:
    """The ``rng`` a Mesa ``Scenario`` carries (SolaraViz's Reset passes one).

    Raises:
        ParameterError: ``scenario`` is not a Mesa scenario, or its ``rng`` differs from
            an ``rng`` given as well.
    """
    if not isinstance(scenario, MesaScenario):
        raise ParameterError(
            f"scenario must be a mesa.experimental.scenarios.Scenario, got {scenario!r} "
            "(named presets: simulation.scenario_params or simulation.run)"
        )
    carried = scenario.rng
    if isinstance(rng, NotGiven) or rng is None:
        return carried
    if carried is not None and carried != rng:
        raise ParameterError(f"rng ({rng!r}) and scenario.rng ({carried!r}) differ")
    return rng
