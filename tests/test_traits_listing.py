"""Listing traits: the board from the code range, ST from the name, industry from the
exchanges' lists. Without ``fetch`` nothing touches the network; with it, akshare's own request
building and parsing run against ``responses`` replies in the endpoints' shapes (the SSE's JSON
query, the SZSE's xlsx report, the BSE's JSONP pages, the CSI's constituent workbook)."""

from __future__ import annotations

import io
import json
import math

import pandas as pd
import pytest
import responses
from responses import matchers

from data_sources.errors import DataSourceError
from data_sources.traits import BOARD_COLUMNS, LISTING_COLUMNS, listing_traits

SSE_URL = "https://query.sse.com.cn/sseQuery/commonQuery.do"
SZSE_URL = "https://www.szse.cn/api/report/ShowReport"
BSE_URL = "https://www.bse.cn/nqxxController/nqxxCnzq.do"

#: The SZSE A-share list's columns (its xlsx report, CATALOGID 1110, tab1).
SZSE_COLUMNS = [
    "板块",
    "公司全称",
    "英文名称",
    "注册地址",
    "A股代码",
    "A股简称",
    "A股上市日期",
    "A股总股本",
    "A股流通股本",
    "B股代码",
    "B股简称",
    "B股上市日期",
    "B股总股本",
    "B股流通股本",
    "地区",
    "省份",
    "城市",
    "所属行业",
    "公司网址",
]
#: The BSE list's record: akshare names its 48 fields by position; these are the positions it
#: keeps (listing date, float shares, industry, report date, region, broker, total shares,
#: code, name).
BSE_FIELDS = 48
BSE_POSITIONS = {
    "上市日期": 0,
    "流通股本": 11,
    "所属行业": 17,
    "报告日期": 22,
    "地区": 29,
    "券商": 35,
    "总股本": 36,
    "证券代码": 38,
    "证券简称": 40,
}


def _sse_row(code: str, name: str) -> dict:
    return {
        "A_STOCK_CODE": code,
        "B_STOCK_CODE": "-",
        "SEC_NAME_CN": name,
        "SEC_NAME_FULL": name,
        "COMPANY_ABBR": name,
        "FULL_NAME": name + "股份有限公司",
        "LIST_DATE": "20030106",
    }


def _szse_xlsx(rows: list[tuple[str, str, str]]) -> bytes:
    """The SZSE report as xlsx; akshare filters its columns only when it has over 10 rows."""
    records = []
    for code, name, industry in rows:
        record = dict.fromkeys(SZSE_COLUMNS, "-")
        record.update({"板块": "主板", "A股代码": code, "A股简称": name, "所属行业": industry})
        record.update({"A股上市日期": "2010-01-01", "A股总股本": "1,000", "A股流通股本": "900"})
        records.append(record)
    buffer = io.BytesIO()
    pd.DataFrame(records, columns=SZSE_COLUMNS).to_excel(buffer, index=False)
    return buffer.getvalue()


def _bse_body(rows: list[tuple[str, str, str]]) -> str:
    content = []
    for code, name, industry in rows:
        values = [f"v{i}" for i in range(BSE_FIELDS)]
        values[BSE_POSITIONS["上市日期"]] = "20211115"
        values[BSE_POSITIONS["报告日期"]] = "20241231"
        values[BSE_POSITIONS["证券代码"]] = code
        values[BSE_POSITIONS["证券简称"]] = name
        values[BSE_POSITIONS["所属行业"]] = industry
        content.append({f"k{i:02d}": value for i, value in enumerate(values)})
    page = [{"content": content, "totalPages": 1, "totalElements": len(content)}]
    return "null(" + json.dumps(page, ensure_ascii=False) + ")"


#: Eleven SZSE firms (akshare keeps the report's columns only when it has over ten rows).
SZSE_ROWS = [("000001", "平安银行", "J 金融业"), ("300750", "宁德时代", "C 制造业")] + [
    (f"0021{i:02d}", f"公司{i}", "C 制造业") for i in range(9)
]
SZSE_ROWS[2] = ("002005", "*ST德豪", "C 制造业")


def _clear_akshare_caches():
    import akshare.stock.stock_info as info

    for name in (
        "stock_info_sh_name_code",
        "stock_info_sz_name_code",
        "stock_info_bj_name_code",
        "stock_info_a_code_name",
    ):
        getattr(info, name).cache_clear()


@pytest.fixture
def exchange_lists():
    _clear_akshare_caches()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.get(
            SSE_URL,
            json={"result": [_sse_row("600030", "中信证券"), _sse_row("600654", "ST中安")]},
            match=[matchers.query_param_matcher({"STOCK_TYPE": "1"}, strict_match=False)],
        )
        mocked.get(
            SSE_URL,
            json={"result": [_sse_row("688981", "中芯国际")]},
            match=[matchers.query_param_matcher({"STOCK_TYPE": "8"}, strict_match=False)],
        )
        mocked.get(
            SZSE_URL,
            body=_szse_xlsx(SZSE_ROWS),
            match=[matchers.query_param_matcher({"CATALOGID": "1110"}, strict_match=False)],
        )
        mocked.post(BSE_URL, body=_bse_body([("430047", "诺思兰德", "医药制造业")]))
        yield mocked
    _clear_akshare_caches()


def test_board_comes_from_the_code_range_without_any_request():
    symbols = ["600030.SH", "000001.SZ", "300750.SZ", "688981.SH", "430047.BJ", "000300.SH"]
    with responses.RequestsMock() as mocked:  # any request would fail this test
        frame = listing_traits(symbols)
        assert not mocked.calls
    assert list(frame.columns) == LISTING_COLUMNS
    assert frame.index.tolist() == symbols
    assert frame["board"].tolist() == ["main", "main", "chinext", "star", "bse", None]
    assert frame.loc["300750.SZ", BOARD_COLUMNS].tolist() == [0.0, 1.0, 0.0, 0.0]
    assert frame.loc["430047.BJ", "board_bse"] == 1.0
    assert frame.loc["000300.SH", BOARD_COLUMNS].isna().all()  # an index has no board
    assert frame["st"].isna().all() and frame["industry"].isna().all()  # no names given


def test_st_comes_from_a_given_name():
    names = {"600654.SH": "ST中安", "000005.SZ": "*ST星源", "600030.SH": "中信证券"}
    names["000010.SZ"] = "ＳＴ美丽"  # full-width letters are folded first
    names["601005.SH"] = "CHINA STEEL"  # ST inside a word is not a risk warning
    frame = listing_traits(list(names), names=names)
    assert frame["st"].tolist() == [1.0, 1.0, 0.0, 1.0, 0.0]


def test_fetched_lists_give_names_st_and_industry(exchange_lists):
    symbols = ["600030.SH", "600654.SH", "002005.SZ", "300750.SZ", "688981.SH", "430047.BJ"]
    frame = listing_traits(symbols, fetch=True)
    assert frame["name"].tolist() == [
        "中信证券",
        "ST中安",
        "*ST德豪",
        "宁德时代",
        "中芯国际",
        "诺思兰德",
    ]
    assert frame["st"].tolist() == [0.0, 1.0, 1.0, 0.0, 0.0, 0.0]
    # the SZSE and BSE lists carry the industry, the SSE list does not
    assert frame.loc["300750.SZ", "industry"] == "C 制造业"
    assert frame.loc["430047.BJ", "industry"] == "医药制造业"
    assert frame.loc["600030.SH", "industry"] is None
    hosts = [call.request.url.split("/")[2] for call in exchange_lists.calls]
    # SSE: main board and STAR; SZSE: one report; BSE: the page count, then its one page
    # (the industries come from the same lists, asked once)
    assert sorted(hosts) == sorted(["query.sse.com.cn"] * 2 + ["www.szse.cn"] + ["www.bse.cn"] * 2)


def test_a_name_given_wins_over_the_fetched_one(exchange_lists):
    frame = listing_traits(["600030.SH"], names={"600030.SH": "*ST中信"}, fetch=True)
    assert frame.loc["600030.SH", "st"] == 1.0


def test_a_failing_list_is_a_named_error():
    _clear_akshare_caches()
    with responses.RequestsMock() as mocked:
        mocked.get(SSE_URL, body="<html>maintenance</html>", status=200)
        with pytest.raises(DataSourceError, match="stock_info_a_code_name failed"):
            listing_traits(["600030.SH"], fetch=True)
    _clear_akshare_caches()


def test_index_membership_is_left_empty_without_fetch():
    with responses.RequestsMock() as mocked:
        frame = listing_traits(["600030.SH"], indices=["399975"])
        assert not mocked.calls
    assert math.isnan(frame.loc["600030.SH", "member_399975"])


def test_index_membership_comes_from_the_csi_constituent_list(exchange_lists):
    from tests.test_constituents import CONS_URL, ROWS, _workbook

    exchange_lists.get(CONS_URL, body=_workbook(ROWS))
    frame = listing_traits(["600030.SH", "300750.SZ"], fetch=True, indices=["399975.SZ"])
    assert frame["member_399975"].tolist() == [1.0, 0.0]
