"""What the PDF holds: the executive pack in full, the long detail lists cut to what a committee reads.

The workbook always holds everything. The PDF is printed from the same report written once more as
its *print edition* (`ReportModel.edition == "print"`), where each detail list longer than
PRINT_ROWS shows its most material rows and says so in its subtitle, and the person heat map
shows the over-allocated people only (the team and role loading print in full). Pure: each
`cut_*` takes the sheet's frame and returns the rows to show with a `Cut` describing what was
left to the workbook; `print_contents` lists them for the CLI.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from pmo_xl.report.model import ReportModel

PRINT_ROWS: Final = 100
PRINT_TIMELINE: Final = 60  # about two printed pages: the timeline is in the executive pack
PRINT_NEEDS: Final = 30  # the committee's asks on the Exceptions sheet: about two printed pages
WORKBOOK, PRINT = "workbook", "print"


@dataclass(frozen=True)
class Cut:
    """A detail list shortened in print: `shown` of `total` rows, which ones, and where the rest are."""

    sheet: str
    what: str  # the rows shown, e.g. "the 100 largest Red and Amber active projects"
    shown: int
    total: int

    @property
    def note(self) -> str:
        return f"printed: {self.what} ({self.shown} of {self.total}; all are in the workbook)"


def printing(model: ReportModel) -> bool:
    return getattr(model, "edition", WORKBOOK) == PRINT


def _largest(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """The PRINT_ROWS rows with the largest `by`, kept in the frame's own order."""
    limit = PRINT_ROWS
    values = pd.to_numeric(frame[by], errors="coerce").fillna(-np.inf).to_numpy()
    keep = np.sort(np.argsort(-values, kind="stable")[:limit])
    return frame.iloc[keep]


def cut_portfolio(model: ReportModel, frame: pd.DataFrame, sheet: str) -> tuple[pd.DataFrame, Cut | None]:
    """Portfolio-like lists (one row per project): in print, the largest Red and Amber active projects."""
    if not printing(model) or len(frame) <= PRINT_ROWS:
        return frame, None
    rag = frame["rag_overall"] if "rag_overall" in frame else frame.get("rag")
    flagged = frame[rag.isin(("Red", "Amber")).to_numpy() & frame["status"].isin(("Active", "On hold")).to_numpy()]
    shown = _largest(flagged, "bac")
    what = f"the {'largest ' if len(flagged) > PRINT_ROWS else ''}Red and Amber active projects by budget"
    return shown, Cut(sheet, what, len(shown), len(frame))


def cut_ranking(model: ReportModel, frame: pd.DataFrame) -> tuple[pd.DataFrame, Cut | None]:
    if not printing(model) or len(frame) <= PRINT_ROWS:
        return frame, None
    return frame.head(PRINT_ROWS), Cut("Priorities", f"the top {PRINT_ROWS} of the ranking", PRINT_ROWS, len(frame))


def cut_heatmap(model: ReportModel, frame: pd.DataFrame, over: set[str], periods: list[object]) -> tuple[pd.DataFrame, Cut | None]:
    """In print, only the people over-allocated in the status month: the most loaded first, at most PRINT_ROWS."""
    if not printing(model):
        return frame, None
    flagged = frame[frame["resource_id"].astype(str).isin(over)]
    if periods:
        peak = flagged[[p for p in periods if p in flagged.columns]].max(axis=1)
        flagged = _largest(flagged.assign(_peak=peak), "_peak").drop(columns="_peak")
    what = "people over-allocated this month" + (", the most loaded" if len(flagged) >= PRINT_ROWS else "")
    return flagged, Cut("Resources", what, len(flagged), len(frame))


def cut_list(model: ReportModel, frame: pd.DataFrame, sheet: str, what: str) -> tuple[pd.DataFrame, Cut | None]:
    """A list already ordered most material first: its first PRINT_ROWS rows in print."""
    if not printing(model) or len(frame) <= PRINT_ROWS:
        return frame, None
    return frame.head(PRINT_ROWS), Cut(sheet, f"the first {PRINT_ROWS}, {what}", PRINT_ROWS, len(frame))


def cut_needs(model: ReportModel, frame: pd.DataFrame) -> tuple[pd.DataFrame, Cut | None]:
    """The committee's asks in print: the first PRINT_NEEDS (the list runs Red first, then the biggest budget)."""
    if not printing(model) or len(frame) <= PRINT_NEEDS:
        return frame, None
    what = f"the first {PRINT_NEEDS} asks, Red projects and the biggest budgets first"
    return frame.head(PRINT_NEEDS), Cut("Exceptions", what, PRINT_NEEDS, len(frame))


def cut_timeline(model: ReportModel, frame: pd.DataFrame) -> tuple[pd.DataFrame, Cut | None]:
    """The Milestone timeline's list in print: the milestones off plan only (missed, slipped, achieved
    late), at most PRINT_TIMELINE, the most material kept (missed, then the largest slips), in the
    list's own order (by programme, then date)."""
    if not printing(model) or len(frame) <= PRINT_TIMELINE:
        return frame, None
    off = frame[frame["state"].isin(("Missed", "Slipped", "Achieved late"))]
    rank = off["state"].map({"Missed": 0, "Slipped": 1, "Achieved late": 2}).to_numpy()
    keep = np.sort(np.lexsort((-off["slip_days"].fillna(0).to_numpy(dtype=float), rank))[:PRINT_TIMELINE])
    shown = off.iloc[keep]
    what = "the milestones off plan" + (", missed and the largest slips first" if len(off) > PRINT_TIMELINE else "")
    return shown, Cut("Milestone timeline", what, len(shown), len(frame))


def all_cuts(model: ReportModel) -> list[Cut]:
    """Every cut the print edition makes, as the sheets make them (the same calls on the same frames)."""
    cuts: list[Cut | None] = [cut_portfolio(model, model.portfolio, "Portfolio")[1]]
    if model.priorities is not None:
        cuts.append(cut_ranking(model, model.priorities.ranking)[1])
    if model.resources is not None:
        view = model.resources
        cuts.append(cut_heatmap(model, view.heatmap, view.over_now, view.periods)[1])
        cuts.append(cut_list(model, view.overallocations, "Over-allocations", OVER_WHAT)[1])
    if model.earned_value is not None:
        cuts.append(cut_portfolio(model, model.earned_value.metrics, "Earned Value")[1])
        cuts.append(cut_portfolio(model, model.earned_value.metrics, "EV forecasts")[1])
    if model.milestones is not None:
        cuts.append(cut_list(model, milestone_list(model.milestones), "Milestones", MILESTONES_WHAT)[1])
    if model.trends is not None:
        cuts.append(cut_portfolio(model, model.trends.rag_strip, "Trends")[1])
        cuts.append(cut_list(model, model.trends.drift, "Drift", DRIFT_WHAT)[1])
    cuts.append(cut_list(model, model.data_quality.issues, "Data Quality", "errors first")[1])
    from pmo_xl.report.model_timeline import build_timeline  # the timeline is built where it is shown

    timeline = build_timeline(model.milestones, model.portfolio, model.period)
    if timeline is not None:
        cuts.insert(0, cut_timeline(model, timeline.milestones)[1])
    cuts.insert(0, cut_needs(model, model.committee_needs)[1])
    return [c for c in cuts if c is not None]


OVER_WHAT: Final = "by period, the largest excess first"
DRIFT_WHAT: Final = "the flagged projects first"
MILESTONES_WHAT: Final = "missed, then slipped (largest first), then achieved late, then due soonest"


def milestone_list(result: object) -> pd.DataFrame:
    """The Milestones sheet's one list: missed, slipped, achieved late this month, due in 90 days (a `list` column says which)."""
    from pmo_xl.compute.milestones import MilestoneResult

    assert isinstance(result, MilestoneResult)
    table = result.table
    late = table[table["achieved"].astype(bool) & (table["slip_days"].astype(float) > result.slip_tolerance)]
    if result.status_date is not None:
        month = pd.Timestamp(result.status_date).to_period("M")
        late = late[pd.to_datetime(late["actual_date"]).dt.to_period("M") == month]
    late = late.sort_values(["slip_days", "project_id"], ascending=[False, True], kind="mergesort")
    parts = [("Missed", result.missed), ("Slipped", result.slipped), ("Achieved late", late), ("Due in 90 days", result.due)]
    frames = [frame.assign(list=name) for name, frame in parts if len(frame)]
    if not frames:
        return table.iloc[0:0].assign(list=pd.Series(dtype=object))
    return pd.concat(frames, ignore_index=True)


def print_contents(model: ReportModel) -> list[str]:
    """What the PDF holds, one line per part, for the command line."""
    pages = model.project_pages
    lines = ["executive pack: Dashboard, Exceptions (with what the committee is asked for), Roadmap, Milestone timeline"
             + (f", {len(pages.pages)} project pages with their index" if pages is not None and pages.pages else ", no project pages")]
    cuts = all_cuts(dataclasses.replace(model, edition=PRINT))
    lines += [f"  {c.sheet}: {c.what} ({c.shown} of {c.total})" for c in cuts if c.sheet not in APPENDICES]
    cuts = [c for c in cuts if c.sheet in APPENDICES]
    full = [sheet for sheet in APPENDICES if sheet not in {c.sheet for c in cuts}]
    lines.append("appendices" + (f" in full: {', '.join(full)}" if full else ""))
    lines += [f"  {c.sheet}: {c.what} ({c.shown} of {c.total})" for c in cuts]
    if cuts:
        lines.append("the workbook holds every row")
    return lines


APPENDICES: Final = ("Portfolio", "Priorities", "Resources", "Over-allocations", "Earned Value", "EV forecasts", "Risks",
                     "Milestones", "Trends", "Drift", "Milestone trends", "Data Quality")
