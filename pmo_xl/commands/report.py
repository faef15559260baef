"""`pmo-xl report WORKBOOK`: the monthly report workbook. Never modifies WORKBOOK."""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from pmo_xl.commands.common import step, wrong_suffix

if TYPE_CHECKING:
    import pandas as pd

    from pmo_xl.report.model import ReportModel


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="write the monthly report workbook",
        description="Read, validate and compute WORKBOOK and write the monthly report pack "
        "(PMO-report-YYYY-MM.xlsx beside the workbook unless -o is given). The input is never modified; "
        "the report is written atomically. Exit code 0: written from clean data; 1: written, but rows with "
        "errors were left out (the closing lines and Data Quality say which); 2: nothing could be written.")
    parser.add_argument("workbook", type=Path, help="the portfolio workbook (.xlsx or .xlsm)")
    parser.add_argument("-o", "--output", type=Path, help="the report file to write (.xlsx; with --pdf, a .pdf name puts the PDF "
                        "there and the workbook beside it)")
    parser.add_argument("--period", help="reporting month YYYY-MM (default: the month of the Settings status date)")
    parser.add_argument("--pdf", action="store_true", help="also write a PDF of the pack (needs LibreOffice)")
    parser.add_argument("--project-pages", choices=("all", "exceptions", "none"), type=str.lower,
                        help="one printed page per project: all approved, active and on-hold projects; exceptions (Red, Amber, "
                        "milestone missed or slipped, or the main cause of a person's over-allocation); or none "
                        "(default: the Settings choice 'Project pages in the report', else exceptions)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    parser.set_defaults(run=run)


def parse_period(text: str | None) -> pd.Timestamp | None:
    if text is None:
        return None
    import pandas as pd

    from pmo_xl.parse.text_dates import FIRST_DATE, LAST_DATE, calendar_date, plausible

    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip(), re.ASCII)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"--period {text!r}: expected YYYY-MM, e.g. 2026-10")
    month = calendar_date(int(match.group(1)), int(match.group(2)), 1)
    if not plausible(month):  # the same window as every date of the workbook (9999-12 or 0001-01 is a typo)
        raise ValueError(f"--period {text!r}: a reporting month between {FIRST_DATE.astype(object):%Y-%m} and "
                         f"{LAST_DATE.astype(object):%Y-%m} is expected, e.g. 2026-10")
    return pd.Timestamp(month)


def run(args: argparse.Namespace) -> int:
    try:
        period = parse_period(args.period)
    except ValueError as error:
        print(f"pmo-xl: {error}", file=sys.stderr)
        return 2
    pdf_target = None
    if args.output is not None:
        if args.pdf and args.output.suffix.lower() == ".pdf":  # -o pack.pdf --pdf: the PDF there, pack.xlsx beside it
            pdf_target, args.output = args.output, args.output.with_suffix(".xlsx")
        elif refusal := wrong_suffix(args.output, (".xlsx",), "the report workbook"):
            print(refusal + (" — or add --pdf to print a PDF there" if args.output.suffix.lower() == ".pdf" else ""), file=sys.stderr)
            return 2
    from pmo_xl.gc_pause import imports_out_of_collection

    with imports_out_of_collection():  # pandas and the engine: see there
        from pmo_xl import pipeline
        from pmo_xl.checks.cascade import left_out, left_out_line
        from pmo_xl.issues import Severity
        from pmo_xl.options import options_with
        from pmo_xl.usecases import load_portfolio, report_name

    options = options_with(period=period, project_pages=args.project_pages)
    with step(f"reading {args.workbook.name}", args.quiet):
        portfolio = load_portfolio(args.workbook, options)
    output = args.output or args.workbook.with_name(report_name(pipeline.reporting_period(portfolio, options)))
    if output.resolve() == args.workbook.resolve():
        print("pmo-xl: the report cannot overwrite the input workbook; choose another -o", file=sys.stderr)
        return 2
    with step(f"writing {output.name}", args.quiet):
        run = pipeline.run_portfolio(portfolio, options)
        model, _ = pipeline.build(run, options)
        pipeline.write(model, output, options)
    print(f"wrote {output}")
    if getattr(args, "pdf", False):
        write_pdf(model, output, args.quiet, pdf_target)
    # What the figures are without, said where the user looks last (and on the Dashboard and Data Quality).
    gone = left_out(run.portfolio)
    for register in ("Projects", "Resources"):
        if line := left_out_line(gone, register, of="the report"):
            print(line)
    errors = sum(1 for issue in run.issues if issue.severity == Severity.ERROR)
    if errors:  # as validate: the data has errors, so the exit code says so (the report is still written)
        print(f"{errors} error{'' if errors == 1 else 's'} in the data: rows with errors are left out of the figures; see Data Quality or "
              f"pmo-xl validate {args.workbook}", file=sys.stderr)
    return 1 if errors else 0


def write_pdf(model: ReportModel, output: Path, quiet: bool, target: Path | None = None) -> Path:
    """Print the report's print edition (see report/print_edition.py) to `target` (default
    OUTPUT.pdf); say what it holds."""
    from pmo_xl.report.pdf import convert_to_pdf, pdf_page_count
    from pmo_xl.report.print_edition import PRINT, print_contents
    from pmo_xl.report.write import write_report_model

    target = target or output.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="pmo-xl-print-") as scratch:
        printed = Path(scratch) / output.name
        with step(f"printing {target.name} with LibreOffice", quiet):
            write_report_model(dataclasses.replace(model, edition=PRINT), printed)
            pdf = convert_to_pdf(printed, target)
    print(f"wrote {pdf} ({pdf_page_count(pdf)} pages, A4 landscape)")
    for line in print_contents(model):
        print(f"  {line}")
    return pdf
