"""The embedded local store: one Parquet file per instrument in the data directory.

Layout under ``<data dir>/store``::

    bars/<symbol>.parquet     canonical bars; provenance in the file's key-value metadata
    status/<symbol>.json      last fetch error for the symbol (if any)
    .lock                     writers take an exclusive ``flock`` on it

Writes are atomic: the new file is written beside the old one, flushed to disk and moved over it
with ``os.replace``, so a crash mid-write leaves the previous version readable and readers never
see a half-written file. Writers serialise on the lock file, so two Streamlit sessions (or a
session and the CLI) writing at once cannot lose each other's rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from data_sources.base import FetchResult
from data_sources.config import data_dir
from data_sources.errors import DataSourceError
from data_sources.schema import CANONICAL_COLUMNS, check_symbol, empty_bars, validate_bars

COVERAGE_COLUMNS = [
    "symbol",
    "source",
    "detail",
    "first_date",
    "last_date",
    "rows",
    "fetched_at",
    "last_error",
]
_META_KEY = b"policylens"


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    """Read, write and describe stored canonical bars."""

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else data_dir() / "store"
        self.bars_dir = self.root / "bars"
        self.status_dir = self.root / "status"
        for folder in (self.bars_dir, self.status_dir):
            folder.mkdir(parents=True, exist_ok=True)

    # -- paths and locking -------------------------------------------------------------------
    def _bars_path(self, symbol: str) -> Path:
        return self.bars_dir / f"{check_symbol(symbol)}.parquet"

    def _status_path(self, symbol: str) -> Path:
        return self.status_dir / f"{check_symbol(symbol)}.json"

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """Exclusive inter-process lock held while any writer changes the store."""
        with open(self.root / ".lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @staticmethod
    def _atomic_write_bytes(path: Path, write) -> None:
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            with open(temporary, "wb") as handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    # -- writing -----------------------------------------------------------------------------
    def write(self, result: FetchResult, *, merge: bool = True) -> int:
        """Store ``result.bars`` (one symbol) and return the number of rows now stored for it.

        With ``merge`` and the same source kind already stored, new rows are merged in (a new
        row replaces a stored row of the same date: sources revise recent bars). A different
        source kind replaces the series entirely, so a symbol never mixes synthetic and real rows.
        """
        bars = result.bars
        validate_bars(bars, source=result.detail)
        symbols = bars["symbol"].unique()
        if len(symbols) != 1:
            raise DataSourceError(f"one symbol per write, got {len(symbols)}", source="store")
        symbol = check_symbol(str(symbols[0]))
        if bars.empty:
            raise DataSourceError("nothing to store", symbol=symbol, source="store")
        with self.write_lock():
            stored_meta = self._meta(symbol)
            if merge and stored_meta and stored_meta.get("source") == result.source:
                stored = self.read([symbol])
                combined = pd.concat([stored[~stored["date"].isin(bars["date"])], bars])
            else:
                combined = bars
            combined = combined.sort_values("date", kind="mergesort").reset_index(drop=True)
            meta = {
                "source": result.source,
                "detail": result.detail,
                "fetched_at": _utc_now(),
                "first_date": f"{combined['date'].iloc[0]:%Y-%m-%d}",
                "last_date": f"{combined['date'].iloc[-1]:%Y-%m-%d}",
                "rows": len(combined),
            }
            table = pa.Table.from_pandas(combined[CANONICAL_COLUMNS], preserve_index=False)
            table = table.replace_schema_metadata(
                {**(table.schema.metadata or {}), _META_KEY: json.dumps(meta).encode()}
            )
            self._atomic_write_bytes(self._bars_path(symbol), lambda h: pq.write_table(table, h))
            self._clear_error(symbol)
        return len(combined)

    def record_error(self, symbol: str, message: str) -> None:
        """Remember the last failure for ``symbol`` (shown on the Data page); data is untouched."""
        payload = json.dumps({"last_error": message, "at": _utc_now()}, ensure_ascii=False)
        with self.write_lock():
            self._atomic_write_bytes(self._status_path(symbol), lambda h: h.write(payload.encode()))

    def _clear_error(self, symbol: str) -> None:
        self._status_path(symbol).unlink(missing_ok=True)

    def delete(self, symbol: str) -> None:
        with self.write_lock():
            self._bars_path(symbol).unlink(missing_ok=True)
            self._clear_error(symbol)

    # -- reading -----------------------------------------------------------------------------
    def symbols(self) -> list[str]:
        return sorted(path.stem for path in self.bars_dir.glob("*.parquet"))

    def is_empty(self) -> bool:
        return not any(self.bars_dir.glob("*.parquet"))

    def _meta(self, symbol: str) -> dict | None:
        path = self._bars_path(symbol)
        if not path.exists():
            return None
        metadata = pq.read_schema(path).metadata or {}
        return json.loads(metadata[_META_KEY]) if _META_KEY in metadata else {}

    def read(self, symbols: Iterable[str] | None = None, start=None, end=None) -> pd.DataFrame:
        """Canonical bars for ``symbols`` (default all) between ``start`` and ``end`` inclusive."""
        wanted = self.symbols() if symbols is None else [check_symbol(s) for s in symbols]
        tables = []
        for symbol in wanted:
            path = self._bars_path(symbol)
            if path.exists():
                tables.append(pq.read_table(path).replace_schema_metadata(None))
        if not tables:
            return empty_bars()
        frame = pa.concat_tables(tables).to_pandas()
        frame["date"] = frame["date"].astype("datetime64[ns]")
        if start is not None:
            frame = frame[frame["date"] >= pd.Timestamp(start)]
        if end is not None:
            frame = frame[frame["date"] <= pd.Timestamp(end)]
        return frame.reset_index(drop=True)

    def coverage(self) -> pd.DataFrame:
        """One row per stored symbol: source, date range, rows, fetch time and last error."""
        rows = []
        for symbol in self.symbols():
            meta = self._meta(symbol) or {}
            status_path = self._status_path(symbol)
            error = (
                json.loads(status_path.read_text())["last_error"] if status_path.exists() else ""
            )
            rows.append(
                {
                    "symbol": symbol,
                    **{k: meta.get(k) for k in COVERAGE_COLUMNS[1:7]},
                    "last_error": error,
                }
            )
        for status_path in sorted(self.status_dir.glob("*.json")):
            if status_path.stem not in {row["symbol"] for row in rows}:
                rows.append(
                    {
                        "symbol": status_path.stem,
                        "source": None,
                        "rows": 0,
                        "last_error": json.loads(status_path.read_text())["last_error"],
                    }
                )
        frame = pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
        for column in ("first_date", "last_date"):
            frame[column] = pd.to_datetime(frame[column])
        return frame
