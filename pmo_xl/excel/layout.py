"""Where the buttons write in PMO.xlsm: the tool-owned sheets, tables and named cells.

The builder lays these out and the macros write into them, so both read the names from here.
Macros address the Home cells through workbook-level defined names, not cell addresses, so a
user who inserts a row on Home does not break them. Everything listed here is *tool-owned*:
replaced on every run; the user's registers are never rewritten by a button.
"""

from __future__ import annotations

from dataclasses import dataclass

from pmo_xl.excel.udf_wrappers import UDF_MODULE
from pmo_xl.issues import column_letter

HOME_SHEET = "Home"
CONFIG_SHEET = "xlwings.conf"  # read by xlwings' VBA: keys from A1 down, values in column B


@dataclass(frozen=True)
class Button:
    """A Home-sheet button: caption, the VBA Sub it runs, and what the user gets."""

    caption: str
    sub: str  # Public Sub in PMOMacros.bas
    python: str  # function in pmo_xl.macros that the Sub runs
    explains: str

    @property
    def macro(self) -> str:
        return f"PMOMacros.{self.sub}"


BUTTONS: tuple[Button, ...] = (
    Button("Validate", "Validate", "validate",
           "Checks every register. Problems are listed on the Validation sheet and marked in the registers."),
    Button("Refresh priorities", "RefreshPriorities", "refresh_priorities",
           "Scores and ranks the projects on the criteria in Settings. Results: Priority scores sheet."),
    Button("Refresh loading", "RefreshLoading", "refresh_loading",
           "Resource demand against capacity per period. Results: Loading sheet."),
    Button("Collect updates", "CollectUpdates", "collect_updates",
           "Reads the project-update workbooks in the updates folder, merges the valid ones into the registers and lists the rest on the Updates sheet."),
    Button("Import schedules", "ImportSchedules", "import_schedules",
           "Reads the Microsoft Project (.xml) and Primavera P6 (.xer) files in the schedules folder, merges them into a new portfolio workbook beside this one (opened for review) and lists every file on the Updates sheet."),
    Button("Generate monthly report", "GenerateMonthlyReport", "generate_monthly_report",
           "Writes PMO-report-YYYY-MM.xlsx next to this workbook (or in Documents for OneDrive/SharePoint files) and opens it."),
    Button("Compare scenarios", "CompareScenarios", "compare_scenarios",
           "Computes each what-if scenario of the Scenarios table (Settings) against the portfolio as planned, writes PMO-scenarios-YYYY-MM.xlsx next to this workbook and opens it."),
    Button("Close period", "ClosePeriod", "close_period",
           "Freezes the month of the status date into the History sheets, so later reports show its figures as reported. Save the workbook afterwards."),
)  # fmt: skip


@dataclass(frozen=True)
class NamedCell:
    """A single Home cell the macros read or write, reachable by its defined name."""

    name: str
    label: str
    row: int  # 0-based, as XlsxWriter counts
    col: int
    user_input: bool = False
    note: str = ""

    @property
    def address(self) -> str:
        """`Home!$F$7`, the defined name's formula without the `=`."""
        return f"{HOME_SHEET}!${column_letter(self.col + 1)}${self.row + 1}"


LAST_ACTION = NamedCell("pmoLastAction", "Action", 5, 5)
LAST_RUN = NamedCell("pmoLastRun", "Finished", 6, 5)
STATUS = NamedCell("pmoStatus", "Result", 7, 5)
LAST_REPORT = NamedCell("pmoLastReport", "Last report", 8, 5)
UPDATES_FOLDER = NamedCell(
    "pmoUpdatesFolder", "Updates folder", 11, 5, user_input=True,
    note="Folder holding the project-update workbooks. Blank: the folder 'updates' next to this workbook.",
)  # fmt: skip
SCHEDULES_FOLDER = NamedCell(
    "pmoSchedulesFolder", "Schedules folder", 13, 5, user_input=True,
    note="Folder holding exported schedules (.xml, .xer). Blank: the folder 'schedules' next to this workbook.",
)  # fmt: skip
NAMED_CELLS: tuple[NamedCell, ...] = (LAST_ACTION, LAST_RUN, STATUS, LAST_REPORT, UPDATES_FOLDER, SCHEDULES_FOLDER)


@dataclass(frozen=True)
class ToolTable:
    """A tool-owned sheet holding one Excel Table that a button replaces on every run."""

    sheet: str
    table: str
    title: str
    columns: tuple[str, ...]
    widths: tuple[float, ...]
    first_row: int = 3  # 0-based row of the table header (title and note above it)


VALIDATION = ToolTable(
    "Validation", "tblValidation", "Validation results",
    ("Severity", "Sheet", "Cell", "Field", "Value", "Message", "Code", "Go to"),
    (10, 14, 8, 20, 18, 70, 22, 8),
)  # fmt: skip
PRIORITIES = ToolTable(
    "Priority scores", "tblPriority", "Priority scores",
    ("Rank", "Project ID", "Project name", "Status", "Budget (BAC)", "Priority score", "Score coverage", "Selected",
     "Why", "Ranking note"),
    (7, 12, 30, 11, 14, 13, 13, 9, 60, 40),
)  # fmt: skip
LOADING = ToolTable(
    "Loading", "tblLoading", "Resource loading",
    ("Resource ID", "Name", "Role", "Team", "Period", "Capacity (h)", "Demand (h)", "Utilisation", "Flag"),
    (12, 22, 18, 16, 10, 12, 12, 11, 16),
)  # fmt: skip
UPDATES = ToolTable(
    "Updates", "tblUpdates", "Collected project updates and imported schedules",
    ("File", "Project ID", "Period", "Result", "Errors", "Warnings", "Message"),
    (36, 12, 9, 10, 8, 9, 70),
)  # fmt: skip
TOOL_TABLES: tuple[ToolTable, ...] = (VALIDATION, PRIORITIES, LOADING, UPDATES)

# Colours the Validate button marks register cells with (fill), by severity.
HIGHLIGHT_COLOURS = {"error": "#FFC7CE", "warning": "#FFEB9C", "info": "#DDEBF7"}
NOTE_PREFIX = "PMO check: "  # notes starting with this are ours to delete on the next run


@dataclass(frozen=True)
class XlwingsConfig:
    """The keys of the hidden `xlwings.conf` sheet: how RunPython and the UDFs find Python."""

    interpreter_win: str = r"%LOCALAPPDATA%\pmo-xl\venv\Scripts\pythonw.exe"
    interpreter_mac: str = "$HOME/.pmo-xl/venv/bin/python"
    udf_modules: str = UDF_MODULE

    def rows(self) -> list[tuple[str, object, str]]:
        """(key, value, why) in sheet order. Keys must be contiguous from A1 (VBA reads A1:End(xlDown))."""
        return [
            ("Interpreter_Win", self.interpreter_win, "pythonw.exe of the venv `pmo-xl excel-setup` creates (full path to the exe, not a folder)."),
            ("Interpreter_Mac", self.interpreter_mac, "python of that venv on Mac ($HOME is expanded by xlwings)."),
            ("UDF Modules", self.udf_modules, "Module of the PMO_ worksheet functions (only used when re-importing functions)."),
            # pmo_xl is pip-installed into the interpreter: the workbook's folder is not put on
            # sys.path, so a stray file beside the workbook cannot shadow the package, and a
            # OneDrive/SharePoint URL as the workbook path needs no extra configuration.
            ("ADD_WORKBOOK_TO_PYTHONPATH", False, "The package comes from the venv, not from the workbook's folder."),
            # A fresh interpreter per click: code updates apply at once, no stale state (UDFs always use the server).
            ("Use UDF Server", False, "Buttons start a fresh Python each click."),
            ("Show Console", False, "No console window."),
            ("Debug UDFs", False, "Only for developers debugging the UDF server."),
        ]  # fmt: skip
