"""Parameter sweeps: experiment files, samplers, local and Dask execution, resumable output.

    >>> from simulation.sweep import load_design, run_experiment
    >>> design = load_design("experiments/default.toml")           # doctest: +SKIP
    >>> summary = run_experiment(design, "results", workers=2)     # doctest: +SKIP
    >>> summary.ok                                                 # doctest: +SKIP
    True

The command line face is ``alliances sweep FILE.toml --out DIR``. Dask and SALib are
imported only when a sweep needs them.
"""

from simulation.sweep.design import Design, PlannedRun, load_design, parse_design, run_seed
from simulation.sweep.runner import SweepInterrupted, SweepSummary, run_experiment

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
