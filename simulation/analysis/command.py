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
        "summary.csv, for sobol/morris sweeps sensitivity indices and, for sweeps, "
        "scenario discovery (PRIM), with a report.md linking them."
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
    parser.add_argument(
        "--discover",
        action="append",
        metavar="OUTCOME",
        help="scenario discovery (PRIM) of this outcome: a name (dissolved_within_3_years, "
        "renewed_at_least_once) or an expression over the founded alliances' columns, e.g. "
        "'event_observed and duration <= 24' (repeatable; default for a sweep: both names; "
        "'none' for no discovery)",
    )


def main_report(args: argparse.Namespace) -> int:
    """Write the report and print where it is; input errors raise ``AllianceError``."""
    from simulation.analysis.report import report_exists, write_report

    by = None
    if args.by:
        by = [name.strip() for item in args.by for name in item.split(",") if name.strip()]
    discover = getattr(args, "discover", None)
    if discover is not None:
        discover = [d for d in discover if d.strip().lower() != "none"]
    replacing = report_exists(args.folder, args.out)
    path = write_report(args.folder, args.out, by=by, discover=discover)
    summary = path.parent / "summary.csv"
    if summary.exists():
        print(headline(summary))
    if replacing:
        print(f"replaced the previous report in {path.parent}")
    print(f"report written to {path}")
    return 0


#: Columns of summary.csv printed on the terminal (labels from ``summary_columns``).
HEADLINE: tuple[str, ...] = (
    "setting",
    "runs",
    "alliances_founded",
    "survival_rate",
    "survival_72",
    "km_median_lifespan",
    "transformation_rate",
    "renewal_success_rate",
)


def headline(summary_csv: str | os.PathLike) -> str:
    """A few columns of the report's summary table, for the terminal.

    The columns and their names are those of report.md's summary table
    (:func:`simulation.analysis.summary.summary_columns`): the same estimators under
    the same names.
    """
    import pandas as pd

    from simulation.analysis.summary import summary_columns

    table = pd.read_csv(summary_csv)
    origin = "forming"
    if "lifespan_from" in table.columns and table["lifespan_from"].notna().any():
        origin = str(table["lifespan_from"].dropna().iloc[0])
    columns = summary_columns(origin)
    shown = [c for c in HEADLINE if c in table.columns]
    cells = pd.DataFrame(
        {
            columns[c][0]: [_cell(row, c, columns[c][1]) for _, row in table.iterrows()]
            for c in shown
        }
    )
    return cells.to_string(index=False)


def _cell(row, column: str, fmt: str | None) -> str:
    """One value as report.md shows it (without its interval)."""
    import pandas as pd

    value = row[column]
    if fmt is None:
        return str(value)
    if pd.isna(value):
        founded = row.get("alliances_founded", 0)
        return "not reached" if column == "km_median_lifespan" and founded else "-"
    if fmt == "pct":
        return f"{100 * value:.0f}%"
    return fmt.format(value)
