"""``python -m analysis study``: the dashboard's event study, headless.

Exit codes: 0 success; 2 bad input (one line on stderr naming the problem); 1 an unexpected
internal error (one line; set POLICYLENS_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import sys
import traceback
from pathlib import Path

from analysis.api import (
    DEFAULT_BENCHMARK,
    PAIRINGS,
    PriceFiles,
    StoreSource,
    StudyRequest,
    resolve,
    run,
)
from analysis.event_study import DEFAULT_CAR_WINDOWS, Conventions, EventStudyInputError
from analysis.models import MODELS
from analysis.overlaps import OVERLAP_CHOICES
from analysis.returns import RETURN_KINDS
from analysis.statistics import STATISTICS
from data_sources.errors import DataSourceError
from data_sources.trading_calendar import CalendarError

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
        description="Market-model (or constant-mean / market-adjusted) event study: the "
        "dashboard's study (analysis.api), headless. Prices come from files (--prices: CSV or "
        "Excel with date and close columns, also 日期/收盘; the instrument id is the file name "
        "without its extension) or from the local store (--instrument; POLICYLENS_DATA_DIR). "
        "Events are catalogue measures (--measure) and/or dates (--event-date).",
    )
    study.add_argument(
        "--prices",
        action="append",
        metavar="FILE",
        help="price file of one instrument (repeatable)",
    )
    study.add_argument("--market", metavar="FILE", help="benchmark price file (e.g. CSI 300)")
    study.add_argument(
        "--instrument",
        action="append",
        metavar="SYMBOL",
        help="a stored series, e.g. 399006.SZ (repeatable; default with --measure: the stored "
        "instruments of the segments the measures touch)",
    )
    study.add_argument(
        "--benchmark",
        metavar="SYMBOL",
        help=f"stored benchmark series (default {DEFAULT_BENCHMARK}); with --prices use --market",
    )
    study.add_argument(
        "--event-date",
        action="append",
        metavar="YYYY-MM-DD",
        help="event (announcement) date; a non-session maps to the next session (repeatable)",
    )
    study.add_argument(
        "--measure",
        action="append",
        metavar="ID",
        help="catalogue measure id, e.g. chinext-first-listings-2020 (repeatable); its t0 "
        "comes from the catalogue and overlaps are checked against the whole catalogue",
    )
    study.add_argument(
        "--include-unverified",
        action="store_true",
        help="allow --measure to name measures whose dates are unverified",
    )
    study.add_argument(
        "--no-market-wide-rule",
        action="store_true",
        help="measure market-wide indices with the chosen model too (by default they use the "
        "constant-mean model, so a broad benchmark does not regress the market on itself)",
    )
    study.add_argument(
        "--date-format",
        metavar="FORMAT",
        help="strptime format of the price files' date column when it is ambiguous, e.g. "
        "%%d/%%m/%%Y",
    )
    study.add_argument(
        "--overlap",
        choices=OVERLAP_CHOICES,
        default="warn",
        help="events whose windows overlap: warn (default; study each, but events that map to "
        "one session are always merged into one), merge (one event per cluster at its first "
        "session; a cluster takes the later events whose t0 lies in its first event's window) or "
        "drop (every event whose window overlaps another's; two on one session are both "
        "dropped)",
    )
    study.add_argument(
        "--keep-contaminated-estimation",
        action="store_true",
        help="keep the sessions of other events' windows (catalogue measures and the other "
        "events of this study) in each event's estimation window; by default they are left "
        "out, and a note names them either way",
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
    study.add_argument(
        "--attribute-suspensions",
        action="store_true",
        help="book the return over a suspension (last close before, first close after) on the "
        "resumption day; by default that day's return is missing, like the suspended sessions",
    )
    study.add_argument(
        "--pairing",
        choices=PAIRINGS,
        default="all",
        help="all (default): every instrument around every measure; segments: each measure "
        "only on the instruments of its own segments (after its segment overrides), from "
        "--instrument or, when none, from the stored series (a theme-wide study)",
    )
    study.add_argument(
        "--report",
        metavar="FILE",
        help="also write the study as one self-contained HTML report (charts included, opens "
        "offline in any browser), e.g. report.html",
    )
    study.add_argument(
        "--report-language", choices=("en", "zh"), default="en", help="language of --report"
    )
    return parser


def request_from_args(args: argparse.Namespace) -> StudyRequest:
    """The :class:`~analysis.api.StudyRequest` the command line asks for."""
    if args.prices and args.instrument:
        raise UsageError("use either --prices FILE (files) or --instrument SYMBOL (the store)")
    if args.market and not args.prices:
        raise UsageError("--market FILE goes with --prices FILE; for the store use --benchmark")
    if args.prices and args.benchmark:
        raise UsageError("--benchmark SYMBOL reads the store; with --prices use --market FILE")
    if not args.event_date and not args.measure:
        raise UsageError("name at least one --event-date or --measure")
    if args.placebo < 0:
        raise UsageError("--placebo N must be a positive number of draws")
    for text in args.event_date or ():
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise UsageError(f"--event-date {text!r} is not a YYYY-MM-DD date")
    instruments = args.instrument or [Path(p).stem for p in args.prices or ()]
    if args.prices:
        benchmark = Path(args.market).stem if args.market else None
    else:
        benchmark = args.benchmark or DEFAULT_BENCHMARK
    if args.model != "constant-mean" and not benchmark:
        raise UsageError(f"--market FILE is required for the {args.model} model")
    request = StudyRequest(
        measures=tuple(args.measure or ()),
        dates=tuple(text.strip() for text in args.event_date or ()),
        instruments=tuple(instruments),
        benchmark=benchmark,
        model=args.model,
        estimation_window=tuple(args.estimation),
        event_window=tuple(args.window),
        car_windows=tuple(tuple(w) for w in args.car_window or DEFAULT_CAR_WINDOWS),
        returns=args.returns,
        min_estimation=args.min_estimation,
        conventions=args.conventions,
        statistics=tuple(args.test) if args.test else None,
        adjust_bh=args.bh,
        overlap=args.overlap,
        market_wide_constant_mean=not args.no_market_wide_rule,
        placebo_draws=args.placebo,
        placebo_seed=args.seed,
        responses=args.volume,
        calendar=args.calendar,
        include_unverified=args.include_unverified,
        clean_estimation=not args.keep_contaminated_estimation,
        attribute_suspensions=args.attribute_suspensions,
        pairing=args.pairing,
    )
    # a CAR window asked for that the event window does not cover has no ARs: refused (the
    # default windows outside a narrower --window are left out, as in the dashboard)
    spec = request.spec()
    if args.car_window and spec.dropped_windows:
        outside = ", ".join(f"[{a}, {b}]" for a, b in spec.dropped_windows)
        raise UsageError(
            f"--car-window {outside} is not inside the event window "
            f"[{spec.event_window[0]}, {spec.event_window[1]}]; widen --window or choose a CAR "
            "window inside it"
        )
    return request


def _cli_reason(reason: str) -> str:
    """A skip reason in this front end's words: the option that turns the estimation cleaning
    off is named (the engine's message is the same for the dashboard's checkbox)."""
    return reason.replace(
        "turn the estimation cleaning off",
        "turn the estimation cleaning off with --keep-contaminated-estimation",
    )


def run_study_command(args: argparse.Namespace) -> int:
    request = request_from_args(args)
    if args.prices:
        paths = list(args.prices)
        if args.market and args.model != "constant-mean":
            paths.append(args.market)
        source = PriceFiles(dict.fromkeys(paths), date_format=args.date_format)
    else:
        source = StoreSource()
    resolved = resolve(request, source)
    if request.placebo_draws and len(resolved.events) != 1:
        raise UsageError(
            "--placebo needs exactly one event (one --measure or --event-date); this study "
            f"has {len(resolved.events)}: {', '.join(e.event_id for e in resolved.events)}"
        )
    outcome = run(resolved)
    for note in outcome.notes:
        print(f"note: {note.text}", file=sys.stderr)
    skipped = [
        dataclasses.replace(d, reason=_cli_reason(d.reason))
        for d in outcome.diagnostics
        if d.status == "skipped"
    ]
    if skipped and not args.skip_invalid:
        first = skipped[0]
        more = (
            f" (and {len(skipped) - 1} more; --skip-invalid keeps the rest)"
            if len(skipped) > 1
            else ""
        )
        raise UsageError(f"{first.instrument} around {first.event_id}: {first.reason}{more}")
    for row in skipped:
        print(f"skipped: {row.instrument} around {row.event_id}: {row.reason}", file=sys.stderr)
    if outcome.result.panel is None:  # --skip-invalid, and every instrument-event was skipped
        first = skipped[0]
        raise UsageError(
            f"nothing to write: every instrument-event was skipped (first: {first.instrument}"
            f" around {first.event_id}: {first.reason})"
        )
    names = [
        name
        for name in outcome.frames()
        if name != "diagnostics" or outcome.diagnostics or args.diagnostics
    ]
    for path in outcome.write(args.out, names):
        print(f"wrote {path}")
    if args.report:
        from analysis.report import study_report

        html = study_report(outcome, language=args.report_language)
        Path(args.report).write_text(html, encoding="utf-8")
        print(f"wrote {args.report}")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return run_study_command(args)
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
