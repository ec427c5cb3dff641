"""The Shanghai sessions that extend the calendar past exchange_calendars' last session.

exchange_calendars' ``XSHG`` holidays stop at the end of a year it knows (2026-12-31 in the
pinned release). Past that day :mod:`data_sources.trading_calendar` takes, in this order:

1. the official calendar fetched through akshare (``tool_trade_date_hist_sina``, Sina's copy of
   the SSE trading days), kept in ``<data dir>/store/calendar/xshg_sessions.json``;
2. else the sessions the stored akshare series show (a date on which any stored akshare series
   has a bar is a session). The synthetic demo is left out (it is generated on the library's
   sessions, so it adds nothing past their end) and so are imported files (they may come from
   another market, whose holidays differ);
3. else weekdays (no holidays known).

Each source covers the days after the previous one ends. Reading is cheap: the parsed file is
cached by its modification time, the store's dates by the store's version.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from data_sources.errors import DataSourceError
from data_sources.network import bounded_requests, describe_failure, http_timeout

CALENDAR_FILE = "xshg_sessions.json"
OFFICIAL_SOURCE = "akshare tool_trade_date_hist_sina (Sina finance klc_td_sh)"


@dataclass(frozen=True)
class OfficialCalendar:
    sessions: pd.DatetimeIndex
    fetched: str  # YYYY-MM-DD


def calendar_path(data_directory: Path | None = None) -> Path:
    """Where the fetched official calendar is kept (beside the store's series)."""
    if data_directory is None:
        from data_sources.config import data_dir

        data_directory = data_dir()
    return Path(data_directory) / "store" / "calendar" / CALENDAR_FILE


def fetch_official_sessions() -> pd.DatetimeIndex:
    """Every SSE session Sina lists, through akshare (needs the network and V8).

    akshare asks Sina with no time-out, so the request is time-limited like every other
    akshare request (:func:`data_sources.network.bounded_requests`): a stalled connection
    ends in a named time-out instead of holding the refresh (the CLI fetches the calendar
    before the series) forever.
    """
    bound = http_timeout()
    try:
        import akshare as ak

        with bounded_requests(bound):
            table = ak.tool_trade_date_hist_sina()
        sessions = pd.DatetimeIndex(pd.to_datetime(table["trade_date"]), name="date")
    except Exception as error:  # akshare raises many types: name the call and the cause
        raise DataSourceError(
            f"could not fetch the official calendar ({OFFICIAL_SOURCE}): "
            f"{describe_failure(error, bound)}"
        ) from error
    return _checked(sessions.normalize().unique().sort_values(), OFFICIAL_SOURCE)


def _checked(sessions: pd.DatetimeIndex, where: str) -> pd.DatetimeIndex:
    if sessions.empty:
        raise DataSourceError(f"{where}: the calendar lists no sessions")
    if sessions.hasnans:
        raise DataSourceError(f"{where}: the calendar has dates that are not dates")
    weekend = sessions[sessions.day_of_week >= 5]
    # SSE has traded on no weekend day since 1990-12-19 apart from the early 1990s
    weekend = weekend[weekend >= pd.Timestamp("2000-01-01")]
    if len(weekend):
        raise DataSourceError(
            f"{where}: {weekend[0]:%Y-%m-%d} is a weekend day, not a Shanghai session"
        )
    return sessions


def save_official_sessions(
    sessions: pd.DatetimeIndex, fetched: dt.date | None = None, path: Path | None = None
) -> Path:
    """Write the calendar atomically (a temporary file renamed over the old one)."""
    path = path or calendar_path()
    sessions = _checked(pd.DatetimeIndex(sessions).normalize().unique().sort_values(), str(path))
    fetched = fetched or dt.date.today()
    payload = {
        "source": OFFICIAL_SOURCE,
        "fetched": f"{fetched:%Y-%m-%d}",
        "sessions": [f"{day:%Y-%m-%d}" for day in sessions],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(payload, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def refresh_official_calendar(path: Path | None = None) -> tuple[OfficialCalendar, Path]:
    """Fetch and store the official calendar; a failed fetch leaves the stored one as it was."""
    sessions = fetch_official_sessions()
    written = save_official_sessions(sessions, path=path)
    return OfficialCalendar(sessions, f"{dt.date.today():%Y-%m-%d}"), written


@lru_cache(maxsize=4)
def _read_official(path_text: str, stamp: tuple) -> OfficialCalendar | str:
    path = Path(path_text)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        fetched = str(payload["fetched"])
        dt.date.fromisoformat(fetched)
        sessions = pd.DatetimeIndex(pd.to_datetime(payload["sessions"], format="%Y-%m-%d"))
        return OfficialCalendar(_checked(sessions.unique().sort_values(), str(path)), fetched)
    except (OSError, ValueError, KeyError, TypeError, DataSourceError) as error:
        return f"{path} is not a readable calendar and is ignored ({type(error).__name__})"


def load_official_sessions(path: Path | None = None) -> OfficialCalendar | str | None:
    """The stored official calendar; None when none was fetched; a message naming the file
    when it cannot be read (a damaged file is never fatal: the next source takes over)."""
    path = path or calendar_path()
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read_official(str(path), (stat.st_mtime_ns, stat.st_ino, stat.st_size))


def store_sessions_after(after: pd.Timestamp) -> pd.DatetimeIndex:
    """Dates after ``after`` on which a stored akshare series has a bar (empty without a store)."""
    from data_sources.config import data_dir

    root = data_dir() / "store"
    if not (root / "shards").is_dir():  # never create a store just to look at it
        return pd.DatetimeIndex([], name="date")
    from data_sources.store import Store

    store = Store(root)
    return _store_sessions_after(store.version(), pd.Timestamp(after))


@lru_cache(maxsize=4)
def _store_sessions_after(version: tuple, after: pd.Timestamp) -> pd.DatetimeIndex:
    from data_sources.store import Store

    empty = pd.DatetimeIndex([], name="date")
    try:
        store = Store(version[0])
        coverage = store.coverage()
        real = coverage[(coverage["source"] == "akshare") & (coverage["last_date"] > after)]
        if real.empty:
            return empty
        bars = store.read(list(real["symbol"]), start=after + pd.Timedelta(days=1))
    except Exception:  # a damaged store must not take the calendar down: fall back to weekdays
        return empty
    dates = pd.DatetimeIndex(bars["date"].unique(), name="date").normalize().sort_values()
    return dates[(dates > after) & (dates.day_of_week < 5)]
