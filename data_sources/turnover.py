"""Turnover (换手率, baostock ``turn``), in % of the float, kept beside a series' prices.

The canonical bars (:data:`data_sources.schema.CANONICAL_COLUMNS`) have no turnover column and
keep none: most series (indices, boards, C-REITs, users' own files) have no turnover, and the
bars' layout is shared by every reader. A source that has it (a file with a ``turn``/``换手率``
column, akshare ``stock_zh_a_hist``'s 换手率) attaches it to its bars with :func:`attach`; the
store keeps it in a side table (``Store.turnover``), one row per (symbol, date), in %.

It rides in ``bars.attrs`` as plain lists (dates as text, values as floats), not as a Series:
pandas compares ``attrs`` when it concatenates frames, and comparing Series there raises.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ATTR = "turnover"
COLUMNS = ["symbol", "date", "turnover"]


def attach(bars: pd.DataFrame, dates, values) -> pd.DataFrame:
    """``bars`` with turnover ``values`` (in %) for ``dates`` attached; empty values are left
    out (an empty cell is unknown, not zero)."""
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(pd.Series(list(dates)), errors="coerce"),
            "turnover": pd.to_numeric(pd.Series(list(values)), errors="coerce"),
        }
    ).dropna()
    frame = frame[np.isfinite(frame["turnover"])]
    bars.attrs[ATTR] = {
        "date": [f"{d:%Y-%m-%d}" for d in frame["date"]],
        "turnover": [float(v) for v in frame["turnover"]],
    }
    return bars


def attached(bars: pd.DataFrame) -> pd.DataFrame | None:
    """The turnover attached to ``bars`` (columns date, turnover) on the bars' own dates, or
    ``None`` when the source attached none."""
    payload = bars.attrs.get(ATTR)
    if not isinstance(payload, dict):
        return None
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(pd.Series(payload.get("date", []), dtype=object)),
            "turnover": pd.Series(payload.get("turnover", []), dtype="float64"),
        }
    )
    frame["date"] = frame["date"].astype("datetime64[ns]")
    # the bars may have been cut to a query's dates since (suspended rows removed, a range)
    frame = frame[frame["date"].isin(bars["date"])]
    return frame.drop_duplicates("date", keep="last").sort_values("date", ignore_index=True)


def empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": pd.Series(dtype=object),
            "date": pd.Series(dtype="datetime64[ns]"),
            "turnover": pd.Series(dtype="float64"),
        }
    )
