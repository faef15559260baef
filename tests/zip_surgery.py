"""Package surgery for hostile-file cases: a copy of an .xlsx with some parts changed, one more cell
in a sheet's XML, a part replaced by a raw deflate stream declaring any size (zip bombs).

Shared by tests/test_hostile_reader.py and benchmarks/bench_hostile.py; it imports nothing from
pytest, so the benchmarks run without the test extra.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from pmo_xl.io.package import Package


def sheet_member(path: Path, sheet: str) -> str:
    with Package(path) as package:
        return next(s.member for s in package.sheets if s.name == sheet)


def rewritten(source: Path, target: Path, changes: dict[str, Callable[[bytes], bytes]]) -> Path:
    """A copy of the package with some parts changed (by name)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            data = original.read(item)
            copy.writestr(item.filename, changes[item.filename](data) if item.filename in changes else data)
    return target


def with_cell(xml: bytes, ref: str, value: str = "1") -> bytes:
    """The sheet XML with one more row holding a number at `ref`."""
    row = re.match(r"[A-Z]+(\d+)", ref).group(1)  # type: ignore[union-attr]
    cell = f'<row r="{row}"><c r="{ref}"><v>{value}</v></c></row>'.encode()
    return xml.replace(b"</sheetData>", cell + b"</sheetData>", 1)


def replace_member_raw(path: Path, member: str, compressed: bytes, size: int, crc: int, declared: int | None = None) -> Path:
    """Rewrite the zip with `member`'s deflate stream given raw (so a test can declare any size)."""
    out = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as original, open(out, "wb") as handle:
        entries = []
        for item in original.infolist():
            if item.filename == member:
                data, length, checksum, method = compressed, declared if declared is not None else size, crc, 8
            else:
                with original.open(item) as stream:
                    plain = stream.read()
                data, length, checksum, method = zlib.compress(plain)[2:-4], len(plain), zlib.crc32(plain), 8
            name = item.filename.encode()
            offset = handle.tell()
            zip64 = length >= 0xFFFFFFFF
            extra = zipfile.struct.pack("<HHQQ", 1, 16, length, len(data)) if zip64 else b""
            handle.write(zipfile.struct.pack("<4s5H3I2H", b"PK\x03\x04", 45 if zip64 else 20, 0, method, 0, 0x21,
                                             checksum, 0xFFFFFFFF if zip64 else len(data), 0xFFFFFFFF if zip64 else length,
                                             len(name), len(extra)) + name + extra + data)
            entries.append((name, offset, length, len(data), checksum, method, zip64))
        directory = handle.tell()
        for name, offset, length, packed, checksum, method, zip64 in entries:
            extra = zipfile.struct.pack("<HHQQQ", 1, 24, length, packed, offset) if zip64 else b""
            handle.write(zipfile.struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 45 if zip64 else 20, 45 if zip64 else 20, 0, method,
                                             0, 0x21, checksum, 0xFFFFFFFF if zip64 else packed, 0xFFFFFFFF if zip64 else length,
                                             len(name), len(extra), 0, 0, 0, 0, 0xFFFFFFFF if zip64 else offset) + name + extra)
        end = handle.tell()
        handle.write(zipfile.struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(entries), len(entries), end - directory,
                                         directory, 0))
    out.replace(path)
    return path
