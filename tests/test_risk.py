"""Risk exposure: score, bands, expected cost, heat-map counts, top risks, last period."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from pmo_xl.compute.risk import BANDS, PROBABILITY_SHARE, band_of, compute_risk
from pmo_xl.issues import column_letter
from pmo_xl.model import Portfolio
from pmo_xl.parse.portfolio import parse_portfolio
from pmo_xl.raw import RawTable
from pmo_xl.schema.registers import REGISTERS_BY_NAME, RISKS

D = dt.date
RAISED = D(2026, 1, 15)
SETTINGS = {"Status date": D(2026, 10, 31), "High risk score from": 15}


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
    return {"project_id": pid, "name": f"Project {pid}", "status": status, "start": D(2026, 1, 1), "finish": D(2026, 12, 31), "bac": 100000}


def risk(rid: str, p: int, i: int, cost: float | None = None, status: str = "Open", pid: str = "P1",
         raised: dt.date | None = RAISED, due: dt.date | None = None) -> dict[str, object]:
    return {"risk_id": rid, "project_id": pid, "title": f"Risk {rid}", "probability": p, "impact": i,
            "cost_impact": cost, "status": status, "raised": raised, "due": due}




def test_band_edges_follow_the_5x5_convention() -> None:
    scores = np.array([1, 4, 5, 9, 10, 15, 16, 25, np.nan])
    assert list(band_of(scores)) == ["Low", "Low", "Medium", "Medium", "High", "High", "Critical", "Critical", None]
    assert BANDS == ("Low", "Medium", "High", "Critical")


def test_score_band_exposure_and_order() -> None:
    portfolio = portfolio_of(
        SETTINGS,
        Projects=[project("P1")],
        Risks=[risk("R1", 5, 5, 1000), risk("R2", 1, 2, 50000), risk("R3", 3, 4, None), risk("R4", 4, 4, 10000, status="Closed")],
    )
    result, issues = compute_risk(portfolio)
    assert issues == []
    reg = result.register.set_index("risk_id")
    assert reg.loc["R1", "score"] == 25 and reg.loc["R1", "band"] == "Critical"
    assert reg.loc["R1", "exposure"] == pytest.approx(0.9 * 1000)
    assert reg.loc["R2", "exposure"] == pytest.approx(0.1 * 50000)
    assert np.isnan(reg.loc["R3", "exposure"])  # no cost impact: blank, never 0
    assert reg.loc["R3", "band"] == "High"
    # largest exposure first, blank exposure last; closed risks are in the register but not counted
    assert list(result.register["risk_id"]) == ["R4", "R2", "R1", "R3"]  # 7000, 5000, 900, blank
    assert list(result.top["risk_id"]) == ["R2", "R1", "R3"]
    assert result.open_count == 3
    assert result.high_count == 1  # only R1 reaches 15; R3 scores 12
    assert result.total_exposure == pytest.approx(900 + 5000)
    assert PROBABILITY_SHARE[5] == 0.9


def test_heat_map_counts_open_risks_by_probability_and_impact() -> None:
    portfolio = portfolio_of(
        SETTINGS,
        Projects=[project("P1")],
        Risks=[risk("R1", 5, 1), risk("R2", 5, 1), risk("R3", 1, 5), risk("R4", 3, 3, status="Closed")],
    )
    result, _ = compute_risk(portfolio)
    matrix = result.matrix
    assert list(matrix.index) == [5, 4, 3, 2, 1]  # most likely on top, as printed
    assert list(matrix.columns) == [1, 2, 3, 4, 5]
    assert matrix.loc[5, 1] == 2 and matrix.loc[1, 5] == 1 and matrix.loc[3, 3] == 0
    assert int(matrix.to_numpy().sum()) == 3
    bands = result.by_band.set_index("band")
    assert list(bands.index) == list(BANDS)
    assert bands.loc["Medium", "count"] == 3 and bands.loc["Critical", "count"] == 0


def test_last_period_leaves_out_risks_raised_later() -> None:
    portfolio = portfolio_of(
        SETTINGS,
        Projects=[project("P1")],
        Risks=[risk("R1", 5, 5, raised=D(2026, 9, 1)), risk("R2", 4, 4, raised=D(2026, 10, 15)), risk("R3", 4, 5, raised=None)],
    )
    now, _ = compute_risk(portfolio)
    before, _ = compute_risk(portfolio, as_of=D(2026, 9, 30))
    assert now.high_count == 3
    assert before.high_count == 2  # R2 was raised in October; R3 has no date and always counts


def test_review_overdue_and_open_risk_on_closed_project() -> None:
    portfolio = portfolio_of(
        SETTINGS,
        Projects=[project("P1"), project("P2", status="Closed")],
        Risks=[risk("R1", 2, 2, due=D(2026, 10, 1)), risk("R2", 2, 2, pid="P2", due=D(2026, 12, 1))],
    )
    result, issues = compute_risk(portfolio)
    reg = result.register.set_index("risk_id")
    assert bool(reg.loc["R1", "review_overdue"]) and not bool(reg.loc["R2", "review_overdue"])
    assert [(i.sheet, i.row, i.column, i.code) for i in issues] == [("Risks", 3, column_letter(RISKS.fields.index("status") + 1), "risk-on-closed-project")]


def test_empty_register_gives_empty_figures() -> None:
    portfolio = portfolio_of(SETTINGS, Projects=[project("P1")], Risks=[])
    result, issues = compute_risk(portfolio)
    assert result.open_count == 0 and result.total_exposure == 0.0 and issues == []
    assert result.matrix.shape == (5, 5) and int(result.matrix.to_numpy().sum()) == 0
    assert list(result.by_band["count"]) == [0, 0, 0, 0]
    assert result.top.empty and result.by_project.empty

