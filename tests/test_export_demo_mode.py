"""CSV export convention, the synthetic demo, first-run seeding and the data-mode label."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from analysis.export import METADATA_COLUMNS, csv_bytes
from data_sources.base import BarQuery, FetchResult
from data_sources.bootstrap import seed_demo_if_empty
from data_sources.data_mode import data_mode, data_vintage
from data_sources.demo import DemoSource, demo_bars
from data_sources.instruments import registry
from data_sources.schema import to_canonical, validate_bars
from data_sources.store import Store
from data_sources.trading_calendar import all_sessions

META = {"method": "market model", "data_mode": "SYNTHETIC DEMO", "data_vintage": "demo"}


def test_csv_has_bom_metadata_and_keeps_chinese():
    frame = pd.DataFrame(
        {"title": ["创业板改革"], "value": [0.125], "date": [pd.Timestamp("2020-08-24")]}
    )
    raw = csv_bytes(frame, META)
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert list(back.columns) == ["title", "value", "date", *METADATA_COLUMNS]
    assert back.loc[0, "title"] == "创业板改革"
    assert back.loc[0, "date"] == "2020-08-24"
    assert back.loc[0, "data_mode"] == "SYNTHETIC DEMO"


def test_formula_cells_are_neutralised_but_numbers_are_not():
    frame = pd.DataFrame({"text": ['=HYPERLINK("http://x")', "+cmd", "@SUM(A1)", "-0.5", "ok"]})
    back = pd.read_csv(io.BytesIO(csv_bytes(frame, META)), encoding="utf-8-sig", dtype=str)
    assert back["text"].tolist() == ['\'=HYPERLINK("http://x")', "'+cmd", "'@SUM(A1)", "-0.5", "ok"]


def test_demo_is_deterministic_on_real_sessions_with_realistic_volatility():
    first = demo_bars("000300.SH", end="2024-12-31")
    second = demo_bars("000300.SH", end="2025-06-30")
    pd.testing.assert_frame_equal(first, second[second["date"] <= "2024-12-31"])
    validate_bars(first)
    assert first["date"].isin(all_sessions()).all()
    returns = first["close"].pct_change().dropna()
    assert 0.008 < returns.std() < 0.025  # daily vol of a broad index
    assert returns.kurt() > 1  # fat tails
    reit = demo_bars("508000.SH", end="2024-12-31")
    assert reit["date"].iloc[0] == pd.Timestamp("2021-06-21")
    assert reit["close"].pct_change().std() < returns.std()
    chinext = demo_bars("399006.SZ", end="2024-12-31")["close"].pct_change()
    assert 0.5 < np.corrcoef(returns, chinext.dropna())[0, 1] < 0.99


def test_empty_store_is_seeded_once_and_labelled_synthetic(tmp_path):
    store = Store(tmp_path)
    seeded = seed_demo_if_empty(store)
    assert sorted(seeded) == sorted(registry())
    assert seed_demo_if_empty(store) == []
    mode = data_mode(store.coverage())
    assert mode.label == "SYNTHETIC DEMO" and mode.synthetic
    assert "SYNTHETIC DEMO (seed" in data_vintage(store.coverage(), ["399006.SZ"])


def test_data_mode_names_every_source_in_view(tmp_path):
    store = Store(tmp_path)
    store.write(DemoSource().fetch(BarQuery("000300.SH", end="2020-12-31")))
    real = to_canonical(pd.DataFrame({"date": ["2020-01-02"], "close": [1.0]}), "399006.SZ")
    store.write(FetchResult(real, "akshare", "akshare x"))
    store.write(FetchResult(real.assign(symbol="MINE"), "import", "file MINE.csv"))
    coverage = store.coverage()
    assert data_mode(coverage, ["399006.SZ"]).label.startswith("stored akshare data (as of ")
    assert data_mode(coverage, ["399006.SZ"], live_symbols={"399006.SZ"}).label == "live akshare"
    assert data_mode(coverage, ["MINE"]).label == "imported files"
    mixed = data_mode(coverage)
    as_of = pd.Timestamp(coverage.set_index("symbol").at["399006.SZ", "fetched_at"])
    assert mixed.synthetic and mixed.label == (
        f"SYNTHETIC DEMO + stored akshare data (as of {as_of:%Y-%m-%d}) + imported files"
    )
    assert mixed.sources == ("demo", "akshare", "import")
    assert mixed.counts == {"demo": 1, "akshare": 1, "import": 1}
    live = data_mode(coverage, live_symbols={"399006.SZ"})
    assert live.label == "SYNTHETIC DEMO + live akshare + imported files"
    real_only = data_mode(coverage, ["399006.SZ", "MINE"])
    assert not real_only.synthetic and real_only.sources == ("akshare", "import")
