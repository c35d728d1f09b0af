"""Analysis of results folders: survival, summaries, sensitivity, figures and the report.

The same functions serve notebooks and ``alliances report``::

    >>> from simulation import analysis
    >>> km = analysis.kaplan_meier("results/")                 # doctest: +SKIP
    >>> analysis.survival_figure(km, ["pressure"])             # doctest: +SKIP
    >>> analysis.write_report("results/")                      # doctest: +SKIP

Every table function takes a results folder (grouping by the varied parameters of its
``experiment.json``) or ``Results`` (no grouping unless ``by`` is given) and returns a tidy
DataFrame. Heavy libraries (matplotlib, lifelines, SALib, ema_workbench) are imported on
first use, so ``import simulation.analysis`` stays quick.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str] = {
    # data
    "Experiment": "data",
    "load_results": "data",
    "read_experiment": "data",
    "settings": "data",
    "varying_parameters": "data",
    # survival
    "kaplan_meier": "survival",
    "median_survival": "survival",
    "hazard_by_age": "survival",
    "number_at_risk": "survival",
    "lifespan_origin": "survival",
    # summary
    "summary_table": "summary",
    "ends_by_cause": "summary",
    "by_parameter": "summary",
    "phase_occupancy": "summary",
    "outcome_mix": "summary",
    # sensitivity
    "sensitivity_indices": "sensitivity",
    # scenario discovery
    "scenario_discovery": "discovery",
    # figures
    "survival_figure": "figures",
    "hazard_figure": "figures",
    "occupancy_figure": "figures",
    "parameter_figure": "figures",
    "ends_figure": "figures",
    "sensitivity_figure": "figures",
    "outcome_figure": "figures",
    "discovery_figure": "figures",
    "save_figure": "figures",
    # report
    "write_report": "report",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'simulation.analysis' has no attribute '{name}'")
    value = getattr(importlib.import_module(f"simulation.analysis.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
