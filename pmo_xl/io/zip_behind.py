"""A workbook's parts zipped by a worker thread while the next part's XML is being made.

XlsxWriter's `Workbook._store_workbook` makes every part's XML first, then compresses and zips the
parts one after the other: for the 1,000-project report ~1.7 s of XML, then ~0.5 s of zlib (559
parts, 22.7 MB of XML). zlib lets go of Python's global lock while it compresses, so a second
thread can compress one part while this one makes the next. `ZipBehindWorkbook` does just that:
its packager hands each part over as soon as it is complete, and one worker thread adds it to the
zip file with `ZipFile.writestr` — the very call, arguments and order XlsxWriter uses, so the
file is the same byte for byte (tests/test_zip_behind.py compares whole files).

A part may also come already compressed (`DeflatedPart`, made by `deflated` — in a worker
process, say): the thread then writes its compressed bytes where `writestr` would have written its
own, the same zlib stream (one `compress` of the whole part, then `flush`) with the same CRC and
sizes in the same headers.
"""

from __future__ import annotations

import sys
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from io import BytesIO, StringIO
from typing import Any, NamedTuple
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import xlsxwriter
from xlsxwriter.packager import Packager

HAND_OVER_SECONDS = 0.001  # how long the zip thread may wait for Python's lock while parts are made

# XlsxWriter's date of every part in an in-memory package: Excel's own, 1/1/1980.
_PART_DATE = (1980, 1, 1, 0, 0, 0)


class DeflatedPart(NamedTuple):
    """A part's bytes compressed as ZipFile compresses them, with their CRC and size."""

    data: bytes
    crc: int
    size: int


def deflated(data: bytes) -> DeflatedPart:
    """`data` compressed as `ZipFile.writestr` compresses a ZIP_DEFLATED part (zipfile's
    _get_compressor without a level: a raw deflate stream at zlib's default level)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return DeflatedPart(compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data))


def inflated(part: DeflatedPart) -> str:
    """The text of a part `deflated` compressed (for a list of parts that takes none compressed)."""
    return zlib.decompress(part.data, -15).decode("utf-8")


class _Flushed:
    """Stands for a part's compressor: its whole compressed stream comes out at the flush."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def flush(self) -> bytes:
        return self._data


class PartsZip:
    """A zip file that one worker thread writes, part after part in the order they are added."""

    def __init__(self, target: Any, allow_zip64: bool) -> None:
        self._zip = ZipFile(target, "w", compression=ZIP_DEFLATED, allowZip64=allow_zip64)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zip-behind")
        self._written: list[Future[None]] = []

    def add(self, name: str, data: bytes) -> None:
        zinfo = ZipInfo(name, _PART_DATE)
        zinfo.compress_type = self._zip.compression
        self._written.append(self._worker.submit(self._zip.writestr, zinfo, data))

    def add_deflated(self, name: str, part: DeflatedPart) -> None:
        zinfo = ZipInfo(name, _PART_DATE)
        zinfo.compress_type = self._zip.compression
        self._written.append(self._worker.submit(self._write_deflated, zinfo, part))

    def _write_deflated(self, zinfo: ZipInfo, part: DeflatedPart) -> None:
        """What `writestr(zinfo, data)` writes, from the compressed bytes: the header as it writes
        it (its size known beforehand), then the stream, CRC and sizes as its handle's close does."""
        zinfo.file_size = part.size
        with self._zip.open(zinfo, mode="w") as handle:
            handle._compressor = _Flushed(part.data)  # noqa: SLF001 — zipfile's write handle, its own state
            handle._crc, handle._file_size = part.crc, part.size  # noqa: SLF001

    def close(self) -> None:
        """Wait for every part, raise the first error met, and close the file (its directory)."""
        try:
            self._worker.shutdown(wait=True)
            for written in self._written:
                written.result()
        finally:
            self._zip.close()

    def abandon(self) -> None:
        """Stop without writing what is left (the workbook failed): the file is closed as it is."""
        self._worker.shutdown(wait=True, cancel_futures=True)
        self._zip.close()


class _PartsInOrder(list):  # type: ignore[type-arg]
    """The packager's list of parts, (file or DeflatedPart, name in the zip, is binary), handing each over to the
    zip when it is complete. XlsxWriter's packager appends a part to this list before it writes
    it, and writes it all before it starts the next: a part is complete when the next is appended
    (or when the package is done, for the last one)."""

    takes_deflated = True  # a packager may append (DeflatedPart, name, False) for a part compressed elsewhere

    def __init__(self, parts: PartsZip) -> None:
        super().__init__()
        self._parts = parts
        self._handed_over = 0

    def append(self, part: tuple[StringIO | BytesIO, str, bool]) -> None:
        self.hand_over()
        super().append(part)

    def hand_over(self) -> None:
        for handle, name, is_binary in self[self._handed_over:]:
            if isinstance(handle, DeflatedPart):
                self._parts.add_deflated(name, handle)
                continue
            data = handle.getvalue()
            self._parts.add(name, data if is_binary else data.encode("utf-8"))  # as XlsxWriter encodes it
        self._handed_over = len(self)


class ZipBehindWorkbook(xlsxwriter.Workbook):
    """An in-memory Workbook whose parts are zipped by a worker thread while the next part's XML is
    made. Its packager class (`packager_class`) must be XlsxWriter's Packager or a subclass."""

    packager_class: type[Packager] = Packager

    def _get_packager(self) -> Packager:
        return self.packager_class()

    def _store_workbook(self) -> None:
        if not self.in_memory:  # parts in temporary files: XlsxWriter zips them itself
            super()._store_workbook()
            return
        parts = PartsZip(self.filename, self.allow_zip64)
        # The zip thread needs Python's lock back after each part's compression: by default it
        # waits up to 5 ms for it while this thread makes XML, and falls hundreds of parts behind
        # (~0.25 s left to zip at the end of the 1,000-project report; ~0.15 s at 1 ms).
        switch = sys.getswitchinterval()
        sys.setswitchinterval(min(switch, HAND_OVER_SECONDS))
        try:
            self._prepare_package()
            packager = self._get_packager()
            packager.filenames = package = _PartsInOrder(parts)
            packager._add_workbook(self)
            packager._set_tmpdir(self.tmpdir)
            packager._set_in_memory(self.in_memory)
            packager._create_package()
            package.hand_over()
        except BaseException:
            parts.abandon()
            raise
        finally:
            sys.setswitchinterval(switch)
        parts.close()

    def _prepare_package(self, chart_data: bool = True) -> None:
        """XlsxWriter's _store_workbook (3.3) up to the packaging: what it settles before the parts
        (but the charts' cached data if not `chart_data`: no worksheet's XML reads them)."""
        if not self.worksheets():
            self.add_worksheet()
        if self.worksheet_meta.activesheet == 0:
            self.worksheets_objs[0].selected = 1
            self.worksheets_objs[0].hidden = 0
        for sheet in self.worksheets():
            if sheet.index == self.worksheet_meta.activesheet:
                sheet.active = 1
        if self.vba_project:
            for sheet in self.worksheets():
                if sheet.vba_codename is None:
                    sheet.set_vba_name()
        self._prepare_sst_string_data()
        self._prepare_vml()
        self._prepare_defined_names()
        self._prepare_drawings()
        if chart_data:
            self._add_chart_data()
        self._prepare_tables()
        self._prepare_metadata()
