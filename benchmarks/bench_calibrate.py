"""Wall time of a calibration of the literature targets on two cores.

The goal (issue 9): ``experiments/targets/literature.toml`` with population 200 and 6
generations in under 30 minutes on two cores. Reports the time per generation, the model
runs and the time per model run, the time of the report (posterior predictive and the
seven patterns), and the machine's own parallelism, as the ratio of a model run's time
with two workers to its time alone; with ``--quick`` (population 40, 3 generations) it
extrapolates to the full budget from the runs per generation measured and the rate of
evaluations, and says so.

Run: ``nice -n 10 .venv/bin/python benchmarks/bench_calibrate.py [--quick] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from simulation.calibrate import load_targets, run_calibration
from simulation.calibrate.engine import ProgressFactory, Runner, read_posterior

TARGETS = Path(__file__).resolve().parent.parent / "experiments" / "targets" / "literature.toml"
GOAL_MINUTES = 30.0


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="population 40, 3 generations")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--population", type=int)
    parser.add_argument("--generations", type=int)
    args = parser.parse_args()
    population = args.population or (40 if args.quick else 200)
    generations = args.generations or (3 if args.quick else 6)
    targets = load_targets(TARGETS).with_options(population=population, generations=generations)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "calibration"
        start, cpu = time.perf_counter(), cpu_seconds()
        run_calibration(targets, out, workers=args.workers, report=False, progress=True)
        sampling = time.perf_counter() - start
        sampling_cpu = cpu_seconds() - cpu  # the pool has closed: its workers are counted
        posterior = read_posterior(targets, out)
        from simulation.calibrate.outputs import write_outputs

        runner = Runner("local", args.workers)
        start, cpu = time.perf_counter(), cpu_seconds()
        try:
            write_outputs(posterior, runner, ProgressFactory(True))
        finally:
            runner.close()
        reporting = time.perf_counter() - start
        reporting_cpu = cpu_seconds() - cpu
    eps = posterior.epsilons
    runs = int(eps["evaluations"].sum()) * targets.replications
    prior_sample = population * targets.replications
    per_run = sampling / (runs + prior_sample)
    print(f"population {population}, {generations} generations, {args.workers} workers")
    print(eps.to_string(index=False))
    print(
        f"sampling: {sampling / 60:.1f} min for {runs} model runs in the generations and "
        f"{prior_sample} in the prior sample ({per_run:.3f} s of wall time per run)"
    )
    print(
        f"report (posterior predictive, seven patterns x {targets.draws} draws): "
        f"{reporting / 60:.1f} min"
    )
    load = os.getloadavg()[0]
    print(
        f"CPU: {sampling_cpu / 60:.1f} min sampling "
        f"({sampling_cpu / (runs + prior_sample):.3f} s per model run), "
        f"{reporting_cpu / 60:.1f} min report; load average {load:.1f}; on {args.workers} "
        f"free cores the wall time would be about "
        f"{(sampling_cpu + reporting_cpu) / args.workers / 60:.1f} min"
    )
    total = (sampling + reporting) / 60
    print(
        f"total: {total:.1f} min (goal for population 200 x 6 generations: {GOAL_MINUTES:.0f} min)"
    )
    if population != 200 or generations != 6:
        # Acceptance rates fall per generation; extrapolate the last measured rate.
        rates = list(eps["acceptance_rate"])
        while len(rates) < 6:
            rates.append(rates[-1] * (rates[-1] / rates[-2] if len(rates) > 1 else 0.7))
        full_runs = 200 * (1 + sum(1 / max(r, 1e-3) for r in rates[:6])) * targets.replications
        cpu_per_run = sampling_cpu / (runs + prior_sample)
        estimate = (full_runs * cpu_per_run + reporting_cpu) / args.workers / 60
        print(
            f"EXTRAPOLATED to population 200 x 6 generations: about {full_runs:.0f} model "
            f"runs, about {estimate:.0f} min on {args.workers} free cores (CPU per model run "
            "and acceptance rates of this smaller run; not measured)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
