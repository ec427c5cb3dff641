"""A user's factor file for the multi-factor normal-return model (:mod:`analysis.models`).

Researchers download daily factor returns from their data vendor: Fama–French three/five
factors (MKT-RF, SMB, HML, RMW, CMA) with Carhart's MOM, or the China CH-3/CH-4 factors of
Liu, Stambaugh & Yuan (2019, "Size and value in China", JFE 134:48–69: MKT, SMB, VMP, PMO), as a
CSV or Excel table of a date column and one column per factor, in percent or in decimals, with
an optional risk-free column (RF).

:func:`read_factor_file` reads it with the price imports' rules (:mod:`data_sources.files`:
encodings, size limits, one date format per column) and returns a frozen :class:`FactorTable`
whose ``frame`` holds decimals, one row per date. Bad input is refused with a
:class:`FactorFileError` naming what is wrong: no date column, a date that does not parse, a
date twice, a cell that is not a number (its column and file row), no factor rows.

Units: a vendor's file is in percent (0.35 = 0.35 %) or in decimals (0.0035). Daily factor
returns are a few tenths of a percent, so the file is read as percent when the median |value|
over every factor cell is above 0.05 or any |value| is above 1 (a daily or monthly factor
return of more than 100 % in decimals does not happen); otherwise as decimals. The decision
and its reason are in ``notes`` (and ``units_detected``); ``units`` forces it. Each factor
column is also judged alone and its size stated in the note; a file whose columns are judged
differently and differ :data:`MIXED_RATIO`× or more in size (MKT in %, SMB in decimals) is
refused, naming them: one division for the whole file would be wrong for one of them. A header
given twice (``date,MKT,MKT``) is refused, naming the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from data_sources.errors import DataSourceError
from data_sources.messages import Message

#: Column names read as the date column (case-insensitive), else the first column when every
#: cell of it is a date.
DATE_NAMES = ("date", "dates", "trade_date", "tradingdate", "trddy", "日期", "交易日期", "time")
#: Column names read as the risk-free rate (case-insensitive).
RF_NAMES = ("rf", "risk_free", "risk-free", "riskfree", "rf_rate", "无风险利率")
#: The percent rule's thresholds (see the module docstring).
PERCENT_MEDIAN = 0.05
PERCENT_MAX = 1.0
#: Factor columns whose typical sizes (median |value|) differ by this factor or more, one
#: judged percent and another decimals, are a file that mixes units: refused (a whole-file
#: division by 100 would shrink the decimal columns a hundredfold without a word).
MIXED_RATIO = 30.0
UNITS = ("auto", "percent", "decimal")


class FactorFileError(ValueError):
    """A factor file that cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class FactorTable:
    """Daily factor returns in decimals: ``frame`` indexed by date (sorted, unique; name
    ``date``), one float column per factor (and ``RF`` when the file has one, renamed so).
    ``units_detected``: ``"percent"`` or ``"decimal"`` (how the file was read). ``notes``: the
    units decision and why, and anything else about the file. ``source``: the file's name."""

    frame: pd.DataFrame
    units_detected: str
    notes: tuple[str, ...] = ()
    source: str = ""

    @property
    def factor_names(self) -> tuple[str, ...]:
        """The regressors: every column but the risk-free rate."""
        return tuple(c for c in self.frame.columns if c != "RF")

    @property
    def rf(self) -> pd.Series | None:
        """The risk-free rate (decimals), or None when the file has none."""
        return self.frame["RF"] if "RF" in self.frame.columns else None

    @property
    def first(self) -> pd.Timestamp:
        return self.frame.index[0]

    @property
    def last(self) -> pd.Timestamp:
        return self.frame.index[-1]


def _error(where: str, reason) -> FactorFileError:
    return FactorFileError(f"factor file {where}: {reason}")


def _date_column(raw: pd.DataFrame, where: str) -> tuple[str, pd.Series]:
    from data_sources.schema import AmbiguousDates, parse_date_column

    named = [c for c in raw.columns if str(c).strip().lower() in DATE_NAMES]
    column = named[0] if named else raw.columns[0]
    try:
        dates, used = parse_date_column(raw[column], column=str(column))
    except AmbiguousDates as error:
        raise _error(where, error.reason) from None
    if not named and (used is None or dates.isna().any()):
        raise _error(
            where,
            Message(
                "no date column: name one 'date' (or 日期), or put the dates in the first "
                "column (columns: {columns})",
                columns=", ".join(map(str, raw.columns)),
            ),
        )
    if dates.isna().any():
        position = int(dates.isna().to_numpy().argmax())
        raise _error(
            where,
            Message(
                "row {row}, column {column}: {value} is not a date",
                row=position + 2,
                column=repr(str(column)),
                value=repr(raw[column].iloc[position]),
            ),
        )
    duplicated = dates.duplicated()
    if duplicated.any():
        position = int(duplicated.to_numpy().argmax())
        raise _error(
            where,
            Message(
                "row {row}, column {column}: {day} appears twice",
                row=position + 2,
                column=repr(str(column)),
                day=f"{dates.iloc[position]:%Y-%m-%d}",
            ),
        )
    return column, dates


def parse_factor_table(raw: pd.DataFrame, where: str, units: str = "auto") -> FactorTable:
    """A table of text cells (as :func:`data_sources.files._read_table` reads it) → a
    :class:`FactorTable`; see the module docstring. ``units``: ``auto`` (detect), ``percent``
    or ``decimal``."""
    if units not in UNITS:
        raise ValueError(f"units must be one of {UNITS}, got {units!r}")
    raw = raw.dropna(how="all").reset_index(drop=True)
    if raw.empty or raw.shape[1] == 0:
        raise _error(where, Message("the file has no rows"))
    raw.columns = [str(c).strip() for c in raw.columns]
    headers = list(raw.columns)
    # a header given twice: pandas reads the second as "MKT.1", which would pass for a factor
    twice = [h for h in dict.fromkeys(headers) if headers.count(h) > 1] + [
        h.rsplit(".", 1)[0]
        for h in headers
        if re.fullmatch(r"(.+)\.\d+", h) and h.rsplit(".", 1)[0] in headers
    ]
    if twice:
        raise _error(where, Message("column {column} appears twice", column=repr(twice[0])))
    date_column, dates = _date_column(raw, where)
    values = {}
    for column in (c for c in raw.columns if c != date_column):
        if column.startswith("Unnamed:") and raw[column].isna().all():
            continue  # an empty trailing column of a spreadsheet
        text = raw[column].astype("string").str.strip()
        number = pd.to_numeric(text, errors="coerce")
        given = text.notna() & (text != "")
        bad = (given & number.isna()) | number.isin([np.inf, -np.inf])
        if bad.any():
            position = int(bad.to_numpy().argmax())
            raise _error(
                where,
                Message(
                    "row {row}, column {column}: {value} is not a number",
                    row=position + 2,
                    column=repr(column),
                    value=repr(raw[column].iloc[position]),
                ),
            )
        name = "RF" if column.lower() in RF_NAMES else column
        if name in values:
            raise _error(where, Message("two columns are named {name}", name=repr(name)))
        values[name] = number.astype(float).to_numpy()
    if not [name for name in values if name != "RF"]:
        raise _error(
            where,
            Message("no factor columns besides the dates (columns: {columns})",
                    columns=", ".join(raw.columns)),
        )  # fmt: skip
    frame = pd.DataFrame(values, index=pd.DatetimeIndex(dates.to_numpy(), name="date"))
    frame = frame.sort_index()
    cells = np.abs(frame.to_numpy().ravel())
    cells = cells[~np.isnan(cells)]
    if not len(cells):
        raise _error(where, Message("every factor cell is empty"))
    if units == "auto":
        frame, detected, notes = _detect_units(frame, where)
    else:
        detected = units
        notes = [
            Message(
                "factor file {where}: values read as {units} (as asked)",
                where=where,
                units=Message("percent (divided by 100)" if units == "percent" else "decimals"),
            )
        ]
        if detected == "percent":
            frame = frame / 100.0
    if "RF" in frame.columns:
        notes.append(
            Message(
                "factor file {where}: has a risk-free column (RF): the study regresses each "
                "instrument's return in excess of RF on the factors (R − RF = α + b'f + ε); "
                "the normal return is RF + α̂ + b̂'f",
                where=where,
            )
        )
    gaps = int(frame.isna().any(axis=1).sum())
    if gaps:
        notes.append(
            Message("factor file {where}: {n} date(s) with an empty cell count as missing days",
                    where=where, n=gaps)
        )  # fmt: skip
    return FactorTable(frame, detected, tuple(notes), where)


def _is_percent(values: np.ndarray) -> tuple[bool, float, float]:
    """The percent rule on ``values`` (NaN skipped): (percent?, median |value|, largest)."""
    cells = np.abs(values[~np.isnan(values)])
    if not len(cells):
        return False, float("nan"), float("nan")
    median, largest = float(np.median(cells)), float(cells.max())
    return median > PERCENT_MEDIAN or largest > PERCENT_MAX, median, largest


def _detect_units(frame: pd.DataFrame, where: str) -> tuple[pd.DataFrame, str, list]:
    """The units of a factor file: the percent rule over every factor cell, with each factor
    column also judged alone and stated; a file whose columns differ ~100× in size and in
    their judgement (MKT in %, SMB in decimals) is refused, naming the columns."""
    percent, median, largest = _is_percent(frame.to_numpy(dtype=float).ravel())
    factors = [c for c in frame.columns if c != "RF"]
    alone = {c: _is_percent(frame[c].to_numpy(dtype=float)) for c in factors}
    alone = {c: judged for c, judged in alone.items() if not np.isnan(judged[1])}
    in_percent = [c for c, judged in alone.items() if judged[0]]
    in_decimals = [c for c, judged in alone.items() if not judged[0]]
    if in_percent and in_decimals:
        big = max(in_percent, key=lambda c: alone[c][1])
        small = min(in_decimals, key=lambda c: alone[c][1])
        if alone[big][1] >= MIXED_RATIO * max(alone[small][1], 1e-300):
            raise _error(
                where,
                Message(
                    "columns in different units: {big} looks like percent (median |value| "
                    "{mb:.4g}) and {small} like decimals ({ms:.4g}, {ratio:.0f}× smaller); "
                    "save every factor column in the same units",
                    big=repr(big),
                    mb=alone[big][1],
                    small=repr(small),
                    ms=alone[small][1],
                    ratio=alone[big][1] / max(alone[small][1], 1e-300),
                ),
            )
    why = Message(
        "median |value| {median:.4g}, largest {largest:.4g}; read as percent when the median "
        "is above {m} or any value above {x}",
        median=median,
        largest=largest,
        m=PERCENT_MEDIAN,
        x=PERCENT_MAX,
    )
    per_column = ", ".join(
        f"{c} {judged[1]:.4g} ({'%' if judged[0] else 'decimal'})" for c, judged in alone.items()
    )
    note = Message(
        "factor file {where}: values read as {units} ({why}); every column the same way, "
        "each column's median |value| alone: {columns}",
        where=where,
        units=Message("percent (divided by 100)" if percent else "decimals"),
        why=why,
        columns=per_column,
    )
    notes = [note]
    if in_percent and in_decimals:
        notes.append(
            Message(
                "factor file {where}: judged alone, {p} look like percent and {d} like "
                "decimals; all are read as {units}: check the file's units",
                where=where,
                p=", ".join(in_percent),
                d=", ".join(in_decimals),
                units=Message("percent (divided by 100)" if percent else "decimals"),
            )
        )
    return (frame / 100.0 if percent else frame), ("percent" if percent else "decimal"), notes


def read_factor_bytes(content: bytes, name: str, units: str = "auto") -> FactorTable:
    """A factor file's ``content`` (an upload), named ``name``; see the module docstring."""
    from data_sources.files import _read_table, check_file_size

    try:
        check_file_size(len(content), f"factor file {name}")
        raw = _read_table(content, name, f"factor file {name}")
    except DataSourceError as error:
        raise FactorFileError(str(error)) from None
    return parse_factor_table(raw, name, units)


def read_factor_file(path: str | Path, units: str = "auto") -> FactorTable:
    """Read a factor file (CSV, .xlsx or .xls) from ``path``; see the module docstring."""
    from data_sources.files import FileSource

    path = Path(path)
    if not path.is_file():
        raise FactorFileError(f"factor file {path} does not exist")
    try:
        content = FileSource.from_path(path).content  # refused by size before reading
    except DataSourceError as error:
        raise FactorFileError(str(error)) from None
    return read_factor_bytes(content, path.name, units)
