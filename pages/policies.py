"""Policies: the catalogue of dated measures, filtered by theme."""

import streamlit as st

from analysis.export import csv_bytes
from data_sources.catalogue import theme_label, theme_short
from pages import ui

ui.run_through_app()
st.title("Policy measures")
st.caption(
    "Dated measures that carry out the nine tasks of the CSRC system's 2020 mid-year work "
    "meeting communiqué. t0 is the first Shanghai session that could react (weekend, "
    "holiday and after-close releases move to the next session)."
)

measures = ui.filtered_catalogue()
themes = ui.selected_themes()
scope = ", ".join(themes) if themes else "all nine tasks"
st.markdown(f"**{len(measures)}** measures · themes: {scope}")
if measures.empty:
    st.info("No measure matches the theme filter; clear it in the sidebar.")
    st.stop()

table = measures.assign(
    theme_name=measures["theme"].map(theme_short),
    theme_full=measures["theme"].map(theme_label),
    secondary=measures["secondary_themes"].map(", ".join),
    segment_list=measures["segments"].map(", ".join),
)
st.dataframe(
    table[
        [
            "announcement_date",
            "event_session",
            "title_en",
            "title_zh",
            "theme_name",
            "segment_list",
            "timing",
            "secondary",
            "confidence",
            "source_url",
            "theme_full",
            "id",
        ]
    ],
    hide_index=True,
    height=560,
    width="stretch",
    key="policies_table",
    column_config={
        "announcement_date": st.column_config.DateColumn("Announced", format="YYYY-MM-DD"),
        "event_session": st.column_config.DateColumn("t0 session", format="YYYY-MM-DD"),
        "timing": "Release timing",
        "theme_name": st.column_config.TextColumn("Theme", help="Primary communiqué task"),
        "theme_full": "Theme (full name)",
        "title_en": st.column_config.TextColumn("Measure", width="large"),
        "title_zh": st.column_config.TextColumn("措施", width="large"),
        "segment_list": "Segments",
        "secondary": "Also themes",
        "confidence": "Date",
        "source_url": st.column_config.LinkColumn("Source"),
        "id": "id",
    },
)
export = measures.assign(
    secondary_themes=measures["secondary_themes"].map(";".join),
    segments=measures["segments"].map(";".join),
)
st.download_button(
    "Download these measures (CSV)",
    data=csv_bytes(
        export,
        {
            "method": "policy catalogue; t0 = first XSHG session at or after the release",
            "data_mode": "catalogue",
            "data_vintage": "shipped catalogue data_sources/catalogue/measures.yaml",
        },
    ),
    file_name="policy_measures.csv",
    mime="text/csv",
    key="download_measures",
)
