"""Event study: one measure, one or more instruments → AR bars, CAR path, results and CSVs."""

import streamlit as st

from analysis.event_study import EventStudyInputError, EventStudySpec
from analysis.export import csv_bytes
from analysis.models import MODELS
from data_sources.catalogue import studyable, theme_label
from data_sources.errors import DataSourceError
from data_sources.instruments import DEFAULT_BENCHMARK, segment_instruments
from pages import charts, ui

ui.run_through_app()


def significance_stars(p_value: float) -> str:
    """*** p<0.01, ** p<0.05, * p<0.10, else blank."""
    for threshold, stars in ((0.01, "***"), (0.05, "**"), (0.10, "*")):
        if p_value < threshold:
            return stars
    return ""


MODEL_LABELS = {
    "market": "Market model (OLS on the benchmark)",
    "constant-mean": "Constant mean",
    "market-adjusted": "Market-adjusted (R − R_benchmark)",
}

st.title("Event study")
measures = studyable(ui.filtered_catalogue(), ui.include_unverified())
if measures.empty:
    st.info(
        "No studyable measure matches the theme filter. Clear the filter in the sidebar, or "
        "switch on 'Include measures with unverified dates'."
    )
    st.stop()
options = ui.instrument_options()
if not options:
    st.info("No price series are stored yet. Open the **Data** page to fetch or import some.")
    st.stop()

by_id = measures.set_index("id")
ids = list(measures.sort_values("announcement_date", ascending=False)["id"])
default_id = "chinext-first-listings-2020" if "chinext-first-listings-2020" in ids else ids[0]
if st.session_state.get("study_measure") not in ids:
    st.session_state["study_measure"] = default_id
measure_id = st.selectbox(
    "Policy measure",
    ids,
    key="study_measure",
    format_func=lambda i: (
        f"{by_id.at[i, 'announcement_date']:%Y-%m-%d} · {by_id.at[i, 'title_en']}"
        f" ({by_id.at[i, 'theme']})"
    ),
)
measure = by_id.loc[measure_id]
with st.container(border=True):
    st.markdown(f"**{measure['title_en']}**  \n{measure['title_zh']}")
    st.caption(
        f"Announced {measure['announcement_date']:%Y-%m-%d} ({measure['timing']}) → event session "
        f"t0 **{measure['event_session']:%Y-%m-%d}** · {theme_label(measure['theme'])} · "
        f"segments: {', '.join(measure['segments']) or '—'} · date {measure['confidence']}"
    )
    if measure["source_url"]:
        st.caption(f"Source: {measure['source_url']}")
    if measure["note"]:
        st.caption(measure["note"])

segment_defaults = [s for s in segment_instruments(measure["segments"]) if s in options]
left, right = st.columns([3, 2])
with left:
    instruments = st.multiselect(
        "Instruments",
        options,
        default=segment_defaults[:6] or options[:1],
        format_func=ui.label,
        key=f"study_instruments_{measure_id}",
        help="Defaults to the stored instruments of the segments this measure touches.",
    )
    benchmark = st.selectbox(
        "Benchmark (market) series",
        options,
        index=options.index(DEFAULT_BENCHMARK) if DEFAULT_BENCHMARK in options else 0,
        format_func=ui.label,
        key="study_benchmark",
    )
with right:
    model = st.radio("Normal-return model", MODELS, format_func=MODEL_LABELS.get, key="study_model")
    est_col1, est_col2 = st.columns(2)
    est_start = est_col1.number_input("Estimation from", value=-250, step=10, key="study_est_start")
    est_end = est_col2.number_input("Estimation to", value=-11, step=1, key="study_est_end")
    window = st.slider("Event window (sessions)", -30, 30, (-5, 5), key="study_window")

if not instruments:
    st.info("Choose at least one instrument.")
    st.stop()
try:
    spec = EventStudySpec(
        model=model, estimation_window=(int(est_start), int(est_end)), event_window=tuple(window)
    )
    with st.spinner("Estimating…"):
        result = ui.run_study(
            instruments,
            benchmark if model != "constant-mean" else None,
            measures.loc[measures["id"] == measure_id],
            spec,
        )
except (EventStudyInputError, DataSourceError) as error:
    st.error(f"Cannot run this study: {error}")
    st.stop()

metadata = ui.study_metadata(spec, instruments, benchmark if model != "constant-mean" else None)
synthetic = "SYNTHETIC" in metadata["data_mode"]
if synthetic:
    st.warning(
        "These results come from SYNTHETIC DEMO prices: they illustrate the method, not "
        "the market.",
        icon=":material/science:",
    )
summary = result.car_summary
if summary.empty:
    st.error("Nothing could be estimated for this choice; the diagnostics below say why.")
else:
    labels = {s: ui.label(s) for s in instruments}
    st.plotly_chart(
        charts.event_window_figure(
            result.abnormal_returns,
            labels,
            synthetic,
            f"{measure['title_en']} — t0 {measure['event_session']:%Y-%m-%d}",
        ),
        width="stretch",
        key="study_chart",
    )
    display = summary.assign(
        name=summary["instrument"].map(ui.label),
        car_pct=100 * summary["car"],
        car_se_pct=100 * summary["car_se"],
        stars=summary["p_value"].map(significance_stars),
    )
    st.subheader(f"CAR [{spec.event_window[0]}, {spec.event_window[1]}]")
    st.dataframe(
        display[
            [
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
            "name": "Instrument",
            "model": "Model",
            "car_pct": st.column_config.NumberColumn("CAR (%)", format="%.2f"),
            "car_se_pct": st.column_config.NumberColumn("SE (%)", format="%.2f"),
            "t_stat": st.column_config.NumberColumn("t", format="%.2f"),
            "p_value": st.column_config.NumberColumn("p (two-sided)", format="%.4f"),
            "stars": "Sig.",
            "n_estimation": st.column_config.NumberColumn("L1", help="valid estimation returns"),
            "alpha": st.column_config.NumberColumn("α", format="%.5f"),
            "beta": st.column_config.NumberColumn("β", format="%.3f"),
            "sigma": st.column_config.NumberColumn("σ", format="%.5f"),
            "n_event_days": st.column_config.NumberColumn("event days"),
        },
    )
    st.caption(
        "SE includes the estimation-error correction (CLM eq. 4.4.17-18); t has L1 − 2 "
        "degrees of freedom under the market model (L1 − 1 otherwise). *** p<0.01, "
        "** p<0.05, * p<0.10. " + metadata["method"]
    )
    with st.expander("Daily abnormal returns"):
        st.dataframe(result.abnormal_returns, hide_index=True, width="stretch", key="study_ar")

if len(result.diagnostics):
    st.subheader("Diagnostics")
    st.dataframe(result.diagnostics, hide_index=True, width="stretch", key="study_diagnostics")

st.subheader("Downloads")
st.caption(
    "UTF-8 with BOM (opens in Excel with Chinese intact); every file carries method, "
    "data_mode and data_vintage columns."
)
columns = st.columns(3)
for column, (name, frame) in zip(columns, result.frames().items(), strict=True):
    column.download_button(
        f"{name}.csv",
        data=csv_bytes(frame, metadata),
        file_name=f"{measure_id}_{name}.csv",
        mime="text/csv",
        key=f"download_{name}",
        icon=":material/download:",
    )
