"""Small schedule files written by code for the import tests: MSPDI XML and P6 XER.

They follow the formats as Project and P6 write them (MSPDI: currency in hundredths, work as
xsd:duration, baseline 0 as a <Baseline> child; XER: ERMHDR, %T/%F/%R tables, %E at the end),
so every mapping rule can be checked on a file whose content the test itself states.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

NS = "http://schemas.microsoft.com/project"


@dataclass
class T:
    """A task as the test states it (money in currency units; the writer turns it into MSPDI's hundredths)."""

    uid: int
    name: str
    start: str | None = None
    finish: str | None = None
    baseline_start: str | None = None
    baseline_finish: str | None = None
    baseline_cost: float | None = None
    cost: float | None = None
    actual_cost: float | None = None
    actual_start: str | None = None
    actual_finish: str | None = None
    pct: int = 0
    physical: int = 0
    milestone: bool = False
    summary: bool = False
    outline_level: int = 1
    bcws: float | None = None
    bcwp: float | None = None
    phased: list[tuple[str, str, float]] = field(default_factory=list)  # time-phased baseline cost


@dataclass
class R:
    uid: int
    name: str
    group: str = ""
    rate: float | None = None
    max_units: float = 1.0
    kind: int = 1  # 1 work, 0 material
    calendar_uid: int = 1


@dataclass
class A:
    uid: int
    task: int
    resource: int
    work: float
    actual_work: float = 0.0
    contour: int = 0
    start: str | None = None
    finish: str | None = None


def _element(name: str, value: object) -> str:
    return "" if value is None else f"<{name}>{escape(str(value))}</{name}>"


def _when(day: str | None, time: str = "08:00:00") -> str | None:
    return None if day is None else f"{day}T{time}"


def _cents(value: float | None) -> str | None:
    return None if value is None else f"{value * 100:.0f}"


def mspdi(tasks: list[T], resources: list[R] = (), assignments: list[A] = (), *, title: str | None = None,
          status_date: str | None = None, current_date: str = "2026-01-30", manager: str | None = None) -> str:
    parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Project xmlns="{NS}">',
             "<SaveVersion>14</SaveVersion>", _element("Name", "plan.xml"), _element("Title", title),
             _element("Manager", manager), _element("CurrencyCode", "EUR"),
             _element("StatusDate", _when(status_date, "17:00:00")), _element("CurrentDate", _when(current_date)),
             '<Calendars><Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar></Calendar>'
             '<Calendar><UID>9</UID><Name>Kim</Name><IsBaseCalendar>0</IsBaseCalendar><BaseCalendarUID>1</BaseCalendarUID>'
             '</Calendar></Calendars>', "<Tasks>"]
    for t in tasks:
        parts.append("<Task>" + "".join([
            _element("UID", t.uid), _element("ID", t.uid), _element("Name", t.name), _element("OutlineLevel", t.outline_level),
            _element("Start", _when(t.start)), _element("Finish", _when(t.finish, "17:00:00")),
            _element("Milestone", int(t.milestone)), _element("Summary", int(t.summary)),
            _element("PercentComplete", t.pct), _element("PhysicalPercentComplete", t.physical),
            _element("Cost", _cents(t.cost)), _element("ActualCost", _cents(t.actual_cost)),
            _element("ActualStart", _when(t.actual_start)), _element("ActualFinish", _when(t.actual_finish, "17:00:00")),
            _element("BCWS", None if t.bcws is None else f"{t.bcws * 100:.2f}"),
            _element("BCWP", None if t.bcwp is None else f"{t.bcwp * 100:.2f}"),
            ("<Baseline><Number>0</Number>" + _element("Start", _when(t.baseline_start))
             + _element("Finish", _when(t.baseline_finish, "17:00:00")) + _element("Cost", _cents(t.baseline_cost))
             + "</Baseline>") if t.baseline_cost is not None or t.baseline_start else "",
            "".join(f"<TimephasedData><Type>10</Type><UID>{t.uid}</UID><Start>{s}T08:00:00</Start>"
                    f"<Finish>{f}T17:00:00</Finish><Unit>2</Unit><Value>{v * 100:.0f}</Value></TimephasedData>"
                    for s, f, v in t.phased),
        ]) + "</Task>")
    parts.append("</Tasks><Resources>")
    for r in resources:
        parts.append("<Resource>" + "".join([
            _element("UID", r.uid), _element("Name", r.name), _element("Type", r.kind), _element("Group", r.group or None),
            _element("MaxUnits", r.max_units), _element("StandardRate", r.rate), _element("CalendarUID", r.calendar_uid),
        ]) + "</Resource>")
    parts.append("</Resources><Assignments>")
    for a in assignments:
        parts.append("<Assignment>" + "".join([
            _element("UID", a.uid), _element("TaskUID", a.task), _element("ResourceUID", a.resource),
            _element("Start", _when(a.start)), _element("Finish", _when(a.finish, "17:00:00")),
            _element("Work", f"PT{a.work:g}H0M0S"), _element("ActualWork", f"PT{a.actual_work:g}H0M0S"),
            _element("RemainingWork", f"PT{a.work - a.actual_work:g}H0M0S"), _element("WorkContour", a.contour),
        ]) + "</Assignment>")
    parts.append("</Assignments></Project>\n")
    return "".join(parts)


def xer(tables: dict[str, tuple[list[str], list[list[object]]]], *, end: bool = True) -> str:
    """An XER with the given tables (name -> (fields, rows)); rows may be shorter than their fields, as P6 writes."""
    lines = ["ERMHDR\t8.2.0\t2026-01-30\tProject\tadmin\tAdmin\tdbxDatabaseNoName\tProject Management\tEUR"]
    for name, (fields, rows) in tables.items():
        lines.append(f"%T\t{name}")
        lines.append("%F\t" + "\t".join(fields))
        lines += ["%R\t" + "\t".join("" if v is None else str(v) for v in row) for row in rows]
    if end:
        lines.append("%E")
    return "\r\n".join(lines) + "\r\n"
