"""The canonical daily-bar table that every source yields and the store keeps.

Columns: ``symbol, date, open, high, low, close, volume, amount``; ``date`` is datetime64 (no time
zone, midnight = the session date); rows are sorted by symbol then date and unique per
symbol+date. Prices are floats; ``close`` must be present and positive, the other price and volume
columns may be NaN when a source does not provide them (a CSV of closes only, say).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from data_sources.errors import DataSourceError

CANONICAL_COLUMNS = ["symbol", "date", "open", "high", "low", "close", "volume", "amount"]
NUMERIC_COLUMNS = ["open", "high", "low", "close", "volume", "amount"]

# Canonical symbols look like 000300.SH, 399006.SZ, 508000.SH or a user's own file stem. The
# pattern also keeps a symbol safe as a file name in the store (no path separators, no "..").
_SYMBOL_PATTERN = re.compile(r"^[^\W_][\w.\-]{0,39}$")


def check_symbol(symbol: object) -> str:
    """Return ``symbol`` stripped, or raise :class:`DataSourceError` saying why it is not usable."""
    if not isinstance(symbol, str):
        raise DataSourceError(f"symbol must be text, got {type(symbol).__name__}")
    cleaned = symbol.strip()
    if not _SYMBOL_PATTERN.match(cleaned) or ".." in cleaned:
        shown = cleaned if len(cleaned) <= 40 else cleaned[:40] + "…"
        raise DataSourceError(
            f"symbol {shown!r} is not valid: use 1-40 letters (any script), digits, "
            "'.', '_' or '-' "
            "(for example 000300.SH)"
        )
    return cleaned


#: Dates a price series may carry: from 1900 (older data are not daily market data anyone
#: feeds this tool) to a year ahead (a typo such as 5024 would otherwise overflow the
#: nanosecond timestamps pandas uses, or sit in the future unnoticed).
EARLIEST_DATE = pd.Timestamp("1900-01-01")


def latest_date() -> pd.Timestamp:
    return pd.Timestamp.today().normalize() + pd.Timedelta(days=366)


def parse_dates(values: pd.Series, date_format: str | None = None) -> pd.Series:
    """Dates of any common spelling (or ``date_format``) as naive timestamps; NaT where a value
    is not a date. Never raises: mixed time zones and out-of-range years become NaT or are
    caught by the range check of the caller."""
    try:
        if date_format is not None:
            parsed = pd.to_datetime(values, errors="coerce", format=date_format)
        else:
            parsed = pd.to_datetime(values, errors="coerce", format="mixed")
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_localize(None)
        return parsed.astype("datetime64[us]")
    except (ValueError, TypeError, OverflowError):
        # e.g. mixed time zones: one value at a time, each made naive
        return pd.Series(
            [_one_date(value) for value in values], index=values.index, dtype="datetime64[us]"
        )


def _one_date(value):
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return pd.NaT
    if stamp is pd.NaT:
        return pd.NaT
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def empty_bars() -> pd.DataFrame:
    """An empty canonical table with the right dtypes."""
    frame = pd.DataFrame({column: pd.Series(dtype="float64") for column in CANONICAL_COLUMNS})
    frame["symbol"] = frame["symbol"].astype("object")
    frame["date"] = pd.Series(dtype="datetime64[ns]")
    return frame[CANONICAL_COLUMNS]


def to_canonical(frame: pd.DataFrame, symbol: str, *, source: str | None = None) -> pd.DataFrame:
    """Coerce a frame that already has canonical column names (some may be missing) and validate it.

    Missing optional columns are added as NaN; ``date`` is parsed; rows are sorted. Raises
    :class:`DataSourceError` naming what is wrong (no close column, unparseable dates, duplicate
    dates, non-positive closes).
    """
    symbol = check_symbol(symbol)
    if "date" not in frame.columns:
        raise DataSourceError("no date column", symbol=symbol, source=source)
    if "close" not in frame.columns:
        raise DataSourceError("no close column", symbol=symbol, source=source)
    out = pd.DataFrame(index=frame.index)
    out["symbol"] = symbol
    dates = parse_dates(frame["date"])
    if dates.isna().any():
        bad = frame.loc[dates.isna().to_numpy(), "date"].iloc[0]
        raise DataSourceError(
            f"date {bad!r} cannot be read as a date", symbol=symbol, source=source
        )
    outside = (dates < EARLIEST_DATE) | (dates > latest_date())
    if outside.any():
        bad = frame.loc[outside.to_numpy(), "date"].iloc[0]
        raise DataSourceError(
            f"date {bad!r} is outside {EARLIEST_DATE:%Y-%m-%d}…{latest_date():%Y-%m-%d}",
            symbol=symbol,
            source=source,
        )
    out["date"] = dates.dt.normalize().astype("datetime64[ns]").to_numpy()
    for column in NUMERIC_COLUMNS:
        if column in frame.columns:
            out[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        else:
            out[column] = np.nan
    out = out[CANONICAL_COLUMNS]
    validate_bars(out, source=source)
    return out.sort_values(["symbol", "date"], kind="mergesort").reset_index(drop=True)


def validate_bars(frame: pd.DataFrame, *, source: str | None = None) -> None:
    """Raise :class:`DataSourceError` unless ``frame`` satisfies the canonical schema."""
    missing = [column for column in CANONICAL_COLUMNS if column not in frame.columns]
    if missing:
        raise DataSourceError(f"missing columns {missing}", source=source)
    if frame.empty:
        return
    symbol = str(frame["symbol"].iloc[0]) if frame["symbol"].nunique() == 1 else None
    if not pd.api.types.is_datetime64_any_dtype(frame["date"]):
        raise DataSourceError("date column is not datetime64", symbol=symbol, source=source)
    duplicated = frame.duplicated(["symbol", "date"])
    if duplicated.any():
        first = frame.loc[duplicated].iloc[0]
        raise DataSourceError(
            f"duplicate date {first['date']:%Y-%m-%d}", symbol=str(first["symbol"]), source=source
        )
    close = frame["close"]
    if close.isna().all():
        raise DataSourceError("close column has no numbers", symbol=symbol, source=source)
    bad_close = close.notna() & (close <= 0)
    if bad_close.any():
        first = frame.loc[bad_close].iloc[0]
        raise DataSourceError(
            f"close {first['close']} on {first['date']:%Y-%m-%d} is not positive",
            symbol=str(first["symbol"]),
            source=source,
        )
