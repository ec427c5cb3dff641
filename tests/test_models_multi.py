"""The K-regressor normal-return models (factors, two-index), validated against statsmodels.

Every check fits statsmodels OLS in the test, on the same estimation design (each instrument's
own valid days), and compares: α̂ and every slope, σ̂² = SSR / (L1 − K), the ARs against
y − predict, the per-day AR variance against σ̂² + ``get_prediction(x*_τ).var_pred_mean``, and
Var(CAR) against σ̂²·L2 + ι'X*·cov_params·X*'ι (``get_prediction`` of the summed event-window
design, and the covariance matrix of the predictions X*·cov_params·X*'), to 1e-10.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.event_study import Event, EventStudySpec, run_event_study

EST = (-250, -11)
WINDOW = (-5, 5)


def _factor_data(rng, sessions=420, factors=("MKT", "SMB", "VMP", "PMO")):
    index = pd.bdate_range("2019-01-02", periods=sessions, name="date")
    f = pd.DataFrame(rng.normal(0, 0.01, (sessions, len(factors))), index=index, columns=factors)
    rf = pd.Series(1e-4 + rng.normal(0, 2e-5, sessions), index=index, name="RF")
    returns = pd.DataFrame(
        {
            f"S{i}": 2e-4 + rf + f @ rng.normal(0.8, 0.4, len(factors)) + noise
            for i, noise in enumerate(rng.normal(0, 0.02, (4, sessions)))
        }
    )
    returns.iloc[60:66, 1] = np.nan  # one series suspended in the estimation window
    returns.iloc[318, 2] = np.nan  # and one missing inside the event window
    f.iloc[100, 2] = np.nan  # a factor missing one day: that day counts for nobody
    return returns, f, rf


def _statsmodels_pair(y, design, t0, est=EST, window=WINDOW):
    """OLS of y on [1, design] over the estimation window (valid days), and its predictions
    over the event window: ARs, per-day variances and the window's Var(CAR)."""
    position = y.index.get_loc(t0)
    est_rows = slice(position + est[0], position + est[1] + 1)
    event_rows = slice(position + window[0], position + window[1] + 1)
    x = sm.add_constant(design.iloc[est_rows], has_constant="add")
    target = y.iloc[est_rows]
    ok = target.notna() & x.notna().all(axis=1)
    fit = sm.OLS(target[ok], x[ok]).fit()
    x_star = sm.add_constant(design.iloc[event_rows], has_constant="add")
    ar = y.iloc[event_rows] - fit.predict(x_star)
    valid = ar.notna()
    day_variance = fit.scale + fit.get_prediction(x_star).var_pred_mean
    summed = x_star[valid].sum(axis=0).to_numpy()[None, :]
    var_car = fit.scale * valid.sum() + fit.get_prediction(summed).var_pred_mean[0]
    # the same from the covariance matrix of the predictions, X*·cov_params·X*'
    rows = x_star[valid].to_numpy()
    prediction_cov = rows @ fit.cov_params().to_numpy() @ rows.T
    assert var_car == pytest.approx(fit.scale * valid.sum() + prediction_cov.sum(), rel=1e-12)
    return fit, ar, day_variance, var_car


def test_factors_model_matches_statsmodels_ols_and_get_prediction(rng):
    returns, factors, rf = _factor_data(rng)
    t0 = returns.index[320]
    spec = EventStudySpec(model="factors", estimation_window=EST, event_window=WINDOW)
    result = run_event_study(returns, [Event("e", t0, t0)], spec, regressors=factors, offset=rf)
    (fit,) = result.fits
    cars = result.car_summary.set_index(["instrument", "window_start", "window_end"])
    ars = result.abnormal_returns.set_index(["instrument", "rel_day"])
    for column, name in enumerate(returns.columns):
        # in excess of RF: R − RF = α + b'f + ε (the factor file has RF)
        ols, ar, day_variance, var_car = _statsmodels_pair(returns[name] - rf, factors, t0)
        assert fit.fitted.alpha[column] == pytest.approx(ols.params["const"], rel=1e-10)
        assert fit.fitted.coef[column] == pytest.approx(ols.params.iloc[1:].to_numpy(), rel=1e-10)
        assert fit.k[column] == 5 and fit.n[column] == ols.nobs
        assert fit.sigma2[column] == pytest.approx(ols.ssr / (ols.nobs - 5), rel=1e-10)
        assert fit.sigma2[column] == pytest.approx(ols.scale, rel=1e-10)
        row = cars.loc[(name, *WINDOW)]
        assert row["dof"] == ols.df_resid == ols.nobs - 5
        assert row["car"] == pytest.approx(ar.sum(), rel=1e-10, abs=1e-15)
        assert row["car_se"] ** 2 == pytest.approx(var_car, rel=1e-10)
        days = ars.loc[name]
        got = days["abnormal_return"].to_numpy()
        assert got == pytest.approx(ar.to_numpy(), rel=1e-10, abs=1e-15, nan_ok=True)
        # the normal return adds RF back: return − expected = AR (where there is a return)
        present = ar.notna().to_numpy()
        assert days["expected_return"].to_numpy()[present] == pytest.approx(
            (returns[name].loc[days["date"]].to_numpy() - ar.to_numpy())[present], rel=1e-10
        )
        # SAR (Patell, BMP) standardise by σ̂²(1 + x*'(X'X)⁻¹x*) = scale + var_pred_mean
        expected_sar = (ar / np.sqrt(day_variance)).to_numpy()
        assert days["sar"].to_numpy() == pytest.approx(expected_sar, rel=1e-10, nan_ok=True)
    assert np.isnan(ars.loc["S2"]["abnormal_return"]).sum() == 1  # the missing day stays out
    tests = result.tests
    patell = tests[(tests["statistic"] == "patell_z") & tests["rel_day"].isna()]
    assert patell["value"].notna().all()


def test_a_one_factor_file_of_the_market_reproduces_the_market_model(rng):
    # the general matrix form with K = 2 is the market model's closed form
    returns, factors, _ = _factor_data(rng)
    market = factors["MKT"]
    t0 = returns.index[330]
    events = [Event("e", t0, t0)]
    closed = run_event_study(returns, events, EventStudySpec(), market, "MKT")
    general = run_event_study(
        returns, events, EventStudySpec(model="factors"), regressors=factors[["MKT"]]
    )
    keys = ["instrument", "window_start", "window_end"]
    a = closed.car_summary.set_index(keys)
    b = general.car_summary.set_index(keys)
    for column in ("alpha", "beta", "sigma", "car", "car_se", "t_stat", "dof"):
        assert b[column].to_numpy() == pytest.approx(a[column].to_numpy(), rel=1e-10)
    a_sar = closed.abnormal_returns["sar"].to_numpy()
    assert general.abnormal_returns["sar"].to_numpy() == pytest.approx(a_sar, rel=1e-10)


def test_without_the_prediction_error_term_the_car_variance_is_l2_sigma2(rng):
    from analysis.panel import Conventions

    returns, factors, _ = _factor_data(rng)
    t0 = returns.index[320]
    spec = EventStudySpec(model="factors", conventions=Conventions(prediction_error=False))
    result = run_event_study(returns, [Event("e", t0, t0)], spec, regressors=factors)
    table = result.car_summary
    expected = table["sigma"] ** 2 * table["n_event_days"]
    assert (table["car_se"] ** 2).to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-12)


def test_a_constant_factor_is_named_not_a_traceback(rng):
    returns, factors, _ = _factor_data(rng)
    factors["PMO"] = 0.001  # no variance: X'X is singular
    t0 = returns.index[320]
    spec = EventStudySpec(model="factors")
    result = run_event_study(returns, [Event("e", t0, t0)], spec, regressors=factors)
    assert result.panel is None
    reasons = set(result.diagnostics["reason"])
    assert any("a regressor is constant, or a combination of the others" in r for r in reasons)


def test_lamb_z_is_refused_for_a_k_regressor_model_with_a_note(rng):
    returns, factors, _ = _factor_data(rng)
    t0 = returns.index[320]
    spec = EventStudySpec(model="factors")
    result = run_event_study(
        returns, [Event("e", t0, t0)], spec, regressors=factors, statistics=["lamb_z"]
    )
    assert result.tests["value"].isna().all()
    assert any("Lamb's Z" in note for note in result.test_notes)


# -- the study API: two-index model on stored series, factor files ----------------------------


def _bars(rng):
    from data_sources.trading_calendar import all_sessions

    sessions = all_sessions()
    dates = sessions[(sessions >= "2019-01-01") & (sessions <= "2021-06-30")]
    equity = rng.normal(0, 0.012, len(dates))
    bond = rng.normal(0, 0.002, len(dates))
    series = {
        "MKT.SH": equity,
        "BOND.SH": bond,
        "REIT1.SH": 0.3 * equity + 1.5 * bond + rng.normal(0, 0.01, len(dates)),
        "REIT2.SZ": 0.1 * equity + 0.8 * bond + rng.normal(0, 0.008, len(dates)),
    }
    frames = [
        pd.DataFrame({"symbol": s, "date": dates, "close": 10 * np.cumprod(1 + r)})
        for s, r in series.items()
    ]
    bars = pd.concat(frames, ignore_index=True)
    bars = bars.drop(index=bars.index[(bars["symbol"] == "REIT2.SZ")][200:204])  # suspended
    return bars, dates


def test_two_index_model_matches_statsmodels_through_the_study_api(rng):
    from analysis.api import BarsSource, StudyRequest, run_study

    bars, _ = _bars(rng)
    request = StudyRequest(
        dates=("2020-08-24",),
        instruments=("REIT1.SH", "REIT2.SZ"),
        benchmark="MKT.SH",
        model="two-index",
        second_index="BOND.SH",
    )
    outcome = run_study(request, BarsSource(bars))
    closes = bars.pivot(index="date", columns="symbol", values="close")
    simple = closes / closes.shift(1) - 1  # a suspended day and the day after it: missing
    t0 = outcome.resolved.events[0].event_session
    cars = outcome.car_summary.set_index(["instrument", "window_start", "window_end"])
    fits = outcome.result.fits[0]
    for column, name in enumerate(request.instruments):
        ols, ar, _, var_car = _statsmodels_pair(simple[name], simple[["MKT.SH", "BOND.SH"]], t0)
        row = cars.loc[(name, *WINDOW)]
        assert (row["alpha"], row["beta"]) == pytest.approx(tuple(ols.params.iloc[:2]), rel=1e-10)
        assert fits.fitted.coef[column][1] == pytest.approx(ols.params.iloc[2], rel=1e-10)
        assert row["sigma"] ** 2 == pytest.approx(ols.ssr / (ols.nobs - 3), rel=1e-10)
        assert row["dof"] == ols.nobs - 3
        assert row["car"] == pytest.approx(ar.sum(), rel=1e-10)
        assert row["car_se"] ** 2 == pytest.approx(var_car, rel=1e-10)
    assert outcome.parameters["second_index"] == "BOND.SH"


def _write_factor_csv(path, frame, scale=1.0, date_format="%Y%m%d"):
    text = frame.mul(scale)
    text.index = text.index.strftime(date_format)
    text.index.name = "date"
    text.to_csv(path, float_format="%.10g")
    return path


def test_a_percent_factor_file_is_read_as_decimals_and_gives_the_same_study(rng, tmp_path):
    from analysis.api import BarsSource, StudyRequest, run_study
    from analysis.factors import read_factor_file

    bars, dates = _bars(rng)
    closes = bars.pivot(index="date", columns="symbol", values="close")
    market = (closes["MKT.SH"] / closes["MKT.SH"].shift(1) - 1).reindex(dates)
    factors = pd.DataFrame(
        {
            "MKT": market.fillna(0.0),
            "SMB": rng.normal(0, 0.006, len(dates)),
            "VMP": rng.normal(0, 0.005, len(dates)),
            "RF": np.full(len(dates), 0.00008),
        },
        index=dates,
    )
    decimal_file = _write_factor_csv(tmp_path / "ch3_decimal.csv", factors)
    percent_file = _write_factor_csv(tmp_path / "ch3_percent.csv", factors, 100.0, "%Y-%m-%d")
    in_percent, in_decimals = read_factor_file(percent_file), read_factor_file(decimal_file)
    assert (in_percent.units_detected, in_decimals.units_detected) == ("percent", "decimal")
    assert "read as percent (divided by 100)" in in_percent.notes[0]
    assert "median |value|" in in_percent.notes[0]
    assert in_percent.factor_names == ("MKT", "SMB", "VMP") and in_percent.rf is not None
    pd.testing.assert_frame_equal(in_percent.frame, in_decimals.frame, rtol=1e-9, atol=1e-14)
    outcomes = [
        run_study(
            StudyRequest(
                dates=("2020-08-24",),
                instruments=("REIT1.SH", "REIT2.SZ"),
                model="factors",
                factors=str(path),
            ),
            BarsSource(bars),
        )
        for path in (percent_file, decimal_file)
    ]
    a, b = (o.car_summary for o in outcomes)
    for column in ("car", "car_se", "alpha", "beta", "dof"):
        assert a[column].to_numpy() == pytest.approx(b[column].to_numpy(), rel=1e-8)
    assert (a["dof"] == a["n_estimation"] - 4).all()  # K = 1 + 3 factors (RF is no factor)
    assert any("read as percent" in text for text in outcomes[0].notes_of("model"))
    assert outcomes[0].parameters["factors"]["units_detected"] == "percent"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("MKT,SMB\n0.1,0.2\n0.3,0.1\n", "no date column"),
        ("date,MKT\n2020-01-02,0.1\n2020-13-45,0.2\n", "row 3, column 'date'"),
        ("date,MKT\n2020-01-02,0.1\n2020-01-02,0.2\n", "2020-01-02 appears twice"),
        ("date,MKT,SMB\n2020-01-02,0.1,0.2\n2020-01-03,0.1,abc\n", "row 3, column 'SMB': 'abc'"),
        ("date,MKT\n", "has no rows"),
        ("date\n2020-01-02\n", "no factor columns"),
    ],
)
def test_a_bad_factor_file_is_refused_naming_what_is_wrong(tmp_path, content, message):
    from analysis.factors import FactorFileError, read_factor_file

    path = tmp_path / "factors.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FactorFileError, match="factor file factors.csv") as caught:
        read_factor_file(path)
    assert message in str(caught.value)


def test_study_requests_refuse_missing_model_inputs_by_name(rng, tmp_path):
    from analysis.api import BarsSource, StudyInputError, StudyRequest, run_study

    with pytest.raises(StudyInputError, match="the factors model needs a factor file"):
        StudyRequest(dates=("2020-08-24",), model="factors")
    with pytest.raises(StudyInputError, match="two-index model needs a second index"):
        StudyRequest(dates=("2020-08-24",), model="two-index")
    bars, dates = _bars(rng)
    request = StudyRequest(
        dates=("2020-08-24",),
        instruments=("REIT1.SH",),
        benchmark="MKT.SH",
        model="two-index",
        second_index="511010.SH",
    )
    with pytest.raises(StudyInputError, match="the second index 511010.SH is not stored"):
        run_study(request, BarsSource(bars))
    # a factor file starting in 2020: the estimation window of 2020-08-24 starts in 2019
    late = pd.DataFrame({"MKT": rng.normal(0, 0.01, len(dates))}, index=dates)
    path = _write_factor_csv(tmp_path / "late.csv", late[late.index >= "2020-01-02"])
    request = StudyRequest(
        dates=("2020-08-24",), instruments=("REIT1.SH",), model="factors", factors=str(path)
    )
    with pytest.raises(StudyInputError) as caught:
        run_study(request, BarsSource(bars))
    text = str(caught.value)
    assert "the factor file late.csv covers 2020-01-02 to 2021-06-30" in text
    assert "missing 2019-08-" in text and "to 2019-12-31" in text


def test_the_placebo_is_left_out_for_k_regressor_models_with_a_note(rng):
    from analysis.api import BarsSource, StudyRequest, run_study

    bars, _ = _bars(rng)
    request = StudyRequest(
        dates=("2020-08-24",),
        instruments=("REIT1.SH",),
        benchmark="MKT.SH",
        model="two-index",
        second_index="BOND.SH",
        placebo_draws=20,
    )
    outcome = run_study(request, BarsSource(bars))
    assert outcome.placebo is None
    assert any("not the two-index model" in text for text in outcome.notes_of("placebo"))


def test_the_cli_runs_both_models_and_refuses_them_without_their_inputs(rng, tmp_path, capsys):
    from analysis.cli import main
    from tests.conftest import write_price_csv

    bars, dates = _bars(rng)
    paths = {}
    for symbol, rows in bars.groupby("symbol"):
        paths[symbol] = write_price_csv(tmp_path / f"{symbol}.csv", rows["date"], rows["close"])
    factors = pd.DataFrame({"MKT": rng.normal(0, 1.1, len(dates))}, index=dates)  # percent
    factor_file = _write_factor_csv(tmp_path / "ff.csv", factors)
    common = ["study", "--prices", str(paths["REIT1.SH"]), "--event-date", "2020-08-24"]
    two_index = [*common, "--market", str(paths["MKT.SH"]), "--model", "two-index"]
    assert (
        main([*two_index, "--second-index", str(paths["BOND.SH"]), "--out", str(tmp_path / "a")])
        == 0
    )
    assert (
        main(
            [
                *common,
                "--model",
                "factors",
                "--factors",
                str(factor_file),
                "--out",
                str(tmp_path / "b"),
            ]
        )
        == 0
    )
    capsys.readouterr()
    for folder, model, k in (("a", "two-index", 3), ("b", "factors", 2)):
        summary = pd.read_csv(tmp_path / folder / "car_summary.csv")
        assert (summary["model"] == model).all()
        assert (summary["dof"] == summary["n_estimation"] - k).all()
    assert main([*two_index, "--out", str(tmp_path / "c")]) == 2
    assert "--second-index SYMBOL is required" in capsys.readouterr().err
    assert main([*common, "--model", "factors", "--out", str(tmp_path / "c")]) == 2
    assert "--factors FILE is required" in capsys.readouterr().err


def test_two_events_pool_their_design_terms_and_each_equals_its_own_study(rng):
    returns, factors, rf = _factor_data(rng)
    events = [
        Event(name, returns.index[p], returns.index[p]) for name, p in (("a", 300), ("b", 380))
    ]
    spec = EventStudySpec(model="factors")
    both = run_event_study(returns, events, spec, regressors=factors, offset=rf)
    for event in events:
        alone = run_event_study(returns, [event], spec, regressors=factors, offset=rf)
        mine = both.car_summary[both.car_summary["event_id"] == event.event_id]
        for column in ("car", "car_se"):
            assert mine[column].to_numpy() == pytest.approx(
                alone.car_summary[column].to_numpy(), rel=1e-12
            )
        # each event's tests come from its own pairs (Panel.subset keeps the design terms)
        mine_tests = both.tests[both.tests["event_id"] == event.event_id].reset_index(drop=True)
        own_tests = alone.tests[alone.tests["event_id"] == event.event_id].reset_index(drop=True)
        pd.testing.assert_series_equal(mine_tests["value"], own_tests["value"], rtol=1e-10)
    assert (both.tests["event_id"] == "pooled").any()


def test_one_index_fits_of_more_than_one_chunk_of_instruments_still_concatenate(rng):
    # Regression: the K-regressor fields (None for the one-index models) were concatenated
    # with the others when more than CHUNK instruments are fitted in parts: a TypeError.
    from analysis import models

    market = rng.normal(0, 0.01, 250)
    returns = 0.5 * market[:, None] + rng.normal(0, 0.01, (250, models.CHUNK + 3))
    fitted = models.fit("market", returns, market)
    assert fitted.coef is None and fitted.beta.shape == (models.CHUNK + 3,)
    last = sm.OLS(returns[:, -1], sm.add_constant(market)).fit()
    assert (fitted.alpha[-1], fitted.beta[-1]) == pytest.approx(tuple(last.params), rel=1e-10)
