"""A strict reader of compound files (MS-CFB), the container of `vbaProject.bin`.

Forgiving readers (olefile, LibreOffice) open files that Excel may refuse or "repair", so a
built `vbaProject.bin` is checked here against the rules of [MS-CFB] itself rather than against
what a lenient reader tolerates: the header fields (§2.2), the FAT, DIFAT and mini FAT sector
chains (§2.3-2.5: no chain runs into a free, special or foreign sector, loops, or is longer or
shorter than its stream), the directory (§2.6: names, object types, the red-black tree of every
storage with its ordering rule, every entry reached exactly once), the mini stream (§2.6.2), and
that every sector and mini sector is free or belongs to exactly one owner (no orphans).

`read_compound_file` returns the streams by path ("VBA/dir") or raises `CompoundFileError`
with every problem found, one sentence each.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
MAXREGSECT, DIFSECT, FATSECT, ENDOFCHAIN, FREESECT = 0xFFFFFFFA, 0xFFFFFFFC, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFF
NOSTREAM = 0xFFFFFFFF
UNALLOCATED, STORAGE, STREAM, ROOT = 0, 1, 2, 5
RED, BLACK = 0, 1
MINI_SECTOR = 64
MINI_CUTOFF = 4096
HEADER_DIFAT = 109


class CompoundFileError(ValueError):
    """The file breaks rules of MS-CFB; `problems` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Entry:
    """One 128-byte directory entry (MS-CFB §2.6.1)."""

    index: int
    name: str
    kind: int
    color: int
    left: int
    right: int
    child: int
    clsid: bytes
    state: int
    created: int
    modified: int
    start: int
    size: int


def _name_key(name: str) -> tuple[int, str]:
    """The directory order of §2.6.4: shorter names first, then by upper-cased code points."""
    return len(name), name.upper()


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.problems: list[str] = []
        self.owner: dict[int, str] = {}  # sector -> what uses it

    def fail(self, problem: str) -> None:
        self.problems.append(problem)

    # ---- header, FAT, DIFAT ------------------------------------------------------------

    def header(self) -> None:
        data = self.data
        if len(data) < 512 or data[:8] != SIGNATURE:
            raise CompoundFileError(["not a compound file (no MS-CFB signature)"])
        (minor, major, order, shift, mini_shift) = struct.unpack_from("<HHHHH", data, 24)
        (self.dir_sectors, self.fat_count, self.first_dir, transaction, cutoff, self.first_minifat,
         self.minifat_count, self.first_difat, self.difat_count) = struct.unpack_from("<9I", data, 40)  # fmt: skip
        if data[8:24] != bytes(16):
            self.fail("header CLSID is not zero")
        if minor != 0x003E:
            self.fail(f"header minor version is {minor:#06x}, not 0x003E")
        if (major, shift) not in ((3, 9), (4, 12)):
            self.fail(f"major version {major} with sector shift {shift}: must be 3 with 9 or 4 with 12")
        if order != 0xFFFE:
            self.fail(f"byte order mark is {order:#06x}, not 0xFFFE")
        if mini_shift != 6:
            self.fail(f"mini sector shift is {mini_shift}, not 6")
        if data[34:40] != bytes(6):
            self.fail("reserved header bytes are not zero")
        if major == 3 and self.dir_sectors != 0:
            self.fail("a version 3 file must give 0 directory sectors in its header")
        if transaction != 0:
            self.fail("transaction signature is not 0 (transactions are not supported)")
        if cutoff != MINI_CUTOFF:
            self.fail(f"mini stream cutoff is {cutoff}, not 4096")
        self.sector_size = 1 << shift if shift in (9, 12) else 512
        if major == 4 and data[76 + 4 * HEADER_DIFAT : 4096] != bytes(4096 - 76 - 4 * HEADER_DIFAT):
            self.fail("a version 4 header sector must be zero after its DIFAT")
        body = len(data) - self.sector_size
        if body % self.sector_size:
            self.fail(f"file size {len(data)} is not a whole number of {self.sector_size}-byte sectors")
        self.sector_count = max(0, body // self.sector_size)

    def sector(self, number: int) -> bytes:
        start = (number + 1) * self.sector_size
        return self.data[start : start + self.sector_size]

    def claim(self, number: int, owner: str) -> bool:
        if number > MAXREGSECT or number >= self.sector_count:
            self.fail(f"{owner} points at sector {number:#x}, outside the file")
            return False
        if number in self.owner:
            self.fail(f"sector {number} belongs to both {self.owner[number]} and {owner}")
            return False
        self.owner[number] = owner
        return True

    def fat(self) -> None:
        entries = list(struct.unpack_from(f"<{HEADER_DIFAT}I", self.data, 76))
        difat_sector, seen = self.first_difat, 0
        while difat_sector != ENDOFCHAIN and seen <= self.difat_count:
            if not self.claim(difat_sector, "the DIFAT"):
                break
            values = struct.unpack(f"<{self.sector_size // 4}I", self.sector(difat_sector))
            entries += values[:-1]
            difat_sector, seen = values[-1], seen + 1
        if seen != self.difat_count:
            self.fail(f"the header gives {self.difat_count} DIFAT sectors, the chain has {seen}")
        self.fat_sectors = entries[: self.fat_count]
        if any(e != FREESECT for e in entries[self.fat_count :]):
            self.fail("DIFAT entries after the last FAT sector are not FREESECT")
        for number in self.fat_sectors:
            self.claim(number, "the FAT")
        self.table = [v for n in self.fat_sectors for v in struct.unpack(f"<{self.sector_size // 4}I", self.sector(n))]
        if len(self.table) < self.sector_count:
            self.fail(f"the FAT covers {len(self.table)} sectors, the file has {self.sector_count}")
            self.table += [FREESECT] * (self.sector_count - len(self.table))
        for number, owner in list(self.owner.items()):
            wanted = FATSECT if owner == "the FAT" else DIFSECT
            if self.table[number] != wanted:
                self.fail(f"sector {number} holds {owner} but its FAT entry is {self.table[number]:#x}")
        if any(v != FREESECT for v in self.table[self.sector_count :]):
            self.fail("FAT entries beyond the end of the file are not FREESECT")

    def chain(self, start: int, owner: str, table: list[int] | None = None, claim: bool = True) -> list[int]:
        """Follow a chain to ENDOFCHAIN; every link must be an ordinary sector used once."""
        table = self.table if table is None else table
        chain: list[int] = []
        number = start
        while number != ENDOFCHAIN:
            if number > MAXREGSECT or number >= len(table):
                self.fail(f"{owner}: the chain reaches {number:#x}, not a sector")
                break
            if number in chain:
                self.fail(f"{owner}: the chain loops at sector {number}")
                break
            if claim and not self.claim(number, owner):
                break
            chain.append(number)
            number = table[number]
        return chain

    # ---- directory ---------------------------------------------------------------------

    def directory(self) -> list[Entry]:
        raw = b"".join(self.sector(n) for n in self.chain(self.first_dir, "the directory"))
        entries = []
        for index in range(len(raw) // 128):
            record = raw[index * 128 : (index + 1) * 128]
            name_bytes, name_length, kind, color, left, right, child = struct.unpack_from("<64sHBB3I", record, 0)
            clsid = record[80:96]
            state, created, modified, start, size = struct.unpack_from("<IQQIQ", record, 96)
            name = ""
            if kind != UNALLOCATED:
                if name_length < 2 or name_length > 64 or name_length % 2:
                    self.fail(f"directory entry {index}: name length {name_length} is not 2..64 and even")
                else:
                    name = name_bytes[: name_length - 2].decode("utf-16-le", errors="replace")
                    if name_bytes[name_length - 2 : name_length] != b"\0\0" or any(c in name for c in "/\\:!"):
                        self.fail(f"directory entry {index}: name {name!r} is not terminated or has / \\ : !")
            entries.append(Entry(index, name, kind, color, left, right, child, clsid, state, created, modified, start, size))
        return entries

    def check_entries(self, entries: list[Entry]) -> None:
        for e in entries:
            where = f"directory entry {e.index} ({e.name!r})"
            if e.kind == UNALLOCATED:
                if (e.left, e.right, e.child) != (NOSTREAM,) * 3 or e.size or e.start not in (0, ENDOFCHAIN, FREESECT):
                    self.fail(f"unused directory entry {e.index} is not empty")
                continue
            if e.kind not in (STORAGE, STREAM, ROOT):
                self.fail(f"{where}: object type {e.kind} is not storage, stream or root")
            if (e.kind == ROOT) != (e.index == 0):
                self.fail(f"{where}: the root entry must be entry 0, and only it")
            if e.color not in (RED, BLACK):
                self.fail(f"{where}: colour flag {e.color} is neither red nor black")
            if e.kind == STREAM:
                if e.child != NOSTREAM or e.clsid != bytes(16) or e.created or e.modified or e.state:
                    self.fail(f"{where}: a stream must have no child, CLSID, state bits or times")
            if e.kind == ROOT and e.created:
                self.fail(f"{where}: the root's creation time must be zero")
            if self.sector_size == 512 and e.size >> 32:
                self.fail(f"{where}: a version 3 stream size must fit 32 bits")

    def tree(self, entries: list[Entry]) -> None:
        """Every storage's children form a red-black binary search tree (§2.6.4)."""
        reached: dict[int, int] = {0: 0}

        def walk(node: int, storage: int, low: tuple[int, str] | None, high: tuple[int, str] | None) -> int:
            """Black height of the subtree; checks order, colours and reachability."""
            if node == NOSTREAM:
                return 1
            if node >= len(entries) or entries[node].kind == UNALLOCATED:
                self.fail(f"storage {entries[storage].name!r} links to entry {node}, which is not in use")
                return 1
            if node in reached:
                self.fail(f"directory entry {node} ({entries[node].name!r}) is reached twice")
                return 1
            reached[node] = storage
            e = entries[node]
            key = _name_key(e.name)
            if (low is not None and key <= low) or (high is not None and key >= high):
                self.fail(f"entry {e.name!r} breaks the name order of storage {entries[storage].name!r}")
            for side in (e.left, e.right):
                if e.color == RED and side != NOSTREAM and side < len(entries) and entries[side].color == RED:
                    self.fail(f"red entry {e.name!r} has a red child")
            left = walk(e.left, storage, low, key)
            right = walk(e.right, storage, key, high)
            if left != right:
                self.fail(f"entries under {e.name!r} have unequal black heights ({left} and {right})")
            if e.kind in (STORAGE, ROOT):
                children(node)
            return max(left, right) + (e.color == BLACK)

        def children(storage: int) -> None:
            top = entries[storage].child
            if top != NOSTREAM and top < len(entries) and entries[top].color != BLACK:
                self.fail(f"the tree under storage {entries[storage].name!r} has a red root")
            walk(top, storage, None, None)

        if entries and entries[0].kind == ROOT:
            children(0)
        for e in entries:
            if e.kind != UNALLOCATED and e.index not in reached:
                self.fail(f"directory entry {e.index} ({e.name!r}) is not reachable from the root")
        self.parent = reached

    # ---- streams -----------------------------------------------------------------------

    def streams(self, entries: list[Entry]) -> dict[str, bytes]:
        root = entries[0]
        mini_chain = self.chain(root.start, "the mini stream") if root.size else []
        if root.size == 0 and root.start not in (ENDOFCHAIN,):
            self.fail("an empty mini stream must start at ENDOFCHAIN")
        mini_data = b"".join(self.sector(n) for n in mini_chain)
        if len(mini_chain) != -(-root.size // self.sector_size):
            self.fail(f"the mini stream has {len(mini_chain)} sectors for {root.size} bytes")
        minifat_chain = self.chain(self.first_minifat, "the mini FAT")
        if len(minifat_chain) != self.minifat_count:
            self.fail(f"the header gives {self.minifat_count} mini FAT sectors, the chain has {len(minifat_chain)}")
        mini_table = [v for n in minifat_chain for v in struct.unpack(f"<{self.sector_size // 4}I", self.sector(n))]
        mini_owner: dict[int, str] = {}
        out: dict[str, bytes] = {}
        for e in entries:
            if e.kind != STREAM:
                continue
            path = self.path(entries, e.index)
            if e.size < MINI_CUTOFF:
                chain = [] if e.size == 0 else self.chain(e.start, path, mini_table, claim=False)
                for n in chain:
                    if n in mini_owner:
                        self.fail(f"mini sector {n} belongs to both {mini_owner[n]} and {path}")
                    if (n + 1) * MINI_SECTOR > root.size:
                        self.fail(f"{path}: mini sector {n} lies beyond the mini stream")
                    mini_owner[n] = path
                data = b"".join(mini_data[n * MINI_SECTOR : (n + 1) * MINI_SECTOR] for n in chain)
                unit = MINI_SECTOR
            else:
                chain = self.chain(e.start, path)
                data = b"".join(self.sector(n) for n in chain)
                unit = self.sector_size
            if e.size == 0 and e.start != ENDOFCHAIN:
                self.fail(f"{path}: an empty stream must start at ENDOFCHAIN")
            if len(chain) != -(-e.size // unit):
                self.fail(f"{path}: {len(chain)} sectors of {unit} bytes for a {e.size}-byte stream")
            out[path] = data[: e.size]
        for n, value in enumerate(mini_table):
            if value != FREESECT and n not in mini_owner:
                self.fail(f"mini sector {n} is allocated but belongs to no stream (orphan)")
            if value == FREESECT and n in mini_owner:
                self.fail(f"mini sector {n} is in a stream but marked free")
        for number in range(self.sector_count):
            if self.table[number] != FREESECT and number not in self.owner:
                self.fail(f"sector {number} is allocated but belongs to nothing (orphan)")
            if self.table[number] == FREESECT and number in self.owner:
                self.fail(f"sector {number} holds {self.owner[number]} but is marked free")
        return out

    def path(self, entries: list[Entry], index: int) -> str:
        names: list[str] = []
        while index != 0 and index in self.parent:
            names.append(entries[index].name)
            index = self.parent[index]
        return "/".join(reversed(names))


def read_compound_file(data: bytes) -> dict[str, bytes]:
    """Every stream of a compound file by its path, after checking the whole file strictly."""
    reader = _Reader(data)
    reader.header()
    reader.fat()
    entries = reader.directory()
    if not entries or entries[0].kind != ROOT or entries[0].name != "Root Entry":
        reader.fail("directory entry 0 is not the root entry named 'Root Entry'")
        raise CompoundFileError(reader.problems)
    reader.check_entries(entries)
    reader.tree(entries)
    streams = reader.streams(entries)
    if reader.problems:
        raise CompoundFileError(reader.problems)
    return streams

