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
