"""The instrument registry (canonical symbols, names, kinds, listing dates) and the segment map:
which instruments stand for each market segment and which benchmark each is measured against
(``catalogue/segments.yaml``). Only canonical facts live here; how a source fetches an
instrument is in that source's provider module (akshare's: ``akshare_source.akshare_call``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from data_sources.errors import DataSourceError
from data_sources.schema import check_symbol

_REGISTRY_FILE = Path(__file__).with_name("instruments.yaml")
_SEGMENTS_FILE = Path(__file__).with_name("catalogue") / "segments.yaml"
#: libyaml's safe loader when PyYAML was built with it (as data_sources.catalogue reads YAML).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
KINDS = ("index", "sector", "reit", "etf", "stock")

#: The benchmark used when a page or the CLI does not say otherwise.
DEFAULT_BENCHMARK = "000300.SH"


@dataclass(frozen=True)
class Instrument:
    symbol: str
    name_zh: str
    name_en: str
    kind: str
    segments: tuple[str, ...]  # from catalogue/segments.yaml
    listed: pd.Timestamp | None = field(default=None)

    def label(self, language: str = "en") -> str:
        name = self.name_zh if language == "zh" else self.name_en
        return f"{self.symbol} {name}"


def _load_yaml(path: Path):
    """A shipped YAML file, read with libyaml's safe loader when PyYAML has it (the pure-Python
    loader took a tenth of a second of the first page for these two files)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)


@lru_cache(maxsize=1)
def segment_table() -> pd.DataFrame:
    """Segments: id, name_zh, name_en, instruments (tuple), benchmark (symbol or None), note,
    alternatives (tuple)."""
    rows = _load_yaml(_SEGMENTS_FILE)
    frame = pd.DataFrame(rows)
    frame["instruments"] = frame["instruments"].map(lambda v: tuple(str(s) for s in v or ()))
    # object dtype: pandas 3 would infer a string column and turn None (market-wide) into NaN
    frame["benchmark"] = pd.Series(
        [str(v) if isinstance(v, str) and v else None for v in frame["benchmark"]], dtype=object
    )
    frame["note"] = frame.get("note", pd.Series(dtype=object)).fillna("")
    # Other indices of the same segment (Shenwan, Eastmoney boards): offered for fetching and
    # choosing in a study, never added to a segment's defaults (they would count the same
    # sector twice in a CAAR).
    alternatives = frame.get("alternatives", pd.Series([None] * len(frame)))
    frame["alternatives"] = alternatives.map(
        lambda v: tuple(str(s) for s in v) if isinstance(v, list) else ()
    )
    return frame


@lru_cache(maxsize=1)
def registry() -> dict[str, Instrument]:
    """Load and validate ``instruments.yaml`` and the segment map once per process."""
    rows = _load_yaml(_REGISTRY_FILE)
    segments_of: dict[str, list[str]] = {}
    for segment in segment_table().itertuples():
        for symbol in segment.instruments + segment.alternatives:
            segments_of.setdefault(symbol, []).append(segment.id)
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
                segments=tuple(segments_of.get(symbol, ())),
                listed=pd.Timestamp(listed) if listed else None,
            )
        except KeyError as missing:
            raise DataSourceError(f"{where}: field {missing} is missing") from None
    segments = segment_table()
    unknown = sorted(set(segments_of) - set(instruments))
    unknown += [b for b in segments["benchmark"].dropna() if b not in instruments]
    if unknown:
        raise DataSourceError(f"segments.yaml names symbols not in instruments.yaml: {unknown}")
    return instruments


def segment_instruments(segment_codes) -> list[str]:
    """Instruments standing for any of ``segment_codes``, in segment-map order, no repeats."""
    table = segment_table().set_index("id")
    symbols = [
        s for code in segment_codes if code in table.index for s in table.at[code, "instruments"]
    ]
    return list(dict.fromkeys(symbols))


def market_wide_instruments() -> set[str]:
    """Instruments of segments with no benchmark (all A-shares, main boards, bonds): measured
    with the constant-mean model, because a market model would regress the market on itself."""
    table = segment_table()
    wide = table[table["benchmark"].isna()]
    return {symbol for symbols in wide["instruments"] for symbol in symbols}


def get_instrument(symbol: str) -> Instrument:
    """The registry entry, or for any A-share, ETF, C-REIT, Eastmoney board or Shenwan index
    code an entry derived from the exchanges' code ranges (indices are never guessed: 000001.SH
    is an index, 000001.SZ a bank, so indices must be in the registry)."""
    if symbol in registry():
        return registry()[symbol]
    derived = _derived_instrument(symbol)
    if derived is None:
        raise DataSourceError(
            "not in the instrument registry, and not an A-share, ETF, C-REIT, Eastmoney "
            "board or Shenwan index code (e.g. 600030.SH, 512880.SH, 508000.SH, BK0473.EM, "
            "801193.SI)",
            symbol=symbol,
        )
    return derived


def _derived_instrument(symbol: str) -> Instrument | None:
    if re.fullmatch(r"BK\d{4}\.(EM|EMC)", symbol):  # Eastmoney industry (EM) or concept (EMC) board
        return Instrument(symbol, symbol, symbol, "sector", ())
    if re.fullmatch(r"8\d{5}\.SI", symbol):  # Shenwan industry index (Wind's .SI suffix)
        return Instrument(symbol, symbol, symbol, "sector", ())
    match = re.fullmatch(r"(\d{6})\.(SH|SZ|BJ)", symbol)
    if not match:
        return None
    code, exchange = match.groups()
    stock = (
        (exchange == "SH" and code[0] == "6")
        or (exchange == "SZ" and code[:2] in ("00", "30"))
        or (exchange == "BJ" and code[:2] in ("43", "83", "87", "88", "92"))
    )
    fund = (exchange == "SH" and code[0] == "5") or (
        exchange == "SZ" and code[:2] in ("15", "16", "18")
    )
    if stock:
        return Instrument(symbol, symbol, symbol, "stock", ())
    if fund:
        kind = "reit" if code[:3] in ("508", "180") else "etf"
        return Instrument(symbol, symbol, symbol, kind, ())
    return None


def display_name(symbol: str, language: str = "en") -> str:
    """``"399006.SZ ChiNext Index"`` for a known symbol, the bare symbol for a user's own series."""
    instrument = registry().get(symbol)
    return instrument.label(language) if instrument else symbol


#: ``sh.600030`` (baostock), ``sh600030``, ``SH600030`` (Xueqiu): exchange first.
_EXCHANGE_FIRST = re.compile(r"(?i)(sh|sz|bj)\.?(\d{6})")
#: ``600030.SH`` (tushare's ts_code, iFinD's thscode, Wind): exchange last, any case.
_EXCHANGE_LAST = re.compile(r"(?i)(\d{6})\.(sh|sz|bj)")


def code_candidates(text: object) -> list[str]:
    """The canonical symbols a code as files write it may stand for, registry entries first.

    ``sh.600030``, ``SH600030`` and ``600030.sh`` name their exchange: one symbol. A bare
    six-digit code takes each exchange whose symbol the registry knows or
    :func:`get_instrument` derives from the code ranges (6xxxxx → .SH, 00/30xxxx → .SZ,
    43/83/87/88/92xxxx → .BJ, funds 5xxxxx → .SH, 15/16/18xxxx → .SZ): ``600030`` → one,
    ``000001`` → two (the SSE Composite index and a Shenzhen bank), ``399437`` → none (an index
    the registry does not know is never guessed). A canonical symbol the registry knows or
    derives (``BK0473.EM``, ``932000.CSI``) is itself; anything else gives no candidate."""
    code = str(text).strip() if text is not None else ""
    if match := _EXCHANGE_FIRST.fullmatch(code):
        return [f"{match.group(2)}.{match.group(1).upper()}"]
    if match := _EXCHANGE_LAST.fullmatch(code):
        return [f"{match.group(1)}.{match.group(2).upper()}"]
    if re.fullmatch(r"\d{6}", code):
        possible = [f"{code}.{exchange}" for exchange in ("SH", "SZ", "BJ")]
        known = [s for s in possible if s in registry()]
        return known + [s for s in possible if s not in known and _derived_instrument(s)]
    if code in registry() or _derived_instrument(code) is not None:
        return [code]
    return []
