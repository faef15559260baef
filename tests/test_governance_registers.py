"""The registers beside the plan (issues, actions, decisions, change requests, objectives and
contributions, benefits and their progress, lessons): declared once, read typed, validated at
their cells. Text-first fixtures (see test_validation_cells)."""

from __future__ import annotations

from test_validation_cells import D, project, tables, validate

from pmo_xl.schema.governance import GOVERNANCE_REGISTERS
from pmo_xl.schema.registers import REGISTERS


def test_the_registers_are_in_the_one_schema_and_optional():
    names = [r.name for r in REGISTERS]
    for register in GOVERNANCE_REGISTERS:
        assert register.name in names and register.optional
    assert [r.name for r in GOVERNANCE_REGISTERS] == [
        "Issue log", "Actions", "Decisions", "Change requests", "Objectives", "Contributions", "Benefits",
        "Benefit progress", "Lessons"]


def test_a_workbook_without_them_is_valid_and_has_empty_typed_frames():
    portfolio = validate(tables(Projects=[project("P1")]))
    assert not [i for i in portfolio.issues if i.sheet in {r.sheet_name for r in GOVERNANCE_REGISTERS}]
    assert portfolio.registers["Actions"].empty
    assert str(portfolio.registers["Actions"]["due"].dtype) == "datetime64[ns]"


def test_rows_are_read_typed_with_their_choices():
    portfolio = validate(tables(
        Projects=[project("P1")],
        Actions=[{"action_id": "A1", "project_id": "P1", "action": "Book the room", "due": "2026-11-20", "status": "open"}],
        **{"Change requests": [{"change_id": "CR1", "project_id": "P1", "title": "More scope", "cost_impact": -1500,
                                "schedule_impact_days": 10, "status": "Approved", "decided_on": D(2026, 10, 3)}],
           "Benefit progress": [{"benefit_id": "B1", "period": "2026-10", "realised_value": 12.5}]},
        Benefits=[{"benefit_id": "B1", "project_id": "P1", "benefit": "Faster", "target_value": 50, "target_date": D(2027, 6, 30)}],
    ))
    actions = portfolio.registers["Actions"]
    assert actions["status"].tolist() == ["Open"]  # the canonical text of the drop-down
    assert actions["due"].iloc[0] == D(2026, 11, 20)
    changes = portfolio.registers["Change requests"]
    assert changes["cost_impact"].tolist() == [-1500.0] and changes["schedule_impact_days"].tolist() == [10.0]
    progress = portfolio.registers["Benefit progress"]
    assert progress["period"].iloc[0] == D(2026, 10, 1) and progress["realised_value"].tolist() == [12.5]


def test_a_bad_choice_is_located_and_the_row_left_out():
    portfolio = validate(tables(
        Projects=[project("P1")],
        Decisions=[{"decision_id": "D1", "project_id": "P1", "decision": "Go?", "status": "Maybe"},
                   {"decision_id": "D2", "project_id": "P1", "decision": "Stop?", "status": "Pending"}],
    ))
    bad = [(i.sheet, i.row, i.column, i.code) for i in portfolio.issues if i.sheet == "Decisions"]
    assert bad == [("Decisions", 2, "J", "not-allowed")]
    assert portfolio.registers["Decisions"]["decision_id"].tolist() == ["D2"]


def test_issue_limits_are_settings_with_defaults():
    portfolio = validate(tables(Projects=[project("P1")]))
    assert (portfolio.settings.issue_days_high, portfolio.settings.issue_days_medium, portfolio.settings.issue_days_low) == (14, 30, 60)


# --- checks ----------------------------------------------------------------------------------------

STATUS = D(2026, 10, 31)


def settings_rows(**values: object) -> list[dict[str, object]]:
    from pmo_xl.schema.settings import SETTINGS_BY_KEY
    return [{"setting": SETTINGS_BY_KEY[k].label, "value": v} for k, v in values.items()]


def flat(portfolio, *codes: str) -> list[tuple[str, int, str, str]]:
    return sorted((i.sheet, i.row, i.column, i.code) for i in portfolio.issues if i.code in codes)


CHECK_CODES = ("action-overdue", "decision-overdue", "issue-open-too-long", "change-approved-undated", "benefit-overdue",
               "unknown-reference", "duplicate-id", "duplicate-key", "finish-before-start", "no-objective", "status-vs-dates")


def small_portfolio():
    """Two projects, each register with one clean row and one or two planted mistakes."""
    return tables(
        Settings=settings_rows(status_date="2026-10-31", issue_days_high=10),
        Projects=[project("P1", category="Grow"), project("P2", category="Run"), project("P3", status="Closed")],
        Risks=[{"risk_id": "R1", "project_id": "P1", "title": "Late vendor", "probability": 3, "impact": 4, "status": "Open"}],
        **{"Issue log": [
            {"issue_id": "I1", "project_id": "P1", "title": "Server down", "raised": D(2026, 10, 25), "priority": "High", "status": "Open"},  # 6 days: fine
            {"issue_id": "I2", "project_id": "P1", "title": "Vendor late", "raised": D(2026, 10, 1), "priority": "High", "status": "Open",
             "risk_id": "R9"},  # 30 days > 10; unknown risk (warning)
            {"issue_id": "I3", "project_id": "P2", "title": "Spec gap", "raised": D(2026, 10, 1), "priority": "Medium", "status": "In progress"},  # 30 = 30: fine
            {"issue_id": "I2", "project_id": "P2", "title": "Twice", "raised": D(2026, 10, 1), "priority": "Low", "status": "Resolved",
             "resolved_date": D(2026, 9, 1)},  # duplicate ID (error); resolved before raised
        ],
            "Change requests": [
            {"change_id": "CR1", "project_id": "P1", "title": "More", "status": "Approved", "decided_on": D(2026, 10, 2)},
            {"change_id": "CR2", "project_id": "P2", "title": "Less", "status": "Approved"},  # no decision date
            {"change_id": "CR3", "project_id": "PX", "title": "Ghost", "status": "Proposed"},  # unknown project (error)
        ],
            "Benefit progress": [{"benefit_id": "B1", "period": "2026-09", "realised_value": 5},
                                 {"benefit_id": "B1", "period": "2026-09", "realised_value": 6}],  # duplicate key
        },
        Actions=[
            {"action_id": "A1", "project_id": "P1", "action": "Call", "due": D(2026, 10, 30), "status": "Open", "owner": "Ann"},  # overdue
            {"action_id": "A2", "project_id": "P1", "action": "Mail", "due": D(2026, 10, 30), "status": "Done", "done_date": D(2026, 10, 29)},
            {"action_id": "A3", "project_id": "P2", "action": "Plan", "due": D(2026, 11, 30), "status": "Open",
             "source": "Decision", "source_id": "D9"},  # unknown source (warning)
        ],
        Decisions=[
            {"decision_id": "D1", "project_id": "P1", "decision": "Go?", "decide_by": D(2026, 10, 15), "status": "Pending",
             "forum": "Steering committee"},  # overdue
            {"decision_id": "D2", "project_id": "P2", "decision": "Stop?", "decide_by": D(2026, 10, 15), "status": "Decided"},  # no date
        ],
        Objectives=[{"objective_id": "O1", "objective": "Grow revenue"}],
        Contributions=[{"project_id": "P1", "objective_id": "O1"}, {"project_id": "P1", "objective_id": "O7"}],  # unknown objective
        Benefits=[
            {"benefit_id": "B1", "project_id": "P1", "benefit": "Revenue", "target_value": 10, "target_date": D(2026, 9, 30)},  # measured
            {"benefit_id": "B2", "project_id": "P2", "benefit": "Cost", "target_value": 10, "target_date": D(2026, 9, 30),
             "objective_id": "O1"},  # overdue, nothing measured
        ],
        Lessons=[{"lesson_id": "L1", "project_id": "P3", "what_happened": "x", "recommendation": "y", "category": "Planning"}],
    )


def test_each_planted_mistake_is_found_at_its_cell():
    portfolio = validate(small_portfolio())
    assert flat(portfolio, *CHECK_CODES) == [
        ("Actions", 2, "F", "action-overdue"),
        ("Actions", 4, "J", "unknown-reference"),
        ("Benefit progress", 3, "B", "duplicate-key"),
        ("Benefits", 3, "K", "benefit-overdue"),
        ("Change requests", 3, "J", "change-approved-undated"),
        ("Change requests", 4, "B", "unknown-reference"),
        ("Contributions", 3, "B", "unknown-reference"),
        ("Decisions", 2, "E", "decision-overdue"),
        ("Decisions", 3, "H", "status-vs-dates"),
        ("Issue log", 3, "E", "issue-open-too-long"),
        ("Issue log", 3, "L", "unknown-reference"),
        ("Issue log", 5, "A", "duplicate-id"),
        ("Issue log", 5, "J", "finish-before-start"),
        ("Projects", 3, "A", "no-objective"),  # P2 serves nothing; P3 is closed
    ]
    by_code = {(i.sheet, i.code): i for i in portfolio.issues}
    assert by_code[("Issue log", "issue-open-too-long")].message.startswith(
        "High-priority issue I2 has been open 30 days (raised 2026-10-01), beyond the 10 days")
    assert by_code[("Actions", "action-overdue")].message.startswith("Action of P1 due 2026-10-30 is still Open on the status date 2026-10-31 (1 days late)")
    assert by_code[("Issue log", "unknown-reference")].severity.value == "warning"
    # errors leave their row out; warnings keep it
    assert portfolio.registers["Change requests"]["change_id"].tolist() == ["CR1", "CR2"]
    assert portfolio.registers["Issue log"]["issue_id"].tolist() == ["I1", "I2", "I3"]
    assert portfolio.registers["Contributions"]["objective_id"].tolist() == ["O1"]


def test_no_objective_is_not_checked_without_objectives():
    portfolio = validate(tables(Projects=[project("P1")]))
    assert flat(portfolio, "no-objective") == []


def test_the_sample_plants_mistakes_in_the_registers_beside_the_plan():
    from pmo_xl.sample import generate_sample

    sample = generate_sample(40)
    planted = {p.sheet for p in sample.planted}
    assert {"Issue log", "Actions", "Decisions", "Change requests", "Objectives", "Contributions", "Benefits", "Benefit progress",
            "Lessons"} <= planted
    assert all(len(sample.data[r.name]) > 3 for r in GOVERNANCE_REGISTERS)


# --- a left-out project takes its rows beside the plan along ---------------------------------------

def test_the_rows_beside_the_plan_of_a_left_out_project_leave_with_it_and_say_so():
    """P2's status is mistyped: its logged issue, action, benefit and the benefit's progress leave
    with it, each with a warning at its own row; P1's stay. Never half in (an action of a project
    that is not in the figures on the RAID sheet) and never "unknown project"."""
    from pmo_xl.checks.cascade import left_out

    portfolio = validate(tables(
        Projects=[project("P1"), project("P2", status="Actve")],
        **{"Issue log": [{"issue_id": "I1", "project_id": "P2", "title": "Vendor late", "raised": D(2026, 11, 20), "priority": "Low", "status": "Open"},
                         {"issue_id": "I2", "project_id": "P1", "title": "Room", "raised": D(2026, 11, 20), "priority": "Low", "status": "Open"}],
           "Benefit progress": [{"benefit_id": "B2", "period": "2026-10", "realised_value": 3},
                                {"benefit_id": "B1", "period": "2026-10", "realised_value": 5}]},
        Actions=[{"action_id": "A1", "project_id": "P1", "action": "Book", "due": D(2026, 12, 20), "status": "Open"},
                 {"action_id": "A2", "project_id": "P2", "action": "Chase", "due": D(2026, 12, 20), "status": "Open"}],
        Benefits=[{"benefit_id": "B1", "project_id": "P1", "benefit": "Faster", "target_value": 50, "target_date": D(2027, 6, 30)},
                  {"benefit_id": "B2", "project_id": "P2", "benefit": "Cheaper", "target_value": 9, "target_date": D(2027, 6, 30)}],
    ))
    assert portfolio.registers["Issue log"]["issue_id"].tolist() == ["I2"]
    assert portfolio.registers["Actions"]["action_id"].tolist() == ["A1"]
    assert portfolio.registers["Benefits"]["benefit_id"].tolist() == ["B1"]
    assert portfolio.registers["Benefit progress"]["benefit_id"].tolist() == ["B1"]
    cascaded = {(i.sheet, i.row): i.message for i in portfolio.issues if i.code == "left-out-with-parent"}
    assert set(cascaded) == {("Issue log", 2), ("Actions", 3), ("Benefits", 3), ("Benefit progress", 2)}
    assert cascaded[("Actions", 3)].startswith("Left out because P2 was left out ('Projects'!")
    assert cascaded[("Benefit progress", 2)].startswith("Left out because B2 was left out ('Benefits'!A3)")
    assert portfolio.rejected["Benefit progress"] == [2]
    assert not [i for i in portfolio.issues if i.code == "unknown-reference"]
    # Only the project is announced as left out, with what left with it.
    (item,) = left_out(portfolio)
    assert item.key == "P2" and item.dependents == {"Issue log": 1, "Actions": 1, "Benefits": 1}
    assert item.detail.endswith("with 1 logged issue, 1 action, 1 benefit")
