"""Prices a referee would accept (issue 13, item 4): suspended sessions are missing sessions,
adjusted returns come from a file's own return or factor column, and unadjusted prices are
flagged (or refused) by the board's price limit. Small hand-built files of the shapes of the
real 002714 (a 10-for-7 bonus issue on 2020-06-04) and 600958 (suspended 2022-04-21…04-28)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_sources.base import FetchResult
from data_sources.errors import DataSourceError
from data_sources.files import import_notes, parse_price_file
from data_sources.prices import board_of, price_limit
from data_sources.store import Store
from tests.conftest import shared_path

# 002714.SZ (牧原股份) around its 2020-06-04 bonus issue, as baostock writes it (unadjusted
# prices, adjustflag 3; preclose and pctChg are ex-rights): −40.4 % close to close, +1.732 %.
BAOSTOCK_002714 = (
    b"date,code,open,high,low,close,preclose,volume,amount,adjustflag,turn,tradestatus,"
    b"pctChg,isST\n"
    b"2020-06-01,sz.002714,117.80,120.50,116.80,119.99,117.20,13012345,1550000000,3,0.6,1,"
    b"2.380546,0\n"
    b"2020-06-02,sz.002714,120.00,124.99,119.99,121.65,119.99,14232123,1743446644.06,3,0.6,1,"
    b"1.383449,0\n"
    b"2020-06-03,sz.002714,123.24,124.50,119.51,120.29,121.65,12347197,1494654788.27,3,0.5,1,"
    b"-1.117961,0\n"
    b"2020-06-04,sz.002714,70.60,71.66,69.11,71.66,70.44,17887337,1267589204.76,3,0.5,1,"
    b"1.732000,0\n"
    b"2020-06-05,sz.002714,71.66,71.68,69.12,69.18,71.66,23541054,1643705818.69,3,0.6,1,"
    b"-3.460787,0\n"
)
# the same days as an akshare/Eastmoney export (涨跌幅 in %), and with no return column at all
AKSHARE_002714 = (
    "日期,开盘,收盘,最高,最低,成交量,成交额,涨跌幅\n"
    "2020-06-01,117.80,119.99,120.50,116.80,130123,1550000000,2.38\n"
    "2020-06-02,120.00,121.65,124.99,119.99,142321,1743446644,1.38\n"
    "2020-06-03,123.24,120.29,124.50,119.51,123471,1494654788,-1.12\n"
    "2020-06-04,70.60,71.66,71.66,69.11,178873,1267589204,1.73\n"
    "2020-06-05,71.66,69.18,71.68,69.12,235410,1643705818,-3.46\n"
).encode()
PLAIN_002714 = (
    b"date,open,high,low,close,volume\n"
    b"2020-05-27,116.0,118.0,115.0,117.2,100\n2020-05-28,117.0,118.0,116.0,117.5,100\n"
    b"2020-05-29,117.0,118.0,116.0,117.2,100\n"
    b"2020-06-01,117.80,120.50,116.80,119.99,100\n2020-06-02,120.00,124.99,119.99,121.65,100\n"
    b"2020-06-03,123.24,124.50,119.51,120.29,100\n2020-06-04,70.60,71.66,69.11,71.66,100\n"
    b"2020-06-05,71.66,71.68,69.12,69.18,100\n"
)
# 600958.SH (东方证券) suspended 2022-04-21 … 04-28, resumed 2022-04-29 (baostock rows: OHLC =
# the last close 9.22, empty volume, tradestatus 0, empty pctChg)
SUSPENDED = ["2022-04-21", "2022-04-22", "2022-04-25", "2022-04-26", "2022-04-27", "2022-04-28"]
BAOSTOCK_600958 = (
    b"date,code,open,high,low,close,preclose,volume,amount,adjustflag,turn,tradestatus,"
    b"pctChg,isST\n"
    b"2022-04-19,sh.600958,9.55,9.72,9.45,9.49,9.79,141712397,1352717635.02,3,1.6,1,"
    b"-3.064351,0\n"
    b"2022-04-20,sh.600958,9.49,9.57,9.18,9.22,9.49,142501971,1334019196.83,3,1.6,1,"
    b"-2.845100,0\n"
    + b"".join(
        b"%s,sh.600958,9.22,9.22,9.22,9.22,9.22,,,3,,0,,0\n" % day.encode() for day in SUSPENDED
    )
    + b"2022-04-29,sh.600958,8.86,9.35,8.62,9.16,9.05,171079807,1532849418.75,3,1.9,1,"
    b"1.215500,0\n"
    b"2022-05-05,sh.600958,8.58,8.79,8.57,8.74,9.16,109936286,956601243.3,3,1.2,1,"
    b"-4.585200,0\n"
)


def _dates(bars: pd.DataFrame) -> list[str]:
    return list(bars["date"].dt.strftime("%Y-%m-%d"))


def test_baostock_bonus_issue_day_gets_the_files_return_and_earlier_prices_are_scaled():
    bars = parse_price_file(BAOSTOCK_002714, "002714.csv", "002714.SZ")
    record = bars.attrs["price_record"]
    assert record["adjustment"] == "adjusted (file returns)"
    assert record["adjusted_days"] == ["2020-06-04"]
    assert "in %" in record["adjustment_detail"]
    assert record["limit_breaks"] == []
    close = bars.set_index(bars["date"].dt.strftime("%Y-%m-%d"))["close"]
    # by hand: the last two closes are as traded; 2020-06-04 returns +1.732 % (not −40.4 %)
    assert close["2020-06-05"] == 69.18 and close["2020-06-04"] == 71.66
    assert close["2020-06-04"] / close["2020-06-03"] - 1 == pytest.approx(0.01732, abs=1e-12)
    scale = (71.66 / 120.29) / 1.01732  # (1 + close-to-close) / (1 + file return)
    assert close["2020-06-03"] == pytest.approx(120.29 * scale, rel=1e-12)
    assert close["2020-06-01"] == pytest.approx(119.99 * scale, rel=1e-12)
    # ordinary days keep their close-to-close return exactly
    assert close["2020-06-02"] / close["2020-06-01"] == pytest.approx(121.65 / 119.99, rel=1e-12)
    # open/high/low scaled with the close, so each bar stays consistent
    row = bars[bars["date"] == "2020-06-03"].iloc[0]
    assert row["high"] == pytest.approx(124.50 * scale, rel=1e-12)
    assert any(note.startswith("prices: adjusted (file returns)") for note in import_notes(bars))


def test_akshare_export_with_chinese_return_column_in_percent_or_fraction():
    bars = parse_price_file(AKSHARE_002714, "牧原.csv", "002714.SZ")
    record = bars.attrs["price_record"]
    assert record["adjustment"] == "adjusted (file returns)"
    assert record["adjusted_days"] == ["2020-06-04"]
    returns = bars["close"].pct_change()
    assert returns.iloc[3] == pytest.approx(0.0173, abs=1e-12)  # 涨跌幅 1.73 (%)
    # the same column written as a fraction is recognised as one, and said so
    as_fraction = AKSHARE_002714.decode().splitlines()
    as_fraction = [as_fraction[0]] + [
        ",".join([*line.split(",")[:-1], f"{float(line.split(',')[-1]) / 100:.6f}"])
        for line in as_fraction[1:]
    ]
    bars = parse_price_file("\n".join(as_fraction).encode(), "f.csv", "002714.SZ")
    assert "a fraction" in bars.attrs["price_record"]["adjustment_detail"]
    assert bars["close"].pct_change().iloc[3] == pytest.approx(0.0173, abs=1e-12)


def test_an_adjustment_factor_column_multiplies_the_prices():
    content = (
        b"trade_date,close,adj_factor\n20200603,120.29,1.0\n20200604,71.66,1.7\n"
        b"20200605,69.18,1.7\n"
    )
    bars = parse_price_file(content, "002714.SZ.csv")
    record = bars.attrs["price_record"]
    assert record["adjustment"] == "adjusted (factor)"
    assert record["adjusted_days"] == ["2020-06-04"]
    assert bars["close"].tolist() == pytest.approx([120.29 / 1.7, 71.66, 69.18], rel=1e-12)


def test_vendor_adjusted_baostock_files_are_used_as_they_are():
    content = BAOSTOCK_002714.replace(b",3,", b",1,")  # adjustflag 1: back-adjusted (hfq)
    bars = parse_price_file(content, "002714.csv", "002714.SZ")
    assert bars.attrs["price_record"]["adjustment"] == "vendor-adjusted (hfq)"
    assert bars["close"].iloc[-1] == 69.18 and bars["close"].iloc[0] == 119.99


def test_unadjusted_file_is_flagged_with_the_day_or_refused_when_strict():
    bars = parse_price_file(PLAIN_002714, "002714.csv", "002714")
    record = bars.attrs["price_record"]
    assert record["adjustment"] == "unadjusted"
    ((day, change, limit),) = record["limit_breaks"]
    assert day == "2020-06-04" and limit == 0.10
    assert change == pytest.approx(71.66 / 120.29 - 1, abs=1e-6)  # −40.4 %
    assert bars["close"].tolist()[-2] == 71.66  # kept as in the file, flagged, not changed
    assert "2020-06-04 (-40.4%, limit ±10%)" in " ".join(import_notes(bars))
    with pytest.raises(DataSourceError) as raised:
        parse_price_file(PLAIN_002714, "002714.csv", "002714", strict_adjustment=True)
    message = str(raised.value)
    assert "file 002714.csv" in message and "2020-06-04 (-40.4%, limit ±10%)" in message


def test_a_file_with_no_code_is_not_checked_and_says_it_knows_nothing():
    bars = parse_price_file(PLAIN_002714, "mine.csv", "MINE")
    record = bars.attrs["price_record"]
    assert record["adjustment"] == "unknown" and record["limit_breaks"] == []


def test_a_board_file_without_adjustment_information_says_so_and_what_was_checked():
    """508000.SH (a C-REIT, iFinD export without returns) read "Prices: unknown" and nothing
    more, while an index file said why."""
    rows = "".join(
        f"2023-05-{day:02d},3.6,3.62,3.58,{3.6 + day / 1000:.3f},100\n" for day in range(8, 20)
    )
    bars = parse_price_file(
        f"date,open,high,low,close,volume\n{rows}".encode(), "r.csv", "508000.SH"
    )
    record = bars.attrs["price_record"]
    assert record["adjustment"] == "unknown"
    assert record["adjustment_detail"] == (
        "no adjustment information in the file; no day-return beyond the price limit"
    )


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        ("600958.SH", "main"),
        ("sh.600958", "main"),
        ("002714", "main"),
        ("300750.SZ", "chinext"),
        ("688981.SH", "star"),
        ("830799.BJ", "bse"),
        ("508000.SH", "reit"),
        ("180101.SZ", "reit"),
        ("000300.SH", None),  # an index
        ("399006.SZ", None),
        ("512880.SH", None),  # an ETF
        ("MINE", None),
    ],
)
def test_board_from_the_code(symbol, expected):
    assert board_of(symbol) == expected


def test_price_limits_by_board_date_and_st():
    dates = pd.Series(pd.to_datetime(["1996-12-13", "2020-08-21", "2020-08-24", "2025-07-07"]))
    st = pd.Series([True] * 4)
    assert price_limit("main", dates, ~st).tolist()[1:] == [0.10, 0.10, 0.10]
    assert np.isnan(price_limit("main", dates, ~st).iloc[0])  # before limits existed
    assert price_limit("main", dates, st).tolist()[1:] == [0.05, 0.05, 0.10]
    assert price_limit("chinext", dates, ~st).tolist()[1:] == [0.10, 0.20, 0.20]
    assert price_limit("star", dates, st).tolist()[1:] == [0.20, 0.20, 0.20]
    assert price_limit("bse", dates, st).tolist()[1:] == [0.30, 0.30, 0.30]


def test_st_names_and_listing_sessions():
    def rows(st: int) -> bytes:
        days = [f"2021-03-{day:02d},10,{st}" for day in (1, 2, 3, 4, 5, 8)]
        days.append(f"2021-03-09,10.7,{st}")  # +7 %: beyond ST's ±5 %
        return "\n".join(["date,close,isST", *days]).encode()

    bars = parse_price_file(rows(1), "600001.csv", "600001.SH")
    assert [b[0] for b in bars.attrs["price_record"]["limit_breaks"]] == ["2021-03-09"]
    # the same move on a stock that is not ST is inside ±10 %
    bars = parse_price_file(rows(0), "a.csv", "600001.SH")
    assert bars.attrs["price_record"]["limit_breaks"] == []
    # a listing's first sessions (here +30 % on day 2 of a STAR listing) are not checked
    listing = "date,close\n2021-03-01,10\n2021-03-02,13\n2021-03-03,13.1\n"
    bars = parse_price_file(listing.encode(), "688001.csv", "688001.SH")
    assert bars.attrs["price_record"]["limit_breaks"] == []


@pytest.mark.parametrize(
    ("name", "st"),
    [
        ("*ST康美", True),
        ("ST康美", True),
        ("S*ST前锋", True),
        ("SST华新", True),
        ("ＳＴ康美", True),  # full-width letters (NFKC)
        (" *st康美", True),
        ("康美药业", False),
        ("CHINA STEEL", False),  # "ST" inside a word is not the risk-warning marker
        ("BEST", False),
        ("STEEL CO", False),
    ],
)
def test_the_st_marker_is_the_names_prefix_not_any_st_inside_it(name, st):
    """A +7 % day is beyond ST's ±5 % and inside ±10 %: it is flagged exactly for ST names."""
    days = [f"2021-03-{day:02d},10,{name}" for day in (1, 2, 3, 4, 5, 8)]
    days.append(f"2021-03-09,10.7,{name}")
    content = "\n".join(["date,close,name", *days]).encode()
    bars = parse_price_file(content, "600001.csv", "600001.SH")
    breaks = [b[0] for b in bars.attrs["price_record"]["limit_breaks"]]
    assert breaks == (["2021-03-09"] if st else []), name


def test_an_empty_return_column_is_no_adjustment_information():
    """A pct_chg column with no value adjusts nothing: a split in such a file is flagged
    unadjusted (or refused when strict), never recorded as adjusted from file returns."""
    days = ["2021-03-01", "2021-03-02", "2021-03-03", "2021-03-04", "2021-03-05", "2021-03-08"]
    lines = [f"{day},10.0," for day in days] + ["2021-03-09,5.0,", "2021-03-10,5.1,"]
    content = "\n".join(["date,close,pct_chg", *lines]).encode()
    record = parse_price_file(content, "600001.csv", "600001.SH").attrs["price_record"]
    assert record["adjustment"] == "unadjusted"
    assert [b[0] for b in record["limit_breaks"]] == ["2021-03-09"]
    assert "'pct_chg' is empty" in record["adjustment_detail"]
    with pytest.raises(DataSourceError, match="2021-03-09"):
        parse_price_file(content, "600001.csv", "600001.SH", strict_adjustment=True)


def test_only_registration_based_listings_exempt_their_first_sessions_from_the_limit():
    """A main-board stock before 2023-04-10 has a limit from its second session: a file that
    starts three sessions before 002714's bonus issue is flagged, not taken as a listing. On
    STAR (no limit for a listing's first five sessions) the early break is named, not flagged."""
    starts_late = PLAIN_002714.split(b"\n", 4)
    content = starts_late[0] + b"\n" + starts_late[4]  # from 2020-06-01: 06-04 is row 4
    record = parse_price_file(content, "002714.csv", "002714.SZ").attrs["price_record"]
    assert record["adjustment"] == "unadjusted"
    assert [b[0] for b in record["limit_breaks"]] == ["2020-06-04"]
    listing = "date,close\n2021-03-01,10\n2021-03-02,13\n2021-03-03,13.1\n"
    record = parse_price_file(listing.encode(), "688001.csv", "688001.SH").attrs["price_record"]
    assert record["limit_breaks"] == [] and record["adjustment"] == "unknown"
    assert "first 5 sessions" in record["adjustment_detail"]
    assert "2021-03-02 (+30.0%)" in record["adjustment_detail"]


@pytest.mark.parametrize(
    "content",
    [
        b"date,close,volume,tradestatus\n2024-01-02,10,5,1\n2024-01-03,,,0\n2024-01-04,10.2,5,1\n",
        "日期,收盘,交易状态\n2024-01-02,10,正常交易\n2024-01-03,,停牌\n2024-01-04,10.2,正常交易\n".encode(),
    ],
    ids=["tradestatus", "chinese"],
)
def test_a_row_marked_suspended_may_have_no_prices(content):
    """A vendor may leave a suspended session's prices empty: the row says it is suspended,
    so it is a missing session, recorded, not an empty close refused."""
    bars = parse_price_file(content, "x.csv", "600001.SH")
    assert _dates(bars) == ["2024-01-02", "2024-01-04"]
    assert bars.attrs["price_record"]["suspended"] == ["2024-01-03"]
    traded = b"date,close,tradestatus\n2024-01-02,10,1\n2024-01-03,,1\n"
    with pytest.raises(DataSourceError, match="row 3, column 'close'"):
        parse_price_file(traded, "x.csv", "600001.SH")  # a traded day still needs its close


def test_baostock_suspended_rows_are_missing_sessions_and_recorded():
    bars = parse_price_file(BAOSTOCK_600958, "600958.csv", "600958.SH")
    assert _dates(bars) == ["2022-04-19", "2022-04-20", "2022-04-29", "2022-05-05"]
    record = bars.attrs["price_record"]
    assert record["suspended"] == SUSPENDED
    assert "6 suspended session(s) treated as missing" in " ".join(import_notes(bars))
    # the resumption day's file return (+1.2155 % against the ex-rights preclose 9.05) is used
    assert record["adjusted_days"] == ["2022-04-29"]


def test_suspensions_without_a_status_column_and_in_chinese():
    # no tradestatus: no volume and open = high = low = close = the last close
    no_status = b"date,open,high,low,close,volume\n" + b"".join(
        b"%s,%s\n" % (line.split(b",")[0], b",".join(line.split(b",")[2:6] + [line.split(b",")[7]]))
        for line in BAOSTOCK_600958.splitlines()[1:]
    )
    bars = parse_price_file(no_status, "x.csv", "600958.SH")
    assert bars.attrs["price_record"]["suspended"] == SUSPENDED
    # a day with no volume whose price moved is not a suspension (a data gap in volume only)
    moved = no_status.replace(b"2022-04-28,9.22,9.22,9.22,9.22,", b"2022-04-28,9.3,9.3,9.3,9.3,")
    assert parse_price_file(moved, "x.csv").attrs["price_record"]["suspended"] == SUSPENDED[:-1]
    chinese = (
        "日期,收盘,交易状态\n2022-04-20,9.22,正常交易\n2022-04-21,9.22,停牌\n"
        "2022-04-29,9.16,正常交易\n"
    )
    bars = parse_price_file(chinese.encode("gbk"), "x.csv")
    assert _dates(bars) == ["2022-04-20", "2022-04-29"]
    with pytest.raises(DataSourceError, match="row 3, column '交易状态': '半日' is not a trading"):
        parse_price_file(chinese.replace("停牌", "半日").encode(), "x.csv")


def test_store_keeps_the_price_record_and_a_reimport_drops_old_suspended_rows(tmp_path):
    store = Store(tmp_path)
    # as stored before suspensions were recognised: the suspended rows as traded days
    old = parse_price_file(BAOSTOCK_600958.replace(b",0,,0\n", b",1,,0\n"), "o.csv", "600958.SH")
    assert len(old) == 10
    store.write(FetchResult(old, "import", "file o.csv"))
    bars = parse_price_file(BAOSTOCK_600958, "600958.csv", "600958.SH")
    assert store.write(FetchResult(bars, "import", "file 600958.csv"), merge=True) == 4
    assert _dates(store.read(["600958.SH"])) == [
        "2022-04-19",
        "2022-04-20",
        "2022-04-29",
        "2022-05-05",
    ]
    record = store.price_records(["600958.SH"])["600958.SH"]
    assert record["suspended"] == SUSPENDED
    assert record["adjustment"] == "adjusted (file returns)"
    coverage = store.coverage().set_index("symbol")
    assert coverage.loc["600958.SH", "suspended_sessions"] == 6
    assert coverage.loc["600958.SH", "adjustment"] == "adjusted (file returns)"
    from data_sources.data_mode import data_vintage

    assert "prices adjusted (file returns)" in data_vintage(store.coverage(), ["600958.SH"])


def test_returns_over_a_suspension_are_missing_or_booked_on_the_resumption_day():
    from analysis.study import prepare_returns

    sessions = pd.DatetimeIndex(
        pd.to_datetime(["2022-04-19", "2022-04-20", *SUSPENDED, "2022-04-29", "2022-05-05"]),
        name="date",
    )
    bars = parse_price_file(BAOSTOCK_600958.replace(b",3,", b",2,"), "x.csv", "600958.SH")
    returns = prepare_returns(bars, ["600958.SH"], None, sessions).returns["600958.SH"]
    assert returns.loc[SUSPENDED].isna().all()  # missing, never zero
    assert np.isnan(returns["2022-04-29"])
    assert returns["2022-05-05"] == pytest.approx(8.74 / 9.16 - 1, abs=1e-15)
    bridged = prepare_returns(
        bars, ["600958.SH"], None, sessions, attribute_suspensions=True
    ).returns["600958.SH"]
    assert bridged.loc[SUSPENDED].isna().all()
    assert bridged["2022-04-29"] == pytest.approx(9.16 / 9.22 - 1, abs=1e-15)
    assert bridged["2022-05-05"] == returns["2022-05-05"]


def _suspended_study(attribute: bool):
    from analysis.api import study_from_bars
    from analysis.event_study import Event, EventStudySpec

    rng = np.random.default_rng(7)
    sessions = pd.DatetimeIndex(pd.bdate_range("2021-01-04", periods=200), name="date")
    market = 100 * np.cumprod(1 + rng.normal(0, 0.01, len(sessions)))
    stock = 10 * np.cumprod(1 + rng.normal(0, 0.015, len(sessions)))
    suspended = sessions[150:153]
    frame = pd.concat(
        [
            pd.DataFrame({"symbol": "M", "date": sessions, "close": market}),
            pd.DataFrame({"symbol": "S", "date": sessions, "close": stock}),
        ]
    )
    frame = frame[~((frame["symbol"] == "S") & frame["date"].isin(suspended))]
    spec = EventStudySpec(
        model="market", estimation_window=(-120, -11), event_window=(-5, 5), min_estimation=60
    )
    records = {"S": {"adjustment": "unadjusted", "suspended": [f"{d:%Y-%m-%d}" for d in suspended]}}
    outcome = study_from_bars(
        frame,
        ["S"],
        [Event("e", sessions[151], sessions[151])],
        spec,
        sessions,
        market_symbol="M",
        price_records=records,
        attribute_suspensions=attribute,
    )
    return outcome, sessions, stock


def test_a_study_lists_every_suspended_day_in_its_windows_and_honours_the_option():
    outcome, sessions, stock = _suspended_study(False)
    (diagnostic,) = [d for d in outcome.diagnostics if d.status == "suspended"]
    assert diagnostic.instrument == "S" and diagnostic.event_id == "e"
    for day in sessions[150:153]:
        assert f"{day:%Y-%m-%d}" in diagnostic.reason
    assert "3 in the event window" in diagnostic.reason
    # the event's own session is one of them: said in so many words (CARs from t0 miss it)
    assert f"t0 {sessions[151]:%Y-%m-%d} is itself a suspended session" in diagnostic.reason
    assert "suspended" in set(outcome.diagnostics_frame()["status"])
    ar = outcome.abnormal_returns.set_index("date")["return"]
    assert np.isnan(ar[sessions[153]])  # the resumption day: missing by default
    bridged, _, _ = _suspended_study(True)
    ar = bridged.abnormal_returns.set_index("date")["return"]
    assert ar[sessions[153]] == pytest.approx(stock[153] / stock[149] - 1, rel=1e-12)
    assert "booked on the resumption day" in bridged.method
    # the benchmark's return that day is one session's: said, since the AR is approximate
    (diagnostic,) = [d for d in bridged.diagnostics if d.status == "suspended"]
    assert "not compounded over the suspension" in diagnostic.reason
    assert bridged.parameters["price_adjustment"] == {"S": "unadjusted"}


def test_the_option_on_every_front_end():
    from analysis import cli
    from analysis.api import StudyInputError, StudyRequest
    from pages.study_view import request_from_widgets

    args = ["study", "--event-date", "2022-04-29", "--instrument", "600958.SH", "--out", "x"]
    parser = cli.build_parser()
    assert not cli.request_from_args(parser.parse_args(args)).attribute_suspensions
    request = cli.request_from_args(parser.parse_args([*args, "--attribute-suspensions"]))
    assert request.attribute_suspensions
    with pytest.raises(StudyInputError, match="attribute_suspensions must be True or False"):
        StudyRequest(dates=("2022-04-29",), attribute_suspensions="yes")
    state = {
        "study_measures": ["m"],
        "study_instruments_m": ["600958.SH"],
        "study_benchmark": "000300.SH",
        "study_model": "market",
        "study_estimation": (-250, -11),
        "study_window": (-5, 5),
        "study_overlap": "warn",
        "study_attribute_suspensions": True,
    }
    assert request_from_widgets(state).attribute_suspensions


def test_strict_import_on_the_command_line_refuses_by_name_and_stores_nothing(
    data_dir, tmp_path, capsys
):
    from data_sources.cli import main

    path = tmp_path / "002714.csv"
    path.write_bytes(PLAIN_002714)
    assert main(["import", str(path), "--strict-adjustment"]) == 2
    error = capsys.readouterr().err
    assert "002714.csv" in error and "2020-06-04" in error
    assert Store().symbols() == []
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "prices: unadjusted" in out and "2020-06-04" in out
    # 002714.csv is stored under its canonical symbol (a Shenzhen code)
    record = Store().price_records(["002714.SZ"])["002714.SZ"]
    assert record["limit_breaks"][0][0] == "2020-06-04"


def test_providers_record_their_adjustment():
    from data_sources.akshare_source import requested_adjustment
    from data_sources.base import BarQuery
    from data_sources.demo import DemoSource

    assert requested_adjustment("600377.SH") == "vendor-adjusted (hfq)"
    assert requested_adjustment("508000.SH") == "vendor-adjusted (hfq)"
    assert requested_adjustment("000300.SH") == "unadjusted (index level)"
    result = DemoSource().fetch(BarQuery("000300.SH"))
    assert result.bars.attrs["price_record"]["adjustment"].startswith("synthetic")


def test_data_page_lines_escape_and_list_the_days():
    from pages.data import price_checks_table, price_record_lines

    bars = parse_price_file(PLAIN_002714, "002714.csv", "002714")
    lines = price_record_lines(bars)
    assert lines[0][0] == "info" and lines[0][1].startswith("Prices: unadjusted")
    assert lines[-1][0] == "warning" and "2020-06-04 (-40.4%)" in lines[-1][1]
    table = price_checks_table({"002714": bars.attrs["price_record"], "X": {}})
    assert table.to_dict("records") == [
        {
            "symbol": "002714",
            "adjustment": "unadjusted",
            "suspended": "",
            "limit_breaks": "2020-06-04 (-40.4%)",
        }
    ]


def test_real_002714_and_600958_files():
    """Optional (skipped without ../shared): the real baostock files give 2020-06-04 its file
    return and leave the six suspended 600958 sessions out."""
    bonus = shared_path("data", "market", "stocks", "002714.csv")
    suspended = shared_path("data", "market", "stocks", "600958.csv")
    bars = parse_price_file(bonus.read_bytes(), bonus.name, "002714.SZ")
    record = bars.attrs["price_record"]
    assert "2020-06-04" in record["adjusted_days"] and record["limit_breaks"] == []
    close = bars.set_index("date")["close"]
    assert close["2020-06-04"] / close["2020-06-03"] - 1 == pytest.approx(0.01732, abs=1e-6)
    bars = parse_price_file(suspended.read_bytes(), suspended.name, "600958.SH")
    assert set(SUSPENDED) <= set(bars.attrs["price_record"]["suspended"])
    assert not set(SUSPENDED) & set(_dates(bars))


def test_bad_extra_cells_are_named_by_row_and_the_files_column():
    content = b"date,close,pctChg\n2020-06-03,120.29,-1.1\n2020-06-04,71.66,abc\n"
    with pytest.raises(DataSourceError, match="row 3, column 'pctChg': 'abc' is not a number"):
        parse_price_file(content, "x.csv")
    content = b"date,close,adj_factor\n2020-06-03,120.29,1\n2020-06-04,71.66,-2\n"
    with pytest.raises(DataSourceError, match="row 3, column 'adj_factor': '-2' is not a positive"):
        parse_price_file(content, "x.csv")
    # a return written with its % sign is read as per cent
    content = b"date,close,pct_chg\n2020-06-03,120.29,-1.12%\n2020-06-04,71.66,1.73%\n"
    bars = parse_price_file(content, "x.csv")
    assert bars["close"].pct_change().iloc[1] == pytest.approx(0.0173, abs=1e-12)


def test_data_page_lists_the_stored_series_adjustment_and_flagged_days(app, tmp_path, capsys):
    from data_sources.cli import main
    from tests.apptest_helpers import goto

    for name, content in (("002714.csv", PLAIN_002714), ("600958.SH.csv", BAOSTOCK_600958)):
        (tmp_path / name).write_bytes(content)
        assert main(["import", str(tmp_path / name)]) == 0
    capsys.readouterr()
    goto(app, "pages/data.py")
    coverage = next(t.value for t in app.dataframe if "suspended_sessions" in t.value.columns)
    coverage = coverage.set_index("name")
    assert coverage.loc["002714.SZ", "adjustment"] == "unadjusted"
    assert coverage.loc["600958.SH", "suspended_sessions"] == 6
    checks = next(t.value for t in app.dataframe if "limit_breaks" in t.value.columns)
    rows = checks.set_index("symbol")
    assert rows.loc["002714.SZ", "limit_breaks"] == "2020-06-04 (-40.4%)"
    assert rows.loc[rows.index.str.startswith("600958"), "suspended"].iloc[0] == ", ".join(
        SUSPENDED
    )


def test_no_stock_day_return_differs_from_its_pct_chg_after_import():
    """Optional (skipped without ../shared): the issue counted 494 day-returns of the shared
    stock files more than 0.5 pp from their pct_chg; imported, none is (pct_chg is rounded to
    a few decimals of a per cent, so they agree to 0.001 pp)."""
    folder = shared_path("data", "market", "stocks")
    worst = 0.0
    for path in sorted(folder.glob("*.csv")):
        raw = pd.read_csv(path)
        raw = raw[raw["tradestatus"] == 1]
        raw = raw.set_index(pd.to_datetime(raw["date"]))
        bars = parse_price_file(path.read_bytes(), path.name).set_index("date")
        assert bars.index.equals(raw.index), path.name
        returns = bars["close"].pct_change().iloc[1:]
        worst = max(worst, float((returns - raw["pct_chg"].iloc[1:] / 100).abs().max()))
        assert bars.attrs["price_record"]["limit_breaks"] == [], path.name
    assert worst < 1e-5


def test_a_study_of_stored_series_reads_their_price_records(tmp_path):
    from analysis.api import StoreSource, StudyRequest, run_study

    rng = np.random.default_rng(11)
    sessions = pd.bdate_range("2021-01-04", periods=200)
    store = Store(tmp_path)
    for symbol, scale in (("M", 0.01), ("S", 0.015)):
        closes = 10 * np.cumprod(1 + rng.normal(0, scale, len(sessions)))
        keep = sessions if symbol == "M" else sessions.delete([150, 151, 152])
        bars = pd.DataFrame({"symbol": symbol, "date": sessions, "close": closes})
        bars = bars[bars["date"].isin(keep)].reset_index(drop=True)
        for column in ("open", "high", "low", "volume", "amount"):
            bars[column] = np.nan
        suspended = [] if symbol == "M" else [f"{d:%Y-%m-%d}" for d in sessions[150:153]]
        bars.attrs["price_record"] = {"adjustment": "unadjusted", "suspended": suspended}
        store.write(FetchResult(bars, "import", f"file {symbol}.csv"))
    request = StudyRequest(
        dates=(f"{sessions[151]:%Y-%m-%d}",),
        instruments=("S",),
        benchmark="M",
        calendar="data",
        estimation_window=(-120, -11),
        min_estimation=60,
    )
    outcome = run_study(request, StoreSource(store))
    (diagnostic,) = [d for d in outcome.diagnostics if d.status == "suspended"]
    assert diagnostic.instrument == "S" and f"{sessions[152]:%Y-%m-%d}" in diagnostic.reason
    assert outcome.parameters["price_adjustment"] == {"S": "unadjusted", "M": "unadjusted"}
    assert "S: file S.csv imported" in outcome.data_vintage
    assert "prices unadjusted" in outcome.data_vintage
