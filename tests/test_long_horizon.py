"""Buy-and-hold abnormal returns and the Lyon–Barber–Tsai (1999) tests (analysis/long_horizon.py),
checked against hand arithmetic and scipy, never against the module's own output."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.long_horizon import (
    LongHorizonInputError,
    bootstrap_skewness_adjusted_t,
    buy_and_hold_abnormal_returns,
    match_controls,
    skewness_adjusted_t,
)

SAMPLE = [0.10, -0.05, 0.02, 0.30, -0.01]


def test_skewness_adjusted_t_equals_the_hand_computed_value():
    # worked by hand: sum 0.36, mean 0.072; deviations 0.028, -0.122, -0.052, 0.228, -0.082
    squares = 0.000784 + 0.014884 + 0.002704 + 0.051984 + 0.006724  # = 0.07708
    cubes = 0.000021952 - 0.001815848 - 0.000140608 + 0.011852352 - 0.000551368  # 0.00936648
    variance = squares / 4  # divisor n - 1
    sd = math.sqrt(variance)
    s = 0.072 / sd
    gamma = cubes / (5 * sd**3)
    t_sa = math.sqrt(5) * (s + gamma * s**2 / 3 + gamma / (6 * 5))
    result = skewness_adjusted_t(SAMPLE)
    assert result["n"] == 5
    assert result["mean"] == pytest.approx(0.072, abs=1e-15)
    assert result["sd"] == pytest.approx(sd, rel=1e-12)
    assert result["skewness"] == pytest.approx(gamma, rel=1e-10)
    assert result["t"] == pytest.approx(math.sqrt(5) * s, rel=1e-12)
    assert result["t_sa"] == pytest.approx(t_sa, rel=1e-10)
    # t_sa is larger than t here: positive skewness (one large BHAR) adds gamma·S²/3 + gamma/6n
    assert result["t_sa"] > result["t"]
    assert result["p"] == pytest.approx(2 * stats.t.sf(abs(result["t"]), 4), rel=1e-12)
    # the skewness-adjusted t's p from Student t(n − 1) (module docstring), not N(0, 1)
    assert result["p_sa"] == pytest.approx(2 * stats.t.sf(abs(t_sa), 4), rel=1e-10)


def test_skewness_agrees_with_scipy_after_the_divisor_change():
    # scipy's biased skewness is m3 / m2^1.5 with divisor n; LBT's gamma divides by n · sd³ with
    # sd on divisor n - 1, so gamma = skew(bias=True) · ((n - 1) / n)^1.5
    n = len(SAMPLE)
    expected = stats.skew(SAMPLE, bias=True) * ((n - 1) / n) ** 1.5
    assert skewness_adjusted_t(SAMPLE)["skewness"] == pytest.approx(expected, rel=1e-12)
    # the conventional t is scipy's one-sample t
    assert skewness_adjusted_t(SAMPLE)["t"] == pytest.approx(
        stats.ttest_1samp(SAMPLE, 0.0).statistic, rel=1e-12
    )


def test_no_spread_gives_nan_not_infinity():
    result = skewness_adjusted_t([0.01, 0.01, 0.01])
    assert np.isnan(result["t"]) and np.isnan(result["t_sa"])
    assert np.isnan(skewness_adjusted_t([0.02])["t"])


def test_bootstrap_is_seeded_and_matches_a_loop_over_the_same_draws():
    rng = np.random.default_rng(5)
    values = rng.lognormal(0, 0.6, 40) - 1.1  # skewed, like BHARs
    first = bootstrap_skewness_adjusted_t(values, draws=300, seed=11)
    again = bootstrap_skewness_adjusted_t(values, draws=300, seed=11)
    other = bootstrap_skewness_adjusted_t(values, draws=300, seed=12)
    assert first == again
    assert first["lower"] != other["lower"]
    # independent loop: resample n/4 = 10 with replacement, centre on the sample mean
    draw = np.random.default_rng(11).integers(0, 40, size=(300, 10))
    t_b = []
    for index in draw:
        sample = values[index]
        sd = sample.std(ddof=1)
        s = (sample.mean() - values.mean()) / sd
        gamma = ((sample - sample.mean()) ** 3).sum() / (10 * sd**3)
        t_b.append(math.sqrt(10) * (s + gamma * s * s / 3 + gamma / 60))
    t_b = np.array(t_b)
    assert first["used"] == 300
    assert first["lower"] == pytest.approx(np.quantile(t_b, 0.025), rel=1e-12)
    assert first["upper"] == pytest.approx(np.quantile(t_b, 0.975), rel=1e-12)
    t_sa = skewness_adjusted_t(values)["t_sa"]
    p = 2 * min((t_b <= t_sa).sum() + 1, (t_b >= t_sa).sum() + 1) / (300 + 1)
    assert first["p"] == pytest.approx(min(p, 1.0))


def test_bootstrap_needs_n_over_4_of_at_least_two():
    assert np.isnan(bootstrap_skewness_adjusted_t(SAMPLE, draws=100)["lower"])


SESSIONS = pd.bdate_range("2024-01-01", periods=12, name="date")


def _closes():
    index = SESSIONS
    closes = pd.DataFrame(
        {
            # instrument: suspended on sessions 3-4 (no close), trades again at 5
            "600001.SH": [10, 10, 11, np.nan, np.nan, 12, 12, 13, 13, 14, 14, 15],
            # delisted: last close on session 4
            "600002.SH": [
                20,
                20,
                21,
                22,
                24,
                np.nan,
                np.nan,
                np.nan,
                np.nan,
                np.nan,
                np.nan,
                np.nan,
            ],
            "000300.SH": [100, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110],
            "600010.SH": [5, 5, 5.5, 5.5, 6, 6, 6, 6.5, 6.5, 7, 7, 7],
            "600011.SH": [8, 8, 8, 8, 8.8, 8.8, 8.8, 9.6, 9.6, 9.6, 9.6, 9.6],
            "300001.SZ": [30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        },
        index=index,
        dtype=float,
    )
    return closes


def _pairs(*symbols, t0=1):
    return pd.DataFrame(
        {"event_id": "E", "event_session": SESSIONS[t0], "instrument": list(symbols)}
    )


def test_bhar_against_the_benchmark_from_closes_with_a_suspension():
    result = buy_and_hold_abnormal_returns(
        _closes(), SESSIONS, _pairs("600001.SH"), horizons=(2, 4), benchmark="000300.SH",
        bootstrap=0,
    )  # fmt: skip
    table = result.to_frame().set_index("horizon")
    # t0 = session 1: buy at its close (10), h = 2 → session 3 suspended: last close 11 carried
    assert table.loc[2, "bh_return"] == pytest.approx(11 / 10 - 1)
    assert table.loc[2, "reference_return"] == pytest.approx(102 / 100 - 1)
    assert table.loc[2, "bhar"] == pytest.approx(0.1 - 0.02)
    # h = 4 → session 5: the move over the suspension counts (12 / 10)
    assert table.loc[4, "bhar"] == pytest.approx(0.2 - 0.04)
    assert (table["status"] == "complete").all()
    assert table.loc[4, "start_date"] == SESSIONS[1] and table.loc[4, "end_date"] == SESSIONS[5]


def test_a_delisted_instrument_is_filled_with_the_benchmark_and_noted():
    result = buy_and_hold_abnormal_returns(
        _closes(), SESSIONS, _pairs("600002.SH"), horizons=(6,), benchmark="000300.SH",
        bootstrap=0, fill_after_end=True,
    )  # fmt: skip
    row = result.to_frame().iloc[0]
    # held from 20 to its last close 24 (session 4), then the benchmark 103 → 106 (session 7)
    assert row["bh_return"] == pytest.approx(24 / 20 * 106 / 103 - 1)
    assert row["bhar"] == pytest.approx(24 / 20 * 106 / 103 - 106 / 100)
    assert "benchmark return after" in row["status"]
    assert any("benchmark return after" in note for note in result.notes)


def test_a_horizon_past_the_data_has_no_bhar():
    result = buy_and_hold_abnormal_returns(
        _closes(), SESSIONS, _pairs("600001.SH", t0=8), horizons=(2, 5), benchmark="000300.SH",
        bootstrap=0,
    )  # fmt: skip
    table = result.to_frame().set_index("horizon")
    assert not np.isnan(table.loc[2, "bhar"])
    assert (
        np.isnan(table.loc[5, "bhar"]) and table.loc[5, "status"] == "horizon ends after the data"
    )


def test_matched_portfolio_is_the_equal_weighted_buy_and_hold_of_the_controls():
    result = buy_and_hold_abnormal_returns(
        _closes(), SESSIONS, _pairs("600001.SH"), horizons=(6,), benchmark="000300.SH",
        against="matched", controls=["600010.SH", "600011.SH"], bootstrap=0,
    )  # fmt: skip
    row = result.to_frame().iloc[0]
    # session 1 → 7: 600010 5 → 6.5 (+30 %), 600011 8 → 9.6 (+20 %): portfolio +25 %
    assert row["reference_return"] == pytest.approx((0.3 + 0.2) / 2)
    assert row["bhar"] == pytest.approx(13 / 10 - 1 - 0.25)
    assert row["reference"] == "matched: 600010.SH, 600011.SH"


def test_controls_are_matched_on_the_board_and_past_return():
    closes = _closes()
    # past return over 1 session before t0 = 3 (sessions 1 → 2): 600001 +10 %, 600010 +10 %,
    # 600011 0 %, 300001.SZ (ChiNext: another board) never chosen
    chosen = match_controls(
        closes, SESSIONS, "600001.SH", SESSIONS[3], ["600011.SH", "600010.SH", "300001.SZ"],
        count=1, lookback=1,
    )  # fmt: skip
    assert chosen == ("600010.SH",)
    both = match_controls(
        closes, SESSIONS, "600001.SH", SESSIONS[3], ["600011.SH", "600010.SH", "300001.SZ"],
        count=5, lookback=1,
    )  # fmt: skip
    assert both == ("600010.SH", "600011.SH")


def test_tests_conf_int_and_csv():
    closes = _closes()
    result = buy_and_hold_abnormal_returns(
        closes, SESSIONS, _pairs("600001.SH", "600010.SH", "600011.SH"), horizons=(6,),
        benchmark="000300.SH", bootstrap=50, seed=3,
    )  # fmt: skip
    bhar = result.to_frame()["bhar"].to_numpy()
    row = result.summary().iloc[0]
    assert row["n"] == 3
    assert row["mean_bhar"] == pytest.approx(bhar.mean())
    assert row["t_stat"] == pytest.approx(stats.ttest_1samp(bhar, 0).statistic)
    interval = stats.t.interval(0.95, 2, loc=bhar.mean(), scale=stats.sem(bhar))
    ci = result.conf_int().iloc[0]
    assert (ci["lower"], ci["upper"]) == pytest.approx(interval)
    text = result.csv_bytes("bhar").decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text))
    assert {"method", "data_mode", "data_vintage", "units"} <= set(frame.columns)
    assert "buy-and-hold" in frame["method"].iloc[0]
    assert "decimals" in frame["units"].iloc[0]
    tests = pd.read_csv(io.StringIO(result.csv_bytes("bhar_tests").decode("utf-8-sig")))
    assert tests["t_skew_adjusted"].iloc[0] == pytest.approx(row["t_skew_adjusted"])
    with pytest.raises(KeyError):
        result.csv_bytes("nope")


def test_bad_requests_are_named():
    with pytest.raises(LongHorizonInputError, match="against"):
        buy_and_hold_abnormal_returns(_closes(), SESSIONS, _pairs("600001.SH"), against="x")
    with pytest.raises(LongHorizonInputError, match="benchmark"):
        buy_and_hold_abnormal_returns(_closes(), SESSIONS, _pairs("600001.SH"), benchmark=None)
    with pytest.raises(LongHorizonInputError, match="horizons"):
        buy_and_hold_abnormal_returns(
            _closes(), SESSIONS, _pairs("600001.SH"), horizons=(0,), benchmark="000300.SH"
        )


def test_a_control_that_ends_early_and_an_instrument_listed_later_are_noted():
    closes = _closes()
    closes.loc[SESSIONS[:4], "300001.SZ"] = np.nan  # listed on session 4, after the start
    result = buy_and_hold_abnormal_returns(
        closes, SESSIONS, _pairs("600001.SH", "300001.SZ"), horizons=(6,),
        benchmark="000300.SH", against="matched", controls=["600002.SH", "600010.SH"],
        bootstrap=0, fill_after_end=True,
    )  # fmt: skip
    table = result.to_frame().set_index("instrument")
    # 600002 held 20 → 24 then the benchmark 103 → 106; 600010 5 → 6.5
    portfolio = (24 / 20 * 106 / 103 - 1 + 0.3) / 2
    assert table.loc["600001.SH", "reference_return"] == pytest.approx(portfolio)
    assert "controls 600002.SH: data end early" in table.loc["600001.SH", "status"]
    assert np.isnan(table.loc["300001.SZ", "bhar"])
    assert table.loc["300001.SZ", "status"].startswith("no close at or before the start")
    assert any("no close at or before the start" in note for note in result.notes)
    # the tests count only the pairs with a BHAR
    assert result.summary()["n"].tolist() == [1]
