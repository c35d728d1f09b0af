"""The ``alliances calibrate`` subcommand: ABC-SMC against a targets file, resumably.

Light at import (``alliances --help`` imports it): pyABC and the model are imported when
the command runs.
"""

from __future__ import annotations

import argparse
import sys

from simulation.errors import ConfigError


def configure_calibrate(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``alliances calibrate``."""
    from simulation.sweep.command import add_execution_options

    parser.description = (
        "Calibrate free parameters to the targets of TARGETS.toml (published figures or your "
        "own alliances in [data]) with ABC-SMC. Writes DIR/posterior.parquet, "
        "DIR/calibrated.toml and DIR/report/report.md. Running the same command again "
        "resumes from the last finished generation. Exits 130 on Ctrl-C (finished "
        "generations are kept)."
    )
    parser.add_argument("targets", metavar="TARGETS.toml", help="targets file")
    parser.add_argument(
        "--out", metavar="DIR", help="output folder: new, empty, or holding this calibration"
    )
    add_execution_options(parser)
    parser.add_argument("--population", type=int, metavar="N", help="particles per generation")
    parser.add_argument(
        "--generations", type=int, metavar="G", help="generations to reach in total"
    )
    parser.add_argument(
        "--max-runs", type=int, metavar="R", help="stop after this many model runs in all"
    )
    parser.add_argument("--seed", type=int, metavar="S", help="root seed (default: the file's)")
    parser.add_argument(
        "--dry-run", action="store_true", help="check the targets, print the plan, write nothing"
    )


def main_calibrate(args: argparse.Namespace) -> int:
    """Run ``alliances calibrate``; return the exit code."""
    from simulation.calibrate.targets import load_targets
    from simulation.sweep.command import default_workers

    for name in ("population", "generations", "max_runs", "workers"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise ConfigError(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    if args.seed is not None and args.seed < 0:
        raise ConfigError(f"--seed must not be negative, got {args.seed}")
    if args.scheduler and args.executor != "dask":
        raise ConfigError("--scheduler needs --executor dask")
    targets = load_targets(args.targets).with_options(
        population=args.population,
        generations=args.generations,
        max_runs=args.max_runs,
        seed=args.seed,
    )
    if args.dry_run:
        print("\n".join(plan_lines(targets, args.out)))
        return 0
    if not args.out:
        raise ConfigError("--out DIR is required (or use --dry-run to see the plan)")
    from simulation.calibrate.engine import CalibrationInterrupted, run_calibration

    workers = args.workers if args.workers is not None else default_workers()
    try:
        posterior = run_calibration(
            targets,
            args.out,
            workers=workers,
            executor=args.executor,
            scheduler=args.scheduler,
            progress=True,
        )
    except CalibrationInterrupted as stop:
        print(
            f"alliances: interrupted; {stop.generations} finished generation(s) kept in "
            f"{args.out}/ (run the same command to resume)",
            file=sys.stderr,
        )
        return 130
    print(f"calibration '{targets.name}': {posterior.generations} generation(s)")
    print(posterior.summary().to_string(index=False))
    print(f"written to {args.out}/: posterior.parquet, calibrated.toml, report/report.md")
    return 0


def plan_lines(targets, out: str | None) -> list[str]:
    """What a dry run prints."""
    from simulation.calibrate.engine import inspect_folder

    fixed = ", ".join(f"{k}={v}" for k, v in targets.fixed.items() if k not in ("steps", "warmup"))
    lines = [
        f"calibration '{targets.name}' ({targets.source})"
        + (f": {targets.description}" if targets.description else ""),
        f"scenario {targets.scenario}, {targets.steps} months, warm-up {targets.warmup} months, "
        f"{targets.replications} run(s) per particle" + (f"; fixed: {fixed}" if fixed else ""),
        f"ABC-SMC: {targets.population} particles x up to {targets.generations} generations, "
        f"root seed {targets.seed}"
        + (f", at most {targets.max_runs} model runs" if targets.max_runs else ""),
        "free parameters:",
    ]
    for p in targets.priors:
        extra = f", mean {p.mean:g}, sd {p.sd:g}" if p.distribution == "normal" else ""
        lines.append(f"  {p.name:<24} {p.distribution} [{p.low:g}, {p.high:g}]{extra}")
    lines.append(
        "statistics:" + (f" (computed from {targets.data_file})" if targets.data_file else "")
    )
    for s in targets.statistics:
        weight = f", weight {s.weight:g}" if s.weight != 1 else ""
        lines.append(
            f"  {s.name:<20} {s.value:<10.4g} ± {s.tolerance:<8.3g} {s.unit}{weight}  ({s.source})"
        )
    if out:
        state = inspect_folder(out, targets)
        if not state.exists:
            lines.append(f"output: {out}/ (new folder)")
        else:
            lines.append(
                f"output: {out}/ holds {state.generations} of {targets.generations} generations"
            )
    lines.append("(dry run: nothing written)")
    return lines
