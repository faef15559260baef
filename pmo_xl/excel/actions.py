"""What each Home button does, written against `WorkbookPort` (so tests run it on `MemoryPort`).

Every action reads the registers of the open workbook as raw tables, hands them to the same
use cases the CLI uses (`pmo_xl.usecases`), and writes its results only into tool-owned places
(layout.py): a table on a grey-tab sheet, the Home last-run cells, fill colours and "PMO check:"
notes on register cells. The report is a separate workbook. Nothing is saved behind the user's
back. Presentation (column headings, Yes/No, summaries) lives here; numbers come from the core.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath

import numpy as np
import pandas as pd

from pmo_xl.excel.layout import (
    HIGHLIGHT_COLOURS,
    LAST_ACTION,
    LAST_REPORT,
    LAST_RUN,
    LOADING,
    PRIORITIES,
    SCHEDULES_FOLDER,
    UPDATES,
    UPDATES_FOLDER,
    VALIDATION,
)
from pmo_xl.issues import Issue, issue_table, sort_issues, summary_text
from pmo_xl.options import VALIDATION_COMPUTATIONS, Computation, options_with
from pmo_xl.port import Formula, WorkbookPort
from pmo_xl.raw import RawTable
from pmo_xl.results import Run

MAX_NOTE = 250  # characters of the issue message shown in a cell note
PRIORITY_FORMATS = {"Rank": "0", "Budget (BAC)": "#,##0", "Priority score": "0.00", "Score coverage": "0%"}
LOADING_FORMATS = {
    "Period": "yyyy-mm",
    "Capacity (h)": "#,##0.0",
    "Demand (h)": "#,##0.0",
    "Utilisation": "0%",
}


@dataclass
class RunResult:
    """What a button did, for the status cell and for tests."""

    action: str
    summary: str
    issues: list[Issue] = field(default_factory=list)
    output: str | None = None  # a file written (the report)


Action = Callable[[WorkbookPort], RunResult]


# --- reading the open workbook ------------------------------------------------------------------


def read_tables(port: WorkbookPort) -> dict[str, RawTable]:
    """Every register and Settings table found in the workbook, keyed by register name."""
    from pmo_xl.usecases import ALL_TABLES

    tables = {}
    for register in ALL_TABLES:
        raw = port.read_table(register.table)
        if raw is not None:
            tables[register.name] = raw
    return tables


def run_live(port: WorkbookPort, *computations: Computation) -> Run:
    """The open workbook parsed, checked and computed (all computations unless some are named),
    exactly as `pmo-xl validate` and `pmo-xl report` do for a file."""
    from pmo_xl.usecases import validate_tables

    options = options_with(compute=frozenset(computations)) if computations else None
    return validate_tables(read_tables(port), source=port.workbook_path, options=options)


def record_run(port: WorkbookPort, action: str, summary: str, now: dt.datetime | None = None) -> None:
    """Fill the Home "Last run" block."""
    port.set_value(LAST_ACTION.name, action)
    port.set_value(LAST_RUN.name, now or dt.datetime.now().replace(microsecond=0))
    port.set_status(summary)


def issue_summary(issues: list[Issue]) -> str:
    return summary_text(issues)


# --- Validate ---------------------------------------------------------------------------------


def validation_frame(issues: list[Issue]) -> pd.DataFrame:
    """tblValidation: one row per issue, errors first, with a link to the cell."""
    ordered = sort_issues(issues)
    table = issue_table(ordered)
    links = [Formula(f'=HYPERLINK("#{i.address}","Go to")') if i.row is not None else None for i in ordered]
    return pd.DataFrame({
        "Severity": table["severity"], "Sheet": table["sheet"], "Cell": table["cell"].replace("", None),
        "Field": table["field"], "Value": table["value"], "Message": table["message"], "Code": table["code"],
        "Go to": pd.Series(links, index=table.index, dtype=object),
    }, columns=list(VALIDATION.columns))


def _marks(issues: list[Issue], sheets: set[str]) -> dict[str, dict[str, tuple[str, str]]]:
    """sheet -> cell -> (colour, note text): the worst severity wins, messages are combined."""
    marks: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for issue in sort_issues(issues):  # errors first: the first colour a cell gets is its worst
        if issue.row is None or issue.sheet not in sheets:
            continue
        cell = issue.cell
        colour, text = marks[issue.sheet].get(cell, (HIGHLIGHT_COLOURS[str(issue.severity)], ""))
        text = f"{text}\n{issue.message}" if text else issue.message
        marks[issue.sheet][cell] = (colour, text[:MAX_NOTE])
    return marks


def _previous_marks(port: WorkbookPort) -> dict[str, list[str]]:
    """Cells marked by the last Validate run (read back from tblValidation) by sheet."""
    previous = port.read_table(VALIDATION.table)
    cells: dict[str, list[str]] = defaultdict(list)
    if previous is None:
        return cells
    header = [str(h) for h in previous.headers]
    if "Sheet" not in header or "Cell" not in header:
        return cells
    s, c = header.index("Sheet"), header.index("Cell")
    for row in previous.rows:
        if row[s] and row[c] and str(row[c]) not in cells[str(row[s])]:
            cells[str(row[s])].append(str(row[c]))
    return cells


def run_validate(port: WorkbookPort) -> RunResult:
    """Check every register; list the issues on Validation and mark their cells."""
    port.set_status("Validate: checking the registers...")
    tables = read_tables(port)
    run = run_live(port, *VALIDATION_COMPUTATIONS)
    issues = run.issues
    register_sheets = {t.sheet for t in tables.values()}
    for sheet, cells in _previous_marks(port).items():
        if sheet in register_sheets:
            port.clear_highlights(sheet, cells)
    port.write_table(VALIDATION.sheet, VALIDATION.table, validation_frame(issues))
    for sheet, marks in _marks(issues, register_sheets).items():
        by_colour: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for cell, (colour, text) in marks.items():
            by_colour[colour].append((cell, text))
        for colour, entries in by_colour.items():
            port.highlight_cells(sheet, [c for c, _ in entries], colour, [t for _, t in entries])
    rejected = sum(len(rows) for rows in run.portfolio.rejected.values())
    summary = f"{issue_summary(issues)}; {rejected} rows left out of the computations"
    record_run(port, "Validate", summary)
    if issues:
        port.show_sheet(VALIDATION.sheet)
    return RunResult("Validate", summary, issues)


# --- Refresh priorities / loading ---------------------------------------------------------------


def priority_frame(selection: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """tblPriority: ranked projects first, with score, coverage, selection and the reason."""
    merged = selection.merge(scores[["project_id", "coverage", "rank_note"]], on="project_id", how="left")
    merged = merged.sort_values(["rank", "project_id"], na_position="last", kind="stable")
    return pd.DataFrame({
        "Rank": merged["rank"], "Project ID": merged["project_id"], "Project name": merged["name"],
        "Status": merged["status"], "Budget (BAC)": merged["bac"], "Priority score": merged["score"],
        "Score coverage": merged["coverage"], "Selected": np.where(merged["selected"].astype(bool), "Yes", "No"),
        "Why": merged["reason"], "Ranking note": merged["rank_note"].replace("", None),
    }).reset_index(drop=True)  # fmt: skip


def run_refresh_priorities(port: WorkbookPort) -> RunResult:
    """Score, rank and select; write the ranking to Priority scores."""
    port.set_status("Refresh priorities: scoring the projects...")
    run = run_live(port, Computation.PRIORITIES)
    result = run.results.priorities if run.results is not None else None
    if result is None:
        raise UserFacingError("The priorities could not be computed; see Data Quality in a report (Validate lists why).")
    port.write_table(
        PRIORITIES.sheet, PRIORITIES.table, priority_frame(result.selection, result.scores), PRIORITY_FORMATS
    )
    selected = int(result.selection["selected"].astype(bool).sum()) if len(result.selection) else 0
    summary = f"{len(result.scores)} projects scored, {selected} selected; {issue_summary(run.issues)}"
    record_run(port, "Refresh priorities", summary)
    port.show_sheet(PRIORITIES.sheet)
    return RunResult("Refresh priorities", summary, run.issues)


def loading_frame(resource_load: pd.DataFrame, over: float, under: float) -> pd.DataFrame:
    """tblLoading: one row per resource and period, flagged against the Settings thresholds."""
    utilisation = resource_load["utilisation"].astype(float)
    flag = np.select([utilisation > over, utilisation < under], ["Over-allocated", "Under-used"], default="")
    flag = np.where(utilisation.isna(), "No capacity", flag)
    return pd.DataFrame({
        "Resource ID": resource_load["resource_id"], "Name": resource_load["name"], "Role": resource_load["role"],
        "Team": resource_load["team"], "Period": pd.to_datetime(resource_load["period"]),
        "Capacity (h)": resource_load["capacity_hours"], "Demand (h)": resource_load["demand_hours"],
        "Utilisation": utilisation, "Flag": pd.Series(flag, index=resource_load.index).replace("", None),
    }).reset_index(drop=True)  # fmt: skip


def run_refresh_loading(port: WorkbookPort) -> RunResult:
    """Resource demand against capacity per period, written to Loading."""
    port.set_status("Refresh loading: spreading the allocations...")
    run = run_live(port, Computation.LOADING)
    result = run.results.loading if run.results is not None else None
    if result is None:
        raise UserFacingError("The loading could not be computed; Validate lists why.")
    frame = loading_frame(result.resource_load, result.overload_threshold, result.underuse_threshold)
    port.write_table(LOADING.sheet, LOADING.table, frame, LOADING_FORMATS)
    over = int((frame["Flag"] == "Over-allocated").sum())
    summary = (f"{frame['Resource ID'].nunique()} resources over {len(result.periods)} periods, "
               f"{over} over-allocated resource-periods; {issue_summary(run.issues)}")  # fmt: skip
    record_run(port, "Refresh loading", summary)
    port.show_sheet(LOADING.sheet)
    return RunResult("Refresh loading", summary, run.issues)


# --- Collect updates ------------------------------------------------------------------------------


def updates_folder(port: WorkbookPort) -> Path | None:
    """The folder typed on Home, else `updates` beside a local workbook; None when unknown."""
    return _folder(port, UPDATES_FOLDER.name, "updates")


def schedules_folder(port: WorkbookPort) -> Path | None:
    """The folder typed on Home, else `schedules` beside a local workbook; None when unknown."""
    return _folder(port, SCHEDULES_FOLDER.name, "schedules")


def _folder(port: WorkbookPort, cell: str, default: str) -> Path | None:
    typed = port.get_value(cell)
    if typed not in (None, ""):
        return Path(os.path.expandvars(os.path.expanduser(str(typed))))
    if port.is_cloud:
        return None
    return _local_parent(port.workbook_path) / default


def updates_frame(files: list) -> pd.DataFrame:
    """tblUpdates: one row per file of the updates folder, refused ones first."""
    from pmo_xl.issues import Severity

    order = {"rejected": 0, "held back": 1, "partly accepted": 2, "accepted": 3}
    rows = []
    for result in sorted(files, key=lambda f: (order.get(str(f.status), 4), f.name)):
        issues = sort_issues(result.issues)
        worst = issues[0] if issues else None
        # The first error says why a file was refused better than the summary note does.
        message = (
            worst.message
            if worst and worst.severity == Severity.ERROR
            else (result.note or (worst.message if worst else None))
        )
        rows.append([result.name, result.project_id, pd.Timestamp(result.period) if result.period else None,
                     str(result.status), result.count(Severity.ERROR), result.count(Severity.WARNING), message])  # fmt: skip
    return pd.DataFrame(rows, columns=list(UPDATES.columns))


def run_collect_updates(port: WorkbookPort) -> RunResult:
    """Collect the PM updates with `pmo-xl collect`'s use case; list every file on Updates.

    The merged portfolio is a new workbook beside this one (opened for review): the registers
    of the open workbook are not rewritten. The use case reads this workbook as last saved.
    """
    from pmo_xl.collect.usecase import collect_updates

    _needs_a_local_file(port, "Collect updates", "pmo-xl collect")
    folder = updates_folder(port)
    if folder is None or not folder.is_dir():
        raise UserFacingError(
            f"The updates folder {folder} does not exist. Create it, or type another folder on Home."
        )
    port.set_status(f"Collect updates: reading {folder} (this workbook as last saved)...")
    result = collect_updates(folder, port.workbook_path)
    return _show_merged(port, "Collect updates", result.files, result.out)


def _needs_a_local_file(port: WorkbookPort, action: str, command: str) -> None:
    if port.is_cloud:
        raise UserFacingError(
            f"{action} needs the workbook as a file on this computer; this one is opened from "
            f"OneDrive/SharePoint. Open a synced or downloaded copy, or run `{command}` on it."
        )


def _show_merged(port: WorkbookPort, action: str, files: list, out: Path | None) -> RunResult:
    """Every file on Updates (refused ones first), the merged portfolio opened for review."""
    from pmo_xl.collect.model import Status

    port.write_table(UPDATES.sheet, UPDATES.table, updates_frame(files), {"Period": "yyyy-mm"})
    counts = {s: sum(f.status == s for f in files) for s in (Status.ACCEPTED, Status.PARTLY, Status.REJECTED, Status.HELD_BACK)}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    if out is not None:
        summary += f"; merged portfolio {out.name} written"
        port.open_workbook(str(out))
    record_run(port, action, summary)
    port.show_sheet(UPDATES.sheet)
    return RunResult(action, summary, output=str(out) if out else None)


# --- Import schedules ------------------------------------------------------------------------------


def run_import_schedules(port: WorkbookPort) -> RunResult:
    """Import the schedules folder with `pmo-xl import`'s use case; list every file on Updates.

    As Collect updates: the merged portfolio is a new workbook beside this one (opened for
    review), the open workbook's registers are not rewritten, and this workbook is read as last
    saved. The Settings decide how a schedule finds its Project ID and the BAC tolerance.
    """
    from pmo_xl.schedules.read import SUFFIXES
    from pmo_xl.schedules.usecase import import_schedules

    _needs_a_local_file(port, "Import schedules", "pmo-xl import")
    folder = schedules_folder(port)
    if folder is None or not folder.is_dir():
        raise UserFacingError(
            f"The schedules folder {folder} does not exist. Create it and save the schedules there "
            "(Project: File > Save As > XML; P6: export XER), or type another folder on Home."
        )
    if not any(p.suffix.lower() in SUFFIXES for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        raise UserFacingError(f"The schedules folder {folder} holds no schedule (.xml or .xer): nothing was imported.")
    port.set_status(f"Import schedules: reading {folder} (this workbook as last saved)...")
    result = import_schedules([folder], port.workbook_path)
    return _show_merged(port, "Import schedules", result.files, result.out)


# --- Generate monthly report ----------------------------------------------------------------------


def _local_parent(path: str) -> Path:
    # FullName uses the conventions of the machine Excel runs on; a Windows path on a test
    # machine must still split at its backslashes.
    if "\\" in path and "/" not in path:
        return Path(str(PureWindowsPath(path).parent))
    return Path(path).parent


def report_folder(port: WorkbookPort) -> Path:
    """Beside the workbook; the user's Documents when the workbook is a OneDrive/SharePoint URL."""
    if port.is_cloud:
        documents = Path.home() / "Documents"
        return documents if documents.is_dir() else Path.home()
    return _local_parent(port.workbook_path)


def run_generate_monthly_report(port: WorkbookPort) -> RunResult:
    """Write PMO-report-YYYY-MM.xlsx with the same code as `pmo-xl report`, then open it."""
    from pmo_xl.usecases import report_name, report_run

    port.set_status("Generate monthly report: reading the registers...")
    run = run_live(port)
    out = report_folder(port) / report_name(run.results.period if run.results is not None else None)
    port.set_status(f"Generate monthly report: writing {out.name}...")
    report_run(run, out)
    port.open_workbook(str(out))
    port.set_value(LAST_REPORT.name, Formula(f'=HYPERLINK("{out}","{out.name}")'))
    summary = f"{out.name} written; {issue_summary(run.issues)}"
    record_run(port, "Generate monthly report", summary)
    return RunResult("Generate monthly report", summary, run.issues, str(out))


class UserFacingError(Exception):
    """A problem the user can fix, already in plain words for the alert."""


def run_compare_scenarios(port: WorkbookPort) -> RunResult:
    """Write PMO-scenarios-YYYY-MM.xlsx with the same code as `pmo-xl scenarios`, then open it."""
    from pmo_xl import pipeline
    from pmo_xl.usecases import (
        compare_scenarios,
        load_portfolio_from_tables,
        scenarios_name,
        write_scenario_comparison,
    )

    port.set_status("Compare scenarios: reading the registers...")
    portfolio = load_portfolio_from_tables(read_tables(port), source=port.workbook_path)
    problems = [i for i in portfolio.issues if i.code.startswith("scenario-")]
    port.set_status("Compare scenarios: computing each scenario...")
    result, issues = compare_scenarios(portfolio)
    if not result.scenarios:
        left_out = [i for i in problems if i.code == "scenario-left-out"]
        raise UserFacingError("There is no scenario to compare: add rows to the Scenarios table on the Settings sheet"
                              + (f" ({len(left_out)} left out for errors: Validate lists them at their cells)" if left_out else ""))
    out = report_folder(port) / scenarios_name(pipeline.reporting_period(portfolio))
    port.set_status(f"Compare scenarios: writing {out.name}...")
    write_scenario_comparison(portfolio, result, out)
    port.open_workbook(str(out))
    left = sum(1 for i in problems if i.code == "scenario-left-out")
    summary = f"{out.name} written: {len(result.scenarios)} scenario{'s' if len(result.scenarios) != 1 else ''} compared" + (
        f", {left} left out for errors (see Validate)" if left else "")
    record_run(port, "Compare scenarios", summary)
    return RunResult("Compare scenarios", summary, [*problems, *issues], str(out))


def run_close_period(port: WorkbookPort) -> RunResult:
    """Freeze the status month into the History tables (`pmo_xl.excel.close_action`)."""
    from pmo_xl.excel.close_action import run_close_period as close_period

    return close_period(port)


ACTIONS: dict[str, Action] = {
    "Validate": run_validate,
    "Refresh priorities": run_refresh_priorities,
    "Refresh loading": run_refresh_loading,
    "Collect updates": run_collect_updates,
    "Import schedules": run_import_schedules,
    "Generate monthly report": run_generate_monthly_report,
    "Compare scenarios": run_compare_scenarios,
    "Close period": run_close_period,
}
