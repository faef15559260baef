"""Cell rules: types, required and allowed values, ranges, error values, uncalculated formulas,
percentages typed 0-100, serial dates — each asserted on flattened issues (sheet, row, column, code).

Fixtures are text-first: small registers written in the test as rows, turned into the `RawTable`
a reader would produce (the helpers here are shared by the other test_validation_* files).
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_xl.checks.codes import CODES_BY_NAME, ISSUE_CODES
from pmo_xl.checks.run import run_checks
from pmo_xl.issues import Issue, Severity
from pmo_xl.model import Portfolio
from pmo_xl.options import RunOptions
from pmo_xl.parse.cells import convert_column
from pmo_xl.parse.portfolio import parse_portfolio
from pmo_xl.raw import RawTable
from pmo_xl.schema.columns import Register
from pmo_xl.schema.registers import ALLOCATIONS, PROGRESS, PROJECTS, REGISTERS, RESOURCES, RISKS
from pmo_xl.schema.settings import CRITERIA, DEFAULT_CRITERIA, SETTINGS_TABLES

ROOT = Path(__file__).resolve().parents[1]
D = dt.datetime
SCORES = [f"Score: {c[0]}" for c in DEFAULT_CRITERIA]

# --- shared fixture helpers ---------------------------------------------------------------------


def raw_table(register: Register, records: Sequence[dict[str, object]], headers: Sequence[str] | None = None,
              header_row: int = 1, first_column: int = 1, table: str | None = "default") -> RawTable:
    """A register as a reader gives it, from records keyed by field name or by header text."""
    headers = list(headers or [c.header for c in register.columns])
    by_header = {c.header: c.field for c in register.columns}
    rows = [[record.get(by_header.get(h, h), record.get(h, "")) for h in headers] for record in records]
    rows = [["" if v is None else v for v in row] for row in rows]
    numbers = list(range(header_row + 1, header_row + 1 + len(rows)))
    return RawTable(register.sheet_name, register.table if table == "default" else table, header_row, first_column,
                    headers, rows, numbers)


def project(project_id: str, **values: object) -> dict[str, object]:
    """A valid Projects record (scores 3 on every default criterion) with `values` changed."""
    record: dict[str, object] = {"project_id": project_id, "name": f"Project {project_id}", "status": "Active",
                                 "start": D(2026, 1, 1), "finish": D(2026, 12, 31), "bac": 100_000.0}
    record.update({score: 3 for score in SCORES})
    record.update(values)
    return record


def criteria_table(rows: Iterable[Sequence[object]] = DEFAULT_CRITERIA) -> RawTable:
    return raw_table(CRITERIA, [dict(zip(CRITERIA.fields, row, strict=True)) for row in rows], first_column=5)


def tables(**registers: Sequence[dict[str, object]]) -> dict[str, RawTable]:
    """Raw tables for the registers given (Projects gets its score columns), plus default criteria."""
    found = {"Criteria": criteria_table()}
    for name, records in registers.items():
        register = next(r for r in (*REGISTERS, *SETTINGS_TABLES) if r.name == name)
        headers = [c.header for c in register.columns] + (SCORES if register.name == "Projects" else [])
        found[name] = raw_table(register, records, headers)
    return found


def validate(raw: dict[str, RawTable], as_of: dt.date = dt.date(2026, 11, 30)) -> Portfolio:
    checked, _ = run_checks(parse_portfolio(raw), options=RunOptions(strict=True, as_of=as_of))
    return checked


def flat(issues: Iterable[Issue], *codes: str) -> list[tuple[str, int | None, str | None, str]]:
    """Issues as (sheet, row, column, code), sorted; only `codes` when given."""
    return sorted((i.sheet, i.row, i.column, i.code) for i in issues if not codes or i.code in codes)


def cell_codes(column, values: list[object], uncalculated: dict[int, str] | None = None) -> list[tuple[int, str, str]]:
    converted = convert_column(pd.Series(values, dtype=object), column, uncalculated)
    return sorted((int(p), problem.code, str(problem.severity)) for problem in converted.problems for p in problem.positions)


# --- cell rules ----------------------------------------------------------------------------------

BAC = PROJECTS.column("bac")
FINISH = PROJECTS.column("finish")
STATUS = PROJECTS.column("status")
PCT = PROGRESS.column("pct_complete")
PERIOD = PROGRESS.column("period")


def test_numbers_typed_as_text_are_read_when_unambiguous_and_refused_when_not():
    found = cell_codes(BAC, [1000.0, "1500", "1,234,567.50", "1 234", "1,5", "1.234,56", "1,500", "TBD", True, D(2026, 1, 1), "€1,200"])
    assert found == [
        (1, "number-as-text", "warning"), (2, "number-as-text", "warning"), (3, "number-as-text", "warning"),
        (4, "decimal-comma", "error"), (5, "decimal-comma", "error"), (6, "ambiguous-number", "error"),
        (7, "not-a-number", "error"), (8, "wrong-type", "error"), (9, "wrong-type", "error"), (10, "not-a-number", "error"),
    ]
    values = convert_column(pd.Series(["1500", "1,234,567.50", "1 234"], dtype=object), BAC).values.tolist()
    assert values == [1500.0, 1234567.5, 1234.0]


def test_percentages_typed_0_to_100_are_errors_never_divided():
    converted = convert_column(pd.Series([0.4, 40, 100, 1, "40%", 0.0], dtype=object), PCT)
    assert sorted((int(p), c.code) for c in converted.problems for p in c.positions) == [
        (1, "percent-as-whole-number"), (2, "percent-as-whole-number"), (4, "number-as-text")]
    assert converted.values.tolist()[:1] + converted.values.tolist()[3:] == [0.4, 1.0, 0.4, 0.0]
    assert np.isnan(converted.values[1]) and np.isnan(converted.values[2])


def test_dates_text_serials_and_implausible_dates():
    found = cell_codes(FINISH, [D(2026, 3, 1), "2026-03-31", "2026/4/1", "03/04/2027", 46100.0, 2026, "soon", D(1900, 1, 1), True, ""])
    assert found == [
        (1, "date-as-text", "warning"), (2, "date-as-text", "warning"), (3, "not-a-date", "error"),
        (4, "serial-date", "info"), (5, "not-a-date", "error"), (6, "not-a-date", "error"),
        (7, "date-out-of-range", "error"), (8, "not-a-date", "error"), (9, "required", "error"),
    ]
    values = convert_column(pd.Series([D(2026, 3, 1, 14, 30), 46100.0], dtype=object), FINISH).values
    assert values.tolist() == [pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-19")]  # time of day dropped


def test_periods_accept_year_month_text_without_a_warning():
    converted = convert_column(pd.Series(["2026-10", "Oct 2026", D(2026, 10, 17)], dtype=object), PERIOD)
    assert [pd.Timestamp(v) for v in converted.values] == [pd.Timestamp("2026-10-01")] * 3
    assert [(int(p), c.code) for c in converted.problems for p in c.positions] == [(1, "date-as-text")]


def test_allowed_values_tolerate_case_spacing_and_hyphens_and_suggest_a_fix():
    converted = convert_column(pd.Series(["active", " ON_HOLD ", "on-hold", "Actve", "Done"], dtype=object), STATUS)
    assert converted.values.tolist()[:3] == ["Active", "On hold", "On hold"]
    messages = {int(c.positions[0]): c.message for c in converted.problems}
    assert set(messages) == {3, 4} and "did you mean 'Active'" in messages[3] and "did you mean" not in messages[4]


def test_excel_errors_and_uncalculated_formulas_are_errors_not_blanks():
    found = cell_codes(BAC, ["#N/A", "#REF!", "", 5.0], uncalculated={2: "=SUM(A1:A3)"})
    assert found == [(0, "excel-error", "error"), (1, "excel-error", "error"), (2, "uncalculated-formula", "error")]


def test_ranges_integers_and_required():
    found = cell_codes(RISKS.column("probability"), [3, 0, 6, 2.5, None])
    assert found == [(1, "out-of-range", "error"), (2, "out-of-range", "error"), (3, "not-whole-number", "error"), (4, "required", "error")]
    negative = convert_column(pd.Series([-250.0], dtype=object), PROGRESS.column("ac")).problems[0]
    assert negative.code == "out-of-range" and "cannot be negative" in negative.message


def test_issues_point_at_the_columns_of_the_workbook_read_not_the_template():
    # Projects with its columns in reverse order, starting in column C: letters must follow.
    headers = list(reversed([c.header for c in PROJECTS.columns])) + SCORES
    raw = {"Projects": raw_table(PROJECTS, [project("P1", bac="lots", status="Actve")], headers, header_row=3, first_column=3)}
    portfolio = parse_portfolio(raw)
    letters = {h: chr(ord("C") + i) for i, h in enumerate(headers[:20])}
    assert flat(portfolio.issues, "not-a-number", "not-allowed") == sorted([
        ("Projects", 4, letters["Status"], "not-allowed"), ("Projects", 4, letters["Budget (BAC)"], "not-a-number")])
    assert portfolio.layout["Projects"]["status"] == letters["Status"]


def test_rows_with_errors_are_left_out_and_listed_warnings_are_kept():
    raw = tables(Projects=[project("P1"), project("P2", bac="12,50"), project("P3", bac="2000")])
    portfolio = validate(raw)
    assert portfolio.rejected == {"Projects": [3]}
    assert portfolio.projects["project_id"].tolist() == ["P1", "P3"]
    assert portfolio.projects["bac"].tolist() == [100_000.0, 2000.0]


def test_ids_typed_as_numbers_become_text():
    converted = convert_column(pd.Series([1001.0, " PRJ-7 ", 12], dtype=object), RESOURCES.column("resource_id"))
    assert converted.values.tolist() == ["1001", "PRJ-7", "12"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(
    st.none(), st.text(max_size=12), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**12, 10**12),
    st.booleans(), st.datetimes(min_value=D(1, 1, 1), max_value=D(9999, 12, 31)), st.dates(), st.times(),
    st.sampled_from(["#N/A", "1,5", "40%", "2026-13-45", "=A1", " ", "\u00a0"]),
), max_size=25))
def test_any_cell_values_convert_without_crashing_in_every_kind_of_column(values):
    for register in (PROJECTS, ALLOCATIONS, PROGRESS, RISKS):
        for column in register.columns:
            converted = convert_column(pd.Series(values, dtype=object), column)
            assert len(converted.values) == len(values)
            for problem in converted.problems:
                assert problem.code in CODES_BY_NAME
                assert all(0 <= p < len(values) for p in problem.positions)


# --- the catalogue -------------------------------------------------------------------------------

_CODE = re.compile(r"^[a-z]+(-[a-z0-9]+)*$")


# The scan reads every module of pmo_xl (codes.py, the catalogue itself, aside) and finds each
# code handed to an issue:
#  - `Issue(...)`, and the helpers that build one: any function with a `code` parameter that it
#    passes on to `Issue` or to another such helper (`issues_at`, collect's `issue` and `fatal`,
#    loading's `allocation_issue` ...), resolved per module through its imports;
#  - the records whose code later becomes an issue's (CARRIERS), where they are created.
# A code argument must be a literal (or `a if ... else b` of literals), a local name assigned
# only such literals, a helper passing its `code` parameter on, `x.code` inside
# `if x.code == "literal":`, a carrier's code passed on at a listed site (PASSED_ON), or a name
# read from a listed module-level table of codes (CODE_TABLES). Anything else fails the scan,
# so a new code can never be emitted without being seen here.
SCANNED = ROOT / "pmo_xl"
PACKAGES = ("parse", "checks", "compute", "report", "collect", "excel")  # at least these; the scan reads all of pmo_xl
ISSUE_CLASSES = {"Issue": 0}  # the issue record: where its code is
CARRIERS = {"CellProblem": 1, "SelectionNote": 0, "_Cause": 0, "TextNumber": 1}  # records whose code becomes an Issue's
PASSED_ON = {  # (module, expression): a carrier's code handed to an issue (its creation sites are scanned)
    ("parse/register.py", "problem.code"),  # CellProblem
    ("parse/cells.py", "read.code"),  # TextNumber
    ("parse/settings.py", "problem.code"),  # CellProblem
    ("collect/validate.py", "problem.code"),  # CellProblem
    ("compute/earned_value/issues.py", "cause.code"),  # _Cause
    ("compute/selection/inputs.py", "note.code"),  # SelectionNote
}
CODE_TABLES = {("compute/loading/issues.py", "reason"): "_UNPLACED"}  # (module, name) -> table whose keys are the codes


def _scanned_modules() -> dict[str, ast.Module]:
    modules = {}
    for path in sorted(SCANNED.rglob("*.py")):
        name = path.relative_to(SCANNED).as_posix()
        if name != "checks/codes.py":  # the catalogue itself
            modules[name] = ast.parse(path.read_text(), filename=str(path))
    return modules


def _literal_codes(node: ast.expr | None) -> list[str] | None:
    """The codes a literal expression can be: "a", or "a" if ... else "b"; None when not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literal_codes(node.body), _literal_codes(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _code_argument(call: ast.Call, position: int) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "code":
            return keyword.value
    return call.args[position] if len(call.args) > position else None


class _Scan:
    """Issue builders across the modules, and the codes handed to them (code -> modules)."""

    def __init__(self) -> None:
        self.modules = _scanned_modules()
        dotted = {"pmo_xl." + name[:-3].replace("/", ".").removesuffix(".__init__"): name for name in self.modules}
        self.functions = {name: {f.name: f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)}
                          for name, tree in self.modules.items()}
        self.imports = {
            name: {alias.asname or alias.name: (dotted[node.module], alias.name)
                   for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module in dotted
                   for alias in node.names}
            for name, tree in self.modules.items()
        }
        self.helpers: dict[tuple[str, str], int] = {}  # (module, function) -> position of its `code` parameter
        self.passed_on: set[tuple[str, str]] = set()
        self.found: dict[str, set[str]] = {}
        self._find_helpers()
        for module, tree in self.modules.items():
            self._scan(module, tree)

    def _position(self, module: str, call: ast.Call) -> int | None:
        """Where the code sits in this call, when it builds an issue (or a carrier); None otherwise."""
        name = call.func.id if isinstance(call.func, ast.Name) else call.func.attr if isinstance(call.func, ast.Attribute) else ""
        if name in ISSUE_CLASSES or name in CARRIERS:
            return {**ISSUE_CLASSES, **CARRIERS}[name]
        if name == "replace" and any(k.arg == "code" for k in call.keywords):  # dataclasses.replace(issue, code=...)
            return -1
        if name == "at_rows" and getattr(call.func, "value", None) is not None and ast.unparse(call.func.value) == "Issue":
            return -1  # Issue.at_rows(rows, values, messages, code=..., ...): many issues alike, the code by keyword
        if not isinstance(call.func, ast.Name):
            return None
        target = (module, name) if name in self.functions[module] else self.imports[module].get(name)
        return self.helpers.get(target) if target else None

    def _find_helpers(self) -> None:
        changed = True
        while changed:
            changed = False
            for module, functions in self.functions.items():
                for name, function in functions.items():
                    parameters = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
                    if (module, name) in self.helpers or "code" not in parameters:
                        continue
                    for call in ast.walk(function):
                        if isinstance(call, ast.Call) and (position := self._position(module, call)) is not None:
                            argument = _code_argument(call, position)
                            if isinstance(argument, ast.Name) and argument.id == "code":
                                self.helpers[(module, name)] = parameters.index("code")
                                changed = True
                                break

    def _scan(self, module: str, tree: ast.Module) -> None:
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and (position := self._position(module, call)) is not None:
                for code in self._codes(module, tree, parents, call, _code_argument(call, position)):
                    self.found.setdefault(code, set()).add(module)

    def _codes(self, module: str, tree: ast.Module, parents: dict, call: ast.Call, argument: ast.expr | None) -> list[str]:
        where = f"pmo_xl/{module}:{call.lineno}"
        assert argument is not None, f"{where}: an issue built without a code the scan can see"
        if (codes := _literal_codes(argument)) is not None:
            return codes
        function = _enclosing(parents, call, ast.FunctionDef | ast.AsyncFunctionDef)
        if isinstance(argument, ast.Name):
            if argument.id == "code" and function is not None and (module, function.name) in self.helpers:
                return []  # a helper passing its parameter on: its callers are scanned
            if (module, argument.id) in CODE_TABLES:
                table = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                             and any(getattr(t, "id", None) == CODE_TABLES[module, argument.id] for t in node.targets))
                keys = table.keys if isinstance(table, ast.Dict) else getattr(table, "elts", [])
                codes = [k.value for k in keys if isinstance(k, ast.Constant) and k.value]
                assert codes and len(codes) == len(keys), f"{where}: {CODE_TABLES[module, argument.id]} must list literal codes"
                return codes
            values = [_literal_codes(node.value) for node in ast.walk(function or tree) if isinstance(node, ast.Assign)
                      and any(isinstance(t, ast.Name) and t.id == argument.id for t in node.targets)]
            assert values and all(v is not None for v in values), f"{where}: issue code {argument.id} is not a literal"
            return [code for v in values for code in v]  # type: ignore[union-attr]
        text = ast.unparse(argument)
        node: ast.AST | None = call
        while (node := _enclosing(parents, node, ast.If)) is not None:
            test = node.test  # type: ignore[attr-defined]
            if (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
                    and ast.unparse(test.left) == text and _within(parents, call, node.body)):  # type: ignore[attr-defined]
                if (codes := _literal_codes(test.comparators[0])) is not None:
                    return codes
        assert (module, text) in PASSED_ON, f"{where}: issue code {text} is not a literal, nor a listed pass-on"
        self.passed_on.add((module, text))
        return []


def _enclosing(parents: dict, node: ast.AST, kinds: object) -> ast.AST | None:
    while node in parents:
        node = parents[node]
        if isinstance(node, kinds):  # type: ignore[arg-type]
            return node
    return None


def _within(parents: dict, node: ast.AST, body: list[ast.stmt]) -> bool:
    while node in parents:
        if node in body:
            return True
        node = parents[node]
    return False


_SCAN: _Scan | None = None


def code_scan() -> _Scan:
    global _SCAN
    if _SCAN is None:
        _SCAN = _Scan()
    return _SCAN


def emitted_codes() -> set[str]:
    """Every code string the source of pmo_xl (parse, checks, compute, report, collect, excel ...) passes to an issue."""
    return set(code_scan().found)


def test_every_code_the_code_base_emits_is_in_the_catalogue():
    emitted = emitted_codes()
    assert len(emitted) > 100
    assert emitted - set(CODES_BY_NAME) == set()
    assert all(_CODE.match(code) for code in emitted)


def test_the_scan_reads_every_package_and_knows_the_helpers():
    scan = code_scan()
    packages = {module.split("/")[0] for modules in scan.found.values() for module in modules}
    assert {"parse", "checks", "compute", "collect", "guard.py"} <= packages  # excel and report build no issue of their own
    assert all((SCANNED / package).is_dir() for package in PACKAGES)
    assert {m.split("/")[0] for m in scan.modules} >= set(PACKAGES)
    assert {("checks/core.py", "issues_at"), ("collect/read.py", "issue"), ("collect/read.py", "fatal"),
            ("compute/loading/issues.py", "allocation_issue"), ("compute/priority/core.py", "_settings_issue")} <= set(scan.helpers)
    assert scan.passed_on == PASSED_ON  # every listed pass-on is still there
    for package, some in {"compute": {"undefined-metric", "missing-ev", "fixed-over-budget", "no-working-days", "ahp-extrapolated-index"},
                          "collect": {"too-large", "superseded", "other-project"}, "guard.py": {"internal-error"}}.items():
        assert all(package in {m.split("/")[0] for m in scan.found[code]} for code in some), package


def test_the_scan_follows_helpers_and_fails_on_a_code_it_cannot_read(tmp_path, monkeypatch):
    (tmp_path / "compute").mkdir()
    helper = "def _issue(row, code):\n    return Issue(code=code, severity='warning', sheet='S', row=row, column='A', field=None, value=None, message='m')\n"
    (tmp_path / "compute" / "new.py").write_text(helper + "def compute():\n    return [_issue(1, code='brand-new-code')]\n")
    monkeypatch.setitem(globals(), "SCANNED", tmp_path)
    assert _Scan().found == {"brand-new-code": {"compute/new.py"}}  # then missing from the catalogue: a failure
    (tmp_path / "compute" / "new.py").write_text(helper + "def compute(name):\n    return [_issue(1, name)]\n")
    with pytest.raises(AssertionError, match="compute/new.py:4: issue code name is not a literal"):
        _Scan()


def test_catalogue_entries_are_unique_documented_and_all_used():
    codes = [c.code for c in ISSUE_CODES]
    assert len(codes) == len(set(codes))
    assert all(c.meaning and c.example and c.severity in Severity for c in ISSUE_CODES)
    assert set(codes) - emitted_codes() == set()  # no code documented that nothing emits


def test_the_contract_lists_every_code():
    from pmo_xl.schema.contract import build_contract

    contract = build_contract()
    assert all(f"`{c.code}`" in contract for c in ISSUE_CODES)
