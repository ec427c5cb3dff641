"""The one interface every market-data source implements.

Modelled on OpenBB's provider "fetchers": a source turns a :class:`BarQuery` into the canonical
bar table (:mod:`data_sources.schema`) in three steps — ``transform_query`` (canonical query →
the source's own arguments), ``extract`` (get the raw data) and ``transform_data``
(raw → canonical). A :class:`Provider` wraps a source with what the rest of the code needs to
know about it (which symbols it serves, incremental refresh, its data-mode label); the registry
of providers is :mod:`data_sources.providers`. Nothing downstream knows which source produced a
table; the store records the provider's name as provenance.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
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
    source: str  # the provider's name: "akshare", "import", "demo", ...
    detail: str  # e.g. "akshare stock_zh_index_daily_em(sh000300)" or "file prices.csv"


class BarSource(ABC):
    """Query → canonical bars, in three overridable steps."""

    #: The provider's name, stored with the bars as their provenance ("akshare", "demo", ...).
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


def serves_nothing(symbol: str) -> bool:
    return False


@dataclass(frozen=True)
class Provider:
    """One source of daily bars, as the rest of the code sees it.

    ``fetcher`` is the :class:`BarSource` class; its ``source_kind`` is the provider's name, the
    provenance stored with each series. ``serves`` says which canonical symbols a refresh may
    ask it for (a file import serves none: its symbols come from the user's files), ``serves_text``
    says the same in words for an error message. ``incremental``: a stored series from this
    provider is refreshed from a few sessions before its last one and merged, not fetched whole.
    ``label`` names the data in the data mode; ``dated`` appends the oldest fetch date to it
    (``stored akshare data (as of 2026-11-20)``); ``live_label`` (if any) replaces it for series
    fetched during the running app session. ``synthetic``: simulated, not market data (every view
    of it carries a warning). ``verb`` says how a series came to be stored (``fetched``,
    ``imported``, ``generated``). ``series_label``: how one stored series from it is named in a
    table of series (default: ``label``).
    """

    fetcher: type[BarSource]
    label: str
    serves: Callable[[str], bool] = serves_nothing
    serves_text: str = ""
    incremental: bool = False
    synthetic: bool = False
    dated: bool = False
    live_label: str | None = None
    verb: str = "fetched"
    series_label: str = ""

    @property
    def name(self) -> str:
        return self.fetcher.source_kind

    @property
    def series_name(self) -> str:
        return self.series_label or self.label
