"""A streaming .xlsx writer: sheet XML straight into the zip, so a register at Excel's row limit
is written in seconds, not minutes, and memory stays flat at any row count.

Shared by the hostile-workbook tests and benchmarks/bench_validate.py; it imports neither pytest
nor hypothesis, so the benchmarks run without the test extra.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from pmo_xl.issues import column_letter

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
{table}</Types>"""
_TABLE_TYPE = '<Override PartName="/xl/tables/table1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"/>\n'
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
</styleSheet>"""
_SHEET_HEAD = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>"""
EPOCH = dt.date(1899, 12, 30)


class Raw(str):
    """Cell XML written as given, for error cells and formulas: Raw('<c r="{ref}" t="e"><v>#N/A</v></c>')."""


def write_streamed_workbook(
    path: Path, sheet: str, headers: Sequence[str], rows: Iterable[Sequence[object]], table: str | None = None,
    compresslevel: int = 1,
) -> Path:
    """A one-sheet .xlsx from an iterable of rows, streamed: memory stays flat at any row count.

    Text goes to the shared-string table (as Excel writes it), dates are serial numbers in a
    date format, `Raw` values are cell XML with `{ref}` for the cell's reference. With `table`,
    the sheet carries an Excel Table of that name over the data.
    """
    strings: dict[str, int] = {}
    columns = [column_letter(i + 1) for i in range(len(headers))]
    last_row = 1
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(_SHEET_HEAD.encode())
            buffer: list[str] = []
            for number, row in enumerate(_with_header(headers, rows), start=1):
                cells = []
                for letter, value in zip(columns, row, strict=False):
                    cells.append(_cell(f"{letter}{number}", value, strings))
                buffer.append(f'<row r="{number}">{"".join(cells)}</row>')
                last_row = number
                if len(buffer) >= 4096:
                    out.write("".join(buffer).encode())
                    buffer.clear()
            out.write("".join(buffer).encode())
            if table:
                out.write(b'</sheetData><tableParts count="1"><tablePart r:id="rId1"/></tableParts></worksheet>')
            else:
                out.write(b"</sheetData></worksheet>")
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(table=_TABLE_TYPE if table else ""))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK.format(sheet=escape(sheet, {'"': "&quot;"})))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        shared = "".join(f"<si><t xml:space=\"preserve\">{escape(text)}</t></si>" for text in strings)
        archive.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
                         f'uniqueCount="{len(strings)}">{shared}</sst>')
        if table:
            ref = f"A1:{columns[-1]}{max(last_row, 2)}"
            table_columns = "".join(f'<tableColumn id="{i + 1}" name="{escape(h, {chr(34): "&quot;"})}"/>' for i, h in enumerate(headers))
            archive.writestr("xl/worksheets/_rels/sheet1.xml.rels",
                             '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/table" Target="../tables/table1.xml"/></Relationships>')
            archive.writestr("xl/tables/table1.xml",
                             '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                             f'id="1" name="{table}" displayName="{table}" ref="{ref}" totalsRowShown="0"><autoFilter ref="{ref}"/>'
                             f'<tableColumns count="{len(headers)}">{table_columns}</tableColumns></table>')
    return path


def _with_header(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterable[Sequence[object]]:
    yield headers
    yield from rows


def _cell(ref: str, value: object, strings: dict[str, int]) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Raw):
        return value.format(ref=ref)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (dt.date, dt.datetime)):
        day = value.date() if isinstance(value, dt.datetime) else value
        return f'<c r="{ref}" s="1"><v>{(day - EPOCH).days}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    index = strings.setdefault(str(value), len(strings))
    return f'<c r="{ref}" t="s"><v>{index}</v></c>'
