"""Turnover (换手率, baostock ``turn``), in % of the float, kept beside a series' prices.

The canonical bars (:data:`data_sources.schema.CANONICAL_COLUMNS`) have no turnover column and
keep none: most series (indices, boards, C-REITs, users' own files) have no turnover, and the
bars' layout is shared by every reader. A source that has it (a file with a ``turn``/``换手率``
column, akshare ``stock_zh_a_hist``'s 换手率) attaches it to its bars with :func:`attach`; the
store keeps it in a side table (``Store.turnover``), one row per (symbol, date), in %.

It rides in ``bars.attrs`` as a :class:`Rows` (read-only arrays that pandas never copies), not
as a Series or lists: pandas deep-copies ``attrs`` after every operation and compares them when
it concatenates frames (comparing Series there raises).
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

ATTR = "turnover"
COLUMNS = ["symbol", "date", "turnover"]


class Rows(str):
    """Turnover rows riding in ``bars.attrs``: read-only arrays that pandas does not copy.

    pandas deep-copies ``attrs`` after nearly every operation (each column access): a list of
    2,500 values made a store write of one series take seconds. A :class:`Rows` is immutable,
    so its copy is itself. It is also the text ``turnover: N days, crc32 …`` (a ``str``):
    pyarrow writes ``attrs`` as JSON whenever a frame becomes a table (``st.dataframe``), and
    pandas compares ``attrs`` when it concatenates frames; both see that short text, which
    differs whenever the values do."""

    dates: np.ndarray  # datetime64[ns], read-only
    values: np.ndarray  # float64 in % of the float, read-only

    def __new__(cls, dates: np.ndarray, values: np.ndarray) -> Rows:
        dates = np.array(dates, dtype="datetime64[ns]")
        values = np.array(values, dtype="float64")
        dates.flags.writeable = False
        values.flags.writeable = False
        crc = zlib.crc32(values.tobytes(), zlib.crc32(dates.tobytes()))
        rows = super().__new__(cls, f"turnover: {len(values)} days, crc32 {crc:08x}")
        rows.dates = dates
        rows.values = values
        return rows

    def __deepcopy__(self, memo) -> Rows:
        return self

    def __copy__(self) -> Rows:
        return self

    def __reduce__(self):  # pickled as its arrays (st.cache_data, processes)
        return (Rows, (self.dates, self.values))

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({"date": self.dates, "turnover": self.values})


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
    bars.attrs[ATTR] = Rows(frame["date"].to_numpy(), frame["turnover"].to_numpy())
    return bars


def attached(bars: pd.DataFrame) -> pd.DataFrame | None:
    """The turnover attached to ``bars`` (columns date, turnover) on the bars' own dates, or
    ``None`` when the source attached none."""
    rows = bars.attrs.get(ATTR)
    if not isinstance(rows, Rows):
        return None
    frame = rows.frame()
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
