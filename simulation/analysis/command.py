"""``alliances report DIR``: figures, tables and report.md for a results folder.

The module stays light at import (no matplotlib, lifelines or SALib) so that
``alliances --help`` is quick; the report is built by :mod:`simulation.analysis.report`.
"""

from __future__ import annotations

import argparse


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
    print(f"report written to {path}")
    return 0
