"""The button actions on the WorkbookPort: MemoryPort, and XlwingsPort over a stand-in Book.

The actions run against `MemoryPort` (the double) and against `XlwingsPort` over `FakeBook`, a
small stand-in for the parts of xlwings' Book API the port uses. Every attribute the stand-in
offers exists under the same name on the real xlwings class (checked below), so the port's
calls are real xlwings API; what Excel itself then does with them is on the Excel checklist.
Both ports must give the same observable result for the same action: that is the contract.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlwings

import pmo_xl.macros as macros
from pmo_xl.excel.actions import priority_frame, run_validate, validation_frame
from pmo_xl.excel.build_xlsm import build_pmo_xlsm
from pmo_xl.excel.layout import (
    HOME_SHEET,
    LOADING,
    NAMED_CELLS,
    NOTE_PREFIX,
    PRIORITIES,
    TOOL_TABLES,
    UPDATES,
    VALIDATION,
)
from pmo_xl.excel.memory_port import MemoryPort
from pmo_xl.issues import column_letter
from pmo_xl.port import Formula, XlwingsPort, chunk_addresses, excel_rows, excel_value
from pmo_xl.raw import RawTable
from pmo_xl.usecases import ALL_TABLES, validate_file

# --- a stand-in for xlwings' Book API ------------------------------------------------------------

Cell = tuple[int, int]


def parse_cell(address: str) -> Cell:
    match = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", address.strip().upper())
    assert match, address
    col = 0
    for ch in match.group(1):
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)), col


class FakeNote:
    def __init__(self, sheet: FakeSheet, cell: Cell) -> None:
        self._sheet, self._cell = sheet, cell

    @property
    def text(self) -> str:
        return self._sheet.notes[self._cell]

    @text.setter
    def text(self, value: str) -> None:
        self._sheet.notes[self._cell] = value

    def delete(self) -> None:
        del self._sheet.notes[self._cell]


class FakeRange:
    def __init__(
        self, sheet: FakeSheet, top: int, left: int, bottom: int, right: int, cells: list[Cell] | None = None
    ) -> None:
        self.sheet, self.top, self.left, self.bottom, self.right = sheet, top, left, bottom, right
        self._cells = cells  # a union range ("A1,C3") lists its cells

    def _all(self) -> list[Cell]:
        if self._cells is not None:
            return self._cells
        return [(r, c) for r in range(self.top, self.bottom + 1) for c in range(self.left, self.right + 1)]

    @property
    def row(self) -> int:
        return self.top

    @property
    def column(self) -> int:
        return self.left

    @property
    def shape(self) -> tuple[int, int]:
        return self.bottom - self.top + 1, self.right - self.left + 1

    def options(self, **options: Any) -> FakeRange:
        assert set(options) <= {"ndim", "err_to_str"}
        return self

    @property
    def value(self) -> Any:
        rows = [
            [self.sheet.cells.get((r, c)) for c in range(self.left, self.right + 1)]
            for r in range(self.top, self.bottom + 1)
        ]
        return rows if self.shape != (1, 1) else rows[0][0]

    @value.setter
    def value(self, data: Any) -> None:
        block = data if isinstance(data, list) else [[data]]
        self.sheet.writes += 1
        for i, row in enumerate(block):
            for j, value in enumerate(row):
                if isinstance(value, str) and value.startswith("'"):
                    value = value[1:]  # Excel's text prefix is not part of the value
                self.sheet.cells[(self.top + i, self.left + j)] = value if value != "" else None

    def __getitem__(self, key: tuple[int, int]) -> FakeRange:
        r, c = key
        return FakeRange(self.sheet, self.top + r, self.left + c, self.top + r, self.left + c)

    def resize(self, row_size: int | None = None, column_size: int | None = None) -> FakeRange:
        rows, cols = self.shape
        return FakeRange(
            self.sheet,
            self.top,
            self.left,
            self.top + (row_size or rows) - 1,
            self.left + (column_size or cols) - 1,
        )

    def offset(self, row_offset: int = 0, column_offset: int = 0) -> FakeRange:
        return FakeRange(self.sheet, self.top + row_offset, self.left + column_offset,
                         self.bottom + row_offset, self.right + column_offset)  # fmt: skip

    def clear_contents(self) -> None:
        for cell in self._all():
            self.sheet.cells.pop(cell, None)

    @property
    def color(self) -> Any:
        return self.sheet.fills.get((self.top, self.left))

    @color.setter
    def color(self, value: str | None) -> None:
        for cell in self._all():
            if value is None:
                self.sheet.fills.pop(cell, None)
            else:
                self.sheet.fills[cell] = value

    @property
    def number_format(self) -> str:
        return self.sheet.formats.get((self.top, self.left), "General")

    @number_format.setter
    def number_format(self, value: str) -> None:
        for cell in self._all():
            self.sheet.formats[cell] = value

    @property
    def note(self) -> FakeNote | None:
        return (
            FakeNote(self.sheet, (self.top, self.left)) if (self.top, self.left) in self.sheet.notes else None
        )

    def add_note(self, text: str) -> FakeNote:
        assert (self.top, self.left) not in self.sheet.notes
        self.sheet.notes[(self.top, self.left)] = text
        return FakeNote(self.sheet, (self.top, self.left))


class FakeTable:
    def __init__(self, sheet: FakeSheet, name: str, rng: FakeRange) -> None:
        self._sheet, self._name, self._range = sheet, name, rng
        self.show_totals = False

    @property
    def name(self) -> str:
        return self._name

    @property
    def parent(self) -> FakeSheet:
        return self._sheet

    @property
    def range(self) -> FakeRange:
        return self._range

    def resize(self, range: FakeRange) -> None:  # noqa: A002 - xlwings' own parameter name
        self._range = range


class FakeCollection(dict):
    """Sheets / tables: indexable by name, iterable over the objects (as xlwings collections)."""

    def __iter__(self) -> Iterator[Any]:  # type: ignore[override]
        return iter(list(self.values()))

    def __getitem__(self, key: str) -> Any:
        for name, item in self.items():
            if name.casefold() == key.casefold():
                return item
        raise KeyError(key)


class FakeSheet:
    def __init__(self, name: str, visible: bool = True) -> None:
        self._name, self._visible = name, visible
        self.cells: dict[Cell, Any] = {}
        self.fills: dict[Cell, str] = {}
        self.notes: dict[Cell, str] = {}
        self.formats: dict[Cell, str] = {}
        self.tables = FakeCollection()
        self.writes = 0
        self.activated = 0

    @property
    def name(self) -> str:
        return self._name

    @property
    def visible(self) -> bool:
        return self._visible

    def range(self, first: Any, second: Any = None) -> FakeRange:
        if second is not None:
            (r1, c1), (r2, c2) = first, second
            return FakeRange(self, r1, c1, r2, c2)
        cells = [parse_cell(a) for a in str(first).split(",")]
        if len(cells) == 1:
            return FakeRange(self, *cells[0], *cells[0])
        return FakeRange(self, cells[0][0], cells[0][1], cells[0][0], cells[0][1], cells)

    def __getitem__(self, address: str) -> FakeRange:
        return self.range(address)

    def activate(self) -> None:
        self.activated += 1

    def add_table(self, raw: RawTable) -> None:
        top, left = raw.header_row, raw.first_column
        self.range((top, left), (top, left + len(raw.headers) - 1)).value = [list(raw.headers)]
        for number, row in zip(raw.row_numbers, raw.rows, strict=True):
            self.range((number, left), (number, left + len(row) - 1)).value = [list(row)]
        bottom = max([top + 1, *raw.row_numbers])
        self.tables[raw.table or "Table"] = FakeTable(
            self, raw.table or "Table", FakeRange(self, top, left, bottom, left + len(raw.headers) - 1)
        )


class FakeName:
    def __init__(self, book: FakeBook, refers_to: str) -> None:
        self._book, self._refers_to = book, refers_to

    @property
    def refers_to_range(self) -> FakeRange:
        sheet, address = self._refers_to.lstrip("=").split("!")
        return self._book.sheets[sheet.strip("'")].range(address.replace("$", ""))


class FakeNames(dict):
    def contains(self, name_or_index: str) -> bool:
        return name_or_index in self

    def __call__(self, name_or_index: str) -> FakeName:
        return self[name_or_index]


class FakeBooks:
    def __init__(self) -> None:
        self.opened: list[str] = []

    def open(self, fullname: str) -> None:
        self.opened.append(fullname)


class FakeApp:
    def __init__(self) -> None:
        self.books = FakeBooks()
        self.alerts: list[tuple[str, str | None]] = []
        self.property_calls: list[dict[str, Any]] = []
        self.status_bar: Any = False

    @contextlib.contextmanager
    def properties(self, **kwargs: Any) -> Iterator[FakeApp]:
        self.property_calls.append(kwargs)
        yield self

    def alert(
        self,
        prompt: str,
        title: str | None = None,
        buttons: str = "ok",
        mode: str | None = None,
        callback: str | None = None,
    ) -> None:
        self.alerts.append((prompt, title))


class FakeBook:
    def __init__(self, fullname: str) -> None:
        self._fullname = fullname
        self.sheets = FakeCollection()
        self.names = FakeNames()
        self.app = FakeApp()

    @property
    def fullname(self) -> str:
        return self._fullname

    def add_sheet(self, name: str, visible: bool = True) -> FakeSheet:
        self.sheets[name] = FakeSheet(name, visible)
        return self.sheets[name]

    def define_name(self, name: str, sheet: str, row: int, col: int) -> None:
        self.names[name] = FakeName(self, f"={sheet}!${column_letter(col)}${row}")


# The real xlwings classes each stand-in stands for (checked name by name below); helpers that
# only build the stand-in are not API.
STANDS_FOR = {
    "FakeRange": "Range", "FakeTable": "main.Table", "FakeSheet": "Sheet", "FakeBook": "Book",
    "FakeNames": "main.Names", "FakeName": "main.Name", "FakeApp": "App", "FakeNote": "main.Note", "FakeBooks": "main.Books",
}  # fmt: skip

TEST_HELPERS = {
    "add_sheet",
    "define_name",
    "add_table",
    "cells",
    "fills",
    "notes",
    "formats",
    "writes",
    "activated",
    "opened",
    "alerts",
    "property_calls",
    "show_totals",
    "sheet",
    "top",
    "left",
    "bottom",
    "right",
}


def fake_book_from(port: MemoryPort) -> FakeBook:
    """A FakeBook holding the same tables, sheets and Home names as a MemoryPort."""
    book = FakeBook(port.workbook_path)
    for sheet in sorted(port.sheets):
        book.add_sheet(sheet)
    for table in port.tables.values():
        book.sheets[table.sheet].add_table(table)
    for cell in NAMED_CELLS:
        book.define_name(cell.name, HOME_SHEET, cell.row + 1, cell.col + 1)
    return book


@pytest.fixture()
def memory(sample_workbook: Path, tmp_path: Path) -> MemoryPort:
    return MemoryPort.from_workbook(sample_workbook, ALL_TABLES, path=str(tmp_path / "PMO.xlsm"))


@pytest.fixture(autouse=True)
def _log_to_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(macros, "LOG_FILE", tmp_path / "logs" / "macros.log")


# --- the stand-in is xlwings' API, name by name ---------------------------------------------------


@pytest.mark.parametrize("fake", sorted(STANDS_FOR))
def test_the_stand_in_only_offers_real_xlwings_api(fake: str) -> None:
    real: Any = xlwings
    for part in STANDS_FOR[fake].split("."):
        real = getattr(real, part)
    offered = {n for n, v in vars(globals()[fake]).items() if not n.startswith("_") and n not in TEST_HELPERS}
    assert offered, fake
    assert sorted(n for n in offered if not hasattr(real, n)) == []


# --- values as Excel is given them ---------------------------------------------------------------


def test_text_can_never_become_a_formula_or_a_number() -> None:
    for text in ("=1+1", "+44 20", "-5", "@SUM(A1)", "1-2", "50%", "TRUE", "'quoted"):
        assert excel_value(text) == "'" + text
    assert excel_value(Formula('=HYPERLINK("#A1","Go to")')) == '=HYPERLINK("#A1","Go to")'


def test_blanks_dates_and_numbers_are_what_com_accepts() -> None:
    assert [excel_value(v) for v in (None, np.nan, pd.NaT, pd.NA, float("inf"), "")] == [None] * 6
    assert excel_value(pd.Timestamp("2026-03-01 10:30")) == dt.datetime(2026, 3, 1, 10, 30)
    assert excel_value(dt.date(2026, 3, 1)) == dt.datetime(2026, 3, 1)
    assert excel_value(np.int64(3)) == 3 and type(excel_value(np.float64(2.5))) is float
    assert excel_value(np.bool_(True)) is True


def test_a_frame_is_one_block_and_an_empty_one_keeps_a_row() -> None:
    assert excel_rows(pd.DataFrame({"A": [1, None], "B": ["x", "y"]})) == [
        ["'A", "'B"],
        [1, "'x"],
        [None, "'y"],
    ]
    assert excel_rows(pd.DataFrame(columns=["A", "B"])) == [["'A", "'B"], [None, None]]


def test_union_ranges_stay_under_excels_address_limit() -> None:
    cells = [f"{column_letter(c)}{r}" for c in range(1, 30) for r in range(1000, 1020)]
    chunks = chunk_addresses(cells)
    assert all(len(chunk) <= 240 for chunk in chunks)
    assert ",".join(chunks).split(",") == cells


# --- the double behaves like xlwings --------------------------------------------------------------

FRAME = pd.DataFrame({
    "ID": ["P1", "P2", "P3"], "Budget": [1000, 2.5, None], "Start": pd.to_datetime(["2026-01-05", None, "2026-02-01"]),
    "Note": ["=cmd|' /c calc'!A1", "", "plain"], "Ok": [True, False, None],
})  # fmt: skip
FRAME_READ_BACK = [
    ["P1", 1000.0, dt.datetime(2026, 1, 5), "=cmd|' /c calc'!A1", True],
    ["P2", 2.5, None, None, False],
    ["P3", None, dt.datetime(2026, 2, 1), "plain", None],
]


def _ports(tmp_path: Path) -> list[Any]:
    memory = MemoryPort(path=str(tmp_path / "PMO.xlsm"))
    return [memory, XlwingsPort(fake_book_from(memory))]


def test_written_tables_read_back_as_excel_hands_them_over(tmp_path: Path) -> None:
    for port in _ports(tmp_path):
        port.write_table(PRIORITIES.sheet, PRIORITIES.table, FRAME)
        read = port.read_table("TBLPRIORITY")  # table names are case-insensitive in Excel
        assert read.headers == list(FRAME.columns)
        assert read.rows == FRAME_READ_BACK, type(port).__name__
        header_row = PRIORITIES.first_row + 1
        assert read.header_row == header_row and read.row_numbers == [
            header_row + 1,
            header_row + 2,
            header_row + 3,
        ]


def test_a_smaller_table_leaves_nothing_of_the_last_run(tmp_path: Path) -> None:
    for port in _ports(tmp_path):
        port.write_table(PRIORITIES.sheet, PRIORITIES.table, FRAME)
        port.write_table(PRIORITIES.sheet, PRIORITIES.table, FRAME.iloc[:1, :2])
        read = port.read_table(PRIORITIES.table)
        assert (read.headers, read.rows) == (["ID", "Budget"], [["P1", 1000.0]])
    book = fake_book_from(MemoryPort())
    port = XlwingsPort(book)
    port.write_table(PRIORITIES.sheet, PRIORITIES.table, FRAME)
    port.write_table(PRIORITIES.sheet, PRIORITIES.table, FRAME.iloc[:1, :2])
    header = PRIORITIES.first_row + 1
    filled = {cell for cell, value in book.sheets[PRIORITIES.sheet].cells.items() if value is not None}
    assert filled == {(header, 1), (header, 2), (header + 1, 1), (header + 1, 2)}


def test_unknown_tables_and_sheets_raise_like_xlwings(tmp_path: Path) -> None:
    for port in _ports(tmp_path):
        assert port.read_table("tblNoSuch") is None
        with pytest.raises(KeyError):
            port.write_table("No sheet", "tblNoSuch", FRAME)
        with pytest.raises(KeyError):
            port.show_sheet("No sheet")


def test_highlights_and_notes_leave_the_users_own_notes_alone(tmp_path: Path) -> None:
    memory, xl = _ports(tmp_path)
    memory.notes[(HOME_SHEET, "B3")] = "mine"
    xl.book.sheets[HOME_SHEET].notes[(3, 2)] = "mine"
    for port in (memory, xl):
        port.highlight_cells(HOME_SHEET, ["B2", "B3"], "#FFC7CE", ["bad", "also bad"])
        port.clear_highlights(HOME_SHEET, ["B2", "B3"])
    assert memory.notes == {(HOME_SHEET, "B3"): "mine"} and memory.fills == {}
    assert xl.book.sheets[HOME_SHEET].notes == {(3, 2): "mine"} and xl.book.sheets[HOME_SHEET].fills == {}


def test_named_cells_and_status(tmp_path: Path) -> None:
    for port in _ports(tmp_path):
        port.set_status("=not a formula")
        port.set_value("pmoLastRun", dt.datetime(2026, 5, 1, 9, 0))
        port.set_value("noSuchName", 1)  # a workbook without the name: skipped, not an error
        assert port.get_value("pmoStatus") == "=not a formula"
        assert port.get_value("pmoLastRun") == dt.datetime(2026, 5, 1, 9, 0)
        assert port.get_value("noSuchName") is None


def test_xlwings_port_never_saves_and_batches_with_screen_updating_off(tmp_path: Path) -> None:
    book = fake_book_from(MemoryPort())
    with XlwingsPort(book).batch():
        pass
    assert book.app.property_calls == [{"screen_updating": False}]
    assert not hasattr(FakeBook, "save")  # the port has nothing to call it on


# --- the actions ----------------------------------------------------------------------------------


def test_validate_lists_the_same_issues_as_the_cli(memory: MemoryPort, sample_workbook: Path) -> None:
    result = macros.run_action(memory, "Validate")
    cli = validate_file(sample_workbook).issues
    assert result is not None and len(result.issues) == len(cli) > 0
    table = memory.read_table(VALIDATION.table)
    assert table.headers == list(VALIDATION.columns)
    listed = [(r[1], r[2], r[6]) for r in table.rows]
    assert Counter(listed) == Counter((i.sheet, i.cell or None, i.code) for i in cli)  # compute issues may have no cell
    assert memory.shown == [VALIDATION.sheet]
    assert memory.values["pmoLastAction"] == "Validate"
    assert isinstance(memory.values["pmoLastRun"], dt.datetime)
    assert memory.values["pmoStatus"].startswith(f"{sum(i.severity == 'error' for i in cli)} errors")


def test_validate_marks_the_cells_and_clears_them_once_fixed(memory: MemoryPort) -> None:
    run_validate(memory)
    marked = set(memory.fills)
    assert {colour for colour in memory.fills.values()} >= {"#FFC7CE", "#FFEB9C"}  # errors and warnings
    assert all(memory.notes[c].startswith(NOTE_PREFIX) for c in marked)
    # The PM fixes Allocations: every row with a marked cell is deleted.
    allocations = memory.tables["tblallocations"]
    bad_rows = {int(re.sub(r"\D", "", cell)) for sheet, cell in marked if sheet == "Allocations"}
    assert bad_rows and {sheet for sheet, _ in marked} - {"Allocations"}  # the sample has mistakes on both
    keep = [i for i, n in enumerate(allocations.row_numbers) if n not in bad_rows]
    memory.add_table(RawTable(allocations.sheet, allocations.table, allocations.header_row, allocations.first_column,
                              allocations.headers, [allocations.rows[i] for i in keep],
                              [allocations.row_numbers[i] for i in keep]))  # fmt: skip
    run_validate(memory)
    was_allocations = {c for c in marked if c[0] == "Allocations"}
    assert not was_allocations & set(memory.fills)  # colour and note gone from every fixed cell
    assert not was_allocations & set(memory.notes)
    assert marked - was_allocations <= set(memory.fills)  # the rest stays marked


def test_validation_text_from_pms_is_never_a_formula() -> None:
    from pmo_xl.issues import Issue, Severity

    issue = Issue(
        code="bad-text", severity=Severity.ERROR, sheet="Projects", row=5, column="B", field="Project name", value='=HYPERLINK("http://x")', message="msg"
    )
    block = excel_rows(validation_frame([issue]))
    formulas = [v for row in block for v in row if isinstance(v, str) and v.startswith("=")]
    assert formulas == ['=HYPERLINK("#\'Projects\'!B5","Go to")']  # only our own link


def test_both_ports_give_the_same_validation(memory: MemoryPort) -> None:
    book = fake_book_from(memory)
    run_validate(memory)
    run_validate(XlwingsPort(book))
    xl_table = XlwingsPort(book).read_table(VALIDATION.table)
    mem_table = memory.read_table(VALIDATION.table)
    strip_links = lambda rows: [r[:-1] for r in rows]  # noqa: E731 - Go to holds the formula in both
    assert strip_links(xl_table.rows) == strip_links(mem_table.rows)
    xl_fills = {(s.name, f"{column_letter(c)}{r}"): v for s in book.sheets for (r, c), v in s.fills.items()}
    assert xl_fills == memory.fills


def test_refresh_priorities_writes_a_ranked_table(memory: MemoryPort) -> None:
    result = macros.run_action(memory, "Refresh priorities")
    assert result is not None and memory.alerts == []
    frame = memory.frames[PRIORITIES.table]
    assert list(frame.columns) == list(PRIORITIES.columns)
    ranks = frame["Rank"].dropna().tolist()
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert set(frame["Selected"]) <= {"Yes", "No"}
    assert set(memory.formats[PRIORITIES.table]) <= set(frame.columns)


def test_priority_frame_puts_unranked_projects_last() -> None:
    selection = pd.DataFrame({"project_id": ["B", "A", "C"], "name": ["b", "a", "c"], "status": ["Active"] * 3,
                              "bac": [1.0, 2.0, 3.0], "score": [3.0, 4.0, np.nan], "rank": [2.0, 1.0, np.nan],
                              "selected": [True, False, False], "reason": ["r"] * 3})  # fmt: skip
    scores = pd.DataFrame(
        {"project_id": ["A", "B", "C"], "coverage": [1.0, 1.0, 0.0], "rank_note": ["", "", "not ranked"]}
    )
    frame = priority_frame(selection, scores)
    assert frame["Project ID"].tolist() == ["A", "B", "C"]
    assert frame["Selected"].tolist() == ["No", "Yes", "No"]


def test_refresh_loading_writes_resource_periods(memory: MemoryPort) -> None:
    result = macros.run_action(memory, "Refresh loading")
    assert result is not None and memory.alerts == []
    frame = memory.frames[LOADING.table]
    assert list(frame.columns) == list(LOADING.columns) and len(frame) > 0
    assert pd.api.types.is_datetime64_any_dtype(frame["Period"])
    assert set(frame["Flag"].dropna()) <= {"Over-allocated", "Under-used", "No capacity"}


def test_monthly_report_is_written_beside_the_workbook_and_opened(memory: MemoryPort, tmp_path: Path) -> None:
    result = macros.run_action(memory, "Generate monthly report")
    assert result is not None and result.output is not None
    report = Path(result.output)
    assert report.parent == tmp_path and re.fullmatch(r"PMO-report-\d{4}-\d{2}\.xlsx", report.name)
    assert report.exists() and memory.opened == [str(report)]
    assert memory.values["pmoLastReport"] == f'=HYPERLINK("{report}","{report.name}")'


def test_compare_scenarios_writes_the_comparison_beside_the_workbook_and_opens_it(memory: MemoryPort, tmp_path: Path) -> None:
    result = macros.run_action(memory, "Compare scenarios")
    assert result is not None and result.output is not None
    out = Path(result.output)
    assert out.parent == tmp_path and re.fullmatch(r"PMO-scenarios-\d{4}-\d{2}\.xlsx", out.name)
    assert out.exists() and memory.opened == [str(out)]
    assert result.summary == f"{out.name} written: 3 scenarios compared"  # the sample's three
    assert openpyxl.load_workbook(out, read_only=True).sheetnames == ["Scenarios"]


def test_a_onedrive_workbook_gets_its_report_in_documents(
    sample_workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "Documents").mkdir()
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    url = "https://contoso-my.sharepoint.com/personal/pmo/Documents/PMO.xlsm"
    port = MemoryPort.from_workbook(sample_workbook, ALL_TABLES, path=url)
    result = macros.run_action(port, "Generate monthly report")
    assert result is not None and Path(result.output).parent == tmp_path / "Documents"


def test_collect_updates_explains_a_missing_folder(memory: MemoryPort) -> None:
    assert macros.run_action(memory, "Collect updates") is None
    ((title, message),) = memory.alerts
    assert title == "PMO" and "updates folder" in message and "does not exist" in message
    assert "Traceback" not in message


def test_collect_updates_on_onedrive_explains_what_to_do(sample_workbook: Path) -> None:
    port = MemoryPort.from_workbook(
        sample_workbook, ALL_TABLES, path="https://contoso.sharepoint.com/PMO.xlsm"
    )
    assert macros.run_action(port, "Collect updates") is None
    assert "OneDrive/SharePoint" in port.alerts[0][1] and "pmo-xl collect" in port.alerts[0][1]


def test_collect_updates_lists_every_file_and_opens_the_merged_portfolio(
    sample_workbook: Path, tmp_path: Path
) -> None:
    from pmo_xl.collect.form import UpdateData
    from pmo_xl.collect.template import write_update_template

    portfolio = tmp_path / "PMO.xlsx"
    portfolio.write_bytes(sample_workbook.read_bytes())
    updates = tmp_path / "updates"
    updates.mkdir()
    write_update_template(
        updates / "good.xlsx",
        "PRJ-001",
        "2026-10",
        UpdateData(progress={"pv": 1000.0, "ev": 950.0, "ac": 900.0}),
    )
    write_update_template(updates / "unknown.xlsx", "PRJ-404", "2026-10")
    (updates / "notes.txt").write_text("not an update")
    port = MemoryPort.from_workbook(portfolio, ALL_TABLES)
    result = macros.run_action(port, "Collect updates")
    assert result is not None and port.alerts == []
    rows = port.read_table(UPDATES.table).rows
    assert [(r[0], r[3]) for r in rows] == [
        ("unknown.xlsx", "rejected"),
        ("good.xlsx", "accepted"),
        ("notes.txt", "skipped"),
    ]
    assert rows[0][4] >= 1 and rows[0][6]  # an error count and the reason
    assert port.opened == [result.output] and Path(result.output).exists()
    assert result.summary.startswith("1 accepted, 0 partly accepted, 1 rejected")
    assert portfolio.read_bytes() == sample_workbook.read_bytes()  # the portfolio itself is not rewritten


def test_a_failure_is_one_plain_alert_and_the_traceback_goes_to_the_log(tmp_path: Path) -> None:
    class Exploding(MemoryPort):
        def read_table(self, table: str) -> RawTable | None:
            raise ZeroDivisionError("division by zero")

    port = Exploding(path=str(tmp_path / "PMO.xlsm"))
    assert macros.run_action(port, "Validate") is None
    ((title, message),) = port.alerts
    assert message.startswith("Validate stopped: an unexpected problem inside pmo-xl (ZeroDivisionError")
    assert "Traceback" not in message and str(macros.LOG_FILE) in message
    assert "Traceback" in macros.LOG_FILE.read_text() and port.statuses[-1].startswith("Validate stopped")
    assert ("batch", "end") in port.calls  # screen updating is handed back even on failure


def test_when_excel_cannot_even_show_an_alert_runpython_gets_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    class Gone(MemoryPort):
        def read_table(self, table: str) -> RawTable | None:
            raise OSError("the RPC server is unavailable")

        def alert(self, message: str, title: str) -> None:
            raise OSError("the RPC server is unavailable")

    with pytest.raises(SystemExit):
        macros.run_action(Gone(path=str(tmp_path / "PMO.xlsm")), "Validate")
    assert capsys.readouterr().err.strip().startswith("Validate stopped:")


def test_entry_points_outside_excel_say_so_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        macros.validate()
    err = capsys.readouterr().err
    assert err.startswith("Validate: start this from the button in PMO.xlsm") and "Traceback" not in err


def test_entry_point_runs_the_action_on_the_calling_book(
    memory: MemoryPort, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = fake_book_from(memory)
    monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: book))
    result = macros.validate()
    assert result is not None and result.action == "Validate"
    assert XlwingsPort(book).get_value("pmoLastAction") == "Validate"
    assert book.sheets[VALIDATION.sheet].activated == 1


def test_the_double_knows_the_built_workbooks_tool_tables(tmp_path: Path) -> None:
    """MemoryPort's default tool tables sit where build_pmo_xlsm puts them."""
    import openpyxl

    book = openpyxl.load_workbook(build_pmo_xlsm(tmp_path / "PMO.xlsm"))
    port = MemoryPort()
    for tool in TOOL_TABLES:
        ref = book[tool.sheet].tables[tool.table].ref
        raw = port.read_table(tool.table)
        assert ref.startswith(f"A{raw.header_row}:") and raw.headers == list(tool.columns)
    for cell in NAMED_CELLS:
        assert book.defined_names[cell.name].attr_text == cell.address and cell.name in port.values


def test_both_ports_implement_the_whole_protocol_with_its_signatures() -> None:
    import inspect

    from pmo_xl.port import WorkbookPort

    members = [n for n in vars(WorkbookPort) if not n.startswith("_")]
    assert {"read_table", "write_table", "highlight_cells", "clear_highlights", "set_status", "alert",
            "open_workbook", "workbook_path", "is_cloud", "batch"} <= set(members)  # fmt: skip
    for implementation in (MemoryPort, XlwingsPort):
        for name in members:
            declared, actual = getattr(WorkbookPort, name), getattr(implementation, name)
            if isinstance(declared, property):
                assert isinstance(actual, property), (implementation.__name__, name)
            else:
                expected = list(inspect.signature(declared).parameters)
                assert list(inspect.signature(actual).parameters) == expected, (implementation.__name__, name)


def test_import_schedules_explains_a_missing_or_empty_folder(sample_workbook: Path, tmp_path: Path) -> None:
    portfolio = tmp_path / "PMO.xlsx"
    portfolio.write_bytes(sample_workbook.read_bytes())
    port = MemoryPort.from_workbook(portfolio, ALL_TABLES)
    assert macros.run_action(port, "Import schedules") is None
    assert "schedules folder" in port.alerts[-1][1] and "does not exist" in port.alerts[-1][1]
    (tmp_path / "schedules").mkdir()
    (tmp_path / "schedules" / "notes.txt").write_text("no schedule here")
    assert macros.run_action(port, "Import schedules") is None
    assert "holds no schedule (.xml or .xer)" in port.alerts[-1][1] and "Traceback" not in port.alerts[-1][1]
    assert not (tmp_path / "PMO-imported.xlsx").exists()


def test_import_schedules_lists_every_file_and_opens_the_merged_portfolio(sample_workbook: Path, tmp_path: Path) -> None:
    from schedule_files import T, mspdi

    portfolio = tmp_path / "PMO.xlsx"
    portfolio.write_bytes(sample_workbook.read_bytes())
    folder = tmp_path / "schedules"
    folder.mkdir()
    tasks = [T(1, "Work", start="2026-01-05", finish="2026-01-16", baseline_start="2026-01-05",
               baseline_finish="2026-01-16", baseline_cost=100)]
    (folder / "PRJ-001 plan.xml").write_text(mspdi(tasks, status_date="2026-01-16"), encoding="utf-8")
    (folder / "broken.xml").write_text("<Project><Tasks>", encoding="utf-8")
    (folder / "readme.txt").write_text("not a schedule")
    before = portfolio.read_bytes()
    port = MemoryPort.from_workbook(portfolio, ALL_TABLES)
    result = macros.run_action(port, "Import schedules")
    assert result is not None and port.alerts == []
    rows = port.read_table(UPDATES.table).rows
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("broken.xml", None, "rejected"),
        ("PRJ-001 plan.xml", "PRJ-001", "accepted"),
        ("readme.txt", None, "skipped"),
    ]
    assert port.opened == [result.output] and Path(result.output).exists() and Path(result.output).parent == tmp_path
    assert result.summary.startswith("1 accepted, 0 partly accepted, 1 rejected")
    assert portfolio.read_bytes() == before  # the open workbook is never rewritten
