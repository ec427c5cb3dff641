"""Themes: a theme × segment heat-map of CAAR over every catalogue measure."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.event_study import DEFAULT_CAR_WINDOWS
from analysis.export import csv_bytes
from analysis.themes import cell_statistics
from data_sources import catalogue as cat
from data_sources.instruments import segment_table
from pages import charts, filters, formatting, layout, loaders, url_state
from pages.i18n import t

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
    key="themes_window",
    format_func=lambda w: f"[{w[0]}, {w[1]}]",
)
model = right.radio(
    t("Model for segments with a benchmark"),
    MODEL_CHOICES,
    horizontal=True,
    key="themes_model",
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
pairs = result.pairs[result.pairs["event_id"].isin(measures["id"])]
if not pairs.empty and (
    note := formatting.calendar_note(pairs["event_session"].min(), pairs["event_session"].max())
):
    st.caption(note)  # t0 on inferred sessions (past exchange_calendars' last session)
cells = cell_statistics(pairs)
if (
    filters.selected_themes()
):  # a measure also counts under its secondary themes: keep the rows asked
    cells = cells[cells["theme"].isin(filters.selected_themes())]
if cells.empty:
    st.info(
        t(
            "No measure could be studied on the stored data. Fetch or import prices on the "
            "**Data** page."
        )
    )
    st.stop()

themes = cat.themes().set_index("id")
segments = segment_table().set_index("id")
row_ids = [t for t in themes.index if t in set(cells["theme"])]
col_ids = [s for s in segments.index if s in set(cells["segment"])]
grid = cells.set_index(["theme", "segment"])
z = np.full((len(row_ids), len(col_ids)), np.nan)
text = [["" for _ in col_ids] for _ in row_ids]
hover = [["" for _ in col_ids] for _ in row_ids]
for i, theme in enumerate(row_ids):
    for j, segment in enumerate(col_ids):
        if (theme, segment) not in grid.index:
            continue
        cell = grid.loc[(theme, segment)]
        z[i, j] = 100 * cell["caar"]
        stars = formatting.significance_stars(cell["p_value"]) if pd.notna(cell["p_value"]) else ""
        text[i][j] = f"{100 * cell['caar']:+.1f}{stars}"
        p_text = f"{cell['p_value']:.3f}" if pd.notna(cell["p_value"]) else "—"
        hover[i][j] = (
            f"<b>{formatting.theme_short(theme)}</b> × {formatting.segment_name(segment)}<br>"
            f"CAAR {100 * cell['caar']:+.2f}% · p {p_text}<br>"
            + t("{m} measure(s), {n} pair(s)", m=cell["n_measures"], n=cell["n_pairs"])
            + f"<br>{cell['test']}"
        )
synthetic = result.data_mode.synthetic
limit = float(np.nanmax(np.abs(z))) if np.isfinite(z).any() else 1.0
figure = go.Figure(
    go.Heatmap(
        z=z,
        x=col_ids,
        y=[formatting.theme_short(theme) for theme in row_ids],
        text=text,
        texttemplate="%{text}",
        customdata=hover,
        hovertemplate="%{customdata}<extra></extra>",
        colorscale="RdBu",  # diverging blue–red: readable with the common colour-vision deficits
        zmid=0,
        zmin=-limit,
        zmax=limit,
        colorbar={"title": "CAAR %"},
    )
)
# Invisible markers on the cell centres: Plotly selects points, not heat-map cells.
xs, ys, keys = [], [], []
for theme in row_ids:
    for segment in col_ids:
        if (theme, segment) in grid.index:
            xs.append(segment)
            ys.append(formatting.theme_short(theme))
            keys.append(f"{theme}|{segment}")
figure.add_trace(
    go.Scatter(
        x=xs,
        y=ys,
        mode="markers",
        customdata=keys,
        hoverinfo="skip",
        showlegend=False,
        marker={"size": 28, "opacity": 0, "symbol": "square"},
    )
)
title = t("CAAR over [{a}, {b}] sessions, %", a=window[0], b=window[1])
figure.update_layout(
    title=title + (t(" — SYNTHETIC DEMO DATA") if synthetic else ""),
    height=140 + 42 * len(row_ids),
    margin={"l": 10, "r": 10, "t": 50, "b": 10},
    xaxis={"title": t("Segment"), "side": "top"},
    yaxis={"autorange": "reversed"},
    clickmode="event+select",
)
event = st.plotly_chart(
    figure,
    width="stretch",
    key="themes_heatmap",
    on_select="rerun",
    selection_mode="points",
    config=charts.plot_config("policylens_themes"),
)

cell_keys = [f"{t}|{s}" for t, s in zip(cells["theme"], cells["segment"], strict=True)]
clicked = [p["customdata"] for p in (event.selection.points if event else []) if "customdata" in p]
if clicked and clicked[-1] in cell_keys:
    st.session_state["themes_cell"] = clicked[-1]
url_state.seed_from_url("themes_cell", "cell", options=cell_keys)
st.session_state.setdefault("themes_cell", cell_keys[0])
if st.session_state["themes_cell"] not in cell_keys:
    st.session_state["themes_cell"] = cell_keys[0]
chosen = st.selectbox(
    t("Cell (or click one in the heat-map)"),
    cell_keys,
    key="themes_cell",
    format_func=lambda k: (
        f"{formatting.theme_short(k.split('|')[0])} × {formatting.segment_name(k.split('|')[1])}"
    ),
)
url_state.write_to_url("cell", chosen)
metadata = result.metadata
theme, segment = chosen.split("|")
cell = grid.loc[(theme, segment)]
behind = pairs[(pairs["theme"] == theme) & (pairs["segment"] == segment)]
titles = loaders.catalogue().set_index("id").apply(formatting.measure_title, axis=1)
with st.container(border=True):
    st.markdown(
        f"**{formatting.theme_name(theme)}** × **{formatting.segment_name(segment)}** · "
        f"CAAR {100 * cell['caar']:+.2f}% · {cell['test']}"
        + (f", p = {cell['p_value']:.3f}" if pd.notna(cell["p_value"]) else "")
    )
    shown = behind.assign(
        measure=behind["event_id"].map(titles),
        instrument=behind["instrument"].map(formatting.label),
    )
    st.dataframe(
        shown[["measure", "instrument", "event_session", "car", "t_stat", "p_value", "model"]],
        hide_index=True,
        width="stretch",
        key="themes_pairs",
        column_config={
            "measure": t("Measure"),
            "instrument": t("Instrument"),
            "model": t("Model"),
            "event_session": st.column_config.DateColumn("t0", format="YYYY-MM-DD"),
            "car": st.column_config.NumberColumn("CAR", format="%.4f"),
            "t_stat": st.column_config.NumberColumn("t", format="%.2f"),
            "p_value": st.column_config.NumberColumn("p", format="%.3f"),
        },
    )
    st.download_button(
        t("These pairs (CSV)"),
        csv_bytes(behind, metadata),
        file_name=f"policylens_themes_{theme}_{segment}.csv",
        mime="text/csv",
        key="download_themes_pairs",
        icon=":material/download:",
    )
    st.page_link(
        "pages/event_study.py",
        label=t("Open these measures in the Event study"),
        icon=":material/query_stats:",
        query_params={
            "measures": ",".join(dict.fromkeys(behind["event_id"])),
            "instruments": ",".join(dict.fromkeys(behind["instrument"])),
            "model": "constant-mean" if set(behind["model"]) == {"constant-mean"} else model,
        },
    )

st.download_button(
    t("Heat-map cells as CSV"),
    csv_bytes(cells, metadata),
    file_name=f"policylens_themes_{window[0]}_{window[1]}.csv",
    mime="text/csv",
    key="download_themes_cells",
    icon=":material/download:",
)
if len(result.skipped):
    with st.expander(t("Not studied ({n})", n=len(result.skipped))):
        st.dataframe(result.skipped, hide_index=True, width="stretch", key="themes_skipped")
