"""`pmo-xl demo [DIR]`: the monthly cycle on the bundled sample portfolio, end to end."""

from __future__ import annotations

import argparse
from pathlib import Path

from pmo_xl.commands.common import step


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help="run the monthly cycle on the bundled sample: updates, collect, validate, report",
        description="Run the monthly cycle on the bundled sample portfolio: write the sample workbook and "
        "the PMs' update files, collect the updates into a merged portfolio (with feedback copies for the "
        "PMs whose files had problems), validate it, and write the monthly report. Prints what it wrote.")
    parser.add_argument("folder", nargs="?", type=Path, default=Path("pmo-demo"), help="output folder (default ./pmo-demo)")
    parser.add_argument("--pdf", action="store_true", help="also write the report as PDF (needs LibreOffice)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pmo_xl.collect import collect_updates
    from pmo_xl.collect.output import summary_line
    from pmo_xl.collect.samples import write_sample_updates
    from pmo_xl.issues import summary_text
    from pmo_xl.sample import generate_sample, write_sample_workbook
    from pmo_xl.usecases import report_name, report_run, validate_file

    folder: Path = args.folder
    folder.mkdir(parents=True, exist_ok=True)
    sample = generate_sample()
    workbook = folder / "PMO-sample.xlsx"
    with step("1. writing the sample portfolio and its PM updates"):
        write_sample_workbook(workbook, sample)
        updates = folder / "updates"
        updates.mkdir(exist_ok=True)
        for old in updates.glob("*.xlsx"):
            old.unlink()
        written = [workbook, *write_sample_updates(sample, updates)]
    with step("2. collecting the PM updates"):
        collection = collect_updates(updates, workbook, folder / "PMO-collected.xlsx", feedback_dir=folder / "feedback")
    collected = collection.out or workbook
    written.append(collected)
    if collection.feedback_dir and collection.feedback_dir.exists():
        written += sorted(collection.feedback_dir.rglob("*.xlsx"))
    with step("3. validating the collected portfolio"):
        run = validate_file(collected)
    report = folder / report_name(run.results.period if run.results else None)
    with step("4. writing the monthly report"):
        report_run(run, report)
    written.append(report)
    if args.pdf:
        from pmo_xl.report.pdf import convert_to_pdf

        with step("   converting the report to PDF"):
            written.append(convert_to_pdf(report))
    for path in written:
        print(f"wrote {path}")
    print(f"collect: {summary_line(collection)}")
    print(f"validate: {summary_text(run.issues)} "
          f"(the sample carries {len(sample.planted)} deliberate mistakes; see: pmo-xl validate {collected})")
    return 0
