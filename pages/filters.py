"""The sidebar: language, the theme filter and the unverified-dates toggle, and the values
pages read of them (every page's measures pass through :func:`filtered_catalogue`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_sources import catalogue as catalogue_module
from data_sources.config import data_dir
from pages import colours
from pages.formatting import mode_label, theme_name
from pages.i18n import LANGUAGES, language, t
from pages.layout import translated
from pages.loaders import catalogue, current_mode
from pages.text import code
from pages.url_state import parse_flag, seed_from_url, write_all_to_url


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
    seed_from_url("include_unverified", "unverified", parse=parse_flag)
    colours.prepare()
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
            key=translated("theme_filter"),
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
        scheme_labels = colours.labels()
        st.selectbox(
            t("Colours for up/down"),
            list(colours.SCHEMES),
            format_func=scheme_labels.get,
            key=translated(colours.KEY),
            on_change=colours.mark_chosen,
            placeholder=t("Choose an option"),
            help=t(
                "Which colour marks a rise in returns and heat-maps. Red up, green down is the "
                "convention of Chinese markets (the default in 中文); blue and orange can be told "
                "apart with the common forms of colour blindness."
            ),
        )
        write_all_to_url(
            {
                "lang": None if language() == "en" else language(),
                "themes": list(selected_themes()) or None,
                "unverified": "1" if include_unverified() else None,
                "colours": colours.chosen(),
            }
        )
        mode = current_mode()
        st.caption(t("Data mode: **{mode}**", mode=mode_label(mode)))
        st.caption(t("Data directory: {path}", path=code(data_dir())))


def _keep_a_language() -> None:
    """A click on the chosen language unselects it (value None): keep the language shown.
    A callback runs before the widget is drawn, the only time its value may be assigned."""
    if st.session_state.get("language") is None:
        st.session_state["language"] = st.session_state.get("_language_shown") or "en"
