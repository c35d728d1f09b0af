"""The sweep folder: a few Parquet parts per table, resumable, extensible, one record.

Layout (``pandas.read_parquet(DIR / "alliances")``, ``simulation.load(DIR)``, pyarrow
datasets, DuckDB and polars read the table folders as they are)::

    DIR/experiment.json            what the folder holds and where it came from (below)
    DIR/experiment.toml            the experiment file as it was given (last extension)
    DIR/<table>/part-0.parquet     a finished sweep: one part per table, rows in run order
    DIR/<table>/c-*.parquet, m*-*  while it runs: parts of chunks and of merged chunks
    DIR/failures/<run_id>.json     a failed run: parameters, seed, error, traceback
    DIR/.journal/                  runs of chunks in progress (hidden; see parts.py)
    DIR/.lock                      held (flock) while a sweep writes to DIR

Each finished run is in the chunk's journal at once, so a killed sweep loses no finished
run; the next start turns journals into parts. The number of files does not grow with the
number of runs: chunks are merged as the sweep goes and into one part per table when it
ends (see :mod:`simulation.sweep.parts`). Provenance is stored once, in
``experiment.json``; the ``runs`` table has the package version and git commit of each run.
A reader of a sweep that is still running sees the finished chunks; for a moment while two
parts are merged it may see their rows twice. Read a finished sweep for exact tables.

``experiment.json`` holds: ``format``, ``name``, ``description``, ``scenario``,
``fingerprint`` (hash of the normalised experiment; a folder with another fingerprint is
refused unless the experiment extends it), ``sampler`` (method and its settings),
``varied`` (parameter names), ``problem`` (SALib problem for lhs, sobol and morris:
``num_vars``, ``names``, ``bounds``, ``distributions``; else null), ``n_samples``,
``replications``, ``n_runs``, ``steps``, ``seed``, ``fixed``, ``vary``, ``tables``,
``timeseries_every``, ``source``, ``created``, ``provenance`` and, once extended,
``extended`` (when, from what size, from which commit). ``sample_id`` in the ``runs``
table follows the sampler's order, so for sobol and morris the mean output per
``sample_id`` lines up with SALib's analysis.

Extending: the same experiment with more ``replications``, or for ``lhs`` more blocks of
samples (``samples = [100, 50]`` after ``samples = 100``), may be run into a finished (or
unfinished) folder; only the new runs are computed, and the tables equal those of a fresh
sweep of the larger experiment.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from simulation.errors import OutputError
from simulation.results import prepare_folder, stage_file
from simulation.sweep import parts

if TYPE_CHECKING:
    from simulation.sweep.design import Design

FORMAT = 2
RECORD = "experiment.json"
SOURCE_COPY = "experiment.toml"
FAILURES = "failures"
LOCK = ".lock"


def experiment_record(design: Design, provenance: Mapping[str, Any]) -> dict[str, Any]:
    """The content of ``experiment.json`` for ``design``."""
    normal = design.normalised()
    return {
        "format": FORMAT,
        "name": design.name,
        "description": design.description,
        "scenario": design.scenario,
        "fingerprint": design.fingerprint(),
        "sampler": design.sampler_settings(),
        "varied": list(design.varied),
        "problem": design.problem(),
        "n_samples": design.n_samples,
        "replications": design.replications,
        "n_runs": design.n_runs,
        "steps": design.steps,
        "seed": design.seed,
        "fixed": normal["fixed"],
        "vary": normal["vary"],
        "tables": list(design.tables),
        "timeseries_every": design.timeseries_every,
        "source": design.source,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "provenance": dict(provenance),
    }


@dataclass(frozen=True)
class FolderState:
    """What an output folder holds for a design (read without writing anything)."""

    exists: bool
    done: frozenset[str]
    failed: frozenset[str]


def inspect_folder(out: str | os.PathLike, design: Design) -> FolderState:
    """Read what ``out`` holds; raise ``OutputError`` if it holds something else."""
    root = Path(out)
    if not root.exists():
        return FolderState(False, frozenset(), frozenset())
    if not root.is_dir():
        raise OutputError(f"output '{root}' exists and is not a folder")
    _check_record(root, design)
    return FolderState(True, frozenset(parts.run_ids(root)), frozenset(_failed(root)))


class SweepStore:
    """An output folder opened for one sweep: locked, checked, recovered, ready for parts.

    Use :meth:`open` (or as a context manager) and :meth:`close` at the end.
    """

    def __init__(
        self, root: Path, lock: TextIO | None, record: Mapping[str, Any], extended: bool = False
    ) -> None:
        self.root = root
        self.record = record
        self.extended = extended
        self._lock = lock
        self.recovered: list[str] = []

    @classmethod
    def open(
        cls, out: str | os.PathLike, design: Design, provenance: Mapping[str, Any]
    ) -> SweepStore:
        """Create or reopen ``out`` for ``design``: lock it, check or write its record.

        A folder left by a killed sweep is brought back to whole parts first (finished
        runs in chunk journals are kept, half-written parts deleted).

        Raises:
            OutputError: the folder cannot be written, is in use by another sweep, or
                holds something other than this experiment (or a smaller one).
        """
        root = prepare_folder(out)
        lock = acquire(root)
        extended = False
        try:
            record = _check_record(root, design)
            if record is None or record.get("fingerprint") != design.fingerprint():
                new = experiment_record(design, provenance)
                if record is not None:  # an extension (checked above)
                    extended = True
                    new["created"] = record.get("created")
                    new["provenance"] = record.get("provenance")
                    new["extended"] = [*record.get("extended", []), _extension(record, new)]
                record = new
                text = json.dumps(record, indent=2, sort_keys=True, default=str)
                write_text(root / RECORD, text)
                if design.text is not None:
                    write_text(root / SOURCE_COPY, design.text)
            store = cls(root, lock, record, extended)
            store.recovered = parts.recover(root)
        except BaseException:
            if lock is not None:
                lock.close()
            raise
        return store

    @property
    def started_from(self) -> str | None:
        """Git commit of the code that started this folder's sweep, if known."""
        return (self.record.get("provenance") or {}).get("git_commit")

    def done(self) -> set[str]:
        """Ids of the finished runs (those in the ``runs`` parts)."""
        return parts.run_ids(self.root)

    def failed(self) -> set[str]:
        """Ids of the runs recorded as failed."""
        return _failed(self.root)

    def write_chunk(self, token: str, tables: list[Mapping[str, Any]]) -> None:
        """Write the tables of a chunk's runs (when the workers return them)."""
        if tables:
            grouped: dict[str, list] = {}
            for run in tables:
                for name, table in run.items():
                    grouped.setdefault(name, []).append(table)
            parts.write_group(self.root, parts.CHUNK + token, parts.concat_all(grouped))

    def recover_chunk(self, token: str) -> list[str]:
        """Keep the finished runs of a chunk whose worker died; return their ids."""
        return parts.recover_chunk(self.root, token)

    def compact(self, final: bool = False, eager: bool = False) -> None:
        """Merge parts (see :func:`simulation.sweep.parts.compact`)."""
        try:
            parts.compact(self.root, final=final, eager=eager)
        except OSError as exc:
            raise OutputError(f"cannot merge the parts in '{self.root}': {exc}") from None

    def finish(self) -> None:
        """After the workers stopped: recover interrupted chunks, merge into one part."""
        self.recovered += parts.recover(self.root)
        self.compact(final=True)
        with contextlib.suppress(OSError):  # only when empty
            (self.root / parts.JOURNAL).rmdir()

    def record_failure(self, run_id: str, record: Mapping[str, Any]) -> Path:
        """Write ``failures/<run_id>.json`` atomically."""
        final = self.root / FAILURES / f"{_safe(run_id)}.json"
        write_text(final, json.dumps(dict(record), indent=2, sort_keys=True, default=str))
        return final

    def clear_failure(self, run_id: str) -> None:
        """Forget an earlier failure of a run that has now finished."""
        (self.root / FAILURES / f"{_safe(run_id)}.json").unlink(missing_ok=True)

    def close(self) -> None:
        """Release the folder's lock."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> SweepStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- helpers ----------------------------------------------------------------------------
def _safe(run_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in run_id)


def _failed(root: Path) -> set[str]:
    folder = root / FAILURES
    if not folder.is_dir():
        return set()
    return {
        p.name[: -len(".json")]
        for p in folder.iterdir()
        if p.name.endswith(".json") and not p.name.startswith(".")
    }


def _extension(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "from": {k: old.get(k) for k in ("replications", "sampler", "n_runs", "fingerprint")},
        "git_commit": (new.get("provenance") or {}).get("git_commit"),
    }


def read_record(root: Path, record_file: str, kind: str) -> dict[str, Any] | None:
    """The record (with its ``fingerprint``) an output folder holds; None if it is empty.

    Shared by sweeps and calibrations: a folder that is not empty and has no record, or a
    record that cannot be read, is refused with one line naming ``kind``.

    Raises:
        OutputError: the folder holds something else.
    """
    record_path = root / record_file
    if not record_path.exists():
        visible = [p.name for p in root.iterdir() if not p.name.startswith(".")]
        if visible:
            raise OutputError(
                f"'{root}' is not empty and holds no {kind} (no {record_file}); "
                "use a new or empty --out folder"
            )
        return None
    try:
        record = json.loads(record_path.read_text())
        record["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OutputError(
            f"'{record_path}' is not a {kind} record ({exc}); use a new --out folder"
        ) from None
    if not isinstance(record, dict):
        raise OutputError(f"'{record_path}' is not a {kind} record; use a new --out folder")
    return record


def _check_record(root: Path, design: Design) -> dict[str, Any] | None:
    """The record if ``root`` holds this experiment, None if it is empty; else raise."""
    record = read_record(root, RECORD, "sweep")
    if record is None:
        return None
    fingerprint, name = record["fingerprint"], record.get("name", "?")
    if fingerprint != design.fingerprint():
        changed = _differences(record, design)
        if changed and set(changed) <= {"replications", "sampler"}:
            problem = _extension_problem(record, design)
            if problem is None:
                return record
            raise OutputError(f"'{root}' holds experiment '{name}' {problem}")
        what = f"; changed: {', '.join(changed)}" if changed else ""
        raise OutputError(
            f"'{root}' holds another experiment ('{name}', fingerprint {fingerprint}) than "
            f"{design.source} ('{design.name}', fingerprint {design.fingerprint()}){what}; "
            "use another --out folder, or delete this one to start over"
        )
    return record


def _differences(record: Mapping[str, Any], design: Design) -> list[str]:
    """Keys of the experiment whose normalised value differs from the folder's record."""
    normal = design.normalised()
    normal |= normal.pop("output")
    return [key for key, value in normal.items() if key in record and record[key] != value]


def _extension_problem(record: Mapping[str, Any], design: Design) -> str | None:
    """None if ``design`` extends the folder's experiment, else what stands in the way."""
    old_reps, new_reps = record.get("replications"), design.replications
    if isinstance(old_reps, int) and new_reps < old_reps:
        return (
            f"with {old_reps} replications and {design.source} asks for {new_reps}; a sweep "
            "can be extended, not shrunk: use another --out folder"
        )
    old, new = dict(record.get("sampler") or {}), design.sampler_settings()
    if old == new:
        return None
    old_blocks, new_blocks = _blocks(old.pop("samples", None)), _blocks(new.pop("samples", None))
    if old != new or new.get("method") != "lhs":
        return (
            f"with sampler {record.get('sampler')} and {design.source} has "
            f"{design.sampler_settings()}; only replications (and lhs samples) can be "
            "added: use another --out folder"
        )
    if new_blocks[: len(old_blocks)] != old_blocks:
        blocks = ", ".join(str(b) for b in old_blocks)
        return (
            f"with lhs samples {old_blocks}; to add samples keep those and add a block, e.g. "
            f"samples = [{blocks}, 50] (a fresh draw of more samples would change the first "
            "ones)"
        )
    return None


def _blocks(samples: Any) -> list[int]:
    if samples is None:
        return []
    return [samples] if isinstance(samples, int) else list(samples)


def write_text(final: Path, text: str) -> None:
    """Write a text file atomically (staged, then renamed over ``final``)."""
    os.replace(stage_file(final, text), final)


def acquire(root: Path, what: str = "sweep") -> TextIO | None:
    """Take the folder's advisory lock, or raise if another ``what`` holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no flock on this platform
        return None
    handle = (root / LOCK).open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise OutputError(
            f"another {what} is writing to '{root}'; wait for it to end or use another --out"
        ) from None
    except OSError:  # a file system without locks: go on without
        return handle
    return handle
