"""Prove a refactoring changed no figure: reports byte-identical before and after.

    python benchmarks/check_reports_identical.py [--before REF] [--projects 200]

The "before" code is REF checked out into a temporary `git worktree` (default: the commit the
pipeline refactoring of issue 12 started from); the "after" code is this working tree (or `--after REF`). Both
write the monthly report of the same input workbooks — the bundled sample, the demo's collected
portfolio and a generated portfolio of `--projects` projects — each in its own Python process
whose import path starts at its tree. Every pair of reports must be equal byte for byte.
Prints one line per workbook and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_OF_ISSUE_12 = "38df4f3"  # main before `compute/` became packages

# Run in a child process with the tree under test first on sys.path.
_MAKE_INPUTS = """
import sys
from pathlib import Path
from pmo_xl.cli import main
from pmo_xl.sample import generate_sample, write_sample_workbook
out, projects = Path(sys.argv[1]), int(sys.argv[2])
write_sample_workbook(out / "sample.xlsx", generate_sample())
write_sample_workbook(out / f"generated-{projects}.xlsx", generate_sample(projects=projects, seed=11))
assert main(["demo", str(out / "demo")]) == 0
(out / "demo" / "PMO-collected.xlsx").rename(out / "demo.xlsx")
"""
_REPORT = """
import sys
import pmo_xl
from pmo_xl.cli import main
assert pmo_xl.__file__.startswith(sys.argv[1]), pmo_xl.__file__
sys.exit(main(["report", sys.argv[2], "-o", sys.argv[3], "-q"]))
"""


def run_python(tree: Path, code: str, *args: str) -> None:
    command = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tree)!r}); {code}", *args]
    done = subprocess.run(command, cwd=tree, capture_output=True, text=True)
    if done.returncode not in (0, 1):  # 1: the workbook has data errors, the report is still written
        raise SystemExit(f"failed in {tree}:\n{done.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=START_OF_ISSUE_12, help="git commit of the code before the change")
    parser.add_argument("--after", help="git commit of the code after the change (default: this working tree)")
    parser.add_argument("--projects", type=int, default=200, help="size of the generated portfolio")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pmo-identical-") as scratch:
        work = Path(scratch)
        before = work / "before"
        after = work / "after" if args.after else ROOT
        trees = [(before, args.before)] + ([(after, args.after)] if args.after else [])
        for tree, commit in trees:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), commit], check=True)
        try:
            inputs = work / "inputs"
            inputs.mkdir()
            run_python(before, _MAKE_INPUTS, str(inputs), str(args.projects))
            different = 0
            for workbook in sorted(inputs.glob("*.xlsx")):
                reports = {}
                for side, tree in (("before", before), ("after", after)):
                    reports[side] = work / f"{workbook.stem}-{side}.xlsx"
                    started = time.perf_counter()
                    run_python(tree, _REPORT, str(tree), str(workbook), str(reports[side]))
                    print(f"  {workbook.name:<22} {side:<6} {time.perf_counter() - started:6.1f} s", flush=True)
                same = filecmp.cmp(reports["before"], reports["after"], shallow=False)
                verdict = "identical" if same else "DIFFERENT"
                if not same:  # is the old code itself steady on this machine, under this load?
                    again = work / f"{workbook.stem}-before-again.xlsx"
                    run_python(before, _REPORT, str(before), str(workbook), str(again))
                    if not filecmp.cmp(reports["before"], again, shallow=False):
                        verdict += " (but two runs of the old code differ too: a figure depends on machine load)"
                different += not same
                print(f"{workbook.name:<24} {verdict} ({reports['after'].stat().st_size:,} bytes)")
        finally:
            for tree, _ in trees:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    print("all reports identical" if not different else f"{different} report(s) differ")
    return 1 if different else 0


if __name__ == "__main__":
    raise SystemExit(main())
