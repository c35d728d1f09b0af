"""Executors: where the chunks of runs are computed.

- :class:`SerialExecutor`: in this process, one run after the other (``--workers 1``).
- :class:`PoolExecutor`: one long-lived ``ProcessPoolExecutor`` per sweep, fed with chunks
  of runs. Its workers are forks of the sweep's process when that process runs no other
  thread (the ``alliances`` command, a script): they start in milliseconds with the model
  already imported, and they hold the folder's lock until they exit. Elsewhere (a notebook,
  whose kernel runs threads) they come from a forkserver that has imported the model once.
  The start method is chosen for this pool only, never globally.
- :class:`DaskExecutor`: a ``distributed.Client`` on a given scheduler, or on a
  ``LocalCluster`` of single-threaded worker processes when none is given (forked from a
  forkserver that imported Dask and the model: see :func:`local_cluster`). Imported only
  when used.

On a Slurm (or PBS, SGE, ...) cluster, start the workers with dask-jobqueue and give the
sweep the scheduler's address; the workers need this package installed, not a shared file
system (they send the tables back and the sweep writes them)::

    from dask_jobqueue import SLURMCluster
    cluster = SLURMCluster(cores=1, processes=1, memory="2GB", walltime="04:00:00")
    cluster.scale(jobs=64)
    print(cluster.scheduler_address)   # tcp://10.1.2.3:8786
    # then, in a shell that stays up (tmux, or a job of its own):
    # alliances sweep experiments/sensitivity.toml --out results/sens \
    #     --executor dask --scheduler tcp://10.1.2.3:8786

Each executor maps an iterator of chunks to ``(chunk, outcomes)`` pairs in completion
order, keeping only a few chunks in flight, so memory does not grow with the number of
runs. Every run depends only on its own parameters and seed, so the tables are the same bit
for bit whatever the executor and the number of workers.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
import traceback
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from simulation.errors import ConfigError
from simulation.sweep import forkserver
from simulation.sweep.worker import (
    Chunk,
    Job,
    Outcome,
    RunTask,
    execute,
    init_process,
    prepare_worker,
)

Finished = tuple[Chunk, list[Outcome]]

#: Chunks kept in flight per worker: one running, one queued so no worker waits.
IN_FLIGHT_PER_WORKER = 2
DIED = (
    "(a worker process died: out of memory, killed, or a script that starts a sweep "
    "without `if __name__ == '__main__':`)"
)
#: How often (s) a remote Dask cluster is asked how many worker threads it has.
RECHECK_SECONDS = 5.0
#: Housekeeping of a LocalCluster made rarer. Each of its servers (the scheduler and the
#: nannies in the sweep's process, every worker) checks its event loop every 20 ms, reads
#: the machine's CPU, memory and disk counters every 0.5 s and its memory every 0.1 s, and
#: the scheduler looks for work to steal: in a sweep of the default experiment on two
#: cores that took about 5% of a core in the sweep's process and 2% in each worker (whose
#: runs wait for the GIL meanwhile), CPU the pool leaves to the runs. These figures feed
#: only a dashboard (switched off), and with one task per worker there is nothing to steal.
QUIET_SETTINGS = {
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "10s",
    "distributed.admin.system-monitor.disk": False,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing": False,
    "distributed.scheduler.active-memory-manager.start": False,
}


def lost_chunk(chunk: Sequence[RunTask], exc: BaseException) -> list[Outcome]:
    """Failure outcomes for a chunk whose worker died or could not run it."""
    text = "".join(traceback.format_exception(exc))
    error = f"{type(exc).__name__}: {exc}"
    return [Outcome(task.run_id, False, 0.0, error=error, traceback=text) for task in chunk]


class SerialExecutor:
    """Runs the chunks in this process (no pool to start: the fastest for one worker)."""

    name = "local"
    writes_parts = True

    def __init__(self) -> None:
        self.workers = 1

    def map(self, job: Job, chunks: Iterable[Chunk]) -> Iterator[Finished]:
        """Yield each chunk with its outcomes, in order."""
        for chunk in chunks:
            yield chunk, execute(job, chunk.tasks, chunk.token)

    def close(self, cancel: bool = False) -> None:
        """Nothing to release."""


class PoolExecutor:
    """A long-lived process pool (forkserver), fed with chunks."""

    name = "local"
    writes_parts = True

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        context = pool_context()
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=init_process,
            initargs=(os.getpid(), self.workers),
        )
        if context.get_start_method() == "fork":
            # forked workers inherit the model from this process: import it once here rather
            # than once in each worker
            import simulation.runner  # noqa: F401

            # start every worker now, while this process has no other thread (a pool of
            # forks starts them all at the first submit)
            pool.submit(int).result()
        return pool

    def _stop(self, pool: ProcessPoolExecutor) -> None:
        """Stop a pool's processes (terminate, then wait for them)."""
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=5)

    def _submit(self, job: Job, chunk: Chunk) -> Future:
        """Send a chunk to the pool; a pool that broke since the last look is replaced first.

        A worker can die between two looks at the finished chunks: the pool then refuses
        new work before its chunks in flight come back as failed. Those still come back
        (and are recorded as failed); this chunk goes to a fresh pool.
        """
        try:
            return self.pool.submit(execute, job, chunk.tasks, chunk.token)
        except BrokenProcessPool:
            self._stop(self.pool)
            self.pool = self._new_pool()
            return self.pool.submit(execute, job, chunk.tasks, chunk.token)

    def map(self, job: Job, chunks: Iterable[Chunk]) -> Iterator[Finished]:
        """Yield each chunk with its outcomes as it finishes."""
        source = iter(chunks)
        pending: dict[Future, tuple[Chunk, ProcessPoolExecutor]] = {}
        window = IN_FLIGHT_PER_WORKER * self.workers
        while True:
            while len(pending) < window and (chunk := next(source, None)) is not None:
                pending[self._submit(job, chunk)] = (chunk, self.pool)
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                chunk, pool = pending.pop(future)
                try:
                    outcomes = future.result()
                except BrokenProcessPool as exc:
                    # A worker died (out of memory, killed): its chunk and the others in
                    # flight are recorded as failed and retried on the next start.
                    outcomes = lost_chunk(chunk.tasks, BrokenProcessPool(f"{exc} {DIED}"))
                    if pool is self.pool:
                        # no worker of the broken pool may still write when the sweep
                        # recovers their chunks
                        self._stop(self.pool)
                        self.pool = self._new_pool()
                except Exception as exc:
                    outcomes = lost_chunk(chunk.tasks, exc)
                yield chunk, outcomes

    def close(self, cancel: bool = False) -> None:
        """Shut the pool down; with ``cancel``, drop queued chunks and stop running ones."""
        if not cancel:
            self.pool.shutdown(wait=True)
            return
        self._stop(self.pool)


class DaskExecutor:
    """Chunks as Dask tasks: on a scheduler, or on a LocalCluster of worker processes.

    On a LocalCluster the workers share this file system and write the parts themselves;
    on a remote scheduler they return the tables and this process writes them, so the
    cluster needs no shared file system.
    """

    name = "dask"

    def __init__(self, workers: int, scheduler: str | None = None, timeout: str = "20s") -> None:
        from distributed import Client

        self.cluster: Any = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout=timeout)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ConfigError(
                    f"cannot reach the Dask scheduler at '{scheduler}': {exc}"
                ) from None
            self.writes_parts = False
        else:
            self.cluster = local_cluster(workers)
            self.client = Client(self.cluster)
            self.client.run(prepare_worker, workers)  # the workers share this machine
            self.writes_parts = True
        self.workers = self._threads() if scheduler else workers
        self._checked = time.monotonic()

    def _threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def _window(self) -> int:
        """Chunks to keep in flight; follows a remote cluster as it scales up or down."""
        if self.cluster is None and time.monotonic() - self._checked > RECHECK_SECONDS:
            self.workers, self._checked = self._threads(), time.monotonic()
        return IN_FLIGHT_PER_WORKER * self.workers

    def map(self, job: Job, chunks: Iterable[Chunk]) -> Iterator[Finished]:
        """Yield each chunk with its outcomes as it finishes."""
        from distributed import as_completed

        source = iter(chunks)
        pending: dict[Any, Chunk] = {}  # by Dask key
        running = as_completed()

        def fill() -> None:
            window = self._window()
            while len(pending) < window and (chunk := next(source, None)) is not None:
                future = self.client.submit(execute, job, chunk.tasks, chunk.token, pure=False)
                pending[future.key] = chunk
                running.add(future)

        fill()
        for future in running:
            chunk = pending.pop(future.key)
            try:
                outcomes = future.result()
            except Exception as exc:  # a worker died (KilledWorker) or the task was lost
                outcomes = lost_chunk(chunk.tasks, exc)
            future.release()
            yield chunk, outcomes
            fill()

    def close(self, cancel: bool = False) -> None:
        """Close the client and, if this executor started it, the LocalCluster."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def local_cluster(workers: int) -> Any:
    """A LocalCluster of ``workers`` single-threaded worker processes, quick to start and stop.

    Its workers are forked from this package's forkserver (see
    :mod:`simulation.sweep.forkserver`), which imports Dask and the model once: spawned
    workers would each import both (seconds) and take about a second each to exit. No
    dashboard, and no statistical profiler (it samples the running task every 10 ms for a
    dashboard nobody sees).

    Args:
        workers: worker processes, one thread each.

    Returns:
        The running ``distributed.LocalCluster``.
    """
    import dask
    from distributed import LocalCluster

    if "forkserver" in multiprocessing.get_all_start_methods():
        forkserver.start("distributed")
        method = "forkserver"
    else:  # pragma: no cover - Windows
        method = "spawn"
    settings = {
        "distributed.worker.multiprocessing-method": method,
        "distributed.worker.profile.enabled": False,
        # one task per worker at a time, the others queued on the scheduler: a task queued
        # on a busy worker could wait there while another worker idles at the tail
        "distributed.scheduler.worker-saturation": 1.0,
        **QUIET_SETTINGS,
    }
    with dask.config.set(settings):
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # its HTTP server (health checks) on a free local port, not 8787
            scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        )


def pool_context() -> multiprocessing.context.BaseContext:
    """Fork when this process runs no other thread (Linux), else a forkserver (or spawn)."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        # The forkserver imports the worker module once; each worker is a fork of it.
        return forkserver.context()
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


def make_executor(
    kind: str, workers: int, scheduler: str | None
) -> SerialExecutor | PoolExecutor | DaskExecutor:
    """The executor for ``kind`` (``local`` or ``dask``) and a number of workers."""
    if kind == "dask":
        return DaskExecutor(workers, scheduler)
    if workers == 1:
        return SerialExecutor()
    return PoolExecutor(workers)
