"""The Parquet store: round trip, merge rules, provenance, atomicity, concurrent writers."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from data_sources.base import FetchResult
from data_sources.errors import DataSourceError
from data_sources.schema import to_canonical
from data_sources.store import Store


def _bars(symbol, dates, closes):
    return to_canonical(pd.DataFrame({"date": dates, "close": closes}), symbol)


def test_round_trip_and_coverage(tmp_path):
    store = Store(tmp_path)
    bars = _bars("399006.SZ", ["2020-01-02", "2020-01-03"], [1800.5, 1810.25])
    assert store.write(FetchResult(bars, "akshare", "akshare test")) == 2
    read = store.read(["399006.SZ"])
    pd.testing.assert_frame_equal(read, bars)
    coverage = store.coverage().iloc[0]
    assert coverage["source"] == "akshare" and coverage["rows"] == 2
    assert coverage["first_date"] == pd.Timestamp("2020-01-02")
    assert coverage["last_date"] == pd.Timestamp("2020-01-03")
    assert coverage["fetched_at"].endswith("Z")


def test_same_source_merges_and_revises_other_source_replaces(tmp_path):
    store = Store(tmp_path)
    store.write(FetchResult(_bars("X", ["2020-01-02", "2020-01-03"], [1.0, 2.0]), "akshare", "a"))
    store.write(FetchResult(_bars("X", ["2020-01-03", "2020-01-06"], [2.5, 3.0]), "akshare", "a"))
    assert store.read(["X"])["close"].tolist() == [1.0, 2.5, 3.0]
    store.write(FetchResult(_bars("X", ["2021-01-04"], [9.0]), "demo", "d"))
    assert store.read(["X"])["close"].tolist() == [9.0]
    assert store.coverage().iloc[0]["source"] == "demo"


def test_errors_are_recorded_without_touching_data(tmp_path):
    store = Store(tmp_path)
    store.write(FetchResult(_bars("X", ["2020-01-02"], [1.0]), "akshare", "a"))
    store.record_error("X", "akshare failed: ConnectionError")
    assert store.read(["X"])["close"].tolist() == [1.0]
    assert store.coverage().iloc[0]["last_error"] == "akshare failed: ConnectionError"
    store.write(FetchResult(_bars("X", ["2020-01-03"], [2.0]), "akshare", "a"))
    assert store.coverage().iloc[0]["last_error"] == ""


def test_crash_mid_write_leaves_previous_version_readable(tmp_path, monkeypatch):
    store = Store(tmp_path)
    store.write(FetchResult(_bars("X", ["2020-01-02"], [1.0]), "akshare", "a"))

    def crash(table, handle, *args, **kwargs):
        handle.write(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(pq, "write_table", crash)
    with pytest.raises(OSError):
        store.write(FetchResult(_bars("X", ["2020-01-03"], [2.0]), "akshare", "a"))
    monkeypatch.undo()
    assert store.read(["X"])["close"].tolist() == [1.0]
    assert not list(Path(tmp_path, "bars").glob("*.tmp"))


def _writer(root, dates):
    store = Store(root)
    for date in dates:
        store.write(FetchResult(_bars("X", [date], [1.0]), "akshare", "a"))


def test_two_writer_processes_lose_nothing(tmp_path):
    dates = [f"{d:%Y-%m-%d}" for d in pd.bdate_range("2020-01-01", periods=40)]
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(tmp_path), dates[i::2])) for i in (0, 1)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    assert Store(tmp_path).read(["X"])["date"].dt.strftime("%Y-%m-%d").tolist() == dates


@pytest.mark.parametrize("symbol", ["../../etc/passwd", "a/b", "..", "", "x" * 41, "a\x00b"])
def test_path_like_symbols_are_refused(tmp_path, symbol):
    with pytest.raises(DataSourceError):
        Store(tmp_path).read([symbol])
    assert not (tmp_path.parent / "etc").exists()
