"""The ``alliances`` command: parses, calls, and reports input errors in one line.

Subcommands: ``run``, ``params``, ``scenarios``, ``columns`` (here), ``sweep`` and ``report``
(``simulation.sweep.command``, ``simulation.analysis.command``), ``demo`` and ``animate``
(``simulation.app.command``). Heavy libraries are imported only by the subcommand that
needs them, so ``alliances --help`` stays quick.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import logging
import os
import shutil
import sys
import time
import tomllib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from simulation.errors import AllianceError, ConfigError, OutputError, ParameterError

#: What ``--verbose`` prints goes through this logger (to stderr).
log = logging.getLogger("simulation")

#: Subcommands implemented elsewhere: name -> (module, help line).
DELEGATED = {
    "sweep": ("simulation.sweep.command", "run an experiment file (many runs, resumable)"),
    "report": ("simulation.analysis.command", "figures and report.md for a results folder"),
    "demo": ("simulation.app.command", "serve the classroom app locally (offline)"),
    "animate": ("simulation.app.command", "render the classroom views to a GIF or MP4"),
    "classroom": ("simulation.classroom.command", "a live round: students play organisations"),
    "calibrate": ("simulation.calibrate.command", "fit parameters to targets or data (ABC-SMC)"),
}


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse ``name=value``; the value is read as TOML (numbers, strings, lists, tables)."""
    if "=" not in text:
        raise ParameterError(f"--set expects name=value, got '{text}'")
    name, raw = (part.strip() for part in text.split("=", 1))
    if not name:
        raise ParameterError(f"--set expects name=value, got '{text}'")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw  # a bare word, e.g. arrangement=equal
    return name, value


def read_config(path: str) -> dict[str, Any]:
    """Read a TOML config file of parameter values (and optionally ``scenario``)."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file '{path}' not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file '{path}' is not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file '{path}': {exc.strerror}") from None
    if "params" in data and isinstance(data["params"], dict):
        data = {**{k: v for k, v in data.items() if k != "params"}, **data["params"]}
    from simulation.params import PARAMETER_NAMES

    for key, value in data.items():
        # A table is a parameter only if the parameter takes one (a schedule component).
        if isinstance(value, dict) and key not in PARAMETER_NAMES:
            raise ConfigError(
                f"config file '{path}' has an unknown table [{key}]: put parameters at the "
                "top or under [params]"
            )
    return data


def add_settings_options(parser: argparse.ArgumentParser, what: str = "a parameter") -> None:
    """Add ``--config FILE.toml`` and ``--set NAME=VALUE`` (repeatable) to ``parser``."""
    parser.add_argument(
        "--config",
        metavar="FILE.toml",
        help="parameter values (and optionally scenario, seed) from a TOML file",
    )
    parser.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help=f"set {what} (repeatable; wins over --config), e.g. --set pressure=0.6",
    )


def read_settings(args: argparse.Namespace) -> tuple[str | None, dict[str, Any]]:
    """The scenario named in ``--config`` (if any) and the values of ``--config`` and ``--set``.

    ``--set`` wins over ``--config``; nothing is validated yet.

    Raises:
        ConfigError: the config file cannot be read or has an unknown table.
        ParameterError: a ``--set`` is not ``name=value``.
    """
    overrides: dict[str, Any] = {}
    scenario = None
    if getattr(args, "config", None):
        config = read_config(args.config)
        scenario = config.pop("scenario", None)
        overrides.update(config)
    for item in getattr(args, "set", None) or []:
        name, value = parse_assignment(item)
        overrides[name] = value
    return scenario, overrides


def _cmd_run(args: argparse.Namespace) -> int:
    from simulation.results import prepare_folder
    from simulation.runner import run
    from simulation.scenarios import get_scenario

    configured, overrides = read_settings(args)
    scenario = args.scenario or configured
    if args.steps is not None:
        overrides["steps"] = args.steps
    seed = args.seed if args.seed is not None else overrides.pop("seed", 0)
    overrides.pop("seed", None)
    scenario = scenario or "default"
    params = get_scenario(scenario).params(**overrides, seed=seed)  # bad input: before any I/O
    describe_settings(scenario, params, overrides)
    out = Path(args.out)
    if out.exists() and out.is_dir() and any(out.iterdir()):
        # Results.save adds parts to a folder (that is how sweeps grow); a single run from
        # the command line gets a folder of its own, so two runs are never mixed by accident.
        raise OutputError(f"output folder '{out}' is not empty; choose a new folder")
    created = not out.exists()
    prepare_folder(out)  # an unwritable folder fails before the simulation, not after
    try:
        results = run(scenario, seed=seed, progress=True, **overrides)
        results.save(out, format=args.format)
    except BaseException:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise
    print(results.summary())
    print(f"tables written to {out}/ ({args.format})")
    return 0


def _cmd_params(args: argparse.Namespace) -> int:
    from simulation.params import parameter_table

    rows = parameter_table()
    group = None
    for row in rows:
        if row["group"] != group:
            group = row["group"]
            print(f"\n[{group}]")
        rng = "" if row["low"] is None else f"[{row['low']}, {row['high']}]"
        claim = "" if row["claim"] == "-" else f" ({row['claim']})"
        print(
            f"  {row['name']:<24} {row['default']!s:<14} {rng:<20} {row['unit']:<14} "
            f"{row['meaning']}{claim}"
        )
    return 0


def describe_settings(scenario: str, params: Any, overrides: dict[str, Any]) -> None:
    """Say (with ``--verbose``) which scenario, seed, horizon and settings a command uses."""
    listed = ", ".join(f"{k}={v}" for k, v in overrides.items())
    log.info(
        "scenario %s, seed %d, %d months%s",
        scenario,
        params.seed,
        params.steps,
        f"; set {listed}" if listed else "",
    )


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from simulation.scenarios import SCENARIOS

    for scenario in SCENARIOS.values():
        changes = ", ".join(
            f"{k}={v}" for k, v in scenario.overrides.items() if k != "pressure_schedule"
        )
        print(f"{scenario.name:<16} {scenario.description}")
        if changes:
            print(f"{'':<16} ({changes})")
        for line in pressure_lines(scenario.params()):
            print(f"{'':<16} {line}")
    return 0


#: Eight levels for a one-line chart of pressure.
_BARS = "▁▂▃▄▅▆▇█"


def pressure_lines(params: Any) -> list[str]:
    """Two lines on a run's pressure: its schedule in words and a chart by year."""
    import numpy as np

    from simulation.schedules import pressure_path

    parts = [f"pressure {params.pressure:g}"]
    for c in params.pressure_schedule:
        if c.kind == "shock":
            lasting = f" for {c.duration} months" if c.duration else " from then on"
            parts.append(f"{c.size:+g} shock at month {c.at}{lasting}")
        elif c.kind == "ramp":
            parts.append(f"{c.size:+g} ramp from month {c.start} to {c.end}")
        elif c.kind == "periodic":
            parts.append(f"±{c.amplitude:g} cycle of {c.period} months")
        else:
            parts.append(f"random shocks of {c.size:+g} ({c.rate:g} a month, {c.duration} months)")
    # The seed's own draw for random shocks, so the chart shows what that run sees.
    path = pressure_path(
        params.pressure, params.pressure_schedule, params.steps, np.random.default_rng(params.seed)
    )
    yearly = path[::12]
    chart = "".join(_BARS[min(int(v * len(_BARS)), len(_BARS) - 1)] for v in yearly)
    return [", ".join(parts), f"by year {chart} (0 to 1, {len(yearly)} years)"]


def _cmd_columns(args: argparse.Namespace) -> int:
    import difflib

    from simulation import dictionary

    if args.markdown:
        sys.stdout.write(dictionary.render_markdown())
        return 0
    if args.table is not None and args.table not in dictionary.DESCRIPTIONS:
        names = list(dictionary.DESCRIPTIONS)
        close = difflib.get_close_matches(args.table, names, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ConfigError(f"unknown table '{args.table}'{hint} (choose from {', '.join(names)})")
    sys.stdout.write(dictionary.render_text(args.table))
    return 0


def package_version() -> str:
    """The installed version of this package (read without importing the package)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("alliance-lifecycle")
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``alliances``."""
    parser = argparse.ArgumentParser(
        prog="alliances",
        description="Simulate the lifecycle of values-driven alliances "
        "(forming, founding, evolving, transforming).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    _add_verbosity(parser, default=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run one scenario and write its tables",
        description="Run one scenario with one seed to its horizon, write its five tables "
        "(runs, alliances, events, timeseries, memberships) to a new folder and print a "
        "summary. See `alliances columns` for what each column means.",
    )
    run.add_argument("--scenario", help="scenario name (see `alliances scenarios`)")
    add_settings_options(run)
    run.add_argument("--seed", type=int, help="random seed (default 0)")
    run.add_argument("--steps", type=int, help="months to simulate (default 240)")
    run.add_argument("--out", required=True, metavar="DIR", help="output folder (new or empty)")
    run.add_argument(
        "--format",
        choices=("parquet", "csv"),
        default="parquet",
        help="table format (default parquet: a folder per table; csv: one file per table)",
    )
    run.set_defaults(handler=_cmd_run)

    params = sub.add_parser(
        "params",
        help="list every parameter with default, range, meaning",
        description="List every parameter by group: name, default, allowed range, unit and "
        "meaning. Set them with --set NAME=VALUE or in a --config file.",
    )
    params.set_defaults(handler=_cmd_params)
    scenarios = sub.add_parser(
        "scenarios",
        help="list the named scenarios and their pressure",
        description="List the named scenarios: what each shows, the parameters it sets, "
        "and its pressure schedule in words and as a chart by year.",
    )
    scenarios.set_defaults(handler=_cmd_scenarios)
    columns = sub.add_parser(
        "columns",
        help="the data dictionary: every column of the output tables",
        description="Print the data dictionary: each column's type, unit, meaning and allowed "
        "values, for one table or all. The same entries are in docs/DATA.md and in the "
        "field metadata of every Parquet file.",
    )
    columns.add_argument(
        "table",
        nargs="?",
        metavar="TABLE",
        help="runs, alliances, events, timeseries or memberships (default: all)",
    )
    columns.add_argument(
        "--markdown", action="store_true", help="print docs/DATA.md (all tables, Markdown)"
    )
    columns.set_defaults(handler=_cmd_columns)

    for name, (module_name, help_line) in DELEGATED.items():
        child = sub.add_parser(
            name, help=help_line, description=help_line[:1].upper() + help_line[1:] + "."
        )
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            child.set_defaults(handler=_unavailable(name))
            continue
        getattr(module, f"configure_{name}")(child)
        child.set_defaults(handler=getattr(module, f"main_{name}"))
    for child in sub.choices.values():
        _add_verbosity(child, default=argparse.SUPPRESS)
    return parser


def _add_verbosity(parser: argparse.ArgumentParser, default: Any) -> None:
    # Subcommands repeat the options with SUPPRESS defaults, so `alliances -q run` and
    # `alliances run -q` both work.
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "-q", "--quiet", action="store_true", default=default, help="print nothing but errors"
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default,
        help="also say what is done: settings used, time taken (on stderr)",
    )


@contextlib.contextmanager
def _output(quiet: bool, verbose: bool) -> Iterator[None]:
    """Quiet: the command's output and progress bars go nowhere. Verbose: log to stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("alliances: %(message)s"))
    level = log.level
    if verbose and not quiet:
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    try:
        if quiet:
            with (
                open(os.devnull, "w") as devnull,
                contextlib.redirect_stdout(devnull),
                contextlib.redirect_stderr(devnull),
            ):
                yield
        else:
            yield
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


def _unavailable(name: str):
    def handler(args: argparse.Namespace) -> int:
        raise AllianceError(f"'{name}' is not available in this installation")

    return handler


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``alliances`` console script."""
    code = _main(argv)
    if argv is None:
        # The command line's own process ends here: objects frozen now are not walked by
        # the collector when the interpreter exits (about 0.4 s after a sweep).
        gc.freeze()
    return code


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with _output(args.quiet, args.verbose):
            started = time.perf_counter()
            code = int(args.handler(args) or 0)
            log.info("%s finished in %.1f s", args.command, time.perf_counter() - started)
        return code
    except AllianceError as exc:
        print(f"alliances: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("alliances: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and friends
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
