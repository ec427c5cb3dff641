"""Placebo (pseudo-event) inference for single-date, market-wide measures.

A policy measure hits every instrument on the same day, so cross-sectional tests rest on
assumptions about cross-correlation. The placebo distribution needs none: draw N pseudo-event
sessions (seeded) from the sessions whose event window overlaps no catalogue event window and
lies, whole, inside the data, compute exactly the same CAR at each (the same model, estimation
window and event window) and compare. An instrument has a placebo CAR at a pseudo-date only
when every session of its window has a valid return and its estimation window at least the
study's minimum of valid returns (a shorter history gets fewer draws); the equal-weighted CAAR
only when every instrument with a CAR at the real event has one. The empirical two-sided
p-value is (1 + #{|CAR_placebo| ≥ |CAR_observed|}) / (N + 1) (a permutation-style p that is
never 0).

Everything is vectorised across pseudo-dates with cumulative sums: the estimation sums
Σy, Σx, Σx², Σxy and counts over any window are differences of prefix sums, so the fit and the
CAR at all N dates cost O(T + N) per instrument. The fit itself is the model's own
(:meth:`analysis.models.NormalReturnModel.coefficients` on the centred moments, and
:meth:`~analysis.models.NormalReturnModel.expected_sum` for the window's normal return), the
code the event study runs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis import models
from analysis.event_study import EventStudyInputError, EventStudySpec

PLACEBO_COLUMNS = ["draw", "event_session", "instrument", "car"]
SUMMARY_COLUMNS = [
    "instrument",
    "observed_car",
    "placebo_mean",
    "placebo_sd",
    "n_draws",
    "p_value",
    "window_start",
    "window_end",
]
PORTFOLIO = "CAAR (equal-weighted)"


def _prefix(values: np.ndarray) -> np.ndarray:
    return np.concatenate([np.zeros((1, *values.shape[1:])), np.cumsum(values, axis=0)])


def _window_sums(prefix: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Σ over rows start..end inclusive, for each (start, end) pair (rows = dates)."""
    return prefix[ends + 1] - prefix[starts]


def placebo_cars(
    returns: pd.DataFrame,
    market: pd.Series | None,
    spec: EventStudySpec,
    positions: np.ndarray,
    window: tuple[int, int],
    constant_mean_for: Sequence[str] = (),
    market_symbol: str | None = None,
    blocked: np.ndarray | None = None,
    whole_window: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """CAR over ``window`` at each session position, per instrument (positions × instruments),
    and the number of valid estimation returns (same shape). A CAR is NaN unless the
    estimation window has at least ``spec.min_estimation`` valid returns and, with
    ``whole_window`` (pseudo-events), every session of the window has a valid return (and, for
    market-based models, a market return); without it (the observed event) at least one, as
    the event study's CAR. ``blocked`` (one flag per session): sessions never used in an
    estimation sample (known events' windows, as the study's ``clean_estimation``); they still
    count in the event window."""
    y = returns.to_numpy(dtype=float)
    x = np.zeros(len(y)) if market is None else market.reindex(returns.index).to_numpy(dtype=float)
    model_of = [  # the event study's fallback: constant mean for the market itself
        (
            "constant-mean"
            if spec.model != "constant-mean" and (c == market_symbol or c in set(constant_mean_for))
            else spec.model
        )
        for c in returns.columns
    ]
    e1, e2 = spec.estimation_window
    a, b = window
    est_start, est_end = positions + e1, positions + e2
    win_start, win_end = positions + a, positions + b
    cars = np.full((len(positions), y.shape[1]), np.nan)
    counts = np.zeros((len(positions), y.shape[1]), dtype=int)
    for column, name in enumerate(model_of):  # a handful of instruments; dates vectorised
        model = models.get(name)
        yc = y[:, column]
        valid = ~np.isnan(yc) & (~np.isnan(x) if model.uses_market else True)
        v = valid.astype(float)
        yv = np.where(valid, yc, 0.0)
        xv = np.where(valid, x, 0.0)
        ne = _window_sums(_prefix(v), win_start, win_end)
        sye = _window_sums(_prefix(yv), win_start, win_end)
        sxe = _window_sums(_prefix(xv), win_start, win_end)
        if blocked is not None:  # the estimation sample leaves known events' windows out
            v, yv, xv = (np.where(blocked, 0.0, column) for column in (v, yv, xv))
        n = _window_sums(_prefix(v), est_start, est_end)
        sy = _window_sums(_prefix(yv), est_start, est_end)
        sx = _window_sums(_prefix(xv), est_start, est_end)
        sxx = _window_sums(_prefix(xv * xv), est_start, est_end)
        sxy = _window_sums(_prefix(xv * yv), est_start, est_end)
        with np.errstate(invalid="ignore", divide="ignore"):
            # the centred moments Σ(x − x̄)², Σ(x − x̄)(y − ȳ) from the raw sums
            intercept, slope = model.coefficients(
                n, sy / n, sx / n, sxx - sx * sx / n, sxy - sx * sy / n
            )
            car = sye - model.expected_sum(intercept, slope, ne, sxe)
        # only a whole window counts: every one of its sessions with a valid return (a
        # pseudo-event with a gap in the window would be a shorter CAR than it claims)
        enough = (ne == b - a + 1) if whole_window else (ne > 0)
        cars[:, column] = np.where(enough & (n >= spec.min_estimation), car, np.nan)
        counts[:, column] = n.astype(int)
    return cars, counts


def candidate_positions(
    length: int, spec: EventStudySpec, window: tuple[int, int], excluded_positions: Sequence[int]
) -> np.ndarray:
    """Sessions with a whole estimation window and event window inside the data whose window
    overlaps no excluded (catalogue) event's window."""
    e1 = spec.estimation_window[0]
    start, end = spec.event_window
    low = max(-e1, -start, -window[0])
    high = length - 1 - max(end, window[1])
    positions = np.arange(low, high + 1)
    if len(excluded_positions):
        width = end - start
        excluded = np.asarray(sorted(excluded_positions))
        nearest = np.searchsorted(excluded, positions)
        left = np.abs(positions - excluded[np.clip(nearest - 1, 0, len(excluded) - 1)])
        right = np.abs(excluded[np.clip(nearest, 0, len(excluded) - 1)] - positions)
        positions = positions[np.minimum(left, right) > width]
    return positions


def placebo_test(
    returns: pd.DataFrame,
    market: pd.Series | None,
    spec: EventStudySpec,
    event_session: pd.Timestamp,
    excluded_sessions: Sequence[pd.Timestamp] = (),
    n_draws: int = 1000,
    seed: int = 20200727,
    window: tuple[int, int] | None = None,
    constant_mean_for: Sequence[str] = (),
    market_symbol: str | None = None,
    estimation_blocked: Sequence[pd.Timestamp] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Placebo distribution of the CAR (per instrument and the equal-weighted CAAR).

    ``estimation_blocked``: sessions left out of every estimation sample, the observed event's
    and each pseudo-event's alike (the study's contamination cleaning), so observed and placebo
    CARs are computed the same way.

    Returns ``(draws, summary)``: one row per pseudo-date × instrument, and per instrument the
    observed CAR, the placebo mean and SD, N and the empirical two-sided p-value.
    """
    if n_draws < 1:
        raise EventStudyInputError("the number of placebo draws must be at least 1")
    index = returns.index
    window = tuple(window or spec.event_window)
    observed_position = index.get_indexer([event_session])[0]
    if observed_position < 0:
        raise EventStudyInputError(f"event session {event_session:%Y-%m-%d} is not in the data")
    excluded = [p for p in index.get_indexer(list(excluded_sessions)) if p >= 0]
    excluded.append(observed_position)
    candidates = candidate_positions(len(index), spec, window, excluded)
    if len(candidates) == 0:
        raise EventStudyInputError(
            "no session outside every event window has a full "
            "estimation window: the data are too short for a placebo"
        )
    blocked = None
    if len(estimation_blocked):
        blocked = index.isin(pd.DatetimeIndex(estimation_blocked))
    observed, _ = placebo_cars(
        returns,
        market,
        spec,
        np.array([observed_position]),
        window,
        constant_mean_for,
        market_symbol,
        blocked,
        whole_window=False,  # the observed CAR is the event study's, gaps and all
    )
    # draw only pseudo-dates where some instrument with a CAR at the event has a whole window
    # (every session of it with a valid return) and a full estimation window; an instrument
    # without one there has no CAR at that draw (NaN), never a CAR over fewer days
    all_cars, _ = placebo_cars(
        returns, market, spec, candidates, window, constant_mean_for, market_symbol, blocked
    )
    required = ~np.isnan(observed[0])
    any_car_at_event = bool(required.any())
    if not any_car_at_event:  # no CAR at the event (its p-values are NaN): any instrument
        required = np.ones(len(required), dtype=bool)
    usable = ~np.isnan(all_cars[:, required]).all(axis=1)
    candidates, all_cars = candidates[usable], all_cars[usable]
    if len(candidates) == 0:
        raise EventStudyInputError(
            "no pseudo-event session outside every event window has a whole event window "
            f"[{window[0]}, {window[1]}] and {spec.min_estimation} estimation returns: the data "
            "are too short (or too gappy) for a placebo"
        )
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(len(candidates), size=min(n_draws, len(candidates)), replace=False))
    chosen, cars = candidates[picked], all_cars[picked]
    names = [str(c) for c in returns.columns]
    with np.errstate(invalid="ignore"):
        # the CAAR of the instruments with a CAR at the event, at the draws where every one of
        # them has a whole window (the same instruments and days as the observed CAAR)
        members = cars[:, required]
        portfolio = (
            np.where(np.isnan(members).any(axis=1), np.nan, members.mean(axis=1))[:, None]
            if cars.shape[1] > 1
            else None
        )
        # no instrument with a CAR at the event: no observed CAAR either (np.nanmean would
        # warn "Mean of empty slice" on the console of a CLI user)
        observed_portfolio = (
            np.nanmean(observed[:, required], axis=1, keepdims=True)
            if any_car_at_event
            else np.full((len(observed), 1), np.nan)
        )
    if portfolio is not None:
        cars = np.hstack([cars, portfolio])
        observed = np.hstack([observed, observed_portfolio])
        names.append(PORTFOLIO)
    draws = pd.DataFrame(
        {
            "draw": np.repeat(np.arange(1, len(chosen) + 1), len(names)),
            "event_session": np.repeat(index[chosen], len(names)),
            "instrument": np.tile(names, len(chosen)),
            "car": cars.ravel(),
        }
    )[PLACEBO_COLUMNS]
    rows = []
    for column, name in enumerate(names):
        sample = cars[:, column]
        sample = sample[~np.isnan(sample)]
        obs = observed[0, column]
        p = (
            (1 + np.sum(np.abs(sample) >= abs(obs))) / (len(sample) + 1)
            if len(sample) and not np.isnan(obs)
            else np.nan
        )
        rows.append(
            (
                name,
                obs,
                sample.mean() if len(sample) else np.nan,
                sample.std(ddof=1) if len(sample) > 1 else np.nan,
                len(sample),
                p,
                window[0],
                window[1],
            )
        )
    return draws, pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
