"""Theme × segment aggregation: cell statistics against scipy, pairs against a direct study."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.api import BarsSource, StudyRequest, run_study, study_from_bars
from analysis.event_study import Event, EventStudySpec
from analysis.themes import PAIR_COLUMNS, cell_statistics, theme_segment_study
from data_sources.base import BarQuery
from data_sources.catalogue import load_catalogue, studyable
from data_sources.demo import DemoSource
from data_sources.instruments import segment_table
from data_sources.trading_calendar import all_sessions


def _pairs(rows):
    frame = pd.DataFrame(rows, columns=["theme", "segment", "event_id", "instrument", "car"])
    frame["t_stat"], frame["p_value"] = 1.5, 0.2
    for column in PAIR_COLUMNS:
        if column not in frame:
            frame[column] = None
    return frame[PAIR_COLUMNS]


def test_cells_average_instruments_within_a_measure_then_test_across_measures():
    pairs = _pairs(
        [
            ("T1", "ALL", "a", "X", 0.010),
            ("T1", "ALL", "a", "Y", 0.030),  # measure a: mean 0.020
            ("T1", "ALL", "b", "X", -0.004),
            ("T1", "ALL", "c", "X", 0.016),
            ("T2", "BRK", "d", "X", 0.050),  # one measure, one instrument: its own test
            ("T3", "ALL", "e", "X", 0.010),
            ("T3", "ALL", "e", "Y", 0.020),  # one measure, two instruments: no test
        ]
    )
    cells = cell_statistics(pairs).set_index(["theme", "segment"])
    reference = stats.ttest_1samp([0.020, -0.004, 0.016], 0.0)
    cell = cells.loc[("T1", "ALL")]
    assert cell["n_measures"] == 3 and cell["n_pairs"] == 4
    assert cell["caar"] == pytest.approx(np.mean([0.020, -0.004, 0.016]), abs=1e-15)
    assert cell["t_stat"] == pytest.approx(reference.statistic, rel=1e-12)
    assert cell["p_value"] == pytest.approx(reference.pvalue, rel=1e-12)
    single = cells.loc[("T2", "BRK")]
    assert (single["t_stat"], single["p_value"]) == (1.5, 0.2)
    assert single["test"].startswith("CAR t-test")
    untested = cells.loc[("T3", "ALL")]
    assert np.isnan(untested["t_stat"]) and untested["test"].startswith("none")
    assert untested["caar"] == pytest.approx(0.015)


@pytest.fixture(scope="module")
def demo_bars():
    symbols = ["000300.SH", "000001.SH", "399001.SZ", "000905.SH", "399975.SZ", "399006.SZ"]
    return pd.concat([DemoSource().fetch(BarQuery(s)).bars for s in symbols], ignore_index=True)


def test_pairs_equal_a_direct_study_and_market_wide_uses_constant_mean(demo_bars):
    measures = studyable(load_catalogue(), False)
    spec = EventStudySpec()
    result = theme_segment_study(BarsSource(demo_bars), load_catalogue(), segment_table(), (-1, 1))
    pairs = result.pairs.set_index(["theme", "segment", "event_id", "instrument"])
    row = measures.set_index("id").loc["chinext-first-listings-2020"]
    # the Event study's request for this measure (its estimation window cleaned of other
    # measures' windows, as the segment study's)
    direct = run_study(
        StudyRequest(
            measures=("chinext-first-listings-2020",),
            instruments=("399006.SZ",),
            benchmark="000300.SH",
            overlap="merge",
        ),
        BarsSource(demo_bars),
        load_catalogue(),
    ).car_summary.query("window_start == -1 and window_end == 1")
    assert spec.model == "market" and row["event_session"] in set(direct["event_session"])
    pair = pairs.loc[(row["theme"], "CHN", "chinext-first-listings-2020", "399006.SZ")]
    assert pair["car"] == pytest.approx(direct["car"].iloc[0], rel=1e-12)
    assert pair["t_stat"] == pytest.approx(direct["t_stat"].iloc[0], rel=1e-12)
    assert set(result.pairs.query("segment == 'ALL'")["model"]) == {"constant-mean"}
    assert set(result.pairs.query("segment == 'BRK'")["model"]) == {"market"}
    # segments with no stored instrument are reported, not silently empty
    assert "no stored instrument" in " ".join(result.skipped["reason"])
    assert set(result.cells["theme"]) <= {f"T{n}" for n in range(1, 10)}
    # a measure counts under its primary and each secondary theme, with the same CAR
    secondary = measures[measures["secondary_themes"].map(len) > 0].iloc[0]
    rows = result.pairs[result.pairs["event_id"] == secondary["id"]]
    assert {secondary["theme"], *secondary["secondary_themes"]} == set(rows["theme"])


def test_every_exported_column_is_in_the_glossary():
    from analysis.glossary import COLUMN_GLOSSARY
    from analysis.themes import CELL_COLUMNS

    symbols = ["000300.SH", "399006.SZ"]
    bars = pd.concat([DemoSource().fetch(BarQuery(s)).bars for s in symbols], ignore_index=True)
    t0 = pd.Timestamp("2020-08-24")
    result = study_from_bars(
        bars,
        ["399006.SZ"],
        [Event("e", t0, t0)],
        EventStudySpec(),
        all_sessions(),
        "000300.SH",
        placebo_draws=50,
        responses=True,
    )
    columns = {c for frame in result.frames().values() for c in frame.columns}
    columns |= set(CELL_COLUMNS) | set(PAIR_COLUMNS) | {"method", "data_mode", "data_vintage"}
    assert columns <= set(COLUMN_GLOSSARY), columns - set(COLUMN_GLOSSARY)


def test_measures_on_one_session_are_one_observation_in_a_cell():
    """Two measures on one session have the same CARs: before, the cell's t counted them twice
    (or, with nothing else in the cell, divided by a zero spread)."""
    pairs = _pairs(
        [
            ("T1", "ALL", "a", "X", 0.010),
            ("T1", "ALL", "b", "X", 0.010),  # a and b share the session 2020-07-27
            ("T1", "ALL", "c", "X", -0.002),
            ("T2", "ALL", "a", "X", 0.010),
            ("T2", "ALL", "b", "X", 0.010),
            ("T3", "ALL", "d", "X", 0.020),
            ("T3", "ALL", "e", "X", 0.020),  # different sessions, equal CARs: zero spread
        ]
    )
    sessions = {"a": "2020-07-27", "b": "2020-07-27", "c": "2020-08-24", "d": "2020-10-09"}
    pairs["event_session"] = pd.to_datetime(pairs["event_id"].map(sessions).fillna("2020-11-23"))
    cells = cell_statistics(pairs).set_index("theme")
    reference = stats.ttest_1samp([0.010, -0.002], 0.0)
    assert cells.at["T1", "t_stat"] == pytest.approx(reference.statistic, rel=1e-12)
    assert cells.at["T1", "p_value"] == pytest.approx(reference.pvalue, rel=1e-12)
    assert cells.at["T1", "n_measures"] == 3 and cells.at["T1", "n_clusters"] == 2
    assert "over 2 clusters of 3 measures" in cells.at["T1", "test"]
    assert (cells.at["T2", "t_stat"], cells.at["T2", "p_value"]) == (1.5, 0.2)
    assert "1 cluster of 2 measures" in cells.at["T2", "test"]
    assert np.isnan(cells.at["T3", "t_stat"]) and "zero spread" in cells.at["T3", "test"]
    assert np.isfinite(cells["t_stat"].dropna()).all()


def test_measures_sharing_a_session_are_merged_by_the_api_and_counted_each(demo_bars):
    """The study API merges measures of one segment that share their t0 into one event
    ("a+b"); each member still gets its pair rows (same CARs) and counts in its cell, which
    tests over sessions, not copies."""
    catalogue = load_catalogue()
    original = catalogue[catalogue["id"] == "chinext-first-listings-2020"]
    twin = original.assign(id="chinext-twin-same-day")
    with_twin = pd.concat([catalogue, twin], ignore_index=True)
    result = theme_segment_study(BarsSource(demo_bars), with_twin, segment_table(), (-1, 1))
    pairs = result.pairs[result.pairs["segment"] == "CHN"].set_index(["event_id", "instrument"])
    first = pairs.loc[("chinext-first-listings-2020", "399006.SZ")]
    second = pairs.loc[("chinext-twin-same-day", "399006.SZ")]
    assert not any("+" in event_id for event_id in result.pairs["event_id"])
    assert first["car"].iloc[0] == second["car"].iloc[0]
    assert first["theme"].tolist() == second["theme"].tolist()
    theme = original["theme"].iloc[0]
    cell = result.cells.set_index(["theme", "segment"]).loc[(theme, "CHN")]
    members = cell["measure_ids"].split(", ")
    assert {"chinext-first-listings-2020", "chinext-twin-same-day"} <= set(members)
    # the twin adds a measure, not an observation: sessions counted once
    alone = theme_segment_study(BarsSource(demo_bars), catalogue, segment_table(), (-1, 1))
    before = alone.cells.set_index(["theme", "segment"]).loc[(theme, "CHN")]
    assert cell["n_measures"] == before["n_measures"] + 1
    assert cell["n_clusters"] == before["n_clusters"] and "clusters of" in cell["test"]
    np.testing.assert_allclose(cell["t_stat"], before["t_stat"], rtol=1e-12)


# -- one overlap rule: a cell's measures de-duplicated by cluster (issue 13, item 5) ----------


def test_a_cell_counts_a_cluster_once_and_says_how_many_it_pools():
    pairs = _pairs(
        [
            ("T3", "ALL", "package", "X", 0.030),
            ("T3", "ALL", "package", "Y", 0.050),
            ("T3", "ALL", "politburo", "X", 0.030),  # the same cluster: the same CARs
            ("T3", "ALL", "politburo", "Y", 0.050),
            ("T3", "ALL", "c", "X", -0.010),
            ("T3", "ALL", "c", "Y", 0.000),
            ("T3", "ALL", "d", "X", 0.004),
            ("T3", "ALL", "d", "Y", 0.010),
        ]
    )
    pairs["cluster"] = pairs["event_id"].replace(
        {"package": "package+politburo", "politburo": "package+politburo"}
    )
    pairs["event_session"] = pd.Timestamp("2024-09-24")  # not what decides: the cluster does
    cell = cell_statistics(pairs).iloc[0]
    per_cluster = [0.040, -0.005, 0.007]  # instrument means, one per cluster
    reference = stats.ttest_1samp(per_cluster, 0.0)
    assert (cell["n_measures"], cell["n_clusters"], cell["n_pairs"]) == (4, 3, 8)
    assert cell["caar"] == pytest.approx(np.mean(per_cluster), abs=1e-15)
    assert cell["t_stat"] == pytest.approx(reference.statistic, rel=1e-12)
    assert cell["p_value"] == pytest.approx(reference.pvalue, rel=1e-12)
    assert cell["test"] == "cross-sectional t over 3 clusters of 4 measures"
    assert cell["measure_ids"] == "package, politburo, c, d"


def test_september_2024_measures_are_one_observation_in_their_cell(demo_bars):
    """2024-09-24 and 2024-09-26 (two sessions apart, windows [-5, 5] overlap) in one cell:
    before, two independent observations; now one cluster, one event at 2024-09-24."""
    catalogue = load_catalogue()
    package = "sept-2024-package"
    theme = catalogue.set_index("id").at[package, "theme"]
    # the Politburo readout under the package's theme, so both fall in one (theme, ALL) cell
    same_cell = catalogue.assign(
        theme=catalogue["theme"].where(catalogue["id"] != "politburo-lift-market-2024", theme)
    )
    result = theme_segment_study(BarsSource(demo_bars), same_cell, segment_table(), (0, 1))
    rows = result.pairs.query("segment == 'ALL' and theme == @theme")
    both = rows[rows["event_id"].isin([package, "politburo-lift-market-2024"])]
    assert set(both["cluster"]) == {f"{package}+politburo-lift-market-2024"}
    assert set(both["event_session"]) == {pd.Timestamp("2024-09-24")}
    by_measure = both.set_index(["instrument", "event_id"])["car"].unstack()
    np.testing.assert_array_equal(by_measure[package], by_measure["politburo-lift-market-2024"])
    cell = result.cells.set_index(["theme", "segment"]).loc[(theme, "ALL")]
    assert cell["n_clusters"] == rows["cluster"].nunique() < cell["n_measures"]
    per_cluster = rows.drop_duplicates(["cluster", "instrument"]).groupby("cluster")["car"].mean()
    assert cell["caar"] == pytest.approx(per_cluster.mean(), rel=1e-12)
    if len(per_cluster) >= 2:
        reference = stats.ttest_1samp(per_cluster.to_numpy(), 0.0)
        assert cell["t_stat"] == pytest.approx(reference.statistic, rel=1e-10)


def _spring_festival_catalogue():
    """Two user measures announced 2024-02-10 (Saturday, Spring Festival) and 2024-02-18
    (Sunday): both have the session t0 2024-02-19."""
    catalogue = load_catalogue()
    row = catalogue[catalogue["id"] == "new-nine-articles-2024"]
    twins = [
        row.assign(
            id=measure_id,
            announcement_date=pd.Timestamp(date),
            event_session=pd.Timestamp("2024-02-19"),
        )
        for measure_id, date in (("user-a", "2024-02-10"), ("user-b", "2024-02-18"))
    ]
    return pd.concat([catalogue, *twins], ignore_index=True)


def test_two_measures_on_one_session_are_one_observation_in_the_themes_cell(demo_bars):
    catalogue = _spring_festival_catalogue()
    result = theme_segment_study(BarsSource(demo_bars), catalogue, segment_table(), (0, 1))
    rows = result.pairs[result.pairs["event_id"].isin(["user-a", "user-b"])]
    assert set(rows["cluster"]) == {"user-a+user-b"}
    assert set(rows["event_session"]) == {pd.Timestamp("2024-02-19")}
    theme = catalogue.set_index("id").at["user-a", "theme"]
    alone = theme_segment_study(BarsSource(demo_bars), load_catalogue(), segment_table(), (0, 1))
    for segment in set(rows["segment"]):
        with_pair = result.cells.set_index(["theme", "segment"]).loc[(theme, segment)]
        before = alone.cells.set_index(["theme", "segment"]).loc[(theme, segment)]
        # two measures more, one observation more (not two)
        assert with_pair["n_measures"] == before["n_measures"] + 2
        assert with_pair["n_clusters"] == before["n_clusters"] + 1
