"""``python -m analysis study``: the dashboard's event study, headless; ``python -m analysis
crosssection``: the same study, then the cross-sectional regression of its CARs on traits.

Exit codes: 0 success; 2 bad input (one line on stderr naming the problem); 1 an unexpected
internal error (one line; set POLICYLENS_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
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
from analysis.characteristics import DERIVED_TRAITS
from analysis.crosssection import COV_TYPES, DEPENDENTS
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
    add_study_arguments(study)
    crosssection = commands.add_parser(
        "crosssection",
        help="who responded: regress the pairs' CARs on their traits",
        description="Runs the study (the study command's flags; its files are written too), "
        "then the cross-sectional regression CAR_i = a + b·traits_i + e_i over its (measure, "
        "instrument) pairs and writes DIR/crosssection.csv. Traits: derived before each event "
        "(size, beta, idio_vol, turnover, past_return, log_price), listing traits where known, "
        "and the columns of --traits FILE.",
    )
    add_study_arguments(crosssection)
    crosssection.add_argument(
        "--traits",
        metavar="FILE",
        help="CSV or Excel of symbol, trait… (SOE flag, leverage, northbound holding …); "
        "default: the traits imported on the Data page (kept in the data directory)",
    )
    crosssection.add_argument(
        "--regressors",
        nargs="+",
        required=True,
        metavar="NAME",
        help="traits to regress the CARs on (derived: " + ", ".join(DERIVED_TRAITS) + "; "
        "listing: board (as dummies), board_main, board_chinext, board_star, board_bse, st "
        "where a name is known; or columns of --traits FILE, a name taken already gets _file)",
    )
    crosssection.add_argument(
        "--dependent",
        choices=DEPENDENTS,
        default="car",
        help="car (default; a decimal return) or scar (CAR / its SE)",
    )
    crosssection.add_argument(
        "--cov",
        choices=COV_TYPES,
        help="covariance: hc3 (default for one measure), cluster (by event session; default "
        "when measures are pooled) or nonrobust",
    )
    crosssection.add_argument(
        "--no-measure-effects",
        action="store_true",
        help="pool the measures' levels under one intercept (default when measures are pooled: "
        "measure fixed effects, a dummy per measure, so trait slopes compare firms within a "
        "measure)",
    )
    crosssection.add_argument(
        "--regression-window",
        nargs=2,
        type=int,
        metavar=("A", "B"),
        help="the CAR window regressed (one of the study's; default its headline window)",
    )
    add_bhar_command(commands, study)
    return parser


def add_study_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The study's flags (prices, events, windows, model, tests, output …) on ``parser``: the
    ``study`` command's, shared by every command that runs a study first."""
    parser.add_argument(
        "--prices",
        action="append",
        metavar="FILE",
        help="price file of one instrument (repeatable)",
    )
    parser.add_argument("--market", metavar="FILE", help="benchmark price file (e.g. CSI 300)")
    parser.add_argument(
        "--instrument",
        action="append",
        metavar="SYMBOL",
        help="a stored series, e.g. 399006.SZ (repeatable; default with --measure: the stored "
        "instruments of the segments the measures touch)",
    )
    parser.add_argument(
        "--benchmark",
        metavar="SYMBOL",
        help=f"stored benchmark series (default {DEFAULT_BENCHMARK}); with --prices use --market",
    )
    parser.add_argument(
        "--event-date",
        action="append",
        metavar="YYYY-MM-DD",
        help="event (announcement) date; a non-session maps to the next session (repeatable)",
    )
    parser.add_argument(
        "--measure",
        action="append",
        metavar="ID",
        help="catalogue measure id, e.g. chinext-first-listings-2020 (repeatable); its t0 "
        "comes from the catalogue and overlaps are checked against the whole catalogue",
    )
    parser.add_argument(
        "--include-unverified",
        action="store_true",
        help="allow --measure to name measures whose dates are unverified",
    )
    parser.add_argument(
        "--no-market-wide-rule",
        action="store_true",
        help="measure market-wide indices with the chosen model too (by default they use the "
        "constant-mean model, so a broad benchmark does not regress the market on itself)",
    )
    parser.add_argument(
        "--date-format",
        metavar="FORMAT",
        help="strptime format of the price files' date column when it is ambiguous, e.g. "
        "%%d/%%m/%%Y",
    )
    parser.add_argument(
        "--overlap",
        choices=OVERLAP_CHOICES,
        default="warn",
        help="events whose windows overlap: warn (default; study each, but events that map to "
        "one session are always merged into one), merge (one event per cluster at its first "
        "session; a cluster takes the later events whose t0 lies in its first event's window) or "
        "drop (every event whose window overlaps another's; two on one session are both "
        "dropped)",
    )
    parser.add_argument(
        "--keep-contaminated-estimation",
        action="store_true",
        help="keep the sessions of other events' windows (catalogue measures and the other "
        "events of this study) in each event's estimation window; by default they are left "
        "out, and a note names them either way",
    )
    parser.add_argument("--model", choices=MODELS, default="market")
    parser.add_argument(
        "--factors",
        metavar="FILE",
        help="factor file (CSV/Excel: a date column and factor columns, percent or decimals, "
        "optional RF) for --model factors",
    )
    parser.add_argument(
        "--second-index",
        metavar="SYMBOL",
        help="the second regressor of --model two-index: a stored series (with --prices, a "
        "price file)",
    )
    parser.add_argument(
        "--estimation",
        nargs=2,
        type=int,
        default=[-250, -11],
        metavar=("A", "B"),
        help="estimation window in relative sessions (default -250 -11)",
    )
    parser.add_argument(
        "--window",
        nargs=2,
        type=int,
        default=[-5, 5],
        metavar=("A", "B"),
        help="event window in relative sessions (default -5 5)",
    )
    parser.add_argument("--returns", choices=RETURN_KINDS, default="simple")
    parser.add_argument(
        "--min-estimation",
        type=int,
        default=120,
        metavar="N",
        help="fewest valid estimation returns to accept (default 120)",
    )
    parser.add_argument(
        "--calendar",
        choices=("xshg", "data"),
        default="xshg",
        help="sessions that define relative days: the Shanghai calendar "
        "(default) or the dates present in the files (for non-Chinese data)",
    )
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="write results for the valid instrument-events and list the rest instead of failing",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="output directory")
    parser.add_argument(
        "--test",
        action="append",
        choices=list(STATISTICS),
        metavar="NAME",
        help="statistic for DIR/tests.csv (repeatable; default all): " + ", ".join(STATISTICS),
    )
    parser.add_argument(
        "--car-window",
        action="append",
        nargs=2,
        type=int,
        metavar=("A", "B"),
        help="CAR window in relative sessions (repeatable; default 0 0, 0 1, -1 1, 0 5, -5 5); "
        "the event window is always reported first",
    )
    parser.add_argument(
        "--placebo",
        type=int,
        default=0,
        metavar="N",
        help="placebo test with N pseudo-event sessions (one event only); writes "
        "DIR/placebo.csv and DIR/placebo_summary.csv",
    )
    parser.add_argument("--seed", type=int, default=20200727, help="placebo seed")
    parser.add_argument(
        "--conventions",
        choices=Conventions.PRESETS,
        default="textbook",
        help="variance/test conventions: textbook (default), estudy2, eventstudy",
    )
    parser.add_argument(
        "--bh", action="store_true", help="add Benjamini-Hochberg p-values across events"
    )
    parser.add_argument(
        "--volume",
        action="store_true",
        help="also abnormal volume and volatility (needs a volume column)",
    )
    parser.add_argument(
        "--diagnostics", action="store_true", help="always write DIR/diagnostics.csv"
    )
    parser.add_argument(
        "--attribute-suspensions",
        action="store_true",
        help="book the return over a suspension (last close before, first close after) on the "
        "resumption day; by default that day's return is missing, like the suspended sessions",
    )
    parser.add_argument(
        "--pairing",
        choices=PAIRINGS,
        default="all",
        help="all (default): every instrument around every measure; segments: each measure "
        "only on the instruments of its own segments (after its segment overrides), from "
        "--instrument or, when none, from the stored series (a theme-wide study)",
    )
    parser.add_argument(
        "--report",
        metavar="FILE",
        help="also write the study as one self-contained HTML report (charts included, opens "
        "offline in any browser), e.g. report.html",
    )
    parser.add_argument(
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
    if args.model not in ("constant-mean", "factors") and not benchmark:
        raise UsageError(f"--market FILE is required for the {args.model} model")
    if args.model == "factors" and not args.factors:
        raise UsageError("--factors FILE is required for the factors model")
    if args.model == "two-index" and not args.second_index:
        raise UsageError("--second-index SYMBOL is required for the two-index model")
    # a model input given to another model would be silently unused: refused, naming both
    if args.second_index and args.model != "two-index":
        raise UsageError(
            f"--second-index goes with --model two-index, not --model {args.model}: "
            "drop it or choose the two-index model"
        )
    if args.factors and args.model != "factors":
        raise UsageError(
            f"--factors goes with --model factors, not --model {args.model}: "
            "drop it or choose the factors model"
        )
    second = args.second_index if args.model == "two-index" else None
    if second and args.prices:
        second = Path(second).stem
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
        factors=args.factors if args.model == "factors" else None,
        second_index=second,
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


def _source(args: argparse.Namespace):
    if args.prices:
        paths = list(args.prices)
        if args.market and args.model not in ("constant-mean", "factors"):
            paths.append(args.market)
        if args.second_index and args.model == "two-index":
            paths.append(args.second_index)
        return PriceFiles(dict.fromkeys(paths), date_format=args.date_format)
    return StoreSource()


def _run_resolved(args: argparse.Namespace, request: StudyRequest, resolved):
    """Run a resolved study, report its notes and skipped pairs on stderr; refuse skipped
    pairs without --skip-invalid and a study with nothing estimated."""
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
    return outcome


def _write_study(args: argparse.Namespace, outcome, extra=None) -> None:
    names = [
        name
        for name in outcome.frames()
        if name != "diagnostics" or outcome.diagnostics or args.diagnostics
    ]
    for path in outcome.write(args.out, names, extra):
        print(f"wrote {path}")


def _report_translator(language: str):
    """The engine's notes, method line and table descriptions in Chinese for ``--report``:
    the dashboard's table of translations (``pages.i18n.ZH``: the notes' Message templates,
    the CSV glossary); a text it does not hold stays English."""
    if language != "zh":
        return None
    from analysis.report import message_translator

    try:
        from pages.i18n import ZH
    except ImportError:  # the dashboard's modules are not installed: English notes
        return None
    return message_translator(ZH)


def _write_report(args: argparse.Namespace, outcome, extra_tables=None) -> None:
    """``--report``: written by each command after its own analysis, with its tables
    (``extra_tables``: e.g. the regression's crosssection table)."""
    if not args.report:
        return
    from analysis.report import study_report

    html = study_report(
        outcome,
        language=args.report_language,
        translate=_report_translator(args.report_language),
        extra_tables=extra_tables,
    )
    Path(args.report).write_text(html, encoding="utf-8")
    print(f"wrote {args.report}")


def run_study_command(args: argparse.Namespace) -> int:
    request = request_from_args(args)
    outcome = _run_resolved(args, request, resolve(request, _source(args)))
    _write_study(args, outcome)
    _write_report(args, outcome)
    return 0


def run_crosssection_command(args: argparse.Namespace) -> int:
    """The study, then the cross-section of its CARs on the traits asked for: the study's
    files and DIR/crosssection.csv. Trait names are checked before the study runs."""
    from analysis import characteristics
    from analysis.crosssection import (
        RESERVED,
        cross_section,
        listing_table,
        trait_table,
        turnover_for,
    )
    from data_sources.traits import load_traits, read_trait_file

    request = request_from_args(args)
    windows = [tuple(w) for w in request.spec().windows]
    if args.regression_window and tuple(args.regression_window) not in windows:
        a, b = args.regression_window
        raise UsageError(
            f"--regression-window: CAR window [{a}, {b}] is not one of the study's: "
            + ", ".join(f"[{x}, {y}]" for x, y in windows)
        )
    source = _source(args)
    user = None
    if args.traits:
        if not Path(args.traits).is_file():
            raise UsageError(f"--traits {args.traits}: no such file")
        try:
            user = read_trait_file(args.traits)
        except (DataSourceError, ValueError) as error:  # the reader names what is wrong
            raise UsageError(f"--traits {args.traits}: {error}") from None
    else:  # the traits imported on the Data page, as the page uses them
        from data_sources.store import Store

        store = getattr(source, "store", None) or Store()
        user = load_traits(store)
        if user is not None:
            print(
                f"note: traits from the data directory's trait table ({len(user.traits)} "
                f"trait(s): {', '.join(user.traits)}; imported on the Data page from "
                f"{user.source or 'a file'}); --traits FILE uses another file",
                file=sys.stderr,
            )
    resolved = resolve(request, source)
    listing = listing_table(resolved.instruments)  # board, ST (where a name is known): offline
    available = list(DERIVED_TRAITS) + [c for c in listing.columns if c != "name"]
    if user is not None:  # named as trait_table names them (a clash gets _file)
        taken = {*available, *RESERVED}
        available += [f"{name}_file" if name in taken else name for name in user.traits]
    available = list(dict.fromkeys(available))
    unknown = [name for name in args.regressors if name not in available]
    if unknown:
        raise UsageError(
            f"--regressors: unknown trait(s) {', '.join(unknown)}; available: "
            + ", ".join(available)
        )
    outcome = _run_resolved(args, request, resolved)
    turnover, turnover_notes = turnover_for(source, outcome.instruments)
    traits = trait_table(outcome, user=user, listing=listing, turnover=turnover)
    for note in (*turnover_notes, *traits.notes):  # what could not be read or derived
        if characteristics.note_concerns(note, args.regressors):
            print(f"note: {note}", file=sys.stderr)
    result = cross_section(
        outcome,
        traits,
        args.regressors,
        dependent=args.dependent,
        window=tuple(args.regression_window) if args.regression_window else None,
        cov_type=args.cov,
        measure_effects=False if args.no_measure_effects else None,
    )
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    extra = {
        "crosssection": {
            "regressors": list(result.regressors),
            "dependent": result.dependent,
            "window": list(result.window),
            "cov_type": result.cov_type,
            "measure_effects": result.measure_effects,
            "traits_file": args.traits,
            "notes": list(result.notes),
        }
    }
    path = Path(args.out) / "crosssection.csv"
    _write_study(args, outcome, extra)
    path.write_bytes(result.csv_bytes())
    print(f"wrote {path}")
    # parameters.json lists every file of DIR: this one too
    parameters = Path(args.out) / "parameters.json"
    document = json.loads(parameters.read_text(encoding="utf-8"))
    document["files"].append(path.name)
    parameters.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    _write_report(args, outcome, {"crosssection": result.to_frame()})
    return 0


COMMANDS = {"study": run_study_command, "crosssection": run_crosssection_command}


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "bhar":
            return run_bhar_command(args)
        return COMMANDS[args.command](args)
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


# -- python -m analysis bhar (issue 16: long horizons) ----------------------------------------
def add_bhar_command(commands, study: argparse.ArgumentParser) -> None:
    """``bhar``: the study's flags (copied from ``study``) plus the long-horizon options."""
    from analysis.long_horizon import AGAINST, DEFAULT_BOOTSTRAP, DEFAULT_HORIZONS, MAX_BOOTSTRAP

    bhar = commands.add_parser(
        "bhar",
        parents=[study],
        add_help=False,
        conflict_handler="resolve",
        help="long-horizon buy-and-hold abnormal returns (BHAR) after event dates",
        description="Buy-and-hold abnormal returns over months after each event (t0 + 1 to "
        "t0 + h sessions), against the benchmark or a matched portfolio of control "
        "instruments, with the conventional t, the Lyon-Barber-Tsai (1999) skewness-adjusted t "
        "and its bootstrap. Takes the study's flags; writes DIR/bhar.csv and DIR/bhar_tests.csv.",
    )
    bhar.add_argument(
        "--horizons",
        nargs="+",
        type=int,
        default=list(DEFAULT_HORIZONS),
        metavar="H",
        help="horizons in sessions (default 21 63 126 250: about 1, 3, 6 and 12 months)",
    )
    bhar.add_argument("--against", choices=AGAINST, default="benchmark")
    bhar.add_argument(
        "--controls",
        nargs="+",
        metavar="SYMBOL",
        help="stored control series for --against matched (default: per instrument, the 5 "
        "stored series of its board, not studied, nearest in past 250-session return)",
    )
    bhar.add_argument(
        "--bootstrap",
        type=int,
        default=DEFAULT_BOOTSTRAP,
        metavar="B",
        help=f"bootstrap resamples of n/4 for the skewness-adjusted t (default "
        f"{DEFAULT_BOOTSTRAP}, at most {MAX_BOOTSTRAP}; 0: none; run from 20 BHARs up)",
    )
    bhar.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    bhar.add_argument(
        "--fill-after-end",
        action="store_true",
        help="take a series whose data end before the horizon (while the others go on) for "
        "delisted and fill it with the benchmark (Lyon-Barber-Tsai 1999); by default it has no "
        "BHAR at that horizon",
    )


#: Study flags the bhar command does not use (it fits no model and runs no short-window test):
#: refused when given, rather than silently ignored. ``--report`` is used: the report holds the
#: BHAR tables.
BHAR_UNUSED = {
    "placebo": "--placebo",
    "test": "--test",
    "car_window": "--car-window",
    "conventions": "--conventions",
    "bh": "--bh",
    "volume": "--volume",
    "diagnostics": "--diagnostics",
    "attribute_suspensions": "--attribute-suspensions",
    "returns": "--returns",
    "min_estimation": "--min-estimation",
    "model": "--model",
    "factors": "--factors",
    "second_index": "--second-index",
    "no_market_wide_rule": "--no-market-wide-rule",
    "keep_contaminated_estimation": "--keep-contaminated-estimation",
    "skip_invalid": "--skip-invalid",
}


def _unused_bhar_flags(args: argparse.Namespace) -> list[str]:
    """The study flags given to ``bhar`` that it would ignore (a value other than the default)."""
    defaults = add_study_arguments(argparse.ArgumentParser(add_help=False))
    return [
        flag
        for dest, flag in BHAR_UNUSED.items()
        if getattr(args, dest, None) != defaults.get_default(dest)
    ]


def run_bhar_command(args: argparse.Namespace) -> int:
    from analysis.long_horizon import MAX_BOOTSTRAP, bhar_of_study
    from data_sources.prices import board_of

    unused = _unused_bhar_flags(args)
    if unused:
        raise UsageError(
            f"bhar does not use {', '.join(unused)} (it fits no model and writes only "
            "bhar.csv and bhar_tests.csv, and --report): leave them out"
        )
    if args.bootstrap < 0:
        raise UsageError("--bootstrap B must be 0 or a positive number of resamples")
    if args.bootstrap > MAX_BOOTSTRAP:
        raise UsageError(f"--bootstrap B must be at most {MAX_BOOTSTRAP}, got {args.bootstrap}")
    if args.controls and args.against != "matched":
        raise UsageError("--controls goes with --against matched")
    if args.against == "matched" and args.prices:
        raise UsageError("--against matched reads control series from the store: use --instrument")
    request = dataclasses.replace(request_from_args(args), placebo_draws=0)
    source = PriceFiles(dict.fromkeys([*args.prices, *([args.market] if args.market else [])]),
                        date_format=args.date_format) if args.prices else StoreSource()  # fmt: skip
    resolved = resolve(request, source)
    control_bars = None
    if args.against == "matched":
        stored = source.symbols()
        if args.controls:
            missing = [c for c in args.controls if c not in stored]
            if missing:
                raise UsageError(f"--controls {', '.join(missing)}: not in the store")
            studied = {*resolved.instruments, resolved.benchmark}
            clash = [c for c in dict.fromkeys(args.controls) if c in studied]
            if clash:
                raise UsageError(
                    f"--controls {', '.join(clash)}: studied (an instrument or the benchmark), "
                    "cannot be a control"
                )
            wanted = list(args.controls)
        else:
            boards = {board_of(s) for s in resolved.instruments}
            studied = set(resolved.instruments) | {resolved.benchmark}
            wanted = [s for s in stored if s not in studied and board_of(s) in boards]
        control_bars = source.read(wanted) if wanted else None
    result = bhar_of_study(
        resolved,
        args.horizons,
        args.against,
        controls=args.controls,
        control_bars=control_bars,
        bootstrap=args.bootstrap,
        seed=args.seed,
        fill_after_end=args.fill_after_end,
    )
    for note in [*resolved.notes, *result.notes]:
        print(f"note: {getattr(note, 'text', note)}", file=sys.stderr)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("bhar", "bhar_tests"):
        path = out / f"{name}.csv"
        path.write_bytes(result.csv_bytes(name))
        print(f"wrote {path}")
    if args.report:  # the event study behind the BHARs, with their tables
        outcome = _run_resolved(args, request, resolved)
        _write_report(args, outcome, {"bhar": result.to_frame(), "bhar_tests": result.summary()})
    return 0
