"""Themes: a theme × segment heat-map of CAAR over every catalogue measure.

A view: :func:`pages.loaders.theme_segment` runs :func:`analysis.themes.theme_segment_study`
(one :mod:`analysis.api` study per segment, cached); :mod:`pages.themes_view` draws it.
"""

import streamlit as st

from analysis.event_study import DEFAULT_CAR_WINDOWS
from data_sources import catalogue as cat
from pages import colours, filters, layout, loaders, url_state
from pages.i18n import language, t
from pages.themes_view import render_cell, render_downloads, render_heatmap, theme_view

layout.run_through_app()
st.title(t("Themes × segments"))
st.caption(
    t(
        "Cumulative average abnormal return (CAAR) of every dated measure, by communiqué task "
        "(rows) and the market segment it touches (columns). Each measure is studied on its "
        "segment's instruments against the segment benchmark (market model, estimation "
        "[−250, −11]); market-wide segments use the constant-mean model. Stars: * p<0.10, "
        "** p<0.05, *** p<0.01 (see *test* in the table for which test a cell uses)."
    )
)

measures = cat.studyable(filters.filtered_catalogue(), filters.include_unverified())
if measures.empty:
    st.info(t("No studyable measure matches the theme filter. Clear the filter in the sidebar."))
    st.stop()

WINDOW_CHOICES = list(DEFAULT_CAR_WINDOWS)
MODEL_CHOICES = ["market", "market-adjusted", "constant-mean"]
url_state.seed_from_url(
    "themes_window", "window", parse=url_state.parse_int_pair, options=WINDOW_CHOICES
)
url_state.seed_from_url("themes_model", "model", options=MODEL_CHOICES)
url_state.show_url_problems()
st.session_state.setdefault("themes_window", (-1, 1))
st.session_state.setdefault("themes_model", "market")
left, right = st.columns(2)
window = left.selectbox(
    t("CAR window (sessions around t0)"),
    WINDOW_CHOICES,
    key=layout.translated("themes_window"),
    format_func=lambda w: f"[{w[0]}, {w[1]}]",
    placeholder=t("Choose an option"),
)
model = right.radio(
    t("Model for segments with a benchmark"),
    MODEL_CHOICES,
    horizontal=True,
    key=layout.translated("themes_model"),
    format_func={
        "market": t("Market model"),
        "market-adjusted": t("Market-adjusted"),
        "constant-mean": t("Constant mean"),
    }.get,
)
url_state.write_to_url("window", f"{window[0]},{window[1]}")
url_state.write_to_url("model", model)

with st.spinner(t("Studying every measure on every segment it touches…")):
    # Every studyable measure once (cached); the theme filter then only re-aggregates, so
    # changing it never re-estimates anything.
    result = loaders.theme_segment(model, window, filters.include_unverified())
scheme = colours.scheme()
view = loaders.derived(
    result,
    ("view", tuple(measures["id"]), tuple(filters.selected_themes()), language(), scheme),
    lambda: theme_view(result, measures["id"], filters.selected_themes(), scheme),
)
if view.calendar_note:
    st.caption(view.calendar_note)  # t0 on inferred sessions (past exchange_calendars' last)
if view.cells.empty:
    st.info(
        t(
            "No measure could be studied on the stored data. Fetch or import prices on the "
            "**Data** page."
        )
    )
    st.stop()
render_heatmap(view)
render_cell(result, view, model)
render_downloads(result, view)
