"""Index constituents and instruments beyond the registry, over intercepted HTTP."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import responses
from responses import matchers

from data_sources.akshare_source import akshare_call
from data_sources.cli import main
from data_sources.constituents import constituents
from data_sources.errors import DataSourceError
from data_sources.instruments import get_instrument
from tests.akshare_payloads import FULL_WIDTH, KLINE_URL, kline_line, kline_payload

CONS_URL = (
    "https://oss-ch.csindex.com.cn/static/html/csindex/public/uploads/file/autofile/"
    "cons/399975cons.xls"
)


def _workbook(rows) -> bytes:
    """The CSI site's nine positional columns (pandas sniffs xlsx though the URL says .xls)."""
    frame = pd.DataFrame(
        rows,
        columns=[
            "日期Date",
            "指数代码 Index Code",
            "指数名称 Index Name",
            "指数英文名称",
            "成分券代码",
            "成分券名称",
            "成分券英文名称",
            "交易所",
            "交易所英文名称",
        ],
    )
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


ROWS = [
    [
        20241122,
        399975,
        "证券公司",
        "CSI Sec",
        600030,
        "中信证券",
        "CITIC Sec",
        "上海证券交易所",
        "Shanghai Stock Exchange",
    ],
    [
        20241122,
        399975,
        "证券公司",
        "CSI Sec",
        776,
        "广发证券",
        "GF Sec",
        "深圳证券交易所",
        "Shenzhen Stock Exchange",
    ],
    [
        20241122,
        399975,
        "证券公司",
        "CSI Sec",
        300059,
        "东方财富",
        "East Money",
        "深圳证券交易所",
        "Shenzhen Stock Exchange",
    ],
]


@responses.activate
def test_constituents_get_canonical_symbols():
    responses.get(CONS_URL, body=_workbook(ROWS))
    table = constituents("399975.SZ")
    assert table["symbol"].tolist() == ["600030.SH", "000776.SZ", "300059.SZ"]
    assert table["name"].tolist() == ["中信证券", "广发证券", "东方财富"]
    assert (table["as_of"] == pd.Timestamp("2024-11-22")).all()


@responses.activate
def test_unknown_index_is_a_named_error():
    responses.get(CONS_URL.replace("399975", "999999"), body=b"<html>not found</html>")
    with pytest.raises(DataSourceError, match="index_stock_cons_csindex failed"):
        constituents("999999")
    with pytest.raises(DataSourceError, match="not an index code"):
        constituents("../x")


@pytest.mark.parametrize(
    ("symbol", "function", "code"),
    [
        ("600030.SH", "stock_zh_a_hist", "600030"),
        ("000001.SZ", "stock_zh_a_hist", "000001"),
        ("300059.SZ", "stock_zh_a_hist", "300059"),
        ("430047.BJ", "stock_zh_a_hist", "430047"),
        ("512880.SH", "fund_etf_hist_em", "512880"),
        ("508099.SH", "fund_etf_hist_em", "508099"),
        ("180202.SZ", "fund_etf_hist_em", "180202"),
        ("399006.SZ", "stock_zh_index_daily_em", "sz399006"),  # the registry wins
    ],
)
def test_instruments_beyond_the_registry(symbol, function, code):
    assert akshare_call(symbol) == (function, code)
    assert get_instrument(symbol).kind in ("stock", "etf", "reit", "index")


@pytest.mark.parametrize("symbol", ["000002.SH", "399999.SZ", "600030", "ABC.SH"])
def test_indices_are_never_guessed(symbol):
    with pytest.raises(DataSourceError, match="not in the instrument registry"):
        get_instrument(symbol)


@responses.activate
def test_refresh_every_constituent(data_dir, capsys, monkeypatch):
    monkeypatch.setattr("data_sources.refresh.time.sleep", lambda seconds: None)
    responses.get(CONS_URL, body=_workbook(ROWS[:2]))
    for secid in ("1.600030", "0.000776"):
        lines = [kline_line("2024-09-24", 10.0, 10.5, 10.6, 9.9, amount=10000.0, width=FULL_WIDTH)]
        responses.get(
            KLINE_URL,
            json=kline_payload(lines, secid[2:]),
            match=[matchers.query_param_matcher({"secid": secid, "fqt": "2"}, strict_match=False)],
        )
    assert main(["refresh", "--constituents-of", "399975", "--delay", "0"]) == 0
    captured = capsys.readouterr()
    assert "refreshed 2 of 2 series (2 rows stored)" in captured.out
    assert "survivorship" in captured.err
