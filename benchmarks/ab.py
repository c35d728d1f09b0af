"""Interleaved A/B of CPU time per default run between copies of the ``simulation`` package.

Each round starts one fresh process per package, in alternating order; a process does one
warm-up run and then times ``AllianceModel(seed=s).run()`` for seeds 1..5 with
``time.process_time()``. On a shared machine only the medians and minima over rounds mean
anything.

Run: ``.venv/bin/python benchmarks/ab.py --rounds 4 OLD_DIR NEW_DIR ...`` where each
directory holds a ``simulation`` package (e.g. from ``git archive <commit> simulation``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
import simulation
from simulation.model import AllianceModel
assert simulation.__file__.startswith(sys.argv[1]), simulation.__file__
AllianceModel(seed=0).run()
out = []
for s in range(1, 6):
    t = time.process_time()
    AllianceModel(seed=s).run()
    out.append(time.process_time() - t)
print(json.dumps(out))
"""


def main() -> None:
    """Alternate the packages for ``--rounds`` rounds; print per-run CPU seconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="+", help="folders holding a simulation package")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    times: dict[str, list[float]] = {p: [] for p in args.packages}
    for r in range(args.rounds):
        order = args.packages if r % 2 == 0 else args.packages[::-1]
        for package in order:
            out = subprocess.run(
                [sys.executable, "-c", CHILD, package], capture_output=True, text=True, check=True
            )
            times[package].extend(json.loads(out.stdout))
    first = statistics.median(times[args.packages[0]])
    for package, t in times.items():
        med = statistics.median(t)
        q = statistics.quantiles(t, n=4)
        print(
            f"{package}: median {med:.3f} s, min {min(t):.3f}, quartiles {q[0]:.3f}-{q[2]:.3f} "
            f"(n={len(t)}), ratio to first {med / first:.2f}"
        )


if __name__ == "__main__":
    main()
