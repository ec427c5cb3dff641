"""Shared dashboard plumbing: cached loaders, the sidebar filters and the data-mode banner.

Pages call these helpers and draw; computation lives in ``analysis`` and data access in
``data_sources``. Loaders are wrapped in ``st.cache_data`` and keyed by a store *version* (file
names and modification times), so a refresh or an import is seen at once and nothing is re-read
otherwise.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.event_study import Event, EventStudySpec
from analysis.study import study_from_bars
from data_sources import catalogue as catalogue_module
from data_sources.bootstrap import seed_demo_if_empty
from data_sources.config import data_dir
from data_sources.data_mode import DataMode, data_mode, data_vintage
from data_sources.instruments import display_name
from data_sources.store import Store
from data_sources.trading_calendar import all_sessions

#: Okabe–Ito colour-blind-safe palette, one colour per communiqué task (T9 grey).
THEME_COLOURS = {
    "T1": "#E69F00",
    "T2": "#0072B2",
    "T3": "#009E73",
    "T4": "#D55E00",
    "T5": "#CC79A7",
    "T6": "#56B4E9",
    "T7": "#000000",
    "T8": "#B8A300",
    "T9": "#999999",
}


def run_through_app() -> None:
    """Make sure this page runs inside app.py, not on its own. Call first on every page.

    Streamlit decides once per server whether ``pages/`` is a legacy multipage folder: until some
    session has run app.py (whose ``st.navigation`` switches the legacy mode off), a first visit
    to a deep link such as ``/event_study`` runs the page file alone — no sidebar filter, no
    banner, no demo seeding, and every module in ``pages/`` listed as a page. Switching the
    flag off and rerunning sends this run, and every later one, through app.py; the page is
    chosen from the URL, so the visitor lands where they asked.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def store() -> Store:
    """The store in the current data directory (cheap to construct; not cached so that a
    changed POLICYLENS_DATA_DIR is honoured)."""
    return Store(data_dir() / "store")


def store_version(current: Store) -> tuple:
    """Changes whenever any stored file changes: the cache key for everything read from it."""
    return current.version()


def ensure_data() -> None:
    """Seed the SYNTHETIC demo into an empty store (no network) and say so once per session."""
    seeded = seed_demo_if_empty(store())
    if seeded:
        st.session_state["demo_seeded"] = len(seeded)


@st.cache_data(show_spinner=False)
def _coverage(version: tuple) -> pd.DataFrame:
    return Store(version[0]).coverage()


def coverage() -> pd.DataFrame:
    current = store()
    return _coverage(store_version(current))


@st.cache_data(show_spinner=False)
def _bars(version: tuple, symbols: tuple[str, ...]) -> pd.DataFrame:
    return Store(version[0]).read(symbols)


def bars(symbols) -> pd.DataFrame:
    current = store()
    return _bars(store_version(current), tuple(sorted(set(symbols))))


@st.cache_data(show_spinner=False)
def _catalogue(user_file_version: tuple) -> pd.DataFrame:
    return catalogue_module.load_catalogue()


def catalogue() -> pd.DataFrame:
    """Shipped plus user measures, cached until the user file changes. A user file that no
    longer validates (edited by hand, or an id the shipped catalogue now uses) is reported and
    left out, so the app keeps working on the shipped catalogue."""
    path = catalogue_module.user_measures_path()
    version = (str(path), path.stat().st_mtime_ns if path.exists() else 0)
    try:
        return _catalogue(version)
    except catalogue_module.CatalogueError as error:
        st.error(f"Your measures file could not be loaded and is left out: {error}")
        return catalogue_module.shipped_catalogue().copy()


def live_symbols() -> set[str]:
    return st.session_state.setdefault("live_symbols", set())


def current_mode(symbols=None) -> DataMode:
    return data_mode(coverage(), symbols, live_symbols())


def selected_themes() -> list[str]:
    return list(st.session_state.get("theme_filter", []))


def include_unverified() -> bool:
    return bool(st.session_state.get("include_unverified", False))


def filtered_catalogue() -> pd.DataFrame:
    """The catalogue after the sidebar's theme filter (every page uses this)."""
    return catalogue_module.filter_by_themes(catalogue(), selected_themes())


def sidebar() -> None:
    """Theme filter, unverified toggle and the data-mode line; rendered once per run."""
    themes = catalogue_module.themes()
    with st.sidebar:
        st.multiselect(
            "Policy themes (communiqué tasks)",
            options=list(themes["id"]),
            format_func=catalogue_module.theme_label,
            key="theme_filter",
            placeholder="All nine tasks",
            help="Filters the measures on every page. Empty = all nine tasks of the CSRC 2020 "
            "mid-year communiqué.",
        )
        st.toggle(
            "Include measures with unverified dates",
            key="include_unverified",
            help="The 2020 mid-year meeting itself has no verified date (between 2020-07-27 and "
            "2020-08-20). Studies leave such measures out unless this is on.",
        )
        mode = current_mode()
        st.caption(f"Data mode: **{mode.label}**")
        st.caption(f"Data directory: `{data_dir()}`")


def banner() -> None:
    """The data-mode banner every page shows at the top."""
    mode = current_mode()
    if st.session_state.get("demo_seeded"):
        st.info(
            f"The local store was empty, so it was filled with {st.session_state['demo_seeded']} "
            "SYNTHETIC demo series (no network needed). Fetch real data from akshare or import "
            "your own files on the **Data** page.",
            icon=":material/info:",
        )
    if mode.synthetic:
        st.warning(
            f"**SYNTHETIC DEMO DATA** — data mode: {mode.label}. Demo prices are simulated, not "
            "market data; every chart, table and CSV from them is labelled synthetic.",
            icon=":material/science:",
        )
    else:
        st.info(f"Data mode: **{mode.label}**", icon=":material/database:")


def flash(kind: str, text: str) -> None:
    """Queue a message to show after the next rerun (kind: success | error | write)."""
    st.session_state.setdefault("flash_messages", []).append((kind, text))


def show_flashes() -> None:
    """Show and clear the queued messages (a page reruns after changing the store, so the
    sidebar and banner describe the new data; the messages survive that rerun here)."""
    for kind, text in st.session_state.pop("flash_messages", []):
        getattr(st, kind)(text)


def instrument_options() -> list[str]:
    return list(coverage().query("source.notna()")["symbol"])


def label(symbol: str) -> str:
    return display_name(symbol)


@st.cache_data(show_spinner=False)
def _study(
    version: tuple,
    instruments: tuple[str, ...],
    market: str | None,
    events: tuple[tuple, ...],
    spec: EventStudySpec,
    constant_mean_for: tuple[str, ...],
    placebo_draws: int,
    excluded_sessions: tuple,
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
    )


def run_study(
    instruments, market, events, spec: EventStudySpec, constant_mean_for=(), placebo_draws: int = 0
):
    """Cached event study of ``instruments`` around ``events`` (analysis.Event objects).
    With one event and ``placebo_draws``, a placebo distribution avoiding every catalogue
    event window comes with it."""
    as_tuples = tuple((e.event_id, e.event_date, e.event_session) for e in events)
    current = store()
    return _study(
        store_version(current),
        tuple(instruments),
        market,
        as_tuples,
        spec,
        tuple(constant_mean_for),
        placebo_draws,
        tuple(catalogue()["event_session"].dropna()),
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
