"""Event study: measures × instruments → AR bars, CAR paths, results and CSVs."""

import streamlit as st

from analysis.event_study import Event, EventStudyInputError, EventStudySpec
from analysis.models import MODELS
from analysis.overlaps import OVERLAP_CHOICES, resolve_overlaps
from analysis.statistics import DEFAULT_STATISTICS
from data_sources.catalogue import studyable
from data_sources.errors import DataSourceError
from data_sources.instruments import (
    DEFAULT_BENCHMARK,
    market_wide_instruments,
    segment_instruments,
    segment_table,
)
from data_sources.trading_calendar import all_sessions
from pages import charts, ui
from pages.i18n import t
from pages.text import escape_markdown, markdown_link

ui.run_through_app()

PLACEBO_DRAWS = 1000
MODEL_LABELS = {
    "market": t("Market model (OLS on the benchmark)"),
    "constant-mean": t("Constant mean"),
    "market-adjusted": t("Market-adjusted (R − R_benchmark)"),
}
OVERLAP_LABELS = {
    "warn": t("Warn (study each as chosen)"),
    "merge": t("Merge into one event"),
    "drop": t("Drop overlapping measures"),
}


st.title(t("Event study"))
all_studyable = studyable(ui.catalogue(), ui.include_unverified())
measures = studyable(ui.filtered_catalogue(), ui.include_unverified())
if measures.empty:
    st.info(
        t(
            "No studyable measure matches the theme filter. Clear the filter in the sidebar, "
            "or switch on 'Include measures with unverified dates'."
        )
    )
    st.stop()
options = ui.instrument_options()
if not options:
    st.info(t("No price series are stored yet. Open the **Data** page to fetch or import some."))
    st.stop()

by_id = measures.set_index("id")
ids = list(measures.sort_values("announcement_date", ascending=False)["id"])
ui.seed_from_url("study_measures", "measures", options=ids, multi=True)
if "study_measures" not in st.session_state or not set(st.session_state["study_measures"]) <= set(
    ids
):
    st.session_state["study_measures"] = (
        ["chinext-first-listings-2020"] if "chinext-first-listings-2020" in ids else ids[:1]
    )


def _choose_all_measures() -> None:
    st.session_state["study_measures"] = list(ids)


st.button(
    t("All {n} measures of the chosen themes", n=len(ids))
    if ui.selected_themes()
    else t("All {n} studyable measures", n=len(ids)),
    key="study_all_measures",
    on_click=_choose_all_measures,
    help=t("Study every measure the sidebar's theme filter leaves, as one multi-event study."),
)
chosen_ids = st.multiselect(
    t("Policy measures"),
    ids,
    key="study_measures",
    format_func=lambda i: (
        f"{by_id.at[i, 'announcement_date']:%Y-%m-%d} · {ui.measure_title(by_id.loc[i])}"
        f" ({by_id.at[i, 'theme']})"
    ),
)
ui.write_to_url("measures", chosen_ids, multi=True)
if not chosen_ids:
    st.info(t("Choose at least one measure."))
    st.stop()
chosen = measures[measures["id"].isin(chosen_ids)].sort_values("event_session")
for row in chosen.itertuples():
    with st.container(border=True):
        st.markdown(f"**{escape_markdown(row.title_en)}** · {escape_markdown(row.title_zh)}")
        st.caption(
            t(
                "Announced {date} ({timing}) → event session t0 **{t0}** · {theme} · segments: "
                "{segments} · date {confidence}",
                date=f"{row.announcement_date:%Y-%m-%d}",
                timing=ui.timing_label(row.timing),
                t0=f"{row.event_session:%Y-%m-%d}",
                theme=ui.theme_name(row.theme),
                segments=escape_markdown(", ".join(row.segments)) or "—",
                confidence=t(row.confidence),
            )
            + (f" · {markdown_link(t('source'), row.source_url)}" if row.source_url else "")
        )

segment_defaults = [
    s
    for s in segment_instruments([code for codes in chosen["segments"] for code in codes])
    if s in options
]
# Widgets take their values from the session (seeded from the URL, else these defaults), so
# a shared link reproduces the view; each value is written back to the URL below.
instruments_key = f"study_instruments_{'_'.join(sorted(chosen_ids))}"
ui.seed_from_url(instruments_key, "instruments", options=options, multi=True)
ui.seed_from_url("study_benchmark", "benchmark", options=options)
ui.seed_from_url("study_model", "model", options=MODELS)
ui.seed_from_url("study_overlap", "overlap", options=OVERLAP_CHOICES)
ui.seed_from_url(
    "study_estimation", "estimation", parse=ui.parse_int_pair, check=ui.ordered_within(-500, -1)
)
ui.seed_from_url(
    "study_window", "window", parse=ui.parse_int_pair, check=ui.ordered_within(-30, 30)
)
ui.show_url_problems()
defaults = {
    instruments_key: segment_defaults[:6] or options[:1],
    "study_benchmark": DEFAULT_BENCHMARK if DEFAULT_BENCHMARK in options else options[0],
    "study_model": "market",
    "study_overlap": OVERLAP_CHOICES[0],
    "study_estimation": (-250, -11),
    "study_window": (-5, 5),
}
ui.keep_valid(instruments_key, options, multi=True)
for key, value in defaults.items():
    st.session_state.setdefault(key, value)
if st.session_state["study_benchmark"] not in options:  # removed from the store meanwhile
    st.session_state["study_benchmark"] = defaults["study_benchmark"]
segments_table = segment_table().set_index("id")
offered_segments = [
    code
    for code in segments_table.index
    if any(
        s in options
        for s in segments_table.at[code, "instruments"] + segments_table.at[code, "alternatives"]
    )
]


def _add_segment() -> None:
    code = st.session_state.get("study_add_segment")
    if code is None:
        return
    row = segments_table.loc[code]
    members = [s for s in row["instruments"] + row["alternatives"] if s in options]
    current = list(st.session_state.get(instruments_key, []))
    st.session_state[instruments_key] = list(dict.fromkeys(current + members))
    st.session_state["study_add_segment"] = None


left, right = st.columns([3, 2])
with left:
    st.selectbox(
        t("Add every stored instrument of a segment"),
        offered_segments,
        index=None,
        key="study_add_segment",
        format_func=ui.segment_name,
        on_change=_add_segment,
        placeholder=t("Choose a segment"),
    )
    instruments = st.multiselect(
        t("Instruments"),
        options,
        format_func=ui.label,
        key=instruments_key,
        help=t("Defaults to the stored instruments of the segments these measures touch."),
    )
    benchmark = st.selectbox(
        t("Benchmark (market) series"),
        options,
        format_func=ui.label,
        key="study_benchmark",
    )
    market_wide_rule = st.toggle(
        t("Measure market-wide indices with the constant-mean model"),
        value=True,
        key="study_market_wide",
        help=t(
            "A measure that hits the whole market moves the benchmark too: regressing a broad "
            "index on CSI 300 would remove the very effect. With this on, the instruments of "
            "the market-wide segments (all A-shares, main boards, bonds) use the constant-mean "
            "model."
        ),
    )
    overlap_how = st.radio(
        t("Measures with overlapping event windows"),
        OVERLAP_CHOICES,
        format_func=OVERLAP_LABELS.get,
        horizontal=True,
        key="study_overlap",
    )
with right:
    model = st.radio(
        t("Normal-return model"), MODELS, format_func=MODEL_LABELS.get, key="study_model"
    )
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
ui.write_to_url("instruments", instruments, multi=True)
ui.write_to_url("benchmark", benchmark)
ui.write_to_url("model", model)
ui.write_to_url("overlap", overlap_how)
ui.write_to_url("estimation", f"{est_start},{est_end}")
ui.write_to_url("window", f"{window[0]},{window[1]}")

if not instruments:
    st.info(t("Choose at least one instrument."))
    st.stop()
market = benchmark if model != "constant-mean" else None
constant_mean_for = (
    sorted(market_wide_instruments() & set(instruments)) if (market and market_wide_rule) else []
)
if constant_mean_for:
    st.caption(
        t(
            "Market-wide, measured with the constant-mean model: {names}.",
            names=escape_markdown(", ".join(ui.label(s) for s in constant_mean_for)),
        )
    )
try:
    spec = EventStudySpec(
        model=model, estimation_window=(int(est_start), int(est_end)), event_window=tuple(window)
    )
    as_events = [Event(r.id, r.announcement_date, r.event_session) for r in chosen.itertuples()]
    others = [
        Event(r.id, r.announcement_date, r.event_session)
        for r in all_studyable.itertuples()
        if r.id not in chosen_ids
    ]
    events, overlap_notes = resolve_overlaps(
        as_events, others, all_sessions(), spec.event_window, overlap_how
    )
    for note in overlap_notes:
        (st.warning if overlap_how == "warn" else st.info)(
            escape_markdown(note), icon=":material/layers:"
        )
    if not events:
        st.info(
            t(
                "Every chosen measure was dropped for overlapping another; choose 'Warn' or "
                "'Merge', or other measures."
            )
        )
        st.stop()
    with st.spinner(t("Estimating…")):
        result = ui.run_study(
            instruments, market, events, spec, constant_mean_for, placebo_draws=PLACEBO_DRAWS
        )
except (EventStudyInputError, DataSourceError) as error:
    st.error(t("Cannot run this study: {error}", error=escape_markdown(error)))
    st.stop()

metadata = ui.study_metadata(spec, instruments, market)
if overlap_notes:
    metadata["method"] += f"; overlapping windows: {overlap_how}"
for note in result.notes:
    if note.startswith("sessions after "):  # inferred sessions, in every downloaded file
        metadata["method"] += f"; {note}"
if constant_mean_for:
    metadata["method"] += f"; constant-mean for market-wide {', '.join(constant_mean_for)}"
synthetic = "SYNTHETIC" in metadata["data_mode"]
if synthetic:
    st.warning(
        t(
            "These results come from SYNTHETIC DEMO prices: they illustrate the method, not "
            "the market."
        ),
        icon=":material/science:",
    )
# What the study itself reports: closes treated as missing, placebo draws, statistics left
# NaN because a cross-sectional SD is zero, ... (the CLI prints the same notes on stderr)
for note in result.notes:  # they name measure ids and series: shown as text, not markdown
    st.info(escape_markdown(note), icon=":material/info:")
summary = result.car_summary
labels = {s: ui.label(s) for s in instruments}
titles = ui.catalogue().set_index("id").apply(ui.measure_title, axis=1).to_dict()


def _event_title(event_id: str) -> str:
    """A measure's title; merged measures (ids joined with "+") show each title."""
    if event_id in titles:
        return titles[event_id]
    return " + ".join(titles.get(part, part) for part in event_id.split("+"))


if summary.empty:
    skipped = result.diagnostics[result.diagnostics["status"] == "skipped"]
    st.error(
        t(
            "Nothing could be estimated for this choice: {reasons}. The diagnostics below "
            "list every instrument and measure.",
            reasons=escape_markdown(
                "; ".join(
                    dict.fromkeys(f"{r.instrument}: {r.reason}" for r in skipped.itertuples())
                )
            )
            or "—",
        )
    )
else:
    title = _event_title(events[0].event_id) if len(events) == 1 else t("{n} events", n=len(events))
    st.plotly_chart(
        charts.event_window_figure(
            result.abnormal_returns, labels, synthetic, title, result.car_path()
        ),
        width="stretch",
        key="study_chart",
        config=charts.plot_config("policylens_event_window"),
    )
    if len(labels) * len(events) <= 4:
        st.caption(
            t("Shaded: 95% band of the CAR path (CAR ± 1.96 SE, the same variance as the table).")
        )
    windows = list(spec.windows)
    ui.keep_valid("study_car_window", windows, windows[0])
    chosen_window = st.selectbox(
        t("CAR window"),
        windows,
        key="study_car_window",
        # A label must not change with other choices (the browser matches choices by label),
        # so the event window is named in the help, not in its label.
        format_func=lambda w: f"[{w[0]}, {w[1]}]",
        help=t("The first is the event window chosen above; the others are the usual windows."),
    )
    summary = summary[
        (summary["window_start"] == chosen_window[0]) & (summary["window_end"] == chosen_window[1])
    ]
    display = summary.assign(
        measure=summary["event_id"].map(_event_title),
        name=summary["instrument"].map(ui.label),
        car_pct=100 * summary["car"],
        car_se_pct=100 * summary["car_se"],
        stars=summary["p_value"].map(ui.significance_stars),
    )
    st.subheader(f"CAR [{chosen_window[0]}, {chosen_window[1]}]")
    st.dataframe(
        display[
            [
                "measure",
                "event_session",
                "name",
                "model",
                "car_pct",
                "car_se_pct",
                "t_stat",
                "p_value",
                "stars",
                "n_estimation",
                "alpha",
                "beta",
                "sigma",
                "n_event_days",
            ]
        ],
        hide_index=True,
        width="stretch",
        key="study_results",
        column_config={
            "measure": st.column_config.TextColumn(t("Measure"), width="medium"),
            "event_session": st.column_config.DateColumn("t0", format="YYYY-MM-DD"),
            "name": t("Instrument"),
            "model": t("Model"),
            "car_pct": st.column_config.NumberColumn("CAR (%)", format="%.2f"),
            "car_se_pct": st.column_config.NumberColumn("SE (%)", format="%.2f"),
            "t_stat": st.column_config.NumberColumn("t", format="%.2f"),
            "p_value": st.column_config.NumberColumn(t("p (two-sided)"), format="%.4f"),
            "stars": t("Sig."),
            "n_estimation": st.column_config.NumberColumn("L1", help=t("valid estimation returns")),
            "alpha": st.column_config.NumberColumn("α", format="%.5f"),
            "beta": st.column_config.NumberColumn("β", format="%.3f"),
            "sigma": st.column_config.NumberColumn("σ", format="%.5f"),
            "n_event_days": st.column_config.NumberColumn(t("event days")),
        },
    )
    st.caption(
        t(
            "SE includes the estimation-error correction (CLM eq. 4.4.17-18); t has L1 − 2 "
            "degrees of freedom under the market model (L1 − 1 otherwise). *** p<0.01, "
            "** p<0.05, * p<0.10. "
        )
        + escape_markdown(metadata["method"])
    )
    with st.expander(t("Daily abnormal returns")):
        st.dataframe(result.abnormal_returns, hide_index=True, width="stretch", key="study_ar")

if result.volume is not None or len(result.volatility):
    st.subheader(t("Trading response"))
    volume_tab, volatility_tab = st.tabs([t("Abnormal volume"), t("Abnormal volatility")])
    with volume_tab:
        if result.volume is None or result.volume.daily.empty:
            st.info(t("No volume in these series (imported closes only?), so no abnormal volume."))
        else:
            st.plotly_chart(
                charts.response_by_day_figure(
                    result.volume.daily,
                    "abnormal_log_volume",
                    labels,
                    synthetic,
                    t("Abnormal log volume (constant-mean model)"),
                    t("log volume − estimation mean"),
                    0.0,
                ),
                width="stretch",
                key="study_volume_chart",
                config=charts.plot_config("policylens_abnormal_volume"),
            )
            st.caption(
                t(
                    "0 = normal trading; 0.69 = twice the usual volume. Tests in "
                    "`abnormal_volume_tests.csv`."
                )
            )
    with volatility_tab:
        if result.volatility.empty:
            st.info(t("No abnormal volatility could be computed for this study."))
        else:
            st.plotly_chart(
                charts.response_by_day_figure(
                    result.volatility,
                    "volatility_ratio",
                    labels,
                    synthetic,
                    t("Abnormal volatility: AR² / estimation residual variance"),
                    t("variance ratio"),
                    1.0,
                ),
                width="stretch",
                key="study_volatility_chart",
                config=charts.plot_config("policylens_abnormal_volatility"),
            )
            st.dataframe(
                result.volatility_tests,
                hide_index=True,
                width="stretch",
                key="study_volatility_tests",
            )

if len(result.tests) and not summary.empty:
    st.subheader(t("Aggregate tests"))
    st.caption(
        t(
            "Across the chosen instruments, per measure (and pooled when several). With one "
            "event date shared by all instruments, as for policy measures, read the "
            "Kolari–Pynnönen adjusted BMP (kp_bmp_t): it allows for cross-correlation."
        )
    )
    window_tests = result.tests[
        result.tests["rel_day"].isna()
        & (result.tests["window_start"] == chosen_window[0])
        & (result.tests["window_end"] == chosen_window[1])
    ]
    shown = window_tests[window_tests["statistic"].isin(DEFAULT_STATISTICS)]
    st.dataframe(
        shown[["event_id", "statistic", "value", "p_value", "n"]],
        hide_index=True,
        width="stretch",
        key="study_tests",
        column_config={
            "value": st.column_config.NumberColumn(format="%.4f"),
            "p_value": st.column_config.NumberColumn(t("p (two-sided)"), format="%.4f"),
        },
    )
    if (shown["n"] < 2).any():
        st.caption(
            t(
                "Cross-sectional tests (t, BMP, Kolari–Pynnönen) need at least two "
                "instruments; with one they are left empty."
            )
        )
    with st.expander(t("All statistics, daily and per window")):
        st.dataframe(result.tests, hide_index=True, width="stretch", key="study_tests_all")

if len(result.placebo_summary):
    st.subheader(t("Placebo test"))
    st.caption(
        t(
            "The same CAR at up to {n} pseudo-event sessions (seeded) whose window overlaps no "
            "catalogue measure; p = share of placebo CARs at least as extreme as the observed "
            "one. Needs no assumption about cross-correlation.",
            n=PLACEBO_DRAWS,
        )
    )
    placebo_summary = result.placebo_summary
    choices = list(placebo_summary["instrument"])
    ui.keep_valid("study_placebo_series", choices)
    shown_name = st.selectbox(
        t("Series"),
        choices,
        key="study_placebo_series",
        index=len(choices) - 1,
        format_func=ui.label,
    )
    row = placebo_summary.set_index("instrument").loc[shown_name]
    st.plotly_chart(
        charts.placebo_figure(
            result.placebo[result.placebo["instrument"] == shown_name],
            row["observed_car"],
            ui.label(shown_name),
            row["p_value"],
            synthetic,
        ),
        width="stretch",
        key="study_placebo_chart",
        config=charts.plot_config("policylens_placebo"),
    )
    st.dataframe(placebo_summary, hide_index=True, width="stretch", key="study_placebo_table")

# the event windows themselves: are t0 or its neighbours inferred sessions?
window_sessions = all_sessions()
first_t0 = window_sessions.searchsorted(min(e.event_session for e in events))
last_t0 = window_sessions.searchsorted(max(e.event_session for e in events))
calendar_note = ui.calendar_note(
    window_sessions[max(first_t0 + spec.event_window[0], 0)],
    window_sessions[min(last_t0 + spec.event_window[1], len(window_sessions) - 1)],
)
if calendar_note:
    st.info(calendar_note, icon=":material/calendar_month:")
for note in result.notes:
    st.caption(note)

if len(result.diagnostics):
    st.subheader(t("Diagnostics"))
    st.dataframe(result.diagnostics, hide_index=True, width="stretch", key="study_diagnostics")

st.subheader(t("Downloads"))
st.caption(
    t(
        "UTF-8 with BOM (opens in Excel with Chinese intact); every file carries method, "
        "data_mode and data_vintage columns."
    )
)
parameters = {
    "measures": list(chosen_ids),
    "events": [
        {"event_id": e.event_id, "event_date": e.event_date, "event_session": e.event_session}
        for e in events
    ],
    "instruments": list(instruments),
    "benchmark": market,
    "model": spec.model,
    "estimation_window": list(spec.estimation_window),
    "event_window": list(spec.event_window),
    "car_windows": [list(w) for w in spec.windows],
    "constant_mean_for": list(constant_mean_for),
    "overlaps": overlap_how,
    "placebo_draws": PLACEBO_DRAWS if len(events) == 1 else 0,
    "url": "?" + "&".join(f"{k}={v}" for k, v in st.query_params.items()),
}
stem = chosen_ids[0] if len(chosen_ids) == 1 else f"{len(chosen_ids)}-measures"
files, archive = ui.study_files(
    instruments,
    market,
    events,
    spec,
    constant_mean_for,
    PLACEBO_DRAWS,
    metadata,
    parameters,
    f"policylens_{stem}",
)
st.download_button(
    t("Everything as one ZIP (all CSVs + parameters.json)"),
    data=archive,
    file_name=f"policylens_{stem}.zip",
    mime="application/zip",
    key="download_zip",
    icon=":material/folder_zip:",
    type="primary",
)
columns = st.columns(len(files))
for column, name in zip(columns, files, strict=True):
    column.download_button(
        f"{name}.csv",
        data=files[name],
        file_name=f"{stem}_{name}.csv",
        mime="text/csv",
        key=f"download_{name}",
        icon=":material/download:",
    )
