"""Extending a sweep: more replications, more lhs blocks; only the new runs are computed."""

from __future__ import annotations

import json

import pytest

from simulation.errors import OutputError
from simulation.sweep import executors as executors_module
from simulation.sweep import load_design, run_experiment

GRID = """
name = "grow"
steps = 12
replications = {reps}
seed = 8
[fixed]
n_organisations = 30
[vary]
pressure = [0.2, 0.8]
"""

LHS = """
name = "cube"
steps = 12
replications = {reps}
seed = 9
[fixed]
n_organisations = 30
[vary]
pressure = {{ low = 0.1, high = 0.9 }}
foresight = {{ low = 0.0, high = 1.0 }}
[sampler]
method = "lhs"
samples = {samples}
"""


@pytest.fixture
def computed(monkeypatch):
    """The ids of the runs actually computed (by any chunk) during the test."""
    real = executors_module.execute
    ids: list[str] = []

    def counting(job, chunk, token):
        ids.extend(task.run_id for task in chunk)
        return real(job, chunk, token)

    monkeypatch.setattr(executors_module, "execute", counting)
    return ids


def test_more_replications_compute_only_the_new_runs_and_equal_a_fresh_sweep(
    tmp_path, write_experiment, part_files, computed
):
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    assert run_experiment(write_experiment(GRID.format(reps=2), "small.toml"), out).ok
    computed.clear()
    bigger = write_experiment(GRID.format(reps=4), "bigger.toml")
    summary = run_experiment(bigger, out)
    assert summary.ok and summary.skipped == 4 and summary.completed == 4
    assert sorted(computed) == [f"grow-s000{s}-r0{r}" for s in range(2) for r in (2, 3)]
    assert any("extended: 4 runs were there" in line for line in summary.lines())

    assert run_experiment(bigger, fresh).ok
    assert part_files(out) == part_files(fresh)  # the very bytes
    record = json.loads((out / "experiment.json").read_text())
    assert record["replications"] == 4 and record["n_runs"] == 8
    assert record["fingerprint"] == load_design(bigger).fingerprint()
    assert record["extended"][0]["from"]["replications"] == 2
    assert (out / "experiment.toml").read_text() == bigger.read_text()
    # the extended folder is the bigger experiment's now: running it again does nothing
    assert run_experiment(bigger, out).skipped == 8


def test_another_lhs_block_computes_only_its_samples_and_equals_a_fresh_sweep(
    tmp_path, write_experiment, part_files, computed
):
    first = write_experiment(LHS.format(reps=2, samples=4), "first.toml")
    grown = write_experiment(LHS.format(reps=2, samples="[4, 3]"), "grown.toml")
    # the first block is the same hypercube as the unextended design
    assert load_design(grown).samples[:4] == load_design(first).samples
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    assert run_experiment(first, out).ok
    computed.clear()
    summary = run_experiment(grown, out)
    assert summary.ok and summary.skipped == 8 and summary.completed == 6
    assert sorted(computed) == [f"cube-s000{s}-r0{r}" for s in (4, 5, 6) for r in (0, 1)]
    assert run_experiment(grown, fresh).ok
    assert part_files(out) == part_files(fresh)
    record = json.loads((out / "experiment.json").read_text())
    assert record["sampler"]["samples"] == [4, 3] and record["n_samples"] == 7


def test_more_lhs_samples_as_one_draw_are_refused_with_the_way_to_extend(
    tmp_path, write_experiment
):
    out = tmp_path / "out"
    run_experiment(write_experiment(LHS.format(reps=1, samples=4), "a.toml"), out)
    with pytest.raises(OutputError, match=r"samples = \[4, 50\]"):
        run_experiment(write_experiment(LHS.format(reps=1, samples=7), "b.toml"), out)


def test_a_sweep_cannot_be_shrunk_or_given_other_factors(tmp_path, write_experiment, capsys):
    from simulation.cli import main

    out = tmp_path / "out"
    run_experiment(write_experiment(GRID.format(reps=3), "three.toml"), out)
    before = sorted(str(p) for p in out.rglob("*"))
    fewer = write_experiment(GRID.format(reps=2), "two.toml")
    assert main(["sweep", str(fewer), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "can be extended, not shrunk" in err and err.count("\n") == 1
    other = write_experiment(GRID.format(reps=4).replace("0.8]", "0.9]"), "other.toml")
    with pytest.raises(OutputError, match="changed: replications, vary"):
        run_experiment(other, out)
    assert sorted(str(p) for p in out.rglob("*")) == before
