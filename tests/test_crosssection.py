"""The cross-sectional regression of CARs (analysis.crosssection) and the traits derived before
each event (analysis.characteristics).

The regression is checked against a hand-worked two-regressor example (normal equations solved
by hand) and against statsmodels and numpy sandwich formulas fitted here on a design matrix the
test builds itself (never through the code under test)."""

from __future__ import annotations

import io
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from analysis.api import study_from_bars
from analysis.bench_crosssection import synthetic_inputs
from analysis.characteristics import derive_traits, float_market_value
from analysis.crosssection import (
    COLUMNS,
    CrossSectionInputError,
    TraitTable,
    cross_section,
    trait_table,
)
from analysis.event_study import Event, EventStudySpec

METADATA = {"method": "m", "data_mode": "SYNTHETIC DEMO", "data_vintage": "v", "units": "u"}


def stub_outcome(car, sessions=None, event_ids=None, car_se=None):
    """The shape cross_section reads from a StudyOutcome: the CAR summary of one window."""
    n = len(car)
    summary = pd.DataFrame(
        {
            "event_id": event_ids or ["m1"] * n,
            "instrument": [f"S{i}" for i in range(n)],
            "event_session": pd.to_datetime(sessions or ["2020-07-27"] * n),
            "window_start": 0,
            "window_end": 0,
            "car": np.asarray(car, dtype=float),
            "car_se": np.asarray(car_se if car_se is not None else [0.01] * n, dtype=float),
        }
    )
    summary["scar"] = summary["car"] / summary["car_se"]
    return SimpleNamespace(
        car_summary=summary,
        spec=SimpleNamespace(windows=((0, 0),)),
        headline_window=(0, 0),
        metadata=METADATA,
    )


# -- the hand-worked example ------------------------------------------------------------------


def test_two_regressors_by_hand():
    # y = a + b1 x1 + b2 x2 with deviations from the means (3, 3, 3):
    # S11 = 10, S22 = 10, S12 = 8, S1y = 7, S2y = 11 → [10 8; 8 10] b = [7, 11]
    # det 36: b1 = (70 − 88)/36 = −0.5, b2 = (110 − 56)/36 = 1.5, a = 3 + 1.5 − 4.5 = 0.
    # residuals 0, −.5, .5, .5, −.5: SSR = 1, s² = 1/(5 − 3) = 0.5;
    # Var b1 = Var b2 = 0.5·10/36 = 5/36; Var a = 0.5·(1/5 + x̄'S⁻¹x̄) = 0.5·(0.2 + 1) = 0.6;
    # R² = 1 − 1/14 = 13/14, adjusted 1 − (1/2)/(14/4) = 6/7.
    traits = pd.DataFrame(
        {"x1": [1, 2, 3, 4, 5], "x2": [1, 3, 2, 5, 4]},
        index=pd.Index([f"S{i}" for i in range(5)], name="symbol"),
    )
    result = cross_section(
        stub_outcome([1, 3, 2, 6, 3]), traits, ["x1", "x2"], cov_type="nonrobust"
    )
    assert result.params["const"] == pytest.approx(0.0, abs=1e-12)
    assert result.params["x1"] == pytest.approx(-0.5, abs=1e-12)
    assert result.params["x2"] == pytest.approx(1.5, abs=1e-12)
    assert result.bse["x1"] == pytest.approx(math.sqrt(5 / 36), abs=1e-12)
    assert result.bse["x2"] == pytest.approx(math.sqrt(5 / 36), abs=1e-12)
    assert result.bse["const"] == pytest.approx(math.sqrt(0.6), abs=1e-12)
    assert result.r2 == pytest.approx(13 / 14)
    assert result.adj_r2 == pytest.approx(6 / 7)
    t1 = -0.5 / math.sqrt(5 / 36)
    assert result.tvalues["x1"] == pytest.approx(t1)
    assert result.pvalues["x1"] == pytest.approx(2 * stats.t.sf(abs(t1), 2))
    table = result.to_frame()
    assert list(table.columns) == COLUMNS
    row = table.set_index("term").loc["x2"]
    half = stats.t.ppf(0.975, 2) * math.sqrt(5 / 36)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((1.5 - half, 1.5 + half))
    assert row["n"] == 5 and row["cov_type"] == "nonrobust" and row["window"] == "[0, 0]"
    ninety = result.conf_int(0.10).loc["x2"]
    assert ninety["ci_high"] - 1.5 == pytest.approx(stats.t.ppf(0.95, 2) * math.sqrt(5 / 36))


def test_one_measure_defaults_to_hc3_and_matches_the_sandwich_formula():
    rng = np.random.default_rng(3)
    n = 40
    x = rng.normal(size=(n, 2))
    y = 0.01 + x @ [0.02, -0.01] + rng.normal(0, 0.01, n) * (1 + np.abs(x[:, 0]))
    traits = pd.DataFrame(x, columns=["a", "b"], index=[f"S{i}" for i in range(n)])
    result = cross_section(stub_outcome(y), traits, ["a", "b"])
    assert result.cov_type == "hc3"
    design = np.column_stack([np.ones(n), x])
    inverse = np.linalg.inv(design.T @ design)
    coef = inverse @ design.T @ y
    residual = y - design @ coef
    leverage = np.einsum("ij,jk,ik->i", design, inverse, design)
    meat = design.T @ (design * (residual / (1 - leverage))[:, None] ** 2)
    se = np.sqrt(np.diag(inverse @ meat @ inverse))
    np.testing.assert_allclose(result.params.to_numpy(), coef, rtol=1e-10)
    np.testing.assert_allclose(result.bse.to_numpy(), se, rtol=1e-10)
    np.testing.assert_allclose(
        result.pvalues.to_numpy(), 2 * stats.t.sf(np.abs(coef / se), n - 3), rtol=1e-8
    )


# -- a real study, against statsmodels on the test's own design --------------------------------


@pytest.fixture(scope="module")
def pooled():
    """A study of 30 instruments around 5 measures on 3 sessions (two pairs share a t0)."""
    bars, turnover, events, sessions = synthetic_inputs(30, 5, seed=5, n_sessions=500)
    symbols = sorted(set(bars["symbol"]) - {"MKT"})
    outcome = study_from_bars(bars, symbols, events, EventStudySpec(), sessions, "MKT")
    rng = np.random.default_rng(8)
    user = pd.DataFrame(
        {
            "leverage": rng.uniform(0.1, 0.9, len(symbols)),
            "soe": rng.random(len(symbols)) < 0.5,
        },
        index=pd.Index(symbols, name="symbol"),
    )
    return SimpleNamespace(
        outcome=outcome, user=user, turnover=turnover, bars=bars, sessions=sessions
    )


def _design(pooled, window=(-5, 5), dependent="car"):
    """y and X built here: the CAR rows of the window joined with the user traits."""
    summary = pooled.outcome.car_summary
    rows = summary[(summary["window_start"] == window[0]) & (summary["window_end"] == window[1])]
    rows = rows.reset_index(drop=True)
    user = pooled.user.loc[rows["instrument"]].reset_index(drop=True)
    x = pd.DataFrame({"const": 1.0, "leverage": user["leverage"], "soe": user["soe"] * 1.0})
    return rows, rows[dependent].to_numpy(dtype=float), x


@pytest.mark.parametrize("cov", ["hc3", "cluster", "nonrobust"])
def test_pooled_regression_matches_statsmodels_fitted_here(pooled, cov):
    rows, y, x = _design(pooled)
    traits = trait_table(pooled.outcome, user=pooled.user, turnover=pooled.turnover)
    result = cross_section(
        pooled.outcome, traits, ["leverage", "soe"], cov_type=cov, measure_effects=False
    )
    groups = pd.factorize(rows["event_session"])[0]
    if cov == "nonrobust":
        expected = sm.OLS(y, x).fit()
    elif cov == "hc3":
        expected = sm.OLS(y, x).fit(cov_type="HC3", use_t=True)
    else:
        expected = sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    table = result.to_frame().set_index("term")
    np.testing.assert_allclose(table["coef"], expected.params.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(table["se"], expected.bse.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(table["t"], expected.tvalues.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(table["p"], expected.pvalues.to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(table["ci_low"], expected.conf_int().to_numpy()[:, 0], rtol=1e-9)
    np.testing.assert_allclose(table["ci_high"], expected.conf_int().to_numpy()[:, 1], rtol=1e-9)
    assert result.r2 == pytest.approx(expected.rsquared)
    assert result.adj_r2 == pytest.approx(expected.rsquared_adj)
    assert result.n == len(y) == 150


def test_pooled_default_is_clustered_by_session_and_matches_the_formula(pooled):
    rows, y, x = _design(pooled)
    result = cross_section(pooled.outcome, pooled.user, ["leverage", "soe"], measure_effects=False)
    assert result.cov_type == "cluster"
    # five measures on three sessions: measures on one day share a cluster
    assert result.n_clusters == rows["event_session"].nunique() == 3
    assert any("only 3 event-session clusters" in note for note in result.notes)
    design = x.to_numpy()
    inverse = np.linalg.inv(design.T @ design)
    residual = y - design @ (inverse @ design.T @ y)
    meat = np.zeros((3, 3))
    for session in rows["event_session"].unique():
        mask = (rows["event_session"] == session).to_numpy()
        score = design[mask].T @ residual[mask]
        meat += np.outer(score, score)
    n, k, g = len(y), 3, 3
    scale = g / (g - 1) * (n - 1) / (n - k)
    se = np.sqrt(np.diag(scale * inverse @ meat @ inverse))
    np.testing.assert_allclose(result.bse.to_numpy(), se, rtol=1e-9)
    # t and p on G − 1 degrees of freedom
    p = 2 * stats.t.sf(np.abs(result.params.to_numpy() / se), g - 1)
    np.testing.assert_allclose(result.pvalues.to_numpy(), p, rtol=1e-8)


def test_scar_and_another_window_and_weights(pooled):
    rows, y, x = _design(pooled, window=(0, 1), dependent="scar")
    result = cross_section(
        pooled.outcome,
        pooled.user,
        ["leverage"],
        dependent="scar",
        window=(0, 1),
        measure_effects=False,
    )
    expected = sm.OLS(y, x[["const", "leverage"]]).fit(
        cov_type="cluster",
        cov_kwds={"groups": pd.factorize(rows["event_session"])[0]},
        use_t=True,
    )
    np.testing.assert_allclose(result.params.to_numpy(), expected.params.to_numpy())
    assert result.to_frame()["dependent"].eq("scar").all()
    assert result.to_frame()["window"].eq("[0, 1]").all()
    rows, y, x = _design(pooled)
    weighted = cross_section(
        pooled.outcome,
        pooled.user,
        ["leverage"],
        weights="inverse_variance",
        cov_type="nonrobust",
        measure_effects=False,
    )
    expected = sm.WLS(y, x[["const", "leverage"]], weights=1 / rows["car_se"] ** 2).fit()
    np.testing.assert_allclose(weighted.params.to_numpy(), expected.params.to_numpy())
    np.testing.assert_allclose(weighted.bse.to_numpy(), expected.bse.to_numpy())
    assert "WLS" in weighted.metadata["method"]


def test_derived_traits_enter_the_regression_and_size_explains_the_reaction(pooled):
    # the synthetic market's event-day reaction grows with size (0.004 per log unit)
    traits = trait_table(pooled.outcome, turnover=pooled.turnover)
    assert {"size", "beta", "idio_vol", "turnover", "past_return", "log_price"} <= set(traits.names)
    # the pooled levels (measure effects off): the slope across all 150 pairs
    result = cross_section(
        pooled.outcome,
        traits,
        ["size", "beta"],
        window=(0, 0),
        cov_type="hc3",
        measure_effects=False,
    )
    assert result.params["size"] == pytest.approx(0.004, abs=0.0015)
    assert result.pvalues["size"] < 0.05


# -- what cannot be estimated is said -----------------------------------------------------------


def test_pairs_without_a_trait_are_named_and_left_out():
    traits = pd.DataFrame(
        {"x": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0], "flat": 1.0},
        index=[f"S{i}" for i in range(6)],
    )
    result = cross_section(stub_outcome([1, 2, 3, 5, 4, 7]), traits, ["x", "flat"])
    assert result.n == 5
    assert any("no x: S2" in note for note in result.notes)
    assert any("flat" in note and "same for every pair" in note for note in result.notes)
    assert list(result.params.index) == ["const", "x"]


def test_unknown_trait_lists_the_available_ones():
    traits = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=["S0", "S1", "S2"])
    with pytest.raises(CrossSectionInputError, match=r"unknown trait\(s\) leverage; available: x"):
        cross_section(stub_outcome([1, 2, 3]), traits, ["leverage"])


def test_too_few_observations_say_how_many():
    traits = pd.DataFrame({"x": [1.0, 2.0, np.nan]}, index=["S0", "S1", "S2"])
    with pytest.raises(CrossSectionInputError, match="too few observations: 2 pair"):
        cross_section(stub_outcome([1, 2, 3]), traits, ["x"])


def test_collinear_regressors_and_bad_options_are_refused():
    traits = pd.DataFrame(
        {"x": [1.0, 2.0, 3.0, 4.0, 6.0], "y2": [2.0, 4.0, 6.0, 8.0, 12.0]},
        index=[f"S{i}" for i in range(5)],
    )
    outcome = stub_outcome([1, 2, 3, 5, 4])
    with pytest.raises(CrossSectionInputError, match="y2 are a linear combination"):
        cross_section(outcome, traits, ["x", "y2"])
    with pytest.raises(CrossSectionInputError, match=r"CAR window \[0, 5\] is not one"):
        cross_section(outcome, traits, ["x"], window=(0, 5))
    with pytest.raises(CrossSectionInputError, match="dependent must be one of car, scar"):
        cross_section(outcome, traits, ["x"], dependent="bhar")
    with pytest.raises(CrossSectionInputError, match="covariance must be one of"):
        cross_section(outcome, traits, ["x"], cov_type="hc1")


def test_one_session_pooled_falls_back_to_hc3_with_a_note():
    traits = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 6.0]}, index=[f"S{i}" for i in range(5)])
    outcome = stub_outcome([1, 2, 3, 5, 4], event_ids=["a", "b", "a", "b", "a"])
    outcome.car_summary["instrument"] = ["S0", "S1", "S2", "S3", "S4"]
    result = cross_section(outcome, traits, ["x"])
    assert result.cov_type == "hc3"
    assert any("one event session" in note for note in result.notes)


def test_text_traits_become_dummies_against_the_most_common_level():
    traits = pd.DataFrame(
        {"board": ["main", "main", "ChiNext", "STAR", "main", "ChiNext", "main"]},
        index=[f"S{i}" for i in range(7)],
    )
    y = [0.0, 0.1, 1.0, 2.0, -0.1, 1.2, 0.0]
    result = cross_section(stub_outcome(y), traits, ["board"], cov_type="nonrobust")
    assert list(result.params.index) == ["const", "board[ChiNext]", "board[STAR]"]
    # dummies against "main": the intercept is main's mean, each coef a difference of means
    assert result.params["const"] == pytest.approx(0.0)
    assert result.params["board[ChiNext]"] == pytest.approx(1.1)
    assert result.params["board[STAR]"] == pytest.approx(2.0)
    assert any("most common level 'main'" in note for note in result.notes)


def test_exports_summary_and_fit_line(pooled, capsys):
    traits = trait_table(pooled.outcome, user=pooled.user, turnover=pooled.turnover)
    result = cross_section(pooled.outcome, traits, ["size", "soe"], measure_effects=False)
    text = result.summary()
    assert capsys.readouterr().out == ""
    assert "covariance: cluster, 3 clusters" in text and "size" in text
    data = pd.read_csv(io.BytesIO(result.csv_bytes()), encoding="utf-8-sig")
    assert list(data.columns) == [*COLUMNS, "method", "data_mode", "data_vintage", "units"]
    assert "size: log float market value in yuan" in data["units"][0]
    assert "clustered by event session" in data["method"][0]
    np.testing.assert_allclose(data["coef"], result.params.to_numpy())
    line = result.fit_line("size", points=3)
    fitted = result.fitted
    at_mean = result.params["const"] + result.params["soe"] * fitted["soe"].mean()
    assert line["fitted"].iloc[0] == pytest.approx(
        at_mean + result.params["size"] * fitted["size"].min()
    )
    assert {"y", "fitted", "residual", "size", "soe", "event_session"} <= set(fitted.columns)
    np.testing.assert_allclose(fitted["y"] - fitted["fitted"], fitted["residual"])


def test_trait_table_merges_sources_and_renames_clashes(pooled):
    listing = pd.DataFrame(
        {"board": "main", "size": 1.0}, index=pd.Index(pooled.user.index, name="symbol")
    )
    table = TraitTable(pooled.user.copy(), notes=("a file note",))
    traits = trait_table(pooled.outcome, user=table, listing=listing, turnover=pooled.turnover)
    assert "size_listing" in traits.names and traits.sources["leverage"] == "file"
    assert traits.sources["size"] == "derived" and traits.sources["board"] == "listing"
    assert "a file note" in traits.notes
    assert len(traits.frame) == 150


# -- traits derived before the event ------------------------------------------------------------


def test_float_market_value_by_hand():
    # 成交额 1.2e9 yuan at 换手率 2.4 % → 1.2e9 / 0.024 = 5.0e10 yuan of float
    assert float_market_value([1.2e9], [2.4])[0] == pytest.approx(5.0e10)
    assert np.isnan(float_market_value([1.2e9, 0.0], [0.0, 1.0])).all()


def _hand_bars():
    sessions = pd.bdate_range("2020-01-01", periods=10)
    closes = [10.0, 11, 12, 12.5, 13, 14, 15, 16, 100, 200]
    amounts = [1e8, 1.2e9, 6e8, 0, 3e8, 5e8, 9e9, 9e9, 9e9, 9e9]
    turnovers = [1.0, 2.4, 1.0, 0.0, 0.5, 1.0, 9.0, 9.0, 9.0, 9.0]
    bars = pd.DataFrame(
        {
            "symbol": "A",
            "date": sessions,
            "open": closes,
            "high": closes,
            "low": closes,
            "close": closes,
            "volume": 1.0,
            "amount": amounts,
        }
    )
    turnover = pd.DataFrame({"symbol": "A", "date": sessions, "turnover": turnovers})
    return sessions, bars, turnover


def test_traits_over_the_estimation_window_by_hand():
    sessions, bars, turnover = _hand_bars()
    pairs = pd.DataFrame(
        {
            "event_id": ["e"],
            "instrument": ["A"],
            "event_session": [sessions[8]],
            "beta": [1.1],
            "sigma": [0.02],
        }
    )
    # estimation window [-7, -4] around t0 = session 8: sessions 1..4
    derived = derive_traits(bars, pairs, sessions, (-7, -4), turnover)
    row = derived.frame.iloc[0]
    # float values: 1.2e9/0.024 = 5e10, 6e8/0.01 = 6e10, (session 3: no trade), 3e8/0.005 = 6e10
    assert row["size"] == pytest.approx(math.log((5e10 + 6e10 + 6e10) / 3))
    assert row["turnover"] == pytest.approx((2.4 + 1.0 + 0.0 + 0.5) / 4)
    # closes: 10 before the window (session 0), 13 at its last session (4)
    assert row["past_return"] == pytest.approx(13 / 10 - 1)
    assert row["log_price"] == pytest.approx(math.log(13))
    assert (row["beta"], row["idio_vol"]) == (1.1, 0.02)
    assert derived.notes == ()


def test_traits_never_read_t0_or_after():
    sessions, bars, turnover = _hand_bars()
    pairs = pd.DataFrame({"event_id": ["e"], "instrument": ["A"], "event_session": [sessions[8]]})
    # a window reaching past t0 (an event window that starts later) is cut before t0
    before = derive_traits(bars, pairs, sessions, (-3, 1), turnover).frame
    changed = bars.copy()
    changed.loc[changed["date"] >= sessions[8], ["close", "amount"]] = [1.0, 1.0]
    after = derive_traits(changed, pairs, sessions, (-3, 1), turnover).frame
    pd.testing.assert_frame_equal(before, after)
    assert before["log_price"][0] == pytest.approx(math.log(16))  # session 7, t0 − 1


def test_a_trait_that_cannot_be_derived_is_nan_with_a_note_naming_the_instrument():
    sessions, bars, _ = _hand_bars()
    pairs = pd.DataFrame({"event_id": ["e"], "instrument": ["A"], "event_session": [sessions[8]]})
    derived = derive_traits(bars, pairs, sessions, (-7, -4), None)
    assert np.isnan(derived.frame["size"][0]) and np.isnan(derived.frame["turnover"][0])
    assert np.isnan(derived.frame["beta"][0])
    assert any("not derived for A" in note and "换手率" in note for note in derived.notes)
    assert derived.frame["log_price"][0] == pytest.approx(math.log(13))


def test_outcome_traits_use_the_study_fit(pooled):
    traits = trait_table(pooled.outcome, turnover=pooled.turnover).frame
    summary = pooled.outcome.car_summary
    head = summary[(summary["window_start"] == -5) & (summary["window_end"] == 5)]
    merged = head.merge(traits, on=["event_id", "instrument"])
    np.testing.assert_allclose(merged["beta_x"], merged["beta_y"])
    np.testing.assert_allclose(merged["sigma"], merged["idio_vol"])
    # mean turnover over the estimation window, recomputed from the side-table here
    first = merged.iloc[0]
    sessions = pooled.sessions
    position = sessions.get_loc(first["event_session"])
    window = sessions[position - 250 : position - 10]
    own = pooled.turnover[
        (pooled.turnover["symbol"] == first["instrument"]) & pooled.turnover["date"].isin(window)
    ]
    assert first["turnover"] == pytest.approx(own["turnover"].mean())


def test_an_event_study_outcome_runs_end_to_end():
    bars, turnover, events, sessions = synthetic_inputs(8, 1, seed=2, n_sessions=400)
    symbols = sorted(set(bars["symbol"]) - {"MKT"})
    outcome = study_from_bars(
        bars, symbols, [Event("one", events[0].event_date, events[0].event_session)],
        EventStudySpec(), sessions, "MKT",
    )  # fmt: skip
    result = cross_section(outcome, None, ["beta", "past_return"])
    assert result.cov_type == "hc3" and result.n == 8
    # no turnover given: size is NaN for every pair and the note names them
    with pytest.raises(
        CrossSectionInputError, match="too few observations: 0 pair.*no size: S0000"
    ):
        cross_section(outcome, None, ["size"])


def test_trait_notes_concern_only_the_traits_they_name():
    from analysis.characteristics import note_concerns

    size_note = "size and turnover need amount (成交额) … before e: not derived for A"
    assert note_concerns(size_note, ["turnover"]) and note_concerns(size_note, ["size"])
    assert not note_concerns(size_note, ["beta", "past_return"])
    beta_note = "beta is not defined for 000300.SH: the constant-mean model …"
    assert note_concerns(beta_note, ["beta"]) and not note_concerns(beta_note, ["size"])
    assert note_concerns("the file traits have no row for A", ["size"])


def test_constant_mean_pairs_have_no_beta_and_say_why():
    bars, turnover, events, sessions = synthetic_inputs(6, 1, seed=9, n_sessions=400)
    symbols = sorted(set(bars["symbol"]) - {"MKT"})
    outcome = study_from_bars(
        bars, symbols, events, EventStudySpec(), sessions, "MKT", constant_mean_for=["S0000"]
    )
    traits = trait_table(outcome, turnover=turnover)
    frame = traits.frame.set_index("instrument")
    assert np.isnan(frame.loc["S0000", "beta"]) and np.isfinite(frame.loc["S0001", "beta"])
    assert any(n.startswith("beta is not defined for S0000") for n in traits.notes)
    result = cross_section(outcome, traits, ["beta"])
    assert any("left out, no beta: S0000" in note for note in result.notes)


# -- review fixes: reserved names, measure fixed effects, few degrees of freedom ---------------


@pytest.mark.parametrize("name", ["const", "Intercept", "car", "scar", "event_id", "instrument"])
def test_a_trait_named_like_a_reserved_column_is_renamed_and_fits(pooled, name):
    symbols = list(pooled.user.index)
    user = pd.DataFrame(
        {name: np.linspace(0.0, 1.0, len(symbols)), "leverage": pooled.user["leverage"]},
        index=pd.Index(symbols, name="symbol"),
    )
    traits = trait_table(pooled.outcome, user=user, turnover=pooled.turnover)
    assert f"{name}_file" in traits.names and name not in traits.names
    assert any(f"kept as {name}_file" in note for note in traits.notes)
    result = cross_section(pooled.outcome, traits, [f"{name}_file", "leverage"])
    table = result.to_frame()
    assert table["term"].tolist().count("const") == 1
    line = result.fit_line(f"{name}_file", points=3)  # crashed on a second "const"
    assert len(line) == 3 and np.isfinite(line["fitted"]).all()
    # a frame with an instrument column (not indexed by symbol) is renamed as well
    if name in ("event_id", "instrument"):  # in a flat frame these are its keys
        return
    flat = user.rename_axis("instrument").reset_index()
    again = cross_section(pooled.outcome, flat, [f"{name}_file"], measure_effects=False)
    assert again.params.index.tolist().count("const") == 1


@pytest.mark.parametrize("cov", ["cluster", "hc3"])
def test_pooled_measures_get_measure_fixed_effects_by_default_like_statsmodels(pooled, cov):
    import statsmodels.formula.api as smf

    rows, y, x = _design(pooled)
    data = pd.DataFrame(
        {"y": y, "leverage": x["leverage"], "soe": x["soe"], "event_id": rows["event_id"]}
    )
    result = cross_section(pooled.outcome, pooled.user, ["leverage", "soe"], cov_type=cov)
    assert result.measure_effects
    model = smf.ols("y ~ leverage + soe + C(event_id)", data)
    if cov == "cluster":
        groups = pd.factorize(rows["event_session"])[0]
        expected = model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
    else:
        expected = model.fit(cov_type="HC3", use_t=True)
    names = {"Intercept": "const"} | {
        term: "measure[" + term.split("[T.")[1][:-1] + "]"
        for term in expected.params.index
        if term.startswith("C(event_id)")
    }
    params = expected.params.rename(index=names)
    assert sorted(params.index) == sorted(result.params.index)
    for series, mine in ((params, result.params), (expected.bse.rename(index=names), result.bse)):
        np.testing.assert_allclose(mine[series.index], series.to_numpy(), rtol=1e-8, atol=1e-12)
    assert result.r2 == pytest.approx(expected.rsquared)
    frame = result.to_frame()
    assert frame["measure_effects"].eq("yes").all()
    assert "measure fixed effects: yes" in result.summary()
    assert "measure fixed effects" in result.metadata["method"]
    assert any("measure fixed effects" in note for note in result.notes)
    assert result.trait_terms == ["leverage", "soe"]
    # turned off: one intercept, said so
    pooled_levels = cross_section(
        pooled.outcome, pooled.user, ["leverage", "soe"], measure_effects=False
    )
    assert pooled_levels.params.index.tolist() == ["const", "leverage", "soe"]
    assert pooled_levels.to_frame()["measure_effects"].eq("no").all()


def test_one_measure_has_no_measure_effects():
    rng = np.random.default_rng(3)
    result = cross_section(stub_outcome(rng.normal(size=30)), _stub_traits(30, rng), ["x"])
    assert not result.measure_effects
    assert result.params.index.tolist() == ["const", "x"]


def _stub_traits(n, rng, k=1):
    frame = pd.DataFrame(
        {f"x{i}" if i else "x": rng.normal(size=n) for i in range(k)},
        index=pd.Index([f"S{i}" for i in range(n)], name="symbol"),
    )
    return frame


def test_few_residual_degrees_of_freedom_are_said():
    rng = np.random.default_rng(4)
    traits = _stub_traits(10, rng, k=6)
    result = cross_section(stub_outcome(rng.normal(size=10)), traits, list(traits.columns))
    assert any(
        "only 3 residual degrees of freedom (N = 10 pairs, K = 7 coefficients)" in note
        for note in result.notes
    )
    plenty = cross_section(stub_outcome(rng.normal(size=40)), _stub_traits(40, rng), ["x"])
    assert not any("residual degrees of freedom" in note for note in plenty.notes)


def test_log_price_is_described_as_what_is_computed():
    """log_price is ln of the last close of the estimation window (t0 − 11 with the default
    window), not the close just before t0: the value, the unit text and the docs agree."""
    from analysis import characteristics
    from analysis.characteristics import TRAIT_UNITS

    sessions = pd.bdate_range("2020-01-01", periods=40)
    close = np.arange(1.0, 41.0)  # the close of session i is i + 1
    bars = pd.DataFrame(
        {"symbol": "S0", "date": sessions, "close": close, "amount": 1e8, "open": close,
         "high": close, "low": close, "volume": 1e6}
    )  # fmt: skip
    pairs = pd.DataFrame({"event_id": ["m"], "instrument": ["S0"], "event_session": [sessions[30]]})
    default = EventStudySpec().estimation_window
    assert default == (-250, -11)
    derived = derive_traits(bars, pairs, sessions, default, None)
    assert derived.frame.loc[0, "log_price"] == pytest.approx(math.log(close[30 - 11]))
    assert (
        "t0 − 11" in TRAIT_UNITS["log_price"] and "before the event" not in TRAIT_UNITS["log_price"]
    )
    assert "t0 − 11" in characteristics.__doc__
