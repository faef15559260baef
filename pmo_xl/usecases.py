"""The use cases every front door shares: the CLI, the Excel macros, the demo and the tests.

Each is a plain function from paths or raw tables to results, built on the stages of
`pmo_xl.pipeline`, so `pmo-xl report` and the *Generate monthly report* button can never
disagree about a number, and `pmo-xl validate`, the *Validate* button and the report's Data
Quality sheet list the same issues (`Run.issues`: parse, check and compute).
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from pmo_xl import pipeline
from pmo_xl.errors import OutputError
from pmo_xl.model import Portfolio
from pmo_xl.options import RunOptions, default_options
from pmo_xl.pipeline import ALL_TABLES
from pmo_xl.results import Run

if TYPE_CHECKING:  # the scenarios' modules are imported when scenarios are compared
    from pmo_xl.issues import Issue
    from pmo_xl.scenarios.compute import ScenarioRun

__all__ = [
    "ALL_TABLES", "compare_scenarios", "load_portfolio", "load_portfolio_from_tables", "report_file", "report_name", "report_run",
    "scenarios_name", "validate_file", "validate_tables", "write_report", "write_scenario_comparison",
]


def load_portfolio_from_tables(tables: dict[str, Any], source: str = "", options: RunOptions | None = None) -> Portfolio:
    """Parse and check raw tables (from a file or from live Excel) into a clean portfolio."""
    return pipeline.load_tables(tables, source, options)


def load_portfolio(path: str | os.PathLike[str], options: RunOptions | None = None) -> Portfolio:
    """Read, parse and check a workbook file. Raises WorkbookReadError when it cannot be used."""
    return pipeline.load(path, options)


def validate_file(path: str | os.PathLike[str], options: RunOptions | None = None) -> Run:
    """Read, parse, check and compute a workbook: `Run.issues` is its one issue list."""
    return pipeline.run_portfolio(pipeline.load(path, options), options)


def validate_tables(tables: dict[str, Any], source: str = "", options: RunOptions | None = None) -> Run:
    """As `validate_file`, for the raw tables of a workbook open in Excel."""
    return pipeline.run_portfolio(pipeline.load_tables(tables, source, options), options)


def report_name(period: pd.Timestamp | None) -> str:
    """The one name of a monthly report: PMO-report-YYYY-MM.xlsx (`undated` without a period)."""
    label = period.strftime("%Y-%m") if period is not None else "undated"
    return f"PMO-report-{label}.xlsx"


def report_run(run: Run, out: str | os.PathLike[str], options: RunOptions | None = None) -> Path:
    """Write the report of a computed run to `out`, atomically."""
    return pipeline.report(run, out, options)


def report_file(path: str | os.PathLike[str], out: str | os.PathLike[str] | None = None,
                options: RunOptions | None = None) -> tuple[Run, Path]:
    """Validate a workbook and write its report (default: `report_name` beside the workbook).

    Raises OutputError when `out` is the workbook itself: the input is never overwritten.
    """
    portfolio = pipeline.load(path, options)
    target = Path(out) if out is not None else Path(path).with_name(report_name(pipeline.reporting_period(portfolio, options)))
    if target.resolve() == Path(path).resolve():
        raise OutputError("the report cannot overwrite the input workbook; choose another -o")
    run = pipeline.run_portfolio(portfolio, options)
    return run, report_run(run, target, options)


def write_report(portfolio: Portfolio, out: str | os.PathLike[str], period: pd.Timestamp | None = None,
                 options: RunOptions | None = None) -> Path:
    """Compute and write the report of a checked portfolio for `period` (default: the status period)."""
    options = default_options(options)
    if period is not None:
        options = dataclasses.replace(options, period=period)
    return report_run(pipeline.run_portfolio(portfolio, options), out, options)


# --- what-if scenarios -----------------------------------------------------------------------------


def scenarios_name(period: pd.Timestamp | None) -> str:
    """The one name of a scenario comparison: PMO-scenarios-YYYY-MM.xlsx."""
    label = period.strftime("%Y-%m") if period is not None else "undated"
    return f"PMO-scenarios-{label}.xlsx"


def compare_scenarios(portfolio: Portfolio, only: list[str] | None = None,
                      options: RunOptions | None = None) -> tuple[ScenarioRun, list[Issue]]:
    """The baseline and the scenarios (all, or those named in `only`) of a checked portfolio, for
    the reporting month, exactly as the report's Scenarios sheet computes them (raises
    UnknownScenario for a name the workbook does not hold)."""
    from pmo_xl.scenarios import compute_scenarios

    now = pipeline.portfolio_at(portfolio, pipeline.reporting_period(portfolio, options))
    return compute_scenarios(now, options, only)


def write_scenario_comparison(portfolio: Portfolio, run: ScenarioRun, out: str | os.PathLike[str]) -> Path:
    """The comparison workbook (the Scenarios sheet alone), atomically."""
    from pmo_xl.report.formats import money_format
    from pmo_xl.report.sheets.scenarios import SheetContext
    from pmo_xl.report.write import write_scenario_workbook
    from pmo_xl.scenarios.compare import build_comparison

    settings = portfolio.settings
    period = pipeline.reporting_period(portfolio)
    context = SheetContext(title=settings.portfolio_name or "Project portfolio",
                           period_label=period.strftime("%B %Y") if period is not None else "no period",
                           status_date=portfolio.status_date, money_format=money_format(settings.currency))
    return write_scenario_workbook(build_comparison(run), context, out)
