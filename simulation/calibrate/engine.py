"""ABC-SMC with pyABC: the sampler on the sweep's executors, the folder, resuming.

The calibration folder::

    DIR/calibration.json     what the folder holds (fingerprint of the targets), written first
    DIR/targets.toml         the targets file as it was given
    DIR/history.db           pyABC's SQLite history: every finished generation
    DIR/posterior.parquet    one row per particle of every generation (written at the end)
    DIR/calibrated.toml      the posterior median as a config (written at the end)
    DIR/report/report.md     figures and tables (written at the end)
    DIR/.lock                held while a calibration writes to DIR

Each generation is run on its own: the ABC-SMC state is loaded from the history, NumPy's
global generator is seeded from the root seed and the generation, and one generation is
sampled. So a calibration stopped at any point and started again by the same command goes
on from the last finished generation, and ends with the posterior it would have had
without the stop. A folder holding another calibration (another fingerprint) is refused.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import sys
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from simulation import provenance
from simulation.calibrate.targets import Targets, load_targets
from simulation.calibrate.worker import ParticleModel, TargetDistance, evaluate
from simulation.errors import AllianceError, ConfigError, OutputError
from simulation.results import prepare_folder
from simulation.sweep.store import acquire, read_record, write_text

RECORD = "calibration.json"
SOURCE_COPY = "targets.toml"
HISTORY = "history.db"
FORMAT = 1
#: Evaluations kept in flight per worker.
IN_FLIGHT_PER_WORKER = 2


class CalibrationInterrupted(Exception):
    """Ctrl-C during a calibration; the finished generations are kept."""

    def __init__(self, generations: int) -> None:
        super().__init__(f"interrupted after {generations} finished generation(s)")
        self.generations = generations


# --- the folder ------------------------------------------------------------------------
@dataclass
class FolderState:
    """What a calibration folder holds (read without writing)."""

    exists: bool
    generations: int


def inspect_folder(out: str | os.PathLike, targets: Targets) -> FolderState:
    """Read what ``out`` holds; raise ``OutputError`` if it holds something else."""
    root = Path(out)
    if not root.exists():
        return FolderState(False, 0)
    if not root.is_dir():
        raise OutputError(f"output '{root}' exists and is not a folder")
    record = _check_record(root, targets)
    if record is None or not (root / HISTORY).exists():
        return FolderState(True, 0)
    return FolderState(True, finished_generations(root / HISTORY))


def finished_generations(db: Path) -> int:
    """Generations stored in a history database (0 when it holds none)."""
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
            row = con.execute("SELECT MAX(t) FROM populations").fetchone()
    except sqlite3.Error:
        return 0
    return 0 if row is None or row[0] is None else int(row[0]) + 1


def _check_record(root: Path, targets: Targets) -> dict[str, Any] | None:

    record = read_record(root, RECORD, "calibration")
    if record is None:
        return None
    fingerprint, name = record["fingerprint"], record.get("name", "?")
    if fingerprint != targets.fingerprint():
        normal = targets.normalised()
        changed = [k for k, v in normal.items() if k in record and record[k] != v]
        what = f"; changed: {', '.join(changed)}" if changed else ""
        raise OutputError(
            f"'{root}' holds another calibration ('{name}', fingerprint {fingerprint}) than "
            f"{targets.source} ('{targets.name}', fingerprint {targets.fingerprint()}){what}; "
            "use another --out folder, or delete this one to start over"
        )
    return record


class CalibrationStore:
    """A calibration folder opened for writing: locked, its record checked or written."""

    def __init__(self, root: Path, lock: TextIO | None) -> None:
        self.root = root
        self._lock = lock

    @classmethod
    def open(cls, out: str | os.PathLike, targets: Targets) -> CalibrationStore:
        """Create or reopen ``out`` for ``targets``.

        Raises:
            OutputError: not writable, in use, or holding another calibration.
        """
        if Path(out).is_dir():
            _check_record(Path(out), targets)  # refuse before writing anything, even a lock
        root = prepare_folder(out)
        lock = acquire(root, "calibration")
        try:
            if _check_record(root, targets) is None:
                record = {
                    "format": FORMAT,
                    "fingerprint": targets.fingerprint(),
                    **targets.normalised(),
                    "description": targets.description,
                    "source": targets.source,
                    "data_file": targets.data_file,
                    "sources": {s.name: s.source for s in targets.statistics},
                    "created": datetime.now(UTC).isoformat(timespec="seconds"),
                    "provenance": provenance.record(),
                }
                write_text(root / RECORD, json.dumps(record, indent=2, sort_keys=True, default=str))
                if targets.text is not None:
                    write_text(root / SOURCE_COPY, targets.text)
        except BaseException:
            if lock is not None:
                lock.close()
            raise
        return cls(root, lock)

    @property
    def db(self) -> str:
        """SQLAlchemy address of the history."""
        return f"sqlite:///{(self.root / HISTORY).resolve()}"

    def close(self) -> None:
        """Release the lock."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None


# --- executors -------------------------------------------------------------------------
class Runner:
    """Submits functions to this process, the sweep's local pool, or a Dask cluster."""

    def __init__(self, kind: str = "local", workers: int = 1, scheduler: str | None = None):
        self.kind = kind
        self.workers = workers
        self._executor: Any = None
        if kind == "dask":
            from simulation.sweep.executors import DaskExecutor

            self._executor = DaskExecutor(workers, scheduler)
            self.workers = self._executor.workers
        elif workers > 1:
            from simulation.sweep.executors import PoolExecutor

            self._executor = PoolExecutor(workers)

    @property
    def serial(self) -> bool:
        """True when everything runs in this process."""
        return self._executor is None

    def submit(self, fn: Callable, *args: Any) -> Any:
        """A future of ``fn(*args)``."""
        if self.kind == "dask":
            return self._executor.client.submit(fn, *args, pure=False)
        return self._executor.pool.submit(fn, *args)

    def wait_any(self, futures: list) -> set:
        """The finished futures among ``futures`` (blocks until at least one is)."""
        if self.kind == "dask":
            from distributed import wait

            return set(wait(futures, return_when="FIRST_COMPLETED").done)
        return set(wait_futures(futures, return_when=FIRST_COMPLETED).done)

    def map(self, fn: Callable, argument_lists: list[tuple], progress: Any = None) -> list:
        """``[fn(*args) for args in argument_lists]``, in order, on the workers."""
        if self.serial:
            out = []
            for args in argument_lists:
                out.append(fn(*args))
                if progress is not None:
                    progress.update(1)
            return out
        results: dict[int, Any] = {}
        pending: dict[Any, int] = {}
        source = iter(enumerate(argument_lists))
        window = IN_FLIGHT_PER_WORKER * self.workers
        while True:
            while len(pending) < window and (item := next(source, None)) is not None:
                pending[self.submit(fn, *item[1])] = item[0]
            if not pending:
                break
            for future in self.wait_any(list(pending)):
                results[pending.pop(future)] = future.result()
                if progress is not None:
                    progress.update(1)
        return [results[i] for i in range(len(argument_lists))]

    def close(self, cancel: bool = True) -> None:
        """Stop the workers.

        By default without waiting: nothing is needed from them once a calibration or its
        report is done, and evaluations started past the last accepted particle of a
        generation are not waited for.
        """
        if self._executor is not None:
            self._executor.close(cancel=cancel)
            self._executor = None


# --- the sampler -----------------------------------------------------------------------
def _pyabc():
    """pyABC, or a one-line error saying how to install it."""
    try:
        import pyabc
    except ImportError:
        raise AllianceError(
            "calibration needs pyABC: pip install 'alliance-lifecycle[calibrate]'"
        ) from None
    logging.getLogger("ABC").setLevel(logging.WARNING)
    return pyabc


def _sampler_class():
    Sampler = _pyabc().sampler.Sampler

    class SeededSampler(Sampler):
        """pyABC sampler whose evaluations are seeded by their index and kept in that order."""

        def __init__(self, runner: Runner, root: int, progress: ProgressFactory) -> None:
            super().__init__()
            self.runner = runner
            self.root = root
            self.progress = progress
            self.budget = math.inf  # evaluations left, set before each generation
            self.evaluated = 0  # evaluations run, wasted ones included
            self.label = ""

        def sample_until_n_accepted(
            self,
            n: int,
            simulate_one: Callable,
            t: int,
            *,
            max_eval: float = np.inf,
            all_accepted: bool = False,
            ana_vars: Any = None,
        ) -> Any:
            import cloudpickle

            limit = min(max_eval, self.budget)
            payload = cloudpickle.dumps(simulate_one)
            results: dict[int, Any] = {}
            accepted_before: list[int] = []  # indices of accepted ones in the finished prefix
            prefix = 0  # results[0 .. prefix) are all in
            next_index = 0
            pending: dict[Any, int] = {}
            label = "prior sample" if t < 0 else self.label
            bar = self.progress(n, label)
            try:
                while len(accepted_before) < n:
                    if self.runner.serial:
                        if next_index >= limit:
                            break
                        for index, particle in evaluate(payload, self.root, t, [next_index]):
                            results[index] = particle
                        next_index += 1
                        self.evaluated += 1
                    else:
                        window = IN_FLIGHT_PER_WORKER * self.runner.workers
                        while len(pending) < window and next_index < limit:
                            future = self.runner.submit(
                                evaluate, payload, self.root, t, [next_index]
                            )
                            pending[future] = next_index
                            next_index += 1
                        if not pending:
                            break
                        for future in self.runner.wait_any(list(pending)):
                            del pending[future]
                            self.evaluated += 1
                            for index, particle in future.result():
                                results[index] = particle
                    while prefix in results:
                        if results[prefix].accepted:
                            accepted_before.append(prefix)
                            bar.update(1)
                        prefix += 1
                    bar.set_postfix_str(f"{prefix} evaluated", refresh=False)
            finally:
                for future in pending:
                    future.cancel()
                bar.close()
            sample = self._create_empty_sample()
            last = accepted_before[n - 1] if len(accepted_before) >= n else prefix - 1
            for index in range(last + 1):
                sample.append(results[index])
            self.nr_evaluations_ = last + 1
            self.budget -= self.nr_evaluations_  # the prior sample counts too
            if sample.n_accepted < n:
                sample.ok = False
            return sample

    return SeededSampler


class ProgressFactory:
    """Progress bars per generation: tqdm on a terminal, its widget in Jupyter, else none."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, total: int, label: str):
        """A bar counting accepted particles of a generation, with its ETA."""
        if not self.enabled:
            return _NoBar()
        from tqdm import tqdm

        if _in_notebook():
            try:
                import ipywidgets  # noqa: F401 - the notebook bar needs it
            except ImportError:  # a text bar, which Jupyter shows too
                return tqdm(total=total, desc=label, unit="particle", file=sys.stderr)
            from tqdm.notebook import tqdm as notebook_tqdm

            return notebook_tqdm(total=total, desc=label, unit="particle", leave=True)
        # on a terminal only (disable=None): nothing in logs and pipes
        return tqdm(
            total=total, desc=label, unit="particle", disable=None, file=sys.stderr, leave=True
        )


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, text: str, refresh: bool = True) -> None:
        pass

    def close(self) -> None:
        pass


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and type(ip).__name__ == "ZMQInteractiveShell"


# --- the calibration -------------------------------------------------------------------
@dataclass
class Posterior:
    """The outcome of a calibration.

    Attributes:
        targets: the validated targets.
        particles: every particle of every generation (parameters, ``weight``,
            ``distance``, ``generation``), as in ``posterior.parquet``.
        epsilons: the acceptance threshold, evaluations and acceptance rate per generation.
        out: the calibration folder.
    """

    targets: Targets
    particles: pd.DataFrame
    epsilons: pd.DataFrame
    out: Path

    @property
    def generations(self) -> int:
        """Finished generations."""
        return int(self.particles["generation"].max()) + 1 if len(self.particles) else 0

    @property
    def samples(self) -> pd.DataFrame:
        """The particles of the last generation: the posterior sample."""
        return self.particles[self.particles["generation"] == self.generations - 1].reset_index(
            drop=True
        )

    def quantile(self, q: float) -> dict[str, float]:
        """Weighted posterior quantile of each free parameter."""
        s = self.samples
        return {n: weighted_quantile(s[n], s["weight"], q) for n in self.targets.free}

    def median(self) -> dict[str, float]:
        """Weighted posterior median of each free parameter (integers rounded)."""
        out = self.quantile(0.5)
        return {
            p.name: (round(out[p.name]) if p.integer else out[p.name]) for p in self.targets.priors
        }

    def interval(self, level: float = 0.9) -> dict[str, tuple[float, float]]:
        """Central weighted credible interval of each free parameter."""
        low, high = self.quantile((1 - level) / 2), self.quantile((1 + level) / 2)
        return {n: (low[n], high[n]) for n in self.targets.free}

    def summary(self) -> pd.DataFrame:
        """One row per free parameter: prior range, posterior median and 90% interval."""
        med, ci = self.quantile(0.5), self.interval(0.9)
        rows = [
            {
                "parameter": p.name,
                "prior": f"{p.distribution} [{p.low:g}, {p.high:g}]",
                "median": med[p.name],
                "q05": ci[p.name][0],
                "q95": ci[p.name][1],
            }
            for p in self.targets.priors
        ]
        return pd.DataFrame(rows)


def weighted_quantile(values, weights, q: float) -> float:
    """Quantile ``q`` of ``values`` with importance ``weights`` (inverse of the weighted CDF)."""
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    if v.size == 0:
        return float("nan")
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cdf = np.cumsum(w) / w.sum()
    return float(v[min(np.searchsorted(cdf, q, side="left"), v.size - 1)])


def run_calibration(
    targets: Targets | str | os.PathLike,
    out: str | os.PathLike,
    *,
    workers: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
    population: int | None = None,
    generations: int | None = None,
    max_runs: int | None = None,
    seed: int | None = None,
    progress: bool = False,
    report: bool = True,
) -> Posterior:
    """Calibrate the model to a targets file with ABC-SMC; resume what ``out`` holds.

    Args:
        targets: a targets file or a validated :class:`Targets`.
        out: the calibration folder (new, empty, or holding this calibration).
        workers: worker processes (1: everything in this process).
        executor: ``local`` (process pool) or ``dask``.
        scheduler: Dask scheduler address (default: a LocalCluster of ``workers``).
        population: particles per generation (default: the file's ``[abc]``, else 100).
        generations: generations to reach in total (default: the file's, else 5).
        max_runs: stop when this many model runs have been made (all generations).
        seed: root seed (default: the file's ``seed``).
        progress: show a progress bar per generation (terminal or Jupyter).
        report: write ``posterior.parquet``, ``calibrated.toml`` and the report at the end.

    Returns:
        The :class:`Posterior` (all generations; ``.samples`` is the last one).

    Raises:
        ConfigError: a bad targets file or data file.
        OutputError: ``out`` cannot be used.
        CalibrationInterrupted: on Ctrl-C (finished generations are kept).
    """
    if not isinstance(targets, Targets):
        targets = load_targets(Path(targets))
    targets = targets.with_options(
        population=population, generations=generations, max_runs=max_runs, seed=seed
    )
    _check_options(targets, workers, executor)
    _pyabc()  # a missing pyABC is said before anything is written
    store = CalibrationStore.open(out, targets)
    runner: Runner | None = None
    try:
        runner = Runner(executor, workers, scheduler)
        bars = ProgressFactory(progress)
        _run_generations(targets, store, runner, bars)
        posterior = read_posterior(targets, store.root)
        if report and posterior.generations:
            from simulation.calibrate.outputs import outputs_current, write_outputs

            if not outputs_current(posterior):
                write_outputs(posterior, runner, bars)
        return posterior
    except KeyboardInterrupt:
        if runner is not None:
            runner.close(cancel=True)
            runner = None
        raise CalibrationInterrupted(finished_generations(store.root / HISTORY)) from None
    finally:
        if runner is not None:
            runner.close()
        store.close()


def _check_options(targets: Targets, workers: int, executor: str) -> None:
    if executor not in ("local", "dask"):
        raise ConfigError(f"executor must be 'local' or 'dask', got {executor!r}")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ConfigError(f"workers must be a whole number of at least 1, got {workers!r}")
    if targets.population < 2:
        raise ConfigError(f"population must be at least 2, got {targets.population}")
    if targets.generations < 1:
        raise ConfigError(f"generations must be at least 1, got {targets.generations}")
    if targets.max_runs is not None and targets.max_runs < 1:
        raise ConfigError(f"max-runs must be at least 1, got {targets.max_runs}")


def _abcsmc(targets: Targets, sampler: Any):
    pyabc = _pyabc()
    priors = pyabc.Distribution(
        **{p.name: pyabc.RV(p.rv_args()[0], *p.rv_args()[1]) for p in targets.priors}
    )
    return pyabc.ABCSMC(
        ParticleModel(targets),
        priors,
        TargetDistance(targets),
        population_size=targets.population,
        sampler=sampler,
        eps=pyabc.MedianEpsilon(),
    )


def _run_generations(targets: Targets, store: CalibrationStore, runner: Runner, bars) -> None:
    sampler = _sampler_class()(runner, targets.seed, bars)
    db_file = store.root / HISTORY
    budget = math.inf
    if targets.max_runs is not None:
        budget = math.ceil(targets.max_runs / targets.replications)
    while True:
        done = finished_generations(db_file)
        if done >= targets.generations:
            return
        abc = _abcsmc(targets, sampler)
        if db_file.exists() and _has_run(db_file):
            history = abc.load(store.db, 1)
        else:
            history = abc.new(store.db, targets.observed, meta_info={"name": targets.name})
        used = int(history.total_nr_simulations or 0)
        if used >= budget:
            return
        sampler.budget = budget - used
        sampler.label = f"generation {done + 1}/{targets.generations}"
        state = np.random.SeedSequence(targets.seed, spawn_key=(0, done)).generate_state(4)
        np.random.seed(state)  # noqa: NPY002 - pyABC draws from the global generator
        abc.run(max_nr_populations=1)
        if finished_generations(db_file) == done:  # budget reached inside the generation
            return


def _has_run(db_file: Path) -> bool:
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)) as con:
            row = con.execute("SELECT COUNT(*) FROM abc_smc").fetchone()
    except sqlite3.Error:
        return False
    return bool(row and row[0])


def read_posterior(targets: Targets, root: str | os.PathLike) -> Posterior:
    """Every particle of a calibration folder's history, and the threshold per generation."""
    root = Path(root)
    columns = ["generation", "particle", *targets.free, "weight", "distance"]
    stats = [f"stat_{s.name}" for s in targets.statistics]
    db_file = root / HISTORY
    if finished_generations(db_file) == 0:
        empty = pd.DataFrame(columns=[*columns, *stats])
        return Posterior(targets, empty, _empty_epsilons(), root)
    history = _pyabc().storage.History(f"sqlite:///{db_file.resolve()}", _id=1)
    rows = []
    for t in range(history.max_t + 1):
        population = history.get_population(t)
        for number, particle in enumerate(population.particles):
            row: dict[str, float] = {"generation": t, "particle": number}
            row |= {n: float(particle.parameter[n]) for n in targets.free}
            row |= {"weight": float(particle.weight), "distance": float(particle.distance)}
            row |= {f"stat_{k}": float(v) for k, v in particle.sum_stat.items()}
            rows.append(row)
    particles = pd.DataFrame(rows)
    for column in stats:
        if column not in particles.columns:
            particles[column] = np.nan
    particles = particles[[*columns, *stats]].astype({"generation": "int64", "particle": "int64"})
    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0]
    epsilons = pd.DataFrame(
        {
            "generation": pops["t"].astype("int64").to_numpy(),
            "epsilon": pops["epsilon"].astype(float).to_numpy(),
            "evaluations": pops["samples"].astype("int64").to_numpy(),
            "particles": pops["particles"].astype("int64").to_numpy(),
        }
    )
    epsilons["acceptance_rate"] = epsilons["particles"] / epsilons["evaluations"]
    return Posterior(targets, particles, epsilons.reset_index(drop=True), root)


def _empty_epsilons() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["generation", "epsilon", "evaluations", "particles", "acceptance_rate"]
    )
