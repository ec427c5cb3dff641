"""Policies: the catalogue of dated measures — filter, search, inspect, extend, export."""

import pandas as pd
import streamlit as st

from analysis.event_study import Event
from analysis.export import csv_bytes
from analysis.overlaps import overlapping_ids
from data_sources import catalogue as cat
from data_sources.instruments import display_name
from data_sources.trading_calendar import TIMINGS, all_sessions
from pages import ui

ui.run_through_app()

OVERLAP_WINDOW = (-5, 5)
TIMING_LABELS = {
    "before_open": "before the open",
    "intraday": "intraday (09:30-15:00)",
    "after_close": "after the close",
    "non_trading_day": "weekend or holiday",
    "unknown": "unknown",
}

st.title("Policy measures")
ui.show_flashes()
st.caption(
    "Dated measures that carry out the nine tasks of the CSRC system's 2020 mid-year work "
    "meeting communiqué. t0 is the first Shanghai session that could react: weekend, "
    "holiday and after-close (15:00) releases move to the next session."
)

everything = ui.catalogue()
segment_table = cat.segments().set_index("id")
measures = ui.filtered_catalogue()

first_year = int(everything["announcement_date"].dt.year.min())
last_year = int(everything["announcement_date"].dt.year.max())
ui.seed_from_url("policies_segments", "segments", options=list(segment_table.index), multi=True)
ui.seed_from_url(
    "policies_years",
    "years",
    parse=ui.parse_int_pair,
    check=ui.ordered_within(first_year, last_year),
)
ui.seed_from_url("policies_confidence", "confidence", options=["all", *cat.CONFIDENCE_LEVELS])
ui.seed_from_url("policies_search", "q")
ui.seed_from_url("policy_detail", "measure", options=list(everything["id"]))
st.session_state.setdefault("policies_years", (first_year, last_year))
with st.container(border=True):
    c1, c2, c3, c4 = st.columns([3, 2, 2, 3])
    segment_codes = c1.multiselect(
        "Segments",
        list(segment_table.index),
        key="policies_segments",
        format_func=lambda code: f"{code} {segment_table.at[code, 'name_en']}",
        placeholder="All segments",
    )
    years = c2.slider("Announced", first_year, last_year, key="policies_years")
    confidence = c3.selectbox(
        "Date confidence", ["all", *cat.CONFIDENCE_LEVELS], key="policies_confidence"
    )
    query = c4.text_input(
        "Search (中文 or English)",
        key="policies_search",
        placeholder="e.g. 注册制, REIT, delisting",
    )
ui.show_url_problems()
ui.write_to_url("segments", segment_codes or None, multi=True)
ui.write_to_url("years", None if years == (first_year, last_year) else f"{years[0]},{years[1]}")
ui.write_to_url("confidence", None if confidence == "all" else confidence)
ui.write_to_url("q", query or None)
measures = cat.filter_measures(
    measures,
    segment_codes=segment_codes,
    years=years,
    confidence=() if confidence == "all" else (confidence,),
    query=query,
)
themes = ui.selected_themes()
st.markdown(
    f"**{len(measures)}** measures · themes: {', '.join(themes) if themes else 'all nine tasks'}"
)

dated = everything[everything["event_session"].notna()]
overlaps = overlapping_ids(
    [Event(r.id, r.announcement_date, r.event_session) for r in dated.itertuples()],
    all_sessions(),
    OVERLAP_WINDOW,
)

if measures.empty:
    st.info(
        "No measure matches these filters. Clear the search or the filters above, or the "
        "theme filter in the sidebar."
    )
else:
    table = measures.assign(
        theme_name=measures["theme"].map(cat.theme_short),
        secondary=measures["secondary_themes"].map(", ".join),
        segment_list=measures["segments"].map(", ".join),
        overlaps=measures["id"].map(lambda i: ", ".join(overlaps.get(i, []))),
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
                "confidence",
                "overlaps",
                "source_url",
                "origin",
                "id",
            ]
        ],
        hide_index=True,
        width="stretch",
        height=min(560, 38 + 35 * len(table)),
        key="policies_table",
        column_config={
            "announcement_date": st.column_config.DateColumn("Announced", format="YYYY-MM-DD"),
            "event_session": st.column_config.DateColumn("t0 session", format="YYYY-MM-DD"),
            "title_en": st.column_config.TextColumn("Measure", width="large"),
            "title_zh": st.column_config.TextColumn("措施", width="large"),
            "theme_name": st.column_config.TextColumn("Theme", help="Primary communiqué task"),
            "segment_list": "Segments",
            "timing": "Release timing",
            "confidence": "Date",
            "overlaps": st.column_config.TextColumn(
                "Window overlaps",
                help="Measures whose [-5, +5] session windows share sessions "
                "with this one; a study can warn, merge or drop them.",
            ),
            "source_url": st.column_config.LinkColumn("Source"),
            "origin": "From",
            "id": "id",
        },
    )

    st.subheader("Details")
    by_id = measures.set_index("id")
    asked = st.session_state.get("policy_detail")
    if asked is not None and asked not in by_id.index:
        del st.session_state["policy_detail"]
        st.info(f"Measure {asked!r} is hidden by the filters above; showing another.")
    chosen = st.selectbox(
        "Measure",
        list(measures["id"]),
        key="policy_detail",
        format_func=lambda i: (
            f"{by_id.at[i, 'announcement_date']:%Y-%m-%d} · {by_id.at[i, 'title_en']}"
        ),
    )
    ui.write_to_url("measure", chosen)
    m = by_id.loc[chosen]
    theme_row = cat.themes().set_index("id").loc[m["theme"]]
    with st.container(border=True):
        st.markdown(f"#### {m['title_en']}\n##### {m['title_zh']}")
        left, right = st.columns(2)
        with left:
            st.markdown(
                f"**Communiqué task {int(m['task'])}** — {theme_row['name_en']} · "
                f"{theme_row['name_zh']}  \n"
                f"Key phrase: 「{m['key_phrase'] or theme_row['key_phrase']}」"
            )
            if m["secondary_themes"]:
                st.markdown(
                    "Also carries out: "
                    + "; ".join(cat.theme_label(t) for t in m["secondary_themes"])
                )
            dates = [
                f"Announced **{m['announcement_date']:%Y-%m-%d}** "
                f"({m['announcement_date']:%A}), {TIMING_LABELS[m['timing']]}"
            ]
            if pd.notna(m["latest_date"]):
                dates.append(
                    f"Date uncertain: between {m['announcement_date']:%Y-%m-%d} and "
                    f"{m['latest_date']:%Y-%m-%d}"
                )
            if pd.notna(m["event_session"]):
                dates.append(f"Event session t0: **{m['event_session']:%Y-%m-%d}**")
            if pd.notna(m["effective_date"]):
                dates.append(f"Effective {m['effective_date']:%Y-%m-%d}")
            st.markdown("  \n".join(dates))
            st.markdown(
                f"Date confidence: **{m['confidence']}** · from the "
                f"{'shipped catalogue' if m['origin'] == 'shipped' else 'your measures'}"
            )
            if m["source_url"]:
                st.markdown(f"Source: [{m['source_url'][:70]}]({m['source_url']})")
            if m["note"]:
                st.caption(m["note"])
            if overlaps.get(chosen):
                st.warning("Event window [-5, +5] overlaps: " + ", ".join(overlaps[chosen]))
            if pd.notna(m["event_session"]):
                st.page_link(
                    "pages/event_study.py",
                    label="Study this measure",
                    icon=":material/query_stats:",
                    query_params={"measures": chosen},
                )
        with right:
            st.markdown("**Segments and how they are measured**")
            lines = []
            for code in m["segments"]:
                seg = segment_table.loc[code]
                members = (
                    ", ".join(display_name(s) for s in seg["instruments"]) or "no listed proxy"
                )
                bench = (
                    f"benchmark {display_name(seg['benchmark'])}"
                    if seg["benchmark"]
                    else "market-wide: constant-mean model (no market model of the market "
                    "on itself)"
                )
                lines.append(f"- **{code} {seg['name_en']}**: {members}; {bench}")
            st.markdown("\n".join(lines) or "No segment (context record).")

tab_add, tab_import, tab_export, tab_mine = st.tabs(
    ["Add a measure", "Import measures", "Export catalogue", "Your measures"]
)

with tab_add, st.form("add_measure", clear_on_submit=False):
    st.caption("Your measures are kept in your data directory, apart from the shipped catalogue.")
    a1, a2 = st.columns(2)
    new_id = a1.text_input("id (lower-case letters, digits, '-')", key="add_id")
    confidence_choice = a2.selectbox("Date confidence", cat.CONFIDENCE_LEVELS, key="add_conf")
    title_zh = a1.text_input("Title (中文)", key="add_title_zh")
    title_en = a2.text_input("Title (English)", key="add_title_en")
    announced = a1.date_input(
        "Announcement date",
        value=None,
        key="add_date",
        min_value=pd.Timestamp("2005-01-04"),
        format="YYYY-MM-DD",
    )
    effective = a2.date_input(
        "Effective date (optional)",
        value=None,
        key="add_effective",
        min_value=pd.Timestamp("2005-01-04"),
        format="YYYY-MM-DD",
    )
    timing = a1.selectbox(
        "Release timing",
        TIMINGS,
        format_func=TIMING_LABELS.get,
        index=TIMINGS.index("unknown"),
        key="add_timing",
    )
    theme_ids = list(cat.themes()["id"])
    theme = a2.selectbox(
        "Theme (communiqué task)", theme_ids, format_func=cat.theme_label, key="add_theme"
    )
    secondary = a1.multiselect(
        "Secondary themes", theme_ids, format_func=cat.theme_label, key="add_secondary"
    )
    segs = a2.multiselect(
        "Segments",
        list(segment_table.index),
        key="add_segments",
        format_func=lambda c: f"{c} {segment_table.at[c, 'name_en']}",
    )
    key_phrase = a1.text_input("Key phrase of the communiqué (optional)", key="add_phrase")
    source_url = a2.text_input("Source URL", key="add_source")
    note = st.text_input("Note (optional)", key="add_note")
    if st.form_submit_button("Add measure"):
        row = {
            "id": new_id,
            "title_zh": title_zh,
            "title_en": title_en,
            "announcement_date": announced,
            "effective_date": effective,
            "timing": timing,
            "theme": theme,
            "secondary_themes": secondary,
            "segments": segs,
            "key_phrase": key_phrase,
            "source_url": source_url,
            "confidence": confidence_choice,
            "note": note,
        }
        try:
            cat.add_user_measures([row], "form", row_labels=["the form"])
        except cat.CatalogueError as error:
            st.error("Not added:\n\n" + "\n".join(f"- {p}" for p in error.problems))
        else:
            ui.flash("success", f"Added measure {new_id}.")
            st.rerun()

with tab_import:
    st.caption(
        "A .yaml list of measures or a .csv with the export's columns (lists separated "
        "by ';'). Every error names its row and field; nothing is added unless every "
        "row is valid."
    )
    upload = st.file_uploader(
        "Measures file",
        type=["yaml", "yml", "csv"],
        key=f"import_measures_{st.session_state.get('measures_round', 0)}",
    )
    if upload is not None:
        try:
            rows, labels = cat.parse_measures_file(upload.getvalue(), upload.name)
            preview = cat.validate_measures(
                rows, upload.name, row_labels=labels, existing_ids=everything["id"], origin="user"
            )
        except cat.CatalogueError as error:
            st.error(
                f"{upload.name}: {len(error.problems)} problem(s); nothing imported.\n\n"
                + "\n".join(f"- {p}" for p in error.problems[:50])
            )
        else:
            st.dataframe(
                preview[
                    ["id", "announcement_date", "event_session", "title_en", "theme", "segments"]
                ],
                hide_index=True,
                key="import_preview",
            )
            if st.button(f"Add {len(preview)} measure(s)", key="import_measures_save"):
                try:
                    cat.add_user_measures(rows, upload.name, row_labels=labels)
                except cat.CatalogueError as error:  # changed since the preview
                    st.error("\n".join(error.problems))
                else:
                    ui.flash("success", f"Added {len(preview)} measure(s) from {upload.name}.")
                    st.session_state["measures_round"] = (
                        st.session_state.get("measures_round", 0) + 1
                    )
                    st.rerun()

with tab_export:
    st.caption(
        "The whole catalogue (shipped and your measures, ignoring the filters). The same "
        "headless: `python -m data_sources catalogue export [--format csv|yaml]`."
    )
    e1, e2 = st.columns(2)
    e1.download_button(
        "Catalogue (CSV)",
        key="export_csv",
        mime="text/csv",
        file_name="policylens_catalogue.csv",
        data=csv_bytes(cat.export_table(everything), cat.export_metadata()),
    )
    e2.download_button(
        "Catalogue (YAML)",
        key="export_yaml",
        mime="application/x-yaml",
        file_name="policylens_catalogue.yaml",
        data=cat.export_yaml(everything).encode("utf-8"),
    )
    st.download_button(
        "These filtered measures (CSV)",
        key="download_measures",
        mime="text/csv",
        file_name="policy_measures.csv",
        data=csv_bytes(cat.export_table(measures), cat.export_metadata()),
    )

with tab_mine:
    mine = everything[everything["origin"] == "user"]
    if mine.empty:
        st.info("You have not added measures yet: use the form or import a file.")
    else:
        st.dataframe(
            mine[["id", "announcement_date", "event_session", "title_en", "theme"]],
            hide_index=True,
            key="user_measures",
        )
        victim = st.selectbox("Remove", list(mine["id"]), key="remove_measure")
        if st.button("Remove this measure", key="remove_measure_button"):
            cat.remove_user_measure(victim)
            ui.flash("success", f"Removed {victim}.")
            st.rerun()
