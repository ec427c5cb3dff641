"""How a study is framed for its reader (issue 13): which instruments and benchmark stand for a
measure's segments (with the measure's own ``segment_overrides``), whether t0 is uncertain
(release time unknown: the day itself or the next session), which sign each response was
expected to have and whether it had it, and which events come before a segment's data.

Pure functions over catalogue rows (a :class:`pandas.Series`, a mapping or a named tuple), used
by :mod:`analysis.api` (one study) and :mod:`analysis.themes` (theme × segment cells) alike.
Catalogue columns added by issue 13 are read defensively (a catalogue without them, e.g. a
user's old export, frames every study as before).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from data_sources import catalogue as _catalogue
from data_sources.messages import Message

#: A segment override that keeps the segment's own benchmark (the catalogue's marker when it
#: has one).
MISSING = getattr(_catalogue, "MISSING", "<segment default>")
SIGNS = ("+", "-", "ambiguous")
#: The two candidate sessions of a measure released on a session day at an unknown time.
UNCERTAIN_T0_WINDOW = (0, 1)
#: What :func:`sign_response` says about a CAR against its expected sign.
AS_EXPECTED, OPPOSITE, AMBIGUOUS, NO_EXPECTATION = "as expected", "opposite", "ambiguous", ""


def _get(row, name: str, default=None):
    """``row[name]`` for a Series, a mapping or a named tuple; ``default`` when absent or NA."""
    if isinstance(row, Mapping | pd.Series):
        value = row.get(name, default)
    else:
        value = getattr(row, name, default)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return default
    return value


# -- catalogue accessors (the catalogue's own when it has them) ---------------------------------


def expected_signs(row) -> dict[str, tuple[str, str]]:
    """``{segment: (sign, reason)}`` of a measure (sign ``+``, ``-`` or ``ambiguous``)."""
    accessor = getattr(_catalogue, "expected_signs", None)
    if accessor is not None and isinstance(row, pd.Series):
        return dict(accessor(row))
    value = _get(row, "expected_sign", ())
    out: dict[str, tuple[str, str]] = {}
    if isinstance(value, Mapping):
        for segment, spec in value.items():
            if isinstance(spec, Mapping):
                out[str(segment)] = (str(spec.get("sign", "")), str(spec.get("reason", "") or ""))
            else:
                out[str(segment)] = (str(spec), "")
        return out
    for item in value or ():
        if len(item) >= 2:
            out[str(item[0])] = (str(item[1]), str(item[2]) if len(item) > 2 else "")
    return out


def segment_override(row, segment: str) -> tuple[tuple[str, ...] | None, str | None]:
    """``(instruments or None, benchmark)`` a measure sets for ``segment``: instruments None
    keeps the segment's; benchmark :data:`MISSING` keeps the segment's, None is the market-wide
    rule (constant mean)."""
    accessor = getattr(_catalogue, "segment_override", None)
    if accessor is not None and isinstance(row, pd.Series):
        instruments, benchmark = accessor(row, segment)
        return (tuple(instruments) if instruments is not None else None), benchmark
    value = _get(row, "segment_overrides", ())
    if isinstance(value, Mapping):
        value = [
            (code, (spec or {}).get("instruments"), (spec or {}).get("benchmark", MISSING))
            for code, spec in value.items()
        ]
    for item in value or ():
        if item and str(item[0]) == segment:
            instruments = item[1] if len(item) > 1 else None
            benchmark = item[2] if len(item) > 2 else MISSING
            return (tuple(instruments) if instruments is not None else None), benchmark
    return None, MISSING


# -- which instruments and benchmark stand for a measure's segments ------------------------------


@dataclass(frozen=True)
class SegmentFrame:
    """How one segment of one measure is measured: its instruments and benchmark (None: the
    market-wide rule), and whether the measure overrides the segment's defaults."""

    segment: str
    instruments: tuple[str, ...]
    benchmark: str | None
    overridden: bool


def _segment_rows(segments: pd.DataFrame | None) -> pd.DataFrame:
    if segments is None:
        from data_sources.instruments import segment_table

        segments = segment_table()
    return segments.set_index("id") if "id" in segments.columns else segments


def segment_frames(row, segments: pd.DataFrame | None = None) -> list[SegmentFrame]:
    """Each segment of a measure with the instruments and benchmark that measure it: the
    segment's (``segments.yaml``), replaced by the measure's ``segment_overrides``."""
    table = _segment_rows(segments)
    frames = []
    for code in _get(row, "segments", ()) or ():
        if code not in table.index:
            continue
        instruments = tuple(table.at[code, "instruments"])
        benchmark = table.at[code, "benchmark"]
        benchmark = benchmark if isinstance(benchmark, str) and benchmark else None
        own_instruments, own_benchmark = segment_override(row, code)
        overridden = own_instruments is not None or own_benchmark != MISSING
        if own_instruments is not None:
            instruments = own_instruments
        if own_benchmark != MISSING:
            benchmark = own_benchmark or None
        frames.append(SegmentFrame(code, instruments, benchmark, overridden))
    return frames


def measure_instruments(rows: Iterable, segments: pd.DataFrame | None = None) -> list[str]:
    """The instruments standing for the segments of these measures, overrides applied, in
    measure and segment order, without repeats."""
    return list(
        dict.fromkeys(
            symbol
            for row in rows
            for frame in segment_frames(row, segments)
            for symbol in frame.instruments
        )
    )


def rows_of(catalogue_rows: pd.DataFrame | None) -> list[pd.Series]:
    if catalogue_rows is None:
        return []
    return [row for _, row in catalogue_rows.iterrows()]


def default_benchmark(rows: Iterable, fallback: str) -> str:
    """The benchmark a study of these measures uses by default: the one their overrides name
    when they name exactly one, else ``fallback``."""
    named = {
        frame.benchmark
        for row in rows
        for frame in segment_frames(row)
        if frame.overridden and frame.benchmark
    }
    return named.pop() if len(named) == 1 else fallback


def overridden_market_wide(rows: Iterable) -> set[str]:
    """Instruments a measure's override puts under the market-wide rule (benchmark null)."""
    return {
        symbol
        for row in rows
        for frame in segment_frames(row)
        if frame.overridden and frame.benchmark is None
        for symbol in frame.instruments
    }


# -- release timing: an uncertain t0 -----------------------------------------------------------


def t0_uncertain(row) -> bool:
    """Whether a measure's t0 is one of two sessions: timing unknown and announced on a
    session day (the market could first react that day or, after an evening release, the
    next session). A non-session announcement day leaves one candidate, the next session."""
    if _get(row, "timing", "") != "unknown":
        return False
    announced, session = _get(row, "announcement_date"), _get(row, "event_session")
    if announced is None or session is None or pd.isna(announced) or pd.isna(session):
        return False
    return pd.Timestamp(session).normalize() == pd.Timestamp(announced).normalize()


def widened_window(window: Sequence[int]) -> tuple[int, int]:
    """``window`` widened to cover both candidate sessions t0 and t0+1."""
    start, end = int(window[0]), int(window[1])
    return (min(start, UNCERTAIN_T0_WINDOW[0]), max(end, UNCERTAIN_T0_WINDOW[1]))


def spec_for_uncertain_t0(spec):
    """An :class:`~analysis.event_study.EventStudySpec` whose event window covers t0 and t0+1
    and whose CAR windows include [0, +1] (the headline of a study with an uncertain t0)."""
    event_window = widened_window(spec.event_window)
    car_windows = tuple(dict.fromkeys([*spec.car_windows, UNCERTAIN_T0_WINDOW]))
    if event_window == tuple(spec.event_window) and car_windows == tuple(spec.car_windows):
        return spec
    return replace(spec, event_window=event_window, car_windows=car_windows)


def uncertain_t0_text(measure_id: str, announced, t0, following) -> str:
    """The note of one measure whose t0 is uncertain."""
    return Message(
        "t0 uncertain for {id}: released {day} at an unknown time, so the market could first "
        "react on {t0} (t0) or, after an evening release, on {t1} (t0+1); the headline "
        "CAR [0, +1] covers both",
        id=measure_id,
        day=f"{pd.Timestamp(announced):%Y-%m-%d}",
        t0=f"{pd.Timestamp(t0):%Y-%m-%d}",
        t1=f"{pd.Timestamp(following):%Y-%m-%d}",
    )


# -- expected signs ------------------------------------------------------------------------------


def sign_response(car: float, expected: str) -> str:
    """Whether a CAR had its expected sign: :data:`AS_EXPECTED`, :data:`OPPOSITE`,
    :data:`AMBIGUOUS` (no sign was expected: theory cuts both ways) or :data:`NO_EXPECTATION`
    (none stated, or no CAR)."""
    if expected == "ambiguous":
        return AMBIGUOUS
    if expected not in ("+", "-") or car is None or not np.isfinite(car) or car == 0:
        return NO_EXPECTATION
    return AS_EXPECTED if (car > 0) == (expected == "+") else OPPOSITE


def instrument_segment(row, instrument: str, segments: pd.DataFrame | None = None) -> str | None:
    """The segment of a measure that ``instrument`` stands for (its first, in the measure's
    segment order), or None."""
    for frame in segment_frames(row, segments):
        if instrument in frame.instruments:
            return frame.segment
    return None


def expectation(row, segment: str | None) -> tuple[str, str]:
    """``(sign, reason)`` a measure expects in ``segment``; ``("", "")`` when it states none."""
    if segment is None:
        return "", ""
    return expected_signs(row).get(segment, ("", ""))


def combined_expectation(parts: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """One expectation for measures merged into one event: their common sign, else
    ambiguous."""
    stated = [(sign, reason) for sign, reason in parts if sign]
    if not stated:
        return "", ""
    signs = {sign for sign, _ in stated}
    reasons = "; ".join(dict.fromkeys(reason for _, reason in stated if reason))
    if len(signs) == 1:
        return signs.pop(), reasons
    return "ambiguous", "merged measures expect different signs: " + reasons


# -- data that start after an event --------------------------------------------------------------


def first_dates(source, symbols: Sequence[str]) -> dict[str, pd.Timestamp]:
    """The first date of each symbol's prices in ``source`` (its coverage when it keeps one)."""
    symbols = list(dict.fromkeys(symbols))
    coverage = getattr(source, "coverage", None)
    if callable(coverage):
        table = coverage()
        table = table[table["symbol"].isin(symbols) & table["first_date"].notna()]
        return {r.symbol: pd.Timestamp(r.first_date) for r in table.itertuples()}
    bars = source.read(symbols)
    if bars is None or bars.empty:
        return {}
    return {s: pd.Timestamp(d) for s, d in bars.groupby("symbol")["date"].min().items()}


def data_start_text(measure_id: str, t0, segment: str | None, symbol: str, first) -> str:
    where = (
        Message("segment {segment}", segment=segment) if segment else Message("the chosen series")
    )
    return Message(
        "{id} (t0 {t0}) comes before the data of {where}: {symbol} starts {first}, so it has "
        "no CAR there",
        id=measure_id,
        t0=f"{pd.Timestamp(t0):%Y-%m-%d}",
        where=where,
        symbol=symbol,
        first=f"{pd.Timestamp(first):%Y-%m-%d}",
    )
