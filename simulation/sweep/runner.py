"""Run an experiment: plan, skip what is done, execute the rest, record failures.

``run_experiment`` is the Python face of ``alliances sweep``. It keeps each finished run
at once (see :mod:`simulation.sweep.store`), so stopping it at any moment loses at most
the runs in progress, and calling it again on the same folder resumes (or extends it).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from simulation import provenance
from simulation.errors import ConfigError
from simulation.sweep.design import Design, load_design
from simulation.sweep.executors import DaskExecutor, PoolExecutor, SerialExecutor, make_executor
from simulation.sweep.parts import new_token
from simulation.sweep.store import SweepStore
from simulation.sweep.worker import Chunk, Job, Outcome, RunTask

EXECUTORS: tuple[str, ...] = ("local", "dask")
#: Environment variable of the failure-injection test hook (comma-separated run id patterns).
FAIL_ENV = "ALLIANCES_SWEEP_FAIL"
#: Longest chunk of runs sent to a worker at once, and the work aimed at per chunk (s).
MAX_CHUNK = 16
CHUNK_SECONDS = 0.5


@dataclass
class SweepSummary:
    """What one invocation did. ``ok`` is False if a run failed or it was interrupted."""

    experiment: str
    out: Path
    planned: int
    skipped: int = 0
    completed: int = 0
    failed: list[str] = field(default_factory=list)
    retried: int = 0
    interrupted: bool = False
    seconds: float = 0.0
    executor: str = "local"
    workers: int = 1
    tables: tuple[str, ...] = ()
    first_error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every planned run is finished."""
        return not self.failed and not self.interrupted

    @property
    def remaining(self) -> int:
        """Planned runs that are not finished."""
        return self.planned - self.skipped - self.completed

    def lines(self) -> list[str]:
        """A short human-readable account."""
        head = (
            f"sweep '{self.experiment}': {self.planned} runs planned; "
            f"{self.completed} done now, {self.skipped} already done, "
            f"{len(self.failed)} failed ({self.seconds:.1f} s, {self.executor} executor, "
            f"{self.workers} worker{'s' if self.workers != 1 else ''})"
        )
        out = [head, *self.notes]
        if self.retried:
            out.append(f"retried {self.retried} runs that had failed before")
        if self.failed:
            out.append(
                f"failed: {', '.join(self.failed[:3])}"
                f"{' ...' if len(self.failed) > 3 else ''} ({self.first_error}); details "
                f"in {self.out / 'failures'}/; run the same command again to retry them"
            )
        if self.interrupted:
            out.append(
                f"interrupted: {self.remaining} runs left; run the same command again to resume"
            )
        out.append(
            f"tables ({', '.join(self.tables)}) in {self.out}/: "
            f"simulation.load('{self.out}') reads them"
        )
        return out


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped the sweep; finished runs are kept. ``summary`` says how far it got."""

    def __init__(self, summary: SweepSummary) -> None:
        super().__init__("sweep interrupted")
        self.summary = summary


def run_experiment(
    design: Design | str | os.PathLike,
    out: str | os.PathLike,
    workers: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    progress: bool = False,
) -> SweepSummary:
    """Run (or resume) an experiment into the folder ``out``.

    Args:
        design: an experiment file or a :class:`~simulation.sweep.design.Design`.
        out: output folder; created if missing; must be empty or hold this experiment.
        workers: worker processes (``local``) or LocalCluster workers (``dask``).
        executor: ``"local"`` (process pool) or ``"dask"``.
        scheduler: address of a Dask scheduler (``dask`` only); a LocalCluster if None.
        progress: show a progress bar: in a notebook, or on stderr when it is a terminal
            (quiet when piped).

    With ``workers > 1`` the worker processes are not forks of the caller, so a script that
    calls this must do it under ``if __name__ == "__main__":``, as with any such pool
    (notebooks and the ``alliances`` command need nothing).

    Returns:
        A :class:`SweepSummary`; ``summary.ok`` is False if some run failed.

    Raises:
        ConfigError: bad experiment file or options.
        OutputError: the folder cannot be used.
        SweepInterrupted: Ctrl-C (a ``KeyboardInterrupt``); finished runs are kept.
    """
    if not isinstance(design, Design):
        design = load_design(Path(design))
    _check_options(workers, executor, scheduler)
    start = time.perf_counter()
    prov = provenance.record() | {"fingerprint": design.fingerprint()}
    with SweepStore.open(out, design, prov) as store:
        done = store.done()
        if store.extended:
            summary_note = (
                f"extended: {len(done)} runs were there, the experiment now has {design.n_runs}"
            )
        else:
            summary_note = None
        for run_id in store.failed() & done:
            store.clear_failure(run_id)
        summary = SweepSummary(
            design.name,
            store.root,
            design.n_runs,
            tables=design.tables,
            executor=executor,
            workers=workers,
        )
        pending = [
            (s, r)
            for s in range(design.n_samples)
            for r in range(design.replications)
            if design.run_id(s, r) not in done
        ]
        summary.skipped = design.n_runs - len(pending)
        summary.retried = len(store.failed())
        if summary_note:
            summary.notes.append(summary_note)
        if pending and done and store.started_from != prov["git_commit"]:
            summary.notes.append(
                f"note: this folder was started from commit {store.started_from}; the runs "
                f"added now come from {prov['git_commit']} (see the git_commit column)"
            )
        if pending:
            try:
                _execute(design, store, pending, summary, executor, scheduler, prov, progress)
            except KeyboardInterrupt:
                summary.interrupted = True
        # Workers write parts before their chunk reports back, and a chunk lost with a dead
        # worker may hold runs that finished: what is on disk is the truth.
        store.finish()
        finished = store.done()
        for run_id in [r for r in summary.failed if r in finished]:
            store.clear_failure(run_id)
            summary.failed.remove(run_id)
        summary.completed = len(finished) - summary.skipped
        summary.seconds = time.perf_counter() - start
    if summary.interrupted:
        raise SweepInterrupted(summary)
    return summary


def _check_options(workers: int, executor: str, scheduler: str | None) -> None:
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ConfigError(f"workers must be a whole number of at least 1, got {workers!r}")
    if executor not in EXECUTORS:
        raise ConfigError(f"executor must be one of {', '.join(EXECUTORS)}, got {executor!r}")
    if scheduler and executor != "dask":
        raise ConfigError("a scheduler address needs the dask executor (--executor dask)")


def _execute(
    design: Design,
    store: SweepStore,
    pending: list[tuple[int, int]],
    summary: SweepSummary,
    kind: str,
    scheduler: str | None,
    prov: dict[str, Any],
    progress: bool,
) -> None:
    with long_lived_frozen():
        executor = make_executor(kind, summary.workers, scheduler)
        summary.workers = executor.workers
        _run_chunks(design, store, pending, summary, executor, prov, progress)


@contextlib.contextmanager
def long_lived_frozen() -> Iterator[None]:
    """Keep the garbage collector off the objects that outlive the sweep (modules, design).

    A full collection walks every tracked object: after the imports some 100,000 that never
    become garbage, about 0.1 s per collection, one or more per default-size run. Forked
    workers inherit the frozen set, so their collector does not touch (and copy) the pages
    they share with this process. A caller that froze objects itself is left alone.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _run_chunks(
    design: Design,
    store: SweepStore,
    pending: list[tuple[int, int]],
    summary: SweepSummary,
    executor: SerialExecutor | PoolExecutor | DaskExecutor,
    prov: dict[str, Any],
    progress: bool,
) -> None:
    job = Job(
        experiment=design.name,
        scenario=design.scenario,
        tables=design.tables,
        timeseries_every=design.timeseries_every,
        out=str(store.root.resolve()) if executor.writes_parts else None,
        meta={k: prov.get(k) for k in ("package_version", "git_commit")},
        fail=tuple(p.strip() for p in os.environ.get(FAIL_ENV, "").split(",") if p.strip()),
        parent=os.getpid(),
    )
    size = chunk_size(design, executor.workers, len(pending))
    unfinished = -(-len(pending) // size)  # chunks
    bar = progress_bar(progress, total=design.n_runs, initial=summary.skipped, desc=design.name)
    cancel = True
    try:
        for chunk, outcomes in executor.map(job, _chunks(design, pending, size)):
            unfinished -= 1
            if not all(o.ok for o in outcomes) and executor.writes_parts:
                # a worker that died wrote its finished runs to the chunk's journal
                kept = set(store.recover_chunk(chunk.token))
                outcomes = [
                    Outcome(o.run_id, True, o.seconds) if o.run_id in kept else o for o in outcomes
                ]
            if not executor.writes_parts:
                store.write_chunk(
                    chunk.token, [o.tables for o in outcomes if o.ok and o.tables is not None]
                )
            for task, outcome in zip(chunk.tasks, outcomes, strict=True):
                _record(store, job, task, outcome, summary)
            # At the tail, with a worker idle, merge what is finished: the final merge
            # (which nothing overlaps) then reads a few parts instead of one per chunk.
            store.compact(eager=0 < unfinished < executor.workers)
            bar.update(len(chunk.tasks))
            if summary.failed:
                bar.set_postfix(failed=len(summary.failed), refresh=False)
        cancel = False
    finally:
        bar.close()
        executor.close(cancel=cancel)


def in_notebook() -> bool:
    """True in a Jupyter kernel (where stderr is not a terminal but widgets show)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def progress_bar(progress: bool, **options: Any):
    """A tqdm bar: a widget in a notebook, else on stderr when it is a terminal."""
    if progress and in_notebook():
        try:
            from tqdm.notebook import tqdm as notebook_tqdm

            return notebook_tqdm(unit="run", **options)
        except ImportError:  # no ipywidgets: text on the notebook's stderr
            from tqdm import tqdm

            return tqdm(unit="run", file=sys.stderr, disable=False, **options)
    from tqdm import tqdm

    return tqdm(
        unit="run",
        disable=None if progress else True,
        file=sys.stderr,
        smoothing=0.05,
        dynamic_ncols=True,
        **options,
    )


def _record(
    store: SweepStore, job: Job, task: RunTask, outcome: Outcome, summary: SweepSummary
) -> None:
    if outcome.ok:
        store.clear_failure(task.run_id)
        summary.completed += 1
        return
    store.record_failure(
        task.run_id,
        {
            "run_id": task.run_id,
            "experiment": job.experiment,
            "sample_id": task.sample_id,
            "replication": task.replication,
            "seed": task.params.seed,
            "params": task.params.to_dict(),
            "error": outcome.error,
            "traceback": outcome.traceback,
            "seconds": outcome.seconds,
            "failed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        },
    )
    summary.failed.append(task.run_id)
    summary.first_error = summary.first_error or outcome.error


def _chunks(design: Design, pending: list[tuple[int, int]], size: int) -> Iterator[Chunk]:
    """Tasks built lazily, ``size`` at a time: only the runs in flight hold parameters."""
    tasks = (
        RunTask(
            design.run_id(s, r),
            s,
            r,
            design.base.replace(**design.samples[s], seed=design.run_seed(s, r)),
        )
        for s, r in pending
    )
    while chunk := list(itertools.islice(tasks, size)):
        yield Chunk(new_token(), chunk)


def chunk_size(design: Design, workers: int, pending: int) -> int:
    """Runs per chunk: about half a second of work, yet enough chunks to share out.

    The cost of a run is estimated from its size (organisations times months, averaged
    over the samples) plus a fixed cost per run for building and writing its tables.
    """
    costs = []
    for values in design.samples[:1000]:
        n = values.get("n_organisations", design.base.n_organisations)
        steps = values.get("steps", design.base.steps)
        costs.append(n * steps)
    seconds = 0.03 + (sum(costs) / len(costs)) / 55_000
    size = min(int(CHUNK_SECONDS / seconds), MAX_CHUNK, pending // (4 * workers))
    return max(1, size)
