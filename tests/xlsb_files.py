"""A minimal .xlsb writer for tests: sheets of numbers and text as MS-XLSB binary records.

No library here writes .xlsb (XlsxWriter and openpyxl write .xlsx only, LibreOffice has no .xlsb
export filter), so the tests build the records themselves (MS-XLSB 2.1.4: a record is its type and
its size, each a little-endian base-128 number, then its payload). Only what a reader needs is
written: the workbook's sheet list (BrtBundleSh) and 1904 flag (BrtWbProp), and per sheet its
dimension, rows (BrtRowHdr) and cells (BrtCellReal for numbers, BrtCellSt for text). There are no
styles, so dates are written as serial numbers, as a PM who typed them unformatted would have.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

Sheet = dict[tuple[int, int], object]  # (row0, col0) -> a number or a text


def _varint(number: int, limit: int) -> bytes:
    out = bytearray()
    for _ in range(limit):
        byte = number & 0x7F
        number >>= 7
        out.append(byte | (0x80 if number else 0))
        if not number:
            break
    return bytes(out)


def record(kind: int, payload: bytes = b"") -> bytes:
    return _varint(kind, 2) + _varint(len(payload), 4) + payload


def wide(text: str) -> bytes:
    data = text.encode("utf-16-le")
    return struct.pack("<I", len(data) // 2) + data


def sheet_part(cells: Sheet) -> bytes:
    rows = sorted({r for r, _ in cells})
    last_row = max(rows, default=0)
    last_col = max((c for _, c in cells), default=0)
    out = [record(0x81), record(0x94, struct.pack("<4I", 0, last_row, 0, last_col)), record(0x91)]
    for row0 in rows:
        out.append(record(0x00, struct.pack("<I", row0) + bytes(13)))
        for (r, col0), value in sorted(cells.items()):
            if r != row0 or value is None:
                continue
            head = struct.pack("<II", col0, 0)
            if isinstance(value, str):
                out.append(record(0x06, head + wide(value)))
            else:
                out.append(record(0x05, head + struct.pack("<d", float(value))))  # type: ignore[arg-type]
    out += [record(0x92), record(0x82)]
    return b"".join(out)


def write_xlsb(path: Path, sheets: dict[str, Sheet], *, date_1904: bool = False) -> Path:
    """An .xlsb with these sheets, in order."""
    book = [record(0x183), record(0x99, struct.pack("<II", 1 if date_1904 else 0, 0) + wide("")), record(0x8F)]
    rels = []
    for k, name in enumerate(sheets, start=1):
        book.append(record(0x9C, struct.pack("<II", 0, k) + wide(f"rId{k}") + wide(name)))
        rels.append(f'<Relationship Id="rId{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    f'worksheet" Target="worksheets/sheet{k}.bin"/>')
    book += [record(0x90), record(0x9D, bytes(26)), record(0x184)]
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{k}.bin" ContentType="application/vnd.ms-excel.worksheet"/>'
                        for k in range(1, len(sheets) + 1))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                         'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
                         'vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.bin" ContentType='
                         f'"application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>{overrides}</Types>')
        archive.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                         'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/>'
                         '</Relationships>')
        archive.writestr("xl/workbook.bin", b"".join(book))
        archive.writestr("xl/_rels/workbook.bin.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
                         f'schemas.openxmlformats.org/package/2006/relationships">{"".join(rels)}</Relationships>')
        for k, cells in enumerate(sheets.values(), start=1):
            archive.writestr(f"xl/worksheets/sheet{k}.bin", sheet_part(cells))
    return path


def table(rows: list[list[object]], top0: int = 0, left0: int = 0) -> Sheet:
    """Rows of values as cells from (top0, left0); None cells are left out."""
    return {(top0 + r, left0 + c): v for r, row in enumerate(rows) for c, v in enumerate(row) if v is not None}
