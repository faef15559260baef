"""Resource loading: capacity, demand, utilisation, over- and under-allocation, remaining effort.

Registers are written as small tables in each test; holidays and dates are in 2026 (1 Jan Thu,
2 Mar Mon). Weekly periods start on Mondays.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_xl.compute.loading import ON_REQUEST, compute_loading, monthly_role_capacity, monthly_role_demand
from pmo_xl.compute.loading.causes import _by_cell, hours_text
from pmo_xl.compute.loading.tables import stable_order
from pmo_xl.compute.time import spread
from pmo_xl.issues import Issue, Severity, Stage
from pmo_xl.model import Portfolio, Settings
from pmo_xl.schema.registers import PROFILES

RESOURCE_FIELDS = ("resource_id", "name", "role", "team", "fte", "hours_per_week", "non_project",
                   "available_from", "available_to", "calendar", "cost_rate")  # fmt: skip
ALLOCATION_FIELDS = ("project_id", "resource_id", "role", "start", "finish", "effort_hours", "fte", "profile",
                     "state", "actual_hours")  # fmt: skip
DATES = {"available_from", "available_to", "start", "finish"}
NUMBERS = {"fte", "hours_per_week", "non_project", "cost_rate", "effort_hours", "actual_hours"}


def table(fields: tuple[str, ...], rows: list[dict[str, object]]) -> pd.DataFrame:
    """A typed register frame as the parser hands it over, Excel rows from 2."""
    data: dict[str, object] = {}
    for f in fields:
        values = [r.get(f) for r in rows]
        if f in DATES:
            data[f] = pd.to_datetime(pd.Series(values, dtype=object))
        elif f in NUMBERS:
            data[f] = pd.Series([np.nan if v is None else v for v in values], dtype="float64")
        else:
            data[f] = pd.Series(values, dtype=object)
    frame = pd.DataFrame(data, index=range(len(rows)))
    frame["_row"] = np.arange(2, len(rows) + 2)
    return frame


def person(
    rid: str, role: str = "Developer", team: str | None = "Core", **extra: object
) -> dict[str, object]:
    return {"resource_id": rid, "name": f"Name {rid}", "role": role, "team": team, **extra}


def alloc(
    project: str, rid: str | None, start: str, finish: str, hours: float | None = None, **extra: object
) -> dict[str, object]:
    return {"project_id": project, "resource_id": rid, "start": start, "finish": finish, "effort_hours": hours,
            "state": "Committed", **extra}  # fmt: skip


def portfolio(
    people: list[dict[str, object]], allocations: list[dict[str, object]], **settings: object
) -> Portfolio:
    holidays = settings.pop("holidays", [])
    frame = pd.DataFrame(
        {"date": pd.to_datetime([h[0] for h in holidays]), "calendar": [h[1] for h in holidays],
         "name": ["Holiday"] * len(holidays)}
    )  # fmt: skip
    return Portfolio(
        settings=Settings(holidays=frame, **settings),  # type: ignore[arg-type]
        registers={
            "Resources": table(RESOURCE_FIELDS, people),
            "Allocations": table(ALLOCATION_FIELDS, allocations),
        },
    )


def cell(result_frame: pd.DataFrame, column: str, **where: object) -> float:
    mask = np.ones(len(result_frame), dtype=bool)
    for key, value in where.items():
        target = pd.Timestamp(value) if key == "period" else value
        mask &= (result_frame[key] == target).to_numpy()
    assert mask.sum() == 1, f"{mask.sum()} rows match {where}"
    return float(result_frame.loc[mask, column].iloc[0])


def flat_issues(issues: list) -> list[tuple[object, ...]]:
    return [(i.sheet, i.row, i.column, i.code) for i in issues]


# --- capacity ---------------------------------------------------------------------------------


def test_flat_allocation_fills_two_weeks() -> None:
    result, issues = compute_loading(
        portfolio([person("R1")], [alloc("P1", "R1", "2026-03-02", "2026-03-13", 80)]), "Week"
    )
    assert issues == []
    assert result.grain == "Week"
    assert result.periods == [dt.date(2026, 3, 2), dt.date(2026, 3, 9)]
    load = result.resource_load
    assert list(load.columns) == ["resource_id", "name", "role", "team", "period", "demand_hours", "capacity_hours",
                                  "utilisation"]  # fmt: skip
    assert load["demand_hours"].tolist() == [40, 40]
    assert load["capacity_hours"].tolist() == [40, 40]
    assert load["utilisation"].tolist() == [1.0, 1.0]
    assert result.overallocations.empty  # above 100%, not at it
    assert result.unplaced_hours == 0


def test_capacity_part_time_non_project_holidays_and_availability() -> None:
    people = [
        person("H20", hours_per_week=20),
        person("F05", fte=0.5),
        person("NP", non_project=0.25),
        person("FROM", available_from="2026-03-04"),  # Wednesday
        person("TO", available_to="2026-03-03"),
        person("UK", calendar="UK"),
        person("BOTH", fte=0.8, hours_per_week=30),  # hours per week win over FTE
    ]
    hols = [("2026-03-05", "UK")]
    result, issues = compute_loading(
        portfolio(people, [alloc("P1", "H20", "2026-03-02", "2026-03-06", 1)], holidays=hols), "week"
    )
    assert issues == []
    cap = result.resource_load.set_index("resource_id")["capacity_hours"]
    assert cap.to_dict() == {"H20": 20, "F05": 20, "NP": 30, "FROM": 24, "TO": 16, "UK": 32, "BOTH": 30}


def test_unknown_calendar_is_flagged_and_uses_weekends_only() -> None:
    people = [person("R1", calendar="Atlantis")]
    result, issues = compute_loading(
        portfolio(
            people, [alloc("P1", "R1", "2026-03-02", "2026-03-06", 10)], holidays=[("2026-03-03", "UK")]
        ),
        "week",
    )
    assert flat_issues(issues) == [("Resources", 2, "J", "unknown-calendar")]
    assert cell(result.resource_load, "capacity_hours", resource_id="R1") == 40


# --- demand -----------------------------------------------------------------------------------


def test_fte_demand_uses_the_resources_project_capacity_and_the_standard_day_for_roles() -> None:
    people = [person("R1", non_project=0.2), person("R2", role="Analyst", hours_per_week=20)]
    allocations = [
        alloc("P1", "R1", "2026-03-02", "2026-03-06", fte=0.5),  # 0.5 × 6.4 h × 5 days
        alloc("P1", "R2", "2026-03-02", "2026-03-06", fte=1.0),  # 1 × 4 h × 5
        alloc("P2", None, "2026-03-02", "2026-03-06", fte=0.5, role="analyst"),  # 0.5 × 8 h × 5
    ]
    result, _ = compute_loading(portfolio(people, allocations, hours_per_week=40), "week")
    assert cell(result.resource_load, "demand_hours", resource_id="R1") == pytest.approx(16)
    assert cell(result.resource_load, "demand_hours", resource_id="R2") == pytest.approx(20)
    analyst = result.by_role[result.by_role["role"] == "Analyst"].iloc[0]
    assert analyst["demand"] == pytest.approx(40) and analyst["generic_demand"] == pytest.approx(20)
    assert analyst["capacity"] == pytest.approx(20) and analyst["utilisation"] == pytest.approx(2.0)


def test_states_draft_never_proposed_by_setting() -> None:
    allocations = [
        alloc("P1", "R1", "2026-03-02", "2026-03-06", 10),
        alloc("P2", "R1", "2026-03-02", "2026-03-06", 20, state="Proposed"),
        alloc("P3", "R1", "2026-03-02", "2026-03-06", 40, state="Draft"),
    ]
    with_proposed, _ = compute_loading(portfolio([person("R1")], allocations), "week")
    assert with_proposed.resource_load["demand_hours"].sum() == pytest.approx(30)
    committed, _ = compute_loading(portfolio([person("R1")], allocations, include_proposed=False), "week")
    assert committed.resource_load["demand_hours"].sum() == pytest.approx(10)


def test_role_nobody_holds_has_demand_without_capacity() -> None:
    result, _ = compute_loading(
        portfolio([person("R1")], [alloc("P1", None, "2026-03-02", "2026-03-06", 12, role="Architect")]),
        "week",
    )
    row = result.by_role[result.by_role["role"] == "Architect"].iloc[0]
    assert row["demand"] == 12 and row["capacity"] == 0 and np.isnan(row["utilisation"])
    assert result.resource_load["demand_hours"].sum() == 0  # nobody named


def test_roles_and_teams_match_ignoring_case_and_spacing() -> None:
    people = [
        person("R1", role="Business analyst", team="Sales ops"),
        person("R2", role="business  Analyst", team=None),
    ]
    result, _ = compute_loading(portfolio(people, [alloc("P1", "R1", "2026-03-02", "2026-03-06", 8)]), "week")
    assert result.by_role["role"].tolist() == ["Business analyst"]
    assert result.by_role["capacity"].tolist() == [80]
    assert sorted(result.by_team["team"]) == ["(no team)", "Sales ops"]
    assert cell(result.by_team, "demand", team="Sales ops") == 8


def test_by_project_and_totals_agree() -> None:
    allocations = [
        alloc("P1", "R1", "2026-03-02", "2026-03-20", 30, profile="Bell"),
        alloc("P2", "R1", "2026-03-09", "2026-04-10", 50, profile="Front loaded"),
        alloc("P2", None, "2026-03-09", "2026-03-13", 5, role="Tester"),
    ]
    result, _ = compute_loading(portfolio([person("R1")], allocations), "month")
    by_project = result.by_project.groupby("project_id")["demand_hours"].sum()
    assert by_project.to_dict() == pytest.approx({"P1": 30, "P2": 55})
    assert result.by_role["demand"].sum() == pytest.approx(85)
    assert list(result.by_project.columns) == ["project_id", "period", "demand_hours"]


def test_contours_reach_the_days_as_in_project() -> None:
    result, _ = compute_loading(
        portfolio([person("R1")], [alloc("P1", "R1", "2026-03-02", "2026-03-13", 50, profile="Bell")]), "day"
    )
    load = result.resource_load.set_index("period")["demand_hours"]
    working = load[load.index.day_of_week < 5]
    np.testing.assert_allclose(working.to_numpy(), spread(50, 10, "Bell"), atol=1e-9)
    assert (load[load.index.day_of_week >= 5] == 0).all()


def test_holiday_in_the_resources_calendar_moves_the_hours() -> None:
    people = [person("R1", calendar="UK"), person("R2")]
    allocations = [
        alloc("P1", "R1", "2026-03-02", "2026-03-06", 40),
        alloc("P1", "R2", "2026-03-02", "2026-03-06", 40),
    ]
    result, _ = compute_loading(portfolio(people, allocations, holidays=[("2026-03-04", "UK")]), "day")
    load = result.resource_load.pivot(index="period", columns="resource_id", values="demand_hours")
    assert load.loc["2026-03-04", "R1"] == 0 and load.loc["2026-03-05", "R1"] == 10
    assert load.loc["2026-03-04", "R2"] == 8


# --- issues and unplaced hours ----------------------------------------------------------------


def test_effort_that_cannot_be_placed_is_reported_not_lost() -> None:
    allocations = [
        alloc("P1", "R1", "2026-03-07", "2026-03-08", 16),  # a weekend
        alloc("P1", "R1", "2026-12-25", "2026-12-25", 8),  # a holiday, zero length
        alloc("P1", "R9", "2026-03-02", "2026-03-06", 5),  # unknown resource
        alloc("P1", None, "2026-03-02", "2026-03-06", 3),  # neither resource nor role
        alloc("P1", "R1", "2026-03-02", "2026-03-06", 4, profile="Sawtooth"),  # spread flat
    ]
    result, issues = compute_loading(
        portfolio([person("R1")], allocations, holidays=[("2026-12-25", None)]), "month"
    )
    assert flat_issues(issues) == [
        ("Allocations", 2, "D", "no-working-days"),
        ("Allocations", 3, "D", "no-working-days"),
        ("Allocations", 4, "B", "unknown-resource"),
        ("Allocations", 5, "C", "no-resource-or-role"),
        ("Allocations", 6, "H", "unknown-profile"),
    ]
    assert "16.0 h cannot be placed" in issues[0].message
    assert result.unplaced_hours == pytest.approx(32)
    assert result.unplaced["reason"].tolist() == ["no-working-days", "no-working-days", "unknown-resource",
                                                  "no-resource-or-role"]  # fmt: skip
    assert result.resource_load["demand_hours"].sum() == pytest.approx(4)


def test_nothing_to_load() -> None:
    result, issues = compute_loading(portfolio([person("R1")], []))
    assert (
        issues == [] and result.periods == [] and result.resource_load.empty and result.heatmap.shape[1] == 3
    )
    assert result.unplaced_hours == 0 and result.overallocations.empty and result.by_project.empty


# --- over-allocation and under-use ------------------------------------------------------------


def test_overallocation_lists_the_projects_biggest_first() -> None:
    allocations = [
        alloc("PRJ-011", "R1", "2026-03-02", "2026-03-06", 40),
        alloc("PRJ-004", "R1", "2026-03-02", "2026-03-06", 62),
        alloc("PRJ-020", "R1", "2026-03-09", "2026-03-13", 8),
    ]
    result, _ = compute_loading(portfolio([person("R1")], allocations), "week")
    over = result.overallocations
    assert len(over) == 1
    row = over.iloc[0]
    assert row["causes"] == "PRJ-004 62 h, PRJ-011 40 h"
    assert row["utilisation"] == pytest.approx(102 / 40) and row["excess_hours"] == pytest.approx(62)
    assert list(over.columns[:8]) == ["resource_id", "name", "role", "team", "period", "utilisation", "demand_hours",
                                      "capacity_hours"]  # fmt: skip
    under = result.underused
    assert under["period"].tolist() == [pd.Timestamp("2026-03-09")] and under["utilisation"].tolist() == [0.2]


def test_more_than_five_causes_are_summed() -> None:
    allocations = [alloc(f"P{i}", "R1", "2026-03-02", "2026-03-06", 10 + i) for i in range(7)]
    result, _ = compute_loading(portfolio([person("R1")], allocations), "week")
    assert result.overallocations["causes"].tolist() == [
        "P6 16 h, P5 15 h, P4 14 h, P3 13 h, P2 12 h, +2 more 21 h"
    ]


def test_cause_entries_go_cell_by_cell_singles_first_each_in_piece_order() -> None:
    """The order a cell's entries are added up in (for "+N more"): the same every time."""
    # Entries piece by piece (piece 0: cells 0, 2; piece 1: cells 0, 1; piece 2: cell 0,
    # summed; piece 3: cells 0, 2), as `_block_incidences` gives them.
    cell = np.array([0, 2, 0, 1, 0, 0, 2])
    hours = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    summed = np.array([False, False, False, False, True, False, False])
    piece, ordered, sizes = _by_cell(cell, hours, summed, np.array([2, 2, 1, 2]), 3)
    assert piece.tolist() == [0, 1, 3, 2, 1, 0, 3]
    assert ordered.tolist() == [1.0, 3.0, 6.0, 5.0, 4.0, 2.0, 7.0]
    assert sizes.tolist() == [4, 1, 2]


@pytest.mark.parametrize("seed", range(6))
def test_cause_entries_by_a_stable_sort_equal_the_sparse_transpose(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A small block is put cell by cell by a stable sort, a large one by scipy's CSR to CSC
    transpose: the same pieces, hours and sizes, in the same order and types."""
    from pmo_xl.compute.loading import causes

    rng = np.random.default_rng(seed)
    per_piece = rng.integers(1, 9, 300)
    n_cells = 400
    cell = np.concatenate([start + np.arange(k) for start, k in zip(rng.integers(0, n_cells - 9, 300), per_piece, strict=True)])
    hours = rng.random(len(cell)) * 40
    summed = rng.random(len(cell)) < 0.2
    outcomes = []
    for up_to in (len(cell), 0):  # all by the sort, all by scipy
        monkeypatch.setattr(causes, "SORTED_UP_TO", up_to)
        outcomes.append(_by_cell(cell, hours, summed, per_piece, n_cells))
    for by_sort, by_scipy in zip(*outcomes, strict=True):
        assert by_sort.dtype == by_scipy.dtype and np.array_equal(by_sort, by_scipy)


def test_thresholds_come_from_settings() -> None:
    allocations = [alloc("P1", "R1", "2026-03-02", "2026-03-06", 36)]
    result, _ = compute_loading(
        portfolio([person("R1")], allocations, overload_threshold=0.8, underuse_threshold=0.95), "week"
    )
    assert len(result.overallocations) == 1 and len(result.underused) == 1


def test_demand_outside_availability_is_over_allocation_without_utilisation() -> None:
    people = [person("R1", available_to="2026-03-06")]
    allocations = [alloc("P1", "R1", "2026-03-09", "2026-03-13", 20)]
    result, _ = compute_loading(portfolio(people, allocations), "week")
    row = result.overallocations.iloc[0]
    assert np.isnan(row["utilisation"]) and row["note"] == "no capacity" and row["causes"] == "P1 20 h"
    assert np.isnan(cell(result.resource_load, "utilisation", period="2026-03-09"))


def test_by_project_is_worked_out_when_first_read_and_the_result_pickles() -> None:
    import pickle

    allocations = [alloc("P1", "R1", "2026-03-02", "2026-03-13", 30), alloc("P2", None, "2026-03-02", "2026-03-06", 20,
                                                                           role="Tester")]  # fmt: skip
    result, _ = compute_loading(portfolio([person("R1")], allocations), "week", causes=ON_REQUEST)
    assert "by_project" not in vars(result)  # not spread by project until asked
    again = pickle.loads(pickle.dumps(result))
    pd.testing.assert_frame_equal(result.by_project, again.by_project)
    assert result.by_project.groupby("project_id")["demand_hours"].sum().to_dict() == pytest.approx({"P1": 30, "P2": 20})


def test_heatmap_is_resource_by_period() -> None:
    people = [person("R1"), person("R2", team=None)]
    result, _ = compute_loading(portfolio(people, [alloc("P1", "R1", "2026-03-02", "2026-04-30", 100)]), None)
    heat = result.heatmap
    assert result.grain == "Month"  # from Settings
    assert heat.index.name == "resource_id" and heat.index.tolist() == ["R1", "R2"]
    assert list(heat.columns[:3]) == ["name", "role", "team"]
    assert list(heat.columns[3:]) == [pd.Timestamp("2026-03-01"), pd.Timestamp("2026-04-01")]
    assert heat.loc["R1", pd.Timestamp("2026-03-01")] == pytest.approx(50 / 176)
    assert pd.isna(heat.loc["R2", "team"])


# --- remaining effort from the status date ----------------------------------------------------


def _weekly(result) -> dict[str, float]:  # noqa: ANN001
    load = result.resource_load
    return {
        str(p.date()): round(h, 6) for p, h in zip(load["period"], load["demand_hours"], strict=True) if h
    }


def test_without_actuals_the_plan_stands() -> None:
    allocations = [alloc("P1", "R1", "2026-03-02", "2026-03-13", 60, profile="Late peak")]
    plain, _ = compute_loading(portfolio([person("R1")], allocations), "week")
    dated, issues = compute_loading(
        portfolio([person("R1")], allocations, status_date=dt.date(2026, 3, 6)), "week"
    )
    assert _weekly(plain) == _weekly(dated) and issues == []


def test_remaining_effort_moves_after_the_status_date() -> None:
    """80 h over two weeks, status date end of week 1 with 20 h done: 20 h in week 1, 60 h after."""
    allocations = [alloc("P1", "R1", "2026-03-02", "2026-03-13", 80, actual_hours=20)]
    result, issues = compute_loading(
        portfolio([person("R1")], allocations, status_date=dt.date(2026, 3, 6)), "week"
    )
    assert issues == []
    assert _weekly(result) == {"2026-03-02": 20, "2026-03-09": 60}


def test_late_allocation_keeps_its_load_at_the_planned_pace() -> None:
    """Planned 40 h in one week (8 h/day), finished on paper, 24 h left: 3 days at 8 h after the status date."""
    allocations = [alloc("P1", "R1", "2026-03-02", "2026-03-06", 40, actual_hours=16)]
    result, issues = compute_loading(
        portfolio([person("R1")], allocations, status_date=dt.date(2026, 3, 11)), "day"
    )
    assert flat_issues(issues) == [("Allocations", 2, "E", "allocation-overdue")]
    assert "24.0 h of 40.0 h remain" in issues[0].message
    load = _weekly(result)
    assert load == {"2026-03-02": 3.2, "2026-03-03": 3.2, "2026-03-04": 3.2, "2026-03-05": 3.2, "2026-03-06": 3.2,
                    "2026-03-12": 8, "2026-03-13": 8, "2026-03-16": 8}  # fmt: skip


def test_issues_made_at_rows_are_the_issues_init_makes() -> None:
    """`Issue.at_rows` (the overdue warnings of a large plan) makes the same frozen issues as
    `Issue(...)`: equal, same hash, same fields in the same order, same dict and line."""
    same = {"code": "allocation-overdue", "severity": Severity.WARNING, "sheet": "Allocations", "column": "E",
            "field": "Finish", "stage": Stage.LOADING}  # fmt: skip
    rows, values, messages = [2, 7, None], [dt.date(2026, 3, 6), None, "x"], ["a", "b", "c"]
    made = Issue.at_rows(rows, values, messages, **same)
    expected = [Issue(row=r, value=v, message=m, **same) for r, v, m in zip(rows, values, messages, strict=True)]
    assert made == expected
    assert [hash(i) for i in made] == [hash(i) for i in expected]
    assert [list(vars(i).items()) for i in made] == [list(vars(i).items()) for i in expected]
    assert [(i.as_dict(), i.as_line(), repr(i)) for i in made] == [(i.as_dict(), i.as_line(), repr(i)) for i in expected]
    with pytest.raises(dataclasses.FrozenInstanceError):
        made[0].row = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        Issue.at_rows([1], [None], ["m"], code="x")  # a field missing, as for Issue(...)
    with pytest.raises(ValueError):
        Issue.at_rows([1, 2], [None], ["m"], **same)  # rows, values and messages side by side


def test_blank_status_date_is_the_end_of_the_latest_month_with_progress() -> None:
    allocations = [alloc("P1", "R1", "2026-03-16", "2026-04-10", 80, actual_hours=10)]
    pf = portfolio([person("R1")], allocations)
    pf.registers["Progress"] = pd.DataFrame(
        {"project_id": ["P1"], "period": pd.to_datetime(["2026-03-01"]), "_row": [2]}
    )
    result, _ = compute_loading(pf, "month")
    assert _weekly(result) == {"2026-03-01": 10, "2026-04-01": 70}  # done by 31 March, the rest after


def test_overrun_shows_the_actual_hours_and_nothing_after() -> None:
    allocations = [alloc("P1", "R1", "2026-03-02", "2026-03-06", 40, actual_hours=50)]
    result, issues = compute_loading(
        portfolio([person("R1")], allocations, status_date=dt.date(2026, 3, 20)), "week"
    )
    assert issues == [] and _weekly(result) == {"2026-03-02": 50}


def test_work_done_before_a_planned_start() -> None:
    """Not due to start yet, 6 h already worked: they sit on the last working day up to the status date."""
    allocations = [alloc("P1", "R1", "2026-03-09", "2026-03-13", 40, actual_hours=6)]
    result, _ = compute_loading(
        portfolio([person("R1")], allocations, status_date=dt.date(2026, 3, 8)), "day"
    )
    load = _weekly(result)
    assert load.pop("2026-03-06") == 6
    assert load == {d: 34 / 5 for d in ("2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13")}


# --- portfolio selection figures --------------------------------------------------------------


def test_monthly_role_demand_and_capacity() -> None:
    people = [person("R1", role="Developer"), person("R2", role="Analyst", hours_per_week=20)]
    allocations = [
        alloc("P1", "R1", "2026-03-02", "2026-04-30", 84, state="Draft"),  # 22 + 22 working days
        alloc("P1", None, "2026-03-16", "2026-03-20", 10, role="analyst"),
        alloc("P2", "R2", "2026-04-01", "2026-04-03", 12, role="ignored for named"),
    ]
    demand = monthly_role_demand(portfolio(people, allocations))
    assert list(demand.columns) == ["project_id", "role", "period", "hours"]
    assert demand["period"].dtype == "datetime64[ns]"
    ordered = demand.sort_values(["project_id", "role", "period"], ignore_index=True)
    pd.testing.assert_frame_equal(demand, ordered)
    rows = {(r.project_id, r.role, str(r.period.date())): round(r.hours, 6) for r in demand.itertuples()}
    assert rows == {("P1", "Analyst", "2026-03-01"): 10, ("P1", "Developer", "2026-03-01"): 42,
                    ("P1", "Developer", "2026-04-01"): 42, ("P2", "Analyst", "2026-04-01"): 12}  # fmt: skip
    capacity = monthly_role_capacity(portfolio(people, allocations))
    assert list(capacity.columns) == ["role", "period", "hours"]
    caps = {(r.role, str(r.period.date())): r.hours for r in capacity.itertuples()}
    assert caps == {("Analyst", "2026-03-01"): 88, ("Analyst", "2026-04-01"): 88,
                    ("Developer", "2026-03-01"): 176, ("Developer", "2026-04-01"): 176}  # fmt: skip
    committed = monthly_role_demand(portfolio(people, allocations), states=("Committed",))
    assert set(committed["project_id"]) == {"P1", "P2"} and committed["hours"].sum() == pytest.approx(22)


def test_monthly_role_capacity_over_a_given_span() -> None:
    capacity = monthly_role_capacity(portfolio([person("R1")], []), dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert capacity["hours"].tolist() == [22 * 8, 20 * 8, 22 * 8]
    assert monthly_role_demand(portfolio([person("R1")], [])).empty


def test_settings_are_frozen_but_replaceable() -> None:
    pf = portfolio([person("R1")], [alloc("P1", "R1", "2026-03-02", "2026-03-06", 50)])
    with pytest.raises(dataclasses.FrozenInstanceError):
        pf.settings = dataclasses.replace(pf.settings, overload_threshold=1.5)  # type: ignore[misc]
    pf = dataclasses.replace(pf, settings=dataclasses.replace(pf.settings, overload_threshold=1.5))
    result, _ = compute_loading(pf, "week")
    assert result.overallocations.empty and result.overload_threshold == 1.5


# --- properties -------------------------------------------------------------------------------

ORIGIN = dt.date(2026, 11, 2)  # a Monday; scenarios cross the year end and its holidays
CALENDAR_NAMES = (None, "UK", "FR")


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[dict], list[dict], list[tuple[str, str | None]]]:
    """One allocation per resource (so each allocation's total is visible), random calendars."""
    holidays = draw(st.lists(st.tuples(st.integers(0, 150), st.sampled_from(CALENDAR_NAMES)), max_size=30))
    people, allocations = [], []
    for i in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, 120))
        length = draw(st.integers(0, 45))
        people.append(person(f"R{i}", calendar=draw(st.sampled_from(CALENDAR_NAMES)),
                             hours_per_week=draw(st.sampled_from([None, 20.0, 37.5]))))  # fmt: skip
        allocations.append(alloc(
            f"P{i % 3}", f"R{i}", str(ORIGIN + dt.timedelta(start)), str(ORIGIN + dt.timedelta(start + length)),
            draw(st.floats(0, 800, allow_nan=False)), profile=draw(st.sampled_from((*PROFILES, None))),
        ))  # fmt: skip
    return people, allocations, [(str(ORIGIN + dt.timedelta(d)), c) for d, c in holidays]


def _working_days(
    first: str, last: str, calendar: str | None, holidays: list[tuple[str, str | None]]
) -> list[dt.date]:
    """The oracle: walk the days one by one."""
    off = {dt.date.fromisoformat(d) for d, c in holidays if c is None or c == calendar}
    day, end, days = dt.date.fromisoformat(first), dt.date.fromisoformat(last), []
    while day <= end:
        if day.weekday() < 5 and day not in off:
            days.append(day)
        day += dt.timedelta(1)
    return days


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_every_allocation_is_spread_exactly_on_its_working_days(scenario) -> None:  # noqa: ANN001
    people, allocations, holidays = scenario
    result, issues = compute_loading(portfolio(people, allocations, holidays=holidays), "day")
    load = result.resource_load
    for person_row, allocation in zip(people, allocations, strict=True):
        days = _working_days(allocation["start"], allocation["finish"], person_row["calendar"], holidays)
        mine = load[load["resource_id"] == person_row["resource_id"]].set_index("period")["demand_hours"]
        hours = allocation["effort_hours"]
        if not days:
            assert mine.sum() == 0
            assert result.unplaced.loc[
                result.unplaced["resource_id"] == person_row["resource_id"], "hours"
            ].sum() == (pytest.approx(hours))
            continue
        assert mine.sum() == pytest.approx(hours, abs=0.01)
        if hours == 0:
            continue  # no demand anywhere may mean no periods at all
        expected = pd.Series(
            spread(hours, len(days), allocation["profile"] or "Flat"), index=pd.to_datetime(days)
        )
        np.testing.assert_allclose(mine.reindex(expected.index).to_numpy(), expected.to_numpy(), atol=1e-6)
        # no load on any other day: weekends, holidays of its calendar, outside the dates
        assert mine.drop(expected.index).abs().max() < 1e-9 if len(mine) > len(expected) else True
    placed = sum(a["effort_hours"] for a in allocations) - result.unplaced_hours
    assert load["demand_hours"].sum() == pytest.approx(placed, abs=0.01)
    assert {i.code for i in issues} <= {"no-working-days", "unknown-calendar"}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_every_grain_sums_to_the_same_totals(scenario) -> None:  # noqa: ANN001
    people, allocations, holidays = scenario
    pf = portfolio(people, allocations, holidays=holidays)
    daily, _ = compute_loading(pf, "day")
    by_day = daily.resource_load.set_index(["resource_id", "period"])
    for grain, freq in (("week", "W"), ("month", "M"), ("quarter", "Q")):
        result, _ = compute_loading(pf, grain)
        if not result.periods:
            assert daily.periods == []
            continue
        regrouped = (
            by_day["demand_hours"]
            .groupby(
                [
                    by_day.index.get_level_values(0),
                    by_day.index.get_level_values(1).to_period(freq).start_time,
                ]
            )
            .sum()
        )
        mine = result.resource_load.set_index(["resource_id", "period"])
        joined = pd.concat([regrouped.rename("day"), mine["demand_hours"].rename("grain")], axis=1).fillna(0)
        np.testing.assert_allclose(joined["day"], joined["grain"], atol=1e-6)
        # capacity: hours per day × working days of the whole period, walking the days
        ends = [
            *result.periods[1:],
            (
                pd.Timestamp(result.periods[-1])
                + pd.offsets.DateOffset(
                    **{"week": {"weeks": 1}, "month": {"months": 1}, "quarter": {"months": 3}}[grain]
                )
            ).date(),
        ]
        for person_row in people:
            per_day = (person_row["hours_per_week"] or 40.0) / 5
            for first, after in zip(result.periods, ends, strict=True):
                days = _working_days(
                    str(first), str(after - dt.timedelta(1)), person_row["calendar"], holidays
                )
                got = mine.loc[(person_row["resource_id"], pd.Timestamp(first)), "capacity_hours"]
                assert got == pytest.approx(per_day * len(days))
        assert result.by_project["demand_hours"].sum() == pytest.approx(
            daily.resource_load["demand_hours"].sum()
        )
        assert result.by_team["demand"].sum() == pytest.approx(result.by_role["demand"].sum())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(-5, 170), st.data())
def test_status_date_splits_done_and_remaining(scenario, status_offset: int, data: st.DataObject) -> None:  # noqa: ANN001
    people, allocations, holidays = scenario
    for allocation in allocations:
        allocation["actual_hours"] = data.draw(st.one_of(st.none(), st.floats(0, 900, allow_nan=False)))
    status = ORIGIN + dt.timedelta(status_offset)
    result, _ = compute_loading(portfolio(people, allocations, holidays=holidays, status_date=status), "day")
    load = result.resource_load
    for person_row, allocation in zip(people, allocations, strict=True):
        if not _working_days(allocation["start"], allocation["finish"], person_row["calendar"], holidays):
            continue
        mine = load[load["resource_id"] == person_row["resource_id"]].set_index("period")["demand_hours"]
        effort, actual = allocation["effort_hours"], allocation["actual_hours"]
        if actual is None:
            assert mine.sum() == pytest.approx(effort, abs=0.01)
            continue
        assert mine.sum() == pytest.approx(max(effort, actual), abs=0.01)
        up_to = mine[mine.index <= pd.Timestamp(status)].sum()
        assert up_to == pytest.approx(actual, abs=0.01)  # done hours on or before the status date
        assert mine.sum() - up_to == pytest.approx(max(effort - actual, 0), abs=0.01)  # the rest after it


@st.composite
def crowded(draw: st.DrawFn) -> tuple[list[dict], list[dict]]:
    """A few part-time people, many allocations, projects repeated per person: over-allocation."""
    people = [
        person(f"R{i}", hours_per_week=draw(st.sampled_from([4.0, 8.0, 16.0])))
        for i in range(draw(st.integers(1, 3)))
    ]
    allocations = []
    for _ in range(draw(st.integers(1, 14))):
        start = draw(st.integers(0, 40))
        allocations.append(alloc(
            f"P{draw(st.integers(0, 7))}", draw(st.sampled_from([p["resource_id"] for p in people])),
            str(ORIGIN + dt.timedelta(start)), str(ORIGIN + dt.timedelta(start + draw(st.integers(0, 30)))),
            float(draw(st.integers(1, 400))) / draw(st.sampled_from([1, 4])), profile=draw(st.sampled_from((*PROFILES, None))),
        ))  # fmt: skip
    return people, allocations


def _printed(text: str, hours: float) -> bool:
    """'62 h' / '7.5 h' shows `hours` (rounded to a whole hour from 10 h, else to a tenth)."""
    value = float(text.removesuffix(" h"))
    step = 1.0 if "." not in text else 0.1
    return abs(value - hours) <= step / 2 + 1e-9 and text == hours_text(np.array([value]))[0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded())
def test_over_allocation_causes_match_a_day_by_day_oracle(scenario) -> None:  # noqa: ANN001
    people, allocations = scenario
    result, _ = compute_loading(portfolio(people, allocations), "week")
    expected: dict[tuple[str, pd.Timestamp], dict[str, float]] = {}
    for a in allocations:
        days = _working_days(a["start"], a["finish"], None, [])
        for day, hours in zip(
            days, spread(a["effort_hours"], len(days), a["profile"] or "Flat"), strict=True
        ):
            week = pd.Timestamp(day - dt.timedelta(day.weekday()))
            cell = expected.setdefault((a["resource_id"], week), {})
            cell[a["project_id"]] = cell.get(a["project_id"], 0.0) + hours
    for row in result.overallocations.itertuples():
        by_project = {p: h for p, h in expected[(row.resource_id, row.period)].items() if h > 1e-9}
        assert sum(by_project.values()) == pytest.approx(row.demand_hours)
        ranked = sorted(by_project.items(), key=lambda item: (-item[1], item[0]))
        parts = row.causes.split(", ")
        named = [p for p in parts if not p.startswith("+")]
        assert len(named) == min(5, len(ranked))
        for part, (_, hours) in zip(named, ranked, strict=False):
            name, text = part.split(" ", 1)
            assert by_project[name] == pytest.approx(hours, abs=1e-6)  # same rank (ties may swap names)
            assert _printed(text, hours)
        if len(ranked) > 5:
            count, text = parts[-1].removeprefix("+").split(" more ")
            assert int(count) == len(ranked) - 5 and _printed(text, sum(h for _, h in ranked[5:]))
        else:
            assert not parts[-1].startswith("+")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded(), st.sampled_from(["day", "week", "month"]), st.data())
def test_causes_of_some_cells_are_the_causes_of_every_cell(scenario, grain: str, data: st.DataObject) -> None:  # noqa: ANN001
    """A cell's causes do not depend on which other cells are worked out with it: asked for a
    random subset of the rows (in any order, repeats too), causes=ON_REQUEST gives the very
    texts a computation of every cell gives them; the rest of the table is the same."""
    people, allocations = scenario
    status = data.draw(st.none() | st.integers(0, 70), label="status day")
    if status is not None:  # work done and remaining: several pieces per allocation
        for a in allocations:
            a["actual_hours"] = data.draw(st.none() | st.integers(0, 500).map(lambda h: h / 4), label="actual")
    pf = portfolio(people, allocations, status_date=None if status is None else ORIGIN + dt.timedelta(status))
    every, _ = compute_loading(pf, grain)
    asked, _ = compute_loading(pf, grain, causes=ON_REQUEST)
    assert every.overallocations.drop(columns="causes").equals(asked.overallocations.drop(columns="causes"))
    assert (asked.overallocations["causes"] == "").all()
    n = len(every.overallocations)
    rows = data.draw(st.lists(st.integers(0, n - 1), max_size=2 * n) if n else st.just([]), label="rows")
    expected = every.overallocations["causes"].to_numpy(dtype=object)[np.array(rows, dtype=np.intp)]
    assert asked.causes_for(np.array(rows, dtype=np.intp)).tolist() == expected.tolist()
    assert every.causes_for(np.array(rows, dtype=np.intp)).tolist() == expected.tolist()


def test_the_report_lists_the_causes_of_its_three_months_only() -> None:
    """The Resources view of a loading with causes on request lists the rows and causes a loading
    with every cell's causes gives; the cells past its three months get none worked out."""
    from pmo_xl.report.model_views import build_resources_view

    allocations = [alloc(f"P{i % 7}", "R1", str(ORIGIN + dt.timedelta(7 * i)), str(ORIGIN + dt.timedelta(7 * i + 20)), 30 + i)
                   for i in range(40)]  # fmt: skip
    pf = portfolio([person("R1", hours_per_week=16.0), person("R2")], allocations)
    every, _ = compute_loading(pf, "week")
    asked, _ = compute_loading(pf, "week", causes=ON_REQUEST)
    period = pd.Timestamp(ORIGIN).to_period("M").start_time + pd.DateOffset(months=2)
    listed = build_resources_view(asked, period).overallocations
    assert len(listed) and listed["causes"].str.len().gt(0).all()
    pd.testing.assert_frame_equal(listed, build_resources_view(every, period).overallocations)
    months = listed["period"].dt.to_period("M").unique()
    assert len(months) == 3 and months[0] == period.to_period("M") and len(every.overallocations) > len(listed)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0.0, -0.0, 1.5, -2.0, np.inf, -np.inf, np.nan, 1e-300]) | st.floats(), max_size=60))
def test_stable_order_is_numpys_stable_argsort(keys: list[float]) -> None:
    """The over- and under-allocation tables' order: equal keys (NaNs, ±0) keep the order given."""
    key = np.array(keys, dtype=np.float64)
    assert np.array_equal(stable_order(key), np.argsort(key, kind="stable"))
