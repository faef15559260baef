"""`pmo-xl close WORKBOOK --period YYYY-MM [-o OUT]`: freeze a month into History, in a new workbook.

Presentation only: the work is `pmo_xl.close.usecase.close_file`. Exit codes: 0 closed; 2 the
workbook could not be used, the period is closed already (without --reopen), or OUT not written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from pmo_xl.commands.report import parse_period


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "close", help="close a month: freeze its figures into History for the trends",
        description="Compute the month exactly as the report does and freeze it into the History tables (one row per "
        "project, per milestone and per portfolio figure), so later reports show trends as they were reported. "
        "Writes a NEW workbook (WORKBOOK-closed-YYYY-MM.xlsx beside it unless -o is given); WORKBOOK itself is only "
        "replaced with --replace, after a backup copy. A month already closed is refused unless --reopen.")
    parser.add_argument("workbook", type=Path, help="the portfolio workbook (.xlsx or .xlsm), read only unless --replace")
    parser.add_argument("--period", help="the month to close, YYYY-MM (default: the month of the Settings status date)")
    parser.add_argument("-o", "--output", type=Path, help="the workbook to write (default: WORKBOOK-closed-YYYY-MM.xlsx)")
    parser.add_argument("--replace", action="store_true",
                        help="write over WORKBOOK (a .xlsx only) after copying it to WORKBOOK.before-close-<time>.xlsx")
    parser.add_argument("--reopen", action="store_true", help="replace the rows of a month already closed, and list what changed")
    parser.add_argument("--backfill", action="store_true",
                        help="also close every earlier month that has Progress and is not closed yet (marked Recomputed)")
    parser.add_argument("--closed-on", metavar="YYYY-MM-DD", help="the day recorded as closing day (default: today)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        period = parse_period(args.period)
        closed_on = dt.date.fromisoformat(args.closed_on) if args.closed_on else None
    except ValueError as error:
        print(f"pmo-xl: {error}", file=sys.stderr)
        return 2
    from pmo_xl.close.usecase import close_file
    from pmo_xl.errors import OutputError

    try:
        result = close_file(args.workbook, period, args.output, replace=args.replace, reopen=args.reopen,
                            backfill=args.backfill, closed_on=closed_on)
    except OutputError as error:
        print(f"pmo-xl: {error}", file=sys.stderr)
        return 2
    for closed in result.closed:
        counts = ", ".join(f"{n} {name}" for name, n in closed.rows.items())
        verb = "reopened" if closed.reopened else "closed"
        print(f"{verb} {closed.period:%Y-%m} ({closed.basis.lower()}): {counts} rows")
        for line in closed.changes:
            print(f"    {line}")
        if closed.reopened and not closed.changes:
            print("    nothing changed")
    if result.skipped:
        print("already closed, kept as they were: " + ", ".join(f"{m:%Y-%m}" for m in result.skipped))
    print(f"wrote {result.out}")
    if result.not_carried:
        print("not carried over from the input: " + "; ".join(result.not_carried))
    if result.backup:
        print(f"the previous workbook was kept as {result.backup}")
    return 0
