"""The instrument registry: canonical symbols, names, kinds, segments and akshare mappings."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from data_sources.errors import DataSourceError
from data_sources.schema import check_symbol

_REGISTRY_FILE = Path(__file__).with_name("instruments.yaml")
KINDS = ("index", "sector", "reit", "etf", "stock")

#: The benchmark used when a page or the CLI does not say otherwise.
DEFAULT_BENCHMARK = "000300.SH"


@dataclass(frozen=True)
class Instrument:
    symbol: str
    name_zh: str
    name_en: str
    kind: str
    segments: tuple[str, ...]
    akshare_function: str
    akshare_symbol: str
    listed: pd.Timestamp | None = field(default=None)

    def label(self, language: str = "en") -> str:
        name = self.name_zh if language == "zh" else self.name_en
        return f"{self.symbol} {name}"


@lru_cache(maxsize=1)
def registry() -> dict[str, Instrument]:
    """Load and validate ``instruments.yaml`` once per process."""
    rows = yaml.safe_load(_REGISTRY_FILE.read_text(encoding="utf-8"))
    instruments: dict[str, Instrument] = {}
    for position, row in enumerate(rows, start=1):
        where = f"instruments.yaml entry {position}"
        try:
            symbol = check_symbol(str(row["symbol"]))
            kind = row["kind"]
            if kind not in KINDS:
                raise DataSourceError(f"{where}: kind {kind!r} is not one of {KINDS}")
            listed = row.get("listed")
            instruments[symbol] = Instrument(
                symbol=symbol,
                name_zh=str(row["name_zh"]),
                name_en=str(row["name_en"]),
                kind=kind,
                segments=tuple(row.get("segments") or ()),
                akshare_function=str(row["akshare"]["function"]),
                akshare_symbol=str(row["akshare"]["symbol"]),
                listed=pd.Timestamp(listed) if listed else None,
            )
        except KeyError as missing:
            raise DataSourceError(f"{where}: field {missing} is missing") from None
    return instruments


def get_instrument(symbol: str) -> Instrument:
    try:
        return registry()[symbol]
    except KeyError:
        raise DataSourceError("not in the instrument registry", symbol=symbol) from None


def display_name(symbol: str, language: str = "en") -> str:
    """``"399006.SZ ChiNext Index"`` for a known symbol, the bare symbol for a user's own series."""
    instrument = registry().get(symbol)
    return instrument.label(language) if instrument else symbol
