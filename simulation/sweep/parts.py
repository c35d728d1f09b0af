"""The files of a sweep folder: chunk journals, groups of parts, merging them, recovery.

A *group* is a set of Parquet parts with one name across the tables, e.g.
``runs/c-1a2b.parquet``, ``alliances/c-1a2b.parquet``, ``events/c-1a2b.parquet``: the rows
of the same runs in each table. A group is whole when its ``runs`` part exists, since that
part is always put in place last; a part without its ``runs`` part is a leftover of a
killed write and is deleted when the folder is next opened.

- A worker computes a *chunk* of runs. It appends each finished run to the chunk's journal
  ``.journal/<token>.wal`` (Arrow IPC, flushed at once), so a killed worker or sweep loses
  no finished run, and at the end of the chunk writes the group ``c-<token>`` and deletes
  the journal. A journal left behind is turned into its group when the folder is opened
  (or at once, when the sweep sees that the worker died).
- The sweep merges groups as it goes (``FANIN`` groups of a level into one of the next
  level, ``m<level>-<token>``) and, when it ends, all groups into ``part-0`` with the rows
  in run order, so a finished sweep holds one part per table whatever the executor, the
  number of workers or the interruptions (if its tables hold at most ``FINAL_BYTES``; a
  larger sweep keeps its merged groups). A merge stages every output, writes a journal
  ``.journal/<name>.merge.json``, then renames the outputs and deletes the inputs; a
  journal left behind is rolled forward.

Every file is written to a hidden temporary and renamed into place; readers (pandas,
pyarrow datasets, DuckDB, polars) skip hidden files.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import struct
import uuid
import zlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

JOURNAL = ".journal"
CHUNK = "c-"
FINAL = "part-0"
#: Groups of one level merged into one of the next level.
FANIN = 16
#: Most bytes on disk (all tables) one merge reads, and a sweep's most bytes merged into
#: one part per table at the end (so a merge holds a bounded amount in memory).
GROUP_BYTES = 64 * 2**20
FINAL_BYTES = 128 * 2**20
TABLE_ORDER = ("memberships", "events", "timeseries", "alliances", "runs")
_MAGIC = b"ALJ1"
_HEAD = struct.Struct("<4sIQI")  # magic, header length, body length, crc32 of both
_LEVEL = re.compile(r"m(\d+)-")
_RUN_ORDER = re.compile(r"-s(\d+)-r(\d+)$")


def new_token() -> str:
    """A fresh name for a chunk or a merged group."""
    return uuid.uuid4().hex[:16]


def ordered(tables: Iterable[str]) -> list[str]:
    """Table names with ``runs`` last (the order parts are put in place)."""
    names = set(tables)
    return [t for t in TABLE_ORDER if t in names] + sorted(names - set(TABLE_ORDER))


# --- writing ----------------------------------------------------------------------------
def temporary(final: Path) -> Path:
    """Hidden temporary name beside ``final`` (readers skip names starting with a dot)."""
    return final.with_name(f".{final.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:6]}")


def stage_table(final: Path, table: pa.Table) -> Path:
    """Write ``table`` as Parquet to a temporary beside ``final``; return the temporary."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary(final)
    pq.write_table(table, tmp)
    return tmp


def write_group(root: Path, name: str, tables: Mapping[str, pa.Table]) -> None:
    """Write one group: stage every part, then put them in place, ``runs`` last."""
    staged = {t: stage_table(root / t / f"{name}.parquet", tables[t]) for t in ordered(tables)}
    for table, tmp in staged.items():
        os.replace(tmp, root / table / f"{name}.parquet")


def to_arrow(frame) -> pa.Table:
    """A pandas frame as an Arrow table (no index)."""
    return pa.Table.from_pandas(frame, preserve_index=False)


class ChunkWriter:
    """Writes a chunk's runs: each to the journal at once, the group at the end.

    Args:
        root: the sweep folder.
        token: the chunk's name (given by the sweep, so it can recover a lost chunk).
    """

    def __init__(self, root: str | os.PathLike, token: str) -> None:
        self.root = Path(root)
        self.token = token
        self.path = self.root / JOURNAL / f"{token}.wal"
        self._file: BinaryIO | None = None
        self._tables: dict[str, list[pa.Table]] = {}

    def add(self, run_id: str, tables: Mapping[str, pa.Table]) -> None:
        """Append one finished run to the journal (flushed) and keep it for the group."""
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "wb")  # noqa: SIM115 - closed in commit/close
        journal = self._file
        journal.write(encode_run(run_id, tables))
        journal.flush()
        for name, table in tables.items():
            self._tables.setdefault(name, []).append(table)

    def commit(self) -> None:
        """Write the chunk's group and delete its journal."""
        self.close()
        if self._tables:
            write_group(self.root, CHUNK + self.token, concat_all(self._tables))
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        """Close the journal (kept on disk: the runs in it are recovered later)."""
        if self._file is not None:
            self._file.close()
            self._file = None


def encode_run(run_id: str, tables: Mapping[str, pa.Table]) -> bytes:
    """One journal frame: a header naming the run and its tables, then Arrow IPC streams."""
    bodies = []
    for table in tables.values():
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        bodies.append(sink.getvalue().to_pybytes())
    header = json.dumps(
        {"run_id": run_id, "tables": [[n, len(b)] for n, b in zip(tables, bodies, strict=True)]}
    ).encode()
    body = b"".join(bodies)
    crc = zlib.crc32(body, zlib.crc32(header))
    return _HEAD.pack(_MAGIC, len(header), len(body), crc) + header + body


def read_journal(path: Path) -> list[tuple[str, dict[str, pa.Table]]]:
    """The whole runs of a chunk journal, in order; a frame cut short by a kill is dropped."""
    data = path.read_bytes()
    runs: dict[str, dict[str, pa.Table]] = {}
    at = 0
    while at + _HEAD.size <= len(data):
        magic, n_head, n_body, crc = _HEAD.unpack_from(data, at)
        start = at + _HEAD.size
        end = start + n_head + n_body
        if magic != _MAGIC or end > len(data):
            break
        header, body = data[start : start + n_head], data[start + n_head : end]
        if zlib.crc32(body, zlib.crc32(header)) != crc:
            break
        meta = json.loads(header)
        tables, offset = {}, 0
        for name, size in meta["tables"]:
            tables[name] = pa.ipc.open_stream(body[offset : offset + size]).read_all()
            offset += size
        runs.setdefault(meta["run_id"], tables)
        at = end
    return list(runs.items())


# --- reading and merging ------------------------------------------------------------------
def read_part(path: Path, columns: Sequence[str] | None = None) -> pa.Table:
    """One Parquet part, read as a single file.

    ``pq.read_table`` sets up a dataset, which costs more than reading a chunk's small
    part (3x for the 180 columns of ``runs``): the final merge reads one per chunk.
    """
    with pq.ParquetFile(path, pre_buffer=False) as part:
        return part.read(columns=columns, use_threads=False)


def concat(tables: Sequence[pa.Table]) -> pa.Table:
    """Stack tables whose schemas may differ a little (a column all null in some runs)."""
    if len(tables) == 1:
        return tables[0]
    return pa.concat_tables(tables, promote_options="permissive")


def concat_all(tables: Mapping[str, list[pa.Table]]) -> dict[str, pa.Table]:
    """``concat`` for each table."""
    return {name: concat(parts) for name, parts in tables.items()}


def run_order(run_ids: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Row order putting runs in design order (sample, replication), rows of a run kept."""
    run_ids = run_ids.cast(pa.string())  # also when stored as a dictionary
    unique = pc.unique(run_ids).to_pylist()  # type: ignore[attr-defined]
    unique.sort(key=_run_key)
    values = pa.array(unique, type=pa.string())
    rank = pc.index_in(run_ids, value_set=values)  # type: ignore[attr-defined]
    position = pa.array(range(len(run_ids)), type=pa.int64())
    keys = pa.table({"rank": rank, "position": position})
    order = [("rank", "ascending"), ("position", "ascending")]
    return pc.sort_indices(keys, sort_keys=order)  # type: ignore[attr-defined]


def _run_key(run_id: str | None) -> tuple:
    text = run_id or ""
    match = _RUN_ORDER.search(text)
    if match is None:
        return (1, text, 0, 0)
    return (0, text[: match.start()], int(match[1]), int(match[2]))


def sort_runs(table: pa.Table) -> pa.Table:
    """``table`` with its rows in run order (see :func:`run_order`)."""
    if "run_id" not in table.column_names or table.num_rows == 0:
        return table
    return table.take(run_order(table["run_id"]))


def table_dirs(root: Path) -> list[str]:
    """Names of the table folders of a sweep folder."""
    return ordered(
        p.name
        for p in root.iterdir()
        if p.is_dir() and not p.name.startswith(".") and p.name != "failures"
    )


def groups(root: Path) -> list[str]:
    """Names of the whole groups (those whose ``runs`` part exists), sorted."""
    folder = root / "runs"
    if not folder.is_dir():
        return []
    return sorted(
        p.name[: -len(".parquet")]
        for p in folder.iterdir()
        if p.name.endswith(".parquet") and not p.name.startswith(".")
    )


def level(group: str) -> int:
    """Merge level of a group: 0 for chunks (and old one-run parts), n for ``m<n>-``."""
    if group == FINAL:
        return 1_000
    match = _LEVEL.match(group)
    return int(match[1]) if match else 0


def group_bytes(root: Path, group: str, tables: Sequence[str]) -> int:
    """Bytes on disk of a group, over all tables."""
    total = 0
    for table in tables:
        with contextlib.suppress(OSError):
            total += (root / table / f"{group}.parquet").stat().st_size
    return total


def merge(root: Path, inputs: Sequence[str], output: str, sort: bool = False) -> None:
    """Merge the groups ``inputs`` into the group ``output`` (which may be one of them)."""
    tables = table_dirs(root)
    staged: dict[str, str] = {}
    try:
        for table in tables:
            files = [root / table / f"{g}.parquet" for g in inputs]
            parts = [read_part(f) for f in files if f.exists()]
            if not parts:
                continue
            merged = concat(parts)
            if sort:
                merged = sort_runs(merged)
            staged[table] = stage_table(root / table / f"{output}.parquet", merged).name
        record = {"output": output, "inputs": list(inputs), "staged": staged}
        final = root / JOURNAL / f"{output}.merge.json"
        final.parent.mkdir(exist_ok=True)
        tmp = temporary(final)
        tmp.write_text(json.dumps(record))
        os.replace(tmp, final)
    except BaseException:
        for table, name in staged.items():
            (root / table / name).unlink(missing_ok=True)
        raise
    finish_merge(root, final)


def finish_merge(root: Path, journal: Path) -> None:
    """Put a staged merge in place (again, after a kill) and delete its inputs."""
    record = json.loads(journal.read_text())
    output, staged = record["output"], record["staged"]
    for table in ordered(staged):
        tmp = root / table / staged[table]
        if tmp.exists():
            os.replace(tmp, root / table / f"{output}.parquet")
        for group in record["inputs"]:
            if group != output:
                (root / table / f"{group}.parquet").unlink(missing_ok=True)
    journal.unlink()


def compact(root: Path, final: bool = False, eager: bool = False) -> int:
    """Merge groups: up to ``FANIN`` of a level into one of the next level.

    A merge reads at most ``GROUP_BYTES`` of parts; groups of half that size or more are
    left as they are. With ``final`` (the sweep has ended) every group is merged into
    ``part-0``, rows in run order, if they hold at most ``FINAL_BYTES``; a larger sweep
    keeps its merged groups, each level folded into as few as the size allows. With
    ``eager`` every level is folded so, without making ``part-0``: the sweep does that at
    its tail, while a worker is idle, so that the final merge has few parts to read.

    Returns:
        The number of merges done.
    """
    tables = table_dirs(root)
    sizes = {g: group_bytes(root, g, tables) for g in groups(root)}
    if final:
        if not sizes or list(sizes) == [FINAL]:
            return 0
        if sum(sizes.values()) <= FINAL_BYTES:
            merge(root, list(sizes), FINAL, sort=True)
            return 1
    done = 0
    while (batch := _next_merge(sizes, final or eager)) is not None:
        members, lv = batch
        name = f"m{lv + 1}-{new_token()}"
        merge(root, members, name)
        for member in members:
            sizes.pop(member)
        sizes[name] = group_bytes(root, name, tables)
        done += 1
    return done


def _next_merge(sizes: Mapping[str, int], final: bool) -> tuple[list[str], int] | None:
    """The groups to merge next and their level, or None."""
    by_level: dict[int, list[tuple[str, int]]] = {}
    for group, size in sorted(sizes.items()):
        if group != FINAL and size < GROUP_BYTES // 2:
            by_level.setdefault(level(group), []).append((group, size))
    for lv, members in sorted(by_level.items()):
        if len(members) >= FANIN or (final and len(members) > 1):
            chosen: list[str] = []
            total = 0
            for group, size in members:
                if len(chosen) == FANIN or (chosen and total + size > GROUP_BYTES):
                    break
                chosen.append(group)
                total += size
            return chosen, lv
    return None


def recover(root: Path) -> list[str]:
    """Bring a folder left by a killed sweep back to whole groups; return recovered runs.

    Rolls staged merges forward, turns chunk journals into groups, deletes parts without
    their ``runs`` part and hidden temporaries. Call it only while no worker writes.
    """
    journal = root / JOURNAL
    recovered: list[str] = []
    if journal.is_dir():
        for path in sorted(journal.glob("*.merge.json")):
            finish_merge(root, path)
        for path in sorted(journal.glob("*.wal")):
            recovered += recover_chunk(root, path.name[: -len(".wal")])
    whole = set(groups(root))
    for table in table_dirs(root):
        for part in (root / table).iterdir():
            name = part.name
            if name.startswith("."):
                if ".tmp-" in name:
                    part.unlink(missing_ok=True)
            elif name.endswith(".parquet") and name[: -len(".parquet")] not in whole:
                part.unlink(missing_ok=True)
    if journal.is_dir():
        for tmp in journal.glob(".*.tmp-*"):
            tmp.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            journal.rmdir()
    return recovered


def recover_chunk(root: Path, token: str) -> list[str]:
    """Turn the journal of a chunk whose worker died into its group; return its runs."""
    path = root / JOURNAL / f"{token}.wal"
    name = CHUNK + token
    if (root / "runs" / f"{name}.parquet").exists():  # the group was written
        path.unlink(missing_ok=True)
        return []
    for table in table_dirs(root):
        (root / table / f"{name}.parquet").unlink(missing_ok=True)
    if not path.exists():
        return []
    runs = read_journal(path)
    if runs:
        tables: dict[str, list[pa.Table]] = {}
        for _, run_tables in runs:
            for table, data in run_tables.items():
                tables.setdefault(table, []).append(data)
        write_group(root, name, concat_all(tables))
    path.unlink()
    return [run_id for run_id, _ in runs]


def run_ids(root: Path) -> set[str]:
    """Ids of the runs in the whole groups of the ``runs`` table."""
    found: set[str] = set()
    for group in groups(root):
        column = read_part(root / "runs" / f"{group}.parquet", columns=["run_id"])
        found.update(column["run_id"].to_pylist())
    return found
