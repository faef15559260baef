"""The records a collection run passes between its stages, and what it hands back to the caller.

Everything here is plain data (picklable), because submissions are read and validated in worker
processes and sent back to the main process for resolving, merging and writing.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pmo_xl.issues import Issue, Severity

if TYPE_CHECKING:  # the records travel without pandas: `pmo-xl --help` imports them
    import pandas as pd


class Status(enum.StrEnum):
    """What happened to one file of the folder."""

    ACCEPTED = "accepted"  # everything in it was merged
    PARTLY = "partly accepted"  # the good rows were merged; rows with errors were left out
    REJECTED = "rejected"  # nothing merged: unreadable, not an update, unknown project, ...
    HELD_BACK = "held back"  # conflicts with another submission for the same project and month
    SUPERSEDED = "superseded"  # a later submission for the same project and month replaced it
    DUPLICATE = "duplicate"  # the same content as another file, counted once
    SKIPPED = "skipped"  # not a submission: Excel lock file, not a workbook


MERGED_STATUSES = (Status.ACCEPTED, Status.PARTLY)

# What OUT holds: said in the CLI's help, its closing line and OUT's Collection sheet.
OUT_CONTAINS = ("a new standard workbook with every register of the input (all its rows, as typed) plus the accepted "
                "updates merged, its Settings, and a Collection sheet (every file's outcome, every problem at its cell, "
                "late updates).")


@dataclass(frozen=True)
class Limits:
    """Caps that protect a run from one absurd file (a mailbox holds anything)."""

    max_bytes: int = 10 * 1024 * 1024  # a real update is 20-100 KB; 10 MB is far beyond any
    max_rows: int = 2000  # rows per table: the template's validation reaches 2,000 rows
    # Per file, in the reader's child process (collect/isolate.py): a real update takes well under
    # a second and 100 MB; the limits stop a file built to hang or exhaust the machine.
    max_cpu_seconds: float = 60.0  # processing time, so the outcome does not depend on the machine's load
    max_memory: int = 2 * 2**30  # bytes of address space beyond what the reader starts with
    max_wall_seconds: float = 600.0  # a backstop for a reader that waits without computing


@dataclass(frozen=True)
class ProjectInfo:
    name: str | None
    manager: str | None
    status: str | None


@dataclass(frozen=True)
class Context:
    """What the validation of an update needs to know about the portfolio collected into.

    The typed frames are the portfolio's clean rows, as `parse_register` makes them: the shared
    checks run on each update beside its project's Projects row, the Resources and the project's
    earlier Progress rows (`collect/checking.py`).
    """

    projects: dict[str, ProjectInfo]  # every project typed in the portfolio, by ID
    known_projects: frozenset[str]  # every project ID typed, rows with errors included
    known_resources: frozenset[str]
    risk_projects: dict[str, str]  # risk ID -> its project in the portfolio
    period: dt.date | None  # the collection's reporting month, when known before reading
    project_rows: dict[str, pd.DataFrame] = field(default_factory=dict)  # project ID -> its typed Projects row(s)
    progress_rows: dict[str, pd.DataFrame] = field(default_factory=dict)  # project ID -> its typed Progress rows
    resources: pd.DataFrame | None = None  # the typed Resources register (None: the portfolio has none)
    # The registers beside the plan keyed by one ID (Issue log, Actions, ..., Benefits): register -> ID -> its project
    owners: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class Part:
    """One table of one update file (or its form), its columns put in template order, values raw."""

    sheet: str
    fields: tuple[str, ...]  # the template's fields of this table, in template order
    rows: list[list[object]]  # raw cell values in `fields` order (None where the file lacks the column)
    numbers: list[int]  # the 1-based Excel row of each row
    letters: dict[str, str]  # field -> column letter in the file
    field_rows: dict[str, int] | None = None  # the form only: field -> Excel row of its line
    missing: tuple[str, ...] = ()  # fields whose column is absent from the file
    hidden: bool = False
    uncalculated: dict[tuple[int, str], str] = field(default_factory=dict)  # (row index, field) -> formula never calculated
    date1904: bool = False  # the file counts date serial numbers from 1904 (old Mac Excel)

    def locate(self, index: int, field_name: str) -> tuple[int | None, str | None]:
        """The Excel row and column letter of a value, as laid out in the file."""
        if self.field_rows is not None:
            return self.field_rows.get(field_name), self.letters.get(field_name)
        return self.numbers[index], self.letters.get(field_name)


@dataclass
class FileRead:
    """One file as read (in a worker): its parts, or why it cannot be used."""

    path: str
    name: str
    size: int
    mtime: float
    digest: str
    version: int | None = None
    form: Part | None = None
    tables: dict[str, Part] = field(default_factory=dict)  # by sheet name
    issues: list[Issue] = field(default_factory=list)
    fatal: bool = False
    seconds: float = 0.0


@dataclass
class Submission:
    """One update after validation: typed content ready to merge, and every problem found."""

    read: FileRead
    status: Status
    issues: list[Issue]
    header: dict[str, object] = field(default_factory=dict)  # project_id, project_name, period, manager, submitted
    progress: dict[str, object] | None = None  # Progress fields (project_id and period included), when accepted
    rows: dict[str, list[dict[str, object]]] = field(default_factory=dict)  # target register -> accepted rows
    fingerprint: str = ""
    note: str = ""
    seconds: float = 0.0  # validation time

    @property
    def project_id(self) -> str | None:
        return self.header.get("project_id")  # type: ignore[return-value]

    @property
    def period(self) -> dt.date | None:
        return self.header.get("period")  # type: ignore[return-value]

    @property
    def submitted(self) -> dt.date | None:
        return self.header.get("submitted")  # type: ignore[return-value]

    def has_errors(self) -> bool:
        return any(i.severity == Severity.ERROR for i in self.issues)


@dataclass
class MergeCounts:
    """What one submission changed in the portfolio."""

    progress_added: int = 0
    progress_replaced: int = 0
    risks_added: int = 0
    risks_updated: int = 0
    milestones_added: int = 0
    milestones_updated: int = 0
    allocations_removed: int = 0  # inside the window the update restated
    allocations_cut: int = 0  # straddling the window: cut at its edge, the outside part kept
    allocations_added: int = 0
    # the registers beside the plan: register name -> rows added / updated
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        parts = []
        if self.progress_added or self.progress_replaced:
            parts.append("progress " + ("added" if self.progress_added else "replaced"))
        for label, added, updated in (("risks", self.risks_added, self.risks_updated),
                                      ("milestones", self.milestones_added, self.milestones_updated)):
            if added or updated:
                parts.append(f"{label} +{added} new, {updated} updated")
        for name in sorted({*self.added, *self.updated}):
            parts.append(f"{name.lower()} +{self.added.get(name, 0)} new, {self.updated.get(name, 0)} updated")
        if self.allocations_added or self.allocations_removed or self.allocations_cut:
            parts.append(f"resource needs: {self.allocations_removed} allocations replaced by {self.allocations_added}"
                         + (f", {self.allocations_cut} cut at the window's edge" if self.allocations_cut else ""))
        return "; ".join(parts) or "nothing to merge"


@dataclass
class FileResult:
    """The outcome for one file, as the report shows it."""

    path: Path
    name: str  # path relative to the collected folder
    status: Status
    issues: list[Issue] = field(default_factory=list)
    project_id: str | None = None
    period: dt.date | None = None
    manager: str | None = None
    submitted: dt.date | None = None
    merged: MergeCounts = field(default_factory=MergeCounts)
    note: str = ""
    feedback: Path | None = None

    def count(self, severity: Severity) -> int:
        return sum(1 for i in self.issues if i.severity == severity)


@dataclass(frozen=True)
class LateUpdate:
    """An active project with no progress for the collection period after the merge."""

    project_id: str
    name: str | None
    manager: str | None
    note: str


@dataclass
class CollectionResult:
    """Everything a collection run did: per file, late projects, what OUT holds, and timings."""

    out: Path | None
    period: dt.date | None
    files: list[FileResult]
    late: list[LateUpdate]
    not_carried: list[str]  # what of the input portfolio OUT does not carry (extra sheets, columns, macros)
    backup: Path | None = None
    feedback_dir: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    def by_status(self, status: Status) -> list[FileResult]:
        return [f for f in self.files if f.status == status]

    @property
    def all_merged(self) -> bool:
        """True when no file was refused or held back (skipped lock files and duplicates do not count)."""
        return not any(f.status in (Status.PARTLY, Status.REJECTED, Status.HELD_BACK) for f in self.files)
