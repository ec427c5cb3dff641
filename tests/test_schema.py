"""The canonical table's own checks, which every source (akshare, demo, files) goes through."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_sources.base import BarQuery, FetchResult
from data_sources.demo import DemoSource
from data_sources.errors import DataSourceError
from data_sources.schema import check_symbol, to_canonical, validate_bars


def _bars(**changes) -> pd.DataFrame:
    frame = to_canonical(
        pd.DataFrame(
            {
                "date": ["2024-01-10", "2024-01-11"],
                "open": [10.0, 10.5],
                "high": [11.0, 11.0],
                "low": [9.0, 10.0],
                "close": [10.5, 10.8],
                "volume": [100.0, 120.0],
                "amount": [1000.0, 1300.0],
            }
        ),
        "000300.SH",
    )
    for column, value in changes.items():
        frame.loc[1, column] = value
    return frame


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"close": np.inf}, "close inf on 2024-01-11 is not a finite number"),
        ({"volume": -np.inf}, "volume -inf on 2024-01-11 is not a finite number"),
        ({"volume": -1.0}, "volume -1.0 on 2024-01-11 is negative"),
        ({"amount": -5.0}, "amount -5.0 on 2024-01-11 is negative"),
        ({"close": 0.0}, "close 0.0 on 2024-01-11 is not positive"),
        ({"open": -1.0, "low": 9.0}, "open -1.0 on 2024-01-11 is not positive"),
        ({"low": 12.0}, "low 12.0 on 2024-01-11 is above high 11.0"),
        ({"close": 11.5}, "close 11.5 on 2024-01-11 is outside low 10.0 … high 11.0"),
    ],
)
def test_validate_bars_refuses_impossible_values_naming_the_date(changes, expected):
    with pytest.raises(DataSourceError) as raised:
        validate_bars(_bars(**changes), source="akshare")
    assert str(raised.value) == f"akshare 000300.SH: {expected}"


def test_the_store_refuses_impossible_bars_from_any_source(tmp_path):
    from data_sources.store import Store

    store = Store(tmp_path)
    with pytest.raises(DataSourceError, match="is not a finite number"):
        store.write(FetchResult(_bars(high=np.inf), "akshare", "x"))
    assert store.symbols() == []


def test_demo_data_still_validates():
    for symbol in ("000300.SH", "399006.SZ", "508000.SH"):
        validate_bars(DemoSource().fetch(BarQuery(symbol)).bars)


def test_to_canonical_empties_contradictory_open_high_low_and_keeps_the_close():
    frame = pd.DataFrame(
        {"date": ["2024-01-10", "2024-01-11"], "high": [11.0, 9.0], "low": [9.0, 10.0]}
    ).assign(open=[10.0, 9.5], close=[10.5, 9.8])
    bars = to_canonical(frame, "X")
    assert bars["close"].tolist() == [10.5, 9.8]
    assert bars.loc[1, ["open", "high", "low"]].isna().all()
    assert bars.attrs["ohlc_blanked"]["rows"] == 1


def test_to_canonical_reads_text_dates_with_one_format_and_refuses_an_ambiguous_column():
    mdy = pd.DataFrame({"date": ["01/10/2024", "01/13/2024"], "close": [1.0, 2.0]})
    assert to_canonical(mdy, "X")["date"].dt.strftime("%m-%d").tolist() == ["01-10", "01-13"]
    ambiguous = pd.DataFrame({"date": ["01/10/2024", "01/11/2024"], "close": [1.0, 2.0]})
    with pytest.raises(DataSourceError, match="every date fits more than one format"):
        to_canonical(ambiguous, "X", source="akshare")


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [("０００３００.ＳＨ", "000300.SH"), ("𝟎𝟎𝟎𝟑𝟎𝟎.SH", "000300.SH"), (" 399006.SZ ", "399006.SZ")],
)
def test_check_symbol_normalises_look_alike_forms_to_ascii(symbol, expected):
    assert check_symbol(symbol) == expected


@pytest.mark.parametrize("symbol", ["000300.ЅН", "ЅН", "证券公司", "000300.SH\u200b", "ａ/ｂ"])
def test_check_symbol_refuses_what_is_not_ascii_after_normalising(symbol):
    with pytest.raises(DataSourceError, match="is not valid"):
        check_symbol(symbol)


def test_series_stored_under_a_non_ascii_name_before_the_rule_stay_readable(tmp_path, monkeypatch):
    import data_sources.store as store_module
    from data_sources.schema import check_stored_symbol
    from data_sources.store import Store

    store = Store(tmp_path)
    legacy = to_canonical(pd.DataFrame({"date": ["2024-01-10"], "close": [1.0]}), "X")
    legacy["symbol"] = "沪深300"
    with monkeypatch.context() as patch:  # as an older version wrote it
        patch.setattr(store_module, "check_symbol", check_stored_symbol)
        store.write(FetchResult(legacy, "import", "file 沪深300.csv"))
    assert store.symbols() == ["沪深300"]
    assert store.read(["沪深300"])["close"].tolist() == [1.0]
    assert store.provenance("沪深300")["rows"] == 1
    with pytest.raises(DataSourceError, match="not an ASCII character"):
        store.write(FetchResult(legacy, "import", "again"))  # no new writes under it
    store.delete("沪深300")
    assert store.symbols() == []
