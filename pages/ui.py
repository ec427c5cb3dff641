"""Shared dashboard plumbing: cached loaders, the sidebar filters and the data-mode banner.

Pages call these helpers and draw; computation lives in ``analysis`` and data access in
``data_sources``. Loaders are wrapped in ``st.cache_data`` and keyed by a store *version* (file
names and modification times), so a refresh or an import is seen at once and nothing is re-read
otherwise.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from analysis.event_study import Event, EventStudySpec
from analysis.api import study_from_bars
from analysis.study import segments_reached
from data_sources import catalogue as catalogue_module
from data_sources.bootstrap import seed_demo_if_empty
from data_sources.config import data_dir
from data_sources.data_mode import DataMode, data_mode, data_vintage
from data_sources.instruments import display_name
from data_sources.store import Store
from data_sources.trading_calendar import all_sessions, calendar_version, inferred_segments
from pages.i18n import LANGUAGES, language, t
from pages.text import code, escape_markdown

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
    the app keeps working on the shipped catalogue; :func:`banner` says so once per run."""
    return _catalogue(_user_file_version())[0]  # st.cache_data hands out a fresh copy


def catalogue_problem() -> str | None:
    """Why the user's measures file is left out, or None."""
    return _catalogue(_user_file_version())[1]


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
    seed_from_url("theme_filter", "themes", options=list(themes["id"]), multi=True)
    seed_from_url("include_unverified", "unverified", parse=_parse_flag)
    with st.sidebar:
        st.segmented_control(
            "Language / 语言",
            list(LANGUAGES),
            format_func=LANGUAGES.get,
            key="language",
            selection_mode="single",
            on_change=_keep_a_language,
        )
        st.multiselect(
            t("Policy themes (communiqué tasks)"),
            options=list(themes["id"]),
            format_func=theme_name,
            key="theme_filter",
            placeholder=t("All nine tasks"),
            help=t(
                "Filters the measures on every page. Empty = all nine tasks of the CSRC 2020 "
                "mid-year communiqué."
            ),
        )
        st.toggle(
            t("Include measures with unverified dates"),
            key="include_unverified",
            help=t(
                "The 2020 mid-year meeting itself has no verified date (between 2020-07-27 and "
                "2020-08-20). Studies leave such measures out unless this is on."
            ),
        )
        write_to_url("lang", None if language() == "en" else language())
        write_to_url("themes", selected_themes() or None, multi=True)
        write_to_url("unverified", "1" if include_unverified() else None)
        mode = current_mode()
        st.caption(t("Data mode: **{mode}**", mode=mode_label(mode)))
        st.caption(t("Data directory: {path}", path=code(data_dir())))


def _keep_a_language() -> None:
    """A click on the chosen language unselects it (value None): keep the language shown.
    A callback runs before the widget is drawn, the only time its value may be assigned."""
    if st.session_state.get("language") is None:
        st.session_state["language"] = st.session_state.get("_language_shown") or "en"


#: Widgets whose option labels depend on the language (format_func): after a switch their
#: values are handed to the new labels (see init_language).
_LANGUAGE_DEPENDENT_WIDGETS = (
    "study_",
    "themes_",
    "theme_filter",
    "policies_",
    "policy_detail",
    "overview_instruments",
    "fetch_symbols_",
    "delete_symbol",
)


def init_language() -> None:
    """Language from ``?lang=`` or the session (English by default); before anything draws.

    Streamlit's browser side identifies a chosen option by its label. When the language
    changes, every label of a translated select, radio or multiselect changes, and the browser
    would show nothing chosen; assigning each value back through the session before the
    widgets are drawn sends it again under the new labels.
    """
    seed_from_url("language", "lang", options=list(LANGUAGES))
    st.session_state.setdefault("language", "en")
    shown = st.session_state.get("_language_shown")
    if shown is not None and shown != language():
        for key in list(st.session_state):
            value = st.session_state[key]
            # Only option values: buttons, toggles and checkboxes (bool) have no translated
            # options, and a button's state may not be assigned at all; charts keep a dict.
            if (
                key.startswith(_LANGUAGE_DEPENDENT_WIDGETS)
                and value is not None
                and not isinstance(value, dict | bool)
            ):
                try:
                    st.session_state[key] = value
                except StreamlitAPIException:
                    continue
    st.session_state["_language_shown"] = language()


def _parse_flag(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(t("use 1 or 0"))


def banner() -> None:
    """The data-mode banner every page shows at the top (and, once per run, a user measures
    file that is left out)."""
    mode = current_mode()
    problem = catalogue_problem()
    if problem is not None:
        st.error(
            t(
                "Your measures file could not be loaded and is left out: {error}",
                error=escape_markdown(problem),
            )
        )
    if st.session_state.get("demo_seeded"):
        st.info(
            t(
                "The local store was empty, so it was filled with {n} SYNTHETIC demo series (no "
                "network needed). Fetch real data from akshare or import your own files on the "
                "**Data** page.",
                n=st.session_state["demo_seeded"],
            ),
            icon=":material/info:",
        )
    damage = damaged()
    if damage:
        st.warning(
            t(
                "Damaged store file(s): {files}. Every other series is still served; the "
                "**Data** page can move them aside and lists what to re-fetch.",
                files=", ".join(f"`{item.file}`" for item in damage),
            ),
            icon=":material/broken_image:",
        )
    if mode.synthetic:
        st.warning(
            t(
                "**SYNTHETIC DEMO DATA** — data mode: {mode}. Demo prices are simulated, not "
                "market data; every chart, table and CSV from them is labelled synthetic.",
                mode=mode_label(mode),
            ),
            icon=":material/science:",
        )
    else:
        st.info(t("Data mode: **{mode}**", mode=mode_label(mode)), icon=":material/database:")


def mode_label(mode: DataMode) -> str:
    """The data-mode label in the current language (CSV metadata keeps the English one)."""
    if language() != "zh":
        return mode.label
    return (
        mode.label.replace("SYNTHETIC DEMO", "合成演示数据 SYNTHETIC DEMO")
        .replace("stored akshare data (as of", "已存储的 akshare 数据（截至")
        .replace("live akshare", "实时 akshare")
        .replace("imported files", "导入的文件")
    )


def theme_name(theme_id: str) -> str:
    return catalogue_module.theme_label(theme_id, language())


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
    return display_name(symbol, language())


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


# -- URL state -------------------------------------------------------------------------------
# Every selection is mirrored in the URL (st.query_params), so a view can be bookmarked and
# shared. A parameter seeds its widget when the URL brings a value this session has not seen
# (a pasted link, a link from another page); afterwards the widget writes its value back. A
# value that does not fit is ignored with a message naming the parameter, never an exception.


def _url_seen() -> dict:
    return st.session_state.setdefault("_url_seen", {})


def url_problems() -> list[str]:
    return st.session_state.setdefault("_url_problems", [])


def seed_from_url(key: str, param: str, *, options=None, multi=False, parse=str, check=None):
    """Set ``st.session_state[key]`` from ``?param=`` when the URL brings a new value.

    ``multi`` values are comma-separated; each is converted with ``parse`` and must be one of
    ``options`` (when given); ``check(value)`` may raise ``ValueError`` with a reason.
    """
    raw = st.query_params.get(param)
    if raw is None or _url_seen().get(param) == raw:
        return
    _url_seen()[param] = raw
    try:
        parts = [part.strip() for part in raw.split(",") if part.strip()] if multi else [raw]
        values = [parse(part) for part in parts]
        if options is not None:
            unknown = [value for value in values if value not in options]
            if unknown:
                raise ValueError(t("{value!r} is not one of the choices", value=unknown[0]))
        value = values if multi else values[0]
        if check is not None:
            check(value)
    except (ValueError, TypeError, IndexError) as error:
        # The value and the reason (which may quote it) are text, never markdown.
        url_problems().append(
            t(
                "URL parameter {setting} was ignored: {error}.",
                setting=code(f"{param}={raw}"),
                error=escape_markdown(error),
            )
        )
        return
    st.session_state[key] = value


def write_to_url(param: str, value, *, multi=False) -> None:
    """Mirror a widget's value in the URL (``None`` removes the parameter)."""
    if value is None:
        st.query_params.pop(param, None)
        _url_seen().pop(param, None)
        return
    raw = ",".join(str(v) for v in value) if multi else str(value)
    if st.query_params.get(param) != raw:
        st.query_params[param] = raw
    _url_seen()[param] = raw


def show_url_problems() -> None:
    for problem in st.session_state.pop("_url_problems", []):
        st.warning(problem, icon=":material/link_off:")


def parse_int_pair(text: str) -> tuple[int, int]:
    """``"-250,-11"`` → (-250, -11)."""
    parts = text.split(",")
    if len(parts) != 2:
        raise ValueError(t("write two whole numbers separated by a comma, e.g. -5,5"))
    try:
        return int(parts[0]), int(parts[1])
    except ValueError:
        raise ValueError(t("write two whole numbers separated by a comma, e.g. -5,5")) from None


def ordered_within(low: int, high: int):
    """A check for :func:`seed_from_url`: a pair inside [low, high], first ≤ second."""

    def check(pair) -> None:
        if not (low <= pair[0] <= pair[1] <= high):
            raise ValueError(
                t(
                    "both numbers must lie in {low}…{high}, the first ≤ the second",
                    low=low,
                    high=high,
                )
            )

    return check


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


def calendar_source(segment) -> str:
    """Where inferred sessions come from, in the current language."""
    if segment.kind == "official":
        return t("the official akshare calendar fetched {date}", date=segment.fetched)
    if segment.kind == "store":
        return t("the stored series (days on which a stored akshare series has a bar)")
    return t("weekdays (no holidays known)")


def calendar_note(first=None, last=None) -> str | None:
    """ "Sessions after 2026-12-31 are from …" for the inferred sessions between ``first`` and
    ``last`` (all of them when not given); None when there are none."""
    used = segments_reached(inferred_segments(), first, last)
    if not used:
        return None
    return t(
        "Sessions after {end} are from {sources}.",
        end=f"{used[0].after:%Y-%m-%d}",
        sources=t(", then ").join(
            t("{source} (to {last})", source=calendar_source(s), last=f"{s.last:%Y-%m-%d}")
            for s in used
        ),
    )


def significance_stars(p_value: float) -> str:
    """*** p<0.01, ** p<0.05, * p<0.10, else blank."""
    for threshold, stars in ((0.01, "***"), (0.05, "**"), (0.10, "*")):
        if p_value < threshold:
            return stars
    return ""


def theme_short(theme_id: str) -> str:
    """``"T4 Zero tolerance"`` / ``"T4 零容忍…"`` for narrow places."""
    return catalogue_module.theme_short(theme_id, language())


def segment_name(code: str) -> str:
    """``"CHN ChiNext"`` / ``"CHN 创业板"``."""
    from data_sources.instruments import segment_table

    row = segment_table().set_index("id").loc[code]
    return f"{code} {row['name_zh'] if language() == 'zh' else row['name_en']}"


def measure_title(row) -> str:
    """A catalogue row's title in the current language."""
    return row["title_zh"] if language() == "zh" else row["title_en"]


def timing_label(code: str) -> str:
    """When in the day a measure was released, in words."""
    labels = {
        "before_open": t("before the open"),
        "intraday": t("intraday (09:30-15:00)"),
        "after_close": t("after the close"),
        "non_trading_day": t("weekend or holiday"),
        "unknown": t("unknown"),
    }
    return labels.get(code, code)


def keep_valid(key: str, options, fallback=None, multi: bool = False) -> None:
    """Before drawing a widget whose options depend on other choices (or on what is stored),
    drop a remembered value that is no longer offered, so the widget falls back cleanly
    instead of failing."""
    if key not in st.session_state:
        return
    value = st.session_state[key]
    if multi:
        kept = [item for item in (value or []) if item in options]
        if kept != list(value or []):
            st.session_state[key] = kept or (fallback if fallback is not None else [])
    elif value not in options:
        if fallback is None:
            del st.session_state[key]
        else:
            st.session_state[key] = fallback
