"""The Scenarios table of Settings: each row checked at its cell; a scenario with an error is left out whole."""

from __future__ import annotations

from test_validation_cells import D, flat, project, raw_table, tables, validate

from pmo_xl.issues import Severity
from pmo_xl.model import Portfolio
from pmo_xl.schema.settings import BUDGETS, SCENARIOS, SETTINGS_TABLE

SCENARIO_COLUMN = 24  # X: the Scenarios table's first column on the Settings sheet of the template


def scenario(name: str, action: str | None, target: object = None, **values: object) -> dict[str, object]:
    return {"scenario": name, "action": action, "target": target, **values}


def run(*rows: dict[str, object]) -> Portfolio:
    raw = tables(
        Projects=[project("P1", status="Active"), project("P2", status="Closed"),
                  project("P3", status="Proposed", start=D(2027, 1, 1), finish=D(2027, 6, 30)),
                  project("P4", status="Approved", start=D(2026, 3, 1))],
        Resources=[{"resource_id": "R1", "name": "Ann", "role": "Developer", "team": "Engineering", "fte": 1}],
    )
    raw["Settings"] = raw_table(SETTINGS_TABLE, [{"setting": "Status date", "value": D(2026, 10, 31)}])
    raw["Budgets"] = raw_table(BUDGETS, [{"year": 2027, "budget": 1_000_000}], first_column=17)
    raw["Scenarios"] = raw_table(SCENARIOS, list(rows), first_column=SCENARIO_COLUMN)
    return validate(raw)


def test_every_action_with_its_parameters_is_kept():
    rows = [
        scenario("A", "Pause", "P1", from_date=D(2026, 11, 1), months=3),
        scenario("A", "Add capacity", "developer", fte=2),  # a role as Excel compares names
        scenario("B", "Delay start", "P3", months=2),
        scenario("B", "Cancel", "P4"),
        scenario("C", "Add project", "P3"),
        scenario("C", "Force out", "P1"),
        scenario("C", "Change budget", None, amount=-250_000, year=2027),
        scenario("C", "Change budget", None, amount=100_000),
        scenario("C", "Remove capacity", "R1", from_date=D(2027, 1, 1)),
    ]
    portfolio = run(*rows)
    assert [i for i in portfolio.issues if i.code.startswith("scenario-")] == []
    assert portfolio.settings.scenarios["scenario"].tolist() == ["A", "A", "B", "B", "C", "C", "C", "C", "C"]


def test_each_wrong_row_is_located_and_its_scenario_left_out():
    portfolio = run(
        scenario("Good", "Cancel", "P1"),
        scenario("Bad", "Pause", "P2", from_date=D(2026, 12, 1), months=1),  # row 3: P2 is Closed
        scenario("Bad", "Pause", "P1", from_date=D(2026, 12, 1), months=-2),  # row 4: negative months
        scenario("Bad", "Pause", "P1", months=2),  # row 5: no From
        scenario("Bad", "Cancel", "P99"),  # row 6: unknown project
        scenario("Bad", "Pause", "P1", from_date=D(2026, 10, 1), months=2),  # row 7: in the status month
        scenario("Bad", "Delay start", "P1", months=2),  # row 8: P1 has started
        scenario("Bad", "Add capacity", "Astronaut", fte=1, team="Space"),  # row 9: unknown role, new team
        scenario("Bad", "Remove capacity", "R9", from_date=D(2027, 1, 1)),  # row 10: unknown person
        scenario("Bad", "Change budget", None, amount=5, year=2030),  # row 11: no 2030 budget
        scenario("Bad", None, "P1"),  # row 12: no action
        scenario("Bad", "Add project", "P1"),  # row 13: already active
    )
    # X Scenario, Y Action, Z Target, AA From, AB Months, AC FTE, AD Amount, AE Year, AF Team
    assert flat(portfolio.issues, "scenario-incomplete", "scenario-bad-months", "scenario-unknown-target",
                "scenario-not-possible", "scenario-new-team", "scenario-left-out") == [
        ("Settings", 3, "X", "scenario-left-out"),
        ("Settings", 3, "Z", "scenario-not-possible"),
        ("Settings", 4, "AB", "scenario-bad-months"),
        ("Settings", 5, "AA", "scenario-incomplete"),
        ("Settings", 6, "Z", "scenario-unknown-target"),
        ("Settings", 7, "AA", "scenario-not-possible"),
        ("Settings", 8, "Y", "scenario-not-possible"),
        ("Settings", 9, "AF", "scenario-new-team"),
        ("Settings", 9, "Z", "scenario-unknown-target"),
        ("Settings", 10, "Z", "scenario-unknown-target"),
        ("Settings", 11, "AE", "scenario-not-possible"),
        ("Settings", 12, "Y", "scenario-incomplete"),
        ("Settings", 13, "Z", "scenario-not-possible"),
    ]
    by_code = {i.code: i for i in reversed(portfolio.issues) if i.code.startswith("scenario-")}  # the first of each
    assert by_code["scenario-left-out"].severity == Severity.WARNING
    assert "rows 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 have errors" in by_code["scenario-left-out"].message
    assert "P2 is Closed, so it cannot be paused" in by_code["scenario-not-possible"].message
    assert by_code["scenario-bad-months"].message.startswith("Scenario 'Bad': Pause by -2 months")
    assert portfolio.settings.scenarios["scenario"].tolist() == ["Good"]  # the other scenario is still computed


def test_a_mistyped_parameter_is_blanked_with_a_warning_and_the_scenario_left_out():
    portfolio = run(scenario("S", "Pause", "P1", from_date=D(2026, 12, 1), months="three"))
    assert flat(portfolio.issues, "wrong-type", "not-a-number", "scenario-incomplete", "scenario-left-out") in (
        [("Settings", 2, "AB", "not-a-number"), ("Settings", 2, "AB", "scenario-incomplete"), ("Settings", 2, "X", "scenario-left-out")],
        [("Settings", 2, "AB", "scenario-incomplete"), ("Settings", 2, "AB", "wrong-type"), ("Settings", 2, "X", "scenario-left-out")],
    )
    assert portfolio.settings.scenarios.empty


def test_no_scenarios_table_is_no_issue():
    raw = tables(Projects=[project("P1")])
    assert [i for i in validate(raw).issues if "Scenarios" in (i.value or "") or i.code.startswith("scenario")] == []
