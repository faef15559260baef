"""Checks of the History tables (`pmo_xl.schema.history`): what `pmo-xl close` wrote, still intact.

History is written by pmo-xl, not typed, so what goes wrong is what people do to a table
afterwards: rows pasted out of order, a period copied twice, a project deleted from Projects,
or a colleague's newer pmo-xl closing a month first. Each is a located issue:

  - `history-order` (warning): a row whose period is earlier than a row above it; the trends
    sort by period anyway, but a table out of order is one that was edited by hand;
  - `history-duplicate` (error): the same project (milestone, KPI) and period twice; the first
    row is used and the later one left out;
  - `history-unknown-project` (warning): a row of a project that is not in Projects; kept as
    history, but no current project's trend shows it;
  - `history-newer-version` (warning): rows written by a newer pmo-xl than the one running,
    which may have columns and meanings this one does not know (and `close` refuses to rewrite).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_xl import __version__
from pmo_xl.checks.core import issues_at, months
from pmo_xl.issues import Issue, Severity
from pmo_xl.model import ROW, Portfolio
from pmo_xl.schema.columns import Register
from pmo_xl.schema.history import HISTORY, HISTORY_MILESTONES, HISTORY_REGISTERS


def version_tuple(text: object) -> tuple[int, ...] | None:
    """'0.12.3' -> (0, 12, 3); None when the text is not a dotted version."""
    parts = str(text or "").strip().split(".")
    if not parts or not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def newer_than_running(versions: pd.Series) -> np.ndarray:
    """Rows whose `version` is newer than the pmo-xl running now."""
    running = version_tuple(__version__) or (0,)
    texts = versions.astype(str)  # one parse per distinct version, not per row (History has 100k+ rows)
    newer = {text: (v := version_tuple(text)) is not None and v > running for text in texts.unique()}
    return texts.map(newer).to_numpy(dtype=bool)


def check_history(portfolio: Portfolio) -> list[Issue]:
    """Every History table: periods in order, no key twice, known projects, not from a newer pmo-xl."""
    issues: list[Issue] = []
    projects = portfolio.known_ids.get("Projects") or set(portfolio.projects["project_id"].dropna())
    for register in HISTORY_REGISTERS:
        frame = portfolio.registers.get(register.name)
        if frame is None or frame.empty:
            continue
        frame = frame.sort_values(ROW, kind="stable").reset_index(drop=True)
        issues += _out_of_order(frame, register, portfolio)
        issues += _duplicates(frame, register, portfolio)
        if register in (HISTORY, HISTORY_MILESTONES) and portfolio.layout.get("Projects"):
            unknown = (frame["project_id"].notna() & ~frame["project_id"].isin(projects)).to_numpy()
            issues += issues_at(frame, unknown, register, "project_id", "history-unknown-project", Severity.WARNING,
                                "History of {value}, a project no longer in the Projects register: kept as history, "
                                "shown in no current project's trends", portfolio)
        issues += _newer_version(frame, register, portfolio)
    return issues


def _out_of_order(frame: pd.DataFrame, register: Register, portfolio: Portfolio) -> list[Issue]:
    latest = frame["period"].cummax().shift()
    earlier = (frame["period"] < latest).to_numpy()
    shown = frame.assign(month=months(frame["period"], earlier), latest=months(latest, earlier))
    return issues_at(shown, earlier, register, "period", "history-order", Severity.WARNING,
                     "{month} comes after rows of {latest}: History is kept in period order (pmo-xl close appends "
                     "each month at the bottom) — sort the table by Period", portfolio)


def _duplicates(frame: pd.DataFrame, register: Register, portfolio: Portfolio) -> list[Issue]:
    keys = list(register.key)
    repeated = frame[keys].notna().all(axis=1) & frame.duplicated(subset=keys, keep="first")
    if not repeated.any():
        return []
    first = frame.groupby(keys, sort=False)[ROW].transform("first")
    what = " ".join("{" + k + "}" for k in keys if k != "period")
    shown = frame.assign(first_row=first, month=months(frame["period"], repeated.to_numpy()))
    return issues_at(shown, repeated.to_numpy(), register, "period", "history-duplicate", Severity.ERROR,
                     f"{what} of {{month}} is already in row {{first_row}}; that row is used and this one left out "
                     "— delete one (pmo-xl close --reopen rewrites a period)", portfolio)


def _newer_version(frame: pd.DataFrame, register: Register, portfolio: Portfolio) -> list[Issue]:
    newer = newer_than_running(frame["version"])
    if not newer.any():
        return []
    first = np.zeros(len(frame), dtype=bool)
    first[int(np.argmax(newer))] = True  # one issue per table, at its first such row: not one per row
    shown = frame.assign(count=int(newer.sum()), running=__version__)
    return issues_at(shown, first, register, "version", "history-newer-version", Severity.WARNING,
                     "{count} row(s) from here were written by pmo-xl {value}, newer than this pmo-xl {running}: "
                     "they may hold figures this version does not know — upgrade pmo-xl before closing a period", portfolio)
