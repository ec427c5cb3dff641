"""Policies: the catalogue of dated measures — filter, search, inspect, extend, export."""

from typing import NamedTuple

import pandas as pd
import streamlit as st

from analysis import framing
from analysis.export import csv_bytes
from analysis.overlaps import catalogue_overlaps
from data_sources import catalogue as cat
from data_sources.trading_calendar import TIMINGS, all_sessions
from pages import filters, formatting, layout, loaders, sources, url_state
from pages.i18n import language, t
from pages.text import escape_markdown

OVERLAP_WINDOW = (-5, 5)
OVERLAPS_SHOWN = 10  # per measure; the rest are counted
#: The measures table's columns, in order.
TABLE_COLUMNS = [
    "announcement_date",
    "event_session",
    "title_en",
    "title_zh",
    "theme_name",
    "segment_list",
    "timing",
    "timing_confidence",
    "date_confidence",
    "flags",
    "confidence",
    "overlaps",
    "citation",
    "source_url",
    "evidence_url",
    "origin",
    "id",
]


class Overlaps(NamedTuple):
    """Which measures' event windows share sessions with each measure's."""

    shown: dict[str, list[str]]  # up to OVERLAPS_SHOWN ids per measure
    total: dict[str, int]  # how many in all


def timing_labels() -> dict[str, str]:
    """Release timing codes in words, in the current language."""
    return {code: formatting.timing_label(code) for code in TIMINGS}


def measure_overlaps(catalogue: pd.DataFrame) -> Overlaps:
    """The [-5, +5] window overlaps among every dated measure of ``catalogue``."""
    return Overlaps(
        *catalogue_overlaps(catalogue, all_sessions(), OVERLAP_WINDOW, limit=OVERLAPS_SHOWN)
    )


def overlap_text(overlaps: Overlaps, measure_id: str) -> str:
    """``"a, b … and 3 more"``: the overlapping measures of ``measure_id``, plain text (a
    table cell shows it as it is; markdown callers escape it)."""
    shown = overlaps.shown.get(measure_id, [])
    hidden = overlaps.total.get(measure_id, 0) - len(shown)
    text = ", ".join(shown)
    return text + (t(" … and {n} more", n=hidden) if hidden > 0 else "")


def years_parameter(years: tuple[int, int], first_year: int, last_year: int) -> str | None:
    """The ``?years=`` value: none while every year is chosen."""
    return None if tuple(years) == (first_year, last_year) else f"{years[0]},{years[1]}"


def _column(measures: pd.DataFrame, name: str) -> pd.Series:
    """A catalogue column, empty text where the catalogue has none (an older catalogue)."""
    if name in measures.columns:
        return measures[name].fillna("").astype(object)
    return pd.Series("", index=measures.index, dtype=object)


def measure_table(
    measures: pd.DataFrame, overlaps: Overlaps, first_dates: dict | None = None
) -> pd.DataFrame:
    """The measures as the table shows them: theme names, lists joined, overlaps named, the
    citation in the current language, timing and date confidence, flags (uncertain t0,
    external shock, no data before a date: ``first_dates`` of the instruments), the source
    address only when it may be linked (tiers A-C) and a tier-D repost as plain text."""
    first_dates = first_dates or {}
    rows = [row for _, row in measures.iterrows()]
    table = measures.assign(
        theme_name=measures["theme"].map(formatting.theme_short),
        segment_list=measures["segments"].map(", ".join),
        overlaps=measures["id"].map(lambda measure_id: overlap_text(overlaps, measure_id)),
        timing=measures["timing"].map(formatting.timing_label),
        timing_confidence=_column(measures, "timing_confidence").map(lambda v: t(v) if v else ""),
        date_confidence=_column(measures, "date_confidence").map(lambda v: t(v) if v else ""),
        confidence=_column(measures, "confidence").map(lambda v: t(v) if v else ""),
        origin=_column(measures, "origin").map(lambda v: t(v) if v else ""),
        flags=pd.Series(
            [sources.flags(row, first_dates) for row in rows], index=measures.index, dtype=object
        ),
        citation=pd.Series(
            [sources.citation(row) for row in rows], index=measures.index, dtype=object
        ),
        # blank, like the repost column, where there is no link ("None" read as no source)
        source_url=_column(measures, "source_url").map(lambda url: sources.linkable(url) or ""),
        evidence_url=_column(measures, "evidence_url").map(
            lambda url: url if url and sources.link_tier(url) != "E" else ""
        ),
    )
    return table[TABLE_COLUMNS]


# Keyed by what the table is made of: the catalogue (the user's measures file), the calendar
# (t0s, overlaps), the store (the flags' first dates) and the language of its words. Filters
# only pick rows of it, so a rerun that changes a filter builds nothing. A resource: it is
# only read (rows_of copies the rows shown), and Overlaps is defined in the page script.
@st.cache_resource(show_spinner=False, max_entries=8)
def catalogue_table(
    user_file: tuple, calendar: tuple, store: tuple, language: str
) -> tuple[pd.DataFrame, Overlaps]:
    """Every measure of the catalogue as the table shows it (:func:`measure_table`, ``id``
    included) and the overlaps among them, built once per catalogue, calendar, store and
    language (the per-row flags and citations cost more than the rest of a rerun)."""
    everything = loaders.catalogue()
    overlaps = measure_overlaps(everything)
    first_dates = sources.first_known_dates(loaders.coverage())
    return measure_table(everything, overlaps, first_dates), overlaps


def current_catalogue_table() -> tuple[pd.DataFrame, Overlaps]:
    """:func:`catalogue_table` for the catalogue, calendar, store and language in use."""
    return catalogue_table(*loaders.catalogue_versions(), language())


def rows_of(table: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``table`` (one per catalogue measure) for ``measures``, in their order."""
    return table.iloc[pd.Index(table["id"]).get_indexer(measures["id"])]


def measure_dates(m: pd.Series) -> list[str]:
    """A measure's dates in words: announced, uncertain span, t0 (with where an inferred
    session comes from), effective."""
    dates = [
        t(
            "Announced **{date}** ({weekday}), {timing}",
            date=f"{m['announcement_date']:%Y-%m-%d}",
            weekday=t(f"{m['announcement_date']:%A}"),
            timing=timing_labels()[m["timing"]],
        )
    ]
    if pd.notna(m["latest_date"]):
        dates.append(
            t(
                "Date uncertain: between {first} and {last}",
                first=f"{m['announcement_date']:%Y-%m-%d}",
                last=f"{m['latest_date']:%Y-%m-%d}",
            )
        )
    if pd.notna(m["event_session"]):
        dates.append(t("Event session t0: **{date}**", date=f"{m['event_session']:%Y-%m-%d}"))
        if (note := formatting.calendar_note(m["event_session"], m["event_session"])) is not None:
            dates.append(note)
    if pd.notna(m["effective_date"]):
        dates.append(t("Effective {date}", date=f"{m['effective_date']:%Y-%m-%d}"))
    return dates


def segment_lines(m: pd.Series, segment_table: pd.DataFrame) -> list[str]:
    """One markdown bullet per segment of a measure: its instruments and its benchmark."""
    lines = []
    signs = framing.expected_signs(m)
    for frame in framing.segment_frames(m, segment_table.reset_index()):
        code = frame.segment
        # instruments, not stored series: named without the demo mark
        members = ", ".join(formatting.instrument_name(s) for s in frame.instruments) or t(
            "no listed proxy"
        )
        bench = (
            t("benchmark {name}", name=formatting.instrument_name(frame.benchmark))
            if frame.benchmark
            else t("market-wide: constant-mean model (no market model of the market on itself)")
        )
        line = f"- **{formatting.segment_name(code)}**: {members}; {bench}"
        if frame.overridden:
            line += " " + t("(this measure's own instruments or benchmark)")
        if code in signs:
            sign, reason = signs[code]
            line += " · " + t("expected sign: {sign}", sign=escape_markdown(sign))
            if reason:
                line += f" ({escape_markdown(formatting.in_english(reason))})"
        lines.append(line)
    return lines


def choose_measures(everything: pd.DataFrame, segment_table: pd.DataFrame) -> pd.DataFrame:
    """The filters above the table (segments, years, date confidence, search), mirrored in
    the URL; returns the sidebar-filtered measures they keep."""
    measures = filters.filtered_catalogue()
    first_year = int(everything["announcement_date"].dt.year.min())
    last_year = int(everything["announcement_date"].dt.year.max())
    url_state.seed_from_url(
        "policies_segments", "segments", options=list(segment_table.index), multi=True
    )
    url_state.seed_from_url(
        "policies_years",
        "years",
        parse=url_state.parse_int_pair,
        check=url_state.ordered_within(first_year, last_year),
    )
    url_state.seed_from_url(
        "policies_confidence", "confidence", options=["all", *cat.CONFIDENCE_LEVELS]
    )
    url_state.seed_from_url("policies_search", "q")
    url_state.seed_from_url("policy_detail", "measure", options=list(everything["id"]))
    st.session_state.setdefault("policies_years", (first_year, last_year))
    with st.container(border=True):
        c1, c2, c3, c4 = st.columns([3, 2, 2, 3])
        segment_codes = c1.multiselect(
            t("Segments"),
            list(segment_table.index),
            key=layout.translated("policies_segments"),
            format_func=formatting.segment_name,
            placeholder=t("All segments"),
        )
        years = c2.slider(t("Announced"), first_year, last_year, key="policies_years")
        confidence = c3.selectbox(
            t("Date confidence"),
            ["all", *cat.CONFIDENCE_LEVELS],
            key=layout.translated("policies_confidence"),
            format_func=t,
            placeholder=t("Choose an option"),
        )
        query = c4.text_input(
            t("Search (中文 or English)"),
            key="policies_search",
            placeholder=t("e.g. 注册制, REIT, delisting"),
        )
    url_state.show_url_problems()
    url_state.write_all_to_url(
        {
            "segments": list(segment_codes) or None,
            "years": years_parameter(years, first_year, last_year),
            "confidence": None if confidence == "all" else confidence,
            "q": query or None,
        }
    )
    measures = cat.filter_measures(
        measures,
        segment_codes=segment_codes,
        years=years,
        confidence=() if confidence == "all" else (confidence,),
        query=query,
    )
    themes = filters.selected_themes()
    st.markdown(
        t(
            "**{n}** measures · themes: {themes}",
            n=len(measures),
            themes=", ".join(themes) if themes else t("all nine tasks"),
        )
    )
    return measures


def render_table(table: pd.DataFrame) -> None:
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(560, 38 + 35 * len(table)),
        key="policies_table",
        column_config={
            "announcement_date": st.column_config.DateColumn(t("Announced"), format="YYYY-MM-DD"),
            "event_session": st.column_config.DateColumn(t("t0 session"), format="YYYY-MM-DD"),
            # in 中文 the Chinese title alone (the English one is the catalogue's English name)
            "title_en": None
            if language() == "zh"
            else st.column_config.TextColumn("Measure", width="large"),
            "title_zh": st.column_config.TextColumn("措施", width="large"),
            "theme_name": st.column_config.TextColumn(
                t("Theme"), help=t("Primary communiqué task")
            ),
            "segment_list": t("Segments"),
            "timing": t("Release timing"),
            "timing_confidence": st.column_config.TextColumn(
                t("Timing confidence"),
                help=t(
                    "stated: a source gives the hour or day-part (or the day is not a session); "
                    "inferred: from the next session's reaction only; unknown: no source says."
                ),
            ),
            "date_confidence": t("Date confidence"),
            "flags": st.column_config.TextColumn(
                t("Flags"),
                help=t(
                    "t0 uncertain (release time unknown: the day or the next session), external "
                    "shocks, and segments whose price data begin after the measure."
                ),
            ),
            "confidence": t("Date"),
            "overlaps": st.column_config.TextColumn(
                t("Window overlaps"),
                help=t(
                    "Measures whose [-5, +5] session windows share sessions with this one; a "
                    "study can warn, merge or drop them."
                ),
            ),
            "citation": st.column_config.TextColumn(t("Citation"), width="large"),
            "source_url": st.column_config.LinkColumn(
                t("Source"),
                help=t(
                    "Linked only for official, major-media or professional sources (tiers A-C)."
                ),
            ),
            "evidence_url": st.column_config.TextColumn(
                t("Repost (not linked)"), help=t("A copy on a site that reposts news (tier D).")
            ),
            "origin": t("From"),
            "id": "id",
        },
    )


def render_details(measures: pd.DataFrame, overlaps: Overlaps, segment_table) -> None:
    """One measure in full: titles, task, dates, source, overlaps and its segments."""
    st.subheader(t("Details"))
    by_id = measures.set_index("id")
    asked = st.session_state.get("policy_detail")
    if asked is not None and asked not in by_id.index:
        del st.session_state["policy_detail"]
        st.info(
            t(
                "Measure {id!r} is hidden by the filters above; showing another.",
                id=escape_markdown(asked),
            )
        )
    chosen = st.selectbox(
        t("Measure"),
        list(measures["id"]),
        key=layout.translated("policy_detail"),
        format_func=lambda i: (
            f"{by_id.at[i, 'announcement_date']:%Y-%m-%d} · "
            f"{formatting.measure_title(by_id.loc[i])}"
        ),
        placeholder=t("Choose an option"),
    )
    url_state.write_to_url("measure", chosen)
    m = by_id.loc[chosen]
    theme_row = cat.themes().set_index("id").loc[m["theme"]]
    with st.container(border=True):
        st.markdown(
            f"#### {escape_markdown(m['title_zh'])}"
            if language() == "zh"  # the English title is the catalogue's, not a translation
            else f"#### {escape_markdown(m['title_en'])}\n##### {escape_markdown(m['title_zh'])}"
        )
        left, right = st.columns(2)
        with left:
            st.markdown(
                t("**Communiqué task {n}**", n=int(m["task"]))
                + (
                    f" — {theme_row['name_zh']}  \n"
                    if language() == "zh"
                    else f" — {theme_row['name_en']} · {theme_row['name_zh']}  \n"
                )
                + t("Key phrase")
                + f": 「{escape_markdown(m['key_phrase'] or theme_row['key_phrase'])}」"
            )
            if m["secondary_themes"]:
                st.markdown(
                    t("Also carries out: ")
                    + "; ".join(formatting.theme_name(theme) for theme in m["secondary_themes"])
                )
            dates = measure_dates(m)
            st.markdown("  \n".join(dates))
            st.markdown(
                t(
                    "Date confidence: **{confidence}** · from {origin}",
                    confidence=t(m.get("date_confidence") or m["confidence"]),
                    origin=t("the shipped catalogue")
                    if m["origin"] == "shipped"
                    else t("your measures"),
                )
            )
            timing_confidence = m.get("timing_confidence", "") or ""
            if timing_confidence:
                st.markdown(
                    t(
                        "Release timing confidence: **{confidence}**",
                        confidence=t(timing_confidence),
                    )
                    + (
                        f" · {escape_markdown(formatting.in_english(m['timing_evidence']))}"
                        if m.get("timing_evidence")
                        else ""
                    )
                )
            if framing.t0_uncertain(m):
                st.warning(
                    t(
                        "t0 uncertain: released on a session day at an unknown time, so the "
                        "market could first react that day or the next session; studies lead "
                        "with CAR [0, +1], which covers both."
                    )
                )
            if bool(m.get("external", False) or False):
                st.info(t("External shock: not issued by Chinese authorities."))
            lines = sources.source_lines(m)
            if lines:
                st.markdown("  \n".join(lines))
            if m["note"]:
                st.caption(escape_markdown(formatting.in_english(m["note"])))
            if overlaps.shown.get(chosen):
                st.warning(
                    t("Event window [-5, +5] overlaps: ")
                    + escape_markdown(overlap_text(overlaps, chosen))
                )
            if pd.notna(m["event_session"]):
                st.page_link(
                    "pages/event_study.py",
                    label=t("Study this measure"),
                    icon=":material/query_stats:",
                    query_params={"measures": chosen},
                )
        with right:
            st.markdown(t("**Segments and how they are measured**"))
            lines = segment_lines(m, segment_table)
            st.markdown("\n".join(lines) or t("No segment (context record)."))


def render_add_form(segment_table: pd.DataFrame) -> None:
    with st.form("add_measure", clear_on_submit=False):
        st.caption(
            t("Your measures are kept in your data directory, apart from the shipped catalogue.")
        )
        a1, a2 = st.columns(2)
        new_id = a1.text_input(t("id (lower-case letters, digits, '-')"), key="add_id")
        confidence_choice = a2.selectbox(
            t("Date confidence"),
            cat.CONFIDENCE_LEVELS,
            key=layout.translated("add_conf"),
            format_func=t,
            placeholder=t("Choose an option"),
        )
        title_zh = a1.text_input(t("Title (中文)"), key="add_title_zh")
        title_en = a2.text_input(t("Title (English)"), key="add_title_en")
        announced = a1.date_input(
            t("Announcement date"),
            value=None,
            key="add_date",
            min_value=pd.Timestamp("2005-01-04"),
            format="YYYY-MM-DD",
        )
        effective = a2.date_input(
            t("Effective date (optional)"),
            value=None,
            key="add_effective",
            min_value=pd.Timestamp("2005-01-04"),
            format="YYYY-MM-DD",
        )
        timing = a1.selectbox(
            t("Release timing"),
            TIMINGS,
            format_func=timing_labels().get,
            index=TIMINGS.index("unknown"),
            key=layout.translated("add_timing"),
            placeholder=t("Choose an option"),
        )
        theme_ids = list(cat.themes()["id"])
        theme = a2.selectbox(
            t("Theme (communiqué task)"),
            theme_ids,
            format_func=formatting.theme_name,
            key=layout.translated("add_theme"),
            placeholder=t("Choose an option"),
        )
        secondary = a1.multiselect(
            t("Secondary themes"),
            theme_ids,
            format_func=formatting.theme_name,
            key=layout.translated("add_secondary"),
            placeholder=t("Choose options"),
        )
        segs = a2.multiselect(
            t("Segments"),
            list(segment_table.index),
            key=layout.translated("add_segments"),
            placeholder=t("Choose options"),
            format_func=formatting.segment_name,
        )
        key_phrase = a1.text_input(t("Key phrase of the communiqué (optional)"), key="add_phrase")
        source_url = a2.text_input(t("Source URL"), key="add_source")
        note = st.text_input(t("Note (optional)"), key="add_note")
        if st.form_submit_button(t("Add measure")):
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
                st.error(
                    t("Not added:")
                    + "\n\n"
                    + "\n".join(f"- {escape_markdown(p)}" for p in error.problems)
                )
            else:
                layout.flash("success", t("Added measure {id}.", id=escape_markdown(new_id)))
                st.rerun()


def render_import(everything: pd.DataFrame) -> None:
    st.caption(
        t(
            "A .yaml list of measures or a .csv with the export's columns (lists separated "
            "by ';'). Every error names its row and field; nothing is added unless every "
            "row is valid."
        )
    )
    upload = st.file_uploader(
        t("Measures file"),
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
                t(
                    "{name}: {n} problem(s); nothing imported.",
                    name=escape_markdown(upload.name),
                    n=len(error.problems),
                )
                + "\n\n"
                + "\n".join(f"- {escape_markdown(p)}" for p in error.problems[:50])
            )
        else:
            st.dataframe(
                preview[
                    ["id", "announcement_date", "event_session", "title_en", "theme", "segments"]
                ],
                hide_index=True,
                key="import_preview",
            )
            if st.button(t("Add {n} measure(s)", n=len(preview)), key="import_measures_save"):
                try:
                    cat.add_user_measures(rows, upload.name, row_labels=labels)
                except cat.CatalogueError as error:  # changed since the preview
                    st.error("  \n".join(escape_markdown(p) for p in error.problems))
                else:
                    layout.flash(
                        "success",
                        t(
                            "Added {n} measure(s) from {name}.",
                            n=len(preview),
                            name=escape_markdown(upload.name),
                        ),
                    )
                    st.session_state["measures_round"] = (
                        st.session_state.get("measures_round", 0) + 1
                    )
                    st.rerun()


@st.cache_data(show_spinner=False, max_entries=8)
def filtered_export(user_file: tuple, calendar: tuple, store: tuple, ids: tuple) -> bytes:
    """The CSV of the measures ``ids`` (the filters' choice), made once per choice and
    catalogue rather than on every rerun."""
    everything = loaders.catalogue()
    chosen = everything.iloc[pd.Index(everything["id"]).get_indexer(list(ids))]
    return csv_bytes(cat.export_table(chosen), cat.export_metadata())


def render_export(everything: pd.DataFrame, measures: pd.DataFrame) -> None:
    st.caption(
        t(
            "The whole catalogue (shipped and your measures, ignoring the filters). The same "
            "headless: `python -m data_sources catalogue export [--format csv|yaml]`."
        )
    )
    catalogue_csv, catalogue_yaml = loaders.catalogue_exports()
    e1, e2 = st.columns(2)
    e1.download_button(
        t("Catalogue (CSV)"),
        key="export_csv",
        on_click="ignore",  # a download changes nothing on the page: no rerun
        mime="text/csv",
        file_name="policylens_catalogue.csv",
        data=catalogue_csv,
    )
    e2.download_button(
        t("Catalogue (YAML)"),
        key="export_yaml",
        on_click="ignore",  # a download changes nothing on the page: no rerun
        mime="application/x-yaml",
        file_name="policylens_catalogue.yaml",
        data=catalogue_yaml,
    )
    st.download_button(
        t("These filtered measures (CSV)"),
        key="download_measures",
        on_click="ignore",  # a download changes nothing on the page: no rerun
        mime="text/csv",
        file_name="policy_measures.csv",
        data=filtered_export(*loaders.catalogue_versions(), tuple(measures["id"])),
    )


def render_user_measures(everything: pd.DataFrame) -> None:
    mine = everything[everything["origin"] == "user"]
    unreadable = None
    if mine.empty and cat.user_measures_path().exists():
        try:  # left out by loaders.catalogue() (which said why at the top), or just empty?
            cat.user_catalogue()
        except cat.CatalogueError as error:
            unreadable = error
    if unreadable is not None:
        st.warning(
            t(
                "Your measures file {path} is left out until it is fixed or moved aside; "
                "adding, importing and removing measures are blocked so that nothing in it "
                "is overwritten. Earlier versions are kept in {backups}.",
                path=escape_markdown(cat.user_measures_path()),
                backups=escape_markdown(cat.user_backup_dir()),
            )
        )
    elif mine.empty:
        st.info(t("You have not added measures yet: use the form or import a file."))
    else:
        st.dataframe(
            mine[["id", "announcement_date", "event_session", "title_en", "theme"]],
            hide_index=True,
            key="user_measures",
        )
        victim = st.selectbox(
            t("Remove"), list(mine["id"]), key="remove_measure", placeholder=t("Choose an option")
        )
        if st.button(t("Remove this measure"), key="remove_measure_button"):
            try:
                cat.remove_user_measure(victim)
            except cat.CatalogueError as error:  # the file cannot be read: nothing is written
                st.error(escape_markdown("; ".join(error.problems)))
            else:
                layout.flash("success", t("Removed {name}.", name=escape_markdown(victim)))
                st.rerun()


def render() -> None:
    layout.run_through_app()
    st.title(t("Policy measures"))
    layout.show_flashes()
    st.caption(
        t(
            "Dated measures that carry out the nine tasks of the CSRC system's 2020 mid-year work "
            "meeting communiqué. t0 is the first Shanghai session that could react: weekend, "
            "holiday and after-close (15:00) releases move to the next session."
        )
    )

    everything = loaders.catalogue()
    segment_table = cat.segments().set_index("id")
    measures = choose_measures(everything, segment_table)
    table, overlaps = current_catalogue_table()
    if measures.empty:
        st.info(
            t(
                "No measure matches these filters. Clear the search or the filters above, or the "
                "theme filter in the sidebar."
            )
        )
    else:
        render_table(rows_of(table, measures))
        render_details(measures, overlaps, segment_table)
    tab_add, tab_import, tab_export, tab_mine = st.tabs(
        [t("Add a measure"), t("Import measures"), t("Export catalogue"), t("Your measures")]
    )
    with tab_add:
        render_add_form(segment_table)
    with tab_import:
        render_import(everything)
    with tab_export:
        render_export(everything, measures)
    with tab_mine:
        render_user_measures(everything)


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests import its pieces
    render()
