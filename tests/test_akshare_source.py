"""akshare through real HTTP interception: the ``responses`` library serves payloads in the exact
shape the Eastmoney endpoints return (``tests/akshare_payloads.py``), so akshare's own request
building and parsing code runs (../shared/reference/akshare-notes.md §1-2). No network is
touched."""

from __future__ import annotations

import pandas as pd
import pytest
import requests
import responses
from responses import matchers

from data_sources.akshare_source import AkshareSource
from data_sources.base import BarQuery
from data_sources.errors import DataSourceError
from data_sources.schema import CANONICAL_COLUMNS
from tests.akshare_payloads import KLINE_URL, UNKNOWN_CODE, kline_payload

INDEX_LINES = [
    "2024-09-23,3201.05,3201.35,3213.93,3186.84,167362640,244107366400.00,0.84",
    "2024-09-24,3240.00,3351.91,3360.00,3235.00,260000000,480000000000.00,3.87",
    "2024-09-25,3378.89,3399.66,3455.17,3366.27,312049248,549651263488.00,2.65",
]


@responses.activate
def test_index_daily_bars_become_canonical():
    responses.get(
        KLINE_URL,
        json=kline_payload(INDEX_LINES, "000300", "沪深300"),
        match=[
            matchers.query_param_matcher(
                {
                    "secid": "1.000300",
                    "klt": "101",
                    "fqt": "0",
                    "beg": "20240901",
                    "end": "20240930",
                },
                strict_match=False,
            )
        ],
    )
    result = AkshareSource().fetch(BarQuery("000300.SH", "2024-09-01", "2024-09-30"))
    bars = result.bars
    assert list(bars.columns) == CANONICAL_COLUMNS
    assert bars["date"].dtype == "datetime64[ns]"
    assert bars["date"].tolist() == list(pd.to_datetime(["2024-09-23", "2024-09-24", "2024-09-25"]))
    assert bars["close"].tolist() == [3201.35, 3351.91, 3399.66]
    assert bars.loc[1, ["open", "high", "low"]].tolist() == [3240.00, 3360.00, 3235.00]
    assert bars.loc[1, "amount"] == 480000000000.00
    assert (bars["symbol"] == "000300.SH").all()
    assert result.source == "akshare"
    assert result.detail == "akshare stock_zh_index_daily_em(sh000300)"


@responses.activate
def test_shenzhen_and_beijing_indices_use_market_zero():
    responses.get(
        KLINE_URL,
        json=kline_payload(INDEX_LINES, "000300", "沪深300"),
        match=[matchers.query_param_matcher({"secid": "0.399006"}, strict_match=False)],
    )
    responses.get(
        KLINE_URL,
        json=kline_payload(INDEX_LINES, "000300", "沪深300"),
        match=[matchers.query_param_matcher({"secid": "0.899050"}, strict_match=False)],
    )
    assert len(AkshareSource().fetch(BarQuery("399006.SZ")).bars) == 3
    assert len(AkshareSource().fetch(BarQuery("899050.BJ")).bars) == 3


@responses.activate
def test_creit_uses_fund_history_back_adjusted():
    # fund_etf_hist_em: 11 values per line (date, open, close, high, low, volume, amount,
    # amplitude, pct change, change, turnover)
    lines = [
        "2021-06-21,3.100,3.167,3.200,3.050,1234567,390000000.00,5.02,5.92,0.177,20.1",
        "2021-06-22,3.170,3.120,3.180,3.100,800000,250000000.00,2.53,-1.48,-0.047,13.0",
    ]
    responses.get(
        KLINE_URL,
        json=kline_payload(lines, "508000", "华安张江光大园"),
        match=[matchers.query_param_matcher({"secid": "1.508000", "fqt": "2"}, strict_match=False)],
    )
    result = AkshareSource().fetch(BarQuery("508000.SH"))
    assert result.bars["close"].tolist() == [3.167, 3.120]
    assert result.bars["volume"].tolist() == [1234567, 800000]
    assert "adjust=hfq" in result.detail


@responses.activate
def test_unknown_code_is_a_named_error():
    responses.get(KLINE_URL, json=UNKNOWN_CODE)
    with pytest.raises(DataSourceError) as raised:
        AkshareSource().fetch(BarQuery("000300.SH"))
    assert raised.value.symbol == "000300.SH"
    assert "TypeError" in str(raised.value)


@responses.activate
def test_empty_result_is_a_named_error():
    responses.get(KLINE_URL, json=kline_payload([]))
    with pytest.raises(DataSourceError, match="returned no rows"):
        AkshareSource().fetch(BarQuery("399006.SZ"))


@responses.activate
def test_network_failure_is_a_named_error():
    responses.get(KLINE_URL, body=requests.ConnectionError("connection refused"))
    with pytest.raises(DataSourceError, match="ConnectionError") as raised:
        AkshareSource().fetch(BarQuery("399975.SZ"))
    assert "399975.SZ" in str(raised.value)


def test_symbol_outside_the_registry_is_refused_before_any_request():
    with pytest.raises(DataSourceError, match="not in the instrument registry"):
        AkshareSource().fetch(BarQuery("123456.SZ"))


@responses.activate
def test_a_share_stock_uses_back_adjusted_history():
    # stock_zh_a_hist: 11 values per line; 600xxx → Shanghai (secid 1.), hfq → fqt=2
    lines = [
        "2024-09-23,30.10,30.42,30.50,30.00,98765,300000000.00,1.66,1.07,0.32,0.20",
        "2024-09-24,30.50,31.20,31.40,30.40,123456,380000000.00,3.29,2.56,0.78,0.25",
    ]
    responses.get(
        KLINE_URL,
        json=kline_payload(lines, "600377", "宁沪高速"),
        match=[matchers.query_param_matcher({"secid": "1.600377", "fqt": "2"}, strict_match=False)],
    )
    result = AkshareSource().fetch(BarQuery("600377.SH"))
    assert result.bars["close"].tolist() == [30.42, 31.20]
    assert result.detail == "akshare stock_zh_a_hist(600377, adjust=hfq)"
