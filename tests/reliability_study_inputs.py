"""Reliability part "study inputs" (issue 11, items 4 and 7): events that share a session and
degenerate series, through the CLI, the API and the dashboard (AppTest).

* **same-session events**: pairs and triples of event dates that map to one session (a
  weekend before its Monday, a holiday before the next session), with one and two
  instruments. The CLI and the dashboard must merge them (one event, a note naming the
  session); the API (``run_event_study`` with the events as given) must give NaN with a note
  where a cross-sectional SD is zero. A *failure* is a ±inf anywhere in any output table, a
  missing note, or two events left on one session.
* **degenerate series**: a constant benchmark, an instrument identical to the benchmark, a
  constant instrument, an all-missing event window, a CAR window outside the event window (and
  a log-return study over an infinite close). Each must exit 2 (CLI) or show the diagnostics
  (dashboard) with its own message, never "no returns" for a flat benchmark nor a
  RuntimeWarning. A *crash* is the CLI's internal-error path or Streamlit's exception box.

Nothing here touches the network; the dashboard runs on the demo store plus series written
for the purpose.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from tests.reliability import Outcome, _MonkeyPatch, data_directory, no_sleeping

# Dates → the session they map to (Shanghai calendar): a weekend before its Monday, the
# National Day week before the next session, and a plain session with the Saturday before it.
SAME_SESSION_GROUPS = [
    ("2020-08-22", "2020-08-24"),
    ("2020-08-23", "2020-08-22", "2020-08-24"),
    ("2020-10-01", "2020-10-05", "2020-10-09"),
    ("2020-07-25", "2020-07-27"),
]


def _price_files(folder: Path, seed: int = 11) -> dict[str, str]:
    """STOCK, STOCK2, MKT; FLAT (constant), SAME (MKT's closes, another name), HOLE (no closes
    around 2020-08-24), ESTHOLE and MKTESTHOLE (none over its estimation window) and INF (an
    infinite close)."""
    from data_sources.trading_calendar import sessions_between

    rng = np.random.default_rng(seed)
    sessions = sessions_between("2019-01-02", "2021-06-30")
    market = 3000 * np.cumprod(1 + rng.normal(0.0003, 0.012, len(sessions)))
    market_returns = np.diff(np.log(np.r_[3000, market]))
    stock = 50 * np.cumprod(1 + 1.2 * market_returns + rng.normal(0, 0.01, len(sessions)))
    stock2 = 20 * np.cumprod(1 + 0.7 * market_returns + rng.normal(0, 0.01, len(sessions)))
    hole = (sessions >= "2020-08-10") & (sessions <= "2020-09-10")
    # no closes over the estimation window of 2020-08-24 ([-250, -11] sessions)
    est_hole = (sessions >= "2019-08-01") & (sessions <= "2020-08-01")
    frames = {
        "STOCK": (sessions, stock),
        "STOCK2": (sessions, stock2),
        "MKT": (sessions, market),
        "FLAT": (sessions, np.full(len(sessions), 100.0)),
        "SAME": (sessions, market),
        "HOLE": (sessions[~hole], stock[~hole]),
        "ESTHOLE": (sessions[~est_hole], stock[~est_hole]),
        "MKTESTHOLE": (sessions[~est_hole], market[~est_hole]),
        "INF": (sessions, np.where(np.arange(len(sessions)) == 100, np.inf, stock)),
    }
    paths = {}
    for name, (dates, closes) in frames.items():
        path = folder / f"{name}.csv"
        table = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "close": closes})
        path.write_text(table.to_csv(index=False), encoding="utf-8")
        paths[name] = str(path)
    return paths


def _run_cli(argv: list[str]) -> tuple[int, str]:
    """``python -m analysis`` in-process: exit code and stderr (RuntimeWarnings included)."""
    from analysis.cli import main

    stderr = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(stderr):
        warnings.simplefilter("always")
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(argv)
    text = stderr.getvalue() + "".join(
        f"\n{w.category.__name__}: {w.message}" for w in caught if w.category is RuntimeWarning
    )
    return code, text


def _infinite_cells(folder: Path) -> list[str]:
    """Names of the output CSVs with a ±inf in any numeric cell."""
    found = []
    for path in sorted(folder.glob("*.csv")):
        table = pd.read_csv(path)
        numbers = table.select_dtypes("number").to_numpy(dtype=float)
        if np.isinf(numbers).any():
            found.append(path.name)
    return found


def _frames_with_inf(frames: dict[str, pd.DataFrame]) -> list[str]:
    return [
        name
        for name, frame in frames.items()
        if np.isinf(frame.select_dtypes("number").to_numpy(dtype=float)).any()
    ]


# -- same-session events ---------------------------------------------------------------------
def same_session_cli(folder: Path, files: dict[str, str]) -> Outcome:
    outcome = Outcome("same-session events", "CLI python -m analysis study")
    for group in SAME_SESSION_GROUPS:
        for instruments in (["STOCK"], ["STOCK", "STOCK2"]):
            for how in ("warn", "merge"):
                outcome.cases += 1
                out = folder / f"same-{outcome.cases}"
                argv = ["study", "--market", files["MKT"], "--out", str(out), "--overlap", how]
                for name in instruments:
                    argv += ["--prices", files[name]]
                for date in group:
                    argv += ["--event-date", date]
                code, err = _run_cli(argv)
                where = f"{group} {instruments} {how}"
                if code == 1:
                    outcome.crash(f"{where}: {err.strip()[-200:]}")
                    continue
                if code != 0:
                    outcome.fail(f"{where}: exit {code}: {err.strip()[-200:]}")
                    continue
                if "share the event session" not in err and "merged into one event" not in err:
                    outcome.fail(f"{where}: no note on the shared session: {err[-200:]!r}")
                if "RuntimeWarning" in err:
                    outcome.fail(f"{where}: RuntimeWarning on stderr")
                bad = _infinite_cells(out)
                if bad:
                    outcome.fail(f"{where}: ±inf in {bad}")
                summary = pd.read_csv(out / "car_summary.csv")
                if summary["event_session"].nunique() != summary["event_id"].nunique():
                    outcome.fail(f"{where}: two events left on one session")
    return outcome


def same_session_api() -> Outcome:
    """The events exactly as given (no merge): NaN with a note where an SD is zero."""
    from analysis.event_study import Event, EventStudySpec, run_event_study

    outcome = Outcome("same-session events", "API run_event_study (events as given)")
    rng = np.random.default_rng(5)
    sessions = pd.bdate_range("2020-01-01", periods=400, name="date")
    market = pd.Series(rng.normal(0.0003, 0.012, 400), index=sessions)
    for n_instruments in (1, 2, 3):
        returns = pd.DataFrame(
            market.to_numpy()[:, None] * np.linspace(0.6, 1.4, n_instruments)
            + rng.normal(0, 0.01, (400, n_instruments)),
            index=sessions,
            columns=[f"S{i}" for i in range(n_instruments)],
        )
        for copies in (2, 3):
            for conventions in ("textbook", "estudy2"):
                outcome.cases += 1
                from analysis.event_study import Conventions

                t0 = sessions[300]
                events = [Event(f"e{k}", t0 - pd.Timedelta(days=k), t0) for k in range(copies)]
                spec = EventStudySpec(conventions=Conventions.preset(conventions))
                where = f"{n_instruments} instrument(s), {copies} events, {conventions}"
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("error", RuntimeWarning)
                        result = run_event_study(returns, events, spec, market, "MKT")
                except Exception as error:  # counted as a crash
                    outcome.crash(f"{where}: {type(error).__name__}: {error}")
                    continue
                bad = _frames_with_inf(result.frames())
                if bad:
                    outcome.fail(f"{where}: ±inf in {bad}")
                pooled = result.tests[result.tests["event_id"] == "pooled"]
                cross = pooled[pooled["statistic"] == "cross_sectional_t"]["value"]
                if n_instruments == 1 and (cross.notna().any() or not result.test_notes):
                    outcome.fail(f"{where}: pooled t of identical pairs not NaN with a note")
    return outcome


def same_session_dashboard() -> Outcome:
    """The catalogue's 2020-07-27 pair (mid-year meeting, unverified; NEEQ select tier) and the
    2024-09-24/26 pair under each overlap rule, plus user measures on one session."""
    from tests.apptest_helpers import goto, make_app
    from tests.markdown_render import shown

    outcome = Outcome("same-session events", "dashboard Event study (AppTest)")
    patcher = _MonkeyPatch()
    pair = ["csrc-midyear-meeting-2020", "neeq-select-tier-2020"]
    with data_directory(), no_sleeping():
        app = make_app(patcher)
        app.session_state["include_unverified"] = True
        goto(app, "pages/event_study.py")
        for how in ("warn", "merge", "drop"):
            for instruments in (1, 3):
                outcome.cases += 1
                where = f"{how}, {instruments} instrument(s)"
                app.multiselect(key="study_measures").set_value(pair).run()
                key = f"study_instruments_{'_'.join(sorted(pair))}"
                chosen = ["399006.SZ", "000905.SH", "399975.SZ"][:instruments]
                app.multiselect(key=key).set_value(chosen)
                # hand-picked instruments around both measures (pairing by segments would
                # leave ChiNext out of the NEEQ and mid-year measures)
                app.radio(key="study_pairing").set_value("all")
                app.radio(key="study_overlap").set_value(how).run()
                if app.exception:
                    outcome.crash(f"{where}: {app.exception[0].value[:200]}")
                    continue
                said = " ".join(shown(m.value) for m in [*app.warning, *app.info])
                if "share the event session" not in said and "2020-07-27" not in said:
                    outcome.fail(f"{where}: no message about the shared session")
                for frame in app.dataframe:
                    table = frame.value
                    numbers = table.select_dtypes("number").to_numpy(dtype=float)
                    if np.isinf(numbers).any():
                        outcome.fail(f"{where}: ±inf in a table with {list(table.columns)[:4]}")
                    if "event_id" in table.columns and how != "drop":
                        ids = set(table["event_id"].dropna()) - {"pooled", ""}
                        if ids & set(pair):
                            outcome.fail(f"{where}: the two measures studied apart: {ids}")
    patcher.undo()
    return outcome


# -- degenerate series -----------------------------------------------------------------------
DEGENERATE_CLI_CASES = [
    # (instrument, market, extra arguments, expected exit code, expected text)
    ("STOCK", "FLAT", (), 2, "benchmark FLAT has zero variance over the estimation window"),
    (
        "STOCK",
        "FLAT",
        ("--returns", "log"),
        2,
        "benchmark FLAT has zero variance over the estimation window",
    ),
    ("SAME", "MKT", (), 2, "instrument SAME is identical to the benchmark MKT"),
    ("SAME", "MKT", ("--model", "market-adjusted"), 2, "its abnormal returns are all zero"),
    ("FLAT", "MKT", (), 2, "instrument FLAT has constant returns over the estimation window"),
    ("FLAT", "MKT", ("--model", "constant-mean"), 2, "instrument FLAT has constant returns"),
    ("HOLE", "MKT", (), 2, "no returns in the event window [-5, 5] around 2020-08-24"),
    (
        "ESTHOLE",
        "MKT",
        (),
        2,
        "valid estimation returns in [-250, -11] around 2020-08-24 (minimum 120)",
    ),
    (
        "STOCK",
        "MKTESTHOLE",
        (),
        2,
        "benchmark MKTESTHOLE has only 4 valid returns in the estimation window",
    ),
    ("STOCK", "HOLE", ("--model", "market-adjusted"), 2, "benchmark HOLE has no returns"),
    ("STOCK", "MKT", ("--car-window", "10", "20"), 2, "--car-window [10, 20] is not inside"),
    ("STOCK", "MKT", ("--car-window", "-8", "0"), 2, "event window [-5, 5]"),
    (
        "STOCK",
        "MKT",
        ("--car-window", "0", "3", "--window", "-2", "2"),
        2,
        "--car-window [0, 3] is not inside the event window [-2, 2]",
    ),
    ("SAME", "MKT", ("--skip-invalid",), 2, "every instrument-event was skipped"),
    ("STOCK", "FLAT", ("--placebo", "20"), 2, "benchmark FLAT has zero variance"),
    ("SAME", "MKT", ("--placebo", "20", "--volume"), 2, "identical to the benchmark MKT"),
    ("STOCK", "MKT", ("--returns", "log"), 0, ""),
]


def degenerate_cli(folder: Path, files: dict[str, str]) -> Outcome:
    outcome = Outcome("degenerate series", "CLI python -m analysis study")
    cases = list(DEGENERATE_CLI_CASES)
    # an infinite close: refused by the file reader (exit 2 naming the file) or treated as
    # missing with a note; never a RuntimeWarning from the log
    cases.append(("INF", "MKT", ("--returns", "log"), None, "INF"))
    for number, (instrument, market, extra, code_wanted, text) in enumerate(cases):
        outcome.cases += 1
        argv = ["study", "--prices", files[instrument], "--market", files[market]]
        argv += ["--event-date", "2020-08-24", "--out", str(folder / f"deg-{number}"), *extra]
        code, err = _run_cli(argv)
        where = f"{instrument} vs {market} {' '.join(extra)}"
        if code == 1:
            outcome.crash(f"{where}: {err.strip()[-200:]}")
            continue
        if "RuntimeWarning" in err:
            outcome.fail(f"{where}: RuntimeWarning on stderr")
        if code_wanted is not None and code != code_wanted:
            outcome.fail(f"{where}: exit {code}, wanted {code_wanted}: {err.strip()[-160:]}")
        elif text and text not in err:
            outcome.fail(f"{where}: message lacks {text!r}: {err.strip()[-200:]!r}")
        lines = [
            line
            for line in err.strip().splitlines()
            if not line.startswith(("note: ", "skipped: "))
        ]
        if code == 2 and len(lines) != 1:
            outcome.fail(f"{where}: not one line of error: {err!r}")
        if ": no returns in the event window" in err and instrument != "HOLE":
            outcome.fail(f"{where}: the misleading 'no returns' message")
    return outcome


def _store_series(symbol: str, dates: pd.DatetimeIndex, closes: np.ndarray) -> None:
    from data_sources.base import FetchResult
    from data_sources.schema import to_canonical
    from data_sources.store import Store

    bars = to_canonical(pd.DataFrame({"date": dates, "close": closes}), symbol)
    Store().write(FetchResult(bars, "import", f"file {symbol}.csv"))


def degenerate_dashboard() -> Outcome:
    """A constant benchmark, an instrument identical to the benchmark and a constant instrument,
    stored beside the demo data and studied on the Event study page."""
    from data_sources.store import Store
    from tests.apptest_helpers import goto, make_app, open_sections
    from tests.markdown_render import shown

    outcome = Outcome("degenerate series", "dashboard Event study (AppTest)")
    patcher = _MonkeyPatch()
    with data_directory(), no_sleeping():
        app = make_app(patcher)
        benchmark = Store().read(["000300.SH"])
        dates = pd.DatetimeIndex(benchmark["date"])
        _store_series("FLAT.X", dates, np.full(len(dates), 100.0))
        _store_series("SAME.X", dates, benchmark["close"].to_numpy())
        goto(open_sections(app), "pages/event_study.py")  # the diagnostics are in one
        measure = ["chinext-first-listings-2020"]
        app.multiselect(key="study_measures").set_value(measure).run()
        key = f"study_instruments_{measure[0]}"
        cases = [
            # (instruments, benchmark, model, expected text in the page's messages)
            (["399006.SZ"], "FLAT.X", "market", "benchmark FLAT.X has zero variance"),
            (["SAME.X"], "000300.SH", "market", "instrument SAME.X is identical to the benchmark"),
            (["SAME.X"], "000300.SH", "market-adjusted", "its abnormal returns are all zero"),
            (["FLAT.X"], "000300.SH", "market", "instrument FLAT.X has constant returns"),
            (["FLAT.X"], "000300.SH", "constant-mean", "instrument FLAT.X has constant returns"),
        ]
        for instruments, market, model, text in cases:
            outcome.cases += 1
            where = f"{instruments} vs {market} ({model})"
            try:
                app.multiselect(key=key).set_value(instruments)
                app.selectbox(key="study_benchmark").set_value(market)
                app.radio(key="study_model").set_value(model).run()
            except Exception as error:  # AppTest could not drive the page
                outcome.crash(f"{where}: {type(error).__name__}: {error}")
                continue
            if app.exception:
                outcome.crash(f"{where}: {app.exception[0].value[:200]}")
                continue
            errors = " ".join(shown(e.value) for e in app.error)
            if text not in errors:
                outcome.fail(f"{where}: the error lacks {text!r}: {errors[:200]!r}")
            reasons = " ".join(
                " ".join(map(str, f.value["reason"]))
                for f in app.dataframe
                if "reason" in f.value.columns
            )
            if text not in reasons:
                outcome.fail(f"{where}: the diagnostics lack {text!r}")
    patcher.undo()
    return outcome


def study_inputs(dashboard: bool = True) -> list[Outcome]:
    """Every part of this family (``dashboard=False`` leaves out the AppTest parts)."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        files = _price_files(folder)
        outcomes = [
            same_session_cli(folder, files),
            same_session_api(),
            degenerate_cli(folder, files),
        ]
    if dashboard:
        outcomes += [same_session_dashboard(), degenerate_dashboard()]
    return outcomes


if __name__ == "__main__":
    for row in study_inputs():
        print(row.part, "|", row.entry_point, "|", row.cases, row.failures, row.crashes, row.notes)
