"""What every run does around the page: routing through app.py, the language, demo seeding,
the data-mode banner and messages that survive a rerun."""

from __future__ import annotations

import contextlib
import threading

import streamlit as st
from streamlit.errors import StreamlitAPIException

from data_sources.bootstrap import seed_demo_if_empty
from data_sources.data_mode import DataMode, data_mode, store_mix
from pages import loaders
from pages.formatting import mode_label, refresh_demo_symbols
from pages.i18n import LANGUAGES, language, t
from pages.loaders import (
    catalogue_problem,
    coverage,
    current_mode,
    damaged,
    live_symbols,
    store,
)
from pages.text import escape_markdown
from pages.url_state import seed_from_url


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


def ensure_data() -> None:
    """Seed the SYNTHETIC demo into an empty store (no network) and say so once per session."""
    seeded = seed_demo_if_empty(store())
    if seeded:
        st.session_state["demo_seeded"] = len(seeded)


#: Session-state entry holding the keys registered by :func:`translated`.
_TRANSLATED_WIDGETS = "_translated_widgets"


def translated(key: str) -> str:
    """Register a widget whose option labels depend on the language; returns ``key``.

    Write ``key=layout.translated("…")`` on every select, radio, multiselect or segmented
    control with a ``format_func`` (tests/test_page_views.py fails on one without): after a
    language switch :func:`init_language` hands its value to the new labels.
    """
    st.session_state.setdefault(_TRANSLATED_WIDGETS, set()).add(key)
    return key


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
        resend_translated()
    st.session_state["_language_shown"] = language()
    if language() == "zh":
        streamlit_texts_in_chinese()


def streamlit_texts_in_chinese() -> None:
    """Streamlit's own texts that its API gives no parameter for, drawn in 中文 by CSS: a
    filtered select's "No results", a file uploader's "Upload" button and its size limit
    (the English stays in the page at size 0; the Chinese is drawn in its place)."""
    limit = st.get_option("server.maxUploadSize")
    no_results = t("No matching option")
    upload = t("Upload")
    size = t("At most {n} MB per file", n=limit)
    empty = '[role="listbox"][data-empty="true"] [role="option"] > span'
    button = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
    limits = '[data-testid="stFileUploaderDropzoneInstructions"] span'
    st.html(
        "<style>"
        f"{empty}, {button}, {limits} {{ font-size: 0; }}"
        f'{empty}::after {{ content: "{no_results}"; font-size: 0.875rem; }}'
        f'{button}::after {{ content: "{upload}"; font-size: 1rem; }}'
        f'{limits}::after {{ content: "{size}"; font-size: 0.875rem; }}'
        "</style>"
    )


def resend_translated() -> None:
    """Assign each registered widget's value back through the session (before the widgets are
    drawn), so the browser is sent it under the option labels of this run."""
    for key in sorted(st.session_state.get(_TRANSLATED_WIDGETS, ())):
        if st.session_state.get(key) is None:  # not drawn yet, or nothing chosen
            continue
        try:
            st.session_state[key] = st.session_state[key]
        except StreamlitAPIException:
            continue


def banner() -> None:
    """The data-mode banner every page shows at the top (and, once per run, a user measures
    file that is left out). It speaks of the data in view: a store of one kind of data has one
    mode; a store holding real and demo series says how many of each and that studies use the
    real ones, and a page showing particular series replaces that line by their mode
    (:func:`show_view_mode`)."""
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
    stored = coverage()  # read once for the whole banner
    demo, before = refresh_demo_symbols(stored)  # what labels mark as demo this run
    if before is not None and before != demo:
        # a series became real or demo (an import, a fetch, the CLI): its label changed, as on
        # a language switch
        resend_translated()
    _BANNER.slot = st.empty()
    mix = store_mix(stored, live_symbols())
    if mix.real and mix.demo:
        # a page showing particular series says which (show_view_mode); this is true of the
        # rest: every default a study takes is real
        _BANNER.slot.info(
            t(
                "Store: {real} real series ({mode}) + {demo} SYNTHETIC demo series — studies use "
                "the real series; a demo series you pick is marked “· SYNTHETIC DEMO”. The "
                "**Data** page removes the demo in one step.",
                real=mix.real,
                mode=mode_label(mix.real_mode),
                demo=mix.demo,
            ),
            icon=":material/database:",
        )
    else:  # one kind of data: the store's mode is that of every page
        mode = data_mode(stored, None, live_symbols())
        _show_mode(mode, t("Data mode: **{mode}**", mode=mode_label(mode)))


#: The banner's data-mode line of this run (one script thread per session and run), so that a
#: page showing particular series can replace it by what it shows (:func:`show_view_mode`).
_BANNER = threading.local()


def _show_mode(mode: DataMode, plain: str) -> None:
    slot = getattr(_BANNER, "slot", None) or st.empty()
    if mode.synthetic:
        slot.warning(
            t(
                "**SYNTHETIC DEMO DATA** — data mode: {mode}. Demo prices are simulated, not "
                "market data; every chart, table and CSV from them is labelled synthetic.",
                mode=mode_label(mode),
            ),
            icon=":material/science:",
        )
    else:
        slot.info(plain, icon=":material/database:")


def show_view_mode(symbols, where: str = "study") -> None:
    """Replace the banner's data-mode line by the mode of the series this page shows (the Event
    study: its instruments and benchmark; the Overview: its chart's series), so it speaks of
    the data in view, not the store. ``where``: "study" or "chart". Call it from the page's
    full run: a fragment's rerun cannot write above its container (the line then stays as the
    last full run drew it)."""
    mode = current_mode(list(symbols))
    if not mode.counts:
        return
    plain = (
        t("Data in this chart: **{mode}**", mode=mode_label(mode))
        if where == "chart"
        else t("Data in this study: **{mode}**", mode=mode_label(mode))
    )
    with contextlib.suppress(StreamlitAPIException):
        _show_mode(mode, plain)


def forget_demo_defaults(page: str, keys) -> None:
    """Forget the session values ``keys`` of ``page`` when real series were stored since they
    were taken (an import on the Data page) or the last real one was removed: the defaults a
    page takes come from the study pool (real series only, once any are stored), and values
    taken from the demo must give way to them."""
    pool = loaders.study_pool()
    real = not set(pool) & set(loaders.demo_symbols())
    flag = f"_pool_real_{page}"
    if st.session_state.setdefault(flag, real) != real:
        for key in list(keys):
            st.session_state.pop(key, None)
        st.session_state[flag] = real


def flash(kind: str, text: str) -> None:
    """Queue a message to show after the next rerun (kind: success | error | write)."""
    st.session_state.setdefault("flash_messages", []).append((kind, text))


def show_flashes() -> None:
    """Show and clear the queued messages (a page reruns after changing the store, so the
    sidebar and banner describe the new data; the messages survive that rerun here)."""
    for kind, text in st.session_state.pop("flash_messages", []):
        getattr(st, kind)(text)


def opened(label: str, key: str):
    """A closed-by-default expander that is drawn only when opened: its container once open,
    else None. What a closed one would hold is neither built nor sent (the browser's redraw
    of charts and tables is most of what a person waits for after each change); opening it
    reruns the page (or the fragment it is in), and it stays open across reruns."""
    box = st.expander(label, key=key, on_change="rerun")
    return box if box.open else None
