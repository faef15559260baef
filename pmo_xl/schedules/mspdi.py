"""Read Microsoft Project XML (MSPDI, Project 2002-2019) into the neutral schedule model.

Parsed with defusedxml; a large file is streamed: each Task, Resource and Assignment element is
turned into a record when it closes and then cleared, so it never sits in memory as a tree. defusedxml refuses DTDs, entity declarations and external references (billion laughs,
quadratic blow-up, XXE): a Project file never carries any, so one that does is refused whole.

Units, as Project writes them: currency in hundredths (Cost 12345 = 123.45), rates per hour,
work and durations as xsd:duration (PT80H0M0S), percentages 0-100. Baseline 0 is "the" baseline
(the <Baseline> child with Number 0, or without Number in older files).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

from pmo_xl.issues import Severity
from pmo_xl.schedules.model import Assignment, Resource, Schedule, ScheduleReadError, Task
from pmo_xl.schedules.values import Values, problem
from pmo_xl.schema.registers import PROFILES

NAMESPACE = "http://schemas.microsoft.com/project"
CENTS = 100.0  # MSPDI stores every currency amount in hundredths
# WorkContour codes 0-7 are pmo-xl's eight profiles, in the same order; 8 is "Contoured" (edited by hand).
CONTOURS = dict(enumerate(PROFILES)) | {8: None}
TASK_BASELINE_COST = "10"  # TimephasedData Type: task baseline cost (5 would be per assignment)
STREAM_FROM = 64 * 1024 * 1024  # bytes: above this a file is streamed, never held as a tree
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_ASCII_COMPATIBLE = {b"utf-8", b"utf8", b"us-ascii", b"ascii", b"iso-8859-1", b"latin-1", b"windows-1252", b"cp1252"}


def read_mspdi(path: str | Path, handle: IO[bytes], size: int) -> tuple[Schedule, list]:
    """The schedule in an MSPDI file and the problems with single values; ScheduleReadError when unusable."""
    reader = _Reader(str(path))
    try:
        if size <= STREAM_FROM:
            root = _tree(handle.read())
            reader.learn_namespace(root.tag)
            for container in root:
                for element in container:
                    reader.element(element)
        else:
            events = iterparse(handle, events=("end",), forbid_dtd=True, forbid_entities=True, forbid_external=True)
            for _, element in events:
                reader.element(element)
            root = events.root  # type: ignore[attr-defined]
    except DefusedXmlException as error:
        raise ScheduleReadError(f"the XML declares a DTD or entities ({type(error).__name__}); Project never writes "
                                "these and they can make a reader expand the file without end (an 'XML bomb'), "
                                "so it was not read") from None
    except ET.ParseError as error:
        raise ScheduleReadError(f"damaged or truncated XML ({error}); export it again from Project "
                                "(File > Save As > XML)") from None
    return reader.finish(root)


def _tree(data: bytes) -> ET.Element:
    """The whole document as a tree, parsed safely.

    Every XML attack defusedxml guards against (entity expansion, external entities, DTD
    retrieval) needs a document type declaration. A document in an ASCII-compatible encoding
    (what Project writes: UTF-8) without the bytes `<!DOCTYPE` has none, and then the standard
    library's C parser is as safe and twice as fast as defusedxml's pure-Python one (which
    calls Python for every element). Anything else goes through defusedxml, which refuses it.
    """
    head = data[:256]
    declared = _ENCODING.search(head)
    ascii_compatible = b"\x00" not in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")) and (
        declared is None or declared.group(1).lower().replace(b"_", b"-") in _ASCII_COMPATIBLE)
    if ascii_compatible and b"<!DOCTYPE" not in data:
        return ET.fromstring(data)
    return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _fields(element: ET.Element, cut: int) -> dict[str, str]:
    """The children of an element by local name (`cut` = length of the namespace prefix); the
    records read only simple fields, so containers among them are harmless."""
    return {child.tag[cut:]: child.text for child in element if child.text is not None}


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path
        self.cut = -1  # length of the namespace prefix of tags; found on the first element when streaming
        self.prefix = ""  # the prefix itself, `{http://schemas.microsoft.com/project}`
        self.values = Values()
        self.tasks: list[Task] = []
        self.resources: list[Resource] = []
        self.assignments: list[Assignment] = []
        self.calendars: dict[str, tuple[str, bool, str]] = {}  # uid -> (name, is base, base uid)
        self.resource_calendar: dict[str, str] = {}
        self.phased_elsewhere = 0

    def learn_namespace(self, tag: str) -> None:
        self.cut = tag.find("}") + 1
        self.prefix = tag[:self.cut]

    def element(self, element: ET.Element) -> None:
        if self.cut < 0:
            self.learn_namespace(element.tag)
        name = element.tag[self.cut:]
        if name == "Task":
            self.tasks.append(self._task(element))
        elif name == "Resource":
            self.resources.append(self._resource(element))
        elif name == "Assignment":
            self.assignments.append(self._assignment(element))
        elif name == "Calendar":
            f = _fields(element, self.cut)
            self.calendars[f.get("UID", "")] = (f.get("Name", ""), self.values.flag(f.get("IsBaseCalendar")),
                                               f.get("BaseCalendarUID", ""))
        else:
            return
        element.clear()  # streaming: the record is taken, the subtree is not kept

    def _task(self, element: ET.Element) -> Task:
        f = _fields(element, self.cut)
        where = f"Task UID {f.get('UID', '?')}"
        v = self.values
        task = Task(
            uid=f.get("UID", ""), where=where, name=(f.get("Name") or "").strip(), wbs=f.get("WBS", ""),
            outline_level=int(v.number(f.get("OutlineLevel"), where, "OutlineLevel") or 0),
            summary=v.flag(f.get("Summary")), milestone=v.flag(f.get("Milestone")),
            start=v.date(f.get("Start"), where, "Start"), finish=v.date(f.get("Finish"), where, "Finish"),
            actual_start=v.date(f.get("ActualStart"), where, "ActualStart"),
            actual_finish=v.date(f.get("ActualFinish"), where, "ActualFinish"),
            pct_complete=_fraction(v.number(f.get("PercentComplete"), where, "PercentComplete")),
            physical_pct=_fraction(v.number(f.get("PhysicalPercentComplete"), where, "PhysicalPercentComplete")),
            cost=v.number(f.get("Cost"), where, "Cost", CENTS),
            actual_cost=v.number(f.get("ActualCost"), where, "ActualCost", CENTS),
            bcws=v.number(f.get("BCWS"), where, "BCWS", CENTS), bcwp=v.number(f.get("BCWP"), where, "BCWP", CENTS),
            acwp=v.number(f.get("ACWP"), where, "ACWP", CENTS),
        )
        # the few containers, found by the C-level Element.iter rather than a second Python pass
        # over the ~45 children (no MSPDI element nests them deeper)
        for child in element.iter(self.prefix + "Baseline"):
            b = _fields(child, self.cut)
            if b.get("Number", "0").strip() in ("0", ""):
                task.baseline_start = v.date(b.get("Start"), where, "Baseline Start")
                task.baseline_finish = v.date(b.get("Finish"), where, "Baseline Finish")
                task.baseline_cost = v.number(b.get("Cost"), where, "Baseline Cost", CENTS)
        for child in element.iter(self.prefix + "TimephasedData"):
            t = _fields(child, self.cut)
            if t.get("Type", "").strip() == TASK_BASELINE_COST:
                start, finish = v.date(t.get("Start"), where, "TimephasedData Start"), v.date(t.get("Finish"), where, "TimephasedData Finish")
                amount = v.number(t.get("Value"), where, "TimephasedData Value", CENTS)
                if start and finish and amount:
                    task.baseline_phased.append((start, finish, amount))
        return task

    def _resource(self, element: ET.Element) -> Resource:
        f = _fields(element, self.cut)
        where = f"Resource UID {f.get('UID', '?')}"
        v = self.values
        kind = "cost" if v.flag(f.get("IsCostResource")) or f.get("Type") == "2" else (
            "material" if f.get("Type") == "0" else "work")
        rate = v.number(f.get("StandardRate"), where, "StandardRate")
        resource = Resource(uid=f.get("UID", ""), where=where, name=(f.get("Name") or "").strip(), kind=kind,
                            group=(f.get("Group") or "").strip(),
                            max_units=v.number(f.get("MaxUnits"), where, "MaxUnits"), standard_rate=rate or None)
        self.resource_calendar[resource.uid] = f.get("CalendarUID", "")
        return resource

    def _assignment(self, element: ET.Element) -> Assignment:
        f = _fields(element, self.cut)
        where = f"Assignment UID {f.get('UID', '?')}"
        v = self.values
        code = f.get("WorkContour")
        contour_code = int(code) if code and code.strip().isdigit() else 0
        contour = CONTOURS.get(contour_code)
        baseline_cost = None
        for child in element.iter(self.prefix + "Baseline"):
            b = _fields(child, self.cut)
            if b.get("Number", "0").strip() in ("0", ""):
                baseline_cost = v.number(b.get("Cost"), where, "Baseline Cost", CENTS)
        return Assignment(
            uid=f.get("UID", ""), where=where, task_uid=f.get("TaskUID", ""), resource_uid=f.get("ResourceUID", ""),
            work=v.hours(f.get("Work"), where, "Work"), actual_work=v.hours(f.get("ActualWork"), where, "ActualWork"),
            remaining_work=v.hours(f.get("RemainingWork"), where, "RemainingWork"),
            contour=contour, contour_source="" if contour else f"Contoured (WorkContour {code})",
            start=v.date(f.get("Start"), where, "Start"), finish=v.date(f.get("Finish"), where, "Finish"),
            baseline_cost=baseline_cost, actual_cost=v.number(f.get("ActualCost"), where, "ActualCost", CENTS))

    def finish(self, root: ET.Element) -> tuple[Schedule, list]:
        if _local(root.tag) != "Project":
            raise ScheduleReadError(f"an XML file, but not Microsoft Project XML (its root is <{_local(root.tag)}>, "
                                    "not <Project>)")
        p = _fields(root, self.cut)
        v = self.values
        summary = next((t for t in self.tasks if t.uid == "0" or t.outline_level == 0), None)
        name = (p.get("Title") or "").strip() or (summary.name if summary and summary.name else "") or \
            Path((p.get("Name") or Path(self.path).name).strip()).stem
        status = v.date(p.get("StatusDate"), "Project", "StatusDate")
        status_from = "StatusDate"
        if status is None:
            # Project itself measures earned value at the current date when no status date is set.
            status, status_from = v.date(p.get("CurrentDate"), "Project", "CurrentDate"), "CurrentDate"
        for resource in self.resources:
            resource.calendar = self._calendar_name(self.resource_calendar.get(resource.uid, ""))
        schedule = Schedule(
            path=self.path, format="MSPDI", where="Project", name=name, title=(p.get("Title") or "").strip(),
            manager=(p.get("Manager") or "").strip(), start=v.date(p.get("StartDate"), "Project", "StartDate"),
            finish=v.date(p.get("FinishDate"), "Project", "FinishDate"), status_date=status,
            status_date_from=status_from if status else "", currency=(p.get("CurrencyCode") or "").strip(),
            tasks=self.tasks, resources=self.resources, assignments=self.assignments,
            calendars={uid: c[0] for uid, c in self.calendars.items()})
        if not self.tasks:
            v.issues.append(problem("empty-schedule", Severity.WARNING, "Project", "Tasks", None,
                                    "The file holds no tasks: only the project itself is imported"))
        return schedule, v.issues

    def _calendar_name(self, uid: str) -> str:
        """A resource's own calendar is based on a base calendar: the base is the holiday calendar it follows."""
        found = self.calendars.get(uid)
        if found is None:
            return ""
        name, is_base, base = found
        if not is_base and base in self.calendars:
            return self.calendars[base][0]
        return name


def _fraction(percent: float | None) -> float | None:
    return None if percent is None else percent / 100.0
