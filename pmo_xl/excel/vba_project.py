"""Build a `vbaProject.bin` from VBA source text, with ms-ovba and four fixes.

Why source text: the macros of PMO.xlsm live in git as `.bas` files and the xlwings module
comes from the pinned wheel, so the workbook can be rebuilt on Linux without Excel. ms-ovba
0.0.1 writes a valid source-only project (no p-code: `_VBA_PROJECT` version 0xFFFF, Office
compiles from source on first open), but has four defects we work around here
(research/xlwings-on-linux.md §2.3, appendix B):

1. It writes scratch files into the current directory and *appends* to `<input>.new` files
   beside its inputs: we never hand it input files; we write every stream ourselves inside a
   `TemporaryDirectory` and only borrow its record classes and the ms_cfb OLE writer.
2. Its compressor corrupts inputs over ~650 bytes: every stream goes through
   `pmo_xl.excel.ovba_compress.compress` instead.
3. It has no class-module type (xlwings needs `Dictionary.cls` on Mac): `_SourceModule` writes
   the `Class=` PROJECT line and MODULETYPE 0x0022 itself.
4. Its CMG/DPB/GC protection fields and the ms_cfb scratch names come from `random`: we seed
   `random` for the build (and restore the caller's random state), so builds are byte-identical.

What it writes is then brought in line with what Excel writes, line by line, as compared with
the Excel-accepted `quickstart_standalone.xlsm` of the xlwings wheel (tests/test_vba_strict.py,
which lists every remaining difference and why): the PROJECT stream has the
`VersionCompatible32="393222000"` line and a `[Workspace]` section (every window closed), a
class module's `VB_Description` is its MODULEDOCSTRING, and the `_VBA_PROJECT` header is the
wheel's source-only header byte for byte.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ms_cfb.Models.Directories.root_directory import RootDirectory
from ms_cfb.Models.Directories.storage_directory import StorageDirectory
from ms_cfb.Models.Directories.stream_directory import StreamDirectory
from ms_cfb.ole_file import OleFile
from ms_ovba.Models.Entities.module_base import ModuleBase
from ms_ovba.Models.Entities.reference import Reference
from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
from ms_ovba.Models.Fields.doubleEncodedString import DoubleEncodedString
from ms_ovba.Models.Fields.idSizeField import IdSizeField
from ms_ovba.Models.Fields.libid_reference import LibidReference
from ms_ovba.Models.Fields.packed_data import PackedData
from ms_ovba.vbaProject import VbaProject
from ms_ovba.Views.dirStream import DirStream
from ms_ovba.Views.project import Project
from ms_ovba.Views.project_view import ProjectView
from ms_ovba.Views.projectWm import ProjectWm

from pmo_xl.excel.ovba_compress import compress

ModuleKind = Literal["standard", "class", "document"]

WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"  # Excel Workbook object
WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"  # Excel Worksheet object
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"  # a plain VBA class, as Excel stores it
# A fixed project GUID: part of the deterministic build and of the CMG/DPB/GC key.
PROJECT_ID = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "https://pmo-xl/PMO.xlsm/VBAProject")).upper() + "}"
CODEPAGE = "cp1252"  # ms-ovba writes PROJECTCODEPAGE 1252; module text must be encoded with it
BUILD_SEED = 0

_MODULE_ATTRIBUTE = re.compile(r"^Attribute\s+VB_(\w+)\s*=\s*(.*)$")


class VbaSourceError(ValueError):
    """A VBA source cannot go into the project (bad name, characters outside cp1252)."""


@dataclass(frozen=True)
class VbaModule:
    """One module of the project: its name, kind and the exact text stored in its stream."""

    name: str
    kind: ModuleKind
    text: str  # CRLF line endings, module-level `Attribute VB_*` header first (as Excel stores it)

    def code(self) -> str:
        """The text without the module-level attribute header: what a person reads in the VBE."""
        return split_header(self.text)[1]


def split_header(source: str) -> tuple[list[tuple[str, str]], str]:
    """Split an exported .bas/.cls text into its module-level attributes and its code.

    Drops the `VERSION 1.0 CLASS` / `BEGIN ... END` export header of class files (it is an export
    artefact, not part of the stored module) and normalises line endings to CRLF.
    """
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index = 0
    if lines and lines[0].startswith("VERSION "):
        index = 1
        if index < len(lines) and lines[index].strip() == "BEGIN":
            while index < len(lines) and lines[index].strip() != "END":
                index += 1
            index += 1
    attributes: list[tuple[str, str]] = []
    while index < len(lines) and (match := _MODULE_ATTRIBUTE.match(lines[index])):
        attributes.append((match.group(1), match.group(2).strip()))
        index += 1
    code = "\r\n".join(lines[index:])
    if code and not code.endswith("\r\n"):
        code += "\r\n"
    return attributes, code


def _header(name: str, attributes: Sequence[tuple[str, str]]) -> str:
    return "".join(f"Attribute VB_{key} = {value}\r\n" for key, value in [("Name", f'"{name}"'), *attributes])


def standard_module(name: str, source: str) -> VbaModule:
    """A standard (.bas) module; its `Attribute VB_Name` must agree with `name`."""
    attributes, code = split_header(source)
    _check_name(name, attributes)
    return VbaModule(name, "standard", _header(name, [a for a in attributes if a[0] != "Name"]) + code)


def class_module(name: str, source: str) -> VbaModule:
    """A class (.cls) module, with the attribute block Excel itself stores for a class."""
    attributes, code = split_header(source)
    _check_name(name, attributes)
    given = {key: value for key, value in attributes}
    ordered = [
        ("Base", f'"{CLASS_BASE}"'),
        ("GlobalNameSpace", given.get("GlobalNameSpace", "False")),
        ("Creatable", given.get("Creatable", "False")),
        ("PredeclaredId", given.get("PredeclaredId", "False")),
        ("Exposed", given.get("Exposed", "False")),
        ("TemplateDerived", "False"),
        ("Customizable", "False"),
    ]
    known = {key for key, _ in ordered} | {"Name"}
    extra = [(key, value) for key, value in attributes if key not in known]  # e.g. VB_Description
    return VbaModule(name, "class", _header(name, ordered + extra) + code)


def document_module(name: str, base: str, code: str = "") -> VbaModule:
    """The module behind ThisWorkbook or a worksheet (its name is the object's code name)."""
    attributes = [
        ("Base", f'"{base}"'),
        ("GlobalNameSpace", "False"),
        ("Creatable", "False"),
        ("PredeclaredId", "True"),
        ("Exposed", "True"),
        ("TemplateDerived", "False"),
        ("Customizable", "True"),
    ]
    _, body = split_header(code)
    return VbaModule(name, "document", _header(name, attributes) + body)


def _check_name(name: str, attributes: Sequence[tuple[str, str]]) -> None:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", name):
        raise VbaSourceError(f"{name!r} is not a valid VBA module name")
    declared = dict(attributes).get("Name")
    if declared is not None and declared.strip('"') != name:
        raise VbaSourceError(f"module {name!r} declares Attribute VB_Name = {declared}")


def _vba_string(literal: str) -> str:
    """The text of a VBA string literal: outer quotes off, doubled quotes single."""
    return literal.strip()[1:-1].replace('""', '"')


def encode_module(module: VbaModule) -> bytes:
    """The module text in the project's code page, or a clear error naming the line."""
    try:
        return module.text.encode(CODEPAGE)
    except UnicodeEncodeError as error:
        line = module.text.count("\n", 0, error.start) + 1
        raise VbaSourceError(
            f"module {module.name} line {line}: {module.text[error.start]!r} cannot be stored in a VBA module ({CODEPAGE})"
        ) from None


class _SourceModule(ModuleBase):
    """ms-ovba's module record for any kind of module, fed from text rather than files."""

    def __init__(self, module: VbaModule) -> None:
        super().__init__(module.name)
        self.type = {"standard": "Module", "class": "Class", "document": "Document"}[module.kind]
        self.kind = module.kind
        self.workspace = (0, 0, 0, 0, "C")  # [Workspace]: the module's editor window, closed
        description = dict(split_header(module.text)[0]).get("Description")
        if description:  # Excel keeps a module's VB_Description as its MODULEDOCSTRING too
            self.docString = DoubleEncodedString([0x001C, 0x0048], _vba_string(description))

    def to_project_module_string(self) -> str:
        if self.kind == "document":
            return f"Document={self.name}/&H00000000"
        return f"{self.type}={self.name}"

    def pack(self, endien: str, cp_name: str) -> bytes:
        """The MODULE record of the dir stream (MS-OVBA 2.3.4.2.3.2)."""
        # MODULETYPE: 0x0021 procedural module; 0x0022 document, class or designer module.
        typeid = 0x0021 if self.kind == "standard" else 0x0022
        offset = IdSizeField(0x0031, 4, 0)  # no p-code: the compressed source starts the stream
        return (
            self.modName.pack(endien, cp_name)
            + self.streamName.pack(endien, cp_name)
            + self.docString.pack(endien, cp_name)
            + offset.pack(endien)
            + self.helpContext.pack(endien, cp_name)
            + self._cookie.pack(endien)
            + PackedData("HI", typeid, 0).pack(endien)
            + PackedData("HI", 0x002B, 0).pack(endien)
        )


def _references() -> list[Reference]:
    """stdole and the Office object library, as in every Excel-authored project."""
    stdole = LibidReference(
        uuid.UUID("00020430-0000-0000-C000-000000000046"), "2.0", "0",
        r"C:\Windows\System32\stdole2.tlb", "OLE Automation",
    )  # fmt: skip
    office = LibidReference(
        uuid.UUID("2DF8D04C-5BFA-101B-BDE5-00AA0044DE52"), "2.0", "0",
        r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL", "Microsoft Office 16.0 Object Library",
    )  # fmt: skip
    return [
        Reference(ReferenceRegistered(stdole), "stdole"),
        Reference(ReferenceRegistered(office), "Office"),
    ]


@contextlib.contextmanager
def _scratch_dir() -> Iterator[Path]:
    """A private working directory: ms_cfb writes scratch files into the current directory."""
    previous = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="pmo-vba-") as tmp:
        os.chdir(tmp)
        try:
            yield Path(tmp)
        finally:
            os.chdir(previous)


@contextlib.contextmanager
def _seeded_random(seed: int) -> Iterator[None]:
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


def build_vba_project(modules: Sequence[VbaModule], reserved3: int = 1) -> bytes:
    """The bytes of `vbaProject.bin` holding these modules (same input, same bytes).

    `reserved3` is the last field of the `_VBA_PROJECT` stream header, undefined by the spec:
    1 as in the Excel-accepted source-only projects of the xlwings wheel (quickstart_standalone,
    both add-ins) and the spec's example; ms-ovba writes 3 (so does 64-bit Excel with p-code),
    EPPlus 0. If real Excel rejects the default, the checklist says to try 0
    (`build_xlsm --vba-reserved 0`).
    """
    names = [m.name.casefold() for m in modules]
    if len(set(names)) != len(names):
        raise VbaSourceError("two VBA modules have the same name")
    encoded = [encode_module(m) for m in modules]

    project = VbaProject()
    project.project_id = PROJECT_ID
    project.include_projectwm()
    project.add_attribute("VersionCompatible32", "393222000")  # as Excel 2007 and later write it
    for module in modules:
        project.add_module(_SourceModule(module))
    for reference in _references():
        project.add_reference(reference)

    with _scratch_dir() as tmp, _seeded_random(BUILD_SEED):
        root = RootDirectory()
        root.set_modified(project.default_date)
        storage = StorageDirectory("VBA")
        storage.set_created(project.default_date)
        storage.set_modified(project.default_date)
        for index, (module, data) in enumerate(zip(modules, encoded, strict=True)):
            storage.add_directory(
                StreamDirectory(module.name, _write(tmp / f"module{index}.bin", compress(data)))
            )
        storage.add_directory(
            StreamDirectory("dir", _write(tmp / "dir.bin", compress(DirStream(project).to_bytes())))
        )
        storage.add_directory(
            StreamDirectory(
                "_VBA_PROJECT", _write(tmp / "vba_project.bin", ProjectView(project, reserved3).to_bytes())
            )
        )
        root.add_directory(storage)
        root.add_directory(
            StreamDirectory("PROJECTwm", _write(tmp / "projectwm.bin", ProjectWm(project).to_bytes()))
        )
        root.add_directory(
            StreamDirectory("PROJECT", _write(tmp / "project.bin", Project(project).to_bytes()))
        )
        ole = OleFile()
        ole.root_directory = root
        ole.create_file(str(tmp / "vbaProject.bin"))
        return (tmp / "vbaProject.bin").read_bytes()


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)
