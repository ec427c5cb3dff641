"""Cached reads of the store and the catalogue, and the cached studies pages draw.

Loaders are wrapped in ``st.cache_data`` and keyed by a store *version* (file names and
modification times), so a refresh or an import is seen at once and nothing is re-read
otherwise. Computation lives in ``analysis`` and data access in ``data_sources``.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from analysis.event_study import Event, EventStudySpec
from analysis.api import study_from_bars
from data_sources import catalogue as catalogue_module
from data_sources.config import data_dir
from data_sources.data_mode import DataMode, data_mode, data_vintage
from data_sources.store import Store
from data_sources.trading_calendar import all_sessions, calendar_version, inferred_segments


def store() -> Store:
    """The store in the current data directory (cheap to construct; not cached so that a
    changed POLICYLENS_DATA_DIR is honoured)."""
    return Store(data_dir() / "store")


def store_version(current: Store) -> tuple:
    """Changes whenever any stored file changes: the cache key for everything read from it."""
    return current.version()


# Bounded caches: every distinct choice is a new entry, and a long session must not grow
# without limit (tests/reliability.py long run). A store change makes old entries unreachable.
@st.cache_data(show_spinner=False, max_entries=8)
def _coverage(version: tuple) -> pd.DataFrame:
    return Store(version[0]).coverage()


def coverage() -> pd.DataFrame:
    current = store()
    return _coverage(store_version(current))


@st.cache_data(show_spinner=False, max_entries=4)
def _damaged(version: tuple) -> list:
    return Store(version[0]).damaged()


def damaged() -> list:
    """The store's damaged files (``data_sources.store.Damage``), checked once per store
    version: every value is read once to verify its checksum."""
    return _damaged(store_version(store()))


@st.cache_data(show_spinner=False, max_entries=16)
def _bars(version: tuple, symbols: tuple[str, ...]) -> pd.DataFrame:
    return Store(version[0]).read(symbols)


def bars(symbols) -> pd.DataFrame:
    current = store()
    return _bars(store_version(current), tuple(sorted(set(symbols))))


@st.cache_data(show_spinner=False, max_entries=4)
def _catalogue(user_file_version: tuple) -> tuple[pd.DataFrame, str | None]:
    """The catalogue and, when the user file is left out, why (cached either way: a damaged
    file is not re-read on every call)."""
    try:
        return catalogue_module.load_catalogue(), None
    except catalogue_module.CatalogueError as error:
        return catalogue_module.shipped_catalogue().copy(), str(error)


def _user_file_version() -> tuple:
    path = catalogue_module.user_measures_path()
    try:
        return (str(path), path.stat().st_mtime_ns)
    except OSError:
        return (str(path), 0)


def catalogue() -> pd.DataFrame:
    """Shipped plus user measures, cached until the user file changes. A user file that no
    longer validates (edited by hand, or an id the shipped catalogue now uses) is left out, so
    the app keeps working on the shipped catalogue; :func:`pages.layout.banner` says so once
    per run."""
    return _catalogue(_user_file_version())[0]  # st.cache_data hands out a fresh copy


def catalogue_problem() -> str | None:
    """Why the user's measures file is left out, or None."""
    return _catalogue(_user_file_version())[1]


def live_symbols() -> set[str]:
    return st.session_state.setdefault("live_symbols", set())


def current_mode(symbols=None) -> DataMode:
    return data_mode(coverage(), symbols, live_symbols())


def instrument_options() -> list[str]:
    return list(coverage().query("source.notna()")["symbol"])


@st.cache_data(show_spinner=False, max_entries=24)
def _study(
    version: tuple,
    instruments: tuple[str, ...],
    market: str | None,
    events: tuple[tuple, ...],
    spec: EventStudySpec,
    constant_mean_for: tuple[str, ...],
    placebo_draws: int,
    excluded_sessions: tuple,
    calendar: tuple = (),  # the calendar's version: a fetched calendar invalidates the cache
):
    needed = tuple(sorted(set(instruments) | ({market} if market else set())))
    frame = Store(version[0]).read(needed)
    event_objects = [Event(*event) for event in events]
    return study_from_bars(
        frame,
        instruments,
        event_objects,
        spec,
        all_sessions(),
        market,
        constant_mean_for,
        placebo_draws=placebo_draws if len(event_objects) == 1 else 0,
        excluded_sessions=excluded_sessions,
        responses=True,
        inferred_sessions=inferred_segments(),
    )


def _study_arguments(instruments, market, events, spec, constant_mean_for, placebo_draws):
    as_tuples = tuple((e.event_id, e.event_date, e.event_session) for e in events)
    return (
        store_version(store()),
        tuple(instruments),
        market,
        as_tuples,
        spec,
        tuple(constant_mean_for),
        placebo_draws,
        tuple(catalogue()["event_session"].dropna()),
        calendar_version(),
    )


def run_study(
    instruments, market, events, spec: EventStudySpec, constant_mean_for=(), placebo_draws: int = 0
):
    """Cached event study of ``instruments`` around ``events`` (analysis.Event objects).
    With one event and ``placebo_draws``, a placebo distribution avoiding every catalogue
    event window comes with it."""
    return _study(
        *_study_arguments(instruments, market, events, spec, constant_mean_for, placebo_draws)
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _study_files(arguments: tuple, metadata: tuple, parameters: str, stem: str):
    from analysis.export import csv_bytes, study_zip

    frames = _study(*arguments).frames()
    metadata = dict(metadata)
    files = {name: csv_bytes(frame, metadata) for name, frame in frames.items()}
    return files, study_zip(frames, metadata, json.loads(parameters), stem)


def study_files(
    instruments, market, events, spec, constant_mean_for, placebo_draws, metadata, parameters, stem
) -> tuple[dict[str, bytes], bytes]:
    """Every table of a study as CSV bytes, and the study ZIP; cached, because serialising a
    study with its placebo draws takes longer than the rest of a rerun."""
    arguments = _study_arguments(
        instruments, market, events, spec, constant_mean_for, placebo_draws
    )
    return _study_files(
        arguments,
        tuple(metadata.items()),
        json.dumps(parameters, default=str, ensure_ascii=False),
        stem,
    )


def study_metadata(spec: EventStudySpec, instruments, market) -> dict[str, str]:
    """CSV metadata columns for a study shown in the dashboard."""
    symbols = list(instruments) + ([market] if market else [])
    benchmark = f"; benchmark {market}" if market and spec.model != "constant-mean" else ""
    return {
        "method": f"{spec.describe()}{benchmark}; relative days count Shanghai (XSHG) sessions",
        "data_mode": current_mode(symbols).label,
        "data_vintage": data_vintage(coverage(), symbols),
    }


@st.cache_data(show_spinner=False, max_entries=6)
def _theme_segment(
    version: tuple, measure_rows: tuple, spec: EventStudySpec, window: tuple, calendar: tuple = ()
):
    from analysis.themes import theme_segment_study
    from data_sources.instruments import market_wide_instruments, segment_table

    segments = segment_table()
    symbols = sorted(
        {s for row in segments.itertuples() for s in row.instruments}
        | {b for b in segments["benchmark"].dropna()}
    )
    frame = Store(version[0]).read(symbols)
    measures = pd.DataFrame(
        measure_rows,
        columns=[
            "id",
            "theme",
            "secondary_themes",
            "segments",
            "announcement_date",
            "event_session",
        ],
    )
    return theme_segment_study(
        frame, measures, segments, spec, all_sessions(), window, sorted(market_wide_instruments())
    )


def theme_segment(measures: pd.DataFrame, spec: EventStudySpec, window: tuple):
    """Cached theme × segment study of ``measures`` (catalogue rows with a t0)."""
    rows = tuple(
        (
            r.id,
            r.theme,
            tuple(r.secondary_themes),
            tuple(r.segments),
            r.announcement_date,
            r.event_session,
        )
        for r in measures.itertuples()
    )
    return _theme_segment(store_version(store()), rows, spec, tuple(window), calendar_version())
