"""The demo provider: a deterministic SYNTHETIC dataset, so the app works on a fresh machine with
no network (:mod:`data_sources.bootstrap` seeds an empty store with it).

Nothing here is market data. Returns follow a one-factor structure on real Shanghai sessions
(2019-01-02 onward): a market factor with GARCH(1,1) volatility clustering and Student-t(5) shocks,
a small-cap/growth factor, per-instrument betas and idiosyncratic noise at realistic volatilities,
and a volume series that rises with absolute returns. No policy effect is planted: abnormal
returns in the demo are noise by construction. The same call always yields the same numbers
(fixed seeds; extending the end date only appends sessions).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from data_sources.base import BarQuery, BarSource, Provider
from data_sources.errors import DataSourceError
from data_sources.instruments import registry
from data_sources.schema import CANONICAL_COLUMNS
from data_sources.trading_calendar import library_sessions

DEMO_START = pd.Timestamp("2019-01-02")
MARKET_SEED = 20200727
SYNTHETIC_LABEL = "SYNTHETIC DEMO"


@dataclass(frozen=True)
class _Profile:
    start_level: float
    beta: float
    size_loading: float  # exposure to the small-cap/growth factor
    idio_vol: float  # daily idiosyncratic volatility
    volume_scale: float
    first_date: str = "2019-01-02"


_PROFILES: dict[str, _Profile] = {
    "000300.SH": _Profile(3010.0, 1.00, 0.00, 0.0020, 1.2e10),
    "000001.SH": _Profile(2465.0, 0.90, 0.05, 0.0030, 2.5e10),
    "399001.SZ": _Profile(7150.0, 1.10, 0.30, 0.0040, 3.0e10),
    "000905.SH": _Profile(4200.0, 1.05, 0.70, 0.0050, 1.0e10),
    "000852.SH": _Profile(4300.0, 1.10, 0.90, 0.0060, 1.1e10),
    "399006.SZ": _Profile(1250.0, 1.25, 0.80, 0.0080, 8.0e9),
    "000688.SH": _Profile(1000.0, 1.30, 1.00, 0.0100, 3.0e9, "2020-01-02"),
    "899050.BJ": _Profile(1000.0, 0.90, 1.20, 0.0150, 5.0e8, "2022-04-29"),
    "399975.SZ": _Profile(560.0, 1.40, 0.20, 0.0120, 4.0e9),
    "399986.SZ": _Profile(5300.0, 0.70, -0.30, 0.0080, 2.0e9),
    "399809.SZ": _Profile(1100.0, 1.10, -0.10, 0.0120, 8.0e8),
    "399393.SZ": _Profile(1900.0, 1.00, 0.10, 0.0140, 1.5e9),
    "932000.CSI": _Profile(1000.0, 1.10, 1.20, 0.0080, 9.0e9),
    "801790.SI": _Profile(1800.0, 1.30, 0.10, 0.0100, 6.0e9),
    "801193.SI": _Profile(6500.0, 1.40, 0.20, 0.0110, 4.0e9),
    "801780.SI": _Profile(3000.0, 0.70, -0.30, 0.0080, 2.0e9),
    "BK0473.EM": _Profile(900.0, 1.40, 0.20, 0.0115, 4.0e9),
    "BK0475.EM": _Profile(1100.0, 0.70, -0.30, 0.0085, 2.0e9),
    "513050.SH": _Profile(1.50, 0.70, 0.40, 0.0180, 1.5e9),
    "510900.SH": _Profile(1.20, 0.80, -0.20, 0.0100, 8.0e8),
    "511010.SH": _Profile(120.0, -0.02, 0.00, 0.0010, 5.0e6),
}
_DEFAULTS_BY_KIND = {
    "index": _Profile(1000.0, 1.0, 0.3, 0.006, 5e9),
    "sector": _Profile(1000.0, 1.0, 0.2, 0.012, 2e9),
    "stock": _Profile(10.0, 0.6, 0.0, 0.012, 2e7),  # the registry's stocks: toll-road operators
    "etf": _Profile(1.0, 1.0, 0.1, 0.004, 2e8),
    "reit": _Profile(4.0, 0.15, 0.0, 0.0090, 2e6, "2021-06-21"),
}


def _profile(symbol: str) -> _Profile:
    if symbol in _PROFILES:
        return _PROFILES[symbol]
    instrument = registry().get(symbol)
    if instrument is None:
        raise DataSourceError("no synthetic profile: not in the instrument registry", symbol=symbol)
    base = _DEFAULTS_BY_KIND[instrument.kind]
    if instrument.listed is not None:
        first = max(pd.Timestamp(base.first_date), instrument.listed)
        base = _Profile(**{**base.__dict__, "first_date": f"{first:%Y-%m-%d}"})
    return base


def _demo_sessions() -> pd.DatetimeIndex:
    # The library's sessions only: the draws cover every demo session, so inferred sessions
    # (which change with a fetched calendar, the store and the year) would change the demo.
    sessions = library_sessions()
    return sessions[sessions >= DEMO_START]


@lru_cache(maxsize=2)
def _factors(n_sessions: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Market returns, market conditional volatility and the size factor (all length n).

    Shared by every instrument and computed once (the GARCH loop is a Python loop: run again
    for each of the demo's 28 series it took a tenth of the first run). Read-only, as every
    caller gets the same arrays.
    """
    rng = np.random.default_rng(MARKET_SEED)
    shocks = rng.standard_t(df=5, size=n_sessions) / np.sqrt(5 / 3)  # unit variance
    omega, alpha, persistence = 3.0e-6, 0.08, 0.90  # long-run daily vol √(ω/(1−α−β)) ≈ 1.2 %
    variance = np.empty(n_sessions)
    market = np.empty(n_sessions)
    variance[0] = omega / (1 - alpha - persistence)
    for t in range(n_sessions):  # the GARCH recursion is inherently sequential
        if t:
            variance[t] = omega + alpha * market[t - 1] ** 2 + persistence * variance[t - 1]
        market[t] = 0.0002 + np.sqrt(variance[t]) * shocks[t]
    size = 0.006 * rng.standard_t(df=5, size=n_sessions) / np.sqrt(5 / 3)
    factors = market, np.sqrt(variance), size
    for array in factors:
        array.flags.writeable = False
    return factors


def demo_bars(symbol: str, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Synthetic canonical bars for ``symbol`` from its first demo date to ``end`` (or today)."""
    profile = _profile(symbol)
    sessions = _demo_sessions()
    market, market_vol, size = _factors(len(sessions))
    rng = np.random.default_rng([MARKET_SEED, zlib.crc32(symbol.encode())])
    # Every random draw covers all demo sessions before any trimming, so a later end date (or
    # another instrument's first date) never changes the numbers already generated.
    n_sessions = len(sessions)
    idio = profile.idio_vol * rng.standard_t(df=5, size=n_sessions) / np.sqrt(5 / 3)
    gap_noise = 0.001 * rng.standard_normal(n_sessions)
    range_noise = np.abs(rng.standard_normal(n_sessions))
    volume_noise = 0.25 * rng.standard_normal(n_sessions)
    returns = profile.beta * market + profile.size_loading * size + idio
    keep = sessions >= pd.Timestamp(profile.first_date)
    end = pd.Timestamp.today().normalize() if end is None else pd.Timestamp(end)
    keep &= sessions <= end
    if not keep.any():
        raise DataSourceError("no synthetic sessions in range", symbol=symbol, source="demo")
    returns, market_vol = returns[keep], market_vol[keep]
    gap_noise, range_noise, volume_noise = gap_noise[keep], range_noise[keep], volume_noise[keep]
    dates = sessions[keep]
    close = profile.start_level * np.cumprod(1.0 + returns)
    previous = np.concatenate([[profile.start_level], close[:-1]])
    open_ = previous * (1.0 + 0.25 * returns + gap_noise)
    spread = range_noise * market_vol * 0.6
    high = np.maximum(open_, close) * (1.0 + spread)
    low = np.minimum(open_, close) * (1.0 - spread)
    activity = 1.0 + 25.0 * np.abs(returns) + volume_noise
    volume = profile.volume_scale * np.clip(activity, 0.2, None)
    frame = pd.DataFrame(
        {
            "symbol": symbol,
            "date": dates.astype("datetime64[ns]"),
            "open": open_,
            "high": high,
            "low": low,
            "close": close,
            "volume": np.round(volume),
            "amount": np.round(volume * (open_ + close) / 2.0, 2),
        }
    )
    return frame[CANONICAL_COLUMNS]


def demo_symbols() -> list[str]:
    """Every registry instrument, each gets a synthetic series."""
    return list(registry())


def serves(symbol: str) -> bool:
    return symbol in registry()


class DemoSource(BarSource):
    """The synthetic demo as a bar source."""

    source_kind = "demo"

    def transform_query(self, query: BarQuery) -> dict:
        return {"end": query.end}

    def extract(self, query: BarQuery, params: dict) -> pd.DataFrame:
        return demo_bars(query.symbol, params["end"])

    def transform_data(self, query: BarQuery, raw: pd.DataFrame) -> pd.DataFrame:
        from data_sources.prices import SYNTHETIC

        raw.attrs["price_record"] = {"adjustment": SYNTHETIC}
        return raw

    def describe(self, query: BarQuery, params: dict) -> str:
        return f"{SYNTHETIC_LABEL} (seed {MARKET_SEED})"


PROVIDER = Provider(
    DemoSource,
    label=SYNTHETIC_LABEL,
    serves=serves,
    serves_text="every instrument in the instrument registry (simulated)",
    synthetic=True,
    verb="generated",
)
