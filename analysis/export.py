"""The one CSV convention for everything PolicyLens exports (dashboard downloads and the CLI).

* UTF-8 with a byte-order mark, so Excel in a Chinese locale shows Chinese text correctly.
* Metadata travels *in* the file as trailing columns, repeated on every row, so a single
  downloaded file always carries its provenance: ``method`` (model, windows, variance and test
  conventions), ``data_mode`` (``SYNTHETIC DEMO``, ``stored akshare data``, ``imported files``, ...)
  and ``data_vintage`` (where each series came from and when it was fetched or read).
* Dates as ``YYYY-MM-DD``; floats at full precision; returns as decimals (0.01 = 1 %), while
  the pages show them in % (``parameters.json`` says so under ``units``).
* A text cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) and is not a
  number is prefixed with ``'`` so a spreadsheet shows it as text instead of running it as a
  formula (OWASP "CSV injection").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from analysis.glossary import RETURN_UNITS

METADATA_COLUMNS = ("method", "data_mode", "data_vintage")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def with_metadata(frame: pd.DataFrame, metadata: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` with the three metadata columns appended (missing keys raise KeyError), and
    ``units`` when the metadata states them (study and Themes tables: a CSV downloaded on its
    own still says its returns are decimals)."""
    out = frame.copy()
    for column in METADATA_COLUMNS:
        out[column] = str(metadata[column])
    if "units" in metadata:
        out["units"] = str(metadata["units"])
    return out


def _neutralise(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_neutralise)
    out.columns = [_neutralise(str(column)) for column in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame, metadata: Mapping[str, str]) -> bytes:
    """The exported bytes of ``frame`` (UTF-8 with BOM, metadata columns, formula-safe)."""
    safe = neutralise_formulas(with_metadata(frame, metadata))
    text = safe.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n")
    return text.encode("utf-8-sig")


def write_csv(path: str | Path, frame: pd.DataFrame, metadata: Mapping[str, str]) -> None:
    Path(path).write_bytes(csv_bytes(frame, metadata))


def study_zip(
    frames: Mapping[str, pd.DataFrame],
    metadata: Mapping[str, str],
    parameters: Mapping[str, object],
    stem: str,
) -> bytes:
    """One ZIP per study: ``<stem>/<name>.csv`` for every table (the CSV convention above) and
    ``<stem>/parameters.json`` with the study's parameters, data mode and data vintage."""
    import io
    import json
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in frames.items():
            archive.writestr(f"{stem}/{name}.csv", csv_bytes(frame, metadata))
        document = {
            "parameters": dict(parameters),
            "method": metadata.get("method", ""),
            "data_mode": metadata.get("data_mode", ""),
            "data_vintage": metadata.get("data_vintage", ""),
            "units": RETURN_UNITS,
            "files": [f"{name}.csv" for name in frames],
        }
        archive.writestr(
            f"{stem}/parameters.json",
            json.dumps(document, ensure_ascii=False, indent=2, default=str),
        )
    return buffer.getvalue()
