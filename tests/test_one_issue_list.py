"""One issue list: `pmo-xl validate` (text, --json, --annotate), the Validate button and the
report's Data Quality sheet count the same issues — compute-stage issues included — on the
sample, the demo's collected workbook and small portfolios."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from pmo_xl import macros
from pmo_xl.cli import main
from pmo_xl.excel.layout import VALIDATION
from pmo_xl.excel.memory_port import MemoryPort
from pmo_xl.io.write_template import write_portfolio_workbook
from pmo_xl.issues import Stage, count_by_severity
from pmo_xl.sample import generate_sample, write_sample_workbook
from pmo_xl.usecases import ALL_TABLES, validate_file

COUNTS = re.compile(r"(\d+) errors(?: \(rows left out of the figures\))?, (\d+) warnings, (\d+) notes")


def _counts(text: str) -> dict[str, int]:
    found = COUNTS.search(text)
    assert found, text
    return dict(zip(("error", "warning", "info"), map(int, found.groups()), strict=True))


def front_door_counts(workbook: Path, scratch: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, int]]:
    """Counts by severity as each front door shows them."""
    seen: dict[str, dict[str, int]] = {}
    main(["validate", str(workbook), "--json"])
    listed = json.loads(capsys.readouterr().out)
    seen["validate --json"] = {s: n for s, n in {"error": 0, "warning": 0, "info": 0, **Counter(i["severity"] for i in listed)}.items()}
    annotated = scratch / "annotated.xlsx"
    main(["validate", str(workbook), "--annotate", str(annotated)])
    seen["validate (text)"] = _counts(capsys.readouterr().err)
    seen["validate --annotate"] = _counts(openpyxl.load_workbook(annotated, read_only=True)["Issues"]["A1"].value)

    port = MemoryPort.from_workbook(workbook, ALL_TABLES, path=str(scratch / "PMO.xlsm"))
    result = macros.run_action(port, "Validate")
    assert result is not None
    seen["Validate button"] = _counts(result.summary)
    table = port.read_table(VALIDATION.table)
    seen["Validation sheet"] = {s: n for s, n in {"error": 0, "warning": 0, "info": 0, **Counter(r[0] for r in table.rows)}.items()} \
        if table is not None and table.rows else {"error": 0, "warning": 0, "info": 0}

    report = scratch / "report.xlsx"
    # the exit code says what validate says: 1 when the data has errors (the report is written all the same)
    assert main(["report", str(workbook), "-o", str(report), "-q"]) == (1 if seen["validate (text)"]["error"] else 0)
    capsys.readouterr()
    sheet = openpyxl.load_workbook(report, read_only=True)["Data Quality"]
    titles = [c for row in sheet.iter_rows(max_row=3, values_only=True) for c in row if isinstance(c, str)]
    seen["Data Quality"] = _counts(next(t for t in titles if "warnings" in t))
    return seen


def assert_one_list(workbook: Path, scratch: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    run = validate_file(workbook)
    expected = count_by_severity(run.issues)
    seen = front_door_counts(workbook, scratch, capsys)
    assert all(counts == expected for counts in seen.values()), (expected, seen)
    return expected


def test_the_sample_shows_one_list_with_its_compute_issues(sample_workbook: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert_one_list(sample_workbook, tmp_path, capsys)
    stages = {i.stage for i in validate_file(sample_workbook).issues}
    assert {Stage.PARSE, Stage.CHECK} <= stages and stages - {Stage.PARSE, Stage.CHECK}  # compute stages are listed


def test_the_demo_workbook_shows_one_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", str(tmp_path / "demo")]) == 0
    demo_line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("validate:"))
    expected = assert_one_list(tmp_path / "demo" / "PMO-collected.xlsx", tmp_path, capsys)
    assert _counts(demo_line) == expected  # the demo's own summary says the same


@pytest.mark.parametrize("shape", ["blank", "one project", "three projects"])
def test_small_portfolios_show_one_list(shape: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workbook = tmp_path / "PMO.xlsx"
    if shape == "blank":
        write_portfolio_workbook(workbook)
    else:
        write_sample_workbook(workbook, generate_sample(projects=1 if shape == "one project" else 3, seed=5))
    assert_one_list(workbook, tmp_path, capsys)
