"""Fixtures for the sweep tests: small experiment files and helpers to read sweep folders."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

SMALL = """
name = "small"
description = "two pressures, small runs"
steps = 36
replications = 3
seed = 11

[fixed]
n_organisations = 60

[vary]
pressure = [0.2, 0.8]
"""

#: Sort keys of each table, so two datasets compare row for row whatever the order of parts.
SORT_KEYS = {
    "runs": ["run_id"],
    "alliances": ["run_id", "alliance_id"],
    "events": ["run_id", "step", "alliance_id", "to_phase"],
    "timeseries": ["run_id", "step"],
    "memberships": ["run_id", "alliance_id", "org_id", "joined"],
}


@pytest.fixture
def write_experiment(tmp_path: Path):
    """Write TOML text (dedented) to a file and return its path."""

    def write(text: str = SMALL, name: str = "exp.toml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        return path

    return write


def _read_sorted(folder: Path, table: str) -> pd.DataFrame:
    """One table of a folder, rows sorted by its keys, with a fresh index."""
    frame = pd.read_parquet(folder / table)
    keys = [k for k in SORT_KEYS[table] if k in frame.columns]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def _part_files(folder: Path) -> dict[str, bytes]:
    """Every visible Parquet part below ``folder`` by relative path, with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.glob("*/*.parquet"))
        if not p.name.startswith(".")
    }


def _drop_runs(folder: Path, run_ids) -> None:
    """Take runs out of every part of a sweep folder, as if they had never finished."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    drop = pa.array(sorted(run_ids), type=pa.string())
    for part in folder.glob("*/*.parquet"):
        table = pq.read_table(part)
        keep = pc.invert(pc.is_in(table["run_id"].cast(pa.string()), value_set=drop))
        pq.write_table(table.filter(keep), part)


def _finished(folder: Path) -> list[str]:
    """Run ids in the ``runs`` parts (what a sweep counts as done)."""
    from simulation.sweep.parts import run_ids

    return sorted(run_ids(folder)) if (folder / "runs").is_dir() else []


@pytest.fixture
def drop_runs():
    """``drop_runs(folder, run_ids)``: remove those runs from every table of a folder."""
    return _drop_runs


@pytest.fixture
def finished():
    """``finished(folder)``: the sorted ids of the runs a folder holds."""
    return _finished


@pytest.fixture
def read_sorted():
    """``read_sorted(folder, table)``: a table with its rows in key order."""
    return _read_sorted


@pytest.fixture
def part_files():
    """``part_files(folder)``: every Parquet part's bytes by relative path."""
    return _part_files
