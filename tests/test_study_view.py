"""The pages' view helpers without AppTest: the request the Event study widgets build, the
tables shaped for the chosen CAR window, the Themes view of a filtered study, and the values
kept with a cached outcome."""

from __future__ import annotations

import gc
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from analysis.api import StudyInputError, StudyRequest
from analysis.event_study import EventStudyInputError
from analysis.themes import PAIR_COLUMNS, ThemeSegmentResult, cell_statistics
from data_sources.data_mode import DataMode
from pages import loaders, study_view
from pages.themes_view import theme_view

WIDGETS = {
    "study_measures": ["sept-2024-package", "politburo-lift-market-2024"],
    "study_instruments_politburo-lift-market-2024_sept-2024-package": ["000001.SH", "399975.SZ"],
    "study_benchmark": "000905.SH",
    "study_model": "market-adjusted",
    "study_estimation": (-200, -20),
    "study_window": (-3, 3),
    "study_overlap": "merge",
    "study_market_wide": False,
    "study_car_window": (0, 0),  # a view choice: not part of the request
}


def test_request_from_widgets_takes_every_study_choice():
    request = study_view.request_from_widgets(WIDGETS, include_unverified=True)
    assert request == StudyRequest(
        measures=("sept-2024-package", "politburo-lift-market-2024"),
        instruments=("000001.SH", "399975.SZ"),
        benchmark="000905.SH",
        model="market-adjusted",
        estimation_window=(-200, -20),
        event_window=(-3, 3),
        overlap="merge",
        market_wide_constant_mean=False,
        placebo_draws=1000,
        responses=True,
        include_unverified=True,
    )
    # the instruments widget belongs to the set of measures, whatever their order
    assert study_view.instruments_key(["b", "a"]) == study_view.instruments_key(["a", "b"])
    # the market-wide toggle is on until the user switches it off
    state = {k: v for k, v in WIDGETS.items() if k != "study_market_wide"}
    assert study_view.request_from_widgets(state).market_wide_constant_mean is True
    # contaminated estimation sessions are left out until the user unticks the checkbox
    assert study_view.request_from_widgets(WIDGETS).clean_estimation is True
    unticked = WIDGETS | {"study_clean_estimation": False}
    assert study_view.request_from_widgets(unticked).clean_estimation is False
    hash(request)  # a cache key


def test_request_from_widgets_refuses_an_estimation_window_inside_the_event_window():
    state = WIDGETS | {"study_estimation": (-250, -3)}
    with pytest.raises(EventStudyInputError, match="must end before the event window"):
        study_view.request_from_widgets(state)
    with pytest.raises(StudyInputError, match="overlap must be one of"):
        study_view.request_from_widgets(WIDGETS | {"study_overlap": "sometimes"})


def _car_summary():
    rows = []
    for event_id in ("a", "a+b"):
        for window, car in (((-5, 5), 0.0321), ((0, 1), -0.0042)):
            rows.append(
                {
                    "event_id": event_id,
                    "event_session": pd.Timestamp("2020-08-24"),
                    "instrument": "X",
                    "model": "market",
                    "window_start": window[0],
                    "window_end": window[1],
                    "car": car,
                    "car_se": 0.01,
                    "t_stat": car / 0.01,
                    "p_value": 0.004 if window == (-5, 5) else 0.68,
                    "n_estimation": 240,
                    "alpha": 0.0,
                    "beta": 1.0,
                    "sigma": 0.01,
                    "n_event_days": 11,
                }
            )
    return pd.DataFrame(rows)


def test_car_table_shows_the_chosen_window_in_percent_with_titles_and_stars():
    titles = {"a": "Measure A", "b": "Measure B"}
    table = study_view.car_table(_car_summary(), (-5, 5), titles, lambda s: f"{s} name")
    assert list(table.columns) == study_view.CAR_TABLE_COLUMNS
    assert table["measure"].tolist() == ["Measure A", "Measure A + Measure B"]
    assert table["name"].tolist() == ["X name", "X name"]
    np.testing.assert_allclose(table["car_pct"], [3.21, 3.21])
    np.testing.assert_allclose(table["car_se_pct"], [1.0, 1.0])
    assert table["stars"].tolist() == ["***", "***"]
    other = study_view.car_table(_car_summary(), (0, 1), titles)
    np.testing.assert_allclose(other["car_pct"], [-0.42, -0.42])
    assert other["stars"].tolist() == ["", ""]
    assert study_view.car_table(_car_summary(), (0, 0), titles).empty


def test_window_tests_keep_the_window_rows_of_the_usual_statistics():
    tests = pd.DataFrame(
        {
            "event_id": ["a"] * 5,
            "rel_day": [np.nan, np.nan, np.nan, 0.0, np.nan],
            "window_start": [-5, -5, 0, np.nan, -5],
            "window_end": [5, 5, 1, np.nan, 5],
            "statistic": ["kp_bmp_t", "mean", "kp_bmp_t", "kp_bmp_t", "not_a_default"],
            "value": [1.0, 2.0, 3.0, 4.0, 5.0],
            "p_value": [0.1, 0.2, 0.3, 0.4, 0.5],
            "n": [2, 2, 2, 2, 2],
        }
    )
    shown = study_view.window_tests(tests, (-5, 5))
    assert shown["value"].tolist() == [1.0, 2.0]
    assert list(shown.columns) == ["event_id", "statistic", "value", "p_value", "n"]


def test_small_view_helpers():
    diagnostics = pd.DataFrame(
        {
            "event_id": ["a", "b", "a"],
            "event_date": pd.NaT,
            "instrument": ["X", "X", "Y"],
            "status": ["skipped", "skipped", "ok"],
            "reason": ["too few returns", "too few returns", ""],
        }
    )
    assert study_view.skipped_reasons(diagnostics) == "X: too few returns"
    assert study_view.download_stem(["one"]) == "one"
    assert study_view.download_stem(["one", "two", "three"]) == "3-measures"


def _theme_result():
    pairs = pd.DataFrame(
        [
            ("T1", "ALL", "a", "X", "2020-07-27", 0.010),
            ("T1", "ALL", "b", "X", "2020-08-24", -0.004),
            ("T1", "ALL", "c", "X", "2020-10-09", 0.016),
            ("T2", "ALL", "a", "X", "2020-07-27", 0.010),
            ("T2", "CHN", "d", "Y", "2020-11-23", 0.050),
        ],
        columns=["theme", "segment", "event_id", "instrument", "event_session", "car"],
    )
    pairs["event_session"] = pd.to_datetime(pairs["event_session"])
    pairs["t_stat"], pairs["p_value"], pairs["car_se"], pairs["model"] = 1.5, 0.2, 0.01, "market"
    pairs["cluster"] = pairs["event_id"]
    pairs["car_window"], pairs["t0_uncertain"] = "[-1, 1]", False
    pairs["expected_sign"], pairs["sign_reason"], pairs["response"] = "", "", ""
    metadata = {"method": "m", "data_mode": "SYNTHETIC DEMO", "data_vintage": "v"}
    return ThemeSegmentResult(
        (-1, 1),
        cell_statistics(pairs[PAIR_COLUMNS]),
        pairs[PAIR_COLUMNS],
        pd.DataFrame(columns=["segment", "pair", "reason"]),
        DataMode("SYNTHETIC DEMO", True, {"demo": 2}),
        metadata,
    )


def test_theme_view_aggregates_only_the_measures_and_rows_asked():
    result = _theme_result()
    everything = theme_view(result, ["a", "b", "c", "d"], [])
    assert everything.cell_keys == ["T1|ALL", "T2|ALL", "T2|CHN"]
    assert everything.figure.layout.title.text.endswith("SYNTHETIC DEMO DATA")
    # the sidebar leaves measures a and b: the cell is re-aggregated over them only
    narrowed = theme_view(result, ["a", "b"], ["T1"])
    assert narrowed.cell_keys == ["T1|ALL"]
    cell = narrowed.cells.iloc[0]
    assert cell["n_measures"] == 2 and cell["caar"] == pytest.approx(0.003)
    csv = pd.read_csv(io.BytesIO(narrowed.cells_csv), encoding="utf-8-sig")
    assert csv["data_mode"].tolist() == ["SYNTHETIC DEMO"]
    assert set(narrowed.pairs["event_id"]) == {"a", "b"}


def test_theme_view_counts_a_cluster_once_whichever_of_its_measures_the_sidebar_leaves():
    result = _theme_result()
    pairs = result.pairs.assign(
        cluster=result.pairs["event_id"].replace({"a": "a+b", "b": "a+b"}),
        car=result.pairs["event_id"].map({"a": 0.010, "b": 0.010, "c": 0.016, "d": 0.050}),
    )
    clustered = ThemeSegmentResult(
        result.window, cell_statistics(pairs), pairs, result.skipped, result.data_mode,
        result.metadata,
    )  # fmt: skip
    both = theme_view(clustered, ["a", "b", "c"], ["T1"]).cells.iloc[0]
    assert (both["n_measures"], both["n_clusters"]) == (3, 2)
    assert both["caar"] == pytest.approx((0.010 + 0.016) / 2)
    one = theme_view(clustered, ["b"], ["T1"]).cells.iloc[0]
    assert (one["n_measures"], one["n_clusters"], one["caar"]) == (1, 1, 0.010)


@dataclass(eq=False)
class _Outcome:
    name: str


def test_derived_values_are_built_once_per_outcome_and_go_with_it():
    builds = []
    first, second = _Outcome("first"), _Outcome("second")
    for _ in range(3):
        assert loaders.derived(first, ("csv",), lambda: builds.append(1) or "first csv") == (
            "first csv"
        )
    assert loaders.derived(second, ("csv",), lambda: "second csv") == "second csv"
    assert len(builds) == 1
    kept = len(loaders._DERIVED)
    del first
    gc.collect()
    assert len(loaders._DERIVED) == kept - 1  # nothing outlives the cached outcome
    for n in range(loaders._DERIVED_LIMIT + 5):  # bounded per outcome
        loaders.derived(second, ("zip", n), lambda n=n: n)
    assert len(loaders._DERIVED[second]) == loaders._DERIVED_LIMIT


def test_event_study_request_studies_two_measures_on_one_session_as_one_event():
    """The Event study page's request for two measures whose dates (2024-02-10, 2024-02-18)
    map to one session: one event (N = 1) with a note, under warn and merge; drop refuses."""
    from analysis.api import AllEventsDropped, BarsSource, run_study
    from data_sources.base import BarQuery
    from data_sources.demo import DemoSource
    from tests.test_themes import _spring_festival_catalogue

    catalogue = _spring_festival_catalogue()
    bars = pd.concat(
        [DemoSource().fetch(BarQuery(s)).bars for s in ("000300.SH", "399006.SZ")],
        ignore_index=True,
    )
    state = WIDGETS | {
        "study_measures": ["user-a", "user-b"],
        "study_instruments_user-a_user-b": ["399006.SZ"],
        "study_benchmark": "000300.SH",
        "study_model": "market",
        "study_estimation": (-250, -11),
        "study_window": (-5, 5),
    }
    for how in ("warn", "merge"):
        request = study_view.request_from_widgets(state | {"study_overlap": how}, placebo_draws=0)
        outcome = run_study(request, BarsSource(bars), catalogue)
        assert [e.event_id for e in outcome.events] == ["user-a+user-b"]
        assert outcome.events[0].event_session == pd.Timestamp("2024-02-19")
        assert set(outcome.car_summary["event_id"]) == {"user-a+user-b"}
        assert any("user-a" in n and "user-b" in n for n in outcome.notes_of("overlap"))
    request = study_view.request_from_widgets(state | {"study_overlap": "drop"}, placebo_draws=0)
    with pytest.raises(AllEventsDropped, match=r"user-a \(t0 2024-02-19\), user-b"):
        run_study(request, BarsSource(bars), catalogue)


def _eleven_downloads():
    import io
    import zipfile

    from pages.study_view import render_downloads

    names = [f"file_{number:02d}_with_a_long_name" for number in range(11)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("policylens_stem/parameters.json", "{}")
    render_downloads({name: b"a,b\n" for name in names}, buffer.getvalue(), "stem")


def test_study_downloads_are_listed_one_per_line_with_their_full_names():
    """Eleven CSV buttons in one row were each cut to a letter ("a…"), four per row to
    "abnormal_volume_windo…": the ZIP, then one file per line under its full name."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_function(_eleven_downloads).run()
    assert not app.exception
    assert not [node for node in app.main.children.values() if node.type == "flex_container"]
    labels = [button.proto.label.replace("\\", "") for button in app.get("download_button")]
    assert labels[1:] == [
        *(f"stem_file_{number:02d}_with_a_long_name.csv" for number in range(11)),
        "stem_parameters.json",
    ]


def test_theme_cell_pairs_show_the_car_in_percent_like_the_cell_headline():
    """The cell headline says "CAAR +0.39%" but its pairs read CAR 0.0046: one unit, percent."""
    from pages.themes_view import pair_table

    result = _theme_result()
    table = pair_table(result.pairs, {"a": "Measure A"})
    assert "car" not in table.columns
    assert table["car_pct"].tolist() == pytest.approx((100 * result.pairs["car"]).tolist())
    assert table["measure"].iloc[0] == "Measure A"


def _not_studied_in_chinese():
    from types import SimpleNamespace

    import pandas as pd
    import streamlit as st

    from pages.themes_view import render_downloads

    st.session_state["language"] = "zh"
    skipped = pd.DataFrame(
        {"segment": ["REIT"], "pair": ["m · 508000.SH"], "reason": ["before the data"]}
    )
    render_downloads(
        SimpleNamespace(window=(-1, 1), skipped=skipped), SimpleNamespace(cells_csv=b"a\n")
    )


def test_themes_not_studied_table_headers_follow_the_language():
    """In 中文 the "Not studied" table's headers read segment / pair / reason."""
    import json

    from streamlit.testing.v1 import AppTest

    app = AppTest.from_function(_not_studied_in_chinese).run()
    assert not app.exception
    assert not app.dataframe  # closed, the table is not drawn
    app.session_state["themes_skipped_open"] = True
    app.run()
    (table,) = app.dataframe
    config = json.loads(table.proto.columns)
    assert {name: column["label"] for name, column in config.items() if "label" in column} == {
        "segment": "板块",
        "pair": "措施 · 标的",
        "reason": "未研究的原因",
    }


def _diagnostics_of_a_study():
    from types import SimpleNamespace

    import pandas as pd

    from pages.study_view import render_diagnostics

    sessions = pd.bdate_range("2022-04-01", periods=40)
    frame = pd.DataFrame(
        {
            "event_id": ["m"],
            "event_date": [pd.Timestamp("2022-04-26")],
            "instrument": ["600958"],
            "status": ["suspended"],
            "reason": ["six sessions"],
        }
    )
    render_diagnostics(
        SimpleNamespace(
            diagnostics=[object()],
            diagnostics_frame=lambda: frame,
            resolved=SimpleNamespace(sessions=sessions),
            events=[SimpleNamespace(event_session=sessions[20])],
            spec=SimpleNamespace(event_window=(-5, 5)),
        )
    )


def test_study_diagnostics_show_event_dates_as_days():
    """The diagnostics table read "2022-04-26 00:00:00"."""
    import json

    from streamlit.testing.v1 import AppTest

    app = AppTest.from_function(_diagnostics_of_a_study)
    app.session_state["study_diagnostics_open"] = True  # drawn only once opened
    app.run()
    assert not app.exception
    (table,) = app.dataframe
    config = json.loads(table.proto.columns)["event_date"]
    assert config["type_config"] == {"type": "date", "format": "YYYY-MM-DD"}
