"""`pmo-xl sample OUT`: a generated portfolio of any size (for trials and benchmarks)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pmo_xl.commands.common import positive_int, step, wrong_suffix


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sample", help="generate a realistic sample portfolio workbook",
                                   description="Generate a seeded, realistic portfolio (with a few planted mistakes unless --clean).")
    parser.add_argument("output", type=Path, help="the .xlsx file to write")
    parser.add_argument("--projects", type=positive_int, default=40, help="number of projects (default 40; 1000 for benchmarks)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--clean", action="store_true", help="plant no mistakes")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    refusal = wrong_suffix(args.output, (".xlsx",), "a sample portfolio")
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    from pmo_xl.io.atomic import atomic_path
    from pmo_xl.sample import generate_sample, write_sample_workbook

    with step(f"generating {args.projects} projects"):
        sample = generate_sample(projects=args.projects, seed=args.seed, mistakes=not args.clean)
    with step(f"writing {args.output.name}"), atomic_path(args.output) as temporary:
        write_sample_workbook(temporary, sample)
    counts = ", ".join(f"{len(rows):,} {name.lower()}" for name, rows in sample.data.items())
    print(f"wrote {args.output} ({counts})")
    return 0
