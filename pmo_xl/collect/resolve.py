"""Decide which submission counts when several arrive for the same project and month.

Rules (only submissions that have something to merge take part):
1. Same figures (same content, whatever the bytes): one submission; the others are duplicates.
2. Otherwise they are ordered by submitted date — a submission without one stands at its file's
   modification date — then by file modification time. The latest replaces the others, which are
   marked superseded with a warning.
3. Except when the latest ties with another on the submitted date, or neither of them has a
   date: the figures differ and nothing says which is right, so both are held back and flagged,
   and the portfolio keeps what it had for that month. (A modification time alone never settles
   a disagreement: a file saved from a mailbox gets the time it was saved, not when it was written.)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pmo_xl.collect.form import UPDATE_SHEET
from pmo_xl.collect.model import MERGED_STATUSES, Status, Submission
from pmo_xl.collect.read import issue
from pmo_xl.issues import Severity


def _effective(submission: Submission) -> tuple[dt.date, float, str]:
    submitted = submission.submitted
    mtime = submission.read.mtime
    return (submitted or dt.date.fromtimestamp(mtime), mtime, submission.read.name)


def _line(submission: Submission) -> tuple[int | None, str | None]:
    form = submission.read.form
    return form.locate(0, "submitted") if form is not None else (None, None)


def _mark(submission: Submission, status: Status, code: str, severity: Severity, message: str, note: str) -> None:
    row, letter = _line(submission)
    submission.status = status
    submission.note = note
    submission.issues.append(issue(code, severity, UPDATE_SHEET, row, letter, "Submitted on", submission.submitted, message))


def _when(submission: Submission) -> str:
    return f"submitted {submission.submitted:%Y-%m-%d}" if submission.submitted else "no submitted date"


def resolve_submissions(submissions: list[Submission]) -> list[Submission]:
    """Mark duplicates, superseded and conflicting submissions; return those to merge, in merge order."""
    groups: dict[tuple[str, dt.date], list[Submission]] = defaultdict(list)
    for submission in submissions:
        if submission.status in MERGED_STATUSES:
            groups[(str(submission.project_id), submission.period)].append(submission)  # type: ignore[index]
    winners: list[Submission] = []
    for (project_id, period), group in groups.items():
        group.sort(key=_effective)
        distinct: dict[str, Submission] = {}
        for submission in group:  # ascending: a later copy of the same figures replaces the earlier
            earlier = distinct.get(submission.fingerprint)
            if earlier is not None:
                _mark(earlier, Status.DUPLICATE, "duplicate-submission", Severity.INFO,
                      f"The same figures as {submission.read.name}; counted once", f"same figures as {submission.read.name}")
            distinct[submission.fingerprint] = submission
        ordered = sorted(distinct.values(), key=_effective)
        latest = ordered[-1]
        rivals = [s for s in ordered[:-1] if s.submitted == latest.submitted]  # equal dates, or both without one
        if rivals:
            held = [*rivals, latest]
            names = ", ".join(s.read.name for s in held)
            for submission in held:
                others = ", ".join(s.read.name for s in held if s is not submission)
                _mark(submission, Status.HELD_BACK, "conflicting-submission", Severity.ERROR,
                      f"Conflicts with {others}: the same project ({project_id}) and month ({period:%Y-%m}), "
                      f"{_when(submission)} on both, different figures — neither was merged; send one corrected update "
                      "with a later 'Submitted on' date",
                      f"conflicts with {others}")
            for submission in [s for s in ordered if all(s is not h for h in held)]:
                _mark(submission, Status.SUPERSEDED, "superseded", Severity.WARNING,
                      f"Superseded: later submissions for {project_id} {period:%Y-%m} exist ({names})",
                      "later submissions exist")
            continue
        for submission in ordered[:-1]:
            _mark(submission, Status.SUPERSEDED, "superseded", Severity.WARNING,
                  f"Replaced by {latest.read.name} ({_when(latest)}), which is later; this one was not merged",
                  f"replaced by {latest.read.name}")
        winners.append(latest)
    winners.sort(key=lambda s: (s.period, _effective(s)))
    return winners
