"""Floors that read and write workbooks: what python-calamine (or fastexcel) and XlsxWriter need,
on their own, to read every sheet of a workbook and to write given cells.

Also a command, so a floor can run as a fresh process beside `pmo-xl` in one:
    python benchmarks/_floors.py read-write INPUT CELLS.pickle OUT.xlsx [--reader calamine|fastexcel]
reads every sheet of INPUT and writes the cells saved in CELLS.pickle (`save_cells`) to OUT.xlsx.
"""

from __future__ import annotations

import argparse
import pickle
from pathlib import Path

Cells = dict[str, list[list[object]]]  # sheet name → rows of values


def readers() -> list[str]:
    """The readers installed here: python-calamine always (a dependency), fastexcel if present
    (`pip install -e ".[bench]"`: the floors are then the faster of the two, as they should be)."""
    try:
        import fastexcel  # noqa: F401
    except ImportError:
        return ["calamine"]
    return ["calamine", "fastexcel"]


def read_every_sheet(path: Path, reader: str = "calamine") -> Cells | int:
    """Every sheet of `path` read once, to Python values (calamine) or Arrow columns (fastexcel)."""
    if reader == "fastexcel":
        import logging

        import fastexcel

        # "Could not determine dtype for column N, falling back to string": its type inference
        # talking about mixed columns, once per column and sheet; not an error of the read.
        logging.getLogger("fastexcel").setLevel(logging.ERROR)

        book = fastexcel.read_excel(str(path))
        return sum(book.load_sheet(name, header_row=None).height for name in book.sheet_names)
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def fastest_reader(path: Path) -> str:
    """The reader that reads `path` faster here (timed once each): the floor uses the better."""
    import time

    best, best_time = "calamine", float("inf")
    for reader in readers():
        started = time.perf_counter()
        read_every_sheet(path, reader)
        took = time.perf_counter() - started
        if took < best_time:
            best, best_time = reader, took
    return best


def report_cells(path: Path) -> Cells:
    """The values of every non-empty cell of a written workbook (the report), sheet by sheet."""
    cells = read_every_sheet(path, "calamine")
    assert isinstance(cells, dict)
    return cells


def write_cells(cells: Cells, out: Path) -> None:
    """XlsxWriter writing the same values (no formats, charts or tables: those are pmo-xl's extra)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(out), {"in_memory": True, "strings_to_formulas": False,
                                              "strings_to_urls": False, "strings_to_numbers": False})
    for name, rows in cells.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value != "":  # calamine gives "" for an empty cell: nothing to write
                    sheet.write(r, c, value)
    workbook.close()


def save_cells(cells: Cells, path: Path) -> None:
    path.write_bytes(pickle.dumps(cells, protocol=pickle.HIGHEST_PROTOCOL))


def main() -> None:
    parser = argparse.ArgumentParser(description="Run a floor as its own process (see benchmarks/README.md).")
    parser.add_argument("job", choices=("read-write",))
    parser.add_argument("input", type=Path, help="the workbook to read every sheet of")
    parser.add_argument("cells", type=Path, help="a pickle of the cells to write (save_cells)")
    parser.add_argument("out", type=Path, help="the .xlsx to write")
    parser.add_argument("--reader", choices=("calamine", "fastexcel"), default="calamine")
    args = parser.parse_args()
    read_every_sheet(args.input, args.reader)
    write_cells(pickle.loads(args.cells.read_bytes()), args.out)


if __name__ == "__main__":
    main()
