"""The forest plot on the pages: every measure of a study at once (the Event study, several
measures) or the measures of one heat-map cell (the Themes page).

Thin: the rows come from :func:`analysis.forest.forest_table` / :func:`~analysis.forest.
forest_from_pairs`, the figure from :func:`analysis.report_figures.forest_figure` (the HTML
report draws the same one). Each section is drawn only when opened (an expander with
``on_change="rerun"``), so a normal rerun of the page computes and draws nothing here; its
window, test and order pickers are view choices of an open section, kept out of the URL
(``tests/test_url_roundtrip.py`` NO_VIEW_STATE says why).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from analysis.forest import (
    DEFAULT_FOREST_TEST,
    FALLBACK_FOREST_TEST,
    FOREST_ORDERS,
    FOREST_TESTS,
    forest_from_pairs,
    forest_with_fallback,
    sort_forest,
)
from analysis.report_figures import forest_figure
from pages import charts, colours, formatting, layout, loaders
from pages.i18n import language, t

ORDER_LABELS = {
    "date": "Date (t0)",
    "size": "Size (|CAR|)",
    "t": "Strength (|t|)",
}
#: The forest table's columns as the page shows them (returns in %).
SHOWN_COLUMNS = [
    "title",
    "segment",
    "event_session",
    "car_pct",
    "ci_low_pct",
    "ci_high_pct",
    "t_stat",
    "p_value",
    "n",
    "test",
    "expected_sign",
]


def shown_table(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (:func:`analysis.forest.forest_table`) as the page lists it: CAR and its
    interval in %, the expected sign in the current language."""
    return table.assign(
        car_pct=100 * table["car"],
        ci_low_pct=100 * table["ci_low"],
        ci_high_pct=100 * table["ci_high"],
        expected_sign=table["expected_sign"].map(lambda v: t(v) if v else ""),
    )[SHOWN_COLUMNS]


def _theme_names(table: pd.DataFrame) -> dict[str, str]:
    names = {}
    for theme in dict.fromkeys(table["theme"]):
        try:
            names[theme] = formatting.theme_short(theme)
        except (KeyError, ValueError):
            names[theme] = theme
    return names


def _draw(table: pd.DataFrame, synthetic: bool, key: str, order: str) -> None:
    ordered = sort_forest(table, order)
    figure = forest_figure(
        ordered,
        synthetic=synthetic,
        scheme=colours.scheme(),
        text=t,
        theme_names=_theme_names(ordered),
        theme_colours=formatting.THEME_COLOURS,
    )
    st.plotly_chart(
        figure, width="stretch", key=f"{key}_chart", config=charts.plot_config("policylens_forest")
    )
    st.caption(
        t(
            "Marker: ▲ rise expected, ▼ fall expected, ◆ ambiguous, ● none stated; colour: the "
            "measure's theme; shaded: {legend}.",
            legend=colours.sign_legend(),
        )
    )
    st.dataframe(
        shown_table(ordered),
        hide_index=True,
        width="stretch",
        key=f"{key}_table",
        column_config={
            "title": st.column_config.TextColumn(t("Measure"), width="medium"),
            "segment": t("Segment"),
            "event_session": st.column_config.DateColumn("t0", format="YYYY-MM-DD"),
            "car_pct": st.column_config.NumberColumn("CAR (%)", format="%.2f"),
            "ci_low_pct": st.column_config.NumberColumn(t("95% low (%)"), format="%.2f"),
            "ci_high_pct": st.column_config.NumberColumn(t("95% high (%)"), format="%.2f"),
            "t_stat": st.column_config.NumberColumn(t("Statistic"), format="%.2f"),
            "p_value": st.column_config.NumberColumn("p", format="%.4f"),
            "n": "N",
            "test": t("Interval from"),
            "expected_sign": t("Expected"),
        },
    )


def _order_picker(key: str) -> str:
    st.session_state.setdefault(f"{key}_order", "date")
    return st.radio(
        t("Sort by"),
        FOREST_ORDERS,
        format_func=lambda o: t(ORDER_LABELS[o]),
        horizontal=True,
        key=layout.translated(f"{key}_order"),
    )


def render_study_forest(outcome, titles: Mapping[str, str], windows) -> None:
    """The Event study's forest section (several measures): CAR window, test and order
    pickers, the plot and its table. Drawn only when opened."""
    if len(outcome.events) < 2:
        return
    box = layout.opened(t("Forest plot: every measure at once"), "study_forest_open")
    if box is None:
        return
    with box:
        left, middle, right = st.columns(3)
        with left:
            window = st.selectbox(
                t("CAR window"),
                windows,
                key=layout.translated("study_forest_window"),
                format_func=lambda w: f"[{w[0]}, {w[1]}]",
                placeholder=t("Choose an option"),
            )
        with middle:
            st.session_state.setdefault("study_forest_test", DEFAULT_FOREST_TEST)
            test = st.selectbox(
                t("Interval from the test"),
                list(FOREST_TESTS),
                key=layout.translated("study_forest_test"),
                placeholder=t("Choose an option"),
                help=t(
                    "CI = CAAR ± q·|CAAR / statistic|: q is the t quantile with N − 1 degrees of "
                    "freedom for a t test, 1.96 for a z test (exactly mean ± t·s/√N for the "
                    "cross-sectional t). A row with one pair uses its own t-test, CAR ± "
                    "t(L1 − k)·SE."
                ),
            )
        with right:
            order = _order_picker("study_forest")
        table, fell_back = loaders.derived(
            outcome,
            ("forest", tuple(window), test, language()),
            lambda: forest_with_fallback(outcome, tuple(window), test, loaders.catalogue(), titles),
        )
        if table.empty:
            st.info(t("No CAR to show for this window."))
            return
        if fell_back:
            st.caption(
                t(
                    "The intervals come from the {used} test: {wanted} has no value for these "
                    "rows.",
                    used=FALLBACK_FOREST_TEST,
                    wanted=test,
                )
            )
        _draw(table, outcome.data_mode.synthetic, "study_forest", order)


def render_cell_forest(pairs: pd.DataFrame, titles: Mapping[str, str], synthetic: bool) -> None:
    """The Themes page's forest section for one cell's measures (its pairs). Drawn only when
    opened."""
    box = layout.opened(t("Forest plot of this cell's measures"), "themes_forest_open")
    if box is None:
        return
    with box:
        order = _order_picker("themes_forest")
        table = forest_from_pairs(pairs, titles)
        if table.empty:
            st.info(t("No CAR to show for this window."))
            return
        st.caption(
            t(
                "Per measure: the mean CAR over the cell's instruments with the cross-sectional "
                "t interval (mean ± t(N − 1)·s/√N); a measure on one instrument: CAR ± 1.96·SE."
            )
        )
        _draw(table, synthetic, "themes_forest", order)
