"""Parameter sweeps: experiment files, samplers, local and Dask execution, resumable output.

    >>> from simulation.sweep import load_design, run_experiment
    >>> design = load_design("experiments/default.toml")           # doctest: +SKIP
    >>> summary = run_experiment(design, "results", workers=2)     # doctest: +SKIP
    >>> summary.ok                                                 # doctest: +SKIP
    True

The command line face is ``alliances sweep FILE.toml --out DIR``. The names below are
imported when first used (so ``alliances --help`` stays quick); Dask and SALib only when a
sweep needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulation.lazy import attributes

if TYPE_CHECKING:
    from simulation.sweep.design import Design, PlannedRun, load_design, parse_design, run_seed
    from simulation.sweep.runner import SweepInterrupted, SweepSummary, run_experiment

_LAZY = {
    "Design": "simulation.sweep.design",
    "PlannedRun": "simulation.sweep.design",
    "load_design": "simulation.sweep.design",
    "parse_design": "simulation.sweep.design",
    "run_seed": "simulation.sweep.design",
    "SweepInterrupted": "simulation.sweep.runner",
    "SweepSummary": "simulation.sweep.runner",
    "run_experiment": "simulation.sweep.runner",
}

__all__ = [
    "Design",
    "PlannedRun",
    "SweepInterrupted",
    "SweepSummary",
    "load_design",
    "parse_design",
    "run_experiment",
    "run_seed",
]


__getattr__, __dir__ = attributes(__name__, _LAZY, globals())
