"""Worksheet functions for resource loading: =PMO_SPREAD and =PMO_LOADING.

Thin wrappers: the spreading and the loading are `pmo_xl.compute.time.spread_dates` and
`pmo_xl.compute.loading.compute_loading`; tables typed into cells are read by the same parser as
the workbook reader, so a cell formula and the *Refresh loading* button give the same numbers.
Outside Excel the xlwings decorators do nothing and these are plain Python functions taking
values shaped as Excel passes them (numbers, datetimes, lists of rows).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
import xlwings as xw

from pmo_xl.compute.loading import compute_loading
from pmo_xl.compute.time import calendar_key, profile_index, spread_dates
from pmo_xl.issues import Severity
from pmo_xl.model import Portfolio, Settings
from pmo_xl.parse.register import parse_register
from pmo_xl.raw import RawTable
from pmo_xl.schema.columns import Register
from pmo_xl.schema.registers import ALLOCATIONS, PROFILES, RESOURCES
from udfs.arguments import CATEGORY, arg, date, number, rows, worksheet_function

__all__ = ["PMO_LOADING", "PMO_SPREAD"]

MEASURES = {"utilisation": "utilisation", "utilization": "utilisation", "demand": "demand_hours",
            "capacity": "capacity_hours"}  # fmt: skip


def _flatten(values: object) -> Iterable[object]:
    """Every cell of a value, a row or a range (lists of lists), in order."""
    if isinstance(values, (list, tuple)):
        for item in values:
            yield from _flatten(item)
    else:
        yield values


def _holiday_dates(holidays: object) -> list[dt.date]:
    cells = _flatten(rows(holidays, drop_blank_bottom=True))
    return [d for d in (date(v, "holidays") for v in cells) if d is not None]


# Arguments carry no type hints on purpose: xlwings reads hints as cell converters, and these
# functions take whatever Excel passes (blank, number, datetime, text, ranges as lists); see
# udfs/arguments.py.
@xw.func(category=CATEGORY)
@arg("effort", doc="Total hours to spread.")
@arg("start", doc="First day (a date).")
@arg("finish", doc="Last day, included (a date).")
@arg("profile", doc="Flat, Back loaded, Front loaded, Double peak, Early peak, Late peak, Bell or Turtle.")
@arg("holidays", ndim=2, doc="Optional: dates off (a range or a list).")
@worksheet_function
def PMO_SPREAD(effort, start, finish, profile="Flat", holidays=None):  # noqa: N802 — Excel function names are upper case
    """Spreads an effort (hours) over the working days from start to finish, both included.
    Spills two columns; Excel 2016/2019: enter as an array formula (Ctrl+Shift+Enter).

    Returns two columns that spill down: the date of each working day and the hours on it
    (format the first column as a date). Working days are Monday to Friday minus the holidays
    you give (a range or a list of dates). Profile is how the hours are spread, as in Microsoft
    Project: Flat (default), Back loaded, Front loaded, Double peak, Early peak, Late peak, Bell
    or Turtle. The hours always add up to the effort.

    Without dynamic arrays (Excel 2016/2019) a formula in one cell shows only the first date:
    select two columns and as many rows as working days (more is fine: extra rows show #N/A),
    type the formula and press Ctrl+Shift+Enter; or pick one value with
    =INDEX(PMO_SPREAD(...), day, 2).
    """
    try:
        hours = number(effort, "effort") or 0.0
        first, last = date(start, "start"), date(finish, "finish")
        days_off = _holiday_dates(holidays)
    except (TypeError, ValueError) as error:
        return f"PMO_SPREAD: {error}"
    if first is None or last is None:
        return "PMO_SPREAD: give a start and a finish date"
    if last < first:
        return "PMO_SPREAD: the finish is before the start"
    if math.isnan(hours) or hours < 0:
        return "PMO_SPREAD: the effort must be a number of hours, 0 or more"
    if profile_index(profile) < 0:
        return f"PMO_SPREAD: unknown profile {profile!r}; use one of {', '.join(PROFILES)}"
    dates, per_day = spread_dates(hours, first, last, profile, days_off)
    if len(dates) == 0:
        return "PMO_SPREAD: no working day between start and finish (weekends and holidays only)"
    return [
        [dt.datetime.combine(pd.Timestamp(d).date(), dt.time()), float(h)]
        for d, h in zip(dates, per_day, strict=True)
    ]


def _cell(value: object) -> object:
    """A value as a cell: NaN and None are blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _register_frame(values: object, register: Register) -> tuple[pd.DataFrame, list[str]]:
    """A table typed in cells (header row first) as a typed register frame, plus problems."""
    table = rows(values, drop_blank_bottom=True)
    if not table:
        raise ValueError(f"the {register.name} table is empty: give it with its header row")
    header, body = table[0], table[1:]
    keep = [i for i, r in enumerate(body) if any(v not in (None, "") for v in r)]
    raw = RawTable(
        sheet=register.sheet_name, table=None, header_row=1, first_column=1, headers=header,
        rows=[body[i] for i in keep], row_numbers=[i + 2 for i in keep],
    )  # fmt: skip
    parsed = parse_register(raw, register)
    problems = [
        f"{register.name} row {i.row}: {i.message}" for i in parsed.issues if i.severity == Severity.ERROR
    ]
    return parsed.frame, problems


@xw.func(category=CATEGORY)
@arg("allocations", ndim=2, doc="Allocations table with its header row.")
@arg("resources", ndim=2, doc="Resources table with its header row.")
@arg("grain", doc="Day, Week, Month (default) or Quarter.")
@arg("measure", doc="Utilisation (default), Demand or Capacity.")
@arg("holidays", ndim=2, doc="Optional: dates off for everyone.")
@arg("status_date", doc="Optional: re-spread work not done yet after this date.")
@arg("hours_per_week", doc="Full-time week in hours (default 40).")
@worksheet_function
def PMO_LOADING(
    allocations,
    resources,
    grain="Month",
    measure="Utilisation",
    holidays=None,
    status_date=None,
    hours_per_week=40,
):  # noqa: N802,E501
    """Spills a loading matrix: one row per resource, one column per period.
    Excel 2016/2019: enter as an array formula (Ctrl+Shift+Enter) over a large enough range.

    Allocations and resources are tables with their header row (the same columns as the
    Allocations and Resources sheets). Grain is Day, Week, Month (default) or Quarter. Measure
    is Utilisation (demand / capacity, blank where the resource has no capacity), Demand or
    Capacity (hours). Holidays are dates off for everyone; status date, when given, re-spreads
    the work not yet done (effort − actual hours) after it; hours per week is a full-time week.
    Committed and Proposed allocations count, Draft ones do not. A last row says what was
    left out, if anything.

    Without dynamic arrays (Excel 2016/2019) a formula in one cell shows only the first header:
    select a range with a row per resource plus two and a column per period plus four (more is
    fine: extra cells show #N/A), type the formula and press Ctrl+Shift+Enter.
    """
    key = MEASURES.get(calendar_key(measure))
    if key is None:
        return "PMO_LOADING: measure must be Utilisation, Demand or Capacity"
    try:
        allocation_frame, problems = _register_frame(allocations, ALLOCATIONS)
        resource_frame, resource_problems = _register_frame(resources, RESOURCES)
        days_off = _holiday_dates(holidays)
        settings = Settings(
            status_date=date(status_date, "status_date"),
            hours_per_week=number(hours_per_week, "hours_per_week") or 40.0,
            holidays=pd.DataFrame({"date": pd.to_datetime(days_off), "calendar": [None] * len(days_off),
                                   "name": [""] * len(days_off)}),
        )  # fmt: skip
        portfolio = Portfolio(
            settings=settings, registers={"Allocations": allocation_frame, "Resources": resource_frame}
        )
        result, issues = compute_loading(portfolio, str(grain or "Month"), causes=False)
    except (TypeError, ValueError) as error:
        return f"PMO_LOADING: {error}"
    problems = resource_problems + problems
    problems += [f"Allocations row {i.row}: {i.message}" for i in issues if i.severity == Severity.ERROR]
    if not result.periods:
        return "PMO_LOADING: no demand to show" + (f" ({problems[0]})" if problems else "")
    matrix = result.resource_load.pivot(index="resource_id", columns="period", values=key)
    heat = result.heatmap
    headers = [RESOURCES.column(f).header for f in ("resource_id", "name", "role", "team")]
    out: list[list[object]] = [headers + [dt.datetime.combine(p, dt.time()) for p in result.periods]]
    for rid in heat.index:
        values = matrix.loc[rid].to_numpy(dtype=float)
        cells = [None if np.isnan(v) else float(v) for v in values]
        out.append([rid, *(_cell(heat.at[rid, c]) for c in ("name", "role", "team")), *cells])
    if result.unplaced_hours > 0 or problems:
        note = f"Left out: {result.unplaced_hours:,.1f} h not placed; {len(problems)} problem(s)"
        note += f" — {problems[0]}" if problems else ""
        out.append([note] + [None] * (len(out[0]) - 1))
    return out
