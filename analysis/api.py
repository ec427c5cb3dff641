"""One study API for notebooks, the command line and the dashboard.

A study is asked for with a :class:`StudyRequest` and answered with a :class:`StudyOutcome`::

    from analysis.api import StudyRequest, run_study

    outcome = run_study(StudyRequest(measures=("chinext-first-listings-2020",),
                                     instruments=("399006.SZ",), benchmark="000300.SH"))
    print(outcome.summary())
    outcome.to_frame()          # the CAR table
    outcome.write("out/")       # every CSV and parameters.json

Everything between the two happens here, once, for every front end:

1. **Resolve** (:func:`resolve`): measures → event dates and sessions t0 from the catalogue (ad-hoc
   dates → the next session of the chosen calendar); instruments (the stored instruments of the
   segments the measures touch when none are named); the benchmark; the market-wide rule
   (market-wide indices measured with the constant-mean model, so a broad benchmark does not
   regress the market's own reaction away); overlapping event windows (:mod:`analysis.overlaps`:
   warn, merge or drop, against the rest of the catalogue); estimation windows that contain
   another event's window (reported; those sessions left out of that event's estimation when
   ``clean_estimation``); the sessions that define relative days; the data mode and vintage
   from the source's provenance.
2. **Run** (:func:`run`): prices → returns on the calendar, the event study
   (:func:`analysis.event_study.run_event_study`), the placebo, abnormal volume and volatility.
3. **The outcome** is built once and never changed: tables, diagnostics and notes as typed
   records, the resolved parameters, the structured :class:`~data_sources.data_mode.DataMode`,
   and the exports (CSV bytes, ``parameters.json``, one ZIP).

The dashboard's Event study page, the ``python -m analysis study`` command and the Themes page all
call :func:`run_study` (or :func:`resolve` then :func:`run`), so the same request gives the same
numbers and the same files wherever it is run.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import numbers
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from analysis import framing, overlaps
from analysis.event_study import (
    DEFAULT_CAR_WINDOWS,
    Conventions,
    Event,
    EventStudyInputError,
    EventStudyResult,
    EventStudySpec,
    run_event_study,
)
from analysis.export import csv_bytes
from analysis.glossary import RETURN_UNITS, VOLUME_UNITS
from analysis.models import MULTI_MODELS
from analysis.overlaps import OVERLAP_CHOICES, resolve_overlaps
from analysis.records import Diagnostic, diagnostics_frame
from analysis.responses import AbnormalVolatilityResult, AbnormalVolumeResult
from analysis.statistics import STATISTICS
from analysis.study import prepare_returns, price_diagnostics
from data_sources.data_mode import DataMode
from data_sources.messages import Message, joined

CALENDARS = ("xshg", "data")
#: How measures meet instruments: ``all`` (every instrument around every measure) or
#: ``segments`` (each measure only on the instruments of its own segments).
PAIRINGS = ("all", "segments")
DEFAULT_BENCHMARK = "000300.SH"
#: At most this many default instruments (the segments' own) when a request names none.
DEFAULT_INSTRUMENT_LIMIT = 6


class StudyInputError(EventStudyInputError):
    """A request that cannot be resolved (unknown measure, no data for an instrument, ...)."""


class AllEventsDropped(StudyInputError):
    """Overlap rule ``drop`` left no event (a front end may say so as information, not as an
    error: the request is valid, the rule did what it says). ``notes``: what was dropped and
    which windows it overlaps."""

    def __init__(self, message: str, notes: Sequence[str] = ()):
        super().__init__(message)
        self.notes = tuple(notes)


# -- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """Something the reader of a result must know. ``kind`` says what it is about:
    ``overlap``, ``calendar`` (inferred sessions), ``data`` (prices treated as missing or off the
    calendar), ``statistics`` (a statistic left NaN and why), ``placebo``, ``responses``,
    ``conventions``, ``instruments`` (default instruments left out, benchmarks of segment
    overrides), ``model`` (the factor file's units and risk-free rate), ``estimation``
    (estimation windows that contain another event's window,
    :mod:`analysis.overlaps`), ``timing`` (a t0 that is one of two sessions: release time
    unknown)."""

    kind: str
    text: str

    def __str__(self) -> str:
        return self.text


# -- the request -----------------------------------------------------------------------------


def _tuple(value) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _whole(value, name: str) -> int:
    """``value`` as an int: ints (numpy's too), whole floats and digit strings; anything else
    (2.5, True, "x") is refused naming ``name``, not truncated or passed on."""
    if isinstance(value, bool | np.bool_):
        raise StudyInputError(f"{name} must be a whole number, got {value!r}")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
        return int(value)
    raise StudyInputError(f"{name} must be a whole number, got {value!r}")


def _flag(value, name: str) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise StudyInputError(f"{name} must be True or False, got {value!r}")


def _date_text(value) -> str:
    if isinstance(value, datetime.date):  # date, datetime, pandas Timestamp: the day
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _window(value, name: str) -> tuple[int, int]:
    message = f"{name} must be two whole numbers, got {value!r}"
    if isinstance(value, str):
        raise StudyInputError(message)
    try:
        a, b = value
        return (_whole(a, name), _whole(b, name))
    except (TypeError, ValueError, StudyInputError):
        raise StudyInputError(message) from None


@dataclass(frozen=True)
class StudyRequest:
    """What to study; every field has the dashboard's default.

    Events: ``measures`` (catalogue ids; t0 from the catalogue) and/or ``dates`` (``YYYY-MM-DD``
    announcement dates, each mapped to the first session on or after it). ``instruments``: the
    series to study (canonical symbols of the store, or of the files); empty = the stored
    instruments of the segments the measures touch (at most six). ``benchmark``: the market
    series of the market, market-adjusted and two-index models (ignored by the constant-mean
    and factors models). ``factors``: the factor file (CSV/Excel, :mod:`analysis.factors`) of
    the ``factors`` model; ``second_index``: the stored series that is the two-index model's
    second regressor (e.g. a bond ETF beside an equity index for C-REITs).
    ``market_wide_constant_mean``: measure market-wide indices with the constant-mean model.
    ``overlap``: ``warn`` | ``merge`` | ``drop`` (:mod:`analysis.overlaps`).
    ``clean_estimation``: leave the sessions of other known events' windows out of each
    event's estimation sample (:func:`analysis.overlaps.estimation_overlaps`). ``calendar``:
    ``xshg`` (Shanghai sessions) or ``data`` (the dates in the price data, for non-Chinese
    series). ``placebo_draws``: pseudo-event draws (one event only; 0 = none). ``responses``:
    abnormal volume and volatility. ``statistics``: names for the tests table (None = all).
    ``conventions``: a preset name (``textbook``, ``estudy2``, ``eventstudy``) or a
    :class:`~analysis.event_study.Conventions`. ``attribute_suspensions``: book the return over
    a suspension (last close before → first close after) on the resumption day; by default
    that day's return is missing, like the suspended sessions themselves. ``pairing``: ``all``
    studies every instrument around every measure; ``segments`` studies each measure only on
    the instruments of its own segments (after its ``segment_overrides``), taken from
    ``instruments`` or, when none are named, from the stored series (ad-hoc dates keep every
    instrument): a theme-wide study then never measures a ChiNext listing on CSI Banks.

    The request is frozen and hashable (a cache key); lists given for sequence fields are
    stored as tuples.
    """

    measures: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ()
    benchmark: str | None = DEFAULT_BENCHMARK
    model: str = "market"
    estimation_window: tuple[int, int] = (-250, -11)
    event_window: tuple[int, int] = (-5, 5)
    car_windows: tuple[tuple[int, int], ...] = DEFAULT_CAR_WINDOWS
    returns: str = "simple"
    min_estimation: int = 120
    conventions: str | Conventions = "textbook"
    statistics: tuple[str, ...] | None = None
    adjust_bh: bool = False
    overlap: str = "warn"
    market_wide_constant_mean: bool = True
    placebo_draws: int = 0
    placebo_seed: int = 20200727
    responses: bool = False
    calendar: str = "xshg"
    include_unverified: bool = False
    clean_estimation: bool = True
    attribute_suspensions: bool = False
    pairing: str = "all"
    factors: str | None = None
    second_index: str | None = None

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "measures", tuple(dict.fromkeys(str(m).strip() for m in _tuple(self.measures))))
        set_(self, "dates", tuple(dict.fromkeys(_date_text(d) for d in _tuple(self.dates))))
        set_(
            self,
            "instruments",
            tuple(dict.fromkeys(str(s).strip() for s in _tuple(self.instruments))),
        )
        if "" in self.instruments or "" in self.measures:
            raise StudyInputError("an instrument or measure name is empty")
        if self.benchmark is not None:
            set_(self, "benchmark", str(self.benchmark).strip())
        for name in ("factors", "second_index"):
            value = getattr(self, name)
            set_(self, name, str(value).strip() or None if value is not None else None)
        if self.model == "factors" and not self.factors:
            raise StudyInputError(
                Message("the factors model needs a factor file (a date column and factor columns)")
            )
        if self.model == "two-index" and not self.second_index:
            raise StudyInputError(Message("the two-index model needs a second index series"))
        if self.model == "two-index" and self.second_index == self.benchmark:
            raise StudyInputError(
                Message(
                    "the second index {symbol} is the benchmark itself: choose another series",
                    symbol=self.second_index,
                )
            )
        for name in ("min_estimation", "placebo_draws", "placebo_seed"):
            set_(self, name, _whole(getattr(self, name), name))
        for name in (
            "adjust_bh",
            "market_wide_constant_mean",
            "responses",
            "include_unverified",
            "clean_estimation",
            "attribute_suspensions",
        ):
            set_(self, name, _flag(getattr(self, name), name))
        set_(self, "estimation_window", _window(self.estimation_window, "estimation_window"))
        set_(self, "event_window", _window(self.event_window, "event_window"))
        set_(
            self,
            "car_windows",
            tuple(_window(w, "a CAR window") for w in _tuple(self.car_windows)),
        )
        if self.statistics is not None:
            set_(self, "statistics", tuple(str(n) for n in _tuple(self.statistics)) or None)
            unknown = [n for n in self.statistics or () if n not in STATISTICS]
            if unknown:
                raise StudyInputError(
                    f"unknown statistic(s) {', '.join(unknown)}; choose from "
                    f"{', '.join(STATISTICS)}"
                )
        if self.overlap not in OVERLAP_CHOICES:
            raise StudyInputError(
                f"overlap must be one of {', '.join(OVERLAP_CHOICES)}, got {self.overlap!r}"
            )
        if self.pairing not in PAIRINGS:
            raise StudyInputError(
                f"pairing must be one of {', '.join(PAIRINGS)}, got {self.pairing!r}"
            )
        if self.calendar not in CALENDARS:
            raise StudyInputError(
                f"calendar must be one of {', '.join(CALENDARS)}, got {self.calendar!r}"
            )
        if isinstance(self.conventions, str):
            Conventions.preset(self.conventions)  # raises naming the presets
        elif not isinstance(self.conventions, Conventions):
            raise StudyInputError("conventions must be a preset name or a Conventions")
        if self.placebo_draws < 0:
            raise StudyInputError("placebo draws must be 0 (none) or a positive number")
        if not 0 <= self.placebo_seed < 2**63:
            raise StudyInputError(f"placebo seed must be 0 or more, got {self.placebo_seed}")
        if not self.measures and not self.dates:
            raise StudyInputError("name at least one measure or event date")
        for text in self.dates:
            _parse_date(text)
        self.spec()  # windows, model, returns: refused here, naming what is wrong

    def spec(self) -> EventStudySpec:
        conventions = (
            Conventions.preset(self.conventions)
            if isinstance(self.conventions, str)
            else self.conventions
        )
        return EventStudySpec(
            model=self.model,
            estimation_window=self.estimation_window,
            event_window=self.event_window,
            returns=self.returns,
            min_estimation=int(self.min_estimation),
            car_windows=self.car_windows,
            conventions=conventions,
        )

    def to_dict(self) -> dict[str, Any]:
        """The request as JSON-ready values (windows as lists, conventions by name)."""
        out = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Conventions):
                value = asdict(value)
            elif item.name == "car_windows":
                value = [list(w) for w in value]
            elif isinstance(value, tuple):
                value = list(value)
            out[item.name] = value
        return out


def _parse_date(text: str) -> pd.Timestamp:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise StudyInputError(f"event date {text!r} is not a YYYY-MM-DD date")
    try:
        return pd.Timestamp(text)
    except ValueError:
        raise StudyInputError(f"event date {text!r} is not a real date") from None


# -- where prices come from ------------------------------------------------------------------


class PriceSource(Protocol):
    """What a study reads prices from: the store (:class:`StoreSource`) or a set of files
    (:class:`PriceFiles`)."""

    def symbols(self) -> list[str]: ...

    def read(self, symbols: Sequence[str]) -> pd.DataFrame: ...

    def describe(self, symbols: Sequence[str]) -> tuple[DataMode, str]: ...


def price_records_of(source, symbols: Sequence[str]) -> dict[str, dict]:
    """The price records (adjustment, suspended sessions, days beyond the price limit; see
    :mod:`data_sources.prices`) a source keeps for ``symbols``; empty for a source that keeps
    none."""
    reader = getattr(source, "price_records", None)
    return dict(reader(symbols)) if reader is not None else {}


@dataclass
class StoreSource:
    """The local store (``POLICYLENS_DATA_DIR``): canonical bars with per-series provenance.
    ``live_symbols``: series fetched from akshare during this session (their label says so)."""

    store: Any = None
    live_symbols: tuple[str, ...] = ()
    _coverage: pd.DataFrame | None = field(default=None, init=False, repr=False)

    def __post_init__(self):
        if self.store is None:
            from data_sources.config import data_dir
            from data_sources.store import Store

            self.store = Store(data_dir() / "store")

    def coverage(self) -> pd.DataFrame:
        if self._coverage is None:
            self._coverage = self.store.coverage()
        return self._coverage

    def symbols(self) -> list[str]:
        coverage = self.coverage()
        return list(coverage.loc[coverage["source"].notna(), "symbol"])

    def read(self, symbols: Sequence[str]) -> pd.DataFrame:
        return self.store.read(list(symbols))

    def price_records(self, symbols: Sequence[str]) -> dict[str, dict]:
        return self.store.price_records(symbols)

    def turnover(self, symbols: Sequence[str]) -> pd.DataFrame:
        """``symbol, date, turnover`` (%) from the store's side table (``Store.turnover``)."""
        return self.store.turnover(list(symbols))

    def describe(self, symbols: Sequence[str]) -> tuple[DataMode, str]:
        from data_sources.data_mode import data_mode, data_vintage

        coverage = self.coverage()
        return data_mode(coverage, symbols, self.live_symbols), data_vintage(coverage, symbols)


@dataclass
class BarsSource:
    """Bars already in memory (canonical ``symbol``, ``date``, ``close``, optional ``volume``):
    for notebooks and for callers that read the store once for many studies
    (:func:`analysis.themes.theme_segment_study`). ``data_mode`` and ``data_vintage`` describe
    them as the caller knows them."""

    bars: pd.DataFrame
    data_mode: DataMode | None = None
    data_vintage: str = ""
    #: Per symbol, its price record (:mod:`data_sources.prices`), as the caller knows it.
    records: Mapping[str, dict] = field(default_factory=dict)

    def symbols(self) -> list[str]:
        return list(dict.fromkeys(self.bars["symbol"]))

    def read(self, symbols: Sequence[str]) -> pd.DataFrame:
        return self.bars[self.bars["symbol"].isin(list(symbols))]

    def describe(self, symbols: Sequence[str]) -> tuple[DataMode, str]:
        return self.data_mode or DataMode("bars given by the caller", False, {}), self.data_vintage

    def price_records(self, symbols: Sequence[str]) -> dict[str, dict]:
        return {s: dict(self.records[s]) for s in symbols if s in self.records}


class PriceFiles:
    """Price files named on a command line: one instrument per file, its id the file name
    without extension (a canonical symbol when it is one). Read with the Data page's import
    rules (:func:`data_sources.files.parse_price_file`); the vintage is each file's SHA-256."""

    def __init__(self, paths: Iterable[str | Path], date_format: str | None = None):
        from data_sources.errors import DataSourceError
        from data_sources.files import FileSource, parse_price_file
        from data_sources.schema import check_stored_symbol, check_symbol
        from data_sources.turnover import attached as attached_turnover

        self._bars: dict[str, pd.DataFrame] = {}
        self._vintage: dict[str, str] = {}
        self._records: dict[str, dict] = {}
        self._turnover: dict[str, pd.DataFrame] = {}
        for path_text in paths:
            path = Path(path_text)
            if not path.is_file():
                raise StudyInputError(f"price file {path_text} does not exist")
            content = FileSource.from_path(path).content  # refused by size before reading
            try:
                symbol = check_symbol(path.stem)
                parse_as = symbol
            except DataSourceError:
                # nothing is stored, so a file name in any script (沪深300.csv) may label its
                # rows; only stored series names must be ASCII
                symbol, parse_as = check_stored_symbol(path.stem), "instrument"
            if symbol in self._bars:
                raise StudyInputError(f"two price files are both named {symbol!r}")
            bars = parse_price_file(content, path.name, parse_as, date_format=date_format)
            self._bars[symbol] = bars.assign(symbol=symbol)
            turnover = attached_turnover(bars)  # a file with 换手率 / turn carries it
            if turnover is not None and len(turnover):
                self._turnover[symbol] = turnover.assign(symbol=symbol)
            self._records[symbol] = dict(bars.attrs.get("price_record") or {})
            adjustment = self._records[symbol].get("adjustment")
            self._vintage[symbol] = (
                f"file {path.name} sha256 {hashlib.sha256(content).hexdigest()[:12]} "
                f"({bars['date'].iloc[0]:%Y-%m-%d} to {bars['date'].iloc[-1]:%Y-%m-%d}, "
                f"{len(bars)} rows" + (f", prices {adjustment}" if adjustment else "") + ")"
            )

    def symbols(self) -> list[str]:
        return list(self._bars)

    def price_records(self, symbols: Sequence[str]) -> dict[str, dict]:
        return {s: dict(self._records[s]) for s in symbols if s in self._records}

    def turnover(self, symbols: Sequence[str]) -> pd.DataFrame:
        """``symbol, date, turnover`` (%) of the files that carry 换手率 / turn (the store's
        :meth:`~data_sources.store.Store.turnover` shape; empty when none does)."""
        from data_sources.turnover import COLUMNS, empty

        frames = [self._turnover[s] for s in dict.fromkeys(symbols) if s in self._turnover]
        out = pd.concat(frames, ignore_index=True)[COLUMNS] if frames else empty()
        out.attrs["damaged"] = []
        return out

    def read(self, symbols: Sequence[str]) -> pd.DataFrame:
        frames = [self._bars[s] for s in dict.fromkeys(symbols) if s in self._bars]
        if not frames:
            return pd.DataFrame(columns=["symbol", "date", "close"])
        return pd.concat(frames, ignore_index=True)

    def describe(self, symbols: Sequence[str]) -> tuple[DataMode, str]:
        from data_sources.files import PROVIDER

        used = [s for s in dict.fromkeys(symbols) if s in self._vintage]
        name = PROVIDER.fetcher.source_kind
        mode = DataMode(PROVIDER.label, False, {name: len(used)}, (name,)) if used else None
        return mode or DataMode("no data", False, {}), "; ".join(self._vintage[s] for s in used)


# -- resolving -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ResolvedStudy:
    """A request with everything decided: events and their t0, instruments, benchmark, models,
    the calendar, the data read and described. Built by :func:`resolve`; run by :func:`run`."""

    request: StudyRequest
    spec: EventStudySpec
    events: tuple[Event, ...]
    instruments: tuple[str, ...]
    benchmark: str | None
    constant_mean_for: tuple[str, ...]
    sessions: pd.DatetimeIndex
    inferred_segments: tuple
    excluded_sessions: tuple[pd.Timestamp, ...]
    placebo_draws: int
    bars: pd.DataFrame
    data_mode: DataMode
    data_vintage: str
    notes: tuple[Note, ...]
    diagnostics: tuple[Diagnostic, ...]
    #: estimation windows that contain another known event's window (reported always; the
    #: sessions are left out of the estimation when ``request.clean_estimation``)
    estimation_overlaps: tuple[overlaps.EstimationOverlap, ...] = ()
    #: the sessions of every known event's window (the placebo's estimation leaves them out)
    known_window_sessions: tuple[pd.Timestamp, ...] = ()

    @property
    def estimation_exclusions(self) -> dict[str, tuple[pd.Timestamp, ...]]:
        """Per event id, the estimation sessions left out (empty when cleaning is off)."""
        if not self.request.clean_estimation:
            return {}
        return overlaps.estimation_exclusions(self.estimation_overlaps)

    #: Measures whose t0 is one of two sessions (release time unknown, announced on a session).
    uncertain_t0: tuple[str, ...] = ()
    #: ``(event_id, instrument, segment, expected sign, reason)`` per pair with an expectation.
    expectations: tuple[tuple[str, str, str, str, str], ...] = ()

    @property
    def headline_window(self) -> tuple[int, int]:
        """The CAR window a study leads with: the event window, or [0, +1] (both candidate
        sessions) when any measure's t0 is uncertain."""
        if self.uncertain_t0:
            return framing.UNCERTAIN_T0_WINDOW
        return tuple(self.spec.event_window)

    #: Per series read, its price record (adjustment, suspended sessions, limit breaks).
    price_records: Mapping[str, dict] = field(default_factory=dict)
    #: Per event id, the only instruments studied around it (``pairing="segments"``); None,
    #: or an event not named: every instrument.
    pairs: Mapping[str, tuple[str, ...]] | None = None
    #: The factors model's factor file, read (:class:`analysis.factors.FactorTable`); else None.
    factor_table: Any = None
    #: The two-index model's second regressor series (a stored symbol); else None.
    second_index: str | None = None

    def paired(self, event_id: str, instrument: str) -> bool:
        """Whether ``instrument`` is studied around ``event_id``."""
        return _paired(self.pairs, event_id, instrument)

    @property
    def calendar_text(self) -> str:
        if self.request.calendar == "xshg":
            return Message("Shanghai (XSHG) sessions")
        return Message("the dates present in the price data")


def default_instruments(
    segment_codes: Iterable[str],
    available: Iterable[str],
    limit: int = DEFAULT_INSTRUMENT_LIMIT,
    measures: pd.DataFrame | None = None,
) -> list[str]:
    """The stored instruments of these segments, at most ``limit``: what a study uses when the
    request names no instrument. With ``measures`` (catalogue rows), each measure's
    ``segment_overrides`` replace its segments' instruments (the CSI 1000 futures launch is
    measured on CSI 1000, not on every futures underlying)."""
    from data_sources.instruments import segment_instruments

    present = set(available)
    if measures is not None:
        members = framing.measure_instruments(framing.rows_of(measures))
    else:
        members = segment_instruments(list(segment_codes))
    return [s for s in members if s in present][:limit]


def _catalogue_rows(request: StudyRequest, catalogue: pd.DataFrame) -> pd.DataFrame:
    from data_sources.catalogue import studyable

    if not request.measures:
        return catalogue.iloc[0:0]
    known = catalogue.set_index("id")
    unknown = [m for m in request.measures if m not in known.index]
    if unknown:
        raise StudyInputError(f"measure {unknown[0]!r} is not in the catalogue")
    usable = set(studyable(catalogue, request.include_unverified)["id"])
    for measure_id in request.measures:
        if measure_id in usable:
            continue
        row = known.loc[measure_id]
        if pd.isna(row["event_session"]):
            why = "it has no event session (no announcement date, or outside the calendar)"
        elif bool(row.get("context", False)):
            why = "it is context only, not an event"
        else:
            why = "its date is unverified (include unverified measures to study it)"
        raise StudyInputError(f"measure {measure_id!r} cannot be studied: {why}")
    return catalogue[catalogue["id"].isin(request.measures)].sort_values("event_session")


def resolve(
    request: StudyRequest,
    source: PriceSource | None = None,
    catalogue: pd.DataFrame | None = None,
) -> ResolvedStudy:
    """Decide everything the request leaves open and read its data; see the module docstring.

    ``source``: where prices come from (default: the store of ``POLICYLENS_DATA_DIR``).
    ``catalogue``: the measures (default: shipped plus the user's, as loaded by
    :func:`data_sources.catalogue.load_catalogue`).
    """
    from data_sources.catalogue import load_catalogue, studyable
    from data_sources.instruments import market_wide_instruments
    from data_sources.trading_calendar import all_sessions, inferred_segments, next_session

    source = source if source is not None else StoreSource()
    if catalogue is None and (request.measures or request.placebo_draws):
        catalogue = load_catalogue()
    rows = _catalogue_rows(request, catalogue) if request.measures else None
    available = source.symbols()
    instruments = list(request.instruments)
    left_out: list[str] = []
    own: dict[str, tuple[str, ...]] | None = None
    pairing_notes: list[Note] = []
    if request.pairing == "segments" and rows is not None:
        instruments, own, pairing_notes = _segment_pairing(request, rows, available)
    elif not instruments:
        codes = [c for codes in (rows["segments"] if rows is not None else []) for c in codes]
        every = default_instruments(codes, available, limit=len(available), measures=rows)
        instruments, left_out = every[:DEFAULT_INSTRUMENT_LIMIT], every[DEFAULT_INSTRUMENT_LIMIT:]
        if not instruments:
            raise StudyInputError(
                Message("no instrument named, and none stored for the segments of these measures")
            )
    spec = request.spec()
    framing_notes: list[Note] = []
    uncertain = _uncertain_t0(rows)
    if uncertain:  # the headline CAR [0, +1] needs an event window that holds it
        spec = framing.spec_for_uncertain_t0(spec)
    requested_benchmark = _segment_benchmark(request, rows, framing_notes)
    benchmark = requested_benchmark if spec.model not in ("constant-mean", "factors") else None
    if spec.model not in ("constant-mean", "factors") and not benchmark:
        raise StudyInputError(
            Message("the {model} model needs a benchmark series", model=spec.model)
        )
    second = request.second_index if spec.model == "two-index" else None
    if second and second not in set(available):
        raise StudyInputError(
            Message(
                "the second index {symbol} is not stored: fetch or import it on the Data page",
                symbol=second,
            )
        )
    needed = list(dict.fromkeys(instruments + [s for s in (benchmark, second) if s]))
    missing = [s for s in needed if s not in set(available)]
    if missing:
        raise StudyInputError(Message("no price data for {symbols}", symbols=", ".join(missing)))
    bars = source.read(needed)
    data_mode, data_vintage = source.describe(needed)
    price_records = price_records_of(source, needed)

    if request.calendar == "xshg":
        sessions, segments = all_sessions(), tuple(inferred_segments())
    else:
        sessions, segments = pd.DatetimeIndex(sorted(bars["date"].unique()), name="date"), ()
    events, others = [], []
    if rows is not None:
        events += [Event(r.id, r.announcement_date, r.event_session) for r in rows.itertuples()]
        if request.calendar == "xshg":  # catalogue t0s are Shanghai sessions
            pool = studyable(catalogue, request.include_unverified)
            others = [
                Event(r.id, r.announcement_date, r.event_session)
                for r in pool.itertuples()
                if r.id not in set(request.measures)
            ]
    for text in request.dates:
        date = _parse_date(text)
        if request.calendar == "xshg":
            session = next_session(date)
        else:
            later = sessions[sessions >= date]
            if later.empty:
                raise StudyInputError(
                    Message(
                        "event {date} is after the last date in the data", date=f"{date:%Y-%m-%d}"
                    )
                )
            session = later[0]
        events.append(Event(f"{date:%Y-%m-%d}", date, session))
    # ad-hoc dates are checked against each other only: a date is not a catalogue measure
    events, overlap_texts = resolve_overlaps(
        events, others, sessions, spec.event_window, request.overlap
    )
    notes = [Note("overlap", text) for text in overlap_texts]
    pairs = _event_pairs(events, own)
    notes += pairing_notes
    if left_out:  # the default is capped: say which stored series of the segments were not used
        notes.append(
            Note(
                "instruments",
                Message(
                    "no instruments named: the first {n} stored series of the measures' segments "
                    "are studied; left out: {symbols}",
                    n=len(instruments),
                    symbols=", ".join(left_out),
                ),
            )
        )
    diagnostics = [
        Diagnostic("", pd.NaT, "", f"overlap ({request.overlap})", text) for text in overlap_texts
    ]
    # estimation windows that contain another known event's window (the catalogue's, on the
    # Shanghai calendar, and the study's own events)
    # only measures that can move the same prices count: a shared segment or a market-wide one
    segments_of = (
        None
        if catalogue is None
        else dict(zip(catalogue["id"], catalogue["segments"], strict=True))
    )
    contamination = overlaps.estimation_overlaps(
        events, others, sessions, spec.estimation_window, spec.event_window, segments_of
    )
    notes += [
        Note("estimation", text)
        for text in overlaps.estimation_notes(contamination, request.clean_estimation)
    ]
    status = "estimation cleaned" if request.clean_estimation else "estimation contaminated"
    by_id = {event.event_id: event for event in events}
    diagnostics += [
        Diagnostic(item.event_id, by_id[item.event_id].event_date, "", status, item.text)
        for item in contamination
    ]
    # the placebo leaves the same measures' windows out of its estimation samples (those
    # related to a studied event), so its observed CAR is the study's
    related_others = [
        other
        for other in others
        if segments_of is None
        or any(overlaps.related(e.event_id, other.event_id, segments_of) for e in events)
    ]
    known_windows = overlaps.window_sessions(
        related_others + list(events), sessions, spec.event_window
    )
    if not events:
        raise AllEventsDropped(
            "every event was dropped for overlapping another (overlap rule 'drop'): "
            + "; ".join(overlap_texts),
            overlap_texts,
        )
    factor_table = None
    if spec.model == "factors":
        factor_table = _factor_table(request.factors, events, sessions, spec)
        notes += [Note("model", text) for text in factor_table.notes]
        notes += [
            Note("model", text) for text in _factor_gaps(factor_table, events, sessions, spec)
        ]
        if spec.returns == "log":
            notes.append(
                Note(
                    "model",
                    Message(
                        "the factors are used as the file gives them (usually simple returns) "
                        "beside the instruments' log returns"
                    ),
                )
            )
    market_wide = market_wide_instruments()
    if not request.instruments:  # a measure's override may put its instruments market-wide
        market_wide = market_wide | framing.overridden_market_wide(framing.rows_of(rows))
    # the factors model's market factor is as broad as a benchmark: the same rule
    constant_mean_for = (
        sorted(market_wide & set(instruments))
        if (benchmark or factor_table is not None) and request.market_wide_constant_mean
        else []
    )
    notes += framing_notes
    notes += _uncertain_t0_notes(uncertain, rows, sessions, spec, request)
    notes += _data_start_notes(events, rows, instruments, bars, pairs)
    placebo_draws = int(request.placebo_draws)
    if placebo_draws and spec.model in MULTI_MODELS:
        notes.append(
            Note(
                "placebo",
                Message(
                    "placebo left out: its pseudo-event fits use the one-index models' moments "
                    "(market, constant-mean, market-adjusted), not the {model} model",
                    model=spec.model,
                ),
            )
        )
        placebo_draws = 0
    if placebo_draws and len(events) != 1:
        notes.append(
            Note(
                "placebo",
                Message(
                    "placebo left out: it needs exactly one event, and this study has {n}",
                    n=len(events),
                ),
            )
        )
        placebo_draws = 0
    excluded: tuple = ()
    if placebo_draws and request.calendar == "xshg":  # pseudo-events avoid catalogue events
        catalogue = catalogue if catalogue is not None else load_catalogue()
        excluded = tuple(catalogue["event_session"].dropna())
    return ResolvedStudy(
        request=request,
        spec=spec,
        events=tuple(events),
        instruments=tuple(instruments),
        benchmark=benchmark,
        constant_mean_for=tuple(constant_mean_for),
        sessions=sessions,
        inferred_segments=segments,
        excluded_sessions=excluded,
        placebo_draws=placebo_draws,
        bars=bars,
        data_mode=data_mode,
        data_vintage=data_vintage,
        notes=tuple(notes),
        diagnostics=tuple(diagnostics),
        estimation_overlaps=tuple(contamination),
        known_window_sessions=tuple(known_windows),
        uncertain_t0=tuple(uncertain),
        expectations=_expectations(events, rows, instruments, pairs),
        price_records=price_records,
        pairs=pairs,
        factor_table=factor_table,
        second_index=second,
    )


def _factor_table(path: str, events, sessions: pd.DatetimeIndex, spec: EventStudySpec):
    """The request's factor file (:func:`analysis.factors.read_factor_file`), refused with a
    named span when its dates do not cover every event's estimation and event windows (a gap
    inside them is a missing day, as a missing return is)."""
    from analysis.factors import FactorFileError, read_factor_file

    try:
        table = read_factor_file(path)
    except FactorFileError as error:
        raise StudyInputError(str(error)) from None
    (est_start, _), (_, win_end) = spec.estimation_window, spec.event_window
    for event in events:
        position = sessions.get_indexer([event.event_session])[0]
        if position < 0:
            continue  # outside the calendar: the event study names it
        first = sessions[max(position + est_start, 0)]
        last = sessions[min(position + win_end, len(sessions) - 1)]
        spans = []
        if table.first > first:
            before = sessions[(sessions >= first) & (sessions < table.first)]
            spans.append(f"{first:%Y-%m-%d} to {before[-1]:%Y-%m-%d}")
        if table.last < last:
            after = sessions[(sessions > table.last) & (sessions <= last)]
            spans.append(f"{after[0]:%Y-%m-%d} to {last:%Y-%m-%d}")
        if spans:
            raise StudyInputError(
                Message(
                    "the factor file {name} covers {start} to {end}, but event {event} needs "
                    "{first} to {last} (estimation and event windows): missing {spans}",
                    name=table.source,
                    start=f"{table.first:%Y-%m-%d}",
                    end=f"{table.last:%Y-%m-%d}",
                    event=event.event_id,
                    first=f"{first:%Y-%m-%d}",
                    last=f"{last:%Y-%m-%d}",
                    spans=" and ".join(spans),
                )
            )
    return table


#: How many missing dates a factor-gap note lists before "…".
SHOWN_GAPS = 5


def _factor_gaps(table, events, sessions: pd.DatetimeIndex, spec: EventStudySpec) -> list:
    """Notes on the sessions inside each event's estimation and event windows that the factor
    file has no complete row for (a date absent, or a cell empty): they are missing days, so
    the estimation has fewer of them and a CAR window that holds one leaves it out — said here,
    naming the file, the event, the count and the first dates."""
    complete = table.frame.index[table.frame.notna().all(axis=1)]
    found = []
    for event in events:
        position = sessions.get_indexer([event.event_session])[0]
        if position < 0:
            continue
        parts = []
        for label, (start, end) in (
            (Message("estimation window"), spec.estimation_window),
            (Message("event window"), spec.event_window),
        ):
            window = sessions[max(position + start, 0) : max(position + end + 1, 0)]
            missing = window[~window.isin(complete)]
            if len(missing):
                shown = ", ".join(f"{day:%Y-%m-%d}" for day in missing[:SHOWN_GAPS])
                parts.append(
                    Message(
                        "{n} session(s) of its {window} [{a}, {b}] ({dates}{more})",
                        n=len(missing),
                        window=label,
                        a=start,
                        b=end,
                        dates=shown,
                        more=", …" if len(missing) > SHOWN_GAPS else "",
                    )
                )
        if parts:
            found.append(
                Message(
                    "the factor file {name} has no factor values on {parts} around event "
                    "{event}: those days count as missing (fewer estimation days; a CAR "
                    "window leaves them out)",
                    name=table.source,
                    parts=joined("; ", parts),
                    event=event.event_id,
                )
            )
    return found


# -- pairing: each measure with its own segments' instruments ---------------------------------


def _paired(pairs, event_id: str, instrument: str) -> bool:
    return pairs is None or event_id not in pairs or instrument in pairs[event_id]


def _segment_pairing(
    request: StudyRequest, rows: pd.DataFrame, available: Sequence[str]
) -> tuple[list[str], dict[str, tuple[str, ...]], list[Note]]:
    """``pairing="segments"``: per measure, the instruments of its own segments (overrides
    applied) among the named instruments, or among the stored series when none are named (at
    most :data:`DEFAULT_INSTRUMENT_LIMIT` per measure); the instruments of the study (named
    order, else measure order) and notes saying what was left unpaired."""
    named = list(request.instruments)
    candidates = set(named or available)
    own: dict[str, tuple[str, ...]] = {}
    notes: list[Note] = []
    for row in framing.rows_of(rows):
        members = [s for s in framing.measure_instruments([row]) if s in candidates]
        if not named and len(members) > DEFAULT_INSTRUMENT_LIMIT:
            notes.append(
                Note(
                    "instruments",
                    Message(
                        "{measure}: the first {limit} stored series of its segments are "
                        "studied; left out: {left_out}",
                        measure=row["id"],
                        limit=DEFAULT_INSTRUMENT_LIMIT,
                        left_out=", ".join(members[DEFAULT_INSTRUMENT_LIMIT:]),
                    ),
                )
            )
            members = members[:DEFAULT_INSTRUMENT_LIMIT]
        own[row["id"]] = tuple(members)
        if not members:
            template = (
                "{measure}: no instrument of its segments ({segments}) is among the chosen "
                "instruments; not studied"
                if named
                else "{measure}: no instrument of its segments ({segments}) is stored; not studied"
            )
            notes.append(
                Note(
                    "instruments",
                    Message(
                        template, measure=row["id"], segments=", ".join(row["segments"]) or "none"
                    ),
                )
            )
    used = {s for members in own.values() for s in members}
    if request.dates:  # ad-hoc dates have no segments: they keep every instrument
        used |= set(named)
    if not used:
        raise StudyInputError(
            Message(
                "pairing by segments: no instrument named belongs to the segments of these measures"
                if named
                else "pairing by segments: no instrument stored belongs to the segments of "
                "these measures"
            )
        )
    order = named or [s for members in own.values() for s in members]
    instruments = [s for s in dict.fromkeys(order) if s in used]
    unpaired = [s for s in named if s not in used]
    if unpaired:
        notes.append(
            Note(
                "instruments",
                Message(
                    "pairing by segments: {instruments} belong(s) to no chosen measure's "
                    "segments; not studied",
                    instruments=", ".join(unpaired),
                ),
            )
        )
    notes.append(
        Note(
            "instruments",
            Message(
                "pairing by segments: each measure is studied only on the instruments of its "
                "own segments ({pairs} measure-instrument pairs, not {measures} × {instruments})",
                pairs=sum(map(len, own.values())),
                measures=len(own),
                instruments=len(instruments),
            ),
        )
    )
    return instruments, own, notes


def _event_pairs(events, own: dict[str, tuple[str, ...]] | None):
    """Per event id, its instruments: a measure's own, a merged event's members' together;
    events that are no catalogue measure (ad-hoc dates) are left out (every instrument)."""
    if own is None:
        return None
    pairs = {}
    for event in events:
        # a merged event may take in catalogue measures the request did not name: it is
        # studied on the instruments of the members that were asked for
        members = [m for m in event.event_id.split("+") if m in own]
        if members:
            pairs[event.event_id] = tuple(dict.fromkeys(s for m in members for s in own[m]))
    return pairs


# -- framing: overrides, uncertain t0, expected signs, data starts (analysis.framing) ---------


def _segment_benchmark(
    request: StudyRequest, rows: pd.DataFrame | None, notes: list[Note]
) -> str | None:
    """The request's benchmark; when it names no instruments and keeps the default benchmark,
    the one the measures' segment overrides name instead (said in a note)."""
    if request.instruments or request.benchmark != DEFAULT_BENCHMARK or rows is None:
        return request.benchmark
    chosen = framing.default_benchmark(framing.rows_of(rows), request.benchmark)
    if chosen != request.benchmark:
        notes.append(
            Note(
                "instruments",
                Message(
                    "benchmark {chosen}: the one these measures' segment overrides name (instead "
                    "of the default {default})",
                    chosen=chosen,
                    default=request.benchmark,
                ),
            )
        )
    return chosen


def _uncertain_t0(rows: pd.DataFrame | None) -> list[str]:
    """Ids of the measures whose t0 is one of two sessions (release time unknown)."""
    return [row["id"] for row in framing.rows_of(rows) if framing.t0_uncertain(row)]


def _uncertain_t0_notes(uncertain, rows, sessions, spec, request) -> list[Note]:
    if not uncertain:
        return []
    by_id = rows.set_index("id")
    notes = []
    for measure_id in uncertain:
        t0 = by_id.at[measure_id, "event_session"]
        later = sessions[sessions > t0]
        following = later[0] if len(later) else t0
        notes.append(
            Note(
                "timing",
                framing.uncertain_t0_text(
                    measure_id, by_id.at[measure_id, "announcement_date"], t0, following
                ),
            )
        )
    if tuple(spec.event_window) != tuple(request.event_window):
        notes.append(
            Note(
                "timing",
                Message(
                    "event window widened from [{a}, {b}] to [{c}, {d}] to cover both candidate "
                    "sessions",
                    a=request.event_window[0],
                    b=request.event_window[1],
                    c=spec.event_window[0],
                    d=spec.event_window[1],
                ),
            )
        )
    return notes


def _data_start_notes(events, rows, instruments, bars: pd.DataFrame, pairs=None) -> list[Note]:
    """Events before the first price of an instrument: named with the measure, the segment
    and the first date, instead of leaving its CAR silently empty."""
    if bars is None or bars.empty:
        return []
    first = bars.groupby("symbol")["date"].min()
    by_id = {row["id"]: row for row in framing.rows_of(rows)}
    notes = []
    for event in events:
        members = [by_id[m] for m in event.event_id.split("+") if m in by_id]
        for symbol in instruments:
            if not _paired(pairs, event.event_id, symbol):
                continue
            if symbol in first.index and event.event_session < first[symbol]:
                segment = next(
                    (s for row in members if (s := framing.instrument_segment(row, symbol))),
                    None,
                )
                notes.append(
                    Note(
                        "data",
                        framing.data_start_text(
                            event.event_id, event.event_session, segment, symbol, first[symbol]
                        ),
                    )
                )
    return notes


def _expectations(
    events, rows, instruments, pairs=None
) -> tuple[tuple[str, str, str, str, str], ...]:
    """``(event_id, instrument, segment, expected sign, reason)`` for every pair whose measure
    states an expected sign for the segment the instrument stands for (merged events: their
    members' common sign, else ambiguous)."""
    by_id = {row["id"]: row for row in framing.rows_of(rows)}
    out = []
    for event in events:
        members = [by_id[m] for m in event.event_id.split("+") if m in by_id]
        for symbol in instruments:
            if not _paired(pairs, event.event_id, symbol):
                continue
            parts, segment = [], None
            for row in members:
                own = framing.instrument_segment(row, symbol)
                segment = segment or own
                parts.append(framing.expectation(row, own))
            sign, reason = framing.combined_expectation(parts)
            if sign:
                out.append((event.event_id, symbol, segment or "", sign, reason))
    return tuple(out)


# -- running ---------------------------------------------------------------------------------


def _note_kind(text: str) -> str:
    if text.startswith("conventions:"):
        return "conventions"
    if text.startswith("placebo"):
        return "placebo"
    if text.startswith("events ") and "share the session" in text:
        return "overlap"
    return "statistics"


def _regressors(resolved: ResolvedStudy, returns: pd.DataFrame):
    """The K-regressor models' regressors on the returns' sessions and the offset (the factor
    file's RF, in whose excess the returns are fitted), or (None, None) for the others. The
    factors are taken as they are: a file's simple (arithmetic) returns beside log returns of
    the instruments is the user's choice, said in a note."""
    model = resolved.spec.model
    if model == "two-index":
        return returns[[resolved.benchmark, resolved.second_index]], None
    if model == "factors":
        table = resolved.factor_table
        frame = table.frame.reindex(returns.index)
        rf = frame["RF"] if table.rf is not None else None
        return frame[list(table.factor_names)], rf
    return None, None


def run(resolved: ResolvedStudy) -> StudyOutcome:
    """Run a resolved study: returns on the calendar, the event study, the placebo and the
    trading responses; the outcome is complete when this returns."""
    from analysis.placebo import placebo_test
    from analysis.responses import abnormal_volatility, abnormal_volume

    spec, request = resolved.spec, resolved.request
    prepared = prepare_returns(
        resolved.bars,
        list(resolved.instruments) + ([resolved.second_index] if resolved.second_index else []),
        resolved.benchmark,
        resolved.sessions,
        spec.returns,
        resolved.inferred_segments,
        attribute_suspensions=request.attribute_suspensions,
    )
    notes = list(resolved.notes)
    notes += [Note(kind, text) for kind, text in prepared.notes]
    returns = prepared.returns
    market = returns[resolved.benchmark] if resolved.benchmark else None
    instruments = list(resolved.instruments)
    regressors, offset = _regressors(resolved, returns)
    result = run_event_study(
        returns[instruments],
        list(resolved.events),
        spec,
        market=market,
        market_symbol=resolved.benchmark,
        constant_mean_for=resolved.constant_mean_for,
        statistics=request.statistics,
        adjust_bh=request.adjust_bh,
        estimation_exclusions=resolved.estimation_exclusions,
        pairs=resolved.pairs,
        regressors=regressors,
        offset=offset,
    )
    notes += [Note(_note_kind(text), text) for text in result.notes]
    placebo = None
    if resolved.placebo_draws and result.panel is None:
        notes.append(Note("placebo", Message("placebo left out: no instrument could be estimated")))
    elif resolved.placebo_draws:
        draws, summary = placebo_test(
            returns[instruments],
            market,
            spec,
            resolved.events[0].event_session,
            resolved.excluded_sessions,
            resolved.placebo_draws,
            request.placebo_seed,
            constant_mean_for=resolved.constant_mean_for,
            market_symbol=resolved.benchmark,
            estimation_blocked=(resolved.known_window_sessions if request.clean_estimation else ()),
        )
        placebo = PlaceboOutcome(draws, summary)
        drawn = draws["draw"].nunique()
        # a series with a shorter history gets fewer draws than the others: say so, since its
        # p-value rests on them (the table's n_draws column alone is easy to miss)
        for row in summary[summary["instrument"].isin(instruments)].itertuples():
            if row.n_draws < drawn:
                notes.append(
                    Note(
                        "placebo",
                        Message(
                            "placebo: {symbol} has {n} of {drawn} draws (no whole event window or "
                            "full estimation window at the others' pseudo-event sessions)",
                            symbol=row.instrument,
                            n=row.n_draws,
                            drawn=drawn,
                        ),
                    )
                )
        if drawn < resolved.placebo_draws:
            notes.append(
                Note(
                    "placebo",
                    Message(
                        "placebo: only {drawn} sessions lie outside every event window with a "
                        "full estimation window; {drawn} draws instead of {asked}",
                        drawn=drawn,
                        asked=resolved.placebo_draws,
                    ),
                )
            )
    volume = volatility = None
    if request.responses:
        volumes = (
            resolved.bars[resolved.bars["symbol"].isin(instruments)]
            .pivot(index="date", columns="symbol", values="volume")
            .reindex(prepared.span)
            .reindex(columns=instruments)
        )
        if volumes.notna().any().any():
            volume = abnormal_volume(
                volumes,
                list(resolved.events),
                spec,
                request.statistics,
                estimation_exclusions=resolved.estimation_exclusions,
                pairs=resolved.pairs,
            )
        else:
            notes.append(
                Note("responses", Message("no volume in the data: abnormal volume left out"))
            )
        volatility = abnormal_volatility(result)
    diagnostics = list(resolved.diagnostics) + list(result.diagnostic_records)
    diagnostics += price_diagnostics(
        dict(resolved.price_records),
        resolved.events,
        prepared.span,
        spec.estimation_window,
        spec.event_window,
        request.attribute_suspensions,
    )
    return StudyOutcome(
        request=request,
        resolved=resolved,
        result=result,
        placebo=placebo,
        volume=volume,
        volatility=volatility,
        study_notes=tuple(dict.fromkeys(notes)),
        diagnostics=tuple(diagnostics),
    )


def run_study(
    request: StudyRequest,
    source: PriceSource | None = None,
    catalogue: pd.DataFrame | None = None,
) -> StudyOutcome:
    """:func:`resolve` then :func:`run`: the one call every front end makes."""
    return run(resolve(request, source, catalogue))


def study_from_bars(
    bars: pd.DataFrame,
    instruments: Sequence[str],
    events: Sequence[Event],
    spec: EventStudySpec,
    sessions: pd.DatetimeIndex,
    market_symbol: str | None = None,
    constant_mean_for: Sequence[str] = (),
    statistics: Sequence[str] | None = None,
    adjust_bh: bool = False,
    placebo_draws: int = 0,
    placebo_seed: int = 20200727,
    excluded_sessions: Sequence[pd.Timestamp] = (),
    responses: bool = False,
    inferred_sessions: Sequence = (),
    data_mode: DataMode | None = None,
    price_records: Mapping[str, dict] | None = None,
    attribute_suspensions: bool = False,
) -> StudyOutcome:
    """:func:`run` on explicit bars and events, already resolved by the caller (tests, and
    studies of many segments such as :func:`analysis.themes.theme_segment_study`): no catalogue
    look-up, no overlap rule, no estimation cleaning (no other events are known), the given
    calendar. ``placebo_draws`` needs exactly one event.
    """
    if placebo_draws and len(events) != 1:
        raise EventStudyInputError("a placebo test needs exactly one event")
    if not events:
        raise EventStudyInputError("no events to study")
    request = StudyRequest(
        measures=tuple(event.event_id for event in events),
        instruments=tuple(instruments),
        benchmark=market_symbol,
        model=spec.model,
        estimation_window=spec.estimation_window,
        event_window=spec.event_window,
        car_windows=spec.car_windows,
        returns=spec.returns,
        min_estimation=spec.min_estimation,
        conventions=spec.conventions,
        statistics=tuple(statistics) if statistics else None,
        adjust_bh=adjust_bh,
        market_wide_constant_mean=bool(constant_mean_for),
        placebo_draws=placebo_draws,
        placebo_seed=placebo_seed,
        responses=responses,
        attribute_suspensions=attribute_suspensions,
    )
    wanted = list(dict.fromkeys(instruments))
    needed = wanted + ([market_symbol] if market_symbol and market_symbol not in wanted else [])
    source = BarsSource(bars, data_mode, records=dict(price_records or {}))
    mode, vintage = source.describe(needed)
    resolved = ResolvedStudy(
        request=request,
        spec=spec,
        events=tuple(events),
        instruments=tuple(wanted),
        benchmark=market_symbol if spec.model != "constant-mean" else None,
        constant_mean_for=tuple(constant_mean_for),
        sessions=sessions,
        inferred_segments=tuple(inferred_sessions),
        excluded_sessions=tuple(excluded_sessions),
        placebo_draws=int(placebo_draws),
        bars=source.read(needed),
        data_mode=mode,
        data_vintage=vintage,
        notes=(),
        diagnostics=(),
        price_records=source.price_records(needed),
    )
    return run(resolved)


# -- the outcome -----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PlaceboOutcome:
    """Pseudo-event CARs (``draws``) and, per instrument, the observed CAR against them. Both
    are handed out as copies (copy-on-write, so cheap): changing one never changes the
    outcome or its exports."""

    _draws: pd.DataFrame
    _summary: pd.DataFrame

    @property
    def draws(self) -> pd.DataFrame:
        return self._draws.copy(deep=False)

    @property
    def summary(self) -> pd.DataFrame:
        return self._summary.copy(deep=False)

    def to_frame(self) -> pd.DataFrame:
        return self.summary


@dataclass(frozen=True, eq=False)
class StudyOutcome:
    """Everything a study produced; complete when built and never changed afterwards.

    ``result``: the return study (:class:`~analysis.event_study.EventStudyResult`: abnormal
    returns, CAR summary, tests, panel); ``placebo``, ``volume`` (abnormal log volume),
    ``volatility``: present when asked and possible. ``notes`` and ``diagnostics``: typed
    records. ``data_mode`` (structured: ``data_mode.synthetic`` says whether any series is
    simulated) and ``data_vintage`` describe the data; ``metadata`` is what every exported file
    carries and ``parameters`` what ``parameters.json`` holds.
    """

    request: StudyRequest
    resolved: ResolvedStudy
    result: EventStudyResult
    placebo: PlaceboOutcome | None
    volume: AbnormalVolumeResult | None
    volatility: AbnormalVolatilityResult | None
    study_notes: tuple[Note, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def notes(self) -> tuple[Note, ...]:
        """Everything the reader must know: the study's notes, then why any statistic of the
        tests table is NaN (reading this computes the tests, which are otherwise computed only
        when :attr:`tests` is read)."""
        statistics = [Note("statistics", text) for text in self.result.test_notes]
        return tuple(dict.fromkeys(self.study_notes + tuple(statistics)))

    # what was decided
    @property
    def spec(self) -> EventStudySpec:
        return self.resolved.spec

    @property
    def events(self) -> tuple[Event, ...]:
        return self.resolved.events

    @property
    def instruments(self) -> tuple[str, ...]:
        return self.resolved.instruments

    @property
    def benchmark(self) -> str | None:
        return self.resolved.benchmark

    @property
    def constant_mean_for(self) -> tuple[str, ...]:
        return self.resolved.constant_mean_for

    @property
    def data_mode(self) -> DataMode:
        return self.resolved.data_mode

    @property
    def headline_window(self) -> tuple[int, int]:
        """The CAR window the study leads with (its summary, the page's first table): the
        event window, or [0, +1] when a measure's t0 is uncertain (release time unknown)."""
        return self.resolved.headline_window

    def sign_table(self, window: tuple[int, int] | None = None) -> pd.DataFrame:
        """The CARs of one window (default: the headline) with the sign each measure expected
        in the instrument's segment and whether the CAR had it: ``expected_sign`` (+, -,
        ambiguous, or empty when none is stated), ``sign_reason`` (one line) and ``response``
        (as expected, opposite, ambiguous, or empty)."""
        window = tuple(window or self.headline_window)
        summary = self.result.car_summary
        rows = summary[
            (summary["window_start"] == window[0]) & (summary["window_end"] == window[1])
        ]
        expected = pd.DataFrame(
            list(self.resolved.expectations),
            columns=["event_id", "instrument", "segment", "expected_sign", "sign_reason"],
        )
        table = rows[
            ["event_id", "instrument", "event_session", "window_start", "window_end", "car"]
        ].merge(expected, on=["event_id", "instrument"], how="left")
        for column in ("segment", "expected_sign", "sign_reason"):
            table[column] = table[column].fillna("").astype(object)
        table["response"] = [
            framing.sign_response(car, sign)
            for car, sign in zip(table["car"], table["expected_sign"], strict=True)
        ]
        return table

    @property
    def data_vintage(self) -> str:
        return self.resolved.data_vintage

    # tables
    # Tables are handed out as copies (copy-on-write: cheap until written), so a notebook that
    # edits one does not change the outcome, its later exports or a dashboard cache entry.
    @property
    def car_summary(self) -> pd.DataFrame:
        return self.result.car_summary.copy(deep=False)

    @property
    def abnormal_returns(self) -> pd.DataFrame:
        return self.result.abnormal_returns.copy(deep=False)

    @property
    def tests(self) -> pd.DataFrame:
        return self.result.tests.copy(deep=False)

    @property
    def model_coefficients(self) -> pd.DataFrame:
        """Every coefficient of the normal-return fit of every estimated pair, one row per
        (event, instrument, regressor): ``const`` (α̂), then each factor of the factor file or
        each series of the two-index model (the benchmark, then the second index), with the
        ``model`` each pair used (a market-wide series on its constant mean has ``const``
        only). ``car_summary``'s ``beta`` is only the first slope; this table has them all."""
        if self.spec.model == "factors":
            names = list(self.resolved.factor_table.factor_names)
        elif self.spec.model == "two-index":
            names = [self.benchmark, self.resolved.second_index]
        else:
            names = ["benchmark"]
        rows = []
        for fit in self.result.fits:
            fitted = fit.fitted
            for column in np.flatnonzero(fit.keep):
                model = fitted.model[column]
                key = (fit.event.event_id, fit.instruments[column], model)
                rows.append((*key, "const", float(fitted.alpha[column])))
                if model in MULTI_MODELS:
                    slopes = fitted.coef[column]
                    rows += [(*key, name, float(b)) for name, b in zip(names, slopes, strict=True)]
                elif model in ("market", "market-adjusted"):
                    rows.append((*key, self.benchmark, float(fitted.beta[column])))
        return pd.DataFrame(
            rows, columns=["event_id", "instrument", "model", "regressor", "coefficient"]
        )

    def to_frame(self) -> pd.DataFrame:
        """The CAR summary: one row per instrument × event × CAR window."""
        return self.car_summary

    def car_path(self) -> pd.DataFrame:
        """CAR from the start of the event window to each day, with its standard error."""
        return self.result.car_path()

    def diagnostics_frame(self) -> pd.DataFrame:
        return diagnostics_frame(self.diagnostics)

    def notes_of(self, kind: str) -> list[str]:
        notes = self.study_notes if kind != "statistics" else self.notes
        return [note.text for note in notes if note.kind == kind]

    def frames(self) -> dict[str, pd.DataFrame]:
        """Every table this study has, by export name (copies: editing one changes neither the
        outcome nor its exports)."""
        return {name: frame.copy(deep=False) for name, frame in self._tables().items()}

    def _tables(self) -> dict[str, pd.DataFrame]:
        """The tables themselves, in the order files are listed and written (for the exports,
        which only read them)."""
        return {name: build() for name, build in self._table_builders().items()}

    def _table_builders(self) -> dict[str, Callable[[], pd.DataFrame]]:
        """What makes each table, by export name in file order: the names alone are known
        without building a table (the page lists the files on every new study)."""
        builders: dict[str, Callable[[], pd.DataFrame]] = {
            "abnormal_returns": lambda: self.abnormal_returns,
            "car_summary": lambda: self.car_summary,
            "tests": lambda: self.tests,
        }
        if self.spec.model in MULTI_MODELS:  # every loading (car_summary has the first only)
            builders["model_coefficients"] = lambda: self.model_coefficients
        if self.resolved.expectations:  # the headline CARs against their expected signs
            builders["expected_signs"] = self.sign_table
        builders["diagnostics"] = self.diagnostics_frame
        if self.placebo is not None:
            builders["placebo"] = lambda: self.placebo.draws
            builders["placebo_summary"] = lambda: self.placebo.summary
        if self.volume is not None:
            builders["abnormal_volume"] = lambda: self.volume.daily
            builders["abnormal_volume_windows"] = lambda: self.volume.cumulative
            builders["abnormal_volume_tests"] = lambda: self.volume.tests
        if self.volatility is not None:  # its tables are made with it: nothing to build
            for name, frame in self.volatility.frames().items():
                builders[name] = lambda frame=frame: frame
        return builders

    # provenance
    @property
    def method(self) -> str:
        """One line naming the method, the benchmark, the calendar and every rule applied."""
        parts = [self.spec.describe()]
        if self.benchmark:
            parts.append(Message("benchmark {symbol}", symbol=self.benchmark))
        inferred = self.notes_of("calendar")
        parts.append(
            Message(
                "relative days count {calendar}{inferred}",
                calendar=self.resolved.calendar_text,
                inferred=joined("", (Message(" ({note})", note=text) for text in inferred)),
            )
        )
        if self.constant_mean_for:
            parts.append(
                Message(
                    "constant-mean for market-wide {symbols}",
                    symbols=", ".join(self.constant_mean_for),
                )
            )
        if self.notes_of("overlap"):
            parts.append(
                Message("overlapping event windows: {rule}", rule=Message(self.request.overlap))
            )
        if self.resolved.estimation_overlaps:
            parts.append(
                Message("estimation samples leave out other events' windows")
                if self.request.clean_estimation
                else Message("estimation samples keep other events' windows")
            )
        if self.resolved.uncertain_t0:
            parts.append(
                Message(
                    "t0 uncertain (release time unknown) for {ids}: headline CAR [0, +1] covers "
                    "t0 and t0+1",
                    ids=", ".join(self.resolved.uncertain_t0),
                )
            )
        if self.request.attribute_suspensions:
            parts.append(Message("the return over a suspension is booked on the resumption day"))
        if self.resolved.pairs is not None:
            parts.append(Message("each measure paired with its own segments' instruments"))
        return joined("; ", parts)

    @property
    def pairing_text(self) -> str:
        """Which measure meets which instrument, in words."""
        if self.resolved.pairs is not None:
            return "segments: each measure with its own segments' instruments"
        return "all: every instrument with every event"

    @property
    def metadata(self) -> dict[str, str]:
        """The three columns every exported CSV carries."""
        return {
            "method": self.method,
            "data_mode": self.data_mode.label,
            "data_vintage": self.data_vintage,
            "units": RETURN_UNITS,
        }

    def metadata_of(self, name: str, metadata: Mapping[str, str] | None = None) -> dict[str, str]:
        """:attr:`metadata` (or the ``metadata`` given) for the table ``name``: the
        abnormal-volume tables name the log-volume model they used
        (:attr:`AbnormalVolumeResult.method`), not the returns model; the study-wide rules
        after it (calendar, market-wide rule, overlaps) are kept, the benchmark is not (the
        log-volume model reads none)."""
        metadata = dict(self.metadata if metadata is None else metadata)
        if self.volume is not None and name.startswith("abnormal_volume"):
            # self.method is the returns spec's description, then "; "-joined study rules
            rules = self.method.removeprefix(self.spec.describe()).removeprefix("; ")
            rules = "; ".join(
                part for part in rules.split("; ") if part and not part.startswith("benchmark ")
            )
            method = f"{self.volume.method}; {rules}" if rules else self.volume.method
            metadata["method"] = method
            metadata["units"] = VOLUME_UNITS
        return metadata

    def _model_parameters(self) -> dict[str, Any]:
        """The K-regressor models' inputs: the factor file (name, factors, units, RF) or the
        second index; nothing for the one-index models (their parameters stay as they were)."""
        table, second = self.resolved.factor_table, self.resolved.second_index
        if table is not None:
            return {
                "factors": {
                    "file": table.source,
                    "factors": list(table.factor_names),
                    "units_detected": table.units_detected,
                    "risk_free": table.rf is not None,
                    "first": f"{table.first:%Y-%m-%d}",
                    "last": f"{table.last:%Y-%m-%d}",
                }
            }
        return {"second_index": second} if second else {}

    @property
    def parameters(self) -> dict[str, Any]:
        """The resolved study, as ``parameters.json`` holds it."""
        return {
            "request": self.request.to_dict(),
            "events": [
                {
                    "event_id": e.event_id,
                    "event_date": f"{e.event_date:%Y-%m-%d}",
                    "event_session": f"{e.event_session:%Y-%m-%d}",
                }
                for e in self.events
            ],
            "instruments": list(self.instruments),
            "pairing": self.pairing_text,
            "pairs": {
                e.event_id: list(self.resolved.pairs.get(e.event_id, self.instruments))
                for e in self.events
            }
            if self.resolved.pairs is not None
            else "every instrument with every event",
            "benchmark": self.benchmark,
            "model": self.spec.model,
            **self._model_parameters(),
            "estimation_window": list(self.spec.estimation_window),
            "event_window": list(self.spec.event_window),
            "car_windows": [list(w) for w in self.spec.windows],
            "constant_mean_for": list(self.constant_mean_for),
            "overlaps": self.request.overlap,
            "placebo_draws": self.resolved.placebo_draws,
            "calendar": self.resolved.calendar_text,
            "suspensions": (
                "return over a suspension booked on the resumption day"
                if self.request.attribute_suspensions
                else "suspended sessions and the session after each are missing"
            ),
            "price_adjustment": {
                symbol: record.get("adjustment") or "unknown"
                for symbol, record in self.resolved.price_records.items()
            },
            "data_mode": {
                "label": self.data_mode.label,
                "synthetic": self.data_mode.synthetic,
                "counts": dict(self.data_mode.counts),
            },
        }

    # exports
    def csv_bytes(self, name: str) -> bytes:
        """One table in the project's CSV convention (:mod:`analysis.export`)."""
        return csv_bytes(self._table_builders()[name](), self.metadata_of(name))

    def file_names(self) -> list[str]:
        """The export names of this study's tables, in file order (``<name>.csv``)."""
        return list(self._table_builders())

    def all_csv_bytes(self) -> dict[str, bytes]:
        metadata = self.metadata
        return {
            name: csv_bytes(frame, self.metadata_of(name, metadata))
            for name, frame in self._tables().items()
        }

    def parameters_json(self, extra: Mapping[str, Any] | None = None) -> str:
        document = {
            "parameters": self.parameters | dict(extra or {}),
            **self.metadata,
            "units": RETURN_UNITS,
            "files": [f"{name}.csv" for name in self._tables()],
        }
        return json.dumps(document, ensure_ascii=False, indent=2, default=str)

    def to_zip(
        self,
        stem: str,
        extra: Mapping[str, Any] | None = None,
        files: Mapping[str, bytes] | None = None,
    ) -> bytes:
        """One ZIP: ``<stem>/<name>.csv`` for every table and ``<stem>/parameters.json``.
        ``files``: :meth:`all_csv_bytes` already made (a caller that keeps them saves
        serialising every table again)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in (self.all_csv_bytes() if files is None else files).items():
                archive.writestr(f"{stem}/{name}.csv", content)
            archive.writestr(f"{stem}/parameters.json", self.parameters_json(extra))
        return buffer.getvalue()

    def write(
        self,
        directory: str | Path,
        names: Sequence[str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> list[Path]:
        """Write ``DIR/<name>.csv`` for the named tables (default: all) and
        ``DIR/parameters.json``; returns the paths written."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        frames = self._tables()
        metadata = self.metadata
        written = []
        for name in names if names is not None else list(frames):
            path = directory / f"{name}.csv"
            path.write_bytes(csv_bytes(frames[name], self.metadata_of(name, metadata)))
            written.append(path)
        path = directory / "parameters.json"
        path.write_text(self.parameters_json(extra), encoding="utf-8")
        written.append(path)
        return written

    def summary(self) -> str:
        """A readable text table of the CARs over the headline window (the event window, or
        [0, +1] when a t0 is uncertain), each with its expected sign and whether the CAR had
        it, and the one-line reasons (nothing is printed)."""
        window = self.headline_window
        rows = self.car_summary[
            (self.car_summary["window_start"] == window[0])
            & (self.car_summary["window_end"] == window[1])
        ]
        signs = self.sign_table(window).set_index(["event_id", "instrument"])
        lines = [
            "PolicyLens event study",
            f"data: {self.data_mode.label}",
            f"method: {self.method}",
            f"pairing: {self.pairing_text}",
            "events: "
            + ", ".join(f"{e.event_id} (t0 {e.event_session:%Y-%m-%d})" for e in self.events),
            f"CAR [{window[0]}, {window[1]}]"
            + (" (t0 uncertain: covers t0 and t0+1)" if self.resolved.uncertain_t0 else ""),
            "",
            f"{'instrument':<14}{'event':<36}{'CAR':>10}{'SE':>10}{'t':>8}{'p':>8}"
            f"  {'expected':<10}response",
        ]
        reasons = {}
        for row in rows.itertuples():
            key = (row.event_id, row.instrument)
            sign = signs.at[key, "expected_sign"] if key in signs.index else ""
            response = signs.at[key, "response"] if key in signs.index else ""
            if sign and key in signs.index and signs.at[key, "sign_reason"]:
                reasons[(row.event_id, signs.at[key, "segment"])] = signs.at[key, "sign_reason"]
            lines.append(
                f"{row.instrument:<14}{str(row.event_id)[:35]:<36}{row.car:>10.4f}"
                f"{row.car_se:>10.4f}{row.t_stat:>8.2f}{row.p_value:>8.4f}"
                f"  {sign or 'n/a':<10}{response or 'n/a'}"
            )
        if reasons:
            lines += ["", "expected signs:"] + [
                f"- {event_id} in {segment}: {reason}"
                for (event_id, segment), reason in reasons.items()
            ]
        if self.notes:
            lines += ["", "notes:"] + [f"- {note.text}" for note in self.notes]
        skipped = [d for d in self.diagnostics if d.status == "skipped"]
        if skipped:
            lines += [f"skipped: {d.instrument} around {d.event_id}: {d.reason}" for d in skipped]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"StudyOutcome({len(self.events)} event(s), {len(self.instruments)} instrument(s), "
            f"{self.spec.model}, data: {self.data_mode.label})"
        )


__all__ = [
    "AllEventsDropped",
    "BarsSource",
    "Diagnostic",
    "Note",
    "PriceFiles",
    "PriceSource",
    "ResolvedStudy",
    "StoreSource",
    "StudyInputError",
    "StudyOutcome",
    "StudyRequest",
    "default_instruments",
    "resolve",
    "run",
    "run_study",
    "study_from_bars",
]
