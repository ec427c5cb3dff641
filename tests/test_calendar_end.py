"""Issue 11 item 8: sessions after exchange_calendars' last session (2026-12-31 in the pinned
release). Past it the calendar takes the official calendar fetched through akshare, else the
stored akshare series' dates, else weekdays; each study says which sessions are inferred."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
import responses
import yaml
from responses import matchers

from analysis.api import study_from_bars
from analysis.event_study import Event, EventStudySpec
from data_sources.base import FetchResult
from data_sources.calendar_store import calendar_path, load_official_sessions
from data_sources.catalogue import export_metadata, validate_measures
from data_sources.cli import main as data_main
from data_sources.store import Store
from data_sources.trading_calendar import (
    CalendarError,
    all_sessions,
    event_session,
    inferred_segments,
    inferred_source,
    library_end,
    library_sessions,
    next_session,
    sessions_between,
)
from tests.akshare_payloads import KLINE_URL, kline_line, kline_payload
from tests.conftest import write_price_csv
from tests.sina_calendar import (
    MEASURE,
    OFFICIAL_CLOSURES,
    SINA_CALENDAR_URL,
    official_sessions,
    prepare_source,
    sina_calendar_body,
    synthetic_bars,
)

if library_end() >= pd.Timestamp("2027-01-01"):  # pragma: no cover - a newer exchange_calendars
    pytest.skip("exchange_calendars now knows 2027: move these dates on", allow_module_level=True)

MEASURES = [
    {**MEASURE, "id": "m-2027", "announcement_date": "2027-01-01", "timing": "unknown"},
    {**MEASURE, "id": "m-2030", "announcement_date": "2030-10-01", "timing": "after_close"},
]
#: t0 of the two measures under each source: the official calendar knows New Year 2027 and
#: National Day 2030; the stored series know 2027's New Year only; weekdays know no holiday.
EXPECTED_T0 = {
    "official": ("2027-01-04", "2030-10-08"),
    "store": ("2027-01-04", "2030-10-02"),
    "weekdays": ("2027-01-01", "2030-10-02"),
}


@pytest.mark.parametrize("source", ["official", "store", "weekdays"])
def test_2027_and_2030_measures_and_bars_on_each_source(source, data_dir, tmp_path, capsys):
    note = prepare_source(source)
    t0_2027, t0_2030 = (pd.Timestamp(day) for day in EXPECTED_T0[source])

    # the t0 rule on the extended calendar
    assert event_session("2027-01-01") == t0_2027
    assert event_session("2030-10-01", "after_close") == t0_2030
    assert next_session("2030-06-01") == pd.Timestamp("2030-06-03")  # a Saturday

    # catalogue validation: t0 from the extended calendar, the source named on import
    table = validate_measures(MEASURES, "mine.yaml", origin="user")
    assert list(table["event_session"]) == [t0_2027, t0_2030]
    measures_file = tmp_path / "mine.yaml"
    measures_file.write_text(yaml.safe_dump(MEASURES, allow_unicode=True), encoding="utf-8")
    capsys.readouterr()
    assert data_main(["catalogue", "import", str(measures_file)]) == 0
    err = capsys.readouterr().err
    assert f"m-2027: t0 {t0_2027:%Y-%m-%d} is an inferred session (from " in err
    assert f"m-2030: t0 {t0_2030:%Y-%m-%d} is an inferred session (from " in err
    assert "t0 after 2026-12-31" in export_metadata()["method"]

    # a study on synthetic bars laid on the inferred sessions: no bar dropped, both events
    # estimated, and the note says where the sessions after 2026-12-31 come from
    bars = synthetic_bars(sessions_between("2025-06-01", "2030-12-31"))
    events = [
        Event("m-2027", pd.Timestamp("2027-01-01"), t0_2027),
        Event("m-2030", pd.Timestamp("2030-10-01"), t0_2030),
    ]
    result = study_from_bars(
        bars,
        ["FIRM"],
        events,
        EventStudySpec(),
        all_sessions(),
        "MARKET",
        inferred_sessions=inferred_segments(),
    )
    assert not result.diagnostics
    assert set(result.car_summary["event_id"]) == {"m-2027", "m-2030"}
    assert np.isfinite(result.car_summary["car"]).all()
    assert not any("were ignored" in n.text for n in result.notes)
    assert any(n.text.startswith(note) for n in result.notes if n.kind == "calendar"), result.notes


def test_official_calendar_marks_holidays_and_is_stored_with_the_data(data_dir):
    prepare_source("official")
    stored = json.loads(calendar_path().read_text(encoding="utf-8"))
    assert calendar_path().parent == data_dir / "store" / "calendar"
    assert stored["fetched"] == f"{dt.date.today():%Y-%m-%d}"
    sessions = all_sessions()
    assert not sessions.isin(OFFICIAL_CLOSURES).any()
    assert sessions.is_monotonic_increasing and sessions.is_unique
    # the library's sessions are kept as they are; only later days are added
    assert sessions[: len(library_sessions())].equals(library_sessions())
    assert inferred_source("2027-01-04").startswith("the official akshare calendar fetched")
    assert inferred_source("2026-12-31") is None
    assert inferred_source("2031-01-02") == "weekdays (no holidays known)"  # past Sina's list


def test_demo_and_imported_series_add_no_sessions(data_dir):
    """Only akshare series count: imported files may follow another market's holidays."""
    gap = pd.bdate_range("2027-01-05", "2027-03-01")  # no bar on 2027-01-04
    for source, symbol in (("import", "USINDEX"), ("demo", "000300.SH")):
        bars = synthetic_bars(library_sessions()[-20:].append(gap), symbols=(symbol,))
        Store().write(FetchResult(bars, source, f"{source} series"))
    assert next_session("2027-01-04") == pd.Timestamp("2027-01-04")  # weekdays, not the files
    assert [s.kind for s in inferred_segments()] == ["weekdays"]


def test_a_damaged_calendar_file_is_named_and_the_next_source_takes_over(data_dir):
    path = calendar_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage{")
    problem = load_official_sessions()
    assert isinstance(problem, str) and str(path) in problem
    assert next_session("2027-01-01") == pd.Timestamp("2027-01-01")  # weekdays
    assert path.read_bytes() == b"\x00garbage{"  # left for the user to see, never deleted


def test_the_extended_calendar_is_cached_until_its_file_changes(data_dir):
    first = all_sessions()
    assert all_sessions() is first  # pages call it on every rerun
    prepare_source("official")
    assert all_sessions() is not first
    assert pd.Timestamp("2027-01-01") in first and pd.Timestamp("2027-01-01") not in all_sessions()


def test_dates_past_the_extension_are_still_a_clear_error(data_dir):
    with pytest.raises(CalendarError, match="outside the Shanghai calendar"):
        next_session("2040-01-01")


@responses.activate
def test_refresh_fetches_the_calendar_and_a_failed_fetch_is_not_fatal(data_dir, capsys):
    lines = [kline_line("2026-11-30", 3000, 3010, 3020, 2990)]
    responses.get(
        KLINE_URL,
        json=kline_payload(lines, market=0),
        match=[matchers.query_param_matcher({"secid": "0.399006"}, strict_match=False)],
    )
    failing = responses.get(SINA_CALENDAR_URL, status=500, body="")
    assert data_main(["refresh", "--symbol", "399006.SZ", "--delay", "0"]) == 0
    captured = capsys.readouterr()
    assert "could not fetch the official calendar" in captured.err
    assert "the calendar was not fetched" in captured.err
    assert "refreshed 1 of 1 series" in captured.out
    assert not calendar_path().exists()
    assert data_main(["calendar"]) == 1  # asked for the calendar alone: its failure is the exit
    assert "could not fetch the official calendar" in capsys.readouterr().err

    responses.remove(failing)
    responses.get(SINA_CALENDAR_URL, body=sina_calendar_body(official_sessions(library_sessions())))
    assert data_main(["refresh", "--symbol", "399006.SZ", "--delay", "0"]) == 0
    assert "calendar: " in capsys.readouterr().out
    assert event_session("2027-01-01") == pd.Timestamp("2027-01-04")
    assert data_main(["refresh", "--calendar", "--symbol", "399006.SZ"]) == 2


def test_analysis_cli_study_in_2027_says_the_sessions_are_inferred(data_dir, tmp_path, capsys):
    from analysis.cli import main as analysis_main

    sessions = sessions_between("2025-06-01", "2027-11-30")  # the files refuse dates a year ahead
    bars = synthetic_bars(sessions)
    for symbol in ("FIRM", "MARKET"):
        rows = bars[bars["symbol"] == symbol]
        write_price_csv(tmp_path / f"{symbol}.csv", rows["date"], rows["close"])
    code = analysis_main(
        [
            "study",
            "--prices",
            str(tmp_path / "FIRM.csv"),
            "--market",
            str(tmp_path / "MARKET.csv"),
            "--event-date",
            "2027-06-15",
            "--out",
            str(tmp_path / "out"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    assert "note: sessions after 2026-12-31 are from weekdays (no holidays known)" in err
    summary = (tmp_path / "out" / "car_summary.csv").read_text(encoding="utf-8-sig")
    assert "sessions after 2026-12-31 are from weekdays" in summary  # in the method column


def test_the_demo_does_not_change_with_the_inferred_sessions(data_dir):
    from data_sources.demo import demo_bars

    before = demo_bars("000300.SH", end=pd.Timestamp("2026-11-30"))
    prepare_source("official")
    after = demo_bars("000300.SH", end=pd.Timestamp("2026-11-30"))
    pd.testing.assert_frame_equal(before, after)
    assert demo_bars("000300.SH", end=pd.Timestamp("2031-01-01"))["date"].max() <= library_end()


def test_data_page_fetches_the_calendar_and_names_a_damaged_one(app):
    from tests.apptest_helpers import goto

    goto(app, "pages/data.py")
    assert any("weekdays (no holidays known)" in c.value for c in app.caption)
    with responses.RequestsMock() as http:
        http.get(SINA_CALENDAR_URL, body=sina_calendar_body(official_sessions(library_sessions())))
        app.button(key="calendar_fetch").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Calendar stored:" in s.value for s in app.success)
    assert any("the official akshare calendar fetched" in c.value for c in app.caption)
    assert event_session("2027-01-01") == pd.Timestamp("2027-01-04")

    calendar_path().write_text("{not json", encoding="utf-8")
    app.run()
    assert not app.exception
    assert any("cannot be read and is ignored" in w.value for w in app.warning)
    with responses.RequestsMock() as http:
        http.get(SINA_CALENDAR_URL, status=503)
        app.button(key="calendar_fetch").click().run()
    assert not app.exception
    assert any("The calendar was not fetched" in e.value for e in app.error)


def test_method_page_explains_the_rule(app):
    from tests.apptest_helpers import goto

    goto(app, "pages/method.py")
    text = " ".join(m.value for m in app.markdown)
    assert "After the calendar's end" in text and "weekday" in text
    assert any(c.value.startswith("Sessions after 2026-12-31 are from") for c in app.caption)
