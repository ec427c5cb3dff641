"""Import of a user's own price files (CSV or Excel) into the canonical table.

Accepted layouts: ``date,close[,open,high,low,volume,amount]`` with any capitalisation, and
the exports of the usual vendors: akshare (日期, 开盘, 收盘, 最高, 最低, 成交量, 成交额), Wind
and Choice (收盘价(元), 成交量(股), 成交金额, 交易日期 …: unit suffixes in brackets are
ignored), iFinD (``time``), baostock (English), tushare (``trade_date`` as YYYYMMDD,
``vol``). CSV encodings tried in order: UTF-8 (with or without BOM), UTF-16 (with BOM,
Excel's "Unicode text"), then GB18030 (a superset of GBK/GB2312). Every error names the file,
and where it can the row (the line in the file or sheet, header = 1) and the column.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pandas as pd

from data_sources.akshare_source import CHINESE_COLUMNS
from data_sources.base import BarQuery, BarSource
from data_sources.errors import DataSourceError
from data_sources.schema import (
    CANONICAL_COLUMNS,
    EARLIEST_DATE,
    check_symbol,
    latest_date,
    parse_dates,
    to_canonical,
)

_ENGLISH_ALIASES = {
    "date": "date",
    "trade_date": "date",
    "time": "date",
    "datetime": "date",
    "close": "close",
    "adj close": "close",
    "adj_close": "close",
    "open": "open",
    "high": "high",
    "low": "low",
    "volume": "volume",
    "vol": "volume",
    "amount": "amount",
    "turnover": "amount",
}

_CHINESE_ALIASES = {
    **CHINESE_COLUMNS,
    "交易日期": "date",
    "时间": "date",
    "收盘价": "close",
    "开盘价": "open",
    "最高价": "high",
    "最低价": "low",
    "成交金额": "amount",
}
CHINESE_ALTERNATIVE = {"date": "日期", "close": "收盘"}
EXCEL_SUFFIXES = (".xlsx", ".xls")
_UNIT = re.compile(r"\s*[(（][^)）]*[)）]\s*$")

#: Files larger than this are refused before parsing (a daily series of 30 years is ~1 MB).
MAX_FILE_BYTES = 50 * 1024 * 1024


def _decode(content: bytes, name: str) -> str:
    encodings = ("utf-16",) if content[:2] in (b"\xff\xfe", b"\xfe\xff") else ()
    for encoding in (*encodings, "utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataSourceError("cannot decode the file as UTF-8 or GB18030 text", source=f"file {name}")


def _canonical_name(column: str) -> str | None:
    stripped = _UNIT.sub("", str(column).strip())  # 收盘价(元) → 收盘价
    if stripped in _CHINESE_ALIASES:
        return _CHINESE_ALIASES[stripped]
    return _ENGLISH_ALIASES.get(stripped.lower())


def _read_table(content: bytes, name: str, where: str) -> pd.DataFrame:
    """Every cell as text: CSV (decoded as above) or the first sheet of an Excel workbook."""
    if Path(name).suffix.lower() in EXCEL_SUFFIXES:
        try:
            return pd.read_excel(io.BytesIO(content), dtype=str)
        except Exception as error:  # openpyxl/xlrd raise many types for a damaged workbook
            raise DataSourceError(
                f"not a readable Excel workbook ({type(error).__name__})", source=where
            ) from None
    text = _decode(content, name)
    if not text.strip():
        raise DataSourceError("file is empty", source=where)
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise DataSourceError(f"not a readable CSV file ({error})", source=where) from None


def parse_price_file(content: bytes, name: str, symbol: str | None = None) -> pd.DataFrame:
    """Parse CSV or Excel bytes into canonical bars for ``symbol`` (default: the file name
    without its extension).

    Raises :class:`DataSourceError` naming the file, row and column of the first problem.
    """
    where = f"file {name}"
    if len(content) > MAX_FILE_BYTES:
        raise DataSourceError(f"file is larger than {MAX_FILE_BYTES // 2**20} MB", source=where)
    symbol = check_symbol(symbol if symbol is not None else Path(name).stem)
    raw = _read_table(content, name, where)
    mapping: dict[str, str] = {}
    for column in raw.columns:
        canonical = _canonical_name(column)
        if canonical and canonical not in mapping.values():
            mapping[column] = canonical
    frame = raw[list(mapping)].rename(columns=mapping)
    for required in ("date", "close"):
        if required not in frame.columns:
            raise DataSourceError(
                f"no {required!r} column (also accepted: {CHINESE_ALTERNATIVE[required]}); "
                f"columns found: {list(raw.columns)}",
                source=where,
            )
    if frame.empty:
        raise DataSourceError("file has a header but no rows", source=where)
    # A dated row with no values at all is a session without data (a suspension; baostock
    # writes these): skip it, so the session is a gap. A row with some values but no close is
    # still an error, since which price is missing matters.
    frame = frame.reset_index(drop=True)  # row numbers in messages count from the file's rows
    values = frame.drop(columns="date").astype("string").apply(lambda c: c.str.strip())
    blank = (values.isna() | (values == "")).all(axis=1)
    frame = frame[~blank]
    if frame.empty:
        raise DataSourceError("no row has any values besides the date", source=where)
    _check_cells(frame, where)
    bars = to_canonical(frame, symbol, source=where)
    bars.attrs["skipped_empty_rows"] = int(blank.sum())
    return bars


#: CSV-only name kept for callers of the Foundation API.
parse_price_csv = parse_price_file


def _check_cells(frame: pd.DataFrame, where: str) -> None:
    """Name the first unreadable date, non-numeric or non-positive price, or duplicate date."""
    row_of = frame.index.to_numpy() + 2  # file row numbers (the header is row 1)
    text_dates = frame["date"].astype("string").str.strip()
    compact = text_dates.str.fullmatch(r"\d{8}").fillna(False)
    # tushare's 20240924, or any common spelling
    dates = parse_dates(text_dates, "%Y%m%d" if compact.all() else None)
    if dates.isna().any():
        position = int(dates.isna().to_numpy().argmax())
        raise DataSourceError(
            f"row {row_of[position]}, column 'date': "
            f"{frame['date'].iloc[position]!r} is not a date",
            source=where,
        )
    outside = (dates < EARLIEST_DATE) | (dates > latest_date())
    if outside.any():
        position = int(outside.to_numpy().argmax())
        raise DataSourceError(
            f"row {row_of[position]}, column 'date': {frame['date'].iloc[position]!r} is "
            f"outside {EARLIEST_DATE:%Y-%m-%d}…{latest_date():%Y-%m-%d}",
            source=where,
        )
    for column in (c for c in ("open", "high", "low", "close") if c in frame.columns):
        values = pd.to_numeric(frame[column], errors="coerce")
        text = frame[column]
        unreadable = values.isna() & text.notna() & (text.str.strip() != "")
        nonpositive = values.notna() & (values <= 0)
        missing_close = values.isna() if column == "close" else pd.Series(False, index=frame.index)
        bad = unreadable | nonpositive | missing_close
        if bad.any():
            position = int(bad.to_numpy().argmax())
            shown = text.iloc[position]
            problem = "is not a positive number" if pd.notna(shown) else "is empty"
            raise DataSourceError(
                f"row {row_of[position]}, column {column!r}: {shown!r} {problem}", source=where
            )
    duplicated = dates.duplicated()
    if duplicated.any():
        position = int(duplicated.to_numpy().argmax())
        raise DataSourceError(
            f"row {row_of[position]}, column 'date': {dates.iloc[position]:%Y-%m-%d} appears twice",
            source=where,
        )
    frame["date"] = dates


class FileSource(BarSource):
    """A CSV or Excel price file on disk as a bar source (query.symbol names the series)."""

    source_kind = "import"

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def transform_query(self, query: BarQuery) -> dict[str, Any]:
        return {"path": self.path}

    def extract(self, query: BarQuery, params: dict[str, Any]) -> bytes:
        try:
            return params["path"].read_bytes()
        except FileNotFoundError:
            raise DataSourceError("file not found", source=f"file {params['path']}") from None
        except (IsADirectoryError, PermissionError, OSError) as error:
            raise DataSourceError(
                f"cannot read: {error.strerror or error}", source=f"file {params['path']}"
            ) from None

    def transform_data(self, query: BarQuery, raw: bytes) -> pd.DataFrame:
        return parse_price_file(raw, self.path.name, query.symbol)[CANONICAL_COLUMNS]

    def describe(self, query: BarQuery, params: dict[str, Any]) -> str:
        return f"file {self.path.name}"
