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
    frame["founded"] = frame["founded"].map(lambda v: True if pd.isna(v) else bool(v))
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


#: Columns that Model 2 added to the alliances table.
MODEL2_COLUMNS = (
    "founded_at",
    "end_outcome",
    "governance",
    "governance_at_founding",
    "founding_size",
    "founding_value_spread",
    "founding_complementarity",
    "founding_trust",
)


def older_alliances(alliances):
    """Model 2 alliance rows rewritten as tables were before it: ages from birth.

    ``duration`` runs from birth to the end or the horizon for every alliance,
    ``event_observed`` is a plain boolean, and the Model 2 columns are gone.
    """
    frame = alliances.copy()
    founded = frame["founded"].to_numpy(dtype=bool)
    ended = frame["ended"]
    horizon = int(np.nanmax(ended.to_numpy(dtype=float, na_value=np.nan))) + 1
    since_birth = np.where(founded, frame["duration"].fillna(0) + frame["founded_at"].fillna(0), 0)
    since_birth = since_birth - np.where(founded, frame["born"], 0)
    never = ended.fillna(horizon).to_numpy(dtype=np.int64) - frame["born"].to_numpy()
    frame["duration"] = np.where(founded, since_birth, never).astype(np.int64)
    frame["event_observed"] = ended.notna().to_numpy(dtype=bool)
    return frame.drop(columns=[c for c in MODEL2_COLUMNS if c in frame.columns])


@pytest.fixture(scope="session")
def model2_folder(grid_folder):
    """The grid sweep: the model writes Model 2 tables."""
    assert "founded_at" in pd.read_parquet(grid_folder / "alliances").columns
    return grid_folder


@pytest.fixture(scope="session")
def older_folder(grid_folder, tmp_path_factory):
    """The grid sweep with its alliances table as written before Model 2."""
    import shutil

    from simulation import load

    folder = tmp_path_factory.mktemp("older") / "sweep"
    results = load(grid_folder)
    results.alliances = older_alliances(results.alliances)
    results.save(folder, tables=("runs", "alliances", "timeseries"))
    shutil.copy(grid_folder / "experiment.json", folder / "experiment.json")
    return folder
