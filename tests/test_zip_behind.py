"""A workbook zipped by a worker thread (ZipBehindWorkbook) is XlsxWriter's file byte for byte:
the same parts, in the same order, compressed the same way, with the same zip headers."""

from __future__ import annotations

import datetime as dt
import io
import struct
import threading
import zlib
from pathlib import Path

import pytest
import xlsxwriter

from pmo_xl.io.zip_behind import PartsZip, ZipBehindWorkbook, deflated, inflated


def _png() -> bytes:
    """A 1x1 PNG (a binary part: an image is zipped as it is, not encoded)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")


def _build(workbook: xlsxwriter.Workbook) -> None:
    workbook.set_properties({"title": "zip behind", "created": dt.datetime(2026, 1, 1)})
    bold = workbook.add_format({"bold": True})
    for s in range(3):
        sheet = workbook.add_worksheet(f"Sheet {s}")
        sheet.write_row(0, 0, ["name", "value", "ünïcödé & <tags>"], bold)
        for row in range(1, 3000):  # big enough parts that compressing them takes a while
            sheet.write_row(row, 0, [f"item {row % 97}", row * 1.5, f"text {row * s}"])
        sheet.write_comment(2, 2, "a comment: VML and comment parts")
        chart = workbook.add_chart({"type": "line"})
        chart.add_series({"categories": [sheet.name, 1, 0, 40, 0], "values": [sheet.name, 1, 1, 40, 1]})
        sheet.insert_chart(1, 5, chart)
    workbook.worksheets()[0].insert_image(20, 5, "dot.png", {"image_data": io.BytesIO(_png())})


@pytest.mark.parametrize("in_memory", [True, False])
def test_the_file_is_xlsxwriters_byte_for_byte(tmp_path: Path, in_memory: bool) -> None:
    paths = []
    for kind in (xlsxwriter.Workbook, ZipBehindWorkbook):
        path = tmp_path / f"{kind.__name__}.xlsx"
        workbook = kind(str(path), {"in_memory": in_memory})
        _build(workbook)
        workbook.close()
        paths.append(path)
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_a_failure_while_packaging_stops_the_worker_and_raises(tmp_path: Path, monkeypatch) -> None:
    workbook = ZipBehindWorkbook(str(tmp_path / "broken.xlsx"), {"in_memory": True})
    _build(workbook)

    def fail(self):  # noqa: ANN001
        raise RuntimeError("styles failed")

    monkeypatch.setattr(workbook.packager_class, "_write_styles_file", fail)
    before = threading.active_count()
    with pytest.raises(RuntimeError, match="styles failed"):
        workbook.close()
    assert threading.active_count() == before


@pytest.mark.parametrize("allow_zip64", [True, False])
def test_a_part_compressed_elsewhere_is_written_as_writestr_writes_it(tmp_path: Path, allow_zip64: bool) -> None:
    parts = [("xl/a.xml", "<a>ünïcödé</a>".encode() * 5000), ("xl/media/b.bin", bytes(range(256)) * 40), ("empty.xml", b"")]
    files = []
    for compressed_here in (False, True):
        path = tmp_path / f"{compressed_here}.zip"
        zipped = PartsZip(str(path), allow_zip64)
        for name, data in parts:
            if compressed_here:
                zipped.add_deflated(name, deflated(data))
            else:
                zipped.add(name, data)
        zipped.close()
        files.append(path.read_bytes())
    assert files[0] == files[1]


def test_a_compressed_part_gives_its_text_back() -> None:
    text = "<c:chart>ünïcödé 12.5</c:chart>" * 300
    assert inflated(deflated(text.encode("utf-8"))) == text
    assert inflated(deflated(b"")) == ""
