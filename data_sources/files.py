"""The file-import provider: a user's own price files (CSV or Excel) as canonical bars.

:func:`parse_price_file` turns a file's bytes into the canonical table; :class:`FileSource` is
the same as a provider (its symbols come from the user's files, so a refresh never asks it for
one).

Accepted layouts: ``date,close[,open,high,low,volume,amount]`` with any capitalisation, and
the exports of the usual vendors: akshare (日期, 开盘, 收盘, 最高, 最低, 成交量, 成交额), Wind
and Choice (收盘价(元), 成交量(股), 成交金额, 交易日期 …: unit suffixes in brackets are
ignored), iFinD (``time``), baostock (English), tushare (``trade_date`` as YYYYMMDD,
``vol``). CSV encodings tried in order: UTF-8 (with or without BOM), UTF-16 (with BOM,
Excel's "Unicode text"), then GB18030 (a superset of GBK/GB2312). Every error names the file,
and where it can the row (the line in the file or sheet, header = 1) and the column.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from data_sources.akshare_source import CHINESE_COLUMNS
from data_sources.base import BarQuery, BarSource, Provider
from data_sources.errors import DataSourceError
from data_sources.instruments import code_candidates
from data_sources.messages import Message
from data_sources.prices import EXTRA_ALIASES, marked_suspended, prepare_prices, record_lines
from data_sources.schema import (
    EARLIEST_DATE,
    NUMERIC_COLUMNS,
    AmbiguousDates,
    check_symbol,
    date_fits_format,
    latest_date,
    parse_date_column,
    to_canonical,
)
from data_sources.turnover import attach as attach_turnover
from data_sources.turnover import attached as attached_turnover

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

#: Files larger than this are refused before they are read (a daily series of 30 years is ~1 MB).
MAX_FILE_BYTES = 50 * 1024 * 1024
#: An Excel workbook is a zip of XML: refused when its parts would expand to more than this
#: (a 500 KB workbook can hold 146 MB of XML; 30 years of daily rows take ~3 MB).
MAX_UNCOMPRESSED_BYTES = 40 * 1024 * 1024
#: Rows and columns a price table may have (a sheet's declared size is checked before reading).
MAX_ROWS = 200_000
MAX_COLUMNS = 256
#: The header line of a CSV file, and any quoted field, may be this long at most (a 20 MB quoted
#: field costs pandas' parser over 200 MB).
MAX_HEADER_CHARS = 64 * 1024
MAX_QUOTED_BYTES = 64 * 1024
_CHUNK = 1024 * 1024
#: The date formats the Data page offers ("" = inferred), with their labels.
DATE_FORMAT_CHOICES = {
    "": "inferred from the column",
    "%d/%m/%Y": "day/month/year (31/12/2024)",
    "%m/%d/%Y": "month/day/year (12/31/2024)",
    "%d.%m.%Y": "day.month.year (31.12.2024)",
    "%d-%m-%Y": "day-month-year (31-12-2024)",
    "%m-%d-%Y": "month-day-year (12-31-2024)",
}


def size_limit_text() -> str:
    return f"{MAX_FILE_BYTES // 2**20} MB"


def check_file_size(size: int, where: str) -> None:
    """Refuse a file by its size before anything reads it (a stat, or an upload's size)."""
    if size > MAX_FILE_BYTES:
        raise DataSourceError(
            f"file is {size / 2**20:,.1f} MB, larger than the limit of {size_limit_text()} "
            "(a daily series of 30 years is about 1 MB)",
            source=where,
        )


def _encoding_of(content: bytes, name: str) -> str:
    """The first of UTF-16 (with BOM), UTF-8 (BOM optional) and GB18030 that decodes every byte,
    checked a chunk at a time so a large file is never held twice as text."""
    encodings = ("utf-16",) if content[:2] in (b"\xff\xfe", b"\xfe\xff") else ()
    view = memoryview(content)
    for encoding in (*encodings, "utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(content), _CHUNK):
                decoder.decode(view[start : start + _CHUNK])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise DataSourceError("cannot decode the file as UTF-8 or GB18030 text", source=f"file {name}")


#: Turnover in % of the float (换手率; baostock ``turn``), kept beside the bars in the store
#: (:mod:`data_sources.turnover`). A column named plain ``turnover`` stays the amount traded
#: (its meaning in English market data); ``turnover (%)`` or ``turnover_rate`` is the rate.
_TURNOVER_NAMES = frozenset(
    (
        "turn",
        "换手率",
        "turnover_rate",
        "turnover rate",
        "turnoverrate",
        "turnover_pct",
        "turnover%",
    )
)
_TURNOVER_PERCENT = re.compile(r"(?i)^\s*turnover\s*(?:[(（]\s*%\s*[)）]|%)\s*$")
TURNOVER = "turnover_pct"


def _canonical_name(column: str) -> str | None:
    if _TURNOVER_PERCENT.match(str(column)):
        return TURNOVER
    stripped = _UNIT.sub("", str(column).strip())  # 收盘价(元) → 收盘价
    if stripped.lower() in _TURNOVER_NAMES:
        return TURNOVER
    if stripped in _CHINESE_ALIASES:
        return _CHINESE_ALIASES[stripped]
    return _ENGLISH_ALIASES.get(stripped.lower()) or EXTRA_ALIASES.get(stripped.lower())


def _too_many(what: str, count: int | str, limit: int, where: str) -> DataSourceError:
    return DataSourceError(
        f"the table has {count} {what}, more than the limit of {limit:,} "
        f"(a price table needs a date and a few price columns)",
        source=where,
    )


def _cell_text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)  # a datetime cell becomes "2024-01-10 00:00:00"


def _read_xlsx(content: bytes, where: str) -> pd.DataFrame:
    """The first sheet of an .xlsx workbook as text, its expanded size and declared dimensions
    checked before any sheet is parsed, and streamed row by row within the limits."""
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise DataSourceError(
            f"not a readable Excel workbook ({type(error).__name__})", source=where
        ) from None
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise DataSourceError(
            f"the workbook expands to {expanded / 2**20:,.0f} MB, more than the limit of "
            f"{MAX_UNCOMPRESSED_BYTES // 2**20} MB (30 years of daily rows take about 3 MB)",
            source=where,
        )
    try:
        _count_sheet_cells(content, where)
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            # read-only sheets report the <dimension> the file declares, before any row is read
            if (sheet.max_row or 0) > MAX_ROWS:
                raise _too_many("rows", f"{sheet.max_row:,}", MAX_ROWS, where)
            if (sheet.max_column or 0) > MAX_COLUMNS:
                raise _too_many("columns", f"{sheet.max_column:,}", MAX_COLUMNS, where)
            rows = []
            # the declared size can lie (and openpyxl would stop at it, dropping rows): forget
            # it and count while streaming
            sheet.reset_dimensions()
            for row in sheet.iter_rows(values_only=True):
                if len(row) > MAX_COLUMNS:
                    raise _too_many("columns", f"over {MAX_COLUMNS:,}", MAX_COLUMNS, where)
                if len(rows) > MAX_ROWS:
                    raise _too_many("rows", f"over {MAX_ROWS:,}", MAX_ROWS, where)
                rows.append([_cell_text(value) for value in row])
        finally:
            book.close()
    except DataSourceError:
        raise
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise DataSourceError(
            f"not a readable Excel workbook ({type(error).__name__})", source=where
        ) from None
    while rows and all(value is None for value in rows[-1]):
        rows.pop()  # formatted but empty rows at the end
    if not rows:
        return pd.DataFrame()
    header = [f"Unnamed: {i}" if value is None else value for i, value in enumerate(rows[0])]
    width = len(header)
    body = [(row + [None] * width)[:width] for row in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype=object)


def _count_sheet_cells(content: bytes, where: str) -> None:
    """Count the rows and the cells of each row of the first sheet in its XML, streamed from the
    zip a megabyte at a time, before openpyxl builds any row: a sheet whose <dimension> lies
    could otherwise hand it one row of a million cells."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = sorted(
            n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)
        )
        if not sheets:
            return  # openpyxl names what is missing
        rows = cells = 0
        carry = b""
        with archive.open(min(sheets, key=lambda n: int(re.sub(r"\D", "", n)))) as sheet:
            while True:
                chunk = sheet.read(_CHUNK)
                data = carry + chunk
                # keep a tail that may hold the start of a split "<row" for the next chunk
                body, carry = (data, b"") if not chunk else (data[:-4], data[-4:])
                pieces = body.split(b"<row")
                for position, piece in enumerate(pieces):
                    if position:
                        rows, cells = rows + 1, 0
                    cells += piece.count(b"<c ") + piece.count(b"<c>") + piece.count(b"<c/>")
                    if cells > MAX_COLUMNS:
                        raise _too_many("columns", f"over {MAX_COLUMNS:,}", MAX_COLUMNS, where)
                if rows > MAX_ROWS:
                    raise _too_many("rows", f"over {MAX_ROWS:,}", MAX_ROWS, where)
                if not chunk:
                    return


def _read_csv(content: bytes, name: str, where: str) -> pd.DataFrame:
    encoding = _encoding_of(content, name)
    head = codecs.getincrementaldecoder(encoding)().decode(content[: MAX_HEADER_CHARS * 4 + 4])
    if not head.strip() and not content.decode(encoding).strip():
        raise DataSourceError(Message("file is empty"), source=where)
    header_line = head.lstrip("\r\n").split("\n", 1)
    truncated = len(header_line) == 1 and len(head) >= MAX_HEADER_CHARS
    try:
        columns = next(csv.reader([header_line[0]]), [])
    except csv.Error:  # one field over csv's limit: a count of the commas is enough here
        columns = header_line[0].split(",")
    if len(columns) > MAX_COLUMNS:
        counted = f"over {len(columns) - 1:,}" if truncated else f"{len(columns):,}"
        raise _too_many("columns", counted, MAX_COLUMNS, where)
    if truncated:
        raise DataSourceError(
            f"the first line is longer than {MAX_HEADER_CHARS // 1024} KB: not a table's header",
            source=where,
        )
    if encoding != "utf-16" and b'"' in content:
        # every other piece between quote marks is inside a quoted field ("" keeps the parity)
        longest = max(map(len, content.split(b'"')[1::2]), default=0)
        if longest > MAX_QUOTED_BYTES:
            raise DataSourceError(
                f"a quoted field is {longest / 1024:,.0f} KB long, more than the limit of "
                f"{MAX_QUOTED_BYTES // 1024} KB (is a closing quote mark missing?)",
                source=where,
            )
    try:
        return pd.read_csv(
            io.BytesIO(content),
            encoding=encoding,
            dtype=str,
            skipinitialspace=True,
            encoding_errors="strict",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise DataSourceError(f"not a readable CSV file ({error})", source=where) from None


def _read_table(content: bytes, name: str, where: str) -> pd.DataFrame:
    """Every cell as text: CSV (decoded as above) or the first sheet of an Excel workbook."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(content, where)
    if suffix in EXCEL_SUFFIXES:
        try:
            table = pd.read_excel(io.BytesIO(content), dtype=str)
        except Exception as error:  # xlrd raises many types for a damaged workbook
            raise DataSourceError(
                f"not a readable Excel workbook ({type(error).__name__})", source=where
            ) from None
        if table.shape[1] > MAX_COLUMNS:
            raise _too_many("columns", f"{table.shape[1]:,}", MAX_COLUMNS, where)
        return table
    return _read_csv(content, name, where)


#: Columns that hold the instrument's code in vendors' exports (akshare 代码/股票代码, baostock
#: ``code``, tushare ``ts_code``, Wind/Choice 证券代码, iFinD ``thscode``).
CODE_COLUMNS = ("代码", "股票代码", "证券代码", "基金代码", "code", "symbol", "ts_code", "thscode")


@dataclass(frozen=True)
class SymbolInference:
    """The series name a file gets when the user gives none, and where it comes from.

    ``symbol`` is None when the file name and the file's code column name different
    instruments; ``problem`` says so in English (CLI, errors), and the fields let a page say it
    in its language. A bare code that fits two exchanges keeps the file name, with a
    ``problem`` too."""

    symbol: str | None
    origin: str  # "column" | "file name" | "as named" (the file name, not a code)
    problem: str | None = None
    column: str = ""  # the code column and its value, when it was read
    value: str = ""
    from_name: tuple[str, ...] = ()  # the symbols the file name may stand for
    from_column: tuple[str, ...] = ()  # ... and the code column

    def describe(self) -> str:
        """Where the name comes from, in English (CLI)."""
        if self.origin == "column":
            return f"code column {self.column!r} ({self.value})"
        return "file name"


def _code_column(raw: pd.DataFrame) -> tuple[str, str] | None:
    """The code column's name and its one value (None when there is no such column, or it
    holds no value or several)."""
    wanted = {name.lower() for name in CODE_COLUMNS}
    for column in raw.columns:
        if _UNIT.sub("", str(column).strip()).lower() in wanted:
            values = raw[column].dropna().astype(str).str.strip()
            distinct = values[values != ""].unique()
            if len(distinct) == 1:
                return str(column), str(distinct[0])
    return None


#: Columns only a single stock's file has (trading status, ST flag, turnover, valuation ratios,
#: adjustment): a bare code that fits an index and a stock (000001: the SSE Composite and Ping
#: An Bank) names the stock when the file has one of them.
STOCK_ONLY_COLUMNS = frozenset(
    ("tradestatus", "交易状态", "isst", "is_st", "turn", "换手率", "pettm", "pbmrq", "adjustflag")
)


def _stock_file(raw: pd.DataFrame) -> bool:
    return any(str(column).strip().lower() in STOCK_ONLY_COLUMNS for column in raw.columns)


def _the_stock(candidates: tuple[str, ...]) -> str | None:
    """The one candidate a stock's file can mean: not an index the registry knows."""
    from data_sources.instruments import registry

    stocks = [s for s in candidates if getattr(registry().get(s), "kind", "stock") == "stock"]
    return stocks[0] if len(stocks) == 1 else None


def infer_symbol(raw: pd.DataFrame, name: str) -> SymbolInference:
    """The canonical symbol of a file's series (see :func:`code_candidates`): from its code
    column (``sh.600030``, ``600030.SH``, ``600030``) first, else from its file name
    (``600030.csv`` → ``600030.SH``), else the file name as it is. A file name and a code column
    that name different instruments are a conflict: no symbol, the user must choose."""
    stem = Path(name).stem
    from_name = tuple(code_candidates(stem))
    column, value = _code_column(raw) or ("", "")
    from_column = tuple(code_candidates(value)) if column else ()
    found = {"column": column, "value": value, "from_name": from_name, "from_column": from_column}
    if from_column:
        if from_name and not set(from_name) & set(from_column):
            return SymbolInference(
                None,
                "column",
                f"the file name says {' or '.join(from_name)} but its code column {column!r} "
                f"says {value} ({' or '.join(from_column)})",
                **found,
            )
        # a bare code in the column that fits two exchanges: the file name may settle it
        agreed = [s for s in from_column if not from_name or s in from_name]
        if len(agreed) == 1:
            return SymbolInference(agreed[0], "column", **found)
    if len(from_name) == 1:
        return SymbolInference(from_name[0], "file name", **found)
    if len(from_name) > 1 and _stock_file(raw) and (stock := _the_stock(from_name)):
        return SymbolInference(stock, "file name", **found)  # its columns are a stock's
    if len(from_name) > 1:
        return SymbolInference(
            stem,
            "as named",
            f"the code {stem} fits {' and '.join(from_name)}: the series keeps the name {stem} "
            "unless you give one",
            **found,
        )
    return SymbolInference(stem, "as named", **found)


def infer_file_symbol(content: bytes, name: str) -> SymbolInference:
    """:func:`infer_symbol` for a file's bytes (refused by size first, like an import)."""
    where = f"file {name}"
    check_file_size(len(content), where)
    return infer_symbol(_read_table(content, name, where), name)


def _name_it(reason: str, where: str) -> DataSourceError:
    return DataSourceError(
        f"{reason}. Give the series a name: --symbol NAME (command line) or the "
        "series-name field (Data page)",
        source=where,
    )


def parse_price_file(
    content: bytes,
    name: str,
    symbol: str | None = None,
    date_format: str | None = None,
    *,
    strict_adjustment: bool = False,
) -> pd.DataFrame:
    """Parse CSV or Excel bytes into canonical bars for ``symbol`` (default: the file name
    without its extension). ``date_format`` (strptime codes, e.g. ``%d/%m/%Y``) overrides the
    format inferred for the date column, which is needed when it is ambiguous.

    Suspended sessions are removed and prices adjusted from the file's own return or factor
    column (:mod:`data_sources.prices`); ``strict_adjustment`` refuses a file whose returns
    break the board's price limit instead of importing it flagged ``unadjusted``.

    Raises :class:`DataSourceError` naming the file, row and column of the first problem.
    Attributes of the result: ``skipped_empty_rows`` (dated rows with no values),
    ``ohlc_blanked`` (rows whose open/high/low contradicted each other, emptied; close kept)
    and ``price_record`` (adjustment, suspended sessions, days beyond the price limit).
    """
    where = f"file {name}"
    check_file_size(len(content), where)
    if symbol is not None:
        try:
            symbol = check_symbol(symbol)
        except DataSourceError as error:
            raise _name_it(error.reason, where) from None
    raw = _read_table(content, name, where)
    inference = None
    if symbol is None:
        inference = infer_symbol(raw, name)
        if inference.symbol is None:
            raise _name_it(str(inference.problem), where)
        try:
            symbol = check_symbol(inference.symbol)
        except DataSourceError as error:
            raise _name_it(error.reason, where) from None
    mapping: dict[str, str] = {}
    for column in raw.columns:
        canonical = _canonical_name(column)
        if canonical and canonical not in mapping.values():
            mapping[column] = canonical
    frame = raw[list(mapping)].rename(columns=mapping)
    for required in ("date", "close"):
        if required not in frame.columns:
            raise DataSourceError(
                Message(
                    "no {column!r} column (also accepted: {alternatives}); columns found: {found}",
                    column=required,
                    alternatives=CHINESE_ALTERNATIVE[required],
                    found=_listed(raw.columns),
                ),
                source=where,
            )
    if frame.empty:
        raise DataSourceError(Message("file has a header but no rows"), source=where)
    # A dated row with no values at all is a session without data (a suspension; baostock
    # writes these): skip it, so the session is a gap. A row with some values but no close is
    # still an error, since which price is missing matters.
    frame = frame.reset_index(drop=True)  # row numbers in messages count from the file's rows
    date_column = {v: k for k, v in mapping.items()}["date"]
    values = frame.drop(columns="date").astype("string").apply(lambda c: c.str.strip())
    blank = (values.isna() | (values == "")).all(axis=1)
    frame = frame[~blank]
    if frame.empty:
        raise DataSourceError(Message("no row has any values besides the date"), source=where)
    _check_cells(frame, where, date_format, str(date_column))
    frame, price_record = prepare_prices(
        frame,
        where,
        symbol,
        strict=strict_adjustment,
        names={v: str(k) for k, v in mapping.items()},
    )
    bars = to_canonical(frame, symbol, source=where)
    if TURNOVER in frame.columns:
        rate = _turnover_rate(frame, where, {v: str(k) for k, v in mapping.items()}[TURNOVER])
        attach_turnover(bars, frame["date"], rate)
    blanked = bars.attrs.get("ohlc_blanked", {"rows": 0})
    if blanked["rows"]:
        # name the file's row of the first one (bars are sorted by date; frame is in file order)
        first_date = bars["date"].iloc[blanked["first_position"]]
        file_row = int(frame.index[(frame["date"] == first_date).to_numpy()][0]) + 2
        blanked["first"] = f"row {file_row}, {blanked['first']}"
    bars.attrs["skipped_empty_rows"] = int(blank.sum())
    if inference is not None:
        bars.attrs["symbol_inference"] = inference
    bars.attrs["price_record"] = price_record
    return bars


def _turnover_rate(frame: pd.DataFrame, where: str, column: str) -> pd.Series:
    """The turnover column as numbers (in %), naming the first cell that is not a number ≥ 0;
    an empty cell is unknown."""
    text = frame[TURNOVER].astype("string").str.strip()
    values = pd.to_numeric(text, errors="coerce")
    given = text.notna() & (text != "")
    bad = given & (values.isna() | ~np.isfinite(values.fillna(0)) | (values < 0))
    if bad.any():
        position = int(bad.to_numpy().argmax())
        raise DataSourceError(
            Message(
                "row {row}, column {column}: {value} is not a turnover in % (a number ≥ 0)",
                row=int(frame.index[position]) + 2,
                column=repr(column),
                value=repr(frame[TURNOVER].iloc[position]),
            ),
            source=where,
        )
    return values


def _listed(columns) -> str:
    names = [str(column) for column in columns]
    shown = ", ".join(repr(n if len(n) <= 40 else n[:40] + "…") for n in names[:12])
    return f"[{shown}{', …' if len(names) > 12 else ''}] ({len(names)} columns)"


def import_notes(bars: pd.DataFrame) -> list[str]:
    """What an import changed or left out, one sentence each (for the CLI and the Data page)."""
    notes = []
    skipped = bars.attrs.get("skipped_empty_rows", 0)
    if skipped:
        notes.append(f"skipped {skipped} dated rows with no values")
    blanked = bars.attrs.get("ohlc_blanked", {"rows": 0})
    if blanked["rows"]:
        notes.append(
            f"emptied open/high/low of {blanked['rows']} rows where they contradict each other "
            f"or the close (close kept; first: {blanked['first']})"
        )
    notes += record_lines(bars.attrs.get("price_record"))
    turnover = attached_turnover(bars)
    if turnover is not None:
        notes.append(
            f"turnover (% of the float) kept beside the prices for {len(turnover)} of "
            f"{len(bars)} days"
        )
    return notes


def _check_dates(frame: pd.DataFrame, where: str, date_format: str | None, column: str):
    row_of = frame.index.to_numpy() + 2  # file row numbers (the header is row 1)
    try:
        dates, used = parse_date_column(frame["date"], date_format, column=column)
    except AmbiguousDates as error:
        raise DataSourceError(error.reason, source=where) from None
    if dates.isna().any():
        position = int(dates.isna().to_numpy().argmax())
        shown = frame["date"].iloc[position]
        cell = {"row": row_of[position], "column": repr(column), "value": repr(shown)}
        if used is not None and date_fits_format(shown, used):
            reason = Message(
                "row {row}, column {column}: {value} is outside {first}…{last}",
                **cell,
                first=f"{EARLIEST_DATE:%Y-%m-%d}",
                last=f"{latest_date():%Y-%m-%d}",
            )
        elif used is None:
            reason = Message("row {row}, column {column}: {value} is not a date", **cell)
        else:
            reason = Message(
                "row {row}, column {column}: {value} is not a date in the column's format {format}",
                **cell,
                format=used,
            )
        raise DataSourceError(reason, source=where)
    outside = (dates < EARLIEST_DATE) | (dates > latest_date())
    if outside.any():
        position = int(outside.to_numpy().argmax())
        raise DataSourceError(
            Message(
                "row {row}, column {column}: {value} is outside {first}…{last}",
                row=row_of[position],
                column=repr(column),
                value=repr(frame["date"].iloc[position]),
                first=f"{EARLIEST_DATE:%Y-%m-%d}",
                last=f"{latest_date():%Y-%m-%d}",
            ),
            source=where,
        )
    duplicated = dates.duplicated()
    if duplicated.any():
        position = int(duplicated.to_numpy().argmax())
        raise DataSourceError(
            Message(
                "row {row}, column {column}: {day} appears twice",
                row=row_of[position],
                column=repr(column),
                day=f"{dates.iloc[position]:%Y-%m-%d}",
            ),
            source=where,
        )
    return dates


def _check_cells(
    frame: pd.DataFrame, where: str, date_format: str | None = None, date_column: str = "date"
) -> None:
    """Name the first unreadable date, the first price that is not a finite positive number,
    the first volume or amount that is negative or not finite, or a duplicate date."""
    row_of = frame.index.to_numpy() + 2
    dates = _check_dates(frame, where, date_format, date_column)
    for column in (c for c in NUMERIC_COLUMNS if c in frame.columns):
        text = frame[column].astype("string").str.strip()
        values = pd.to_numeric(text, errors="coerce")
        given = text.notna() & (text != "")
        unreadable = values.isna() & given
        infinite = values.isin([np.inf, -np.inf])
        if column in ("volume", "amount"):
            impossible = values.notna() & ~infinite & (values < 0)
            wanted = "is not a number ≥ 0"
        else:
            impossible = values.notna() & ~infinite & (values <= 0)
            wanted = "is not a positive number"
        missing_close = (
            ~given & ~marked_suspended(frame)  # a suspended row may have no prices
            if column == "close"
            else pd.Series(False, index=frame.index)
        )
        bad = unreadable | infinite | impossible | missing_close
        if bad.any():
            position = int(bad.to_numpy().argmax())
            shown = frame[column].iloc[position]
            if missing_close.iloc[position]:
                problem = "is empty"
            elif infinite.iloc[position]:
                problem = "is not a finite number"
            else:
                problem = wanted
            raise DataSourceError(
                f"row {row_of[position]}, column {column!r}: {shown!r} {problem}", source=where
            )
    frame["date"] = dates


class FileSource(BarSource):
    """One price file (its bytes and name) as a bar source; ``query.symbol`` names the series.

    ``symbol_query`` builds the query from a user's series name, or from the file name."""

    source_kind = "import"

    def __init__(
        self,
        content: bytes,
        name: str,
        date_format: str | None = None,
        strict_adjustment: bool = False,
    ):
        self.content = content
        self.name = name
        self.date_format = date_format
        self.strict_adjustment = strict_adjustment

    @classmethod
    def from_path(
        cls, path: str | Path, date_format: str | None = None, strict_adjustment: bool = False
    ) -> FileSource:
        """Read a file from disk, refusing it by its size before reading it."""
        path = Path(path)
        where = f"file {path.name}"
        try:
            check_file_size(path.stat().st_size, where)
            return cls(path.read_bytes(), path.name, date_format, strict_adjustment)
        except FileNotFoundError:
            raise DataSourceError("file not found", source=f"file {path}") from None
        except (IsADirectoryError, PermissionError, OSError) as error:
            raise DataSourceError(
                f"cannot read: {error.strerror or error}", source=f"file {path}"
            ) from None

    def symbol_query(self, symbol: str | None = None) -> BarQuery:
        """The query for the whole file: ``symbol``, or the name :func:`infer_symbol` gives
        it (code column, else file name; a conflict between them, or a name that is not a
        valid series name, is refused naming the file)."""
        where = f"file {self.name}"
        if symbol is None:
            inference = infer_file_symbol(self.content, self.name)
            if inference.symbol is None:
                raise _name_it(str(inference.problem), where)
            symbol = inference.symbol
        try:
            return BarQuery(symbol)
        except DataSourceError as error:
            raise _name_it(error.reason, where) from None

    def transform_query(self, query: BarQuery) -> dict[str, Any]:
        return {"name": self.name, "date_format": self.date_format}

    def extract(self, query: BarQuery, params: dict[str, Any]) -> bytes:
        check_file_size(len(self.content), f"file {params['name']}")
        return self.content

    def transform_data(self, query: BarQuery, raw: bytes) -> pd.DataFrame:
        # the parser's notes (skipped rows, emptied prices) ride along in ``attrs``
        return parse_price_file(
            raw,
            self.name,
            query.symbol,
            self.date_format,
            strict_adjustment=self.strict_adjustment,
        )

    def describe(self, query: BarQuery, params: dict[str, Any]) -> str:
        return f"file {self.name}"


#: The data-mode label of imported series.
IMPORT_LABEL = "imported files"

PROVIDER = Provider(FileSource, label=IMPORT_LABEL, verb="imported", series_label="imported file")
