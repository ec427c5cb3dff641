"""Store benchmark: ``python -m data_sources.bench [--instruments 5000] [--sessions 2500]``.

Writes a synthetic panel into a temporary store through the public write path, then times
reading everything back (median of three) and reading the 20 series a typical study needs.
Prints one line per figure, ``name: value unit``. Target (issue 5): reading 5,000 instruments ×
2,500 sessions in ≤ 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import numpy as np
import pandas as pd

from data_sources.base import FetchResult
from data_sources.store import Store


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instruments", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=2500)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    dates = pd.bdate_range("2015-01-05", periods=args.sessions, name="date")
    with tempfile.TemporaryDirectory() as root:
        store = Store(root)
        started = time.perf_counter()
        for number in range(args.instruments):
            close = 10 * np.cumprod(1 + rng.normal(0, 0.02, args.sessions))
            bars = pd.DataFrame(
                {
                    "symbol": f"S{number:05d}",
                    "date": dates,
                    "open": close,
                    "high": close,
                    "low": close,
                    "close": close,
                    "volume": 1e6,
                    "amount": 1e7,
                }
            )
            store.write(FetchResult(bars, "akshare", "benchmark"))
        write_seconds = time.perf_counter() - started
        reads = []
        for _ in range(3):
            started = time.perf_counter()
            frame = store.read()
            reads.append(time.perf_counter() - started)
        started = time.perf_counter()
        store.read([f"S{n:05d}" for n in range(20)])
        twenty = time.perf_counter() - started
    print(f"store: {args.instruments} instruments x {args.sessions} sessions ({len(frame):,} rows)")
    print(
        f"write_all_s: {write_seconds:.1f} s ({1000 * write_seconds / args.instruments:.1f} ms "
        "per series)"
    )
    print(f"read_all_s: {statistics.median(reads):.2f} s")
    print(f"read_20_series_s: {twenty:.3f} s")


if __name__ == "__main__":
    main()
