"""What-if scenarios on a small text-first portfolio: every action checked against hand-computed figures.

The portfolio (status date 2026-10-31, no holidays, 8-hour days):
  R1 Ann  Developer Engineering 1 FTE      P1 Active   2026-07-01..2027-06-30  BAC 120,000, Baseline 10,000 a month Jul 2026-Jun 2027
  R2 Bob  Developer Engineering 1 FTE      P2 Active   2026-01-01..2027-03-31  BAC  90,000, no Baseline
  R3 Cat  Analyst   Business    1 FTE      P3 Proposed 2027-01-01..2027-06-30  BAC  60,000, no Baseline
Allocations: P1 R1 1 FTE Nov 2026-Feb 2027; P2 R1 0.5 FTE Nov 2026-Jan 2027 (so Ann is at 150 % Nov-Jan);
P1 R3 300 h Oct-Dec 2026; P3 R2 1 FTE Jan-Mar 2027 (Draft).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from test_validation_cells import D, project, raw_table, tables, validate

from pmo_xl.model import Portfolio
from pmo_xl.scenarios import BASELINE, compute_scenarios
from pmo_xl.schema.settings import SCENARIOS, SETTINGS_TABLE

HOURS_PER_DAY = 8.0
STATUS = dt.date(2026, 10, 31)


def workdays(first: str, last: str) -> int:
    """Weekdays from `first` to `last` inclusive (the portfolio has no holidays)."""
    return int(np.busday_count(np.datetime64(first), np.datetime64(last) + 1))


def month(text: str) -> pd.Timestamp:
    return pd.Timestamp(text + "-01")


def portfolio_with(*scenario_rows: dict[str, object]) -> Portfolio:
    raw = tables(
        Projects=[project("P1", status="Active", start=D(2026, 7, 1), finish=D(2027, 6, 30), bac=120_000.0),
                  project("P2", status="Active", start=D(2026, 1, 1), finish=D(2027, 3, 31), bac=90_000.0),
                  project("P3", status="Proposed", start=D(2027, 1, 1), finish=D(2027, 6, 30), bac=60_000.0)],
        Resources=[{"resource_id": "R1", "name": "Ann", "role": "Developer", "team": "Engineering", "fte": 1},
                   {"resource_id": "R2", "name": "Bob", "role": "Developer", "team": "Engineering", "fte": 1},
                   {"resource_id": "R3", "name": "Cat", "role": "Analyst", "team": "Business", "fte": 1}],
        Allocations=[
            {"project_id": "P1", "resource_id": "R1", "start": D(2026, 11, 1), "finish": D(2027, 2, 28), "fte": 1, "state": "Committed"},
            {"project_id": "P2", "resource_id": "R1", "start": D(2026, 11, 1), "finish": D(2027, 1, 31), "fte": 0.5, "state": "Committed"},
            {"project_id": "P1", "resource_id": "R3", "start": D(2026, 10, 1), "finish": D(2026, 12, 31), "effort_hours": 300, "state": "Committed"},
            {"project_id": "P3", "resource_id": "R2", "start": D(2027, 1, 1), "finish": D(2027, 3, 31), "fte": 1, "state": "Draft"},
        ],
        Baseline=[{"project_id": "P1", "period": D(2026, m, 1) if m > 6 else D(2027, m, 1), "planned_value": 10_000.0}
                  for m in range(1, 13)],
        Progress=[{"project_id": "P1", "period": D(2026, 10, 1), "pv": 40_000.0, "ev": 35_000.0, "ac": 38_000.0},
                  {"project_id": "P2", "period": D(2026, 10, 1), "pv": 60_000.0, "ev": 60_000.0, "ac": 55_000.0}],
        Milestones=[{"project_id": "P1", "milestone": "Design", "baseline_date": D(2026, 9, 30), "actual_date": D(2026, 9, 30)},
                    {"project_id": "P1", "milestone": "Build", "baseline_date": D(2026, 12, 15)},
                    {"project_id": "P1", "milestone": "Go-live", "baseline_date": D(2027, 5, 14), "forecast_date": D(2027, 5, 28)}],
    )
    raw["Settings"] = raw_table(SETTINGS_TABLE, [{"setting": "Status date", "value": D(2026, 10, 31)}])
    raw["Scenarios"] = raw_table(SCENARIOS, list(scenario_rows), first_column=24)
    return validate(raw)


def run(*rows: dict[str, object]):
    portfolio = portfolio_with(*rows)
    assert not [i for i in portfolio.issues if i.code.startswith("scenario-")], portfolio.issues
    result, issues = compute_scenarios(portfolio)
    assert issues == []
    return result


def load_of(outcome, resource: str) -> pd.Series:
    """A person's demand hours per month."""
    load = outcome.load
    mine = load[load["resource_id"].astype(str) == resource]
    return pd.Series(mine["demand_hours"].to_numpy(dtype=float), index=pd.to_datetime(mine["period"])).groupby(level=0).sum()


def project_hours(outcome, project_id: str) -> pd.Series:
    table = outcome.loading.by_project
    mine = table[table["project_id"] == project_id]
    return pd.Series(mine["demand_hours"].to_numpy(dtype=float), index=pd.to_datetime(mine["period"])).groupby(level=0).sum()


def test_the_baseline_matches_the_hand_figures():
    result = run()
    base = result.baseline
    assert base.name == BASELINE and result.scenarios == ()
    assert result.first_month == month("2026-11")
    ann = load_of(base, "R1")
    nov = workdays("2026-11-01", "2026-11-30")
    assert ann[month("2026-11")] == pytest.approx(1.5 * HOURS_PER_DAY * nov)  # P1 full time, P2 half time
    # Ann is over-allocated Nov-Jan, each month; nobody else is
    assert base.over_months_by_team == {"Engineering": (month("2026-11"), month("2026-12"), month("2027-01"))}
    assert base.over_people == 1 and base.over_person_months == 3
    jan = workdays("2027-01-01", "2027-01-31")
    assert base.over_hours == pytest.approx(0.5 * HOURS_PER_DAY * (nov + workdays("2026-12-01", "2026-12-31") + jan))
    # Cost from the status year: P1 by its Baseline (Jul-Dec 2026 60,000; Jan-Jun 2027 60,000), P2 spread over its days
    p2_days = (dt.date(2027, 3, 31) - dt.date(2026, 1, 1)).days + 1
    p2_2026 = 90_000 * 365 / p2_days
    assert base.cost_by_year == pytest.approx({2026: 60_000 + p2_2026, 2027: 60_000 + 90_000 - p2_2026})
    assert base.selected == frozenset({"P1", "P2"})  # P3 does not fit the default budget (the BAC of the active projects)
    assert (base.pv_to_date, base.ev_to_date, base.ac_to_date) == (100_000, 95_000, 93_000)
    assert base.pv_next_12 == pytest.approx(80_000)  # Nov 2026 - Jun 2027 of P1's baseline


def test_pause_removes_exactly_the_projects_hours_and_moves_its_plan():
    result = run({"scenario": "Pause P1", "action": "Pause", "target": "P1", "from_date": D(2026, 12, 1), "months": 3})
    base, paused = result.baseline, result.scenarios[0]
    assert paused.actions == ("Pause P1 for 3 months from 2026-12",)
    p1 = project_hours(base, "P1")
    # Dec-Feb: Ann's load is the baseline's minus P1's hours, exactly; November is untouched
    ann_base, ann = load_of(base, "R1"), load_of(paused, "R1")
    for m in ("2026-12", "2027-01", "2027-02"):
        p1_ann = HOURS_PER_DAY * workdays(f"{m}-01", str((month(m) + pd.offsets.MonthEnd(0)).date()))
        assert ann.get(month(m), 0.0) == pytest.approx(ann_base[month(m)] - p1_ann)
    assert ann[month("2026-11")] == pytest.approx(ann_base[month("2026-11")])
    # Cat's 300 h: Oct and Nov keep the hours they had; December's go to March; none are lost
    cat_base, cat = load_of(base, "R3"), load_of(paused, "R3")
    for m in ("2026-10", "2026-11"):
        assert cat[month(m)] == pytest.approx(cat_base[month(m)])
    assert cat.get(month("2026-12"), 0.0) == pytest.approx(0.0)
    assert cat[month("2027-03")] == pytest.approx(cat_base[month("2026-12")])
    assert project_hours(paused, "P1").sum() == pytest.approx(p1.sum())
    # The over-allocation of Engineering is left in November only (P2's half time alone is 50 %)
    assert paused.over_months_by_team == {"Engineering": (month("2026-11"),)}
    # Cost: P1's December 10,000 moves into 2027
    assert paused.cost_by_year[2026] == pytest.approx(base.cost_by_year[2026] - 10_000)
    assert paused.cost_by_year[2027] == pytest.approx(base.cost_by_year[2027] + 10_000)
    assert paused.total_cost == pytest.approx(base.total_cost)
    # Schedule: the finish and the open milestones from December on move 3 months; Design (done) stays
    assert paused.finishes["P1"] == dt.date(2027, 9, 30)
    assert paused.milestones[("P1", "Build")] == dt.date(2027, 3, 15)
    assert paused.milestones[("P1", "Go-live")] == dt.date(2027, 8, 28)
    assert ("P1", "Design") not in paused.milestones
    # EV: what is reported is unchanged; the PV of the next 12 months loses Dec-Feb's and gains nothing past Oct 2027
    assert (paused.pv_to_date, paused.ev_to_date, paused.ac_to_date) == (base.pv_to_date, base.ev_to_date, base.ac_to_date)
    assert paused.pv_next_12 == pytest.approx(base.pv_next_12)  # Nov 2026-Oct 2027 still holds all 80,000 (to Sep 2027)
    # The checked portfolio itself is untouched
    assert result.baseline.finishes["P1"] == dt.date(2027, 6, 30)


def test_cancel_releases_the_remaining_work_and_cost():
    result = run({"scenario": "Stop P1", "action": "Cancel", "target": "P1"})
    base, cancelled = result.baseline, result.scenarios[0]
    ann_base, ann = load_of(base, "R1"), load_of(cancelled, "R1")
    p1_ann = HOURS_PER_DAY * workdays("2026-11-01", "2026-11-30")
    assert ann[month("2026-11")] == pytest.approx(ann_base[month("2026-11")] - p1_ann)  # only P2's half time is left
    assert ann.get(month("2027-02"), 0.0) == pytest.approx(0.0)
    assert load_of(cancelled, "R3")[month("2026-10")] == pytest.approx(load_of(base, "R3")[month("2026-10")])
    assert load_of(cancelled, "R3").get(month("2026-11"), 0.0) == pytest.approx(0.0)
    # P1 keeps Jul-Oct 2026 (40,000) and releases 80,000: 20,000 in 2026 and 60,000 in 2027
    assert cancelled.cost_by_year[2026] == pytest.approx(base.cost_by_year[2026] - 20_000)
    assert cancelled.cost_by_year[2027] == pytest.approx(base.cost_by_year[2027] - 60_000)
    assert cancelled.finishes["P1"] == dt.date(2026, 10, 31)
    assert ("P1", "Build") not in cancelled.milestones and ("P1", "Go-live") not in cancelled.milestones
    assert cancelled.over_months_by_team == {}
    assert cancelled.selected == frozenset({"P2"})


def test_add_budget_force_out_and_delay_change_the_selection():
    result = run(
        {"scenario": "Add P3", "action": "Add project", "target": "P3"},
        {"scenario": "More money", "action": "Change budget", "amount": 60_000},
        {"scenario": "Money and a developer", "action": "Change budget", "amount": 60_000},
        {"scenario": "Money and a developer", "action": "Add capacity", "target": "Developer", "fte": 1, "from_date": D(2027, 1, 1)},
        {"scenario": "Less money", "action": "Change budget", "amount": -1},
        {"scenario": "Drop P2", "action": "Force out", "target": "P2"},
        {"scenario": "Later P3", "action": "Delay start", "target": "P3", "months": 2},
        {"scenario": "Later P3", "action": "Add project", "target": "P3"},
    )
    base = result.baseline
    added, more, hired, less, dropped, later = result.scenarios
    p3_value = base.values["P3"]
    # Add: P3 is in, its Draft allocation now counts (Bob full time Jan-Mar 2027), its cost comes in 2027
    assert added.selected == frozenset({"P1", "P2", "P3"})
    assert added.value == pytest.approx(base.value + p3_value)
    assert load_of(added, "R2")[month("2027-01")] == pytest.approx(HOURS_PER_DAY * workdays("2027-01-01", "2027-01-31"))
    assert added.cost_by_year[2027] == pytest.approx(base.cost_by_year[2027] + 60_000)
    # More money: 210,000 + 60,000 would pay for P3, but the developers are full in January (Ann 1.5 FTE of
    # the role's 2, P3 needs 1): the role's capacity keeps it out; the loading is the baseline's, reused
    assert more.selected == base.selected
    assert any(label.startswith("Developer") and "2027-01" in label for label in more.binding), more.binding
    assert more.loading is base.loading
    # With a developer hired from January as well, P3 fits
    assert hired.selected == frozenset({"P1", "P2", "P3"})
    # One less than the committed projects' BAC: nothing is dropped (active projects are committed)
    assert less.selected == base.selected
    # Force out: P2 and its cost leave the selection, and the money and the developer time it frees let P3 in
    assert dropped.selected == frozenset({"P1", "P3"})
    p2_value = base.values["P2"]
    assert dropped.value == pytest.approx(base.value - p2_value + p3_value)
    assert dropped.total_cost == pytest.approx(base.total_cost - 90_000 + 60_000)  # P2 runs in 2026-2027 only
    # Delay: P3 starts in March, its hours move two months, its finish too
    bob = load_of(later, "R2")
    assert bob.get(month("2027-01"), 0.0) == pytest.approx(0.0)
    assert bob[month("2027-03")] == pytest.approx(HOURS_PER_DAY * workdays("2027-03-01", "2027-03-31"))
    assert later.finishes["P3"] == dt.date(2027, 8, 30)


def test_capacity_added_and_removed():
    result = run(
        {"scenario": "Hire", "action": "Add capacity", "target": "developer", "fte": 1.5, "from_date": D(2026, 12, 1)},
        {"scenario": "Bob leaves", "action": "Add project", "target": "P3"},
        {"scenario": "Bob leaves", "action": "Remove capacity", "target": "R2", "from_date": D(2027, 3, 1)},
    )
    base, hired, leaves = result.baseline, result.scenarios[0], result.scenarios[1]
    engineering = hired.loading.by_team.set_index(["team", "period"])["capacity"]
    before = base.loading.by_team.set_index(["team", "period"])["capacity"]
    dec = workdays("2026-12-01", "2026-12-31")
    assert engineering[("Engineering", month("2026-12"))] == pytest.approx(before[("Engineering", month("2026-12"))] + 1.5 * HOURS_PER_DAY * dec)
    assert engineering[("Engineering", month("2026-11"))] == pytest.approx(before[("Engineering", month("2026-11"))])
    assert hired.over_months_by_team == base.over_months_by_team  # Ann's own over-allocation is hers: a hire does not lift it
    # Bob leaves on 1 March with P3's March still his: March is over-allocated with no capacity
    assert month("2027-03") in leaves.over_months_by_team["Engineering"]
    march = HOURS_PER_DAY * workdays("2027-03-01", "2027-03-31")
    assert leaves.over_hours == pytest.approx(base.over_hours + march)


def test_the_summary_says_what_the_numbers_say():
    from pmo_xl.scenarios.compare import build_comparison

    result = run({"scenario": "Pause P1", "action": "Pause", "target": "P1", "from_date": D(2026, 12, 1), "months": 3},
                 {"scenario": "Stop P2", "action": "Force out", "target": "P2"})
    view = build_comparison(result)
    base, paused, dropped = view.outcomes
    dec = HOURS_PER_DAY * workdays("2026-12-01", "2026-12-31")  # Ann's P1 hours of Dec 2026: freed in 2026 Q4
    ann = load_of(paused, "R1")  # Ann's P1 hours of Dec-Feb go to Mar-May: the most added is her Apr-May, in 2027 Q2
    q2 = float(ann[month("2027-04")] + ann[month("2027-05")])
    cut = 0.5 * HOURS_PER_DAY * (workdays("2026-12-01", "2026-12-31") + workdays("2027-01-01", "2027-01-31"))  # Ann's excess of Dec-Jan
    assert base.over_hours - paused.over_hours == pytest.approx(cut)
    sentence = dict(zip(view.summaries["scenario"], view.summaries["summary"], strict=True))
    assert sentence["Pause P1"] == (
        f"Pause P1 for 3 months from 2026-12: moves cost between years (2026 −10,000, 2027 +10,000; total unchanged), "
        f"frees {dec:,.0f} Developer hours in 2026 Q4, adds {q2:,.0f} Developer hours in 2027 Q2, "
        f"cuts {cut:,.0f} hours of over-allocation (−2 person-months), removes the over-allocation of Engineering in Dec 2026–Jan 2027, moves 2 milestones by 3 months "
        "and moves the forecast finish of P1 to 30 Sep 2027.")
    assert "lets P3 in, leaves P2 out" in sentence["Stop P2"]
    assert dropped.value == pytest.approx(base.value) and "value" not in sentence["Stop P2"]  # every project scores the same
    assert sentence["Stop P2"] == (f"Force P2 out: cuts cost by 30,000 (2026 −{base.cost_by_year[2026] - dropped.cost_by_year[2026]:,.0f}, 2027 +{dropped.cost_by_year[2027] - base.cost_by_year[2027]:,.0f}) and lets P3 in, leaves P2 out."
                                   )
    # The table says the same: side by side, with the change
    table = view.table.set_index("measure")
    assert table.at["Cost 2026", "d0"] == pytest.approx(-10_000)
    assert table.at["Over-allocated person-months: Engineering", "baseline"] == 3
    assert table.at["Over-allocated person-months: Engineering", "v0"] == 1
    assert table.at["Milestones moved", "v0"] == 2
    assert table.at["Projects finishing later", "v0"] == 1
    assert table.at["EV to date", "d0"] == 0 and table.at["AC to date", "d0"] == 0
    changes = view.changes
    assert set(changes.loc[changes["scenario"] == "Stop P2", "kind"]) == {"Selected", "Left out"}
    moved = changes[(changes["scenario"] == "Pause P1") & (changes["kind"] == "Milestone")]
    assert moved["months"].tolist() == [3, 3]
