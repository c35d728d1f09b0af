"""Experiment files: read and validate them, and plan the runs of a sweep.

An experiment file is TOML::

    name = "pressure"                 # letters, digits, - _ . (used in run ids)
    description = "Survival under low, medium and high pressure"
    scenario = "default"              # base scenario (see `alliances scenarios`)
    steps = 240                       # horizon in months (or set it in [fixed])
    replications = 10                 # runs per sample, each with its own seed
    seed = 2026                       # root seed of every run seed and of the sampler

    [fixed]                           # parameter values for every run
    n_organisations = 300

    [vary]                            # the factors
    pressure = [0.2, 0.5, 0.8]                       # levels (grid, ofat)
    foresight = { low = 0.0, high = 1.0 }            # a range (lhs, sobol, morris)
    tie_density = { low = 0.05, high = 0.8, levels = 4 }  # evenly spaced levels (grid, ofat)
    drive = { low = 0.05, high = 1.0, distribution = "loguniform" }

    [sampler]
    method = "grid"                   # grid | lhs | sobol | morris | ofat
    samples = 64                      # lhs: points; sobol: base N (a power of 2, giving
                                      # N (D + 2) samples); morris: trajectories (N (D + 1))
                                      # lhs also takes blocks, [64, 32]: a Latin hypercube
                                      # of 64 points, then one of 32 (to extend a sweep)
    levels = 4                        # morris only: levels of the Morris grid
    second_order = false              # sobol only: also plan second-order indices

    [output]
    tables = ["runs", "alliances", "events", "timeseries"]   # "runs" is required
    timeseries_every = 1              # keep every n-th step of the time series (and the last)

``grid`` crosses all levels; ``ofat`` runs the base (scenario plus ``[fixed]``) as sample 0,
then changes one factor at a time to each of its other levels. ``samples`` is ignored by
``grid`` and ``ofat``. An ``lhs`` design given as blocks (``samples = [64, 32]``) draws
one Latin hypercube per block from one stream, so its first 64 samples are those of
``samples = 64``: a sweep can be extended by a block. Samples are numbered in the
sampler's order (SALib's order for sobol and morris), so ``sample_id`` lines model outputs
up with SALib's analysis functions.

Seeds: run ``(sample_id, replication)`` gets the first 63 bits of
``SeedSequence(seed).spawn(n_samples)[sample_id].spawn(replications)[replication]``, so a
run's seed depends only on the root seed and its place, never on the executor. Run ids are
``<name>-s<sample_id:04>-r<replication:02>``.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import itertools
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from simulation.errors import ConfigError, ParameterError
from simulation.params import Params, check_names
from simulation.results import TABLES
from simulation.scenarios import get_scenario
from simulation.sweep import samplers

METHODS: tuple[str, ...] = ("grid", "lhs", "sobol", "morris", "ofat")
RANGE_METHODS: tuple[str, ...] = ("lhs", "sobol", "morris")
DISTRIBUTIONS: tuple[str, ...] = ("uniform", "loguniform")
DEFAULT_TABLES: tuple[str, ...] = ("runs", "alliances", "events", "timeseries")
TOP_KEYS = (
    "name",
    "description",
    "scenario",
    "steps",
    "replications",
    "seed",
    "fixed",
    "vary",
    "sampler",
    "output",
    "config",
)
SAMPLER_KEYS = ("method", "samples", "levels", "second_order")
OUTPUT_KEYS = ("tables", "timeseries_every")
RANGE_KEYS = ("low", "high", "distribution", "levels")
MAX_SAMPLES = 1_000_000
MAX_REPLICATIONS = 100_000
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class Factor:
    """One varied parameter: discrete levels, or a range with a distribution."""

    name: str
    levels: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    distribution: str = "uniform"
    integer: bool = False

    @property
    def is_range(self) -> bool:
        """True when the factor is given as a range (``low``/``high``)."""
        return self.low is not None

    def to_dict(self, base: Params) -> dict[str, Any]:
        """JSON-ready description (levels as stored in the ``runs`` table)."""
        out: dict[str, Any] = {"name": self.name}
        if self.is_range:
            out |= {"low": self.low, "high": self.high, "distribution": self.distribution}
        if self.levels is not None:
            out["levels"] = [
                base.replace(**{self.name: v}).to_dict()[self.name] for v in self.levels
            ]
        return out


@dataclass(frozen=True)
class PlannedRun:
    """One run of a sweep: where it sits in the design, its id, seed and parameters."""

    sample_id: int
    replication: int
    run_id: str
    seed: int
    values: Mapping[str, Any]
    params: Params


@dataclass(frozen=True, eq=False)
class Design:
    """A validated experiment: the base parameters, the factors and the planned samples.

    Build it with :func:`load_design` (a TOML file) or :func:`parse_design` (a mapping).
    ``samples`` holds the values of the varied parameters for each sample, in order.
    """

    name: str
    description: str
    scenario: str
    replications: int
    seed: int
    method: str
    base: Params
    fixed: Mapping[str, Any]
    factors: tuple[Factor, ...]
    samples: tuple[Mapping[str, Any], ...]
    sample_count: int | None = None
    sample_blocks: tuple[int, ...] = ()
    morris_levels: int = 4
    second_order: bool = False
    tables: tuple[str, ...] = DEFAULT_TABLES
    timeseries_every: int = 1
    source: str = "<experiment>"
    text: str | None = field(default=None, repr=False)

    # --- sizes and names -----------------------------------------------------------
    @property
    def varied(self) -> tuple[str, ...]:
        """Names of the varied parameters, in file order."""
        return tuple(f.name for f in self.factors)

    @property
    def steps(self) -> int:
        """Horizon of every run (unless ``steps`` is varied)."""
        return self.base.steps

    @property
    def n_samples(self) -> int:
        """Number of parameter settings."""
        return len(self.samples)

    @property
    def n_runs(self) -> int:
        """Number of runs: samples times replications."""
        return self.n_samples * self.replications

    def run_id(self, sample_id: int, replication: int) -> str:
        """Stable, readable id of a run, e.g. ``pressure-s0003-r02``."""
        return f"{self.name}-s{sample_id:04d}-r{replication:02d}"

    def run_seed(self, sample_id: int, replication: int) -> int:
        """Seed of a run, spawned from the root seed by its (sample, replication)."""
        return run_seed(self.seed, sample_id, replication)

    # --- the plan ------------------------------------------------------------------
    def runs(self) -> Iterator[PlannedRun]:
        """All runs in order (sample by sample), built lazily."""
        for sample_id, values in enumerate(self.samples):
            for replication in range(self.replications):
                seed = self.run_seed(sample_id, replication)
                params = self.base.replace(**values, seed=seed)
                yield PlannedRun(
                    sample_id,
                    replication,
                    self.run_id(sample_id, replication),
                    seed,
                    values,
                    params,
                )

    def plan(self) -> list[PlannedRun]:
        """All runs as a list (convenient for small designs; the runner uses :meth:`runs`)."""
        return list(self.runs())

    # --- descriptions --------------------------------------------------------------
    def problem(self) -> dict[str, Any] | None:
        """The SALib problem of a sampled design (``None`` for grid and ofat)."""
        if self.method not in RANGE_METHODS:
            return None
        return {
            "num_vars": len(self.factors),
            "names": list(self.varied),
            "bounds": [[f.low, f.high] for f in self.factors],
            "distributions": [f.distribution for f in self.factors],
        }

    def sampler_settings(self) -> dict[str, Any]:
        """The sampler's settings that matter for this method."""
        out: dict[str, Any] = {"method": self.method}
        if self.method in RANGE_METHODS:
            out["samples"] = self.sample_count
            if len(self.sample_blocks) > 1:
                out["samples"] = list(self.sample_blocks)
        if self.method == "morris":
            out["levels"] = self.morris_levels
        if self.method == "sobol":
            out["second_order"] = self.second_order
        return out

    def normalised(self) -> dict[str, Any]:
        """Everything that decides the runs and their tables, JSON-ready (for the fingerprint)."""
        plain = self.base.to_dict()
        return {
            "name": self.name,
            "scenario": self.scenario,
            "steps": self.base.steps,
            "replications": self.replications,
            "seed": self.seed,
            "fixed": {k: plain[k] for k in sorted(self.fixed) if k != "steps"},
            "vary": [f.to_dict(self.base) for f in self.factors],
            "sampler": self.sampler_settings(),
            "output": {"tables": list(self.tables), "timeseries_every": self.timeseries_every},
        }

    def fingerprint(self) -> str:
        """Short hash of :meth:`normalised`: two files that mean the same runs share it."""
        text = json.dumps(self.normalised(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_seed(root_seed: int, sample_id: int, replication: int) -> int:
    """First 63 bits of ``SeedSequence(root_seed).spawn(..)[sample_id].spawn(..)[replication]``."""
    sequence = np.random.SeedSequence(root_seed, spawn_key=(sample_id, replication))
    return int(sequence.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


# --- reading --------------------------------------------------------------------------
def read_toml(path: str | Path, kind: str) -> tuple[str, dict[str, Any]]:
    """The text of a TOML file and what it holds; ``kind`` names it in errors.

    Raises:
        ConfigError: one line: the file is missing, a folder, unreadable or not TOML.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{kind} '{path}' not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{kind} '{path}' is a folder") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(f"cannot read {kind} '{path}': {reason}") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{kind} '{path}' is not valid TOML: {exc}") from None


def load_design(path: str | Path) -> Design:
    """Read and validate an experiment file.

    Raises:
        ConfigError: one line naming the file and the problem.
    """
    text, data = read_toml(path, "experiment file")
    return parse_design(data, source=str(path), default_name=Path(path).stem, text=text)


def parse_design(
    data: Mapping[str, Any],
    source: str = "<experiment>",
    default_name: str | None = None,
    text: str | None = None,
) -> Design:
    """Validate an experiment given as a mapping (the parsed TOML) and plan its samples.

    Args:
        data: the experiment's keys and tables.
        source: name used in error messages (the file path).
        default_name: name when the mapping has none (the file's stem).
        text: the file's text, kept for the record in the output folder.

    Raises:
        ConfigError: one line naming the source and the problem.
    """
    ctx = _Context(source)
    ctx.keys(data, TOP_KEYS, "")
    name, description = ctx.name_and_description(data, default_name)
    config = _config(ctx, data)
    scenario = data.get("scenario", config.pop("scenario", "default"))
    if not isinstance(scenario, str):
        ctx.fail(f"scenario must be a string, got {scenario!r}")
    replications = ctx.whole(data, "replications", 1, 1, MAX_REPLICATIONS)
    seed = ctx.whole(data, "seed", 0, 0, 2**63 - 1)

    fixed = config | dict(ctx.table(data, "fixed"))
    base = _base_params(ctx, scenario, fixed, data)
    factors = _factors(ctx, ctx.table(data, "vary"), fixed, base)
    sampler = ctx.table(data, "sampler")
    ctx.keys(sampler, SAMPLER_KEYS, "[sampler] ")
    method = sampler.get("method", "grid")
    if method not in METHODS:
        ctx.fail(
            f"[sampler] method must be one of {', '.join(METHODS)}, got {method!r}"
            + _hint(str(method), METHODS)
        )
    tables, every = _output(ctx, ctx.table(data, "output"))
    settings = _sampler_settings(ctx, sampler, method, factors)
    samples = _samples(ctx, method, factors, base, seed, settings)
    return Design(
        name=name,
        description=description,
        scenario=scenario,
        replications=replications,
        seed=seed,
        method=method,
        base=base,
        fixed=fixed,
        factors=factors,
        samples=tuple(samples),
        tables=tables,
        timeseries_every=every,
        source=source,
        text=text,
        **settings,
    )


# --- validation helpers -----------------------------------------------------------------
class _Context:
    """Raises one-line ``ConfigError``s prefixed with the source."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, message: str) -> NoReturn:
        raise ConfigError(f"{self.source}: {message}")

    def keys(self, mapping: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
        for key, value in mapping.items():
            if key not in allowed:
                # A typo'd [table] is reported as a table, not as a key or parameter.
                kind, name = (
                    ("table", f"[{where}{key}]")
                    if isinstance(value, Mapping)
                    else (
                        "key",
                        f"'{where}{key}'",
                    )
                )
                self.fail(
                    f"unknown {kind} {name}{_hint(key, allowed)} (allowed: {', '.join(allowed)})"
                )

    def name_and_description(
        self, data: Mapping[str, Any], default_name: str | None
    ) -> tuple[str, str]:
        """The file's ``name`` (or ``default_name``) and ``description``, checked."""
        name = data.get("name", default_name)
        if name is None:
            self.fail("missing key 'name'")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            self.fail(f"name must be 1-64 letters, digits, '-', '_' or '.', got {name!r}")
        description = data.get("description", "")
        if not isinstance(description, str):
            self.fail(f"description must be a string, got {description!r}")
        return name, description

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, Mapping):
            self.fail(f"'{key}' must be a table ([{key}]), got {value!r}")
        return value

    def whole(
        self, data: Mapping[str, Any], key: str, default: int, low: int, high: int, where: str = ""
    ) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{where}{key} must be a whole number, got {value!r}")
        if not low <= value <= high:
            self.fail(f"{where}{key} = {value} is out of range [{low}, {high}]")
        return value

    def parameter(self, where: str, action) -> Any:
        """Run ``action``; turn a ``ParameterError`` into a ``ConfigError`` at ``where``."""
        try:
            return action()
        except ParameterError as exc:
            self.fail(f"{where}{exc}")


def _config(ctx: _Context, data: Mapping[str, Any]) -> dict[str, Any]:
    """Parameter values of the ``config`` file (e.g. a calibrated.toml), below ``[fixed]``.

    The path is relative to the experiment file; the config's ``seed`` is ignored (runs
    get theirs from the root seed) and its ``steps`` yields to a top-level ``steps``.
    """
    if "config" not in data:
        return {}
    from simulation.cli import read_config

    path = data["config"]
    if not isinstance(path, str) or not path:
        ctx.fail(f"config must be the path of a TOML config file, got {path!r}")
    folder = Path(ctx.source).parent if Path(ctx.source).exists() else Path()
    try:
        values = read_config(str(folder / path))
    except ConfigError as exc:
        ctx.fail(f"config: {exc}")
    values.pop("seed", None)
    if "steps" in data:
        values.pop("steps", None)
    return values


def _hint(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


def _base_params(ctx: _Context, scenario: str, fixed: dict[str, Any], data) -> Params:
    ctx.parameter("[fixed] ", lambda: check_names(fixed))
    if "seed" in fixed:
        ctx.fail(
            "[fixed] seed: set the root seed with the top-level key 'seed' "
            "(every run gets its own seed from it)"
        )
    if "steps" in data:
        if "steps" in fixed:
            ctx.fail("steps is set both at the top and in [fixed]; keep one")
        meta = {f.name: f.metadata for f in dataclasses.fields(Params)}["steps"]
        fixed["steps"] = ctx.whole(data, "steps", 0, meta["low"], meta["high"])
    preset = ctx.parameter("", lambda: get_scenario(scenario))
    return ctx.parameter("[fixed] " if fixed else "", lambda: preset.params(**fixed))


def _factors(ctx: _Context, vary: Mapping[str, Any], fixed, base: Params) -> tuple[Factor, ...]:
    ctx.parameter("[vary] ", lambda: check_names(vary))
    factors = []
    for name, spec in vary.items():
        where = f"[vary] {name}: "
        if name == "seed":
            ctx.fail(
                "[vary] seed: seeds come from the top-level 'seed'; use replications for more seeds"
            )
        if name in fixed:
            ctx.fail(f"'{name}' is both in [fixed] and in [vary]; keep one")
        if isinstance(spec, list):
            factors.append(Factor(name, levels=_levels(ctx, where, name, spec, base)))
        elif isinstance(spec, Mapping):
            factors.append(_range(ctx, where, name, spec, base))
        else:
            ctx.fail(
                f"{where}give a list of levels ([0.2, 0.5]) or a range "
                f"({{ low = 0.2, high = 0.8 }}), got {spec!r}"
            )
    return tuple(factors)


def _levels(ctx: _Context, where: str, name: str, spec: list, base: Params) -> tuple:
    if not spec:
        ctx.fail(f"{where}the list of levels is empty")
    levels = []
    for value in spec:
        checked = ctx.parameter(where, lambda v=value: base.replace(**{name: v}))
        level = getattr(checked, name)
        if level in levels:
            ctx.fail(f"{where}level {value!r} is listed twice")
        levels.append(level)
    return tuple(levels)


def _range(ctx: _Context, where: str, name: str, spec: Mapping, base: Params) -> Factor:
    ctx.keys(spec, RANGE_KEYS, f"[vary] {name}.")
    default = getattr(base, name)
    if isinstance(default, bool) or not isinstance(default, int | float):
        ctx.fail(f"{where}a range needs a numeric parameter; list the levels instead")
    integer = isinstance(default, int)
    for key in ("low", "high"):
        if key not in spec:
            ctx.fail(f"{where}a range needs 'low' and 'high' (missing '{key}')")
        ctx.parameter(where, lambda k=key: base.replace(**{name: spec[k]}))
    low, high = spec["low"], spec["high"]
    if not low < high:
        ctx.fail(f"{where}low ({low}) must be below high ({high})")
    distribution = spec.get("distribution", "uniform")
    if distribution not in DISTRIBUTIONS:
        ctx.fail(
            f"{where}distribution must be one of {', '.join(DISTRIBUTIONS)}, "
            f"got {distribution!r}" + _hint(str(distribution), DISTRIBUTIONS)
        )
    if distribution == "loguniform" and low <= 0:
        ctx.fail(f"{where}a loguniform range needs low > 0, got {low}")
    levels = None
    if "levels" in spec:
        count = ctx.whole(spec, "levels", 2, 2, 10_000, where=f"[vary] {name}.")
        levels = _spaced_levels(ctx, where, low, high, count, distribution, integer)
    low, high = (int(low), int(high)) if integer else (float(low), float(high))
    return Factor(
        name, levels=levels, low=low, high=high, distribution=distribution, integer=integer
    )


def _spaced_levels(ctx, where, low, high, count, distribution, integer) -> tuple:
    if distribution == "loguniform":
        values = np.geomspace(low, high, count)
    else:
        values = np.linspace(low, high, count)
    levels = [round(v) for v in values] if integer else [float(v) for v in values]
    if len(set(levels)) < len(levels):
        ctx.fail(
            f"{where}{count} levels between {low} and {high} repeat whole numbers; use fewer levels"
        )
    return tuple(levels)


def _output(ctx: _Context, output: Mapping[str, Any]) -> tuple[tuple[str, ...], int]:
    ctx.keys(output, OUTPUT_KEYS, "[output] ")
    tables = output.get("tables", list(DEFAULT_TABLES))
    if not isinstance(tables, list) or not all(isinstance(t, str) for t in tables):
        ctx.fail(f"[output] tables must be a list of table names, got {tables!r}")
    for table in tables:
        if table not in TABLES:
            ctx.fail(
                f"[output] unknown table '{table}'{_hint(table, TABLES)} "
                f"(choose from {', '.join(TABLES)})"
            )
    if "runs" not in tables:
        ctx.fail("[output] tables must include 'runs' (it marks a run as finished)")
    if len(set(tables)) < len(tables):
        ctx.fail("[output] tables lists a table twice")
    every = ctx.whole(output, "timeseries_every", 1, 1, 1_000_000, where="[output] ")
    return tuple(t for t in TABLES if t in tables), every


def _sampler_settings(ctx: _Context, sampler, method: str, factors) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    if "levels" in sampler and method != "morris":
        ctx.fail("[sampler] levels is for morris; give levels of a factor in [vary]")
    if "second_order" in sampler and method != "sobol":
        ctx.fail("[sampler] second_order is for sobol only")
    if method in RANGE_METHODS:
        if not factors:
            ctx.fail(f"[vary] is empty: {method} needs at least one range to sample")
        for factor in factors:
            if not factor.is_range:
                ctx.fail(
                    f"[vary] {factor.name}: {method} samples from ranges; write "
                    f"{factor.name} = {{ low = ..., high = ... }}"
                )
            if factor.levels is not None:
                ctx.fail(
                    f"[vary] {factor.name}: 'levels' in a range is for grid and ofat, not {method}"
                )
        if "samples" not in sampler:
            ctx.fail(f"[sampler] {method} needs 'samples'")
        if method == "lhs" and isinstance(sampler["samples"], list):
            blocks = sampler["samples"]
            if not blocks:
                ctx.fail("[sampler] samples: the list of lhs blocks is empty")
            for block in blocks:
                ctx.whole({"samples": block}, "samples", 1, 1, MAX_SAMPLES, where="[sampler] ")
            if sum(blocks) > MAX_SAMPLES:
                ctx.fail(f"[sampler] samples add up to {sum(blocks)}, more than {MAX_SAMPLES}")
            settings["sample_blocks"] = tuple(blocks)
            count = sum(blocks)
        else:
            count = ctx.whole(sampler, "samples", 1, 1, MAX_SAMPLES, where="[sampler] ")
            settings["sample_blocks"] = (count,)
        settings["sample_count"] = count
        if method == "sobol" and count & (count - 1):
            ctx.fail(f"[sampler] sobol needs samples to be a power of 2 (e.g. 64), got {count}")
        if method == "morris":
            settings["morris_levels"] = ctx.whole(sampler, "levels", 4, 2, 1000, where="[sampler] ")
        if method == "sobol":
            second = sampler.get("second_order", False)
            if not isinstance(second, bool):
                ctx.fail(f"[sampler] second_order must be true or false, got {second!r}")
            settings["second_order"] = second
    else:
        for factor in factors:
            if factor.levels is None:
                ctx.fail(
                    f"[vary] {factor.name}: {method} needs levels; list them "
                    f"({factor.name} = [{factor.low}, {factor.high}]), give the range a "
                    f"number of levels (levels = 3), or use lhs, sobol or morris"
                )
        if "samples" in sampler:  # allowed (the README's example has it), unused
            ctx.whole(sampler, "samples", 1, 1, MAX_SAMPLES, where="[sampler] ")
    return settings


def _samples(
    ctx: _Context, method: str, factors, base: Params, seed: int, settings
) -> list[dict[str, Any]]:
    names = [f.name for f in factors]
    if method == "grid":
        size = int(np.prod([len(f.levels) for f in factors], dtype=float))
        if size > MAX_SAMPLES:
            ctx.fail(f"the grid has {size} samples, more than {MAX_SAMPLES}; use lhs or sobol")
        samples = [
            dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(f.levels for f in factors))
        ]
    elif method == "ofat":
        centre = {n: getattr(base, n) for n in names}
        samples = [dict(centre)]
        for factor in factors:
            samples += [
                centre | {factor.name: level}
                for level in factor.levels
                if level != centre[factor.name]
            ]
    else:
        unit = _unit_design(method, len(factors), samplers.sampler_seed(seed), settings)
        columns = [
            samplers.scale(unit[:, i], f.low, f.high, f.distribution, f.integer)
            for i, f in enumerate(factors)
        ]
        samples = [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
    for sample_id, values in enumerate(samples):
        ctx.parameter(f"sample {sample_id} ({_show(values)}): ", lambda v=values: base.replace(**v))
    return samples


def _unit_design(method: str, d: int, seed: int, settings) -> np.ndarray:
    count = settings["sample_count"]
    if method == "lhs":
        return samplers.latin_hypercube(d, settings["sample_blocks"], seed)
    if method == "sobol":
        return samplers.saltelli(d, count, seed, settings["second_order"])
    return samplers.morris_trajectories(d, count, settings["morris_levels"], seed)


def _show(values: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in values.items())
