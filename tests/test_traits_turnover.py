"""Turnover (换手率, baostock ``turn``) kept beside the prices in the store's side table: from
file imports and from akshare ``stock_zh_a_hist``; merged, replaced and removed with its series;
a damaged turnover file is named and set aside, never returned wrong. The canonical bars keep
their columns."""

from __future__ import annotations

import pickle
import struct

import pandas as pd
import pytest
import responses
from responses import matchers

from data_sources.akshare_source import AkshareSource
from data_sources.base import BarQuery, FetchResult
from data_sources.errors import DataSourceError
from data_sources.files import FileSource, parse_price_file
from data_sources.schema import CANONICAL_COLUMNS
from data_sources.store import Store
from tests.akshare_payloads import KLINE_URL, kline_payload
from tests.conftest import shared_path

#: baostock's stock export (its column order), one suspended day (tradestatus 0) and one
#: empty turn cell; turn is in %.
BAOSTOCK_FILE = (
    "date,code,open,high,low,close,preclose,volume,amount,adjustflag,turn,tradestatus,pctChg,isST\n"
    "2024-01-02,sh.600030,20.00,20.50,19.90,20.40,20.00,1000,20400,3,0.812300,1,2.0,0\n"
    "2024-01-03,sh.600030,20.40,20.40,20.40,20.40,20.40,0,0,3,,0,0.0,0\n"
    "2024-01-04,sh.600030,20.40,20.80,20.30,20.60,20.40,1200,24720,3,1.204500,1,0.980392,0\n"
    "2024-01-05,sh.600030,20.60,20.70,20.20,20.30,20.60,900,18270,3,,1,-1.456311,0\n"
)


def _import(store: Store, content: str, name: str) -> int:
    source = FileSource(content.encode(), name)
    return store.write(source.fetch(source.symbol_query()), merge=False)


def test_a_baostock_file_keeps_its_turn_values_beside_the_bars(tmp_path):
    store = Store(tmp_path / "store")
    assert _import(store, BAOSTOCK_FILE, "600030.csv") == 3  # the suspended day is a gap
    bars = store.read(["600030.SH"])
    assert list(bars.columns) == CANONICAL_COLUMNS  # the canonical bars are unchanged
    turnover = store.turnover(["600030.SH"])
    assert list(turnover.columns) == ["symbol", "date", "turnover"]
    # the empty cell (2024-01-05) is unknown, not zero; the suspended day has no row
    assert turnover["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-02", "2024-01-04"]
    assert turnover["turnover"].tolist() == [0.8123, 1.2045]
    assert set(turnover["symbol"]) == {"600030.SH"}
    assert store.turnover(["000001.SZ"]).empty  # a series never stored has none


@pytest.mark.parametrize("header", ["换手率", "换手率(%)", "turnover (%)", "turnover_rate", "TURN"])
def test_every_spelling_of_the_rate_is_read_as_turnover(header):
    content = f"date,close,{header}\n2024-01-02,10,0.5\n2024-01-03,10.1,0.7\n"
    bars = parse_price_file(content.encode(), "600030.csv")
    store_rows = bars.attrs["turnover"].frame()
    assert store_rows["turnover"].tolist() == [0.5, 0.7]


def test_a_column_named_turnover_stays_the_amount_traded():
    # "turnover" alone means the value traded in English market data (HKEX, Yahoo): unchanged
    content = "date,close,turnover\n2024-01-02,10,5000\n2024-01-03,10.1,7000\n"
    bars = parse_price_file(content.encode(), "600030.csv")
    assert bars["amount"].tolist() == [5000.0, 7000.0]
    assert "turnover" not in bars.attrs


@pytest.mark.parametrize("value", ["high", "-0.3", "inf"])
def test_a_turnover_that_is_not_a_rate_is_named_with_its_row_and_column(value):
    content = f"date,close,turn\n2024-01-02,10,0.5\n2024-01-03,10.1,{value}\n"
    with pytest.raises(DataSourceError) as caught:
        parse_price_file(content.encode(), "600030.csv")
    assert "row 3, column 'turn'" in str(caught.value)
    assert repr(value) in str(caught.value)


def test_turnover_survives_pickling_like_the_pages_cache():
    bars = parse_price_file(BAOSTOCK_FILE.encode(), "600030.csv")
    again = pickle.loads(pickle.dumps(bars))
    assert again.attrs["turnover"] == bars.attrs["turnover"]
    # pandas compares attrs when frames are concatenated: plain lists compare, Series would not
    pd.concat([bars, again])


def test_removing_a_series_removes_its_turnover(tmp_path):
    store = Store(tmp_path / "store")
    _import(store, BAOSTOCK_FILE, "600030.csv")
    store.delete("600030.SH")
    assert store.turnover(["600030.SH"]).empty
    assert store.turnover().empty
    assert not list(store.turnover_dir.glob("*.arrow"))


def test_a_replacing_write_without_turnover_drops_the_old_turnover(tmp_path):
    store = Store(tmp_path / "store")
    _import(store, BAOSTOCK_FILE, "600030.csv")
    _import(store, "date,close\n2024-02-01,21\n2024-02-02,21.5\n", "600030.csv")
    assert store.turnover(["600030.SH"]).empty  # it described the replaced rows


def _stock_fetch(lines):
    responses.get(
        KLINE_URL,
        json=kline_payload(lines, "600377", "宁沪高速"),
        match=[matchers.query_param_matcher({"secid": "1.600377", "fqt": "2"}, strict_match=False)],
    )
    return AkshareSource().fetch(BarQuery("600377.SH"))


@responses.activate
def test_akshare_stock_history_keeps_its_turnover_and_merges_it(tmp_path):
    # stock_zh_a_hist: 11 values per kline (…, amplitude %, change %, change, turnover %)
    store = Store(tmp_path / "store")
    first = _stock_fetch(
        [
            "2024-09-23,30.10,30.42,30.50,30.00,98765,300000000.00,1.66,1.07,0.32,0.20",
            "2024-09-24,30.50,31.20,31.40,30.40,123456,380000000.00,3.29,2.56,0.78,0.25",
        ]
    )
    store.write(first)
    responses.reset()
    # a refresh revises the last day and adds one: merged like the bars
    second = _stock_fetch(
        [
            "2024-09-24,30.50,31.20,31.40,30.40,123456,380000000.00,3.29,2.56,0.78,0.27",
            "2024-09-25,31.20,31.50,31.90,31.00,111111,350000000.00,2.88,0.96,0.30,0.31",
        ]
    )
    store.write(second)
    turnover = store.turnover(["600377.SH"])
    assert turnover["turnover"].tolist() == [0.20, 0.27, 0.31]
    assert len(store.read(["600377.SH"])) == 3


def test_a_damaged_turnover_file_is_named_left_out_and_set_aside(tmp_path):
    store = Store(tmp_path / "store")
    _import(store, BAOSTOCK_FILE, "600030.csv")
    path = store.turnover_dir / "600030.SH.arrow"
    raw = path.read_bytes()
    value = struct.pack("<d", 0.8123)
    assert raw.count(value) == 1
    path.write_bytes(raw.replace(value, struct.pack("<d", 8.123)))  # a value changed on disk
    turnover = store.turnover(["600030.SH"])
    assert turnover.empty
    assert [d.file for d in turnover.attrs["damaged"]] == ["turnover/600030.SH.arrow"]
    assert "turnover/600030.SH.arrow" in [d.file for d in store.damaged()]
    assert len(store.read(["600030.SH"])) == 3  # the prices are untouched
    moved = store.quarantine()
    assert [item.file for item, _ in moved] == ["turnover/600030.SH.arrow"]
    assert not path.exists() and store.damaged() == []
    _import(store, BAOSTOCK_FILE, "600030.csv")  # importing again brings it back
    assert store.turnover(["600030.SH"])["turnover"].tolist() == [0.8123, 1.2045]


def test_a_garbage_turnover_file_is_moved_aside_when_the_series_is_written_again(tmp_path):
    store = Store(tmp_path / "store")
    _import(store, BAOSTOCK_FILE, "600030.csv")
    (store.turnover_dir / "600030.SH.arrow").write_bytes(b"<html>not arrow</html>")
    _import(store, BAOSTOCK_FILE, "600030.csv")
    assert store.turnover(["600030.SH"])["turnover"].tolist() == [0.8123, 1.2045]
    assert any(p.name.startswith("600030.SH.arrow.") for p in store.quarantine_dir.iterdir())


def test_a_real_baostock_stock_file_imports_with_what_turnover_it_has(tmp_path):
    """The shared stock files (zsh-a/quant's baostock exports, normalised) list their original
    columns in the manifest; whatever turnover a file carries is stored, and a file without
    one gets none (nothing is invented)."""
    path = shared_path("data", "market", "stocks", "600030.csv")
    store = Store(tmp_path / "store")
    source = FileSource.from_path(path)
    result = source.fetch(source.symbol_query("600030.SH"))
    store.write(FetchResult(result.bars, result.source, result.detail), merge=False)
    header = path.read_text(encoding="utf-8").split("\n", 1)[0].lower().split(",")
    turnover = store.turnover(["600030.SH"])
    if "turn" in header:
        raw = pd.read_csv(path, usecols=["date", "turn"]).dropna()
        stored = turnover.set_index(turnover["date"].dt.strftime("%Y-%m-%d"))["turnover"]
        common = stored.index.intersection(raw["date"])
        assert len(common) > 100
        assert stored[common].tolist() == raw.set_index("date").loc[common, "turn"].tolist()
    else:
        assert turnover.empty
        assert len(store.read(["600030.SH"])) > 1000


def test_turnover_is_read_between_dates_in_the_order_asked(tmp_path):
    store = Store(tmp_path / "store")
    _import(store, BAOSTOCK_FILE, "600030.csv")
    _import(store, "date,close,换手率\n2024-01-03,5,2.5\n2024-01-04,5.1,3.5\n", "300750.csv")
    frame = store.turnover(["300750.SZ", "600030.SH"], start="2024-01-03", end="2024-01-04")
    assert frame["symbol"].tolist() == ["300750.SZ", "300750.SZ", "600030.SH"]
    assert frame["turnover"].tolist() == [2.5, 3.5, 1.2045]
    assert set(store.turnover()["symbol"]) == {"300750.SZ", "600030.SH"}


def test_the_import_notes_say_how_many_days_have_turnover():
    from data_sources.files import import_notes

    notes = import_notes(parse_price_file(BAOSTOCK_FILE.encode(), "600030.csv"))
    assert "turnover (% of the float) kept beside the prices for 2 of 3 days" in notes
    plain = import_notes(parse_price_file(b"date,close\n2024-01-02,1\n", "600030.csv"))
    assert not any("turnover" in note for note in plain)
