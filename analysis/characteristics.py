"""Traits of each instrument *before* each event, derived from its bars: the regressors of the
cross-sectional regression (:mod:`analysis.crosssection`).

Every trait is measured over the event's estimation window, on the study's calendar, and never
after t0: when an estimation window reaches t0 or later (an event window that starts after t0),
only its sessions strictly before t0 are read. Per (event, instrument) pair:

``size``
    log float market value (流通市值), in log yuan. A daily bar of akshare's ``stock_zh_a_hist``
    carries 成交额 (``amount``, yuan traded) and 换手率 (``turnover``, % of the float traded),
    so the float market value of that session is

        float value = amount / (turnover / 100)

    (turnover is the share of the float that changed hands, amount its value, so their ratio is
    the value of the whole float at that day's average traded price). Example: 成交额
    1,200,000,000 yuan at 换手率 2.4 % → float value 1.2e9 / 0.024 = 5.0e10 yuan,
    size = ln(5.0e10) = 24.635. The daily values are averaged arithmetically over the
    sessions of the window where both are positive, then logged: ``size = ln(mean(value))``.
    Sessions with no trade (a suspension, zero turnover) are left out of the mean.
``beta``
    slope on the benchmark from the study's own normal-return fit over the same window
    (``car_summary``'s ``beta``; NaN under the constant-mean model, 1 under market-adjusted).
``idio_vol``
    idiosyncratic volatility: the residual standard deviation of that fit (``sigma``, a
    decimal return per session).
``turnover``
    mean daily turnover (换手率) over the window, in % of the float per session.
``past_return``
    cumulative return over the window: the last valid close of the window over the last valid
    close before it (the session before the window; the window's first close when there is
    none) minus 1, a decimal. Closes, not compounded daily returns, so a suspension inside the
    window loses nothing.
``log_price``
    ln of the last valid close of the estimation window: with the default window (−250, −11)
    the close of session t0 − 11 (or the last valid one before it), not the close just before
    t0 (the price level before the event, ten sessions ahead of it). On adjusted
    series it is the adjusted level, not the price traded then (a back-adjusted, 后复权,
    series lies far above it): a note names those series.

A trait that cannot be derived (no amount or turnover for an instrument, no close) is NaN and a
note names the instruments. Turnover is not in the canonical bars: it comes from the store's
turnover side-table (:meth:`data_sources.store.Store.turnover`, filled by akshare fetches and by
imports of files that carry 换手率; for price files, :meth:`analysis.api.PriceFiles.turnover`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_sources.messages import Message

#: The traits derived here, in the order they are listed.
DERIVED_TRAITS = ("size", "beta", "idio_vol", "turnover", "past_return", "log_price")
#: The unit of each derived trait (the cross-section's ``units`` metadata names them).
TRAIT_UNITS = {
    "size": "log float market value in yuan (ln of amount / (turnover / 100))",
    "beta": "slope on the benchmark (unitless)",
    "idio_vol": "residual SD per session (decimal: 0.01 = 1 %)",
    "turnover": "mean daily turnover in % of the float",
    "past_return": "cumulative return over the estimation window (decimal)",
    "log_price": "ln of the last close of the estimation window (t0 − 11 by default), not the "
    "close just before t0",
}
#: How many instruments a note names before it says "and N more".
NAMED_IN_NOTE = 8


@dataclass(frozen=True)
class DerivedTraits:
    """``frame``: one row per (event_id, instrument) pair with :data:`DERIVED_TRAITS`;
    ``notes``: the traits that could not be derived, naming the instruments."""

    frame: pd.DataFrame
    notes: tuple[str, ...] = ()


def float_market_value(amount, turnover_pct):
    """Float market value = amount / (turnover / 100) (yuan, from 成交额 and 换手率 in %);
    NaN where either is missing, zero or negative (no trade says nothing about the float)."""
    amount = np.asarray(amount, dtype=float)
    turnover_pct = np.asarray(turnover_pct, dtype=float)
    usable = (amount > 0) & (turnover_pct > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(usable, amount / (turnover_pct / 100.0), np.nan)


def named(symbols: Sequence[str]) -> str:
    """``a, b, c`` or ``a, … (and 12 more)``: a list a note can carry."""
    symbols = list(symbols)
    shown = ", ".join(symbols[:NAMED_IN_NOTE])
    if len(symbols) > NAMED_IN_NOTE:
        return Message("{shown} (and {n} more)", shown=shown, n=len(symbols) - NAMED_IN_NOTE)
    return shown


def _positions(frame: pd.DataFrame, sessions: pd.DatetimeIndex, symbols) -> tuple:
    """Row (session) and column (symbol) of every row of ``frame``; −1 when not wanted. Each
    distinct symbol and date is looked up once (a look-up per row of text is slow)."""
    codes, uniques = pd.factorize(frame["symbol"])
    columns = pd.Index(symbols).get_indexer(pd.Index(uniques, dtype=object))[codes]
    # dates by binary search on the sorted calendar (faster than hashing every row's date)
    days = pd.DatetimeIndex(frame["date"]).as_unit("ns").asi8
    calendar = sessions.as_unit("ns").asi8
    rows = np.searchsorted(calendar, days)
    inside = rows < len(calendar)
    rows[inside & (calendar[np.minimum(rows, len(calendar) - 1)] != days)] = -1
    rows[~inside] = -1
    return rows, columns


def _wide(frame: pd.DataFrame, value: str, shape: tuple, where: tuple) -> np.ndarray:
    """A sessions × symbols array of ``value`` (NaN where absent; a repeated row: the last)."""
    out = np.full(shape, np.nan)
    rows, columns = where
    keep = (rows >= 0) & (columns >= 0)
    out[rows[keep], columns[keep]] = pd.to_numeric(frame[value], errors="coerce").to_numpy()[keep]
    return out


def _nanmean(block: np.ndarray) -> np.ndarray:
    """Column means over the non-missing values (NaN for a column with none), silently."""
    count = np.sum(~np.isnan(block), axis=0)
    total = np.nansum(block, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _last_valid(block: np.ndarray) -> np.ndarray:
    """Each column's last non-missing value (NaN when none)."""
    valid = ~np.isnan(block)
    if not len(block):
        return np.full(block.shape[1], np.nan)
    last = len(block) - 1 - np.argmax(valid[::-1], axis=0)
    values = block[last, np.arange(block.shape[1])]
    return np.where(valid.any(axis=0), values, np.nan)


def _first_valid(block: np.ndarray) -> np.ndarray:
    return _last_valid(block[::-1])


def derive_traits(
    bars: pd.DataFrame,
    pairs: pd.DataFrame,
    sessions: pd.DatetimeIndex,
    estimation_window: tuple[int, int],
    turnover: pd.DataFrame | None = None,
) -> DerivedTraits:
    """The traits of every pair before its event (see the module docstring).

    ``bars``: canonical bars (``symbol, date, close, amount`` …); ``pairs``: one row per
    (event_id, instrument) with ``event_session`` (t0) and, when the study fitted them,
    ``beta`` and ``sigma``; ``sessions``: the study's calendar; ``estimation_window``: relative
    sessions (a, b); ``turnover``: ``symbol, date, turnover`` (%), or None when unknown.
    """
    sessions = pd.DatetimeIndex(sessions)
    pairs = pairs.reset_index(drop=True)
    symbols = list(dict.fromkeys(pairs["instrument"]))
    shape = (len(sessions), len(symbols))
    where = _positions(bars, sessions, symbols)
    closes = _wide(bars, "close", shape, where)
    closes[~(closes > 0)] = np.nan
    amounts = _wide(bars, "amount", shape, where)
    if turnover is not None and len(turnover):
        turns = _wide(turnover, "turnover", shape, _positions(turnover, sessions, symbols))
    else:
        turns = np.full_like(closes, np.nan)
    values = float_market_value(amounts, turns)
    turns[~(turns >= 0)] = np.nan
    column_of = pd.Index(symbols).get_indexer(pd.Index(pairs["instrument"], dtype=object))
    a, b = estimation_window
    traits = {name: np.full(len(pairs), np.nan) for name in DERIVED_TRAITS}
    for name, source in (("beta", "beta"), ("idio_vol", "sigma")):
        if source in pairs:
            traits[name] = pairs[source].to_numpy(dtype=float)
    notes = []
    for (event_id, t0), rows in pairs.groupby(
        ["event_id", "event_session"], sort=False
    ).indices.items():
        position = sessions.searchsorted(pd.Timestamp(t0))
        start = max(position + a, 0)
        stop = max(min(position + b, position - 1) + 1, 0)  # never t0 or after
        columns = column_of[rows]
        window = slice(start, stop)
        last = _last_valid(closes[window][:, columns])
        first = _first_valid(closes[max(start - 1, 0) : stop][:, columns])
        with np.errstate(invalid="ignore", divide="ignore"):
            traits["size"][rows] = np.log(_nanmean(values[window][:, columns]))
            traits["past_return"][rows] = last / first - 1.0
            traits["log_price"][rows] = np.log(last)
        traits["turnover"][rows] = _nanmean(turns[window][:, columns])
        names = pairs["instrument"].to_numpy()[rows]
        no_size = names[np.isnan(traits["size"][rows])].tolist()
        if no_size:
            notes.append(
                Message(
                    "size and turnover need amount (成交额) and turnover (换手率) in the "
                    "estimation window before {event}: not derived for {instruments}",
                    event=event_id,
                    instruments=named(no_size),
                )
            )
        no_price = names[np.isnan(traits["log_price"][rows])].tolist()
        if no_price:
            notes.append(
                Message(
                    "past_return and log_price need closes in the estimation window before "
                    "{event}: not derived for {instruments}",
                    event=event_id,
                    instruments=named(no_price),
                )
            )
    frame = pd.DataFrame({"event_id": pairs["event_id"], "instrument": pairs["instrument"]})
    for name in DERIVED_TRAITS:
        frame[name] = traits[name]
    return DerivedTraits(frame, tuple(notes))


#: How the notes on traits that could not be derived begin (each names the traits).
_DERIVED_NOTES = (
    "size and turnover",
    "past_return and log_price",
    "beta is not defined",
    "log_price uses",
)


def note_concerns(note: str, regressors: Sequence[str]) -> bool:
    """Whether a trait note matters for a regression on ``regressors``: a note on a derived
    trait only when it names one of them; every other note always."""
    if not str(note).startswith(_DERIVED_NOTES):
        return True
    head = str(note).split(" need")[0].split(" is not defined")[0].split(" uses")[0]
    return any(name in head.replace(" and ", " ").split() for name in regressors)


def outcome_pairs(outcome, window: tuple[int, int] | None = None) -> pd.DataFrame:
    """The estimated (event, instrument) pairs of a study with their fit's beta and sigma."""
    summary = outcome.car_summary
    window = tuple(window or outcome.headline_window)
    rows = summary[(summary["window_start"] == window[0]) & (summary["window_end"] == window[1])]
    columns = ["event_id", "instrument", "event_session", "model", "beta", "sigma"]
    return rows[columns].reset_index(drop=True)


def outcome_traits(outcome, turnover: pd.DataFrame | None = None) -> DerivedTraits:
    """:func:`derive_traits` for the pairs of a :class:`~analysis.api.StudyOutcome`: its
    bars, calendar, estimation window and fitted beta and sigma."""
    resolved = outcome.resolved
    pairs = outcome_pairs(outcome)
    derived = derive_traits(
        resolved.bars, pairs, resolved.sessions, tuple(outcome.spec.estimation_window), turnover
    )
    notes = list(derived.notes)
    constant_mean = pairs.loc[pairs["model"] == "constant-mean", "instrument"].unique()
    if len(constant_mean):  # said, so "left out, no beta" has its reason
        notes.append(
            Message(
                "beta is not defined for {instruments}: the constant-mean model (used for "
                "market-wide indices) has no slope on the benchmark",
                instruments=named(list(constant_mean)),
            )
        )
    records = resolved.price_records or {}
    adjusted = [
        symbol
        for symbol in dict.fromkeys(pairs["instrument"])
        if _is_adjusted(records.get(symbol, {}).get("adjustment"))
    ]
    if adjusted:
        notes.append(
            Message(
                "log_price uses adjusted closes for {instruments}: an adjusted level, not the "
                "price traded then (back-adjusted series lie far above it)",
                instruments=named(adjusted),
            )
        )
    return DerivedTraits(derived.frame, tuple(notes))


def _is_adjusted(adjustment) -> bool:
    """Whether a price record's adjustment makes the close level differ from the traded
    price (data_sources.prices: "adjusted (…)", "vendor-adjusted (hfq/qfq)")."""
    return isinstance(adjustment, str) and adjustment.split(" ")[0] in (
        "adjusted",
        "vendor-adjusted",
    )
