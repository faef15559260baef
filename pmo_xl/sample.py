"""A seeded generator of a realistic portfolio: the demo's data and the benchmarks' load.

Projects in several programmes and business units in every status; people in roles and teams
with capacities (some over-allocated); allocations with work contours; monthly progress with
S-curve plans where some projects run late and over budget; baselines; risks; milestones; the
registers beside the plan (issues, actions, decisions, change requests, objectives, benefits,
lessons: `sample_governance`); and,
unless asked not to, a handful of the mistakes PMs really make — each recorded in
`Sample.planted` with the cell it sits in, so tests can check that validation finds them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pmo_xl.issues import column_letter
from pmo_xl.sample_governance import governance_rows
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
from pmo_xl.schema.registers import (
    ALLOCATIONS,
    MILESTONES,
    PROFILES,
    PROGRESS,
    PROJECTS,
    RESOURCES,
    RISK_CATEGORIES,
    RISKS,
)
from pmo_xl.schema.settings import DEFAULT_CRITERIA, DEFAULT_HOLIDAYS_2026

PROGRAMMES = ("Digital", "Operations", "Compliance", "Customer", "Infrastructure", "People")
BUSINESS_UNITS = ("Sales", "Finance", "Operations", "IT", "HR")
CATEGORIES = ("Regulatory", "Run", "Grow", "Transform")
ROLES = (
    ("Project manager", "PMO", 0.08),
    ("Business analyst", "Business analysis", 0.14),
    ("Developer", "Engineering", 0.30),
    ("Tester", "Quality", 0.14),
    ("Architect", "Architecture", 0.06),
    ("Data engineer", "Data", 0.10),
    ("Change manager", "Change", 0.08),
    ("Designer", "Design", 0.10),
)
FIRST = ("Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Kim", "Lee", "Maria", "Omar", "Priya", "Chen", "Ana", "Tom", "Ines", "Yuki", "Lars", "Noor", "Ben", "Eva")
LAST = ("Smith", "Jones", "Garcia", "Müller", "Rossi", "Dubois", "Khan", "Novak", "Silva", "Tanaka", "Berg", "Okafor", "Ivanova", "Brown", "Costa", "Nielsen")
NOUNS = ("CRM", "ERP", "Data platform", "Payroll", "Portal", "Mobile app", "Warehouse", "Billing", "Identity", "Network", "Analytics", "Onboarding", "Compliance reporting", "Cloud", "Contact centre", "Supplier portal")
VERBS = ("replacement", "upgrade", "migration", "roll-out", "redesign", "consolidation", "automation", "modernisation")
ROLE_SHARES = np.array([share for _, _, share in ROLES]) / sum(share for _, _, share in ROLES)
STATUS_WEIGHTS = (("Active", 0.55), ("Proposed", 0.14), ("Approved", 0.10), ("On hold", 0.05), ("Closed", 0.11), ("Cancelled", 0.05))
DEFAULT_STATUS_DATE = dt.date(2026, 10, 31)


@dataclass(frozen=True)
class Planted:
    """A mistake put into the sample on purpose, where validation must find it."""

    sheet: str
    row: int
    column: str
    code: str
    what: str


@dataclass
class Sample:
    data: dict[str, list[list[object]]]  # register name -> rows in schema order (+ scores)
    settings: dict[str, object]
    planted: list[Planted] = field(default_factory=list)
    status_date: dt.date = DEFAULT_STATUS_DATE
    # rows of the Settings tables that differ from the template's: Holidays, Budgets
    settings_tables: dict[str, list[list[object]]] = field(default_factory=dict)


def write_sample_workbook(path: str | Path, sample: Sample) -> Path:
    """Write a sample as a standard portfolio workbook (registers and Settings)."""
    from pmo_xl.io.write_template import write_portfolio_workbook

    return write_portfolio_workbook(path, sample.data, sample.settings, settings_tables=sample.settings_tables)


UK_BANK_HOLIDAYS = (  # the sample's people on the UK calendar also stop on these days
    (dt.date(2026, 5, 4), "UK", "Early May bank holiday"),
    (dt.date(2026, 5, 25), "UK", "Spring bank holiday"),
    (dt.date(2026, 8, 31), "UK", "Summer bank holiday"),
    (dt.date(2027, 5, 3), "UK", "Early May bank holiday"),
    (dt.date(2027, 5, 31), "UK", "Spring bank holiday"),
    (dt.date(2027, 8, 30), "UK", "Summer bank holiday"),
)


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _months_between(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _s_curve(fraction: np.ndarray) -> np.ndarray:
    """Cumulative share of a budget planned by a time fraction: a smooth S (slow, fast, slow)."""
    f = np.clip(fraction, 0, 1)
    return f * f * (3 - 2 * f)


def generate_sample(
    projects: int = 40,
    seed: int = 7,
    status_date: dt.date = DEFAULT_STATUS_DATE,
    mistakes: bool = True,
    allocations_per_project: int = 100,
    history_months: int = 24,
) -> Sample:
    """A portfolio of `projects` projects (about 2 people per project, 100 allocations each)."""
    rng = np.random.default_rng(seed)
    period = _month_start(status_date)
    first_period = _add_months(period, -(history_months - 1))
    criteria = [c[0] for c in DEFAULT_CRITERIA]

    project_rows: list[list[object]] = []
    project_meta: list[dict[str, object]] = []
    statuses = [s for s, _ in STATUS_WEIGHTS]
    weights = np.array([w for _, w in STATUS_WEIGHTS])
    for index in range(projects):
        status = str(rng.choice(statuses, p=weights / weights.sum()))
        duration = int(rng.integers(6, 25))
        fifty_fifty = index % 23 == 7  # 50/50 measures short work: only on a three-month project
        if fifty_fifty:
            duration = 3
        if status in ("Proposed", "Approved"):
            start = _add_months(period, int(rng.integers(-1, 7)))
        elif status == "Closed":
            start = _add_months(first_period, int(rng.integers(-6, 6)))
            duration = min(duration, max(3, _months_between(start, period) - 1))
        else:
            # Active and on-hold work is in flight: started 1 to duration-1 months before the
            # status month, so it finishes after it (a project long past its finish is a mistake).
            start = _add_months(period, -int(rng.integers(1, max(2, min(duration - 1, history_months - 1)))))
        start = start + dt.timedelta(days=int(rng.integers(0, 10)))
        finish = _add_months(start.replace(day=1), duration) - dt.timedelta(days=1)
        bac = float(round(np.exp(rng.normal(13.2, 0.8)) / 1000) * 1000)
        project_id = f"PRJ-{index + 1:04d}" if projects > 999 else f"PRJ-{index + 1:03d}"
        phase = {"Proposed": "Idea", "Approved": "Initiation", "Closed": "Closing", "Cancelled": "Planning"}.get(status, str(rng.choice(["Planning", "Execution", "Execution", "Execution"])))
        late = rng.random() < 0.13  # schedule trouble
        over = rng.random() < 0.13  # cost trouble
        meta = {
            "id": project_id, "status": status, "start": start, "finish": finish, "bac": bac,
            "spi": float(rng.uniform(0.72, 0.9)) if late else float(rng.uniform(0.97, 1.03)),
            "cpi": float(rng.uniform(0.78, 0.9)) if over else float(rng.uniform(0.97, 1.04)),
            "programme": PROGRAMMES[index % len(PROGRAMMES)],
        }
        project_meta.append(meta)
        scores = [int(rng.integers(1, 6)) for _ in criteria]
        project_rows.append([
            project_id,
            f"{NOUNS[index % len(NOUNS)]} {VERBS[(index // len(NOUNS)) % len(VERBS)]}" + (f" {index // (len(NOUNS) * len(VERBS)) + 1}" if index >= len(NOUNS) * len(VERBS) else ""),
            meta["programme"], BUSINESS_UNITS[int(rng.integers(0, len(BUSINESS_UNITS)))],
            f"{FIRST[int(rng.integers(0, len(FIRST)))]} {LAST[int(rng.integers(0, len(LAST)))]}",
            f"{FIRST[int(rng.integers(0, len(FIRST)))]} {LAST[int(rng.integers(0, len(LAST)))]}",
            CATEGORIES[int(rng.integers(0, len(CATEGORIES)))], status, phase, start, finish, bac,
            "Milestones" if index % 17 == 5 else ("50/50" if fifty_fifty else None),
            None, None, None,
            str(rng.choice(["Green", "Green", "Amber", "Red"])) if status in ("Active", "On hold") else None,
            *scores,
        ])
    _add_selection_structure(project_rows, project_meta)

    resources = max(4, 2 * projects)
    resource_rows, resource_roles = _resources(rng, resources)
    allocation_rows = _allocations(rng, project_meta, resource_roles, allocations_per_project, status_date)
    progress_rows, baseline_rows = _progress(rng, project_meta, period, first_period)
    risk_rows = _risks(rng, project_meta, status_date)
    milestone_rows = _milestones(rng, project_meta, status_date)

    data = {
        "Projects": project_rows, "Resources": resource_rows, "Allocations": allocation_rows,
        "Progress": progress_rows, "Baseline": baseline_rows, "Risks": risk_rows, "Milestones": milestone_rows,
    }
    category = PROJECTS.fields.index("category")
    data.update(governance_rows(seed, [{**m, "category": r[category]} for m, r in zip(project_meta, project_rows, strict=True)], status_date))
    settings = {"portfolio_name": "Contoso transformation portfolio", "status_date": status_date, "currency": "EUR"}
    budgets = _yearly_budgets(project_meta, status_date)
    tables = {"Holidays": [list(h) for h in (*DEFAULT_HOLIDAYS_2026, *UK_BANK_HOLIDAYS)], "Budgets": budgets,
              "Scenarios": _scenarios(project_rows, project_meta, allocation_rows, resources, status_date)}
    sample = Sample(data=data, settings=settings, status_date=status_date, settings_tables=tables)
    if mistakes:
        _plant_mistakes(sample)
    return sample


def _yearly_budgets(meta: list[dict[str, object]], status_date: dt.date) -> list[list[object]]:
    """Spend available per year: what live and proposed work would spend, less a tenth, so the
    selection has to choose (as a real budget round does)."""
    spend: dict[int, float] = {}
    for m in meta:
        if m["status"] in ("Closed", "Cancelled"):
            continue
        start: dt.date = m["start"]  # type: ignore[assignment]
        finish: dt.date = m["finish"]  # type: ignore[assignment]
        days = max(1, (finish - start).days + 1)
        for year in range(start.year, finish.year + 1):
            inside = (min(finish, dt.date(year, 12, 31)) - max(start, dt.date(year, 1, 1))).days + 1
            spend[year] = spend.get(year, 0.0) + float(m["bac"]) * inside / days  # type: ignore[arg-type]
    return [[year, float(round(spend[year] * 0.9, -3))] for year in sorted(spend) if status_date.year <= year <= status_date.year + 2]


def _scenarios(rows: list[list[object]], meta: list[dict[str, object]], allocations: list[list[object]], resources: int,
               status_date: dt.date) -> list[list[object]]:
    """Three questions a steering committee asks (Settings, Scenarios; rows in schema order): pause for
    a quarter the running project with the most work on the over-booked people; take the largest open proposal with two developers hired
    for it; cut the total budget by a tenth. Projects 5 and 6 are left alone: they carry planted
    mistakes, and a scenario on a project left out for errors is itself left out."""
    force = PROJECTS.fields.index("force")
    usable = [i for i in range(len(meta)) if i not in (4, 5)]
    next_month = (dt.date(status_date.year, status_date.month, 1) + dt.timedelta(days=32)).replace(day=1)
    later = [i for i in usable if meta[i]["status"] == "Active" and meta[i]["finish"] >= next_month + dt.timedelta(days=180)]  # type: ignore[operator]
    proposals = [i for i in usable if meta[i]["status"] == "Proposed" and rows[i][force] is None]
    scenarios: list[list[object]] = []
    if later:
        # The project with the most work on the over-booked favourites (the first people, see
        # _allocations) over the quarter paused: the pause the committee would look at first.
        favourites = {f"RES-{k + 1:04d}" for k in range(max(2, resources // 25))}
        quarter_end = (next_month + dt.timedelta(days=95)).replace(day=1)
        pid_at, res_at, start_at, finish_at = (ALLOCATIONS.fields.index(f) for f in ("project_id", "resource_id", "start", "finish"))
        busy: dict[object, int] = {}
        for a in allocations:
            if a[res_at] in favourites and a[start_at] < quarter_end and a[finish_at] >= next_month:
                busy[a[pid_at]] = busy.get(a[pid_at], 0) + 1
        paused = max(later, key=lambda i: (busy.get(meta[i]["id"], 0), float(meta[i]["bac"]), str(meta[i]["id"])))  # type: ignore[arg-type]
        pid = meta[paused]["id"]
        scenarios.append([f"Pause {pid} for a quarter", "Pause", pid, next_month, 3, None, None, None, None,
                          "Its sponsor would accept a later go-live to free people for this winter"])
    if proposals:
        added = max(proposals, key=lambda i: (float(meta[i]["bac"]), str(meta[i]["id"])))  # type: ignore[arg-type]
        pid = meta[added]["id"]
        name = f"Add {pid} with two developers"
        start = (next_month + dt.timedelta(days=32)).replace(day=1)
        scenarios += [[name, "Add project", pid, None, None, None, None, None, None, "The business case is on the committee's agenda"],
                      [name, "Add capacity", "Developer", start, None, 2, None, None, "Engineering", "Two contractors from the framework"]]
    funded = sum(float(m["bac"]) for m in meta if m["status"] in ("Active", "Approved"))  # type: ignore[arg-type]
    if funded > 0:  # the Total budget is blank in the sample: it is what the Active and Approved projects cost
        scenarios.append(["Cut the total budget by 10 %", "Change budget", None, None, None, None, -float(round(funded * 0.1, -3)),
                          None, None, "The finance director's planning case"])
    return scenarios


def _add_selection_structure(rows: list[list[object]], meta: list[dict[str, object]]) -> None:
    """Force in/out, dependencies and an exclusive pair among the candidates, as PMOs use them."""
    force = PROJECTS.fields.index("force")
    depends = PROJECTS.fields.index("depends_on")
    group = PROJECTS.fields.index("exclusive_group")
    candidates = [i for i, m in enumerate(meta) if m["status"] in ("Proposed", "Approved")]
    if len(candidates) >= 2:
        rows[candidates[0]][force] = "Force in"
        rows[candidates[-1]][force] = "Force out"
    if len(candidates) >= 4:
        rows[candidates[2]][depends] = rows[candidates[1]][0]
        rows[candidates[1]][group] = "CRM platform choice"
        rows[candidates[3]][group] = "CRM platform choice"


Person = tuple[str, str, dt.date | None, dt.date | None]  # resource ID, role, available from, to


def _resources(rng: np.random.Generator, count: int) -> tuple[list[list[object]], list[Person]]:
    rows: list[list[object]] = []
    roles: list[Person] = []
    shares = np.array([r[2] for r in ROLES])
    for index in range(count):
        role_index = int(rng.choice(len(ROLES), p=shares / shares.sum()))
        role, team, _ = ROLES[role_index]
        resource_id = f"RES-{index + 1:04d}"
        fte = float(rng.choice([1.0, 1.0, 1.0, 0.8, 0.6, 0.5]))
        available_from = dt.date(2026, int(rng.integers(1, 12)), 1) if rng.random() < 0.05 else None
        available_to = dt.date(2027, int(rng.integers(1, 12)), 28) if rng.random() < 0.05 else None
        rows.append([
            resource_id, f"{FIRST[index % len(FIRST)]} {LAST[(index * 7) % len(LAST)]}", role, team, fte, None,
            0.1 if role == "Project manager" else None, available_from, available_to,
            "UK" if index % 9 == 0 else None, float(rng.choice([55, 70, 85, 95, 110])),
        ])
        roles.append((resource_id, role, available_from, available_to))
    return rows, roles


def _allocations(
    rng: np.random.Generator, meta: list[dict[str, object]], people: list[Person], per_project: int, status_date: dt.date
) -> list[list[object]]:
    rows: list[list[object]] = []
    # A few people are everyone's favourite: they end up over-allocated, as in real portfolios.
    popular = list(range(max(2, len(people) // 25)))
    profiles = list(PROFILES)
    seen: set[tuple[object, ...]] = set()
    for m in meta:
        if m["status"] in ("Cancelled",):
            continue
        start: dt.date = m["start"]  # type: ignore[assignment]
        finish: dt.date = m["finish"]  # type: ignore[assignment]
        span = max(1, (finish - start).days)
        state = "Proposed" if m["status"] in ("Proposed",) else ("Draft" if m["status"] == "Approved" and rng.random() < 0.3 else "Committed")
        count = max(2, int(per_project * (0.4 if m["status"] == "Closed" else 1.0) * rng.uniform(0.6, 1.4)))
        for _ in range(count):
            a = start + dt.timedelta(days=int(rng.integers(0, max(1, span - 20))))
            b = min(finish, a + dt.timedelta(days=int(rng.integers(10, 36))))
            resource_id: str | None = None
            if rng.random() < 0.1:  # generic demand for a role, no person named yet
                role = ROLES[int(rng.choice(len(ROLES), p=ROLE_SHARES))][0]
            else:
                pick = int(rng.choice(popular)) if rng.random() < 0.15 else int(rng.integers(0, len(people)))
                resource_id, role, available_from, available_to = people[pick]
                # Planners book people only while they are available.
                a = max(a, available_from) if available_from else a
                b = min(b, available_to) if available_to else b
                if b < a:
                    continue
            key = (m["id"], resource_id, role, a, b)
            if key in seen:  # the same booking twice is a mistake the sample does not make by chance
                continue
            seen.add(key)
            by_hours = rng.random() < 0.5
            hours = float(round(rng.uniform(8, 100) / 4) * 4) if by_hours else None
            fte = None if by_hours else float(rng.choice([0.1, 0.1, 0.2, 0.2, 0.3]))
            profile = "Flat" if rng.random() < 0.7 else profiles[int(rng.integers(1, len(profiles)))]
            actual = None
            if hours and b <= status_date:
                # Finished work is booked in full; now and then a little is still outstanding.
                actual = hours if rng.random() < 0.95 else float(round(hours * 0.9))
            elif hours and a < status_date:
                elapsed = (status_date - a).days / max(1, (b - a).days)
                actual = float(round(hours * elapsed * rng.uniform(0.9, 1.02)))
            rows.append([m["id"], resource_id, role, a, b, hours, fte, profile, state, actual])
    return rows


def _progress(
    rng: np.random.Generator, meta: list[dict[str, object]], period: dt.date, first_period: dt.date
) -> tuple[list[list[object]], list[list[object]]]:
    progress: list[list[object]] = []
    baseline: list[list[object]] = []
    asks = ("Decision on the change request CR-12 (scope +8%, +6 weeks) by the next committee.",
            "Release of the contingency: 120k to cover contractor rates until go-live.",
            "A second data engineer from Operations for three months.",
            "Escalation to the supplier's account director: integration drop two weeks late.",
            "Approval to move go-live from Q3 to Q4 and re-baseline.")
    comments = ("On track.", "Vendor delay on integration; recovery plan agreed.", "Testing started.", "Scope change request pending.", "Key developer on sick leave.", "Go-live rehearsal passed.", "Budget pressure from contractor rates.")
    for index, m in enumerate(meta):
        start: dt.date = m["start"]  # type: ignore[assignment]
        finish: dt.date = m["finish"]  # type: ignore[assignment]
        bac = float(m["bac"])  # type: ignore[arg-type]
        months = max(1, _months_between(start, finish) + 1)
        plan_periods = [_add_months(start.replace(day=1), k) for k in range(months)]
        cumulative = _s_curve((np.arange(1, months + 1)) / months) * bac
        if m["status"] != "Proposed" and index % 10 != 3:  # most approved work has a time-phased baseline
            increments = np.diff(np.concatenate([[0.0], cumulative]))
            baseline.extend([m["id"], p, float(round(v, 2))] for p, v in zip(plan_periods, increments, strict=True))
        if m["status"] not in ("Active", "On hold", "Closed"):
            continue
        drift_spi, drift_cpi = float(m["spi"]), float(m["cpi"])  # type: ignore[arg-type]
        last_ev = last_ac = 0.0
        for k, p in enumerate(plan_periods):
            if p < first_period or p > period:
                continue
            if m["status"] == "Active" and p == period and index % 13 == 4:
                continue  # a late update: no progress for the status period
            pv = float(cumulative[k])
            ev = min(bac, max(last_ev, pv * drift_spi * rng.uniform(0.97, 1.03)))
            if m["status"] == "Closed" and k == months - 1:
                ev = bac
            ac = max(last_ac, ev / drift_cpi * rng.uniform(0.98, 1.02))
            pct = ev / bac
            last_ev, last_ac = ev, ac
            give_pct_only = index % 7 == 2
            rag = lambda v: "Green" if v >= 0.95 else ("Amber" if v >= 0.88 else "Red")  # noqa: E731
            progress.append([
                m["id"], p, round(pv, 2), None if give_pct_only else round(ev, 2), round(pct, 4) if give_pct_only else None,
                round(ac, 2), None, "Green", rag(drift_spi), rag(drift_cpi), "Green" if rng.random() < 0.8 else "Amber",
                comments[int(rng.integers(0, len(comments)))] if p == period else None,
                # No random draw here, so the rest of the sample stays as it was: troubled projects ask for help.
                asks[index % len(asks)] if p == period and (rag(drift_spi), rag(drift_cpi)) != ("Green", "Green") and index % 3 != 1 else None,
            ])
    return progress, baseline


def _risks(rng: np.random.Generator, meta: list[dict[str, object]], status_date: dt.date) -> list[list[object]]:
    rows: list[list[object]] = []
    titles = ("Key supplier delivers late → integration slips → go-live delayed", "Data quality lower than assumed → rework of migration", "Specialist leaves → knowledge gap → delay", "Regulation changes mid-project → scope change", "Budget cut in next fiscal year → descoping", "Legacy interface undocumented → integration defects")
    number = 0
    for m in meta:
        if m["status"] in ("Cancelled", "Closed"):
            continue
        for _ in range(int(rng.integers(0, 6))):
            number += 1
            probability, impact = int(rng.integers(1, 6)), int(rng.integers(1, 6))
            raised = status_date - dt.timedelta(days=int(rng.integers(10, 300)))
            rows.append([
                f"R-{number:05d}", m["id"], titles[int(rng.integers(0, len(titles)))], RISK_CATEGORIES[int(rng.integers(0, len(RISK_CATEGORIES)))],
                f"{FIRST[int(rng.integers(0, len(FIRST)))]} {LAST[int(rng.integers(0, len(LAST)))]}", probability, impact,
                float(round(float(m["bac"]) * rng.uniform(0.01, 0.2), -2)),  # type: ignore[arg-type]
                str(rng.choice(["Mitigate", "Mitigate", "Accept", "Transfer", "Avoid"])), "Open" if rng.random() < 0.85 else "Closed",
                raised, max(raised + dt.timedelta(days=14), status_date + dt.timedelta(days=int(rng.integers(-20, 60)))),
            ])
    return rows


def _milestones(rng: np.random.Generator, meta: list[dict[str, object]], status_date: dt.date) -> list[list[object]]:
    rows: list[list[object]] = []
    names = ("Business case approved", "Design signed off", "Build complete", "Test complete", "Go-live", "Project closed")
    for m in meta:
        if m["status"] == "Cancelled":
            continue
        start: dt.date = m["start"]  # type: ignore[assignment]
        finish: dt.date = m["finish"]  # type: ignore[assignment]
        span = (finish - start).days
        late = float(m["spi"]) < 0.9  # type: ignore[arg-type]
        for k, name in enumerate(names):
            base = start + dt.timedelta(days=int(span * (k + 1) / len(names)))
            forecast = base + dt.timedelta(days=int(rng.integers(15, 60))) if late and base > status_date - dt.timedelta(days=30) else None
            actual = None
            if base <= status_date:
                slip = int(rng.integers(0, 25)) if late else int(rng.integers(-3, 5))
                actual = base + dt.timedelta(days=slip) if base + dt.timedelta(days=slip) <= status_date and rng.random() < 0.9 else None
                if actual is None and forecast is None:
                    forecast = status_date + dt.timedelta(days=int(rng.integers(5, 40)))
            rows.append([m["id"], name, base, forecast, actual, round(1 / len(names), 4)])
    return rows


def _cell(register_fields: tuple[str, ...], field_name: str) -> str:
    return column_letter(register_fields.index(field_name) + 1)


def _plant_mistakes(sample: Sample) -> None:
    """The mistakes PMs make every month, each at a known cell (row = list index + 2)."""
    d = sample.data
    planted = sample.planted

    def put(register_name: str, fields: tuple[str, ...], index: int, field_name: str, value: object, code: str, what: str) -> None:
        row = d[register_name][index]
        row[fields.index(field_name)] = value
        planted.append(Planted(register_name, index + 2, _cell(fields, field_name), code, what))

    if len(d["Allocations"]) > 3:
        put("Allocations", ALLOCATIONS.fields, 3, "project_id", "PRJ-999", "unknown-reference", "allocation to a project that does not exist")
    if len(d["Projects"]) > 5:
        put("Projects", PROJECTS.fields, 5, "status", "Actve", "not-allowed", "status typo")
        put("Projects", PROJECTS.fields, 4, "finish", "15/03/2027", "date-as-text", "date typed as text in day/month/year order (only one reading)")
    progress = d["Progress"]
    pct_rows = [i for i, r in enumerate(progress) if r[PROGRESS.fields.index("pct_complete")] is not None]
    if pct_rows:
        i = pct_rows[len(pct_rows) // 2]
        put("Progress", PROGRESS.fields, i, "pct_complete", round(float(progress[i][PROGRESS.fields.index("pct_complete")]) * 100, 1) or 45.0, "percent-as-whole-number", "% complete typed as 0-100")
    if len(progress) > 10:
        put("Progress", PROGRESS.fields, 10, "ac", "12500,50", "decimal-comma", "decimal comma in AC")
    if len(d["Resources"]) > 3:
        # A new joiner typed in with a colleague's ID: a row added at the end, nothing overwritten.
        copy = list(d["Resources"][2])
        copy[RESOURCES.fields.index("name")] = "Jordan Reyes"
        d["Resources"].append(copy)
        planted.append(Planted("Resources", len(d["Resources"]) + 1, _cell(RESOURCES.fields, "resource_id"), "duplicate-id", "the same Resource ID twice"))
    if len(d["Risks"]) > 2:
        put("Risks", RISKS.fields, 2, "probability", 7, "out-of-range", "probability outside the 1-5 scale")
    if len(d["Milestones"]) > 7:
        put("Milestones", MILESTONES.fields, 7, "project_id", "PRJ-0X1", "unknown-reference", "milestone for an unknown project")
    allocations = d["Allocations"]
    if len(allocations) > 8:
        row = allocations[8]
        start_i, finish_i = ALLOCATIONS.fields.index("start"), ALLOCATIONS.fields.index("finish")
        row[start_i], row[finish_i] = row[finish_i] + dt.timedelta(days=10), row[finish_i]
        planted.append(Planted("Allocations", 10, _cell(ALLOCATIONS.fields, "finish"), "finish-before-start", "finish before start"))
    _plant_governance_mistakes(sample, put)
    if progress:
        progress[0][PROGRESS.fields.index("commentary")] = "=HYPERLINK(\"http://example.com\") typed by a PM: must stay text"


def _plant_governance_mistakes(sample: Sample, put: Callable[..., None]) -> None:
    """One or two mistakes in each register beside the plan, each at a known cell."""
    d, planted = sample.data, sample.planted

    def append(register_name: str, fields: tuple[str, ...], row: list[object], field_name: str, code: str, what: str) -> None:
        d[register_name].append(row)
        planted.append(Planted(register_name, len(d[register_name]) + 1, _cell(fields, field_name), code, what))

    if len(d["Issue log"]) > 1:
        put("Issue log", ISSUE_LOG.fields, 1, "priority", "Urgent", "not-allowed", "a priority that is not High, Medium or Low")
    actions = d["Actions"]
    if len(actions) > 4:
        put("Actions", ACTIONS.fields, 2, "project_id", "PRJ-998", "unknown-reference", "an action for a project that does not exist")
        raised = actions[4][ACTIONS.fields.index("raised")]
        put("Actions", ACTIONS.fields, 4, "due", raised - dt.timedelta(days=3), "finish-before-start", "due before it was raised")
    if d["Decisions"]:
        d["Decisions"][0][DECISIONS.fields.index("status")] = "Decided"
        put("Decisions", DECISIONS.fields, 0, "decided_on", None, "status-vs-dates", "Decided with no decision date")
    if d["Change requests"]:
        d["Change requests"][0][CHANGE_REQUESTS.fields.index("status")] = "Approved"
        put("Change requests", CHANGE_REQUESTS.fields, 0, "decided_on", None, "change-approved-undated", "approved with no decision date")
    if len(d["Contributions"]) > 1:
        put("Contributions", CONTRIBUTIONS.fields, 1, "objective_id", "OBJ-9", "unknown-reference", "an objective that does not exist")
    if d["Benefits"]:
        overdue = list(d["Benefits"][0])
        overdue[BENEFITS.fields.index("benefit_id")] = "BEN-90001"
        overdue[BENEFITS.fields.index("realisation_from")] = sample.status_date - dt.timedelta(days=400)
        overdue[BENEFITS.fields.index("target_date")] = sample.status_date - dt.timedelta(days=30)
        append("Benefits", BENEFITS.fields, overdue, "target_date", "benefit-overdue", "past its target date and never measured")
    if d["Benefit progress"]:
        again = list(d["Benefit progress"][0])
        again[BENEFIT_PROGRESS.fields.index("realised_value")] = 999.0
        append("Benefit progress", BENEFIT_PROGRESS.fields, again, "period", "duplicate-key", "the same benefit and month twice")
    if d["Lessons"]:
        put("Lessons", LESSONS.fields, 0, "project_id", "PRJ-0Y7", "unknown-reference", "a lesson of a project that does not exist")
    if len(d["Objectives"]) > 2:
        append("Objectives", OBJECTIVES.fields, list(d["Objectives"][2]), "objective_id", "duplicate-id", "the same objective ID twice")
