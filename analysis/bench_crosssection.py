"""Speed of the cross-sectional regression: ``python -m analysis.bench_crosssection``.

A synthetic study of 300 constituents around 20 measures (on 12 distinct sessions, so some
share a cluster) with amount and turnover in the bars. The study is run first (not timed);
then, after it, one cross-section is timed end to end: the traits derived from the bars
(size, beta, idiosyncratic volatility, turnover, past return, price level), the listing
traits (board, ST) and the merge with a user trait table, the regression with clustered SEs
and its table. Prints ``name: value unit`` lines; the median of repeated runs after a warm-up
(wall clock, and the process's CPU time, which other load on a shared machine does not inflate
as much). Benchmarks print; tests never assert timings.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from analysis.api import study_from_bars
from analysis.event_study import Event, EventStudySpec


def synthetic_inputs(n_instruments: int, n_events: int, seed: int = 16, n_sessions: int = 900):
    """Bars (with amount), a turnover side-table, events and sessions of a synthetic market
    whose event-day reaction grows with size: ``(bars, turnover, events, sessions)``. Events
    come two per session where they can (pooled measures sharing a t0)."""
    rng = np.random.default_rng(seed)
    sessions = pd.bdate_range("2018-01-02", periods=n_sessions)
    symbols = [f"S{i:04d}" for i in range(n_instruments)]
    market = rng.normal(0.0003, 0.01, n_sessions)
    betas = rng.uniform(0.5, 1.5, n_instruments)
    returns = market[:, None] * betas + rng.normal(0, 0.015, (n_sessions, n_instruments))
    size = rng.normal(23.0, 1.0, n_instruments)  # ln float value (yuan)
    distinct = max(1, int(np.ceil(n_events * 0.6)))
    positions = np.linspace(300, n_sessions - 20, distinct).astype(int)
    event_positions = [positions[i % distinct] for i in range(n_events)]
    for position in set(event_positions):
        returns[position] += 0.004 * (size - size.mean()) + rng.normal(0, 0.002)
    closes = 10 * np.cumprod(1 + returns, axis=0)
    market_close = 3000 * np.cumprod(1 + market)
    turnover = np.exp(rng.normal(0.5, 0.5, (n_sessions, n_instruments)))  # % of float
    float_value = np.exp(size) * closes / closes[0]
    amount = float_value * turnover / 100
    dates = np.repeat(sessions.to_numpy(), n_instruments)
    bars = pd.DataFrame(
        {
            "symbol": np.tile(symbols, n_sessions),
            "date": dates,
            "open": closes.ravel(),
            "high": closes.ravel(),
            "low": closes.ravel(),
            "close": closes.ravel(),
            "volume": amount.ravel() / closes.ravel(),
            "amount": amount.ravel(),
        }
    )
    index = pd.DataFrame(
        {
            "symbol": "MKT",
            "date": sessions,
            "open": market_close,
            "high": market_close,
            "low": market_close,
            "close": market_close,
            "volume": 1e9,
            "amount": 1e12,
        }
    )
    side = pd.DataFrame(
        {"symbol": np.tile(symbols, n_sessions), "date": dates, "turnover": turnover.ravel()}
    )
    events = [
        Event(f"measure-{i:02d}", sessions[p], sessions[p]) for i, p in enumerate(event_positions)
    ]
    return pd.concat([bars, index], ignore_index=True), side, events, sessions


def main(argv=None) -> None:
    from analysis.crosssection import cross_section, listing_table, trait_table

    parser = argparse.ArgumentParser(description="PolicyLens cross-section benchmark")
    parser.add_argument("--instruments", type=int, default=300)
    parser.add_argument("--measures", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    bars, turnover, events, sessions = synthetic_inputs(args.instruments, args.measures)
    symbols = sorted(set(bars["symbol"]) - {"MKT"})
    start = time.perf_counter()
    outcome = study_from_bars(bars, symbols, events, EventStudySpec(), sessions, "MKT")
    outcome.car_summary  # noqa: B018
    study_s = time.perf_counter() - start
    rng = np.random.default_rng(1)
    user = pd.DataFrame(
        {"soe": rng.random(len(symbols)) < 0.4, "leverage": rng.uniform(0.1, 0.8, len(symbols))},
        index=pd.Index(symbols, name="symbol"),
    )
    regressors = ["size", "beta", "idio_vol", "turnover", "past_return", "log_price", "soe"]

    def once():
        listing = listing_table(symbols)  # as the page and the CLI do, each time
        traits = trait_table(outcome, user=user, listing=listing, turnover=turnover)
        result = cross_section(outcome, traits, regressors)
        result.to_frame()
        return result

    once()  # warm-up: statsmodels' imports and first-touch memory
    times, cpu = [], []
    for _ in range(args.repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = once()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"study: {args.instruments} constituents x {args.measures} measures")
    print(f"study_s: {study_s:.3f} s (not part of the figure below)")
    print(f"crosssection_with_traits_s: {statistics.median(times):.3f} s (median, target 0.5 s)")
    print(f"crosssection_max_s: {max(times):.3f} s")
    # CPU time of this process: what a shared machine's other load does not add
    print(f"crosssection_cpu_s: {statistics.median(cpu):.3f} s (median)")
    print(f"pairs: {result.n}, clusters: {result.n_clusters}, cov: {result.cov_type}")


if __name__ == "__main__":
    main()
