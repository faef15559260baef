"""History (the closed periods) is validated like any register: each problem a located issue."""

from __future__ import annotations

from test_validation_cells import D, flat, project, tables, validate

from pmo_xl import __version__
from pmo_xl.checks.history import version_tuple
from pmo_xl.issues import Severity, column_letter
from pmo_xl.schema.history import HISTORY

CLOSED = D(2026, 10, 5)


def history(project_id: str, period: object, **values: object) -> dict[str, object]:
    return {"period": period, "project_id": project_id, "rag": "Green", "basis": "As reported", "closed_on": CLOSED,
            "version": __version__, **values}


def kpi(name: str, period: object, value: float, **values: object) -> dict[str, object]:
    return {"period": period, "kpi": name, "value": value, "basis": "As reported", "closed_on": CLOSED, "version": __version__, **values}


def test_a_workbook_never_closed_has_no_history_and_no_issue_about_it():
    portfolio = validate(tables(Projects=[project("P1")]))
    assert not [i for i in portfolio.issues if "History" in i.sheet]
    assert portfolio.registers["History"].empty and portfolio.registers["History KPIs"].empty


def test_clean_history_is_read_typed_and_raises_nothing():
    rows = [history("P1", "2026-08", eac=100.0), history("P1", D(2026, 9, 1), eac=110.0), history("P1", "2026-10", eac=120.0)]
    portfolio = validate(tables(Projects=[project("P1")], History=rows))
    assert flat(portfolio.issues, "history-order", "history-duplicate", "history-unknown-project", "history-newer-version") == []
    frame = portfolio.registers["History"]
    assert [p.strftime("%Y-%m") for p in frame["period"]] == ["2026-08", "2026-09", "2026-10"]
    assert frame["eac"].tolist() == [100.0, 110.0, 120.0]


def test_periods_out_of_order_duplicates_and_unknown_projects_are_located():
    rows = [history("P1", "2026-09"), history("P1", "2026-08"), history("P1", "2026-09"), history("P9", "2026-09")]
    milestones = [{"period": "2026-09", "project_id": "P1", "milestone": "Go-live", "forecast_date": D(2026, 12, 1),
                   "basis": "As reported", "closed_on": CLOSED, "version": __version__}] * 2
    kpis = [kpi("cpi", "2026-09", 0.9), kpi("cpi", "2026-10", 0.95), kpi("cpi", "2026-10", 0.96)]
    portfolio = validate(tables(Projects=[project("P1")], History=rows, **{"History milestones": milestones, "History KPIs": kpis}))
    assert flat(portfolio.issues, "history-order", "history-duplicate", "history-unknown-project") == [
        ("History", 3, "A", "history-order"),
        ("History", 4, "A", "history-duplicate"),
        ("History", 5, "B", "history-unknown-project"),
        ("History KPIs", 4, "A", "history-duplicate"),
        ("History milestones", 3, "A", "history-duplicate"),
    ]
    by_code = {i.code: i for i in portfolio.issues if i.sheet == "History"}
    assert by_code["history-order"].message.startswith("2026-08 comes after rows of 2026-09")
    assert "P1 of 2026-09 is already in row 2" in by_code["history-duplicate"].message
    assert by_code["history-duplicate"].severity is Severity.ERROR
    assert by_code["history-unknown-project"].severity is Severity.WARNING
    # the duplicate rows (errors) are left out; the first of each is kept
    assert portfolio.registers["History"]["_row"].tolist() == [2, 3, 5]
    assert portfolio.registers["History KPIs"]["value"].tolist() == [0.9, 0.95]


def test_history_from_a_newer_pmo_xl_is_one_issue_per_table_at_its_first_row():
    newer = ".".join(str(p + (1 if i == 0 else 0)) for i, p in enumerate(version_tuple(__version__) or (0,)))
    rows = [history("P1", "2026-08"), history("P1", "2026-09", version=newer), history("P1", "2026-10", version=newer)]
    portfolio = validate(tables(Projects=[project("P1")], History=rows))
    issues = [i for i in portfolio.issues if i.code == "history-newer-version"]
    assert [(i.sheet, i.row, i.column) for i in issues] == [("History", 3, column_letter(HISTORY.fields.index("version") + 1))]
    assert f"2 row(s) from here were written by pmo-xl {newer}, newer than this pmo-xl {__version__}" in issues[0].message


def test_version_text():
    assert version_tuple("0.12.3") == (0, 12, 3)
    assert version_tuple("0.1.0") < version_tuple("0.10.0")
    assert version_tuple("1.0rc1") is None and version_tuple(None) is None
