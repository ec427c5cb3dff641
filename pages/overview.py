"""Overview: rebased price lines of chosen instruments with the policy measures as markers."""

import pandas as pd
import streamlit as st

from pages import charts, filters, formatting, layout, loaders, url_state
from pages.i18n import language, t
from pages.text import escape_markdown

#: Shown first when stored: CSI 300, ChiNext, STAR 50 and the CSI C-REIT index.
PREFERRED_INSTRUMENTS = ("000300.SH", "399006.SZ", "000688.SH", "399975.SZ")
#: The date range starts here unless the data start later.
DEFAULT_START = pd.Timestamp("2019-06-01").date()
#: Fields of a marker's customdata (charts.normalised_price_figure); the last is the measure id.
MARKER_FIELDS = 7


def default_instruments(options: list[str]) -> list[str]:
    """The preferred broad indices that are stored, else the first three stored series."""
    return [s for s in PREFERRED_INSTRUMENTS if s in options] or options[:3]


def parse_date_pair(text: str) -> tuple:
    """``"2020-01-01,2021-12-31"`` → two dates (the ``?range=`` parameter)."""
    parts = [pd.Timestamp(part).date() for part in text.split(",")]
    if len(parts) != 2:
        raise ValueError(t("write two dates, e.g. 2020-01-01,2021-12-31"))
    return tuple(parts)


def range_fits(pair, first, last) -> bool:
    return first <= pair[0] <= pair[1] <= last


def range_check(first, last):
    """A check for ``url_state.seed_from_url``: a date pair inside [first, last], in order."""

    def check(pair) -> None:
        if not range_fits(pair, first, last):
            raise ValueError(
                t(
                    "dates must lie in {first}…{last}, the first before the second",
                    first=first,
                    last=last,
                )
            )

    return check


def measures_between(measures: pd.DataFrame, start, end) -> pd.DataFrame:
    """The measures whose t0 session falls in [start, end] (the chart's markers)."""
    return measures[measures["event_session"].between(start, end)]


def picked_measures(points) -> list[str]:
    """The measure ids of the clicked policy markers, each once, in click order (price points
    carry no such customdata and are ignored)."""
    picked = [
        point["customdata"][-1]
        for point in points
        if isinstance(point.get("customdata"), list | tuple)
        and len(point["customdata"]) == MARKER_FIELDS
    ]
    return list(dict.fromkeys(picked))


def choose_instruments(options: list[str]) -> list[str]:
    url_state.seed_from_url("overview_instruments", "instruments", options=options, multi=True)
    url_state.keep_valid("overview_instruments", options, multi=True)
    # the default from the study pool: no demo series once real ones are stored
    layout.forget_demo_defaults("overview", ["overview_instruments"])
    st.session_state.setdefault("overview_instruments", default_instruments(loaders.study_pool()))
    chosen = st.multiselect(
        t("Instruments"),
        options,
        format_func=formatting.label,
        key=layout.translated("overview_instruments"),
        placeholder=t("Choose options"),
    )
    url_state.write_to_url("instruments", chosen)
    layout.show_view_mode(chosen, where="chart")  # the banner speaks of the series drawn
    return chosen


def choose_range(first, last) -> tuple:
    url_state.seed_from_url(
        "overview_range", "range", parse=parse_date_pair, check=range_check(first, last)
    )
    url_state.show_url_problems()
    if "overview_range" in st.session_state and not range_fits(
        st.session_state["overview_range"], first, last
    ):
        del st.session_state["overview_range"]  # other instruments, other dates
    st.session_state.setdefault("overview_range", (max(first, DEFAULT_START), last))
    start, end = st.slider(
        t("Date range"), min_value=first, max_value=last, format="YYYY-MM-DD", key="overview_range"
    )
    url_state.write_to_url("range", f"{start},{end}")
    return start, end


# A resource: the chart reads the very figure (nothing changes it). Keyed by everything it
# is drawn from, so a rerun that changes none of them (a click on a marker, a choice on
# another page, the same filter again) builds nothing.
@st.cache_resource(show_spinner=False, max_entries=8)
def price_figure(
    versions: tuple,
    chosen: tuple[str, ...],
    start,
    end,
    measure_ids: tuple[str, ...],
    language: str,
    synthetic: bool,
):
    """The rebased prices of ``chosen`` in [start, end] with the measures ``measure_ids`` as
    markers (:func:`pages.charts.normalised_price_figure`)."""
    closes = closes_in_range(list(chosen), start, end)
    everything = loaders.catalogue()
    measures = everything.iloc[pd.Index(everything["id"]).get_indexer(list(measure_ids))]
    return charts.normalised_price_figure(
        closes,
        measures,
        {s: formatting.label(s) for s in chosen},
        formatting.THEME_COLOURS,
        synthetic,
    )


def closes_in_range(chosen: list[str], start, end) -> pd.DataFrame:
    """The closes of ``chosen`` (one column each) from ``start`` to ``end``, days on which
    none has a close left out."""
    closes = loaders.closes(chosen)
    return closes.loc[pd.Timestamp(start) : pd.Timestamp(end)].dropna(how="all")


def render_chart(closes: pd.DataFrame, measures: pd.DataFrame, chosen: list[str]):
    """The rebased prices with the measures as markers; returns the chart's selection event."""
    mode = loaders.current_mode(chosen)
    figure = price_figure(
        loaders.catalogue_versions(),
        tuple(chosen),
        closes.index.min(),
        closes.index.max(),
        tuple(measures["id"]),
        language(),
        mode.synthetic,
    )
    event = st.plotly_chart(
        figure,
        width="stretch",
        key="overview_chart",
        on_select="rerun",
        selection_mode="points",
        config=charts.plot_config("policylens_overview"),
    )
    st.caption(
        t(
            "{n} measures in range after the theme filter · click a triangle to open the "
            "measure · camera icon: PNG · data mode: {mode}",
            n=len(measures),
            mode=formatting.mode_label(mode),
        )
    )
    return event


def render_measure_card(measure_id: str, row: pd.Series) -> None:
    """A clicked measure: its titles, dates, theme and links to its details and its study."""
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(row['title_en'])}** · {escape_markdown(row['title_zh'])}")
        st.caption(
            t(
                "Announced {date} → t0 {t0} · {theme} · segments: {segments}",
                date=f"{row['announcement_date']:%Y-%m-%d}",
                t0=f"{row['event_session']:%Y-%m-%d}",
                theme=formatting.theme_name(row["theme"]),
                segments=escape_markdown(", ".join(row["segments"])) or "—",
            )
        )
        link_left, link_right = st.columns(2)
        link_left.page_link(
            "pages/policies.py",
            label=t("Details"),
            icon=":material/gavel:",
            query_params={"measure": measure_id},
        )
        link_right.page_link(
            "pages/event_study.py",
            label=t("Event study"),
            icon=":material/query_stats:",
            query_params={"measures": measure_id},
        )


def render() -> None:
    layout.run_through_app()
    st.title(t("Overview"))
    st.caption(
        t(
            "Price paths of indices, sectors and C-REITs with the dated policy measures of the "
            "CSRC 2020 mid-year communiqué's nine tasks. Hover a triangle for the measure."
        )
    )
    options = loaders.instrument_options()
    if not options:
        st.info(
            t("No price series are stored yet. Open the **Data** page to fetch or import some.")
        )
        return
    chosen = choose_instruments(options)
    if not chosen:
        st.info(t("Choose at least one instrument above."))
        return
    every_close = loaders.closes(chosen)
    start, end = choose_range(every_close.index.min().date(), every_close.index.max().date())
    closes = closes_in_range(chosen, start, end)
    if closes.empty:
        st.info(t("No prices in that date range; widen it."))
        return
    measures = measures_between(
        filters.filtered_catalogue(), closes.index.min(), closes.index.max()
    )
    event = render_chart(closes, measures, chosen)
    by_id = measures.set_index("id")
    for measure_id in picked_measures(event.selection.points if event else []):
        if measure_id in by_id.index:
            render_measure_card(measure_id, by_id.loc[measure_id])


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests import its pieces
    render()
