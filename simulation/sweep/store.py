"""The sweep folder: one Parquet part per finished run, resumable, refusing other experiments.

Layout (the tables follow the layout of single runs, so ``simulation.load(DIR)`` and
``pandas.read_parquet(DIR / "alliances")`` read a sweep folder)::

    DIR/experiment.json            what the folder holds (see below), written at the start
    DIR/experiment.toml            the experiment file as it was given
    DIR/<table>/<run_id>.parquet   one part per finished run and kept table
    DIR/failures/<run_id>.json     a failed run: parameters, seed, error, traceback
    DIR/.lock                      held (flock) while a sweep writes to DIR

A run is finished when its ``runs`` part exists: it is written last, and every part is
written to a hidden temporary file and renamed into place, so a killed sweep leaves no
half-written part and at worst a run whose other tables are rewritten on the next start.
A failure file is removed when the run later succeeds.

``experiment.json`` holds: ``format``, ``name``, ``description``, ``scenario``,
``fingerprint`` (hash of the normalised experiment; a folder with another fingerprint is
refused), ``sampler`` (method and its settings), ``varied`` (parameter names), ``problem``
(SALib problem for lhs, sobol and morris: ``num_vars``, ``names``, ``bounds``,
``distributions``; else null), ``n_samples``, ``replications``, ``n_runs``, ``steps``,
``seed``, ``fixed``, ``vary``, ``tables``, ``timeseries_every``, ``source``, ``created``
and ``provenance``. ``sample_id`` in the ``runs`` table follows the sampler's order, so for
sobol and morris the mean output per ``sample_id`` lines up with SALib's analysis.
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

import pandas as pd

from simulation.errors import OutputError
from simulation.results import part_name, prepare_folder, stage_file, write_part

if TYPE_CHECKING:
    from simulation.sweep.design import Design

FORMAT = 1
RECORD = "experiment.json"
SOURCE_COPY = "experiment.toml"
FAILURES = "failures"
LOCK = ".lock"


def write_run(
    out: str | os.PathLike, run_id: str, tables: Mapping[str, pd.DataFrame], meta: Mapping[str, Any]
) -> None:
    """Write one run's tables as parts, each atomically, the ``runs`` part last."""
    root = Path(out)
    part = f"{part_name([run_id])}.parquet"
    for name, frame in tables.items():
        if name != "runs":
            write_part(root / name / part, frame, meta)
    write_part(root / "runs" / part, tables["runs"], meta)


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
    return FolderState(
        True,
        frozenset(_stems(root / "runs", ".parquet")),
        frozenset(_stems(root / FAILURES, ".json")),
    )


class SweepStore:
    """An output folder opened for one sweep: locked, checked, ready for parts.

    Use :meth:`open` (or as a context manager) and :meth:`close` at the end.
    """

    def __init__(self, root: Path, lock: TextIO | None, record: Mapping[str, Any]) -> None:
        self.root = root
        self.record = record
        self._lock = lock

    @classmethod
    def open(
        cls, out: str | os.PathLike, design: Design, provenance: Mapping[str, Any]
    ) -> SweepStore:
        """Create or reopen ``out`` for ``design``: lock it, check or write its record.

        Raises:
            OutputError: the folder cannot be written, is in use by another sweep, or
                holds something other than this experiment.
        """
        root = prepare_folder(out)
        lock = _acquire(root)
        try:
            record = _check_record(root, design)
            if record is None:
                record = experiment_record(design, provenance)
                text = json.dumps(record, indent=2, sort_keys=True, default=str)
                _write_text(root / RECORD, text)
                if design.text is not None:
                    _write_text(root / SOURCE_COPY, design.text)
            _remove_temporaries(root)
        except BaseException:
            if lock is not None:
                lock.close()
            raise
        return cls(root, lock, record)

    @property
    def started_from(self) -> str | None:
        """Git commit of the code that started this folder's sweep, if known."""
        return (self.record.get("provenance") or {}).get("git_commit")

    def done(self) -> set[str]:
        """Ids of the finished runs (those whose ``runs`` part exists)."""
        return _stems(self.root / "runs", ".parquet")

    def failed(self) -> set[str]:
        """Ids of the runs recorded as failed."""
        return _stems(self.root / FAILURES, ".json")

    def write(
        self, run_id: str, tables: Mapping[str, pd.DataFrame], meta: Mapping[str, Any]
    ) -> None:
        """Write a run's tables (when the workers return them instead of writing)."""
        write_run(self.root, run_id, tables, meta)

    def record_failure(self, run_id: str, record: Mapping[str, Any]) -> Path:
        """Write ``failures/<run_id>.json`` atomically."""
        final = self.root / FAILURES / f"{part_name([run_id])}.json"
        _write_text(final, json.dumps(dict(record), indent=2, sort_keys=True, default=str))
        return final

    def clear_failure(self, run_id: str) -> None:
        """Forget an earlier failure of a run that has now finished."""
        (self.root / FAILURES / f"{part_name([run_id])}.json").unlink(missing_ok=True)

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
def _stems(folder: Path, suffix: str) -> set[str]:
    if not folder.is_dir():
        return set()
    return {
        p.name[: -len(suffix)]
        for p in folder.iterdir()
        if p.name.endswith(suffix) and not p.name.startswith(".")
    }


def _check_record(root: Path, design: Design) -> dict[str, Any] | None:
    """The record if ``root`` holds this experiment, None if it is empty; else raise."""
    record_path = root / RECORD
    if not record_path.exists():
        visible = [p.name for p in root.iterdir() if not p.name.startswith(".")]
        if visible:
            raise OutputError(
                f"'{root}' is not empty and holds no sweep (no {RECORD}); "
                "use a new or empty --out folder"
            )
        return None
    try:
        record = json.loads(record_path.read_text())
        fingerprint, name = record["fingerprint"], record.get("name", "?")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OutputError(
            f"'{record_path}' is not a sweep record ({exc}); use a new --out folder"
        ) from None
    if fingerprint != design.fingerprint():
        changed = _differences(record, design)
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


def _write_text(final: Path, text: str) -> None:
    os.replace(stage_file(final, text), final)


def _remove_temporaries(root: Path) -> None:
    """Delete hidden temporary files left by a sweep that was killed while writing."""
    for folder in root.iterdir():
        if folder.is_dir():
            for tmp in folder.glob(".*.tmp-*"):
                with contextlib.suppress(OSError):
                    tmp.unlink()


def _acquire(root: Path) -> TextIO | None:
    """Take the folder's advisory lock, or raise if another sweep holds it."""
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
            f"another sweep is writing to '{root}'; wait for it to end or use another --out"
        ) from None
    except OSError:  # a file system without locks: go on without
        return handle
    return handle
