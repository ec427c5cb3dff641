"""Placebo inference: same CAR as the engine, clean pseudo-dates, a correct empirical p."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.event_study import Event, EventStudyInputError, EventStudySpec, run_event_study
from analysis.placebo import PORTFOLIO, candidate_positions, placebo_cars, placebo_test

SESSIONS = pd.bdate_range("2018-01-01", periods=900, name="date")


@pytest.fixture
def data(rng):
    market = pd.Series(rng.normal(0.0003, 0.012, len(SESSIONS)), index=SESSIONS)
    returns = pd.DataFrame(
        market.to_numpy()[:, None] * [0.8, 1.3] + rng.normal(0, 0.01, (len(SESSIONS), 2)),
        index=SESSIONS,
        columns=["A", "B"],
    )
    returns.iloc[[100, 101, 455, 602], 0] = np.nan
    return returns, market


@pytest.mark.parametrize("model", ["market", "constant-mean", "market-adjusted"])
def test_placebo_car_equals_the_engine_car(data, model):
    returns, market = data
    spec = EventStudySpec(model=model)
    positions = np.array([300, 455, 600, 850])
    # the engine's CAR sums the valid days (A misses sessions 455 and 602, inside the windows
    # at 455 and 600): the same without the whole-window rule the pseudo-events follow
    cars, _ = placebo_cars(returns, market, spec, positions, spec.event_window, whole_window=False)
    whole, _ = placebo_cars(returns, market, spec, positions, spec.event_window)
    gap = np.array([[False, False], [True, False], [True, False], [False, False]])
    np.testing.assert_array_equal(np.isnan(whole), gap)
    np.testing.assert_array_equal(whole[~gap], cars[~gap])
    events = [Event(f"e{p}", SESSIONS[p], SESSIONS[p]) for p in positions]
    result = run_event_study(returns, events, spec, market, "MKT")
    summary = result.car_summary
    summary = summary[(summary["window_start"] == -5) & (summary["window_end"] == 5)]
    engine = summary.pivot(index="event_id", columns="instrument", values="car")
    np.testing.assert_allclose(cars, engine.loc[[e.event_id for e in events]].to_numpy(), rtol=1e-9)


def test_pseudo_dates_avoid_event_windows_and_need_full_estimation(data):
    spec = EventStudySpec()
    excluded = [400, 700]
    positions = candidate_positions(len(SESSIONS), spec, spec.event_window, excluded)
    assert positions.min() >= 250 and positions.max() <= len(SESSIONS) - 6
    for event in excluded:
        assert np.all(np.abs(positions - event) > 10)
    assert 389 in positions and 390 not in positions and 411 in positions


def test_placebo_p_value_and_reproducibility(data):
    returns, market = data
    spec = EventStudySpec()
    shocked = returns.copy()
    shocked.iloc[650:653] += 0.05  # a planted 15 % abnormal move around t0 = 650
    draws, summary = placebo_test(
        shocked, market, spec, SESSIONS[650], [SESSIONS[400]], n_draws=300, seed=7
    )
    again, _ = placebo_test(
        shocked, market, spec, SESSIONS[650], [SESSIONS[400]], n_draws=300, seed=7
    )
    pd.testing.assert_frame_equal(draws, again)
    assert set(draws["instrument"]) == {"A", "B", PORTFOLIO}
    assert draws["draw"].nunique() == 300
    row = summary.set_index("instrument").loc["B"]
    sample = draws[draws["instrument"] == "B"]["car"].dropna().to_numpy()
    by_hand = (1 + np.sum(np.abs(sample) >= abs(row["observed_car"]))) / (len(sample) + 1)
    assert row["p_value"] == pytest.approx(by_hand)
    assert row["p_value"] < 0.01  # the planted move is far out in the placebo distribution
    assert row["observed_car"] == pytest.approx(0.15, abs=0.06)
    sessions = pd.DatetimeIndex(draws["event_session"].unique())
    assert not any(abs(SESSIONS.get_loc(s) - 650) <= 10 for s in sessions)


def test_placebo_errors_are_named(data):
    returns, market = data
    with pytest.raises(EventStudyInputError, match="at least 1"):
        placebo_test(returns, market, EventStudySpec(), SESSIONS[650], n_draws=0)
    with pytest.raises(EventStudyInputError, match="not in the data"):
        placebo_test(returns, market, EventStudySpec(), pd.Timestamp("2031-01-01"))
    short = returns.iloc[:270]
    with pytest.raises(EventStudyInputError, match="too short"):
        placebo_test(short, market, EventStudySpec(), SESSIONS[260])


def test_every_placebo_draw_has_its_whole_window_in_the_data(data):
    """Issue 13: some draws had 1–10 valid days in an 11-day window. A has a 40-session gap
    and B is listed only from session 300: a placebo CAR counts only where all 11 window
    returns of its instrument are valid (and 120 estimation ones); the CAAR only where both
    instruments have one."""
    returns, market = data
    returns = returns.copy()
    returns.iloc[500:540, 0] = np.nan  # a long suspension of A
    returns.iloc[:300, 1] = np.nan  # B starts trading at session 300
    spec = EventStudySpec()
    draws, summary = placebo_test(returns, market, spec, SESSIONS[700], n_draws=10_000, seed=3)
    start, end = spec.event_window
    e1, e2 = spec.estimation_window

    def whole(name, t0):
        window = returns[name].iloc[t0 + start : t0 + end + 1]
        estimation = returns[name].iloc[t0 + e1 : t0 + e2 + 1]
        return (
            len(window) == end - start + 1
            and window.notna().all()
            and (estimation.notna().sum() >= spec.min_estimation)
        )

    by_session = draws.pivot(index="event_session", columns="instrument", values="car")
    for session, row in by_session.iterrows():
        t0 = SESSIONS.get_loc(session)
        for name in ("A", "B"):  # a CAR exactly where the instrument's window is whole
            assert np.isfinite(row[name]) == whole(name, t0), (session, name)
        assert np.isfinite(row[PORTFOLIO]) == (whole("A", t0) and whole("B", t0)), session
    # counted by hand: A's pseudo-dates are those whose window misses all its gaps
    t0s = np.array([SESSIONS.get_loc(s) for s in by_session.index])
    a_missing = np.r_[100, 101, 455, 602, 500:540]
    a_whole = ~((t0s[:, None] + start <= a_missing) & (a_missing <= t0s[:, None] + end)).any(1)
    b_whole = t0s + e2 - spec.min_estimation + 1 >= 300  # ≥ 120 returns from session 300 on
    counts = summary.set_index("instrument")["n_draws"]
    assert counts["A"] == a_whole.sum() < len(t0s)
    assert counts["B"] == b_whole.sum() < len(t0s)
    assert counts[PORTFOLIO] == (a_whole & b_whole).sum()
    assert (a_whole | b_whole).all()  # no draw where neither has a whole window


def test_no_car_at_the_event_gives_a_nan_observed_caar_without_a_warning(data):
    """When no instrument has a CAR at the event (here: both series miss the event session),
    the observed CAR and CAAR are NaN and nothing warns on the console ("Mean of empty
    slice" reached a CLI user's terminal)."""
    import warnings

    returns, market = data
    returns = returns.copy()
    returns.iloc[640:660] = np.nan  # no return in the event window [-5, 5] around 650
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, summary = placebo_test(returns, market, EventStudySpec(), SESSIONS[650], n_draws=50)
    observed = summary.set_index("instrument")["observed_car"]
    assert observed.isna().all() and PORTFOLIO in observed.index
