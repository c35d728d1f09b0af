"""Sweep throughput, storage and memory, as ratios measured in the same run.

Reports:
- whole commands (``alliances sweep``, process start and imports included): 12
  default-size runs with 2 workers against 1 (goal >= 1.7x), and the default experiment
  (experiments/default.toml) on a Dask LocalCluster against the local pool (goal >= 0.9x),
  each pair measured alternately, best of ``--repeats``; before them the start-up costs
  (``import simulation``, ``alliances --help``, importing the model);
- storage of a sweep of 20,000 tiny runs (``--storage-runs``): files left (goal: a few
  hundred at most), seconds to load it with ``simulation.load`` and with
  ``pandas.read_parquet`` (goal < 3 s), and its disk use against the same tables written
  as one Parquet file each (goal within 2x);
- from Python ("warm"), 2 workers against 1 (the serial path) for default-size runs (300
  organisations, 240 months; goal >= 1.9x) and for tiny runs (20 organisations, 12 months;
  goal >= 1.0x, where
  Mesa's batch_run gives about 0.08x);
- a Dask LocalCluster against the local pool, both with 2 workers (goal >= 0.9x);
- peak memory (max RSS) of the parent process as the number of runs grows, each size in a
  fresh process.

Warm ratios: the model is already imported; each sweep starts its own pool (forks of the
sweep's process, or a forkserver in a process that runs threads). The extra cost of a
first 2-worker sweep in a fresh process is reported on its own. Times include writing and
merging every part.
Each pair of timings is measured alternately, best of ``--repeats``; the machine's own
parallelism (two CPU-bound processes against one) is measured too, since shared or virtual
machines often give less than two cores' worth.

Run: ``.venv/bin/python benchmarks/bench_sweep.py [--quick] [--repeats 2]
[--only commands|storage|warm] [--storage-runs N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from simulation.sweep import parse_design, run_experiment

ROOT = Path(__file__).resolve().parents[1]
ALLIANCES = str(Path(sys.executable).with_name("alliances"))

DEFAULT_SIZE = {"n_organisations": 300, "steps": 240}
TINY = {"n_organisations": 20, "steps": 12}


def design(name: str, size: dict, runs: int, seed: int = 1):
    """A grid of two pressures with enough replications for ``runs`` runs."""
    return parse_design({
        "name": name,
        "seed": seed,
        "replications": max(1, runs // 2),
        "fixed": dict(size),
        "vary": {"pressure": [0.3, 0.6]},
    })  # fmt: skip


def timed_sweep(the_design, workers: int, executor: str = "local", scheduler=None) -> float:
    """Seconds for a whole sweep into a fresh folder."""
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        summary = run_experiment(the_design, Path(folder) / "out", workers=workers,
                                 executor=executor, scheduler=scheduler)  # fmt: skip
        seconds = time.perf_counter() - start
    assert summary.ok and summary.completed == the_design.n_runs
    return seconds


@contextlib.contextmanager
def running_cluster(workers: int):
    """A LocalCluster kept up while the block runs; yields its scheduler address."""
    from distributed import Client

    from simulation.sweep.executors import local_cluster

    with local_cluster(workers) as cluster, Client(cluster) as client:
        client.run(lambda: __import__("simulation.sweep.worker"))  # warm the workers
        yield cluster.scheduler_address


SPIN = "x = 0\nfor i in range(15_000_000): x += i"


def machine_parallelism() -> float:
    """Throughput of two CPU-bound processes at once against one: 2.0 on two idle cores.

    Shared or virtual machines often deliver less; the sweep cannot beat this figure.
    """

    def spin(count: int) -> float:
        start = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.DEVNULL)
                 for _ in range(count)]  # fmt: skip
        for proc in procs:
            proc.wait()
        return time.perf_counter() - start

    one, two = spin(1), spin(2)
    return 2 * one / two


def cold_start() -> float:
    """Extra seconds of a first 2-worker sweep in a fresh process (starting the pool)."""
    script = (
        "import time, tempfile, sys; sys.path.insert(0, 'benchmarks');"
        "from bench_sweep import design, timed_sweep;"
        "d = design('cold', {'n_organisations': 20, 'steps': 2}, 2);"
        "one = timed_sweep(d, 1); two = timed_sweep(d, 2); print(two - one)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True)  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def peak_memory(runs: int) -> float:
    """Max RSS (MiB) of a fresh process sweeping ``runs`` tiny runs with 2 workers."""
    script = (
        "import resource, sys; sys.path.insert(0, 'benchmarks');"
        "from bench_sweep import design, timed_sweep, TINY;"
        f"timed_sweep(design('mem', TINY, {runs}), 2);"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True)  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def command_seconds(experiment: Path, *options: str) -> float:
    """Seconds of a whole ``alliances sweep`` command into a fresh folder."""
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        command = [ALLIANCES, "sweep", str(experiment), "--out", f"{folder}/out", *options]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start


def twelve_runs(folder: Path) -> Path:
    """An experiment file of 12 default-size runs (300 organisations, 240 months)."""
    path = folder / "twelve.toml"
    path.write_text(
        'name = "twelve"\nsteps = 240\nreplications = 6\nseed = 4\n'
        "[fixed]\nn_organisations = 300\n[vary]\npressure = [0.3, 0.6]\n"
    )
    return path


def folder_bytes(folder: Path) -> tuple[int, int]:
    """Files and bytes on disk below ``folder``."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def storage(runs: int, workers: int) -> dict[str, float]:
    """Sweep ``runs`` tiny runs; count files, time loading, compare disk with the data."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    import simulation

    the_design = design("store", TINY, runs)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        start = time.perf_counter()
        summary = run_experiment(the_design, out, workers=workers)
        sweep_s = time.perf_counter() - start
        assert summary.ok
        files, disk = folder_bytes(out)
        start = time.perf_counter()
        results = simulation.load(out)
        load_s = time.perf_counter() - start
        start = time.perf_counter()
        pd.read_parquet(out / "runs")
        runs_s = time.perf_counter() - start
        data = 0
        plain = Path(folder) / "plain"
        plain.mkdir()
        for name in the_design.tables:
            path = plain / f"{name}.parquet"
            pq.write_table(pa.Table.from_pandas(results.tables[name], preserve_index=False), path)
            data += path.stat().st_size
        shutil.rmtree(out)
    return {"runs": runs, "sweep_s": sweep_s, "files": files, "disk_bytes": disk,
            "data_bytes": data, "disk_ratio": disk / data, "load_s": load_s,
            "read_runs_s": runs_s}  # fmt: skip


def pair(first, second, repeats: int) -> tuple[float, float]:
    """Best times of two measurements taken alternately, so a change of load hits both."""
    best = [float("inf"), float("inf")]
    for _ in range(repeats):
        best[0] = min(best[0], first())
        best[1] = min(best[1], second())
    return best[0], best[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
          "(other work on the machine lowers the ratios)")  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke test)")
    parser.add_argument("--repeats", type=int, default=2, help="best of N for each timing")
    parser.add_argument("--storage-runs", type=int, default=20_000, metavar="N",
                        help="tiny runs of the storage measurement (default 20000)")  # fmt: skip
    parser.add_argument("--only", choices=("commands", "storage", "warm"),
                        help="one group of measurements")  # fmt: skip
    args = parser.parse_args()
    rep = args.repeats
    report: dict[str, float] = {}
    if args.only in (None, "commands", "storage"):
        ideal = max(machine_parallelism() for _ in range(rep))
        report["machine_parallelism"] = ideal
        print(f"machine: two CPU-bound processes run {ideal:.2f}x as fast as one (2.0 if idle)")
    if args.only in (None, "commands"):
        report |= commands(rep, quick=args.quick)
    if args.only in (None, "storage"):
        runs = 2_000 if args.quick else args.storage_runs
        found = storage(runs, workers=2)
        report |= {f"storage_{k}": v for k, v in found.items()}
        print(f"storage of {runs} tiny runs (sweep {found['sweep_s']:.0f} s, 2 workers): "
              f"{found['files']} files (goal: a few hundred at most); simulation.load "
              f"{found['load_s']:.2f} s, pandas.read_parquet(runs) {found['read_runs_s']:.2f} s "
              f"(goal < 3 s); disk {found['disk_bytes'] / 2**20:.1f} MiB against "
              f"{found['data_bytes'] / 2**20:.1f} MiB of data as one Parquet file per table "
              f"-> {found['disk_ratio']:.2f}x (goal <= 2x)")  # fmt: skip
    if args.only in (None, "warm"):
        report |= warm(rep, quick=args.quick)
    report["load_average_end"] = os.getloadavg()[0]
    print(f"load average at the end: {report['load_average_end']:.1f}")
    out = Path(__file__).parent / "results" / f"sweep{'-' + args.only if args.only else ''}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    return 0


def startup_seconds(*command: str) -> float:
    """Seconds of a whole command that does little (the fixed cost of starting it)."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def commands(rep: int, quick: bool) -> dict[str, float]:
    """Whole ``alliances sweep`` commands: 2 workers against 1, Dask against the pool."""
    report: dict[str, float] = {}
    python = sys.executable
    light = min(startup_seconds(python, "-c", "import simulation") for _ in range(3))
    helped = min(startup_seconds(ALLIANCES, "--help") for _ in range(3))
    model = min(startup_seconds(python, "-c", "import simulation.runner") for _ in range(3))
    sweep = min(startup_seconds(python, "-c", "import simulation.sweep.runner") for _ in range(3))
    report |= {"import_simulation_s": light, "alliances_help_s": helped,
               "import_model_s": model, "import_sweep_runner_s": sweep}  # fmt: skip
    print(f"start-up: python -c 'import simulation' {light:.2f} s, alliances --help "
          f"{helped:.2f} s, import simulation.runner (the model) {model:.2f} s, "
          f"import simulation.sweep.runner (a sweep's own process) {sweep:.2f} s")  # fmt: skip
    print(f"  (load average {os.getloadavg()[0]:.1f})")
    with tempfile.TemporaryDirectory() as folder:
        twelve = twelve_runs(Path(folder))
        one, two = pair(lambda: command_seconds(twelve, "--workers", "1"),
                        lambda: command_seconds(twelve, "--workers", "2"), rep)  # fmt: skip
    report |= {"command_12_runs_1_worker_s": one, "command_12_runs_2_workers_s": two,
               "command_12_runs_speedup": one / two}  # fmt: skip
    print(f"alliances sweep, 12 default-size runs, whole command: 1 worker {one:.1f} s, "
          f"2 workers {two:.1f} s -> {one / two:.2f}x (goal >= 1.7x)")  # fmt: skip
    experiment = ROOT / "experiments" / "default.toml"
    if quick:
        return report
    print(f"  (load average {os.getloadavg()[0]:.1f})")
    pool, dask = pair(lambda: command_seconds(experiment, "--workers", "2"),
                      lambda: command_seconds(experiment, "--workers", "2", "--executor", "dask"),
                      rep)  # fmt: skip
    report |= {"command_default_pool_s": pool, "command_default_dask_s": dask,
               "command_default_dask_vs_pool": pool / dask}  # fmt: skip
    print(f"alliances sweep experiments/default.toml (72 runs, 2 workers), whole command: "
          f"pool {pool:.1f} s, Dask LocalCluster {dask:.1f} s -> {pool / dask:.2f}x "
          "(goal >= 0.9x)")  # fmt: skip
    print(f"  (load average {os.getloadavg()[0]:.1f})")
    return report


def warm(rep: int, quick: bool) -> dict[str, float]:
    """Sweeps from Python with the model imported: speed-ups, Dask, parent memory."""
    big_runs, tiny_runs, dask_runs = (8, 120, 8) if quick else (24, 400, 24)
    memory_sizes = (50, 200) if quick else (100, 400, 1600)
    report: dict[str, float] = {}
    ideal = max(machine_parallelism() for _ in range(rep))
    report["cold_start_s"] = cold_start()
    timed_sweep(design("warmup", TINY, 4), 2)  # start the forkserver once

    big = design("big", DEFAULT_SIZE, big_runs)
    one, two = pair(lambda: timed_sweep(big, 1), lambda: timed_sweep(big, 2), rep)
    report |= {"default_1_worker_s": one, "default_2_workers_s": two,
               "default_speedup": one / two}  # fmt: skip
    print(f"default-size runs ({big.n_runs}): 1 worker {one:.1f} s, 2 workers {two:.1f} s "
          f"-> {one / two:.2f}x (goal >= 1.9x; {one / two / ideal:.0%} of what the machine "
          "gives)")  # fmt: skip

    tiny = design("tiny", TINY, tiny_runs)
    one, two = pair(lambda: timed_sweep(tiny, 1), lambda: timed_sweep(tiny, 2), rep)
    report |= {"tiny_1_worker_s": one, "tiny_2_workers_s": two, "tiny_speedup": one / two}
    print(f"tiny runs ({tiny.n_runs}): 1 worker {one:.1f} s, 2 workers {two:.1f} s "
          f"-> {one / two:.2f}x (goal >= 1.0x; batch_run ~0.08x; {one / two / ideal:.0%} of "
          "what the machine gives)")  # fmt: skip

    mid = design("dask", DEFAULT_SIZE, dask_runs)
    pool, dask = pair(lambda: timed_sweep(mid, 2), lambda: timed_sweep(mid, 2, "dask"), rep)
    report |= {"pool_2_workers_s": pool, "dask_2_workers_s": dask,
               "dask_vs_pool": pool / dask}  # fmt: skip
    print(f"Dask LocalCluster vs local pool ({mid.n_runs} default-size runs, 2 workers): "
          f"pool {pool:.1f} s, dask {dask:.1f} s, cluster start and stop included "
          f"-> {pool / dask:.2f}x (goal >= 0.9x)")  # fmt: skip
    with running_cluster(2) as address:
        on_cluster = min(timed_sweep(mid, 2, "dask", scheduler=address) for _ in range(rep))
    report |= {"dask_running_s": on_cluster, "dask_running_vs_pool": pool / on_cluster}
    print(f"  on an already running LocalCluster (as on a cluster; tables sent back): "
          f"{on_cluster:.1f} s -> {pool / on_cluster:.2f}x")  # fmt: skip
    print(f"one-off pool start per invocation: {report['cold_start_s']:.2f} s")

    peaks = {runs: peak_memory(runs) for runs in memory_sizes}
    smallest, largest = min(peaks), max(peaks)
    report |= {f"peak_rss_mib_{runs}": mib for runs, mib in peaks.items()}
    report["peak_rss_growth"] = peaks[largest] / peaks[smallest]
    shown = ", ".join(f"{runs} runs {mib:.0f} MiB" for runs, mib in peaks.items())
    print(
        f"parent peak memory (tiny runs, 2 workers): {shown} -> "
        f"x{peaks[largest] / peaks[smallest]:.2f} for {largest // smallest}x the runs"
    )
    return report


if __name__ == "__main__":
    sys.exit(main())
