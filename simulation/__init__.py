"""Agent-based simulation of the lifecycle of values-driven alliances.

Organisations with values, trust and commitment form alliances, found them, make them
evolve and transform them under environmental pressure, after Boonstra's four phases
(forming, founding, evolving, transforming).

    >>> from simulation import run, load
    >>> results = run("default", seed=1)          # doctest: +SKIP
    >>> results.save("out")                       # doctest: +SKIP
    >>> load("out").alliances.head()              # doctest: +SKIP
"""

from simulation.errors import AllianceError, ConfigError, OutputError, ParameterError
from simulation.model import AllianceModel
from simulation.params import Params
from simulation.results import Results, load
from simulation.runner import run, simulate
from simulation.scenarios import SCENARIOS, scenario_params

__version__ = "0.1.0"

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
