"""Read Microsoft Project XML (MSPDI, Project 2002-2019) into the neutral schedule model.

Parsed safely: a file as Project writes it (an ASCII-compatible encoding, no document type
declaration) by lxml with DTDs, entities and the network switched off; anything else by
defusedxml, which refuses DTDs, entity declarations and external references (billion laughs,
quadratic blow-up, XXE): a Project file never carries any, so one that does is refused whole.
A large file is streamed: each Task, Resource, Assignment and Calendar element is turned into a
record when it closes and then cleared, so it never sits in memory as a tree.

A record is read from the element's own children (and those of its Baseline and TimephasedData
children): {local name: text}, children without text left out, of two of one name the last.

Units, as Project writes them: currency in hundredths (Cost 12345 = 123.45), rates per hour,
work and durations as xsd:duration (PT80H0M0S), percentages 0-100. Baseline 0 is "the" baseline
(the <Baseline> child with Number 0, or without Number in older files).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

try:  # a dependency; where it is missing, the standard library's parser reads the same, slower
    from lxml import etree
except ImportError:  # pragma: no cover
    etree = None

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
# No DTD loaded, no entity but XML's own five resolved, nothing fetched. Comments and processing
# instructions are dropped, as the standard library's parser drops them, so an element's text is
# the same whichever of the two parsers read the file.
_PARSER = None if etree is None else etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True,
    collect_ids=False)
_LXML_ERRORS = (etree.XMLSyntaxError,) if etree else ()

RECORDS = ("Task", "Resource", "Assignment", "Calendar")  # the elements read, children of <Tasks>, <Resources>, …
NESTED = ("Baseline", "TimephasedData")  # their children read as lists of records of their own
FIELDS = {  # the children read, of each (the union is read from all: a record takes what it needs)
    "Task": ("UID", "Name", "WBS", "OutlineLevel", "Summary", "Milestone", "Start", "Finish", "ActualStart",
             "ActualFinish", "PercentComplete", "PhysicalPercentComplete", "Cost", "ActualCost", "BCWS", "BCWP", "ACWP"),
    "Resource": ("UID", "Name", "Type", "IsCostResource", "Group", "MaxUnits", "StandardRate", "CalendarUID"),
    "Assignment": ("UID", "TaskUID", "ResourceUID", "Work", "ActualWork", "RemainingWork", "WorkContour", "Start",
                   "Finish", "ActualCost"),
    "Calendar": ("UID", "Name", "IsBaseCalendar", "BaseCalendarUID"),
    "Baseline": ("Number", "Start", "Finish", "Cost"),
    "TimephasedData": ("Type", "Start", "Finish", "Value"),
}
Record = dict[str, "str | list[Record]"]


def read_mspdi(path: str | Path, handle: IO[bytes], size: int) -> tuple[Schedule, list]:
    """The schedule in an MSPDI file and the problems with single values; ScheduleReadError when unusable."""
    reader = _Reader(str(path))
    try:
        if size <= STREAM_FROM:
            root = _tree(handle.read())
            reader.learn_namespace(root.tag)
            if etree is not None and isinstance(root, etree._Element):
                records: Iterator[tuple[str, Record]] = _records(root, reader.prefix)
            else:  # read by defusedxml
                records = ((kind, reader.fields(element)) for container in root for element in container
                           if (kind := reader.kind.get(element.tag)))
            for kind, record in records:
                reader.take(kind, record)
        else:
            events = iterparse(handle, events=("end",), forbid_dtd=True, forbid_entities=True, forbid_external=True)
            for _, element in events:
                if reader.cut < 0:
                    reader.learn_namespace(element.tag)
                kind = reader.kind.get(element.tag)
                if kind:
                    reader.take(kind, reader.fields(element))
                    element.clear()  # the record is taken, the subtree is not kept
            root = events.root  # type: ignore[attr-defined]
    except DefusedXmlException as error:
        raise ScheduleReadError(f"the XML declares a DTD or entities ({type(error).__name__}); Project never writes "
                                "these and they can make a reader expand the file without end (an 'XML bomb'), "
                                "so it was not read") from None
    except ET.ParseError as error:
        raise ScheduleReadError(f"damaged or truncated XML ({error}); export it again from Project "
                                "(File > Save As > XML)") from None
    except _LXML_ERRORS as error:
        raise ScheduleReadError(f"damaged or truncated XML ({error.msg}); export it again from Project "
                                "(File > Save As > XML)") from None
    return reader.finish(root)


def _tree(data: bytes) -> ET.Element:
    """The whole document as a tree, parsed safely.

    Every XML attack defusedxml guards against (entity expansion, external entities, DTD
    retrieval) needs a document type declaration. A document in an ASCII-compatible encoding
    (what Project writes: UTF-8) without the bytes `<!DOCTYPE` has none, and then lxml, with DTDs
    and entities switched off, is as safe, and with `_records` reads a 500-task file in a third
    of the time of the standard library's C parser (which builds a Python object for each of the
    ~45 children of every task; lxml builds them only for the ~20 read). Anything else goes
    through defusedxml, which refuses it.
    """
    head = data[:256]
    declared = _ENCODING.search(head)
    ascii_compatible = b"\x00" not in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")) and (
        declared is None or declared.group(1).lower().replace(b"_", b"-") in _ASCII_COMPATIBLE)
    if ascii_compatible and b"<!DOCTYPE" not in data:
        return etree.fromstring(data, _PARSER) if etree is not None else ET.fromstring(data)
    return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)


def _records(root: etree._Element, prefix: str) -> Iterator[tuple[str, Record]]:
    """Every record of an lxml tree, in one pass over the elements that matter.

    lxml finds the elements of the wanted names in C (`iter(*tags)`, in document order) and makes
    a Python object only for those. A child is a record's field when its parent is that record
    (the same Python object: lxml keeps one per element while it is referenced); an element of a
    wanted name anywhere else (a Start under a PredecessorLink or an assignment's TimephasedData,
    a Name of the project) has no open parent and is passed over.
    """
    local = {prefix + name: name for names in FIELDS.values() for name in names}
    records = {prefix + name: name for name in RECORDS}
    nested = {prefix + name: name for name in NESTED}
    containers = set(root)  # <Tasks>, <Resources>, …: a record is a child of one of them
    open_: dict[etree._Element, Record] = {}  # the current record and its nested elements -> their fields
    kind, record = "", {}
    for element in root.iter(*local, *records, *nested):
        tag = element.tag
        parent = element.getparent()
        name = local.get(tag)
        if name is not None:
            fields = open_.get(parent)
            if fields is not None and (text := element.text) is not None:
                fields[name] = text
        elif tag in records:
            if parent in containers:
                if kind:
                    yield kind, record
                kind, record = records[tag], {}
                open_ = {element: record}
        elif parent in open_ and open_[parent] is record:
            inner: Record = {}
            record.setdefault(nested[tag], []).append(inner)  # type: ignore[union-attr]
            open_[element] = inner
    if kind:
        yield kind, record


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


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
        self.kind = {self.prefix + name: name for name in RECORDS}
        self.local = {self.prefix + name: name for names in FIELDS.values() for name in names}
        self.nested = {self.prefix + name: name for name in NESTED}

    def fields(self, element: ET.Element) -> Record:
        """A record from a standard-library element (read by defusedxml): as `_records` reads it."""
        record: Record = {}
        for child in element:
            name = self.local.get(child.tag)
            if name is not None:
                if child.text is not None:
                    record[name] = child.text
            elif child.tag in self.nested:
                inner = {n: c.text for c in child if (n := self.local.get(c.tag)) and c.text is not None}
                record.setdefault(self.nested[child.tag], []).append(inner)  # type: ignore[union-attr]
        return record

    def take(self, kind: str, f: Record) -> None:
        if kind == "Task":
            self.tasks.append(self._task(f))
        elif kind == "Resource":
            self.resources.append(self._resource(f))
        elif kind == "Assignment":
            self.assignments.append(self._assignment(f))
        else:
            self.calendars[f.get("UID", "")] = (f.get("Name", ""), self.values.flag(f.get("IsBaseCalendar")),
                                               f.get("BaseCalendarUID", ""))

    def _task(self, f: Record) -> Task:
        where = f"Task UID {f.get('UID', '?')}"
        v = self.values
        date, number = v.date, v.number
        task = Task(
            uid=f.get("UID", ""), where=where, name=(f.get("Name") or "").strip(), wbs=f.get("WBS", ""),
            outline_level=int(number(f.get("OutlineLevel"), where, "OutlineLevel") or 0),
            summary=v.flag(f.get("Summary")), milestone=v.flag(f.get("Milestone")),
            start=date(f.get("Start"), where, "Start"), finish=date(f.get("Finish"), where, "Finish"),
            actual_start=date(f.get("ActualStart"), where, "ActualStart"),
            actual_finish=date(f.get("ActualFinish"), where, "ActualFinish"),
            pct_complete=_fraction(number(f.get("PercentComplete"), where, "PercentComplete")),
            physical_pct=_fraction(number(f.get("PhysicalPercentComplete"), where, "PhysicalPercentComplete")),
            cost=number(f.get("Cost"), where, "Cost", CENTS),
            actual_cost=number(f.get("ActualCost"), where, "ActualCost", CENTS),
            bcws=number(f.get("BCWS"), where, "BCWS", CENTS), bcwp=number(f.get("BCWP"), where, "BCWP", CENTS),
            acwp=number(f.get("ACWP"), where, "ACWP", CENTS),
        )
        for b in f.get("Baseline", ()):
            if b.get("Number", "0").strip() in ("0", ""):
                task.baseline_start = date(b.get("Start"), where, "Baseline Start")
                task.baseline_finish = date(b.get("Finish"), where, "Baseline Finish")
                task.baseline_cost = number(b.get("Cost"), where, "Baseline Cost", CENTS)
        for t in f.get("TimephasedData", ()):
            if t.get("Type", "").strip() == TASK_BASELINE_COST:
                start, finish = date(t.get("Start"), where, "TimephasedData Start"), date(t.get("Finish"), where, "TimephasedData Finish")
                amount = number(t.get("Value"), where, "TimephasedData Value", CENTS)
                if start and finish and amount:
                    task.baseline_phased.append((start, finish, amount))
        return task

    def _resource(self, f: Record) -> Resource:
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

    def _assignment(self, f: Record) -> Assignment:
        where = f"Assignment UID {f.get('UID', '?')}"
        v = self.values
        code = f.get("WorkContour")
        contour_code = int(code) if code and code.strip().isdigit() else 0
        contour = CONTOURS.get(contour_code)
        baseline_cost = None
        for b in f.get("Baseline", ()):
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
        p = {c.tag[self.cut:]: c.text for c in root if c.text is not None}  # the project's own fields
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
