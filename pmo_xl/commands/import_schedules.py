"""`pmo-xl import FILE… --into PORTFOLIO`: import Project (MSPDI XML) and P6 (XER) schedules.

Presentation only: the work is `pmo_xl.schedules.usecase.import_schedules` (imported when the
command runs, so the other commands start without it). Exit codes: 0 every schedule imported;
1 something was refused, partly imported or held back; 2 nothing usable (one line on stderr).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pmo_xl.commands.common import positive_int, print_written

FILE_LEVEL = "(file)"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import", help="import Microsoft Project XML / Primavera P6 XER schedules into the registers",
        description="Read schedule files (Microsoft Project XML saved with File > Save As > XML, or Primavera P6 "
        "XER exports; folders are searched for .xml and .xer), turn each project into register rows (Projects, "
        "Baseline, Progress at its status date, Milestones, new Resources, Allocations) and merge them into a NEW "
        "workbook, like collect. The schedule files and PORTFOLIO are never changed (PORTFOLIO only with "
        "--replace, after a backup copy). Each problem is listed at its task UID, resource or P6 row.")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="schedule files or folders of them")
    parser.add_argument("--into", dest="portfolio", type=Path, required=True, metavar="PORTFOLIO",
                        help="the portfolio workbook to merge into (read only, unless --replace)")
    parser.add_argument("-o", "--output", type=Path, help="the workbook to write (default: PORTFOLIO-imported.xlsx beside it)")
    parser.add_argument("--replace", action="store_true",
                        help="write over PORTFOLIO (a .xlsx only) after copying it to PORTFOLIO.before-import-<time>.xlsx")
    parser.add_argument("--project-id", help="the Project ID for a single schedule (default: matched against the "
                        "register by project code, file name or project name; see CONTRACT.md)")
    parser.add_argument("--jobs", type=positive_int, default=2, help="worker processes for more than 20 files (default 2; 1 = none)")
    parser.add_argument("--show", choices=("error", "warning", "info"), default="warning",
                        help="list problems of at least this severity (default: warning)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pmo_xl.issues import Severity, sort_issues
    from pmo_xl.schedules.output import OUT_CONTAINS, summary_line
    from pmo_xl.schedules.usecase import import_schedules

    result = import_schedules(args.files, args.portfolio, args.output, replace=args.replace,
                              project_id=args.project_id, jobs=max(1, args.jobs))
    if len(result.files) == 1 and result.files[0].status.value == "rejected":
        # one file that could not be read at all: the one-line answer of an unusable input
        print(f"pmo-xl: {result.files[0].path}: {result.files[0].note}", file=sys.stderr)
        return 2
    shown = {"error": (Severity.ERROR,), "warning": (Severity.ERROR, Severity.WARNING),
             "info": tuple(Severity)}[args.show]
    width = max(len(str(f.status)) for f in result.files) if result.files else 8
    for file in result.files:
        merged = file.merged.describe() if file.status.value in ("accepted", "partly accepted") else ""
        print(f"{str(file.status):{width}}  {file.project_id or '':10}  {file.name}" + (f"  — {merged or file.note}"))
        for found in sort_issues([i for i in file.issues if i.severity in shown]):
            where = "" if found.sheet == FILE_LEVEL else f"{found.sheet}: "
            print(f"    {where}{found.severity} [{found.code}] {found.message}")
    print(summary_line(result))
    print_written(result.out, OUT_CONTAINS, result.not_carried, result.backup)
    return 0 if result.all_merged else 1
