"""The .xlsx/.xlsm package, opened so that no file can make the reader abort or hang.

Every part the reader (or calamine after it) needs is inflated here first, by our own streaming
inflate with a budget checked as the bytes come out, never after:
  - a part may not inflate to more than MAX_RATIO times its compressed size (past a small
    grace), the ratio Apache POI uses for its zip-bomb guard, nor to more than its declared size;
  - the whole package may not inflate to more than MAX_PACKAGE_BYTES.
The declared sizes are checked before anything is inflated, so an honest bomb is refused in
milliseconds; a lying one is refused as soon as its output outruns its header or the ratio.
A part that inflates exactly to its declared size and CRC is what calamine then reads.

The workbook's own small parts are read here too (sheets and their visibility, the 1904 date
system, the Excel Table definitions), so the sheets themselves are parsed once, by calamine.
Parts written in UTF-16 (legal in the package format, never written by Excel) are turned into
UTF-8 in an in-memory copy, which is what calamine and the scan then read.
"""

from __future__ import annotations

import html
import io
import os
import posixpath
import queue
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

try:
    # ISA-L's inflate (python-isal): the same raw deflate streams, bytes and CRCs as zlib's at twice the speed
    # (320 MB of a 1,048,575-row sheet: 0.45 s CPU instead of 1.0 s). Like zlib it lets go of Python's
    # global lock, so `Package.ahead` still inflates on the second core. zlib where no wheel installs.
    from isal import isal_zlib as _inflate
except ImportError:  # pragma: no cover - python-isal ships wheels for the platforms pmo-xl runs on
    _inflate = zlib  # type: ignore[assignment]

MAX_RATIO = 100  # inflated / compressed bytes of one part (Apache POI's MIN_INFLATE_RATIO = 0.01)
RATIO_GRACE = 1 << 20  # the ratio is checked once a part has produced this many bytes
# A register at Excel's row limit is a few hundred MB of sheet XML (measured: 1,048,575 rows x 10
# columns, 320 MB); 2 GiB leaves room for wide registers and still inflates in a few seconds.
MAX_PACKAGE_BYTES = 2 << 30
INFLATE_CHUNK = 4 << 20  # bytes of output per step: memory stays bounded whatever the part
# A part larger than this is inflated a few pieces ahead of its reader, in a thread (`Package.ahead`);
# below it the thread is not worth starting (a 1,000-project sample's largest sheet is ~30 MB).
AHEAD_MIN_BYTES = 16 << 20
AHEAD_PIECES = 2  # pieces inflated and waiting: memory stays bounded (2 x INFLATE_CHUNK)

_LOCAL_HEADER = struct.Struct("<4s5H3I2H")
_ATTRIBUTE = re.compile(rb'([\w:.-]+)\s*=\s*"([^"]*)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_WORKBOOK_PR = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*>")
_TABLE_ROOT = re.compile(rb"<(?:\w+:)?table\b[^>]*>")
_TABLE_COLUMN = re.compile(rb"<(?:\w+:)?tableColumn\b[^>]*>")
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?$")


class PackageError(Exception):
    """The package cannot be read safely. The message is one line, without the file's name."""


@dataclass
class SheetEntry:
    name: str
    member: str  # the sheet's XML part, '' when the workbook points nowhere
    hidden: bool


@dataclass
class TableDef:
    """An Excel Table as the package declares it, 0-based inclusive bounds."""

    name: str
    sheet: str
    top: int
    left: int
    bottom: int
    right: int
    header_rows: int  # 0 when the table has its header row switched off
    totals_rows: int
    columns: list[str] = field(default_factory=list)


def cell_position(ref: str) -> tuple[int, int] | None:
    """'B3' -> (2, 1), 0-based row and column; None when it is not a cell reference."""
    match = _REF.match(ref.strip())
    if match is None:
        return None
    return int(match.group(2)) - 1, column_index(match.group(1).upper())


def column_index(letters: str) -> int:
    """'A' -> 0, 'XFD' -> 16383."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


class Package:
    """An .xlsx/.xlsm zip read within the inflate budget. `source` is what calamine should open."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self.source: str | io.BytesIO = self.path
        self.inflated = 0
        try:
            self.archive = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise PackageError("the file is damaged (not a readable zip); ask for it again") from None
        try:
            self._check_declared_sizes()
            self._transcode_utf16_parts()
            self.sheets, self.date1904 = self._workbook()
            self.tables = self._tables()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, struct.error):
            self.archive.close()
            raise PackageError("the file is damaged (a part of it cannot be inflated); ask for it again") from None
        except PackageError:
            self.archive.close()
            raise

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- inflating within the budget -----------------------------------------------------------

    def _check_declared_sizes(self) -> None:
        total = 0
        for info in self.archive.infolist():
            if info.filename.endswith("/"):
                continue
            total += info.file_size
            if info.file_size > RATIO_GRACE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise PackageError(f"refused: the part {_shown(info.filename)} would inflate {info.file_size // max(info.compress_size, 1):,} "
                                   f"times its size ({info.file_size / 2**20:,.0f} MiB) — a zip bomb, or not a workbook")
        if total > MAX_PACKAGE_BYTES:
            raise PackageError(f"refused: its parts would inflate to {total / 2**30:,.1f} GiB, more than any workbook of "
                               f"registers needs ({MAX_PACKAGE_BYTES / 2**30:.0f} GiB)")

    def chunks(self, member: str, piece: int = INFLATE_CHUNK) -> Iterator[bytes]:
        """The part's bytes in pieces of at most `piece` bytes, checked as they come out."""
        info = self.archive.getinfo(member)
        if info.flag_bits & 0x1:
            raise PackageError(f"the part {_shown(member)} is encrypted; save a copy without a password")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise PackageError(f"the part {_shown(member)} uses a compression Excel does not write; save it again from Excel")
        handle = self.archive.fp
        if handle is None:
            raise PackageError("the file was closed while being read")
        handle.seek(info.header_offset)
        header = _LOCAL_HEADER.unpack(handle.read(_LOCAL_HEADER.size))
        if header[0] != b"PK\x03\x04":
            raise zipfile.BadZipFile(member)
        handle.seek(info.header_offset + _LOCAL_HEADER.size + header[9] + header[10])
        left = info.compress_size
        inflater = _inflate.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        produced, consumed, crc = 0, 0, 0
        pending = b""
        while True:
            if not pending and left > 0:
                pending = handle.read(min(left, 1 << 20))
                if not pending:
                    raise zipfile.BadZipFile(member)
                left -= len(pending)
                consumed += len(pending)
            if inflater is None:
                if not pending:
                    break
                data, pending = pending, b""
            else:
                try:
                    # Once the input is all read, `pending` is empty and this drains what the inflater holds, a piece
                    # at a time: ISA-L takes a small input whole and keeps its output (zlib keeps the input instead).
                    data = inflater.decompress(pending, piece)
                except _inflate.error as error:  # ISA-L's own error type: raised as zlib's, which callers handle
                    raise zlib.error(str(error)) from None
                pending = inflater.unconsumed_tail
                if not data:
                    if inflater.eof or (not pending and left <= 0):
                        break
                    continue
            produced += len(data)
            self._charge(member, info, produced, consumed, len(data))
            crc = _inflate.crc32(data, crc)
            yield data
        if inflater is not None:
            rest = inflater.flush()
            if rest:
                produced += len(rest)
                self._charge(member, info, produced, consumed, len(rest))
                crc = _inflate.crc32(rest, crc)
                yield rest
            if not inflater.eof or inflater.unused_data:
                raise zipfile.BadZipFile(member)
        if produced != info.file_size or crc != info.CRC:
            raise zipfile.BadZipFile(member)

    def _charge(self, member: str, info: zipfile.ZipInfo, produced: int, consumed: int, count: int) -> None:
        self.inflated += count
        if produced > info.file_size:
            raise PackageError(f"refused: the part {_shown(member)} inflates past the size its header declares — a zip bomb, "
                               "or a damaged file")
        if produced > RATIO_GRACE and produced > MAX_RATIO * consumed:
            raise PackageError(f"refused: the part {_shown(member)} inflates more than {MAX_RATIO} times its size — a zip bomb, "
                               "or not a workbook")
        if self.inflated > MAX_PACKAGE_BYTES:
            raise PackageError(f"refused: its parts inflate to more than {MAX_PACKAGE_BYTES / 2**30:.0f} GiB, more than any "
                               "workbook of registers needs")

    def ahead(self, member: str) -> Iterator[bytes]:
        """The part's pieces as `chunks` gives them, a large part's inflated ahead in a thread.

        The inflate (ISA-L, or zlib) releases the GIL, so on a second core the next pieces inflate while the caller
        works on this one: the sheet scan of a 1,048,575-row register (320 MB of XML) spends about as
        long inflating as scanning, and the two overlap. The budget, the checks and their errors are
        those of `chunks` (an error in the thread is raised here, at the piece it stopped at).
        Nothing else may read the package while the pieces are being taken.
        """
        if self.archive.getinfo(member).file_size < AHEAD_MIN_BYTES:
            yield from self.chunks(member)
            return
        waiting: queue.Queue[tuple[bytes | None, BaseException | None]] = queue.Queue(maxsize=AHEAD_PIECES)
        stop = threading.Event()

        def hand_over(item: tuple[bytes | None, BaseException | None]) -> bool:
            while not stop.is_set():
                try:
                    waiting.put(item, timeout=0.05)
                    return True
                except queue.Full:
                    continue
            return False

        def inflate() -> None:
            try:
                for piece in self.chunks(member):
                    if not hand_over((piece, None)):
                        return
            except BaseException as error:  # noqa: BLE001 — raised again in the reader's thread
                hand_over((None, error))
                return
            hand_over((None, None))

        worker = threading.Thread(target=inflate, name="inflate-ahead", daemon=True)
        worker.start()
        try:
            while True:
                piece, error = waiting.get()
                if error is not None:
                    raise error
                if piece is None:
                    return
                yield piece
        finally:
            stop.set()  # the reader stopped early (or is done): the thread ends at its next hand-over
            worker.join()

    def read(self, member: str) -> bytes:
        """A whole (small) part, inflated within the budget."""
        return b"".join(self.chunks(member))

    def has(self, member: str) -> bool:
        return member in self.archive.NameToInfo

    # --- UTF-16 parts --------------------------------------------------------------------------

    def _transcode_utf16_parts(self) -> None:
        """Parts in UTF-16 become UTF-8 in an in-memory copy of the package (small files only:
        Excel never writes UTF-16, so such a file was made by a tool, part by part)."""
        utf16 = [info for info in self.archive.infolist() if _is_xml(info.filename) and _starts_utf16(self._head(info))]
        if not utf16:
            return
        names = {info.filename for info in utf16}
        copy = io.BytesIO()
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
            for info in self.archive.infolist():
                data = self.read(info.filename)
                if info.filename in names:
                    data = _utf16_to_utf8(data)
                target.writestr(info.filename, data)
        self.archive.close()
        copy.seek(0)
        self.source = copy
        self.archive = zipfile.ZipFile(copy)

    def _head(self, info: zipfile.ZipInfo) -> bytes:
        pieces = self.chunks(info.filename, piece=64)  # the first few bytes only: the rest is never inflated here
        try:
            return next(pieces, b"")[:4]
        finally:
            pieces.close()

    # --- the workbook's own parts --------------------------------------------------------------

    def _workbook(self) -> tuple[list[SheetEntry], bool]:
        """The sheets in order (name, part, hidden) and whether dates count from 1904."""
        if not self.has("xl/workbook.xml"):
            return [], False
        targets = self._relationships("xl/workbook.xml")
        workbook = self.read("xl/workbook.xml")
        sheets = []
        for match in _SHEET_ENTRY.finditer(workbook):
            attributes = _attributes(match.group(0))
            state = attributes.get("state", "visible")
            sheets.append(SheetEntry(attributes.get("name", ""), targets.get(attributes.get("id", ""), ""), state != "visible"))
        properties = _WORKBOOK_PR.search(workbook)
        date1904 = properties is not None and _attributes(properties.group(0)).get("date1904", "0").lower() in ("1", "true")
        return sheets, date1904

    def shared_strings(self) -> list[str]:
        """The workbook's shared-strings parts: those its relationships name, and xl/sharedStrings.xml if present."""
        folder = "xl"
        rels = "xl/_rels/workbook.xml.rels"
        found = {"xl/sharedStrings.xml"} if self.has("xl/sharedStrings.xml") else set()
        if self.has(rels):
            for match in _RELATIONSHIP.finditer(self.read(rels)):
                attributes = _attributes(match.group(0))
                target = attributes.get("Target", "")
                if attributes.get("Type", "").endswith("/sharedStrings") and attributes.get("TargetMode") != "External":
                    member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                    if self.has(member):
                        found.add(member)
        return sorted(found)

    def _relationships(self, part: str) -> dict[str, str]:
        """Relationship id -> the target part, resolved against `part`'s folder."""
        folder, name = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", name + ".rels")
        if not self.has(rels):
            return {}
        targets = {}
        for match in _RELATIONSHIP.finditer(self.read(rels)):
            attributes = _attributes(match.group(0))
            target = attributes.get("Target", "")
            if attributes.get("TargetMode") == "External":
                continue
            targets[attributes.get("Id", "")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        return targets

    def _tables(self) -> list[TableDef]:
        """Every Excel Table, from each sheet's table parts (a damaged one is left out)."""
        tables = []
        for sheet in self.sheets:
            if not self.has(sheet.member):
                continue
            for target in self._relationships(sheet.member).values():
                if "/tables/" in target and self.has(target):
                    table = _table_definition(self.read(target), sheet.name)
                    if table is not None:
                        tables.append(table)
        return tables


def _table_definition(xml: bytes, sheet: str) -> TableDef | None:
    root = _TABLE_ROOT.search(xml)
    if root is None:
        return None
    attributes = _attributes(root.group(0))
    ref = attributes.get("ref", "")
    start, _, end = ref.partition(":")
    first, last = cell_position(start), cell_position(end or start)
    if first is None or last is None:
        return None
    name = attributes.get("displayName") or attributes.get("name") or ""
    columns = [_attributes(m.group(0)).get("name", "") for m in _TABLE_COLUMN.finditer(xml)]
    return TableDef(name, sheet, first[0], first[1], last[0], last[1], _count(attributes.get("headerRowCount"), 1),
                    _count(attributes.get("totalsRowCount"), 0), columns)


def _count(text: str | None, default: int) -> int:
    return int(text) if text is not None and text.isdigit() else default


def _attributes(tag: bytes) -> dict[str, str]:
    """Attributes of one XML tag, without namespace prefixes, entities decoded."""
    return {key.split(b":")[-1].decode("ascii", "replace"): html.unescape(value.decode("utf-8", "replace"))
            for key, value in _ATTRIBUTE.findall(tag)}


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels"))


def _starts_utf16(head: bytes) -> bool:
    return head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:4] in (b"<\x00?\x00", b"\x00<\x00?")


def _utf16_to_utf8(data: bytes) -> bytes:
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-16-le" if data[:1] == b"<" else "utf-16-be")
    text = data.decode(encoding, "replace")
    text = re.sub(r"""(<\?xml[^>]*?encoding\s*=\s*["'])[Uu][Tt][Ff]-?16(?:[LlBb][Ee])?(["'])""", r"\1UTF-8\2", text, count=1)
    return text.encode("utf-8")


def _shown(member: str) -> str:
    """A part name as printed: control characters escaped, so a crafted name cannot reach the terminal raw."""
    return repr(member)
