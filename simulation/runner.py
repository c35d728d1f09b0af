"""Run the model: one scenario, one seed, to the horizon, into ``Results``."""

from __future__ import annotations

import sys
from typing import Any

from simulation.model import AllianceModel
from simulation.params import Params
from simulation.results import Results, results_from_model, run_id_for
from simulation.scenarios import get_scenario


def simulate(
    params: Params,
    *,
    run_id: str | None = None,
    scenario: str = "custom",
    progress: bool = False,
) -> Results:
    """Run one model with ``params`` to its horizon and collect its tables.

    Args:
        params: all parameters, the seed included.
        run_id: id written into every row (default ``<scenario>-s<seed>``).
        scenario: name recorded in the ``runs`` table.
        progress: show a progress bar on a terminal for runs longer than two seconds.

    Returns:
        ``Results`` of the run (one row in ``runs``).

    Raises:
        RuntimeError: only on a bug in the model (a transition the lifecycle does not
            allow); ``Params`` are validated when built, so valid input does not fail.
    """
    model = AllianceModel(params, run_id=run_id or f"{scenario}-s{params.seed}")
    if progress:
        from tqdm import tqdm

        with tqdm(
            total=params.steps, unit="month", delay=2, disable=None, file=sys.stderr, leave=False
        ) as bar:
            while model.running:
                model.step()
                bar.update(1)
    else:
        model.run()
    return results_from_model(model, scenario)


def run(
    scenario: str = "default", *, seed: int = 0, progress: bool = False, **overrides: Any
) -> Results:
    """Run a named scenario with optional parameter overrides.

    Args:
        scenario: a name from ``simulation.scenarios.SCENARIOS``.
        seed: seed of the run's random generator.
        progress: show a progress bar on a terminal.
        **overrides: parameter values by name, e.g. ``pressure=0.6``.

    Returns:
        ``Results`` with DataFrames ``runs``, ``alliances``, ``events``, ``timeseries``
        and ``memberships``.

    Raises:
        ParameterError: unknown scenario, unknown parameter name, or a value of the wrong
            type or out of range (the message names it and suggests the nearest name).

    Example:
        >>> from simulation import run
        >>> results = run("crisis", seed=3, n_organisations=200)
        >>> results.alliances.groupby("end_cause").size()  # doctest: +SKIP
    """
    params = get_scenario(scenario).params(**overrides, seed=seed)
    run_id = run_id_for(scenario, params, overrides)
    return simulate(params, run_id=run_id, scenario=scenario, progress=progress)
