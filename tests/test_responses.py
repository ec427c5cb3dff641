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


def test_standardised_abnormal_volume_is_av_over_its_forecast_error_sd(rng):
    """SAV = AV / (σ̂ sqrt(1 + 1/L1)), σ̂ the SD of log volume over the estimation window
    (divisor L1 − 1), as the module says; under the eventstudy conventions AV / σ̂ (divisor L1,
    no prediction-error term)."""
    import analysis.responses as responses
    from analysis.panel import Conventions

    volume = pd.DataFrame(np.exp(rng.normal(15, 0.3, (400, 1))), index=SESSIONS, columns=["A"])
    log_a = np.log(volume["A"])
    estimation, event = log_a.iloc[70:310], log_a.iloc[315:326]
    av = event.to_numpy() - estimation.mean()
    textbook = abnormal_volume(volume, [Event("e", T0, T0)], EventStudySpec())
    expected = av / (estimation.std(ddof=1) * np.sqrt(1 + 1 / 240))
    np.testing.assert_allclose(
        textbook.daily["standardised_abnormal_log_volume"], expected, rtol=1e-10
    )
    plain = abnormal_volume(
        volume,
        [Event("e", T0, T0)],
        EventStudySpec(conventions=Conventions.preset("eventstudy")),
    )
    np.testing.assert_allclose(
        plain.daily["standardised_abnormal_log_volume"], av / estimation.std(ddof=0), rtol=1e-10
    )
    # the docstring states the formula the code computes (before: "standardised by its
    # estimation SD", i.e. σ̂ without the sqrt(1 + 1/L1) term)
    assert "SAV_iτ = AV_iτ / (σ̂_i · sqrt(1 + 1/L1_i))" in responses.__doc__


def test_abnormal_volume_csv_method_names_the_log_volume_model(rng, tmp_path):
    """abnormal_volume*.csv's ``method`` column names the abnormal-volume model (constant mean
    on log volume), not the returns' market model; the returns tables keep theirs."""
    import io

    from analysis.api import BarsSource, StudyRequest, run_study
    from data_sources.trading_calendar import all_sessions

    sessions = all_sessions()
    dates = sessions[(sessions >= "2019-01-01") & (sessions <= "2021-06-30")]
    frames = [
        pd.DataFrame(
            {
                "symbol": symbol,
                "date": dates,
                "close": 100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(dates)))),
                "volume": np.exp(rng.normal(15, 0.3, len(dates))),
            }
        )
        for symbol in ("AAA.SZ", "MKT.SH")
    ]
    request = StudyRequest(
        dates=("2020-08-24",), instruments=("AAA.SZ",), benchmark="MKT.SH", responses=True
    )
    outcome = run_study(request, BarsSource(pd.concat(frames, ignore_index=True)))
    assert outcome.volume is not None

    def methods(name):
        data = outcome.csv_bytes(name).decode("utf-8-sig")
        return set(pd.read_csv(io.StringIO(data))["method"])

    (returns_method,) = methods("car_summary")
    assert returns_method.startswith("market model (OLS); simple returns")
    for name in ("abnormal_volume", "abnormal_volume_windows", "abnormal_volume_tests"):
        (method,) = methods(name)
        assert method.startswith("abnormal log volume: constant-mean model on ln(volume)"), name
        assert "market model" not in method and "simple returns" not in method
        assert "benchmark MKT.SH" not in method
        assert "relative days count" in method  # the study-wide rules stay
    written = outcome.write(tmp_path, names=["abnormal_volume", "abnormal_returns"])
    on_disk = pd.read_csv(written[0], encoding="utf-8-sig")
    assert on_disk["method"].iloc[0].startswith(outcome.volume.method + "; relative days")
    assert "Student t with L1-1 df" in outcome.volume.method  # k = 1: the constant mean
    assert pd.read_csv(written[1], encoding="utf-8-sig")["method"].iloc[0] == outcome.method
