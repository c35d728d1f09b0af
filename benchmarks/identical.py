"""Check that the model's tables are bit-identical to reference pickles.

A guard for speed work: run ``--save DIR`` on the unmodified code, then ``--check DIR``
after each change. Every table of every case, and what the model's Mesa ``DataCollector``
collected, is compared with ``pandas.testing.assert_frame_equal(check_exact=True)``; only
``runs.git_commit`` (which names the code, not the results) is left out.

Run: ``.venv/bin/python benchmarks/identical.py --save /tmp/ref`` then
``.venv/bin/python benchmarks/identical.py --check /tmp/ref``; ``--package DIR`` runs the
``simulation`` package in DIR instead (e.g. one from ``git archive <commit> simulation``).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

if "--package" in sys.argv:  # before importing simulation
    sys.path.insert(0, sys.argv[sys.argv.index("--package") + 1])

from simulation.model import AllianceModel
from simulation.results import results_from_model, run_id_for
from simulation.scenarios import get_scenario

SCENARIOS = ("default", "crisis", "stable", "open-movements", "closed-clubs", "foresight")
SEEDS = range(6)
#: (scenario, seed, overrides): smaller worlds, shorter runs, and one large world.
EXTRA: tuple[tuple[str, int, dict[str, Any]], ...] = (
    ("default", 0, {"n_organisations": 120}),
    ("crisis", 1, {"n_organisations": 120}),
    ("default", 2, {"steps": 120}),
    ("open-movements", 3, {"steps": 120, "n_organisations": 120}),
    ("default", 4, {"n_organisations": 2500, "steps": 48}),
)
IGNORED = {"runs": ["git_commit"]}


def cases() -> list[tuple[str, int, dict[str, Any]]]:
    """Every (scenario, seed, overrides) checked."""
    base = [(name, seed, {}) for name in SCENARIOS for seed in SEEDS]
    return base + list(EXTRA)


def name_of(scenario: str, seed: int, overrides: dict[str, Any]) -> str:
    """File name of a case."""
    extra = "".join(f"_{k}={v}" for k, v in sorted(overrides.items()))
    return f"{scenario}_s{seed}{extra}.pkl"


def tables(scenario: str, seed: int, overrides: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The run's tables (as ``simulation.run`` makes them) and its DataCollector's."""
    params = get_scenario(scenario).params(**overrides, seed=seed)
    model = AllianceModel(params, run_id=run_id_for(scenario, params, overrides))
    model.run()
    results = results_from_model(model, scenario)
    out = {}
    for table, frame in results.tables.items():
        out[table] = frame.drop(columns=IGNORED.get(table, []), errors="ignore")
    out["datacollector"] = model.datacollector.get_model_vars_dataframe()
    return out


def main() -> int:
    """Save or check the references; exit 1 on any difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--save", type=Path, metavar="DIR")
    mode.add_argument("--check", type=Path, metavar="DIR")
    parser.add_argument("--package", metavar="DIR", help="folder holding the package to run")
    args = parser.parse_args()
    folder = args.save or args.check
    folder.mkdir(parents=True, exist_ok=True)
    failures = 0
    start = time.perf_counter()
    for scenario, seed, overrides in cases():
        path = folder / name_of(scenario, seed, overrides)
        got = tables(scenario, seed, overrides)
        if args.save:
            path.write_bytes(pickle.dumps(got))
            continue
        want = pickle.loads(path.read_bytes())
        for table, frame in want.items():
            try:
                pd.testing.assert_frame_equal(got[table], frame, check_exact=True)
            except AssertionError as exc:
                failures += 1
                first = str(exc).splitlines()[:6]
                print(f"DIFFERENT {path.name} {table}: " + " | ".join(first))
    took = time.perf_counter() - start
    verb = "saved" if args.save else "checked"
    import simulation

    print(
        f"{verb} {len(cases())} runs of {simulation.__file__} in {took:.1f} s; "
        f"{failures} tables differ"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
