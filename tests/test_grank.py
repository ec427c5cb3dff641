"""The generalised rank test GRANK (Kolari & Pynnönen 2011) of analysis/statistics.py, checked
against a panel worked by hand and an independent numpy/scipy recomputation (never against the
function's own output)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.panel import Conventions, Panel
from analysis.statistics import STATISTICS, grank_t, statistic_table

SIGMA = 0.01


def _panel(ar, est_ar):
    """Constant-mean pairs without prediction-error terms: SAR = AR / σ and
    SE(CAR) = σ·sqrt(L) exactly (c = 0, no market term)."""
    days, pairs = ar.shape
    return Panel(
        pd.DataFrame(
            {
                "instrument": [f"s{i}" for i in range(pairs)],
                "event_id": "E",
                "model": "constant-mean",
            }
        ),
        np.arange(days),
        np.arange(-len(est_ar), 0),
        ar,
        est_ar,
        np.zeros((days, pairs), int),
        np.tile(np.arange(len(est_ar))[:, None], (1, pairs)),
        np.full(pairs, len(est_ar)),
        np.full(pairs, 1),
        np.full(pairs, SIGMA**2),
        np.zeros(pairs),
        np.zeros((days, pairs)),
        np.full(pairs, np.inf),
        np.zeros((days, pairs)),
        np.full(pairs, np.inf),
    )


def test_grank_on_a_panel_worked_by_hand():
    est = np.array(
        [
            [0.01, -0.01, 0.00],
            [-0.02, 0.03, 0.01],
            [0.005, np.nan, -0.01],
            [0.00, 0.02, 0.02],
        ]
    )  # SARs (÷ σ = 0.01): s0 1, -2, .5, 0; s1 -1, 3, -, 2; s2 0, 1, -1, 2
    ar = np.array([[0.02, 0.00, 0.01], [0.01, -0.01, 0.02]])
    # CARs over [0, 1]: .03, -.01, .03; SE = σ√2, so SCAR = (3, -1, 3)/√2; their SD (n - 1) is
    # (4/√3)/√2, so SCAR* = 3√3/4, -√3/4, 3√3/4 = 1.299, -0.433, 1.299
    # ranks of (estimation SARs, SCAR*), average ranks, over each pair's T_i values:
    #   s0: 1, -2, .5, 0, 1.299 → 4, 1, 3, 2, 5 (T = 5)    U = K/6 - 1/2
    #   s1: -1, 3, -, 2, -0.433 → 1, 4, -, 3, 2 (T = 4)    U = K/5 - 1/2
    #   s2: 0, 1, -1, 2, 1.299  → 2, 3, 1, 5, 4 (T = 5)    U = K/6 - 1/2
    u = np.array(
        [
            [4 / 6 - 0.5, 1 / 5 - 0.5, 2 / 6 - 0.5],
            [1 / 6 - 0.5, 4 / 5 - 0.5, 3 / 6 - 0.5],
            [3 / 6 - 0.5, np.nan, 1 / 6 - 0.5],
            [2 / 6 - 0.5, 3 / 5 - 0.5, 5 / 6 - 0.5],
            [5 / 6 - 0.5, 2 / 5 - 0.5, 4 / 6 - 0.5],
        ]
    )
    u_bar = np.array(
        [
            (1 / 6 - 0.3 - 1 / 6) / 3,
            (-2 / 6 + 0.3 + 0) / 3,
            (0 - 2 / 6) / 2,
            (-1 / 6 + 0.1 + 2 / 6) / 3,
            (2 / 6 - 0.1 + 1 / 6) / 3,
        ]
    )
    assert np.nanmean(u, axis=1) == pytest.approx(u_bar)
    n_t = np.array([3, 3, 2, 3, 3])
    s_u = np.sqrt(np.sum(n_t / 3 * u_bar**2) / 5)  # T = L1 + 1 = 5, n = 3
    z = u_bar[-1] / s_u
    t = z * np.sqrt((5 - 2) / (5 - 1 - z**2))
    assert t == pytest.approx(1.44115, abs=1e-4)  # worked on paper: Z = 1.2792
    result = grank_t(_panel(ar, est), [(0, 1)], Conventions())
    assert result.window_value[0] == pytest.approx(t, rel=1e-12)
    assert result.window_p[0] == pytest.approx(2 * stats.t.sf(abs(t), 3), rel=1e-10)
    assert result.window_n[0] == 3
    assert result.day_value is None  # a test of CARs only


def _independent_grank(est, ar, window):
    """The paper's steps with scipy's rankdata, one pair at a time."""
    days = np.arange(len(ar))
    inside = (days >= window[0]) & (days <= window[1])
    car = np.nansum(ar[inside], axis=0)
    length = (~np.isnan(ar[inside])).sum(axis=0)
    scar = car / (SIGMA * np.sqrt(length))
    scar_star = scar / np.std(scar, ddof=1)
    columns = []
    for i in range(est.shape[1]):
        series = np.append(est[:, i] / SIGMA, scar_star[i])
        keep = ~np.isnan(series)
        ranks = np.full(len(series), np.nan)
        ranks[keep] = stats.rankdata(series[keep])
        columns.append(ranks / (keep.sum() + 1) - 0.5)
    u = np.column_stack(columns)
    n = u.shape[1]
    n_t = (~np.isnan(u)).sum(axis=1)
    u_bar = np.nanmean(u, axis=1)
    big_t = len(u)
    z = u_bar[-1] / np.sqrt(np.sum(n_t / n * u_bar**2) / big_t)
    return z * np.sqrt((big_t - 2) / (big_t - 1 - z * z))


def test_grank_matches_an_independent_recomputation_with_gaps_and_clustering():
    rng = np.random.default_rng(16)
    common = rng.standard_normal((120, 1))
    est = (0.6 * common + rng.standard_normal((120, 25))) * SIGMA
    est[rng.random(est.shape) < 0.05] = np.nan
    ar = (rng.standard_normal((5, 25)) + 0.4) * SIGMA
    panel = _panel(ar, est)
    result = grank_t(panel, [(0, 2), (0, 4)], Conventions())
    for w, window in enumerate([(0, 2), (0, 4)]):
        assert result.window_value[w] == pytest.approx(_independent_grank(est, ar, window))


def test_grank_is_registered_and_needs_two_pairs():
    assert STATISTICS["grank_t"] is grank_t
    est = np.array([[0.01], [-0.02], [0.005]])
    one = grank_t(_panel(np.array([[0.02]]), est), [(0, 0)], Conventions())
    assert np.isnan(one.window_value[0]) and one.window_n[0] == 1
    assert any("at least two pairs" in note for note in one.notes)
    notes: list[str] = []
    table = statistic_table(
        _panel(np.array([[0.02]]), est), [(0, 0)], Conventions(), ["grank_t"], notes=notes
    )
    assert list(table["statistic"]) == ["grank_t"] and table["rel_day"].isna().all()
    assert any("GRANK" in note for note in notes)
