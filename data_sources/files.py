"""Import of a user's own price files (CSV) into the canonical table.

Accepted layouts: ``date,close[,open,high,low,volume,amount]`` with any capitalisation, and
akshare's / Chinese vendors' Chinese headers (日期, 收盘, 开盘, 最高, 最低, 成交量, 成交额).
Encodings tried in order: UTF-8 (with or without BOM), then GB18030 (a superset of GBK/GB2312).
Every error names the file, and where it can the row (the line number in the file, header = 1)
and the column.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd

from data_sources.akshare_source import CHINESE_COLUMNS
from data_sources.base import BarQuery, BarSource
from data_sources.errors import DataSourceError
from data_sources.schema import CANONICAL_COLUMNS, check_symbol, to_canonical

_ENGLISH_ALIASES = {
    "date": "date",
    "trade_date": "date",
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

CHINESE_ALTERNATIVE = {"date": "日期", "close": "收盘"}

#: Files larger than this are refused before parsing (a daily series of 30 years is ~1 MB).
MAX_FILE_BYTES = 50 * 1024 * 1024


def _decode(content: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataSourceError("cannot decode the file as UTF-8 or GB18030 text", source=f"file {name}")


def _canonical_name(column: str) -> str | None:
    stripped = str(column).strip()
    if stripped in CHINESE_COLUMNS:
        return CHINESE_COLUMNS[stripped]
    return _ENGLISH_ALIASES.get(stripped.lower())


def parse_price_csv(content: bytes, name: str, symbol: str | None = None) -> pd.DataFrame:
    """Parse CSV bytes into canonical bars for ``symbol`` (default: the file name, no extension).

    Raises :class:`DataSourceError` naming the file, row and column of the first problem.
    """
    where = f"file {name}"
    if len(content) > MAX_FILE_BYTES:
        raise DataSourceError(f"file is larger than {MAX_FILE_BYTES // 2**20} MB", source=where)
    symbol = check_symbol(symbol if symbol is not None else Path(name).stem)
    text = _decode(content, name)
    if not text.strip():
        raise DataSourceError("file is empty", source=where)
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise DataSourceError(f"not a readable CSV file ({error})", source=where) from None
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
    _check_cells(frame, where)
    return to_canonical(frame, symbol, source=where)


def _check_cells(frame: pd.DataFrame, where: str) -> None:
    """Name the first unreadable date, non-numeric or non-positive price, or duplicate date."""
    dates = pd.to_datetime(frame["date"], errors="coerce", format="mixed")
    for position in range(len(frame)):
        line = position + 2  # header is line 1
        if pd.isna(dates.iloc[position]):
            raise DataSourceError(
                f"row {line}, column 'date': {frame['date'].iloc[position]!r} is not a date",
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
                f"row {position + 2}, column {column!r}: {shown!r} {problem}", source=where
            )
    duplicated = dates.duplicated()
    if duplicated.any():
        position = int(duplicated.to_numpy().argmax())
        raise DataSourceError(
            f"row {position + 2}, column 'date': {dates.iloc[position]:%Y-%m-%d} appears twice",
            source=where,
        )
    frame["date"] = dates


class FileSource(BarSource):
    """A CSV price file on disk as a bar source (query.symbol names the series)."""

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
        return parse_price_csv(raw, self.path.name, query.symbol)[CANONICAL_COLUMNS]

    def describe(self, query: BarQuery, params: dict[str, Any]) -> str:
        return f"file {self.path.name}"
