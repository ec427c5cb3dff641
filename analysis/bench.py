"""Speed benchmark of the event-study engine: ``python -m analysis.bench``.

Builds a synthetic panel (5,000 series × 1,500 sessions, one-factor returns) and prints one
line per figure, ``name: value unit``:

(a) one event, every statistic (rank tests included), all 5,000 series, end to end
    (fit, ARs, CARs over six windows, tidy frames, the tests table): ``full_market_event_s``.
    The result computes its tests when first read, so this times ``run_event_study`` and then
    reading ``result.tests``; ``cars_only_event_s`` times ``run_event_study`` alone (what a
    caller that needs only the CARs, such as the Themes page, pays);
(b) the same CARs and prediction-error-corrected SEs by a per-series pandas + statsmodels loop,
    and the ratio (b)/(a);
(c) a 1,000-date placebo for 20 series.

Timings are the median of repeated runs after a warm-up. Benchmarks print; tests never assert
timings.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd
import statsmodels.api as sm

from analysis.event_study import Event, EventStudySpec, run_event_study
from analysis.placebo import placebo_test


def synthetic_panel(n_series: int, n_sessions: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    sessions = pd.bdate_range("2015-01-05", periods=n_sessions, name="date")
    market = rng.standard_t(5, n_sessions) * 0.009
    betas = rng.uniform(0.4, 1.6, n_series)
    noise = rng.standard_t(5, (n_sessions, n_series)) * rng.uniform(0.008, 0.03, n_series)
    values = market[:, None] * betas + noise
    values[rng.random(values.shape) < 0.01] = np.nan  # 1 % suspended sessions (停牌)
    returns = pd.DataFrame(values, index=sessions, columns=[f"S{i:04d}" for i in range(n_series)])
    return returns, pd.Series(market, index=sessions, name="MKT")


def timed(function, repeats: int) -> tuple[float, object]:
    function()  # warm-up: first-touch memory, imports, caches outside the engine
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def statsmodels_loop(returns: pd.DataFrame, market: pd.Series, position: int, spec):
    """The usual way: per series, align with the market and drop missing days (pandas), one
    statsmodels OLS, then the CAR and its prediction-error-corrected SE over the valid days."""
    (e1, e2), (w1, w2) = spec.estimation_window, spec.event_window
    estimation = slice(position + e1, position + e2 + 1)
    window = slice(position + w1, position + w2 + 1)
    out = {}
    for name in returns.columns:
        frame = pd.concat({"y": returns[name], "m": market}, axis=1)
        est = frame.iloc[estimation].dropna()
        event = frame.iloc[window].dropna()
        fit = sm.OLS(est["y"], sm.add_constant(est["m"])).fit()
        x_event = sm.add_constant(event["m"], has_constant="add")
        abnormal = event["y"] - x_event @ fit.params
        x = x_event.to_numpy()
        covariance = fit.scale * np.eye(len(abnormal)) + x @ fit.cov_params().to_numpy() @ x.T
        out[name] = (abnormal.sum(), np.sqrt(covariance.sum()))
    return pd.DataFrame(out, index=["car", "car_se"]).T


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="PolicyLens event-study benchmark")
    parser.add_argument("--series", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)

    returns, market = synthetic_panel(args.series, args.sessions)
    position = args.sessions - 100
    t0 = returns.index[position]
    spec = EventStudySpec()
    event = [Event("bench", t0, t0)]

    def every_statistic():
        result = run_event_study(returns, event, spec, market, "MKT")
        result.tests  # noqa: B018 (the lazy battery, computed here)
        return result

    seconds_a, result = timed(every_statistic, args.repeats)
    seconds_cars, _ = timed(
        lambda: run_event_study(returns, event, spec, market, "MKT"), args.repeats
    )
    start = time.perf_counter()
    loop = statsmodels_loop(returns, market, position, spec)
    seconds_b = time.perf_counter() - start
    summary = result.car_summary
    summary = summary[(summary["window_start"] == -5) & (summary["window_end"] == 5)]
    ours = summary.set_index("instrument").loc[loop.index]
    max_difference = float(np.max(np.abs(ours[["car", "car_se"]].to_numpy() - loop.to_numpy())))

    subset = returns.iloc[:, :20]
    seconds_c, (draws, _) = timed(
        lambda: placebo_test(subset, market, spec, t0, n_draws=1000, seed=1), args.repeats
    )

    print(f"panel: {args.series} series x {args.sessions} sessions")
    print(f"full_market_event_s: {seconds_a:.3f} s (every statistic)")
    print(f"cars_only_event_s: {seconds_cars:.3f} s (CARs and frames, tests not read)")
    print(
        f"statistics_computed: {result.tests['statistic'].nunique()} statistics, "
        f"{len(result.tests)} rows"
    )
    print(f"statsmodels_loop_s: {seconds_b:.2f} s")
    print(f"speedup_ratio: {seconds_b / seconds_a:.0f} x")
    print(f"max_abs_difference_vs_statsmodels: {max_difference:.2e} (CAR and SE)")
    print(f"placebo_1000_dates_20_series_s: {seconds_c:.3f} s")
    print(f"placebo_draws: {draws['draw'].nunique()} dates")


if __name__ == "__main__":
    main()
