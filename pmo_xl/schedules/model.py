"""The neutral schedule model both readers produce, so mapping to the registers is written once.

Everything is plain data in the units pmo-xl uses: dates (the day of a date-time), money in the
file's currency units (MSPDI's hundredths already divided out), work in hours, percentages as
fractions (0.25 = 25 %). `where` on each record names its source element the way the user finds
it again: `Task UID 12` in Microsoft Project, `TASK row 38 (task_id 101717)` in a P6 export.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class ScheduleReadError(Exception):
    """The file cannot be read as a schedule at all (damaged, truncated, not a schedule, unsafe)."""


@dataclass
class Task:
    uid: str
    where: str
    name: str
    wbs: str = ""
    outline_level: int = 1
    summary: bool = False
    milestone: bool = False
    start: dt.date | None = None
    finish: dt.date | None = None
    baseline_start: dt.date | None = None
    baseline_finish: dt.date | None = None
    actual_start: dt.date | None = None
    actual_finish: dt.date | None = None
    pct_complete: float | None = None  # duration (or units) % complete
    physical_pct: float | None = None  # physical % complete, where the PM set it
    cost: float | None = None  # at completion (actual + remaining)
    baseline_cost: float | None = None
    actual_cost: float | None = None
    bcws: float | None = None  # earned-value fields of the file at its status date, where present
    bcwp: float | None = None
    acwp: float | None = None
    # time-phased baseline cost: (period start, period finish, amount)
    baseline_phased: list[tuple[dt.date, dt.date, float]] = field(default_factory=list)


@dataclass
class Resource:
    uid: str
    where: str
    name: str
    code: str = ""  # the file's own ID for it (P6 resource ID); blank in MSPDI
    kind: str = "work"  # work, material or cost
    group: str = ""
    max_units: float | None = None  # 1 = full time
    standard_rate: float | None = None  # per hour
    calendar: str = ""


@dataclass
class Assignment:
    uid: str
    where: str
    task_uid: str
    resource_uid: str
    work: float | None = None  # hours
    actual_work: float | None = None
    remaining_work: float | None = None
    contour: str | None = None  # one of pmo-xl's profiles; None = not given (Flat)
    contour_source: str = ""  # the file's own contour name when it has no pmo-xl profile
    start: dt.date | None = None
    finish: dt.date | None = None
    baseline_cost: float | None = None
    actual_cost: float | None = None


@dataclass
class Schedule:
    """One project of one file (a P6 export may hold several)."""

    path: str
    format: str  # "MSPDI" or "XER"
    where: str  # the project element: `Project`, `PROJECT row 27 (proj_id 4507)`
    name: str
    code: str = ""  # the project's own ID (P6 project ID); blank in MSPDI
    title: str = ""
    manager: str = ""
    start: dt.date | None = None
    finish: dt.date | None = None
    status_date: dt.date | None = None
    status_date_from: str = ""  # which field gave the status date
    currency: str = ""
    tasks: list[Task] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    calendars: dict[str, str] = field(default_factory=dict)  # calendar id -> name
    notes: list[str] = field(default_factory=list)  # what the file holds that pmo-xl does not import

    def leaves(self) -> list[Task]:
        """Tasks that carry work and cost themselves: summary tasks only roll their children up."""
        return [t for t in self.tasks if not t.summary]
