"""From canonical bars to an event study: the one path the dashboard and the CLI share.

Prices are pivoted to a wide close table, placed on the session calendar (between the first and
last date of the data), turned into returns, and handed to :func:`run_event_study`. Because both
front ends call :func:`study_from_bars`, they cannot disagree on a number.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.event_study import (
    Event,
    EventStudyInputError,
    EventStudyResult,
    EventStudySpec,
    run_event_study,
)
from analysis.returns import align_to_sessions, compute_returns


def closes_wide(bars: pd.DataFrame) -> pd.DataFrame:
    """Canonical long bars → close prices, one column per symbol, indexed by date."""
    return bars.pivot(index="date", columns="symbol", values="close").sort_index()


def study_from_bars(
    bars: pd.DataFrame,
    instruments: Sequence[str],
    events: Sequence[Event],
    spec: EventStudySpec,
    sessions: pd.DatetimeIndex,
    market_symbol: str | None = None,
    constant_mean_for: Sequence[str] = (),
) -> EventStudyResult:
    """Run ``spec`` on ``instruments`` around ``events`` with the closes in ``bars``.

    ``sessions`` defines relative days (the Shanghai calendar, or the data's own dates for
    non-Chinese series). ``constant_mean_for``: market-wide instruments measured with the
    constant-mean model (see :func:`run_event_study`). Rows on dates outside ``sessions`` are
    ignored and reported in ``result.notes``.
    """
    wanted = list(dict.fromkeys(instruments))
    needed = wanted + ([market_symbol] if market_symbol and market_symbol not in wanted else [])
    missing = [symbol for symbol in needed if symbol not in set(bars["symbol"])]
    if missing:
        raise EventStudyInputError(f"no price data for {', '.join(missing)}")
    closes = closes_wide(bars[bars["symbol"].isin(needed)])
    span = sessions[(sessions >= closes.index.min()) & (sessions <= closes.index.max())]
    if len(span) < 2:
        raise EventStudyInputError("the price data cover fewer than two sessions of the calendar")
    off_calendar = closes.index.difference(span)
    notes = []
    if len(off_calendar):
        notes.append(
            f"{len(off_calendar)} price date(s) that are not sessions of the calendar "
            f"were ignored (first: {off_calendar[0]:%Y-%m-%d})"
        )
    returns = compute_returns(align_to_sessions(closes, span), spec.returns)
    market = returns[market_symbol] if market_symbol else None
    if spec.model == "constant-mean":
        market = None
    result = run_event_study(
        returns[wanted],
        events,
        spec,
        market=market,
        market_symbol=market_symbol if market is not None else None,
        constant_mean_for=constant_mean_for,
    )
    result.notes.extend(notes)
    return result
