"""The Event study page's view: the request its widgets ask for, and render functions over the
:class:`~analysis.api.StudyOutcome` the API answers with.

Nothing here decides anything about a study (events, overlaps, the market-wide rule, metadata,
``parameters.json``): :mod:`analysis.api` does, for the CLI and notebooks alike. The helpers
that shape what is shown (:func:`request_from_widgets`, :func:`car_table`,
:func:`window_tests`, ...) are plain functions, tested without AppTest.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping

import pandas as pd
import streamlit as st

from analysis import framing
from analysis.api import DEFAULT_INSTRUMENT_LIMIT, PAIRINGS, StudyOutcome, StudyRequest
from analysis.glossary import FILE_GLOSSARY
from analysis.models import MULTI_MODELS
from analysis.statistics import DEFAULT_STATISTICS
from pages import charts, colours, factors_view, formatting, layout, loaders, sources, url_state
from pages.i18n import language, t, tr
from pages.text import escape_markdown

#: Pseudo-event draws the page asks for (the API leaves the placebo out, with a note, when the
#: study has several events).
PLACEBO_DRAWS = 1000
#: The columns of the CAR table, in the order shown.
CAR_TABLE_COLUMNS = [
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
    "alpha_pct",
    "beta",
    "sigma_pct",
    "n_event_days",
    "expected_sign",
    "response",
]


# -- what to show (plain functions) -----------------------------------------------------------


def dof_caption(model: str) -> str:
    """The CAR table's caption on the standard error and the t's degrees of freedom, for the
    study's ``model``: L1 − K with K the normal-return fit's parameters."""
    if model in MULTI_MODELS:
        return t(
            "SE includes the estimation-error correction in matrix form (CLM eq. 4.4.17-18); "
            "t has L1 − K degrees of freedom, K the parameters of the normal-return fit "
            "(3 for the two-index model, 1 + the number of factors for the multi-factor "
            "model: the dof column). *** p<0.01, ** p<0.05, * p<0.10. "
        )
    return t(
        "SE includes the estimation-error correction (CLM eq. 4.4.17-18); t has L1 − 2 "
        "degrees of freedom under the market model (L1 − 1 otherwise). *** p<0.01, "
        "** p<0.05, * p<0.10. "
    )


def instruments_key(measure_ids) -> str:
    """The instruments widget's key: one per choice of measures, so each choice keeps its own
    instruments (and shared links name them)."""
    return f"study_instruments_{'_'.join(sorted(measure_ids))}"


def request_from_widgets(
    state: Mapping, include_unverified: bool = False, placebo_draws: int = PLACEBO_DRAWS
) -> StudyRequest:
    """The :class:`~analysis.api.StudyRequest` the page's widgets ask for (``state``: the
    session state, or any mapping of widget keys). Trading responses are always on, and the
    placebo is asked for; ``python -m analysis study --volume --placebo 1000`` asks for the
    same. Raises :class:`~analysis.api.StudyInputError` naming a bad window."""
    measures = tuple(state["study_measures"])
    pairing = state.get("study_pairing", "all") if len(measures) > 1 else "all"
    return StudyRequest(
        measures=measures,
        instruments=tuple(state[instruments_key(measures)]),
        benchmark=state["study_benchmark"],
        model=state["study_model"],
        estimation_window=tuple(state["study_estimation"]),
        event_window=tuple(state["study_window"]),
        overlap=state["study_overlap"],
        market_wide_constant_mean=bool(state.get("study_market_wide", True)),
        clean_estimation=bool(state.get("study_clean_estimation", True)),
        attribute_suspensions=bool(state.get("study_attribute_suspensions", False)),
        placebo_draws=placebo_draws,
        responses=True,
        include_unverified=include_unverified,
        pairing=pairing,
        **factors_view.request_fields(state),
    )


def event_title(titles: Mapping[str, str], event_id: str) -> str:
    """A measure's title; merged measures (ids joined with "+") show each title."""
    if event_id in titles:
        return titles[event_id]
    return " + ".join(titles.get(part, part) for part in event_id.split("+"))


def car_table(
    car_summary: pd.DataFrame,
    window: tuple[int, int],
    titles: Mapping[str, str],
    label: Callable[[str], str] = str,
    signs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The CAR rows of one window, shaped for the results table: CAR and SE in %, the
    measure's title, the instrument's label, significance stars, and (``signs``: the
    outcome's :meth:`~analysis.api.StudyOutcome.sign_table` of that window) the sign each
    measure expected in the instrument's segment and whether the CAR had it."""
    rows = car_summary[
        (car_summary["window_start"] == window[0]) & (car_summary["window_end"] == window[1])
    ]
    expected = response = pd.Series("", index=rows.index, dtype=object)
    if signs is not None and len(signs):
        keyed = signs.set_index(["event_id", "instrument"])
        keys = pd.MultiIndex.from_frame(rows[["event_id", "instrument"]])
        expected = pd.Series(
            keyed["expected_sign"]
            .reindex(keys)
            .fillna("")
            .map(lambda v: t(v) if v else "")
            .to_numpy(),
            index=rows.index,
        )
        response = pd.Series(
            keyed["response"].reindex(keys).fillna("").map(lambda v: t(v) if v else "").to_numpy(),
            index=rows.index,
        )
    return rows.assign(
        measure=rows["event_id"].map(lambda event_id: event_title(titles, event_id)),
        name=rows["instrument"].map(label),
        model=rows["model"].map(formatting.model_name),
        car_pct=100 * rows["car"],
        car_se_pct=100 * rows["car_se"],
        alpha_pct=100 * rows["alpha"],
        sigma_pct=100 * rows["sigma"],
        stars=rows["p_value"].map(formatting.significance_stars),
        expected_sign=expected,
        response=response,
    )[CAR_TABLE_COLUMNS]


#: The page's one unit for returns: % in every table it shows (the CSVs keep decimals). The
#: return columns of the outcome's tables and their labels.
PERCENT_LABELS = {
    "return": "R (%)",
    "expected_return": "E[R] (%)",
    "abnormal_return": "AR (%)",
    "car": "CAR (%)",
    "car_se": "SE (%)",
    "alpha": "α (%)",
    "sigma": "σ (%)",
    "observed_car": "CAR (%)",
    "placebo_mean": "Placebo mean CAR (%)",
    "placebo_sd": "Placebo SD of CAR (%)",
}
#: The statistic of a tests table whose value is a return (the mean AR or CAR).
MEAN_STATISTIC = "mean"


def in_percent(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as a page shows it: its return columns (:data:`PERCENT_LABELS`) × 100, and in a
    tests table the mean AR/CAR rows (a return among test statistics) × 100, named
    "mean (%)"."""
    out = frame.assign(**{c: 100 * frame[c] for c in frame.columns if c in PERCENT_LABELS})
    if {"statistic", "value"} <= set(frame.columns):
        mean = frame["statistic"] == MEAN_STATISTIC
        out["value"] = frame["value"].where(~mean, 100 * frame["value"])
        out["statistic"] = frame["statistic"].where(~mean, f"{MEAN_STATISTIC} (%)")
    return out


def percent_config(frame: pd.DataFrame) -> dict:
    """Column settings naming the unit of each return column of ``frame`` shown in %."""
    return {
        column: st.column_config.NumberColumn(t(PERCENT_LABELS[column]), format="%.4f")
        for column in frame.columns
        if column in PERCENT_LABELS
    }


def common_config() -> dict:
    """Column labels (in the current language) and day formats of the columns the study's
    tables share; a table's own settings are merged over these."""
    day = "YYYY-MM-DD"  # a day, not "2020-07-03 00:00:00"
    return {
        "event_id": t("Measure id"),
        "instrument": t("Instrument"),
        "event_date": st.column_config.DateColumn(t("Event date"), format=day),
        "event_session": st.column_config.DateColumn("t0", format=day),
        "date": st.column_config.DateColumn(t("Date"), format=day),
        "rel_day": t("Relative session"),
        "statistic": t("Statistic"),
        "value": t("Value"),
        "window_start": t("Window start"),
        "window_end": t("Window end"),
        "status": t("Status"),
        "reason": t("Reason"),
    }


def with_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its instrument column named as the pickers name it (a demo series
    marked SYNTHETIC DEMO)."""
    if "instrument" not in frame.columns:
        return frame
    return frame.assign(instrument=frame["instrument"].map(formatting.label))


def car_windows(outcome: StudyOutcome) -> list[tuple[int, int]]:
    """The CAR windows offered, the headline first (CAR [0, +1] when a t0 is uncertain)."""
    headline = tuple(outcome.headline_window)
    return [headline, *[w for w in outcome.spec.windows if tuple(w) != headline]]


def sign_reasons(signs: pd.DataFrame, titles: Mapping[str, str]) -> list[str]:
    """One line per measure and segment with an expected sign: why it was expected."""
    stated = signs[signs["sign_reason"] != ""].drop_duplicates(["event_id", "segment"])
    return [
        f"{event_title(titles, row.event_id)} · {row.segment} ({t(row.expected_sign)}): "
        f"{formatting.in_english(row.sign_reason)}"
        for row in stated.itertuples()
    ]


def window_tests(
    tests: pd.DataFrame, window: tuple[int, int], statistics=DEFAULT_STATISTICS
) -> pd.DataFrame:
    """The aggregate tests over one CAR window (not the daily ones), the usual statistics."""
    rows = tests[
        tests["rel_day"].isna()
        & (tests["window_start"] == window[0])
        & (tests["window_end"] == window[1])
    ]
    return rows[rows["statistic"].isin(statistics)][
        ["event_id", "statistic", "value", "p_value", "n"]
    ]


def skipped_reasons(diagnostics) -> str:
    """Why nothing could be estimated: each skipped instrument's reason, once, in the current
    language (``diagnostics``: the outcome's records, or their table)."""
    records = diagnostics.itertuples() if isinstance(diagnostics, pd.DataFrame) else diagnostics
    return "; ".join(
        dict.fromkeys(f"{r.instrument}: {tr(r.reason)}" for r in records if r.status == "skipped")
    )


def diagnostics_table(outcome: StudyOutcome) -> pd.DataFrame:
    """The outcome's diagnostics as shown: status and reason in the current language (the CSV
    keeps the English)."""
    frame = outcome.diagnostics_frame()
    return frame.assign(
        status=frame["status"].map(formatting.diagnostic_status),
        reason=frame["reason"].map(tr),
    )


def model_name(code: str) -> str:
    """A normal-return model's name in the current language (the CSV keeps the code)."""
    return formatting.model_name(code)


def download_stem(measure_ids) -> str:
    measure_ids = list(measure_ids)
    return measure_ids[0] if len(measure_ids) == 1 else f"{len(measure_ids)}-measures"


def event_window_span(outcome: StudyOutcome) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last session the study's event windows reach."""
    sessions = outcome.resolved.sessions
    first = sessions.searchsorted(min(e.event_session for e in outcome.events))
    last = sessions.searchsorted(max(e.event_session for e in outcome.events))
    window = outcome.spec.event_window
    return (
        sessions[max(first + window[0], 0)],
        sessions[min(last + window[1], len(sessions) - 1)],
    )


# -- render functions ------------------------------------------------------------------------


def render_measures(chosen: pd.DataFrame) -> None:
    """One box per chosen measure: titles, dates, t0, theme, segments and source."""
    for row in chosen.itertuples():
        with st.container(border=True):
            st.markdown(formatting.measure_heading(row.title_en, row.title_zh))
            st.caption(
                t(
                    "Announced {date} ({timing}) → event session t0 **{t0}** · {theme} · "
                    "segments: {segments} · date {confidence}",
                    date=f"{row.announcement_date:%Y-%m-%d}",
                    timing=formatting.timing_label(row.timing),
                    t0=f"{row.event_session:%Y-%m-%d}",
                    theme=formatting.theme_name(row.theme),
                    segments=escape_markdown(", ".join(row.segments)) or "—",
                    confidence=t(row.confidence),
                )
            )
            lines = sources.source_lines(pd.Series(row._asdict()))
            if lines:
                st.caption("  \n".join(lines))
            if framing.t0_uncertain(row):
                st.caption(
                    t(
                        "t0 uncertain: released on a session day at an unknown time; the "
                        "market could first react on t0 or t0+1."
                    )
                )


def default_limit(chosen: pd.DataFrame) -> int:
    """How many default instruments a study takes: the API's cap for one measure; for several,
    every stored instrument of their segments, since each measure is then paired with its
    own (a cap would leave the last measures with none)."""
    return DEFAULT_INSTRUMENT_LIMIT if len(chosen) < 2 else 10_000


PAIRING_LABELS = {
    "segments": "Each measure with its own segments' instruments",
    "all": "Every instrument with every measure",
}


def render_pairing(measure_ids, instruments, default_instruments) -> str:
    """With several measures, how they meet the instruments (``study_pairing``, URL
    ``pairing``): by default each measure only on its own segments' instruments when the
    instruments are the segments' defaults, every instrument with every measure when they
    were picked by hand. One measure: every chosen instrument (no choice shown)."""
    url_state.seed_from_url("study_pairing", "pairing", options=PAIRINGS)
    url_state.show_url_problems()
    if len(measure_ids) < 2:  # a bad pairing= is still named (seeded above), then dropped
        url_state.write_to_url("pairing", None)
        return "all"
    if st.session_state.get("study_pairing") not in PAIRINGS:
        default = set(instruments) == set(default_instruments)
        st.session_state["study_pairing"] = "segments" if default else "all"
    pairing = st.radio(
        t("Pair measures and instruments"),
        PAIRINGS,
        format_func=lambda p: t(PAIRING_LABELS[p]),
        horizontal=True,
        key=layout.translated("study_pairing"),
        help=t(
            "Each measure with its own segments' instruments: a ChiNext listing is measured on "
            "ChiNext, not on CSI Banks (python -m analysis study --pairing segments). Every "
            "instrument with every measure: each chosen instrument around each measure."
        ),
    )
    url_state.write_to_url("pairing", pairing)
    return pairing


def render_notes(outcome: StudyOutcome) -> None:
    """The synthetic-data warning, the market-wide rule, and what the study itself reports
    (overlaps, closes treated as missing, placebo, statistics left NaN, ...): notes name
    measure ids and series, so they are shown as text, not markdown."""
    if outcome.constant_mean_for:
        st.caption(
            t(
                "Market-wide, measured with the constant-mean model: {names}.",
                names=escape_markdown(
                    ", ".join(formatting.label(s) for s in outcome.constant_mean_for)
                ),
            )
        )
    if outcome.data_mode.synthetic:
        demo = loaders.demo_symbols()
        series = [s for s in (*outcome.instruments, outcome.request.benchmark) if s]
        synthetic = [s for s in dict.fromkeys(series) if s in demo]
        if synthetic and len(synthetic) < len(set(series)):  # real and demo series together
            st.warning(
                t(
                    "Some of these results come from SYNTHETIC DEMO prices ({names}); every "
                    "row and cross-sectional test that uses them illustrates the method, not "
                    "the market. Remove them from the instruments, or remove the demo on the "
                    "Data page.",
                    names=escape_markdown(", ".join(synthetic)),
                ),
                icon=":material/science:",
            )
        else:
            st.warning(
                t(
                    "These results come from SYNTHETIC DEMO prices: they illustrate the method, "
                    "not the market."
                ),
                icon=":material/science:",
            )
    for note in outcome.notes:
        if note.kind == "timing" and not outcome.car_summary.empty:
            continue  # shown next to the CAR table (render_car_window)
        if note.kind == "overlap":
            (st.warning if outcome.request.overlap == "warn" else st.info)(
                escape_markdown(tr(note.text)), icon=":material/layers:"
            )
        else:
            st.info(escape_markdown(tr(note.text)), icon=":material/info:")


def render_chart(outcome: StudyOutcome, titles: Mapping[str, str]) -> None:
    events = outcome.events
    estimated = outcome.abnormal_returns["event_id"].nunique()
    if len(events) == 1:
        title = event_title(titles, events[0].event_id)
    elif estimated < len(events):  # the notes say why the others have no estimate
        title = t("{k} of {n} events estimated", k=estimated, n=len(events))
    else:
        title = t("{n} events", n=len(events))
    labels = {s: formatting.label(s) for s in outcome.instruments}
    scheme = colours.scheme()
    event_titles = {e.event_id: event_title(titles, e.event_id) for e in events}
    chart = loaders.derived(
        outcome,
        ("event_window", language(), title, scheme),
        lambda: charts.event_window_chart(
            outcome.abnormal_returns,
            labels,
            outcome.data_mode.synthetic,
            title,
            outcome.car_path(),
            scheme=scheme,
            event_titles=event_titles,
        ),
    )
    # Vega-Lite, not Plotly (charts.event_window_chart says why); the keyed container names
    # the chart for the browser checks. Panels keep their own width (a facet cannot stretch).
    with st.container(key="study_chart"):
        st.vega_lite_chart(chart, width="content" if "facet" in chart else "stretch")
    pairs = outcome.abnormal_returns[["event_id", "instrument"]].drop_duplicates()
    if len(pairs) <= charts.HANDFUL_OF_PAIRS:
        st.caption(
            t(
                "Bars: each session's abnormal return ({colours}), outlined in the colour of "
                "its instrument's CAR line.",
                colours=colours.sign_legend(scheme),
            )
        )
        st.caption(
            t("Shaded: 95% band of the CAR path (CAR ± 1.96 SE, the same variance as the table).")
        )
    elif pairs["event_id"].nunique() > 1:
        st.caption(
            t(
                "One panel per measure: the CAR (%) of the instruments it was studied on; "
                "clicking a legend entry picks out that instrument in every panel "
                "(double-click: all again). Daily abnormal returns are in the table below."
            )
        )
    else:
        st.caption(t("CAR (%) per instrument; daily abnormal returns are in the table below."))


@st.fragment
def render_car_window(outcome: StudyOutcome, titles: Mapping[str, str]) -> None:
    """The CAR window picker, its results table and its aggregate tests: a fragment, so
    choosing another window reruns only this."""
    windows = car_windows(outcome)
    url_state.keep_valid("study_car_window", windows, windows[0])
    # when the headline changes (another event window, or a measure whose t0 is uncertain
    # joins the study), lead with it; a window from a shared link is kept on the first run
    headline = windows[0]
    if st.session_state.get("_study_car_headline") != headline:
        if "_study_car_headline" in st.session_state:
            st.session_state["study_car_window"] = headline
        st.session_state["_study_car_headline"] = headline
    # ?car=a,b: a window from a link, seeded here (a fragment rerun reads the same URL)
    url_state.seed_from_url(
        "study_car_window", "car", parse=url_state.parse_int_pair, options=windows
    )
    url_state.show_url_problems()
    chosen_window = st.selectbox(
        t("CAR window"),
        windows,
        key=layout.translated("study_car_window"),
        # A label must not change with other choices (the browser matches choices by label),
        # so the event window is named in the help, not in its label.
        format_func=lambda w: f"[{w[0]}, {w[1]}]",
        help=t(
            "The first is the event window chosen above (CAR [0, +1] when a measure's t0 is "
            "uncertain); the others are the usual windows."
        ),
        placeholder=t("Choose an option"),
    )
    # written from the fragment's own reruns too: the browser's URL follows the picker
    url_state.write_to_url("car", f"{chosen_window[0]},{chosen_window[1]}")
    # kept with the outcome: a rerun that keeps the study and the window (a filter, a
    # download) does not reshape them
    signs = loaders.derived(
        outcome, ("signs", chosen_window), lambda: outcome.sign_table(chosen_window)
    )
    display = loaders.derived(
        outcome,
        ("car_table", chosen_window, language()),
        lambda: car_table(outcome.car_summary, chosen_window, titles, formatting.label, signs),
    )
    st.subheader(f"CAR [{chosen_window[0]}, {chosen_window[1]}]")
    for note in outcome.notes:  # an uncertain t0: said next to the result
        if note.kind == "timing":
            st.warning(
                escape_markdown(formatting.timing_note(note.text)), icon=":material/schedule:"
            )
    st.dataframe(
        colours.style_returns(display, ["car_pct"]),
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
            "alpha_pct": st.column_config.NumberColumn("α (%)", format="%.4f"),
            "beta": st.column_config.NumberColumn("β", format="%.3f"),
            "sigma_pct": st.column_config.NumberColumn("σ (%)", format="%.4f"),
            "n_event_days": st.column_config.NumberColumn(t("event days")),
            "expected_sign": st.column_config.TextColumn(
                t("Expected"),
                help=t("The sign the catalogue expects in this segment: +, - or ambiguous."),
            ),
            "response": st.column_config.TextColumn(
                t("Sign"), help=t("Whether the CAR had the expected sign.")
            ),
        },
    )
    reasons = sign_reasons(signs, titles)
    if reasons:
        st.caption(t("Expected signs: ") + "  \n".join(escape_markdown(line) for line in reasons))
    st.caption(dof_caption(outcome.spec.model) + escape_markdown(tr(outcome.method)))
    st.caption(t("Returns in % in tables; CSV files keep decimals (0.01 = 1 %)."))
    # Drawn only when opened (a closed expander's table would still be sent and laid out on
    # every full run of the page: the browser's time, not the study's).
    daily_box = layout.opened(t("Daily abnormal returns"), "study_daily_open")
    if daily_box is not None:
        with daily_box:
            daily = in_percent(outcome.abnormal_returns)
            st.dataframe(
                with_labels(daily),
                hide_index=True,
                width="stretch",
                key="study_ar",
                column_config=common_config() | percent_config(daily),
            )
    if display.empty or not len(outcome.tests):
        return
    st.subheader(t("Aggregate tests"))
    st.caption(
        t(
            "Across the chosen instruments, per measure (and pooled when several). With one "
            "event date shared by all instruments, as for policy measures, read the "
            "Kolari–Pynnönen adjusted BMP (kp_bmp_t): it allows for cross-correlation."
        )
    )
    shown = window_tests(outcome.tests, chosen_window)
    tests_config = common_config() | {
        "value": st.column_config.NumberColumn(
            t("Value"),
            format="%.4f",
            help=t("The test statistic; the mean CAR (row 'mean (%)') in %."),
        ),
        "p_value": st.column_config.NumberColumn(t("p (two-sided)"), format="%.4f"),
    }
    st.dataframe(
        in_percent(shown),
        hide_index=True,
        width="stretch",
        key="study_tests",
        column_config=tests_config,
    )
    if (shown["n"] < 2).any():
        st.caption(
            t(
                "Cross-sectional tests (t, BMP, Kolari–Pynnönen) need at least two "
                "instruments; with one they are left empty."
            )
        )
    all_box = layout.opened(t("All statistics, daily and per window"), "study_all_tests_open")
    if all_box is not None:
        with all_box:
            st.dataframe(
                in_percent(outcome.tests),
                hide_index=True,
                width="stretch",
                key="study_tests_all",
                column_config=tests_config,
            )
            if outcome.spec.model in MULTI_MODELS:  # every loading, not only car_summary's beta
                st.caption(
                    t(
                        "Every coefficient of the normal-return fit of every pair (α and each "
                        "factor loading or index slope; decimals per session):"
                    )
                )
                st.dataframe(outcome.model_coefficients, hide_index=True, width="stretch")


@st.fragment
def render_trading_response(outcome: StudyOutcome) -> None:
    """Abnormal volume and volatility in two tabs, inside an expander drawn only when opened;
    only the open tab is drawn (a fragment: switching tabs reruns only this)."""
    volume = outcome.volume.daily if outcome.volume is not None else None
    ratios = outcome.volatility.ratios if outcome.volatility is not None else None
    if volume is None and (ratios is None or ratios.empty):
        return
    box = layout.opened(
        t("Trading response: abnormal volume and volatility"), "study_response_open"
    )
    if box is None:
        return
    labels = {s: formatting.label(s) for s in outcome.instruments}
    synthetic = outcome.data_mode.synthetic
    with box:
        volume_tab, volatility_tab = st.tabs(
            [t("Abnormal volume"), t("Abnormal volatility")],
            key="study_response_tab",
            on_change="rerun",
        )
    if volume_tab.open:
        _render_volume(volume_tab, volume, labels, synthetic, outcome)
    if volatility_tab.open:
        _render_volatility(volatility_tab, ratios, labels, synthetic, outcome)


def _render_volume(tab, volume, labels, synthetic, outcome: StudyOutcome) -> None:
    with tab:
        if volume is None or volume.empty:
            st.info(t("No volume in these series (imported closes only?), so no abnormal volume."))
        else:
            figure = loaders.derived(
                outcome,
                ("volume", language()),
                lambda: charts.response_by_day_figure(
                    volume,
                    "abnormal_log_volume",
                    labels,
                    synthetic,
                    t("Abnormal log volume (constant-mean model)"),
                    t("log volume − estimation mean"),
                    0.0,
                ),
            )
            st.plotly_chart(
                figure,
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


def _render_volatility(tab, ratios, labels, synthetic, outcome: StudyOutcome) -> None:
    with tab:
        if ratios is None or ratios.empty:
            st.info(t("No abnormal volatility could be computed for this study."))
        else:
            figure = loaders.derived(
                outcome,
                ("volatility", language()),
                lambda: charts.response_by_day_figure(
                    ratios,
                    "volatility_ratio",
                    labels,
                    synthetic,
                    t("Abnormal volatility: AR² / estimation residual variance"),
                    t("variance ratio"),
                    1.0,
                ),
            )
            st.plotly_chart(
                figure,
                width="stretch",
                key="study_volatility_chart",
                config=charts.plot_config("policylens_abnormal_volatility"),
            )
            st.dataframe(
                outcome.volatility.tests,
                hide_index=True,
                width="stretch",
                key="study_volatility_tests",
            )


@st.fragment
def render_placebo(outcome: StudyOutcome) -> None:
    """The placebo distribution of one series (a fragment: picking another series reruns only
    this). A study of several events has none: the placebo draws pseudo-event sessions for
    one event date, so a caption says why it is absent."""
    if len(outcome.events) > 1:
        url_state.write_to_url("placebo", None)  # no placebo series: none in the link
        st.caption(
            t(
                "No placebo test: it compares one event's CAR with the same CAR at pseudo-event "
                "sessions, so it needs exactly one event, and this study has {n}. Study one "
                "measure to see it.",
                n=len(outcome.events),
            )
        )
        return
    if outcome.placebo is None or not len(outcome.placebo.summary):
        url_state.write_to_url("placebo", None)  # no series to choose: none in the link
        return
    # closed, the link keeps the series it names (it is checked once the section is opened)
    box = layout.opened(t("Placebo test"), "study_placebo_open")
    if box is None:
        return
    with box:
        _render_placebo_body(outcome)


def _render_placebo_body(outcome: StudyOutcome) -> None:
    st.caption(
        t(
            "The same CAR at up to {n} pseudo-event sessions (seeded) whose window overlaps no "
            "catalogue measure; p = share of placebo CARs at least as extreme as the observed "
            "one. Needs no assumption about cross-correlation.",
            n=outcome.resolved.placebo_draws,
        )
    )
    summary = outcome.placebo.summary
    choices = list(summary["instrument"])
    url_state.keep_valid("study_placebo_series", choices)
    url_state.seed_from_url("study_placebo_series", "placebo", options=choices)
    url_state.show_url_problems()
    st.session_state.setdefault("study_placebo_series", choices[-1])
    shown_name = st.selectbox(
        t("Series"),
        choices,
        key=layout.translated("study_placebo_series"),
        format_func=formatting.label,
        placeholder=t("Choose an option"),
    )
    url_state.write_to_url("placebo", shown_name)
    row = summary.set_index("instrument").loc[shown_name]
    draws = outcome.placebo.draws
    scheme = colours.scheme()
    figure = loaders.derived(
        outcome,
        ("placebo", language(), shown_name, scheme),
        lambda: charts.placebo_figure(
            draws[draws["instrument"] == shown_name],
            row["observed_car"],
            formatting.label(shown_name),
            row["p_value"],
            outcome.data_mode.synthetic,
            scheme,
        ),
    )
    st.plotly_chart(
        figure,
        width="stretch",
        key="study_placebo_chart",
        config=charts.plot_config("policylens_placebo"),
    )
    shown_summary = in_percent(summary)
    st.dataframe(
        shown_summary,
        hide_index=True,
        width="stretch",
        key="study_placebo_table",
        column_config=percent_config(shown_summary),
    )


def render_diagnostics(outcome: StudyOutcome) -> None:
    """Inferred sessions in the event windows, and what was skipped or changed, and why."""
    calendar_note = formatting.calendar_note(*event_window_span(outcome))
    if calendar_note:
        st.info(calendar_note, icon=":material/calendar_month:")
    if not outcome.diagnostics:
        return
    box = layout.opened(
        t("Diagnostics: {n} records of what was skipped or changed", n=len(outcome.diagnostics)),
        "study_diagnostics_open",
    )
    if box is None:
        return
    with box:
        st.dataframe(
            with_labels(diagnostics_table(outcome)),
            hide_index=True,
            width="stretch",
            key="study_diagnostics",
            column_config=common_config(),
        )


#: The export's parameter file: in the ZIP beside the CSVs, and listed with them.
PARAMETERS_FILE = "parameters.json"


def download_files(
    files: Mapping[str, bytes | Callable[[], bytes]],
    archive: bytes | Callable[[], bytes],
    stem: str,
) -> dict[str, bytes | Callable[[], bytes]]:
    """Every file of the ZIP by the name it downloads under: ``<stem>_<table>.csv`` for each
    table and ``<stem>_parameters.json`` (read back from the ZIP when it is downloaded: the
    ZIP itself is made on click)."""
    listed = {f"{stem}_{name}.csv": content for name, content in files.items()}
    listed[f"{stem}_{PARAMETERS_FILE}"] = lambda: parameters_of(archive)
    return listed


def parameters_of(archive: bytes | Callable[[], bytes]) -> bytes:
    """``parameters.json`` of a study ZIP (its bytes, or a callable that makes them)."""
    data = archive() if callable(archive) else archive
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        member = next(m for m in zipped.namelist() if m.endswith(f"/{PARAMETERS_FILE}"))
        return zipped.read(member)


def file_description(file_name: str, stem: str) -> str:
    """One line on what a downloaded file holds (analysis.glossary.FILE_GLOSSARY)."""
    return t(FILE_GLOSSARY.get(file_name.removeprefix(f"{stem}_"), ""))


def render_downloads(
    files: Mapping[str, bytes | Callable[[], bytes]],
    archive: bytes | Callable[[], bytes],
    stem: str,
    report: Callable[[], bytes] | None = None,
) -> None:
    """The ZIP of everything, then every file on a line of its own: its full name (a row of
    buttons cut them to "abnormal_volume_windo…") and a line on what it holds. ``files`` and
    ``archive`` may be callables that make the bytes when clicked
    (:func:`pages.loaders.study_downloads`)."""
    st.subheader(t("Downloads"))
    st.caption(
        t(
            "UTF-8 with BOM (opens in Excel with Chinese intact); every file carries method, "
            "data_mode and data_vintage columns."
        )
        + " "
        + t("Returns in % in tables; CSV files keep decimals (0.01 = 1 %).")
    )
    st.download_button(
        t("Everything as one ZIP (all CSVs + parameters.json)"),
        data=archive,
        file_name=f"policylens_{stem}.zip",
        mime="application/zip",
        key="download_zip",
        icon=":material/folder_zip:",
        type="primary",
        on_click="ignore",  # a download changes nothing on the page: no rerun
    )
    if report is not None:  # one HTML file to forward (pages/report_view.py), made on click
        st.download_button(
            t("Report (HTML)"),
            data=report,
            file_name=f"policylens_{stem}_report.html",
            mime="text/html",
            key="download_report",
            icon=":material/description:",
            on_click="ignore",
        )
        st.caption(t(FILE_GLOSSARY["report.html"]))
    listed = download_files(files, archive, stem)
    with st.expander(t("Single files ({n})", n=len(listed)), icon=":material/list:"):
        for file_name, content in listed.items():
            table = file_name.removeprefix(f"{stem}_").rsplit(".", 1)[0]
            st.download_button(
                escape_markdown(file_name),  # a measure id is user text
                data=content,
                file_name=file_name,
                mime="application/json" if file_name.endswith(".json") else "text/csv",
                key=f"download_{table}",
                icon=":material/download:",
                type="tertiary",
                on_click="ignore",  # a download changes nothing on the page: no rerun
            )
            st.caption(escape_markdown(file_description(file_name, stem)))
