"""Sina's trading-calendar file (``klc_td_sh.txt``) built from a list of sessions, for tests.

The body is ``var datelist="<code>";var KLC_TD_SH=datelist;`` where ``<code>`` is a bit stream
in Sina's base-64 alphabet that akshare decodes with Sina's own JavaScript (``hk_js_decode``,
run in V8 by ``tool_trade_date_hist_sina``). This module writes the format that decoder reads,
function 139 ("R"): a 12-bit function id and a 6-bit version, then the first day and the last day
(18 bits each, days after 1990-12-19), then the weekdays between them as runs of sessions
separated by single closed weekdays, each run length in ``3 × width`` bits, the width changed
by a signed unary delta when a run needs more bits. Bits are read least significant first.
"""

from __future__ import annotations

import contextlib
import io

import pandas as pd

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_EPOCH_DAY = 7657  # 1990-12-19 as days since 1970-01-01: Sina's day 0
_DATE_LIST_FUNCTION = 139


class _Bits:
    def __init__(self) -> None:
        self.bits: list[int] = []

    def value(self, number: int, width: int) -> None:
        self.bits += [(number >> k) & 1 for k in range(width)]

    def flag(self, on: bool) -> None:
        self.bits.append(int(on))

    def signed_unary(self, delta: int) -> None:  # the decoder's N(): sign, (|d|-1) ones, a zero
        self.flag(delta > 0)
        self.bits += [1] * (abs(delta) - 1) + [0]

    def text(self) -> str:
        padded = self.bits + [0] * (-len(self.bits) % 6)
        return "".join(
            _ALPHABET[sum(bit << k for k, bit in enumerate(padded[i : i + 6]))]
            for i in range(0, len(padded), 6)
        )


def _day(date: pd.Timestamp) -> int:
    return (date - pd.Timestamp("1970-01-01")).days - _EPOCH_DAY


def sina_calendar_body(sessions) -> str:
    """The body Sina serves for ``sessions`` (weekdays, sorted, unique)."""
    sessions = pd.DatetimeIndex(sessions).normalize()
    assert (sessions.day_of_week < 5).all() and sessions.is_monotonic_increasing
    weekdays = pd.bdate_range(sessions[0], sessions[-1])
    open_days = weekdays.isin(sessions)
    runs, length = [], 0  # runs of sessions, each ended by one closed weekday
    for is_open in open_days:
        if is_open:
            length += 1
        else:
            runs.append(length)
            length = 0
    runs.append(length)
    bits = _Bits()
    bits.value(_DATE_LIST_FUNCTION, 12)
    bits.value(63, 6)  # version: 63 ^ 63 = 0 passes the decoder's check
    bits.value(_day(sessions[0]), 18)
    bits.value(_day(sessions[-1]), 18)
    width = 0
    for run in runs:
        needed = max(width, (run.bit_length() + 2) // 3)
        bits.flag(needed != width)
        if needed != width:
            bits.signed_unary(needed - width)
            width = needed
        bits.value(run, 3 * width)
    return f'var datelist="{bits.text()}";var KLC_TD_SH=datelist;'


SINA_CALENDAR_URL = "https://finance.sina.com.cn/realstock/company/klc_td_sh.txt"

#: Closures the "official" test calendar knows after 2026 (weekdays that are not sessions), so a
#: test can tell it from plain weekdays: New Year 2027, a Spring-Festival week, National Day 2030.
OFFICIAL_CLOSURES = pd.DatetimeIndex(
    [
        "2027-01-01",
        *pd.bdate_range("2027-02-08", "2027-02-12"),
        *pd.bdate_range("2030-10-01", "2030-10-07"),
    ]
)


def official_sessions(library: pd.DatetimeIndex, end: str = "2030-12-31") -> pd.DatetimeIndex:
    """The library's sessions from 2024 on, then weekdays to ``end`` without the closures above:
    the shape of Sina's list (known sessions, then the next years)."""
    later = pd.bdate_range(library[-1] + pd.Timedelta(days=1), end)
    return library[library >= "2024-01-01"].append(later[~later.isin(OFFICIAL_CLOSURES)])


def synthetic_bars(sessions: pd.DatetimeIndex, symbols=("FIRM", "MARKET"), seed: int = 7):
    """Canonical close-only bars on ``sessions``: a market random walk and firms that follow it."""
    import numpy as np

    rng = np.random.default_rng(seed)
    market = rng.normal(0.0003, 0.01, len(sessions))
    frames = []
    for k, symbol in enumerate(symbols):
        own = market if symbol == symbols[-1] else 0.8 * market + rng.normal(0, 0.01, len(market))
        closes = 100 * (1 + k) * np.exp(np.cumsum(own))
        frames.append(
            pd.DataFrame(
                {
                    "symbol": symbol,
                    "date": pd.DatetimeIndex(sessions).astype("datetime64[us]"),
                    "open": closes,
                    "high": closes,
                    "low": closes,
                    "close": closes,
                    "volume": 1e6,
                    "amount": np.nan,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


STORED_TO = "2027-06-30"  # within a year of today (2026-12-01): the store refuses later bars


def prepare_source(source: str) -> str:
    """Prepare the current data directory so that sessions after the library's end come from
    ``source`` ("official", "store" or "weekdays"); returns how the study note must begin."""
    from data_sources.base import FetchResult
    from data_sources.cli import main
    from data_sources.store import Store
    from data_sources.trading_calendar import library_sessions

    library = library_sessions()
    end = f"{library[-1]:%Y-%m-%d}"
    if source == "official":  # Sina's file replayed; akshare's own request and decoder run
        import responses

        with responses.RequestsMock() as http:
            http.get(SINA_CALENDAR_URL, body=sina_calendar_body(official_sessions(library)))
            with contextlib.redirect_stdout(io.StringIO()):
                assert main(["calendar"]) == 0
        return f"sessions after {end} are from the official akshare calendar fetched "
    if source == "store":
        later = pd.bdate_range(library[-1] + pd.Timedelta(days=1), STORED_TO)
        dates = library[-60:].append(later[~later.isin(OFFICIAL_CLOSURES)])
        bars = synthetic_bars(dates, symbols=("000300.SH",))
        Store().write(FetchResult(bars, "akshare", "stock_zh_index_daily_em(sh000300)"))
        return (
            f"sessions after {end} are from the stored series (days on which a stored "
            f"akshare series has a bar) (to {STORED_TO}), then weekdays (no holidays known)"
        )
    return f"sessions after {end} are from weekdays (no holidays known)"


#: The fields of a test measure (id, date and timing are added per case).
MEASURE = {
    "title_zh": "测试措施",
    "title_en": "A test measure",
    "theme": "T2",
    # one text, not a list: a list shared by every record would be written by PyYAML as an
    # anchor and aliases, which the catalogue refuses (billion-laughs guard)
    "segments": "CHN",
    "source_url": "https://www.csrc.gov.cn/",
    "confidence": "verified",
}
