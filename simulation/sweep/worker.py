"""What a worker does: run the model for a chunk of planned runs and shape their tables.

This module is what executors send to their workers (a process pool or Dask), so it holds
only picklable data classes and module-level functions. A run that raises becomes an
``Outcome`` with its traceback; the worker goes on with the next run.

Test hook: runs whose id matches one of ``Job.fail`` (``fnmatch`` patterns, filled by the
runner from the environment variable ``ALLIANCES_SWEEP_FAIL``) raise ``RuntimeError``, so
failure isolation can be tested through every executor. A pattern written ``crash:PATTERN``
makes a worker process die instead (``os._exit``), as if killed for lack of memory; in the
sweep's own process it raises like the others.
"""

from __future__ import annotations

import fnmatch
import gc
import os
import signal
import threading
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa

from simulation.params import Params
from simulation.sweep.parts import ChunkWriter, to_arrow


@dataclass(frozen=True)
class Job:
    """What all runs of one sweep share."""

    experiment: str
    scenario: str
    tables: tuple[str, ...]
    timeseries_every: int
    out: str | None
    meta: Mapping[str, Any]
    fail: tuple[str, ...] = ()
    parent: int = 0


@dataclass(frozen=True)
class RunTask:
    """One run to do: its place in the design and its parameters (seed included)."""

    run_id: str
    sample_id: int
    replication: int
    params: Params


@dataclass(frozen=True)
class Chunk:
    """Runs sent to a worker together; ``token`` names their journal and parts."""

    token: str
    tasks: list[RunTask]


@dataclass
class Outcome:
    """How a run went. ``tables`` is set only when the worker does not write them itself."""

    run_id: str
    ok: bool
    seconds: float
    error: str | None = None
    traceback: str | None = None
    tables: dict[str, pa.Table] | None = field(default=None, repr=False)


def execute(job: Job, tasks: Sequence[RunTask], token: str = "") -> list[Outcome]:
    """Run a chunk of tasks one after the other; never raises for a failing run.

    When ``job.out`` is set, each finished run goes to the chunk's journal at once and the
    chunk's parts (the group ``c-<token>``) are written at the end; otherwise the outcomes
    carry the tables back.
    """
    if job.out is None:
        return [execute_one(job, task) for task in tasks]
    writer = ChunkWriter(job.out, token)
    try:
        outcomes = [execute_one(job, task, writer) for task in tasks]
        writer.commit()
    finally:
        writer.close()
    return outcomes


def execute_one(job: Job, task: RunTask, writer: ChunkWriter | None = None) -> Outcome:
    """Run one task; hand its tables to ``writer`` if given, else return them."""
    # imported here so a sweep's own process (which only plans, schedules and writes) does
    # not load the model; workers have it from the forkserver's preload or the first task
    from simulation.runner import simulate

    start = time.perf_counter()
    try:
        _inject_failure(job, task)
        results = simulate(task.params, run_id=task.run_id, scenario=job.scenario)
        shaped = shape_tables(job, task, results.tables)
        arrow = {n: to_arrow(f) for n, f in shaped.items()}
        tables: dict[str, pa.Table] | None = arrow
        if writer is not None:
            writer.add(task.run_id, arrow)
            tables = None
    except Exception as exc:
        return Outcome(
            task.run_id,
            False,
            time.perf_counter() - start,
            error=f"{type(exc).__name__}: {exc}",
            traceback=traceback.format_exc(),
        )
    return Outcome(task.run_id, True, time.perf_counter() - start, tables=tables)


def _inject_failure(job: Job, task: RunTask) -> None:
    """The test hook (see the module docstring)."""
    for pattern in job.fail:
        crash = pattern.startswith("crash:")
        if fnmatch.fnmatchcase(task.run_id, pattern.removeprefix("crash:")):
            if crash and os.getpid() != job.parent:
                os._exit(70)
            raise RuntimeError(f"injected failure for {task.run_id} (ALLIANCES_SWEEP_FAIL)")


def shape_tables(job: Job, task: RunTask, tables: Mapping[str, pd.DataFrame]) -> dict:
    """Keep the chosen tables, thin the time series, and label the ``runs`` row."""
    out = {name: tables[name] for name in job.tables}
    runs = out["runs"].copy()
    runs.insert(1, "experiment", pd.array([job.experiment], dtype="string"))
    runs.insert(2, "sample_id", pd.array([task.sample_id], dtype="int64"))
    runs.insert(3, "replication", pd.array([task.replication], dtype="int64"))
    # The sweep records the code it was started from, whatever process ran the run.
    for column in ("package_version", "git_commit"):
        runs[column] = pd.array([job.meta.get(column)], dtype="string")
    out["runs"] = runs
    every = job.timeseries_every
    if "timeseries" in out and every > 1:
        series = out["timeseries"]
        steps = series["step"]
        keep = (steps % every == 0) | (steps == steps.max())
        out["timeseries"] = series.loc[keep].reset_index(drop=True)
    return out


# --- worker processes -----------------------------------------------------------------
def init_process(parent: int, workers: int = 1) -> None:
    """Initialise a pool worker: leave Ctrl-C to the sweep; exit when the sweep is gone.

    Args:
        parent: process id of the sweep (not the forkserver the worker was forked from).
        workers: workers of the pool, which share the CPUs: each worker's BLAS (numpy's
            matrix products) gets its share of threads, so the workers do not
            oversubscribe the CPUs (OpenBLAS threads spin while they wait).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()  # the modules stay: the collector need not walk them (see the runner)
    limit_threads(workers)
    identity = _process_identity(parent)
    threading.Thread(
        target=_exit_when_orphaned, args=(parent, identity), daemon=True, name="sweep-watch"
    ).start()


def prepare_worker(workers: int) -> None:
    """Set up a Dask worker of a LocalCluster: BLAS threads for ``workers``, modules frozen."""
    gc.freeze()
    limit_threads(workers)


def limit_threads(workers: int) -> None:
    """Give this process's BLAS thread pools its share of the CPUs (for ``workers``)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency; without it nothing is limited
        return
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cpus = os.cpu_count() or 1
    threadpool_limits(max(1, cpus // max(1, workers)))


def _process_identity(pid: int) -> str | None:
    """Start time of a process (Linux), so a reused process id is not taken for it."""
    fields = _stat_fields(pid)
    return fields[19] if fields else None


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of ``/proc/<pid>/stat`` after the command name (state first), if readable."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return None
    return stat[stat.rindex(b")") + 2 :].decode().split()


def _alive(pid: int, identity: str | None) -> bool:
    """Whether the process is still running (a killed, unreaped zombie is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    if identity is None:
        return True
    fields = _stat_fields(pid)
    return fields is not None and fields[19] == identity and fields[0] not in ("Z", "X")


def _exit_when_orphaned(parent: int, identity: str | None, interval: float = 0.5) -> None:
    """After a SIGKILL of the sweep, stop instead of computing runs nobody collects."""
    while True:
        time.sleep(interval)
        if not _alive(parent, identity):
            os._exit(1)
