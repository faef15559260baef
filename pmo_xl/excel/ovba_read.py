"""Read a VBA project's streams back the strict way of [MS-OVBA], to check what the build wrote.

Lenient readers (oletools, LibreOffice) skip what they do not understand; Excel may not. Here:

- `decompress` is §2.4.1.3 to the letter: signature byte, chunk headers with their 0b011
  signature, copy tokens whose offset stays inside the decompressed chunk, raw chunks of
  exactly 4096 bytes, no byte left over. Anything else raises `OvbaError`.
- `dir_records` splits the decompressed `dir` stream (§2.3.4.2) into its records in order,
  checking each record's id, size and the fixed values the spec prescribes, and that it ends
  with the terminator and nothing after.
- `project_lines` splits the PROJECT stream (§2.3.1) into its sections and `key=value` lines.
- `decrypt` undoes the CMG/DPB/GC data encryption (§2.4.3.3) and checks its version, project
  key and lengths; `protection` reads the three into what a user would see.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

CHUNK = 4096


class OvbaError(ValueError):
    """A stream breaks a rule of MS-OVBA."""


# ---- §2.4.1 compression --------------------------------------------------------------------


def decompress(container: bytes) -> bytes:
    """A CompressedContainer decompressed, refusing anything the specification does not allow."""
    if not container or container[0] != 0x01:
        raise OvbaError("a compressed container must start with the signature byte 0x01")
    out = bytearray()
    position = 1
    while position < len(container):
        if position + 2 > len(container):
            raise OvbaError(f"byte {position}: a chunk header is cut off")
        (header,) = struct.unpack_from("<H", container, position)
        size = (header & 0x0FFF) + 3  # the whole chunk, header included
        if (header >> 12) & 0b111 != 0b011:
            raise OvbaError(f"byte {position}: chunk signature is {(header >> 12) & 7:#05b}, not 0b011")
        end = position + size
        if end > len(container):
            raise OvbaError(f"byte {position}: the chunk claims {size} bytes, only {len(container) - position} remain")
        data = container[position + 2 : end]
        if header & 0x8000:
            out += _decompress_chunk(data, position)
        else:
            if size != CHUNK + 2:
                raise OvbaError(f"byte {position}: an uncompressed chunk must hold 4096 bytes, not {size - 2}")
            out += data
        position = end
    return bytes(out)


def _decompress_chunk(data: bytes, where: int) -> bytes:
    chunk = bytearray()
    index = 0
    while index < len(data):
        flags = data[index]
        index += 1
        for bit in range(8):
            if index >= len(data):
                break
            if not flags >> bit & 1:
                chunk.append(data[index])
                index += 1
                continue
            if index + 2 > len(data):
                raise OvbaError(f"chunk at byte {where}: a copy token is cut off")
            (token,) = struct.unpack_from("<H", data, index)
            index += 2
            bit_count = max((len(chunk) - 1).bit_length(), 4)
            length = (token & (0xFFFF >> bit_count)) + 3
            offset = (token >> (16 - bit_count)) + 1
            if not chunk or offset > len(chunk):
                raise OvbaError(f"chunk at byte {where}: a copy token reaches {offset} bytes back, before the chunk")
            for _ in range(length):
                chunk.append(chunk[-offset])
        if len(chunk) > CHUNK:
            raise OvbaError(f"chunk at byte {where} decompresses to more than 4096 bytes")
    return bytes(chunk)


# ---- §2.3.4.2 dir stream ---------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One dir-stream record: its name in the specification and its decoded fields."""

    name: str
    fields: tuple[tuple[str, object], ...]

    def get(self, field: str) -> object:
        return dict(self.fields)[field]


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def peek(self) -> int | None:
        return struct.unpack_from("<H", self.data, self.at)[0] if self.at + 2 <= len(self.data) else None

    def take(self, size: int) -> bytes:
        if self.at + size > len(self.data):
            raise OvbaError(f"dir stream byte {self.at}: {size} bytes wanted, {len(self.data) - self.at} left")
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk

    def u16(self) -> int:
        return struct.unpack("<H", self.take(2))[0]

    def u32(self) -> int:
        return struct.unpack("<I", self.take(4))[0]

    def expect(self, wanted: int, record: str) -> None:
        start = self.at
        found = self.u16()
        if found != wanted:
            raise OvbaError(f"dir stream byte {start}: {record} wants id {wanted:#06x}, found {found:#06x}")

    def fixed(self, wanted: int, record: str, size: int) -> int:
        """A record of a fixed size: id, its Size field (must be `size`), then the value."""
        self.expect(wanted, record)
        declared = self.u32()
        if declared != size:
            raise OvbaError(f"{record}: Size is {declared}, must be {size}")
        if size == 0:
            return 0
        return self.u16() if size == 2 else self.u32()

    def text(self, wanted: int, record: str, codepage: str) -> str:
        self.expect(wanted, record)
        return self.take(self.u32()).decode(codepage)

    def unicode(self, wanted: int, record: str) -> str:
        self.expect(wanted, record)
        size = self.u32()
        if size % 2:
            raise OvbaError(f"{record}: a UTF-16 field of odd size {size}")
        return self.take(size).decode("utf-16-le")


def dir_records(data: bytes) -> list[Record]:
    """The records of a decompressed dir stream, in order (MS-OVBA §2.3.4.2)."""
    c = _Cursor(data)
    out: list[Record] = []

    def add(name: str, **fields: object) -> None:
        out.append(Record(name, tuple(fields.items())))

    add("PROJECTSYSKIND", SysKind=c.fixed(0x0001, "PROJECTSYSKIND", 4))
    if c.peek() == 0x004A:
        add("PROJECTCOMPATVERSION", CompatVersion=c.fixed(0x004A, "PROJECTCOMPATVERSION", 4))
    add("PROJECTLCID", Lcid=c.fixed(0x0002, "PROJECTLCID", 4))
    add("PROJECTLCIDINVOKE", LcidInvoke=c.fixed(0x0014, "PROJECTLCIDINVOKE", 4))
    codepage_number = c.fixed(0x0003, "PROJECTCODEPAGE", 2)
    add("PROJECTCODEPAGE", CodePage=codepage_number)
    codepage = f"cp{codepage_number}"
    add("PROJECTNAME", ProjectName=c.text(0x0004, "PROJECTNAME", codepage))
    add("PROJECTDOCSTRING", DocString=c.text(0x0005, "PROJECTDOCSTRING", codepage),
        DocStringUnicode=c.unicode(0x0040, "PROJECTDOCSTRING"))  # fmt: skip
    path1 = c.text(0x0006, "PROJECTHELPFILEPATH", codepage)
    path2 = c.text(0x003D, "PROJECTHELPFILEPATH", codepage)
    if path1 != path2:
        raise OvbaError("PROJECTHELPFILEPATH: HelpFile1 and HelpFile2 differ")
    add("PROJECTHELPFILEPATH", HelpFile=path1)
    add("PROJECTHELPCONTEXT", HelpContext=c.fixed(0x0007, "PROJECTHELPCONTEXT", 4))
    libflags = c.fixed(0x0008, "PROJECTLIBFLAGS", 4)
    if libflags != 0:
        raise OvbaError("PROJECTLIBFLAGS must be 0")
    add("PROJECTLIBFLAGS", ProjectLibFlags=libflags)
    c.expect(0x0009, "PROJECTVERSION")
    if c.u32() != 4:  # the spec's Reserved field, 4, although 6 bytes follow
        raise OvbaError("PROJECTVERSION: Reserved must be 4")
    add("PROJECTVERSION", VersionMajor=c.u32(), VersionMinor=c.u16())
    add("PROJECTCONSTANTS", Constants=c.text(0x000C, "PROJECTCONSTANTS", codepage),
        ConstantsUnicode=c.unicode(0x003C, "PROJECTCONSTANTS"))  # fmt: skip
    while c.peek() in (0x0016, 0x000D, 0x000E, 0x002F, 0x0033):
        _reference(c, codepage, add)
    count = c.fixed(0x000F, "PROJECTMODULES", 2)
    add("PROJECTMODULES", Count=count)
    cookie = c.fixed(0x0013, "PROJECTCOOKIE", 2)
    add("PROJECTCOOKIE", Cookie=cookie)
    for _ in range(count):
        _module(c, codepage, add)
    c.expect(0x0010, "dir Terminator")
    if c.u32() != 0:
        raise OvbaError("dir Terminator: Reserved must be 0")
    if c.at != len(data):
        raise OvbaError(f"{len(data) - c.at} bytes after the dir stream's terminator")
    return out


def _reference(c: _Cursor, codepage: str, add) -> None:  # type: ignore[no-untyped-def]
    name = unicode_name = None
    if c.peek() == 0x0016:
        name = c.text(0x0016, "REFERENCENAME", codepage)
        unicode_name = c.unicode(0x003E, "REFERENCENAME")
        add("REFERENCENAME", Name=name, NameUnicode=unicode_name)
    kind = c.peek()
    if kind == 0x000D:
        c.expect(0x000D, "REFERENCEREGISTERED")
        size = c.u32()
        libid = c.take(c.u32()).decode(codepage)
        if c.u32() != 0 or c.u16() != 0:
            raise OvbaError("REFERENCEREGISTERED: Reserved1 and Reserved2 must be 0")
        if size != 4 + len(libid.encode(codepage)) + 6:
            raise OvbaError(f"REFERENCEREGISTERED {libid}: Size {size} disagrees with its fields")
        add("REFERENCEREGISTERED", Libid=libid)
    elif kind == 0x000E:
        c.expect(0x000E, "REFERENCEPROJECT")
        c.u32()
        absolute = c.take(c.u32()).decode(codepage)
        relative = c.take(c.u32()).decode(codepage)
        add("REFERENCEPROJECT", LibidAbsolute=absolute, LibidRelative=relative, MajorVersion=c.u32(), MinorVersion=c.u16())
    elif kind in (0x0033, 0x002F):
        original = None
        if kind == 0x0033:
            original = c.text(0x0033, "REFERENCEORIGINAL", codepage)
        c.expect(0x002F, "REFERENCECONTROL")
        c.u32()
        twiddled = c.take(c.u32()).decode(codepage)
        if c.u32() != 0 or c.u16() != 0:
            raise OvbaError("REFERENCECONTROL: Reserved1 and Reserved2 must be 0")
        extended_name = None
        if c.peek() == 0x0016:
            extended_name = c.text(0x0016, "REFERENCECONTROL NameRecordExtended", codepage)
            c.unicode(0x003E, "REFERENCECONTROL NameRecordExtended")
        if c.u16() != 0x0030:
            raise OvbaError("REFERENCECONTROL: Reserved3 must be 0x0030")
        c.u32()
        extended = c.take(c.u32()).decode(codepage)
        if c.u32() != 0 or c.u16() != 0:
            raise OvbaError("REFERENCECONTROL: Reserved4 and Reserved5 must be 0")
        add("REFERENCECONTROL", LibidOriginal=original, LibidTwiddled=twiddled, NameExtended=extended_name,
            LibidExtended=extended, OriginalTypeLib=c.take(16).hex(), Cookie=c.u32())  # fmt: skip
    else:
        raise OvbaError(f"reference kind {kind:#06x} is not one of MS-OVBA's")


def _module(c: _Cursor, codepage: str, add) -> None:  # type: ignore[no-untyped-def]
    name = c.text(0x0019, "MODULENAME", codepage)
    fields: dict[str, object] = {"ModuleName": name}
    if c.peek() == 0x0047:
        fields["ModuleNameUnicode"] = c.unicode(0x0047, "MODULENAMEUNICODE")
    fields["StreamName"] = c.text(0x001A, "MODULESTREAMNAME", codepage)
    fields["StreamNameUnicode"] = c.unicode(0x0032, "MODULESTREAMNAME")
    fields["DocString"] = c.text(0x001C, "MODULEDOCSTRING", codepage)
    fields["DocStringUnicode"] = c.unicode(0x0048, "MODULEDOCSTRING")
    fields["TextOffset"] = c.fixed(0x0031, "MODULEOFFSET", 4)
    fields["HelpContext"] = c.fixed(0x001E, "MODULEHELPCONTEXT", 4)
    fields["Cookie"] = c.fixed(0x002C, "MODULECOOKIE", 2)  # "ignored on read", 0xFFFF on write
    kind = c.peek()
    if kind not in (0x0021, 0x0022):
        raise OvbaError(f"module {name}: MODULETYPE id {kind} is neither 0x0021 nor 0x0022")
    c.fixed(kind, "MODULETYPE", 0)
    fields["Type"] = "procedural" if kind == 0x0021 else "document/class"
    fields["ReadOnly"] = c.peek() == 0x0025 and c.fixed(0x0025, "MODULEREADONLY", 0) == 0
    fields["Private"] = c.peek() == 0x0028 and c.fixed(0x0028, "MODULEPRIVATE", 0) == 0
    c.expect(0x002B, "MODULE Terminator")
    if c.u32() != 0:
        raise OvbaError(f"module {name}: Terminator Reserved must be 0")
    add("MODULE", **fields)


# ---- §2.3.1 PROJECT stream -----------------------------------------------------------------


def project_lines(data: bytes, codepage: str = "cp1252") -> dict[str, list[tuple[str, str]]]:
    """The PROJECT stream's sections ("" for the first) with their `key=value` lines in order."""
    text = data.decode(codepage)
    if not text.endswith("\r\n") or "\n" in text.replace("\r\n", ""):
        raise OvbaError("PROJECT lines must end with CRLF")
    sections: dict[str, list[tuple[str, str]]] = {"": []}
    current = ""
    for line in text.split("\r\n")[:-1]:
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections[current] = []
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise OvbaError(f"PROJECT line {line!r} is not key=value")
        sections[current].append((key, value))
    return sections


# ---- §2.4.3 data encryption (CMG, DPB, GC) ------------------------------------------------------


def project_key(project_id: str) -> int:
    """ProjKey: the sum of the project ID's bytes (braces included), modulo 256."""
    return sum(project_id.encode("ascii")) & 0xFF


def decrypt(hex_text: str, project_id: str) -> bytes:
    """The Data of an encrypted CMG/DPB/GC value, after checking version, key and lengths."""
    data = bytes.fromhex(hex_text)
    if len(data) < 8:
        raise OvbaError(f"{hex_text}: too short for an encrypted value")
    seed, version_enc, key_enc = data[0], data[1], data[2]
    if seed ^ version_enc != 2:
        raise OvbaError(f"{hex_text}: encryption version {seed ^ version_enc}, not 2")
    key = seed ^ key_enc
    if key != project_key(project_id):
        raise OvbaError(f"{hex_text}: project key {key:#04x} is not the project ID's {project_key(project_id):#04x}")
    unencrypted1, encrypted1, encrypted2 = key, key_enc, version_enc
    plain = bytearray()
    for byte_enc in data[3:]:
        byte = byte_enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        plain.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack_from("<I", plain, ignored)[0] if len(plain) >= ignored + 4 else -1
    body = plain[ignored + 4 :]
    if length != len(body):
        raise OvbaError(f"{hex_text}: DataLength {length} but {len(body)} data bytes follow")
    return bytes(body)


@dataclass(frozen=True)
class Protection:
    user_protected: bool
    host_protected: bool
    vbe_protected: bool
    password: bool
    visible: bool


def protection(project: dict[str, list[tuple[str, str]]]) -> Protection:
    """What CMG, DPB and GC of a PROJECT stream say, decrypted."""
    lines = dict(project[""])
    project_id = lines["ID"].strip('"')
    cmg = decrypt(lines["CMG"].strip('"'), project_id)
    dpb = decrypt(lines["DPB"].strip('"'), project_id)
    gc = decrypt(lines["GC"].strip('"'), project_id)
    if len(cmg) != 4 or len(gc) != 1:
        raise OvbaError("CMG must hold 4 bytes and GC 1")
    (state,) = struct.unpack("<I", cmg)
    if state & ~0b111:
        raise OvbaError("CMG: reserved protection bits are set")
    if gc[0] not in (0x00, 0xFF):
        raise OvbaError(f"GC: visibility {gc[0]:#04x} is neither 0x00 nor 0xFF")
    return Protection(bool(state & 1), bool(state & 2), bool(state & 4), dpb != b"\x00", gc[0] == 0xFF)
