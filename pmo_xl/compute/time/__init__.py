"""Time on working days: calendars with holidays and period grains, and work contours."""

from pmo_xl.compute.time.calendar import (
    DAY,
    GRAINS,
    CalendarSet,
    build_calendars,
    calendar_key,
    date_of,
    normalise_grain,
    period_bounds,
    period_floor,
    to_day,
)
from pmo_xl.compute.time.contours import (
    CONTOUR_PERCENTAGES,
    FLAT,
    hours_between,
    profile_index,
    profile_indexes,
    spread,
    spread_dates,
)

__all__ = [
    "CONTOUR_PERCENTAGES",
    "DAY",
    "FLAT",
    "GRAINS",
    "CalendarSet",
    "build_calendars",
    "calendar_key",
    "date_of",
    "hours_between",
    "normalise_grain",
    "period_bounds",
    "period_floor",
    "profile_index",
    "profile_indexes",
    "spread",
    "spread_dates",
    "to_day",
]
