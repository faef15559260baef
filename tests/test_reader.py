"""The reader at the I/O edge: tables by name or by header scan, moved and extra columns, blank
rows, .xlsm, serial dates, header case and spacing, and the sheet-XML scan (error cells,
formulas without a cached value, hidden rows, namespace prefixes)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import xlsxwriter
from streamed_xlsx import Raw, write_streamed_workbook
from test_validation_cells import flat

from pmo_xl.io.read_workbook import read_workbook, scan_sheets
from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.schema.registers import PROJECTS
from pmo_xl.usecases import ALL_TABLES, load_portfolio

HEADERS = [c.header for c in PROJECTS.columns]
SCORES = [f"Score: {name}" for name in ("Strategic alignment", "Business value", "Urgency", "Risk", "Resource fit", "Stakeholder impact")]


def _row(project_id: str, **values: object) -> dict[str, object]:
    record: dict[str, object] = {"Project ID": project_id, "Project name": "X", "Status": "Active", "Planned start": dt.datetime(2026, 1, 1),
                                 "Planned finish": dt.datetime(2026, 12, 31), "Budget (BAC)": 1000.0}
    record.update({s: 3 for s in SCORES})
    record.update(values)
    return record


def _sheet_workbook(path: Path, headers: list[str], records: list[dict[str, object] | None], header_row: int = 0,
                    first_col: int = 0, table: str | None = None, title: str | None = None) -> Path:
    """A Projects sheet written cell by cell (None in `records` is a blank row)."""
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Projects")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    if title:
        sheet.write(0, 0, title)
    for c, header in enumerate(headers):
        sheet.write(header_row, first_col + c, header)
    for r, record in enumerate(records, start=header_row + 1):
        for c, header in enumerate(headers):
            value = (record or {}).get(header)
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, first_col + c, value, dates)
            elif value is not None:
                sheet.write(r, first_col + c, value)
    if table:
        sheet.add_table(header_row, first_col, header_row + max(len(records), 1), first_col + len(headers) - 1,
                        {"name": table, "columns": [{"header": h} for h in headers]})
    book.close()
    return path


def test_table_found_by_name_case_insensitively(tmp_path):
    path = _sheet_workbook(tmp_path / "t.xlsx", HEADERS + SCORES, [_row("P1")], header_row=2, first_col=1, table="TBLPROJECTS")
    raw = read_workbook(path, ALL_TABLES).tables["Projects"]
    assert (raw.table, raw.header_row, raw.first_column, raw.row_numbers) == ("TBLPROJECTS", 3, 2, [4])


def test_without_a_table_the_header_row_is_found_below_a_title(tmp_path):
    path = _sheet_workbook(tmp_path / "t.xlsx", HEADERS + SCORES, [_row("P1"), _row("P2")], header_row=3, first_col=2, title="Portfolio 2026")
    raw = read_workbook(path, ALL_TABLES).tables["Projects"]
    assert (raw.table, raw.header_row, raw.first_column, raw.row_numbers) == (None, 4, 3, [5, 6])
    assert ("Projects", 4, "C", "no-table") in flat(load_portfolio(path).issues)


def test_moved_and_extra_columns_and_header_case_and_spacing(tmp_path):
    headers = ["Notes", "  budget (bac) ", *reversed(HEADERS[:11]), "PROJECT   id", *SCORES]
    headers.remove("Project ID")
    records = [{**_row("P1"), "  budget (bac) ": "lots", "PROJECT   id": "P1", "Notes": "x"}]
    path = _sheet_workbook(tmp_path / "t.xlsx", headers, records, table="tblProjects")
    portfolio = load_portfolio(path)
    budget, project_id = "B", chr(ord("A") + headers.index("PROJECT   id"))
    assert portfolio.layout["Projects"]["bac"] == budget and portfolio.layout["Projects"]["project_id"] == project_id
    assert flat(portfolio.issues, "extra-column", "not-a-number") == [("Projects", 1, "A", "extra-column"), ("Projects", 2, budget, "not-a-number")]


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers(tmp_path):
    path = _sheet_workbook(tmp_path / "t.xlsx", HEADERS + SCORES, [_row("P1"), None, None, _row("P2", **{"Budget (BAC)": -5.0})],
                           table="tblProjects")
    raw = read_workbook(path, ALL_TABLES).tables["Projects"]
    assert raw.row_numbers == [2, 5]
    assert flat(load_portfolio(path).issues, "out-of-range") == [("Projects", 5, "L", "out-of-range")]


def test_serial_dates_in_general_cells_are_read_as_dates_with_a_note(tmp_path):
    path = _sheet_workbook(tmp_path / "t.xlsx", HEADERS + SCORES, [_row("P1", **{"Planned start": 46023})], table="tblProjects")
    portfolio = load_portfolio(path)
    assert flat(portfolio.issues, "serial-date") == [("Projects", 2, "J", "serial-date")]
    assert portfolio.projects["start"].iloc[0] == dt.datetime(2026, 1, 1)


def test_an_xlsm_reads_like_an_xlsx(tmp_path):
    xlsx = tmp_path / "p.xlsx"
    write_portfolio_workbook(xlsx, {"Projects": [["P1", "X", None, None, None, None, None, "Actve", None, dt.date(2026, 1, 1),
                                                  dt.date(2026, 2, 1), 10.0, None, None, None, None, None, 3, 3, 3, 3, 3, 3]]})
    xlsm = tmp_path / "p.xlsm"
    with zipfile.ZipFile(xlsx) as source, zipfile.ZipFile(xlsm, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
            target.writestr(item, data)
    assert flat(load_portfolio(xlsm).issues, "not-allowed") == [("Projects", 2, "H", "not-allowed")]


def test_the_scan_finds_error_cells_uncalculated_formulas_and_hidden_rows(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "S"
    sheet.append(["a", "b", "c"])
    sheet.append(["#DIV/0!", "=1+1", 5])
    sheet.append(["x", '=""', "=A1"])
    sheet.row_dimensions[3].hidden = True
    path = tmp_path / "s.xlsx"
    book.save(path)
    scan = scan_sheets(path, {"S"})["S"]
    assert scan.errors == {(1, 0): "#DIV/0!"}
    assert scan.uncalculated == {(1, 1): "=1+1", (2, 1): '=""', (2, 2): "=A1"}
    assert scan.hidden_rows == {3}


def test_the_scan_handles_namespace_prefixes_and_calculated_formulas(tmp_path):
    path = write_streamed_workbook(tmp_path / "p.xlsx", "Projects", ["a", "b", "c"], [
        [Raw('<c r="{ref}" t="e"><f>1/0</f><v>#DIV/0!</v></c>'), Raw('<c r="{ref}"><f>1+1</f><v>2</v></c>'),
         Raw('<c r="{ref}" t="str"><f>""</f><v></v></c>')],
        [Raw('<c r="{ref}"><f t="shared" si="0"/></c>'), 1, 2],
    ])
    with zipfile.ZipFile(path) as source:
        xml = source.read("xl/worksheets/sheet1.xml").decode()
    prefixed = (xml.replace("<worksheet xmlns=", "<x:worksheet xmlns:x=").replace("</worksheet>", "</x:worksheet>")
                .replace("<sheetData", "<x:sheetData").replace("</sheetData", "</x:sheetData")
                .replace("<row ", "<x:row ").replace("</row>", "</x:row>").replace("<c ", "<x:c ").replace("</c>", "</x:c>")
                .replace("<f", "<x:f").replace("</f>", "</x:f>").replace("<v>", "<x:v>").replace("</v>", "</x:v>"))
    for name, text in (("plain.xlsx", xml), ("prefixed.xlsx", prefixed)):
        copy = tmp_path / name
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w") as target:
            for item in source.infolist():
                target.writestr(item, text if item.filename == "xl/worksheets/sheet1.xml" else source.read(item))
        scan = scan_sheets(copy, {"Projects"})["Projects"]
        assert scan.errors == {(1, 0): "#DIV/0!"}, name
        assert scan.uncalculated == {(2, 0): "(a shared formula)"}, name


def test_each_register_sheet_is_parsed_once_and_scanned_once(tmp_path, monkeypatch):
    """Read once (issue 20): one calamine parse and one XML pass per sheet, whatever its registers."""
    import types

    import python_calamine

    from pmo_xl.io import read_workbook as reader
    from pmo_xl.io.package import Package

    path = write_portfolio_workbook(tmp_path / "p.xlsx", {"Projects": [["P1", "CRM"]], "Resources": [["R1", "Ann"]]})
    calls: list[tuple[str, str]] = []

    class CountingBook:
        def __init__(self, book: python_calamine.CalamineWorkbook) -> None:
            self.book = book

        def get_sheet_by_name(self, name: str) -> object:
            calls.append(("parse", name))
            return self.book.get_sheet_by_name(name)

        def get_sheet_by_index(self, index: int) -> object:
            calls.append(("parse", str(index)))
            return self.book.get_sheet_by_index(index)

        def get_table_by_name(self, name: str) -> object:
            calls.append(("parse table", name))
            return self.book.get_table_by_name(name)

        def __getattr__(self, name: str) -> object:
            return getattr(self.book, name)

    def opened(source: object, **options: object) -> CountingBook:
        calls.append(("open", ""))
        return CountingBook(python_calamine.CalamineWorkbook.from_path(source, **options))  # type: ignore[arg-type]

    counting = types.SimpleNamespace(**{name: getattr(python_calamine, name) for name in dir(python_calamine)})
    counting.CalamineWorkbook = types.SimpleNamespace(from_path=opened, from_filelike=opened)
    monkeypatch.setattr(reader, "calamine", counting)
    real_chunks = Package.chunks

    def counted_chunks(self: Package, member: str, **options: int):  # type: ignore[no-untyped-def]
        if "worksheets/" in member and not member.endswith(".rels") and not options:  # not the 64-byte look at its encoding
            calls.append(("scan", member))
        return real_chunks(self, member, **options)

    monkeypatch.setattr(Package, "chunks", counted_chunks)
    raw = reader.read_workbook(path, ALL_TABLES)
    parsed = [name for kind, name in calls if kind == "parse"]
    scanned = [member for kind, member in calls if kind == "scan"]
    assert {"Projects", "Resources", "Settings"} <= set(parsed)
    assert sorted(parsed) == sorted(set(parsed)) and len(scanned) == len(set(scanned)) == len(parsed)
    assert ("open", "") in calls and calls.count(("open", "")) == 1 and not [c for c in calls if c[0] == "parse table"]
    assert raw.tables["Projects"].rows[0][:2] == ["P1", "CRM"] and raw.tables["Settings"].table is not None
