"""Cached reads of the store and the catalogue, and the cached studies pages draw.

Loaders are wrapped in ``st.cache_data`` and keyed by a store *version* (file names and
modification times), so a refresh or an import is seen at once and nothing is re-read
otherwise. Computation lives in ``analysis`` and data access in ``data_sources``.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from analysis.api import StoreSource, StudyOutcome, StudyRequest, run_study
from data_sources import catalogue as catalogue_module
from data_sources.config import data_dir
from data_sources.data_mode import DataMode, data_mode
from data_sources.store import Store
from data_sources.trading_calendar import calendar_version


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


# A resource: the Overview draws from it on every rerun, and a copy per rerun (cache_data
# unpickles one) of years of daily closes cost more than drawing them. Callers never change it.
@st.cache_resource(show_spinner=False, max_entries=8)
def _closes(version: tuple, symbols: tuple[str, ...]) -> pd.DataFrame:
    from analysis.study import closes_wide

    return closes_wide(Store(version[0]).read(symbols))


def closes(symbols) -> pd.DataFrame:
    """Close prices of ``symbols``, one column each, by date (read-only: do not modify)."""
    return _closes(store_version(store()), tuple(sorted(set(symbols))))


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


@st.cache_data(show_spinner=False, max_entries=4)
def _catalogue_exports(user_file_version: tuple, calendar: tuple) -> tuple[bytes, bytes]:
    from analysis.export import csv_bytes

    everything = _catalogue(user_file_version)[0]
    return (
        csv_bytes(catalogue_module.export_table(everything), catalogue_module.export_metadata()),
        catalogue_module.export_yaml(everything).encode("utf-8"),
    )


def catalogue_exports() -> tuple[bytes, bytes]:
    """The whole catalogue as CSV and as YAML bytes, serialised once per catalogue and
    calendar (t0s and the metadata's inferred sessions), not on every rerun."""
    return _catalogue_exports(_user_file_version(), calendar_version())


def catalogue_versions() -> tuple[tuple, tuple, tuple]:
    """What everything derived from the catalogue depends on: the user's measures file, the
    calendar (t0s, overlaps) and the store (first dates, data mode); a cache key."""
    return _user_file_version(), calendar_version(), store_version(store())


def catalogue_problem() -> str | None:
    """Why the user's measures file is left out, or None."""
    return _catalogue(_user_file_version())[1]


def live_symbols() -> set[str]:
    return st.session_state.setdefault("live_symbols", set())


def current_mode(symbols=None) -> DataMode:
    return data_mode(coverage(), symbols, live_symbols())


def instrument_options() -> list[str]:
    """Every stored symbol (what pickers offer; demo series are marked in their labels)."""
    return list(coverage().query("source.notna()")["symbol"])


def study_pool() -> list[str]:
    """The stored symbols studies take by default: real series only once any are stored."""
    from data_sources.data_mode import study_pool as pool

    return pool(coverage())


def demo_symbols() -> set[str]:
    """The stored symbols that are SYNTHETIC demo series."""
    from data_sources.data_mode import synthetic_symbols

    return synthetic_symbols(coverage())


def study_key(request: StudyRequest) -> tuple:
    """Everything a study's outcome depends on besides the request: the store's version, the
    user's measures file (t0s, overlaps, placebo exclusions), the calendar (a fetched calendar
    moves inferred sessions) and the series fetched live this session (the data mode)."""
    return (
        store_version(store()),
        request,
        _user_file_version(),
        calendar_version(),
        tuple(sorted(live_symbols())),
    )


# The outcome is immutable, so it is cached as a resource: a rerun that does not change the
# request gets the very object (st.cache_data would unpickle a copy of every table, placebo
# draws included, on each rerun).
@st.cache_resource(show_spinner=False, max_entries=8)
def _study(version: tuple, request: StudyRequest, user_file: tuple, calendar: tuple, live: tuple):
    return run_study(request, StoreSource(Store(version[0]), live), _catalogue(user_file)[0])


def study(request: StudyRequest) -> StudyOutcome:
    """The outcome of ``request`` on the store (:func:`analysis.api.run_study`), cached.
    Raises :class:`analysis.api.StudyInputError` (or a ``DataSourceError``) naming what is
    wrong; errors are not cached."""
    return _study(*study_key(request))


# What is derived from a cached outcome (its files, its figures) is kept with the very object,
# by identity: hashing the outcome's tables for a cache key would cost more than a rerun.
_DERIVED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_DERIVED_LOCK = threading.Lock()
#: Values kept per outcome (figures per language and series, CAR tables per window and
#: language, ZIPs per link).
_DERIVED_LIMIT = 32


def derived(outcome: StudyOutcome, key: tuple, build: Callable[[], Any]) -> Any:
    """``build()`` once per (``outcome``, ``key``): the value lives as long as the cached
    outcome does. Thread-safe enough for sessions sharing an outcome (a value may be built
    twice, never half-built)."""
    with _DERIVED_LOCK:
        values = _DERIVED.setdefault(outcome, {})
        if key in values:
            return values[key]
    value = build()
    with _DERIVED_LOCK:
        if len(values) >= _DERIVED_LIMIT:
            values.pop(next(iter(values)))
        values[key] = value
    return value


def study_downloads(
    outcome: StudyOutcome, stem: str, url: str
) -> tuple[dict[str, Callable[[], bytes]], Callable[[], bytes]]:
    """Every table of the study as CSV bytes, by name, and the ZIP of them with
    ``parameters.json`` (which records ``url``), each as a callable that makes them:
    ``st.download_button`` calls it only when its button is clicked (on a thread of its own),
    so neither drawing a new study nor any rerun serialises a table. The bytes are kept with
    the cached outcome; a changed link (another language, theme filter) only re-zips them."""

    def every_csv() -> dict[str, bytes]:
        return derived(outcome, ("csv",), outcome.all_csv_bytes)

    def one_csv(name: str) -> Callable[[], bytes]:
        return lambda: every_csv()[name]

    def archive() -> bytes:
        return derived(
            outcome,
            ("zip", stem, url),
            lambda: outcome.to_zip(f"policylens_{stem}", extra={"url": url}, files=every_csv()),
        )

    names = derived(outcome, ("names",), outcome.file_names)
    return {name: one_csv(name) for name in names}, archive


@st.cache_data(show_spinner=False, max_entries=8)
def _measure_titles(user_file: tuple, language: str) -> dict[str, str]:
    column = "title_zh" if language == "zh" else "title_en"
    frame = _catalogue(user_file)[0]
    return dict(zip(frame["id"], frame[column], strict=True))


def measure_titles() -> dict[str, str]:
    """Every measure's title in the current language, by id."""
    from pages.i18n import language

    return _measure_titles(_user_file_version(), language())


class PoolSource(StoreSource):
    """The store as a study sees it by default: the real series only once any are stored
    (:func:`data_sources.data_mode.study_pool`), so a theme-wide study never takes a demo series
    beside real ones (a segment whose benchmark is only in the demo uses the constant-mean
    model, as one without a stored benchmark does)."""

    def symbols(self) -> list[str]:
        from data_sources.data_mode import study_pool as pool

        return pool(self.coverage())


# a resource: the page derives its views from the very object (see derived())
@st.cache_resource(show_spinner=False, max_entries=6)
def _theme_segment(
    version: tuple,
    user_file: tuple,
    model: str,
    window: tuple,
    include_unverified: bool,
    calendar: tuple = (),
    live: tuple = (),
):
    from analysis.themes import theme_segment_study
    from data_sources.instruments import segment_table

    return theme_segment_study(
        PoolSource(Store(version[0]), live),
        _catalogue(user_file)[0],
        segment_table(),
        window,
        model,
        include_unverified,
    )


def theme_segment(model: str, window: tuple, include_unverified: bool = False):
    """Cached theme × segment study of every studyable measure of the catalogue
    (:func:`analysis.themes.theme_segment_study`)."""
    return _theme_segment(
        store_version(store()),
        _user_file_version(),
        model,
        tuple(window),
        include_unverified,
        calendar_version(),
        tuple(sorted(live_symbols())),
    )
