"""The sample's registers beside the plan: issues, actions, decisions, change requests, strategic
objectives and contributions, benefits with their monthly progress, lessons learned.

Drawn from their own random stream (seeded from the sample's seed), so adding them changed none
of the plan registers' figures. Volumes are what a PMO sees per live project: a few issues and
actions, a decision or two, a change request now and then, one or two benefits measured monthly
once realisation starts, and lessons mostly from projects closing. Some actions and decisions
are overdue and some issues old, as in any real RAID log; the deliberate mistakes are planted
by `plant_mistakes`, each at a known cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from pmo_xl.schema.choices import DECISION_FORUMS, LESSON_CATEGORIES, PRIORITIES
from pmo_xl.schema.columns import Register
from pmo_xl.schema.governance import (
    ACTIONS,
    BENEFIT_PROGRESS,
    BENEFITS,
    CHANGE_REQUESTS,
    CONTRIBUTIONS,
    DECISIONS,
    ISSUE_LOG,
    LESSONS,
    OBJECTIVES,
)

OBJECTIVE_ROWS = (
    ("OBJ-1", "Grow digital revenue 20 % by 2028", "Chief Commercial Officer", 3),
    ("OBJ-2", "Cut operating cost 10 %", "Chief Financial Officer", 3),
    ("OBJ-3", "Stay compliant with new regulation", "Chief Risk Officer", 2),
    ("OBJ-4", "Improve customer satisfaction (NPS +15)", "Chief Customer Officer", 2),
    ("OBJ-5", "Modernise the technology estate", "Chief Information Officer", 1),
)
# Which objectives a programme's projects usually serve (the first most often).
PROGRAMME_OBJECTIVES = {
    "Digital": ("OBJ-1", "OBJ-4"), "Operations": ("OBJ-2", "OBJ-5"), "Compliance": ("OBJ-3",),
    "Customer": ("OBJ-4", "OBJ-1"), "Infrastructure": ("OBJ-5", "OBJ-2"), "People": ("OBJ-2", "OBJ-4"),
}
ISSUES = ("Test environment unavailable", "Supplier missed a delivery", "Key user not released by the business",
          "Interface defects found in integration test", "Licence costs higher than quoted", "Data migration rejects 8 % of records")
ACTION_TEXTS = ("Agree test window with operations", "Escalate supplier delay to vendor manager", "Confirm key users with business lead",
                "Update the plan after re-estimate", "Send status pack to sponsor", "Book the steering committee slot")
DECISION_TEXTS = ("Approve go-live date", "Choose vendor for phase 2", "Accept reduced scope for release 1",
                  "Release contingency for extra testing", "Extend the project by one quarter")
CHANGE_TEXTS = ("Add single sign-on", "Descope reporting module", "Extra data-migration cycle", "Move go-live after year-end freeze")
BENEFIT_TEXTS = (("Revenue from online sales", "EUR k/year"), ("Process cost saved", "EUR k/year"), ("Average handling time", "minutes"),
                 ("Customer NPS", "points"), ("Manual hours saved", "hours/month"))
LESSONS_TEXTS = (
    ("Supplier contract had no delivery penalties", "Three months of slippage we could not recover", "Put milestone penalties in every supplier contract"),
    ("Key users were not released for testing", "User acceptance ran twice as long", "Agree named testers with their managers at initiation"),
    ("Data quality was assumed, not measured", "Migration rework cost 15 % of budget", "Profile source data before planning the migration"),
    ("Sponsor changed mid-project", "Two weeks of rework on the business case", "Re-confirm the business case with any new sponsor"),
    ("Environments were booked late", "Testing waited four weeks", "Book test environments at planning, not build"),
)
PEOPLE = ("Alex Smith", "Sam Jones", "Jo Garcia", "Chris Müller", "Pat Rossi", "Robin Dubois", "Kim Khan", "Lee Novak")


def _row(register: Register, **values: object) -> list[object]:
    return [values.get(f) for f in register.fields]


def governance_rows(seed: int, projects: list[dict[str, object]], status_date: dt.date) -> dict[str, list[list[object]]]:
    """Rows of every register beside the plan for `projects` (dicts: id, status, start, finish,
    programme, category), as of `status_date`."""
    rng = np.random.default_rng([seed, 17])
    pick: Callable[[tuple], object] = lambda options: options[int(rng.integers(0, len(options)))]  # noqa: E731
    day = lambda low, high: status_date + dt.timedelta(days=int(rng.integers(low, high)))  # noqa: E731
    rows: dict[str, list[list[object]]] = {r.name: [] for r in (ISSUE_LOG, ACTIONS, DECISIONS, CHANGE_REQUESTS, OBJECTIVES,
                                                                 CONTRIBUTIONS, BENEFITS, BENEFIT_PROGRESS, LESSONS)}
    rows["Objectives"] = [_row(OBJECTIVES, objective_id=i, objective=o, owner=w, weight=k) for i, o, w, k in OBJECTIVE_ROWS]
    counts = dict.fromkeys(("issue", "action", "decision", "change", "benefit", "lesson"), 0)

    def next_id(kind: str, prefix: str) -> str:
        counts[kind] += 1
        return f"{prefix}-{counts[kind]:05d}"

    for project in projects:
        pid, status = str(project["id"]), str(project["status"])
        live = status in ("Active", "On hold", "Approved")
        served = PROGRAMME_OBJECTIVES.get(str(project["programme"]), ("OBJ-5",))
        if status != "Cancelled" and rng.random() > 0.03:  # a few projects serve no objective: a warning, as in life
            for k, objective in enumerate(served[: 1 + int(rng.random() < 0.4)]):
                rows["Contributions"].append(_row(CONTRIBUTIONS, project_id=pid, objective_id=objective, level=("High", "Medium")[k]))
        if status in ("Closed", "Cancelled") or (status == "Active" and rng.random() < 0.25):
            for _ in range(int(rng.integers(1, 3))):
                what, effect, advice = pick(LESSONS_TEXTS)  # type: ignore[misc]
                scope = pick(("All projects", "Programme", "Category", None, None))
                rows["Lessons"].append(_row(LESSONS, lesson_id=next_id("lesson", "LES"), project_id=pid, recorded=day(-300, -5),
                                            phase=pick(("Planning", "Execution", "Closing")), category=pick(LESSON_CATEGORIES),
                                            what_happened=what, effect=effect, recommendation=advice,
                                            tags=project["category"] if scope is None else None, applies_to=scope))
        if not live:
            continue
        for _ in range(int(rng.integers(0, 4))):
            raised = day(-120, -1)
            resolved = rng.random() < 0.4
            rows["Issue log"].append(_row(
                ISSUE_LOG, issue_id=next_id("issue", "ISS"), project_id=pid, title=pick(ISSUES), raised=raised, owner=pick(PEOPLE),
                priority=pick(PRIORITIES), status="Resolved" if resolved else pick(("Open", "In progress")),
                target_date=raised + dt.timedelta(days=int(rng.integers(7, 45))),
                resolved_date=min(status_date, raised + dt.timedelta(days=int(rng.integers(1, 40)))) if resolved else None,
                escalated="Yes" if rng.random() < 0.15 else "No"))
        for _ in range(int(rng.integers(1, 6))):
            raised = day(-90, -1)
            due = raised + dt.timedelta(days=int(rng.integers(7, 60)))
            done = due <= status_date and rng.random() < 0.75
            rows["Actions"].append(_row(
                ACTIONS, action_id=next_id("action", "ACT"), project_id=pid, action=pick(ACTION_TEXTS), owner=pick(PEOPLE), raised=raised,
                due=due, done_date=min(due, status_date) if done else None, status="Done" if done else pick(("Open", "In progress")),
                source=pick(("Meeting", "Meeting", "Issue", "Risk"))))
        for _ in range(int(rng.random() < 0.5) + int(rng.random() < 0.2)):
            decide_by = day(-20, 60)
            decided = decide_by < status_date and rng.random() < 0.7
            rows["Decisions"].append(_row(
                DECISIONS, decision_id=next_id("decision", "DEC"), project_id=pid, decision=pick(DECISION_TEXTS), requested_by=pick(PEOPLE),
                decide_by=decide_by, forum=pick(DECISION_FORUMS[:2]), options="A, B or do nothing",
                decided_on=decide_by - dt.timedelta(days=int(rng.integers(0, 5))) if decided else None,
                outcome="Option A" if decided else None, status="Decided" if decided else "Pending"))
        for _ in range(int(rng.random() < 0.35) + int(rng.random() < 0.1)):
            raised = day(-150, -1)
            state = pick(("Proposed", "Assessed", "Approved", "Approved", "Rejected", "Implemented"))
            decided = state in ("Approved", "Rejected", "Implemented")
            rows["Change requests"].append(_row(
                CHANGE_REQUESTS, change_id=next_id("change", "CR"), project_id=pid, title=pick(CHANGE_TEXTS), raised=raised,
                requested_by=pick(PEOPLE), cost_impact=float(round(float(project["bac"]) * rng.uniform(-0.03, 0.12), -3)),
                schedule_impact_days=int(rng.integers(-10, 60)), scope_impact="See the change form", status=state,
                decided_on=min(status_date, raised + dt.timedelta(days=int(rng.integers(5, 30)))) if decided else None,
                decided_by="Steering committee" if decided else None))
        for _ in range(1 + int(rng.random() < 0.4)):
            benefit_id = next_id("benefit", "BEN")
            text, unit = pick(BENEFIT_TEXTS)  # type: ignore[misc]
            finish: dt.date = project["finish"]  # type: ignore[assignment]
            start = min(finish, status_date - dt.timedelta(days=int(rng.integers(0, 240)))) if rng.random() < 0.5 else finish
            target_date = start + dt.timedelta(days=int(rng.integers(180, 540)))
            baseline, target = 0.0, float(rng.integers(5, 50) * 10)
            rows["Benefits"].append(_row(
                BENEFITS, benefit_id=benefit_id, project_id=pid, benefit=text, objective_id=served[0], measure=text, unit=unit,
                owner=pick(PEOPLE), baseline_value=baseline, target_value=target, realisation_from=start, target_date=target_date))
            pace = rng.uniform(0.5, 1.1)  # some benefits run behind their planned curve
            month = dt.date(start.year, start.month, 1)
            span = (target_date - start).days
            while month <= status_date and start <= status_date:
                planned = baseline + (target - baseline) * min(1.0, max(0.0, (month - start).days / span))
                rows["Benefit progress"].append(_row(BENEFIT_PROGRESS, benefit_id=benefit_id, period=month,
                                                     realised_value=round(planned * pace, 1)))
                month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return rows
