"""Ways a shard, a status file or an old bars file gets damaged on disk, shared by the store
tests and the reliability part (tests/reliability_store_damage.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from data_sources.base import FetchResult
from data_sources.schema import to_canonical
from data_sources.store import Store, shard_of

SESSIONS = pd.bdate_range("2020-01-02", periods=40)


def closes_of(number: int) -> np.ndarray:
    """Closes no other series shares, so their bytes can be found in a shard file."""
    return 1000.0 + number + np.arange(len(SESSIONS)) / 7.0


def series(symbol: str, number: int, source: str = "import") -> FetchResult:
    bars = to_canonical(pd.DataFrame({"date": SESSIONS, "close": closes_of(number)}), symbol)
    return FetchResult(bars, source, f"file {symbol}.csv" if source == "import" else source)


def same_shard_symbols(count: int, prefix: str = "DMG") -> list[str]:
    target = shard_of(f"{prefix}0")
    found = [f"{prefix}{n}" for n in range(5000) if shard_of(f"{prefix}{n}") == target]
    return found[:count]


def fill(store: Store, victims: list[str], others: list[str]) -> dict[str, int]:
    """Store ``victims`` (which share one shard) and ``others``; return each one's number."""
    numbers = {symbol: n for n, symbol in enumerate(victims + others)}
    store.write_many([series(s, n) for s, n in numbers.items()])
    return numbers


def truncate(path: Path, keep: float = 0.6) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def garbage(path: Path, seed: int = 0) -> None:
    size = max(path.stat().st_size, 64)
    path.write_bytes(np.random.default_rng(seed).bytes(size))


def flip_closes(path: Path, number: int, count: int = 16) -> None:
    """Invert ``count`` bytes inside the close column of series ``number``: the file still
    opens and every close is a plausible float, but two of them changed."""
    data = bytearray(path.read_bytes())
    at = bytes(data).find(closes_of(number).tobytes())
    assert at >= 0, "the closes are not in the file"
    for offset in range(at + 8, at + 8 + count):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


SHARD_DAMAGE = {
    "truncated": truncate,
    "zero-byte": zero_bytes,
    "garbage": garbage,
}
