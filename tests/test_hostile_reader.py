"""The reader against files made the way real files go wrong, generated here (no binary fixtures).

Each case runs `pmo-xl` in a subprocess under a memory cap (RLIMIT_AS) and a timeout, so an abort,
a runaway allocation or a hang fails the case instead of the run: a stray cell at XFD1048576, a
table over the whole sheet, zip bombs (honest and lying headers), one endless row, UTF-16 sheet
parts, rows typed below a table, a second table and cells beside or below a register, an .xls
under another name, .ods and .xlsb files (far values, zip bombs, the 1904 date system), a control
character in a file name. Every case also checks that the input's bytes are unchanged.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from zip_surgery import replace_member_raw, rewritten, sheet_member, with_cell

from pmo_xl.io.read_workbook import read_workbook
from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.usecases import ALL_TABLES

MEMORY_CAP = 500 * 2**20  # bytes of address space for one run of pmo-xl (issue 13's bound)
CASE_TIMEOUT = 60  # seconds: a case that hangs fails here, not in CI's overall limit


def run_capped(*args: str, memory: int = MEMORY_CAP) -> subprocess.CompletedProcess[str]:
    """`pmo-xl ARGS` in a fresh process limited to `memory` bytes of address space."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run([sys.executable, "-m", "pmo_xl", *args], capture_output=True, text=True, timeout=CASE_TIMEOUT,
                          preexec_fn=limit, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})


def validate_json(path: Path) -> tuple[int, list[dict]]:
    before = path.read_bytes()
    result = run_capped("validate", str(path), "--json")
    assert path.read_bytes() == before
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr and "panicked" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def refused_in_one_line(path: Path) -> str:
    before = path.read_bytes()
    result = run_capped("validate", str(path))
    assert path.read_bytes() == before
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.strip().splitlines()
    assert result.stdout == "" and len(lines) == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    return lines[0]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small valid portfolio: two projects, one resource."""
    import datetime as dt

    path = tmp_path_factory.mktemp("reader") / "base.xlsx"
    projects = [[f"P{i}", f"Project {i}", None, None, None, None, None, "Active", None, dt.date(2026, 1, 1),
                 dt.date(2026, 12, 31), 1000.0 * i, None, None, None, None, None, 3, 3, 3, 3, 3, 3] for i in (1, 2)]
    resources = [["R1", "Ann", "Developer", None, 1.0, None, None, None, None, None, 80.0]]
    write_portfolio_workbook(path, {"Projects": projects, "Resources": resources})
    return path


def issue_codes(issues: list[dict]) -> list[tuple[str, str, int | None, str | None]]:
    return [(i["code"], i["sheet"], i["row"], i["column"]) for i in issues]


# --- the process survives: far cells, huge tables ------------------------------------------------


@pytest.mark.parametrize("ref", ["XFD1048576", "XFD5000"])
def test_a_stray_far_cell_is_a_located_issue_not_an_abort(tmp_path, base, ref):
    member = sheet_member(base, "Projects")
    path = rewritten(base, tmp_path / "stray.xlsx", {member: lambda xml: with_cell(xml, ref)})
    code, issues = validate_json(path)
    assert code == 1
    letters, row = re.match(r"([A-Z]+)(\d+)", ref).groups()  # type: ignore[union-attr]
    assert ("sheet-too-large", "Projects", int(row), letters) in issue_codes(issues)


@pytest.mark.parametrize("where", ["before the first row", "between two rows"])
@pytest.mark.parametrize("ref", ["XFD1048576", "A9999999"])
def test_a_far_cell_written_out_of_row_order_is_a_located_issue_not_an_abort(tmp_path, base, where, ref):
    """Rows must come in order, but calamine places a cell wherever its row says: a far row written before
    the others made it allocate the grid down to it (549 GB for XFD1048576: the process aborted)."""
    member = sheet_member(base, "Projects")
    row = re.match(r"[A-Z]+(\d+)", ref).group(1)  # type: ignore[union-attr]
    far = f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'.encode()

    def out_of_order(xml: bytes) -> bytes:
        at = xml.index(b"<sheetData>") + len(b"<sheetData>") if where == "before the first row" else xml.index(b"</row>") + 6
        return xml[:at] + far + xml[at:]

    path = rewritten(base, tmp_path / "far.xlsx", {member: out_of_order})
    code, issues = validate_json(path)
    assert code == 1
    letters = "XFD" if ref.startswith("XFD") else "Z"  # the grid is counted at least 26 columns wide
    assert ("sheet-too-large", "Projects", int(row), letters) in issue_codes(issues)


def test_a_far_row_of_cells_without_references_is_a_located_issue_not_an_abort(tmp_path, base):
    """A cell without a reference (rare writers) is placed in its row by calamine: a far row of them counts."""
    member = sheet_member(base, "Projects")
    far = b'<row r="9999999"><c><v>1</v></c></row>'
    path = rewritten(base, tmp_path / "far.xlsx", {member: lambda xml: xml.replace(b"</sheetData>", far + b"</sheetData>", 1)})
    code, issues = validate_json(path)
    assert code == 1
    assert ("sheet-too-large", "Projects", 9999999, "Z") in issue_codes(issues)


def test_a_table_declared_over_the_whole_sheet_reads_its_rows(tmp_path, base):
    with zipfile.ZipFile(base) as archive:
        tables = [n for n in archive.namelist() if n.startswith("xl/tables/")
                  and b'displayName="tblProjects"' in archive.read(n)]
    whole = {tables[0]: lambda xml: re.sub(rb'\bref="[^"]+"', b'ref="A1:XFD1048576"', xml)}
    path = rewritten(base, tmp_path / "whole.xlsx", whole)
    raw = read_workbook(path, ALL_TABLES).tables["Projects"]
    assert raw.row_numbers == [2, 3] and raw.rows[0][0] == "P1"
    code, issues = validate_json(path)
    assert "internal-error" not in {i["code"] for i in issues}


# --- zip bombs ---------------------------------------------------------------------------------------


def bomb_zip(path: Path, base: Path, member: str, size: int) -> Path:
    """`base` with `member` replaced by `size` bytes of one repeated row (it inflates ~1,000 times)."""
    row = b'<row r="2"><c r="A2"><v>1</v></c></row>'
    block = row * ((1 << 20) // len(row))
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed = b"".join(packer.compress(block) for _ in range(size // len(block))) + packer.flush()
    total = len(block) * (size // len(block))
    crc = 0
    for _ in range(size // len(block)):
        crc = zlib.crc32(block, crc)
    with zipfile.ZipFile(base) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            if item.filename == member:
                info = zipfile.ZipInfo(member)
                info.compress_type = zipfile.ZIP_DEFLATED
                copy.writestr(info, b"")  # placeholder, replaced by raw bytes below
            else:
                copy.writestr(item.filename, original.read(item))
    return replace_member_raw(path, member, compressed, total, crc)


def test_a_zip_bomb_with_an_honest_header_is_refused_at_once(tmp_path, base):
    member = sheet_member(base, "Projects")
    path = bomb_zip(tmp_path / "bomb.xlsx", base, member, 32 << 20)
    line = refused_in_one_line(path)
    assert "bomb.xlsx" in line and "zip bomb" in line


def lying_about_its_size(base: Path, path: Path) -> Path:
    """`base` with its Projects sheet replaced by ~2 MB of rows whose zip entry declares 1,000 bytes."""
    member = sheet_member(base, "Projects")
    text = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i * 7919 % 10007) for i in range(2, 60000))
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressed = packer.compress(text) + packer.flush()
    path.write_bytes(base.read_bytes())
    replace_member_raw(path, member, compressed, len(text), zlib.crc32(text[:1000]), declared=1000)
    return path


def test_a_zip_bomb_lying_about_its_size_is_refused_as_it_inflates(tmp_path, base):
    path = lying_about_its_size(base, tmp_path / "liar.xlsx")
    line = refused_in_one_line(path)
    assert "liar.xlsx" in line and "declares" in line


def test_a_part_inflated_ahead_in_a_thread_gives_the_bytes_and_refusals_inflated_in_line(tmp_path, base, monkeypatch):
    """`Package.ahead` (a large sheet inflated in a thread while the scan reads it) yields what `chunks` yields,
    raises the budget's refusal at the same point, and leaves no thread behind when its reader stops early."""
    import threading

    from pmo_xl.io import package as package_module
    from pmo_xl.io.package import Package, PackageError

    monkeypatch.setattr(package_module, "AHEAD_MIN_BYTES", 0)  # every part through the thread
    member = sheet_member(base, "Projects")
    liar = lying_about_its_size(base, tmp_path / "liar.xlsx")
    with Package(base) as package:
        assert list(package.ahead(member)) == list(package.chunks(member, piece=package_module.INFLATE_CHUNK))
    refusals = []
    for read in ("chunks", "ahead"):
        with Package(liar) as package, pytest.raises(PackageError) as refused:
            b"".join(getattr(package, read)(member))
        refusals.append(str(refused.value))
    assert refusals[0] == refusals[1] and "declares" in refusals[0]
    with Package(base) as package:
        pieces = package.ahead(member)
        next(pieces)
        pieces.close()
    assert not [t for t in threading.enumerate() if t.name == "inflate-ahead"]


@pytest.mark.parametrize("piece", [4096, 1 << 20])
def test_isal_inflates_the_pieces_and_refusals_zlib_does(tmp_path, base, monkeypatch, piece):
    """The package inflates with ISA-L (python-isal) for speed: each part gives zlib's bytes in pieces no longer
    than asked (cut elsewhere: the scan takes any cut), and a lying size or a damaged stream is refused the same
    way (ISA-L's error raised as zlib's)."""
    from isal import isal_zlib

    from pmo_xl.io import package as package_module
    from pmo_xl.io.package import Package, PackageError

    member = sheet_member(base, "Projects")
    liar = lying_about_its_size(base, tmp_path / "liar.xlsx")
    raw = liar.read_bytes()
    with zipfile.ZipFile(liar) as archive:
        info = archive.getinfo(member)
    names, extra = (int.from_bytes(raw[info.header_offset + at:info.header_offset + at + 2], "little") for at in (26, 28))
    stream = info.header_offset + 30 + names + extra  # where the sheet's deflate stream starts in the file
    damaged = []
    for offset in (0, 2, 40):  # the stream overwritten near its start: an invalid block, or bytes that fail the CRC
        damaged.append(tmp_path / f"damaged-{offset}.xlsx")
        damaged[-1].write_bytes(raw[:stream + offset] + b"\xff" * 8 + raw[stream + offset + 8:])

    def outcome(path: Path) -> object:
        try:
            with Package(path) as package:
                pieces = list(package.chunks(member, piece=piece))
            return b"".join(pieces), max(len(p) for p in pieces) <= piece
        except (zlib.error, zipfile.BadZipFile, PackageError) as error:  # zlib's message is not ISA-L's
            return type(error).__name__, "" if isinstance(error, zlib.error) else str(error)

    found = {}
    for module in (zlib, isal_zlib):
        monkeypatch.setattr(package_module, "_inflate", module)
        found[module.__name__] = [outcome(path) for path in (base, liar, *damaged)]
    assert found["zlib"] == found["isal.isal_zlib"]
    (xml, within), *refused = found["zlib"]
    assert xml.startswith(b"<?xml") and within  # type: ignore[union-attr]
    assert all(isinstance(outcome[0], str) for outcome in refused)  # type: ignore[index]


def test_one_endless_row_is_scanned_in_bounded_memory(tmp_path):
    """The scan's carry no longer grows without a </row>: 300 MB of one row pass under a 150 MB cap."""
    script = (
        "from pmo_xl.io.sheet_scan import scan_sheet_xml\n"
        "cell = b'<c r=\"B2\"><v>1</v></c>' * 40000\n"
        "head = b'<worksheet><sheetData><row r=\"2\"><c r=\"B2\" t=\"e\"><v>#N/A</v></c>'\n"
        "pieces = [head] + [cell] * (300 * 2**20 // len(cell)) + [b'</row></sheetData></worksheet>']\n"
        "scan = scan_sheet_xml(iter(pieces))\n"
        "print(scan.errors, scan.last_row)\n"
    )
    limit = 150 * 2**20  # the pieces list holds one shared 0.9 MB piece 340 times
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=CASE_TIMEOUT,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "{(1, 1): '#N/A'} 2"


@pytest.mark.parametrize("filler", ["plain", "fff hidden e"])
def test_the_scan_finds_every_error_formula_and_hidden_row_whatever_the_text_around(filler):
    """The scan looks for 'f', 'e' and 'h' by memchr and hands over to bytes.find when text is full of them:
    both ways find the same cells, also across the pieces the zip gives."""
    from pmo_xl.io.sheet_scan import scan_sheet_xml

    text = f'<c r="B{{row}}" t="inlineStr"><is><t>{filler * 40}</t></is></c>'
    rows = []
    for row in range(1, 3001):
        cells = text.format(row=row)
        if row % 1000 == 7:
            cells += f'<c r="C{row}" t="e"><v>#REF!</v></c><c r="D{row}"><f>SUM(A{row}:B{row})</f></c>'
        hidden = ' hidden="1"' if row % 1000 == 8 else ""
        rows.append(f'<row r="{row}"{hidden}>{cells}</row>')
    xml = ('<worksheet><sheetData>' + "".join(rows) + '</sheetData><mergeCells><mergeCell ref="A1:B1"/></mergeCells>'
           '</worksheet>').encode()
    pieces = [xml[k:k + 65536] for k in range(0, len(xml), 65536)]
    scan = scan_sheet_xml(iter(pieces))
    assert scan.errors == {(6, 2): "#REF!", (1006, 2): "#REF!", (2006, 2): "#REF!"}
    assert scan.uncalculated == {(6, 3): "=SUM(A7:B7)", (1006, 3): "=SUM(A1007:B1007)", (2006, 3): "=SUM(A2007:B2007)"}
    assert scan.hidden_rows == {8, 1008, 2008} and scan.merged == [(0, 0, 0, 1)] and scan.last_row == 3000


def test_an_ordinary_sheet_is_scanned_without_reading_its_rows_one_by_one(monkeypatch):
    """Reading rows one by one is for a far row out of order; long numbers in the sheet's head (column
    widths such as width="12.7109375", in every file XlsxWriter or Excel writes) must not set it off:
    they did for the first piece of every sheet, 1.7 s of the 1,000-project sample's read."""
    from pmo_xl.io import sheet_scan

    def not_expected(buffer: bytes) -> int:
        raise AssertionError("rows read one by one for an ordinary sheet")

    monkeypatch.setattr(sheet_scan, "_furthest_row", not_expected)
    head = (b'<worksheet><sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="2" width="12.7109375" '
            b'customWidth="1"/></cols><sheetData>')
    rows = b"".join(b'<row r="%d" spans="1:2"><c r="A%d"><v>%d</v></c><c r="B%d" s="1"><v>1234567.25</v></c></row>'
                    % (row, row, row, row) for row in range(1, 2001))
    xml = head + rows + b'</sheetData><pageMargins left="0.7" right="0.7" top="0.75"/></worksheet>'
    scan = sheet_scan.scan_sheet_xml(iter([xml[k:k + 4096] for k in range(0, len(xml), 4096)]))
    assert scan.last_row == 2000 and scan.last_column == 26


# --- parts and rows that used to read as nothing -------------------------------------------------------


def test_a_utf16_sheet_part_reads_like_utf8(tmp_path, base):
    member = sheet_member(base, "Projects")

    def utf16(xml: bytes) -> bytes:
        text = xml.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
        return text.encode("utf-16")

    path = rewritten(base, tmp_path / "utf16.xlsx", {member: utf16})
    assert read_workbook(path, ALL_TABLES).tables["Projects"].rows == read_workbook(base, ALL_TABLES).tables["Projects"].rows
    assert validate_json(path)[1] == validate_json(base)[1]


def test_rows_typed_below_a_table_are_read_and_flagged(tmp_path, base):
    member = sheet_member(base, "Projects")

    def typed_below(xml: bytes) -> bytes:
        rows = b'<row r="4"><c r="A4" t="inlineStr"><is><t>P3</t></is></c><c r="B4" t="inlineStr"><is><t>Below</t></is></c>' \
               b'<c r="H4" t="inlineStr"><is><t>Active</t></is></c><c r="L4"><v>-5</v></c></row>'
        return xml.replace(b"</sheetData>", rows + b"</sheetData>", 1)

    path = rewritten(base, tmp_path / "below.xlsx", {member: typed_below})
    raw = read_workbook(path, ALL_TABLES).tables["Projects"]
    assert raw.row_numbers == [2, 3, 4] and raw.rows[2][0] == "P3"
    code, issues = validate_json(path)
    found = issue_codes(issues)
    assert ("typed-below-table", "Projects", 4, "A") in found
    assert [i for i in issues if i["row"] == 4 and i["column"] == "L"], issues  # the row's own values are checked


def test_a_second_table_and_cells_beside_or_below_a_register_are_named_not_silently_dropped(tmp_path, base):
    """What a register's sheet holds outside the register is not read: each kind gets one located warning."""
    member = sheet_member(base, "Projects")

    def extras(xml: bytes) -> bytes:
        cell = lambda ref, text: f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()  # noqa: E731
        # the base's table covers A1:W3; rows 2 and 3 get a note in Y, row 7 (after blank rows) a list in B..C
        xml = re.sub(rb'(<row r="2"[^>]*>.*?)(</row>)', lambda m: m.group(1) + cell("Y2", "ask Ann") + m.group(2), xml, count=1,
                     flags=re.S)
        xml = re.sub(rb'(<row r="3"[^>]*>.*?)(</row>)', lambda m: m.group(1) + cell("Y3", "late") + m.group(2), xml, count=1,
                     flags=re.S)
        below = b'<row r="7">' + cell("B7", "Ideas") + cell("C7", "Later") + b"</row>"
        return xml.replace(b"</sheetData>", below + b"</sheetData>", 1)

    path = rewritten(base, tmp_path / "extras.xlsx", {member: extras})
    raw = read_workbook(path, ALL_TABLES).tables["Projects"]
    assert raw.row_numbers == [2, 3]  # what is outside the table is not read as projects
    code, issues = validate_json(path)
    found = [(i["code"], i["sheet"], i["row"], i["column"], i["severity"]) for i in issues if i["code"] == "outside-table"]
    assert found == [("outside-table", "Projects", 2, "Y", "warning"), ("outside-table", "Projects", 7, "B", "warning")]
    messages = [i["message"] for i in issues if i["code"] == "outside-table"]
    assert "2 cells with values beside the table tblProjects" in messages[0] and "rows 2-3" in messages[0]
    assert "2 cells with values below the table tblProjects" in messages[1] and "row 7" in messages[1]
    assert validate_json(base)[1] == [i for i in issues if i["code"] != "outside-table"]  # nothing else changes


def test_a_second_table_on_a_register_sheet_is_named(tmp_path):
    """A second Excel Table on a register's sheet: one located warning; a register's own table elsewhere is read."""
    import datetime as dt

    import xlsxwriter

    from pmo_xl.schema.registers import PROJECTS, RISKS

    path = tmp_path / "two-tables.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Projects")
    headers = [c.header for c in PROJECTS.columns]
    row = ["P1", "CRM", None, None, None, None, None, "Active", None, dt.date(2026, 1, 1), dt.date(2026, 12, 31), 1000.0]
    sheet.add_table(0, 0, 1, len(headers) - 1, {"name": PROJECTS.table, "columns": [{"header": h} for h in headers],
                                                 "data": [row + [None] * (len(headers) - len(row))]})
    sheet.add_table(5, 1, 7, 2, {"name": "tblNotes", "columns": [{"header": "Note"}, {"header": "Who"}],
                                 "data": [["Check budget", "Ann"], ["Call vendor", "Bo"]]})
    risk_headers = [c.header for c in RISKS.columns]
    sheet.add_table(10, 0, 11, len(risk_headers) - 1, {"name": RISKS.table, "columns": [{"header": h} for h in risk_headers],
                                                       "data": [["R-1", "P1", "Vendor late", None, None, 2, 3]]})
    book.close()
    raw = read_workbook(path, ALL_TABLES)
    assert raw.tables["Projects"].row_numbers == [2] and raw.tables["Risks"].row_numbers == [12]
    found = [(i.code, i.sheet, i.row, i.column) for t in raw.tables.values() for i in t.issues]
    assert [f for f in found if f[0] == "second-table"] == [("second-table", "Projects", 6, "B")]  # once, at its first cell
    assert not [f for f in found if f[0] == "outside-table"]  # the other tables' cells are theirs, not leftovers
    assert "tblNotes (B6:C8)" in next(i.message for i in raw.tables["Projects"].issues if i.code == "second-table")


# --- formats and names -----------------------------------------------------------------------------------


def ods_cells(values: list[object], repeat: int = 1) -> str:
    """.ods cells for `values` (numbers as floats, text as strings), each repeated `repeat` times across."""
    across = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return "".join(
        f'<table:table-cell office:value-type="float" office:value="{v}"{across}><text:p>{v}</text:p></table:table-cell>'
        if isinstance(v, (int, float)) else
        f'<table:table-cell office:value-type="string"{across}><text:p>{v}</text:p></table:table-cell>' for v in values)


def write_ods(path: Path, body: str, sheet: str = "Projects") -> Path:
    """A minimal .ods whose one sheet holds `body` (table rows as .ods XML)."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{body}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                         'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
                         'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                         '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    return path


ODS_PROJECTS = [["Project ID", "Project name", "Status", "Budget"], ["P1", "CRM", "Active", 1000], ["P2", "ERP", "Active", 2000]]


def test_an_ods_register_is_read_by_its_sheet_and_headers(tmp_path):
    body = "".join(f"<table:table-row>{ods_cells(r)}</table:table-row>" for r in ODS_PROJECTS)
    # LibreOffice ends every sheet with an empty row repeated to the last row: not a value, not a far cell
    body += '<table:table-row table:number-rows-repeated="1048573"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    path = write_ods(tmp_path / "portfolio.ods", body)
    raw = read_workbook(path, ALL_TABLES).tables["Projects"]
    assert raw.table is None and raw.row_numbers == [2, 3] and raw.rows[1][:2] == ["P2", "ERP"]
    code, issues = validate_json(path)
    assert "no-table" in {i["code"] for i in issues}


@pytest.mark.parametrize("far, rows_before, repeat", [
    ("XFD1048576", 1048572, 1),  # one stray value in the last cell of the sheet
    ("XFD5000", 4996, 1),  # 82 M cells: calamine allocated ~3 GB for it, and aborted under a cap
    ("XFD1048576", 0, 16384),  # one value repeated across every column of a million rows
])
def test_an_ods_with_a_far_value_is_refused_in_one_line(tmp_path, far, rows_before, repeat):
    body = "".join(f"<table:table-row>{ods_cells(r)}</table:table-row>" for r in ODS_PROJECTS)
    if repeat == 1:
        body += (f'<table:table-row table:number-rows-repeated="{rows_before}"><table:table-cell table:number-columns-repeated='
                 '"16384"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/>'
                 f"{ods_cells([1])}</table:table-row>")
    else:
        body += f'<table:table-row table:number-rows-repeated="1048573">{ods_cells([1], repeat)}</table:table-row>'
    line = refused_in_one_line(write_ods(tmp_path / "far.ods", body))
    assert f"the sheet 'Projects' has a value as far as {far}" in line and "far.ods" in line


# --- .xlsb: read by sheet and headers, guarded like .xlsx ----------------------------------------------


XLSB_PROJECTS = [["Project ID", "Project name", "Status", "Budget", "Planned start", "Planned finish"],
                 ["P1", "CRM", "Active", 1000, 44931, 45291], ["P2", "ERP", "Active", 2000, 44931, 45291]]


@pytest.mark.parametrize("date_1904", [False, True])
def test_an_xlsb_register_is_read_with_its_date_system(tmp_path, date_1904):
    import datetime as dt

    from xlsb_files import table, write_xlsb

    from pmo_xl.usecases import load_portfolio

    path = write_xlsb(tmp_path / "portfolio.xlsb", {"Notes": table([["anything"]]), "Projects": table(XLSB_PROJECTS)},
                      date_1904=date_1904)
    raw = read_workbook(path, ALL_TABLES)
    assert raw.date1904 == date_1904
    projects = raw.tables["Projects"]
    assert projects.table is None and projects.row_numbers == [2, 3] and projects.rows[1][:4] == ["P2", "ERP", "Active", 2000.0]
    epoch = dt.date(1904, 1, 1) if date_1904 else dt.date(1899, 12, 30)
    starts = load_portfolio(path).projects["start"].tolist()
    assert [s.date() for s in starts] == [epoch + dt.timedelta(days=44931)] * 2
    code, issues = validate_json(path)
    found = issue_codes(issues)
    assert ("no-table", "Projects", 1, "A") in found and ("serial-date", "Projects", 2, "E") in found


def test_an_xlsb_with_a_stray_far_cell_is_a_located_issue(tmp_path):
    from xlsb_files import table, write_xlsb

    cells = table(XLSB_PROJECTS) | {(1048575, 16383): 1.0}
    path = write_xlsb(tmp_path / "stray.xlsb", {"Projects": cells, "Risks": table([["Risk ID", "Project ID"], ["R1", "P1"]])})
    code, issues = validate_json(path)
    assert code == 1
    assert ("sheet-too-large", "Projects", 1048576, "XFD") in issue_codes(issues)
    assert "Risks" not in {i["sheet"] for i in issues if i["code"] == "missing-register"}  # the other sheets are read


def test_an_xlsb_zip_bomb_is_refused_at_once(tmp_path):
    from xlsb_files import table, write_xlsb

    path = write_xlsb(tmp_path / "base.xlsb", {"Projects": table(XLSB_PROJECTS)})
    line = refused_in_one_line(bomb_zip(tmp_path / "bomb.xlsb", path, "xl/worksheets/sheet1.bin", 32 << 20))
    assert "bomb.xlsb" in line and "zip bomb" in line


def test_cells_beside_a_register_found_by_its_headers_are_named(tmp_path):
    from xlsb_files import table, write_xlsb

    cells = table(XLSB_PROJECTS) | {(2, 8): "ask Ann"}  # I3, beyond the header's last column (F)
    path = write_xlsb(tmp_path / "beside.xlsb", {"Projects": cells})
    code, issues = validate_json(path)
    assert [(i["row"], i["column"]) for i in issues if i["code"] == "outside-table"] == [(3, "I")]


def test_a_file_name_with_control_characters_is_one_escaped_line(tmp_path):
    path = tmp_path / "evil\x1b[31m\nname.xlsx"
    path.write_bytes(b"Project,Budget\nP1,100\n")
    line = refused_in_one_line(path)
    assert "\x1b" not in line and "\\x1b[31m\\nname.xlsx" in line


def test_a_link_loop_and_a_link_to_nothing_are_named_as_such(tmp_path):
    os.symlink(tmp_path / "loop.xlsx", tmp_path / "loop.xlsx")
    os.symlink(tmp_path / "gone.xlsx", tmp_path / "dangling.xlsx")
    for name in ("loop.xlsx", "dangling.xlsx"):
        line = _refused_link(tmp_path / name)
        assert f"{name}: a link to a file that does not exist (or a link loop)" in line


def _refused_link(path: Path) -> str:
    result = run_capped("validate", str(path))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and result.stdout == "" and len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("target", ["missing-folder/out.xlsx", "base.xlsx"])
def test_a_failed_annotation_is_one_line(tmp_path, base, target):
    """--annotate that cannot write: exit 2 and the reason in one line (after the summary and progress lines)."""
    source = tmp_path / "base.xlsx"
    source.write_bytes(base.read_bytes())
    result = run_capped("validate", str(source), "--annotate", str(tmp_path / target))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert [line for line in lines if line.startswith("pmo-xl:")] == lines[-1:], result.stderr
    assert source.read_bytes() == base.read_bytes()


def test_control_characters_in_cell_values_never_reach_the_terminal(tmp_path):
    import datetime as dt

    path = tmp_path / "escapes.xlsx"
    projects = [["P1", "CRM", None, None, None, None, None, "Active", None, dt.date(2026, 1, 1), dt.date(2026, 12, 31),
                 1000.0, None, None, None, None, None, 3, 3, 3, 3, 3, 3]]
    resources = [["R1", "Ann", "Developer", None, 1.0, None, None, None, None, None, 80.0]]
    allocations = [["P9\x1b[2J\x1b[31m", "R1", None, dt.date(2026, 2, 1), dt.date(2026, 2, 28), 40.0, None, None, "Committed", None]]
    write_portfolio_workbook(path, {"Projects": projects, "Resources": resources, "Allocations": allocations})
    result = run_capped("validate", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    assert "unknown-reference" in result.stdout and "\\x1b[2J" in result.stdout


def test_a_1904_workbook_reads_plain_number_dates_from_1904(tmp_path):
    import datetime as dt

    from pmo_xl.usecases import load_portfolio

    serial = 44931  # typed as a plain number in a date column
    projects = [["P1", "CRM", None, None, None, None, None, "Active", None, serial, dt.date(2030, 12, 31), 1000.0,
                 None, None, None, None, None, 3, 3, 3, 3, 3, 3]]
    plain = write_portfolio_workbook(tmp_path / "plain.xlsx", {"Projects": projects})

    def mac(xml: bytes) -> bytes:
        if b"<workbookPr" in xml:
            return re.sub(rb"<workbookPr\b", b'<workbookPr date1904="1"', xml, count=1)
        return re.sub(rb"(<workbook\b[^>]*>)", rb'\1<workbookPr date1904="1"/>', xml, count=1)

    path = rewritten(plain, tmp_path / "mac.xlsx", {"xl/workbook.xml": mac})
    assert read_workbook(path, ALL_TABLES).date1904 and not read_workbook(plain, ALL_TABLES).date1904
    start = load_portfolio(path).projects["start"].iloc[0]
    assert start.date() == dt.date(1904, 1, 1) + dt.timedelta(days=serial)
    assert load_portfolio(plain).projects["start"].iloc[0].date() == dt.date(1899, 12, 30) + dt.timedelta(days=serial)


@pytest.mark.parametrize("attribute", ["r='{ref}'", 'r = "{ref}"', "r\n=\t'{ref}'"])
@pytest.mark.parametrize("ref", ["XFD1048576", "A9999999"])
def test_a_far_cell_whose_reference_is_quoted_otherwise_is_a_located_issue_not_an_abort(tmp_path, base, attribute, ref):
    """XML allows single quotes and spaces around '='; calamine reads such a reference and places the cell there
    (a grid of 300 rows for r='C300'), so the scan must find it too, written out of row order or not."""
    member = sheet_member(base, "Projects")
    row = re.match(r"[A-Z]+(\d+)", ref).group(1)  # type: ignore[union-attr]
    far = f"<row {attribute.format(ref=row)}><c {attribute.format(ref=ref)}><v>1</v></c></row>".encode()
    path = rewritten(base, tmp_path / "far.xlsx", {member: lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + far, 1)})
    code, issues = validate_json(path)
    assert code == 1
    letters = "XFD" if ref.startswith("XFD") else "Z"  # the grid is counted at least 26 columns wide
    assert ("sheet-too-large", "Projects", int(row), letters) in issue_codes(issues)


@pytest.mark.parametrize("quote", ["'", '"'])
@pytest.mark.parametrize("spaces", ["", " ", "\n "])
def test_the_scan_reads_a_reference_with_either_quote_and_spaces_around_the_equals_sign(quote, spaces):
    from pmo_xl.io.sheet_scan import scan_sheet_xml

    def attribute(value: str) -> str:
        return f"r{spaces}={spaces}{quote}{value}{quote}"

    rows = "".join(f"<row {attribute(str(r))}><c {attribute(f'A{r}')}><v>{r}</v></c></row>" for r in range(1, 400))
    far = f"<row {attribute('40000')}><c {attribute('AB40000')}><v>1</v></c></row>"  # out of row order, column AB
    xml = f"<worksheet><sheetData>{far}{rows}</sheetData></worksheet>".encode()
    scan = scan_sheet_xml(iter([xml[k:k + 1000] for k in range(0, len(xml), 1000)]))
    assert (scan.last_row, scan.last_column) == (40000, 28)
