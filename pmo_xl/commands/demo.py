"""`pmo-xl demo [DIR]`: the sample portfolio, its PM updates and its monthly report."""

from __future__ import annotations

import argparse
from pathlib import Path

from pmo_xl.collect.samples import write_sample_updates
from pmo_xl.commands.common import step
from pmo_xl.issues import count_by_severity
from pmo_xl.parse.settings import status_period
from pmo_xl.report import write_report
from pmo_xl.sample import generate_sample, write_sample_workbook
from pmo_xl.usecases import load_portfolio


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help="write the sample portfolio, PM updates and monthly report into a folder",
        description="Run the monthly cycle on the bundled sample portfolio: write the sample workbook, "
        "a few PM update files, validate, and write the monthly report. Prints what it wrote.")
    parser.add_argument("folder", nargs="?", type=Path, default=Path("pmo-demo"), help="output folder (default ./pmo-demo)")
    parser.add_argument("--pdf", action="store_true", help="also write the report as PDF (needs LibreOffice)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    folder: Path = args.folder
    folder.mkdir(parents=True, exist_ok=True)
    sample = generate_sample()
    workbook = folder / "PMO-sample.xlsx"
    with step("writing the sample portfolio"):
        write_sample_workbook(workbook, sample)
    written = [workbook]
    written += _write_updates(sample, folder / "updates")
    with step("reading and validating"):
        portfolio = load_portfolio(workbook)
    counts = count_by_severity(portfolio.issues)
    period = status_period(portfolio.settings, portfolio.progress)
    report = folder / f"PMO-report-{period:%Y-%m}.xlsx"
    with step("writing the monthly report"):
        write_report(portfolio, report, period)
    written.append(report)
    if args.pdf:
        from pmo_xl.report.pdf import convert_to_pdf

        with step("converting the report to PDF"):
            written.append(convert_to_pdf(report))
    for path in written:
        print(f"wrote {path}")
    print(f"validation: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes "
          f"(the sample has {len(sample.planted)} planted mistakes; see: pmo-xl validate {workbook})")
    return 0


def _write_updates(sample, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return write_sample_updates(sample, folder)
