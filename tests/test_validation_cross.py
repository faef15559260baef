"""Across rows and across registers: duplicates, conflicts, references, windows."""

from __future__ import annotations

from test_validation_cells import D, flat, project, tables, validate

from pmo_xl.issues import Severity

FEB_1, FEB_28 = D(2026, 2, 1), D(2026, 2, 28)


def allocation(project_id: str = "P1", resource_id: str | None = "R1", start: object = FEB_1, finish: object = FEB_28,
               **values: object) -> dict[str, object]:
    return {"project_id": project_id, "resource_id": resource_id, "start": start, "finish": finish, "effort_hours": 40,
            "state": "Committed", **values}


RESOURCES = [{"resource_id": "R1", "name": "Ann", "role": "Developer"},
             {"resource_id": "R2", "name": "Bob", "role": "Tester", "available_from": D(2026, 3, 1), "available_to": D(2026, 6, 30)}]


def test_duplicate_ids_keep_the_first_row():
    raw = tables(Projects=[project("P1"), project("P2"), project("P1")], Resources=RESOURCES + [RESOURCES[0]])
    portfolio = validate(raw)
    assert flat(portfolio.issues, "duplicate-id") == [("Projects", 4, "A", "duplicate-id"), ("Resources", 4, "A", "duplicate-id")]
    assert "already used in row 2" in next(i.message for i in portfolio.issues if i.code == "duplicate-id")
    assert portfolio.projects["_row"].tolist() == [2, 3]


def test_the_same_allocation_twice_counts_once():
    raw = tables(Projects=[project("P1")], Resources=RESOURCES,
                 Allocations=[allocation(), allocation(resource_id="R2", start=D(2026, 3, 1), finish=D(2026, 3, 31)), allocation()])
    portfolio = validate(raw)
    assert flat(portfolio.issues, "duplicate-allocation") == [("Allocations", 4, "A", "duplicate-allocation")]
    assert "repeats row 2 (P1, R1, 2026-02-01 to 2026-02-28)" in next(i.message for i in portfolio.issues if i.code == "duplicate-allocation")
    assert len(portfolio.allocations) == 2


def test_repeated_allocations_found_by_one_grouping_as_by_duplicated(monkeypatch):
    """`_repeats` (one grouping of the key) flags the rows `duplicated` flags and names the first row as `_first_rows`
    does, blanks (None, NaT) being a key value like any other, wherever the first blank key appears."""
    import numpy as np
    import pandas as pd

    from pmo_xl.checks import duplicates
    from pmo_xl.checks.duplicates import _first_rows, _repeats

    keys = ["project_id", "resource_id", "start"]
    nat = pd.NaT
    frame = pd.DataFrame({"project_id": ["P1", "P2", None, "P1", None, "P2", "P1", None],
                          "resource_id": ["R1", None, "R1", "R1", "R1", None, None, "R1"],
                          "start": pd.to_datetime([FEB_1, nat, FEB_1, FEB_1, FEB_1, nat, FEB_28, FEB_28]),
                          "_row": [2, 3, 4, 5, 6, 7, 8, 9]})
    for order in (list(range(8)), list(range(7, -1, -1)), [4, 0, 7, 2, 5, 1, 3, 6]):
        shuffled = frame.iloc[order].reset_index(drop=True)
        later, first = _repeats(shuffled, keys)
        assert later.tolist() == shuffled.duplicated(subset=keys, keep="first").tolist()
        pd.testing.assert_series_equal(first, _first_rows(shuffled, keys))
    later, first = _repeats(frame.iloc[:0], keys)
    assert later.tolist() == [] and first.empty and isinstance(later, np.ndarray)
    rng = np.random.default_rng(5)  # many rows, few values: keys repeat, blanks among them
    pick = rng.integers(0, 4, (3, 500))
    wide = pd.DataFrame({"project_id": np.array(["P1", "P2", "P3", None], dtype=object)[pick[0]],
                         "resource_id": np.array(["R1", None, "R2", "R3"], dtype=object)[pick[1]],
                         "start": pd.to_datetime(np.array([FEB_1, FEB_28, nat, FEB_1], dtype=object)[pick[2]]),
                         "_row": np.arange(2, 502)})
    for limit in (1 << 62, 5):  # 5: the key numbered again after every column, as if it could overflow
        monkeypatch.setattr(duplicates, "SPAN_LIMIT", limit)
        later, first = _repeats(wide, keys)
        assert later.tolist() == wide.duplicated(subset=keys, keep="first").tolist()
        pd.testing.assert_series_equal(first, _first_rows(wide, keys))


def test_conflicting_progress_rows_are_all_refused_exact_repeats_only_once():
    row = {"project_id": "P1", "period": D(2026, 5, 1), "pv": 10.0, "ev": 9.0, "ac": 8.0}
    raw = tables(Projects=[project("P1"), project("P2")],
                 Progress=[row, {**row, "ev": 7.0}, {**row, "project_id": "P2"}, {**row, "project_id": "P2"}],
                 Baseline=[{"project_id": "P1", "period": D(2026, 5, 1), "planned_value": 5.0}] * 2)
    portfolio = validate(raw)
    assert flat(portfolio.issues, "conflicting-progress", "duplicate-key") == [
        ("Baseline", 3, "B", "duplicate-key"), ("Progress", 2, "B", "conflicting-progress"),
        ("Progress", 3, "B", "conflicting-progress"), ("Progress", 5, "B", "duplicate-key")]
    assert portfolio.progress["_row"].tolist() == [4]


def test_unknown_projects_and_resources_with_a_hint_once_per_mistake():
    raw = tables(Projects=[project("PRJ-001"), project("PRJ-002", bac="oops")], Resources=RESOURCES,
                 Allocations=[allocation("prj-001"), allocation("PRJ-002"), allocation("PRJ-001", "R9")],
                 Risks=[{"risk_id": "K1", "project_id": "PRJ-404", "title": "t", "probability": 1, "impact": 1, "status": "Open"}])
    portfolio = validate(raw)
    assert flat(portfolio.issues, "unknown-reference") == [
        ("Allocations", 2, "A", "unknown-reference"), ("Allocations", 4, "B", "unknown-reference"), ("Risks", 2, "B", "unknown-reference")]
    assert "did you mean PRJ-001?" in next(i.message for i in portfolio.issues if i.row == 2 and i.sheet == "Allocations")


def test_roles_must_be_a_role_of_some_resource():
    raw = tables(Projects=[project("P1")], Resources=RESOURCES,
                 Allocations=[allocation(resource_id=None, role="Develper"), allocation(role="Architect"), allocation(resource_id=None, role="Tester")])
    issues = [i for i in validate(raw).issues if i.code == "unknown-role"]
    assert [(i.row, i.column, i.severity) for i in issues] == [(2, "C", Severity.ERROR), (3, "C", Severity.WARNING)]
    assert "did you mean Developer?" in issues[0].message


def test_dependencies_must_name_other_projects():
    raw = tables(Projects=[project("P1", depends_on="P2, P9"), project("P2", depends_on="P2"), project("P3", depends_on="P1;P2")])
    assert flat(validate(raw).issues, "unknown-dependency") == [("Projects", 2, "O", "unknown-dependency"), ("Projects", 3, "O", "unknown-dependency")]


def test_allocations_outside_the_project_or_the_availability():
    raw = tables(Projects=[project("P1", start=D(2026, 2, 1), finish=D(2026, 6, 30))], Resources=RESOURCES,
                 Allocations=[allocation(start=D(2026, 1, 15)), allocation(finish=D(2026, 7, 15)),
                              allocation("P1", "R2", start=D(2026, 2, 1), finish=D(2026, 2, 20)),
                              allocation("P1", "R2", start=D(2026, 3, 1), finish=D(2026, 3, 20))])
    portfolio = validate(raw)
    assert flat(portfolio.issues, "allocation-outside-project", "allocation-outside-availability") == [
        ("Allocations", 2, "D", "allocation-outside-project"), ("Allocations", 3, "E", "allocation-outside-project"),
        ("Allocations", 4, "D", "allocation-outside-availability")]
    assert len(portfolio.allocations) == 4  # warnings: the rows still count


def test_milestones_outside_their_project():
    raw = tables(Projects=[project("P1")],
                 Milestones=[{"project_id": "P1", "milestone": "Go-live", "baseline_date": D(2027, 3, 1)},
                             {"project_id": "P1", "milestone": "Design", "baseline_date": D(2026, 3, 1)},
                             {"project_id": "P1", "milestone": "design", "baseline_date": D(2026, 4, 1)}])
    assert flat(validate(raw).issues, "milestone-outside-project", "duplicate-key") == [
        ("Milestones", 2, "C", "milestone-outside-project"), ("Milestones", 4, "B", "duplicate-key")]


def test_lookups_give_what_reindex_gives_for_each_column():
    """`lookups` looks each key's row up once for all columns: the values and types `reindex` gives column by column
    (NaT, NaN where a key is missing or blank; a whole-number column stays whole when every key is found)."""
    import numpy as np
    import pandas as pd

    from pmo_xl.checks.core import _looked_up, lookups

    frame = pd.DataFrame({"id": ["A", "B", None, "C", "A"], "day": pd.to_datetime([FEB_1, None, FEB_28, FEB_28, FEB_1]),
                          "share": [1.5, np.nan, 2.0, 3.0, 9.0], "name": ["x", None, "y", "z", "w"], "count": [1, 2, 3, 4, 5]})
    rng = np.random.default_rng(3)
    keys = pd.Series(np.array(["A", "B", None, "C", "Z"], dtype=object)[rng.integers(0, 5, 40)], index=rng.permutation(40) + 7)
    unique = frame.dropna(subset=["id"]).drop_duplicates(subset=["id"], keep="first").set_index("id")
    for chosen in (keys, keys[keys.isin(["A", "C"])]):
        columns = ("day", "share", "name") if len(chosen) == len(keys) else ("day", "share", "name", "count")
        for found, column in zip(lookups(chosen, frame, "id", columns), columns, strict=True):
            pd.testing.assert_series_equal(found, _looked_up(chosen, unique[column]))
    for found in lookups(keys, frame.iloc[:0], "id", ("day", "share")):  # nothing to find
        assert found.isna().all() and len(found) == len(keys)
