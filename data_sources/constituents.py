"""Index constituents from the CSI website (akshare ``index_stock_cons_csindex``).

Lets a study run across every firm of a segment (all brokerages of 399975, say). The list is
the **current** snapshot: firms that left the index (delisted, merged, dropped) are missing, so
a study of a past event over today's constituents has survivorship bias — the dashboard says so
wherever constituents are offered.
"""

from __future__ import annotations

import pandas as pd

from data_sources.errors import DataSourceError
from data_sources.network import bounded_requests

CONSTITUENT_COLUMNS = ["symbol", "name", "exchange", "index_code", "as_of"]
SURVIVORSHIP_CAVEAT = (
    "Constituent lists are today's snapshot: firms that have since left the index are missing, "
    "so past events studied over them carry survivorship bias."
)
_EXCHANGE_SUFFIX = {
    "上海证券交易所": "SH",
    "深圳证券交易所": "SZ",
    "北京证券交易所": "BJ",
    "Shanghai Stock Exchange": "SH",
    "Shenzhen Stock Exchange": "SZ",
    "Beijing Stock Exchange": "BJ",
}


def index_code(text: str) -> str:
    """``399975.SZ`` or ``399975`` → ``399975`` (the CSI site's code)."""
    code = str(text).strip().split(".")[0]
    if not (len(code) == 6 and code.isalnum()):
        raise DataSourceError(f"{text!r} is not an index code such as 399975 or 000300.SH")
    return code.upper()


def constituents(index: str) -> pd.DataFrame:
    """Current constituents of ``index`` with canonical symbols (e.g. 600030.SH)."""
    import akshare  # slow import, only when asked

    code = index_code(index)
    try:
        with bounded_requests():
            raw = akshare.index_stock_cons_csindex(symbol=code)
    except Exception as error:  # HTML instead of Excel for an unknown code: ValueError; network
        raise DataSourceError(
            f"akshare index_stock_cons_csindex failed: {type(error).__name__}: {error}",
            symbol=code,
            source="akshare",
        ) from error
    if raw is None or raw.empty:
        raise DataSourceError("no constituents returned", symbol=code, source="akshare")
    suffix = raw["交易所"].map(_EXCHANGE_SUFFIX)
    if suffix.isna().any():
        unknown = raw.loc[suffix.isna(), "交易所"].iloc[0]
        raise DataSourceError(
            f"unknown exchange {unknown!r} in the constituent list", symbol=code, source="akshare"
        )
    out = pd.DataFrame(
        {
            "symbol": raw["成分券代码"].astype(str).str.zfill(6) + "." + suffix,
            "name": raw["成分券名称"].astype(str),
            "exchange": suffix,
            "index_code": code,
            "as_of": pd.to_datetime(raw["日期"]),
        }
    )
    return out[CONSTITUENT_COLUMNS].drop_duplicates("symbol").reset_index(drop=True)
