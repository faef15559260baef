"""The project-update workbook, declared from the portfolio schema (nothing is typed twice).

A PM fills one update per project and month. Its sheets are derived from the registers:

- **Update**: a key/value form (table `tblUpdate`: Item, Value, Guidance). Its lines are the
  header fields below, then every column of the Progress register except Project ID and Period
  (which are header fields). A column added to Progress appears here by itself.
- **Risks**, **Milestones**, **Resource needs**: the Risks, Milestones and Allocations registers'
  tables (same table names), without the Project ID column, which comes from the header.

The template version is recorded twice: as the workbook-level defined name
`PMO_UpdateTemplateVersion` (invisible to the PM) and on the `Template version` line of the form.

Version history (what the reader migrates):
- v1 (no version recorded): progress lines headed BCWS / BCWP / ACWP (read as PV / EV / AC,
  their meaning is the same), one "Overall RAG" line (retired: it cannot be split into the four
  dimensions, so it is explained, not guessed), no ETC line and no Resource needs sheet.
- v2: Risks, Milestones, Resource needs.
- v3 (current): as declared here — also the registers beside the plan: Issue log, Actions,
  Decisions, Change requests, Benefit progress, Lessons (a v2 file without them is read as it is).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pmo_xl.schema.columns import Column, Kind, Register, normalise_header
from pmo_xl.schema.governance import ACTIONS, BENEFIT_PROGRESS, CHANGE_REQUESTS, DECISIONS, ISSUE_LOG, LESSONS
from pmo_xl.schema.registers import ALLOCATIONS, MILESTONES, PROGRESS, PROJECTS, RISKS

TEMPLATE_VERSION = 3
VERSION_NAME = "PMO_UpdateTemplateVersion"  # the defined name holding the version number
UPDATE_SHEET = "Update"
UPDATE_TABLE = "tblUpdate"
FORM_HEADER_ROW = 4  # 1-based Excel row of the Item/Value/Guidance header on the Update sheet
VALUE_LETTER = "B"  # the form's values are typed in column B

# The header of an update: who reports on what, for when. Project columns come from Projects.
HEADER_COLUMNS: tuple[Column, ...] = (
    replace(PROJECTS.column("project_id"), meaning="The project this update is for, as in the portfolio's Projects register."),
    replace(PROJECTS.column("name"), field="project_name", required=False,
            meaning="The project's name (a check: it should match the portfolio)."),
    replace(PROGRESS.column("period"), meaning="The reporting month this update is for (any date in the month, or YYYY-MM)."),
    replace(PROJECTS.column("manager"), meaning="Your name: feedback on this update is sent to you."),
    Column("submitted", "Submitted on", Kind.DATE,
           "The date you send this update; when two updates for the same month arrive, the later one counts.", width=12),
)
VERSION_COLUMN = Column("template_version", "Template version", Kind.INTEGER,
                        "The version of this template — do not change it.", width=8)
PROGRESS_COLUMNS: tuple[Column, ...] = tuple(c for c in PROGRESS.columns if c.field not in ("project_id", "period"))
FORM_COLUMNS: tuple[Column, ...] = (*HEADER_COLUMNS, VERSION_COLUMN, *PROGRESS_COLUMNS)

# Registers used to parse the form's values: one row per submission, one column per line.
HEADER_REGISTER = Register("Update", UPDATE_TABLE, "Update header.", HEADER_COLUMNS)
PROGRESS_REGISTER = Register("Update", UPDATE_TABLE, "Progress figures for the month.", PROGRESS_COLUMNS)

# The Item/Value/Guidance table itself, for the reader (found by table name, or by its headers).
FORM_TABLE = Register(
    name=UPDATE_SHEET,
    table=UPDATE_TABLE,
    meaning="The update form: one line per item.",
    columns=(
        Column("item", "Item", Kind.TEXT, "What is asked.", width=24),
        Column("value", "Value", Kind.TEXT, "Your answer.", width=40),
        Column("guidance", "Guidance", Kind.TEXT, "What it means.", width=80),
    ),
)


@dataclass(frozen=True)
class UpdateTable:
    """A register as it appears in the update: its own sheet, the register's columns minus Project ID."""

    target: Register  # the portfolio register the rows are merged into
    register: Register  # the same table without Project ID, as the PM sees it
    since: int = 2  # the template version that added it: an older file without it is read as it is

    @property
    def sheet(self) -> str:
        return self.register.name


def _update_table(target: Register, sheet: str, meaning: str, since: int = 2) -> UpdateTable:
    columns = tuple(c for c in target.columns if c.field != "project_id")
    return UpdateTable(target, replace(target, name=sheet, sheet=None, meaning=meaning, columns=columns,
                                       key=tuple(k for k in target.key if k != "project_id")), since)


UPDATE_TABLES: tuple[UpdateTable, ...] = (
    _update_table(RISKS, "Risks", "Every risk of the project: new ones with a new Risk ID, known ones under their ID."),
    _update_table(MILESTONES, "Milestones", "The project's key milestones with baseline, forecast and actual dates."),
    _update_table(ALLOCATIONS, "Resource needs",
                  "The people (or roles) the project needs from now on, with dates and effort."),
    # The registers beside the plan (v3): merged by ID like Risks, Benefit progress by benefit and month.
    _update_table(ISSUE_LOG, "Issue log", "The project's issues: new ones with a new Issue ID, known ones under their ID.", 3),
    _update_table(ACTIONS, "Actions", "The project's actions: new ones with a new Action ID, done ones with their Done date.", 3),
    _update_table(DECISIONS, "Decisions", "Decisions the project needs (or that were taken): Decided with the date and outcome.", 3),
    _update_table(CHANGE_REQUESTS, "Change requests", "Changes the project requests, with their cost and schedule impact.", 3),
    _update_table(BENEFIT_PROGRESS, "Benefit progress", "The realised value of the project's benefits this month (by Benefit ID).", 3),
    _update_table(LESSONS, "Lessons", "Lessons the project learned that other projects should know.", 3),
)
UPDATE_TABLES_BY_SHEET = {t.sheet: t for t in UPDATE_TABLES}
READ_REGISTERS: tuple[Register, ...] = (FORM_TABLE, *(t.register for t in UPDATE_TABLES))

# Lines of older templates that no longer exist, with what to tell the PM.
RETIRED_LINES: dict[str, str] = {
    normalise_header("Overall RAG"): (
        "'Overall RAG' (template v1) is no longer used and was not carried over: it cannot be split into the "
        "scope, schedule, cost and resources RAG lines — fill those in"
    ),
}


@dataclass
class UpdateData:
    """What one update says, keyed by field name: for prefilling a template and as read back.

    `header` holds HEADER_COLUMNS fields, `progress` the Progress fields; the three lists hold
    one dict per row of Risks, Milestones and Resource needs (without project_id), `registers`
    the rows of the other tables by their portfolio register's name ("Actions", ...).
    """

    header: dict[str, object] = field(default_factory=dict)
    progress: dict[str, object] = field(default_factory=dict)
    risks: list[dict[str, object]] = field(default_factory=list)
    milestones: list[dict[str, object]] = field(default_factory=list)
    allocations: list[dict[str, object]] = field(default_factory=list)
    registers: dict[str, list[dict[str, object]]] = field(default_factory=dict)

    def rows_for(self, sheet: str) -> list[dict[str, object]]:
        """The rows of one update table by its sheet name."""
        target = UPDATE_TABLES_BY_SHEET[sheet].target.name
        lists = {"Risks": self.risks, "Milestones": self.milestones, "Allocations": self.allocations}
        return lists[target] if target in lists else self.registers.setdefault(target, [])


def form_line_keys() -> dict[str, Column]:
    """Every accepted spelling of a form line (header, field name, aliases) -> its column."""
    return {key: column for column in FORM_COLUMNS for key in column.header_keys()}
