"""Every benchmark starts without the test extra: its `--help` prints usage when pytest and
hypothesis cannot be imported (issue 20; bench_validate and bench_hostile once imported helpers
from test modules and ended in ModuleNotFoundError in an environment made with `.[bench]`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
SCRIPTS = sorted(p for p in BENCHMARKS.glob("*.py") if not p.name.startswith("_"))
# As in an environment without the test extra: importing either raises ModuleNotFoundError.
WITHOUT_TEST_EXTRA = ("import runpy, sys\n"
                      "sys.modules['pytest'] = None\nsys.modules['hypothesis'] = None\n"
                      "sys.argv = [sys.argv[1], '--help']\n"
                      "runpy.run_path(sys.argv[0], run_name='__main__')\n")


def test_every_benchmark_script_is_listed():
    assert {"bench_report.py", "bench_validate.py", "bench_hostile.py", "speed_table.py"} <= {p.name for p in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_a_benchmarks_help_works_without_the_test_extra(script):
    result = subprocess.run([sys.executable, "-c", WITHOUT_TEST_EXTRA, str(script)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:") and "Traceback" not in result.stderr
