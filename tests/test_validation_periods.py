"""Across periods: cumulative figures that go backwards, late and pending updates."""

from __future__ import annotations

import datetime as dt

from test_validation_cells import D, flat, project, tables, validate
from test_validation_rows import progress, with_status_date

from pmo_xl.issues import Severity


def test_cumulative_pv_ev_ac_and_percent_complete_never_go_down():
    raw = tables(Projects=[project("P1"), project("P2")], Progress=[
        progress("P1", 1, 10_000, 9_000, 8_000), progress("P1", 3, 20_000, 8_000, 16_000),  # EV down (Feb missing)
        progress("P1", 2, 15_000, None, 12_000, pct_complete=0.1),  # % given instead of EV: compared with EV rows? no
        progress("P2", 1, 10_000, None, 5_000, pct_complete=0.30), progress("P2", 2, 9_000, None, 4_000, pct_complete=0.25),
    ])
    portfolio = validate(raw)
    assert flat(portfolio.issues, "cumulative-decrease") == [
        ("Progress", 3, "D", "cumulative-decrease"), ("Progress", 6, "C", "cumulative-decrease"),
        ("Progress", 6, "E", "cumulative-decrease"), ("Progress", 6, "F", "cumulative-decrease")]
    ev = next(i for i in portfolio.issues if i.code == "cumulative-decrease" and i.column == "D")
    assert ev.severity == Severity.WARNING and "8,000 is lower than 9,000 in 2026-01" in ev.message
    assert len(portfolio.progress) == 5  # both periods kept: which one is wrong cannot be told


def test_late_update_after_the_due_date_pending_before():
    def run(as_of: dt.date):
        raw = with_status_date(tables(
            Projects=[project("P1"), project("P2"), project("P3", status="On hold"), project("P4", start=D(2026, 11, 2), finish=D(2027, 5, 1)),
                      project("P5", status="Approved")],
            Progress=[progress("P2", 10, 1, 1, 1)],
        ))
        return validate(raw, as_of=as_of)

    late = run(dt.date(2026, 11, 11))
    assert flat(late.issues, "late-update", "update-pending") == [("Projects", 2, "A", "late-update")]
    assert "no usable progress for 2026-10; the update was due by 2026-11-10" in next(i.message for i in late.issues if i.code == "late-update")
    pending = run(dt.date(2026, 11, 10))
    assert [(i.row, i.code, i.severity) for i in pending.issues if i.code in ("late-update", "update-pending")] == [
        (2, "update-pending", Severity.INFO)]


def test_without_a_status_date_the_latest_month_with_progress_is_the_status_period():
    raw = tables(Projects=[project("P1"), project("P2")], Progress=[progress("P1", 8, 1, 1, 1), progress("P2", 9, 1, 1, 1)])
    assert flat(validate(raw, as_of=dt.date(2026, 12, 1)).issues, "late-update") == [("Projects", 2, "A", "late-update")]
