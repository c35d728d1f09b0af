"""The ``alliances`` command: parses, calls, and reports input errors in one line.

Subcommands: ``run``, ``params``, ``scenarios`` (here), ``sweep`` and ``report``
(``simulation.sweep.command``, ``simulation.analysis.command``), ``demo`` and ``animate``
(``simulation.app.command``). Heavy libraries are imported only by the subcommand that
needs them, so ``alliances --help`` stays quick.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from simulation.errors import AllianceError, ConfigError, OutputError, ParameterError

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
    return data


def _cmd_run(args: argparse.Namespace) -> int:
    from simulation.results import prepare_folder
    from simulation.runner import run
    from simulation.scenarios import get_scenario

    overrides: dict[str, Any] = {}
    scenario = args.scenario
    if args.config:
        config = read_config(args.config)
        scenario = args.scenario or config.pop("scenario", None)
        overrides.update(config)
    for item in args.set or []:
        name, value = parse_assignment(item)
        overrides[name] = value
    if args.steps is not None:
        overrides["steps"] = args.steps
    seed = args.seed if args.seed is not None else overrides.pop("seed", 0)
    overrides.pop("seed", None)
    scenario = scenario or "default"
    get_scenario(scenario).params(**overrides, seed=seed)  # bad input fails before any I/O
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
        print(
            f"  {row['name']:<24} {row['default']!s:<14} {rng:<20} {row['unit']:<14} "
            f"{row['meaning']}"
        )
    return 0


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from simulation.scenarios import SCENARIOS

    for scenario in SCENARIOS.values():
        changes = ", ".join(
            f"{k}={v}" for k, v in scenario.overrides.items() if k != "pressure_schedule"
        )
        if "pressure_schedule" in scenario.overrides:
            changes += ", with a pressure shock"
        print(f"{scenario.name:<16} {scenario.description}")
        if changes:
            print(f"{'':<16} ({changes.lstrip(', ')})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``alliances``."""
    parser = argparse.ArgumentParser(
        prog="alliances",
        description="Simulate the lifecycle of values-driven alliances "
        "(forming, founding, evolving, transforming).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run one scenario and write its tables")
    run.add_argument("--scenario", help="scenario name (see `alliances scenarios`)")
    run.add_argument("--config", metavar="FILE.toml", help="parameter values from a TOML file")
    run.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="set a parameter (repeatable), e.g. --set pressure=0.6",
    )
    run.add_argument("--seed", type=int, help="random seed (default 0)")
    run.add_argument("--steps", type=int, help="months to simulate (default 240)")
    run.add_argument("--out", required=True, metavar="DIR", help="output folder")
    run.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    run.set_defaults(handler=_cmd_run)

    params = sub.add_parser("params", help="list every parameter with default, range, meaning")
    params.set_defaults(handler=_cmd_params)
    scenarios = sub.add_parser("scenarios", help="list the named scenarios")
    scenarios.set_defaults(handler=_cmd_scenarios)

    for name, (module_name, help_line) in DELEGATED.items():
        child = sub.add_parser(name, help=help_line)
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            child.set_defaults(handler=_unavailable(name))
            continue
        getattr(module, f"configure_{name}")(child)
        child.set_defaults(handler=getattr(module, f"main_{name}"))
    return parser


def _unavailable(name: str):
    def handler(args: argparse.Namespace) -> int:
        raise AllianceError(f"'{name}' is not available in this installation")

    return handler


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``alliances`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
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
