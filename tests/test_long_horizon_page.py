"""The Event study's Long horizon section (pages/long_horizon_view.py): drawn only when opened,
BHAR in % checked against the stored closes, the CSV download in decimals with its metadata."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from tests.apptest_helpers import download_bytes, goto
from tests.test_zh_everywhere import zh_app  # noqa: F401  (the 中文 AppTest fixture)

CHINEXT = "chinext-first-listings-2020"  # t0 2020-08-24
INSTRUMENTS = "399006.SZ,000688.SH"


def _tables_with(app, column: str) -> list:
    return [frame for frame in app.dataframe if column in frame.value.columns]


def _open(app):
    app.query_params.update({"measures": CHINEXT, "instruments": INSTRUMENTS})
    goto(app, "pages/event_study.py")
    assert not _tables_with(app, "bhar")  # closed: nothing computed or drawn
    app.session_state["study_bhar_open"] = True
    app.run()
    assert not app.exception


def _hand_bhar(data_dir, symbol, horizon):
    from data_sources.store import Store

    bars = Store(data_dir / "store").read([symbol, "000300.SH"])
    closes = bars.pivot(index="date", columns="symbol", values="close").sort_index()
    t0 = closes.index.get_loc(pd.Timestamp("2020-08-24"))
    ratio = closes.iloc[t0 + horizon] / closes.iloc[t0] - 1
    return ratio[symbol] - ratio["000300.SH"]


def test_the_section_shows_bhar_in_percent_from_the_closes(app, data_dir):
    _open(app)
    (pairs,) = _tables_with(app, "bh_return")
    (tests,) = _tables_with(app, "t_skew_adjusted")
    assert set(pairs.value["horizon"]) == {21, 63, 126, 250}
    for horizon in (21, 63):
        shown = sorted(pairs.value.loc[pairs.value["horizon"] == horizon, "bhar"])
        hand = sorted(100 * _hand_bhar(data_dir, s, horizon) for s in INSTRUMENTS.split(","))
        assert shown == pytest.approx(hand, rel=1e-9)
    assert len(tests.value) == 4
    csv = pd.read_csv(io.BytesIO(download_bytes(app, "download_bhar")), encoding="utf-8-sig")
    # the CSV keeps decimals: the page's % is 100 × its bhar
    shown = pairs.value.sort_values(["horizon", "bh_return"])["bhar"].to_numpy()
    kept = csv.sort_values(["horizon", "bh_return"])["bhar"].to_numpy()
    assert shown == pytest.approx(100 * kept, rel=1e-12)
    assert {"method", "data_mode", "data_vintage", "units"} <= set(csv.columns)
    assert "SYNTHETIC" in csv["data_mode"].iloc[0]


def test_matched_controls_run_and_name_their_controls(app):
    _open(app)
    app.session_state["study_bhar_against"] = "matched"
    app.run()
    assert not app.exception
    (pairs,) = _tables_with(app, "bh_return")
    assert pairs.value["reference"].str.startswith("matched").all()


def test_the_section_reads_in_chinese(zh_app):  # noqa: F811
    from tests.zh_texts import leaks

    _open(zh_app)
    assert _tables_with(zh_app, "bhar")
    assert not leaks(zh_app)
