"""`pmo-xl validate WORKBOOK`: every problem at its cell; exit 0 clean, 1 errors, 2 unusable.

The problems are the run's one issue list (parse, check and compute), the same the Validate
button and the report's Data Quality sheet show.

With `--annotate OUT.xlsx`, also a copy of the workbook with every problem cell highlighted and
commented and an Issues sheet linking to them; the workbook itself is never modified.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate", help="check the registers; list every problem at its cell",
        description="Check every register of WORKBOOK. One line per issue, e.g. "
        "\"'Allocations'!D14: error [unknown-reference] ...\". Exit code 0: no errors; 1: data errors; "
        "2: the file could not be used. The workbook is never modified.")
    parser.add_argument("workbook", type=Path, help="the portfolio workbook (.xlsx or .xlsm)")
    parser.add_argument("--json", action="store_true", help="print a JSON array of issue objects instead of text")
    parser.add_argument("--min-severity", choices=("info", "warning", "error"), default="info",
                        help="leave out issues below this severity in the listing (default: show all)")
    parser.add_argument("--annotate", type=Path, metavar="OUT.xlsx",
                        help="also write a copy of the workbook with every problem cell highlighted and commented, "
                        "and an Issues sheet linking to them (keep .xlsm for a macro workbook)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.json:
        return _validate(args)
    try:  # --json always prints JSON on stdout: the issues, or the one error that stopped the run
        return _validate(args)
    except Exception as error:
        from pmo_xl.errors import describe

        json.dump({"error": describe(error)}, sys.stdout, ensure_ascii=False)
        print()
        return 2


def _validate(args: argparse.Namespace) -> int:
    from pmo_xl.gc_pause import imports_out_of_collection

    with imports_out_of_collection():  # pandas and the engine: see there
        from pmo_xl.checks.cascade import left_out, left_out_line
        from pmo_xl.issues import Severity, sort_issues, summary_text
        from pmo_xl.options import VALIDATION_COMPUTATIONS, options_with
        from pmo_xl.usecases import validate_file

    if args.annotate is not None:  # refuse an impossible copy before the (long) read
        from pmo_xl.io.annotate import check_annotate_paths

        check_annotate_paths(args.workbook, args.annotate)
    run = validate_file(args.workbook, options_with(compute=VALIDATION_COMPUTATIONS))
    issues = sort_issues(run.issues)
    shown = [i for i in issues if i.severity.at_least(args.min_severity)]
    if args.json:
        json.dump([i.as_dict() for i in shown], sys.stdout, indent=1, ensure_ascii=False, default=str)
        print()
    else:
        for issue in shown:
            print(issue.as_line())
        rejected = sum(len(rows) for rows in run.portfolio.rejected.values())
        print(f"{summary_text(issues)}; {rejected} rows left out of the computations", file=sys.stderr)
        gone = left_out(run.portfolio)
        for register in ("Projects", "Resources"):
            if line := left_out_line(gone, register):
                print(line, file=sys.stderr)
    if args.annotate is not None:
        from pmo_xl.commands.common import step
        from pmo_xl.io.annotate import write_annotated_copy

        # openpyxl loads and saves the whole workbook: ~25 s of CPU for 100k allocation rows.
        with step(f"writing the annotated copy {args.annotate.name}", quiet=args.json):
            result = write_annotated_copy(args.workbook, args.annotate, issues)
        print(f"annotated copy: {result.path} ({result.cells_marked} cells marked; see its sheet {result.sheet!r})",
              file=sys.stderr)
    return 1 if any(i.severity == Severity.ERROR for i in issues) else 0
