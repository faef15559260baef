"""Merge accepted updates into the portfolio's rows: upsert by key, resource needs by window.

The rules, one per register:
- Progress: upsert by project and period — an existing row for the same month is replaced in
  place (its position kept), otherwise the row is appended.
- Risks: upsert by Risk ID. A risk ID that belongs to another project is refused (in validation
  against the portfolio, and here against rows added earlier in the same run).
- Issue log, Actions, Decisions, Change requests, Lessons: upsert by their ID, like Risks (an
  answered decision or a done action is the same row, updated); Benefit progress: upsert by
  benefit and month, like Progress.
- Milestones: upsert by project and milestone name (case and spacing ignored). Milestones the
  update does not list are kept: an update never deletes a milestone.
- Allocations (Resource needs): the update restates the project's needs for the window its rows
  cover (earliest Start to latest Finish). The project's allocations inside that window are
  replaced by the update's rows; an allocation straddling a window edge is cut at the edge and
  keeps its part outside the window, its hours pro rata by calendar days (its actual hours stay
  with the part before the window); allocations outside the window are kept. An empty Resource
  needs table changes nothing. Why a window rather than "append": an update restates the needs,
  so appending would count every re-submitted need twice; why not "replace all the project's
  allocations": an update covers the months ahead, and history (or needs far out that the PM
  left off) must not vanish.
An upserted row replaces the whole row: what the update leaves blank becomes blank (the prefilled
template carries the portfolio's values, so a PM clears a value only on purpose).
Rows of the portfolio that cannot be parsed (a date typed as text, say) are never matched and
never removed: they are carried as they are, for the PMO to fix.
"""

from __future__ import annotations

import datetime as dt

from pmo_xl.collect.model import MergeCounts, Submission
from pmo_xl.collect.portfolio import PortfolioRows, milestone_key, typed_column
from pmo_xl.collect.read import issue
from pmo_xl.issues import Severity
from pmo_xl.schema.columns import Register
from pmo_xl.schema.governance import ACTIONS, BENEFIT_PROGRESS, CHANGE_REQUESTS, DECISIONS, ISSUE_LOG, LESSONS
from pmo_xl.schema.registers import ALLOCATIONS, MILESTONES, PROGRESS, RISKS

Span = tuple[int, dt.date, dt.date, float | None]  # row index, start, finish, effort hours
DAY = dt.timedelta(days=1)
START, FINISH, HOURS, ACTUAL = (ALLOCATIONS.fields.index(f) for f in ("start", "finish", "effort_hours", "actual_hours"))
ALLOCATION_FIELDS = ALLOCATIONS.fields  # a row's values in column order: list(map(record.get, ALLOCATION_FIELDS))
# The registers beside the plan merged by their one ID, each row belonging to its project; and by a two-field key.
BY_ID: tuple[Register, ...] = (ISSUE_LOG, ACTIONS, DECISIONS, CHANGE_REQUESTS, LESSONS)
BY_KEY: tuple[Register, ...] = (BENEFIT_PROGRESS,)


class Merger:
    """Applies submissions, in order, to the portfolio's rows (which it changes in place)."""

    def __init__(self, portfolio: PortfolioRows) -> None:
        self.rows = portfolio.rows
        progress = self.rows["Progress"]
        self.progress_index = {
            (p, m): k for k, (p, m) in enumerate(zip(typed_column(progress, PROGRESS, "project_id"),
                                                     typed_column(progress, PROGRESS, "period"), strict=True))
            if p is not None and m is not None
        }
        risks = self.rows["Risks"]
        risk_ids = typed_column(risks, RISKS, "risk_id")
        self.risk_index = {r: k for k, r in enumerate(risk_ids) if r is not None}
        self.risk_owner = dict(zip(risk_ids, typed_column(risks, RISKS, "project_id"), strict=True))
        self.id_index: dict[str, dict[object, int]] = {}
        self.id_owner: dict[str, dict[object, object]] = {}
        for register in BY_ID:
            rows = self.rows.setdefault(register.name, [])
            ids = typed_column(rows, register, register.key[0])
            self.id_index[register.name] = {r: k for k, r in enumerate(ids) if r is not None}
            self.id_owner[register.name] = dict(zip(ids, typed_column(rows, register, "project_id"), strict=True))
        for register in BY_KEY:
            rows = self.rows.setdefault(register.name, [])
            keys = zip(*(typed_column(rows, register, k) for k in register.key), strict=True)
            self.id_index[register.name] = {key: k for k, key in enumerate(keys) if None not in key}
        milestones = self.rows["Milestones"]
        self.milestone_index = {
            (p, milestone_key(n)): k for k, (p, n) in enumerate(zip(typed_column(milestones, MILESTONES, "project_id"),
                                                                    typed_column(milestones, MILESTONES, "milestone"), strict=True))
            if p is not None and n is not None
        }
        allocations = self.rows["Allocations"]
        self.allocation_rows: list[list[object] | None] = list(allocations)
        # project -> [(row index, start, finish, effort hours)] of the rows whose dates can be read
        self.allocation_spans: dict[str, list[Span]] = {}
        for k, (p, s, f, h) in enumerate(zip(*(typed_column(allocations, ALLOCATIONS, name)
                                                for name in ("project_id", "start", "finish", "effort_hours")), strict=True)):
            if p is not None and isinstance(s, dt.date) and isinstance(f, dt.date) and f >= s:
                self.allocation_spans.setdefault(str(p), []).append((k, s, f, h))  # type: ignore[arg-type]

    def apply(self, submission: Submission) -> MergeCounts:
        counts = MergeCounts()
        project_id = str(submission.project_id)
        if submission.progress is not None:
            key = (project_id, submission.progress["period"])
            added = self._upsert("Progress", PROGRESS, self.progress_index, key, submission.progress)
            counts.progress_added, counts.progress_replaced = (1, 0) if added else (0, 1)
        for row in submission.rows.get("Risks", []):
            risk_id = str(row["risk_id"])
            owner = self.risk_owner.get(risk_id)
            if owner not in (None, project_id):
                submission.issues.append(issue(
                    "risk-of-other-project", Severity.ERROR, "Risks", None, None, "Risk ID", risk_id,
                    f"Risk {risk_id} was just merged for {owner} from another update — give this risk a new ID"))
                continue
            self.risk_owner[risk_id] = project_id
            if self._upsert("Risks", RISKS, self.risk_index, risk_id, row):
                counts.risks_added += 1
            else:
                counts.risks_updated += 1
        for register in BY_ID:
            self._merge_by_id(submission, register, counts)
        for register in BY_KEY:
            for row in submission.rows.get(register.name, []):
                key = tuple(row[k] for k in register.key)
                self._count(counts, register, self._upsert(register.name, register, self.id_index[register.name], key, row))
        for row in submission.rows.get("Milestones", []):
            key = (project_id, milestone_key(row["milestone"]))
            if self._upsert("Milestones", MILESTONES, self.milestone_index, key, row):
                counts.milestones_added += 1
            else:
                counts.milestones_updated += 1
        needs = submission.rows.get("Allocations", [])
        if needs:
            counts.allocations_removed, counts.allocations_cut, counts.allocations_added = self._replace_window(project_id, needs)
        return counts

    def _merge_by_id(self, submission: Submission, register: Register, counts: MergeCounts) -> None:
        """Upsert rows by their ID; an ID another update just merged for another project is refused."""
        project_id, key = str(submission.project_id), register.key[0]
        owners = self.id_owner[register.name]
        for row in submission.rows.get(register.name, []):
            row_id = str(row[key])
            owner = owners.get(row_id)
            if owner not in (None, project_id):
                header = register.column(key).header
                submission.issues.append(issue(
                    "id-of-other-project", Severity.ERROR, register.name, None, None, header, row_id,
                    f"{header} {row_id} was just merged for {owner} from another update — give this row a new ID"))
                continue
            owners[row_id] = project_id
            self._count(counts, register, self._upsert(register.name, register, self.id_index[register.name], row_id, row))

    @staticmethod
    def _count(counts: MergeCounts, register: Register, added: bool) -> None:
        tally = counts.added if added else counts.updated
        tally[register.name] = tally.get(register.name, 0) + 1

    def _upsert(self, name: str, register: Register, index: dict, key: object, record: dict[str, object]) -> bool:
        """Replace the row with `key` in place, or append it; True when appended."""
        row = [record.get(c.field) for c in register.columns]
        rows = self.rows[name]
        if key in index:
            rows[index[key]] = row
            return False
        index[key] = len(rows)
        rows.append(row)
        return True

    def _replace_window(self, project_id: str, needs: list[dict[str, object]]) -> tuple[int, int, int]:
        """Replace the project's allocations in the needs' window; (removed, cut at an edge, added)."""
        starts = [r["start"] for r in needs if isinstance(r.get("start"), dt.date)]
        finishes = [r["finish"] for r in needs if isinstance(r.get("finish"), dt.date)]
        removed = cut = 0
        if starts and finishes:
            first, last = min(starts), max(finishes)
            kept: list[Span] = []
            for span in self.allocation_spans.get(project_id, []):
                k, start, finish, _ = span
                if finish < first or start > last:
                    kept.append(span)
                    continue
                pieces = [(a, b) for a, b in ((start, first - DAY), (last + DAY, finish)) if a <= b]
                if not pieces:
                    self.allocation_rows[k] = None
                    removed += 1
                    continue
                cut += 1
                kept += self._cut(span, pieces)
            self.allocation_spans[project_id] = kept
        rows, spans = self.allocation_rows, self.allocation_spans.setdefault(project_id, [])
        date = dt.date
        for record in needs:  # an import brings ~400 a project
            rows.append(list(map(record.get, ALLOCATION_FIELDS)))
            start, finish = record.get("start"), record.get("finish")
            if isinstance(start, date) and isinstance(finish, date) and finish >= start:
                spans.append((len(rows) - 1, start, finish, record.get("effort_hours")))  # type: ignore[arg-type]
        return removed, cut, len(needs)

    def _cut(self, span: Span, pieces: list[tuple[dt.date, dt.date]]) -> list[Span]:
        """Keep the parts of an allocation outside the window: the row itself, plus a copy for a second part."""
        k, start, finish, hours = span
        original = self.allocation_rows[k]
        assert original is not None
        days = (finish - start).days + 1
        out: list[Span] = []
        for number, (a, b) in enumerate(pieces):
            row = list(original)
            row[START], row[FINISH] = a, b
            share = None if not isinstance(hours, float) else round(hours * ((b - a).days + 1) / days, 2)
            if share is not None:
                row[HOURS] = share
            if a > start:
                row[ACTUAL] = None  # actual hours belong to the part before the window
            if number == 0:
                self.allocation_rows[k] = row
                out.append((k, a, b, share))
            else:
                self.allocation_rows.append(row)
                out.append((len(self.allocation_rows) - 1, a, b, share))
        return out

    def has_progress(self, project_id: str, period: dt.date) -> bool:
        return (project_id, period) in self.progress_index

    def finish(self) -> dict[str, list[list[object]]]:
        """The merged rows per register (removed allocations dropped)."""
        self.rows["Allocations"] = [r for r in self.allocation_rows if r is not None]
        return self.rows
