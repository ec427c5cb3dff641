"""Whole-market lists through akshare: every listed C-REIT, and Eastmoney's industry boards.

Why not ``reits_realtime_em``: it asks Eastmoney's list endpoint for one page of 100 rows and
stops, so once more than 100 C-REITs trade it silently drops the rest (akshare-notes §1). Here
the same request (same URL, same ``fs`` filter of SSE/SZSE REITs) goes through akshare's own
paginated Eastmoney helper ``akshare.utils.func.fetch_paginated_data``, which reads the total
and fetches every page. Eastmoney's market id gives the exchange (1 = SSE, 0 = SZSE).

Industry boards come from ``stock_board_industry_name_em`` (paginated by akshare itself); each
gets the canonical symbol ``BK….EM`` that the akshare provider
(:func:`data_sources.akshare_source.akshare_call`) maps back to ``stock_board_industry_hist_em``.
"""

from __future__ import annotations

import pandas as pd

from data_sources.errors import DataSourceError
from data_sources.network import bounded_requests

LISTING_COLUMNS = ["symbol", "name", "price", "pct_change"]
CREIT_LIST_URL = "https://95.push2.eastmoney.com/api/qt/clist/get"
CREIT_LIST_PARAMS = {
    "pn": "1",
    "pz": "100",
    "po": "1",
    "np": "1",
    "ut": "bd1d9ddb04089700cf9c27f6f7426281",
    "fltt": "2",
    "invt": "2",
    # sorted by code (f12), not by the live %-change (f3): during trading hours the order
    # would shift between page requests and REITs could be skipped or repeated
    "fid": "f12",
    "fs": "m:1 t:9 e:97,m:0 t:10 e:97",
    "fields": "f2,f3,f12,f13,f14",
}
_MARKET_SUFFIX = {1: "SH", 0: "SZ"}


def _failed(function: str, error: Exception) -> DataSourceError:
    return DataSourceError(
        f"akshare {function} failed: {type(error).__name__}: {error}", source="akshare"
    )


def listed_creits() -> pd.DataFrame:
    """Every C-REIT Eastmoney lists on the SSE and SZSE: symbol (508000.SH), name, last price,
    change in % (NaN when it has not traded today)."""
    from akshare.utils.func import fetch_paginated_data  # slow import

    try:
        with bounded_requests() as bound:
            raw = fetch_paginated_data(CREIT_LIST_URL, CREIT_LIST_PARAMS, timeout=bound)
    except Exception as error:  # network, a non-JSON body, an empty list (ZeroDivisionError)
        raise _failed("fetch_paginated_data (C-REIT list)", error) from error
    missing = [key for key in ("f12", "f13", "f14") if key not in raw.columns]
    if missing:
        raise DataSourceError(
            f"the C-REIT list changed its fields: missing {missing}, got {list(raw.columns)}",
            source="akshare",
        )
    market = pd.to_numeric(raw["f13"], errors="coerce").map(_MARKET_SUFFIX)
    if market.isna().any():
        odd = raw.loc[market.isna(), "f12"].iloc[0]
        raise DataSourceError(f"C-REIT {odd} has an unknown market id", source="akshare")
    frame = pd.DataFrame(
        {
            "symbol": raw["f12"].astype(str).str.zfill(6) + "." + market,
            "name": raw["f14"].astype(str),
            "price": pd.to_numeric(raw.get("f2"), errors="coerce"),
            "pct_change": pd.to_numeric(raw.get("f3"), errors="coerce"),
        }
    )
    frame = frame.drop_duplicates("symbol").sort_values("symbol", ignore_index=True)
    return frame[LISTING_COLUMNS]


def industry_boards() -> pd.DataFrame:
    """Eastmoney's current industry boards: symbol (BK0473.EM), name, last level, change in %."""
    import akshare  # slow import

    try:
        with bounded_requests():
            raw = akshare.stock_board_industry_name_em()
    except Exception as error:
        raise _failed("stock_board_industry_name_em", error) from error
    missing = [c for c in ("板块代码", "板块名称") if c not in raw.columns]
    if missing or raw.empty:
        raise DataSourceError(
            f"the board list changed or is empty: missing {missing}", source="akshare"
        )
    frame = pd.DataFrame(
        {
            "symbol": raw["板块代码"].astype(str) + ".EM",
            "name": raw["板块名称"].astype(str),
            "price": pd.to_numeric(raw.get("最新价"), errors="coerce"),
            "pct_change": pd.to_numeric(raw.get("涨跌幅"), errors="coerce"),
        }
    )
    return frame.sort_values("symbol", ignore_index=True)[LISTING_COLUMNS]
