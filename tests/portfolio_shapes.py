"""The shapes of portfolio a real PMO has, as tiny workbooks: a hypothesis strategy and a writer.

A shape is a handful of choices — how many projects and in which statuses, how many months of
progress and where the status date falls, which registers are empty, the reporting period, the
1904 date system — drawn by hypothesis and written as a standard workbook small enough for
hundreds of end-to-end report runs in one test session.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from hypothesis import strategies as st

from pmo_xl.io.write_template import Styles, new_workbook, write_portfolio_sheets
from pmo_xl.schema.registers import PROJECT_STATUSES

FIRST_MONTH = dt.date(2026, 1, 1)
STATUS_MIXES = {
    "mixed": PROJECT_STATUSES,
    "all closed": ("Closed", "Cancelled"),
    "only proposals": ("Proposed",),
    "all active": ("Active",),
}
STATUS_DATES = ("month end", "mid-month", "before any progress", "after every finish", "blank")
PERIODS = ("status month", "first progress month", "before the first progress month", "after the last progress month")


@dataclass(frozen=True)
class Shape:
    statuses: tuple[str, ...]  # one per project
    progress_months: int  # months of progress from FIRST_MONTH (0: none yet)
    progress_only_last: bool  # progress only in the last of those months
    status_date: str  # one of STATUS_DATES
    period: str  # one of PERIODS
    baseline: bool
    resources: bool  # Resources and Allocations
    risks: bool
    milestones: bool
    date_1904: bool

    def describe(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.__dict__.items())


@st.composite
def shapes(draw: st.DrawFn) -> Shape:
    mix = STATUS_MIXES[draw(st.sampled_from(sorted(STATUS_MIXES)))]
    n = draw(st.integers(1, 3))
    return Shape(
        statuses=tuple(draw(st.sampled_from(mix)) for _ in range(n)),
        progress_months=draw(st.integers(0, 3)),
        progress_only_last=draw(st.booleans()),
        status_date=draw(st.sampled_from(STATUS_DATES)),
        period=draw(st.sampled_from(PERIODS)),
        baseline=draw(st.booleans()),
        resources=draw(st.booleans()),
        risks=draw(st.booleans()),
        milestones=draw(st.booleans()),
        date_1904=draw(st.booleans()),
    )


def many_shapes(count: int, seed: int = 21) -> list[Shape]:
    """`count` distinct shapes drawn from the same space as `shapes()`, the same on every run.

    Hypothesis shrinks a failure to its simplest shape but runs its examples one after the other;
    these are for running many at once (in worker processes) with a fixed, reproducible draw.
    """
    rng = random.Random(seed)
    found: dict[Shape, None] = {}
    while len(found) < count:
        mix = STATUS_MIXES[rng.choice(sorted(STATUS_MIXES))]
        found.setdefault(Shape(
            statuses=tuple(rng.choice(mix) for _ in range(rng.randint(1, 3))),
            progress_months=rng.randint(0, 3),
            progress_only_last=rng.random() < 0.5,
            status_date=rng.choice(STATUS_DATES),
            period=rng.choice(PERIODS),
            baseline=rng.random() < 0.5,
            resources=rng.random() < 0.5,
            risks=rng.random() < 0.5,
            milestones=rng.random() < 0.5,
            date_1904=rng.random() < 0.5,
        ))
    return list(found)


def _month(k: int) -> dt.datetime:
    """The first day of the k-th month from FIRST_MONTH (0-based)."""
    stamp = pd.Timestamp(FIRST_MONTH) + pd.DateOffset(months=k)
    return stamp.to_pydatetime()


def _month_end(k: int) -> dt.datetime:
    return (pd.Timestamp(_month(k)) + pd.offsets.MonthEnd(0)).to_pydatetime()


def shape_data(shape: Shape) -> tuple[dict[str, list[list[object]]], dict[str, object]]:
    """Register rows (schema order) and settings for a shape."""
    ids = [f"PRJ-{i + 1:03d}" for i in range(len(shape.statuses))]
    start, finish = _month(0) + dt.timedelta(days=4), _month_end(5)
    projects = [[pid, f"Project {pid}", "Digital", "Ops", "Sponsor", "Manager", "Run", status, None,
                 start, finish, 12000.0 * (i + 1), None, None, None, None, None, 3, 4, 2, 3, 3, 4]
                for i, (pid, status) in enumerate(zip(ids, shape.statuses, strict=True))]
    months = range(shape.progress_months - 1, shape.progress_months) if shape.progress_only_last else range(shape.progress_months)
    progress = [[pid, _month(m), 2000.0 * (m + 1), 1800.0 * (m + 1), None, 2100.0 * (m + 1), None, None, None, None, None, "on track"]
                for pid in ids for m in months]
    data: dict[str, list[list[object]]] = {"Projects": projects, "Progress": progress}
    if shape.baseline:
        data["Baseline"] = [[pid, _month(m), 2000.0 * (i + 1)] for i, pid in enumerate(ids) for m in range(6)]
    if shape.resources:
        data["Resources"] = [["RES-001", "Ann Lee", "Developer", "Web", 1, None, 0.1, None, None, None, 60.0]]
        data["Allocations"] = [[pid, "RES-001", "Developer", start, finish, 300.0, None, None, "Committed", None] for pid in ids]
    if shape.risks:
        data["Risks"] = [["RSK-001", ids[0], "Supplier late", "External", "Owner", 4, 4, 5000.0, "Mitigate", "Open", start, None]]
    if shape.milestones:
        data["Milestones"] = [[ids[-1], "Go live", _month_end(2), _month_end(3), None, None]]
    last = max(shape.progress_months - 1, 0)
    status = {"month end": _month_end(last), "mid-month": _month(last) + dt.timedelta(days=14),
              "before any progress": _month(0) - dt.timedelta(days=20), "after every finish": finish + dt.timedelta(days=70),
              "blank": None}[shape.status_date]
    return data, ({"status_date": status} if status is not None else {})


def report_period(shape: Shape) -> pd.Timestamp | None:
    """The --period a shape asks for (None: the month of the status date)."""
    last = max(shape.progress_months - 1, 0)
    return {"status month": None, "first progress month": pd.Timestamp(_month(0)),
            "before the first progress month": pd.Timestamp(_month(-2)),
            "after the last progress month": pd.Timestamp(_month(last + 2))}[shape.period]


def write_shape(path: Path, shape: Shape) -> Path:
    """The shape as a standard workbook (in the 1904 date system when the shape says so)."""
    data, settings = shape_data(shape)
    workbook = new_workbook(path)
    if shape.date_1904:
        workbook.date_1904 = True  # XlsxWriter's own switch: serial dates then count from 1904
    write_portfolio_sheets(workbook, data=data, settings=settings, styles=Styles(workbook))
    workbook.close()
    return path
