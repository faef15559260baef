"""The command line's edges, as a user expects of a well-kept tool (issue 21, item 7), each seen
wrong before: `pmo-xl` alone exited 0; `sample --projects -5` exited 0 having written nothing;
`new foo.txt` wrote foo.xlsx without a word."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo_xl.cli import main


def exit_code(arguments: list[str]) -> int:
    """main's exit code, argparse's usage errors (SystemExit) included."""
    try:
        return main(arguments)
    except SystemExit as stop:
        return int(stop.code or 0)


def test_no_command_prints_usage_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert exit_code([]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "usage: pmo-xl" in err and "name a command" in err


@pytest.mark.parametrize("arguments", [
    ["sample", "{tmp}/s.xlsx", "--projects", "-5"], ["sample", "{tmp}/s.xlsx", "--projects", "0"],
    ["sample", "{tmp}/s.xlsx", "--projects", "many"], ["sample", "{tmp}/s.xlsx", "--seed", "1.5"],
    ["collect", "{tmp}", "--into", "{tmp}/p.xlsx", "--jobs", "0"], ["import", "{tmp}/a.xml", "--into", "{tmp}/p.xlsx", "--jobs", "-1"],
])
def test_invalid_numbers_are_refused(tmp_path: Path, arguments: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert exit_code([a.format(tmp=tmp_path) for a in arguments]) == 2
    assert "error: argument" in capsys.readouterr().err
    assert not (tmp_path / "s.xlsx").exists()


@pytest.mark.parametrize(("command", "name"), [("new", "foo.txt"), ("new", "foo.xlsm"), ("sample", "foo.csv"), ("sample", "foo.pdf")])
def test_an_output_whose_suffix_does_not_match_is_refused_in_one_line(
    tmp_path: Path, command: str, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert exit_code([command, str(tmp_path / name)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "must end in .xlsx" in err
    assert list(tmp_path.iterdir()) == []  # nothing written, under either name


def test_new_without_a_suffix_writes_xlsx_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert exit_code(["new", str(tmp_path / "Portfolio")]) == 0
    assert (tmp_path / "Portfolio.xlsx").is_file()
    assert "Portfolio.xlsx" in capsys.readouterr().out


def test_report_to_a_pdf_name_without_pdf_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`report -o out.pdf` wrote an .xlsx named .pdf before."""
    source = tmp_path / "PMO.xlsx"
    assert exit_code(["new", str(source)]) == 0
    capsys.readouterr()
    assert exit_code(["report", str(source), "-o", str(tmp_path / "out.pdf"), "-q"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "must end in .xlsx" in err and "--pdf" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["PMO.xlsx"]


@pytest.mark.parametrize("arguments", [["validate", "--json", "{tmp}/missing.xlsx"], ["validate", "--json", "{tmp}/notes.xlsx"]])
def test_validate_json_prints_json_on_stdout_even_for_an_unusable_file(
    tmp_path: Path, arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    (tmp_path / "notes.xlsx").write_text("not a workbook")
    assert exit_code([a.format(tmp=tmp_path) for a in arguments]) == 2
    answer = json.loads(capsys.readouterr().out)  # nothing on stdout before
    assert set(answer) == {"error"} and ".xlsx" in answer["error"]


def test_report_exits_1_when_the_data_has_errors_and_names_what_it_left_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As validate does; it exited 0 before, with no word of the project it left out."""
    import datetime as dt

    from pmo_xl.io.write_template import write_portfolio_workbook

    def project(pid: str, status: str) -> list[object]:
        return [pid, f"Project {pid}", "Digital", "HR", "Sponsor", "Manager", "Run", status, "Execution",
                dt.datetime(2026, 1, 5), dt.datetime(2026, 12, 31), 1000.0, None, None, None, None, "Green", 3, 3, 3, 3, 3, 3]

    source = write_portfolio_workbook(tmp_path / "PMO.xlsx", {"Projects": [project("PRJ-001", "Active"), project("PRJ-007", "Actve")]},
                                      {"status_date": dt.datetime(2026, 3, 31)})
    assert exit_code(["validate", str(source)]) == 1
    capsys.readouterr()
    assert exit_code(["report", str(source), "-o", str(tmp_path / "r.xlsx"), "-q"]) == 1
    out, err = capsys.readouterr()
    assert (tmp_path / "r.xlsx").is_file()  # written all the same
    assert "1 project left out of the report: PRJ-007 (status 'Actve' at 'Projects'!H3)" in out
    assert "1 error in the data" in err


def test_report_pdf_shows_its_progress_and_goes_where_o_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """`-o pack.pdf --pdf`: the PDF there, pack.xlsx beside it; the slow PDF step says it is running.
    LibreOffice is replaced at the edge by a script that writes a one-page PDF where soffice would
    (tests/test_report_pdf.py prints real ones)."""
    import stat
    import sys

    fake = tmp_path / "fake-soffice"
    fake.write_text(f"#!{sys.executable}\nimport pathlib, sys\nargs = sys.argv\nout = pathlib.Path(args[args.index('--outdir') + 1])\n"
                    "(out / (pathlib.Path(args[-1]).stem + '.pdf')).write_bytes(b'%PDF-1.4\\n<< /Type /Page >>\\n%%EOF\\n')\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PMO_XL_SOFFICE", str(fake))
    source = tmp_path / "PMO.xlsx"
    assert exit_code(["new", str(source)]) == 0
    assert exit_code(["report", str(source), "-o", str(tmp_path / "pack.pdf"), "--pdf"]) == 0
    out, err = capsys.readouterr()
    assert (tmp_path / "pack.pdf").read_bytes().startswith(b"%PDF") and (tmp_path / "pack.xlsx").is_file()
    assert "printing pack.pdf with LibreOffice…" in err  # the progress line of the PDF step
    assert f"wrote {tmp_path / 'pack.pdf'} (1 pages" in out
