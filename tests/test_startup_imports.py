"""What `pmo-xl validate` of the blank template imports, in a fresh process (issue 20: start fast).

The blank template needs pandas: its Settings sheet has rows (25 settings, 6 criteria, 12
holidays, 4 RAG bands, the AHP matrix), parsed and checked by the one implementation of the
cell rules (`parse/cells.py`, on numpy and pandas), and `compute_priorities` weighs its criteria.
It needs nothing else: every third-party package it imports must be one that importing pandas
and the reader (python-calamine, and ISA-L's inflate for the scan that guards it) already
brings, so a compiled kernel, a fast reader for large sheets (fastexcel, polars, pyarrow), the
solver or the report's writer imported on the way is a failing test here, not a slower start
found later. Nor does it import the parts of pmo-xl that
validate never runs (the what-if scenarios, governance, the trends, the report, collect, close).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1] / "workbooks" / "PMO-template.xlsx"

_TOP_LEVEL = ("def third_party(names):\n"
              "    return sorted({n.split('.')[0] for n in names} - set(sys.stdlib_module_names) - {'__main__', 'pmo_xl'})\n")
# What the interpreter itself loaded before (site-packages' start-up files) is not pmo-xl's doing.
_BEFORE = "import sys\nbefore = set(sys.modules)\n" + _TOP_LEVEL

VALIDATE_NEVER_RUNS = ("pmo_xl.scenarios", "pmo_xl.compute.governance", "pmo_xl.compute.trends", "pmo_xl.report",
                       "pmo_xl.collect", "pmo_xl.close", "pmo_xl.excel", "pmo_xl.schedules", "pmo_xl.background",
                       "pmo_xl.compute.loading.causes_kernel")


def _probe(code: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_validate_of_the_blank_template_imports_only_pandas_and_the_reader():
    floor = _probe(_BEFORE + "import pandas, python_calamine\n"
                   "try:\n    from isal import isal_zlib\nexcept ImportError:\n    pass\n"
                   "print(__import__('json').dumps({'third': third_party(set(sys.modules) - before)}))")
    run = _probe(_BEFORE + "import contextlib, io\nfrom pmo_xl.cli import main\n"
                 f"with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
                 f"    code = main(['validate', {str(TEMPLATE)!r}])\n"
                 "new = set(sys.modules) - before\n"
                 "print(__import__('json').dumps({'code': code, 'third': third_party(new), "
                 "'own': sorted(m for m in new if m.startswith('pmo_xl'))}))")
    assert run["code"] == 0
    assert "pandas" in floor["third"] and "python_calamine" in floor["third"]
    assert set(run["third"]) <= set(floor["third"]), f"validate of the blank template also imports {sorted(set(run['third']) - set(floor['third']))}"
    assert not [m for m in run["own"] if m.startswith(VALIDATE_NEVER_RUNS)]
