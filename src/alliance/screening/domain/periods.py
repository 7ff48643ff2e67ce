"""Calendar periods of the facility dashboard: co-ordinators and analysts get breakdowns for one completed
calendar month at a time (screening/selectors/dashboard.py says why). Plain functions of dates."""

from __future__ import annotations

import datetime as dt


def last_complete_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last day of the calendar month before `today`'s."""
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def is_complete_month(start: dt.date, end: dt.date, today: dt.date) -> bool:
    """Whether start..end is one whole calendar month that ended before `today`."""
    return start.day == 1 and (start.year, start.month) == (end.year, end.month) \
        and (end + dt.timedelta(days=1)).day == 1 and end < today
