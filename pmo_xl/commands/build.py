"""`pmo-xl build`: rebuild the templates, the sample, CONTRACT.md and PMO.xlsm from source."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "build", help="rebuild the workbooks/ artefacts from source (deterministic)",
        description="Rebuild the blank template, the project-update template, the sample portfolio, "
        "CONTRACT.md and PMO.xlsm from the schema and code. Building twice gives identical bytes.")
    parser.add_argument("--root", type=Path, default=Path("workbooks"), help="the workbooks folder (default: ./workbooks)")
    parser.add_argument("--check", action="store_true", help="only check that the committed files are up to date")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pmo_xl.build import build_all, stale_artefacts

    if args.check:
        stale = stale_artefacts(args.root)
        for relative in stale:
            print(f"out of date: {args.root / relative}")
        if not stale:
            print("all artefacts up to date")
        return 1 if stale else 0
    for path in build_all(args.root):
        print(f"wrote {path}")
    return 0
