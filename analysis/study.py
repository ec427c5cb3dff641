"""From canonical bars to returns on the session calendar: the first step of every study.

:func:`prepare_returns` is called by :func:`analysis.api.run` (the one study API that the
dashboard, the CLI and the Themes page use); the inferred-session helpers are shared with the
dashboard's calendar notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.event_study import EventStudyInputError
from analysis.returns import align_to_sessions, bridged_returns, compute_returns
from data_sources.messages import Message, joined


def closes_wide(bars: pd.DataFrame) -> pd.DataFrame:
    """Canonical long bars → close prices, one column per symbol, indexed by date."""
    return bars.pivot(index="date", columns="symbol", values="close").sort_index()


def segments_reached(segments: Sequence, first=None, last=None) -> list:
    """The inferred segments that the sessions ``first`` … ``last`` reach into (an open end
    when ``None``)."""
    return [
        s
        for s in segments
        if (last is None or s.after < pd.Timestamp(last))
        and (first is None or s.last >= pd.Timestamp(first))
    ]


def inferred_sessions_note(segments: Sequence, first, last) -> str | None:
    """ "sessions after 2026-12-31 are from …" for the inferred segments that the sessions
    ``first`` … ``last`` reach into; None when they reach into none."""
    used = segments_reached(segments, first, last)
    if not used:
        return None
    parts = [
        Message("{source} (to {last})", source=_calendar_source(s), last=f"{s.last:%Y-%m-%d}")
        for s in used
    ]
    return Message(
        "sessions after {after} are from {sources}",
        after=f"{used[0].after:%Y-%m-%d}",
        sources=joined(", then ", parts),
    )


def _calendar_source(segment) -> Message:
    """Where an inferred segment's sessions come from (its ``source``, as a message)."""
    if segment.kind == "official":
        return Message("the official akshare calendar fetched {date}", date=segment.fetched)
    return Message(
        segment.source
    )  # STORE_SOURCE or WEEKDAYS_SOURCE (data_sources.trading_calendar)


@dataclass(frozen=True)
class PreparedReturns:
    """Returns on the calendar for a study: ``returns`` (sessions × symbols, NaN = missing),
    ``span`` (the sessions between the data's first and last date) and ``notes`` as
    ``(kind, text)`` pairs: closes treated as missing, dates off the calendar, inferred
    sessions."""

    returns: pd.DataFrame
    span: pd.DatetimeIndex
    notes: tuple[tuple[str, str], ...]


def prepare_returns(
    bars: pd.DataFrame,
    instruments: Sequence[str],
    market_symbol: str | None,
    sessions: pd.DatetimeIndex,
    kind: str = "simple",
    inferred_sessions: Sequence = (),
    attribute_suspensions: bool = False,
) -> PreparedReturns:
    """Canonical bars of ``instruments`` (and the benchmark) → returns on ``sessions``.

    Prices are pivoted to a wide close table and placed on the calendar between the first and
    last date of the data. A close that is not a finite positive number is a missing price;
    rows on dates that are not sessions are ignored; both are said in the notes, as is a span
    reaching into inferred sessions (objects with ``after``, ``last`` and ``source``, e.g.
    :class:`data_sources.trading_calendar.InferredSegment`).

    ``attribute_suspensions``: the return over a run of missing sessions inside a series (a
    suspension) is booked on the first session after it (:func:`analysis.returns.
    bridged_returns`); by default that session's return is missing too.
    """
    wanted = list(dict.fromkeys(instruments))
    needed = wanted + ([market_symbol] if market_symbol and market_symbol not in wanted else [])
    present = set(bars["symbol"].unique())  # once: a set per symbol scanned every row
    missing = [symbol for symbol in needed if symbol not in present]
    if missing:
        raise EventStudyInputError(f"no price data for {', '.join(missing)}")
    closes = closes_wide(bars[bars["symbol"].isin(needed)])
    span = sessions[(sessions >= closes.index.min()) & (sessions <= closes.index.max())]
    if len(span) < 2:
        raise EventStudyInputError("the price data cover fewer than two sessions of the calendar")
    off_calendar = closes.index.difference(span)
    notes = []
    unusable = ~(np.isfinite(closes) & (closes > 0))
    unusable &= closes.notna()
    if unusable.any().any():  # e.g. inf or 1e400 in a file: a missing price, said so
        for symbol in closes.columns[unusable.any()]:
            dates = closes.index[unusable[symbol]]
            notes.append(
                (
                    "data",
                    Message(
                        "{symbol}: {n} close(s) that are not finite positive numbers were treated "
                        "as missing (first: {first})",
                        symbol=symbol,
                        n=len(dates),
                        first=f"{dates[0]:%Y-%m-%d}",
                    ),
                )
            )
        closes = closes.where(~unusable)
    # dates before the calendar's first session (XSHG from exchange_calendars starts in 2005)
    # are sessions the calendar does not know, not "not sessions": say which is which
    early = off_calendar[off_calendar < sessions[0]]
    if len(early):
        notes.append(
            (
                "data",
                Message(
                    "{n} price date(s) before the calendar's first session {first} were ignored "
                    "(from {start})",
                    n=len(early),
                    first=f"{sessions[0]:%Y-%m-%d}",
                    start=f"{early[0]:%Y-%m-%d}",
                ),
            )
        )
    off_calendar = off_calendar[off_calendar >= sessions[0]]
    if len(off_calendar):
        notes.append(
            (
                "data",
                Message(
                    "{n} price date(s) that are not sessions of the calendar were ignored "
                    "(first: {first})",
                    n=len(off_calendar),
                    first=f"{off_calendar[0]:%Y-%m-%d}",
                ),
            )
        )
    calendar_note = inferred_sessions_note(inferred_sessions, span[0], span[-1])
    if calendar_note:
        notes.append(("calendar", calendar_note))
    aligned = align_to_sessions(closes, span)
    if attribute_suspensions:
        returns = bridged_returns(aligned, kind)
    else:
        returns = compute_returns(aligned, kind)
    return PreparedReturns(returns, span, tuple(notes))


def _window_sessions(span: pd.DatetimeIndex, t0, window: tuple[int, int]) -> pd.DatetimeIndex:
    position = span.get_indexer([pd.Timestamp(t0)])[0]
    if position < 0:
        return span[:0]
    start, end = max(position + window[0], 0), max(position + window[1] + 1, 0)
    return span[start:end]


def price_diagnostics(
    records: dict[str, dict],
    events: Sequence,
    span: pd.DatetimeIndex,
    estimation_window: tuple[int, int],
    event_window: tuple[int, int],
    attribute_suspensions: bool = False,
) -> list:
    """One :class:`~analysis.records.Diagnostic` per series × event whose estimation or event
    window holds a suspended session (status ``suspended``) or a day-return beyond the
    board's price limit in a file without adjustment (``unadjusted price``), listing every
    such day. ``records``: the series' price records (:mod:`data_sources.prices`)."""
    from analysis.records import Diagnostic

    out = []
    for symbol, record in records.items():
        suspended = pd.DatetimeIndex(pd.to_datetime(record.get("suspended") or []))
        breaks = pd.DatetimeIndex(pd.to_datetime([b[0] for b in record.get("limit_breaks") or []]))
        for event in events:
            windows = [
                (
                    Message("event window"),
                    _window_sessions(span, event.event_session, event_window),
                ),
                (
                    Message("estimation window"),
                    _window_sessions(span, event.event_session, estimation_window),
                ),
            ]
            parts = _days_in_windows(windows, suspended)
            if parts:
                booked = Message(
                    "the return over each suspension is booked on the session after it, "
                    "against the benchmark's return of that session alone (not compounded "
                    "over the suspension: that day's abnormal return is approximate)"
                    if attribute_suspensions
                    else "the session after each suspension has no return either"
                )
                if pd.Timestamp(event.event_session) in suspended:
                    parts.append(
                        Message(
                            "t0 {t0} is itself a suspended session: a CAR starting at t0 {what}",
                            t0=f"{pd.Timestamp(event.event_session):%Y-%m-%d}",
                            what=Message(
                                "has the reaction only on the resumption day"
                                if attribute_suspensions
                                else "misses the reaction (the resumption day has no return either)"
                            ),
                        )
                    )
                out.append(
                    Diagnostic(
                        event.event_id,
                        event.event_date,
                        symbol,
                        "suspended",
                        Message(
                            "suspended sessions (treated as missing, no return) {parts}; {booked}",
                            parts=joined("; ", parts),
                            booked=booked,
                        ),
                    )
                )
            parts = _days_in_windows(windows, breaks)
            if parts:
                out.append(
                    Diagnostic(
                        event.event_id,
                        event.event_date,
                        symbol,
                        "unadjusted price",
                        Message(
                            "prices {adjustment}: day-returns beyond the board's price limit "
                            "(likely an ex-rights day read as a price move) {parts}",
                            adjustment=record.get("adjustment") or "unknown",
                            parts=joined("; ", parts),
                        ),
                    )
                )
    return out


def _days_in_windows(windows, days: pd.DatetimeIndex) -> list[str]:
    """``"k in the <window>: d1, d2"`` for each named window holding some of ``days``."""
    parts = []
    for name, sessions in windows:
        found = sessions.intersection(days)
        if len(found):
            listed = ", ".join(f"{d:%Y-%m-%d}" for d in found)
            parts.append(Message("{n} in the {name}: {days}", n=len(found), name=name, days=listed))
    return parts
