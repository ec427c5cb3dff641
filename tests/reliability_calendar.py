"""Reliability part "calendar end" (issue 11 item 8): dates from 2026-12 to 2031 through the t0
rule, the catalogue import, the analysis CLI and a dashboard study, on each source of the
sessions past exchange_calendars' last one (official akshare calendar, stored series, weekdays).

A case fails when it raises, when t0 is not a session on or after the date, when the official
calendar's closures are treated as sessions, or when a study or an import does not say which
sessions are inferred."""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from tests.reliability import Outcome, data_directory
from tests.sina_calendar import (
    MEASURE,
    OFFICIAL_CLOSURES,
    prepare_source,
    synthetic_bars,
)

SOURCES = ("official", "store", "weekdays")
PART = "calendar end"
#: every 11th day from December 2026 to the end of 2031 (weekends, holidays, leap day included)
DATES = [*pd.date_range("2026-12-01", "2031-12-31", freq="11D"), pd.Timestamp("2028-02-29")]
CLI_DATES = ["2026-12-31", "2027-01-01", "2027-02-10", "2027-06-15", "2027-10-01"]
SOURCE_WORDS = {
    "official": "official akshare calendar",
    "store": "stored series",
    "weekdays": "weekdays (no holidays known)",
}


def _is_inferred_note(text: str) -> bool:
    return "sessions after " in text and " are from " in text


def _event_sessions() -> Outcome:
    from data_sources.trading_calendar import (
        TIMINGS,
        all_sessions,
        event_session,
        inferred_source,
        library_end,
    )

    outcome = Outcome(PART, "event_session (t0 rule) on 3 sources")
    for source in SOURCES:
        with data_directory():
            prepare_source(source)
            sessions = all_sessions()
            for day in DATES:
                for timing in TIMINGS:
                    outcome.cases += 1
                    where = f"{source} {day:%Y-%m-%d} {timing}"
                    try:
                        t0 = event_session(day, timing)
                    except Exception as error:  # counted, not hidden
                        outcome.crash(f"{where}: {type(error).__name__}: {error}")
                        continue
                    if t0 < day or t0 not in sessions:
                        outcome.fail(f"{where}: t0 {t0:%Y-%m-%d} is not a later session")
                    elif t0 > library_end() and not inferred_source(t0):
                        outcome.fail(f"{where}: t0 {t0:%Y-%m-%d} has no source")
                    elif source == "official" and t0 in OFFICIAL_CLOSURES:
                        outcome.fail(f"{where}: t0 {t0:%Y-%m-%d} is an official closure")
    return outcome


def _catalogue_imports() -> Outcome:
    from data_sources.catalogue import load_catalogue
    from data_sources.cli import main
    from data_sources.trading_calendar import event_session, library_end

    outcome = Outcome(PART, "python -m data_sources catalogue import (2027-2031 measures)")
    for source in SOURCES:
        for timing in ("unknown", "after_close", "non_trading_day"):
            outcome.cases += 1
            where = f"{source} {timing}"
            with data_directory() as directory:
                prepare_source(source)
                measures = [
                    {
                        **MEASURE,
                        "id": f"m-{day:%Y%m%d}",
                        "announcement_date": f"{day:%Y-%m-%d}",
                        "timing": timing,
                    }
                    for day in DATES[1::4]
                ]
                path = Path(directory, "mine.yaml")
                path.write_text(yaml.safe_dump(measures, allow_unicode=True), encoding="utf-8")
                stderr = io.StringIO()
                try:
                    with (
                        contextlib.redirect_stderr(stderr),
                        contextlib.redirect_stdout(io.StringIO()),
                    ):
                        code = main(["catalogue", "import", str(path)])
                    table = load_catalogue().set_index("id")
                except Exception as error:
                    outcome.crash(f"{where}: {type(error).__name__}: {error}")
                    continue
                if code != 0:
                    outcome.fail(f"{where}: exit {code}: {stderr.getvalue()[-200:]!r}")
                    continue
                expected = 0
                for measure in measures:
                    t0 = table.at[measure["id"], "event_session"]
                    if t0 != event_session(measure["announcement_date"], timing):
                        outcome.fail(f"{where}: {measure['id']} t0 {t0}")
                    expected += bool(t0 > library_end())
                inferred = stderr.getvalue().count("is an inferred session (from ")
                if inferred != expected or not expected:
                    outcome.fail(f"{where}: {inferred} of {expected} t0 sources noted")
    return outcome


def _studies() -> Outcome:
    from analysis.api import study_from_bars
    from analysis.event_study import Event, EventStudySpec
    from data_sources.trading_calendar import (
        all_sessions,
        event_session,
        inferred_segments,
        sessions_between,
    )

    outcome = Outcome(PART, "study_from_bars (synthetic bars to 2031)")
    for source in SOURCES:
        with data_directory():
            note = prepare_source(source)
            bars = synthetic_bars(sessions_between("2025-06-01", "2031-12-31"))
            for day in DATES[1:-1:3]:
                outcome.cases += 1
                where = f"{source} {day:%Y-%m-%d}"
                try:
                    result = study_from_bars(
                        bars,
                        ["FIRM"],
                        [Event("m", day, event_session(day))],
                        EventStudySpec(),
                        all_sessions(),
                        "MARKET",
                        inferred_sessions=inferred_segments(),
                    )
                except Exception as error:
                    outcome.crash(f"{where}: {type(error).__name__}: {error}")
                    continue
                if len(result.diagnostics) or result.car_summary.empty:
                    outcome.fail(f"{where}: not estimated: {result.diagnostics}")
                elif not any(n.text.startswith(note) for n in result.notes):
                    outcome.fail(f"{where}: notes {result.notes}")
                elif any("were ignored" in n.text for n in result.notes):
                    outcome.rows_lost += 1
    return outcome


def _analysis_cli() -> Outcome:
    from analysis.cli import main
    from data_sources.trading_calendar import sessions_between
    from tests.conftest import write_price_csv

    outcome = Outcome(PART, "python -m analysis study --event-date 2026-12..2027-10")
    for source in SOURCES:
        with data_directory(), tempfile.TemporaryDirectory() as folder:
            prepare_source(source)
            # the files stop within a year of today: the price-file check refuses later dates
            bars = synthetic_bars(sessions_between("2025-06-01", "2027-11-30"))
            for symbol in ("FIRM", "MARKET"):
                rows = bars[bars["symbol"] == symbol]
                write_price_csv(Path(folder, f"{symbol}.csv"), rows["date"], rows["close"])
            for day in CLI_DATES:
                outcome.cases += 1
                where = f"{source} {day}"
                argv = [
                    "study",
                    "--prices",
                    str(Path(folder, "FIRM.csv")),
                    "--market",
                    str(Path(folder, "MARKET.csv")),
                    "--event-date",
                    day,
                    "--out",
                    str(Path(folder, f"out-{day}")),
                ]
                stderr = io.StringIO()
                with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
                    code = main(argv)
                message = stderr.getvalue()
                if "internal error" in message:
                    outcome.crash(f"{where}: {message.strip()[-200:]}")
                elif code != 0:
                    outcome.fail(f"{where}: exit {code}: {message.strip()[-200:]!r}")
                elif not any(_is_inferred_note(line) for line in message.splitlines()):
                    outcome.fail(f"{where}: no note on inferred sessions: {message[-200:]!r}")
                elif "were ignored" in message:
                    outcome.rows_lost += 1
    return outcome


def _dashboard() -> Outcome:
    """The Event study and Policies pages with a 2027 measure and series stored into 2027."""
    from streamlit.testing.v1 import AppTest  # noqa: F401 - fail early without streamlit

    from data_sources.base import FetchResult
    from data_sources.catalogue import add_user_measures
    from data_sources.store import Store
    from data_sources.trading_calendar import sessions_between
    from tests.apptest_helpers import goto, make_app
    from tests.markdown_render import shown
    from tests.reliability import _MonkeyPatch

    outcome = Outcome(PART, "dashboard Event study and Policies (AppTest)")
    for source in SOURCES:
        outcome.cases += 1
        patcher = _MonkeyPatch()
        try:
            with data_directory():
                prepare_source(source)
                # "weekdays": the series are imported files, which add no sessions
                kind = "import" if source == "weekdays" else "akshare"
                dates = sessions_between("2025-06-01", "2027-06-30")
                for seed, symbol in enumerate(("399006.SZ", "000300.SH")):
                    bars = synthetic_bars(dates, symbols=(symbol,), seed=seed)
                    Store().write(FetchResult(bars, kind, f"{kind} {symbol}"))
                measures = [
                    {**MEASURE, "id": "my-2027", "announcement_date": "2027-03-01"},
                    {**MEASURE, "id": "my-2030", "announcement_date": "2030-10-01"},
                ]
                for measure in measures:
                    measure["timing"] = "unknown"
                add_user_measures(measures, "reliability")
                app = make_app(patcher)
                goto(app, "pages/event_study.py")
                app.multiselect(key="study_measures").set_value(["my-2027"]).run()
                app.multiselect(key="study_instruments_my-2027").set_value(["399006.SZ"]).run()
                app.selectbox(key="study_benchmark").set_value("000300.SH").run()
                problems = [e.value for e in app.exception]
                # what a reader sees: notes are escaped markdown
                infos = [shown(i.value) for i in app.info] + [shown(c.value) for c in app.caption]
                if problems:
                    outcome.crash(f"{source}: event study: {problems[0][:200]}")
                    continue
                errors = [e.value for e in app.error]
                if errors:
                    outcome.fail(f"{source}: event study: {errors[0][:200]}")
                elif not any("Sessions after" in text for text in infos) or not any(
                    _is_inferred_note(text) and SOURCE_WORDS[source] in text for text in infos
                ):
                    outcome.fail(f"{source}: event study shows no calendar note: {infos[-3:]}")
                goto(app, "pages/policies.py")
                if app.exception:
                    outcome.crash(f"{source}: policies: {app.exception[0].value[:200]}")
                goto(app, "pages/method.py")
                if not any("Sessions after" in c.value for c in app.caption):
                    outcome.fail(f"{source}: the Method page states no inferred sessions")
        except Exception as error:
            outcome.crash(f"{source}: {type(error).__name__}: {error}")
        finally:
            patcher.undo()
    return outcome


def calendar_end_outcomes() -> list[Outcome]:
    return [_event_sessions(), _catalogue_imports(), _studies(), _analysis_cli(), _dashboard()]
