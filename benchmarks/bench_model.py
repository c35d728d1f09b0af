"""Cost of the alliance model per organisation-step, as a ratio to a Mesa baseline.

The baseline is one agent-step of the classic Boltzmann wealth model (Mesa's
introductory tutorial: each agent moves to a random neighbouring cell and gives one unit
of wealth to a random cell-mate), written against the installed Mesa and measured in the
same process, so the ratios hold on any machine.

Reports:
- cost of a default run (N = 300, 240 months: what calibration repeats tens of thousands
  of times), in Boltzmann agent-steps, and per organisation-step;
- cost per organisation-step at N = 2,000 and 10,000, in Boltzmann agent-steps
  (target: at most 3 at N = 10,000; goal 1);
- scaling t(N = 8,000) / t(N = 2,000) per step (linear would be 4; target at most 4.6).
  Populations up to N = 1,024 find trust pairs through a dense index, larger ones
  through sorted keys (``simulation.trust.DENSE_PAIRS``), so N = 2,000 and up share one
  method.

Run: ``.venv/bin/python benchmarks/bench_model.py [--steps 120] [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import mesa
from mesa.discrete_space import CellAgent, OrthogonalMooreGrid

from simulation.model import AllianceModel
from simulation.params import Params


class MoneyAgent(CellAgent):
    """Boltzmann wealth agent (Mesa tutorial)."""

    def __init__(self, model, cell):
        super().__init__(model)
        self.cell = cell
        self.wealth = 1

    def step(self):
        self.cell = self.cell.neighborhood.select_random_cell()
        if self.wealth > 0:
            others = [a for a in self.cell.agents if a is not self]
            if others:
                self.random.choice(others).wealth += 1
                self.wealth -= 1


class Boltzmann(mesa.Model):
    """Boltzmann wealth model: N agents on a torus grid."""

    def __init__(self, n=1000, size=32, seed=0):
        super().__init__(rng=seed)
        self.grid = OrthogonalMooreGrid((size, size), torus=True, random=self.random)
        cells = self.grid.all_cells.cells
        for i in range(n):
            MoneyAgent(self, cells[i % len(cells)])

    def step(self):
        self.agents.shuffle_do("step")


def boltzmann_agent_step(repeats: int, n: int = 1000, steps: int = 50) -> float:
    """Seconds per Boltzmann agent-step (best of ``repeats``)."""
    best = float("inf")
    for r in range(repeats):
        model = Boltzmann(n=n, seed=r)
        start = time.perf_counter()
        for _ in range(steps):
            model.step()
        best = min(best, (time.perf_counter() - start) / (n * steps))
    return best


def alliance_org_step(n: int, steps: int, repeats: int) -> float:
    """Seconds per organisation-step of the default model over ``steps`` months (best of)."""
    best = float("inf")
    for r in range(repeats):
        model = AllianceModel(n_organisations=n, steps=steps, seed=r)
        start = time.perf_counter()
        model.run()
        best = min(best, (time.perf_counter() - start) / (n * steps))
    return best


def default_run(repeats: int) -> float:
    """Seconds per default run (N = 300, 240 months), best of ``repeats`` seeds."""
    best = float("inf")
    for r in range(repeats):
        model = AllianceModel(seed=r)
        start = time.perf_counter()
        model.run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Measure and print the ratios; save them to benchmarks/results/model.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=120, help="months per model run")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    baseline = boltzmann_agent_step(args.repeats)
    AllianceModel(seed=0, steps=24).run()  # warm up
    default = default_run(max(args.repeats, 5))
    per_org = {n: alliance_org_step(n, args.steps, args.repeats) for n in (2000, 8000, 10000)}
    baseline_after = boltzmann_agent_step(args.repeats)
    baseline = min(baseline, baseline_after)  # bracket the model runs: less noise
    defaults = Params()
    default_org_steps = defaults.n_organisations * defaults.steps
    report = {
        "boltzmann_agent_step_us": baseline * 1e6,
        "default_run_s": default,
        "default_run_in_boltzmann_agent_steps": default / baseline,
        "default_org_step_us": default / default_org_steps * 1e6,
        "ratio_default_org_step": default / default_org_steps / baseline,
        "org_step_us": {str(n): t * 1e6 for n, t in per_org.items()},
        "ratio_n2000": per_org[2000] / baseline,
        "ratio_n10000": per_org[10000] / baseline,
        "scaling_8000_over_2000": per_org[8000] * 8000 / (per_org[2000] * 2000),
        "steps": args.steps,
    }
    print(f"Boltzmann agent-step: {report['boltzmann_agent_step_us']:.2f} us")
    print(
        f"default run (N = {defaults.n_organisations}, {defaults.steps} months): "
        f"{default:.3f} s = {default / baseline:,.0f} Boltzmann agent-steps; "
        f"{report['default_org_step_us']:.2f} us per organisation-step "
        f"= {report['ratio_default_org_step']:.2f} Boltzmann agent-steps"
    )
    for n, t in per_org.items():
        print(
            f"N = {n:>6}: {t * 1e6:.2f} us per organisation-step "
            f"= {t / baseline:.2f} Boltzmann agent-steps"
        )
    print(f"scaling t(8000)/t(2000) per step: {report['scaling_8000_over_2000']:.2f} (linear = 4)")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "model.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
