"""The Settings sheet, declared once: scalar settings and the small tables beside them.

The Settings sheet holds a key/value table (`tblSettings`) and five tables: criteria, AHP
pairwise judgements, holidays, RAG thresholds and yearly budgets. Defaults here are what a new
workbook starts with and what the engine assumes when a setting is left blank.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from pmo_xl.schema.columns import Column, Kind, Register


class EacMethod(enum.StrEnum):
    """How the estimate at completion is forecast (the formulas: compute/earned_value/formulas.py)."""

    CPI = "cpi"  # BAC / CPI
    ATYPICAL = "atypical"  # AC + (BAC − EV)
    CPI_SPI = "cpi_spi"  # AC + (BAC − EV) / (CPI × SPI)
    WEIGHTED = "weighted"  # AC + (BAC − EV) / (w·CPI + (1−w)·SPI)
    BOTTOM_UP = "bottom_up"  # AC + the PM's ETC


class LoadingGrain(enum.StrEnum):
    """The period of the loading heat map."""

    DAY = "Day"
    WEEK = "Week"
    MONTH = "Month"
    QUARTER = "Quarter"


class WeightSource(enum.StrEnum):
    """Where the criteria weights of the priority score come from."""

    TYPED = "Typed weights"
    AHP = "AHP"


class SelectionObjective(enum.StrEnum):
    """What portfolio selection maximises."""

    SCORE = "Priority score"
    SCORE_TIMES_BUDGET = "Score × budget"


class ScheduleProjectId(enum.StrEnum):
    """How an imported schedule (Microsoft Project, Primavera) is tied to a Project ID."""

    MATCH = "Code, title, file name or name"  # the first that matches the register, in this order
    CODE = "Project code"  # the schedule's project code (P6 project ID, MSPDI subject/code) is the Project ID
    TITLE = "Project title"  # the schedule's title is the Project ID
    FILE_NAME = "File name"  # the file name starts with the Project ID ("PRJ-014 schedule.xml")


# The allowed texts of each choice, in the drop-down's order.
EAC_METHODS = tuple(EacMethod)
GRAINS = tuple(LoadingGrain)
YES_NO = ("Yes", "No")
WEIGHT_SOURCES = tuple(WeightSource)
OBJECTIVES = tuple(SelectionObjective)
SCHEDULE_ID_RULES = tuple(ScheduleProjectId)
# The choices typed as an enum once parsed (the others stay their canonical text).
CHOICE_ENUMS: dict[str, type[enum.StrEnum]] = {
    "eac_method": EacMethod, "loading_grain": LoadingGrain, "weights_from": WeightSource, "selection_objective": SelectionObjective,
    "schedule_project_id": ScheduleProjectId,
}
DIRECTIONS = ("Higher is better", "Lower is better")
PROJECT_PAGES = ("Exceptions", "All", "None")


@dataclass(frozen=True)
class Setting:
    """One row of `tblSettings`: a named scalar with its kind, default and meaning."""

    key: str
    label: str  # the text in the Setting column
    kind: Kind
    default: object
    meaning: str
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


SCALAR_SETTINGS: tuple[Setting, ...] = (
    Setting("portfolio_name", "Portfolio name", Kind.TEXT, "Project portfolio", "Printed on every report page."),
    Setting("status_date", "Status date", Kind.DATE, None, "Data date of the report; its month is the reporting period. Blank: the end of the latest month with progress."),
    Setting("currency", "Currency", Kind.TEXT, "EUR", "ISO code or symbol used in money formats (EUR, USD, GBP, €, $, £)."),
    Setting("hours_per_week", "Standard hours per week", Kind.HOURS, 40.0, "Full-time week; capacity = FTE × this, over five working days.", minimum=1, maximum=80),
    Setting("default_calendar", "Default calendar", Kind.TEXT, "Default", "Holiday calendar for resources with none given."),
    Setting("loading_grain", "Loading period", Kind.CHOICE, "Month", "Grain of the loading heat map.", GRAINS),
    Setting("include_proposed", "Include proposed allocations", Kind.CHOICE, "Yes", "Count Proposed (not only Committed) allocations as demand.", YES_NO),
    Setting("overload_threshold", "Over-allocation above", Kind.PERCENT, 1.0, "Utilisation above this is over-allocation.", minimum=0, maximum=5),
    Setting("underuse_threshold", "Under-use below", Kind.PERCENT, 0.5, "Utilisation below this is under-use.", minimum=0, maximum=5),
    Setting("eac_method", "Default EAC method", Kind.CHOICE, "cpi", "cpi = BAC/CPI; atypical = AC+(BAC−EV); cpi_spi = AC+(BAC−EV)/(CPI·SPI); weighted; bottom_up = AC+ETC.", EAC_METHODS),
    Setting("eac_weight", "EAC weight on CPI", Kind.PERCENT, 0.8, "w in AC + (BAC−EV)/(w·CPI + (1−w)·SPI).", minimum=0, maximum=1),
    Setting("weights_from", "Criteria weights from", Kind.CHOICE, "Typed weights", "Use the typed criterion weights, or derive them from the AHP matrix.", WEIGHT_SOURCES),
    Setting("selection_objective", "Selection objective", Kind.CHOICE, "Priority score", "What portfolio selection maximises.", OBJECTIVES),
    Setting("total_budget", "Total budget", Kind.MONEY, None, "Budget available for selection; blank: the sum of active and approved projects' BAC.", minimum=0),
    Setting("update_due_days", "Update due (days after month end)", Kind.INTEGER, 10, "An active project without progress for the period is late after this many days.", minimum=0, maximum=60),
    Setting("high_risk_score", "High risk score from", Kind.INTEGER, 15, "Probability × impact at or above this is a high risk.", minimum=1, maximum=25),
    Setting("milestone_slip_days", "Milestone slip tolerance (days)", Kind.INTEGER, 0, "Forecast later than baseline by more than this is a slip.", minimum=0, maximum=365),
    Setting("project_pages", "Project pages in the report", Kind.CHOICE, "Exceptions", "One printed page per project: All (approved, active, on hold), Exceptions (Red, Amber, milestone missed or slipped, or the main cause of a person's over-allocation) or None.", PROJECT_PAGES),
    Setting("schedule_project_id", "Schedule project ID from", Kind.CHOICE, ScheduleProjectId.MATCH.value, "How an imported schedule (pmo-xl import, Import schedules) finds its Project ID: the schedule's project code, its title, the start of its file name or its project name — the first that matches a Project ID, in that order (default) — or only one of them. A schedule that matches none is added as a new project.", SCHEDULE_ID_RULES),
    Setting("schedule_bac_tolerance", "Schedule BAC tolerance", Kind.PERCENT, 0.05, "An imported schedule whose baseline cost differs from the register BAC by more than this share is flagged (the register BAC is kept).", minimum=0, maximum=1),
    Setting("finish_drift_days", "Finish drift flagged above (days)", Kind.INTEGER, 30, "A forecast finish later than last period's, or than the planned finish, by more than this many days is flagged on the Trends sheet.", minimum=0, maximum=3650),
    Setting("eac_drift", "EAC drift flagged above", Kind.PERCENT, 0.05, "An EAC above last period's, or above BAC, by more than this share is flagged on the Trends sheet.", minimum=0, maximum=10),
    Setting("issue_days_high", "Issue open limit, High (days)", Kind.INTEGER, 14, "A High-priority issue open longer than this many days since raised is flagged.", minimum=0, maximum=3650),
    Setting("issue_days_medium", "Issue open limit, Medium (days)", Kind.INTEGER, 30, "A Medium-priority issue open longer than this many days since raised is flagged.", minimum=0, maximum=3650),
    Setting("issue_days_low", "Issue open limit, Low (days)", Kind.INTEGER, 60, "A Low-priority issue open longer than this many days since raised is flagged.", minimum=0, maximum=3650),
)
SETTINGS_BY_KEY = {s.key: s for s in SCALAR_SETTINGS}

C = Column

SETTINGS_TABLE = Register(
    name="Settings",
    table="tblSettings",
    meaning="Scalar settings: one row per setting.",
    key=("setting",),
    columns=(
        C("setting", "Setting", Kind.TEXT, "Name of the setting (do not rename).", True, width=34),
        C("value", "Value", Kind.TEXT, "Its value.", False, width=22),
        C("meaning", "Meaning", Kind.TEXT, "What it does.", False, width=70),
    ),
)

CRITERIA = Register(
    name="Criteria",
    sheet="Settings",
    table="tblCriteria",
    meaning="Prioritisation criteria: each is a `Score: <criterion>` column in Projects.",
    key=("criterion",),
    columns=(
        C("criterion", "Criterion", Kind.TEXT, "Criterion name, as in the Projects column `Score: <name>`.", True, width=22),
        C("weight", "Weight", Kind.NUMBER, "Relative weight (need not sum to 1).", True, minimum=0, width=9),
        C("direction", "Direction", Kind.CHOICE, "Whether a higher score counts for or against a project.", True, DIRECTIONS, width=17),
        C("scale_min", "Scale min", Kind.NUMBER, "Lowest score on the scale.", True, width=9),
        C("scale_max", "Scale max", Kind.NUMBER, "Highest score on the scale.", True, width=9),
    ),
)

HOLIDAYS = Register(
    name="Holidays",
    sheet="Settings",
    table="tblHolidays",
    meaning="Non-working days per calendar (weekends are always non-working).",
    key=("calendar", "date"),
    columns=(
        C("date", "Date", Kind.DATE, "The holiday.", True, width=12),
        C("calendar", "Calendar", Kind.TEXT, "Calendar it applies to; blank means every calendar.", False, width=12),
        C("name", "Holiday", Kind.TEXT, "Its name.", False, width=22),
    ),
)

THRESHOLDS = Register(
    name="Thresholds",
    sheet="Settings",
    table="tblThresholds",
    meaning=(
        "RAG bands per metric. Below `Red below` is Red, below `Amber below` is Amber; "
        "two-sided bands also flag values above `Amber above` (Amber) and `Red above` (Red)."
    ),
    key=("metric",),
    columns=(
        C("metric", "Metric", Kind.CHOICE, "Index the band applies to.", True, ("CPI", "SPI", "SPI(t)", "TCPI"), width=9),
        C("red_below", "Red below", Kind.NUMBER, "Values below this are Red.", True, width=10),
        C("amber_below", "Amber below", Kind.NUMBER, "Values below this (and not Red) are Amber.", True, width=11),
        C("amber_above", "Amber above", Kind.NUMBER, "Optional upper band: values above this are Amber.", False, width=11),
        C("red_above", "Red above", Kind.NUMBER, "Optional upper band: values above this are Red.", False, width=10),
    ),
)

BUDGETS = Register(
    name="Budgets",
    sheet="Settings",
    table="tblBudgets",
    meaning="Budget available per calendar year for portfolio selection (optional).",
    key=("year",),
    columns=(
        C("year", "Year", Kind.INTEGER, "Calendar year.", True, minimum=2000, maximum=2100, width=8),
        C("budget", "Budget", Kind.MONEY, "Spend available in that year.", True, minimum=0, width=14),
    ),
)

AHP_TABLE_NAME = "tblAHP"  # square matrix: first column Criterion, then one column per criterion

SETTINGS_TABLES: tuple[Register, ...] = (SETTINGS_TABLE, CRITERIA, HOLIDAYS, THRESHOLDS, BUDGETS)

DEFAULT_CRITERIA = (
    # criterion, weight, direction, scale min, scale max
    ("Strategic alignment", 30, "Higher is better", 1, 5),
    ("Business value", 25, "Higher is better", 1, 5),
    ("Urgency", 15, "Higher is better", 1, 5),
    ("Risk", 10, "Lower is better", 1, 5),
    ("Resource fit", 10, "Higher is better", 1, 5),
    ("Stakeholder impact", 10, "Higher is better", 1, 5),
)

# Pairwise judgements (Saaty 1-9) for the default criteria, row criterion versus column
# criterion; only the upper triangle is typed, the reciprocals follow.
DEFAULT_AHP_UPPER = {
    ("Strategic alignment", "Business value"): 2,
    ("Strategic alignment", "Urgency"): 3,
    ("Strategic alignment", "Risk"): 3,
    ("Strategic alignment", "Resource fit"): 3,
    ("Strategic alignment", "Stakeholder impact"): 3,
    ("Business value", "Urgency"): 2,
    ("Business value", "Risk"): 2,
    ("Business value", "Resource fit"): 3,
    ("Business value", "Stakeholder impact"): 3,
    ("Urgency", "Risk"): 1,
    ("Urgency", "Resource fit"): 2,
    ("Urgency", "Stakeholder impact"): 2,
    ("Risk", "Resource fit"): 1,
    ("Risk", "Stakeholder impact"): 1,
    ("Resource fit", "Stakeholder impact"): 1,
}

# FEMA-style two-sided bands for the indices; TCPI is "higher is worse", so it is banded above.
DEFAULT_THRESHOLDS = (
    ("CPI", 0.90, 0.95, 1.05, 1.10),
    ("SPI", 0.90, 0.95, 1.05, 1.10),
    ("SPI(t)", 0.90, 0.95, 1.05, 1.10),
    ("TCPI", 0.0, 0.0, 1.05, 1.10),
)

DEFAULT_HOLIDAYS_2026 = (
    (dt.date(2026, 1, 1), "", "New Year's Day"),
    (dt.date(2026, 4, 3), "", "Good Friday"),
    (dt.date(2026, 4, 6), "", "Easter Monday"),
    (dt.date(2026, 5, 1), "", "Labour Day"),
    (dt.date(2026, 12, 25), "", "Christmas Day"),
    (dt.date(2026, 12, 26), "", "Boxing Day"),
    (dt.date(2027, 1, 1), "", "New Year's Day"),
    (dt.date(2027, 3, 26), "", "Good Friday"),
    (dt.date(2027, 3, 29), "", "Easter Monday"),
    (dt.date(2027, 5, 1), "", "Labour Day"),
    (dt.date(2027, 12, 25), "", "Christmas Day"),
    (dt.date(2027, 12, 26), "", "Boxing Day"),
)

AHP = Register(
    name="AHP",
    sheet="Settings",
    table=AHP_TABLE_NAME,
    meaning=(
        "Pairwise comparison of the criteria on Saaty's 1-9 scale: the cell in row A, column B says "
        "how much more important A is than B (1 = equal, 3 = moderately, 5 = strongly, 7 = very "
        "strongly, 9 = extremely; 1/3 etc. for the reverse). Fill the upper triangle; blanks below "
        "the diagonal are taken as reciprocals."
    ),
    columns=(C("criterion", "Criterion", Kind.TEXT, "Criterion of the row; the columns are the same criteria.", True, width=22),),
)

SETTINGS_TABLES = (*SETTINGS_TABLES, AHP)


class ScenarioAction(enum.StrEnum):
    """What one row of a what-if scenario does to the portfolio (pmo_xl/scenarios)."""

    PAUSE = "Pause"  # a project's remaining work and plan move N months later from a month
    DELAY = "Delay start"  # a project not started yet starts N months later (all of it moves)
    CANCEL = "Cancel"  # a project stops at the status date: its remaining work and cost are released
    ADD = "Add project"  # a proposal is forced into the portfolio, its allocations committed
    FORCE_OUT = "Force out"  # a project is forced out of the selection
    BUDGET = "Change budget"  # the total budget, or one year's, goes up (+) or down (−)
    HIRE = "Add capacity"  # people of a role join from a date (FTE)
    LEAVE = "Remove capacity"  # a person leaves on a date


SCENARIO_ACTIONS = tuple(ScenarioAction)

SCENARIOS = Register(
    name="Scenarios",
    sheet="Settings",
    table="tblScenarios",
    meaning=(
        "What-if scenarios for the steering committee: each row is one action; rows with the same Scenario "
        "name are applied together. `pmo-xl scenarios` (or the Compare scenarios button) computes each "
        "scenario from the same data as the report and compares it with the portfolio as it is. Which columns "
        "an action needs: Pause — Target (project), From (first month paused), Months; Delay start — Target, "
        "Months; Cancel, Add project, Force out — Target; Change budget — Amount (+ or −), Year (blank: the "
        "Total budget); Add capacity — Target (role), FTE, From (blank: the month after the status date), "
        "Team (optional); Remove capacity — Target (resource ID), From (first day away)."
    ),
    optional=True,
    columns=(
        C("scenario", "Scenario", Kind.TEXT, "Name of the scenario; rows with the same name are applied together.", True, width=22,
          example="Pause CRM, hire 2 devs"),
        C("action", "Action", Kind.CHOICE, "What the row does (required): Pause, Delay start, Cancel, Add project, Force out, "
          "Change budget, Add capacity or Remove capacity.", False, SCENARIO_ACTIONS, width=15, example="Pause"),
        C("target", "Target", Kind.TEXT, "The Project ID (Pause, Delay start, Cancel, Add project, Force out), the role (Add capacity) "
          "or the Resource ID (Remove capacity); blank for Change budget.", width=16, example="PRJ-014"),
        C("from_date", "From", Kind.DATE, "Pause: first month paused; Add capacity: first day the new people work (blank: the month "
          "after the status date); Remove capacity: the person's first day away.", width=12),
        C("months", "Months", Kind.INTEGER, "Pause: how many months; Delay start: how many months later.", width=8, example=3),
        C("fte", "FTE", Kind.NUMBER, "Add capacity: full-time people added (2.5 = two full-time and one half-time).", minimum=0,
          maximum=1000, width=7),
        C("amount", "Amount", Kind.MONEY, "Change budget: money added (positive) or cut (negative).", width=14),
        C("year", "Year", Kind.INTEGER, "Change budget: the calendar year whose budget changes; blank: the Total budget.",
          minimum=2000, maximum=2100, width=7),
        C("team", "Team", Kind.TEXT, "Add capacity: the team of the new people (blank: the team most people of the role are in).", width=14),
        C("note", "Note", Kind.TEXT, "Why, for the committee (shown beside the scenario).", width=30),
    ),
)

SETTINGS_TABLES = (*SETTINGS_TABLES, SCENARIOS)
