"""Milestone status at the status date: due in 30/60/90 days, slipped, missed."""

from __future__ import annotations

import datetime as dt

import numpy as np

from pmo_xl.compute.milestones import compute_milestones
from pmo_xl.model import Portfolio
from pmo_xl.parse.portfolio import parse_portfolio
from pmo_xl.raw import RawTable
from pmo_xl.schema.registers import REGISTERS_BY_NAME

D = dt.date
STATUS = D(2026, 10, 31)


def portfolio_of(settings: dict[str, object], **registers: list[dict[str, object]]) -> Portfolio:
    """A portfolio parsed from small text-first tables (field name -> value), through the real parser.

    Parsed only, not checked: these tests are about the computation, which receives clean rows.
    """
    tables: dict[str, RawTable] = {
        "Settings": RawTable("Settings", "tblSettings", 1, 1, ["Setting", "Value"],
                             [[k, v] for k, v in settings.items()], list(range(2, 2 + len(settings)))),
    }
    for name, records in registers.items():
        register = REGISTERS_BY_NAME[name]
        headers = [c.header for c in register.columns]
        rows = [[record.get(c.field) for c in register.columns] for record in records]
        tables[name] = RawTable(name, register.table, 1, 1, headers, rows, list(range(2, 2 + len(rows))))
    return parse_portfolio(tables)


def project(pid: str, status: str = "Active") -> dict[str, object]:
    return {"project_id": pid, "name": f"Project {pid}", "status": status, "start": D(2026, 1, 1), "finish": D(2027, 6, 30), "bac": 1000}


def ms(name: str, baseline: dt.date, forecast: dt.date | None = None, actual: dt.date | None = None, pid: str = "P1") -> dict[str, object]:
    return {"project_id": pid, "milestone": name, "baseline_date": baseline, "forecast_date": forecast, "actual_date": actual}


def run(milestones: list[dict[str, object]], slip_days: int = 0, projects: list[dict[str, object]] | None = None):
    portfolio = portfolio_of({"Status date": STATUS, "Milestone slip tolerance (days)": slip_days},
                             Projects=projects or [project("P1")], Milestones=milestones)
    result, issues = compute_milestones(portfolio)
    assert issues == []
    return result


def test_due_windows_count_days_after_the_status_date() -> None:
    result = run([
        ms("today", STATUS),  # due today is not "next 30 days": it is not missed either
        ms("d1", D(2026, 11, 1)), ms("d30", D(2026, 11, 30)), ms("d31", D(2026, 12, 1)),
        ms("d60", D(2026, 12, 30)), ms("d90", D(2027, 1, 29)), ms("d91", D(2027, 1, 30)),
        ms("done", D(2026, 11, 5), actual=D(2026, 10, 20)),
    ])
    due = result.due.set_index("milestone")["due_within"].to_dict()
    assert due == {"d1": 30, "d30": 30, "d31": 60, "d60": 60, "d90": 90}
    assert result.due_counts == {30: 2, 60: 4, 90: 5}
    assert list(result.due["milestone"]) == ["d1", "d30", "d31", "d60", "d90"]  # by date


def test_slip_uses_forecast_and_tolerance() -> None:
    result = run([
        ms("on baseline", D(2026, 12, 1)),
        ms("five late", D(2026, 12, 1), forecast=D(2026, 12, 6)),
        ms("twenty late", D(2027, 3, 1), forecast=D(2027, 3, 21)),
        ms("early", D(2026, 12, 10), forecast=D(2026, 12, 1)),
        ms("achieved late", D(2026, 9, 1), actual=D(2026, 9, 30)),
    ], slip_days=5)
    table = result.table.set_index("milestone")
    assert table.loc["five late", "slip_days"] == 5 and not table.loc["five late", "slipped"]  # within tolerance
    assert table.loc["twenty late", "slip_days"] == 20 and table.loc["twenty late", "slipped"]
    assert table.loc["early", "slip_days"] == -9
    assert table.loc["achieved late", "slip_days"] == 29 and not table.loc["achieved late", "slipped"]
    assert table.loc["achieved late", "status"] == "Achieved"
    assert list(result.slipped["milestone"]) == ["twenty late"]


def test_missed_is_a_passed_date_without_actual() -> None:
    result = run([
        ms("baseline passed", D(2026, 10, 1)),
        ms("forecast passed", D(2026, 9, 1), forecast=D(2026, 10, 15)),
        ms("baseline passed, forecast ahead", D(2026, 10, 1), forecast=D(2026, 11, 15)),
        ms("achieved", D(2026, 10, 1), actual=D(2026, 10, 2)),
    ])
    table = result.table.set_index("milestone")
    assert list(result.missed["milestone"]) == ["baseline passed", "forecast passed"]  # oldest first
    assert table.loc["forecast passed", "status"] == "Missed" and not table.loc["forecast passed", "slipped"]
    assert table.loc["baseline passed, forecast ahead", "status"] == "Slipped"
    assert table.loc["baseline passed, forecast ahead", "due_within"] == 30
    assert table.loc["baseline passed", "days_to_go"] == -30
    assert np.isnan(table.loc["achieved", "days_to_go"])


def test_closed_projects_are_not_watched() -> None:
    result = run(
        [ms("old", D(2026, 5, 1), pid="P2"), ms("live", D(2026, 5, 1))],
        projects=[project("P1"), project("P2", status="Closed")],
    )
    assert list(result.missed["milestone"]) == ["live"]
    assert result.table.set_index("milestone").loc["old", "status"] == "Project closed"


def test_no_milestones() -> None:
    result = run([])
    assert result.table.empty and result.due.empty and result.due_counts == {30: 0, 60: 0, 90: 0}


def test_seen_from_last_month_a_later_actual_had_not_happened() -> None:
    portfolio = portfolio_of({"Status date": STATUS}, Projects=[project("P1")],
                             Milestones=[ms("done in October", D(2026, 9, 20), actual=D(2026, 10, 5))])
    now, _ = compute_milestones(portfolio)
    before, _ = compute_milestones(portfolio, as_of=D(2026, 9, 30))
    assert now.table.loc[0, "status"] == "Achieved"
    assert before.table.loc[0, "status"] == "Missed" and before.table.loc[0, "days_to_go"] == -10
