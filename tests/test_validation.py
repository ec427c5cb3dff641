"""The engine against published results and independent implementations.

* estudy2 0.10.0 "COVID-19 lockdown" example (../shared/validation/estudy2_covid7): every number
  estudy2 prints, to 6 significant digits, under estudy2's conventions; and the textbook
  reference values (formula sheet §4.1) under the default conventions.
* The Python ``eventstudy`` package's AAPL example (../shared/validation/lemaire_gafam).
* scipy, statsmodels and pandas implementations of the Wilcoxon statistic, Benjamini–Hochberg
  and pairwise correlations.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analysis.event_study import Conventions, Event, EventStudySpec, run_event_study
from analysis.statistics import (
    benjamini_hochberg,
    mean_cross_correlation,
    statistic_table,
    wilcoxon_w,
)
from tests.conftest import shared_path

T0 = pd.Timestamp("2020-03-16")


def assert_significant(ours, expected, digits=6, label=""):
    """Equal to ``digits`` significant digits."""
    for a, b in zip(np.atleast_1d(ours), np.atleast_1d(expected), strict=True):
        tolerance = 0.5 * 10 ** (math.floor(math.log10(abs(b))) - digits + 1) if b else 1e-12
        assert abs(a - b) <= tolerance, f"{label}: {a} vs {b}"


@pytest.fixture(scope="module")
def covid():
    folder = shared_path("validation", "estudy2_covid7")
    rates = pd.read_csv(folder / "rates.csv", index_col="date", parse_dates=True)
    index = pd.read_csv(folder / "rates_indx.csv", index_col="date", parse_dates=True)["^GSPC"]
    return folder, rates, index


def _covid_study(covid, preset):
    _, rates, index = covid
    position = rates.index.get_loc(T0)
    spec = EventStudySpec(
        estimation_window=(-position, -1),
        event_window=(0, 4),
        returns="log",
        min_estimation=200,
        car_windows=(),
        conventions=Conventions.preset(preset),
    )
    return run_event_study(rates, [Event("covid", T0, T0)], spec, index, "^GSPC")


def _daily(table, name):
    rows = table[(table["statistic"] == name) & table["rel_day"].notna()]
    return rows.sort_values("rel_day")["value"].to_numpy()


def _window(table, name):
    return table[(table["statistic"] == name) & table["rel_day"].isna()]["value"].item()


ESTUDY2_DAILY = {
    "mean_AAR": "mean",
    "bw_1980_stat": "bw1980_t",
    "bw_1985_stat": "crude_dependence_t",
    "t_test_stat": "cross_sectional_t",
    "pt_stat": "patell_z",
    "bh_stat": "bmp_t",
    "lmb_stat": "lamb_z",
    "sign_stat": "sign_z",
    "gsign_stat": "generalized_sign_z",
    "csign_stat": "corrado_sign_z",
    "rank_stat": "corrado_rank_z",
    "mrank_stat": "modified_rank_z",
    "wlcx_stat": "wilcoxon_w",
}


def test_intermediates_match_estudy2(covid):
    folder, _, _ = covid
    result = _covid_study(covid, "estudy2")
    coefficients = pd.read_csv(folder / "market_model_coefficients.csv", index_col="ticker")
    summary = result.car_summary.set_index("instrument").loc[coefficients.index]
    np.testing.assert_allclose(summary["alpha"], coefficients["alpha"], rtol=1e-10)
    np.testing.assert_allclose(summary["beta"], coefficients["beta"], rtol=1e-10)
    np.testing.assert_array_equal(summary["n_estimation"], coefficients["estimation_length"])
    expected = pd.read_csv(folder / "abnormal_returns.csv", index_col="date", parse_dates=True)
    daily = result.abnormal_returns.pivot(
        index="date", columns="instrument", values="abnormal_return"
    )
    np.testing.assert_allclose(
        daily.to_numpy(), expected.loc[daily.index, daily.columns], rtol=1e-9
    )
    estimation = pd.DataFrame(
        result.panel.est_ar, index=expected.index[:240], columns=result.panel.pairs["instrument"]
    )
    np.testing.assert_allclose(
        estimation.to_numpy(),
        expected.loc[estimation.index, estimation.columns].to_numpy(),
        rtol=1e-9,
        atol=1e-15,
    )


@pytest.mark.parametrize("column", list(ESTUDY2_DAILY))
def test_every_printed_estudy2_daily_statistic(covid, column):
    folder, _, _ = covid
    expected = pd.read_csv(folder / "expected_estudy2_daily.csv")
    result = _covid_study(covid, "estudy2")
    assert_significant(_daily(result.tests, ESTUDY2_DAILY[column]), expected[column], 6, column)


def test_every_printed_estudy2_car_statistic(covid):
    folder, _, _ = covid
    expected = pd.read_csv(folder / "expected_estudy2_car.csv").set_index("test")["statistic"]
    tests = _covid_study(covid, "estudy2").tests
    assert_significant(
        _window(tests, "crude_dependence_t"), expected["car_brown_warner_1985"], 6, "BW1985 CAR"
    )
    assert_significant(_window(tests, "lamb_z"), expected["car_lamb"], 6, "Lamb CAR")
    assert_significant(
        _window(tests, "corrado_rank_z"), expected["car_rank_test"], 5, "CAR rank"
    )  # printed with 5 significant digits: 3.0537
    assert_significant(_window(tests, "mean") / 5, 0.02213319, 7, "car_mean as printed")


def test_textbook_reference_values(covid):
    folder, _, _ = covid
    result = _covid_study(covid, "textbook")
    tests = result.tests
    daily = pd.read_csv(folder / "reference_textbook_daily.csv")
    for column, name in {
        "AAR": "mean",
        "PatellZ": "patell_z",
        "BMP_t": "bmp_t",
        "KP_adj_BMP": "kp_bmp_t",
        "adj_PatellZ": "kp_patell_z",
        "gsign_firm_avg_phat": "generalized_sign_z",
        "corrado_rank_textbook": "corrado_rank_z",
    }.items():
        np.testing.assert_allclose(_daily(tests, name), daily[column], rtol=1e-8, err_msg=name)
    caar = pd.read_csv(folder / "reference_textbook_caar.csv").set_index("quantity")["value"]
    for quantity, name in {
        "CAAR_sum_of_AAR": "mean",
        "J1_CLM_prediction_error_corrected": "j1_z",
        "J2_CLM_Patell_on_SCAR": "j2_z",
        "Patell_CAAR_sum_daily_SAR_version": "patell_z",
        "BMP_t_on_SCAR": "bmp_t",
        "KP_adjusted_BMP_CAAR": "kp_bmp_t",
        "cross_sectional_t_on_CAR": "cross_sectional_t",
        "generalized_sign_Z_CAR": "generalized_sign_z",
        "Cowan_CAR_rank_textbook": "corrado_rank_z",
    }.items():
        assert _window(tests, name) == pytest.approx(caar[quantity], rel=1e-8), name
    assert mean_cross_correlation(result.panel) == pytest.approx(
        caar["rbar_avg_cross_corr_est_residuals"], rel=1e-8
    )
    sar = pd.read_csv(folder / "reference_textbook_SAR.csv", index_col="date")
    ours = result.abnormal_returns.pivot(index="date", columns="instrument", values="sar")
    np.testing.assert_allclose(ours[sar.columns].to_numpy(), sar.to_numpy(), rtol=1e-8)


def test_eventstudy_package_aapl_table():
    """``eventstudy`` (Lemaire) AAPL 2007-01-09: rows as sessions, window −2..+10, 300-row
    estimation window ending 30 rows before the window, variance divisor n, no
    prediction-error term, t(299)."""
    folder = shared_path("validation", "lemaire_gafam")
    returns = pd.read_csv(folder / "returns_GAFAM.csv", index_col="date", parse_dates=True)
    event = pd.Timestamp("2007-01-09")
    spec = EventStudySpec(  # 300 rows ending 30 rows before the window's first day −2
        estimation_window=(-332, -33),
        event_window=(-2, 10),
        min_estimation=300,
        car_windows=tuple((-2, d) for d in range(-2, 11)),
        conventions=Conventions.preset("eventstudy"),
    )
    result = run_event_study(
        returns[["AAPL"]], [Event("iphone", event, event)], spec, returns["SPY"], "SPY"
    )
    expected = pd.read_csv(folder / "reference_full_precision_AAPL_2007-01-09.csv")
    ar = result.abnormal_returns.set_index("rel_day")["abnormal_return"]
    np.testing.assert_allclose(ar.loc[expected["rel_day"]], expected["AR"], rtol=1e-8)
    windows = result.car_summary.set_index("window_end").loc[expected["rel_day"]]
    windows = windows[windows["window_start"] == -2]
    np.testing.assert_allclose(windows["car"], expected["CAR"], rtol=1e-8)
    np.testing.assert_allclose(windows["car_se"], expected["Std_E_CAR"], rtol=1e-8)
    np.testing.assert_allclose(windows["t_stat"], expected["T_stat"], rtol=1e-7)
    np.testing.assert_allclose(windows["p_value"], expected["P_two_tailed"], rtol=1e-7)
    assert result.car_summary["sigma"].iloc[0] == pytest.approx(expected["Std_E_AR"].iloc[0])
    notebook = pd.read_csv(folder / "expected_notebook_AAPL_2007-01-09.csv")
    np.testing.assert_allclose(windows["car_se"].round(5), notebook["Std_E_CAR"], atol=1e-12)


def test_wilcoxon_matches_scipy(rng):
    ar = rng.standard_t(4, size=(6, 40)) / 100
    ar[0, :5] = 0.0  # zeros are dropped
    ar[1, 10:14] = 0.0123  # ties
    from analysis.event_study import Panel

    panel = Panel(
        pd.DataFrame({"event_id": ["e"] * 40}),
        np.arange(6),
        np.arange(-3, 0),
        ar,
        np.zeros((3, 40)),
        np.zeros((6, 40), int),
        np.zeros((3, 40), int),
        np.full(40, 100),
        np.full(40, 2),
        np.ones(40),
        np.zeros(40),
        np.zeros((6, 40)),
        np.full(40, np.inf),
        np.zeros((6, 40)),
        np.full(40, np.inf),
    )
    result = wilcoxon_w(panel, [(0, 5)], Conventions())
    for day in range(6):
        row = ar[day][ar[day] != 0]
        reference = stats.wilcoxon(
            row, alternative="greater", zero_method="wilcox", method="approx", correction=False
        )
        assert result.day_value[day] == reference.statistic
        two_sided = stats.wilcoxon(row, zero_method="wilcox", method="approx", correction=False)
        assert result.day_p[day] == pytest.approx(two_sided.pvalue, rel=1e-10)


def test_benjamini_hochberg_by_hand():
    """m = 4 p-values present (NaN not counted): sorted 0.01, 0.03, 0.04, 0.20 give p·m/rank
    0.04, 0.06, 0.0533…, 0.20; the running minimum from the top gives 0.04, 0.0533…, 0.0533…,
    0.20."""
    adjusted = benjamini_hochberg([0.01, 0.04, 0.03, np.nan, 0.20])
    np.testing.assert_allclose(adjusted, [0.04, 0.16 / 3, 0.16 / 3, np.nan, 0.20], rtol=1e-12)
    assert np.isnan(benjamini_hochberg([np.nan, np.nan])).all()
    assert benjamini_hochberg([0.5, 0.9]).tolist() == [0.9, 0.9]  # never above 1 or the max


def test_benjamini_hochberg_matches_statsmodels(rng):
    p = rng.uniform(0, 0.2, 30)
    p[[3, 7]] = np.nan
    ours = benjamini_hochberg(p)
    valid = ~np.isnan(p)
    reference = multipletests(p[valid], method="fdr_bh")[1]
    np.testing.assert_allclose(ours[valid], reference, rtol=1e-12)
    assert np.isnan(ours[~valid]).all()


def test_mean_cross_correlation_matches_pandas_pairwise(rng, covid):
    result = _covid_study(covid, "textbook")
    frame = pd.DataFrame(result.panel.est_ar)
    correlations = frame.corr(min_periods=3).to_numpy()
    off_diagonal = correlations[~np.eye(len(correlations), dtype=bool)]
    assert mean_cross_correlation(result.panel) == pytest.approx(off_diagonal.mean(), rel=1e-12)
    # large panels take the fast path; without gaps it is exact
    complete = rng.standard_normal((120, 2000)) + rng.standard_normal((120, 1))
    panel = result.panel
    from dataclasses import replace

    big = replace(
        panel,
        est_ar=complete,
        est_positions=np.zeros((120, 2000), int),
        pairs=pd.DataFrame({"event_id": ["e"] * 2000}),
    )
    exact = np.corrcoef(complete.T)[~np.eye(2000, dtype=bool)].mean()
    assert mean_cross_correlation(big) == pytest.approx(exact, rel=1e-10)


def test_cross_sectional_t_and_sign_by_hand():
    ar = np.array([[0.01, 0.02, -0.005, 0.03]])
    from analysis.event_study import Panel

    est = np.array([[0.001, -0.002, 0.003, 0.0], [-0.001, 0.002, -0.003, 0.004]])
    panel = Panel(
        pd.DataFrame({"event_id": ["e"] * 4}),
        np.array([0]),
        np.array([-2, -1]),
        ar,
        est,
        np.zeros((1, 4), int),
        np.zeros((2, 4), int),
        np.full(4, 50),
        np.full(4, 2),
        np.full(4, 1e-4),
        np.zeros(4),
        np.zeros((1, 4)),
        np.full(4, np.inf),
        np.zeros((1, 4)),
        np.full(4, np.inf),
    )
    table = statistic_table(
        panel, [(0, 0)], Conventions(), ["cross_sectional_t", "sign_z", "generalized_sign_z"]
    )
    t_ref = stats.ttest_1samp(ar[0], 0.0)
    row = table[(table["statistic"] == "cross_sectional_t") & table["rel_day"].notna()].iloc[0]
    assert row["value"] == pytest.approx(t_ref.statistic, rel=1e-12)
    assert row["p_value"] == pytest.approx(t_ref.pvalue, rel=1e-10)
    sign = table[(table["statistic"] == "sign_z") & table["rel_day"].notna()]["value"].item()
    assert sign == pytest.approx((3 - 4 * 0.5) / math.sqrt(4 * 0.25))
    # p̂: per pair 1/2, 1/2, 1/2, 1/2 positive → 0.5 (firm average); w = 3 of 4
    gsign = table[(table["statistic"] == "generalized_sign_z") & table["rel_day"].notna()][
        "value"
    ].item()
    assert gsign == pytest.approx((3 - 4 * 0.5) / math.sqrt(4 * 0.25))


@pytest.mark.parametrize("columns", [30, 1300])  # 1300: several blocks of pairs
def test_vectorised_ranks_and_medians_match_pandas_and_numpy(rng, columns):
    from analysis.statistics import _ranks, _sorted_ranks

    matrix = np.round(rng.normal(size=(40, columns)), 1)  # rounding makes ties
    matrix[rng.integers(0, 40, 2 * columns), rng.integers(0, columns, 2 * columns)] = np.nan
    matrix[:, -1] = np.arange(40.0)  # a column without ties or gaps
    expected = pd.DataFrame(matrix).rank(axis=0, method="average", na_option="keep")
    np.testing.assert_array_equal(_ranks(matrix), expected.to_numpy())
    _, ordered = _sorted_ranks(matrix)
    counts = (~np.isnan(ordered)).sum(axis=0)
    low = np.take_along_axis(ordered, ((counts - 1) // 2)[None, :], axis=0)[0]
    high = np.take_along_axis(ordered, (counts // 2)[None, :], axis=0)[0]
    np.testing.assert_allclose((low + high) / 2, np.nanmedian(matrix, axis=0))
