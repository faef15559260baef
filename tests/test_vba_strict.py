"""PMO.xlsm's VBA project read back the strict way, and compared with a file Excel accepts.

No Excel here, so the next best things: (1) the rules of MS-CFB and MS-OVBA themselves, checked
by strict readers (pmo_xl/excel/cfb_check.py, ovba_read.py) rather than lenient ones; (2) a
record-by-record comparison of the dir and PROJECT streams with the VBA project of
`quickstart_standalone.xlsm` from the pinned xlwings wheel: a source-only project (the same
`_VBA_PROJECT` form as ours) that Excel opens. Every difference that remains is listed below
with the reason it is there; a new one fails the test until it is understood.
"""

from __future__ import annotations

import importlib.resources
import io
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest

from pmo_xl.excel.cfb_check import CompoundFileError, read_compound_file
from pmo_xl.excel.ovba_compress import compress
from pmo_xl.excel.ovba_read import (
    OvbaError,
    Record,
    decompress,
    decrypt,
    dir_records,
    project_lines,
    protection,
)

BUILT = Path(__file__).resolve().parents[1] / "workbooks" / "PMO.xlsm"  # equal to a fresh build (tested)
REFERENCE = importlib.resources.files("xlwings").joinpath("quickstart_standalone.xlsm")


def vba_project(workbook: Any) -> bytes:
    with zipfile.ZipFile(io.BytesIO(workbook.read_bytes())) as book:
        return book.read("xl/vbaProject.bin")


@pytest.fixture(scope="module")
def ours() -> dict[str, bytes]:
    return read_compound_file(vba_project(BUILT))


@pytest.fixture(scope="module")
def reference() -> dict[str, bytes]:
    """The reference's streams; its container breaks rules Excel tolerates (see below)."""
    import olefile

    with olefile.OleFileIO(vba_project(REFERENCE)) as ole:
        return {"/".join(path): ole.openstream(path).read() for path in ole.listdir()}


# ---- MS-CFB ------------------------------------------------------------------------------------


def test_our_compound_file_keeps_every_rule_of_ms_cfb(ours: dict[str, bytes]) -> None:
    assert {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT"} <= set(ours)


def test_the_checker_sees_what_excel_tolerates_in_its_own_file() -> None:
    """Excel wrote the reference with an old minor version, all-black directory trees and
    mini sectors it no longer uses; it opens such files, and the checker names each rule."""
    with pytest.raises(CompoundFileError) as error:
        read_compound_file(vba_project(REFERENCE))
    known = ("header minor version is 0x0021, not 0x003E", "unequal black heights", "(orphan)")
    assert all(any(kind in problem for kind in known) for problem in error.value.problems)
    assert all(any(kind in problem for problem in error.value.problems) for kind in known)


def _orphan(data: bytes) -> bytes:
    """One more sector, allocated in the FAT (ENDOFCHAIN) but used by nothing."""
    sectors = len(data) // 512 - 1
    fat = struct.unpack_from("<I", data, 76)[0]  # the first FAT sector covers sectors 0..127
    assert sectors < 128
    at = (fat + 1) * 512 + 4 * sectors
    return data[:at] + struct.pack("<I", 0xFFFFFFFE) + data[at + 4 :] + bytes(512)


def _red_root(data: bytes) -> bytes:
    """The root storage's tree gets a red root node."""
    directory = (struct.unpack_from("<I", data, 48)[0] + 1) * 512
    child = struct.unpack_from("<I", data, directory + 76)[0]
    at = directory + 128 * child + 67  # entries of the first directory sector only
    assert child < 4
    return data[:at] + b"\x00" + data[at + 1 :]


@pytest.mark.parametrize(
    ("damage", "rule"),
    [
        (lambda b: b[:-512], "outside the file"),  # the last sector cut off
        (lambda b: b[:-100], "not a whole number"),
        (lambda b: b[:24] + b"\x21\x00" + b[26:], "minor version"),
        (lambda b: b[:30] + b"\x0a\x00" + b[32:], "sector shift"),
        (_orphan, "belongs to nothing"),
        (_red_root, "red root"),
    ],
)
def test_damaged_containers_are_refused(damage: Any, rule: str) -> None:
    with pytest.raises(CompoundFileError, match=rule):
        read_compound_file(damage(vba_project(BUILT)))


# ---- MS-OVBA streams ---------------------------------------------------------------------------


def modules(streams: dict[str, bytes]) -> list[Record]:
    return [r for r in dir_records(decompress(streams["VBA/dir"])) if r.name == "MODULE"]


def test_every_compressed_stream_decompresses_strictly(ours: dict[str, bytes], reference: dict[str, bytes]) -> None:
    for streams in (ours, reference):
        for module in modules(streams):
            text = decompress(streams["VBA/" + str(module.get("StreamName"))][int(module.get("TextOffset")) :])
            assert text.decode("cp1252").startswith(f'Attribute VB_Name = "{module.get("ModuleName")}"')


@pytest.mark.parametrize(
    ("container", "rule"),
    [
        (b"\x02" + compress(b"abc")[1:], "signature byte"),
        (b"\x01\x00\x00", "chunk signature"),
        (b"\x01\x02\xb0\x01\x01\x00", "before the chunk"),  # a copy token as the first token
        (compress(b"x" * 5000)[:-1], "claims"),
        (b"\x01" + b"\xff\x3f" + b"a" * 10, "claims"),
    ],
)
def test_the_decompressor_refuses_what_the_spec_does_not_allow(container: bytes, rule: str) -> None:
    with pytest.raises(OvbaError, match=rule):
        decompress(container)


def test_the_vba_project_header_is_the_references(ours: dict[str, bytes], reference: dict[str, bytes]) -> None:
    assert ours["VBA/_VBA_PROJECT"] == reference["VBA/_VBA_PROJECT"] == bytes.fromhex("cc61ffff000100")


def test_protection_decrypts_to_an_unprotected_visible_project(ours: dict[str, bytes], reference: dict[str, bytes]) -> None:
    for streams in (ours, reference):
        state = protection(project_lines(streams["PROJECT"]))
        assert not (state.user_protected or state.host_protected or state.vbe_protected or state.password)
        assert state.visible


def test_decryption_checks_version_key_and_length(ours: dict[str, bytes]) -> None:
    lines = dict(project_lines(ours["PROJECT"])[""])
    project_id, cmg = lines["ID"].strip('"'), lines["CMG"].strip('"')
    assert decrypt(cmg, project_id) == bytes(4)
    with pytest.raises(OvbaError, match="project key"):
        decrypt(cmg, "{00000000-0000-0000-0000-000000000000}")
    with pytest.raises(OvbaError, match="DataLength"):
        decrypt(cmg + "00", project_id)


def test_project_stream_dir_stream_and_name_map_agree(ours: dict[str, bytes]) -> None:
    project = project_lines(ours["PROJECT"])
    kinds = {"Document": "document/class", "Class": "document/class", "Module": "procedural"}
    declared = [(key, value.split("/")[0]) for key, value in project[""] if key in kinds]
    records = modules(ours)
    assert sorted(name for _, name in declared) == sorted(str(r.get("ModuleName")) for r in records)
    by_name = {r.get("ModuleName"): r for r in records}
    for key, name in declared:
        assert by_name[name].get("Type") == kinds[key], name
        assert f"VBA/{by_name[name].get('StreamName')}" in ours
    assert [name for name, _ in project["Workspace"]] == [name for _, name in declared]
    name_map = ours["PROJECTwm"]
    for _, name in declared:
        assert name.encode("cp1252") + b"\0" + name.encode("utf-16-le") + b"\0\0" in name_map


# ---- the record-by-record comparison with the Excel-accepted project ---------------------------

# Fields that differ from quickstart_standalone.xlsm, and why that is fine.
EXPECTED_DIR_DIFFERENCES = {
    "PROJECTVERSION.VersionMajor": "a counter Excel bumps on every save; any value is valid (§2.3.4.2.1.11)",
    "PROJECTVERSION.VersionMinor": "the same counter's low part",
    "references": "ours: stdole and Office, what a new Excel project references; the reference adds MSForms"
    " (a UserForm was once inserted there) and has dropped stdole; PMO.xlsm uses neither forms nor stdole types",
    "PROJECTMODULES.Count": "different modules: 15 sheets and our own modules",
    "PROJECTCOOKIE.Cookie": "'MUST be 0xFFFF on write', ignored on read (§2.3.4.2.3.1); Excel writes a random value",
    "MODULE.Cookie": "the same rule for every module (§2.3.4.2.3.2.7)",
    "MODULE.TextOffset": "no p-code cache before the source in a source-only project: 0, as the reference's own"
    " xlwings module; Excel compiles on first open",
    "MODULE.DocString": "Dictionary: the reference's description was typed with real line breaks; ours is"
    " the VB_Description of the wheel's Dictionary.cls, as Excel stores it on import",
    "MODULE.DocStringUnicode": "the same description in UTF-16",
}
EXPECTED_PROJECT_DIFFERENCES = {
    "ID": "each project has its own GUID (ours is fixed, for byte-identical builds)",
    "module lines": "different modules (the same Document=/Module=/Class= forms)",
    "CMG": "encrypted with a random seed: the decrypted values are compared instead",
    "DPB": "the same",
    "GC": "the same",
    "Workspace": "window positions of the reference author's VBA editor; ours: every window closed",
}

# Which of our modules plays the part of which module of the reference.
COUNTERPART = {"ThisWorkbook": "ThisWorkbook", "xlwings": "xlwings", "Dictionary": "Dictionary"}


def counterpart(name: str) -> str:
    if name in COUNTERPART:
        return COUNTERPART[name]
    return "Sheet1" if name.startswith("Sheet") else "Module1"


def dir_differences(ours: list[Record], theirs: list[Record]) -> set[str]:
    found: set[str] = set()
    if [r for r in ours if r.name.startswith("REFERENCE")] != [r for r in theirs if r.name.startswith("REFERENCE")]:
        found.add("references")
    head = [r for r in ours if r.name.startswith("PROJECT")]
    their_head = [r for r in theirs if r.name.startswith("PROJECT")]
    assert [r.name for r in head] == [r.name for r in their_head]
    for mine, other in zip(head, their_head, strict=True):
        for (field, value), (_, reference_value) in zip(mine.fields, other.fields, strict=True):
            if value != reference_value:
                found.add(f"{mine.name}.{field}")
    theirs_by_name = {r.get("ModuleName"): r for r in theirs if r.name == "MODULE"}
    for module in (r for r in ours if r.name == "MODULE"):
        other = theirs_by_name[counterpart(str(module.get("ModuleName")))]
        assert [f for f, _ in module.fields] == [f for f, _ in other.fields]
        for (field, value), (_, reference_value) in zip(module.fields, other.fields, strict=True):
            if field in ("ModuleName", "ModuleNameUnicode", "StreamName", "StreamNameUnicode"):
                assert value == module.get("ModuleName")  # each module names itself, in both encodings
            elif value != reference_value:
                found.add(f"MODULE.{field}")
    return found


def test_dir_stream_matches_the_reference_record_by_record(ours: dict[str, bytes], reference: dict[str, bytes]) -> None:
    mine, theirs = dir_records(decompress(ours["VBA/dir"])), dir_records(decompress(reference["VBA/dir"]))
    assert "PROJECTCOMPATVERSION" not in {r.name for r in theirs} | {r.name for r in mine}  # optional, neither has it
    assert dir_differences(mine, theirs) == set(EXPECTED_DIR_DIFFERENCES)


def project_differences(ours: dict[str, list[tuple[str, str]]], theirs: dict[str, list[tuple[str, str]]]) -> set[str]:
    found: set[str] = set()
    items = ("Document", "Module", "Class")
    mine = [(k, v) for k, v in ours[""] if k not in items]
    other = [(k, v) for k, v in theirs[""] if k not in items]
    assert [k for k, _ in mine] == [k for k, _ in other]  # the same lines in the same order
    for (key, value), (_, reference_value) in zip(mine, other, strict=True):
        if value != reference_value:
            found.add(key)
    if [k for k, _ in ours[""] if k in items] != [k for k, _ in theirs[""] if k in items]:
        found.add("module lines")
    assert list(ours) == list(theirs) == ["", "Host Extender Info", "Workspace"]
    assert ours["Host Extender Info"] == theirs["Host Extender Info"]
    if sorted({v for _, v in ours["Workspace"]}) != sorted({v for _, v in theirs["Workspace"]}):
        found.add("Workspace")
    return found


def test_project_stream_matches_the_reference_line_by_line(ours: dict[str, bytes], reference: dict[str, bytes]) -> None:
    mine, theirs = project_lines(ours["PROJECT"]), project_lines(reference["PROJECT"])
    assert dict(mine[""])["VersionCompatible32"] == '"393222000"'
    assert project_differences(mine, theirs) == set(EXPECTED_PROJECT_DIFFERENCES)
    assert protection(mine) == protection(theirs)  # what CMG, DPB and GC say is the same
    assert {v for _, v in mine["Workspace"]} == {"0, 0, 0, 0, C"}
