"""The registers earned value needs, as aligned numpy arrays on one grid of months.

Progress rows are kept up to the status period and sorted by project and month; projects
are numbered 0..P−1 in the order of the Projects register (only those with progress); every
month is an integer (months since 1970-01) and a column of the shared grid, which spans all
progress, baseline and planned start/finish months plus one month before the earliest (where
every plan's 0 sits) and the 12-month trend window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from pmo_xl.compute.earned_value.formulas import FloatArray
from pmo_xl.compute.earned_value.measure import MILESTONES, compute_milestone_share, technique_codes
from pmo_xl.compute.earned_value.plan import BASELINE, PlanCurves, compute_plan_curves
from pmo_xl.issues import Issue, Severity, Stage
from pmo_xl.model import ROW, Portfolio
from pmo_xl.schema.registers import PROGRESS, PROJECTS

IntArray = npt.NDArray[np.intp]
TREND_MONTHS = 12
BASELINE_TOLERANCE = 0.005  # baseline total may differ from BAC by rounding, not by more


@dataclass(frozen=True)
class EvInputs:
    """Aligned arrays: per project (P,), per Progress row (R,), and the plan on the grid."""

    status_month: int
    status_column: int
    column_dates: npt.NDArray[np.datetime64]  # (G,) first day of each grid month
    project_ids: npt.NDArray[np.object_]
    names: npt.NDArray[np.object_]
    programmes: npt.NDArray[np.object_]
    business_units: npt.NDArray[np.object_]
    statuses: npt.NDArray[np.object_]
    project_rows: FloatArray
    bac: FloatArray
    technique: npt.NDArray[np.int8]
    # (P, G) share of BAC achieved by milestones by each month's end; NaN rows: no milestones
    milestone_share: FloatArray | None
    plan: PlanCurves
    project: IntArray  # per row, sorted by (project, month)
    column: IntArray
    row: npt.NDArray[np.int64]
    pv_typed: FloatArray
    ev_typed: FloatArray
    pct: FloatArray
    ac: FloatArray
    etc: FloatArray


def to_months(values: pd.Series | npt.ArrayLike) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Dates to months since 1970-01, and which were dates at all (blank -> False)."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if not pd.api.types.is_datetime64_dtype(series.dtype):
        series = pd.to_datetime(series, errors="coerce")
    stamps = series.to_numpy(dtype="datetime64[ns]")
    valid = ~np.isnat(stamps)
    if not valid.any():
        return np.zeros(len(stamps), np.int64), valid
    days = stamps.view(np.int64) // 86_400_000_000_000
    low, high = int(days[valid].min()), int(days[valid].max())
    if high - low > 200_000:  # centuries apart: let numpy's calendar do every date
        months = stamps.astype("datetime64[M]").astype(np.int64)
    else:
        # Calendar maths once per distinct day, then a lookup: registers span a few years.
        table = np.arange(low, high + 1).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        months = table[np.clip(days - low, 0, high - low)]
    return np.where(valid, months, 0), valid


def _column(frame: pd.DataFrame, name: str, kind: str = "float") -> np.ndarray:
    """A register column as an array; a column the frame lacks reads as blank."""
    if name in frame:
        return frame[name].to_numpy(dtype=np.float64 if kind == "float" else object, na_value=np.nan if kind == "float" else None)
    return np.full(len(frame), np.nan if kind == "float" else None, dtype=np.float64 if kind == "float" else object)


def _rows(frame: pd.DataFrame, name: str, index: IntArray) -> np.ndarray:
    """`_column(frame, name)[index]`, gathered straight from a plain float64 column's data
    (the conversion `_column` makes would copy it first, to the same values); an int64 column
    (Excel row numbers, exact in float64) is gathered as it is."""
    if name in frame:
        values = frame[name].to_numpy()
        if values.dtype == np.float64 or (values.dtype == np.int64 and name == ROW):
            return values[index]
    return _column(frame, name)[index]


def _positions(known_ids: pd.Index, ids: pd.Series) -> IntArray:
    """known_ids.get_indexer(ids), looking each run of repeated ids up once.

    Registers list a project's rows together (month by month), so the hash lookups shrink
    from one per row to one per project; equal ids always get the same position anyway.
    """
    values = ids.to_numpy()
    if values.dtype != object or len(values) < 1_000:
        return known_ids.get_indexer(ids)
    change = np.empty(len(values), dtype=bool)
    change[0] = True
    try:
        np.not_equal(values[1:], values[:-1], out=change[1:])
    except (TypeError, ValueError):  # an id whose comparison is not a plain bool (pd.NA)
        return known_ids.get_indexer(ids)
    heads = np.flatnonzero(change)
    if heads.size > len(values) // 4:
        return known_ids.get_indexer(ids)
    found = known_ids.get_indexer(ids.iloc[heads])
    return np.repeat(found, np.diff(np.append(heads, len(values))))


def _project_month_order(project: IntArray, month: npt.NDArray[np.int64]) -> IntArray:
    """Row order by project then month (ties keep register order).

    Registers are usually sorted already, or appended month by month; a counting placement
    on the (project, month) grid sorts them in linear time when no (project, month) repeats.
    """
    span = int(month.max()) + 1
    key = project.astype(np.int64) * span + month
    if key.size < 2 or bool(np.all(key[1:] > key[:-1])):
        return np.arange(key.size)
    slots = np.full(int(key.max()) + 1, -1, dtype=np.intp)
    slots[key] = np.arange(key.size)
    order = slots[slots >= 0]
    if order.size == key.size:
        return order
    return np.argsort(key, kind="stable")  # repeated (project, month) rows


def _status_month(portfolio: Portfolio, months: np.ndarray) -> int:
    date = portfolio.settings.status_date
    if date is None:
        return int(months.max())
    return (date.year - 1970) * 12 + date.month - 1


def _issue(code: str, severity: Severity, sheet: str, row: object, field: str | None, value: object, message: str) -> Issue:
    header = (PROJECTS if sheet == PROJECTS.name else PROGRESS).column(field).header if field else None
    return Issue(code=code, severity=severity, sheet=sheet, row=int(row) if row == row and row is not None else None, column=None, field=header, value=value, message=message, stage=Stage.COMPUTE)  # type: ignore[arg-type]


def prepare_inputs(portfolio: Portfolio, issues: list[Issue]) -> EvInputs | None:
    """Align the registers for the computation; None when there is no progress to compute on."""
    registers = portfolio.registers
    progress = registers.get("Progress")
    projects = registers.get("Projects")
    if progress is None or progress.empty or projects is None or projects.empty:
        return None
    months, valid = to_months(progress["period"])
    if not valid.any():
        return None
    status_month = _status_month(portfolio, months[valid])
    projects = projects.drop_duplicates("project_id", keep="first").reset_index(drop=True)
    known_ids = pd.Index(projects["project_id"])
    project_raw = _positions(known_ids, progress["project_id"])
    unknown = valid & (project_raw < 0) & (months <= status_month)
    for i in np.flatnonzero(unknown):
        pid = progress["project_id"].iat[i]
        issues.append(_issue("unknown-project", Severity.WARNING, PROGRESS.name, progress[ROW].iat[i], "project_id", pid,
                             f"Project {pid} is not in the Projects register, so its progress has no BAC and is left out of earned value."))
    keep = valid & (project_raw >= 0) & (months <= status_month)
    if not keep.any():
        return None

    used = np.flatnonzero(np.bincount(project_raw[keep], minlength=len(projects)))
    compact = np.full(len(projects), -1, dtype=np.intp)
    compact[used] = np.arange(len(used))
    n_projects = len(used)
    index = np.flatnonzero(keep)
    project = compact[project_raw[index]]
    month = months[index]
    order = _project_month_order(project, month - int(month.min()))
    index, project, month = index[order], project[order], month[order]

    attributes = projects.iloc[used]
    starts, has_start = to_months(attributes["start"]) if "start" in attributes else (np.zeros(n_projects, np.int64), np.zeros(n_projects, bool))
    finishes, has_finish = to_months(attributes["finish"]) if "finish" in attributes else (np.zeros(n_projects, np.int64), np.zeros(n_projects, bool))
    baseline = registers.get("Baseline")
    b_project = np.zeros(0, np.intp)
    b_month = np.zeros(0, np.int64)
    b_value = np.zeros(0)
    if baseline is not None and not baseline.empty:
        b_months, b_valid = to_months(baseline["period"])
        b_raw = _positions(known_ids, baseline["project_id"])
        b_values = _column(baseline, "planned_value")
        b_keep = b_valid & (b_raw >= 0) & np.isfinite(b_values)
        b_keep[b_keep] &= compact[b_raw[b_keep]] >= 0
        b_project, b_month, b_value = compact[b_raw[b_keep]], b_months[b_keep], b_values[b_keep]

    candidates = [month, b_month, starts[has_start], finishes[has_finish], np.array([status_month - TREND_MONTHS + 1, status_month])]
    low = min(int(c.min()) for c in candidates if c.size)
    high = max(int(c.max()) for c in candidates if c.size)
    origin = low - 1  # one month before the earliest: where every plan's 0 sits
    width = high - origin + 1
    column = (month - origin).astype(np.intp)

    bac = _column(attributes, "bac")
    technique = technique_codes(_column(attributes, "ev_technique", "object"))
    pv_typed = _rows(progress, "pv", index)
    has_pv = np.isfinite(pv_typed)
    plan = compute_plan_curves(
        n_projects, origin, width,
        (b_project, (b_month - origin).astype(np.intp), b_value),
        (project[has_pv], column[has_pv], pv_typed[has_pv]),
        np.where(has_start, starts - origin, -1).astype(np.intp),
        np.where(has_finish, finishes - origin, -1).astype(np.intp),
        bac,
    )
    project_rows = _column(attributes, ROW)
    _check_baseline_totals(plan, bac, attributes, project_rows, issues)
    milestone_share = _milestones(portfolio, known_ids, compact, technique, origin, width, attributes, project_rows, issues)

    return EvInputs(
        status_month=status_month,
        status_column=status_month - origin,
        column_dates=(np.arange(width) + origin).astype("datetime64[M]").astype("datetime64[ns]"),
        project_ids=_column(attributes, "project_id", "object"),
        names=_column(attributes, "name", "object"),
        programmes=_column(attributes, "programme", "object"),
        business_units=_column(attributes, "business_unit", "object"),
        statuses=_column(attributes, "status", "object"),
        project_rows=project_rows,
        bac=bac,
        technique=technique,
        milestone_share=milestone_share,
        plan=plan,
        project=project,
        column=column,
        row=_rows(progress, ROW, index).astype(np.int64, copy=False) if ROW in progress else np.zeros(len(index), np.int64),
        pv_typed=pv_typed,
        ev_typed=_rows(progress, "ev", index),
        pct=_rows(progress, "pct_complete", index),
        ac=_rows(progress, "ac", index),
        etc=_rows(progress, "etc", index),
    )


def _check_baseline_totals(plan: PlanCurves, bac: FloatArray, attributes: pd.DataFrame, rows: FloatArray, issues: list[Issue]) -> None:
    """A baseline that does not add up to BAC makes ES and EV measure against different totals."""
    total = plan.curves[:, -1]
    with np.errstate(invalid="ignore"):
        off = (plan.source == BASELINE) & (np.abs(total - bac) > BASELINE_TOLERANCE * np.abs(bac))
    for i in np.flatnonzero(off):
        pid = attributes["project_id"].iat[i]
        issues.append(_issue("baseline-differs-from-bac", Severity.WARNING, PROJECTS.name, rows[i], "bac", float(bac[i]),
                             f"{pid}: the Baseline planned values add up to {total[i]:,.0f} but BAC is {bac[i]:,.0f}; "
                             "earned schedule measures EV against the baseline."))


def _milestones(
    portfolio: Portfolio, known_ids: pd.Index, compact: IntArray, technique: npt.NDArray[np.int8],
    origin: int, width: int, attributes: pd.DataFrame, rows: FloatArray, issues: list[Issue],
) -> FloatArray | None:
    """Share of BAC achieved by milestones per project and grid month (NaN rows: none)."""
    n_projects = len(technique)
    uses = technique == MILESTONES
    milestones = portfolio.registers.get("Milestones")
    if not uses.any() or milestones is None or milestones.empty:
        return None
    raw = known_ids.get_indexer(milestones["project_id"])
    project = np.where(raw >= 0, compact[np.maximum(raw, 0)], -1)
    mine = project >= 0
    mine[mine] &= uses[project[mine]]
    weight = _column(milestones, "ev_weight")
    has = np.bincount(project[mine], minlength=n_projects) > 0
    totals = np.bincount(project[mine], weights=np.nan_to_num(weight[mine]), minlength=n_projects)
    # Half a percent of slack: PMs type sixths as 0.1667, and six of them make 100.02 %.
    for i in np.flatnonzero(has & (np.abs(totals - 1.0) > 0.005)):
        pid = attributes["project_id"].iat[i]
        issues.append(_issue("milestone-weights-not-one", Severity.WARNING, PROJECTS.name, rows[i], "ev_technique", "Milestones",
                             f"{pid}: its milestones' EV weights add up to {totals[i]:.1%}, not 100%, so EV at completion "
                             f"will be {totals[i]:.1%} of BAC."))
    achieved_month, achieved = to_months(milestones["actual_date"]) if "actual_date" in milestones else (np.zeros(len(milestones), np.int64), np.zeros(len(milestones), bool))
    take = mine & achieved
    share = compute_milestone_share(n_projects, origin, width, project[take], achieved_month[take], weight[take])
    share[~has] = np.nan  # no milestones: the technique has nothing to measure with
    return share
