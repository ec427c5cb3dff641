"""The Shanghai Stock Exchange trading calendar and the event-session (t0) rule.

Sessions come from exchange_calendars' ``XSHG`` calendar, which is maintained upstream (it agrees
day for day with the calendar file that akshare ships for 2005-2026). No holiday list is kept here.

The library's holidays stop at the end of a year (2026-12-31 in the pinned release). Past its
last session the calendar is extended (see :mod:`data_sources.calendar_store`) with the official
calendar fetched through akshare, else the sessions the stored akshare series show, else weekdays,
up to the end of the tenth year from today. :func:`inferred_segments` says which source gave which
sessions, so every study can say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

CALENDAR_NAME = "XSHG"
CALENDAR_START = "2005-01-04"
#: The calendar is extended with inferred sessions to 31 December of this many years from today.
EXTENSION_YEARS = 10

#: Release timings a measure can carry; ``after_close`` moves t0 to the next session.
TIMINGS = ("before_open", "intraday", "after_close", "non_trading_day", "unknown")

WEEKDAYS_SOURCE = "weekdays (no holidays known)"
STORE_SOURCE = "the stored series (days on which a stored akshare series has a bar)"


class CalendarError(ValueError):
    """A date the Shanghai calendar cannot place (before 2005 or past the calendar's last year)."""


@dataclass(frozen=True)
class InferredSegment:
    """Sessions after ``after`` up to ``last`` (inclusive) taken from ``source``."""

    after: pd.Timestamp
    last: pd.Timestamp
    source: str
    kind: str = "weekdays"  # "official" | "store" | "weekdays"
    fetched: str = ""  # the day the official calendar was fetched (YYYY-MM-DD)


@lru_cache(maxsize=1)
def _calendar():
    import exchange_calendars as xcals

    return xcals.get_calendar(CALENDAR_NAME, start=CALENDAR_START)


@lru_cache(maxsize=1)
def library_sessions() -> pd.DatetimeIndex:
    """The sessions exchange_calendars knows (tz-naive), holidays included up to its end."""
    sessions = _calendar().sessions
    return pd.DatetimeIndex(sessions.tz_localize(None) if sessions.tz else sessions, name="date")


def library_end() -> pd.Timestamp:
    """The library's last session: every later session is inferred."""
    return library_sessions()[-1]


def extension_end(today: dt.date | None = None) -> pd.Timestamp:
    today = today or dt.date.today()
    return pd.Timestamp(year=today.year + EXTENSION_YEARS, month=12, day=31)


def _extension_key() -> tuple:
    """Changes whenever the extension could: the stored calendar file, the store, the day."""
    from data_sources.calendar_store import calendar_path

    path = calendar_path()
    try:
        stat = path.stat()
        official = (str(path), stat.st_mtime_ns, stat.st_ino, stat.st_size)
    except OSError:
        official = (str(path), None)
    return official, _store_key(), dt.date.today()


def calendar_version() -> tuple:
    """A cache key for anything computed from :func:`all_sessions`."""
    return _extension_key()


def _store_key() -> tuple:
    from data_sources.config import data_dir

    root = data_dir() / "store"
    if not (root / "shards").is_dir():  # never create a store just to look at it
        return (str(root), None)
    return _store_at(str(root)).version()


@lru_cache(maxsize=4)
def _store_at(root: str):
    """One Store per directory: the key is read on every call of :func:`all_sessions`."""
    from data_sources.store import Store

    return Store(root)


@lru_cache(maxsize=4)
def _extended(key: tuple) -> tuple[pd.DatetimeIndex, tuple[InferredSegment, ...]]:
    from data_sources.calendar_store import (
        OfficialCalendar,
        load_official_sessions,
        store_sessions_after,
    )

    library = library_sessions()
    covered = library[-1]
    horizon = extension_end(key[2])
    pieces, segments = [library], []
    official = load_official_sessions()
    if isinstance(official, OfficialCalendar):
        later = official.sessions[(official.sessions > covered) & (official.sessions <= horizon)]
        if len(later):
            source = f"the official akshare calendar fetched {official.fetched}"
            segments.append(
                InferredSegment(covered, later[-1], source, "official", official.fetched)
            )
            pieces.append(later)
            covered = later[-1]
    stored = store_sessions_after(covered)
    stored = stored[stored <= horizon]
    if len(stored):
        segments.append(InferredSegment(covered, stored[-1], STORE_SOURCE, "store"))
        pieces.append(stored)
        covered = stored[-1]
    if covered < horizon:
        weekdays = pd.bdate_range(covered + pd.Timedelta(days=1), horizon)
        if len(weekdays):
            segments.append(InferredSegment(covered, weekdays[-1], WEEKDAYS_SOURCE))
            pieces.append(weekdays)
    sessions = pd.DatetimeIndex(pd.concat([p.to_series() for p in pieces]).values, name="date")
    return sessions, tuple(segments)


def all_sessions() -> pd.DatetimeIndex:
    """Every Shanghai session: the library's, then the inferred ones (tz-naive, sorted).

    Cheap on every call: the extension is cached by the stored calendar file, the store's
    version and the day."""
    return _extended(_extension_key())[0]


def inferred_segments() -> tuple[InferredSegment, ...]:
    """Which source gave the sessions after the library's end, in date order."""
    return _extended(_extension_key())[1]


def inferred_source(day) -> str | None:
    """The source of the session ``day`` when it is inferred; None for a library session."""
    day = pd.Timestamp(day).normalize()
    for segment in inferred_segments():
        if segment.after < day <= segment.last:
            return segment.source
    return None


def sessions_between(start, end) -> pd.DatetimeIndex:
    """Shanghai sessions from ``start`` to ``end`` inclusive."""
    sessions = all_sessions()
    return sessions[(sessions >= pd.Timestamp(start)) & (sessions <= pd.Timestamp(end))]


def next_session(date, sessions: pd.DatetimeIndex | None = None) -> pd.Timestamp:
    """The first Shanghai session on or after ``date`` (among ``sessions`` when given: the
    :func:`all_sessions` of a caller placing many dates, which then looks them up once)."""
    day = pd.Timestamp(date).normalize()
    sessions = all_sessions() if sessions is None else sessions
    if day < sessions[0] or day > sessions[-1]:
        raise CalendarError(
            f"{day:%Y-%m-%d} is outside the Shanghai calendar "
            f"({sessions[0]:%Y-%m-%d} to {sessions[-1]:%Y-%m-%d})"
        )
    return sessions[sessions.searchsorted(day)]


def event_session(
    announcement_date, timing: str = "unknown", sessions: pd.DatetimeIndex | None = None
) -> pd.Timestamp:
    """t0: the first Shanghai session at or after the moment the market could react.

    A weekend or holiday announcement moves to the next session; an announcement after the
    15:00 close moves to the session after the announcement date. ``before_open``, ``intraday``
    and ``unknown`` keep the announcement day when it is a session (for ``unknown`` the next
    session is as likely: see :func:`candidate_sessions`).
    """
    if timing not in TIMINGS:
        raise ValueError(f"timing {timing!r} is not one of {', '.join(TIMINGS)}")
    day = pd.Timestamp(announcement_date).normalize()
    if timing == "after_close":
        day = day + dt.timedelta(days=1)
    return next_session(day, sessions)


def candidate_sessions(
    announcement_date, timing: str = "unknown", sessions: pd.DatetimeIndex | None = None
) -> tuple[pd.Timestamp, ...]:
    """The sessions t0 could be: one for a known timing; for ``unknown``, the day itself when
    it is a session (a release before the close) and the next session (a release after it).

    A study of an ``unknown`` measure says so and uses a window covering both (e.g. CAR[0,+1]).
    When the calendar has no session after the day, only the day itself is returned.
    """
    sessions = all_sessions() if sessions is None else sessions
    t0 = event_session(announcement_date, timing, sessions)
    day = pd.Timestamp(announcement_date).normalize()
    if timing != "unknown" or t0 != day:
        return (t0,)
    try:
        return (t0, next_session(day + dt.timedelta(days=1), sessions))
    except CalendarError:
        return (t0,)
