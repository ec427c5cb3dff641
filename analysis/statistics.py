"""Aggregate event-study test statistics, one function per statistic.

Every function takes a :class:`~analysis.panel.Panel` (the instrument × event pairs of one
group: one event, or several pooled), the CAR windows and the :class:`Conventions`, and returns
a :class:`Statistic`: the value, p-value and number of pairs for every relative day of the event
window and for every CAR window. Formulas refer to the project's formula sheet
(``../shared/reference/event-study-formulas.md``); tests are two-sided.

Notation: N pairs present, AR_iτ abnormal returns, SAR standardised ARs, L1_i valid estimation
returns, k_i parameters of the mean, L the number of days in a window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.panel import Conventions, Panel
from data_sources.messages import Message, joined

TEST_COLUMNS = [
    "statistic",
    "window_start",
    "window_end",
    "rel_day",
    "value",
    "p_value",
    "n",
    "event_id",
]


#: A dispersion (SD, scale) at most this fraction of the values' own size is rounding residue of
#: identical values (N equal numbers leave an SD of a few N·eps·|x|), not information: a statistic
#: that divides by it is NaN with a note, never ±inf or a huge t with p = 0.
RELATIVE_ZERO = 1e-12


@dataclass
class Statistic:
    """Daily (length L) and window (length W) values, two-sided p-values and pair counts.
    ``None`` for a part the statistic does not define. ``notes``: why values are NaN that the
    pair counts alone do not explain (a zero dispersion)."""

    day_value: np.ndarray | None = None
    day_p: np.ndarray | None = None
    day_n: np.ndarray | None = None
    window_value: np.ndarray | None = None
    window_p: np.ndarray | None = None
    window_n: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)


# Two-sided p-values from scipy.special's distribution functions, which scipy.stats' norm.sf
# and t.sf evaluate (ndtr(-x) and stdtr(dof, -x), bit for bit the same): scipy.special takes a
# quarter of a second to import, scipy.stats a second. Both are imported on first use, not with
# the module: the dashboard's first page does not wait for them (tests/test_startup.py).
def _normal_p(z):
    from scipy import special

    # = 2 · scipy.stats.norm.sf(|z|), which calls ndtr(−|z|) itself (without its overhead)
    return 2.0 * special.ndtr(-np.abs(z))


def _t_p(t, dof):
    from scipy import special

    dof = np.asarray(dof, dtype=float)
    with np.errstate(invalid="ignore"):
        # = 2 · scipy.stats.t.sf(|t|, dof), which is stdtr(dof, −|t|) itself
        p = 2.0 * special.stdtr(np.where(dof > 0, dof, 1), -np.abs(t))
        return np.where(dof > 0, p, np.nan)


def _nan_if_empty(values, counts):
    return np.where(np.asarray(counts) > 0, values, np.nan)


def _divide(numerator, denominator, scale) -> tuple[np.ndarray, np.ndarray]:
    """numerator / denominator, NaN (never ±inf) where the denominator is zero or numerically
    zero (≤ RELATIVE_ZERO × ``scale``, the size of the values it measures the spread of); also
    the mask of those zero denominators (a NaN denominator is not one: it has its own cause)."""
    denominator = np.asarray(denominator, dtype=float)
    scale = np.nan_to_num(np.abs(np.asarray(scale, dtype=float)), nan=0.0, posinf=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        zero = np.isfinite(denominator) & (np.abs(denominator) <= RELATIVE_ZERO * scale)
        value = np.where(zero, np.nan, np.asarray(numerator, dtype=float) / denominator)
    return value, zero


def _abs_max(values, axis=-1) -> np.ndarray:
    """Largest |value| along ``axis`` ignoring NaN (0 where there is none); fmax/fmin skip NaN
    without a masked copy of the values."""
    values = np.asarray(values, dtype=float)
    high = np.fmax.reduce(values, axis=axis, initial=0.0)
    low = np.fmin.reduce(values, axis=axis, initial=0.0)
    return np.maximum(high, -low)


def _zero_note(what: str, day_zero=None, window_zero=None) -> list[str]:
    """One note when some days or windows have a zero dispersion, naming how many."""
    parts = []
    if day_zero is not None and np.any(day_zero):
        parts.append(Message("{n} day(s)", n=int(np.sum(day_zero))))
    if window_zero is not None and np.any(window_zero):
        parts.append(Message("{n} window(s)", n=int(np.sum(window_zero))))
    if not parts:
        return []
    return [
        Message(
            "{what} is zero on {parts}, so the statistic is NaN there",
            what=what,
            parts=joined(" and ", parts),
        )
    ]


def _scalar_zero_note(what: str, zero) -> list[str]:
    return [Message("{what} is zero, so the statistic is NaN", what=what)] if np.any(zero) else []


def _estimation_portfolio(panel: Panel) -> np.ndarray:
    """Mean estimation-window AR per estimation day over the pairs present (cached)."""
    if "est_aar" not in panel.cache:
        valid, present_t, _ = _combined_valid(panel)
        rows = len(panel.est_ar)
        sums = np.sum(panel.est_ar, axis=1, where=valid[:rows])  # no masked copy
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(present_t[:rows] > 0, sums / present_t[:rows], np.nan)
        panel.cache["est_aar"] = mean
    return panel.cache["est_aar"]


def _col_cross_section(values):
    """Mean, sample SD (ddof 1) and count over the last axis, ignoring NaN."""
    valid = ~np.isnan(values)
    count = valid.sum(axis=-1)
    filled = np.where(valid, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=-1) / count
        deviation = np.where(valid, values - mean[..., None], 0.0)
        sd = np.sqrt((deviation**2).sum(axis=-1) / (count - 1))
    # no sample SD below two values (with none, 0 / −1 gave −0.0: read as a zero dispersion)
    sd = np.where(count >= 2, sd, np.nan)
    return mean, sd, count


def _sum_of_daily(daily: np.ndarray, panel: Panel, windows) -> tuple[np.ndarray, np.ndarray]:
    """Window statistic Σ_τ z_τ / √L over the days with a value (estudy2's CAR form of a daily
    statistic), and the number of pairs with a CAR in each window."""
    indicator = panel.window_matrix(windows)
    days = indicator @ (~np.isnan(daily)).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = indicator @ np.where(np.isnan(daily), 0.0, daily) / np.sqrt(days)
    car, _, _ = panel.car(windows)
    _, _, pairs = _col_cross_section(car)
    return _nan_if_empty(value, days), pairs


# -- means -----------------------------------------------------------------------------------
def mean_abnormal_return(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """AAR_τ = (1/N) Σ_i AR_iτ and CAAR = (1/N) Σ_i CAR_i (CLM §4.4.3; formula 3.4). No test."""
    aar, _, n = _col_cross_section(panel.ar)
    car, _, _ = panel.car(windows)
    caar, _, wn = _col_cross_section(car)
    return Statistic(aar, np.full_like(aar, np.nan), n, caar, np.full_like(caar, np.nan), wn)


# -- parametric ------------------------------------------------------------------------------
def cross_sectional_t(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """Cross-sectional t: t = √N · AAR_τ / s_τ, s_τ the cross-sectional SD of AR_iτ (divisor
    N − 1); for a window the same on the CAR_i. Student t(N − 1). (Brown & Warner 1985;
    Boehmer, Musumeci & Poulsen 1991; formula 3.4.)"""
    return _cross_sectional(panel.ar, panel.car(windows)[0], Message("abnormal returns"))


def cross_sectional_t_test(values, mu: float = 0.0):
    """The cross-sectional (one-sample) t-test of the mean against ``mu`` over the last axis,
    NaN ignored: t = √N · (mean − mu) / s, s the sample SD (divisor N − 1), two-sided p from
    Student t(N − 1) — ``scipy.stats.ttest_1samp`` per row, vectorised. NaN (never ±inf) where
    s is zero or numerically zero (≤ :data:`RELATIVE_ZERO` × the largest |value − mu|: identical
    values), or with fewer than two values.

    Returns ``(t, p, n, mean, zero)``: arrays over the leading axes (scalars for a vector);
    ``zero`` marks the zero dispersions. The statistics, the volatility ratio
    (:mod:`analysis.responses`) and the theme cells (:mod:`analysis.themes`) all use it.
    """
    values = np.asarray(values, dtype=float)
    centred = values - mu if mu else values
    mean, sd, n = _col_cross_section(centred)
    ratio, zero = _divide(mean, sd, _abs_max(centred))
    t = ratio * np.sqrt(n)
    return t, _t_p(t, n - 1), n, mean + mu, zero


def _cross_sectional(daily: np.ndarray, window: np.ndarray, what: str) -> Statistic:
    """√N · mean / sd over the pairs, daily (L × P) and per window (W × P); NaN where the
    cross-sectional SD is (numerically) zero — identical values, e.g. one instrument counted
    twice around one session — with a note."""
    t, p, n, _, zero = cross_sectional_t_test(daily)
    wt, wp, wn, _, wzero = cross_sectional_t_test(window)
    notes = _zero_note(Message("the cross-sectional SD of the {what}", what=what), zero, wzero)
    return Statistic(t, p, n, wt, wp, wn, notes)


def crude_dependence_t(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """Brown–Warner (1980, 1985) crude-dependence t: t = AAR_τ / S, S² the variance over the
    estimation days of the portfolio AR (mean over the pairs present that day; divisor
    days − 1). Window: CAAR / (√L · S). Student t(days − 1). Robust to cross-correlation.
    (estudy2's BW1985 and its CAR version, which is Σ daily t / √L.)"""
    est_aar = _estimation_portfolio(panel)
    valid = est_aar[~np.isnan(est_aar)]
    s = valid.std(ddof=1) if len(valid) > 1 else np.nan
    aar, _, n = _col_cross_section(panel.ar)
    t, zero = _divide(aar, np.full_like(aar, s), _abs_max(valid, axis=0))
    dof = len(valid) - 1
    wt, wn = _sum_of_daily(t, panel, windows)  # = CAAR / (√L · S)
    notes = _scalar_zero_note(Message("the SD of the estimation-window portfolio AR"), zero)
    return Statistic(t, _t_p(t, dof), n, wt, _t_p(wt, dof), wn, notes)


def bw1980_t(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """Brown–Warner (1980) t: AAR_τ / (sqrt(Σ_i s²_i) / N), s²_i the sample variance of pair
    i's estimation ARs (divisor L1_i − 1). Window: Σ_τ t_τ / √L. Student t(mean L1 − 1).
    Assumes independence across pairs (estudy2 ``brown_warner_1980``)."""
    centred_fits = panel.ssr is not None and "market-adjusted" not in set(panel.models)
    with np.errstate(invalid="ignore", divide="ignore"):
        if centred_fits:  # OLS / constant-mean residuals have mean 0: s² = SSR / (L1 − 1)
            variance = np.where(panel.n > 1, panel.ssr / (panel.n - 1), np.nan)
        else:
            valid = ~np.isnan(panel.est_ar)
            count = valid.sum(axis=0)
            mean = np.where(valid, panel.est_ar, 0.0).sum(axis=0) / count
            squares = (np.where(valid, panel.est_ar - mean, 0.0) ** 2).sum(axis=0)
            variance = np.where(count > 1, squares / (count - 1), np.nan)
    aar, _, n = _col_cross_section(panel.ar)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.sqrt(np.nansum(variance)) / panel.size
    t, zero = _divide(aar, np.full_like(aar, scale), _abs_max(panel.est_ar, axis=None))
    dof = np.mean(panel.n) - 1 if panel.size else np.nan
    wt, wn = _sum_of_daily(t, panel, windows)
    notes = _scalar_zero_note(Message("the estimation-window AR variance"), zero)
    return Statistic(t, _t_p(t, dof), n, wt, _t_p(wt, dof), wn, notes)


def _patell_variance(panel: Panel) -> np.ndarray:
    """Var(SAR_i) under H0: (L1_i − k_i) / (L1_i − k_i − 2) (Patell 1976; formula 3.5)."""
    dof = panel.n - panel.k
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(dof > 2, dof / (dof - 2), np.nan)


def patell_z(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """Patell (1976) Z: Z_τ = Σ_i SAR_iτ / sqrt(Σ_i (L1_i − k)/(L1_i − k − 2)), SAR with the
    prediction-error correction (formula 3.5). Window, variant (a) of formula 3.5 (EventStudy
    R / EventStudyTools): CSAR_i = Σ_τ SAR_iτ with Var = L_i (L1_i − k)/(L1_i − k − 2), and
    Z = (1/√N) Σ_i CSAR_i / sqrt(Var_i). N(0, 1). The K-regressor models (factors, two-index)
    standardise by σ̂²(1 + x*_τ'(X'X)⁻¹x*_τ) with k = K (CLM 4.4.17 in matrix form)."""
    sar = panel.sar(conventions.market_terms)
    valid = ~np.isnan(sar)
    var = _patell_variance(panel)
    numerator = np.where(valid, sar, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = numerator / np.sqrt(np.where(valid, var, 0.0).sum(axis=1))
    n = valid.sum(axis=1)
    indicator = panel.window_matrix(windows)
    days = indicator @ valid.astype(float)  # W × P valid days per pair
    csar = indicator @ np.where(valid, sar, 0.0)  # W × P
    with np.errstate(invalid="ignore", divide="ignore"):
        standardised = np.where(days > 0, csar / np.sqrt(days * var), 0.0)
        wn = (days > 0).sum(axis=1)
        wz = standardised.sum(axis=1) / np.sqrt(wn)
    return Statistic(_nan_if_empty(z, n), _normal_p(z), n, _nan_if_empty(wz, wn), _normal_p(wz), wn)


def j1_z(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """CLM J1 (window only): CAAR / sqrt(Var CAAR) = Σ_i CAR_i / sqrt(Σ_i Var CAR_i), with the
    prediction-error-corrected Var(CAR_i) (formulas 3.3-3.4). N(0, 1); assumes independence."""
    car, variance, _ = panel.car(windows)
    valid = ~np.isnan(car)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(valid, car, 0.0).sum(axis=1) / np.sqrt(np.where(valid, variance, 0.0).sum(1))
    wn = valid.sum(axis=1)
    return Statistic(window_value=_nan_if_empty(z, wn), window_p=_normal_p(z), window_n=wn)


def j2_z(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """CLM J2 (window only): Σ_i SCAR_i / sqrt(Σ_i (L1_i − k)/(L1_i − k − 2)), SCAR_i = CAR_i /
    SE(CAR_i) with the full prediction-error covariance (formula 3.4; variant (b) of 3.5)."""
    car, variance, _ = panel.car(windows)
    scar = car / np.sqrt(variance)
    valid = ~np.isnan(scar)
    var = _patell_variance(panel)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(valid, scar, 0.0).sum(axis=1) / np.sqrt(np.where(valid, var, 0.0).sum(1))
    wn = valid.sum(axis=1)
    return Statistic(window_value=_nan_if_empty(z, wn), window_p=_normal_p(z), window_n=wn)


def bmp_t(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """Boehmer, Musumeci & Poulsen (1991) standardised cross-sectional t: √N · mean(SAR_τ) /
    sd(SAR_τ) (sd divisor N − 1); window: the same on SCAR_i (formula 3.6). Student t(N − 1).
    Robust to event-induced variance, not to cross-correlation (see kp_bmp_t)."""
    car, variance, _ = panel.car(windows)
    with np.errstate(invalid="ignore", divide="ignore"):
        scar = car / np.sqrt(variance)
    return _cross_sectional(
        panel.sar(conventions.market_terms), scar, Message("standardised abnormal returns")
    )


#: A pair of pairs enters r̄ only when both have at least this many estimation sessions in
#: common (calendar-aligned, both ARs present) and both vary on them: a correlation from fewer
#: days is noise (its SD is about 1/√days: 0.18 at 30). With the default estimation window
#: [−250, −11] two events share fewer than 30 sessions only when they are more than 210
#: sessions apart, so their event windows are far apart too.
MIN_OVERLAP_DAYS = 30


@dataclass(frozen=True)
class CrossCorrelation:
    """The Kolari–Pynnönen cross-correlation of a panel (:func:`cross_correlation`).

    ``mean``: r̄, the average correlation over the ``used`` pairs of pairs (NaN when none is);
    ``used``: how many of the ``total`` = N(N − 1)/2 pairs of pairs entered it. ``effective``:
    the r̄ the adjustment uses, Σ_used r_ij / total = mean · used / total: the pairs left out
    count as uncorrelated (r_ij = 0, as eventstudy2's KOLBlock sets r = 0 across blocks), so
    1 + (N − 1)·effective = 1 + (2 · used / N)·mean counts exactly the pairs averaged. 0 when
    none is used (or N < 2: no pair, the adjustment factor is 1).
    """

    mean: float
    used: int
    total: int

    @property
    def effective(self) -> float:
        if self.total == 0 or self.used == 0:
            return 0.0
        return float(self.mean * self.used / self.total)


def cross_correlation(panel: Panel, exact_limit: int = 1500) -> CrossCorrelation:
    """r̄ of the pairs' estimation-window ARs and which pairs of pairs it averages (Kolari &
    Pynnönen 2010; formula 3.7), cached.

    The rule, the same for one event and for events pooled: the estimation ARs are aligned on
    the calendar; a pair of pairs (i, j), i ≠ j, enters r̄ when they share at least
    :data:`MIN_OVERLAP_DAYS` sessions with both ARs present and both vary there (a defined
    correlation, pairwise-complete over those sessions). r̄ is the mean over exactly those
    pairs; the others (typically pairs from events far apart in time) are counted as
    uncorrelated in the adjustment (:attr:`CrossCorrelation.effective`).

    Exact (matrix products over the pairwise masks) up to ``exact_limit`` pairs, or whenever no
    value is missing (then every pair shares every session, and r̄ = (‖Σ z_i‖² − Σ ‖z_i‖²) /
    (N(N − 1)) with z_i the standardised series, O(N·T)). Beyond that, with gaps, each series
    is standardised on its own valid days and gaps count as zero: an approximation of
    Σ r_ij / (N(N − 1)) in which pairs with no common session contribute zero, reported with
    every pair counted as used.
    """
    key = ("rbar", exact_limit)
    if key not in panel.cache:
        panel.cache[key] = _cross_correlation(panel, exact_limit)
    return panel.cache[key]


def mean_cross_correlation(panel: Panel, exact_limit: int = 1500) -> float:
    """r̄: the average pairwise correlation of the pairs' estimation-window ARs over the pairs
    of pairs that enter it (:func:`cross_correlation` states the rule); NaN when none does."""
    return cross_correlation(panel, exact_limit).mean


def _cross_correlation(panel: Panel, exact_limit: int) -> CrossCorrelation:
    matrix = _calendar_residuals(panel)
    count = matrix.shape[1]
    total = count * (count - 1) // 2
    if count < 2:
        return CrossCorrelation(np.nan, 0, total)
    if not np.isnan(matrix).any() and matrix.shape[0] < MIN_OVERLAP_DAYS:
        return CrossCorrelation(np.nan, 0, total)  # every pair shares too few sessions
    if count > exact_limit or not np.isnan(matrix).any():
        summed = np.zeros(matrix.shape[0])  # Σ_i z_i per day; each z_i has unit norm
        standardised = 0  # so Σ‖z_i‖² = the number of series with a norm
        for start in range(0, count, _BLOCK):  # a cache-sized block of series at a time
            block = matrix[:, start : start + _BLOCK]
            valid = ~np.isnan(block)
            filled = np.where(valid, block, 0.0)
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = filled.sum(axis=0) / valid.sum(axis=0)
            centred = np.where(valid, filled - mean, 0.0)
            norms = np.sqrt(np.einsum("ij,ij->j", centred, centred))
            # a constant series has no correlation: it is left out (its pairs are not used)
            varying = norms > RELATIVE_ZERO * np.fmax.reduce(np.abs(filled), axis=0, initial=0)
            inverse = np.where(varying, 1.0 / np.where(varying, norms, 1.0), 0.0)
            summed += centred @ inverse
            standardised += np.count_nonzero(inverse)
        if standardised < 2:
            return CrossCorrelation(np.nan, 0, total)
        used = standardised * (standardised - 1) // 2
        return CrossCorrelation(float((summed @ summed - standardised) / (2 * used)), used, total)
    valid = ~np.isnan(matrix)
    mask = valid.astype(float)
    x = np.where(valid, matrix, 0.0)
    n = mask.T @ mask
    sx = x.T @ mask  # Σ x_i over days where j is present
    sxx = (x**2).T @ mask
    sxy = x.T @ x
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = n * sxy - sx * sx.T
        var_i = n * sxx - sx**2
        # a variance that is rounding residue (a constant series on these days) is none
        varying = var_i > RELATIVE_ZERO * n * sxx
        corr = cov / np.sqrt(var_i * var_i.T)
    upper = np.triu(np.ones((count, count), dtype=bool), k=1)
    usable = upper & (n >= MIN_OVERLAP_DAYS) & varying & varying.T & np.isfinite(corr)
    used = int(np.count_nonzero(usable))
    return CrossCorrelation(float(corr[usable].mean()) if used else np.nan, used, total)


def _calendar_residuals(panel: Panel) -> np.ndarray:
    """Estimation ARs on a shared calendar axis (rows = sessions any pair uses)."""
    positions = panel.est_positions
    # one event: the pairs share their rows' sessions (a broadcast view), already aligned
    shared = positions.ndim == 2 and positions.strides[1] == 0
    if positions.size and (shared or (positions == positions[:, :1]).all()):
        return panel.est_ar
    used = np.unique(positions[positions >= 0])
    row_of = {p: r for r, p in enumerate(used)}
    out = np.full((len(used), panel.size), np.nan)
    rows = np.vectorize(lambda p: row_of.get(p, -1))(positions)
    for column in range(panel.size):
        keep = rows[:, column] >= 0
        out[rows[keep, column], column] = panel.est_ar[keep, column]
    return out


def _kp_factor(panel: Panel, n) -> np.ndarray:
    """sqrt((1 − r̄) / (1 + (N − 1) r̄)) with r̄ the effective cross-correlation (pairs of pairs
    left out of the mean count as uncorrelated, :class:`CrossCorrelation`); exactly 1 where N =
    1 (one pair: nothing to correlate). NaN where it is undefined or zero (r̄ = 1: the pairs are
    one series, e.g. one instrument twice around one session; 1 + (N − 1) r̄ ≤ 0)."""
    r = cross_correlation(panel).effective
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        inflation = 1 + (n - 1) * r
        factor = np.sqrt((1 - r) / inflation)
    usable = (inflation > RELATIVE_ZERO) & (1 - r > RELATIVE_ZERO)
    return np.where(n == 1, 1.0, np.where(usable, factor, np.nan))


def _kp_notes(panel: Panel, counts: Sequence[np.ndarray], adjusted: str) -> list[str]:
    """What the Kolari–Pynnönen adjustment did, when it is not the plain formula: one pair
    (factor 1), pairs of pairs left out of r̄ (counted as uncorrelated), r̄ = 1 (undefined)."""
    rho = cross_correlation(panel)
    notes = []
    if any(np.any(np.asarray(c) == 1) for c in counts):
        notes.append(
            Message(
                "with one pair (N = 1) the Kolari-Pynnönen factor is 1: the value is the "
                "unadjusted {adjusted} there",
                adjusted=adjusted,
            )
        )
    if rho.total and rho.used < rho.total:
        mean = Message("undefined") if np.isnan(rho.mean) else f"{rho.mean:.6g}"
        notes.append(
            Message(
                "r̄ = {mean} averages {used} of the {total} correlations between the "
                "instrument-event series; the other {rest} share fewer than {minimum} estimation "
                "sessions (or do not vary there) and count as uncorrelated, so the adjustment "
                "uses r̄ · {used}/{total} = {effective:.6g}",
                mean=mean,
                used=rho.used,
                total=rho.total,
                rest=rho.total - rho.used,
                minimum=MIN_OVERLAP_DAYS,
                effective=rho.effective,
            )
        )
    if rho.effective >= 1 - RELATIVE_ZERO:
        notes.append(
            Message(
                "the mean cross-correlation r̄ is {effective:.6g} (the pairs are one series), so "
                "the Kolari-Pynnönen adjustment is undefined and the statistic is NaN",
                effective=rho.effective,
            )
        )
    return notes


def kp_bmp_t(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """Kolari–Pynnönen (2010) adjusted BMP: t_KP = t_BMP · sqrt((1 − r̄) / (1 + (N − 1) r̄))
    (formula 3.7), r̄ from :func:`cross_correlation`: the mean over the pairs of pairs sharing
    at least :data:`MIN_OVERLAP_DAYS` estimation sessions, the others counted as uncorrelated
    (so (N − 1) r̄ = (2 · used / N) · mean). With N = 1 the factor is 1 (the BMP t itself, which
    is NaN: one value has no cross-sectional SD). The default test when instruments share one
    event date, as policy events do."""
    bmp = bmp_t(panel, windows, conventions)
    t = bmp.day_value * _kp_factor(panel, bmp.day_n)
    wt = bmp.window_value * _kp_factor(panel, bmp.window_n)
    notes = list(bmp.notes) + _kp_notes(panel, [bmp.day_n, bmp.window_n], "BMP t")
    return Statistic(
        t, _t_p(t, bmp.day_n - 1), bmp.day_n, wt, _t_p(wt, bmp.window_n - 1), bmp.window_n, notes
    )


def kp_patell_z(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """Patell Z adjusted for cross-correlation: Z · sqrt(1 / (1 + (N − 1) r̄)) (the Kolari–
    Pynnönen variance-inflation term; ARC's "adjusted Patell Z"; formula 3.7), r̄ as in
    :func:`kp_bmp_t` (pairs of pairs left out of the mean count as uncorrelated). With N = 1
    the factor is 1: the value is the Patell Z itself. N(0, 1)."""
    patell = patell_z(panel, windows, conventions)
    r = cross_correlation(panel).effective

    def adjust(z, n):
        n = np.asarray(n, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            adjusted, _ = _divide(z, np.sqrt(1 + (n - 1) * r), 1.0)
        return np.where(n == 1, z, adjusted)

    z = adjust(patell.day_value, patell.day_n)
    wz = adjust(patell.window_value, patell.window_n)
    notes = list(patell.notes) + _kp_notes(panel, [patell.day_n, patell.window_n], "Patell Z")
    return Statistic(z, _normal_p(z), patell.day_n, wz, _normal_p(wz), patell.window_n, notes)


def lamb_z(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """Lamb (1995) as in estudy2: AAR_τ / [S · sqrt(1 + 1/mean L1 + (R_mτ − μ̂_m)² / Σ(R_mt −
    μ̂_m)²)], S the SD over estimation days of the portfolio AR, market terms over the index's
    estimation window; window: Σ_τ z_τ / √L. Defined for one event with one market series
    (NaN otherwise). N(0, 1). The K-regressor models (factors, two-index) have no one market
    series to take the index terms from: NaN with a note (their per-pair standardisation is
    Patell's or BMP's, with 1 + x*_τ'(X'X)⁻¹x*_τ)."""
    if panel.size == 0 or panel.pairs["event_id"].nunique() != 1:
        return Statistic()
    if panel.root is not None:
        return Statistic(
            notes=[
                Message(
                    "Lamb's Z standardises by one market index's terms: not defined for the "
                    "factors or two-index models (use Patell Z or BMP t)"
                )
            ]
        )
    est_aar = _estimation_portfolio(panel)
    s = np.nanstd(est_aar, ddof=1)
    dev = panel.dev_index[:, 0]
    sxx = panel.sxx_index[0]
    factor = 1 + 1 / np.mean(panel.n) + (dev**2 / sxx if np.isfinite(sxx) else 0.0)
    aar, _, n = _col_cross_section(panel.ar)
    z, zero = _divide(aar, s * np.sqrt(factor), _abs_max(est_aar, axis=None))
    wz, wn = _sum_of_daily(z, panel, windows)
    notes = _scalar_zero_note(Message("the SD of the estimation-window portfolio AR"), zero)
    return Statistic(z, _normal_p(z), n, wz, _normal_p(wz), wn, notes)


# -- nonparametric ---------------------------------------------------------------------------
def _combined_valid(panel: Panel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where the combined ARs (estimation then event window, (Le + L) × P) are present, the
    count per day (row) and per pair (column); every rank and sign score is missing exactly
    where the AR is (cached)."""
    if "combined_valid" not in panel.cache:
        rows = len(panel.est_ar)
        valid = np.empty((rows + len(panel.ar), panel.size), dtype=bool)
        np.isnan(panel.est_ar, out=valid[:rows])
        np.isnan(panel.ar, out=valid[rows:])
        np.logical_not(valid, out=valid)
        present_t = np.count_nonzero(valid, axis=1)
        panel.cache["combined_valid"] = valid, present_t, np.count_nonzero(valid, axis=0)
    return panel.cache["combined_valid"]


def _sorted_ranks(*parts: np.ndarray, missing: float = np.nan) -> tuple[np.ndarray, np.ndarray]:
    """Column-wise average ranks (1..T_i) of the valid values of the matrix the ``parts``
    make stacked row-wise (ties share the mean rank, as ``pandas.DataFrame.rank(method=
    "average")``; a missing value gets ``missing``) and the column-sorted values (NaN last).
    Vectorised: each column sorted as a contiguous row of the transposed matrix, a
    cache-sized block of columns at a time; the sorted values are gathered and the ranks
    scattered back through flat indices (numpy's take/put along an axis are slower)."""
    length, columns = sum(len(part) for part in parts), parts[0].shape[1]
    ranks = np.empty((columns, length))
    ordered = np.empty((columns, length))
    position = np.arange(length)[None, :]
    sorted_rank = np.tile(np.arange(1.0, length + 1.0), min(columns, _BLOCK))
    for start in range(0, columns, _BLOCK):
        block = slice(start, start + _BLOCK)
        n_rows = len(range(columns)[block])
        rows_t = np.empty((n_rows, length))  # pairs × days
        row = 0
        for part in parts:
            rows_t[:, row : row + len(part)] = part[:, block].T
            row += len(part)
        gaps = np.isnan(rows_t)
        if gaps.any():  # numpy sorts NaN slowly: sort them as +inf, then put NaN back
            rows_t[gaps] = np.inf
        order = np.argsort(rows_t, axis=1)
        flat = (order + (np.arange(n_rows) * length)[:, None]).ravel()
        sorted_block = ordered[block]  # a view: filled in place
        np.take(rows_t.ravel(), flat, out=sorted_block.reshape(-1))
        past_valid = position >= (length - np.count_nonzero(gaps, axis=1))[:, None]
        sorted_block[past_valid] = np.nan  # the NaN tail
        starts = np.ones_like(sorted_block, dtype=bool)
        starts[:, 1:] = sorted_block[:, 1:] != sorted_block[:, :-1]  # NaN != NaN: no tie
        block_ranks = ranks[block].reshape(-1)  # a view: filled in place
        if starts.all():  # no ties (the usual case for returns): rank = sorted position + 1
            block_ranks[flat] = sorted_rank[: flat.size]
        else:
            ends = np.ones_like(sorted_block, dtype=bool)
            ends[:, :-1] = starts[:, 1:]
            first = np.maximum.accumulate(np.where(starts, position, 0), axis=1)
            last = np.minimum.accumulate(np.where(ends, position, length)[:, ::-1], axis=1)
            block_ranks[flat] = ((first + last[:, ::-1]) / 2.0 + 1.0).ravel()
        ranks[block][gaps] = missing
    return ranks.T, ordered.T


_BLOCK = 512  # pairs ranked at a time (a block of pairs × days stays in the CPU cache)


def _ranks(matrix: np.ndarray) -> np.ndarray:
    return _sorted_ranks(matrix)[0]


def _combined_ranks(panel: Panel) -> np.ndarray:
    """Ranks of each pair's combined estimation + event ARs, 0 where the AR is missing (so
    that sums and products over the pairs need no mask; cached with the sorted values)."""
    if "ranks0" not in panel.cache:
        panel.cache["ranks0"], panel.cache["sorted"] = _sorted_ranks(
            panel.est_ar, panel.ar, missing=0.0
        )
    return panel.cache["ranks0"]


def _rank_sums(panel: Panel) -> np.ndarray:
    """Σ_present K_it per combined day (ranks are halves: sums exact in floating point)."""
    if "rank_sums" not in panel.cache:
        panel.cache["rank_sums"] = _combined_ranks(panel).sum(axis=1)
    return panel.cache["rank_sums"]


def _combined_medians(panel: Panel) -> np.ndarray:
    """Each pair's median over its combined estimation + event ARs (from the cached sort)."""
    _combined_ranks(panel)
    ordered = panel.cache["sorted"]
    counts = (~np.isnan(ordered)).sum(axis=0)
    low = np.take_along_axis(ordered, np.maximum((counts - 1) // 2, 0)[None, :], axis=0)[0]
    high = np.take_along_axis(ordered, np.maximum(counts // 2, 0)[None, :], axis=0)[0]
    return np.where(counts > 0, (low + high) / 2.0, np.nan)


def _rank_type(panel: Panel, windows, conventions, score_sums: np.ndarray, scale_sqrt: bool):
    """Shared machinery of the rank and sign tests on centred scores s_it (rows = combined
    days), given each day's Σ_present s_it (``score_sums``; a score is missing where the AR is).

    Textbook: daily statistic (1/N_τ) Σ_present s_iτ / S with S² = (1/T) Σ_t ((1/N_t) Σ s_it)²
    (``scale_sqrt`` uses 1/√N instead of 1/N, for Corrado–Zivney standardised scores).
    estudy2: the cross-sectional sums are mean_present × N (all firms), and T = mean T_i.
    """
    _, n_t, per_pair = _combined_valid(panel)
    total = panel.size
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_t = np.where(n_t > 0, score_sums / n_t, np.nan)
        if conventions.rank_missing == "estudy2":
            sums = mean_t * total
            days = np.mean(per_pair)
        else:
            sums = mean_t * n_t
            days = (n_t > 0).sum()
        scaled = sums / (np.sqrt(n_t) if scale_sqrt else n_t)
        s = np.sqrt(np.nansum(scaled**2) / days)
    if s == 0:  # every score is 0 (e.g. each series equal to its median): no scale, no test
        s = np.nan
    statistic = scaled / s
    event_rows = slice(len(panel.est_rel_days), None)
    day = statistic[event_rows]
    n = n_t[event_rows]
    return day, n, s, mean_t[event_rows], scaled[event_rows]


_RANK_SCALE_NOTE = Message("the scores' scale S is zero (no variation in any series), so it is NaN")


def corrado_rank_z(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """Corrado (1989) rank test. Each pair's ARs over the combined estimation + event window
    are ranked (average ranks for ties), K_it ∈ 1..T_i, centred at (T_i + 1)/2. Daily:
    T_τ = K̄_τ / S(K), K̄_τ the mean centred rank of the pairs present, S(K)² = (1/T) Σ_t K̄_t²
    (formula 3.8). Window (Cowan 1992): √L · mean_{τ∈w} K̄_τ / S(K). N(0, 1).
    With ``rank_missing="estudy2"`` the daily and window forms copy estudy2 (EXPECTED.md §6)."""
    valid, n_t, counts = _combined_valid(panel)
    # Σ_present (K_it − (T_i + 1)/2) per day, from the rank sums (halves: exact in floating point)
    centred_sums = _rank_sums(panel) - np.where(valid, (counts + 1) / 2.0, 0.0).sum(axis=1)
    day, n, s, mean_t, _ = _rank_type(panel, windows, conventions, centred_sums, False)
    indicator = panel.window_matrix(windows)
    if conventions.rank_missing == "estudy2":
        # estudy2 car_rank_test: raw ranks against the mean of the firms' average ranks
        mean_rank = np.mean((counts + 1) / 2.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            raw_row_mean = np.where(n_t > 0, _rank_sums(panel) / n_t, np.nan)
            scale = np.sqrt(np.nansum((raw_row_mean - mean_rank) ** 2) / np.mean(counts))
            scale = scale if scale > 0 else np.nan
            # the mean rank over every present pair-day of each window
            event_rows = slice(len(panel.est_rel_days), None)
            window_mean = (indicator @ _rank_sums(panel)[event_rows]) / (
                indicator @ n_t[event_rows]
            )
            wz = np.sqrt(indicator.sum(axis=1)) * (window_mean - mean_rank) / scale
    else:
        days = indicator @ (~np.isnan(mean_t)).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            wz = np.sqrt(days) * (indicator @ np.nan_to_num(mean_t)) / days / s
    wn = np.full(len(windows), panel.size)
    notes = [_RANK_SCALE_NOTE] if panel.size and np.isnan(s) else []
    return Statistic(day, _normal_p(day), n, wz, _normal_p(wz), wn, notes)


def modified_rank_z(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """Corrado & Zivney (1992) rank test for missing data: standardised ranks U_it = K_it /
    (1 + M_i), M_i the pair's valid ARs; T_τ = (1/√N_τ) Σ_i (U_iτ − ½) / S_U with S_U² = (1/T)
    Σ_t [(1/√N_t) Σ_i (U_it − ½)]² (formula 3.8). Daily only. N(0, 1)."""
    _, n_t, counts = _combined_valid(panel)
    # Σ_present (K_it / (1 + M_i) − ½) per day, as one matrix-vector product (einsum: a
    # multithreaded BLAS product of this size costs more in thread wake-ups than it saves)
    score_sums = np.einsum("tp,p->t", _combined_ranks(panel), 1.0 / (1 + counts)) - 0.5 * n_t
    day, n, s, _, _ = _rank_type(panel, windows, conventions, score_sums, scale_sqrt=True)
    notes = [_RANK_SCALE_NOTE] if panel.size and np.isnan(s) else []
    return Statistic(day, _normal_p(day), n, notes=notes)


def corrado_sign_z(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """Corrado & Zivney (1992) sign test: G_it = sign(AR_it − median_i), the median over the
    pair's combined estimation + event ARs; T_τ = (1/√N_τ) Σ_i G_iτ / S_G, S_G² = (1/T) Σ_t
    [(1/√N_t) Σ_i G_it]². Daily only. N(0, 1)."""
    median = _combined_medians(panel)
    # Σ_present sign(AR_it − median_i) per day: the count above minus the count below
    score_sums = np.concatenate(
        [
            np.count_nonzero(part > median, axis=1) - np.count_nonzero(part < median, axis=1)
            for part in (panel.est_ar, panel.ar)
        ]
    )
    day, n, s, _, _ = _rank_type(panel, windows, conventions, score_sums, scale_sqrt=True)
    notes = [_RANK_SCALE_NOTE] if panel.size and np.isnan(s) else []
    return Statistic(day, _normal_p(day), n, notes=notes)


def _sign_core(positive: np.ndarray, valid: np.ndarray, p_hat: float):
    w = np.where(valid, positive, 0).sum(axis=-1)
    n = valid.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        # p̂ of 0 or 1 (every estimation AR of one sign) leaves no variance: NaN, not ±inf
        z, _ = _divide(w - n * p_hat, np.sqrt(n * p_hat * (1 - p_hat)), np.sqrt(n))
    return _nan_if_empty(z, n), n


def sign_z(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """Sign test (p = ½): Z = (w − N/2) / sqrt(N/4), w the number of positive AR_iτ (CAR_i for
    a window). No continuity correction (Cowan 1992; formula 3.9). N(0, 1)."""
    valid = ~np.isnan(panel.ar)
    z, n = _sign_core(panel.ar > 0, valid, 0.5)
    car, _, _ = panel.car(windows)
    wz, wn = _sign_core(car > 0, ~np.isnan(car), 0.5)
    return Statistic(z, _normal_p(z), n, wz, _normal_p(wz), wn)


def generalized_sign_z(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """Generalised sign test (Cowan 1992): Z = (w − N p̂) / sqrt(N p̂ (1 − p̂)), p̂ the fraction of
    positive estimation-window ARs — the average over pairs of each pair's fraction
    (``sign_p_hat="firm"``) or pooled over all pair-days (estudy2). Window on the CAR_i.
    No continuity correction (formula 3.9). N(0, 1)."""
    # NaN > 0 is False: a missing AR is never positive
    positive = np.count_nonzero(panel.est_ar > 0, axis=0)
    present = panel.est_ar.shape[0] - np.count_nonzero(np.isnan(panel.est_ar), axis=0)
    if conventions.sign_p_hat == "pooled":
        p_hat = positive.sum() / present.sum()
    else:
        p_hat = np.mean(positive / present)
    z, n = _sign_core(panel.ar > 0, ~np.isnan(panel.ar), p_hat)
    car, _, _ = panel.car(windows)
    wz, wn = _sign_core(car > 0, ~np.isnan(car), p_hat)
    notes = (
        [
            Message(
                "every estimation-window AR has one sign (p̂ = {p_hat:g}), so the statistic is NaN",
                p_hat=p_hat,
            )
        ]
        if p_hat in (0.0, 1.0)
        else []
    )
    return Statistic(z, _normal_p(z), n, wz, _normal_p(wz), wn, notes)


#: Below this many nonzero values the Wilcoxon p-value comes from the exact distribution of W⁺
#: (the normal approximation is poor for small N; scipy uses its exact table up to 50).
WILCOXON_EXACT_BELOW = 10


def _wilcoxon_rows(values: np.ndarray):
    """W⁺ per row (sum of ranks of |x| over positive x, zeros dropped), its two-sided p-value
    and N, and whether any row with N < :data:`WILCOXON_EXACT_BELOW` had tied |x|.

    p: for N < :data:`WILCOXON_EXACT_BELOW`, exact — the share of the 2^N equally likely sign
    patterns of the N ranks (average ranks for tied |x|) whose W⁺ is at least as far into
    either tail: 2 · min(P(W⁺ ≤ w), P(W⁺ ≥ w)), at most 1. Without ties this is
    ``scipy.stats.wilcoxon(method="exact")``; with ties the same enumeration is the exact
    permutation (conditional) distribution, ``scipy.stats.wilcoxon(method=PermutationMethod())``.
    For N ≥ 10: the normal approximation (mean N(N+1)/4, variance N(N+1)(2N+1)/24, tie
    corrected, no continuity correction)."""
    data = np.where(values == 0, np.nan, values)
    valid = ~np.isnan(data)
    n = valid.sum(axis=1)
    ranks, magnitudes = _sorted_ranks(np.abs(data).T)  # each row (day) across pairs
    ranks, magnitudes = ranks.T, magnitudes.T  # rows = days; |x| sorted along each row
    w_plus = np.where(valid & (data > 0), ranks, 0.0).sum(axis=1)
    tied = (magnitudes[:, 1:] == magnitudes[:, :-1]).any(axis=1)
    if tied.any():  # ties among |x|: correct the variance
        tie_term = np.array([_tie_correction(row[~np.isnan(row)]) for row in ranks])
    else:
        tie_term = np.zeros(len(ranks))
    mean = n * (n + 1) / 4.0
    variance = n * (n + 1) * (2 * n + 1) / 24.0 - tie_term / 48.0
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (w_plus - mean) / np.sqrt(variance)
    p = _normal_p(z)
    small = (n > 0) & (n < WILCOXON_EXACT_BELOW)
    for row in np.flatnonzero(small):
        p[row] = _wilcoxon_exact_p(ranks[row][valid[row]], w_plus[row])
    return _nan_if_empty(w_plus, n), p, n, bool((small & tied).any())


def _wilcoxon_exact_p(ranks: np.ndarray, w_plus: float) -> float:
    """Two-sided exact p of W⁺ = ``w_plus`` given the N ``ranks``: every one of the 2^N sign
    patterns enumerated (N < 10: at most 512)."""
    count = len(ranks)
    patterns = (np.arange(2**count)[:, None] >> np.arange(count)) & 1
    # ranks are halves: doubled they are integers, so the comparisons are exact
    null = patterns @ np.round(2 * ranks).astype(np.int64)
    observed = round(2 * w_plus)
    lower = np.count_nonzero(null <= observed) / len(null)
    upper = np.count_nonzero(null >= observed) / len(null)
    return min(1.0, 2.0 * min(lower, upper))


def _tie_correction(ranks: np.ndarray) -> float:
    _, counts = np.unique(ranks, return_counts=True)
    return float((counts**3 - counts).sum())


def wilcoxon_w(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """Wilcoxon (1945) signed-rank test on the cross-section: W⁺ = Σ ranks of |AR_iτ| over the
    positive AR_iτ, zeros dropped (formula 3.9); window: the same on the CAR_i. p: exact for
    N < 10 (the 2^N sign patterns; with tied |AR| the exact permutation distribution of the
    average ranks), else the normal approximation with tie correction."""
    w, p, n, tied = _wilcoxon_rows(panel.ar)
    car, _, _ = panel.car(windows)
    ww, wp, wn, wtied = _wilcoxon_rows(car)
    notes = (
        [
            Message(
                "tied |values| among fewer than 10: the exact p-value is the permutation "
                "distribution of their average ranks (scipy's PermutationMethod)"
            )
        ]
        if tied or wtied
        else []
    )
    return Statistic(w, p, n, ww, wp, wn, notes)


#: name → function, in the order tests are reported.
STATISTICS: dict[str, Callable[..., Statistic]] = {
    "mean": mean_abnormal_return,
    "cross_sectional_t": cross_sectional_t,
    "crude_dependence_t": crude_dependence_t,
    "bw1980_t": bw1980_t,
    "patell_z": patell_z,
    "kp_patell_z": kp_patell_z,
    "bmp_t": bmp_t,
    "kp_bmp_t": kp_bmp_t,
    "j1_z": j1_z,
    "j2_z": j2_z,
    "lamb_z": lamb_z,
    "corrado_rank_z": corrado_rank_z,
    "modified_rank_z": modified_rank_z,
    "corrado_sign_z": corrado_sign_z,
    "sign_z": sign_z,
    "generalized_sign_z": generalized_sign_z,
    "wilcoxon_w": wilcoxon_w,
}
#: Shown first in the dashboard; kp_bmp_t is the default for clustered (policy) events.
DEFAULT_STATISTICS = (
    "mean",
    "cross_sectional_t",
    "crude_dependence_t",
    "patell_z",
    "bmp_t",
    "kp_bmp_t",
    "corrado_rank_z",
    "generalized_sign_z",
    "wilcoxon_w",
)


def statistic_table(
    panel: Panel,
    windows: Sequence[tuple[int, int]],
    conventions: Conventions,
    names: Sequence[str] = tuple(STATISTICS),
    event_id: str = "",
    notes: list[str] | None = None,
) -> pd.DataFrame:
    """Long table: statistic, window_start, window_end, rel_day (empty for window rows),
    value, p_value, n, event_id. Never ±inf: a statistic with nothing to divide by is NaN, and
    why is appended to ``notes`` (when given) as "<statistic> (<event id>): <why>"."""
    unknown = [name for name in names if name not in STATISTICS]
    if unknown:
        raise ValueError(f"unknown statistic(s) {unknown}; choose from {list(STATISTICS)}")
    rows = []
    start, end = windows[0]
    for name in names:
        result = STATISTICS[name](panel, windows, conventions)
        reasons = list(result.notes)
        for part in ("day_value", "day_p", "window_value", "window_p"):
            values = getattr(result, part)
            if values is not None and np.isinf(values).any():  # a last guard; see _divide
                setattr(result, part, np.where(np.isinf(values), np.nan, values))
                reasons.append(
                    Message("non-finite {part}s were set to NaN", part=part.replace("_", " "))
                )
        if notes is not None:
            label = (
                Message("{name} ({event})", name=name, event=Message(event_id))
                if event_id == "pooled"
                else f"{name} ({event_id})"
                if event_id
                else name
            )
            notes.extend(
                Message("{label}: {reason}", label=label, reason=reason)
                for reason in dict.fromkeys(reasons)
            )
        if result.day_value is not None:
            for i, rel_day in enumerate(panel.rel_days):
                rows.append(
                    (
                        name,
                        start,
                        end,
                        int(rel_day),
                        result.day_value[i],
                        result.day_p[i],
                        int(result.day_n[i]),
                        event_id,
                    )
                )
        if result.window_value is not None:
            for i, (a, b) in enumerate(windows):
                rows.append(
                    (
                        name,
                        a,
                        b,
                        None,
                        result.window_value[i],
                        result.window_p[i],
                        int(result.window_n[i]),
                        event_id,
                    )
                )
    frame = pd.DataFrame(rows, columns=TEST_COLUMNS)
    frame["rel_day"] = frame["rel_day"].astype("Int64")
    return frame


def benjamini_hochberg(p_values) -> np.ndarray:
    """Benjamini & Hochberg (1995) false-discovery-rate adjusted p-values over the p-values
    present (statsmodels ``multipletests(method="fdr_bh")``); NaN stays NaN and is not counted."""
    from statsmodels.stats.multitest import multipletests  # (slow import: only when asked)

    p = np.asarray(p_values, dtype=float)
    adjusted = np.full_like(p, np.nan)
    valid = ~np.isnan(p)
    if valid.any():
        adjusted[valid] = multipletests(p[valid], method="fdr_bh")[1]
    return adjusted


def tests_by_event(
    panel: Panel,
    windows,
    conventions: Conventions,
    names: Sequence[str] = tuple(STATISTICS),
    adjust_bh: bool = False,
    notes: list[str] | None = None,
) -> pd.DataFrame:
    """:func:`statistic_table` for each event (keyed by event id) and, with several events, for all
    pairs pooled (event_id ``"pooled"``). With ``adjust_bh``, a ``p_value_bh`` column holds the
    Benjamini–Hochberg adjustment across events of each statistic × window × day. ``notes``
    collects why values are NaN (see :func:`statistic_table`)."""
    if panel is None or panel.size == 0:
        return pd.DataFrame(columns=TEST_COLUMNS)
    event_column = panel.pairs["event_id"].to_numpy()
    event_ids = list(pd.unique(event_column))  # in order of appearance
    parts = [
        statistic_table(
            panel.subset(event_column == e),
            windows,
            conventions,
            names,
            e,
            notes,
        )
        for e in event_ids
    ]
    if len(event_ids) > 1:
        parts.append(statistic_table(panel, windows, conventions, names, "pooled", notes))
    table = pd.concat(parts, ignore_index=True)
    if adjust_bh:
        table["p_value_bh"] = np.nan
        single = table["event_id"] != "pooled"
        keys = ["statistic", "window_start", "window_end", "rel_day"]
        for _, group in table[single].groupby(keys, dropna=False):
            table.loc[group.index, "p_value_bh"] = benjamini_hochberg(group["p_value"])
    return table


# -- GRANK (issue 16: long horizons and clustered event dates) ------------------------------
def grank_t(panel: Panel, windows, conventions: Conventions) -> Statistic:
    """Kolari & Pynnönen (2011), "Nonparametric rank tests for event studies", Journal of
    Empirical Finance 18(5):953–971: the generalised rank test of the CAR, robust to
    cross-correlation from clustered event dates and to event-induced volatility (window only).

    Per window: SCAR_i = CAR_i / SE(CAR_i) (the prediction-error-corrected SE of
    :meth:`Panel.car`), re-scaled for event-induced volatility SCAR*_i = SCAR_i / S_SCAR (S_SCAR
    the cross-sectional SD, divisor n − 1); the generalised SARs are the estimation-window
    SAR_it = AR_it / σ̂_i followed by SCAR*_i as one more observation (the CAR window collapsed
    into day 0). Each pair's GSARs are ranked (average ranks for ties) over its T_i valid
    observations: U_it = K_it / (T_i + 1) − ½. With Ū_t the mean over the n_t pairs present on
    day t and n the pairs with a SCAR, Z = Ū_0 / S_Ū, S_Ū² = (1/T) Σ_t (n_t / n) Ū_t², T the days
    with a value (L1 + 1), and t_grank = Z · sqrt((T − 2) / (T − 1 − Z²)), Student t(T − 2)
    (the paper's eqs. for Z, S_Ū and t_grank). Pairs without a SCAR are left out."""
    car, variance, _ = panel.car(windows)
    with np.errstate(invalid="ignore", divide="ignore"):
        scar = car / np.sqrt(variance)
        est_sar = panel.est_ar / np.sqrt(panel.sigma2)
    values = np.full(len(windows), np.nan)
    p = np.full(len(windows), np.nan)
    counts = np.zeros(len(windows), dtype=int)
    notes = []
    # the estimation SARs are ranked once; each window's SCAR* joins them by counting (the
    # SARs above it move up one rank, a tie half a rank): no sort per window
    est_ranks = _ranks(est_sar)
    for w in range(len(windows)):
        present = ~np.isnan(scar[w])
        n = int(present.sum())
        counts[w] = n
        if n < 2:  # no cross-sectional SD of the SCARs: no re-scaling, no test
            continue
        scars = scar[w, present]
        spread, zero = _divide(1.0, scars.std(ddof=1), 1.0)
        if zero:
            notes.append(Message("{what} is zero, so the statistic is NaN", what="S_SCAR"))
            continue
        est, scaled = est_sar[:, present], scars * spread
        above, tied = est > scaled, est == scaled  # NaN compares False: a gap stays a gap
        own = 1.0 + np.count_nonzero(est < scaled, axis=0) + 0.5 * np.count_nonzero(tied, axis=0)
        ranks = np.vstack([est_ranks[:, present] + above + 0.5 * tied, own[None, :]])
        valid = ~np.isnan(ranks)
        u = ranks / (valid.sum(axis=0) + 1.0) - 0.5
        n_t = valid.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            u_bar = np.where(n_t > 0, np.nansum(u, axis=1) / n_t, 0.0)
        days = int(np.count_nonzero(n_t))
        s_u = np.sqrt(np.sum(n_t / n * u_bar**2) / days)
        z, _ = _divide(u_bar[-1], s_u, 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            values[w] = z * np.sqrt((days - 2) / (days - 1 - z**2))
        p[w] = _t_p(values[w], days - 2)
    if np.any((counts < 2) & (counts > 0)):
        notes.append(
            Message("GRANK needs at least two pairs with a SCAR (their SD re-scales them)")
        )
    return Statistic(window_value=values, window_p=p, window_n=counts, notes=notes)


STATISTICS["grank_t"] = grank_t
