"""Make the README's figure: docs/images/lifecycle.png.

Run: ``.venv/bin/python docs/figures.py`` (about a minute).
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from simulation import run
from simulation.palette import PHASE_COLOURS
from simulation.records import kaplan_meier


def main() -> None:
    """Draw phase occupancy of one crisis run and survival curves under three pressures."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), constrained_layout=True)
    series = run("crisis", seed=1).timeseries
    for phase, colour in PHASE_COLOURS.items():
        left.plot(series.step / 12, series[f"n_{phase}"], color=colour, lw=2.5, label=phase)
    shock = series.step[series.pressure.diff() > 0.2].min() / 12
    left.axvline(shock, color="grey", ls=":", lw=1.5)
    left.text(shock + 0.2, left.get_ylim()[1] * 0.92, "pressure shock", color="grey")
    left.set(
        title="Alliances in each phase (crisis scenario, one run)",
        xlabel="years",
        ylabel="alliances",
    )
    left.legend(frameon=False)

    for pressure, colour in ((0.2, "#009E73"), (0.5, "#E69F00"), (0.8, "#D55E00")):
        founded = pd.concat(
            [
                run("default", seed=s, pressure=pressure).alliances.query("founded")
                for s in range(12)
            ]
        )
        times, survival = kaplan_meier(founded.duration, founded.event_observed)
        right.step(
            np.r_[0, times] / 12,
            np.r_[1, survival],
            where="post",
            color=colour,
            lw=2.5,
            label=f"pressure {pressure}",
        )
    right.axhline(0.5, color="grey", lw=0.8, ls=":")
    right.set(
        title="Survival of founded alliances (Kaplan-Meier, 12 runs each)",
        xlabel="age (years)",
        ylabel="share still alive",
        ylim=(0, 1.02),
    )
    right.legend(frameon=False)
    out = Path(__file__).parent / "images" / "lifecycle.png"
    out.parent.mkdir(exist_ok=True)
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
