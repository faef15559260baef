"""Startup benchmark: `pmo-xl --help` and `pmo-xl validate` of the blank template, each a fresh process.

Run on demand: `python benchmarks/bench_startup.py [--runs N]`.

Floors, run interleaved with pmo-xl as fresh processes of the same interpreter:
  - `--help`: the interpreter starting and exiting (`python -c pass`);
  - `validate` of the blank template (workbooks/PMO-template.xlsx): the interpreter starting,
    importing python-calamine and reading every sheet of the template to Python values;
  - and the same with pandas imported first: the floor while `validate` keeps its registers in
    pandas frames (pandas' import alone is ~0.4 s of CPU here, most of the 0.5 s target), so the
    second ratio says how much of `validate` is pmo-xl's own imports and work.
Targets (issue 20): `--help` under 0.3 s and `validate` of the blank template under 0.5 s
on an otherwise idle machine; the ratios say how much of that is pmo-xl's own start.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import MIN_RUNS, compare, pmo_xl_command, run_process  # noqa: E402

TEMPLATE = HERE.parent / "workbooks" / "PMO-template.xlsx"
READ_EVERY_SHEET = ("import sys\nfrom python_calamine import CalamineWorkbook\n"
                    "book = CalamineWorkbook.from_path(sys.argv[1])\n"
                    "for name in book.sheet_names:\n    book.get_sheet_by_name(name).to_python()\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog="Floors and targets: see benchmarks/README.md.")
    parser.add_argument("--runs", type=int, default=15, help=f"interleaved rounds (at least {MIN_RUNS}; default 15)")
    args = parser.parse_args()
    pmo_xl = pmo_xl_command()
    print("Startup: fresh processes, interleaved with their floors")
    help_ = compare("pmo-xl --help", "fresh process", "python -c pass", run_process([*pmo_xl, "--help"]),
                    run_process([sys.executable, "-c", "pass"]), args.runs)
    validate = compare("validate, blank template", "fresh process", "python + calamine reading every sheet",
                       run_process([*pmo_xl, "validate", str(TEMPLATE)]),
                       run_process([sys.executable, "-c", READ_EVERY_SHEET, str(TEMPLATE)]), args.runs)
    compare("validate, blank template", "fresh process, pandas in the floor", "python + pandas + calamine reading every sheet",
            run_process([*pmo_xl, "validate", str(TEMPLATE)]),
            run_process([sys.executable, "-c", "import pandas\n" + READ_EVERY_SHEET, str(TEMPLATE)]), args.runs)
    for result, target in ((help_, 0.3), (validate, 0.5)):
        median = statistics.median(result.pmo)
        print(f"  {result.job}: {median:.3f} s median against the {target} s target "
              f"({'met' if median <= target else 'not met'} at this load)")


if __name__ == "__main__":
    main()
