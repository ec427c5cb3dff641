"""Overview: rebased price lines of chosen instruments with the policy measures as markers."""

import pandas as pd
import streamlit as st

from analysis.study import closes_wide
from pages import charts, filters, formatting, layout, loaders, url_state
from pages.i18n import t
from pages.text import escape_markdown

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
    st.info(t("No price series are stored yet. Open the **Data** page to fetch or import some."))
    st.stop()
preferred = [s for s in ("000300.SH", "399006.SZ", "000688.SH", "399975.SZ") if s in options]
url_state.seed_from_url("overview_instruments", "instruments", options=options, multi=True)
url_state.keep_valid("overview_instruments", options, multi=True)
st.session_state.setdefault("overview_instruments", preferred or options[:3])
chosen = st.multiselect(
    t("Instruments"),
    options,
    format_func=formatting.label,
    key="overview_instruments",
)
url_state.write_to_url("instruments", chosen, multi=True)
if not chosen:
    st.info(t("Choose at least one instrument above."))
    st.stop()

frame = loaders.bars(chosen)
closes = closes_wide(frame)
first, last = closes.index.min().date(), closes.index.max().date()
default_start = max(first, pd.Timestamp("2019-06-01").date())


def _date_pair(text: str) -> tuple:
    parts = [pd.Timestamp(part).date() for part in text.split(",")]
    if len(parts) != 2:
        raise ValueError(t("write two dates, e.g. 2020-01-01,2021-12-31"))
    return tuple(parts)


def _fits(pair) -> bool:
    return first <= pair[0] <= pair[1] <= last


def _inside(pair) -> None:
    if not _fits(pair):
        raise ValueError(
            t(
                "dates must lie in {first}…{last}, the first before the second",
                first=first,
                last=last,
            )
        )


url_state.seed_from_url("overview_range", "range", parse=_date_pair, check=_inside)
url_state.show_url_problems()
if "overview_range" in st.session_state and not _fits(st.session_state["overview_range"]):
    del st.session_state["overview_range"]  # other instruments, other dates
st.session_state.setdefault("overview_range", (default_start, last))
start, end = st.slider(
    t("Date range"), min_value=first, max_value=last, format="YYYY-MM-DD", key="overview_range"
)
url_state.write_to_url("range", f"{start},{end}")
closes = closes.loc[pd.Timestamp(start) : pd.Timestamp(end)].dropna(how="all")
if closes.empty:
    st.info(t("No prices in that date range; widen it."))
    st.stop()

measures = filters.filtered_catalogue()
measures = measures[measures["event_session"].between(closes.index.min(), closes.index.max())]
mode = loaders.current_mode(chosen)
figure = charts.normalised_price_figure(
    closes,
    measures,
    {s: formatting.label(s) for s in chosen},
    formatting.THEME_COLOURS,
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
        "{n} measures in range after the theme filter · click a triangle to open the measure · "
        "camera icon: PNG · data mode: {mode}",
        n=len(measures),
        mode=formatting.mode_label(mode),
    )
)
picked = [
    point["customdata"][-1]
    for point in (event.selection.points if event else [])
    if isinstance(point.get("customdata"), list | tuple) and len(point["customdata"]) == 7
]
by_id = measures.set_index("id")
for measure_id in dict.fromkeys(picked):
    if measure_id not in by_id.index:
        continue
    row = by_id.loc[measure_id]
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
