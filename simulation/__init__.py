"""Agent-based simulation of the lifecycle of values-driven alliances.

Organisations with values, trust and commitment form alliances, found them, make them
evolve and transform them under environmental pressure, after Boonstra's four phases
(forming, founding, evolving, transforming).

    >>> from simulation import run, load
    >>> results = run("default", seed=1)          # doctest: +SKIP
    >>> results.save("out")                       # doctest: +SKIP
    >>> load("out").alliances.head()              # doctest: +SKIP

``import simulation`` is light: the model (Mesa, pandas, SciPy, ...) is imported the first
time one of the names below is used, so the ``alliances`` command starts quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulation.errors import AllianceError, ConfigError, OutputError, ParameterError
from simulation.lazy import attributes

if TYPE_CHECKING:
    from simulation.model import AllianceModel
    from simulation.params import Params
    from simulation.results import Results, load
    from simulation.runner import run, simulate
    from simulation.scenarios import SCENARIOS, scenario_params

__version__ = "0.1.0"

#: Public names imported when first used, and the module each comes from.
_LAZY = {
    "AllianceModel": "simulation.model",
    "Params": "simulation.params",
    "Results": "simulation.results",
    "load": "simulation.results",
    "run": "simulation.runner",
    "simulate": "simulation.runner",
    "SCENARIOS": "simulation.scenarios",
    "scenario_params": "simulation.scenarios",
}

__all__ = [
    "SCENARIOS",
    "AllianceError",
    "AllianceModel",
    "ConfigError",
    "OutputError",
    "ParameterError",
    "Params",
    "Results",
    "load",
    "run",
    "scenario_params",
    "simulate",
]


__getattr__, __dir__ = attributes(__name__, _LAZY, globals())
