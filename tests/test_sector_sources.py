"""Sector boards (Eastmoney industry and concept, Shenwan) and the full C-REIT list, over
intercepted HTTP: payloads in the exact shape akshare's parsers expect (akshare-notes §1), so
akshare's own request building and parsing run; failures of each become named errors."""

from __future__ import annotations

import pandas as pd
import pytest
import requests
import responses
from responses import matchers

from data_sources.akshare_source import AkshareSource
from data_sources.base import BarQuery
from data_sources.cli import main
from data_sources.errors import DataSourceError
from data_sources.listings import CREIT_LIST_URL, industry_boards, listed_creits
from data_sources.store import Store
from tests.akshare_payloads import (
    CONCEPT_URL,
    INDUSTRY_URL,
    KLINE_URL,
    SHENWAN_URL,
    UNKNOWN_CODE,
    board_payload,
    clist_payload,
    creit_row,
    shenwan_payload,
    shenwan_record,
)

BOARD_LIST_URL = "https://17.push2.eastmoney.com/api/qt/clist/get"

# 11 values: date, open, close, high, low, volume, amount, amplitude, pct, change, turnover
BOARD_LINES = [
    "2024-09-23,1010.10,1020.00,1025.00,1005.00,5000000,9000000000.00,1.98,0.99,10.00,1.10",
    "2024-09-24,1025.00,1102.00,1110.00,1020.00,9000000,18000000000.00,8.82,8.04,82.00,2.30",
    "2024-09-25,1100.00,1090.00,1120.00,1085.00,8000000,16000000000.00,3.18,-1.09,-12.00,2.00",
]


@pytest.fixture(autouse=True)
def _no_pagination_sleep(monkeypatch):
    # akshare's paginated helper sleeps 0.5-1.5 s between pages; its retry helper backs off.
    monkeypatch.setattr("akshare.utils.func.time.sleep", lambda seconds: None)
    monkeypatch.setattr("akshare.utils.request.time.sleep", lambda seconds: None)


@responses.activate
def test_eastmoney_industry_board_by_code():
    responses.get(
        INDUSTRY_URL,
        json=board_payload("BK0473", BOARD_LINES),
        match=[
            matchers.query_param_matcher(
                {"secid": "90.BK0473", "klt": "101", "fqt": "0", "beg": "20240901"},
                strict_match=False,
            )
        ],
    )
    result = AkshareSource().fetch(BarQuery("BK0473.EM", start="2024-09-01"))
    assert result.bars["close"].tolist() == [1020.00, 1102.00, 1090.00]
    assert result.bars.loc[1, ["open", "high", "low"]].tolist() == [1025.0, 1110.0, 1020.0]
    assert result.bars["amount"].iloc[0] == 9.0e9
    assert result.detail == "akshare stock_board_industry_hist_em(BK0473)"
    assert (result.bars["symbol"] == "BK0473.EM").all()


@responses.activate
def test_eastmoney_concept_board_by_code():
    responses.get(
        CONCEPT_URL,
        json=board_payload("BK0711", BOARD_LINES[:2]),
        match=[matchers.query_param_matcher({"secid": "90.BK0711"}, strict_match=False)],
    )
    bars = AkshareSource().fetch(BarQuery("BK0711.EMC")).bars
    assert bars["close"].tolist() == [1020.00, 1102.00]


def _shenwan_record(date, close, open_):
    return shenwan_record(date, close, open_, volume=123456.0, amount=7890.12)


@responses.activate
def test_shenwan_index_full_history_cut_to_the_query():
    records = [
        _shenwan_record("2024-09-20", 6000.0, 5990.0),
        _shenwan_record("2024-09-23", 6100.0, 6001.0),
        _shenwan_record("2024-09-24", 6500.5, 6110.0),
    ]
    responses.get(
        SHENWAN_URL,
        json=shenwan_payload(records),
        match=[
            matchers.query_param_matcher({"swindexcode": "801193", "period": "DAY"}),
        ],
    )
    result = AkshareSource().fetch(BarQuery("801193.SI", start="2024-09-23"))
    assert result.bars["date"].tolist() == list(pd.to_datetime(["2024-09-23", "2024-09-24"]))
    assert result.bars["close"].tolist() == [6100.0, 6500.5]
    assert result.bars["open"].tolist() == [6001.0, 6110.0]  # arrives as text: coerced
    assert result.bars["volume"].tolist() == [123456.0, 123456.0]


@pytest.mark.parametrize(
    ("symbol", "url", "reply", "expected"),
    [
        ("BK0473.EM", INDUSTRY_URL, {"status": 502}, "HTTPError|JSONDecodeError|Expecting"),
        ("BK0473.EM", INDUSTRY_URL, {"json": board_payload("BK0473", [])}, "ValueError"),
        ("BK0473.EM", INDUSTRY_URL, {"json": UNKNOWN_CODE}, "TypeError"),
        ("BK0473.EM", INDUSTRY_URL, {"body": requests.Timeout("read timed out")}, "Timeout"),
        ("BK0711.EMC", CONCEPT_URL, {"json": board_payload("BK0711", [])}, "no rows"),
        ("BK0711.EMC", CONCEPT_URL, {"json": UNKNOWN_CODE}, "InvalidParameter"),
        ("801193.SI", SHENWAN_URL, {"json": shenwan_payload([])}, "KeyError|no rows"),
        ("801193.SI", SHENWAN_URL, {"body": requests.ConnectionError("refused")}, "Connection"),
    ],
)
@responses.activate
def test_board_failures_are_named_errors(symbol, url, reply, expected):
    responses.get(url, **reply)
    with pytest.raises(DataSourceError, match=expected) as raised:
        AkshareSource().fetch(BarQuery(symbol))
    assert raised.value.symbol == symbol


@responses.activate
def test_renamed_shenwan_field_is_reported_not_filled():
    record = _shenwan_record("2024-09-23", 6100.0, 6001.0)
    record["close_index"] = record.pop("closeindex")  # the site renames a field
    responses.get(SHENWAN_URL, json=shenwan_payload([record]))
    with pytest.raises(DataSourceError, match="KeyError|收盘"):
        AkshareSource().fetch(BarQuery("801193.SI"))


def _register_creit_pages(rows, page_size):
    """Eastmoney's list endpoint, page by page (``total`` counts every row)."""
    pages = [rows[i : i + page_size] for i in range(0, len(rows), page_size)]
    for number, page in enumerate(pages, start=1):
        responses.get(
            CREIT_LIST_URL,
            json=clist_payload(page, total=len(rows)),
            match=[
                matchers.query_param_matcher(
                    {"pn": str(number), "fs": "m:1 t:9 e:97,m:0 t:10 e:97"}, strict_match=False
                )
            ],
        )


@responses.activate
def test_every_creit_is_listed_beyond_the_first_page():
    rows = [
        creit_row("508000", 1, "华安张江光大园", 2.91),
        creit_row("180101", 0, "博时蛇口产园", "-"),  # not traded today
        creit_row("508056", 1, "中金普洛斯", 3.10),
    ]
    _register_creit_pages(rows, page_size=2)  # two pages, like 101+ REITs at 100 a page
    table = listed_creits()
    assert table["symbol"].tolist() == ["180101.SZ", "508000.SH", "508056.SH"]
    assert table.set_index("symbol").at["180101.SZ", "name"] == "博时蛇口产园"
    assert pd.isna(table.set_index("symbol").at["180101.SZ", "price"])
    assert len(responses.calls) == 2


@responses.activate
def test_creit_list_failures_are_named():
    responses.get(CREIT_LIST_URL, json=clist_payload([]))
    with pytest.raises(DataSourceError, match="C-REIT list"):
        listed_creits()


@responses.activate
def test_creit_list_schema_drift_is_reported():
    responses.get(
        CREIT_LIST_URL,
        json=clist_payload([{"f2": 1.0, "f3": 0.1, "f12": "508000"}]),
    )
    with pytest.raises(DataSourceError, match="missing"):
        listed_creits()


# stock_board_industry_name_em names its 41 fields by position: keys in the server's order.
_BOARD_KEYS = (
    [f"f{n}" for n in range(1, 19)]
    + [f"f{n}" for n in range(20, 27)]
    + [
        "f33",
        "f62",
        "f104",
        "f105",
        "f107",
        "f115",
        "f124",
        "f128",
        "f140",
        "f141",
        "f136",
        "f152",
        "f207",
        "f208",
        "f209",
        "f222",
    ]
)


def _board_row(code, name, level, pct):
    row = dict.fromkeys(_BOARD_KEYS, 0)
    row.update(f2=level, f3=pct, f12=code, f14=name, f128="中信证券", f140="600030", f141=1)
    return row


@responses.activate
def test_industry_board_list_gives_canonical_symbols():
    import akshare.stock.stock_board_industry_em as boards

    boards.__stock_board_industry_name_em.cache_clear()
    rows = [_board_row("BK0475", "银行", 1200.5, -0.3), _board_row("BK0473", "证券", 980.1, 2.5)]
    responses.get(BOARD_LIST_URL, json=clist_payload(rows))
    table = industry_boards()
    assert table["symbol"].tolist() == ["BK0473.EM", "BK0475.EM"]
    assert table["name"].tolist() == ["证券", "银行"]
    assert table["price"].tolist() == [980.1, 1200.5]


@responses.activate
def test_refresh_all_creits_cli(data_dir, capsys, monkeypatch):
    monkeypatch.setattr("data_sources.refresh.time.sleep", lambda seconds: None)
    _register_creit_pages(
        [creit_row("508000", 1, "华安张江光大园", 2.9), creit_row("180101", 0, "博时蛇口", 2.1)],
        page_size=100,
    )
    for secid in ("1.508000", "0.180101"):
        responses.get(
            KLINE_URL,
            json=board_payload(secid[2:], BOARD_LINES),
            match=[matchers.query_param_matcher({"secid": secid, "fqt": "2"}, strict_match=False)],
        )
    assert main(["refresh", "--all-creits", "--delay", "0"]) == 0
    assert "refreshed 2 of 2 series" in capsys.readouterr().out
    coverage = Store().coverage().set_index("symbol")
    assert coverage.loc[["180101.SZ", "508000.SH"], "source"].tolist() == ["akshare", "akshare"]
    assert main(["creits"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0] == "symbol,name,price,pct_change" and len(listing) == 3
