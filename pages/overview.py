"""Overview: rebased price lines of chosen instruments with the policy measures as markers."""

import pandas as pd
import streamlit as st

from analysis.study import closes_wide
from pages import charts, ui

ui.run_through_app()
st.title("Overview")
st.caption(
    "Price paths of indices, sectors and C-REITs with the dated policy measures of the "
    "CSRC 2020 mid-year communiqué's nine tasks. Hover a triangle for the measure."
)

options = ui.instrument_options()
if not options:
    st.info("No price series are stored yet. Open the **Data** page to fetch or import some.")
    st.stop()
preferred = [s for s in ("000300.SH", "399006.SZ", "000688.SH", "399975.SZ") if s in options]
chosen = st.multiselect(
    "Instruments",
    options,
    default=preferred or options[:3],
    format_func=ui.label,
    key="overview_instruments",
)
if not chosen:
    st.info("Choose at least one instrument above.")
    st.stop()

frame = ui.bars(chosen)
closes = closes_wide(frame)
first, last = closes.index.min().date(), closes.index.max().date()
default_start = max(first, pd.Timestamp("2019-06-01").date())
start, end = st.slider(
    "Date range",
    min_value=first,
    max_value=last,
    value=(default_start, last),
    format="YYYY-MM-DD",
    key="overview_range",
)
closes = closes.loc[pd.Timestamp(start) : pd.Timestamp(end)].dropna(how="all")
if closes.empty:
    st.info("No prices in that date range; widen it.")
    st.stop()

measures = ui.filtered_catalogue()
measures = measures[measures["event_session"].between(closes.index.min(), closes.index.max())]
mode = ui.current_mode(chosen)
figure = charts.normalised_price_figure(
    closes, measures, {s: ui.label(s) for s in chosen}, ui.THEME_COLOURS, mode.synthetic
)
st.plotly_chart(figure, width="stretch", key="overview_chart")
st.caption(f"{len(measures)} measures in range after the theme filter · data mode: {mode.label}")
