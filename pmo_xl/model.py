"""The parsed portfolio: typed registers and settings, as every computation receives them.

Register frames carry one column per schema field (named by `Column.field`), typed:
  - ID / TEXT / CHOICE: Python `str` or None (CHOICE values are the canonical allowed text);
  - numbers (INTEGER, NUMBER, MONEY, HOURS, PERCENT): float64, NaN when blank;
  - DATE: datetime64[ns], NaT when blank;
  - MONTH: datetime64[ns] at the first day of the month, NaT when blank;
plus `_row`: the 1-based Excel row the record came from (for issues and links).
Projects also carry one float column per prioritisation criterion, named `score:<criterion>`.
Rows with errors are already removed from these frames (`Portfolio.rejected` lists them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from pmo_xl.issues import Issue
from pmo_xl.schema.settings import (
    EacMethod,
    LoadingGrain,
    ScheduleProjectId,
    SelectionObjective,
    WeightSource,
)

ROW = "_row"
SCORE_PREFIX = "score:"


@dataclass(frozen=True)
class Settings:
    """Typed settings. Scalars as attributes; the small Settings tables as DataFrames."""

    portfolio_name: str = "Project portfolio"
    status_date: dt.date | None = None
    currency: str = "EUR"
    hours_per_week: float = 40.0
    default_calendar: str = "Default"
    loading_grain: LoadingGrain = LoadingGrain.MONTH
    include_proposed: bool = True
    overload_threshold: float = 1.0
    underuse_threshold: float = 0.5
    eac_method: EacMethod = EacMethod.CPI
    eac_weight: float = 0.8
    weights_from: WeightSource = WeightSource.TYPED
    selection_objective: SelectionObjective = SelectionObjective.SCORE
    total_budget: float | None = None
    update_due_days: int = 10
    high_risk_score: int = 15
    milestone_slip_days: int = 0
    project_pages: str = "Exceptions"  # All, Exceptions or None: which projects get a page in the report
    schedule_project_id: ScheduleProjectId = ScheduleProjectId.MATCH  # how an imported schedule finds its project
    schedule_bac_tolerance: float = 0.05  # a schedule's baseline cost this close to the register BAC is the same budget
    finish_drift_days: int = 30  # Trends: a forecast finish moved later by more than this is flagged
    eac_drift: float = 0.05  # Trends: an EAC up by more than this share is flagged
    # Issue log: an open issue raised more than this many days before the status date is flagged, by priority
    issue_days_high: int = 14
    issue_days_medium: int = 30
    issue_days_low: int = 60
    # criterion, weight, direction ("Higher is better"/"Lower is better"), scale_min, scale_max
    criteria: pd.DataFrame = field(default_factory=pd.DataFrame)
    # square DataFrame indexed and columned by criterion names; None when absent
    ahp: pd.DataFrame | None = None
    # date (datetime64), calendar (str or None = all calendars), name
    holidays: pd.DataFrame = field(default_factory=pd.DataFrame)
    # metric, red_below, amber_below, amber_above, red_above (NaN when one-sided)
    thresholds: pd.DataFrame = field(default_factory=pd.DataFrame)
    # year (float), budget
    budgets: pd.DataFrame = field(default_factory=pd.DataFrame)
    # what-if scenarios, one action per row (schema SCENARIOS; checked: rows of a scenario with an
    # error are left out with all of that scenario's rows)
    scenarios: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def hours_per_day(self) -> float:
        return self.hours_per_week / 5.0


@dataclass(frozen=True)
class Portfolio:
    """Everything read from one workbook: settings, clean registers, and what was wrong.

    Frozen: each stage that changes it (parse, check, the status date moved a month back for
    the comparisons) makes a new one with `dataclasses.replace`; none changes one it was given.
    """

    settings: Settings
    registers: dict[str, pd.DataFrame]  # keyed by register name: "Projects", "Resources", ...
    issues: list[Issue] = field(default_factory=list)
    # register name -> Excel rows left out of the computations because of errors
    rejected: dict[str, list[int]] = field(default_factory=dict)
    source: str = ""
    # register name -> every ID typed in the register, rejected rows included (for references)
    known_ids: dict[str, set[str]] = field(default_factory=dict)
    # register name -> field -> column letter, as laid out in the workbook that was read
    layout: dict[str, dict[str, str]] = field(default_factory=dict)
    # register name -> Excel row -> the ID typed in that rejected row (registers keyed by one ID)
    rejected_ids: dict[str, dict[int, str]] = field(default_factory=dict)
    # The day the figures are as of, and its month (first day), resolved once from the Settings
    # status date or, when it is blank, the end of the latest month with progress. Derived, so a
    # `dataclasses.replace` with other settings or registers resolves them again.
    status_date: dt.date | None = field(init=False, default=None)
    period: pd.Timestamp | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        progress = self.registers.get("Progress")
        period = resolve_status_period(self.settings, progress)
        object.__setattr__(self, "period", period)
        object.__setattr__(self, "status_date", resolve_status_date(self.settings, period))

    @property
    def projects(self) -> pd.DataFrame:
        return self.registers["Projects"]

    @property
    def resources(self) -> pd.DataFrame:
        return self.registers["Resources"]

    @property
    def allocations(self) -> pd.DataFrame:
        return self.registers["Allocations"]

    @property
    def progress(self) -> pd.DataFrame:
        return self.registers["Progress"]

    @property
    def baseline(self) -> pd.DataFrame:
        return self.registers["Baseline"]

    @property
    def risks(self) -> pd.DataFrame:
        return self.registers["Risks"]

    @property
    def milestones(self) -> pd.DataFrame:
        return self.registers["Milestones"]

    def criterion_columns(self) -> list[str]:
        return [c for c in self.projects.columns if c.startswith(SCORE_PREFIX)]


def resolve_status_period(settings: Settings, progress: pd.DataFrame | None) -> pd.Timestamp | None:
    """The reporting month: the status date's month, or the latest month with progress."""
    if settings.status_date is not None:
        return pd.Timestamp(settings.status_date).to_period("M").start_time
    if progress is None or progress.empty or "period" not in progress or progress["period"].isna().all():
        return None
    return pd.Timestamp(progress["period"].max())


def resolve_status_date(settings: Settings, period: pd.Timestamp | None) -> dt.date | None:
    """The Settings status date, or the end of the reporting month when it is blank."""
    if settings.status_date is not None:
        return settings.status_date
    return None if period is None else (period + pd.offsets.MonthEnd(0)).date()
