"""`pmo-xl collect FOLDER --into PORTFOLIO`: merge PM updates into a new portfolio workbook.

Presentation only: the work is `pmo_xl.collect.collect_updates`, the same use case the
*Collect updates* button calls. Exit codes: 0 every update merged; 1 some file was refused,
partly merged or held back; 2 the portfolio or folder could not be used, or OUT not written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pmo_xl.collect.model import OUT_CONTAINS, CollectionResult, Status
from pmo_xl.commands.common import positive_int, print_written
from pmo_xl.commands.report import parse_period
from pmo_xl.issues import Severity, sort_issues

FILE_LEVEL = "(file)"
SHOWN_SEVERITIES = {"error": (Severity.ERROR,), "warning": (Severity.ERROR, Severity.WARNING),
                    "info": (Severity.ERROR, Severity.WARNING, Severity.INFO)}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "collect", help="merge a folder of PM project updates into the portfolio",
        description="Read every project-update workbook in FOLDER (and its subfolders), check each against the "
        "template and the portfolio, and merge the good ones into a NEW workbook: "
        + OUT_CONTAINS + " Custom formatting, extra sheets and columns, and macros of the portfolio are not carried "
        "(the output says which). PORTFOLIO itself is only replaced with --replace, after a backup copy. "
        "Problems come back per file at their cell, and as feedback copies to send to each PM.")
    parser.add_argument("folder", type=Path, help="folder of update workbooks (.xlsx, .xlsm, .xls), searched recursively")
    parser.add_argument("--into", dest="portfolio", type=Path, required=True, metavar="PORTFOLIO",
                        help="the portfolio workbook to merge into (read only, unless --replace)")
    parser.add_argument("-o", "--output", type=Path, help="the workbook to write (default: PORTFOLIO-collected-YYYY-MM.xlsx beside it)")
    parser.add_argument("--replace", action="store_true",
                        help="write over PORTFOLIO (a .xlsx only) after copying it to PORTFOLIO.before-collect-<time>.xlsx")
    parser.add_argument("--feedback", type=Path, metavar="DIR", help="folder for the per-PM feedback copies (default: OUT's folder/feedback)")
    parser.add_argument("--no-feedback", action="store_true", help="do not write feedback copies")
    parser.add_argument("--period", help="reporting month YYYY-MM for late updates (default: the Settings status date)")
    parser.add_argument("--jobs", type=positive_int, default=2, help="files read at once, each batch in its own process under per-file time and memory limits (default 2)")
    parser.add_argument("--show", choices=("error", "warning", "info"), default="warning",
                        help="list problems of at least this severity (default: warning)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        period = parse_period(args.period)
    except ValueError as error:
        print(f"pmo-xl: {error}", file=sys.stderr)
        return 2
    from pmo_xl.collect import collect_updates

    result = collect_updates(
        args.folder, args.portfolio, args.output, replace=args.replace, feedback_dir=args.feedback,
        write_feedback_files=not args.no_feedback, jobs=max(1, args.jobs),
        period=None if period is None else period.date(), progress=None if args.quiet else _progress)
    print_result(result, SHOWN_SEVERITIES[args.show])
    return 0 if result.all_merged else 1


def _progress(stage: str, done: int, total: int) -> None:
    """`reading updates 120/500` on stderr: rewritten in place on a terminal, a line per tenth otherwise."""
    if sys.stderr.isatty():
        print(f"\r{stage} {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)
    elif done == total or (done * 10 // total) != ((done - 1) * 10 // total):
        print(f"{stage} {done}/{total}", file=sys.stderr, flush=True)


def print_result(result: CollectionResult, shown: tuple[Severity, ...]) -> None:
    """The collection report as text: one line per file, its problems at their cells, then the late projects."""
    width = max((len(str(s)) for s in Status), default=10)
    for file in result.files:
        what = f"{file.project_id or '':8} {file.period:%Y-%m}" if file.period else f"{file.project_id or '':8} {'':7}"
        detail = file.merged.describe() if file.status in (Status.ACCEPTED, Status.PARTLY) else file.note
        print(f"{str(file.status):{width}}  {what}  {file.name}" + (f"  — {detail}" if detail else ""))
        for found in sort_issues([i for i in file.issues if i.severity in shown]):
            # A problem with the whole file has no sheet to point at: say it plainly.
            line = found.as_line() if found.sheet != FILE_LEVEL else f"{found.severity} [{found.code}] {found.message}"
            print(f"    {line}")
        if file.feedback:
            print(f"    feedback: {file.feedback}")
    if result.late:
        print(f"late: {len(result.late)} active project(s) without progress for {result.period:%Y-%m}:")
        for late in result.late:
            print(f"    {late.project_id} {late.name or ''} (PM: {late.manager or 'unknown'}) — {late.note}")
    from pmo_xl.collect.output import summary_line

    print(summary_line(result))
    print_written(result.out, OUT_CONTAINS, result.not_carried, result.backup)
