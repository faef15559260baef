"""Realistic PM update files made from the sample portfolio: the demo's mailbox.

`write_sample_updates` writes six updates for the sample's status month, each telling a story
the collection must handle:

1. `<A>-<month>.xlsx` — good: a project whose update was missing from the portfolio (late) sends
   it; progress is added, a risk re-scored and a new one raised, a milestone re-forecast, and its
   resource needs for the next three months replace the allocations in that window; an action is
   added, a pending decision answered, a change request raised.

Every update carries its project's rows of the registers beside the plan (issues, actions,
decisions, change requests, this month's benefit progress, lessons) as the prefilled template does.
2. `<B>-<month>.xlsx` — good: revised figures and commentary, submitted on the 6th.
3. `<B>-<month>-first-draft.xlsx` — the same project's earlier draft, submitted on the 2nd:
   superseded by (2), with a warning.
4. `<C>-<month>.xlsx` — with the mistakes PMs make: AC typed with a decimal comma, a risk
   probability of 7, a milestone date typed as day/month/year text, an unknown resource ID, no
   submitted date. The good rows are merged; the file is partly accepted and gets a feedback copy.
5. `<D>-<month>.xlsx` and 6. `<D>-<month>-corrected.xlsx` — two updates for one project and month
   with the same submitted date and different AC: both held back and flagged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pmo_xl.collect.form import UpdateData
from pmo_xl.collect.template import write_update_template
from pmo_xl.sample import Sample
from pmo_xl.schema.columns import Register
from pmo_xl.schema.governance import (
    ACTIONS,
    BENEFIT_PROGRESS,
    BENEFITS,
    CHANGE_REQUESTS,
    DECISIONS,
    ISSUE_LOG,
    LESSONS,
)
from pmo_xl.schema.registers import ALLOCATIONS, MILESTONES, PROGRESS, PROJECTS, RISKS


def _records(rows: list[list[object]], register: Register) -> list[dict[str, object]]:
    return [dict(zip(register.fields, row, strict=False)) for row in rows]


def _without_project(record: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in record.items() if k != "project_id"}


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def build_sample_update(sample: Sample, project_id: str, period: dt.date, submitted: dt.date | None,
                        growth: float = 1.0) -> UpdateData:
    """An update for one project and month, consistent with the sample's registers."""
    project = next(p for p in _records(sample.data["Projects"], PROJECTS) if p["project_id"] == project_id)
    history = sorted((r for r in _records(sample.data["Progress"], PROGRESS) if r["project_id"] == project_id),
                     key=lambda r: r["period"])  # type: ignore[arg-type, return-value]
    current = next((r for r in history if r["period"] == period), None)
    if current is None:  # no figures yet for the month: move on from the latest month reported
        last = history[-1] if history else {"pv": 0.0, "ev": 0.0, "ac": 0.0, "pct_complete": None}
        bac = float(project["bac"])  # type: ignore[arg-type]
        current = {**last, "period": period,
                   "pv": min(bac, round(float(last["pv"] or 0) * 1.06 + 0.02 * bac, 2)),
                   "ac": round(float(last["ac"] or 0) * 1.05 + 0.02 * bac, 2)}
        if last.get("ev") is not None:
            current["ev"] = min(bac, round(float(last["ev"]) * 1.04 + 0.015 * bac, 2))  # type: ignore[arg-type]
        elif last.get("pct_complete") is not None:
            current["pct_complete"] = min(1.0, round(float(last["pct_complete"]) + 0.03, 4))  # type: ignore[arg-type]
    progress = {k: v for k, v in current.items() if k not in ("project_id", "period")}
    progress["ac"] = round(float(progress["ac"] or 0) * growth, 2)  # type: ignore[arg-type]
    progress["commentary"] = "Integration testing under way; supplier delivered the last interface on time."
    risks = [_without_project(r) for r in _records(sample.data["Risks"], RISKS) if r["project_id"] == project_id]
    if risks:
        risks[0]["probability"] = max(1, int(risks[0]["probability"]) - 1)  # type: ignore[arg-type]
    next_number = 1 + max((int(str(r[0]).split("-")[1]) for r in sample.data["Risks"] if str(r[0]).startswith("R-")
                           and str(r[0]).split("-")[1].isdigit()), default=0)
    risks.append({"risk_id": f"R-{next_number + int(project_id.split('-')[1]):05d}", "title":
                  "Test environment shared with another project → test slots lost → go-live slips",
                  "category": "Schedule", "owner": project["manager"], "probability": 3, "impact": 3,
                  "cost_impact": 15000.0, "response": "Mitigate", "status": "Open", "raised": period + dt.timedelta(days=20),
                  "due": _add_months(period, 1) + dt.timedelta(days=14)})
    milestones = [_without_project(m) for m in _records(sample.data["Milestones"], MILESTONES) if m["project_id"] == project_id]
    for milestone in milestones:
        if milestone.get("actual_date") is None:
            milestone["forecast_date"] = milestone["baseline_date"] + dt.timedelta(days=14)  # type: ignore[operator]
            break
    needs = _restated_needs(sample, project_id, _add_months(period, 1), _add_months(period, 4))
    header = {"project_id": project_id, "project_name": project["name"], "period": period,
              "manager": project["manager"], "submitted": submitted}
    return UpdateData(header, progress, risks, milestones, needs, _governance_rows(sample, project_id, period))


def _governance_rows(sample: Sample, project_id: str, period: dt.date) -> dict[str, list[dict[str, object]]]:
    """The project's rows of the registers beside the plan, as a prefilled update carries them
    (the rows where the sample planted a mistake left out: the stories are clearer without them)."""
    planted = {(m.sheet, m.row - 2) for m in sample.planted}
    rows: dict[str, list[dict[str, object]]] = {}
    for register in (ISSUE_LOG, ACTIONS, DECISIONS, CHANGE_REQUESTS, LESSONS):
        rows[register.name] = [_without_project(r) for k, r in enumerate(_records(sample.data[register.name], register))
                               if r["project_id"] == project_id and (register.name, k) not in planted]
    benefits = {r["benefit_id"] for r in _records(sample.data["Benefits"], BENEFITS) if r["project_id"] == project_id}
    rows["Benefit progress"] = [r for k, r in enumerate(_records(sample.data["Benefit progress"], BENEFIT_PROGRESS))
                                if r["benefit_id"] in benefits and r["period"] == period and ("Benefit progress", k) not in planted]
    return rows


def with_decisions_and_actions(sample: Sample, data: UpdateData) -> UpdateData:
    """A PM's month in the RAID log: an action added, the first pending decision answered, a change request raised."""
    period: dt.date = data.header["period"]  # type: ignore[assignment]
    project_id = str(data.header["project_id"])
    number = int(project_id.split("-")[1])
    registers = data.registers
    registers.setdefault("Actions", []).append({
        "action_id": f"ACT-{90000 + number}", "action": "Agree the cut-over weekend with operations", "owner": data.header.get("manager"),
        "raised": period + dt.timedelta(days=20), "due": _add_months(period, 1) + dt.timedelta(days=9), "status": "Open",
        "source": "Meeting"})
    pending = next((d for d in registers.get("Decisions", []) if d.get("status") == "Pending"), None)
    if pending is not None:
        pending.update(status="Decided", decided_on=period + dt.timedelta(days=25), outcome="Option A agreed")
    registers.setdefault("Change requests", []).append({
        "change_id": f"CR-{90000 + number}", "title": "Add a second data-migration rehearsal", "raised": period + dt.timedelta(days=22),
        "requested_by": data.header.get("manager"), "cost_impact": 25000.0, "schedule_impact_days": 10,
        "scope_impact": "One more rehearsal before go-live", "status": "Proposed"})
    return data


def _restated_needs(sample: Sample, project_id: str, first: dt.date, stop: dt.date) -> list[dict[str, object]]:
    """The project's allocations for the next months restated as a PM does: one effort revised, one need added.

    Allocations overlapping the window are restated within it (the merge replaces that window and
    cuts the allocations straddling its edges), so the demand changes a little, as in real life.
    """
    last = stop - dt.timedelta(days=1)
    needs = []
    for record in _records(sample.data["Allocations"], ALLOCATIONS):
        start, finish = record["start"], record["finish"]
        if record["project_id"] != project_id or not (isinstance(start, dt.date) and isinstance(finish, dt.date)):
            continue
        if finish < first or start > last or finish < start:
            continue
        need = _without_project(record)
        need["start"], need["finish"], need["actual_hours"] = max(start, first), min(finish, last), None
        if need.get("effort_hours") is not None:  # the part inside the window, pro rata by calendar days
            share = ((need["finish"] - need["start"]).days + 1) / ((finish - start).days + 1)  # type: ignore[operator]
            need["effort_hours"] = round(float(need["effort_hours"]) * share)  # type: ignore[arg-type]
        needs.append(need)
    if needs and needs[0].get("effort_hours") is not None:
        needs[0]["effort_hours"] = round(float(needs[0]["effort_hours"]) * 1.25)  # type: ignore[arg-type]
    project = next(r for r in _records(sample.data["Projects"], PROJECTS) if r["project_id"] == project_id)
    finish = project["finish"] if isinstance(project["finish"], dt.date) else last
    if min(last, finish) >= first:  # a new need, within the project's own window
        needs.append({"resource_id": None, "role": "Tester", "start": first, "finish": min(last, finish), "effort_hours": 160.0,
                      "profile": "Flat", "state": "Proposed"})
    return needs


def _project_column(sheet: str) -> int:
    register = {"Allocations": ALLOCATIONS, "Risks": RISKS, "Milestones": MILESTONES, "Progress": PROGRESS}.get(sheet)
    return register.fields.index("project_id") if register else 0


def _pick(sample: Sample, period: dt.date) -> tuple[str, str, str, str]:
    """Four active projects: A has no progress for the month (late), B-D have."""
    # Projects whose registers carry one of the sample's deliberate mistakes would pass it on into
    # their updates; the stories are clearer without them (update C plants its own mistakes).
    flawed = {str(sample.data[m.sheet][m.row - 2][_project_column(m.sheet)]) for m in sample.planted
              if m.sheet != "Projects" and m.row - 2 < len(sample.data[m.sheet])}
    active = [str(p[0]) for p in sample.data["Projects"] if p[PROJECTS.fields.index("status")] == "Active" and str(p[0]) not in flawed]
    reported = {str(r[0]) for r in sample.data["Progress"] if r[1] == period}
    ever = {str(r[0]) for r in sample.data["Progress"]}
    late = [p for p in active if p not in reported and p in ever]
    on_time = [p for p in active if p in reported]
    if not late or len(on_time) < 3:
        raise ValueError("the sample needs an active project without progress for the month and three with it")
    return late[0], on_time[0], on_time[1], on_time[2]


def write_sample_updates(sample: Sample, folder: str | Path) -> list[Path]:
    """Write the six sample updates (see the module docstring) into `folder`; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    period = sample.status_date.replace(day=1)
    month = f"{period:%Y-%m}"
    a, b, c, d = _pick(sample, period)
    due = _add_months(period, 1)
    written: list[Path] = []

    def write(name: str, data: UpdateData) -> None:
        written.append(write_update_template(folder / name, prefill=data))

    write(f"{a}-{month}.xlsx", with_decisions_and_actions(sample, build_sample_update(sample, a, period, due + dt.timedelta(days=4))))
    write(f"{b}-{month}.xlsx", build_sample_update(sample, b, period, due + dt.timedelta(days=5)))
    draft = build_sample_update(sample, b, period, due + dt.timedelta(days=1), growth=0.97)
    draft.progress["commentary"] = "Draft — figures to be confirmed with finance."
    write(f"{b}-{month}-first-draft.xlsx", draft)
    write(f"{c}-{month}.xlsx", _with_mistakes(build_sample_update(sample, c, period, None)))
    write(f"{d}-{month}.xlsx", build_sample_update(sample, d, period, due + dt.timedelta(days=3)))
    write(f"{d}-{month}-corrected.xlsx", build_sample_update(sample, d, period, due + dt.timedelta(days=3), growth=1.04))
    return written


def _with_mistakes(data: UpdateData) -> UpdateData:
    """The usual slips, each where the collection must point at it."""
    data.progress["ac"] = f"{float(data.progress['ac'] or 0):.2f}".replace(".", ",")  # type: ignore[arg-type]
    if data.risks:
        data.risks[0]["probability"] = 7
    if data.milestones:
        data.milestones[-1]["forecast_date"] = "15/03/2027"
    data.allocations.append({"resource_id": "RES-9999", "role": "Developer", "start": _add_months(data.header["period"], 1),  # type: ignore[arg-type]
                             "finish": _add_months(data.header["period"], 3) - dt.timedelta(days=1),  # type: ignore[arg-type]
                             "effort_hours": 80.0, "state": "Committed"})
    return data
