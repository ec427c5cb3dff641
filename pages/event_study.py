"""Event study: measures × instruments → AR bars, CAR paths, results and CSVs.

A view: the widgets build a :class:`~analysis.api.StudyRequest`
(:func:`pages.study_view.request_from_widgets`), :func:`pages.loaders.study` answers it through
:mod:`analysis.api` (cached), and :mod:`pages.study_view` draws the outcome.
"""

import urllib.parse

import streamlit as st

from analysis import framing
from analysis.api import AllEventsDropped, default_instruments
from analysis.event_study import EventStudyInputError
from analysis.models import MODELS
from analysis.overlaps import OVERLAP_CHOICES
from data_sources.catalogue import studyable
from data_sources.data_mode import benchmark_candidates
from data_sources.errors import DataSourceError
from data_sources.instruments import DEFAULT_BENCHMARK, segment_table
from pages import (
    crosssection_view,
    factors_view,
    filters,
    forest,
    formatting,
    layout,
    loaders,
    long_horizon_view,
    report_view,
    study_view,
    url_state,
)
from pages.i18n import t, tr
from pages.text import escape_markdown

layout.run_through_app()

MODEL_LABELS = {
    "market": t("Market model (OLS on the benchmark)"),
    "constant-mean": t("Constant mean"),
    "market-adjusted": t("Market-adjusted (R − R_benchmark)"),
    "factors": t("Multi-factor model (your factor file)"),
    "two-index": t("Two-index model (benchmark + a second series)"),
}
OVERLAP_LABELS = {
    "warn": t("Warn (study each as chosen)"),
    "merge": t("Merge into one event"),
    "drop": t("Drop overlapping measures"),
}

#: The page's on/off choices and their URL parameters (1/0).
FLAG_PARAMETERS = {
    "study_market_wide": "marketwide",
    "study_attribute_suspensions": "suspensions",
    "study_clean_estimation": "clean",
}


st.title(t("Event study"))
measures = studyable(filters.filtered_catalogue(), filters.include_unverified())
if measures.empty:
    st.info(
        t(
            "No studyable measure matches the theme filter. Clear the filter in the sidebar, "
            "or switch on 'Include measures with unverified dates'."
        )
    )
    st.stop()
options = loaders.instrument_options()
if not options:
    st.info(t("No price series are stored yet. Open the **Data** page to fetch or import some."))
    st.stop()

by_id = measures.set_index("id")
titles = loaders.measure_titles()
ids = list(measures.sort_values("announcement_date", ascending=False)["id"])
url_state.seed_from_url("study_measures", "measures", options=ids, multi=True)
if "study_measures" not in st.session_state or not set(st.session_state["study_measures"]) <= set(
    ids
):
    st.session_state["study_measures"] = (
        ["chinext-first-listings-2020"] if "chinext-first-listings-2020" in ids else ids[:1]
    )


def _choose_all_measures() -> None:
    st.session_state["study_measures"] = list(ids)
    st.session_state["study_pairing"] = "segments"  # each measure on its own segments


# one label per measure, built at once (a lookup per option and rerun costs more)
option_labels = {
    measure_id: f"{announced:%Y-%m-%d} · {titles[measure_id]} ({theme})"
    for measure_id, announced, theme in zip(
        by_id.index, by_id["announcement_date"], by_id["theme"], strict=True
    )
}
st.button(
    t("All {n} measures of the chosen themes", n=len(ids))
    if filters.selected_themes()
    else t("All {n} studyable measures", n=len(ids)),
    key="study_all_measures",
    on_click=_choose_all_measures,
    help=t("Study every measure the sidebar's theme filter leaves, as one multi-event study."),
)
chosen_ids = st.multiselect(
    t("Policy measures"),
    ids,
    key=layout.translated("study_measures"),
    placeholder=t("Choose options"),
    format_func=option_labels.__getitem__,
)
url_state.write_to_url("measures", chosen_ids)
if not chosen_ids:
    st.info(t("Choose at least one measure."))
    st.stop()
chosen = measures[measures["id"].isin(chosen_ids)].sort_values("event_session")
study_view.render_measures(chosen)

chosen_segments = [code for codes in chosen["segments"] for code in codes]
# Defaults come from the study pool: the real series only, once any are stored (a demo series
# is studied only when picked by hand, and is then marked as one). Real series stored since
# this session took its defaults from the demo (an import on the Data page): those give way.
pool = loaders.study_pool()
layout.forget_demo_defaults(
    "study",
    [k for k in st.session_state if str(k).startswith("study_instruments_")] + ["study_benchmark"],
)
# Widgets take their values from the session (seeded from the URL, else these defaults), so
# a shared link reproduces the view; each value is written back to the URL below.
instruments_key = study_view.instruments_key(chosen_ids)
url_state.seed_from_url(instruments_key, "instruments", options=options, multi=True)
url_state.seed_from_url("study_benchmark", "benchmark", options=options)
url_state.seed_from_url("study_model", "model", options=MODELS)
url_state.seed_from_url("study_overlap", "overlap", options=OVERLAP_CHOICES)
url_state.seed_from_url(
    "study_estimation",
    "estimation",
    parse=url_state.parse_int_pair,
    check=url_state.ordered_within(-500, -1),
)
url_state.seed_from_url(
    "study_window",
    "window",
    parse=url_state.parse_int_pair,
    check=url_state.ordered_within(-30, 30),
)
for key, param in FLAG_PARAMETERS.items():
    url_state.seed_from_url(key, param, parse=url_state.parse_flag)
url_state.show_url_problems()
# a measure's segment overrides choose its instruments and benchmark (analysis.framing)
default_chosen = (
    default_instruments(
        chosen_segments, pool, measures=chosen, limit=study_view.default_limit(chosen)
    )
    or pool[:1]
)
# the segments' demo members the defaults leave out (real series only, once any are stored)
demo_left_out = [
    s
    for s in default_instruments(
        chosen_segments, options, measures=chosen, limit=study_view.default_limit(chosen)
    )
    if s not in pool
]
own_benchmark = framing.default_benchmark(framing.rows_of(chosen), DEFAULT_BENCHMARK)
# without its benchmark in the pool: another broad index, else no market model at all
fallbacks = benchmark_candidates(pool, default_chosen)
defaults = {
    instruments_key: default_chosen,
    "study_benchmark": own_benchmark if own_benchmark in pool else (fallbacks or pool)[0],
    "study_model": "market" if own_benchmark in pool or fallbacks else "constant-mean",
    "study_overlap": OVERLAP_CHOICES[0],
    "study_estimation": (-250, -11),
    "study_window": (-5, 5),
    "study_market_wide": True,
    "study_attribute_suspensions": False,
    "study_clean_estimation": True,
}
url_state.keep_valid(instruments_key, options, multi=True)
for key, value in defaults.items():
    st.session_state.setdefault(key, value)
if st.session_state["study_benchmark"] not in options:  # removed from the store meanwhile
    st.session_state["study_benchmark"] = defaults["study_benchmark"]
segments_table = segment_table().set_index("id")
offered_segments = [
    code
    for code in segments_table.index
    if any(
        s in pool
        for s in segments_table.at[code, "instruments"] + segments_table.at[code, "alternatives"]
    )
]


def _add_segment() -> None:
    code = st.session_state.get("study_add_segment")
    if code is None:
        return
    row = segments_table.loc[code]
    # the segment's stored members from the pool: no demo series once real ones are stored
    members = [s for s in row["instruments"] + row["alternatives"] if s in pool]
    current = list(st.session_state.get(instruments_key, []))
    st.session_state[instruments_key] = list(dict.fromkeys(current + members))
    st.session_state["study_add_segment"] = None


left, right = st.columns([3, 2])
with left:
    st.selectbox(
        t("Add every stored instrument of a segment"),
        offered_segments,
        index=None,
        key=layout.translated("study_add_segment"),
        format_func=formatting.segment_name,
        on_change=_add_segment,
        placeholder=t("Choose a segment"),
    )
    instruments = st.multiselect(
        t("Instruments"),
        options,
        format_func=formatting.label,
        key=layout.translated(instruments_key),
        placeholder=t("Choose options"),
        help=t("Defaults to the stored instruments of the segments these measures touch."),
    )
    if demo_left_out and set(instruments) == set(default_chosen):
        st.caption(
            t(
                "Left out of the defaults: {names}: SYNTHETIC demo series of these measures' "
                "segments (studies take real series only once any are stored). Import or fetch "
                "real data for them, or add them by hand.",
                names=escape_markdown(", ".join(formatting.label(s) for s in demo_left_out)),
            )
        )
    study_view.render_pairing(chosen_ids, instruments, defaults[instruments_key])
    benchmark = st.selectbox(
        t("Benchmark (market) series"),
        options,
        format_func=formatting.label,
        key=layout.translated("study_benchmark"),
        placeholder=t("Choose an option"),
    )
    st.toggle(
        t("Measure market-wide indices with the constant-mean model"),
        key="study_market_wide",
        help=t(
            "A measure that hits the whole market moves the benchmark too: regressing a broad "
            "index on CSI 300 would remove the very effect. With this on, the instruments of "
            "the market-wide segments (all A-shares, main boards, bonds) use the constant-mean "
            "model."
        ),
    )
    st.toggle(
        t("Book the return over a suspension on the resumption day"),
        key="study_attribute_suspensions",
        help=t(
            "Suspended sessions are missing, never zero-return days. Off: the first session "
            "after a suspension has no return either. On: it carries the whole return from the "
            "last close before the suspension (python -m analysis study "
            "--attribute-suspensions)."
        ),
    )
    overlap_how = st.radio(
        t("Measures with overlapping event windows"),
        OVERLAP_CHOICES,
        format_func=OVERLAP_LABELS.get,
        horizontal=True,
        key=layout.translated("study_overlap"),
    )
    st.checkbox(
        t("Leave other measures' event windows out of the estimation window"),
        key="study_clean_estimation",
        help=t(
            "Sessions of the estimation window that fall in another catalogue measure's event "
            "window (or another chosen event's) would put that measure's reaction into the "
            "normal-return model. With this on they are left out of that event's estimation "
            "sample (its L1, the CAR variance and the t-test's degrees of freedom count the "
            "sessions that remain); either way a note names them."
        ),
    )
with right:
    model = st.radio(
        t("Normal-return model"),
        MODELS,
        format_func=MODEL_LABELS.get,
        key=layout.translated("study_model"),
    )
    factors_view.render_model_inputs(model, options)
    est_start, est_end = st.slider(
        t("Estimation window (sessions before t0)"),
        -500,
        -1,
        key="study_estimation",
        help=t(
            "The normal-return model is fitted on these sessions; it must end before the "
            "event window starts."
        ),
    )
    window = st.slider(t("Event window (sessions)"), -30, 30, key="study_window")
layout.show_view_mode([*instruments, benchmark])  # the banner speaks of this study's data
url_state.write_all_to_url(
    {
        "instruments": list(instruments),
        "benchmark": benchmark,
        "model": model,
        "overlap": overlap_how,
        "estimation": f"{est_start},{est_end}",
        "window": f"{window[0]},{window[1]}",
    }
    | {param: url_state.flag(st.session_state[key]) for key, param in FLAG_PARAMETERS.items()}
)

if not instruments:
    st.info(t("Choose at least one instrument."))
    st.stop()
try:
    request = study_view.request_from_widgets(st.session_state, filters.include_unverified())
    with st.spinner(t("Estimating…")):
        outcome = loaders.study(request)
except AllEventsDropped as dropped:
    st.info(
        t(
            "Every chosen measure was dropped for overlapping another; choose 'Warn' or "
            "'Merge', or other measures."
        )
    )
    for note in dropped.notes:  # which measures, and which windows they overlap: as text
        st.info(escape_markdown(tr(note)), icon=":material/layers:")
    st.stop()
except (EventStudyInputError, DataSourceError) as error:
    st.error(t("Cannot run this study: {error}", error=escape_markdown(tr(error))))
    if st.session_state.get("study_pairing") == "segments" and len(chosen_ids) > 1:
        st.info(
            t(
                "The measures are paired with their own segments' instruments only. To study "
                "the chosen instruments around every measure, choose 'Every instrument with "
                "every measure' above."
            )
        )
    st.stop()

study_view.render_notes(outcome)
if outcome.car_summary.empty:
    st.error(
        t(
            "Nothing could be estimated for this choice: {reasons}. The diagnostics below "
            "list every instrument and measure.",
            reasons=escape_markdown(study_view.skipped_reasons(outcome.diagnostics)) or "—",
        )
    )
else:
    study_view.render_chart(outcome, titles)
    study_view.render_car_window(outcome, titles)
    crosssection_view.render_cross_section(outcome)  # drawn only when opened
    forest.render_study_forest(outcome, titles, study_view.car_windows(outcome))
long_horizon_view.render_long_horizon(outcome)  # BHAR: reads closes, fits no model
study_view.render_trading_response(outcome)
study_view.render_placebo(outcome)
study_view.render_diagnostics(outcome)
stem = study_view.download_stem(chosen_ids)
# the link as the browser shows it (a placebo series name holds spaces and brackets)
url = "?" + urllib.parse.urlencode(st.query_params.to_dict())
files, archive = loaders.study_downloads(outcome, stem, url)
study_view.render_downloads(files, archive, stem, report_view.report_bytes(outcome, url))
