"""The Themes page's view: what is shown for the measures the sidebar leaves
(:func:`theme_view`, a plain function), and the render functions that draw it. The study
itself is :func:`analysis.themes.theme_segment_study`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from analysis.export import csv_bytes
from analysis.themes import ThemeSegmentResult, cell_statistics
from data_sources import catalogue as cat
from data_sources.instruments import segment_table
from pages import charts, colours, forest, formatting, layout, loaders, url_state
from pages.i18n import t, tr
from pages.text import escape_markdown


@dataclass(frozen=True, eq=False)
class ThemeView:
    """What the page shows for the measures the sidebar leaves: their pairs, the cells they
    make (rows kept to the chosen themes), the heat-map and the cells' CSV."""

    pairs: pd.DataFrame
    cells: pd.DataFrame
    cell_keys: list[str]
    figure: object
    cells_csv: bytes
    calendar_note: str | None


def theme_view(
    result: ThemeSegmentResult, measure_ids, selected_themes, scheme: str | None = None
) -> ThemeView:
    """The view of ``result`` (the theme × segment study of every measure) for the measures
    ``measure_ids`` and, when any, only the rows of ``selected_themes`` (a measure also counts
    under its secondary themes: the filter keeps the rows asked); the heat-map in the colour
    ``scheme`` (:mod:`pages.colours`; default: the current one)."""
    pairs = result.pairs[result.pairs["event_id"].isin(list(measure_ids))]
    note = None
    if not pairs.empty:
        note = formatting.calendar_note(pairs["event_session"].min(), pairs["event_session"].max())
    cells = cell_statistics(pairs)
    if selected_themes:
        cells = cells[cells["theme"].isin(list(selected_themes))]
    themes = cat.themes()["id"]
    segments = segment_table()["id"]
    row_ids = [theme for theme in themes if theme in set(cells["theme"])]
    col_ids = [segment for segment in segments if segment in set(cells["segment"])]
    figure = charts.themes_heatmap_figure(
        cells, row_ids, col_ids, result.window, result.data_mode.synthetic, scheme
    )
    keys = [f"{a}|{b}" for a, b in zip(cells["theme"], cells["segment"], strict=True)]
    return ThemeView(pairs, cells, keys, figure, csv_bytes(cells, result.metadata), note)


#: The pairs table of a cell, in the order shown.
PAIR_TABLE_COLUMNS = [
    "measure",
    "instrument",
    "event_session",
    "car_window",
    "car_pct",
    "t_stat",
    "p_value",
    "expected_sign",
    "response",
    "model",
    "cluster",
]


def pair_table(behind: pd.DataFrame, titles) -> pd.DataFrame:
    """A cell's pairs as its table shows them: titles, instrument names, the CAR in percent
    (as the cell's CAAR above it and the Event study's CAR table; the CSV keeps fractions)."""
    shown = behind.assign(
        measure=behind["event_id"].map(titles),
        instrument=behind["instrument"].map(formatting.label),
        car_pct=100 * behind["car"],
        response=behind.get("response", pd.Series("", index=behind.index)).map(
            lambda v: t(v) if v else ""
        ),
    )
    return shown[[c for c in PAIR_TABLE_COLUMNS if c in shown.columns]]


def cell_framing(cell: pd.Series, pairs: pd.DataFrame) -> list[str]:
    """Lines under a cell's headline: how many measures had their expected sign (with each
    one-line reason), and which measures' t0 is uncertain (their CAR covers t0 and t0+1)."""
    lines = []
    signed, hits = int(cell.get("n_signed", 0) or 0), int(cell.get("n_as_expected", 0) or 0)
    ambiguous = int(cell.get("n_ambiguous", 0) or 0)
    if signed or ambiguous:
        text = t("Expected sign: {hits} of {signed} measures as expected", hits=hits, signed=signed)
        if ambiguous:
            text += t(" ({n} ambiguous: no sign expected)", n=ambiguous)
        lines.append(text)
    if "sign_reason" in pairs.columns:
        stated = pairs[pairs["sign_reason"].fillna("") != ""].drop_duplicates("event_id")
        lines += [
            f"{escape_markdown(row.event_id)} ({escape_markdown(t(row.expected_sign))}): "
            f"{escape_markdown(formatting.in_english(row.sign_reason))}"
            for row in stated.itertuples()
        ]
    if int(cell.get("n_t0_uncertain", 0) or 0):
        uncertain = pairs[pairs["t0_uncertain"].fillna(False).astype(bool)]
        lines.append(
            t(
                "t0 uncertain (release time unknown) for {ids}: their CAR covers t0 and t0+1.",
                ids=escape_markdown(", ".join(dict.fromkeys(uncertain["event_id"]))),
            )
        )
    return lines


def render_heatmap(view: ThemeView) -> None:
    """The heat-map; a click on a cell chooses it in the cell picker."""
    event = st.plotly_chart(
        view.figure,
        width="stretch",
        key="themes_heatmap",
        on_select="rerun",
        selection_mode="points",
        config=charts.plot_config("policylens_themes"),
    )
    clicked = [
        p["customdata"] for p in (event.selection.points if event else []) if "customdata" in p
    ]
    # The chart keeps its selection across reruns: only a new click chooses the cell, so a
    # cell chosen in the picker afterwards is not taken back by the older click.
    latest = clicked[-1] if clicked else None
    if latest != st.session_state.get("_themes_heatmap_click"):
        st.session_state["_themes_heatmap_click"] = latest
        if latest in view.cell_keys:
            st.session_state["themes_cell"] = latest


def render_cell(result: ThemeSegmentResult, view: ThemeView, model: str) -> None:
    """The chosen cell: its pairs, their CSV and a link to study them."""
    cell_keys = view.cell_keys
    url_state.seed_from_url("themes_cell", "cell", options=cell_keys)
    url_state.show_url_problems()  # a bad cell= is only checked here, below the page's own
    st.session_state.setdefault("themes_cell", cell_keys[0])
    if st.session_state["themes_cell"] not in cell_keys:
        st.session_state["themes_cell"] = cell_keys[0]
    chosen = st.selectbox(
        t("Cell (or click one in the heat-map)"),
        cell_keys,
        key=layout.translated("themes_cell"),
        format_func=lambda k: (
            f"{formatting.theme_short(k.split('|')[0])} × "
            f"{formatting.segment_name(k.split('|')[1])}"
        ),
        placeholder=t("Choose an option"),
    )
    url_state.write_to_url("cell", chosen)
    theme, segment = chosen.split("|")
    cell = view.cells.set_index(["theme", "segment"]).loc[(theme, segment)]
    pairs = view.pairs
    behind = pairs[(pairs["theme"] == theme) & (pairs["segment"] == segment)]
    titles = loaders.measure_titles()
    with st.container(border=True):
        st.markdown(
            f"**{escape_markdown(formatting.theme_name(theme))}** × "
            f"**{escape_markdown(formatting.segment_name(segment))}** · "
            f"CAAR {100 * cell['caar']:+.2f}% · {formatting.cell_test(cell['test'])}"
            + (f", p = {cell['p_value']:.3f}" if pd.notna(cell["p_value"]) else "")
        )
        for line in cell_framing(cell, behind):
            st.caption(line)
        st.dataframe(
            colours.style_returns(pair_table(behind, titles), ["car_pct"]),
            hide_index=True,
            width="stretch",
            key="themes_pairs",
            column_config={
                "measure": t("Measure"),
                "instrument": t("Instrument"),
                "model": t("Model"),
                "cluster": t("Studied as (overlap cluster)"),
                "event_session": st.column_config.DateColumn("t0", format="YYYY-MM-DD"),
                "car_pct": st.column_config.NumberColumn("CAR (%)", format="%.2f"),
                "t_stat": st.column_config.NumberColumn("t", format="%.2f"),
                "p_value": st.column_config.NumberColumn("p", format="%.3f"),
                "car_window": st.column_config.TextColumn(
                    t("CAR window"),
                    help=t("Widened to [0, +1] for a measure whose t0 is uncertain."),
                ),
                "expected_sign": t("Expected"),
                "response": t("Sign"),
            },
        )
        st.download_button(
            escape_markdown(f"policylens_themes_{theme}_{segment}.csv"),
            csv_bytes(behind, result.metadata),
            help=t("These pairs (CSV)"),
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
                # each measure on its own instruments there too (a measure may override the
                # segment's instruments)
                **({"pairing": "segments"} if behind["event_id"].nunique() > 1 else {}),
            },
        )
    forest.render_cell_forest(behind, titles, result.data_mode.synthetic)  # drawn when opened


def render_downloads(result: ThemeSegmentResult, view: ThemeView) -> None:
    window = result.window
    file_name = f"policylens_themes_{window[0]}_{window[1]}.csv"
    st.download_button(
        escape_markdown(file_name),  # the full name, described below
        view.cells_csv,
        file_name=file_name,
        mime="text/csv",
        key="download_themes_cells",
        icon=":material/download:",
    )
    st.caption(
        t("Heat-map cells as CSV")
        + " · "
        + t("Returns in % in tables; CSV files keep decimals (0.01 = 1 %).")
    )
    if len(result.skipped):
        box = layout.opened(t("Not studied ({n})", n=len(result.skipped)), "themes_skipped_open")
        if box is None:
            return
        with box:
            st.dataframe(
                result.skipped.assign(reason=result.skipped["reason"].map(tr)),
                hide_index=True,
                width="stretch",
                key="themes_skipped",
                column_config={
                    "segment": t("Segment"),
                    "pair": t("Measure · instrument"),
                    "reason": t("Why not studied"),
                },
            )
