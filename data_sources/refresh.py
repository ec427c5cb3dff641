"""Refreshing stored series from akshare: incremental, retried, polite, never all-or-nothing.

* Incremental: a series already stored from akshare is fetched from ``overlap`` sessions before
  its last stored session (sources revise recent bars), and merged; anything else (nothing
  stored, or the synthetic demo) is fetched from ``FETCH_START`` and replaces what was there.
* Failures: akshare's many exception types arrive as :class:`DataSourceError`. Transient ones
  (connection errors, time-outs, HTTP 429/5xx, a truncated or non-JSON body) are retried with
  exponential back-off; the rest (unknown symbol, changed columns) are not. One instrument's
  failure never stops the batch; its error is recorded in the store and its data stay as they
  were.
* Politeness: at most ``workers`` requests at once and a pause of ``delay`` seconds after each
  (these endpoints throttle). ``cancel`` (a threading.Event) stops before the next instrument;
  every write is atomic, so a cancelled refresh leaves complete series only.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

import pandas as pd

from data_sources.akshare_source import AkshareSource
from data_sources.base import BarQuery, BarSource
from data_sources.errors import DataSourceError
from data_sources.store import Store
from data_sources.trading_calendar import all_sessions

FETCH_START = pd.Timestamp("2018-01-01")
OVERLAP_SESSIONS = 5


@dataclass(frozen=True)
class RefreshOutcome:
    symbol: str
    status: str  # "ok" | "failed" | "cancelled"
    rows_fetched: int = 0
    rows_stored: int = 0
    attempts: int = 0
    start: pd.Timestamp | None = None
    message: str = ""


def is_transient(error: DataSourceError) -> bool:
    """Worth retrying: the network or the server hiccuped, not a wrong symbol or schema."""
    import requests  # only needed once a fetch failed

    cause = error.__cause__
    if isinstance(cause, requests.HTTPError) and cause.response is not None:
        return cause.response.status_code == 429 or cause.response.status_code >= 500
    return isinstance(
        cause,
        requests.ConnectionError
        | requests.Timeout
        | requests.exceptions.ChunkedEncodingError
        | json.JSONDecodeError,
    )


def incremental_start(store: Store, symbol: str, overlap: int = OVERLAP_SESSIONS) -> pd.Timestamp:
    """First date to fetch for ``symbol`` (see the module docstring).

    Reads the symbol's own provenance, not the whole coverage table: a refresh of thousands of
    instruments calls this once per instrument."""
    stored = store.provenance(symbol)
    if not stored or stored.get("source") != "akshare" or not stored.get("last_date"):
        return FETCH_START
    sessions = all_sessions()
    position = sessions.searchsorted(pd.Timestamp(stored["last_date"]))
    return max(sessions[max(position - overlap, 0)], FETCH_START)


def refresh_one(
    symbol: str,
    store: Store,
    source: BarSource,
    *,
    overlap: int = OVERLAP_SESSIONS,
    retries: int = 3,
    backoff: float = 1.0,
    sleep: Callable | None = None,
) -> RefreshOutcome:
    start = incremental_start(store, symbol, overlap)
    attempts = 0
    while True:
        attempts += 1
        try:
            result = source.fetch(BarQuery(symbol, start=start))
            break
        except DataSourceError as error:
            if is_transient(error) and attempts <= retries:
                (sleep or time.sleep)(backoff * 2 ** (attempts - 1))
                continue
            store.record_error(symbol, str(error))
            return RefreshOutcome(
                symbol, "failed", attempts=attempts, start=start, message=error.reason
            )
    try:
        stored = store.write(result)
    except DataSourceError as error:
        store.record_error(symbol, str(error))
        return RefreshOutcome(
            symbol, "failed", len(result.bars), attempts=attempts, start=start, message=error.reason
        )
    return RefreshOutcome(symbol, "ok", len(result.bars), stored, attempts, start)


def refresh(
    symbols: Sequence[str],
    store: Store,
    source: BarSource | None = None,
    *,
    workers: int = 2,
    delay: float = 0.5,
    overlap: int = OVERLAP_SESSIONS,
    retries: int = 3,
    backoff: float = 1.0,
    progress: Callable[[int, int, RefreshOutcome], None] | None = None,
    cancel: threading.Event | None = None,
    sleep: Callable | None = None,
) -> list[RefreshOutcome]:
    """Refresh every symbol; returns one outcome per symbol, in the order given."""
    source = source or AkshareSource()
    symbols = list(dict.fromkeys(symbols))
    outcomes: dict[str, RefreshOutcome] = {}

    def task(symbol: str) -> RefreshOutcome:
        if cancel is not None and cancel.is_set():
            return RefreshOutcome(symbol, "cancelled", message="cancelled before fetching")
        outcome = refresh_one(
            symbol, store, source, overlap=overlap, retries=retries, backoff=backoff, sleep=sleep
        )
        if delay:
            (sleep or time.sleep)(delay)
        return outcome

    # progress is reported from the calling thread (Streamlit cannot draw from workers)
    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    futures = [pool.submit(task, symbol) for symbol in symbols]
    try:
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[outcome.symbol] = outcome
            if progress is not None:
                progress(len(outcomes), len(symbols), outcome)
    except BaseException:
        # Interrupted (Ctrl-C, or Streamlit stopping the script when the user presses Cancel or
        # Stop): no instrument that has not started will start; the at most ``workers`` fetches
        # under way finish in the background and each commits atomically or not at all.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return [outcomes[symbol] for symbol in symbols]
