"""Refreshing from akshare over intercepted HTTP: incremental, retried, partial failures."""

from __future__ import annotations

import time

import pandas as pd
import pytest
import requests
import responses
from responses import matchers

from data_sources.akshare_source import AkshareSource
from data_sources.base import BarQuery, FetchResult
from data_sources.cli import main
from data_sources.refresh import FETCH_START, incremental_start, refresh
from data_sources.schema import to_canonical
from data_sources.store import Store, shard_of
from tests.akshare_payloads import KLINE_URL as KLINE
from tests.akshare_payloads import UNKNOWN_CODE, kline_lines, kline_payload


def _payload(dates):
    return kline_payload(kline_lines(dates))


def _no_sleep(seconds):
    return None


@responses.activate
def test_incremental_refresh_fetches_from_overlap_and_merges(tmp_path):
    store = Store(tmp_path)
    old = to_canonical(
        pd.DataFrame(
            {
                "date": [
                    "2024-09-18",
                    "2024-09-19",
                    "2024-09-20",
                    "2024-09-23",
                    "2024-09-24",
                    "2024-09-25",
                    "2024-09-26",
                ],
                "close": [1, 2, 3, 4, 5, 6, 7],
            }
        ),
        "000300.SH",
    )
    store.write(FetchResult(old, "akshare", "akshare x"))
    start = incremental_start(store, "000300.SH", overlap=2)
    assert start == pd.Timestamp("2024-09-24")  # two sessions before the last stored one
    responses.get(
        KLINE,
        json=_payload(["2024-09-24", "2024-09-25", "2024-09-26", "2024-09-27"]),
        match=[
            matchers.query_param_matcher(
                {"secid": "1.000300", "beg": "20240924"}, strict_match=False
            )
        ],
    )
    (outcome,) = refresh(["000300.SH"], store, overlap=2, delay=0, sleep=_no_sleep)
    assert (outcome.status, outcome.rows_fetched, outcome.rows_stored) == ("ok", 4, 8)
    closes = store.read(["000300.SH"]).set_index("date")["close"]
    assert closes["2024-09-23"] == 4  # untouched history
    assert closes["2024-09-24"] == 3001.0  # revised by the overlap
    assert closes.index[-1] == pd.Timestamp("2024-09-27")


def test_demo_or_missing_series_are_fetched_in_full(tmp_path):
    store = Store(tmp_path)
    assert incremental_start(store, "399006.SZ") == FETCH_START
    from data_sources.demo import DemoSource

    store.write(DemoSource().fetch(BarQuery("399006.SZ", end="2024-01-31")))
    assert incremental_start(store, "399006.SZ") == FETCH_START


@responses.activate
def test_transient_failures_are_retried_then_permanent_ones_recorded(tmp_path):
    store = Store(tmp_path)
    responses.get(
        KLINE,
        body=requests.ConnectionError("reset"),
        match=[matchers.query_param_matcher({"secid": "0.399006"}, strict_match=False)],
    )
    responses.get(
        KLINE,
        json=_payload(["2024-09-24"]),
        match=[matchers.query_param_matcher({"secid": "0.399006"}, strict_match=False)],
    )
    responses.get(
        KLINE,
        json=UNKNOWN_CODE,
        match=[matchers.query_param_matcher({"secid": "0.399975"}, strict_match=False)],
    )
    pauses = []
    outcomes = refresh(
        ["399006.SZ", "399975.SZ"], store, delay=0.0, backoff=0.5, sleep=pauses.append, workers=1
    )
    by_symbol = {o.symbol: o for o in outcomes}
    assert by_symbol["399006.SZ"].status == "ok" and by_symbol["399006.SZ"].attempts == 2
    assert pauses == [0.5]  # one back-off, for the connection error only
    assert by_symbol["399975.SZ"].status == "failed" and by_symbol["399975.SZ"].attempts == 1
    coverage = store.coverage().set_index("symbol")
    assert "TypeError" in coverage.at["399975.SZ", "last_error"]
    assert store.read(["399006.SZ"])["close"].tolist() == [3001.0]


@responses.activate
def test_failed_refresh_keeps_stored_data(tmp_path):
    store = Store(tmp_path)
    old = to_canonical(pd.DataFrame({"date": ["2024-09-20"], "close": [10.0]}), "399006.SZ")
    store.write(FetchResult(old, "akshare", "akshare x"))
    shard_file = store._shard_path(shard_of("399006.SZ"))
    before = shard_file.read_bytes()
    responses.get(KLINE, status=503)
    (outcome,) = refresh(
        ["399006.SZ"], store, delay=0, retries=2, sleep=_no_sleep, source=AkshareSource()
    )
    assert outcome.status == "failed" and outcome.attempts == 3  # 503: transient, retried
    assert shard_file.read_bytes() == before


@responses.activate
def test_refresh_cli_summary_and_exit_code(data_dir, capsys, monkeypatch):
    monkeypatch.setattr("data_sources.refresh.time.sleep", _no_sleep)
    responses.get(
        KLINE,
        json=_payload(["2024-09-24", "2024-09-25"]),
        match=[matchers.query_param_matcher({"secid": "0.399975"}, strict_match=False)],
    )
    responses.get(
        KLINE,
        json=UNKNOWN_CODE,
        match=[matchers.query_param_matcher({"secid": "0.399986"}, strict_match=False)],
    )
    code = main(["refresh", "--segment", "BRK", "--symbol", "399986.SZ", "--delay", "0"])
    captured = capsys.readouterr()
    assert code == 1
    assert "refreshed 1 of 2 series (2 rows stored); failed: 1" in captured.out
    assert "399986.SZ: akshare stock_zh_index_daily_em failed" in captured.err
    assert "[" in captured.err and "2/2" in captured.err  # the progress bar


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["refresh", "--segment", "MOON"], "unknown segment 'MOON'"),
        (["refresh", "--symbol", "123.XX"], "no data provider serves this symbol"),
        (["refresh", "--workers", "0"], "--workers must be ≥ 1"),
    ],
)
def test_refresh_cli_bad_arguments(data_dir, capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


class _CountingDemo:
    """A source that records which symbols it was asked for (no network)."""

    def __init__(self):
        from data_sources.demo import DemoSource

        self.demo = DemoSource()
        self.asked = []

    def fetch(self, query):
        self.asked.append(query.symbol)
        result = self.demo.fetch(query)
        return FetchResult(result.bars, "akshare", "akshare (demo bars in a test)")


SIX = ["000300.SH", "399006.SZ", "399975.SZ", "399986.SZ", "000905.SH", "000852.SH"]


def test_cancel_event_stops_before_the_next_instrument(tmp_path):
    import threading

    store = Store(tmp_path)
    source, cancel = _CountingDemo(), threading.Event()

    def progress(done, total, outcome):
        if done == 2:
            cancel.set()

    outcomes = refresh(
        SIX, store, source, workers=1, delay=0, progress=progress, cancel=cancel, sleep=_no_sleep
    )
    done = [o.status for o in outcomes].count("ok")
    # the two reported, plus at most the one the single worker had already started
    assert done in (2, 3)
    assert [o.status for o in outcomes] == ["ok"] * done + ["cancelled"] * (6 - done)
    assert source.asked == SIX[:done]
    assert store.symbols() == sorted(SIX[:done])


class _Interrupted(Exception):
    """Stands for Streamlit's StopException / RerunException or a KeyboardInterrupt."""


def test_interrupted_refresh_starts_nothing_new_and_keeps_complete_series(tmp_path):
    store = Store(tmp_path)
    source = _CountingDemo()

    def progress(done, total, outcome):
        raise _Interrupted  # the user pressed Cancel while the first result was drawn

    with pytest.raises(_Interrupted):
        refresh(SIX, store, source, workers=2, delay=0, progress=progress, sleep=_no_sleep)
    time.sleep(0.5)  # let the fetches under way finish in the background
    assert 1 <= len(source.asked) <= 3  # the first, the one beside it, at most one queued
    for symbol in store.symbols():
        assert len(store.read([symbol])) > 1000  # whole series only
