"""The ``alliances sweep`` subcommand: run an experiment file, resumably.

Light at import (``alliances --help`` imports it): the sweep machinery, Dask and SALib are
imported when the command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from itertools import islice

from simulation.errors import ConfigError

SHOWN_RUNS = 6


def default_workers() -> int:
    """The CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def add_execution_options(parser: argparse.ArgumentParser) -> None:
    """``--workers``, ``--executor`` and ``--scheduler``, shared by sweeps and calibration."""
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help=f"worker processes (default: the CPUs available, {default_workers()})",
    )
    parser.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="local process pool (default) or Dask",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster)",
    )


def configure_sweep(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``alliances sweep``."""
    parser.description = (
        "Run every run of an experiment file into DIR (one Parquet file per table when it "
        "ends). Running the same command again resumes: finished runs are skipped, failed "
        "ones retried; with more replications (or another lhs block of samples) it extends "
        "the sweep. Exits 1 if a run failed, 130 on Ctrl-C (finished runs are kept)."
    )
    parser.add_argument("experiment", metavar="FILE.toml", help="experiment file")
    parser.add_argument(
        "--out", metavar="DIR", help="output folder: new, empty, or holding this experiment"
    )
    add_execution_options(parser)
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the plan (runs, varied parameters, first rows), write nothing",
    )


def main_sweep(args: argparse.Namespace) -> int:
    """Run ``alliances sweep``; return the exit code."""
    if args.executor == "dask" and not args.scheduler and not args.dry_run:
        # a LocalCluster's workers come from the forkserver: it imports while we do
        from simulation.sweep import forkserver

        forkserver.start("distributed")
    from simulation.sweep.design import load_design
    from simulation.sweep.runner import SweepInterrupted, run_experiment

    design = load_design(args.experiment)
    if args.dry_run:
        print("\n".join(plan_lines(design, args.out)))
        return 0
    if not args.out:
        raise ConfigError("--out DIR is required (or use --dry-run to see the plan)")
    workers = args.workers if args.workers is not None else default_workers()
    try:
        summary = run_experiment(
            design,
            args.out,
            workers=workers,
            executor=args.executor,
            scheduler=args.scheduler,
            progress=True,
        )
    except SweepInterrupted as stop:
        print("\n".join(stop.summary.lines()), file=sys.stderr)
        return 130
    print("\n".join(summary.lines()))
    return 0 if summary.ok else 1


def plan_lines(design, out: str | None) -> list[str]:
    """What a dry run prints: sizes, factors, output, and the first runs."""
    import pandas as pd

    from simulation.sweep.store import inspect_folder

    fixed = ", ".join(f"{k}={v}" for k, v in design.fixed.items() if k != "steps")
    lines = [
        f"experiment '{design.name}' ({design.source})"
        + (f": {design.description}" if design.description else ""),
        f"scenario {design.scenario}, {design.steps} months"
        + (f"; fixed: {fixed}" if fixed else ""),
        f"sampler {design.method}: {design.n_samples} samples x {design.replications} "
        f"replications = {design.n_runs} runs; root seed {design.seed}",
        f"varied: {', '.join(design.varied) or '(nothing: replications of the base)'}",
        f"tables: {', '.join(design.tables)} (timeseries every {design.timeseries_every} "
        f"month{'s' if design.timeseries_every != 1 else ''})",
    ]
    if out:
        state = inspect_folder(out, design)
        if not state.exists:
            lines.append(f"output: {out}/ (new folder)")
        else:
            lines.append(
                f"output: {out}/ holds {len(state.done)} of {design.n_runs} runs"
                + (f", {len(state.failed)} failed before" if state.failed else "")
            )
    rows = [
        {
            "run_id": run.run_id,
            "sample": run.sample_id,
            "rep": run.replication,
            "seed": run.seed,
            **{k: _short(v) for k, v in run.values.items()},
        }
        for run in islice(design.runs(), SHOWN_RUNS)
    ]
    lines.append("first runs:")
    lines += ["  " + line for line in pd.DataFrame(rows).to_string(index=False).splitlines()]
    if design.n_runs > SHOWN_RUNS:
        lines.append(f"  ... and {design.n_runs - SHOWN_RUNS} more")
    lines.append("(dry run: nothing written)")
    return lines


def _short(value: object) -> object:
    return round(value, 4) if isinstance(value, float) else value
