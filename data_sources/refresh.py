"""Refreshing stored series from their providers: incremental, retried, polite, never
all-or-nothing.

* Provider: each symbol is fetched by the first registered provider that serves it
  (:func:`data_sources.providers.provider_for`: akshare for every instrument it knows), unless
  the caller passes one source for all.
* Incremental: a series already stored from the same provider, when that provider can refresh
  incrementally (akshare can), is fetched from ``overlap`` sessions before its last stored
  session (sources revise recent bars), and merged; anything else (nothing stored, the synthetic
  demo, an import) is fetched from ``FETCH_START`` and replaces what was there.
* Failures: a provider's own exception types arrive as :class:`DataSourceError`. Transient ones
  (connection errors, time-outs, HTTP 429/5xx, a truncated or non-JSON body) are retried with
  exponential back-off; the rest (unknown symbol, changed columns) are not. One instrument's
  failure never stops the batch; its error is recorded in the store and its data stay as they
  were.
* Politeness: one request at a time by default (``workers``) and a pause drawn between
  ``delay`` = (1.0, 2.0) seconds after each: Eastmoney disconnects or blocks addresses that
  fetch fast, and an even rhythm looks like a robot. Every request is time-limited
  (:mod:`data_sources.network`), so a stalled connection ends in a time-out, not a hang.
* Throttling: after ``THROTTLE_LIMIT`` instruments in a row fail on a disconnect, a refusal
  (HTTP 403/429) or a time-out, retries included, the source is blocking this address; the
  batch stops, and the instruments not attempted are listed (status ``skipped``) with a
  message saying when to try again. ``cancel`` (a threading.Event) stops before the next
  instrument; every write is atomic, so a cancelled or stopped refresh leaves complete series.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

import pandas as pd

from data_sources.base import BarQuery, BarSource
from data_sources.errors import DataSourceError
from data_sources.providers import PROVIDERS, provider_for
from data_sources.store import Store
from data_sources.trading_calendar import all_sessions

FETCH_START = pd.Timestamp("2018-01-01")
OVERLAP_SESSIONS = 5
#: Seconds to pause after each instrument, drawn uniformly from this range.
DEFAULT_DELAY = (1.0, 2.0)
#: Instruments in a row failing on a disconnect, refusal or time-out before a batch stops.
THROTTLE_LIMIT = 3
#: When to try again after a stop (such blocks are reported to last from minutes to hours).
RETRY_AFTER = "again in 30 minutes or more"


@dataclass(frozen=True)
class RefreshOutcome:
    symbol: str
    status: str  # "ok" | "failed" | "cancelled" | "skipped" (the source was throttling)
    rows_fetched: int = 0
    rows_stored: int = 0
    attempts: int = 0
    start: pd.Timestamp | None = None
    message: str = ""
    #: Failed on a disconnect, refusal or time-out (counts towards stopping the batch).
    throttled: bool = False


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


def is_throttling(error: DataSourceError) -> bool:
    """The source refused, dropped or ignored the request: the signs of an address being
    throttled or blocked, as opposed to a server error or a bad reply."""
    import requests

    cause = error.__cause__
    if isinstance(cause, requests.HTTPError) and cause.response is not None:
        return cause.response.status_code in (403, 429)
    return isinstance(
        cause,
        requests.ConnectionError | requests.Timeout | requests.exceptions.ChunkedEncodingError,
    )


SKIPPED_MESSAGE = f"not attempted: the source is throttling this connection; try {RETRY_AFTER}"


def throttling_summary(outcomes: Sequence[RefreshOutcome]) -> str | None:
    """One sentence on a batch stopped for throttling (``None`` if it was not)."""
    skipped = [outcome.symbol for outcome in outcomes if outcome.status == "skipped"]
    if not skipped:
        return None
    return (
        f"The source is throttling this connection (instruments in a row were disconnected, "
        f"refused or timed out), so the refresh stopped; {len(skipped)} not attempted: "
        f"{', '.join(skipped)}. Try {RETRY_AFTER}."
    )


def _pause(delay: float | tuple[float, float]) -> float:
    if isinstance(delay, tuple):
        return random.uniform(*delay)
    return delay


def incremental_start(
    store: Store, symbol: str, overlap: int = OVERLAP_SESSIONS, source: str | None = None
) -> pd.Timestamp:
    """First date to fetch for ``symbol`` (see the module docstring); ``source`` is the name of
    the provider about to fetch it (None: whichever stored the series).

    Reads the symbol's own provenance, not the whole coverage table: a refresh of thousands of
    instruments calls this once per instrument."""
    stored = store.provenance(symbol)
    if not stored or not stored.get("last_date"):
        return FETCH_START
    stored_by = PROVIDERS.get(stored.get("source"))
    if stored_by is None or not stored_by.incremental:
        return FETCH_START
    if source is not None and source != stored_by.name:
        return FETCH_START
    sessions = all_sessions()
    position = sessions.searchsorted(pd.Timestamp(stored["last_date"]))
    return max(sessions[max(position - overlap, 0)], FETCH_START)


def refresh_one(
    symbol: str,
    store: Store,
    source: BarSource | None = None,
    *,
    overlap: int = OVERLAP_SESSIONS,
    retries: int = 3,
    backoff: float = 1.0,
    sleep: Callable | None = None,
) -> RefreshOutcome:
    """Fetch and store one symbol with ``source`` (default: the provider that serves it)."""
    try:
        source = source or provider_for(symbol).fetcher()
    except DataSourceError as error:
        store.record_error(symbol, str(error))
        return RefreshOutcome(symbol, "failed", message=error.reason)
    start = incremental_start(store, symbol, overlap, getattr(source, "source_kind", None))
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
                symbol,
                "failed",
                attempts=attempts,
                start=start,
                message=error.reason,
                throttled=is_throttling(error),
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
    workers: int = 1,
    delay: float | tuple[float, float] = DEFAULT_DELAY,
    overlap: int = OVERLAP_SESSIONS,
    retries: int = 3,
    backoff: float = 1.0,
    throttle_limit: int = THROTTLE_LIMIT,
    progress: Callable[[int, int, RefreshOutcome], None] | None = None,
    cancel: threading.Event | None = None,
    sleep: Callable | None = None,
) -> list[RefreshOutcome]:
    """Refresh every symbol; returns one outcome per symbol, in the order given.

    ``delay`` is a pause in seconds after each instrument, or a (low, high) range to draw it
    from. After ``throttle_limit`` throttled failures in a row the rest are ``skipped``.
    ``source`` fetches every symbol; by default each comes from the provider serving it."""
    symbols = list(dict.fromkeys(symbols))
    outcomes: dict[str, RefreshOutcome] = {}
    throttled = threading.Event()
    count_lock, in_a_row = threading.Lock(), [0]

    def task(symbol: str) -> RefreshOutcome:
        if cancel is not None and cancel.is_set():
            return RefreshOutcome(symbol, "cancelled", message="cancelled before fetching")
        if throttled.is_set():
            return RefreshOutcome(symbol, "skipped", message=SKIPPED_MESSAGE)
        outcome = refresh_one(
            symbol, store, source, overlap=overlap, retries=retries, backoff=backoff, sleep=sleep
        )
        # counted here, not where outcomes are collected: the next instrument must not start
        # after the one that completes the run of throttled failures
        with count_lock:
            in_a_row[0] = in_a_row[0] + 1 if outcome.throttled else 0
            if in_a_row[0] >= throttle_limit:
                throttled.set()
        pause = _pause(delay)
        if pause:
            (sleep or time.sleep)(pause)
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
