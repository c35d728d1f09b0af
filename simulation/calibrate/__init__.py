"""Calibration: ABC-SMC of the model's parameters against targets or the user's alliances.

    >>> from simulation.calibrate import run_calibration
    >>> targets = "experiments/targets/literature.toml"
    >>> posterior = run_calibration(targets, "calib", workers=2)   # doctest: +SKIP
    >>> posterior.median()                                         # doctest: +SKIP

The command line face is ``alliances calibrate TARGETS.toml --out DIR``. pyABC is imported
only when a calibration runs (install the ``calibrate`` extra).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulation.calibrate.targets import Targets, load_targets, parse_targets, read_data

__all__ = ["Posterior", "Targets", "load_targets", "parse_targets", "read_data", "run_calibration"]


def __getattr__(name: str) -> Any:
    # imported when first used, so `alliances --help` (which imports the command) is quick
    if name in ("run_calibration", "Posterior", "CalibrationInterrupted", "read_posterior"):
        from simulation.calibrate import engine

        return getattr(engine, name)
    if name in ("Targets", "load_targets", "parse_targets", "read_data"):
        from simulation.calibrate import targets

        return getattr(targets, name)
    raise AttributeError(name)
