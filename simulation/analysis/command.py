"""``alliances report DIR``: figures, tables and report.md for a results folder.

The module stays light at import (no matplotlib, lifelines or SALib) so that
``alliances --help`` is quick; the report is built by :mod:`simulation.analysis.report`.
"""

from __future__ import annotations

import argparse
import os


def configure_report(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``alliances report`` to its subparser."""
    parser.description = (
        "Write Kaplan-Meier survival curves, dissolution hazard by age, phase occupancy, "
        "transformation and renewal rates against the parameters, ends by cause, "
        "summary.csv and, for sobol/morris sweeps, sensitivity indices, with a report.md "
        "linking them."
    )
    parser.add_argument("folder", metavar="DIR", help="results folder (a sweep or saved runs)")
    parser.add_argument(
        "--out", metavar="REPORT_DIR", help="where to write the report (default DIR/report)"
    )
    parser.add_argument(
        "--by",
        action="append",
        metavar="PARAM",
        help="group by this parameter instead of the experiment's varied ones "
        "(repeatable, or comma-separated)",
    )


def main_report(args: argparse.Namespace) -> int:
    """Write the report and print where it is; input errors raise ``AllianceError``."""
    from simulation.analysis.report import write_report

    by = None
    if args.by:
        by = [name.strip() for item in args.by for name in item.split(",") if name.strip()]
    path = write_report(args.folder, args.out, by=by)
    summary = path.parent / "summary.csv"
    if summary.exists():
        print(headline(summary))
    print(f"report written to {path}")
    return 0


#: Columns of summary.csv printed on the terminal, with their headings.
HEADLINE = {
    "setting": "setting",
    "runs": "runs",
    "alliances_founded": "founded",
    "survival_rate": "alive at horizon",
    "survival_72": "alive at 72 months",
    "median_lifespan": "median lifespan (months)",
    "transformation_rate": "transformations per year",
    "renewal_success_rate": "renewal success",
}


def headline(summary_csv: str | os.PathLike) -> str:
    """A few columns of the report's summary table, for the terminal."""
    import pandas as pd

    table = pd.read_csv(summary_csv)
    table = table[[c for c in HEADLINE if c in table.columns]].rename(columns=HEADLINE)
    return table.to_string(index=False, float_format=lambda x: f"{x:.2f}", na_rep="-")
