"""Store benchmark: ``python -m data_sources.bench [--instruments 5000] [--sessions 2500]``.

Bulk-loads a synthetic panel into a temporary store through the public write path
(``Store.write_many``, in batches of 500 series), then times reading everything back (each read
in a fresh process, so no warm caches in this interpreter, median of five), reading the 20
series a typical study needs, and a one-series incremental write into the full store. Prints one
line per figure, ``name: value unit``. Target (issue 5): reading 5,000 instruments × 2,500
sessions in ≤ 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
        batch = []
        for number in range(args.instruments):
            batch.append(FetchResult(_series(rng, f"S{number:05d}", dates), "akshare", "benchmark"))
            if len(batch) == 500 or number == args.instruments - 1:
                store.write_many(batch)
                batch = []
        write_seconds = time.perf_counter() - started
        reads = [_timed_full_read_in_fresh_process(root) for _ in range(5)]
        in_process = []
        for _ in range(3):
            started = time.perf_counter()
            frame = store.read()
            in_process.append(time.perf_counter() - started)
        started = time.perf_counter()
        store.read([f"S{n:05d}" for n in range(20)])
        twenty = time.perf_counter() - started
        started = time.perf_counter()
        store.write(FetchResult(_series(rng, "S00007", dates[-5:]), "akshare", "benchmark"))
        one_write = time.perf_counter() - started
        size_mb = sum(p.stat().st_size for p in Path(root).rglob("*.arrow")) / 2**20
    print(f"store: {args.instruments} instruments x {args.sessions} sessions ({len(frame):,} rows)")
    print(f"bulk_load_s: {write_seconds:.1f} s (write_many, batches of 500)")
    print(f"store_size_mb: {size_mb:.0f} MB")
    print(
        f"read_all_s: {statistics.median(reads):.2f} s (fresh process; median of 5, "
        f"min {min(reads):.2f}, max {max(reads):.2f})"
    )
    print(f"read_all_warm_s: {statistics.median(in_process):.2f} s (same process, median of 3)")
    print(f"read_20_series_s: {twenty:.3f} s")
    print(f"incremental_write_one_series_s: {one_write:.3f} s")


def _series(rng, symbol: str, dates: pd.DatetimeIndex) -> pd.DataFrame:
    close = 10 * np.cumprod(1 + rng.normal(0, 0.02, len(dates)))
    return pd.DataFrame(
        {
            "symbol": symbol,
            "date": dates,
            "open": close,
            "high": close,
            "low": close,
            "close": close,
            "volume": 1e6,
            "amount": 1e7,
        }
    )


def _timed_full_read_in_fresh_process(root: str) -> float:
    code = (
        "import time; from data_sources.store import Store; "
        f"s = Store({root!r}); "
        "t = time.perf_counter(); f = s.read(); print(time.perf_counter() - t)"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    return float(output.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
