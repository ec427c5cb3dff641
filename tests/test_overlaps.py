"""Overlapping event windows: detection and the warn / merge / drop choices."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from analysis.event_study import Event, EventStudyInputError
from analysis.overlaps import (
    clusters,
    estimation_exclusions,
    estimation_overlaps,
    overlap_clusters,
    overlap_counts,
    overlapping_ids,
    related,
    resolve_overlaps,
)
from data_sources.catalogue import load_catalogue, studyable
from data_sources.trading_calendar import all_sessions
from tests.markdown_render import shown

SESSIONS = all_sessions()


def _event(event_id, date):
    return Event(event_id, pd.Timestamp(date), pd.Timestamp(date))


@pytest.fixture
def catalogue_events():
    measures = studyable(load_catalogue())
    return {r.id: Event(r.id, r.announcement_date, r.event_session) for r in measures.itertuples()}


def test_september_2024_package_and_politburo_overlap(catalogue_events):
    pairs = overlapping_ids(list(catalogue_events.values()), SESSIONS, (-5, 5))
    assert "politburo-lift-market-2024" in pairs["sept-2024-package"]
    assert "sept-2024-package" in pairs["politburo-lift-market-2024"]
    # the three rules of 2023-02-17 are one measure; released after the close (t0 02-20), it
    # overlaps only the exchanges' first main-board filings of the next session
    assert pairs["full-registration-final-2023"] == ["main-board-filings-2023"]


def test_window_end_decides_the_cluster():
    a, b = _event("a", "2024-09-24"), _event("b", "2024-09-26")  # two sessions apart
    assert overlap_clusters([a, b], SESSIONS, (0, 1)) == []
    assert overlap_clusters([a, b], SESSIONS, (0, 2)) == [[a, b]]
    # the windows [-1, 1] overlap (on 09-25), but b's t0 is outside a's window: two
    # clusters (merged at 09-24, the CAR would miss b's reaction), the overlap is noted
    assert overlap_clusters([a, b], SESSIONS, (-1, 1)) == []
    kept, notes = resolve_overlaps([a, b], [], SESSIONS, (-1, 1), "merge")
    assert kept == [a, b] and "also overlap across clusters" in notes[0]


def test_warn_keeps_events_and_names_the_overlap(catalogue_events):
    chosen = [catalogue_events["sept-2024-package"]]
    events, notes = resolve_overlaps(chosen, list(catalogue_events.values()), SESSIONS, (-5, 5))
    assert events == chosen
    assert "politburo-lift-market-2024 (t0 2024-09-26)" in notes[0]
    # the swap facility (t0 2024-10-10) is in the next cluster, but its window still meets
    # the package's: named once, as an overlap across clusters
    assert len(notes) == 2 and "sfisf-swap-launch-2024 (t0 2024-10-10)" in notes[1]


def test_merge_makes_one_event_at_the_first_session(catalogue_events):
    chosen = [catalogue_events["politburo-lift-market-2024"]]
    events, notes = resolve_overlaps(
        chosen, list(catalogue_events.values()), SESSIONS, (-5, 5), "merge"
    )
    assert [e.event_id for e in events] == ["sept-2024-package+politburo-lift-market-2024"]
    assert events[0].event_session == pd.Timestamp("2024-09-24")
    assert "the last t0 is 2 session(s) later" in notes[0]


def test_drop_removes_only_chosen_events_that_overlap(catalogue_events):
    chosen = [catalogue_events["sept-2024-package"], catalogue_events["star-eight-measures-2024"]]
    events, notes = resolve_overlaps(
        chosen, list(catalogue_events.values()), SESSIONS, (-5, 5), "drop"
    )
    assert [e.event_id for e in events] == ["star-eight-measures-2024"]
    assert notes[0].startswith("dropped sept-2024-package")


def test_no_overlap_means_no_note():
    events, notes = resolve_overlaps(
        [_event("a", "2024-06-19")], [_event("b", "2024-09-24")], SESSIONS, (-5, 5), "merge"
    )
    assert [e.event_id for e in events] == ["a"] and notes == []


def test_bad_choice_and_non_session_are_named():
    with pytest.raises(EventStudyInputError, match="overlap handling"):
        resolve_overlaps([_event("a", "2024-06-19")], [], SESSIONS, (-5, 5), "ignore")
    with pytest.raises(EventStudyInputError, match="not a session"):
        overlap_clusters([_event("a", "2024-06-22")], SESSIONS, (-5, 5))  # a Saturday


def _all_pairs(events, sessions, window):
    """The old all-pairs definition, as an independent reference (sets: order aside)."""
    width = window[1] - window[0]
    positions = {e.event_id: sessions.get_loc(e.event_session) for e in events}
    return {
        a: {b for b, q in positions.items() if b != a and abs(p - q) <= width}
        for a, p in positions.items()
    }


def _random_events(rng, count, first, span):
    picks = rng.integers(first, first + span, size=count)
    return [Event(f"m{n}", SESSIONS[p], SESSIONS[p]) for n, p in enumerate(picks)]


@pytest.mark.parametrize("seed", range(20))
def test_overlapping_ids_agrees_with_all_pairs_on_random_inputs(seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    events = _random_events(rng, int(rng.integers(0, 40)), 1000, int(rng.integers(1, 80)))
    window = tuple(sorted(int(x) for x in rng.integers(-6, 7, size=2)))
    expected = _all_pairs(events, SESSIONS, window)
    found = overlapping_ids(events, SESSIONS, window)
    assert {k: set(v) for k, v in found.items()} == expected
    assert overlap_counts(events, SESSIONS, window) == {k: len(v) for k, v in expected.items()}
    position = {e.event_id: SESSIONS.get_loc(e.event_session) for e in events}
    for near in found.values():  # in session order, each once
        assert len(near) == len(set(near))
        assert [position[i] for i in near] == sorted(position[i] for i in near)
    limited = overlapping_ids(events, SESSIONS, window, limit=3)
    for event_id, near in limited.items():
        assert near == found[event_id][:3]


def test_fifty_thousand_measures_finish_quickly():
    import time

    import numpy as np

    events = _random_events(np.random.default_rng(1), 50_000, 100, 5_000)
    started = time.perf_counter()
    found = overlapping_ids(events, SESSIONS, (-5, 5))
    counts = overlap_counts(events, SESSIONS, (-5, 5))
    assert time.perf_counter() - started < 30  # all-pairs: 2.5e9 comparisons, out of memory
    assert len(found) == 50_000 and sum(counts.values()) == sum(map(len, found.values()))
    probe = events[123]
    where = SESSIONS.get_indexer([e.event_session for e in events])
    near = {e.event_id for e, p in zip(events, where, strict=True) if abs(p - where[123]) <= 10} - {
        "m123"
    }
    assert set(found[probe.event_id]) == near
    same_day = [Event(f"d{n}", SESSIONS[500], SESSIONS[500]) for n in range(50_000)]
    started = time.perf_counter()
    shown = overlapping_ids(same_day, SESSIONS, (-5, 5), limit=10)
    assert time.perf_counter() - started < 30  # 50,000 × 49,999 ids would not fit: capped
    assert shown["d7"] == ["d0", "d1", "d2", "d3", "d4", "d5", "d6", "d8", "d9", "d10"]
    assert overlap_counts(same_day, SESSIONS, (-5, 5))["d7"] == 49_999


def test_an_event_off_the_calendar_is_named_by_overlapping_ids():
    with pytest.raises(EventStudyInputError, match="event b: 2024-06-22 is not a session"):
        overlapping_ids([_event("a", "2024-06-21"), _event("b", "2024-06-22")], SESSIONS, (-5, 5))


# -- events that share their session t0 (issue 11, item 4) ----------------------------------
def _on_session(event_id, date, session):
    return Event(event_id, pd.Timestamp(date), pd.Timestamp(session))


def test_warn_still_merges_events_that_share_a_session():
    saturday = _on_session("a", "2020-08-22", "2020-08-24")
    monday = _on_session("b", "2020-08-24", "2020-08-24")
    sunday = _on_session("c", "2020-08-23", "2020-08-24")
    later = _on_session("d", "2020-10-09", "2020-10-09")
    events, notes = resolve_overlaps([monday, saturday, sunday, later], [], SESSIONS, (-5, 5))
    assert [e.event_id for e in events] == ["a+c+b", "d"]
    assert events[0].event_session == pd.Timestamp("2020-08-24")
    assert events[0].event_date == pd.Timestamp("2020-08-22")  # the earliest announcement
    assert len(notes) == 1 and "share the event session t0 2020-08-24" in notes[0]
    assert "a (announced 2020-08-22)" in notes[0] and "studied as one event, a+c+b" in notes[0]


def test_merge_and_drop_also_leave_no_two_events_on_one_session():
    pair = [
        _on_session("a", "2020-08-22", "2020-08-24"),
        _on_session("b", "2020-08-24", "2020-08-24"),
    ]
    merged, _ = resolve_overlaps(pair, [], SESSIONS, (0, 0), "merge")
    assert [e.event_id for e in merged] == ["a+b"]
    dropped, notes = resolve_overlaps(pair, [], SESSIONS, (0, 0), "drop")
    assert dropped == [] and "dropped a, b" in notes[0]


def test_dashboard_merges_the_mid_year_meeting_and_the_select_tier_even_under_warn(app):
    """Both measures map to the 2020-07-27 session: before the fix the pooled cross-sectional
    and BMP t were ±inf with p = 0."""
    from tests.apptest_helpers import goto

    app.session_state["include_unverified"] = True
    goto(app, "pages/event_study.py")
    chosen = ["csrc-midyear-meeting-2020", "neeq-select-tier-2020"]
    app.multiselect(key="study_measures").set_value(chosen).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.radio(key="study_overlap").value == "warn"
    warnings = [shown(w.value) for w in app.warning]
    assert any("share the event session t0 2020-07-27" in w for w in warnings), warnings
    results = next(t.value for t in app.dataframe if "car_pct" in t.value.columns)
    assert " + " in results["measure"].iloc[0]  # both titles, not the joined ids
    tests = [t.value for t in app.dataframe if "statistic" in t.value.columns]
    assert tests, "no tests table"
    for table in tests:  # the window tests shown and "all statistics, daily and per window"
        assert set(table["event_id"]) == {"csrc-midyear-meeting-2020+neeq-select-tier-2020"}
        values = pd.to_numeric(table["value"], errors="coerce").to_numpy()
        assert not np.isinf(values).any()


def test_drop_note_names_what_the_dropped_event_overlaps_not_itself():
    # Regression: "dropped a: window overlaps a (t0 …), b (t0 …)" named a as overlapping itself.
    events, notes = resolve_overlaps(
        [_event("a", "2024-09-24")], [_event("b", "2024-09-26")], SESSIONS, (-5, 5), "drop"
    )
    assert events == []
    assert notes == ["dropped a (t0 2024-09-24): event windows [-5, 5] overlap b (t0 2024-09-26)"]


# -- one overlap rule: clusters bounded by the event window (issue 13, item 5) ----------------
JULY_2020 = [  # the chain that "merge" turned into one event at 2020-07-13 (30 sessions)
    ("fsdc", "2020-07-13"),
    ("brokers", "2020-07-20"),
    ("neeq", "2020-07-27"),
    ("class-action", "2020-07-31"),
    ("reits", "2020-08-07"),
    ("buyback", "2020-08-21"),
    ("chinext", "2020-08-24"),
]


def test_july_2020_chain_is_cut_into_clusters_no_longer_than_the_window():
    events = [_event(i, d) for i, d in JULY_2020]
    assert (
        SESSIONS.get_loc(pd.Timestamp("2020-08-24")) - SESSIONS.get_loc(pd.Timestamp("2020-07-13"))
        == 30
    )  # each gap is at most 10 sessions: the old rule chained all seven
    found = [[e.event_id for e in c] for c in clusters(events, SESSIONS, (-5, 5))]
    assert found == [
        ["fsdc", "brokers"],
        ["neeq", "class-action"],
        ["reits"],
        ["buyback", "chinext"],
    ]
    merged, notes = resolve_overlaps(events, [], SESSIONS, (-5, 5), "merge")
    assert [(e.event_id, f"{e.event_session:%m-%d}") for e in merged] == [
        ("fsdc+brokers", "07-13"),
        ("neeq+class-action", "07-27"),
        ("reits", "08-07"),
        ("buyback+chinext", "08-21"),
    ]
    assert "the last t0 is 5 session(s) later" in notes[0]  # inside the window [-5, 5]
    # neighbours across a cut still overlap (07-20 and 07-27): said, not hidden
    assert any(
        "also overlap across clusters" in n and "brokers (t0 2020-07-20) and neeq" in n
        for n in notes
    )
    text = " ".join(notes)  # each such pair once, not once from each side
    assert (
        text.count("brokers (t0 2020-07-20) and neeq")
        + text.count("neeq (t0 2020-07-27) and brokers")
        == 1
    )


def test_a_measures_cluster_does_not_depend_on_what_else_was_chosen():
    events = [_event(i, d) for i, d in JULY_2020]
    chosen = [e for e in events if e.event_id == "reits"]
    others = [e for e in events if e.event_id != "reits"]
    merged, _ = resolve_overlaps(chosen, others, SESSIONS, (-5, 5), "merge")
    assert [e.event_id for e in merged] == ["reits"]  # its own cluster, as above
    merged, _ = resolve_overlaps(
        [events[3]], [e for e in events if e is not events[3]], SESSIONS, (-5, 5), "merge"
    )
    assert [e.event_id for e in merged] == ["neeq+class-action"]  # not brokers…class-action


def test_september_2024_pair_is_one_cluster_under_every_rule():
    pair = [_event("package", "2024-09-24"), _event("politburo", "2024-09-26")]
    assert [[e.event_id for e in c] for c in clusters(pair, SESSIONS, (-5, 5))] == [
        ["package", "politburo"]
    ]
    merged, notes = resolve_overlaps(pair, [], SESSIONS, (-5, 5), "merge")
    assert [(e.event_id, e.event_session) for e in merged] == [
        ("package+politburo", pd.Timestamp("2024-09-24"))
    ]
    assert notes == [
        "merged into one event at t0 2024-09-24: package (t0 2024-09-24), politburo "
        "(t0 2024-09-26); the last t0 is 2 session(s) later"
    ]
    kept, notes = resolve_overlaps(pair, [], SESSIONS, (-5, 5), "warn")
    assert kept == pair and "package (t0 2024-09-24), politburo (t0 2024-09-26)" in notes[0]
    dropped, _ = resolve_overlaps(pair, [], SESSIONS, (-5, 5), "drop")
    assert dropped == []


@pytest.mark.parametrize("seed", range(15))
def test_clusters_are_a_greedy_partition_bounded_by_the_window(seed):
    rng = np.random.default_rng(seed)
    events = _random_events(rng, int(rng.integers(1, 60)), 2000, int(rng.integers(5, 200)))
    window = tuple(sorted(int(x) for x in rng.integers(-6, 7, size=2)))
    width = max(window[1], 0)  # the cluster bound: the first event's window end
    found = clusters(events, SESSIONS, window)
    position = {e.event_id: SESSIONS.get_loc(e.event_session) for e in events}
    flat = [e.event_id for c in found for e in c]
    assert sorted(flat) == sorted(e.event_id for e in events)  # a partition
    assert [position[i] for i in flat] == sorted(position[i] for i in flat)  # session order
    anchors = [position[c[0].event_id] for c in found]
    for cluster, anchor in zip(found, anchors, strict=True):
        assert max(position[e.event_id] for e in cluster) - anchor <= width  # bounded
    for previous, cluster in zip(anchors, found[1:], strict=False):
        assert position[cluster[0].event_id] - previous > width  # greedy: starts a new one


def test_estimation_overlaps_name_both_events_and_the_sessions():
    window, estimation = (-2, 2), (-30, -3)
    main = _event("main", "2024-06-19")
    p = SESSIONS.get_loc(pd.Timestamp("2024-06-19"))
    inside = _event("inside", SESSIONS[p - 15])  # its window [-17, -13]
    edge = _event("edge", SESSIONS[p - 32])  # its window [-34, -30]
    merged = Event("main+later", main.event_date, main.event_session)
    found = estimation_overlaps([main], [inside, edge], SESSIONS, estimation, window)
    by_other = {item.other_id: item for item in found}
    assert by_other["inside"].sessions == tuple(SESSIONS[p - 17 : p - 12])
    # "edge" (t0 at -32): its window [-34, -30] meets the estimation window at -30 only
    assert by_other["edge"].sessions == (SESSIONS[p - 30],)
    assert "the estimation window of main contains the event window of inside" in (
        by_other["inside"].text
    )
    exclusions = estimation_exclusions(found)
    assert exclusions == {"main": (SESSIONS[p - 30], *SESSIONS[p - 17 : p - 12])}
    # a member of a merged event is not another event of it
    later = _event("later", SESSIONS[p - 20])
    assert estimation_overlaps([merged], [later], SESSIONS, estimation, window) == []
    assert [
        i.other_id for i in estimation_overlaps([main], [later], SESSIONS, estimation, window)
    ] == ["later"]


def test_only_measures_that_can_move_the_same_prices_contaminate_an_estimation_window():
    window, estimation = (-2, 2), (-30, -3)
    p = SESSIONS.get_loc(pd.Timestamp("2024-06-19"))
    banks = _event("banks", "2024-06-19")
    reits = _event("reits", SESSIONS[p - 15])  # a REIT-only measure inside the window
    market = _event("market", SESSIONS[p - 10])  # a market-wide measure inside it
    brokers = _event("brokers-and-banks", SESSIONS[p - 20])  # shares the BNK segment
    adhoc = _event("2024-05-06", SESSIONS[p - 25])  # an ad-hoc date: no segments
    segments_of = {
        "banks": ("BNK",),
        "reits": ("REIT", "INFRA"),
        "market": ("ALL", "BRK"),
        "brokers-and-banks": ("BRK", "BNK"),
    }
    found = estimation_overlaps(
        [banks], [reits, market, brokers, adhoc], SESSIONS, estimation, window, segments_of
    )
    assert sorted(item.other_id for item in found) == [
        "2024-05-06",
        "brokers-and-banks",
        "market",
    ]
    # without segments every known event counts (the rule before the segments were known)
    unfiltered = estimation_overlaps(
        [banks], [reits, market, brokers, adhoc], SESSIONS, estimation, window
    )
    assert len(unfiltered) == 4
    # a market-wide event's window is contaminated only by measures touching its segments or
    # the whole market: a REIT-only measure does not move the broad indices
    assert not related("market", "reits", segments_of)
    assert related("reits", "market", segments_of)
    # a merged event has its members' segments
    assert related("banks+reits", "reits", {**segments_of, "x": ("PE",)})
    assert not related("x", "reits", {**segments_of, "x": ("PE",)})


def test_dashboard_reports_and_cleans_contaminated_estimation_until_unticked(app):
    from tests.apptest_helpers import goto

    goto(app, "pages/event_study.py")
    app.multiselect(key="study_measures").set_value(["chinext-first-listings-2020"]).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.checkbox(key="study_clean_estimation").value is True
    infos = [shown(i.value) for i in app.info]
    assert any(
        "estimation window of chinext-first-listings-2020 contains the event window(s) of" in i
        and "left out of its estimation sample" in i
        for i in infos
    ), infos

    def estimation_length():  # L1 as the CAR-summary download has it
        from tests.apptest_helpers import download_bytes

        raw = download_bytes(app, "download_car_summary")
        return int(pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")["n_estimation"].iloc[0])

    cleaned = estimation_length()
    app.checkbox(key="study_clean_estimation").uncheck().run()
    assert not app.exception
    assert any("cleaning is off" in shown(i.value) for i in app.info)
    assert estimation_length() == 240 > cleaned
