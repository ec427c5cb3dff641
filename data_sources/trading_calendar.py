"""The Shanghai Stock Exchange trading calendar and the event-session (t0) rule.

Sessions come from exchange_calendars' ``XSHG`` calendar, which is maintained upstream (it agrees
day for day with the calendar file that akshare ships for 2005-2026). No holiday list is kept here.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pandas as pd

CALENDAR_NAME = "XSHG"
CALENDAR_START = "2005-01-04"

#: Release timings a measure can carry; ``after_close`` moves t0 to the next session.
TIMINGS = ("before_open", "intraday", "after_close", "non_trading_day", "unknown")


class CalendarError(ValueError):
    """A date the Shanghai calendar cannot place (before 2005 or past the calendar's last year)."""


@lru_cache(maxsize=1)
def _calendar():
    import exchange_calendars as xcals

    return xcals.get_calendar(CALENDAR_NAME, start=CALENDAR_START)


@lru_cache(maxsize=1)
def all_sessions() -> pd.DatetimeIndex:
    """Every XSHG session the calendar knows, as a tz-naive DatetimeIndex."""
    sessions = _calendar().sessions
    return pd.DatetimeIndex(sessions.tz_localize(None) if sessions.tz else sessions, name="date")


def sessions_between(start, end) -> pd.DatetimeIndex:
    """XSHG sessions from ``start`` to ``end`` inclusive."""
    sessions = all_sessions()
    return sessions[(sessions >= pd.Timestamp(start)) & (sessions <= pd.Timestamp(end))]


def next_session(date) -> pd.Timestamp:
    """The first XSHG session on or after ``date``."""
    day = pd.Timestamp(date).normalize()
    sessions = all_sessions()
    if day < sessions[0] or day > sessions[-1]:
        raise CalendarError(
            f"{day:%Y-%m-%d} is outside the Shanghai calendar "
            f"({sessions[0]:%Y-%m-%d} to {sessions[-1]:%Y-%m-%d})"
        )
    return sessions[sessions.searchsorted(day)]


def event_session(announcement_date, timing: str = "unknown") -> pd.Timestamp:
    """t0: the first Shanghai session at or after the moment the market could react.

    A weekend or holiday announcement moves to the next session; an announcement after the
    15:00 close moves to the session after the announcement date. ``before_open``, ``intraday``
    and ``unknown`` keep the announcement day when it is a session.
    """
    if timing not in TIMINGS:
        raise ValueError(f"timing {timing!r} is not one of {', '.join(TIMINGS)}")
    day = pd.Timestamp(announcement_date).normalize()
    if timing == "after_close":
        day = day + dt.timedelta(days=1)
    return next_session(day)
