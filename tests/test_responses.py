"""Abnormal volume and volatility responses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.event_study import Event, EventStudySpec, run_event_study
from analysis.responses import abnormal_volatility, abnormal_volume

SESSIONS = pd.bdate_range("2019-01-01", periods=400, name="date")
T0 = SESSIONS[320]


def test_abnormal_log_volume_is_the_constant_mean_model_on_log_volume(rng):
    volume = pd.DataFrame(np.exp(rng.normal(15, 0.3, (400, 2))), index=SESSIONS, columns=["A", "B"])
    volume.iloc[318:323, 0] *= 3.0  # volume triples around the event
    volume.iloc[50, 1] = 0.0  # zero volume is missing, not −inf
    result = abnormal_volume(volume, [Event("e", T0, T0)], EventStudySpec())
    log_a = np.log(volume["A"])
    expected = log_a.iloc[315:326].to_numpy() - log_a.iloc[70:310].mean()
    daily = result.daily.query("instrument == 'A'")
    np.testing.assert_allclose(daily["abnormal_log_volume"], expected, rtol=1e-10)
    np.testing.assert_allclose(daily["log_volume"], log_a.iloc[315:326], rtol=1e-12)
    np.testing.assert_allclose(daily["expected_log_volume"], log_a.iloc[70:310].mean(), rtol=1e-12)
    np.testing.assert_allclose(daily["cumulative_abnormal_log_volume"], np.cumsum(expected))
    assert daily.loc[daily["rel_day"] == 0, "abnormal_log_volume"].item() == pytest.approx(
        np.log(3.0), abs=1.2
    )
    summary = result.cumulative.set_index("instrument")
    assert summary.loc["B", "n_estimation"].min() == 240  # row 50 is outside [-250, -11]
    assert set(result.cumulative["model"]) == {"constant-mean"}
    whole = summary.loc["A"].query("window_start == -5 and window_end == 5")
    assert whole["cumulative_abnormal_log_volume"].item() == pytest.approx(expected.sum())
    tests = result.tests
    assert {"cross_sectional_t", "kp_bmp_t"} <= set(tests["statistic"])
    assert result.to_frame() is result.daily


def test_volume_tables_name_no_return_columns(rng):
    """The abnormal volume result holds log volume: no column is named for returns."""
    volume = pd.DataFrame(np.exp(rng.normal(15, 0.3, (400, 2))), index=SESSIONS, columns=["A", "B"])
    result = abnormal_volume(volume, [Event("e", T0, T0)], EventStudySpec())
    return_names = {"return", "expected_return", "abnormal_return", "car", "car_se", "sar", "scar"}
    for name, frame in result.frames().items():
        if name != "abnormal_volume_tests":
            assert not return_names & set(frame.columns), name


def test_volatility_ratio_and_its_t_test(rng):
    market = pd.Series(rng.normal(0, 0.01, 400), index=SESSIONS)
    returns = pd.DataFrame(
        market.to_numpy()[:, None] + rng.normal(0, 0.01, (400, 6)),
        index=SESSIONS,
        columns=list("ABCDEF"),
    )
    result = run_event_study(returns, [Event("e", T0, T0)], EventStudySpec(), market, "MKT")
    volatility = abnormal_volatility(result)
    ratios, tests = volatility.ratios, volatility.tests
    assert volatility.to_frame() is ratios
    panel = result.panel
    np.testing.assert_allclose(
        ratios.query("rel_day == 0")["volatility_ratio"],
        panel.ar[5] ** 2 / panel.sigma2,
        rtol=1e-12,
    )
    day0 = tests[(tests["rel_day"] == 0)].iloc[0]
    sample = panel.ar[5] ** 2 / panel.sigma2
    reference = stats.ttest_1samp(sample, 1.0)
    assert day0["value"] == pytest.approx(reference.statistic, rel=1e-10)
    assert day0["p_value"] == pytest.approx(reference.pvalue, rel=1e-9)
    whole = tests[tests["rel_day"].isna() & (tests["window_start"] == -5)].iloc[0]
    assert whole["mean_ratio"] == pytest.approx(np.mean(panel.ar**2 / panel.sigma2), rel=1e-10)
