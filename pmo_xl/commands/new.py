"""`pmo-xl new PATH`: a blank standard portfolio workbook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pmo_xl.commands.common import wrong_suffix


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("new", help="create a blank standard portfolio workbook",
                                   description="Create a blank standard portfolio workbook: every register an Excel Table "
                                   "with drop-downs and validation, an Instructions sheet and Settings with defaults.")
    parser.add_argument("path", type=Path, help="the .xlsx file to create")
    parser.add_argument("--force", action="store_true", help="replace the file if it exists")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pmo_xl.io.atomic import atomic_path
    from pmo_xl.io.write_template import write_portfolio_workbook

    path: Path = args.path
    if not path.suffix:  # `new Portfolio` means Portfolio.xlsx (and says so below)
        path = path.with_suffix(".xlsx")
    refusal = wrong_suffix(path, (".xlsx",), "a blank portfolio workbook")
    if refusal:  # `new foo.txt` wrote foo.xlsx without a word
        print(refusal, file=sys.stderr)
        return 2
    if path.exists() and not args.force:
        print(f"pmo-xl: {path} already exists; use --force to replace it", file=sys.stderr)
        return 2
    with atomic_path(path) as temporary:
        write_portfolio_workbook(temporary)
    print(f"wrote {path}")
    return 0
