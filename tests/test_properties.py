"""Properties that must hold for any data (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.event_study import Event, EventStudySpec, run_event_study

SESSIONS = pd.bdate_range("2020-01-01", periods=200, name="date")
T0 = SESSIONS[150]


def _study(returns, market, **spec_kwargs):
    spec = EventStudySpec(
        estimation_window=(-120, -11), event_window=(-5, 5), min_estimation=60, **spec_kwargs
    )
    return run_event_study(returns, [Event("e", T0, T0)], spec, market, "MKT")


@st.composite
def panels(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    n_series = draw(st.integers(1, 4))
    beta = draw(st.floats(-1.5, 2.5))
    scale = draw(st.floats(1e-4, 0.05))
    rng = np.random.default_rng(seed)
    market = pd.Series(rng.normal(0, 0.01, len(SESSIONS)), index=SESSIONS)
    returns = pd.DataFrame(
        beta * market.to_numpy()[:, None] + rng.normal(0, scale, (len(SESSIONS), n_series)),
        index=SESSIONS,
        columns=[f"S{i}" for i in range(n_series)],
    )
    holes = draw(st.lists(st.integers(0, len(SESSIONS) - 1), max_size=15))
    returns.iloc[holes, 0] = np.nan  # suspensions anywhere, event window included
    return returns, market


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels(), st.sampled_from(["market", "constant-mean", "market-adjusted"]))
def test_window_ars_sum_to_the_window_car(panel, model):
    returns, market = panel
    result = _study(returns, market, model=model)
    daily = result.abnormal_returns
    for row in result.car_summary.itertuples():
        inside = daily[
            (daily["instrument"] == row.instrument)
            & daily["rel_day"].between(row.window_start, row.window_end)
        ]
        assert np.isclose(
            inside["abnormal_return"].sum(min_count=1),
            row.car,
            rtol=1e-12,
            atol=1e-15,
            equal_nan=True,
        )
        assert inside["abnormal_return"].notna().sum() == row.n_event_days


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(panels(), st.floats(-0.05, 0.05), st.sampled_from(["market", "constant-mean"]))
def test_adding_delta_to_event_returns_shifts_car_by_l_delta(panel, delta, model):
    returns, market = panel
    before = _study(returns, market, model=model).car_summary
    shifted = returns.copy()
    window = (SESSIONS[145] <= SESSIONS) & (SESSIONS[155] >= SESSIONS)
    shifted.loc[window] += delta
    after = _study(shifted, market, model=model).car_summary
    expected = before["car"] + before["n_event_days"] * delta
    np.testing.assert_allclose(after["car"], expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(after["car_se"], before["car_se"], rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.floats(-0.01, 0.01), st.integers(1, 59))
def test_constant_or_short_series_give_a_reason_not_nan(level, available):
    market = pd.Series(np.linspace(-0.01, 0.01, len(SESSIONS)), index=SESSIONS)
    constant = pd.Series(level, index=SESSIONS)
    short = pd.Series(np.nan, index=SESSIONS)
    short.iloc[150 - 11 - available + 1 : 160] = np.random.default_rng(1).normal(
        0, 0.01, available + 20
    )
    returns = pd.DataFrame({"CONST": constant, "SHORT": short})
    result = _study(returns, market, model="constant-mean")
    assert result.car_summary.empty
    reasons = result.diagnostics.set_index("instrument")["reason"]
    assert "no variance" in reasons["CONST"]
    assert "valid estimation returns" in reasons["SHORT"] and "minimum 60" in reasons["SHORT"]
