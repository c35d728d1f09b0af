"""Fixtures of the analysis tests: hand-made tables and a small real sweep-like folder."""

import json

import numpy as np
import pandas as pd
import pytest

from simulation import run
from simulation.records import END_CAUSES
from simulation.results import Results


def _runs(rows):
    frame = pd.DataFrame(rows)
    frame["run_id"] = frame["run_id"].astype("string")
    defaults = {
        "steps": 240,
        "alliances_started": 10,
        "alliances_founded": 5,
        "transformations": 0,
        "evolutionary_renewals": 0,
        "revolutionary_renewals": 0,
    }
    for name, value in defaults.items():
        if name not in frame.columns:
            frame[name] = value
    for cause in END_CAUSES:
        if f"ends_{cause}" not in frame.columns:
            frame[f"ends_{cause}"] = 0
    return frame


def _alliances(rows):
    frame = pd.DataFrame(rows)
    frame["run_id"] = frame["run_id"].astype("string")
    if "founded" not in frame.columns:
        frame["founded"] = True
    if "end_cause" not in frame.columns:
        frame["end_cause"] = np.where(frame["event_observed"], "transformation_failed", None)
    frame["end_cause"] = frame["end_cause"].astype("string")
    return frame


def _timeseries(run_ids, steps=3):
    rows = []
    for k, run_id in enumerate(run_ids):
        for step in range(steps):
            rows.append(
                {
                    "run_id": run_id,
                    "step": step,
                    "n_forming": step + k,
                    "n_founding": 1,
                    "n_evolving": 2 * k,
                    "n_transforming": 0,
                }
            )
    frame = pd.DataFrame(rows)
    frame["run_id"] = frame["run_id"].astype("string")
    return frame


@pytest.fixture
def make_results():
    """Build ``Results`` from lists of run rows and alliance rows (other tables minimal)."""

    def build(runs, alliances, timeseries=None):
        runs = _runs(runs)
        return Results(
            runs=runs,
            alliances=_alliances(alliances),
            events=pd.DataFrame(),
            timeseries=timeseries if timeseries is not None else _timeseries(runs["run_id"]),
        )

    return build


def _save_sweep(folder, specs, experiment):
    """Run the model for each (sample_id, replication, params) and save like a sweep."""
    for sample_id, replication, params in specs:
        results = run("default", seed=100 + 10 * sample_id + replication, **params)
        results.runs = results.runs.assign(
            experiment=experiment["name"], sample_id=sample_id, replication=replication
        )
        results.save(folder, tables=("runs", "alliances", "timeseries"))
    (folder / "experiment.json").write_text(json.dumps(experiment))
    return folder


SMALL = {"n_organisations": 50, "steps": 96}


@pytest.fixture(scope="session")
def grid_folder(tmp_path_factory):
    """A grid sweep: pressure 0.2 and 0.8, two replications each, small runs."""
    folder = tmp_path_factory.mktemp("grid")
    specs = [
        (i, rep, SMALL | {"pressure": p}) for i, p in enumerate((0.2, 0.8)) for rep in range(2)
    ]
    experiment = {
        "name": "pressure",
        "description": "Survival under low and high pressure",
        "sampler": "grid",
        "varied": ["pressure"],
    }
    return _save_sweep(folder, specs, experiment)


@pytest.fixture(scope="session")
def sobol_folder(tmp_path_factory):
    """A Sobol sweep over pressure and foresight (N=4, first order only), tiny runs."""
    from SALib.sample import sobol

    problem = {
        "names": ["pressure", "foresight"],
        "bounds": [[0.1, 0.9], [0.0, 1.0]],
        "num_vars": 2,
    }
    X = sobol.sample(problem, 4, calc_second_order=False, seed=7)
    folder = tmp_path_factory.mktemp("sobol")
    specs = [
        (
            i,
            0,
            {"n_organisations": 40, "steps": 60, "pressure": float(x[0]), "foresight": float(x[1])},
        )
        for i, x in enumerate(X)
    ]
    experiment = {
        "name": "sensitivity",
        "description": "Sobol over pressure and foresight",
        "sampler": "sobol",
        "varied": ["pressure", "foresight"],
        "problem": problem,
        "calc_second_order": False,
    }
    return _save_sweep(folder, specs, experiment)
