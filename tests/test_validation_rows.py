"""Row rules: dates in order, actuals not in the future, EV within BAC, status consistent with
dates and progress, effort and EV given, scores on their criterion's scale."""

from __future__ import annotations

import datetime as dt

from test_validation_cells import D, flat, project, tables, validate

from pmo_xl.issues import Severity

STATUS_DATE = {"setting": "Status date", "value": D(2026, 10, 31)}


def with_status_date(raw: dict) -> dict:
    from test_validation_cells import raw_table

    from pmo_xl.schema.settings import SETTINGS_TABLE

    raw["Settings"] = raw_table(SETTINGS_TABLE, [STATUS_DATE])
    return raw


def progress(project_id: str, month: int, pv: float, ev: float | None, ac: float, **values: object) -> dict[str, object]:
    return {"project_id": project_id, "period": D(2026, month, 1), "pv": pv, "ev": ev, "ac": ac, **values}


def test_finish_before_start_on_projects_allocations_resources_and_risks():
    raw = tables(
        Projects=[project("P1"), project("P2", start=D(2026, 4, 15), finish=D(2026, 3, 1))],
        Resources=[{"resource_id": "R1", "name": "Ann", "role": "Developer", "available_from": D(2026, 6, 1), "available_to": D(2026, 5, 1)}],
        Allocations=[{"project_id": "P1", "resource_id": "R1", "start": D(2026, 2, 1), "finish": D(2026, 1, 1), "effort_hours": 10, "state": "Committed"}],
        Risks=[{"risk_id": "K1", "project_id": "P1", "title": "t", "probability": 2, "impact": 3, "status": "Open",
                "raised": D(2026, 5, 1), "due": D(2026, 4, 1)}],
    )
    portfolio = validate(raw)
    assert flat(portfolio.issues, "finish-before-start") == [
        ("Allocations", 2, "E", "finish-before-start"), ("Projects", 3, "K", "finish-before-start"),
        ("Resources", 2, "I", "finish-before-start"), ("Risks", 2, "L", "finish-before-start")]
    message = next(i.message for i in portfolio.issues if i.sheet == "Projects" and i.code == "finish-before-start")
    assert message == "Planned finish 2026-03-01 is before Planned start 2026-04-15 — correct one of them"
    risk = next(i for i in portfolio.issues if i.sheet == "Risks" and i.code == "finish-before-start")
    assert risk.severity == Severity.WARNING and portfolio.risks["risk_id"].tolist() == ["K1"]  # a warning keeps the row


def test_actuals_after_the_status_date_and_progress_after_the_status_period():
    raw = with_status_date(tables(
        Projects=[project("P1")],
        Milestones=[{"project_id": "P1", "milestone": "Go-live", "baseline_date": D(2026, 9, 1), "actual_date": D(2026, 11, 5)},
                    {"project_id": "P1", "milestone": "Design", "baseline_date": D(2026, 3, 1), "actual_date": D(2026, 3, 2)}],
        Progress=[progress("P1", 10, 50_000, 40_000, 45_000), progress("P1", 11, 60_000, 50_000, 55_000)],
    ))
    portfolio = validate(raw)
    assert flat(portfolio.issues, "actual-in-future") == [("Milestones", 2, "E", "actual-in-future"), ("Progress", 3, "B", "actual-in-future")]
    assert portfolio.rejected == {"Milestones": [2], "Progress": [3]}


def test_ev_or_pv_above_bac_and_missing_earned_value():
    raw = tables(Projects=[project("P1", bac=100_000.0)],
                 Progress=[progress("P1", 3, 20_000, 100_400, 10_000), progress("P1", 4, 120_000, 20_000, 15_000),
                           progress("P1", 5, 30_000, None, 20_000)])
    portfolio = validate(raw)
    assert flat(portfolio.issues, "above-bac", "no-earned-value") == [
        ("Progress", 3, "C", "above-bac"), ("Progress", 4, "D", "no-earned-value")]  # 100,400 is within 0.5 % rounding


def test_allocations_need_a_resource_or_role_and_an_effort():
    raw = tables(Projects=[project("P1")], Resources=[{"resource_id": "R1", "name": "Ann", "role": "Developer"}],
                 Allocations=[{"project_id": "P1", "start": D(2026, 2, 1), "finish": D(2026, 3, 1), "fte": 0.5, "state": "Draft"},
                              {"project_id": "P1", "resource_id": "R1", "start": D(2026, 2, 1), "finish": D(2026, 3, 1), "state": "Draft"}])
    assert flat(validate(raw).issues, "resource-or-role", "no-effort") == [
        ("Allocations", 2, "B", "resource-or-role"), ("Allocations", 3, "F", "no-effort")]


def test_status_that_contradicts_progress_or_dates():
    raw = with_status_date(tables(
        Projects=[project("P1", status="Closed"), project("P2", status="Active", finish=D(2026, 6, 30)),
                  project("P3", status="Proposed"), project("P4", status="On hold", finish=D(2026, 10, 15)),
                  project("P5", status="Closed")],
        Progress=[progress("P1", 9, 100_000, 40_000, 50_000), progress("P2", 10, 100_000, 100_000, 90_000),
                  progress("P3", 10, 0, 0, 5_000), progress("P4", 10, 10, 10, 10),
                  progress("P5", 10, 100_000, None, 100_000, pct_complete=1.0)],
    ))
    portfolio = validate(raw, as_of=dt.date(2026, 11, 5))
    assert flat(portfolio.issues, "status-vs-progress", "status-vs-dates") == [
        ("Projects", 2, "H", "status-vs-progress"), ("Projects", 3, "H", "status-vs-dates"), ("Projects", 4, "H", "status-vs-progress")]
    closed = next(i for i in portfolio.issues if i.code == "status-vs-progress" and i.row == 2)
    assert "latest % complete is 40% (2026-09)" in closed.message  # P4 is only 16 days past: not "long past"


def test_scores_outside_their_criterion_scale():
    raw = tables(Projects=[project("P1", **{"Score: Urgency": 7}), project("P2", **{"Score: Risk": 0.5})])
    portfolio = validate(raw)
    assert flat(portfolio.issues, "score-out-of-scale") == [("Projects", 2, "T", "score-out-of-scale"), ("Projects", 3, "U", "score-out-of-scale")]
    # A warning: a mistyped score must not drop the project; prioritisation clips it to the scale.
    found = sorted((i for i in portfolio.issues if i.code == "score-out-of-scale"), key=lambda i: i.row)
    assert {i.severity for i in found} == {Severity.WARNING}
    assert "clipped to the scale (5)" in found[0].message and "clipped to the scale (1)" in found[1].message
    assert portfolio.rejected.get("Projects", []) == []
    assert list(portfolio.projects["project_id"]) == ["P1", "P2"]


def test_a_crashing_check_or_parser_is_an_internal_error_and_the_run_goes_on(monkeypatch):
    from pmo_xl.checks import run as run_module
    from pmo_xl.checks.run import CHECKS, run_checks
    from pmo_xl.options import RunOptions
    from pmo_xl.parse import portfolio as parse_module
    from pmo_xl.parse.portfolio import parse_portfolio

    def broken(portfolio):
        raise KeyError("role")

    raw = tables(Projects=[project("P1"), project("P1")])
    lenient = RunOptions(strict=False)
    portfolio = parse_portfolio(raw, options=lenient)
    _, found = run_checks(portfolio, (broken, *CHECKS), options=lenient)
    assert [(i.code, i.severity) for i in found if i.code == "internal-error"] == [("internal-error", Severity.WARNING)]
    assert ("Projects", 3, "A", "duplicate-id") in flat(found)  # the other checks still ran

    real = parse_module.parse_register
    monkeypatch.setattr(parse_module, "parse_register", lambda raw, register, **options: real(raw, register, **options) if register.name != "Risks" else broken(None))
    portfolio = parse_portfolio(tables(Projects=[project("P1")], Risks=[{"risk_id": "K1"}]), options=lenient)
    assert [(i.sheet, i.code) for i in portfolio.issues if i.code == "internal-error"] == [("Risks", "internal-error")]
    assert portfolio.rejected == {"Risks": [2]} and len(portfolio.projects) == 1

    try:
        run_checks(parse_portfolio(raw), (broken,), options=RunOptions(strict=True))
    except KeyError:
        pass
    else:
        raise AssertionError("strict mode must let a crashing check fail")
    assert run_module.CHECKS == CHECKS
