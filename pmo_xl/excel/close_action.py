"""The *Close period* button: freeze the status month into this workbook's History tables.

The same computation as `pmo-xl close` (`close.usecase.freeze_month`: compute and build as the
report does, then freeze), for the month of the status date, written into the three History
tables of the open workbook — tool-owned tables, appended to, never another cell. A month
already in History is refused with what to do instead (`pmo-xl close --reopen`). Nothing is
saved: the user saves the workbook, as after any button.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

from pmo_xl import __version__
from pmo_xl.excel.actions import RunResult, UserFacingError, read_tables, record_run
from pmo_xl.port import WorkbookPort
from pmo_xl.schema.columns import Kind, Register, normalise_header
from pmo_xl.schema.history import AS_REPORTED, HISTORY_REGISTERS

ACTION = "Close period"


def history_formats(register: Register) -> dict[str, str]:
    """Excel number formats of a History table's columns, by header."""
    return {c.header: c.number_format for c in register.columns if c.number_format and c.kind in (Kind.MONTH, Kind.DATE)}


def run_close_period(port: WorkbookPort, today: dt.date | None = None) -> RunResult:
    """Close the status month into History (see the module docstring)."""
    from pmo_xl import pipeline
    from pmo_xl.close.freeze import Stamp, cell_rows
    from pmo_xl.close.usecase import closed_periods, freeze_month
    from pmo_xl.options import ALL_COMPUTATIONS, Computation, options_with

    tables = read_tables(port)
    missing = [r.table for r in HISTORY_REGISTERS if port.read_table(r.table) is None]
    if missing:
        raise UserFacingError(f"This workbook has no History tables ({', '.join(missing)}); it was built by an older pmo-xl. "
                              "Run `pmo-xl close` on it, which writes a workbook with them.")
    port.set_status("Close period: computing the month as the report does...")
    closed_on = today or dt.date.today()
    options = options_with(as_of=closed_on, compute=ALL_COMPUTATIONS - {Computation.PRIORITIES})
    portfolio = pipeline.load_tables(tables, port.workbook_path, options)
    month = pipeline.reporting_period(portfolio, options)
    if month is None:
        raise UserFacingError("There is no period to close: set the status date on Settings (or add progress).")
    already = closed_periods(portfolio)
    if month in already:
        raise UserFacingError(f"{month:%Y-%m} is already closed (on {already[month]:%Y-%m-%d}). To replace it, run "
                              f"`pmo-xl close THIS-WORKBOOK --period {month:%Y-%m} --reopen`, which says what changed.")
    frozen = freeze_month(portfolio, month, Stamp(AS_REPORTED, closed_on, __version__), dataclasses.replace(options, period=month))
    counts = []
    for register in HISTORY_REGISTERS:
        raw = port.read_table(register.table)
        assert raw is not None  # checked above
        headers = [str(h) for h in raw.headers]
        existing = pd.DataFrame(raw.rows, columns=headers, dtype=object) if raw.rows else pd.DataFrame(columns=headers, dtype=object)
        # Each column under the header as the workbook spells it (headers match ignoring case and spacing).
        spelled = {c.header: next((h for h in headers if normalise_header(h) in c.header_keys()), c.header) for c in register.columns}
        added = pd.DataFrame(cell_rows(frozen.frame(register)), columns=[spelled[c.header] for c in register.columns], dtype=object)
        # The user's column order (and any column of their own) is kept; new rows go below, in period order.
        frame = pd.concat([existing, added.reindex(columns=headers)], ignore_index=True)
        order = pd.to_datetime(frame[spelled[register.column("period").header]], errors="coerce").to_numpy()
        frame = frame.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)
        formats = {spelled[h]: f for h, f in history_formats(register).items() if spelled[h] in headers}
        port.write_table(register.sheet_name, register.table, frame, formats)
        counts.append(f"{len(added)} {register.name}")
    summary = f"{month:%Y-%m} closed as reported: {', '.join(counts)} rows added — save the workbook to keep them"
    record_run(port, ACTION, summary)
    port.show_sheet(HISTORY_REGISTERS[0].sheet_name)
    return RunResult(ACTION, summary, list(portfolio.issues))
