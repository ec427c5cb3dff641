"""From canonical bars to an event study: the one path the dashboard and the CLI share.

Prices are pivoted to a wide close table, placed on the session calendar (between the first and
last date of the data), turned into returns, and handed to :func:`run_event_study`. Because both
front ends call :func:`study_from_bars`, they cannot disagree on a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.event_study import (
    Event,
    EventStudyInputError,
    EventStudyResult,
    EventStudySpec,
    run_event_study,
)
from analysis.placebo import placebo_test
from analysis.responses import AbnormalVolumeResult, abnormal_volatility, abnormal_volume
from analysis.returns import align_to_sessions, compute_returns


@dataclass(frozen=True, eq=False)
class StudyResult(EventStudyResult):
    """An event study with what :func:`study_from_bars` adds: the placebo, abnormal volume and
    abnormal volatility (a bridge until the study API's outcome carries them)."""

    placebo: pd.DataFrame = field(default_factory=pd.DataFrame)
    placebo_summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    volume: AbnormalVolumeResult | None = None
    volatility: pd.DataFrame = field(default_factory=pd.DataFrame)
    volatility_tests: pd.DataFrame = field(default_factory=pd.DataFrame)

    def frames(self, tests: bool = True) -> dict[str, pd.DataFrame]:
        frames = super().frames(tests)
        if len(self.placebo):
            frames["placebo"] = self.placebo
            frames["placebo_summary"] = self.placebo_summary
        if self.volume is not None:
            frames["abnormal_volume"] = self.volume.daily
            frames["abnormal_volume_tests"] = self.volume.tests
        if len(self.volatility):
            frames["abnormal_volatility"] = self.volatility
            frames["abnormal_volatility_tests"] = self.volatility_tests
        return frames


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
    parts = [f"{s.source} (to {s.last:%Y-%m-%d})" for s in used]
    return f"sessions after {used[0].after:%Y-%m-%d} are from " + ", then ".join(parts)


def study_from_bars(
    bars: pd.DataFrame,
    instruments: Sequence[str],
    events: Sequence[Event],
    spec: EventStudySpec,
    sessions: pd.DatetimeIndex,
    market_symbol: str | None = None,
    constant_mean_for: Sequence[str] = (),
    statistics: Sequence[str] | None = None,
    adjust_bh: bool = False,
    placebo_draws: int = 0,
    placebo_seed: int = 20200727,
    excluded_sessions: Sequence[pd.Timestamp] = (),
    responses: bool = False,
    inferred_sessions: Sequence = (),
) -> StudyResult:
    """Run ``spec`` on ``instruments`` around ``events`` with the closes in ``bars``.

    ``sessions`` defines relative days (the Shanghai calendar, or the data's own dates for
    non-Chinese series). ``constant_mean_for``: market-wide instruments measured with the
    constant-mean model (see :func:`run_event_study`). Rows on dates outside ``sessions`` are
    ignored and reported in ``result.notes``. ``statistics``/``adjust_bh``: the tests table.
    ``placebo_draws`` > 0 (one event only): a placebo distribution from pseudo-events outside
    ``excluded_sessions`` (catalogue events). ``responses``: abnormal volume (when the bars
    carry volume) and abnormal volatility. ``inferred_sessions``: segments of ``sessions`` that
    were inferred rather than known (objects with ``after``, ``last`` and ``source``, e.g.
    :class:`data_sources.trading_calendar.InferredSegment`); a study whose data reach into one
    says so in its notes.
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
                f"{symbol}: {len(dates)} close(s) that are not finite positive numbers were "
                f"treated as missing (first: {dates[0]:%Y-%m-%d})"
            )
        closes = closes.where(~unusable)
    if len(off_calendar):
        notes.append(
            f"{len(off_calendar)} price date(s) that are not sessions of the calendar "
            f"were ignored (first: {off_calendar[0]:%Y-%m-%d})"
        )
    calendar_note = inferred_sessions_note(inferred_sessions, span[0], span[-1])
    if calendar_note:
        notes.append(calendar_note)
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
        statistics=statistics,
        adjust_bh=adjust_bh,
    )
    added = {}
    if placebo_draws and len(events) != 1:
        raise EventStudyInputError("a placebo test needs exactly one event")
    if placebo_draws and result.panel is None:  # the diagnostics say why; a placebo of nothing
        notes.append("placebo left out: no instrument could be estimated at the event")
    elif placebo_draws:
        added["placebo"], added["placebo_summary"] = placebo_test(
            returns[wanted],
            market,
            spec,
            events[0].event_session,
            excluded_sessions,
            placebo_draws,
            placebo_seed,
            constant_mean_for=constant_mean_for,
            market_symbol=market_symbol if market is not None else None,
        )
        drawn = added["placebo"]["draw"].nunique()
        if drawn < placebo_draws:
            notes.append(
                f"placebo: only {drawn} sessions lie outside every event window with a full "
                f"estimation window; {drawn} draws instead of {placebo_draws}"
            )
    if responses:
        volumes = (
            bars[bars["symbol"].isin(wanted)]
            .pivot(index="date", columns="symbol", values="volume")
            .reindex(span)[wanted]
        )
        if volumes.notna().any().any():
            added["volume"] = abnormal_volume(volumes, events, spec, statistics)
        else:
            notes.append("no volume in the data: abnormal volume left out")
        volatility = abnormal_volatility(result)
        added["volatility"], added["volatility_tests"] = volatility.ratios, volatility.tests
    fields = {name: getattr(result, name) for name in EventStudyResult.__dataclass_fields__}
    return StudyResult(**{**fields, "notes": (*result.notes, *notes), **added})
