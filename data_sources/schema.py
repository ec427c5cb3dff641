"""The canonical daily-bar table that every source yields and the store keeps.

Columns: ``symbol, date, open, high, low, close, volume, amount``; ``date`` is datetime64 (no time
zone, midnight = the session date); rows are sorted by symbol then date and unique per
symbol+date. Prices are floats; ``close`` must be present and positive, the other price and volume
columns may be NaN when a source does not provide them (a CSV of closes only, say).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

import numpy as np
import pandas as pd

from data_sources.errors import DataSourceError

CANONICAL_COLUMNS = ["symbol", "date", "open", "high", "low", "close", "volume", "amount"]
NUMERIC_COLUMNS = ["open", "high", "low", "close", "volume", "amount"]

# Canonical symbols look like 000300.SH, 399006.SZ, 508000.SH or a user's own name. ASCII only:
# look-alike letters (Cyrillic "ЅН" for "SH") or digits (mathematical 𝟎) would otherwise make a
# second series that reads like the first. The pattern also keeps a symbol safe as a file name
# in the store (no path separators, no "..").
_SYMBOL_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
# Symbols stored before the ASCII rule (a user's "沪深300") stay readable and deletable.
_STORED_SYMBOL_PATTERN = re.compile(r"^[^\W_][\w.\-]{0,39}$")
SYMBOL_RULE = "1-40 ASCII letters, digits, '.', '_' or '-' (for example 000300.SH)"


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")


def check_symbol(symbol: object) -> str:
    """Return ``symbol`` in NFKC form and stripped (fullwidth ０００３００.ＳＨ and mathematical
    digits become 000300.SH), or raise :class:`DataSourceError` saying why it is not usable."""
    if not isinstance(symbol, str):
        raise DataSourceError(f"symbol must be text, got {type(symbol).__name__}")
    cleaned = unicodedata.normalize("NFKC", symbol).strip()
    foreign = next((char for char in cleaned if not char.isascii()), None)
    if foreign is not None:
        raise DataSourceError(
            f"symbol {_shown(cleaned)} is not valid: {foreign!r} (U+{ord(foreign):04X}) is not "
            f"an ASCII character; look-alike letters or digits would make a second series "
            f"that reads like the first. Use {SYMBOL_RULE}"
        )
    if not _SYMBOL_PATTERN.match(cleaned) or ".." in cleaned:
        raise DataSourceError(f"symbol {_shown(cleaned)} is not valid: use {SYMBOL_RULE}")
    return cleaned


def check_stored_symbol(symbol: object) -> str:
    """Like :func:`check_symbol` for reading or removing what is already stored: also accepts
    the non-ASCII names the store took before the ASCII rule (exactly as stored)."""
    if isinstance(symbol, str):
        cleaned = symbol.strip()
        if _STORED_SYMBOL_PATTERN.match(cleaned) and ".." not in cleaned:
            return cleaned
    return check_symbol(symbol)


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


_DAY_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%Y年%m月%d日",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%m-%d-%Y",
)
_TIME_PARTS = ("", " %H:%M", " %H:%M:%S", " %H:%M:%S.%f", "T%H:%M:%S", "T%H:%M:%S.%f")
#: The formats a date column may have, tried in this order; every cell of a column must fit
#: the same one (a cell parsed on its own read 13/01/2024 as 13 January and 10/01/2024 as
#: 1 October in the same file).
DATE_FORMATS = tuple(day + time for day in _DAY_FORMATS for time in _TIME_PARTS)
#: Excel serial day numbers (days since 1899-12-30) accepted as dates: 1950-01-01 … 2099-12-31,
#: so a column of small counts or of YYYYMMDD numbers is never read as serial dates.
EXCEL_SERIAL_RANGE = (18264, 73050)
EXCEL_SERIAL = "Excel serial day numbers"
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_AMBIGUOUS_HINT = {"%d/%m/%Y": "day/month/year", "%m/%d/%Y": "month/day/year"}


class AmbiguousDates(DataSourceError):
    """A date column that reads as more than one format with different dates."""


def _with_format(text: pd.Series, date_format: str) -> pd.Series:
    if date_format == EXCEL_SERIAL:
        if not text.str.fullmatch(_SERIAL).all():
            return pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
        days = pd.to_numeric(text, errors="coerce")
        inside = days.between(*EXCEL_SERIAL_RANGE)
        stamps = pd.Timestamp("1899-12-30") + pd.to_timedelta(days.where(inside), unit="D")
        return stamps.astype("datetime64[us]")
    try:
        parsed = pd.to_datetime(text, errors="coerce", format=date_format)
    except (ValueError, TypeError, OverflowError):
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    return parsed.astype("datetime64[us]")


def parse_date_column(
    values: pd.Series, date_format: str | None = None, *, column: str = "date"
) -> tuple[pd.Series, str | None]:
    """Dates of a column of text in ONE format for the whole column: ``date_format`` when given,
    else the one of :data:`DATE_FORMATS` (or Excel serials) that reads every cell.

    Returns the dates (NaT where a cell does not fit) and the format used (``None`` when no
    cell fits any). Raises :class:`AmbiguousDates` when two formats read every cell with
    different results (10/01/2024 … 12/01/2024: day/month/year and month/day/year both fit).
    """
    text = values.astype("string").str.strip()
    if date_format is not None:
        return _with_format(text, date_format), date_format
    present = text.dropna()
    present = present[present != ""]
    if present.empty:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]"), None
    sample = present.iloc[:20]
    candidates = [
        fmt for fmt in (*DATE_FORMATS, EXCEL_SERIAL) if _with_format(sample, fmt).notna().any()
    ]
    best: tuple[int, pd.Series, str] | None = None
    complete: list[tuple[str, pd.Series]] = []
    for fmt in candidates:
        parsed = _with_format(text, fmt)
        read = int(parsed.notna().sum())
        if read == len(text):
            if not any(parsed.equals(other) for _, other in complete):
                complete.append((fmt, parsed))
        elif best is None or read > best[0]:
            best = (read, parsed, fmt)
    if len(complete) > 1:
        fmts = [fmt for fmt, _ in complete]
        first = present.iloc[0]
        readings = "; ".join(
            f"{fmt} ({_AMBIGUOUS_HINT.get(fmt, 'another order')}) reads {first!r} as "
            f"{parsed.loc[present.index[0]]:%d %B %Y}"
            for fmt, parsed in complete
        )
        raise AmbiguousDates(
            f"column {column!r}: every date fits more than one format ({readings}); "
            f"say which with --date-format {fmts[0].split(' ')[0]!r} or "
            f"{fmts[1].split(' ')[0]!r} (CLI) or the date-format choice (Data page)"
        )
    if complete:
        return complete[0][1], complete[0][0]
    if best is None:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]"), None
    return best[1], best[2]


def date_fits_format(value: object, date_format: str) -> bool:
    """Whether ``value`` has ``date_format`` although pandas could not represent it (a year
    such as 5024 is out of range for a check downstream, not "not a date")."""
    try:
        datetime.strptime(str(value).strip(), date_format)
    except (ValueError, TypeError):
        return False
    return True


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
    raw_dates = frame["date"]
    if raw_dates.map(lambda value: isinstance(value, str)).all():
        try:  # text: one format for the whole column (never each cell on its own)
            dates, _ = parse_date_column(raw_dates)
        except AmbiguousDates as error:
            raise DataSourceError(error.reason, symbol=symbol, source=source) from None
    else:
        dates = parse_dates(raw_dates)
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
    out.attrs["ohlc_blanked"] = blank_inconsistent_ohlc(out)
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
    numbers = frame[NUMERIC_COLUMNS].to_numpy(dtype="float64", na_value=np.nan)
    infinite = np.isinf(numbers)
    if infinite.any():
        row, column = (int(i[0]) for i in np.nonzero(infinite))
        raise _row_error(frame, row, NUMERIC_COLUMNS[column], "is not a finite number", source)
    for column in NUMERIC_COLUMNS:
        values = frame[column]
        bad = values < 0 if column in ("volume", "amount") else values <= 0
        if bad.any():
            row = int(bad.to_numpy().argmax())
            kind = "negative" if column in ("volume", "amount") else "not positive"
            raise _row_error(frame, row, column, f"is {kind}", source)
    upside_down = frame["low"] > frame["high"]
    if upside_down.any():
        row = int(upside_down.to_numpy().argmax())
        raise _row_error(frame, row, "low", f"is above high {frame['high'].iloc[row]}", source)
    for column in ("open", "close"):
        outside = (frame[column] < frame["low"]) | (frame[column] > frame["high"])
        if outside.any():
            row = int(outside.to_numpy().argmax())
            first = frame.iloc[row]
            problem = f"is outside low {first['low']} … high {first['high']}"
            raise _row_error(frame, row, column, problem, source)


def _row_error(frame: pd.DataFrame, row: int, column: str, problem: str, source) -> Exception:
    first = frame.iloc[row]
    return DataSourceError(
        f"{column} {first[column]} on {first['date']:%Y-%m-%d} {problem}",
        symbol=str(first["symbol"]),
        source=source,
    )


def inconsistent_ohlc(frame: pd.DataFrame) -> pd.Series:
    """Rows whose open/high/low are impossible: not positive, low above high, or open or close
    outside [low, high] (only where the values compared are present)."""
    low, high = frame["low"], frame["high"]
    bad = (low > high) | (frame[["open", "high", "low"]] <= 0).any(axis=1)
    for column in ("open", "close"):
        bad |= (frame[column] < low) | (frame[column] > high)
    return bad.fillna(False)


def blank_inconsistent_ohlc(frame: pd.DataFrame) -> dict:
    """Empty the open, high and low of rows where they are impossible (low above high, open or
    close outside [low, high]) and keep the close, in place; return how many rows and the first.

    Vendors ship such rows (the SSE Composite's 1992-06-16 has high 1135.61 below low 1164.24,
    and 18 rows of the index's history disagree with themselves), so refusing them would make
    real histories unimportable; the studies use the close, which stays checked as strictly as
    before. The count is reported to the user by the importer.
    """
    bad = inconsistent_ohlc(frame)
    if not bad.any():
        return {"rows": 0}
    position = int(bad.to_numpy().argmax())
    first = frame.iloc[position]
    described = ", ".join(
        f"{column} {first[column]}" for column in ("open", "high", "low", "close")
    )
    frame.loc[bad, ["open", "high", "low"]] = np.nan
    return {
        "rows": int(bad.sum()),
        "first_position": position,
        "first": f"{first['date']:%Y-%m-%d} ({described})",
    }
