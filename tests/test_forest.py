"""The forest plot (issue 16 point 4): its rows equal the study's CAR table, its intervals equal
hand-derived ones (scipy's t quantile, never the module's own), its orders, its figure, and the
lazy sections on the Event study and Themes pages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.api import StoreSource, StudyRequest, run_study
from analysis.forest import (
    FOREST_COLUMNS,
    forest_from_pairs,
    forest_table,
    sort_forest,
)
from analysis.report_figures import SIGN_SYMBOLS, forest_figure
from data_sources.bootstrap import seed_demo_if_empty
from data_sources.store import Store
from tests.apptest_helpers import goto
from tests.test_zh_everywhere import zh_app  # noqa: F401  (the 中文 AppTest fixture)

SEPT = "sept-2024-package"
CHINEXT = "chinext-first-listings-2020"


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        directory = tmp_path_factory.mktemp("forest") / "data"
        patch.setenv("POLICYLENS_DATA_DIR", str(directory))
        store = Store(directory / "store")
        seed_demo_if_empty(store)
        yield run_study(
            StudyRequest(measures=(SEPT, CHINEXT), pairing="segments", event_window=(-5, 5)),
            StoreSource(store),
        )


def _cars(outcome, event_id, window):
    summary = outcome.car_summary
    return summary[
        (summary["event_id"] == event_id)
        & (summary["window_start"] == window[0])
        & (summary["window_end"] == window[1])
    ]


def test_measure_rows_equal_the_car_table_with_the_textbook_cross_sectional_interval(outcome):
    window = (-5, 5)
    table = forest_table(outcome, window, "cross_sectional_t")
    assert list(table.columns) == FOREST_COLUMNS
    row = table[(table["event_id"] == SEPT) & (table["level"] == "measure")].iloc[0]
    cars = _cars(outcome, SEPT, window)["car"].to_numpy()
    assert len(cars) >= 2 and row["n"] == len(cars)
    mean, sd = cars.mean(), cars.std(ddof=1)
    half = stats.t.ppf(0.975, len(cars) - 1) * sd / np.sqrt(len(cars))
    assert row["car"] == pytest.approx(mean, rel=1e-12)
    assert row["ci_low"] == pytest.approx(mean - half, rel=1e-10)
    assert row["ci_high"] == pytest.approx(mean + half, rel=1e-10)
    assert row["t_stat"] == pytest.approx(mean / (sd / np.sqrt(len(cars))), rel=1e-10)
    assert row["theme"] == "T3" and row["expected_sign"] == "+"
    assert row["event_session"] == pd.Timestamp("2024-09-24")


def test_a_row_with_one_pair_is_the_pairs_own_t_interval(outcome):
    window = (-5, 5)
    table = forest_table(outcome, window)
    row = table[table["event_id"] == CHINEXT].iloc[0]
    (pair,) = _cars(outcome, CHINEXT, window).itertuples()
    q = stats.t.ppf(0.975, pair.dof)
    assert row["test"] == "pair_t" and row["n"] == 1
    assert row["car"] == pair.car
    assert row["ci_low"] == pytest.approx(pair.car - q * pair.car_se, rel=1e-12)
    assert row["ci_high"] == pytest.approx(pair.car + q * pair.car_se, rel=1e-12)


@pytest.mark.parametrize("test", ["patell_z", "kp_bmp_t", "j1_z"])
def test_a_standardised_tests_interval_is_consistent_with_its_p_value(outcome, test):
    """CI = CAAR ± q·|CAAR / S|: 0 lies outside exactly when p < 0.05, and S is the study's
    own tests-table value for the measure."""
    window = (-5, 5)
    row = forest_table(outcome, window, test).query("level == 'measure' and event_id == @SEPT")
    row = row.iloc[0]
    tests = outcome.tests
    value = tests[
        (tests["statistic"] == test)
        & (tests["event_id"] == SEPT)
        & tests["rel_day"].isna()
        & (tests["window_start"] == window[0])
        & (tests["window_end"] == window[1])
    ].iloc[0]
    assert row["t_stat"] == pytest.approx(value["value"], rel=1e-12)
    q = 1.959963984540054 if test.endswith("_z") else stats.t.ppf(0.975, row["n"] - 1)
    half = q * abs(row["car"] / value["value"])
    assert row["ci_high"] - row["ci_low"] == pytest.approx(2 * half, rel=1e-10)
    assert (row["ci_low"] > 0 or row["ci_high"] < 0) == (value["p_value"] < 0.05)


def test_segment_rows_pool_the_instruments_of_each_segment(outcome):
    window = (-5, 5)
    table = forest_table(outcome, window, "cross_sectional_t")  # the textbook interval
    segments = table[(table["event_id"] == SEPT) & (table["level"] == "segment")]
    signs = outcome.sign_table(window)
    by_segment = signs[signs["event_id"] == SEPT].groupby("segment")["instrument"].apply(list)
    assert set(segments["segment"]) == set(by_segment.index)
    for row in segments.itertuples():
        cars = _cars(outcome, SEPT, window)
        cars = cars[cars["instrument"].isin(by_segment[row.segment])]["car"].to_numpy()
        assert row.n == len(cars)
        assert row.car == pytest.approx(cars.mean(), rel=1e-12)
        if len(cars) > 1:
            half = stats.t.ppf(0.975, len(cars) - 1) * cars.std(ddof=1) / np.sqrt(len(cars))
            assert row.ci_high == pytest.approx(cars.mean() + half, rel=1e-10)


def test_bad_test_or_window_is_named(outcome):
    with pytest.raises(ValueError, match="test must be one of"):
        forest_table(outcome, (-5, 5), "wilcoxon_w")
    with pytest.raises(ValueError, match=r"\[-9, 9\] is not a CAR window"):
        forest_table(outcome, (-9, 9))


def _rows(specs):
    return pd.DataFrame(
        [
            {
                "level": level,
                "event_id": event_id,
                "segment": segment,
                "title": event_id,
                "theme": "T1",
                "event_session": pd.Timestamp(date),
                "window_start": 0,
                "window_end": 1,
                "car": car,
                "ci_low": car - 0.01,
                "ci_high": car + 0.01,
                "se": 0.005,
                "t_stat": t_stat,
                "p_value": 0.5,
                "n": 2,
                "test": "cross_sectional_t",
                "quantile": 2.0,
                "dof": 1.0,
                "expected_sign": "",
            }
            for level, event_id, segment, date, car, t_stat in specs
        ],
        columns=FOREST_COLUMNS,
    )


def test_sorting_by_date_size_and_t_keeps_segments_under_their_measure():
    table = _rows(
        [
            ("measure", "b", "", "2021-01-04", 0.010, 3.0),
            ("segment", "b", "X", "2021-01-04", 0.002, 0.5),
            ("segment", "b", "Y", "2021-01-04", -0.030, -4.0),
            ("measure", "a", "", "2020-01-06", -0.050, np.nan),
            ("measure", "c", "", "2022-03-01", 0.020, -1.0),
        ]
    )

    def order(by):
        return [f"{r.event_id}{r.segment}" for r in sort_forest(table, by).itertuples()]

    assert order("date") == ["a", "b", "bX", "bY", "c"]
    assert order("size") == ["a", "c", "b", "bY", "bX"]  # |CAR| largest first
    assert order("t") == ["b", "bY", "bX", "c", "a"]  # |t| largest first, missing t last
    with pytest.raises(ValueError, match="order must be one of"):
        sort_forest(table, "alphabet")


def test_forest_from_a_cells_pairs_uses_the_cross_sectional_t_and_one_pairs_z():
    pairs = pd.DataFrame(
        {
            "theme": "T2",
            "segment": "CHN",
            "event_id": ["m1", "m1", "m1", "m2"],
            "instrument": ["A", "B", "C", "A"],
            "event_session": pd.Timestamp("2020-08-24"),
            "car": [0.01, 0.03, 0.02, -0.04],
            "car_se": [0.01, 0.01, 0.01, 0.015],
            "t_stat": [1.0, 3.0, 2.0, -0.04 / 0.015],
            "p_value": [0.3, 0.01, 0.05, 0.01],
            "car_window": "[0, 1]",
            "expected_sign": ["+", "+", "+", "-"],
        }
    )
    table = forest_from_pairs(pairs, {"m1": "First"}).set_index("event_id")
    # m1: mean 0.02, s = 0.01, N = 3: 0.02 ± t(0.975, 2) · 0.01/√3 (by hand: t = 4.302653)
    assert table.at["m1", "car"] == pytest.approx(0.02)
    assert table.at["m1", "ci_low"] == pytest.approx(0.02 - 4.302653 * 0.01 / np.sqrt(3), 1e-6)
    assert table.at["m1", "title"] == "First" and table.at["m1", "expected_sign"] == "+"
    assert table.at["m2", "ci_high"] == pytest.approx(-0.04 + 1.959964 * 0.015, rel=1e-6)
    assert table.at["m2", "test"] == "pair_z" and table.at["m2", "title"] == "m2"
    assert set(zip(table["window_start"], table["window_end"], strict=True)) == {(0, 1)}


def test_the_figure_has_a_row_per_row_theme_colours_sign_markers_and_escaped_titles():
    table = _rows(
        [
            ("measure", "a", "", "2020-01-06", -0.05, 2.0),
            ("segment", "a", "X", "2020-01-06", 0.01, 1.0),
            ("measure", "b", "", "2021-01-04", 0.01, 1.0),
            ("segment", "b", "X", "2021-01-04", 0.01, 1.0),
        ]
    )
    table["title"] = ["<script>alert(1)</script>", "", "Same", ""]
    table["theme"] = ["T1", "T1", "T4", "T4"]
    table["expected_sign"] = ["+", "+", "-", "ambiguous"]
    figure = forest_figure(table, synthetic=True, scheme="red-up")
    rows = [trace for trace in figure.data if trace.showlegend is False]
    legend = [trace for trace in figure.data if trace.showlegend is not False]
    assert len(rows) == 2  # one trace of rows per theme, and a plain dot per theme in the legend
    assert [trace.marker.symbol for trace in legend] == ["circle", "circle"]
    ys = [y for trace in rows for y in trace.y]
    assert len(set(ys)) == 4  # "· X" under two measures: still two rows
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in ys
    assert list(rows[1].marker.symbol) == [SIGN_SYMBOLS["-"], SIGN_SYMBOLS["ambiguous"]]
    assert rows[0].marker.color == "#E69F00" and rows[1].marker.color == "#D55E00"
    assert "SYNTHETIC" in figure.layout.title.text
    assert figure.layout.title.text.startswith("CAR [0, 1]")
    # the interval is drawn as asymmetric error bars of the CI in %
    assert rows[0].error_x.array[0] == pytest.approx(1.0)


def test_the_pages_theme_and_scheme_colours_are_the_figures():
    from analysis import report_figures
    from pages import colours, formatting

    assert report_figures.THEME_COLOURS == formatting.THEME_COLOURS
    for name in colours.SCHEMES:
        assert report_figures.SCHEME_COLOURS[name] == (
            colours.up_colour(name),
            colours.down_colour(name),
        )


def _forest_table(app) -> pd.DataFrame:
    (table,) = [frame.value for frame in app.dataframe if "ci_low_pct" in frame.value.columns]
    return table


def test_the_event_studys_forest_section_draws_only_when_opened_and_sorts(app):
    app.query_params.update(
        {"measures": f"{SEPT},{CHINEXT}", "pairing": "segments", "window": "-5,5"}
    )
    goto(app, "pages/event_study.py")
    with pytest.raises(KeyError):
        app.get_by_key("study_forest_chart")
    app.session_state["study_forest_open"] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    app.get_by_key("study_forest_chart")
    shown = _forest_table(app)
    assert list(shown["n"])[0] >= 1
    by_date = list(shown[shown["segment"] == ""]["event_session"])
    assert len(by_date) == 2 and by_date == sorted(by_date)  # date is the first order
    assert by_date[0] == pd.Timestamp("2020-08-24")
    app.radio(key="study_forest_order").set_value("size").run()
    assert not app.exception
    sized = _forest_table(app)
    measures = sized[sized["segment"] == ""]
    assert list(measures["car_pct"].abs()) == sorted(measures["car_pct"].abs(), reverse=True)


def test_the_themes_forest_section_draws_a_cells_measures(app):
    goto(app, "pages/themes.py")
    with pytest.raises(KeyError):
        app.get_by_key("themes_forest_chart")
    app.session_state["themes_forest_open"] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    app.get_by_key("themes_forest_chart")
    assert len(_forest_table(app)) >= 1


def test_the_forest_section_reads_in_chinese(zh_app):  # noqa: F811
    app = zh_app
    app.query_params.update({"measures": f"{SEPT},{CHINEXT}", "pairing": "segments"})
    goto(app, "pages/event_study.py")
    app.session_state["study_forest_open"] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    options = app.radio(key="study_forest_order").options
    assert options == ["日期（t0）", "大小（|CAR|）", "强度（|t|）"]
    figure = app.get_by_key("study_forest_chart").proto.spec
    assert "各措施 CAR" in figure and "合成演示数据" in figure
    assert "预期" in " ".join(c.value for c in app.caption)
    from tests.zh_texts import leaks

    assert not leaks(app)


def test_a_forest_window_no_longer_offered_falls_back_to_the_headline(app):
    """The forest's window belongs to the study: a narrower event window drops [-5, 5] from
    the choices, and the section falls back to the new headline instead of failing."""
    app.query_params.update({"measures": f"{SEPT},{CHINEXT}", "pairing": "segments"})
    goto(app, "pages/event_study.py")
    app.session_state["study_forest_open"] = True
    app.run()
    app.selectbox(key="study_forest_window").set_value((-5, 5)).run()
    assert not app.exception
    app.slider(key="study_window").set_value((-3, 3)).run()
    assert not app.exception, [e.value for e in app.exception]
    chosen = app.selectbox(key="study_forest_window").value
    assert tuple(chosen) in {(-3, 3), (0, 1)}
    assert set(_forest_table(app)["n"]) >= {1}
