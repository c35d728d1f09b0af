"""Targets files: read and validate them (one-line errors), and the user's own data.

A targets file is TOML::

    name = "literature"                # letters, digits, - _ . (names the calibration)
    description = "Published facts on alliance survival and outcomes"
    scenario = "default"               # base scenario (see `alliances scenarios`)
    steps = 240                        # horizon of every model run, in months
    warmup = 60                        # only alliances born at or after this month count
    replications = 1                   # model runs per particle (their alliances are pooled)
    seed = 2026                        # root seed of the calibration

    [fixed]                            # parameter values held fixed
    n_organisations = 300

    [free.transform_hazard]            # the parameters to calibrate, with their priors
    low = 0.02
    high = 0.3
    distribution = "loguniform"        # uniform (default) | loguniform | normal
    # normal also needs mean and sd; it is truncated to [low, high]

    [statistics.median_lifespan]       # the targeted summary statistics (see STATISTICS)
    value = 84                         # months
    tolerance = 18                     # a miss of one tolerance counts 1 in the distance
    weight = 1.0                       # optional multiplier of its squared miss (default 1)
    source = "Bleeke & Ernst 1995"

    [statistics.survival_72]           # Kaplan-Meier survival from founding at 72 months
    value = 0.6
    tolerance = 0.1
    source = "..."

    [data]                             # instead of values: the user's own alliances
    file = "my_alliances.csv"          # CSV or Parquet, relative to the targets file

    [abc]                              # defaults of the command-line options
    population = 200
    generations = 6
    max_runs = 20000

    [report]
    draws = 20                         # posterior draws for the predictive and the patterns
    pattern_seeds = 4                  # seeds per arm of each pattern, per draw
    pattern_organisations = 200

With ``[data]`` the value of each listed statistic is computed from the file with the same
estimator as for model runs, and its default tolerance is the estimate's standard error
(never below the statistic's floor); giving a ``value`` then is an error.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.errors import ConfigError
from simulation.params import PARAMETER_NAMES, Params, check_names
from simulation.scenarios import get_scenario
from simulation.sweep.design import _Context as _SweepContext
from simulation.sweep.design import read_toml

TOP_KEYS = (
    "name",
    "description",
    "scenario",
    "steps",
    "warmup",
    "replications",
    "seed",
    "fixed",
    "free",
    "statistics",
    "data",
    "abc",
    "report",
)
PRIOR_KEYS = ("low", "high", "distribution", "mean", "sd")
STAT_KEYS = ("value", "tolerance", "weight", "source")
DATA_KEYS = ("file",)
ABC_KEYS = ("population", "generations", "max_runs")
REPORT_KEYS = ("draws", "pattern_seeds", "pattern_organisations")
DISTRIBUTIONS = ("uniform", "loguniform", "normal")
_SURVIVAL = re.compile(r"survival_(\d{1,4})")

#: The statistics a targets file may name, with their unit and default tolerance (also
#: the floor of a tolerance computed from data). ``survival_<months>`` is any age.
STATISTICS: dict[str, tuple[str, float, str]] = {
    "median_lifespan": ("months", 12.0, "Kaplan-Meier median lifespan from founding"),
    "survival_<months>": ("share", 0.05, "Kaplan-Meier survival from founding at that age"),
    "share_ended": ("share", 0.05, "share of founded alliances that ended before the horizon"),
    "share_success": ("share", 0.05, "share of ended alliances whose end_outcome is success"),
    "share_intermediate": ("share", 0.05, "share of ended alliances ending intermediate"),
    "share_failure": ("share", 0.05, "share of ended alliances whose end_outcome is failure"),
    "transformation_rate": ("per year", 0.05, "transformations per alliance-year from founding"),
    "mean_peak_size": ("members", 1.0, "mean peak size of founded alliances"),
}
OUTCOME_STATISTICS = ("share_success", "share_intermediate", "share_failure")
#: Columns a data file needs for a statistic beyond ``duration`` and ``event_observed``.
DATA_COLUMNS = {
    "share_success": "end_outcome",
    "share_intermediate": "end_outcome",
    "share_failure": "end_outcome",
    "transformation_rate": "transformations",
    "mean_peak_size": "peak_size",
}
OUTCOMES = ("success", "intermediate", "failure")


@dataclass(frozen=True)
class Prior:
    """The prior of one free parameter."""

    name: str
    low: float
    high: float
    distribution: str = "uniform"
    mean: float | None = None
    sd: float | None = None
    integer: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description."""
        out: dict[str, Any] = {
            "name": self.name,
            "low": self.low,
            "high": self.high,
            "distribution": self.distribution,
        }
        if self.distribution == "normal":
            out |= {"mean": self.mean, "sd": self.sd}
        return out

    def rv_args(self) -> tuple[str, tuple[float, ...]]:
        """The scipy.stats name and arguments of this prior (as pyABC's ``RV`` takes them)."""
        if self.distribution == "uniform":
            return "uniform", (self.low, self.high - self.low)
        if self.distribution == "loguniform":
            return "loguniform", (self.low, self.high)
        mean, sd = float(self.mean or 0.0), float(self.sd or 1.0)  # set for a normal prior
        return "truncnorm", ((self.low - mean) / sd, (self.high - mean) / sd, mean, sd)


@dataclass(frozen=True)
class Statistic:
    """One targeted summary statistic: its value, tolerance, weight and source."""

    name: str
    value: float
    tolerance: float
    weight: float = 1.0
    source: str = ""

    @property
    def kind(self) -> str:
        """``survival`` for ``survival_<months>``, else the name."""
        return "survival" if _SURVIVAL.fullmatch(self.name) else self.name

    @property
    def age(self) -> int | None:
        """The age (months) of a survival statistic."""
        match = _SURVIVAL.fullmatch(self.name)
        return int(match.group(1)) if match else None

    @property
    def unit(self) -> str:
        """Unit of the statistic."""
        return STATISTICS["survival_<months>" if self.kind == "survival" else self.name][0]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description."""
        return dataclasses.asdict(self)


@dataclass(frozen=True, eq=False)
class Targets:
    """A validated targets file. Build it with :func:`load_targets` or :func:`parse_targets`."""

    name: str
    description: str
    scenario: str
    steps: int
    warmup: int
    replications: int
    seed: int
    base: Params
    fixed: Mapping[str, Any]
    priors: tuple[Prior, ...]
    statistics: tuple[Statistic, ...]
    data_file: str | None = None
    population: int = 100
    generations: int = 5
    max_runs: int | None = None
    draws: int = 20
    pattern_seeds: int = 4
    pattern_organisations: int = 200
    source: str = "<targets>"
    text: str | None = field(default=None, repr=False)

    @property
    def free(self) -> tuple[str, ...]:
        """Names of the free parameters, in file order."""
        return tuple(p.name for p in self.priors)

    @property
    def observed(self) -> dict[str, float]:
        """The target values by statistic name."""
        return {s.name: s.value for s in self.statistics}

    def params(self, values: Mapping[str, Any], seed: int) -> Params:
        """The parameters of a model run: base, then the free values (rounded for integers)."""
        clean = {}
        for prior in self.priors:
            value = float(values[prior.name])
            value = min(max(value, prior.low), prior.high)
            clean[prior.name] = round(value) if prior.integer else value
        return self.base.replace(**clean, seed=seed)

    def normalised(self) -> dict[str, Any]:
        """Everything that decides the calibration's particles, JSON-ready (the fingerprint)."""
        plain = self.base.to_dict()
        return {
            "name": self.name,
            "scenario": self.scenario,
            "steps": self.steps,
            "warmup": self.warmup,
            "replications": self.replications,
            "seed": self.seed,
            "population": self.population,
            "fixed": {k: plain[k] for k in sorted(self.fixed)},
            "free": [p.to_dict() for p in self.priors],
            "statistics": [
                {k: v for k, v in s.to_dict().items() if k != "source"} for s in self.statistics
            ],
        }

    def fingerprint(self) -> str:
        """Short hash of :meth:`normalised`."""
        text = json.dumps(self.normalised(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def with_options(self, **options: Any) -> Targets:
        """A copy with some of the ``[abc]`` and ``[report]`` settings changed (None keeps)."""
        changes = {k: v for k, v in options.items() if v is not None}
        return dataclasses.replace(self, **changes)


# --- reading ---------------------------------------------------------------------------
def load_targets(path: str | Path) -> Targets:
    """Read and validate a targets file (and its ``[data]`` file).

    Raises:
        ConfigError: one line naming the file and the problem.
    """
    file = Path(path)
    text, data = read_toml(path, "targets file")
    return parse_targets(
        data, source=str(path), default_name=file.stem, text=text, folder=file.parent
    )


def parse_targets(
    data: Mapping[str, Any],
    source: str = "<targets>",
    default_name: str | None = None,
    text: str | None = None,
    folder: str | Path = ".",
) -> Targets:
    """Validate a targets file given as a mapping (the parsed TOML).

    Args:
        data: the file's keys and tables.
        source: name used in error messages (the file path).
        default_name: name when the mapping has none (the file's stem).
        text: the file's text, kept in the output folder.
        folder: where a relative ``[data] file`` is looked for.

    Raises:
        ConfigError: one line naming the source and the problem.
    """
    ctx = _Context(source)
    ctx.keys(data, TOP_KEYS, "")
    name, description = ctx.name_and_description(data, default_name)
    scenario = data.get("scenario", "default")
    if not isinstance(scenario, str):
        ctx.fail(f"scenario must be a string, got {scenario!r}")
    steps_meta = {f.name: f.metadata for f in dataclasses.fields(Params)}["steps"]
    steps = ctx.whole(data, "steps", 240, steps_meta["low"], steps_meta["high"])
    warmup = ctx.whole(data, "warmup", 0, 0, steps - 1)
    replications = ctx.whole(data, "replications", 1, 1, 1000)
    seed = ctx.whole(data, "seed", 0, 0, 2**63 - 1)

    fixed = dict(ctx.table(data, "fixed"))
    base = _base(ctx, scenario, fixed, steps, warmup)
    priors = _priors(ctx, ctx.table(data, "free"), fixed, base)
    data_table = ctx.table(data, "data")
    ctx.keys(data_table, DATA_KEYS, "[data] ")
    data_file = None
    if data_table:
        if "file" not in data_table:
            ctx.fail("[data] needs 'file' (a CSV or Parquet file of your alliances)")
        if not isinstance(data_table["file"], str) or not data_table["file"]:
            ctx.fail(f"[data] file must be a path, got {data_table['file']!r}")
        data_file = str(Path(folder) / data_table["file"])
    statistics = _statistics(ctx, ctx.table(data, "statistics"), steps, warmup, data_file)

    abc = ctx.table(data, "abc")
    ctx.keys(abc, ABC_KEYS, "[abc] ")
    population = ctx.whole(abc, "population", 100, 2, 1_000_000, where="[abc] ")
    generations = ctx.whole(abc, "generations", 5, 1, 1000, where="[abc] ")
    max_runs = None
    if "max_runs" in abc:
        max_runs = ctx.whole(abc, "max_runs", 1, 1, 10**12, where="[abc] ")
    report = ctx.table(data, "report")
    ctx.keys(report, REPORT_KEYS, "[report] ")
    draws = ctx.whole(report, "draws", 20, 0, 100_000, where="[report] ")
    pattern_seeds = ctx.whole(report, "pattern_seeds", 4, 1, 1000, where="[report] ")
    pattern_orgs = ctx.whole(report, "pattern_organisations", 200, 2, 200_000, where="[report] ")
    return Targets(
        name=name,
        description=description,
        scenario=scenario,
        steps=steps,
        warmup=warmup,
        replications=replications,
        seed=seed,
        base=base,
        fixed=fixed,
        priors=priors,
        statistics=statistics,
        data_file=data_file,
        population=population,
        generations=generations,
        max_runs=max_runs,
        draws=draws,
        pattern_seeds=pattern_seeds,
        pattern_organisations=pattern_orgs,
        source=source,
        text=text,
    )


# --- validation helpers ----------------------------------------------------------------
class _Context(_SweepContext):
    """Raises one-line ``ConfigError``s prefixed with the source."""

    def number(self, data: Mapping[str, Any], key: str, where: str) -> float:
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            self.fail(f"{where}{key} must be a number, got {value!r}")
        if math.isinf(value):
            self.fail(f"{where}{key} must be finite, got {value!r}")
        return float(value)


def _hint(word: str, options) -> str:
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


def _base(ctx: _Context, scenario: str, fixed: dict[str, Any], steps: int, warmup: int) -> Params:
    ctx.parameter("[fixed] ", lambda: check_names(fixed))
    for key in ("seed", "steps", "warmup"):
        if key in fixed:
            ctx.fail(f"[fixed] {key}: set it with the top-level key '{key}'")
    fixed["steps"] = steps
    if "warmup" in PARAMETER_NAMES:  # Model 2: the runs' own summaries use the warm-up too
        fixed["warmup"] = warmup
    preset = ctx.parameter("", lambda: get_scenario(scenario))
    return ctx.parameter("[fixed] ", lambda: preset.params(**fixed))


def _priors(ctx: _Context, free: Mapping[str, Any], fixed, base: Params) -> tuple[Prior, ...]:
    if not free:
        ctx.fail("[free] is empty: name at least one parameter to calibrate, with its prior")
    ctx.parameter("[free] ", lambda: check_names(free))
    priors = []
    for name, spec in free.items():
        where = f"[free] {name}: "
        if name in ("seed", "steps", "warmup"):
            ctx.fail(f"{where}cannot be calibrated")
        if name in fixed:
            ctx.fail(f"'{name}' is both in [fixed] and in [free]; keep one")
        if not isinstance(spec, Mapping):
            ctx.fail(f"{where}give a prior as a table ({{ low = 0.1, high = 0.9 }}), got {spec!r}")
        ctx.keys(spec, PRIOR_KEYS, f"[free] {name}.")
        default = getattr(base, name)
        if isinstance(default, bool) or not isinstance(default, int | float):
            ctx.fail(f"{where}only numeric parameters can be calibrated")
        for key in ("low", "high"):
            if key not in spec:
                ctx.fail(f"{where}a prior needs 'low' and 'high' (missing '{key}')")
            ctx.number(spec, key, where)
            ctx.parameter(where, lambda v=spec[key], n=name: base.replace(**{n: v}))
        low, high = float(spec["low"]), float(spec["high"])
        if not low < high:
            ctx.fail(f"{where}low ({spec['low']}) must be below high ({spec['high']})")
        distribution = spec.get("distribution", "uniform")
        if distribution not in DISTRIBUTIONS:
            ctx.fail(
                f"{where}distribution must be one of {', '.join(DISTRIBUTIONS)}, "
                f"got {distribution!r}" + _hint(str(distribution), DISTRIBUTIONS)
            )
        if distribution == "loguniform" and low <= 0:
            ctx.fail(f"{where}a loguniform prior needs low > 0, got {spec['low']}")
        mean = sd = None
        if distribution == "normal":
            for key in ("mean", "sd"):
                if key not in spec:
                    ctx.fail(f"{where}a normal prior needs 'mean' and 'sd' (missing '{key}')")
            mean, sd = ctx.number(spec, "mean", where), ctx.number(spec, "sd", where)
            if sd <= 0:
                ctx.fail(f"{where}sd must be positive, got {spec['sd']}")
        elif "mean" in spec or "sd" in spec:
            ctx.fail(f"{where}mean and sd are for a normal prior only")
        priors.append(
            Prior(name, low, high, distribution, mean, sd, integer=isinstance(default, int))
        )
    return tuple(priors)


def _statistics(
    ctx: _Context, table: Mapping[str, Any], steps: int, warmup: int, data_file: str | None
) -> tuple[Statistic, ...]:
    if not table:
        ctx.fail("[statistics] is empty: name at least one statistic to target")
    known = [k for k in STATISTICS if k != "survival_<months>"]
    follow_up = steps - warmup
    specs = {}
    for name, spec in table.items():
        where = f"[statistics] {name}: "
        match = _SURVIVAL.fullmatch(name)
        if name not in known and not match:
            ctx.fail(
                f"unknown statistic '{name}'{_hint(name, [*known, 'survival_72'])} "
                f"(choose from {', '.join(STATISTICS)})"
            )
        if match and not 0 < int(match.group(1)) < follow_up:
            ctx.fail(
                f"{where}the age must be between 1 and {follow_up - 1} months (runs follow "
                f"alliances for at most steps - warmup = {follow_up} months)"
            )
        if not isinstance(spec, Mapping):
            ctx.fail(f"{where}give a table ({{ value = ..., tolerance = ... }}), got {spec!r}")
        ctx.keys(spec, STAT_KEYS, f"[statistics] {name}.")
        if data_file is None and "value" not in spec:
            ctx.fail(f"{where}needs a 'value' (or give your alliances in [data])")
        if data_file is not None and "value" in spec:
            ctx.fail(f"{where}the value comes from [data]; remove 'value' or remove [data]")
        if data_file is None and "source" not in spec:
            ctx.fail(f"{where}needs a 'source' (where the value comes from)")
        source = spec.get("source", "")
        if not isinstance(source, str):
            ctx.fail(f"{where}source must be a string, got {source!r}")
        for key in ("tolerance", "weight"):
            if key in spec and ctx.number(spec, key, where) <= 0:
                ctx.fail(f"{where}{key} must be positive, got {spec[key]}")
        value = None
        if "value" in spec:
            value = ctx.number(spec, "value", where)
            kind = "survival" if match else name
            if (kind == "survival" or kind.startswith("share_")) and not 0 <= value <= 1:
                ctx.fail(f"{where}a share must be between 0 and 1, got {spec['value']}")
            if value < 0:
                ctx.fail(f"{where}value must not be negative, got {spec['value']}")
        specs[name] = (value, spec.get("tolerance"), float(spec.get("weight", 1.0)), source)
    if data_file is not None:
        observed = statistics_from_data(data_file, list(specs), steps, warmup)
        specs = {
            name: (
                observed[name][0],
                tolerance if tolerance is not None else observed[name][1],
                weight,
                source or f"computed from {data_file}",
            )
            for name, (_, tolerance, weight, source) in specs.items()
        }
    out = []
    for name, (value, tolerance, weight, source) in specs.items():
        assert value is not None  # from the file, or from the data
        floor = STATISTICS["survival_<months>" if _SURVIVAL.fullmatch(name) else name][1]
        tol = float(tolerance) if tolerance is not None else floor
        out.append(Statistic(name, float(value), tol, weight, source))
    return tuple(out)


# --- the user's data -------------------------------------------------------------------
def read_data(path: str | Path) -> pd.DataFrame:
    """Read and check a data file of alliances (one row each); return the founded ones.

    Columns as in the ``alliances`` table: ``duration`` (months from founding),
    ``event_observed`` (ended before the end of observation) and optionally
    ``end_outcome`` (success, intermediate, failure), ``transformations``, ``peak_size``.
    Rows of alliances never founded (``founded_at`` empty, or ``founded`` false, when those
    columns are there) are left out, so a saved ``alliances`` table is valid data.

    Raises:
        ConfigError: one line naming the file and the problem.
    """
    file = Path(path)
    where = f"data file '{path}'"
    if not file.exists():
        raise ConfigError(f"{where} not found")
    if file.is_dir():
        frame = _read_parquet(file, where)
    elif file.suffix.lower() == ".csv":
        try:
            frame = pd.read_csv(file)
        except pd.errors.EmptyDataError:
            raise ConfigError(f"{where} is empty") from None
        except (pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
            raise ConfigError(f"{where} is not a readable CSV file: {_first_line(exc)}") from None
    elif file.suffix.lower() in (".parquet", ".pq"):
        frame = _read_parquet(file, where)
    else:
        raise ConfigError(f"{where} must be a .csv or .parquet file (or a folder of parts)")
    for column in ("duration", "event_observed"):
        if column not in frame.columns:
            raise ConfigError(
                f"{where} has no '{column}' column (columns: {', '.join(map(str, frame.columns))})"
            )
    if "founded_at" in frame.columns:
        frame = frame[frame["founded_at"].notna()]
    elif "founded" in frame.columns:
        frame = frame[_booleans(frame["founded"], where, "founded").fillna(False)]
    if frame.empty:
        raise ConfigError(f"{where} holds no (founded) alliances")
    frame = frame.reset_index(drop=True)
    duration = pd.to_numeric(frame["duration"], errors="coerce")
    bad = duration.isna() | ~np.isfinite(duration.to_numpy(dtype=float, na_value=np.nan))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ConfigError(
            f"{where}: duration is missing or not a number in row {row + 1} "
            f"({frame['duration'].iloc[row]!r})"
        )
    if (duration < 0).any():
        row = int(np.flatnonzero((duration < 0).to_numpy())[0])
        raise ConfigError(f"{where}: negative duration {duration.iloc[row]} in row {row + 1}")
    observed = _booleans(frame["event_observed"], where, "event_observed")
    if observed.isna().any():
        row = int(np.flatnonzero(observed.isna().to_numpy())[0])
        raise ConfigError(f"{where}: event_observed is missing in row {row + 1}")
    if not observed.any():
        raise ConfigError(
            f"{where} has no events (event_observed is false for every alliance): "
            "nothing to estimate survival from"
        )
    out = pd.DataFrame(
        {"duration": duration.astype(float), "event_observed": observed.astype(bool)}
    )
    if "end_outcome" in frame.columns:
        outcome = frame["end_outcome"].astype("string").str.strip().str.lower()
        ended = out["event_observed"].to_numpy()
        wrong = outcome[ended & outcome.notna().to_numpy() & ~outcome.isin(OUTCOMES).to_numpy()]
        if len(wrong):
            raise ConfigError(
                f"{where}: end_outcome must be one of {', '.join(OUTCOMES)}, got "
                f"{wrong.iloc[0]!r} in row {int(wrong.index[0]) + 1}"
            )
        out["end_outcome"] = outcome.where(outcome.isin(OUTCOMES))
    for column in ("transformations", "peak_size"):
        if column in frame.columns:
            values = pd.to_numeric(frame[column], errors="coerce")
            if values.isna().any() or (values < 0).any():
                row = int(np.flatnonzero((values.isna() | (values < 0)).to_numpy())[0])
                raise ConfigError(
                    f"{where}: {column} must be a non-negative number, got "
                    f"{frame[column].iloc[row]!r} in row {row + 1}"
                )
            out[column] = values.astype(float)
    return out


def statistics_from_data(
    path: str | Path, names: list[str], steps: int, warmup: int
) -> dict[str, tuple[float, float]]:
    """Each statistic's value and standard error from a data file (same estimators).

    Raises:
        ConfigError: the file is bad, lacks a column a statistic needs, or a statistic
            cannot be estimated from it.
    """
    from simulation.calibrate import statistics

    frame = read_data(path)
    where = f"data file '{path}'"
    for name in names:
        column = DATA_COLUMNS.get(name)
        if column is not None and column not in frame.columns:
            raise ConfigError(f"{where} has no '{column}' column, which {name} needs")
        if (
            name in OUTCOME_STATISTICS
            and frame.loc[frame.event_observed, "end_outcome"].isna().all()
        ):
            raise ConfigError(f"{where}: end_outcome is empty for every ended alliance")
    estimates = statistics.estimate(frame, names)
    for name, (value, _) in estimates.items():
        if not np.isfinite(value):
            reason = (
                "the Kaplan-Meier curve never falls to one half"
                if name == "median_lifespan"
                else "too few alliances"
            )
            raise ConfigError(f"{where}: cannot estimate {name} ({reason})")
    return estimates


def _read_parquet(file: Path, where: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(file)
    except Exception as exc:  # pyarrow raises many kinds for a file that is not Parquet
        raise ConfigError(f"{where} is not a readable Parquet file: {_first_line(exc)}") from None


def _booleans(column: pd.Series, where: str, name: str) -> pd.Series:
    """A column of true/false (bool, 0/1, or the words) as a nullable boolean Series."""
    if pd.api.types.is_bool_dtype(column):
        return column.astype("boolean")
    words = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
    text = column.astype("string").str.strip().str.lower()
    text = text.str.replace(r"\.0$", "", regex=True)
    mapped = text.map(words, na_action="ignore")
    bad = text.notna() & mapped.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ConfigError(
            f"{where}: {name} must be true or false (or 1/0), got {column.iloc[row]!r} "
            f"in row {row + 1}"
        )
    return mapped.astype("boolean")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
