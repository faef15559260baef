"""The PM project-update template: built from the schema, deterministic, guiding, and read back as written."""

from __future__ import annotations

import datetime as dt
import filecmp
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_xl.build import artefacts
from pmo_xl.collect.feedback import feedback_content
from pmo_xl.collect.form import (
    FORM_COLUMNS,
    HEADER_COLUMNS,
    TEMPLATE_VERSION,
    UPDATE_TABLES,
    VERSION_NAME,
    UpdateData,
)
from pmo_xl.collect.model import Context, Limits, ProjectInfo, Status
from pmo_xl.collect.read import read_update_file
from pmo_xl.collect.template import form_row, write_update_template
from pmo_xl.collect.validate import validate_reads
from pmo_xl.schema.registers import ALLOCATIONS, MILESTONES, PROGRESS, RAG, RISK_STATUSES, RISKS

OCT = dt.date(2026, 10, 1)
CONTEXT = Context(projects={"PRJ-001": ProjectInfo("CRM", "Ann Lee", "Active")}, known_projects=frozenset({"PRJ-001"}),
                  known_resources=frozenset({"RES-1"}), risk_projects={}, period=OCT)


def submit(path: Path):  # noqa: ANN201 - a Submission
    read = read_update_file(str(path), path.name, path.stat().st_size, path.stat().st_mtime, "x", Limits())
    [submission] = validate_reads([read], CONTEXT)
    return submission


def test_building_twice_gives_identical_bytes(tmp_path: Path) -> None:
    write_update_template(tmp_path / "a.xlsx")
    write_update_template(tmp_path / "b.xlsx")
    assert filecmp.cmp(tmp_path / "a.xlsx", tmp_path / "b.xlsx", shallow=False)
    data = UpdateData({"submitted": dt.date(2026, 11, 3)}, {"pv": 1.5, "commentary": "x"}, [{"risk_id": "R-1"}])
    write_update_template(tmp_path / "c.xlsx", "PRJ-001", "2026-10", data)
    write_update_template(tmp_path / "d.xlsx", "PRJ-001", "2026-10", data)
    assert filecmp.cmp(tmp_path / "c.xlsx", tmp_path / "d.xlsx", shallow=False)
    assert "Project-update-template.xlsx" in artefacts()  # pmo-xl build writes it into workbooks/


def test_sheets_tables_and_lines_come_from_the_schema(tmp_path: Path) -> None:
    path = write_update_template(tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(path)
    beside = ["Issue log", "Actions", "Decisions", "Change requests", "Benefit progress", "Lessons"]  # template v3
    assert book.sheetnames == ["Instructions", "Update", "Risks", "Milestones", "Resource needs", *beside]
    assert book.active.title == "Update"
    tables = {name: (ws.title, ws.tables[name].ref) for ws in book for name in ws.tables}
    assert set(tables) == {"tblUpdate", "tblRisks", "tblMilestones", "tblAllocations", "tblIssueLog", "tblActions", "tblDecisions",
                           "tblChangeRequests", "tblBenefitProgress", "tblLessons"}
    # The form: the header lines, the version, then every Progress column but its keys, in order.
    progress = [c.header for c in PROGRESS.columns if c.field not in ("project_id", "period")]
    lines = [book["Update"].cell(row, 1).value for row in range(5, 5 + len(FORM_COLUMNS))]
    assert lines == ["Project ID", "Project name", "Period", "Project manager", "Submitted on", "Template version", *progress]
    assert [c.header for c in HEADER_COLUMNS] == lines[:5]
    for table, register in zip(("Risks", "Milestones", "Resource needs"), (RISKS, MILESTONES, ALLOCATIONS), strict=True):
        headers = [cell.value for cell in book[table][1]]
        assert headers == [c.header for c in register.columns if c.field != "project_id"], table


def test_the_version_is_recorded_where_pms_cannot_see_it_and_on_the_form(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_update_template(tmp_path / "t.xlsx"))
    assert book.defined_names[VERSION_NAME].attr_text == f"{TEMPLATE_VERSION}"
    assert book["Update"].cell(form_row("template_version"), 2).value == TEMPLATE_VERSION


def test_drop_downs_validation_input_messages_and_formats_guide_the_pm(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_update_template(tmp_path / "t.xlsx"))
    form = book["Update"]
    rules = {str(v.sqref): v for v in form.data_validations.dataValidation}
    rag = rules[f"B{form_row('rag_cost')}"]
    assert (rag.type, rag.formula1) == ("list", '"' + ",".join(RAG) + '"')
    assert rag.prompt == PROGRESS.column("rag_cost").meaning
    pv = rules[f"B{form_row('pv')}"]
    assert (pv.type, float(pv.formula1)) == ("decimal", 0.0)
    assert rules[f"B{form_row('period')}"].type == "date"
    assert form.cell(form_row("pv"), 2).number_format == "#,##0"
    assert form.cell(form_row("pct_complete"), 2).number_format == "0%"
    assert form.cell(form_row("period"), 2).number_format == "yyyy-mm"
    risks = {str(v.sqref): v for v in book["Risks"].data_validations.dataValidation}
    probability = risks["E2:E2001"]
    assert (probability.type, probability.formula1, probability.formula2) == ("whole", "1", "5")
    status = risks["I2:I2001"]
    assert status.formula1 == '"' + ",".join(RISK_STATUSES) + '"'


def test_prefilled_for_a_project_and_month(tmp_path: Path) -> None:
    path = write_update_template(tmp_path / "t.xlsx", {"project_id": "PRJ-001", "project_name": "CRM", "manager": "Ann Lee"},
                                 dt.date(2026, 10, 17))
    form = openpyxl.load_workbook(path)["Update"]
    assert [form.cell(form_row(f), 2).value for f in ("project_id", "project_name", "manager")] == ["PRJ-001", "CRM", "Ann Lee"]
    assert form.cell(form_row("period"), 2).value == dt.datetime(2026, 10, 1)
    with pytest.raises(ValueError, match="expected a date or YYYY-MM"):
        write_update_template(tmp_path / "x.xlsx", "PRJ-001", "October")


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    data = UpdateData({"submitted": dt.date(2026, 11, 3)},
                      {"pv": 10.0, "ev": 9.0, "ac": 9.5, "commentary": '=HYPERLINK("http://example.com")'},
                      [{"risk_id": "R-1", "title": "+44 20 7946 0000 never answers", "owner": "@ops", "probability": 2,
                        "impact": 2, "status": "Open"}])
    path = write_update_template(tmp_path / "t.xlsx", "PRJ-001", "2026-10", data)
    book = openpyxl.load_workbook(path)
    commentary = book["Update"].cell(form_row("commentary"), 2)
    assert (commentary.data_type, commentary.value) == ("s", '=HYPERLINK("http://example.com")')
    assert [(c.data_type, c.value) for c in (book["Risks"]["B2"], book["Risks"]["D2"])] == [
        ("s", "+44 20 7946 0000 never answers"), ("s", "@ops")]
    submission = submit(path)
    assert submission.progress["commentary"] == '=HYPERLINK("http://example.com")'
    assert submission.rows["Risks"][0]["title"] == "+44 20 7946 0000 never answers"


TEXT = st.text(alphabet=st.characters(whitelist_categories=("L", "N", "Zs"), whitelist_characters="=+-@.,;:()'/"),
               min_size=1, max_size=40).map(str.strip).filter(bool)
MONEY = st.floats(min_value=0, max_value=1e8, allow_nan=False).map(lambda x: round(x, 2))
DAY = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def updates(draw: st.DrawFn) -> UpdateData:
    ev = draw(st.none() | MONEY)
    progress = {"pv": draw(MONEY), "ev": ev, "pct_complete": draw(st.floats(0, 1).map(lambda x: round(x, 4)))
                if ev is None else draw(st.none() | st.floats(0, 1).map(lambda x: round(x, 4))),
                "ac": draw(MONEY), "etc": draw(st.none() | MONEY), "commentary": draw(st.none() | TEXT),
                **{f: draw(st.none() | st.sampled_from(RAG)) for f in ("rag_scope", "rag_schedule", "rag_cost", "rag_resources")}}
    ids = draw(st.lists(st.integers(1, 999), max_size=4, unique=True))
    risks = [{"risk_id": f"R-{k:03d}", "title": draw(TEXT), "probability": draw(st.integers(1, 5)), "impact": draw(st.integers(1, 5)),
              "cost_impact": draw(st.none() | MONEY), "status": draw(st.sampled_from(RISK_STATUSES)), "raised": draw(st.none() | DAY)}
             for k in ids]
    names = draw(st.lists(TEXT, max_size=3, unique_by=str.casefold))
    milestones = [{"milestone": n, "baseline_date": draw(DAY), "actual_date": draw(st.none() | DAY)} for n in names]
    needs = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(DAY)
        needs.append({"resource_id": draw(st.sampled_from(["RES-1", None])), "role": "Developer", "start": start,
                      "finish": start + dt.timedelta(days=draw(st.integers(0, 90))), "effort_hours": draw(MONEY), "state": "Committed"})
    header = {"project_id": "PRJ-001", "project_name": "CRM", "period": OCT, "manager": "Ann Lee", "submitted": draw(DAY)}
    return UpdateData(header, progress, risks, milestones, needs)


def _full(register_fields: tuple[str, ...], record: dict[str, object]) -> dict[str, object]:
    return {f: record.get(f) for f in register_fields}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=updates())
def test_what_is_written_is_read_back_exactly(tmp_path: Path, data: UpdateData) -> None:
    path = write_update_template(tmp_path / "u.xlsx", prefill=data)
    submission = submit(path)
    assert submission.status == Status.ACCEPTED, [i.as_line() for i in submission.issues]
    assert submission.header == data.header
    assert submission.progress == {"project_id": "PRJ-001", "period": OCT, **_full(PROGRESS.fields[2:], data.progress)}
    for table in UPDATE_TABLES:
        expected = [{"project_id": "PRJ-001", **_full(table.register.fields, r)} for r in data.rows_for(table.sheet)]
        assert submission.rows.get(table.target.name, []) == expected, table.sheet


def test_feedback_marks_the_cells_even_when_the_pm_moved_columns(tmp_path: Path) -> None:
    """A PM's own layout (columns swapped, form lower down): problems land on the right cells of the rebuilt copy."""
    book = openpyxl.Workbook()
    form = book.active
    form.title = "Update"
    form.append(["My project update"])
    form.append([])
    form.append(["Item", "Value"])
    for label, value in (("Project ID", "PRJ-001"), ("Period", "2026-10"), ("PV (cumulative)", 10.0), ("EV (cumulative)", 9.0),
                         ("AC (cumulative)", "lots"), ("Submitted on", dt.date(2026, 11, 3))):
        form.append([label, value])
    from openpyxl.worksheet.table import Table

    form.add_table(Table(displayName="tblUpdate", ref="A3:B9"))
    risks = book.create_sheet("Risks")
    risks.append(["Status", "Impact (1-5)", "Probability (1-5)", "Title", "Risk ID"])
    risks.append(["Open", 2, 9, "Too likely", "R-1"])
    risks.add_table(Table(displayName="tblRisks", ref="A1:E2"))
    book.save(tmp_path / "own.xlsx")  # a new file made by the test, standing in for a PM's own workbook
    submission = submit(tmp_path / "own.xlsx")
    located = sorted((i.sheet, i.cell, i.code) for i in submission.issues if i.severity == "error")
    assert located == [("Risks", "C2", "out-of-range"), ("Update", "B8", "not-a-number")]
    data, marks = feedback_content(submission)
    assert data.progress["ac"] == "lots" and data.risks[0]["probability"] == 9
    ac_row0 = form_row("ac") - 1
    assert marks.cells[("Update", ac_row0, 1)][0] == "error"
    assert marks.cells[("Risks", 1, RISKS.fields.index("probability") - 1)][0] == "error"  # column E of the template
    assert ("Update", f"B{ac_row0 + 1}", "error") in [line[:3] for line in marks.lines]
