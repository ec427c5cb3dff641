"""``python -m analysis study``: the dashboard's event study, headless.

Exit codes: 0 success; 2 bad input (one line on stderr naming the problem); 1 an unexpected
internal error (one line; set POLICYLENS_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import traceback
from dataclasses import replace
from pathlib import Path

import pandas as pd

from analysis.event_study import (
    DEFAULT_CAR_WINDOWS,
    Conventions,
    Event,
    EventStudyInputError,
    EventStudySpec,
)
from analysis.models import MODELS
from analysis.overlaps import OVERLAP_CHOICES, resolve_overlaps
from analysis.records import Diagnostic
from analysis.returns import RETURN_KINDS
from analysis.statistics import STATISTICS
from analysis.study import study_from_bars
from data_sources.errors import DataSourceError
from data_sources.files import check_file_size, parse_price_csv
from data_sources.schema import check_stored_symbol, check_symbol
from data_sources.trading_calendar import (
    CalendarError,
    all_sessions,
    inferred_segments,
    next_session,
)

PROGRAM = "python -m analysis"


class UsageError(Exception):
    """Bad input on the command line or in an input file: exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one clear line instead of usage + message
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROGRAM, description="PolicyLens event studies from the command line.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    study = commands.add_parser(
        "study",
        help="abnormal returns and CARs around event dates",
        description="Market-model (or constant-mean / market-adjusted) event study. Each price "
        "file is a CSV with date and close columns (also 日期/收盘); the instrument id is the "
        "file name without its extension.",
    )
    study.add_argument(
        "--prices",
        action="append",
        required=True,
        metavar="FILE",
        help="price file of one instrument (repeatable)",
    )
    study.add_argument("--market", metavar="FILE", help="benchmark price file (e.g. CSI 300)")
    study.add_argument(
        "--event-date",
        action="append",
        required=True,
        metavar="YYYY-MM-DD",
        help="event (announcement) date; a non-session maps to the next session (repeatable)",
    )
    study.add_argument(
        "--overlap",
        choices=OVERLAP_CHOICES,
        default="warn",
        help="events whose windows overlap: warn (default; study each, but events that map to "
        "one session are always merged into one), merge (one event per cluster at its first "
        "session) or drop",
    )
    study.add_argument("--model", choices=MODELS, default="market")
    study.add_argument(
        "--estimation",
        nargs=2,
        type=int,
        default=[-250, -11],
        metavar=("A", "B"),
        help="estimation window in relative sessions (default -250 -11)",
    )
    study.add_argument(
        "--window",
        nargs=2,
        type=int,
        default=[-5, 5],
        metavar=("A", "B"),
        help="event window in relative sessions (default -5 5)",
    )
    study.add_argument("--returns", choices=RETURN_KINDS, default="simple")
    study.add_argument(
        "--min-estimation",
        type=int,
        default=120,
        metavar="N",
        help="fewest valid estimation returns to accept (default 120)",
    )
    study.add_argument(
        "--calendar",
        choices=("xshg", "data"),
        default="xshg",
        help="sessions that define relative days: the Shanghai calendar "
        "(default) or the dates present in the files (for non-Chinese data)",
    )
    study.add_argument(
        "--skip-invalid",
        action="store_true",
        help="write results for the valid instrument-events and list the rest instead of failing",
    )
    study.add_argument("--out", required=True, metavar="DIR", help="output directory")
    study.add_argument(
        "--test",
        action="append",
        choices=list(STATISTICS),
        metavar="NAME",
        help="statistic for DIR/tests.csv (repeatable; default all): " + ", ".join(STATISTICS),
    )
    study.add_argument(
        "--car-window",
        action="append",
        nargs=2,
        type=int,
        metavar=("A", "B"),
        help="CAR window in relative sessions (repeatable; default 0 0, 0 1, -1 1, 0 5, -5 5); "
        "the event window is always reported first",
    )
    study.add_argument(
        "--placebo",
        type=int,
        default=0,
        metavar="N",
        help="placebo test with N pseudo-event sessions (one event only); writes "
        "DIR/placebo.csv and DIR/placebo_summary.csv",
    )
    study.add_argument("--seed", type=int, default=20200727, help="placebo seed")
    study.add_argument(
        "--conventions",
        choices=Conventions.PRESETS,
        default="textbook",
        help="variance/test conventions: textbook (default), estudy2, eventstudy",
    )
    study.add_argument(
        "--bh", action="store_true", help="add Benjamini-Hochberg p-values across events"
    )
    study.add_argument(
        "--volume",
        action="store_true",
        help="also abnormal volume and volatility (needs a volume column)",
    )
    study.add_argument(
        "--diagnostics", action="store_true", help="always write DIR/diagnostics.csv"
    )
    return parser


def _read_price_file(path_text: str) -> tuple[pd.DataFrame, str]:
    path = Path(path_text)
    if not path.is_file():
        raise UsageError(f"price file {path_text} does not exist")
    check_file_size(path.stat().st_size, f"file {path.name}")  # before reading it
    content = path.read_bytes()
    try:
        symbol = check_symbol(path.stem)
    except DataSourceError:
        # A study stores nothing, so a file name in any script (沪深300.csv) may label its rows;
        # only stored series names must be ASCII (look-alikes would make a second series).
        symbol = None
    bars = parse_price_csv(content, path.name, symbol or "instrument")
    if symbol is None:
        bars = bars.assign(symbol=check_stored_symbol(path.stem))
    vintage = (
        f"file {path.name} sha256 {hashlib.sha256(content).hexdigest()[:12]} "
        f"({bars['date'].iloc[0]:%Y-%m-%d} to {bars['date'].iloc[-1]:%Y-%m-%d}, "
        f"{len(bars)} rows)"
    )
    return bars, vintage


def _parse_event_date(text: str) -> pd.Timestamp:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise UsageError(f"--event-date {text!r} is not a YYYY-MM-DD date")
    try:
        return pd.Timestamp(text.strip())
    except ValueError:
        raise UsageError(f"--event-date {text!r} is not a real date") from None


def run_study(args: argparse.Namespace) -> int:
    spec = EventStudySpec(
        model=args.model,
        estimation_window=tuple(args.estimation),
        event_window=tuple(args.window),
        returns=args.returns,
        min_estimation=args.min_estimation,
        car_windows=tuple(tuple(w) for w in args.car_window or DEFAULT_CAR_WINDOWS),
        conventions=Conventions.preset(args.conventions),
    )
    # a CAR window asked for that the event window does not cover has no ARs: refused (the
    # default windows outside a narrower --window are left out, as in the dashboard)
    if args.car_window and spec.dropped_windows:
        outside = ", ".join(f"[{a}, {b}]" for a, b in spec.dropped_windows)
        raise UsageError(
            f"--car-window {outside} is not inside the event window "
            f"[{spec.event_window[0]}, {spec.event_window[1]}]; widen --window or choose a CAR "
            "window inside it"
        )
    if args.placebo < 0:
        raise UsageError("--placebo N must be a positive number of draws")
    if args.model != "constant-mean" and not args.market:
        raise UsageError(f"--market FILE is required for the {args.model} model")
    frames, vintages, instruments = [], [], []
    for path_text in args.prices:
        bars, vintage = _read_price_file(path_text)
        symbol = bars["symbol"].iloc[0]
        if symbol in instruments:
            raise UsageError(f"two --prices files are both named {symbol!r}")
        instruments.append(symbol)
        frames.append(bars)
        vintages.append(vintage)
    market_symbol = None
    if args.market and args.model != "constant-mean":
        market_bars, vintage = _read_price_file(args.market)
        market_symbol = market_bars["symbol"].iloc[0]
        if market_symbol not in instruments:
            frames.append(market_bars)
        vintages.append(f"market {vintage}")
    bars = pd.concat(frames, ignore_index=True)

    if args.calendar == "xshg":
        sessions = all_sessions()
    else:
        sessions = pd.DatetimeIndex(sorted(bars["date"].unique()), name="date")
    events = []
    for text in dict.fromkeys(args.event_date):
        date = _parse_event_date(text)
        if args.calendar == "xshg":
            session = next_session(date)
        else:
            later = sessions[sessions >= date]
            if later.empty:
                raise UsageError(f"event {date:%Y-%m-%d} is after the last date in the data")
            session = later[0]
        events.append(Event(f"{date:%Y-%m-%d}", date, session))
    # two dates on one session are one observation: merged (even under "warn"), with a note
    events, overlap_notes = resolve_overlaps(events, [], sessions, spec.event_window, args.overlap)
    if not events:
        raise UsageError(
            "every --event-date was dropped for overlapping another (--overlap drop): "
            + "; ".join(overlap_notes)
        )

    if args.placebo and len(events) != 1:
        raise UsageError("--placebo needs exactly one --event-date")
    excluded = []
    if args.placebo and args.calendar == "xshg":  # pseudo-events avoid every catalogue event
        from data_sources.catalogue import load_catalogue

        excluded = list(load_catalogue()["event_session"].dropna())
    result = study_from_bars(
        bars,
        instruments,
        events,
        spec,
        sessions,
        market_symbol,
        statistics=args.test,
        adjust_bh=args.bh,
        placebo_draws=args.placebo,
        placebo_seed=args.seed,
        excluded_sessions=excluded,
        responses=args.volume,
        inferred_sessions=inferred_segments() if args.calendar == "xshg" else (),
    )
    if overlap_notes:
        overlap_rows = tuple(
            Diagnostic("", pd.NaT, "", f"overlap ({args.overlap})", note) for note in overlap_notes
        )
        result = replace(
            result,
            notes=(*overlap_notes, *result.notes),
            diagnostic_records=(*overlap_rows, *result.diagnostic_records),
        )
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    skipped = result.diagnostics[result.diagnostics["status"] == "skipped"]
    if len(skipped) and not args.skip_invalid:
        first = skipped.iloc[0]
        more = (
            f" (and {len(skipped) - 1} more; --skip-invalid keeps the rest)"
            if len(skipped) > 1
            else ""
        )
        raise UsageError(
            f"{first['instrument']} around {first['event_id']}: {first['reason']}{more}"
        )
    for row in skipped.itertuples():
        print(f"skipped: {row.instrument} around {row.event_id}: {row.reason}", file=sys.stderr)
    if result.panel is None:  # --skip-invalid, and every instrument-event was skipped
        first = skipped.iloc[0]
        raise UsageError(
            f"nothing to write: every instrument-event was skipped (first: {first['instrument']}"
            f" around {first['event_id']}: {first['reason']})"
        )
    calendar_text = (
        "Shanghai (XSHG) sessions"
        if args.calendar == "xshg"
        else "the dates present in the input files"
    )
    inferred = [n for n in result.notes if n.startswith("sessions after ")]
    calendar_text += "".join(f" ({note})" for note in inferred)
    benchmark = f"; benchmark {market_symbol}" if market_symbol else ""
    if overlap_notes:
        benchmark += f"; overlapping event windows: {args.overlap}"
    metadata = {
        "method": f"{spec.describe()}{benchmark}; relative days count {calendar_text}",
        "data_mode": "imported files",
        "data_vintage": "; ".join(vintages),
    }
    names = ["abnormal_returns", "car_summary", "tests"]
    if len(result.diagnostics) or args.diagnostics:
        names.append("diagnostics")
    names += [
        n
        for n in (
            "placebo",
            "placebo_summary",
            "abnormal_volume",
            "abnormal_volume_tests",
            "abnormal_volatility",
            "abnormal_volatility_tests",
        )
        if n in result.frames()
    ]
    written = result.to_csv(args.out, metadata, names)
    for path in written:
        print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return run_study(args)
    except (UsageError, EventStudyInputError, DataSourceError, CalendarError) as error:
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(
            f"{PROGRAM}: error: {error.strerror or error}: {error.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return 2
    except Exception as error:  # never a traceback for a user, unless asked
        if os.environ.get("POLICYLENS_DEBUG"):
            traceback.print_exc()
        print(f"{PROGRAM}: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
