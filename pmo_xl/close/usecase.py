"""Close a period: compute the month as the report does and freeze it into History, in a new workbook.

`close_file` is the use case `pmo-xl close` runs. It takes the workbook through the same stages
as the report (read → parse → check → compute → build, `pmo_xl.pipeline`), freezes the month's
figures (`freeze.freeze_period`) and writes a NEW standard workbook — like `collect`, from scratch
with the template writer, carrying every register row as typed — whose History holds the closed
month besides the months closed before. The input is never written; `replace=True` writes over
it only after a byte-for-byte backup copy.

Rules:
  - a month History already holds is refused (`CloseRefused`) unless `reopen`, which replaces
    exactly that month's rows and says what changed;
  - `backfill` also closes every earlier month that has Progress and is not closed yet;
  - a month after the status month is refused: it has not been reported yet;
  - a month is *As reported* when it is the workbook's own status period (its figures are what
    that month's report shows), *Recomputed* otherwise (an earlier month computed from today's
    registers: its milestone forecasts and risks are today's, not that month's);
  - every row carries the day it was closed (`closed_on`, default today: the only wall-clock
    input, recorded, never a figure) and the pmo-xl version.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pmo_xl import __version__, pipeline
from pmo_xl.checks.history import newer_than_running
from pmo_xl.close.changes import describe_changes
from pmo_xl.close.freeze import Frozen, Stamp, cell_rows, freeze_period
from pmo_xl.errors import OutputError
from pmo_xl.model import Portfolio
from pmo_xl.options import ALL_COMPUTATIONS, Computation, RunOptions, default_options
from pmo_xl.results import Run
from pmo_xl.schema.history import AS_REPORTED, HISTORY_REGISTERS, RECOMPUTED

if TYPE_CHECKING:
    from pmo_xl.collect.portfolio import PortfolioRows


class CloseRefused(OutputError):
    """Nothing was written: the period is closed already, or History is not this version's to rewrite."""


@dataclass(frozen=True)
class ClosedPeriod:
    """One month written to History by this run."""

    period: pd.Timestamp
    basis: str
    rows: dict[str, int]  # History table -> rows written
    reopened: bool = False
    changes: list[str] = field(default_factory=list)  # when reopened: what moved, one line each


@dataclass
class CloseResult:
    out: Path
    closed: list[ClosedPeriod]
    skipped: list[pd.Timestamp]  # backfill: months closed before, left as they were
    backup: Path | None = None
    not_carried: list[str] = field(default_factory=list)


def close_file(path: str | os.PathLike[str], period: pd.Timestamp | None = None, out: str | os.PathLike[str] | None = None, *,
               replace: bool = False, reopen: bool = False, backfill: bool = False, closed_on: dt.date | None = None,
               options: RunOptions | None = None) -> CloseResult:
    """Close `period` (default: the status period) of the workbook at `path` into a new workbook.

    Raises WorkbookReadError when the workbook cannot be read, CloseRefused when the period is
    closed already (without `reopen`) or History was written by a newer pmo-xl, and OutputError
    when OUT cannot be written or would overwrite the input without `replace`.
    """
    from pmo_xl.collect.portfolio import portfolio_rows

    source = Path(path)
    closed_on = closed_on or dt.date.today()
    options = dataclasses.replace(default_options(options), as_of=closed_on,
                                  # nothing frozen depends on priorities or the what-if scenarios (each a selection solve)
                                  compute=ALL_COMPUTATIONS - {Computation.PRIORITIES, Computation.SCENARIOS})
    _check_target(source, out, replace)
    raw, _ = pipeline.read(source, options)
    rows = portfolio_rows(source, raw)
    parsed, _ = pipeline.parse(raw, options)
    portfolio, _ = pipeline.check(parsed, options)
    _refuse_newer_history(rows.rows)

    status_period = pipeline.reporting_period(portfolio, dataclasses.replace(options, period=None))
    target = pd.Timestamp(period).to_period("M").start_time if period is not None else status_period
    if target is None:
        raise CloseRefused(f"{source}: no status date and no progress: there is no period to close — give --period YYYY-MM")
    if status_period is not None and target > status_period:
        raise CloseRefused(f"{target:%Y-%m} is after the workbook's status month {status_period:%Y-%m}: a month is closed once it "
                           "has been reported — move the Settings status date into it first")
    already = closed_periods(portfolio)
    if target in already and not reopen and not backfill:
        raise CloseRefused(f"{target:%Y-%m} is already closed (History has its rows, closed on {already[target]:%Y-%m-%d}) "
                           "— pass --reopen to replace them")

    todo = [target] if (target not in already or reopen) else []
    skipped = [target] if not todo else []
    if backfill:
        earlier = progress_months(portfolio, before=target)
        todo = [m for m in earlier if m not in already] + todo
        skipped = [m for m in earlier if m in already] + skipped

    closed: list[ClosedPeriod] = []
    for month in todo:
        basis = AS_REPORTED if month == status_period else RECOMPUTED
        frozen = freeze_month(portfolio, month, Stamp(basis, closed_on, __version__), options)
        reopened = month in already
        changes = _changes(portfolio, frozen) if reopened else []
        rows.rows = _with_month(rows.rows, frozen)
        closed.append(ClosedPeriod(month, basis, {r.name: len(frozen.frame(r)) for r in HISTORY_REGISTERS}, reopened, changes))

    target_path = Path(out) if out is not None else (source if replace else default_out(source, target))
    result = CloseResult(out=target_path, closed=closed, skipped=skipped, not_carried=list(rows.not_carried))
    write_closed(source, target_path, rows, result)
    return result


def freeze_month(portfolio: Portfolio, month: pd.Timestamp, stamp: Stamp, options: RunOptions) -> Frozen:
    """Compute `month` as the report does (compute, then build the report model) and freeze it."""
    # No project pages: nothing frozen comes from them, and on 1,000 projects they are a tenth of the build.
    month_options = dataclasses.replace(options, period=month, project_pages="none")
    results, _ = pipeline.compute(portfolio, month_options)
    run = Run(portfolio, results)
    model, _ = pipeline.build(run, month_options)
    return freeze_period(run, model, stamp)


def closed_periods(portfolio: Portfolio) -> dict[pd.Timestamp, dt.date]:
    """Every month History holds -> the day it was (last) closed."""
    days: dict[pd.Timestamp, pd.Timestamp] = {}
    for register in HISTORY_REGISTERS:
        frame = portfolio.registers.get(register.name)
        if frame is None or frame.empty:
            continue
        for month, day in frame.groupby("period")["closed_on"].max().items():
            days[pd.Timestamp(month)] = max(days.get(pd.Timestamp(month), pd.Timestamp(day)), pd.Timestamp(day))
    return {month: day.date() for month, day in days.items()}


def progress_months(portfolio: Portfolio, before: pd.Timestamp) -> list[pd.Timestamp]:
    """Months before `before` that have Progress, oldest first."""
    months = portfolio.progress["period"].dropna().unique()
    return sorted(pd.Timestamp(m) for m in months if pd.Timestamp(m) < before)


def default_out(source: Path, period: pd.Timestamp) -> Path:
    return source.with_name(f"{source.stem}-closed-{period:%Y-%m}.xlsx")


def _check_target(source: Path, out: str | os.PathLike[str] | None, replace: bool) -> None:
    """Refuse, before the (long) read, an OUT that would overwrite the input or lose its macros."""
    if replace and source.suffix.lower() != ".xlsx":
        raise OutputError(f"{source}: --replace would turn this {source.suffix} into a plain .xlsx and lose its macros; "
                          "write a new workbook with -o (or use the Close period button in PMO.xlsm)")
    if out is not None and Path(out).resolve() == source.resolve() and not replace:
        raise OutputError(f"{out}: OUT would overwrite the workbook; pass --replace to do that (a backup copy is kept)")


def _refuse_newer_history(rows: dict[str, list[list[object]]]) -> None:
    from pmo_xl.collect.portfolio import typed_column

    for register in HISTORY_REGISTERS:
        versions = pd.Series(typed_column(rows.get(register.name, []), register, "version"), dtype=object)
        newer = newer_than_running(versions)
        if newer.any():
            raise CloseRefused(f"{register.name} holds rows written by pmo-xl {versions[newer].iloc[0]}, newer than this "
                               f"pmo-xl {__version__}: closing would rewrite them without what that version added — upgrade pmo-xl")


def _changes(portfolio: Portfolio, frozen: Frozen) -> list[str]:
    lines: list[str] = []
    for register in HISTORY_REGISTERS:
        old = portfolio.registers[register.name]
        old = old[old["period"] == frozen.period]
        lines += [f"{register.name}: {line}" for line in describe_changes(register, old, frozen.frame(register))]
    return lines


def _with_month(rows: dict[str, list[list[object]]], frozen: Frozen) -> dict[str, list[list[object]]]:
    """The History rows as typed, the month's old rows (if any) replaced by its new ones, by period."""
    from pmo_xl.parse.cells import convert_column

    updated = dict(rows)
    month = np.datetime64(frozen.period.date(), "D")
    last = np.iinfo(np.int64).max  # unreadable periods sort last
    for register in HISTORY_REGISTERS:
        existing = rows.get(register.name, [])
        position = register.fields.index("period")
        typed = convert_column(pd.Series([row[position] for row in existing], dtype=object), register.column("period")).values
        days = pd.to_datetime(pd.Series(typed)).to_numpy(dtype="datetime64[D]")
        keep = days != month
        added = cell_rows(frozen.frame(register))
        both = [r for r, k in zip(existing, keep.tolist(), strict=True) if k] + added
        order_by = np.r_[np.where(np.isnat(days[keep]), last, days[keep].astype(np.int64)), np.full(len(added), month.astype(np.int64))]
        # Stable by period: rows of one month stay in their order. History is written in period
        # order, so this is an append unless a month in the middle is reopened.
        order = np.argsort(order_by, kind="stable")
        updated[register.name] = both if bool((order == np.arange(len(order))).all()) else [both[i] for i in order.tolist()]
    return updated


def write_closed(source: Path, target: Path, rows: PortfolioRows, result: CloseResult) -> None:
    """Write OUT atomically; when it is the input itself (`replace`), after a byte-for-byte backup."""
    from pmo_xl.collect.output import write_merged_sheets
    from pmo_xl.io.atomic import atomic_path
    from pmo_xl.io.write_template import Styles, new_workbook

    if target.resolve() == source.resolve():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        result.backup = source.with_name(f"{source.stem}.before-close-{stamp}{source.suffix}")
        shutil.copy2(source, result.backup)
    with atomic_path(target) as temporary:
        workbook = new_workbook(temporary)
        write_merged_sheets(workbook, Styles(workbook), rows, rows.rows)
        workbook.close()
