"""The akshare provider: daily bars from Eastmoney, Shenwan and others, mapped to the canonical
table.

Which akshare function fetches a symbol, and the symbol form it takes, follow from the canonical
symbol and the instrument's kind (:func:`akshare_call`); the instrument registry knows nothing of
akshare. Six functions are used:

* ``stock_zh_index_daily_em(symbol="sh000300", start_date, end_date)`` for indices in the
  instrument registry (``000300.SH`` → ``sh000300``, ``932000.CSI`` → ``csi932000``): one
  request, English columns ``date, open, close, high, low, volume, amount``. Index levels are
  price indices.
* ``fund_etf_hist_em(symbol="508000", period="daily", start_date, end_date, adjust="hfq")`` for
  C-REITs and ETFs: back-adjusted (后复权) prices, so that distributions do not show up as price
  drops and hence as abnormal returns. Chinese columns 日期, 开盘, 收盘, ...
* ``stock_zh_a_hist(symbol="600377", period="daily", start_date, end_date, adjust="hfq")`` for
  individual A-shares: back-adjusted too (forward-adjusted history is rewritten after every
  dividend, so a stored series would drift). Its 换手率 (turnover, % of the float) is kept
  beside the bars in the store (:mod:`data_sources.turnover`).
* ``stock_board_industry_hist_em(symbol="BK0473", start_date, end_date, period="日k")`` and
  ``stock_board_concept_hist_em(symbol="BK0711", period="daily", start_date, end_date)`` for
  Eastmoney industry and concept boards (canonical ``BK0473.EM`` and ``BK0711.EMC``): board
  index levels, unadjusted like every index.
* ``index_hist_sw(symbol="801193", period="day")`` for Shenwan (申万) industry indices
  (canonical ``801193.SI``, the Wind convention) from the Shenwan Hongyuan research site. It
  has no date arguments: the whole history comes back and is cut to the query's dates here.

akshare raises many exception types or returns empty frames for bad symbols and empty results
(``../shared/reference/akshare-notes.md`` §3); every one of them becomes a
:class:`~data_sources.errors.DataSourceError` naming the instrument. ``import akshare`` takes
about a second, so it happens on first use, never at app start-up.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from data_sources.base import BarQuery, BarSource, Provider
from data_sources.errors import DataSourceError
from data_sources.instruments import get_instrument
from data_sources.network import bounded_requests, describe_failure, http_timeout
from data_sources.schema import parse_dates, to_canonical
from data_sources.turnover import attach as attach_turnover

#: akshare's Chinese column names → canonical names (shared with file import).
CHINESE_COLUMNS = {
    "日期": "date",
    "开盘": "open",
    "今开": "open",
    "收盘": "close",
    "最新价": "close",
    "最高": "high",
    "最低": "low",
    "成交量": "volume",
    "成交额": "amount",
}

_CHINESE_BARS = ["日期", "开盘", "收盘", "最高", "最低", "成交量", "成交额"]
_EXPECTED_COLUMNS = {
    "stock_zh_index_daily_em": ["date", "open", "close", "high", "low", "volume", "amount"],
    "fund_etf_hist_em": _CHINESE_BARS,
    "stock_zh_a_hist": _CHINESE_BARS,
    "stock_board_industry_hist_em": _CHINESE_BARS,
    "stock_board_concept_hist_em": _CHINESE_BARS,
    "index_hist_sw": _CHINESE_BARS,
}
#: Functions that take period/adjust arguments; all get back-adjusted daily bars.
_ADJUSTED_FUNCTIONS = ("fund_etf_hist_em", "stock_zh_a_hist")
#: Board histories: their own spelling of "daily", and no adjustment (they are indices).
_BOARD_PERIODS = {"stock_board_industry_hist_em": "日k", "stock_board_concept_hist_em": "daily"}
#: Functions without date arguments: the full history is cut to the query's dates here.
_UNDATED_FUNCTIONS = ("index_hist_sw",)
#: Functions with their own ``timeout`` argument (akshare 1.19.5); the rest are bounded by
#: :func:`data_sources.network.bounded_requests`.
_TIMEOUT_FUNCTIONS = ("stock_zh_a_hist",)

SUPPORTED_FUNCTIONS = tuple(_EXPECTED_COLUMNS)

#: Adjustment used for funds (C-REITs, ETFs) and stocks: back-adjusted prices.
FUND_ADJUST = "hfq"


#: Data-mode labels: series fetched during the running app session, and stored ones.
LIVE_LABEL = "live akshare"
STORED_LABEL = "stored akshare data"
SERVES_TEXT = (
    "instruments in the instrument registry and any A-share, ETF, C-REIT, Eastmoney board or "
    "Shenwan index code (e.g. 600030.SH, 512880.SH, 508000.SH, BK0473.EM, 801193.SI)"
)


def akshare_call(symbol: str) -> tuple[str, str]:
    """The akshare function for ``symbol`` and the symbol form it takes, e.g. ``000300.SH`` →
    ``("stock_zh_index_daily_em", "sh000300")``, ``600377.SH`` → ``("stock_zh_a_hist",
    "600377")``. Raises :class:`DataSourceError` for a symbol the instrument registry does not
    know and cannot derive (indices are never guessed)."""
    instrument = get_instrument(symbol)
    code, suffix = instrument.symbol.rsplit(".", 1)
    if instrument.kind == "stock":
        return "stock_zh_a_hist", code
    if instrument.kind in ("etf", "reit"):
        return "fund_etf_hist_em", code
    if suffix == "SI":
        return "index_hist_sw", code
    if suffix == "EM":
        return "stock_board_industry_hist_em", code
    if suffix == "EMC":
        return "stock_board_concept_hist_em", code
    return "stock_zh_index_daily_em", suffix.lower() + code


def requested_adjustment(symbol: str) -> str:
    """The adjustment the fetch asks Eastmoney for, as the store records it: back-adjusted
    (hfq) for stocks and funds, none for indices and boards (index levels are not adjusted)."""
    from data_sources.prices import INDEX_LEVEL, UNADJUSTED, VENDOR_HFQ, VENDOR_QFQ

    if akshare_call(symbol)[0] not in _ADJUSTED_FUNCTIONS:
        return INDEX_LEVEL
    return {"hfq": VENDOR_HFQ, "qfq": VENDOR_QFQ}.get(FUND_ADJUST, UNADJUSTED)


def serves(symbol: str) -> bool:
    try:
        akshare_call(symbol)
    except DataSourceError:
        return False
    return True


def _akshare():
    import akshare  # slow import, deferred to the first fetch

    return akshare


class AkshareSource(BarSource):
    """Index, sector-board, A-share, ETF and C-REIT daily bars through akshare."""

    source_kind = "akshare"

    def transform_query(self, query: BarQuery) -> dict[str, Any]:
        function, akshare_symbol = akshare_call(query.symbol)
        start = f"{query.start:%Y%m%d}" if query.start is not None else "19900101"
        end = f"{query.end:%Y%m%d}" if query.end is not None else "20500101"
        params: dict[str, Any] = {"symbol": akshare_symbol}
        if function in _UNDATED_FUNCTIONS:
            params["period"] = "day"
        else:
            params.update(start_date=start, end_date=end)
        if function in _ADJUSTED_FUNCTIONS:
            params.update(period="daily", adjust=FUND_ADJUST)
        if function in _BOARD_PERIODS:
            params.update(period=_BOARD_PERIODS[function], adjust="")
        if function in _TIMEOUT_FUNCTIONS:
            params["timeout"] = http_timeout()
        return {"function": function, "kwargs": params}

    def extract(self, query: BarQuery, params: dict[str, Any]) -> pd.DataFrame:
        function = getattr(_akshare(), params["function"])
        bound = http_timeout()
        try:
            with bounded_requests(bound):
                raw = function(**params["kwargs"])
        except Exception as error:  # akshare raises anything from TypeError to ConnectionError
            raise DataSourceError(
                f"akshare {params['function']} failed: {describe_failure(error, bound)}",
                symbol=query.symbol,
                source="akshare",
            ) from error
        if raw is None or len(raw) == 0:
            raise DataSourceError(
                f"akshare {params['function']} returned no rows",
                symbol=query.symbol,
                source="akshare",
            )
        expected = _EXPECTED_COLUMNS[params["function"]]
        missing = [column for column in expected if column not in raw.columns]
        if missing:
            raise DataSourceError(
                f"akshare {params['function']} changed its columns: missing {missing}, "
                f"got {list(raw.columns)}",
                symbol=query.symbol,
                source="akshare",
            )
        return raw

    def transform_data(self, query: BarQuery, raw: pd.DataFrame) -> pd.DataFrame:
        renamed = raw.rename(columns=CHINESE_COLUMNS)
        renamed = renamed.loc[:, ~renamed.columns.duplicated()]
        if akshare_call(query.symbol)[0] in _UNDATED_FUNCTIONS:
            # Shenwan's site sends its history in no particular order (Eastmoney sends it
            # ascending, so there disorder still means a broken reply)
            order = parse_dates(renamed["date"]).argsort(kind="stable")
            renamed = renamed.iloc[order].reset_index(drop=True)
        _check_payload(renamed, query.symbol)
        bars = to_canonical(renamed, query.symbol, source="akshare")
        if query.start is not None:
            bars = bars[bars["date"] >= pd.Timestamp(query.start)]
        if query.end is not None:
            bars = bars[bars["date"] <= pd.Timestamp(query.end)]
        if bars.empty:
            raise DataSourceError(
                f"no rows between {query.start} and {query.end}",
                symbol=query.symbol,
                source="akshare",
            )
        bars = bars.reset_index(drop=True)
        bars.attrs["price_record"] = {"adjustment": requested_adjustment(query.symbol)}
        if "换手率" in raw.columns and akshare_call(query.symbol)[0] == "stock_zh_a_hist":
            # a stock's turnover in % of its float, kept beside the bars (data_sources.turnover)
            attach_turnover(bars, parse_dates(renamed["date"]), raw["换手率"])
        return bars

    def describe(self, query: BarQuery, params: dict[str, Any]) -> str:
        kwargs = params["kwargs"]
        adjust = f", adjust={kwargs['adjust']}" if kwargs.get("adjust") else ""
        return f"akshare {params['function']}({kwargs['symbol']}{adjust})"


def _check_payload(frame: pd.DataFrame, symbol: str) -> None:
    """Refuse a payload that is not what the endpoint sends when healthy, naming the problem.

    akshare turns a non-numeric price into NaN without a word, and Eastmoney sends dates once
    and in ascending order; anything else means a changed or broken response, which must not
    be stored as if it were prices (a NaN close would become a missing return, a duplicate
    date a wrong one).
    """

    def fail(reason: str) -> DataSourceError:
        return DataSourceError(reason, symbol=symbol, source="akshare")

    dates = parse_dates(frame["date"])
    if dates.isna().any():
        shown = frame["date"][dates.isna()].iloc[0]
        raise fail(f"unreadable date {shown!r} in the response")
    duplicated = dates.duplicated()
    if duplicated.any():
        raise fail(f"date {dates[duplicated].iloc[0]:%Y-%m-%d} appears twice in the response")
    if not dates.is_monotonic_increasing:
        position = int((dates.diff() < pd.Timedelta(0)).to_numpy().argmax())
        raise fail(f"dates out of order in the response at {dates.iloc[position]:%Y-%m-%d}")
    close = pd.to_numeric(frame["close"], errors="coerce")
    for column in ("open", "high", "low", "close"):
        if column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        unreadable = values.isna()
        if column == "open":
            # Shenwan leaves the open empty on some days: a missing open beside a close is
            # stored as missing (returns use the close); an open that is text is refused.
            unreadable &= ~(frame[column].isna() & close.notna())
        if unreadable.any():
            position = int(unreadable.to_numpy().argmax())
            raise fail(
                f"non-numeric {column} {frame[column].iloc[position]!r} on "
                f"{dates.iloc[position]:%Y-%m-%d} in the response"
            )


PROVIDER = Provider(
    AkshareSource,
    label=STORED_LABEL,
    serves=serves,
    serves_text=SERVES_TEXT,
    incremental=True,
    dated=True,
    live_label=LIVE_LABEL,
    series_label="akshare",
)
