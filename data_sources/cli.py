"""``python -m data_sources``: the data layer, headless.

    python -m data_sources catalogue export [--format csv|yaml]   # to stdout
    python -m data_sources catalogue import FILE                  # .yaml or .csv
    python -m data_sources refresh [--segment NAME ...] [--symbol S ...] [--no-calendar]
                                  # each symbol from the provider serving it (akshare, ...)
    python -m data_sources refresh --calendar                     # only the official calendar
    python -m data_sources calendar                               # the same
    python -m data_sources import FILE [FILE ...] [--symbol S]    # CSV or Excel price files
    python -m data_sources constituents INDEX                     # e.g. 399975 (brokerages)
    python -m data_sources creits                                 # every listed C-REIT
    python -m data_sources boards                                 # Eastmoney industry boards
    python -m data_sources check [--quarantine]                   # verify every stored file

Exit codes: 0 success; 1 some instruments failed to refresh (the others are stored), ``check``
found damaged files, or an unexpected internal error (set POLICYLENS_DEBUG=1 for the traceback);
2 bad input (every problem on stderr, each naming the row and field; nothing is imported).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from data_sources import catalogue
from data_sources.errors import DataSourceError

PROGRAM = "python -m data_sources"


class UsageError(Exception):
    """Bad command line: exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROGRAM, description="PolicyLens data layer.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    cat = commands.add_parser("catalogue", help="the policy catalogue")
    actions = cat.add_subparsers(dest="action", required=True, parser_class=_Parser)
    export = actions.add_parser("export", help="write shipped + user measures to stdout")
    export.add_argument("--format", choices=("csv", "yaml"), default="csv")
    add = actions.add_parser(
        "import",
        help="validate a .yaml or .csv file and add its measures (at most 4 MB and 5,000 "
        "measures; a backup of the previous user file is kept)",
    )
    add.add_argument("file", metavar="FILE")
    refresh = commands.add_parser(
        "refresh",
        help="fetch daily bars into the store, each symbol from the provider serving it "
        "(akshare for every known instrument; incremental)",
    )
    refresh.add_argument(
        "--segment",
        action="append",
        default=[],
        metavar="NAME",
        help="every instrument of a segment, e.g. BRK or REIT (repeatable)",
    )
    refresh.add_argument(
        "--symbol",
        action="append",
        default=[],
        metavar="S",
        help="a canonical symbol, e.g. 399006.SZ or 600030.SH (repeatable)",
    )
    refresh.add_argument(
        "--constituents-of",
        action="append",
        default=[],
        metavar="INDEX",
        help="every current constituent of a CSI index, e.g. 399975 (today's list: "
        "survivorship bias for past events)",
    )
    refresh.add_argument(
        "--all-creits",
        action="store_true",
        help="every C-REIT listed on the SSE and SZSE (the full list, not the first 100)",
    )
    refresh.add_argument(
        "--workers", type=int, default=1, help="requests at once (default 1: the source throttles)"
    )
    refresh.add_argument(
        "--delay",
        type=seconds_range,
        default=(1.0, 2.0),
        metavar="SECONDS",
        help="pause after each request: seconds, or a range LOW-HIGH to draw it from (default 1-2)",
    )
    refresh.add_argument(
        "--retries", type=int, default=3, help="retries of a transient failure (default 3)"
    )
    refresh.add_argument(
        "--calendar",
        action="store_true",
        help="only fetch the official Shanghai calendar (akshare tool_trade_date_hist_sina)",
    )
    refresh.add_argument(
        "--no-calendar",
        action="store_true",
        help="do not fetch the official calendar before the series",
    )
    commands.add_parser(
        "calendar",
        help="fetch the official Shanghai calendar into the store (extends the library's "
        "calendar past its last session)",
    )
    cons = commands.add_parser("constituents", help="current constituents of a CSI index")
    cons.add_argument("index", metavar="INDEX", help="e.g. 399975 or 000300.SH")
    commands.add_parser("creits", help="every listed C-REIT (CSV to stdout)")
    commands.add_parser("boards", help="Eastmoney industry boards with their codes (CSV)")
    check = commands.add_parser(
        "check",
        help="verify the whole store: every shard, every series checksum, status and old files",
    )
    check.add_argument(
        "--quarantine",
        action="store_true",
        help="move damaged files aside into <store>/quarantine and list what to re-fetch",
    )
    files = commands.add_parser("import", help="store price files (CSV or Excel) as series")
    files.add_argument("files", nargs="+", metavar="FILE")
    files.add_argument(
        "--symbol",
        metavar="S",
        help="series name (one file only; default: the instrument's symbol from the file's code "
        "column or a code file name, 600030.csv -> 600030.SH, else the file name without "
        "extension)",
    )
    files.add_argument(
        "--strict-adjustment",
        action="store_true",
        help="refuse a file whose day-returns break its board's price limit (prices that look "
        "unadjusted) instead of importing it flagged 'unadjusted'",
    )
    files.add_argument(
        "--date-format",
        metavar="FMT",
        help="the date column's format in strptime codes, e.g. %%d/%%m/%%Y or %%m/%%d/%%Y "
        "(default: inferred; needed when both fit every date)",
    )
    return parser


def run_import(args) -> int:
    """Validate every file first; store them only if all are valid (nothing half-imported)."""
    from data_sources.files import FileSource, import_notes
    from data_sources.store import Store

    if args.symbol and len(args.files) > 1:
        raise UsageError("--symbol names one series: give it with a single FILE")
    fetched = []
    for path_text in args.files:
        path = Path(path_text)
        if not path.is_file():
            raise UsageError(f"file {path_text} does not exist")
        # refused by size before reading
        source = FileSource.from_path(path, args.date_format, args.strict_adjustment)
        fetched.append((path.name, source.fetch(source.symbol_query(args.symbol))))
    first_file: dict[str, str] = {}
    for name, result in fetched:
        symbol = result.bars["symbol"].iloc[0]
        if symbol in first_file:
            raise UsageError(
                f"files {first_file[symbol]} and {name} both give the series name {symbol!r}: "
                "import them one at a time with --symbol NAME"
            )
        first_file[symbol] = name
    store = Store()
    for name, result in fetched:
        bars = result.bars
        rows = store.write(result, merge=False)
        notes = import_notes(bars)
        print(
            f"{bars['symbol'].iloc[0]}: {rows:,} rows from {name} "
            f"({bars['date'].iloc[0]:%Y-%m-%d} to {bars['date'].iloc[-1]:%Y-%m-%d})"
            + "".join(f"; {note}" for note in notes)
        )
    for symbol, kept, rows in store.replaced:
        print(
            f"note: the {rows:,} rows {symbol} held before were kept in {kept} (import that file "
            f"with --symbol {symbol} to restore them)",
            file=sys.stderr,
        )
    report_quarantined(store)
    return 0


def report_quarantined(store) -> None:
    """Name every damaged file a write moved aside, and how to get back what it held."""
    for damage, target in store.quarantined:
        print(
            f"note: damaged {damage.file} ({damage.problem}) was moved aside to {target}",
            file=sys.stderr,
        )
    if store.quarantined:
        print_refetch(store, file=sys.stderr)


def print_refetch(store, file=None) -> None:
    lost = store.to_refetch()
    if lost.empty:
        return
    print(f"series to re-fetch or re-import ({len(lost)}):", file=file)
    for row in lost.itertuples():
        print(f"  {row.symbol}: {row.how}", file=file)


def run_check(args) -> int:
    """Verify every stored file; exit 1 when anything is damaged (0 when the store is clean)."""
    from data_sources.store import Store

    store = Store()
    damage = store.damaged()
    series = len(store.symbols())
    shards = len(list(store.shards_dir.glob("shard-*.arrow")))
    statuses = len(list(store.status_dir.glob("*.json")))
    print(
        f"store {store.root}: {shards} shard file(s), {series} readable series, {statuses} "
        "status file(s) checked"
    )
    if not damage:
        print("no damaged files")
        print_refetch(store)
        return 0
    rows = [("file", "problem", "series lost")] + [
        (d.file, d.problem, ", ".join(d.symbols) or "-") for d in damage
    ]
    widths = [max(len(row[column]) for row in rows) for column in (0, 1)]
    print(f"{len(damage)} damaged file(s):")
    for file, problem, lost in rows:
        print(f"  {file.ljust(widths[0])}  {problem.ljust(widths[1])}  {lost}")
    if args.quarantine:
        for item, target in store.quarantine(damage):
            print(f"moved aside: {item.file} -> {target}")
        print_refetch(store)
    else:
        print(f"move them aside with: {PROGRAM} check --quarantine")
    return 1


def seconds_range(text: str) -> tuple[float, float]:
    """``1.5`` or ``1-2`` → (low, high) seconds."""
    low, _, high = text.partition("-")
    try:
        bounds = (float(low), float(high or low))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not seconds (1.5) or a range (1-2)"
        ) from None
    if not 0 <= bounds[0] <= bounds[1]:
        raise argparse.ArgumentTypeError(f"{text!r}: expected 0 ≤ LOW ≤ HIGH")
    return bounds


def refresh_symbols_from(args) -> list[str]:
    """The instruments a ``refresh`` asks for (all registry instruments when none is named)."""
    from data_sources.instruments import registry, segment_instruments, segment_table
    from data_sources.providers import provider_for

    known = set(segment_table()["id"])
    unknown = [code for code in args.segment if code not in known]
    if unknown:
        raise UsageError(f"unknown segment {unknown[0]!r}; segments: {', '.join(sorted(known))}")
    for symbol in args.symbol:
        provider_for(symbol)  # a DataSourceError (exit 2) says which symbols each provider serves
    if args.workers < 1 or args.retries < 0:
        raise UsageError("--workers must be ≥ 1, --retries ≥ 0")
    members = []
    for index in args.constituents_of:
        from data_sources.constituents import SURVIVORSHIP_CAVEAT, constituents

        members += list(constituents(index)["symbol"])
        print(f"note: {SURVIVORSHIP_CAVEAT}", file=sys.stderr)
    if args.all_creits:
        from data_sources.listings import listed_creits

        members += list(listed_creits()["symbol"])
    chosen = segment_instruments(args.segment) + list(args.symbol) + members
    return list(dict.fromkeys(chosen)) if chosen else list(registry())


def _library_end():
    from data_sources.trading_calendar import library_end

    return library_end()


def run_calendar() -> int:
    """Fetch and store the official calendar; 1 (with the reason) when the fetch failed."""
    from data_sources.calendar_store import refresh_official_calendar
    from data_sources.trading_calendar import library_end

    try:
        official, path = refresh_official_calendar()
    except DataSourceError as error:
        print(f"{PROGRAM}: calendar: {error}", file=sys.stderr)
        return 1
    later = official.sessions[official.sessions > library_end()]
    print(
        f"calendar: {len(official.sessions):,} sessions to {official.sessions[-1]:%Y-%m-%d} "
        f"stored in {path}; {len(later)} after the library's last session "
        f"{library_end():%Y-%m-%d}"
    )
    return 0


def run_refresh(args) -> int:
    from data_sources.refresh import refresh, throttling_summary
    from data_sources.store import Store

    if args.calendar and args.no_calendar:
        raise UsageError("--calendar and --no-calendar exclude each other")
    if args.calendar:
        if args.segment or args.symbol or args.constituents_of or args.all_creits:
            raise UsageError("--calendar fetches only the calendar: name no series with it")
        return run_calendar()
    symbols = refresh_symbols_from(args)
    if not args.no_calendar and run_calendar():
        # the series are what was asked for: a failed calendar fetch is reported, not fatal
        print(
            f"{PROGRAM}: note: the calendar was not fetched; sessions after "
            f"{_library_end():%Y-%m-%d} stay as before (see the Method page)",
            file=sys.stderr,
        )
    width = 30

    def progress(done, total, outcome):
        filled = int(width * done / total)
        sys.stderr.write(
            f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{total} "
            f"{outcome.symbol} {outcome.status}".ljust(width + 40)
        )
        sys.stderr.flush()

    store = Store()
    outcomes = refresh(
        symbols,
        store,
        workers=args.workers,
        delay=args.delay,
        retries=args.retries,
        progress=progress,
    )
    sys.stderr.write("\n")
    failed = [o for o in outcomes if o.status != "ok"]
    for outcome in failed:
        if outcome.status != "skipped":
            print(f"{PROGRAM}: {outcome.symbol}: {outcome.message}", file=sys.stderr)
    throttled = throttling_summary(outcomes)
    if throttled:
        print(f"{PROGRAM}: {throttled}", file=sys.stderr)
    report_quarantined(store)
    stored = sum(o.rows_stored for o in outcomes)
    print(
        f"refreshed {len(outcomes) - len(failed)} of {len(outcomes)} series "
        f"({stored:,} rows stored); failed: {len(failed)}"
    )
    return 1 if failed else 0


def export_catalogue(fmt: str) -> bytes:
    table = catalogue.load_catalogue()
    if fmt == "yaml":
        return catalogue.export_yaml(table).encode("utf-8")
    from analysis.export import csv_bytes  # the project's one CSV convention

    return csv_bytes(catalogue.export_table(table), catalogue.export_metadata())


def import_catalogue(path_text: str) -> int:
    path = Path(path_text)
    if not path.is_file():
        raise UsageError(f"file {path_text} does not exist")
    size = path.stat().st_size
    if size > catalogue.MAX_IMPORT_BYTES:  # before reading it
        raise catalogue.CatalogueError(
            path.name,
            [f"the file is {size:,} bytes, more than the limit of {catalogue.MAX_IMPORT_BYTES:,}"],
        )
    rows, labels = catalogue.parse_measures_file(path.read_bytes(), path.name)
    added = catalogue.add_user_measures(rows, path.name, row_labels=labels)
    print(f"added {len(added)} measure(s) from {path.name} to {catalogue.user_measures_path()}")
    from data_sources.trading_calendar import inferred_source

    for row in added.dropna(subset=["event_session"]).itertuples():
        source = inferred_source(row.event_session)
        if source:
            print(
                f"note: {row.id}: t0 {row.event_session:%Y-%m-%d} is an inferred session "
                f"(from {source})",
                file=sys.stderr,
            )
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "refresh":
            return run_refresh(args)
        if args.command == "import":
            return run_import(args)
        if args.command == "check":
            return run_check(args)
        if args.command == "calendar":
            return run_calendar()
        if args.command == "constituents":
            from data_sources.constituents import SURVIVORSHIP_CAVEAT, constituents

            table = constituents(args.index)
            sys.stdout.write(table.to_csv(index=False, date_format="%Y-%m-%d"))
            print(f"note: {len(table)} constituents; {SURVIVORSHIP_CAVEAT}", file=sys.stderr)
            return 0
        if args.command in ("creits", "boards"):
            from data_sources.listings import industry_boards, listed_creits

            table = listed_creits() if args.command == "creits" else industry_boards()
            sys.stdout.write(table.to_csv(index=False))
            print(f"note: {len(table)} {args.command}", file=sys.stderr)
            return 0
        if args.action == "export":
            sys.stdout.buffer.write(export_catalogue(args.format))
            sys.stdout.flush()
            return 0
        return import_catalogue(args.file)
    except catalogue.CatalogueError as error:
        for problem in error.problems:
            print(f"{PROGRAM}: error: {error.source}: {problem}", file=sys.stderr)
        return 2
    except (UsageError, DataSourceError) as error:
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return 2
    except Exception as error:
        if os.environ.get("POLICYLENS_DEBUG"):
            traceback.print_exc()
        print(f"{PROGRAM}: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
