"""Running sweeps: the tables on disk, resume, failures, executors giving identical data."""

from __future__ import annotations

import json
import time
from concurrent.futures.process import BrokenProcessPool

import pandas as pd
import pyarrow.parquet as pq
import pytest

import simulation
from simulation.errors import OutputError
from simulation.params import PARAMETER_NAMES, Params
from simulation.results import METADATA_KEY
from simulation.sweep import SweepInterrupted, load_design, run_experiment
from simulation.sweep import executors as executors_module
from simulation.sweep.runner import FAIL_ENV, chunk_size
from simulation.sweep.worker import Chunk, Job, RunTask

TABLES = ("runs", "alliances", "events", "timeseries")


def test_a_finished_sweep_holds_one_part_per_table(tmp_path, write_experiment):
    out = tmp_path / "out"
    summary = run_experiment(write_experiment(), out)
    assert summary.ok and summary.completed == 6 and summary.skipped == 0
    ids = sorted(f"small-s000{s}-r0{r}" for s in range(2) for r in range(3))
    for table in TABLES:
        assert [p.name for p in (out / table).iterdir()] == ["part-0.parquet"]
    assert not (out / "memberships").exists()
    assert sorted(p.name for p in out.iterdir()) == [
        ".lock", "alliances", "events", "experiment.json", "experiment.toml", "runs",
        "timeseries",
    ]  # fmt: skip
    # provenance once, in experiment.json, not in the parts
    assert METADATA_KEY not in (pq.read_schema(out / "runs" / "part-0.parquet").metadata or {})

    results = simulation.load(out)
    runs = results.runs  # in run order, no sorting needed
    assert runs["run_id"].tolist() == ids
    assert set(PARAMETER_NAMES) <= set(runs.columns)
    assert runs.columns[:4].tolist() == ["run_id", "experiment", "sample_id", "replication"]
    assert (runs["experiment"] == "small").all()
    assert runs["sample_id"].tolist() == [0, 0, 0, 1, 1, 1]
    assert runs["replication"].tolist() == [0, 1, 2, 0, 1, 2]
    assert runs["pressure"].tolist() == [0.2] * 3 + [0.8] * 3
    assert (runs["n_organisations"] == 60).all() and (runs["steps"] == 36).all()
    assert runs["seed"].nunique() == 6
    # the other tables read with plain pandas, keyed by run_id
    alliances = pd.read_parquet(out / "alliances")
    assert len(alliances) == len(results.alliances) > 0
    assert set(alliances["run_id"]) <= set(ids)
    assert results.provenance["experiment"] == "small"
    record = json.loads((out / "experiment.json").read_text())
    assert results.provenance["git_commit"] == record["provenance"]["git_commit"]
    assert results.provenance["fingerprint"] == record["fingerprint"]


def test_other_readers_read_the_tables(tmp_path, write_experiment):
    import pyarrow.dataset as ds

    out = tmp_path / "out"
    run_experiment(write_experiment(), out, workers=2)
    loaded = simulation.load(out)
    for table in TABLES:
        frame = loaded.tables[table]
        dataset = ds.dataset(out / table, format="parquet").to_table()
        assert dataset.num_rows == len(frame) and dataset.column_names == list(frame.columns)
        pd.testing.assert_frame_equal(pd.read_parquet(out / table), frame, check_exact=True)
    try:
        import duckdb
    except ImportError:
        pass
    else:
        counts = duckdb.sql(
            f"SELECT count(*), count(DISTINCT run_id) FROM '{out}/alliances/*.parquet'"
        ).fetchall()[0]
        assert counts == (len(loaded.alliances), loaded.alliances["run_id"].nunique())
    try:
        import polars as pl
    except ImportError:
        pass
    else:
        runs = pl.read_parquet(out / "runs" / "*.parquet")
        assert runs["run_id"].to_list() == loaded.runs["run_id"].tolist()
        assert pl.scan_parquet(out / "events" / "*.parquet").select(pl.len()).collect().item() \
            == len(loaded.events)  # fmt: skip


def test_each_run_equals_a_single_run_with_its_seed(tmp_path, write_experiment, read_sorted):
    out = tmp_path / "out"
    design = load_design(write_experiment())
    run_experiment(design, out)
    planned = design.plan()[4]
    single = simulation.simulate(planned.params, run_id=planned.run_id, scenario="default")
    swept = read_sorted(out, "alliances")
    swept = swept[swept["run_id"] == planned.run_id].reset_index(drop=True)
    pd.testing.assert_frame_equal(swept, single.alliances, check_dtype=False)


def test_experiment_json_describes_the_sweep(tmp_path, write_experiment):
    text = """
        name = "sens"
        description = "a small sobol"
        steps = 12
        seed = 4
        [fixed]
        n_organisations = 20
        [vary]
        pressure = { low = 0.1, high = 0.9 }
        foresight = { low = 0.0, high = 1.0 }
        [sampler]
        method = "sobol"
        samples = 2
    """
    path = write_experiment(text)
    out = tmp_path / "out"
    run_experiment(path, out)
    record = json.loads((out / "experiment.json").read_text())
    design = load_design(path)
    assert record["name"] == "sens" and record["description"] == "a small sobol"
    assert record["fingerprint"] == design.fingerprint()
    assert record["sampler"] == {"method": "sobol", "samples": 2, "second_order": False}
    assert record["varied"] == ["pressure", "foresight"]
    assert record["problem"]["names"] == ["pressure", "foresight"]
    assert record["problem"]["bounds"] == [[0.1, 0.9], [0.0, 1.0]]
    assert record["n_samples"] == 8 and record["replications"] == 1 and record["n_runs"] == 8
    assert (out / "experiment.toml").read_text() == path.read_text()
    runs = simulation.load(out).runs.sort_values("sample_id")
    expected = [s["pressure"] for s in design.samples]
    assert runs["pressure"].tolist() == expected


def test_output_keeps_the_chosen_tables_and_thins_the_timeseries(tmp_path, write_experiment):
    text = """
        name = "thin"
        steps = 25
        [fixed]
        n_organisations = 40
        [output]
        tables = ["runs", "timeseries", "memberships"]
        timeseries_every = 6
    """
    out = tmp_path / "out"
    run_experiment(write_experiment(text), out)
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == [
        "memberships",
        "runs",
        "timeseries",
    ]
    series = pd.read_parquet(out / "timeseries")
    assert series["step"].tolist() == [0, 6, 12, 18, 24, 25]


# --- resume ---------------------------------------------------------------------------
def test_a_killed_sweep_keeps_every_finished_run_and_resumes_to_the_same_bytes(
    tmp_path, write_experiment, read_sorted, part_files, monkeypatch
):
    from simulation.sweep import parts
    from simulation.sweep.store import SweepStore

    path = write_experiment()
    reference = tmp_path / "reference"
    run_experiment(path, reference)
    expected = part_files(reference)

    # Kill the sweep "at" the fifth run: the first four are in chunk journals or parts, the
    # fifth's journal frame is cut short, and nothing was merged or cleaned up.
    out = tmp_path / "out"
    real_add = parts.ChunkWriter.add
    added = []

    def add_then_die(self, run_id, tables):
        added.append(run_id)
        if len(added) == 5:
            frame = parts.encode_run(run_id, tables)
            self._file.write(frame[: len(frame) // 2])
            self._file.flush()
            raise KeyboardInterrupt
        real_add(self, run_id, tables)

    def first_chunk_is_not_written(self):
        if not list(parts.groups(self.root)):
            self.close()  # killed before the chunk's parts were written
            return
        real_commit(self)

    real_commit = parts.ChunkWriter.commit
    monkeypatch.setattr(parts.ChunkWriter, "add", add_then_die)
    monkeypatch.setattr(parts.ChunkWriter, "commit", first_chunk_is_not_written)
    monkeypatch.setattr(SweepStore, "finish", lambda self: None)
    monkeypatch.setattr("simulation.sweep.runner.chunk_size", lambda *a: 3)
    monkeypatch.setattr("simulation.sweep.runner.make_executor", _serial_in_chunks)
    with pytest.raises(SweepInterrupted):
        run_experiment(path, out, workers=2)
    monkeypatch.undo()
    journals = sorted(p.name for p in (out / ".journal").iterdir())
    assert len(journals) == 2 and all(j.endswith(".wal") for j in journals)
    # a part written without its runs part (killed in between), and a stale temporary
    for table in ("alliances", "events"):
        (out / table).mkdir()
    (out / "alliances" / "c-0000dead.parquet").write_bytes(
        (reference / "alliances" / "part-0.parquet").read_bytes()
    )
    (out / "events" / ".part-0.parquet.tmp-99999").write_bytes(b"half")

    summary = run_experiment(path, out)
    assert summary.ok and summary.skipped == 4 and summary.completed == 2
    assert part_files(out) == expected  # the very bytes
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in reference.iterdir())
    for table in TABLES:
        pd.testing.assert_frame_equal(
            read_sorted(out, table), read_sorted(reference, table), check_exact=True
        )
    again = run_experiment(path, out)
    assert again.ok and again.completed == 0 and again.skipped == 6
    assert part_files(out) == expected


def _serial_in_chunks(kind, workers, scheduler):
    """The serial executor, fed with chunks of several runs (as a pool would be)."""
    from simulation.sweep.executors import SerialExecutor

    executor = SerialExecutor()
    executor.workers = workers
    return executor


def test_rerunning_redoes_runs_that_are_missing(tmp_path, write_experiment, part_files, drop_runs):
    path = write_experiment()
    out = tmp_path / "out"
    run_experiment(path, out)
    before = part_files(out)
    drop_runs(out, ["small-s0001-r02", "small-s0000-r01"])
    summary = run_experiment(path, out)
    assert summary.ok and summary.skipped == 4 and summary.completed == 2
    assert part_files(out) == before


def test_the_number_of_files_stays_bounded(tmp_path, write_experiment, monkeypatch):
    from simulation.sweep import parts
    from simulation.sweep.store import SweepStore

    monkeypatch.setattr(parts, "FANIN", 4)
    monkeypatch.setattr("simulation.sweep.runner.chunk_size", lambda *a: 2)
    counts = []
    real = SweepStore.compact

    def counting(self, final=False, eager=False):
        real(self, final, eager)
        counts.append(sum(1 for p in self.root.rglob("*") if p.is_file()))

    monkeypatch.setattr(SweepStore, "compact", counting)
    text = (
        'name = "many"\nsteps = 3\nreplications = 60\nseed = 5\n[fixed]\nn_organisations = 8\n'
        "[vary]\npressure = [0.2, 0.8]\n"
    )
    out = tmp_path / "out"
    summary = run_experiment(write_experiment(text), out, workers=2)
    assert summary.ok and summary.completed == 120
    # 60 chunks of 2 runs: without merging, 4 tables x 60 parts; merged 4 at a time, at
    # most 3 groups per level (3 levels here), plus the runs in flight and the record
    assert len(counts) == 61 and max(counts) <= 4 * (3 * 3 + 4) + 4  # 60 chunks, the end
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == [
        ".lock", "alliances/part-0.parquet", "events/part-0.parquet", "experiment.json",
        "experiment.toml", "runs/part-0.parquet", "timeseries/part-0.parquet",
    ]  # fmt: skip
    assert len(pd.read_parquet(out / "runs")) == 120


def test_ctrl_c_keeps_finished_runs_and_the_next_call_resumes(
    tmp_path, write_experiment, monkeypatch
):
    path = write_experiment()
    out = tmp_path / "out"
    real = executors_module.execute
    calls = []

    def interrupted_on_the_fourth_run(job, chunk, token):
        calls.append(chunk)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real(job, chunk, token)

    monkeypatch.setattr(executors_module, "execute", interrupted_on_the_fourth_run)
    with pytest.raises(SweepInterrupted) as stop:
        run_experiment(path, out)
    summary = stop.value.summary
    assert summary.interrupted and not summary.ok
    assert summary.completed == 3 and summary.remaining == 3
    assert len(pd.read_parquet(out / "runs")) == 3
    assert any("interrupted: 3 runs left" in line for line in summary.lines())

    monkeypatch.setattr(executors_module, "execute", real)
    resumed = run_experiment(path, out)
    assert resumed.ok and resumed.skipped == 3 and resumed.completed == 3


# --- failures -----------------------------------------------------------------------------
@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_run_is_recorded_and_retried(tmp_path, write_experiment, monkeypatch, workers):
    path = write_experiment()
    out = tmp_path / "out"
    monkeypatch.setenv(FAIL_ENV, "small-s0001-r01")
    summary = run_experiment(path, out, workers=workers)
    assert not summary.ok
    assert summary.failed == ["small-s0001-r01"] and summary.completed == 5
    assert "RuntimeError: injected failure" in summary.first_error
    record = json.loads((out / "failures" / "small-s0001-r01.json").read_text())
    design = load_design(path)
    planned = {r.run_id: r for r in design.plan()}["small-s0001-r01"]
    assert record["seed"] == planned.seed
    assert record["params"] == planned.params.to_dict()
    assert record["sample_id"] == 1 and record["replication"] == 1
    assert "Traceback" in record["traceback"] and "injected failure" in record["traceback"]
    assert "small-s0001-r01" not in set(pd.read_parquet(out / "runs")["run_id"])

    monkeypatch.delenv(FAIL_ENV)
    retry = run_experiment(path, out, workers=workers)
    assert retry.ok and retry.retried == 1 and retry.completed == 1 and retry.skipped == 5
    assert not list((out / "failures").glob("*.json"))
    assert len(pd.read_parquet(out / "runs")) == 6


def test_the_cli_exits_non_zero_when_a_run_fails(tmp_path, write_experiment, monkeypatch, capsys):
    from simulation.cli import main

    path = write_experiment()
    out = tmp_path / "out"
    monkeypatch.setenv(FAIL_ENV, "*-r02")
    code = main(["sweep", str(path), "--out", str(out), "--workers", "1"])
    captured = capsys.readouterr()
    assert code == 1
    assert "4 done now, 0 already done, 2 failed" in captured.out
    assert "small-s0000-r02, small-s0001-r02" in captured.out
    monkeypatch.delenv(FAIL_ENV)
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1"]) == 0
    assert "2 done now, 4 already done, 0 failed" in capsys.readouterr().out


# --- identical data whatever the executor --------------------------------------------------
def test_one_and_two_local_workers_give_identical_datasets(
    tmp_path, write_experiment, read_sorted, part_files
):
    path = write_experiment()
    one, two = tmp_path / "one", tmp_path / "two"
    assert run_experiment(path, one, workers=1).ok
    summary = run_experiment(path, two, workers=2)
    assert summary.ok and summary.workers == 2
    for table in TABLES:
        pd.testing.assert_frame_equal(
            read_sorted(one, table), read_sorted(two, table), check_exact=True
        )
    assert part_files(one) == part_files(two)  # the very bytes


@pytest.mark.dask
def test_dask_gives_the_same_dataset_as_the_local_pool(
    tmp_path, write_experiment, read_sorted, part_files
):
    path = write_experiment()
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert run_experiment(path, local, workers=2).ok
    summary = run_experiment(path, dask, workers=2, executor="dask")
    assert summary.ok and summary.executor == "dask" and summary.completed == 6
    for table in TABLES:
        pd.testing.assert_frame_equal(
            read_sorted(local, table), read_sorted(dask, table), check_exact=True
        )
    assert part_files(local) == part_files(dask)


def test_an_unreachable_dask_scheduler_is_a_one_line_error(tmp_path, write_experiment):
    from simulation.errors import ConfigError
    from simulation.sweep.executors import DaskExecutor

    with pytest.raises(
        ConfigError, match=r"cannot reach the Dask scheduler at 'tcp://127\.0\.0\.1:9'"
    ):
        DaskExecutor(1, "tcp://127.0.0.1:9", timeout="1s")


# --- folders ------------------------------------------------------------------------------
def test_a_folder_with_another_experiment_is_refused(tmp_path, write_experiment, capsys):
    from simulation.cli import main

    out = tmp_path / "out"
    run_experiment(write_experiment(), out)
    other = write_experiment(
        'name = "small"\nsteps = 36\nreplications = 3\nseed = 12\n[fixed]\nn_organisations = 60\n'
        "[vary]\npressure = [0.2, 0.8]\n",
        name="other.toml",
    )
    before = sorted(p.name for p in out.rglob("*"))
    assert main(["sweep", str(other), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"'{out}' holds another experiment ('small'" in err and "changed: seed" in err
    assert err.count("\n") == 1
    assert sorted(p.name for p in out.rglob("*")) == before
    with pytest.raises(OutputError, match="holds another experiment"):
        run_experiment(other, out)


def test_a_folder_that_is_not_a_sweep_is_refused(tmp_path, write_experiment):
    out = tmp_path / "out"
    simulation.run("default", seed=1, n_organisations=20, steps=6).save(out)
    with pytest.raises(OutputError, match="is not empty and holds no sweep"):
        run_experiment(write_experiment(), out)


def test_two_sweeps_cannot_write_to_one_folder_at_once(tmp_path, write_experiment):
    from simulation import provenance
    from simulation.sweep.store import SweepStore

    path = write_experiment()
    out = tmp_path / "out"
    with (
        SweepStore.open(out, load_design(path), provenance.record()),
        pytest.raises(OutputError, match="another sweep is writing to"),
    ):
        run_experiment(path, out)
    assert run_experiment(path, out).ok


def test_chunks_are_larger_for_tiny_runs(write_experiment):
    tiny = load_design(
        write_experiment(
            'name = "t"\nsteps = 12\nreplications = 400\n[fixed]\nn_organisations = 20\n'
        )
    )
    big = load_design(write_experiment('name = "b"\nreplications = 400\n'))
    assert chunk_size(tiny, 2, 400) > 4 * chunk_size(big, 2, 400)
    assert chunk_size(big, 2, 400) == 1
    assert chunk_size(tiny, 2, 8) == 1


def test_resuming_with_other_code_says_so(tmp_path, write_experiment, drop_runs):
    path = write_experiment()
    out = tmp_path / "out"
    run_experiment(path, out)
    record = json.loads((out / "experiment.json").read_text())
    record["provenance"]["git_commit"] = "0123abc"
    (out / "experiment.json").write_text(json.dumps(record))
    drop_runs(out, ["small-s0000-r00"])
    summary = run_experiment(path, out)
    assert summary.ok and summary.completed == 1
    assert any("started from commit 0123abc" in line for line in summary.lines())


def test_a_worker_that_dies_fails_only_its_runs_and_the_pool_goes_on(
    tmp_path, write_experiment, monkeypatch
):
    text = (
        'name = "crash"\nsteps = 12\nreplications = 10\nseed = 2\n[fixed]\nn_organisations = 30\n'
        "[vary]\npressure = [0.2, 0.8]\n"
    )
    path = write_experiment(text)
    out = tmp_path / "out"
    monkeypatch.setenv(FAIL_ENV, "crash:crash-s0000-r03")
    summary = run_experiment(path, out, workers=2)
    assert not summary.ok
    assert "crash-s0000-r03" in summary.failed
    assert "BrokenProcessPool" in summary.first_error
    # the runs in flight with it are lost, but the sweep goes on with a new pool
    assert summary.completed + len(summary.failed) == 20
    assert summary.completed >= 10
    lost = {p.stem for p in (out / "failures").glob("*.json")}
    assert lost == set(summary.failed)

    monkeypatch.delenv(FAIL_ENV)
    retry = run_experiment(path, out, workers=2)
    assert retry.ok and retry.completed == len(lost)
    assert len(pd.read_parquet(out / "runs")) == 20


@pytest.mark.dask
def test_on_a_dask_scheduler_the_tables_come_back_to_be_written(
    tmp_path, write_experiment, read_sorted
):
    import logging

    from distributed import LocalCluster

    path = write_experiment()
    local = tmp_path / "local"
    assert run_experiment(path, local).ok
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:  # fmt: skip
        summary = run_experiment(
            path, tmp_path / "remote", executor="dask", scheduler=cluster.scheduler_address
        )
    assert summary.ok and summary.workers == 2 and summary.completed == 6
    for table in TABLES:
        pd.testing.assert_frame_equal(
            read_sorted(local, table), read_sorted(tmp_path / "remote", table), check_exact=True
        )


def test_a_sweep_too_large_for_one_part_keeps_merged_parts(tmp_path, write_experiment, monkeypatch):
    from simulation.sweep import parts

    monkeypatch.setattr(parts, "FANIN", 4)
    monkeypatch.setattr(parts, "FINAL_BYTES", 0)  # as if the sweep held more than that
    monkeypatch.setattr("simulation.sweep.runner.chunk_size", lambda *a: 1)
    text = (
        'name = "big"\nsteps = 3\nreplications = 10\nseed = 6\n[fixed]\nn_organisations = 8\n'
        "[vary]\npressure = [0.2, 0.8]\n"
    )
    path = write_experiment(text)
    out, reference = tmp_path / "out", tmp_path / "reference"
    assert run_experiment(path, out).ok
    names = sorted(p.name for p in (out / "runs").iterdir())
    # 20 chunks: merged 4 at a time (5 groups of level 1), folded at the end into one
    # group of level 2 and one of level 1 (the fold reads at most FANIN groups)
    assert [n.split("-")[0] for n in names] == ["m1", "m2"]
    monkeypatch.undo()
    assert run_experiment(path, reference).ok
    loaded, expected = simulation.load(out), simulation.load(reference)
    for table in TABLES:  # in run order all the same
        pd.testing.assert_frame_equal(
            loaded.tables[table], expected.tables[table], check_exact=True
        )


def test_at_the_tail_the_finished_chunks_are_merged_while_a_worker_is_idle(
    tmp_path, write_experiment, monkeypatch
):
    from simulation.sweep.store import SweepStore

    monkeypatch.setattr("simulation.sweep.runner.chunk_size", lambda *a: 1)
    calls = []
    real = SweepStore.compact

    def recording(self, final=False, eager=False):
        real(self, final, eager)
        calls.append(eager)

    monkeypatch.setattr(SweepStore, "compact", recording)
    text = (
        'name = "tail"\nsteps = 3\nreplications = 4\nseed = 5\n[fixed]\nn_organisations = 8\n'
        "[vary]\npressure = [0.2, 0.8]\n"
    )
    one, two = tmp_path / "one", tmp_path / "two"
    assert run_experiment(write_experiment(text), one, workers=1).ok
    calls.clear()
    assert run_experiment(write_experiment(text), two, workers=2).ok
    # 8 chunks on 2 workers: eager once, when the 7th finished (the 8th still running);
    # then the final merge
    assert calls == [False] * 6 + [True, False, False]
    for table in ("runs", "alliances", "events", "timeseries"):
        assert (one / table / "part-0.parquet").read_bytes() == (
            two / table / "part-0.parquet"
        ).read_bytes()


def test_a_pool_that_broke_between_two_looks_is_replaced_before_the_next_chunk():
    """A worker can die after the sweep last looked at the finished chunks and before it
    sends the next: the broken pool then refuses the chunk. The executor starts a new pool
    and the chunk runs there, instead of the sweep stopping with BrokenProcessPool."""
    executor = executors_module.PoolExecutor(1)
    try:
        broken = executor.pool
        broken.submit(int).result()
        for process in list(broken._processes.values()):
            process.kill()
        deadline = time.monotonic() + 30
        while not broken._broken and time.monotonic() < deadline:
            time.sleep(0.05)
        with pytest.raises(BrokenProcessPool):  # what the sweep met before
            broken.submit(int)
        job = Job("broken", "default", ("runs",), 1, out=None, meta={})
        task = RunTask("broken-s0000-r00", 0, 0, Params(n_organisations=30, steps=6, seed=1))
        ((chunk, outcomes),) = list(executor.map(job, [Chunk("t0", [task])]))
        assert executor.pool is not broken
        assert chunk.token == "t0" and [o.ok for o in outcomes] == [True]
    finally:
        executor.close(cancel=True)
