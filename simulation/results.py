"""Results of runs: the tidy tables, saving and loading them, with provenance.

Saved layout (the same for single runs and sweeps)::

    DIR/<table>/<part>.parquet   one or more Parquet parts per table (read the folder with
                                 ``pandas.read_parquet(DIR / "alliances")``)
    DIR/<table>.csv              with ``format="csv"``, plus DIR/provenance.json

Every Parquet part of a single run carries the provenance record (package version, git
commit, library versions, the parameters and seed) in its file metadata; a sweep stores it
once, in ``DIR/experiment.json`` (see :mod:`simulation.sweep.store`). The ``runs`` table
carries the version and commit as columns. Parts are written to a hidden temporary name and
renamed into place, so a reader never sees a half-written file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from simulation import dictionary, provenance
from simulation.errors import ConfigError, OutputError
from simulation.params import Params
from simulation.records import END_CAUSES, TABLE_TYPES, run_summary

TABLES: tuple[str, ...] = ("runs", "alliances", "events", "timeseries", "memberships")
METADATA_KEY = b"alliance_lifecycle"
#: The record a sweep writes into its folder (see simulation.sweep.store).
SWEEP_RECORD = "experiment.json"


@dataclass
class Results:
    """The tables of one or more runs, keyed by ``run_id``."""

    runs: pd.DataFrame
    alliances: pd.DataFrame
    events: pd.DataFrame
    timeseries: pd.DataFrame
    memberships: pd.DataFrame = field(default_factory=pd.DataFrame)
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by name."""
        return {name: getattr(self, name) for name in TABLES}

    def save(
        self,
        path: str | os.PathLike,
        format: Literal["parquet", "csv"] = "parquet",
        tables: Iterable[str] = TABLES,
    ) -> Path:
        """Write the tables under ``path``; nothing is left half-written on failure.

        Args:
            path: the output folder (created if missing).
            format: ``"parquet"`` (a folder of parts per table) or ``"csv"``.
            tables: which tables to write.

        Returns:
            The output folder.

        Raises:
            OutputError: unknown format or table, or the folder or a file cannot be
                written (nothing of this call is left behind).
        """
        if format not in ("parquet", "csv"):
            raise OutputError(f"unknown format '{format}': choose parquet or csv")
        out = prepare_folder(path)
        names = list(tables)
        unknown = [n for n in names if n not in TABLES]
        if unknown:
            raise OutputError(f"unknown table '{unknown[0]}': choose from {', '.join(TABLES)}")
        part = part_name(self.runs["run_id"].tolist())
        staged: list[tuple[Path, Path]] = []
        try:
            for name in names:
                frame = self.tables[name]
                if format == "parquet":
                    final = out / name / f"{part}.parquet"
                    staged.append((stage_parquet(final, frame, self.provenance), final))
                else:
                    final = out / f"{name}.csv"
                    staged.append((stage_file(final, frame.to_csv(index=False)), final))
            if format == "csv":
                final = out / "provenance.json"
                text = json.dumps(self.provenance, indent=2, sort_keys=True, default=str)
                staged.append((stage_file(final, text), final))
        except BaseException:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            raise
        for tmp, final in staged:
            os.replace(tmp, final)
        return out

    def summary(self) -> str:
        """A few lines: alliances founded, survival, transformations and renewals, ends."""
        runs = self.runs
        lines = []
        n_runs = len(runs)
        head = f"{n_runs} run{'s' if n_runs != 1 else ''}"
        if n_runs == 1:
            row = runs.iloc[0]
            head = (
                f"run {row['run_id']}: {int(row['n_organisations'])} organisations, "
                f"{int(row['steps'])} months, seed {int(row['seed'])}"
            )
        lines.append(head)
        founded = int(runs["alliances_founded"].sum())
        lines.append(f"alliances started {int(runs['alliances_started'].sum())}, founded {founded}")
        if founded:
            lines.append(
                f"survival at the horizon {_pct(runs['survival_rate'].mean())}, "
                f"median lifespan {_months(_median(runs['median_lifespan']))}"
            )
        lines.append(
            f"transformations {int(runs['transformations'].sum())} "
            f"({runs['transformations_per_alliance'].mean():.2f} per founded alliance, "
            f"{runs['transformation_rate'].mean():.2f} per alliance-year); renewals "
            f"{int(runs['evolutionary_renewals'].sum())} evolutionary, "
            f"{int(runs['revolutionary_renewals'].sum())} revolutionary "
            f"({_pct(runs['renewal_success_rate'].mean())} of crises renewed, "
            f"{_pct(runs['lasting_renewal_rate'].mean())} for at least two years)"
        )
        ends = ", ".join(f"{c} {int(runs[f'ends_{c}'].sum())}" for c in END_CAUSES)
        lines.append(f"ends by cause: {ends}")
        return "\n".join(lines)

    @classmethod
    def concat(cls, parts: Iterable[Results]) -> Results:
        """Stack the tables of several results (e.g. runs of a loop) into one.

        Raises:
            ValueError: ``parts`` is empty.
        """
        parts = list(parts)
        if not parts:
            raise ValueError("nothing to concatenate")
        tables = {
            name: pd.concat([getattr(p, name) for p in parts], ignore_index=True) for name in TABLES
        }
        return cls(provenance=parts[0].provenance, **tables)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{n}: {len(t)} rows" for n, t in self.tables.items())
        return f"Results({sizes})"


def _median(column: pd.Series) -> float:
    values = column.dropna()
    return float(values.median()) if len(values) else float("nan")


def _pct(x: float) -> str:
    return "n/a" if pd.isna(x) else f"{100 * x:.0f}%"


def _months(x: float) -> str:
    return "not reached" if pd.isna(x) else f"{x:.0f} months ({x / 12:.1f} years)"


# --- building results from a model ------------------------------------------------------
def run_id_for(scenario: str, params: Params, overrides: Mapping[str, Any]) -> str:
    """A readable, stable id: ``<scenario>-s<seed>``, with a hash when overrides are set."""
    if not overrides:
        return f"{scenario}-s{params.seed}"
    digest = hashlib.sha1(params.to_json().encode()).hexdigest()[:8]
    return f"{scenario}-{digest}-s{params.seed}"


def results_from_model(model: Any, scenario: str = "custom") -> Results:
    """Collect the tables of a finished (or stopped) ``AllianceModel`` into ``Results``."""
    tables = model.tables()
    params: Params = model.params
    prov = provenance.record()
    row: dict[str, Any] = {"run_id": model.run_id, "scenario": scenario}
    row |= params.to_dict()
    row |= run_summary(tables["alliances"], params.steps, params.warmup, tables["events"])
    row |= {"package_version": prov["package_version"], "git_commit": prov["git_commit"]}
    types = TABLE_TYPES["runs"]
    # Built column by column: a one-row frame of ~170 columns is slow to build otherwise.
    runs = pd.DataFrame({name: _cell(value, types.get(name)) for name, value in row.items()})
    prov = prov | {
        "run_id": model.run_id,
        "scenario": scenario,
        "seed": params.seed,
        "params": params.to_dict(),
    }
    return Results(runs=runs, provenance=prov, **tables)


def _cell(value: Any, dtype: Any) -> Any:
    """A one-value column of ``dtype`` (numpy arrays for numpy dtypes: much quicker)."""
    if dtype is None:
        return [value]
    if dtype in ("int64", "float64", "bool"):
        return np.array([value], dtype=dtype)
    return pd.array([value], dtype=dtype)


# --- writing ----------------------------------------------------------------------------
def prepare_folder(path: str | os.PathLike) -> Path:
    """Create ``path`` if needed and check it is a writable folder (one-line errors)."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise OutputError(f"output '{out}' exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder '{out}': {exc.strerror}") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise OutputError(f"output folder '{out}' is not writable")
    return out


def part_name(run_ids: list[str]) -> str:
    """File name of a part holding these runs: the run id, or a hash of several."""
    if len(run_ids) == 1:
        return "".join(c if c.isalnum() or c in "-_." else "_" for c in run_ids[0])
    return "runs-" + hashlib.sha1("\n".join(sorted(run_ids)).encode()).hexdigest()[:16]


def _temporary(final: Path) -> Path:
    return final.with_name(f".{final.name}.tmp-{os.getpid()}")


def stage_parquet(
    final: Path, frame: pd.DataFrame, meta: Mapping[str, Any], table_name: str | None = None
) -> Path:
    """Write ``frame`` as Parquet to a hidden temporary beside ``final``; return it.

    Each field carries its data-dictionary entry (type, unit, meaning, allowed values) in
    its metadata; ``table_name`` (default: the name of ``final``'s folder) says which table.

    Raises:
        OutputError: the file cannot be written.
    """
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        table = annotate(
            pa.Table.from_pandas(frame, preserve_index=False), table_name or final.parent.name
        )
        schema_meta = dict(table.schema.metadata or {})
        schema_meta[METADATA_KEY] = json.dumps(meta, sort_keys=True, default=str).encode()
        table = table.replace_schema_metadata(schema_meta)
        tmp = _temporary(final)
        pq.write_table(table, tmp)
    except OSError as exc:
        raise OutputError(f"cannot write '{final}': {exc.strerror or exc}") from None
    return tmp


def annotate(table: pa.Table, name: str) -> pa.Table:
    """``table`` with the data dictionary's entry of table ``name`` in each field's metadata.

    Columns the dictionary does not list (and tables it does not know) are left as they are.
    """
    if name not in dictionary.DESCRIPTIONS:
        return table
    entries = dictionary.field_metadata(name)
    fields = [
        f.with_metadata({**(f.metadata or {}), **entries[f.name]}) if f.name in entries else f
        for f in table.schema
    ]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


def stage_file(final: Path, text: str) -> Path:
    """Write text to a hidden temporary beside ``final``; return it."""
    tmp = _temporary(final)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text)
    except OSError as exc:
        raise OutputError(f"cannot write '{final}': {exc.strerror or exc}") from None
    return tmp


def write_part(final: Path, frame: pd.DataFrame, meta: Mapping[str, Any]) -> Path:
    """Write one Parquet part atomically (temporary file, then rename)."""
    os.replace(stage_parquet(final, frame, meta), final)
    return final


# --- reading ----------------------------------------------------------------------------
def read_table(folder: str | os.PathLike, name: str) -> pd.DataFrame:
    """One table of a saved folder (all its Parquet parts, or its CSV).

    In a sweep folder whose table is in several parts (a sweep still running, or one
    larger than its final merge) the rows are put in run order, so the table is the same
    whatever the executor or the interruptions.
    """
    root = Path(folder)
    parts = root / name
    if parts.is_dir():
        for attempt in range(5):  # a running sweep may merge a part away meanwhile
            files = sorted(p for p in parts.glob("*.parquet") if not p.name.startswith("."))
            try:
                tables = [pq.read_table(f) for f in files]
                break
            except FileNotFoundError:
                if attempt == 4:
                    raise
        if not files:
            return pd.DataFrame()
        if len(tables) == 1:
            return _dictionary_types(tables[0].to_pandas(), name)
        from simulation.sweep.parts import concat, sort_runs

        table = concat(tables)
        if (root / SWEEP_RECORD).exists():
            table = sort_runs(table)
        return _dictionary_types(table.to_pandas(), name)
    csv = root / f"{name}.csv"
    if csv.exists():
        frame = pd.read_csv(csv, keep_default_na=True, float_precision="round_trip")
        return _dictionary_types(frame, name)
    return pd.DataFrame()


def _dictionary_types(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    types = TABLE_TYPES.get(name, {})
    return frame.astype({k: v for k, v in types.items() if k in frame.columns})


def read_provenance(folder: str | os.PathLike) -> dict[str, Any]:
    """The provenance record of a saved folder (a sweep's record, or its first ``runs`` part)."""
    root = Path(folder)
    record = root / SWEEP_RECORD
    if record.exists():
        try:
            data = json.loads(record.read_text())
        except (OSError, ValueError):
            data = {}
        if isinstance(data, dict) and data.get("format", 1) >= 2:
            prov = dict(data.get("provenance") or {})
            return prov | {
                "experiment": data.get("name"),
                "scenario": data.get("scenario"),
                "fingerprint": data.get("fingerprint"),
            }
    parts = sorted(p for p in (root / "runs").glob("*.parquet") if not p.name.startswith("."))
    if parts:
        meta = pq.read_schema(parts[0]).metadata or {}
        if METADATA_KEY in meta:
            return json.loads(meta[METADATA_KEY])
    if (root / "provenance.json").exists():
        return json.loads((root / "provenance.json").read_text())
    return {}


def load(path: str | os.PathLike) -> Results:
    """Read a folder written by ``Results.save`` or by a sweep back into ``Results``.

    Raises:
        ConfigError: ``path`` is not a folder, or holds no ``runs`` table.
    """
    root = Path(path)
    if not root.is_dir():
        raise ConfigError(f"'{root}' is not a folder of results")
    if not ((root / "runs").is_dir() or (root / "runs.csv").exists()):
        raise ConfigError(f"'{root}' holds no results (no runs/ folder or runs.csv)")
    frames = {name: read_table(root, name) for name in TABLES}
    return Results(provenance=read_provenance(root), **frames)


__all__ = ["TABLES", "Results", "load", "results_from_model"]
