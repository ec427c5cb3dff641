"""The event-study engine checked against independent computations.

Independent = statsmodels OLS (coefficients, residual variance, parameter covariance) and plain
numpy/scipy written out here from the formulas, never the engine's own output. Also the
textbook reference values shipped in ../shared/validation/estudy2_covid7.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from analysis.event_study import Event, EventStudyInputError, EventStudySpec, run_event_study
from analysis.returns import compute_returns
from tests.conftest import shared_path


def _main(result):
    """The CAR rows over the whole event window (one per instrument × event)."""
    summary = result.car_summary
    start, end = result.spec.event_window
    return summary[(summary["window_start"] == start) & (summary["window_end"] == end)]


def _simulated(rng, n_sessions=400, n_instruments=3):
    sessions = pd.bdate_range("2020-01-01", periods=n_sessions, name="date")
    market = pd.Series(rng.normal(0.0003, 0.012, n_sessions), index=sessions, name="MKT")
    betas = np.array([0.6, 1.0, 1.5])[:n_instruments]
    noise = rng.normal(0, 0.01, (n_sessions, n_instruments))
    returns = pd.DataFrame(
        0.0002 + market.to_numpy()[:, None] * betas + noise,
        index=sessions,
        columns=[f"S{i}" for i in range(n_instruments)],
    )
    return sessions, market, returns


def _statsmodels_reference(y_est, x_est, y_event, x_event):
    """AR, CAR, Var(CAR), t, p for one instrument from statsmodels OLS (matrix form)."""
    fit = sm.OLS(y_est, sm.add_constant(x_est)).fit()
    x_star = sm.add_constant(x_event, has_constant="add")
    abnormal = y_event - x_star @ fit.params
    # V = σ²I + X* Cov(β̂) X*'  (CLM eq. 4.4.17-18); Var(CAR) = 1'V1
    v = fit.scale * np.eye(len(y_event)) + x_star @ fit.cov_params() @ x_star.T
    var_car = v.sum()
    t = abnormal.sum() / np.sqrt(var_car)
    p = 2 * stats.t.sf(abs(t), fit.df_resid)
    return fit, abnormal, var_car, t, p


def test_market_model_matches_statsmodels(rng):
    sessions, market, returns = _simulated(rng)
    t0 = sessions[300]
    spec = EventStudySpec(estimation_window=(-250, -11), event_window=(-5, 5))
    result = run_event_study(returns, [Event("e1", t0, t0)], spec, market, "MKT")
    assert len(_main(result)) == 3
    for column in returns.columns:
        est = slice(300 - 250, 300 - 11 + 1)
        event = slice(300 - 5, 300 + 5 + 1)
        fit, abnormal, var_car, t, p = _statsmodels_reference(
            returns[column].to_numpy()[est],
            market.to_numpy()[est],
            returns[column].to_numpy()[event],
            market.to_numpy()[event],
        )
        row = _main(result).set_index("instrument").loc[column]
        assert row["n_estimation"] == 240
        assert row["alpha"] == pytest.approx(fit.params[0], rel=1e-10)
        assert row["beta"] == pytest.approx(fit.params[1], rel=1e-10)
        assert row["sigma"] == pytest.approx(np.sqrt(fit.scale), rel=1e-10)
        assert row["car"] == pytest.approx(abnormal.sum(), rel=1e-10)
        assert row["car_se"] == pytest.approx(np.sqrt(var_car), rel=1e-10)
        assert row["t_stat"] == pytest.approx(t, rel=1e-10)
        assert row["p_value"] == pytest.approx(p, rel=1e-9)
        assert row["dof"] == 238
        daily = result.abnormal_returns.query("instrument == @column")
        np.testing.assert_allclose(daily["abnormal_return"], abnormal, rtol=1e-10)
        np.testing.assert_allclose(daily["car"], np.cumsum(abnormal), rtol=1e-10)
        assert list(daily["rel_day"]) == list(range(-5, 6))
        assert list(daily["date"]) == list(sessions[295:306])


def test_a_window_without_a_valid_day_has_no_car_and_no_standard_error(rng):
    """A suspension covering the whole [0, +1] window (600958.SH, 2022-04-26/27): the CAR is
    missing, and so is its SE (it read 0.00 beside the missing CAR)."""
    sessions, market, returns = _simulated(rng, n_instruments=1)
    t0 = sessions[300]
    returns.iloc[300:302, 0] = np.nan
    spec = EventStudySpec(
        estimation_window=(-250, -11), event_window=(-5, 5), car_windows=((0, 1),)
    )
    result = run_event_study(returns, [Event("e1", t0, t0)], spec, market, "MKT")
    summary = result.car_summary
    suspended = summary[(summary["window_start"] == 0) & (summary["window_end"] == 1)].iloc[0]
    assert suspended["n_event_days"] == 0
    assert np.isnan(suspended["car"]) and np.isnan(suspended["car_se"])
    assert np.isnan(suspended["t_stat"]) and np.isnan(suspended["p_value"])
    assert _main(result).iloc[0]["car_se"] > 0  # the other days still give one
    path = result.car_path()
    assert path.loc[path["rel_day"] == -5, "car_se"].iloc[0] > 0


def test_missing_days_drop_from_estimation_and_event_without_shifting(rng):
    sessions, market, returns = _simulated(rng, n_instruments=1)
    t0 = sessions[300]
    returns.iloc[[120, 121, 200], 0] = np.nan  # a suspension inside the estimation window
    returns.iloc[302, 0] = np.nan  # and one inside the event window (rel day +2)
    spec = EventStudySpec(estimation_window=(-250, -11), event_window=(-5, 5))
    result = run_event_study(returns, [Event("e1", t0, t0)], spec, market, "MKT")
    est_rows = np.arange(50, 290)
    est_rows = est_rows[~np.isnan(returns.to_numpy()[est_rows, 0])]
    event_rows = np.arange(295, 306)
    valid_event = event_rows[~np.isnan(returns.to_numpy()[event_rows, 0])]
    fit, abnormal, var_car, t, _ = _statsmodels_reference(
        returns.to_numpy()[est_rows, 0],
        market.to_numpy()[est_rows],
        returns.to_numpy()[valid_event, 0],
        market.to_numpy()[valid_event],
    )
    row = _main(result).iloc[0]
    assert row["n_estimation"] == 237
    assert row["n_event_days"] == 10
    assert row["car"] == pytest.approx(abnormal.sum(), rel=1e-10)
    assert row["car_se"] == pytest.approx(np.sqrt(var_car), rel=1e-10)
    daily = result.abnormal_returns
    assert daily.loc[daily["rel_day"] == 2, "abnormal_return"].isna().all()
    assert daily.loc[daily["rel_day"] == 3, "date"].iloc[0] == sessions[303]  # no shift
    assert "partial window" in set(result.diagnostics["status"])


def test_constant_mean_model_matches_ols_on_a_constant(rng):
    sessions, market, returns = _simulated(rng, n_instruments=1)
    t0 = sessions[300]
    spec = EventStudySpec(
        model="constant-mean",
        estimation_window=(-200, -11),
        event_window=(-2, 3),
        min_estimation=100,
    )
    result = run_event_study(returns, [Event("e", t0, t0)], spec)
    y_est = returns.to_numpy()[100:290, 0]
    fit = sm.OLS(y_est, np.ones_like(y_est)).fit()
    y_event = returns.to_numpy()[298:304, 0]
    abnormal = y_event - fit.params[0]
    var_car = len(y_event) * fit.scale + len(y_event) ** 2 * fit.cov_params()[0, 0]
    row = _main(result).iloc[0]
    assert row["alpha"] == pytest.approx(y_est.mean(), rel=1e-12)
    assert row["car"] == pytest.approx(abnormal.sum(), rel=1e-10)
    assert row["car_se"] == pytest.approx(np.sqrt(var_car), rel=1e-10)
    assert row["p_value"] == pytest.approx(
        2 * stats.t.sf(abs(abnormal.sum() / np.sqrt(var_car)), len(y_est) - 1), rel=1e-9
    )


def test_market_adjusted_model_by_hand(rng):
    sessions, market, returns = _simulated(rng, n_instruments=1)
    t0 = sessions[300]
    spec = EventStudySpec(model="market-adjusted")
    result = run_event_study(returns, [Event("e", t0, t0)], spec, market, "MKT")
    excess = returns["S0"] - market
    est = excess.to_numpy()[50:290]
    event = excess.to_numpy()[295:306]
    row = _main(result).iloc[0]
    assert row["car"] == pytest.approx(event.sum(), rel=1e-12)
    assert row["car_se"] == pytest.approx(np.sqrt(11 * est.var(ddof=1)), rel=1e-10)
    assert (row["alpha"], row["beta"]) == (0.0, 1.0)


def test_benchmark_is_not_regressed_on_itself(rng):
    sessions, market, returns = _simulated(rng, n_instruments=1)
    returns["MKT"] = market
    t0 = sessions[300]
    result = run_event_study(returns, [Event("e", t0, t0)], EventStudySpec(), market, "MKT")
    row = _main(result).set_index("instrument").loc["MKT"]
    assert row["model"] == "constant-mean"
    assert row["car"] == pytest.approx((market.iloc[295:306] - market.iloc[50:290].mean()).sum())
    assert "model changed" in set(result.diagnostics["status"])
    assert _main(result).set_index("instrument").loc["S0", "model"] == "market"


def test_market_wide_instruments_use_the_constant_mean_model(rng):
    sessions, market, returns = _simulated(rng, n_instruments=2)
    t0 = sessions[300]
    for model in ("market", "market-adjusted"):
        result = run_event_study(
            returns,
            [Event("e", t0, t0)],
            EventStudySpec(model=model),
            market,
            "MKT",
            constant_mean_for=["S1"],
        )
        rows = _main(result).set_index("instrument")
        assert rows.at["S0", "model"] == model and rows.at["S1", "model"] == "constant-mean"
        by_hand = (returns["S1"].iloc[295:306] - returns["S1"].iloc[50:290].mean()).sum()
        assert rows.at["S1", "car"] == pytest.approx(by_hand, rel=1e-12)
        reason = result.diagnostics.set_index("instrument").at["S1", "reason"]
        assert reason.startswith("market-wide instrument")
    plain = run_event_study(
        returns,
        [Event("e", t0, t0)],
        EventStudySpec(model="constant-mean"),
        constant_mean_for=["S1"],
    )
    assert plain.diagnostics.empty  # nothing to change under the constant-mean model


def test_skips_are_reported_never_silent(rng):
    sessions, market, returns = _simulated(rng, n_instruments=2)
    returns.iloc[:280, 1] = np.nan  # S1 "listed" late: too few estimation days
    t0 = sessions[300]
    outside = pd.Timestamp("2030-01-02")
    result = run_event_study(
        returns,
        [Event("in", t0, t0), Event("out", outside, outside)],
        EventStudySpec(),
        market,
        "MKT",
    )
    assert list(_main(result)["instrument"]) == ["S0"]
    reasons = result.diagnostics.set_index(["event_id", "instrument"])["reason"]
    assert "minimum 120" in reasons.loc[("in", "S1")]
    assert "outside the data" in reasons.loc[("out", "S0")]


def test_results_are_keyed_by_event(rng):
    sessions, market, returns = _simulated(rng, n_instruments=1)
    events = [Event("a", sessions[280], sessions[280]), Event("b", sessions[300], sessions[300])]
    result = run_event_study(returns, events, EventStudySpec(), market, "MKT")
    assert list(_main(result)["event_id"]) == ["a", "b"]
    assert result.abnormal_returns.groupby("event_id").size().to_dict() == {"a": 11, "b": 11}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"estimation_window": (-11, -250)}, "starts after it ends"),
        ({"event_window": (5, -5)}, "starts after it ends"),
        ({"estimation_window": (-250, 0)}, "must end before"),
        ({"model": "fama-french"}, "not one of"),
        ({"estimation_window": (-50, -11)}, "fewer than the minimum"),
        ({"returns": "percent"}, "simple or log"),
    ],
)
def test_bad_windows_and_options_are_named(kwargs, message):
    with pytest.raises(EventStudyInputError, match=message):
        EventStudySpec(**kwargs)


def test_reproduces_textbook_reference_firms():
    """estudy2 COVID example, textbook conventions (σ² divisor L1−2, firm-specific market terms,
    prediction-error-corrected CAR variance): ../shared/validation/estudy2_covid7."""
    folder = shared_path("validation", "estudy2_covid7")
    prices = pd.read_csv(folder / "prices.csv", index_col="date", parse_dates=True)
    index = pd.read_csv(folder / "prices_indx.csv", index_col="date", parse_dates=True)["^GSPC"]
    returns = compute_returns(prices, "log").iloc[1:]
    market = compute_returns(index, "log").iloc[1:]
    t0 = pd.Timestamp("2020-03-16")
    position = returns.index.get_loc(t0)
    spec = EventStudySpec(
        estimation_window=(-position, -1), event_window=(0, 4), returns="log", min_estimation=200
    )
    result = run_event_study(returns, [Event("covid", t0, t0)], spec, market, "^GSPC")
    reference = pd.read_csv(folder / "reference_textbook_firm.csv", index_col="firm")
    ours = _main(result).set_index("instrument").loc[reference.index]
    np.testing.assert_array_equal(ours["n_estimation"], reference["L1"])
    for mine, theirs in [
        ("alpha", "alpha"),
        ("beta", "beta"),
        ("sigma", "sigma_eps"),
        ("car", "CAR"),
        ("car_se", "se_CAR"),
    ]:
        np.testing.assert_allclose(ours[mine], reference[theirs], rtol=1e-8, err_msg=mine)
    np.testing.assert_allclose(ours["car"] / ours["car_se"], reference["SCAR"], rtol=1e-8)
    coefficients = pd.read_csv(folder / "market_model_coefficients.csv", index_col="ticker")
    np.testing.assert_allclose(
        ours.loc[coefficients.index, "alpha"], coefficients["alpha"], rtol=1e-10
    )
    np.testing.assert_allclose(
        ours.loc[coefficients.index, "beta"], coefficients["beta"], rtol=1e-10
    )


def test_car_path_ends_at_the_event_window_car_with_its_standard_error():
    """The band's last point is the event-window CAR and SE of the summary (same formula)."""
    from analysis.api import study_from_bars
    from analysis.event_study import Event, EventStudySpec
    from data_sources.base import BarQuery
    from data_sources.demo import DemoSource
    from data_sources.trading_calendar import all_sessions

    bars = pd.concat([DemoSource().fetch(BarQuery(s)).bars for s in ("000300.SH", "399006.SZ")])
    t0 = pd.Timestamp("2020-08-24")
    result = study_from_bars(
        bars, ["399006.SZ"], [Event("e", t0, t0)], EventStudySpec(), all_sessions(), "000300.SH"
    )
    path = result.car_path()
    assert list(path["rel_day"]) == list(range(-5, 6))
    summary = result.car_summary.query("window_start == -5 and window_end == 5").iloc[0]
    assert path["car"].iloc[-1] == pytest.approx(summary["car"], rel=1e-12)
    assert path["car_se"].iloc[-1] == pytest.approx(summary["car_se"], rel=1e-12)
    ars = result.abnormal_returns
    assert path["car"].to_numpy() == pytest.approx(ars["abnormal_return"].cumsum().to_numpy())
    # one day: SE = σ √(1 + 1/L1 + (R_m − μ_m)²/Sxx) ≥ σ
    assert path["car_se"].iloc[0] >= summary["sigma"]


# -- a zero cross-sectional dispersion: NaN with a note, never ±inf (issue 11, item 4) -------
def _two_events_one_session(rng):
    """One instrument studied around two event ids on one session: two identical pairs."""
    sessions, market, returns = _simulated(rng, n_instruments=1)
    t0 = sessions[300]
    events = [Event("sat", t0 - pd.Timedelta(days=2), t0), Event("mon", t0, t0)]
    return run_event_study(returns, events, EventStudySpec(), market, "MKT")


def test_two_events_on_one_session_give_nan_with_a_note_not_inf(rng):
    result = _two_events_one_session(rng)
    values = result.tests["value"].to_numpy(dtype=float)
    assert not np.isinf(values).any()  # before: ±inf, p = 0, for the pooled t and BMP
    assert not np.isinf(result.tests["p_value"].to_numpy(dtype=float)).any()
    pooled = result.tests[result.tests["event_id"] == "pooled"].set_index("statistic")
    for name in ("cross_sectional_t", "bmp_t", "kp_bmp_t"):
        assert pooled.loc[name, "value"].isna().all(), name
        assert pooled.loc[name, "p_value"].isna().all(), name
    notes = " | ".join(result.notes + result.test_notes)  # the tests' notes come with them
    assert "cross_sectional_t (pooled): the cross-sectional SD of the abnormal returns is zero" in (
        notes
    )
    assert "bmp_t (pooled)" in notes and "kp_bmp_t (pooled)" in notes
    assert "events sat, mon share the session" in notes
    # the statistics that do not divide by the cross-sectional SD keep their values
    assert pooled.loc["patell_z", "value"].notna().all()


def test_a_numerically_zero_dispersion_is_zero_but_a_small_one_is_not(rng):
    from analysis.event_study import Conventions
    from analysis.statistics import bmp_t, cross_sectional_t

    sessions, market, returns = _simulated(rng, n_instruments=2)
    t0 = sessions[300]
    panel = run_event_study(returns, [Event("e", t0, t0)], EventStudySpec(), market, "MKT").panel
    windows = [(-5, 5)]
    base = panel.ar[:, 0].copy()
    # rounding residue: the second pair differs by one unit in the last place
    panel.ar = np.column_stack([base, base * (1 + 2**-52)])
    panel.cache.clear()
    residue = cross_sectional_t(panel, windows, Conventions())
    assert np.isnan(residue.day_value).all() and np.isnan(residue.window_value).all()
    assert residue.notes and "is zero on 11 day(s) and 1 window(s)" in residue.notes[0]
    # a small but real dispersion (1e-6 relative) is kept: the t of scipy's one-sample test
    panel.ar = np.column_stack([base, base * (1 + 1e-6), base * (1 - 3e-6)])
    panel.pairs = pd.concat([panel.pairs, panel.pairs.iloc[:1]], ignore_index=True)
    for name in ("n", "k", "sigma2", "c1", "sxx", "sxx_index", "ssr"):
        setattr(panel, name, np.r_[getattr(panel, name), getattr(panel, name)[:1]])
    for name in ("dev", "dev_index"):
        setattr(panel, name, np.column_stack([getattr(panel, name), getattr(panel, name)[:, :1]]))
    panel.cache.clear()
    small = cross_sectional_t(panel, windows, Conventions())
    expected = stats.ttest_1samp(panel.ar, 0.0, axis=1).statistic
    np.testing.assert_allclose(small.day_value, expected, rtol=1e-6)
    assert not small.notes
    assert np.isfinite(bmp_t(panel, windows, Conventions()).day_value).all()


def test_sign_test_with_one_sided_estimation_ars_is_nan_with_a_note(rng):
    from analysis.event_study import Conventions
    from analysis.statistics import generalized_sign_z

    sessions, market, returns = _simulated(rng, n_instruments=2)
    t0 = sessions[300]
    panel = run_event_study(returns, [Event("e", t0, t0)], EventStudySpec(), market, "MKT").panel
    panel.est_ar = np.abs(panel.est_ar) + 1e-4  # every estimation AR positive: p̂ = 1
    statistic = generalized_sign_z(panel, [(-5, 5)], Conventions())
    assert np.isnan(statistic.day_value).all() and np.isnan(statistic.window_value).all()
    assert "one sign" in statistic.notes[0]


def test_log_returns_of_unusable_prices_are_missing_without_a_warning():
    import warnings

    prices = pd.Series([10.0, np.inf, 10.0, 11.0, 1e10, 1e-320])  # 1e-320 / 1e10 underflows
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        log = compute_returns(prices, "log")
        simple = compute_returns(prices, "simple")
    # ln(inf / 10), ln(10 / inf) = ln 0 and ln(1e-330 → 0) are no returns: NaN, like a gap
    assert log.isna().tolist() == [True, True, True, False, False, True]
    assert log.iloc[3] == pytest.approx(np.log(1.1))
    assert not np.isinf(simple).any() and simple.iloc[3] == pytest.approx(0.1)


@pytest.mark.parametrize("name", ["crude_dependence_t", "bw1980_t", "lamb_z", "kp_patell_z"])
def test_time_series_scales_of_zero_give_nan_with_a_note(rng, name):
    """Hand-built: estimation ARs all 0 (so every estimation SD is 0) and event ARs of 1%."""
    from analysis.event_study import Conventions
    from analysis.statistics import STATISTICS

    sessions, market, returns = _simulated(rng, n_instruments=2)
    t0 = sessions[300]
    panel = run_event_study(returns, [Event("e", t0, t0)], EventStudySpec(), market, "MKT").panel
    panel.est_ar = np.zeros_like(panel.est_ar)
    panel.ar = np.full_like(panel.ar, 0.01)
    panel.ssr = np.zeros_like(panel.ssr)
    panel.cache.clear()
    statistic = STATISTICS[name](panel, [(-5, 5), (0, 1)], Conventions())
    for values in (statistic.day_value, statistic.window_value, statistic.day_p):
        assert not np.isinf(values).any()
    if name != "kp_patell_z":  # its scale is the Patell variance, not these SDs
        assert np.isnan(statistic.day_value).all()
        assert statistic.notes and "is zero" in statistic.notes[0]


# -- results objects (issue 12, item 2) ------------------------------------------------------
def test_the_tests_are_computed_only_when_read(rng, monkeypatch):
    import analysis.event_study as engine

    calls = []
    real = engine.tests_by_event
    monkeypatch.setattr(engine, "tests_by_event", lambda *a, **k: calls.append(1) or real(*a, **k))
    sessions, market, returns = _simulated(rng)
    t0 = sessions[300]
    result = run_event_study(returns, [Event("e", t0, t0)], EventStudySpec(), market, "MKT")
    assert len(result.car_summary) and not calls  # CARs only: no test battery (before: one)
    first = result.tests
    assert result.tests is first and len(calls) == 1  # computed once, then cached
    assert set(first["statistic"]) == set(engine.STATISTICS)
    chosen = result.tests_table(["patell_z"])
    assert set(chosen["statistic"]) == {"patell_z"} and len(calls) == 2
    with pytest.raises(ValueError, match="unknown statistic"):
        run_event_study(
            returns, [Event("e", t0, t0)], EventStudySpec(), market, "MKT", statistics=["nope"]
        )


def test_the_result_is_immutable(rng):
    from dataclasses import FrozenInstanceError

    sessions, market, returns = _simulated(rng)
    t0 = sessions[300]
    result = run_event_study(returns, [Event("e", t0, t0)], EventStudySpec(), market, "MKT")
    with pytest.raises(FrozenInstanceError):
        result.notes = ("x",)
    assert isinstance(result.notes, tuple)
    for removed in ("placebo", "placebo_summary", "volume", "volatility", "volatility_tests"):
        assert not hasattr(result, removed), removed
    longer = result.with_notes(["a note"])
    assert longer.notes == (*result.notes, "a note") and longer.car_summary is result.car_summary


def test_conf_int_is_the_student_t_interval_with_the_pairs_dof(rng):
    sessions, market, returns = _simulated(rng)
    t0 = sessions[300]
    result = run_event_study(returns, [Event("e", t0, t0)], EventStudySpec(), market, "MKT")
    intervals = result.conf_int(alpha=0.10)
    assert len(intervals) == len(result.car_summary)
    for row in intervals.itertuples():
        low, high = stats.t.interval(0.90, row.dof, loc=row.car, scale=row.car_se)
        assert (row.lower, row.upper) == pytest.approx((low, high), rel=1e-12)
    assert (intervals["dof"] == 238).all()
    with pytest.raises(ValueError):
        result.conf_int(alpha=1.5)


def test_summary_is_a_text_table_per_window(rng, capsys):
    sessions, market, returns = _simulated(rng)
    t0 = sessions[300]
    result = run_event_study(returns, [Event("e", t0, t0)], EventStudySpec(), market, "MKT")
    text = result.summary()
    assert capsys.readouterr().out == ""  # returned, never printed
    lines = text.splitlines()
    assert lines[1] == f"Method: {result.spec.describe()}"
    for start, end in result.spec.windows:
        assert f"CAR [{start}, {end}]" in lines
    header = lines[lines.index("CAR [-5, 5]") + 1].split()
    assert header == ["instrument", "event_id", "car", "car_se", "t", "p", "dof"]
    row = _main(result).iloc[0]
    shown = lines[lines.index("CAR [-5, 5]") + 2].split()
    assert shown[0] == row["instrument"] and float(shown[4]) == pytest.approx(row["t_stat"], 1e-3)
    assert "1 more rows" in result.summary(max_rows=2)


def test_diagnostics_are_typed_records_and_a_table(rng):
    from analysis.records import DIAGNOSTIC_COLUMNS, Diagnostic

    sessions, market, returns = _simulated(rng)
    returns.iloc[290:311, 1] = np.nan  # S1 has no returns in the event window
    t0 = sessions[300]
    spec = EventStudySpec(car_windows=((0, 1), (0, 30)))
    result = run_event_study(returns, [Event("e", t0, t0)], spec, market, "MKT")
    records = result.diagnostic_records
    assert all(isinstance(record, Diagnostic) for record in records)
    assert [(r.instrument, r.status) for r in records] == [
        ("S1", "skipped"),
        ("", "window left out"),
    ]
    assert list(result.diagnostics.columns) == DIAGNOSTIC_COLUMNS
    assert result.diagnostics["reason"].tolist() == [r.reason for r in records]


def test_event_fits_are_typed_and_match_statsmodels(rng):
    from analysis.event_study import EventFit

    sessions, market, returns = _simulated(rng)
    t0 = sessions[300]
    result = run_event_study(returns, [Event("e", t0, t0)], EventStudySpec(), market, "MKT")
    (fit,) = result.fits
    assert isinstance(fit, EventFit) and fit.event.event_id == "e"
    table = fit.to_frame().set_index("instrument")
    assert table.equals(result.fit_table().set_index("instrument"))
    est = slice(50, 290)
    for column in returns.columns:
        ols = sm.OLS(returns[column].iloc[est], sm.add_constant(market.iloc[est])).fit()
        row = table.loc[column]
        assert (row["alpha"], row["beta"]) == pytest.approx(tuple(ols.params), rel=1e-10)
        assert row["sigma"] == pytest.approx(np.sqrt(ols.scale), rel=1e-10)
        assert (row["k"], row["dof"], row["estimated"]) == (2, ols.df_resid, True)


def test_the_model_registry_defines_dof_and_variance_terms():
    from analysis import models

    assert tuple(models.REGISTRY) == models.MODELS
    n = np.array([240, 100])
    assert models.get("market").c_term(n).tolist() == [1 / 240, 1 / 100]
    assert models.get("market-adjusted").c_term(n).tolist() == [0.0, 0.0]
    assert models.get("constant-mean").c_term(n, prediction_error=False).tolist() == [0.0, 0.0]
    # factors: k 0 in the registry, K = 1 + the file's factors set by each fit
    assert [m.k for m in models.REGISTRY.values()] == [2, 1, 1, 0, 3]
    # the fit from centred moments: y = 1 + 2x exactly
    x = np.array([0.0, 1.0, 2.0, 3.0])
    y = 1 + 2 * x
    sxx, sxy = ((x - x.mean()) ** 2).sum(), ((x - x.mean()) * (y - y.mean())).sum()
    intercept, slope = models.get("market").coefficients(4, y.mean(), x.mean(), sxx, sxy)
    assert (intercept, slope) == pytest.approx((1.0, 2.0))
    assert models.get("market").expected_sum(intercept, slope, 2, 5.0) == pytest.approx(12.0)
    assert models.get("constant-mean").expected_sum(y.mean(), 0.0, 2, np.nan) == 2 * y.mean()
    with pytest.raises(ValueError, match="model must be one of"):
        models.get("fama-french")


def test_cross_sectional_t_test_matches_scipy(rng):
    from analysis.statistics import cross_sectional_t_test

    values = rng.normal(0.2, 1.0, (4, 30))
    values[1, :5] = np.nan
    t, p, n, mean, zero = cross_sectional_t_test(values, 0.1)
    for row in range(4):
        present = values[row][~np.isnan(values[row])]
        reference = stats.ttest_1samp(present, 0.1)
        assert t[row] == pytest.approx(reference.statistic, rel=1e-12)
        assert p[row] == pytest.approx(reference.pvalue, rel=1e-10)
        assert (n[row], mean[row]) == (len(present), pytest.approx(present.mean()))
    assert not zero.any()
    t, p, n, _, zero = cross_sectional_t_test(np.array([0.01, 0.01 * (1 + 2**-52), 0.01]))
    assert np.isnan(t) and np.isnan(p) and zero and n == 3  # rounding residue: no test


def test_a_day_with_no_value_is_not_a_zero_dispersion():
    """A day where no pair has an abnormal return (every instrument suspended) has no SD:
    its t is NaN without the "SD is zero" note, which means identical values (one session
    counted twice)."""
    from analysis.statistics import cross_sectional_t_test

    values = np.array([[0.01, 0.03], [np.nan, np.nan], [0.02, np.nan]])
    t, p, n, _, zero = cross_sectional_t_test(values)
    assert list(n) == [2, 0, 1] and list(zero) == [False, False, False]
    assert np.isnan(t[1:]).all() and np.isnan(p[1:]).all()


def test_statistics_does_not_import_the_engine():
    """No cycle: the statistics import the shared containers (analysis.panel), not the engine,
    which imports the statistics at module level."""
    import ast
    import inspect

    import analysis.event_study as engine
    import analysis.statistics as statistics

    def imported(module):
        tree = ast.parse(inspect.getsource(module))
        return {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}

    assert "analysis.event_study" not in imported(statistics)  # before: it was (a cycle)
    assert "analysis.statistics" in imported(engine)
    assert statistics.Panel is engine.Panel


def test_the_bench_times_cars_and_every_statistic_and_agrees_with_statsmodels(capsys):
    """A small run of ``python -m analysis.bench`` (timings are printed, never asserted)."""
    from analysis import bench

    bench.main(["--series", "30", "--sessions", "400", "--repeats", "1"])
    figures = dict(line.split(": ", 1) for line in capsys.readouterr().out.splitlines())
    assert figures["full_market_event_s"].endswith("s (every statistic)")
    assert figures["cars_only_event_s"].endswith("s (CARs and frames, tests not read)")
    from analysis.statistics import STATISTICS

    # every registered statistic (17 before GRANK, issue 16)
    assert figures["statistics_computed"].startswith(f"{len(STATISTICS)} statistics")
    assert float(figures["max_abs_difference_vs_statsmodels"].split()[0]) < 1e-12
