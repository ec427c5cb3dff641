"""The Event study's "Long horizon" section: buy-and-hold abnormal returns over months after each
measure (analysis/long_horizon.py), drawn only when its expander is opened (nothing is computed
on a normal rerun of the page)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.api import StudyOutcome
from analysis.long_horizon import (
    AGAINST,
    DEFAULT_BOOTSTRAP,
    DEFAULT_HORIZONS,
    MIN_BOOTSTRAP_N,
    LongHorizonInputError,
    LongHorizonResults,
    bhar_of_study,
)
from pages import formatting, layout, loaders
from pages.i18n import t, tr
from pages.text import escape_markdown

#: Horizons offered, in sessions (about 1, 3, 6, 12 and 24 months).
HORIZON_CHOICES = (21, 63, 126, 250, 500)
SEED = 0
#: The return columns shown in % (the CSV keeps decimals).
PERCENT_COLUMNS = {
    "bh_return": "Buy-and-hold return (%)",
    "reference_return": "Reference return (%)",
    "bhar": "BHAR (%)",
    "mean_bhar": "Mean BHAR (%)",
    "median_bhar": "Median BHAR (%)",
    "sd_bhar": "SD of BHAR (%)",
    "lower": "95 % CI low (%)",
    "upper": "95 % CI high (%)",
}
AGAINST_LABELS = {"benchmark": "the benchmark", "matched": "matched controls"}
#: Labels of the test table's other columns (the CSV keeps the names).
TEST_LABELS = {
    "against": "Against",
    "n": "Pairs (n)",
    "skewness": "Skewness",
    "t_stat": "t",
    "p_value": "p (t)",
    "t_skew_adjusted": "Skewness-adjusted t",
    "p_skew_adjusted": "p (skewness-adjusted t)",
    "boot_lower": "Bootstrap 2.5 % quantile",
    "boot_upper": "Bootstrap 97.5 % quantile",
    "p_bootstrap": "p (bootstrap)",
    "n_bootstrap": "Bootstrap resamples used",
    "n_filled": "Pairs filled with the benchmark",
    "reference": "Reference",
}


def control_candidates(outcome: StudyOutcome) -> list[str]:
    """Stored series that may serve as matched controls: not studied, not the benchmark, on a
    board of a studied instrument (the matching then keeps each instrument's own board)."""
    from data_sources.prices import board_of

    boards = {board_of(s) for s in outcome.instruments}
    studied = set(outcome.instruments) | {outcome.benchmark}
    return [s for s in loaders.instrument_options() if s not in studied and board_of(s) in boards]


def compute(
    outcome: StudyOutcome,
    horizons: tuple[int, ...],
    against: str,
    controls: tuple[str, ...],
    fill_after_end: bool = False,
) -> LongHorizonResults:
    """The BHARs of ``outcome`` (kept with the cached outcome, one per choice of options)."""

    def build() -> LongHorizonResults:
        control_bars = None
        if against == "matched":
            wanted = list(controls) or control_candidates(outcome)
            control_bars = loaders.bars(wanted) if wanted else None
        return bhar_of_study(
            outcome,
            horizons,
            against,
            controls=list(controls) or None,
            control_bars=control_bars,
            bootstrap=DEFAULT_BOOTSTRAP,
            seed=SEED,
            fill_after_end=fill_after_end,
        )

    key = ("bhar", horizons, against, controls, fill_after_end)
    return loaders.derived(outcome, key, build)


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(**{c: 100 * frame[c] for c in frame.columns if c in PERCENT_COLUMNS})
    if "against" in frame.columns:  # the value shown in the current language
        frame["against"] = frame["against"].map(lambda v: t(AGAINST_LABELS.get(v, v)))
    return frame


def _config(frame: pd.DataFrame) -> dict:
    day = "YYYY-MM-DD"
    config = {
        column: st.column_config.NumberColumn(t(text), format="%.4f")
        for column, text in PERCENT_COLUMNS.items()
        if column in frame.columns
    }
    config |= {
        "event_id": t("Measure id"),
        "instrument": t("Instrument"),
        "event_session": st.column_config.DateColumn("t0", format=day),
        "start_date": st.column_config.DateColumn(t("Bought (close)"), format=day),
        "end_date": st.column_config.DateColumn(t("Sold (close)"), format=day),
        "horizon": t("Horizon (sessions)"),
        "status": t("Status"),
    }
    config |= {column: t(text) for column, text in TEST_LABELS.items() if column in frame.columns}
    return config


def render_long_horizon(outcome: StudyOutcome) -> None:
    """The lazy "Long horizon" expander of the Event study."""
    box = layout.opened(t("Long horizon: buy-and-hold abnormal returns"), "study_bhar_open")
    if box is None:
        return
    with box:
        st.caption(
            t(
                "For structural reforms (registration, delisting, the Beijing exchange): the "
                "return of holding each instrument from the close of t0 for h sessions, minus "
                "the reference's buy-and-hold return. Tests: the t-test, the Lyon-Barber-Tsai "
                "skewness-adjusted t (p from Student t(n − 1)) and its bootstrap ({draws} "
                "resamples, seed {seed}; only from {minimum} pairs up). Returns in %; the CSV "
                "keeps decimals (0.01 = 1 %).",
                draws=DEFAULT_BOOTSTRAP,
                seed=SEED,
                minimum=MIN_BOOTSTRAP_N,
            )
        )
        horizons = st.multiselect(
            t("Horizons (sessions)"),
            HORIZON_CHOICES,
            default=list(DEFAULT_HORIZONS),
            placeholder=t("Choose horizons"),
            key="study_bhar_horizons",
        )
        against = st.radio(
            t("Against"),
            AGAINST,
            format_func=lambda v: t(AGAINST_LABELS[v]),
            horizontal=True,
            key=layout.translated("study_bhar_against"),
        )
        controls: list[str] = []
        if against == "matched":
            controls = st.multiselect(
                t("Controls (none chosen: matched per instrument)"),
                control_candidates(outcome),
                format_func=formatting.label,
                placeholder=t("Matched per instrument"),
                key=layout.translated("study_bhar_controls"),
                help=t(
                    "With none chosen, each instrument gets the 5 stored series of its board "
                    "that are not studied, nearest in return over the 250 sessions before t0."
                ),
            )
        fill = st.checkbox(
            t("Fill series whose data end early with the benchmark (as delisted)"),
            key="study_bhar_fill",
            help=t(
                "Off: a series whose data end before the horizon while the others go on has no "
                "BHAR there (its data may just not be updated). On: it is taken for delisted, "
                "held to its last close and then in the benchmark (Lyon-Barber-Tsai 1999)."
            ),
        )
        if not horizons:
            st.info(t("Choose at least one horizon."))
            return
        try:
            with st.spinner(t("Computing buy-and-hold returns…")):
                result = compute(outcome, tuple(sorted(horizons)), against, tuple(controls), fill)
        except LongHorizonInputError as error:
            st.info(escape_markdown(tr(error.args[0])))
            return
        from pages import report_view  # the report lists the BHARs computed here

        report_view.remember(outcome, "bhar", result.to_frame())
        report_view.remember(outcome, "bhar_tests", result.summary())
        for note in result.notes:
            st.caption(escape_markdown(tr(note)))
        st.markdown(t("**Tests per horizon**"))
        tests = result.summary().merge(
            result.conf_int()[["event_id", "horizon", "lower", "upper"]],
            on=["event_id", "horizon"],
        )
        st.dataframe(
            _shown(tests),
            hide_index=True,
            width="stretch",
            key="study_bhar_tests",
            column_config=_config(tests),
        )
        pairs = result.to_frame()
        st.dataframe(
            _shown(pairs.assign(instrument=pairs["instrument"].map(formatting.label))),
            hide_index=True,
            width="stretch",
            key="study_bhar_table",
            column_config=_config(pairs),
        )
        for name, text in (("bhar", t("BHAR per pair (CSV)")), ("bhar_tests", t("Tests (CSV)"))):
            st.download_button(
                text,
                data=lambda name=name: result.csv_bytes(name),
                file_name=f"{name}.csv",
                mime="text/csv",
                key=f"download_{name}",
                icon=":material/download:",
                type="tertiary",
                on_click="ignore",
            )
