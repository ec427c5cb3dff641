"""Returns aligned on a session calendar.

Prices are first placed on the calendar's sessions (rows on dates that are not sessions are
dropped). A return on session t needs a close on t and on the session before it; when either is
missing — a suspension (停牌), a gap in the file — the return is NaN rather than a multi-session
return booked on one day. Estimation then uses the valid days only (L1 counts them) and event
windows keep counting sessions, so a gap never shifts relative days.

:func:`bridged_returns` is the documented alternative (the study option "attribute the return
over a suspension to the resumption day"): the first session after a run of missing closes
inside a series carries the whole return from the last close before the run; the missing
sessions themselves stay missing (never zero returns).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RETURN_KINDS = ("simple", "log")


def align_to_sessions(prices: pd.DataFrame, sessions: pd.DatetimeIndex) -> pd.DataFrame:
    """Wide prices (dates × instruments) reindexed onto ``sessions``."""
    return prices.reindex(sessions)


def compute_returns(prices: pd.DataFrame | pd.Series, kind: str = "simple"):
    """Simple (P_t/P_{t-1} − 1) or log (ln P_t/P_{t-1}) returns between consecutive rows.

    ``prices`` must already be on the session calendar; a missing price gives NaN returns on
    that session and the next, never a filled value.
    """
    if kind not in RETURN_KINDS:
        raise ValueError(f"returns must be one of {RETURN_KINDS}, got {kind!r}")
    ratio = prices / prices.shift(1)
    with np.errstate(divide="ignore", invalid="ignore"):  # no RuntimeWarning on stderr
        returns = ratio - 1.0 if kind == "simple" else np.log(ratio)
    # a non-finite return (a zero, infinite or underflowing price) is no return: NaN, like a gap
    return returns.where(np.isfinite(returns))


def bridged_returns(prices: pd.DataFrame | pd.Series, kind: str = "simple"):
    """Like :func:`compute_returns`, but the first close after a run of missing closes inside
    a series gets the return from the last close before the run (last close before → first
    close after a suspension); the missing sessions stay NaN. Gaps before a series' first or
    after its last close are not bridged."""
    inside = prices.ffill().where(prices.bfill().notna())
    return compute_returns(inside, kind).where(prices.notna())
