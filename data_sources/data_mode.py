"""Which data a view is showing (the data mode), labelled by the providers that produced them.

Derived from the store's per-symbol provenance (never kept as separate state), so the label can
never disagree with the data behind it. Each provider (:mod:`data_sources.providers`) declares
its label and whether it is synthetic, e.g. ``SYNTHETIC DEMO``, ``stored akshare data (as of
2026-11-20)``, ``live akshare``, ``imported files``; a source the registry does not know (a store
written by a provider since removed) is labelled by its stored name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from data_sources.providers import PROVIDERS


@dataclass(frozen=True)
class DataMode:
    label: str  # e.g. "SYNTHETIC DEMO" or "stored akshare data (as of 2026-11-20)"
    synthetic: bool  # any synthetic series in view
    counts: dict[str, int]  # series per source (provider name)
    #: The providers of the series in view (their names), in the order of the label's parts.
    sources: tuple[str, ...] = ()


def _ordered_sources(present: Iterable[str]) -> list[str]:
    """Synthetic sources first (the label must lead with the warning), then the registry's
    order, then sources no registered provider knows, by name."""
    present = set(present)
    registered = [name for name in PROVIDERS if name in present]
    ordered = [n for n in registered if PROVIDERS[n].synthetic]
    ordered += [n for n in registered if not PROVIDERS[n].synthetic]
    return ordered + sorted(present - set(registered))


def data_mode(
    coverage: pd.DataFrame, symbols: Iterable[str] | None = None, live_symbols: Iterable[str] = ()
) -> DataMode:
    """The data mode of ``symbols`` (default: everything stored).

    ``live_symbols`` are those fetched during this app session (labelled with their provider's
    ``live_label``, when it has one).
    """
    frame = coverage[coverage["source"].notna()]
    if symbols is not None:
        frame = frame[frame["symbol"].isin(list(symbols))]
    if frame.empty:
        return DataMode("no data", False, {})
    live = frame["symbol"].isin(set(live_symbols))
    counts = {str(k): int(v) for k, v in frame["source"].value_counts().items()}
    sources = _ordered_sources(counts)
    parts = []
    for name in sources:
        provider = PROVIDERS.get(name)
        rows = frame["source"] == name
        if provider is None:
            parts.append(name)
            continue
        stored = rows
        if provider.live_label is not None:
            if (rows & live).any():
                parts.append(provider.live_label)
            stored = rows & ~live
        if not stored.any():
            continue
        if provider.dated:
            as_of = pd.to_datetime(frame.loc[stored, "fetched_at"]).min()
            parts.append(f"{provider.label} (as of {as_of:%Y-%m-%d})")
        else:
            parts.append(provider.label)
    synthetic = any(name in PROVIDERS and PROVIDERS[name].synthetic for name in sources)
    return DataMode(" + ".join(parts), synthetic, counts, tuple(sources))


def synthetic_symbols(coverage: pd.DataFrame) -> set[str]:
    """The stored symbols whose provider is synthetic (the demo)."""
    frame = coverage[coverage["source"].notna()]
    synthetic = [name for name, provider in PROVIDERS.items() if provider.synthetic]
    return set(frame.loc[frame["source"].isin(synthetic), "symbol"])


def study_pool(coverage: pd.DataFrame) -> list[str]:
    """The stored symbols a study picks by default: only real series once any real series is
    stored (a demo series must never slip into a study of real data through a default); every
    stored series when only the demo is there."""
    stored = list(coverage.loc[coverage["source"].notna(), "symbol"])
    demo = synthetic_symbols(coverage)
    real = [symbol for symbol in stored if symbol not in demo]
    return real if real else stored


def data_vintage(coverage: pd.DataFrame, symbols: Iterable[str]) -> str:
    """Per-series provenance, e.g. ``399006.SZ: akshare ... fetched 2026-11-24T08:00:00Z``."""
    indexed = coverage.set_index("symbol")
    parts = []
    for symbol in dict.fromkeys(symbols):
        if symbol not in indexed.index or pd.isna(indexed.at[symbol, "source"]):
            parts.append(f"{symbol}: not stored")
            continue
        row = indexed.loc[symbol]
        provider = PROVIDERS.get(row["source"])
        verb = provider.verb if provider is not None else "fetched"
        adjustment = row.get("adjustment")
        parts.append(
            f"{symbol}: {row['detail']} {verb} {row['fetched_at']}, "
            f"{row['first_date']:%Y-%m-%d} to {row['last_date']:%Y-%m-%d}"
            + (f", prices {adjustment}" if isinstance(adjustment, str) and adjustment else "")
        )
    return "; ".join(parts)


@dataclass(frozen=True)
class StoreMix:
    """How many real and SYNTHETIC demo series the store holds, and the real ones' data mode
    (what the banner says of a store that holds both)."""

    real: int
    demo: int
    real_mode: DataMode


def store_mix(coverage: pd.DataFrame, live_symbols: Iterable[str] = ()) -> StoreMix:
    stored = list(coverage.loc[coverage["source"].notna(), "symbol"])
    demo = synthetic_symbols(coverage)
    real = [symbol for symbol in stored if symbol not in demo]
    return StoreMix(len(real), len(stored) - len(real), data_mode(coverage, real, live_symbols))


def benchmark_candidates(pool: Iterable[str], instruments: Iterable[str] = ()) -> list[str]:
    """The benchmarks a study may fall back on, from its pool, when its segments' own benchmark
    is not in it (a demo CSI 300 beside real series): the registry's indices that are not among
    the study's ``instruments``, the default benchmark first, then the all-A-share segment's
    indices, then the rest. Empty when there is none: the study then has no market to regress
    on and defaults to the constant-mean model."""
    from data_sources.instruments import DEFAULT_BENCHMARK, registry, segment_table

    pool = list(pool)
    studied = set(instruments)
    broad = [DEFAULT_BENCHMARK, *segment_table().set_index("id").at["ALL", "instruments"]]
    indices = [s for s in pool if s in registry() and registry()[s].kind == "index"]
    ordered = [s for s in broad if s in indices] + [s for s in indices if s not in broad]
    return [s for s in dict.fromkeys(ordered) if s not in studied]
