"""What reopening a closed period changed: the old History rows of the month against the new ones.

`pmo-xl close --reopen` replaces a month's rows; the PMO must be able to say what moved ("PRJ-003:
EAC 1,200,000 → 1,250,000; RAG Amber → Red"), so each change is one line per project, milestone
or KPI, in the words of the History headers. Pure: frames in, lines out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_xl.checks.core import show
from pmo_xl.schema.columns import Kind, Register
from pmo_xl.schema.history import HISTORY, HISTORY_KPIS, HISTORY_MILESTONES

# The figures a reader of the pack would notice; the stamp columns always differ and say nothing.
COMPARED = {
    HISTORY.name: ("status", "phase", "bac", "ev", "ac", "eac", "vac", "cpi", "spi", "spi_t", "forecast_finish", "pct_complete",
                   "rag", "open_risks", "top_risk_score"),
    HISTORY_MILESTONES.name: ("baseline_date", "forecast_date", "actual_date"),
    HISTORY_KPIS.name: ("value",),
}
MAX_LINES = 40  # per table; a whole portfolio re-baselined is summarised, not listed


def describe_changes(register: Register, old: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    """One line per key whose compared figures differ, was added or is gone (at most MAX_LINES)."""
    keys = [k for k in register.key if k != "period"]
    old, new = _keyed(old, keys), _keyed(new, keys)
    # Only keys whose figures may differ are compared value by value (a month reopened after a
    # correction moves a few projects of a thousand; the rest are equal column by column).
    maybe = _maybe_changed(register, old, new)
    old_rows, new_rows = _records(old, maybe), _records(new, maybe)
    old_keys, new_keys = set(old.index), set(new.index)
    lines: list[str] = []
    for key in sorted(old_keys | new_keys):
        label = " ".join(key)
        if key not in old_keys:
            lines.append(f"{label}: added")
        elif key not in new_keys:
            lines.append(f"{label}: no longer in the registers (its row is removed)")
        elif key in maybe:
            moved = [_change(register, name, old_rows[key].get(name), new_rows[key].get(name)) for name in COMPARED[register.name]]
            moved = [m for m in moved if m]
            if moved:
                lines.append(f"{label}: " + "; ".join(moved))
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES], f"… and {len(lines) - MAX_LINES} more"]
    return lines


def _keyed(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The frame's first row per key, indexed by the key as text (a tuple, one string per key column)."""
    if frame.empty:
        return frame.set_index(pd.MultiIndex.from_tuples([], names=keys)) if len(frame.columns) else frame
    first = frame.drop_duplicates(keys)
    return first.set_index(pd.MultiIndex.from_arrays([first[k].astype(str).to_numpy() for k in keys], names=keys))


def _records(frame: pd.DataFrame, wanted: set[tuple[str, ...]]) -> dict[tuple[str, ...], dict[str, object]]:
    if not wanted or frame.empty:
        return {}
    chosen = frame[frame.index.isin(list(wanted))]
    return dict(zip(chosen.index, chosen.to_dict("records"), strict=True))


def _maybe_changed(register: Register, old: pd.DataFrame, new: pd.DataFrame) -> set[tuple[str, ...]]:
    """Keys in both frames where some compared column is not plainly equal (blank and blank, or the
    same number, date or text): a superset of the keys `_same` finds changed."""
    if old.empty or new.empty:
        return set()
    common = old.index.intersection(new.index)
    left, right = old.loc[common], new.loc[common]
    differs = np.zeros(len(common), dtype=bool)
    for name in COMPARED[register.name]:
        a, b = left[name], right[name]
        blank_a, blank_b = a.isna().to_numpy(), b.isna().to_numpy()
        if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
            equal = np.isclose(a.to_numpy(dtype=float), b.to_numpy(dtype=float), rtol=1e-9, atol=1e-6)
        elif pd.api.types.is_datetime64_any_dtype(a) and pd.api.types.is_datetime64_any_dtype(b):
            equal = a.to_numpy(dtype="datetime64[ns]") == b.to_numpy(dtype="datetime64[ns]")
        else:
            equal = a.astype(str).to_numpy() == b.astype(str).to_numpy()
        differs |= ~((blank_a & blank_b) | (~blank_a & ~blank_b & equal))
    return set(common[differs])


def _change(register: Register, name: str, before: object, after: object) -> str:
    if _same(before, after):
        return ""
    column = register.column(name)
    return f"{column.header} {_text(column.kind, before)} → {_text(column.kind, after)}"


def _blank(value: object) -> bool:
    return value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and not np.isfinite(value))


def _same(before: object, after: object) -> bool:
    if _blank(before) or _blank(after):
        return _blank(before) and _blank(after)
    if isinstance(before, (int, float, np.number)) and isinstance(after, (int, float, np.number)):
        return bool(np.isclose(float(before), float(after), rtol=1e-9, atol=1e-6))
    if isinstance(before, (pd.Timestamp, np.datetime64)) or isinstance(after, (pd.Timestamp, np.datetime64)):
        return pd.Timestamp(before) == pd.Timestamp(after)  # type: ignore[arg-type]
    return str(before) == str(after)


def _text(kind: Kind, value: object) -> str:
    if _blank(value):
        return "blank"
    if kind == Kind.PERCENT:
        return f"{float(value):.0%}"  # type: ignore[arg-type]
    if kind == Kind.NUMBER:
        return f"{float(value):.2f}"  # type: ignore[arg-type]
    return show(value)
