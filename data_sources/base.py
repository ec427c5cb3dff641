"""The one interface every market-data source implements.

Modelled on OpenBB's provider "fetchers": a source turns a :class:`BarQuery` into the canonical
bar table (:mod:`data_sources.schema`) in three steps — ``transform_query`` (canonical query →
the source's own arguments), ``extract`` (get the raw data) and ``transform_data``
(raw → canonical).
Nothing downstream knows which source produced a table; the store records it as provenance.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import pandas as pd

from data_sources.errors import DataSourceError
from data_sources.schema import check_symbol


@dataclass(frozen=True)
class BarQuery:
    """Daily bars for one canonical symbol between two dates (inclusive; None = open-ended)."""

    symbol: str
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None

    def __post_init__(self):
        object.__setattr__(self, "symbol", check_symbol(self.symbol))
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, pd.Timestamp(value).normalize())
        if self.start is not None and self.end is not None and self.start > self.end:
            raise DataSourceError(
                f"start {self.start:%Y-%m-%d} is after end {self.end:%Y-%m-%d}", symbol=self.symbol
            )


@dataclass(frozen=True)
class FetchResult:
    """Canonical bars plus the provenance the store keeps beside them."""

    bars: pd.DataFrame
    source: str  # "akshare" | "import" | "demo"
    detail: str  # e.g. "stock_zh_index_daily_em(sh000300)" or "file prices.csv"


class BarSource(ABC):
    """Query → canonical bars, in three overridable steps."""

    #: Provenance kind stored with the bars: "akshare", "import" or "demo".
    source_kind: str = ""

    @abstractmethod
    def transform_query(self, query: BarQuery) -> dict[str, Any]:
        """Map the canonical query to the source's own parameters."""

    @abstractmethod
    def extract(self, query: BarQuery, params: dict[str, Any]) -> Any:
        """Fetch raw data; raise :class:`DataSourceError` on failure."""

    @abstractmethod
    def transform_data(self, query: BarQuery, raw: Any) -> pd.DataFrame:
        """Turn raw data into the canonical table (validated)."""

    def describe(self, query: BarQuery, params: dict[str, Any]) -> str:
        return f"{type(self).__name__}({query.symbol})"

    def fetch(self, query: BarQuery) -> FetchResult:
        params = self.transform_query(query)
        raw = self.extract(query, params)
        bars = self.transform_data(query, raw)
        if query.start is not None:
            bars = bars[bars["date"] >= query.start]
        if query.end is not None:
            bars = bars[bars["date"] <= query.end]
        if bars.empty:
            raise DataSourceError("no rows in the requested date range", symbol=query.symbol)
        return FetchResult(
            bars.reset_index(drop=True), self.source_kind, self.describe(query, params)
        )
