"""Issue 13 point 7: the statistics fixes, each checked against a hand computation, pandas or
scipy (never against this code's own output)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.panel import Conventions, Panel
from analysis.statistics import (
    MIN_OVERLAP_DAYS,
    cross_correlation,
    kp_bmp_t,
    kp_patell_z,
    mean_cross_correlation,
    wilcoxon_w,
)


def _panel(ar, est_ar, est_positions, event_ids, sigma=0.01, n_estimation=60):
    """A hand-built panel: ``ar`` (L × P) event ARs, ``est_ar`` (Le × P) estimation ARs on the
    calendar rows ``est_positions`` (Le × P), constant-mean pairs without prediction-error
    terms (c = 0, no market term), so SAR = AR / σ exactly."""
    days, pairs = ar.shape
    return Panel(
        pd.DataFrame(
            {
                "instrument": [f"s{i}" for i in range(pairs)],
                "event_id": event_ids,
                "model": "constant-mean",
            }
        ),
        np.arange(days),
        np.arange(-len(est_ar), 0),
        ar,
        est_ar,
        np.zeros((days, pairs), int),
        est_positions,
        np.full(pairs, n_estimation),
        np.full(pairs, 1),
        np.full(pairs, sigma**2),
        np.zeros(pairs),
        np.zeros((days, pairs)),
        np.full(pairs, np.inf),
        np.zeros((days, pairs)),
        np.full(pairs, np.inf),
    )


@pytest.fixture
def two_events(rng):
    """Five pairs: three around event E1 (estimation sessions 0..59), two around E2 (sessions
    500..559: no session in common with E1). Within E1, pair s2 has ARs on sessions 0..39 only
    and s1 on 25..59 only, so s1-s2 share 15 sessions (< 30) and are left out of r̄; s0-s1
    share 35, s0-s2 40. Used: (s0, s1), (s0, s2), (s3, s4) = 3 of the 10 pairs of pairs."""
    common = rng.standard_normal((60, 2))
    est = (
        np.column_stack(
            [
                common[:, 0] + rng.standard_normal(60),
                common[:, 0] + rng.standard_normal(60),
                common[:, 0] + rng.standard_normal(60),
                common[:, 1] + rng.standard_normal(60),
                common[:, 1] + rng.standard_normal(60),
            ]
        )
        * 0.01
    )
    est[:25, 1] = np.nan
    est[40:, 2] = np.nan
    positions = np.column_stack([np.arange(60)] * 3 + [np.arange(500, 560)] * 2)
    ar = rng.normal(0.004, 0.01, (3, 5))
    return _panel(ar, est, positions, ["E1"] * 3 + ["E2"] * 2), est, positions


def _hand_correlations(est, positions):
    """The pairwise-complete correlations on a calendar-aligned frame, pandas' own."""
    frame = pd.DataFrame(
        {
            column: pd.Series(est[:, column], index=positions[:, column])
            for column in range(est.shape[1])
        }
    )
    return frame.corr(min_periods=MIN_OVERLAP_DAYS).to_numpy()


def test_pooled_kp_rbar_counts_only_the_pairs_it_averages(two_events):
    panel, est, positions = two_events
    correlations = _hand_correlations(est, positions)
    upper = correlations[np.triu_indices(5, k=1)]
    used = upper[~np.isnan(upper)]
    assert len(used) == 3  # (s0,s1), (s0,s2), (s3,s4): the hand count of the fixture
    rho = cross_correlation(panel)
    assert (rho.used, rho.total) == (3, 10)
    assert mean_cross_correlation(panel) == pytest.approx(used.mean(), rel=1e-12)
    # the pairs left out count as uncorrelated: r̄_eff = Σ used r_ij / all 10 pairs of pairs
    effective = used.sum() / 10
    n = 5
    factor = np.sqrt((1 - effective) / (1 + (n - 1) * effective))
    sar = panel.ar / 0.01  # c = 0, no market term: SAR = AR / σ
    bmp = stats.ttest_1samp(sar, 0.0, axis=1).statistic
    result = kp_bmp_t(panel, [(0, 2)], Conventions())
    np.testing.assert_allclose(result.day_value, bmp * factor, rtol=1e-10)
    np.testing.assert_allclose(
        result.day_p, 2 * stats.t.sf(np.abs(bmp * factor), n - 1), rtol=1e-10
    )
    # before the fix: r̄ over 4 pairs (s1-s2 on 15 sessions included) with the N − 1 = 4 of all
    # pairs; the old factor differs from the hand factor
    old_rbar = np.nanmean(pd.DataFrame(est).corr(min_periods=3).to_numpy()[np.triu_indices(5, 1)])
    assert np.sqrt((1 - old_rbar) / (1 + 4 * old_rbar)) != pytest.approx(factor, rel=1e-3)
    notes = " ".join(result.notes)
    assert "averages 3 of the 10 correlations" in notes and "count as uncorrelated" in notes


def test_kp_patell_uses_the_same_pairs(two_events):
    panel, est, positions = two_events
    upper = _hand_correlations(est, positions)[np.triu_indices(5, k=1)]
    effective = np.nansum(upper) / 10
    # Patell by hand: Σ SAR / sqrt(N (L1 − k)/(L1 − k − 2)), L1 = 60, k = 1
    patell = (panel.ar / 0.01).sum(axis=1) / np.sqrt(5 * 59 / 57)
    result = kp_patell_z(panel, [(0, 2)], Conventions())
    np.testing.assert_allclose(result.day_value, patell / np.sqrt(1 + 4 * effective), rtol=1e-10)


def test_kp_tests_with_one_pair_are_the_unadjusted_values(rng):
    """N = 1: the Kolari–Pynnönen factor is 1, so the adjusted Patell Z is the Patell Z
    (before: NaN, because r̄ of one series is undefined)."""
    est = rng.normal(0, 0.01, (60, 1))
    ar = np.array([[0.02], [-0.01], [0.005]])
    panel = _panel(ar, est, np.arange(60)[:, None], ["E"])
    result = kp_patell_z(panel, [(0, 2), (0, 0)], Conventions())
    by_hand = (ar[:, 0] / 0.01) / np.sqrt(59 / 57)  # SAR / sqrt((L1 − k)/(L1 − k − 2))
    np.testing.assert_allclose(result.day_value, by_hand, rtol=1e-12)
    np.testing.assert_allclose(result.day_p, 2 * stats.norm.sf(np.abs(by_hand)), rtol=1e-12)
    # window: Σ SAR / sqrt(L (L1 − k)/(L1 − k − 2)) for the one pair
    window = (ar[:, 0] / 0.01).sum() / np.sqrt(3 * 59 / 57)
    np.testing.assert_allclose(result.window_value, [window, by_hand[0]], rtol=1e-12)
    assert any("factor is 1" in note for note in result.notes)
    # the BMP t of one value has no cross-sectional SD: NaN before and after the factor 1
    assert np.isnan(kp_bmp_t(panel, [(0, 2)], Conventions()).day_value).all()


def _wilcoxon_panel(ar):
    pairs = ar.shape[1]
    est = np.zeros((3, pairs))
    return _panel(ar, est, np.zeros((3, pairs), int), ["e"] * pairs)


def test_wilcoxon_small_n_uses_the_exact_distribution(rng):
    ar = rng.standard_normal((4, 7)) / 100
    ar[1, 2] = 0.0  # dropped: N = 6 that day
    ar[3] = np.abs(ar[3])  # all positive: W⁺ = 28, exact p = 2/128
    result = wilcoxon_w(_wilcoxon_panel(ar), [(0, 3)], Conventions())
    for day in range(4):
        row = ar[day][ar[day] != 0]
        reference = stats.wilcoxon(row, zero_method="wilcox", method="exact")
        assert result.day_p[day] == pytest.approx(reference.pvalue, rel=1e-12)
        greater = stats.wilcoxon(row, alternative="greater", method="exact")
        assert result.day_value[day] == greater.statistic
    assert result.day_p[3] == pytest.approx(2 / 2**7)
    # the normal approximation would give a clearly different p for the all-positive day
    approx = stats.wilcoxon(ar[3], method="approx", correction=False).pvalue
    assert abs(approx - result.day_p[3]) > 1e-3
    car = ar.sum(axis=0)
    window = stats.wilcoxon(car, method="exact").pvalue
    assert result.window_p[0] == pytest.approx(window, rel=1e-12)
    assert not result.notes


def test_wilcoxon_small_n_with_ties_is_the_exact_permutation_p():
    ar = np.array([[0.01, 0.01, -0.01, 0.02, 0.0, -0.03, 0.04]])
    result = wilcoxon_w(_wilcoxon_panel(ar), [(0, 0)], Conventions())
    row = ar[0][ar[0] != 0]
    reference = stats.wilcoxon(row, method=stats.PermutationMethod(n_resamples=10**5))
    assert result.day_p[0] == pytest.approx(reference.pvalue, rel=1e-12)
    assert result.day_value[0] == 14.0  # ranks of |x|: 2, 2, 2, 4, 5, 6 → W⁺ = 2+2+4+6
    assert any("tied" in note for note in result.notes)


def test_wilcoxon_from_ten_values_keeps_the_normal_approximation(rng):
    ar = rng.standard_normal((2, 12)) / 100
    result = wilcoxon_w(_wilcoxon_panel(ar), [(0, 1)], Conventions())
    for day in range(2):
        reference = stats.wilcoxon(ar[day], method="approx", correction=False)
        assert result.day_p[day] == pytest.approx(reference.pvalue, rel=1e-12)


# -- the CAR t's degrees of freedom, as used and as stated, per conventions preset ------------
def _study(rng, preset, model="market"):
    from analysis.event_study import Event, EventStudySpec, run_event_study

    sessions = pd.bdate_range("2019-01-01", periods=400, name="date")
    market = pd.Series(rng.normal(0, 0.01, 400), index=sessions)
    returns = pd.DataFrame(
        market.to_numpy()[:, None] * [0.9, 1.2] + rng.normal(0, 0.01, (400, 2)),
        index=sessions,
        columns=["A", "B"],
    )
    returns.iloc[100:107, 0] = np.nan  # A: L1 = 233, B: 240
    t0 = sessions[330]
    spec = EventStudySpec(model=model, conventions=Conventions.preset(preset))
    return run_event_study(returns, [Event("e", t0, t0)], spec, market, "MKT")


@pytest.mark.parametrize(
    ("preset", "model", "k", "stated"),
    [
        ("textbook", "market", 2, "Student t with L1-k df (k = 2 market model, 1 constant-mean"),
        ("textbook", "constant-mean", 1, "Student t with L1-k df (k = 2 market model"),
        ("estudy2", "market", 1, "Student t with L1-1 df;"),
        ("eventstudy", "market", 1, "Student t with L1-1 df;"),
    ],
)
def test_car_t_dof_text_states_the_dof_used(rng, preset, model, k, stated):
    result = _study(rng, preset, model)
    summary = result.car_summary
    assert set(summary["n_estimation"]) == {233, 240}
    # by hand: L1 − 2 for the textbook market model, L1 − 1 otherwise
    np.testing.assert_array_equal(summary["dof"], summary["n_estimation"] - k)
    p = 2 * stats.t.sf(np.abs(summary["t_stat"]), summary["n_estimation"] - k)
    np.testing.assert_allclose(summary["p_value"], p, rtol=1e-10)
    text = result.summary()
    assert stated in text and stated in result.spec.describe()
    if k == 1 and preset != "textbook":
        assert "L1-k" not in text  # before: "L1-k df" under every preset


def test_method_page_and_glossary_state_the_dof_per_conventions():
    """The Method page's CAR t line said t(L1 − 2) whatever the model and conventions."""
    from analysis.glossary import COLUMN_GLOSSARY
    from tests.conftest import PROJECT

    source = (PROJECT / "pages" / "method.py").read_text(encoding="utf-8")
    assert r"\sim t_{L_1-2}" not in source and r"\sim t_{L_1-k}" in source
    joined = re.sub(r'"\s*\n\s*"', "", source)  # the implicitly concatenated literals
    assert (
        "Under the estudy2 and eventstudy conventions (σ̂ with divisor L1 − 1 or L1) it uses L1 − 1"
        in joined
    )
    assert "With a single series (N = 1) the factor is 1" in joined
    assert "With fewer than 10 values the p-value is exact" in joined
    assert "L1 − 1 under estudy2 and eventstudy" in COLUMN_GLOSSARY["dof"]
