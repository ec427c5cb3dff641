"""Which data a view is showing: SYNTHETIC DEMO, stored akshare data, live akshare, imported files.

Derived from the store's per-symbol provenance (never kept as separate state), so the label can
never disagree with the data behind it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from data_sources.demo import SYNTHETIC_LABEL

LIVE_LABEL = "live akshare"
STORED_LABEL = "stored akshare data"
IMPORT_LABEL = "imported files"


@dataclass(frozen=True)
class DataMode:
    label: str  # e.g. "SYNTHETIC DEMO" or "stored akshare data (as of 2026-11-20)"
    synthetic: bool  # any synthetic series in view
    counts: dict[str, int]  # series per source kind


def data_mode(
    coverage: pd.DataFrame, symbols: Iterable[str] | None = None, live_symbols: Iterable[str] = ()
) -> DataMode:
    """The data mode of ``symbols`` (default: everything stored).

    ``live_symbols`` are those fetched from akshare during this app session.
    """
    frame = coverage[coverage["source"].notna()]
    if symbols is not None:
        frame = frame[frame["symbol"].isin(list(symbols))]
    if frame.empty:
        return DataMode("no data", False, {})
    live = set(live_symbols)
    counts = frame["source"].value_counts().to_dict()
    parts = []
    if counts.get("demo"):
        parts.append(SYNTHETIC_LABEL)
    akshare_rows = frame[frame["source"] == "akshare"]
    live_rows = akshare_rows[akshare_rows["symbol"].isin(live)]
    stored_rows = akshare_rows[~akshare_rows["symbol"].isin(live)]
    if len(live_rows):
        parts.append(LIVE_LABEL)
    if len(stored_rows):
        as_of = pd.to_datetime(stored_rows["fetched_at"]).min()
        parts.append(f"{STORED_LABEL} (as of {as_of:%Y-%m-%d})")
    if counts.get("import"):
        parts.append(IMPORT_LABEL)
    return DataMode(" + ".join(parts), bool(counts.get("demo")), counts)


def data_vintage(coverage: pd.DataFrame, symbols: Iterable[str]) -> str:
    """Per-series provenance, e.g. ``399006.SZ: akshare ... fetched 2026-11-24T08:00:00Z``."""
    indexed = coverage.set_index("symbol")
    parts = []
    for symbol in dict.fromkeys(symbols):
        if symbol not in indexed.index or pd.isna(indexed.at[symbol, "source"]):
            parts.append(f"{symbol}: not stored")
            continue
        row = indexed.loc[symbol]
        verb = (
            "generated"
            if row["source"] == "demo"
            else ("imported" if row["source"] == "import" else "fetched")
        )
        parts.append(
            f"{symbol}: {row['detail']} {verb} {row['fetched_at']}, "
            f"{row['first_date']:%Y-%m-%d} to {row['last_date']:%Y-%m-%d}"
        )
    return "; ".join(parts)
