"""Who responded: the Event study's cross-sectional regression section (issue 16).

A section drawn only when opened (like "Daily abnormal returns"): nothing here is computed or
drawn on a normal Event study rerun. The regression and the traits are
:mod:`analysis.crosssection` and :mod:`analysis.characteristics`; this file picks the options,
shows the coefficient table, a coefficient plot and a scatter of the CAR against one trait
with the fitted line, and offers ``crosssection.csv``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import characteristics
from analysis.api import StudyOutcome
from analysis.crosssection import (
    DEPENDENTS,
    CrossSectionResults,
    TraitTable,
    cross_section,
    listing_table,
    term_units,
    trait_table,
    turnover_for,
    varying_traits,
)
from analysis.event_study import EventStudyInputError
from data_sources.errors import DataSourceError
from data_sources.store import Store
from data_sources.traits import TraitTable as UserTraits
from data_sources.traits import read_trait_file
from pages import charts, formatting, layout, loaders, url_state
from pages.i18n import language, t, tr
from pages.text import escape_markdown, escape_plotly
from pages.traits_view import saved_traits

#: The covariance choices: "auto" is the regression's default (HC3 for one measure,
#: clustered by t0 when several are pooled).
COV_CHOICES = ("auto", "hc3", "cluster", "nonrobust")
#: The regressors chosen first, when the study has them.
DEFAULT_REGRESSORS = ("size", "beta")


def cov_label(code: str) -> str:
    return {
        "auto": t("Default (HC3 for one measure, clustered by t0 when pooled)"),
        "hc3": t("HC3 (heteroskedasticity-robust)"),
        "cluster": t("Clustered by event session (t0)"),
        "nonrobust": t("Classical OLS"),
    }[code]


def dependent_label(code: str) -> str:
    return {"car": t("CAR (%)"), "scar": t("SCAR (CAR / its SE)")}[code]


def available_traits(table: TraitTable) -> list[str]:
    """The traits offered as regressors: those that vary across the pairs (a trait with one
    value for every pair, or none, cannot be regressed on)."""
    return varying_traits(table)[0]


def coefficient_table(result: CrossSectionResults) -> pd.DataFrame:
    """The coefficient table as shown: CAR coefficients in % (a change in CAR, in percentage
    points, per unit of the trait), SCAR ones as they are; stars by p."""
    frame = result.to_frame()[["term", "coef", "se", "t", "p", "ci_low", "ci_high"]]
    if result.dependent == "car":
        for column in ("coef", "se", "ci_low", "ci_high"):
            frame[column] = 100 * frame[column]
    frame["stars"] = frame["p"].map(formatting.significance_stars)
    return frame


def coefficient_figure(result: CrossSectionResults, synthetic: bool) -> go.Figure:
    """Each regressor's coefficient (point) and its 95 % interval (bars), the intercept and the
    measure fixed effects left out (they are in the table); a vertical line at zero."""
    table = coefficient_table(result)
    table = table[table["term"].isin(result.trait_terms)].iloc[::-1]
    figure = go.Figure(
        go.Scatter(
            x=table["coef"],
            y=[escape_plotly(term) for term in table["term"]],
            mode="markers",
            marker={"size": 10, "color": "#332288"},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": table["ci_high"] - table["coef"],
                "arrayminus": table["coef"] - table["ci_low"],
                "color": "#332288",
            },
            name=t("coefficient"),
        )
    )
    figure.add_vline(x=0, line={"color": "#888888", "dash": "dot"})
    unit = t("CAR change per unit of the trait (%)") if result.dependent == "car" else "SCAR"
    title = t("Coefficients with 95 % intervals")
    if synthetic:
        title += t(" — SYNTHETIC DEMO DATA")
    figure.update_layout(
        title=title,
        height=120 + 40 * len(table),
        xaxis_title=unit,
        showlegend=False,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure


def scatter_figure(result: CrossSectionResults, term: str, synthetic: bool) -> go.Figure:
    """The dependent against one regressor, a point per pair, with the multivariate fit along
    it (the other regressors, and measure effects, at their sample means): labelled so."""
    scale = 100 if result.dependent == "car" else 1
    data = result.fitted
    line = result.fit_line(term)
    labels = [
        escape_plotly(f"{formatting.label(i)} · {e}")
        for i, e in zip(data["instrument"], data["event_id"], strict=True)
    ]
    figure = go.Figure(
        [
            go.Scatter(
                x=data[term],
                y=scale * data["y"],
                mode="markers",
                text=labels,
                hovertemplate="%{text}<br>%{x:.4g}, %{y:.3f}<extra></extra>",
                marker={"color": "#44AA99", "size": 7, "opacity": 0.8},
                name=t("pairs"),
            ),
            go.Scatter(
                x=line["x"],
                y=scale * line["fitted"],
                mode="lines",
                line={"color": "#882255", "width": 2},
                name=t("multivariate fit, other regressors at their means"),
            ),
        ]
    )
    label = "CAR (%)" if result.dependent == "car" else "SCAR"
    title = t("{dependent} against {trait}", dependent=label, trait=escape_plotly(term))
    if synthetic:
        title += t(" — SYNTHETIC DEMO DATA")
    figure.update_layout(
        title=title,
        height=380,
        xaxis_title=escape_plotly(term),
        yaxis_title=label,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure


def page_traits(outcome: StudyOutcome, user: UserTraits | None = None) -> TraitTable:
    """Every trait the page offers: derived (turnover from the store's side table), listing
    traits (board, ST where a name is known) and the user's (``user``: the trait file in use)."""
    notes = []
    turnover = listing = None
    try:
        turnover, damaged = turnover_for(loaders.store(), outcome.instruments)
        notes += damaged
    except (DataSourceError, OSError, ValueError) as error:  # a damaged side-table: said
        notes.append(t("Turnover could not be read: {error}", error=tr(error)))
    try:
        listing = listing_table(outcome.instruments)
    except (DataSourceError, OSError, ValueError) as error:
        notes.append(t("Listing traits could not be read: {error}", error=tr(error)))
    table = trait_table(outcome, user=user, listing=listing, turnover=turnover)
    return TraitTable(table.frame, (*table.notes, *notes), table.sources)


def read_uploaded_traits(uploaded) -> UserTraits:
    """An uploaded trait file through :func:`data_sources.traits.read_trait_file` (it reads a
    path: the upload is written to a temporary file with the same name)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(uploaded.name).name
        path.write_bytes(uploaded.getvalue())
        return read_trait_file(path)


def _read(uploaded):
    """The uploaded trait table, or the error that names what is wrong with the file."""
    try:
        return read_uploaded_traits(uploaded)
    except (DataSourceError, EventStudyInputError, OSError, ValueError) as error:
        return error


def _saved_stamp(store: Store) -> tuple | None:
    """Changes whenever the trait table saved on the Data page does (None: none saved)."""
    try:
        stat = (Path(store.root) / "traits" / "traits.csv").stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_ino, stat.st_size)


def _user_traits(outcome: StudyOutcome) -> tuple[UserTraits | None, object]:
    """The user's trait table in use and a key naming it: an upload in this section (for this
    session) over the table imported on the Data page."""
    uploaded = st.file_uploader(
        t("Another trait file for this session (optional): CSV or Excel of symbol, trait…"),
        type=["csv", "xlsx", "xls"],
        key="xsec_trait_file",
    )
    if uploaded is not None:
        # read once per upload (kept with the outcome), not on every rerun of the section
        read = loaders.derived(outcome, ("xsec_file", uploaded.file_id), lambda: _read(uploaded))
        if not isinstance(read, Exception):
            st.caption(
                t(
                    "Traits from the uploaded file {name} ({firms} firm(s), {n} trait(s)), "
                    "for this session.",
                    name=escape_markdown(uploaded.name),
                    firms=len(read.frame),
                    n=len(read.traits),
                )
            )
            return read, ("upload", uploaded.file_id)
        st.error(
            t(
                "{name}: cannot read this trait file: {error}",
                name=escape_markdown(uploaded.name),
                error=escape_markdown(tr(read)),
            )
        )
    store = loaders.store()
    saved = saved_traits(store)
    if saved is None:
        return None, None
    st.caption(
        t(
            "Traits file imported on the Data page: {name} ({firms} firm(s), {n} trait(s)). "
            "A file uploaded here replaces it for this session.",
            name=escape_markdown(saved.source),
            firms=len(saved.frame),
            n=len(saved.traits),
        )
    )
    return saved, ("saved", _saved_stamp(store))


@st.fragment
def render_cross_section(outcome: StudyOutcome) -> None:
    """The lazy section: nothing is derived or fitted until it is opened."""
    box = layout.opened(t("Who responded: cross-sectional regression"), "xsec_open")
    if box is None:
        return
    with box:
        _render_open(outcome)


def _render_open(outcome: StudyOutcome) -> None:
    st.caption(
        t(
            "CAR_i = a + b·traits_i + e_i over the study's measure × instrument pairs "
            "(statsmodels OLS). Traits are measured over each event's estimation window, "
            "before t0: size = ln of the float market value (成交额 / (换手率 / 100), averaged "
            "over the window), beta and idiosyncratic volatility from the study's fit, mean "
            "turnover (%), past return, ln of the last close of the estimation window (t0 − 11 "
            "by default, not the close just before t0). A text trait enters as dummies against "
            "its "
            "most common level."
        )
    )
    user, user_key = _user_traits(outcome)
    key = ("xsec_traits", user_key)
    table = loaders.derived(outcome, key, lambda: page_traits(outcome, user))
    names, constant = varying_traits(table)
    if constant:
        st.caption(
            t(
                "Not offered, the same for every pair: {names}",
                names=escape_markdown(", ".join(constant)),
            )
        )
    missing = [n for n in table.names if n not in names and n not in constant]
    if missing:  # no value for any pair (size and turnover with no stored turnover rate)
        st.caption(
            t(
                "Not offered, no value for any pair: {names}",
                names=escape_markdown(", ".join(missing)),
            )
        )
        if {"size", "turnover"} & set(missing):
            st.caption(
                t(
                    "size and turnover need the turnover rate (换手率) of each series over the "
                    "estimation window: it is kept when a price file carries it (baostock "
                    "`turn`, 换手率) or akshare's stock history is fetched."
                )
            )
        _show_notes(table.notes, missing)
    if not names:
        st.info(t("No trait varies across these pairs."))
        _show_notes(table.notes, characteristics.DERIVED_TRAITS)
        return
    # every choice of the section is in the URL (seeded when the section opens)
    url_state.seed_from_url("xsec_regressors", "xsec", options=names, multi=True)
    if "xsec_regressors" in st.session_state:
        st.session_state["xsec_regressors"] = [
            n for n in st.session_state["xsec_regressors"] if n in names
        ]
    st.session_state.setdefault(
        "xsec_regressors", [n for n in DEFAULT_REGRESSORS if n in names] or names[:1]
    )
    regressors = st.multiselect(
        t("Regressors (traits)"),
        names,
        key="xsec_regressors",
        placeholder=t("Choose traits"),
    )
    windows = [tuple(w) for w in outcome.spec.windows]
    url_state.seed_from_url("xsec_dependent", "xsec_dep", options=DEPENDENTS)
    url_state.seed_from_url("xsec_cov", "xsec_cov", options=COV_CHOICES)
    url_state.keep_valid("xsec_window", windows)
    url_state.seed_from_url(
        "xsec_window", "xsec_window", options=windows, parse=url_state.parse_int_pair
    )
    left, middle, right = st.columns(3)
    dependent = left.selectbox(
        t("Dependent variable"),
        ("car", "scar"),
        key=layout.translated("xsec_dependent"),
        format_func=dependent_label,
        placeholder=t("Choose an option"),
    )
    cov = middle.selectbox(
        t("Standard errors"),
        COV_CHOICES,
        key=layout.translated("xsec_cov"),
        format_func=cov_label,
        placeholder=t("Choose an option"),
    )
    headline = tuple(outcome.headline_window)
    if headline in windows:
        windows.remove(headline)
    windows.insert(0, headline)
    window = right.selectbox(
        t("CAR window"),
        windows,
        key=layout.translated("xsec_window"),
        format_func=lambda w: f"[{w[0]}, {w[1]}]",
        placeholder=t("Choose an option"),
    )
    pooled = outcome.car_summary["event_id"].nunique() > 1
    effects = None
    if pooled:  # measure fixed effects: on by default, the pooled levels on request
        url_state.seed_from_url("xsec_measure_effects", "xsec_fe", parse=url_state.parse_flag)
        st.session_state.setdefault("xsec_measure_effects", True)
        effects = st.checkbox(
            t("Measure fixed effects (a dummy per measure)"),
            key="xsec_measure_effects",
            help=t(
                "On: the trait slopes compare firms within a measure, whatever each measure's "
                "mean CAR. Off: one intercept for every measure, so the slopes also carry the "
                "differences between the measures."
            ),
        )
        url_state.write_to_url("xsec_fe", url_state.flag(effects))
    url_state.write_all_to_url(
        {
            "xsec": list(regressors) or None,
            "xsec_dep": dependent,
            "xsec_cov": cov,
            "xsec_window": f"{window[0]},{window[1]}",
        }
    )
    if not regressors:
        st.info(t("Choose at least one trait."))
        return
    try:
        result = loaders.derived(
            outcome,
            ("xsec", key[1], tuple(regressors), dependent, cov, window, effects),
            lambda: cross_section(
                outcome,
                table,
                regressors,
                dependent=dependent,
                window=window,
                cov_type=None if cov == "auto" else cov,
                measure_effects=effects,
            ),
        )
    except EventStudyInputError as error:
        st.warning(t("Cannot run this regression: {error}", error=escape_markdown(tr(error))))
        _show_notes(table.notes, regressors)
        return
    from pages import report_view  # the report lists the regression computed here

    report_view.remember(outcome, "crosssection", result.to_frame())
    synthetic = outcome.data_mode.synthetic
    shown = coefficient_table(result)
    percent = result.dependent == "car"
    number = "%.4f"
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key="xsec_table",
        column_config={
            "term": t("Term"),
            "coef": st.column_config.NumberColumn(
                t("Coefficient (%)") if percent else t("Coefficient"), format=number
            ),
            "se": st.column_config.NumberColumn("SE (%)" if percent else "SE", format=number),
            "t": st.column_config.NumberColumn("t", format="%.2f"),
            "p": st.column_config.NumberColumn(t("p (two-sided)"), format="%.4f"),
            "ci_low": st.column_config.NumberColumn(
                t("95 % CI low (%)") if percent else t("95 % CI low"), format=number
            ),
            "ci_high": st.column_config.NumberColumn(
                t("95 % CI high (%)") if percent else t("95 % CI high"), format=number
            ),
            "stars": t("Sig."),
        },
    )
    st.caption(
        t(
            "N = {n} pairs, R² = {r2:.3f} (adjusted {adj:.3f}); standard errors: {cov}. "
            "Coefficients: the change in the dependent per unit of the trait ({unit}).",
            n=result.n,
            r2=result.r2,
            adj=result.adj_r2,
            cov=cov_label(result.cov_type)
            + (t(", {n} clusters", n=result.n_clusters) if result.n_clusters else ""),
            unit=t("CAR in percentage points") if percent else t("SCAR in standard errors"),
        )
    )
    units = term_units(list(result.params.index[1:]), getattr(table, "sources", {}))
    st.caption(
        t("Trait units: ")
        + "; ".join(escape_markdown(f"{term}: {t(text)}") for term, text in units.items())
    )
    _show_notes((*table.notes, *result.notes), regressors)
    plot_left, plot_right = st.columns(2)
    figure = loaders.derived(
        outcome,
        ("xsec_coef", key[1], tuple(regressors), dependent, cov, window, effects, language()),
        lambda: coefficient_figure(result, synthetic),
    )
    plot_left.plotly_chart(
        figure, width="stretch", key="xsec_coef_chart", config=charts.plot_config("policylens_xsec")
    )
    terms = result.trait_terms
    url_state.keep_valid("xsec_scatter", terms)
    url_state.seed_from_url("xsec_scatter", "xsec_scatter", options=terms)
    term = plot_right.selectbox(
        t("Scatter against"), terms, key="xsec_scatter", placeholder=t("Choose an option")
    )
    plot_right.plotly_chart(
        scatter_figure(result, term, synthetic),
        width="stretch",
        key="xsec_scatter_chart",
        config=charts.plot_config("policylens_xsec_scatter"),
    )
    url_state.write_to_url("xsec_scatter", term)
    st.download_button(
        t("Download crosssection.csv"),
        data=result.csv_bytes,
        file_name="crosssection.csv",
        mime="text/csv",
        key="xsec_download",
        on_click="ignore",
    )


def _show_notes(notes, regressors) -> None:
    """The notes that concern the chosen regressors (what could not be derived for them, the
    pairs left out), as text."""
    for note in dict.fromkeys(notes):
        if characteristics.note_concerns(note, regressors):
            st.caption(escape_markdown(tr(note)))
