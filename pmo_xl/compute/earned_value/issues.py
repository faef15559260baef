"""Why a figure of the status period is empty: one Issue per project and cause.

An undefined figure (SPI with PV = 0, TCPI once AC has reached BAC, ...) is left empty (NaN)
by the formulas. Here each empty figure of a project's status-period row is traced to its
cause, and each cause becomes one Issue that lists the figures it empties, on the Progress row
(or on the Projects row when the cause is there: BAC, no plan), e.g.
"PRJ-001: AC is 0 for 2025-03 (no cost booked yet); CPI, EAC and ETC are left empty." A figure
left empty for no listed cause still gets a generic issue: nothing is ever silently blank.
Earlier periods are not reported again: they were the status period once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pmo_xl.issues import Issue, Severity, Stage
from pmo_xl.model import ROW
from pmo_xl.schema.registers import PROGRESS, PROJECTS
from pmo_xl.schema.settings import EacMethod

STAGE = Stage.COMPUTE
LABELS = {
    "pv": "PV", "ev": "EV", "ac": "AC", "sv": "SV", "cv": "CV", "sv_pct": "SV%", "cv_pct": "CV%",
    "spi": "SPI", "cpi": "CPI", "eac": "EAC", "eac_cpi": "EAC (BAC/CPI)",
    "eac_atypical": "EAC (AC+BAC−EV)", "eac_cpi_spi": "EAC (CPI×SPI)", "eac_weighted": "EAC (weighted)",
    "eac_bottom_up": "EAC (bottom-up)", "etc": "ETC", "vac": "VAC", "vac_pct": "VAC%",
    "tcpi_bac": "TCPI to BAC", "tcpi_eac": "TCPI to EAC", "pct_complete": "% complete",
    "pct_spent": "% spent", "pd": "PD", "es": "ES", "at": "AT", "sv_t": "SV(t)", "spi_t": "SPI(t)",
    "tspi": "TSPI", "ieac_t": "IEAC(t)", "tspi_ed": "TSPI to ED", "forecast_finish": "forecast finish",
}
# Figures every status row should have; any of them empty without a known cause is reported.
MONITORED = (
    "pv", "ev", "ac", "sv", "cv", "sv_pct", "cv_pct", "spi", "cpi", "eac", "etc", "vac", "vac_pct",
    "tcpi_bac", "tcpi_eac", "pct_complete", "pct_spent", "es", "sv_t", "spi_t", "tspi", "ieac_t",
    "tspi_ed", "forecast_finish",
)
_FORECAST = ("eac", "etc", "vac", "vac_pct", "tcpi_eac")
_TIME_FORECAST = ("ieac_t", "tspi_ed", "forecast_finish")
_SCHEDULE = ("pd", "es", "at", "sv_t", "spi_t", "tspi", *_TIME_FORECAST)


@dataclass(frozen=True)
class _Cause:
    code: str
    severity: Severity
    sheet: str
    field: str | None  # schema field whose header names the input
    when: Callable[[pd.DataFrame], np.ndarray]
    metrics: tuple[str, ...]
    why: Callable[[Any], str]  # gets the row (a mapping by column name)
    outcome: str = "left empty"  # what became of the figures it names


def _money(value: object) -> str:
    return f"{float(value):,.0f}"  # type: ignore[arg-type]


def _num(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy(dtype=np.float64)


def _causes(eac_method: str) -> tuple[_Cause, ...]:
    uses_spi = eac_method in (EacMethod.CPI_SPI, EacMethod.WEIGHTED)
    progress, projects = PROGRESS.name, PROJECTS.name
    return (
        _Cause(
            "missing-plan", Severity.WARNING, projects, "start",
            lambda f: (f["plan_source"] == "none").to_numpy(),
            _SCHEDULE,
            lambda r: "the project has no Baseline rows, no PV and no planned start and finish to draw a plan from",
        ),
        _Cause(
            "undefined-metric", Severity.WARNING, progress, "pv",
            lambda f: np.isnan(_num(f, "pv")),
            ("pv", "sv", "sv_pct", "spi", "eac_cpi_spi", "eac_weighted", *(_FORECAST if uses_spi else ())),
            lambda r: f"PV is blank for {r['month']} and there is no plan to read it from",
        ),
        _Cause(
            "undefined-metric", Severity.WARNING, progress, "ac",
            lambda f: np.isnan(_num(f, "ac")),
            ("ac", "cv", "cv_pct", "cpi", "eac_cpi", "eac_atypical", "eac_cpi_spi", "eac_weighted", "eac_bottom_up",
             *_FORECAST, "tcpi_bac", "pct_spent"),
            lambda r: f"AC is blank for {r['month']}",
        ),
        _Cause(
            "missing-ev", Severity.WARNING, progress, "ev",
            lambda f: np.isnan(_num(f, "ev")),
            ("ev", "sv", "cv", "sv_pct", "cv_pct", "spi", "cpi", "eac_cpi", "eac_atypical", "eac_cpi_spi",
             "eac_weighted", *_FORECAST, "tcpi_bac", "pct_complete", "es", "sv_t", "spi_t", "tspi", *_TIME_FORECAST),
            lambda r: f"EV is blank for {r['month']} and the {r['ev_technique']} technique cannot derive it "
            + ("(the project has no milestones)" if r["ev_technique"] == "Milestones" else "(% complete is blank too)"),
        ),
        _Cause(
            "undefined-metric", Severity.WARNING, projects, "bac",
            lambda f: ~(_num(f, "bac") > 0),
            ("pct_complete", "pct_spent", "vac_pct", "eac", "etc", "vac", "tcpi_bac", "tcpi_eac", *_SCHEDULE),
            lambda r: f"BAC is {'blank' if r['bac'] != r['bac'] else _money(r['bac'])}",
        ),
        _Cause(
            "undefined-metric", Severity.INFO, progress, "pv",
            lambda f: _num(f, "pv") == 0,
            ("spi", "sv_pct", "eac_cpi_spi", "eac_weighted", *(_FORECAST if uses_spi else ())),
            lambda r: f"PV is 0 for {r['month']} (nothing was planned yet)",
        ),
        _Cause(
            "undefined-metric", Severity.INFO, progress, "ac",
            lambda f: _num(f, "ac") == 0,
            ("cpi", "eac_cpi", "eac_cpi_spi", "eac_weighted", *_FORECAST),
            lambda r: f"AC is 0 for {r['month']} (no cost booked yet)",
        ),
        _Cause(
            "undefined-metric", Severity.INFO, progress, "ev",
            lambda f: _num(f, "ev") == 0,
            ("cv_pct", "eac_cpi", "eac_cpi_spi", "eac_weighted", *_FORECAST, *_TIME_FORECAST),
            lambda r: f"EV is 0 for {r['month']} (nothing earned yet, so there is no rate to forecast from)",
        ),
        _Cause(
            "undefined-metric", Severity.WARNING, progress, "etc",
            lambda f: np.isnan(_num(f, "etc_bottom_up")) & (eac_method == EacMethod.BOTTOM_UP),
            ("eac_bottom_up", *_FORECAST),
            lambda r: "the default EAC method is bottom-up but ETC is blank",
        ),
        _Cause(
            "undefined-metric", Severity.INFO, progress, "ev",
            lambda f: _num(f, "ev") >= _num(f, "bac"),
            ("tcpi_bac", "tcpi_eac", "tspi", "tspi_ed"),
            lambda r: f"the work is complete for {r['month']} (EV has reached BAC)",
        ),
        _Cause(
            "undefined-metric", Severity.WARNING, progress, "ac",
            lambda f: _num(f, "ac") >= _num(f, "bac"),
            ("tcpi_bac",),
            lambda r: f"AC ({_money(r['ac'])}) has reached BAC ({_money(r['bac'])}) with work remaining: "
            "no efficiency on the remaining work can bring it in on budget",
            outcome="shown as unachievable and rated Red",
        ),
        _Cause(
            "undefined-metric", Severity.INFO, progress, "ac",
            lambda f: _num(f, "eac") <= _num(f, "ac"),
            ("tcpi_eac",),
            lambda r: "the EAC leaves nothing to spend on the remaining work",
        ),
        _Cause(
            "undefined-metric", Severity.INFO, progress, "period",
            lambda f: _num(f, "at") <= 0,
            ("spi_t", "tspi", *_TIME_FORECAST),
            lambda r: f"{r['month']} is before the plan's first month",
        ),
        _Cause(
            "undefined-metric", Severity.INFO, progress, "period",
            lambda f: _num(f, "pd") <= _num(f, "at"),
            ("tspi",),
            lambda r: f"the planned duration ({r['pd']:.0f} months) has already elapsed (AT {r['at']:.0f})",
        ),
        _Cause(
            "undefined-metric", Severity.INFO, progress, "ev",
            lambda f: _num(f, "es") >= _num(f, "pd"),
            ("tspi", "tspi_ed"),
            lambda r: "EV has reached the end of the plan, so no schedule efficiency is needed any more",
        ),
    )


# Where the offending value of a cause's input sits in the status-period frame.
_VALUE_COLUMN = {"ev": "ev", "pv": "pv", "ac": "ac", "bac": "bac", "etc": "etc_bottom_up", "period": "month"}


_HEADERS = {
    (register.name, column.field): column.header for register in (PROGRESS, PROJECTS) for column in register.columns
}


def _header(sheet: str, field: str | None) -> str | None:
    return _HEADERS.get((sheet, field)) if field else None


def _listing(labels: list[str]) -> str:
    if len(labels) == 1:
        return f"{labels[0]} is"
    return ", ".join(labels[:-1]) + f" and {labels[-1]} are"


def compute_undefined_issues(current: pd.DataFrame, eac_method: str) -> list[Issue]:
    """One Issue per project and cause for every empty figure of its status-period row.

    `current` needs the figures of `MONITORED`, the inputs named by the causes, `_row`,
    `project_row` (the project's Projects row), `month` (YYYY-MM text) and `ev_technique`.
    """
    if current.empty:
        return []
    missing = {m: current[m].isna().to_numpy() for m in LABELS if m in current}
    explained = {m: np.zeros(len(current), dtype=bool) for m in missing}
    hits: list[tuple[int, int, _Cause, list[str]]] = []
    with np.errstate(invalid="ignore"):
        for order, cause in enumerate(_causes(eac_method)):
            metrics = [m for m in cause.metrics if m in missing]
            if not metrics:
                continue
            hit = np.asarray(cause.when(current), dtype=bool)
            empty = np.column_stack([missing[m] & hit & ~explained[m] for m in metrics])
            rows = np.flatnonzero(empty.any(axis=1))
            for i, flags in zip(rows.tolist(), empty[rows].tolist(), strict=True):
                hits.append((i, order, cause, [m for m, flag in zip(metrics, flags, strict=True) if flag]))
            for j, m in enumerate(metrics):
                explained[m] |= empty[:, j]
    names = [m for m in MONITORED if m in missing]
    leftovers = np.column_stack([missing[m] & ~explained[m] for m in names])
    rows = np.flatnonzero(leftovers.any(axis=1))
    for i, flags in zip(rows.tolist(), leftovers[rows].tolist(), strict=True):
        hits.append((i, 1_000, _GENERIC, [m for m, flag in zip(names, flags, strict=True) if flag]))
    if not hits:
        return []
    # Only the columns the messages use, as plain lists read through a light row view.
    wanted = {ROW, "project_row", "project_id", "month", "ev_technique", *_VALUE_COLUMN.values(), "pd", "at"}
    columns = {name: current[name].tolist() for name in wanted if name in current}
    order = np.lexsort((np.array([h[1] for h in hits]), np.array([h[0] for h in hits])))
    listings: dict[tuple[str, ...], str] = {}
    issues = []
    for k in order.tolist():
        i, _, cause, named = hits[k]
        key = tuple(named)
        if key not in listings:
            listings[key] = _listing([LABELS[m] for m in named])
        issues.append(_issue(cause, _RowView(columns, i), listings[key]))
    return issues


class _RowView:
    """One row of the status frame, read by column name (what the causes' messages use)."""

    __slots__ = ("_columns", "_i")

    def __init__(self, columns: dict[str, list[object]], i: int) -> None:
        self._columns = columns
        self._i = i

    def __getitem__(self, name: str) -> object:
        return self._columns[name][self._i]

    def get(self, name: str) -> object:
        column = self._columns.get(name)
        return None if column is None else column[self._i]


_GENERIC = _Cause(
    "undefined-metric", Severity.WARNING, PROGRESS.name, None, lambda f: np.ones(len(f), dtype=bool), (),
    lambda r: f"an input needed for {r['month']} is blank",
)


def _issue(cause: _Cause, row: _RowView, listing: str) -> Issue:
    on_projects = cause.sheet == PROJECTS.name
    excel_row = row["project_row"] if on_projects else row[ROW]
    value_column = _VALUE_COLUMN.get(cause.field or "")
    return Issue(
        code=cause.code,
        severity=cause.severity,
        sheet=cause.sheet,
        row=int(excel_row) if excel_row == excel_row and excel_row is not None else None,  # type: ignore[arg-type]
        column=None,  # the reader knows the column letters; the header names the cell's column
        field=_header(cause.sheet, cause.field),
        value=row.get(value_column) if value_column else None,
        message=f"{row['project_id']}: {cause.why(row)}; {listing} {cause.outcome}.",
        stage=STAGE,
    )
