"""Turning the text of a schedule file into typed values, with a located issue when it cannot be.

Both readers share these: the formats differ in layout, not in what a date or a number looks like
once taken out of its element or column.
"""

from __future__ import annotations

import datetime as dt
import re

from pmo_xl.issues import Issue, Severity, Stage

STAGE = Stage.IMPORT
_DURATION = re.compile(r"^-?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
                       r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def problem(code: str, severity: Severity, where: str, field: str | None, value: object, message: str) -> Issue:
    """An issue located at a source element (`Task UID 12`, `TASK row 38`) rather than a cell."""
    return Issue(code=code, severity=severity, sheet=where, row=None, column=None, field=field, value=value, message=message, stage=STAGE)


class Values:
    """Typed reads of one file's fields; what cannot be read is None plus an issue in `issues`."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self._days: dict[str, dt.date] = {}
        self._hours: dict[str, float] = {}

    def _bad(self, where: str, field: str, text: str, what: str) -> None:
        self.issues.append(problem("bad-schedule-value", Severity.WARNING, where, field, text,
                                   f"{field} {text!r} is not {what}; it is treated as blank"))

    def date(self, text: str | None, where: str, field: str) -> dt.date | None:
        """`2018-10-18T08:00:00` (MSPDI) or `2015-02-24 08:00` (XER): the day."""
        if not text:
            return None
        day = self._days.get(text)  # a schedule repeats a few hundred date-times thousands of times
        if day is not None:
            return day
        if not text.strip():
            return None
        try:
            day = self._days[text] = dt.date.fromisoformat(text.strip()[:10])
        except ValueError:
            self._bad(where, field, text, "a date")
            return None
        return day

    def number(self, text: str | None, where: str, field: str, scale: float = 1.0) -> float | None:
        if text is None:
            return None
        try:
            value = float(text)  # as float() reads it: surrounding blanks allowed
        except ValueError:
            if text.strip():
                self._bad(where, field, text, "a number")
            return None
        if value - value != 0:  # NaN or ±infinity
            self._bad(where, field, text, "a finite number")
            return None
        return value / scale

    def hours(self, text: str | None, where: str, field: str) -> float | None:
        """An xsd:duration (`PT80H0M0S`, `P1DT2H`) in hours; days count 24 h as the format defines them."""
        if not text:
            return None
        known = self._hours.get(text)  # a schedule's work values repeat: PT0H0M0S, PT8H0M0S, …
        if known is not None:
            return known
        if not text.strip():
            return None
        if text.startswith("PT") and text.endswith("S"):  # what Project writes: PT80H0M0S
            hours, _, rest = text[2:-1].partition("H")
            minutes, _, seconds = rest.partition("M")
            try:
                value = self._hours[text] = int(hours) + int(minutes) / 60 + float(seconds) / 3600
                return value
            except ValueError:
                pass  # the general form below
        match = _DURATION.match(text.strip())
        if match is None or text.strip() in ("P", "PT"):
            self._bad(where, field, text, "a duration")
            return None
        years, months, days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
        total = ((years * 365 + months * 30 + days) * 24 + hours + minutes / 60 + seconds / 3600)
        return -total if text.strip().startswith("-") else total

    def flag(self, text: str | None) -> bool:
        if text == "0" or text == "1":  # what Project writes
            return text == "1"
        return (text or "").strip().lower() in ("1", "true", "y", "yes")
