"""Data: what is stored, from which source; fetch from akshare; import your own price files."""

import pandas as pd
import streamlit as st

from analysis.export import csv_bytes
from data_sources.base import FetchResult
from data_sources.calendar_store import (
    calendar_path,
    load_official_sessions,
    refresh_official_calendar,
)
from data_sources.constituents import SURVIVORSHIP_CAVEAT, constituents
from data_sources.data_mode import data_vintage, synthetic_symbols
from data_sources.errors import DataSourceError
from data_sources.files import (
    DATE_FORMAT_CHOICES,
    SymbolInference,
    check_file_size,
    infer_file_symbol,
    parse_price_file,
)
from data_sources.files import PROVIDER as IMPORT_PROVIDER
from data_sources.instruments import registry, segment_instruments
from data_sources.listings import listed_creits
from data_sources.providers import PROVIDERS
from data_sources.refresh import refresh
from data_sources.store import COVERAGE_COLUMNS, Store
from data_sources.trading_calendar import library_end
from pages import filters, formatting, layout, loaders, url_state
from pages.i18n import t, tr
from pages.text import code, escape_markdown
from pages.traits_view import render_traits_import


def source_name(source, live: bool) -> str:
    """How a stored series' source is named in the table: its provider's name for one series
    (``live_label`` when fetched in this session), the stored name for an unknown provider."""
    provider = PROVIDERS.get(source) if isinstance(source, str) else None
    if provider is None:
        return source if isinstance(source, str) and source else "—"
    if live and provider.live_label:
        return t(provider.live_label)
    return t(provider.series_name)


def coverage_table(coverage: pd.DataFrame, live: set[str]) -> pd.DataFrame:
    """The stored series as the table shows them: name, source (live akshare for the series
    fetched in this session) and the coverage columns."""
    demo = synthetic_symbols(coverage)
    table = coverage.assign(
        name=[formatting.label(symbol, demo) for symbol in coverage["symbol"]],
        demo=coverage["symbol"].isin(demo),
        mode=[
            source_name(src, sym in live)
            for sym, src in zip(coverage["symbol"], coverage["source"], strict=True)
        ],
    )
    return table[["name", "demo", "mode", *COVERAGE_COLUMNS[2:]]]


def damage_table(damage: list) -> pd.DataFrame:
    """One row per damaged file: the file, what is wrong with it and the series it held."""
    return pd.DataFrame(
        {
            "file": [item.file for item in damage],
            "problem": [item.problem for item in damage],
            "series": [", ".join(item.symbols) or "—" for item in damage],
        }
    )


def suggested_instruments(measures: pd.DataFrame, themes: list[str]) -> list[str]:
    """Honour the sidebar's theme filter: the instruments of the segments its measures touch
    (none when no theme is chosen)."""
    themed_segments = set().union(*measures["segments"]) if themes else set()
    return segment_instruments(sorted(themed_segments))


def fetch_key(themes: list[str]) -> str:
    """The fetch multiselect's key: one per theme choice, so its preselection follows it."""
    return f"fetch_symbols_{'_'.join(themes) or 'all'}"


def shown_names(file_names: list[str]) -> list[str]:
    """Upload names as shown: a name two uploads share gets its position, ``a.csv (#2)``."""
    repeated = {name for name in file_names if file_names.count(name) > 1}
    return [
        f"{name} (#{position})" if name in repeated else name
        for position, name in enumerate(file_names, start=1)
    ]


def import_summary(shown_name: str, bars: pd.DataFrame) -> str:
    """What a parsed price file holds: rows and span, and rows skipped or emptied."""
    return (
        t(
            "{name}: {rows:,} rows, {first} to {last}",
            name=escape_markdown(shown_name),
            rows=len(bars),
            first=f"{bars['date'].iloc[0]:%Y-%m-%d}",
            last=f"{bars['date'].iloc[-1]:%Y-%m-%d}",
        )
        + (
            t(
                "; skipped {n} dated rows with no values (sessions without data)",
                n=bars.attrs["skipped_empty_rows"],
            )
            if bars.attrs.get("skipped_empty_rows")
            else ""
        )
        + (
            t(
                "; emptied open/high/low of {n} rows where they contradict each other or the "
                "close (close kept; first: {first})",
                n=blanked["rows"],
                first=blanked.get("first", ""),
            )
            if (blanked := bars.attrs.get("ohlc_blanked", {"rows": 0}))["rows"]
            else ""
        )
    )


def preview_table(bars: pd.DataFrame, rows: int = 5) -> pd.DataFrame:
    """The first rows of a parsed file as the import preview shows them: dates as
    ``YYYY-MM-DD`` text (a datetime column would read 2024-01-02 00:00:00)."""
    head = bars.head(rows)
    return head.assign(date=head["date"].dt.strftime("%Y-%m-%d"))


def show_inference(inference: SymbolInference, typed: str, file_name: str) -> None:
    """Say which series name was inferred and from what; a file name and a code column that
    disagree (an error: the user types the name), or a bare code that fits two exchanges (a
    warning), in the current language."""
    if inference.symbol is None:
        st.error(
            t(
                "The file name says {name} but the file's code column {column} says {value} "
                "({symbols}): type the series name.",
                name=escape_markdown(t(" or ").join(inference.from_name)),
                column=escape_markdown(inference.column),
                value=escape_markdown(inference.value),
                symbols=escape_markdown(t(" or ").join(inference.from_column)),
            )
        )
        return
    if inference.problem:
        st.warning(
            t(
                "The code {code} fits {symbols}: the series keeps the name {code} unless you type "
                "one.",
                code=escape_markdown(inference.symbol),
                symbols=escape_markdown(t(" and ").join(inference.from_name)),
            )
        )
    if inference.origin == "as named" or typed.strip() != inference.symbol:
        return
    st.caption(
        t(
            "Series name {symbol} inferred from the file's code column {column} ({value}).",
            symbol=code(inference.symbol),
            column=escape_markdown(inference.column),
            value=escape_markdown(inference.value),
        )
        if inference.origin == "column"
        else t(
            "Series name {symbol} inferred from the file name ({stem}).",
            symbol=code(inference.symbol),
            stem=escape_markdown(file_name.rsplit(".", 1)[0]),
        )
    )


def price_record_lines(bars: pd.DataFrame) -> list[tuple[str, str]]:
    """What an import did to a file's prices, as ``(kind, text)`` for the page: ``info`` for
    the adjustment and the suspended sessions, ``warning`` for day-returns beyond the board's
    price limit (prices that look unadjusted). User-derived text is escaped."""
    record = bars.attrs.get("price_record") or {}
    if not record:
        return []
    lines = [
        (
            "info",
            t("Prices: {adjustment}", adjustment=escape_markdown(record.get("adjustment", "")))
            + (
                f" ({escape_markdown(detail)})"
                if (detail := record.get("adjustment_detail"))
                else ""
            ),
        )
    ]
    suspended = record.get("suspended") or []
    if suspended:
        lines.append(
            (
                "info",
                t(
                    "{n} suspended session(s) treated as missing (no return): {dates}",
                    n=len(suspended),
                    dates=", ".join(suspended[:10]) + (" …" if len(suspended) > 10 else ""),
                ),
            )
        )
    breaks = record.get("limit_breaks") or []
    if breaks:
        lines.append(
            (
                "warning",
                t(
                    "{n} day-return(s) break the board's price limit, so the prices look "
                    "unadjusted (an ex-rights day read as a price move): {days}. The series is "
                    "stored flagged as such and studies list these days in their diagnostics; "
                    "tick the strict option to refuse such files.",
                    n=len(breaks),
                    days=", ".join(f"{d} ({r:+.1%})" for d, r, _ in breaks[:10])
                    + (" …" if len(breaks) > 10 else ""),
                ),
            )
        )
    return lines


def price_checks_table(records: dict[str, dict]) -> pd.DataFrame:
    """Stored series whose prices need a look: unadjusted or unknown adjustment, suspended
    sessions, or days beyond the price limit, one row each with those days listed."""
    rows = []
    for symbol, record in records.items():
        breaks = record.get("limit_breaks") or []
        suspended = record.get("suspended") or []
        if not breaks and not suspended:
            continue
        rows.append(
            {
                "symbol": symbol,
                "adjustment": record.get("adjustment") or "unknown",
                "suspended": ", ".join(suspended),
                "limit_breaks": ", ".join(f"{d} ({r:+.1%})" for d, r, _ in breaks),
            }
        )
    return pd.DataFrame(rows, columns=["symbol", "adjustment", "suspended", "limit_breaks"])


def series_name_clashes(parsed: list[tuple[str, pd.DataFrame]]) -> dict[str, list[str]]:
    """Series names given to more than one file (file names by series): saving both would
    silently replace the first (the CLI refuses too), so nothing is saved until they differ."""
    files_by_series: dict[str, list[str]] = {}
    for name, bars in parsed:
        files_by_series.setdefault(bars["symbol"].iloc[0], []).append(name)
    return {series: names for series, names in files_by_series.items() if len(names) > 1}


def render_stored_series(store: Store) -> None:
    coverage = loaders.coverage()
    if coverage.empty:
        st.info(t("The store is empty. Fetch from akshare or import a file below."))
        return
    st.dataframe(
        coverage_table(coverage, loaders.live_symbols()),
        hide_index=True,
        width="stretch",
        key="data_coverage",
        column_config={
            "name": t("Instrument"),
            "demo": st.column_config.CheckboxColumn(
                t("SYNTHETIC demo"),
                help=t(
                    "Simulated prices, not market data: studies leave them out by default "
                    "once real series are stored."
                ),
            ),
            "mode": t("Source"),
            "detail": t("Provenance"),
            "first_date": st.column_config.DateColumn(t("First session"), format="YYYY-MM-DD"),
            "last_date": st.column_config.DateColumn(t("Last session"), format="YYYY-MM-DD"),
            "rows": st.column_config.NumberColumn(t("Rows")),
            "fetched_at": t("Fetched / generated (UTC)"),
            "last_error": t("Last error"),
            "adjustment": t("Prices"),
            "suspended_sessions": st.column_config.NumberColumn(t("Suspended sessions")),
        },
    )
    checks = price_checks_table(
        store.price_records(coverage.loc[coverage["source"].notna(), "symbol"])
    )
    if not checks.empty:
        with st.expander(
            t("Suspended sessions and days beyond the price limit ({n} series)", n=len(checks))
        ):
            st.dataframe(
                checks.assign(symbol=checks["symbol"].map(formatting.label)),
                hide_index=True,
                width="stretch",
                key="data_price_checks",
                column_config={
                    "symbol": t("Instrument"),
                    "adjustment": t("Prices"),
                    "suspended": t("Suspended sessions (missing, no return)"),
                    "limit_breaks": t("Day-returns beyond the price limit"),
                },
            )
    st.download_button(
        t("Stored series (CSV)"),
        csv_bytes(
            coverage,
            {
                "method": "store coverage",
                "data_mode": loaders.current_mode().label,
                "data_vintage": data_vintage(coverage, list(coverage["symbol"])),
            },
        ),
        file_name="policylens_stored_series.csv",
        mime="text/csv",
        key="download_coverage",
        icon=":material/download:",
    )
    st.caption(
        t(
            "{rows:,} rows in {n} series · store: {root}",
            rows=int(coverage["rows"].fillna(0).sum()),
            n=len(coverage),
            root=code(store.root),
        )
    )


def flash_quarantined(store: Store) -> None:
    """Name each damaged shard a write of this run moved aside (what it held is listed under
    "Series to re-fetch or re-import")."""
    for damage, target in store.quarantined:
        layout.flash(
            "warning",
            t(
                "{file} was damaged: it was moved aside to {target} before writing.",
                file=f"`{damage.file}`",
                target=f"`{target}`",
            ),
        )
    store.quarantined.clear()


def fetch_with_progress(store: Store, symbols: list[str], what: str, where=st) -> None:
    """Refresh ``symbols`` with a progress bar, per-item status and a Cancel button; flash the
    outcome and rerun so every page sees the new data.

    Cancel (or the app's Stop) interrupts the run between instruments: nothing new starts, the
    fetches under way commit atomically or not at all, and stored data stay intact. The outcomes
    seen so far are kept in the session so the rerun after a cancel can say what was stored.
    """
    st.session_state["refresh_running"] = {"what": what, "total": len(symbols), "done": []}
    where.button(t("Cancel"), key="refresh_cancel", icon=":material/cancel:")
    bar = where.progress(0.0, text=t("Starting…"))
    status = where.empty()
    lines: list[str] = []

    def show_progress(done, total, outcome):
        st.session_state["refresh_running"]["done"].append(outcome)
        mark = "✅" if outcome.status == "ok" else "❌"
        lines.append(
            f"{mark} {escape_markdown(formatting.label(outcome.symbol))}: "
            + escape_markdown(outcome.message or outcome.status)
        )
        bar.progress(
            done / total,
            text=f"{done}/{total} · {escape_markdown(formatting.label(outcome.symbol))}",
        )
        status.caption("  \n".join(lines[-6:]))

    # incremental, retried, one at a time with a jittered pause; stops if the source throttles
    outcomes = refresh(symbols, store, progress=show_progress)
    st.session_state.pop("refresh_running", None)
    report_outcomes(outcomes, what)
    flash_quarantined(store)
    st.rerun()


def report_outcomes(outcomes, what: str, cancelled_after: int | None = None) -> None:
    ok = [o for o in outcomes if o.status == "ok"]
    failures = [o for o in outcomes if o.status == "failed"]
    for outcome in ok:
        loaders.live_symbols().add(outcome.symbol)
        layout.flash(
            "write",
            "✅ "
            + t(
                "{name}: {fetched:,} rows fetched from {start}, {stored:,} stored",
                name=escape_markdown(formatting.label(outcome.symbol)),
                fetched=outcome.rows_fetched,
                start=f"{outcome.start:%Y-%m-%d}",
                stored=outcome.rows_stored,
            ),
        )
    for outcome in failures:
        layout.flash(
            "write",
            f"❌ {escape_markdown(formatting.label(outcome.symbol))}: "
            f"{escape_markdown(outcome.message)}",
        )
    skipped = [o.symbol for o in outcomes if o.status == "skipped"]
    if skipped:
        layout.flash(
            "error",
            t(
                "The source is throttling this connection (instruments in a row were "
                "disconnected, refused or timed out), so the refresh stopped; {n} not attempted "
                "({symbols}). Try again in 30 minutes or more.",
                n=len(skipped),
                symbols=escape_markdown(", ".join(skipped)),
            ),
        )
    if cancelled_after is not None:
        layout.flash(
            "error",
            t(
                "Cancelled {what}: {ok} of {total} series stored before the cancel; the rest "
                "keep their stored data.",
                what=escape_markdown(what),
                ok=len(ok),
                total=cancelled_after,
            ),
        )
    elif failures:
        layout.flash(
            "error",
            t(
                "{n} of {total} failed ({symbols}); their stored data are unchanged.",
                n=len(failures),
                total=len(outcomes),
                symbols=escape_markdown(", ".join(o.symbol for o in failures)),
            ),
        )
    elif not skipped:
        layout.flash(
            "success", t("Fetched {n} series ({what}).", n=len(ok), what=escape_markdown(what))
        )


def list_then_fetch(store: Store, key: str, label: str, load, what: str, left, right) -> None:
    """A "List …" button that shows a list of instruments (kept in the session), then a
    button that fetches every one of them; a failed listing is named in place."""
    if left.button(label, key=f"{key}_button"):
        try:
            st.session_state[key] = load()
        except DataSourceError as error:
            st.session_state.pop(key, None)
            right.error(escape_markdown(tr(error)))
    listing = st.session_state.get(key)
    if listing is not None:
        right.dataframe(listing, hide_index=True, key=f"{key}_table", height=220)
        if right.button(t("Fetch all {n} from akshare", n=len(listing)), key=f"{key}_fetch"):
            fetch_with_progress(store, list(listing["symbol"]), what, right)


def render_damage(store: Store) -> None:
    """Damaged files with a confirmed "move aside", then what they held, to fetch again."""
    damage = loaders.damaged()
    if damage:
        st.subheader(t("Damaged files"))
        st.error(
            t(
                "{n} stored file(s) are damaged. Every other series is still served; the series "
                "they held are left out until they are fetched or imported again.",
                n=len(damage),
            ),
            icon=":material/broken_image:",
        )
        st.dataframe(
            damage_table(damage),
            hide_index=True,
            width="stretch",
            key="damaged_files",
            column_config={
                "file": t("File"),
                "problem": t("What is wrong"),
                "series": t("Series it held"),
            },
        )
        confirmed = st.checkbox(
            t(
                "Yes, move these files aside into the quarantine folder (nothing is deleted)",
            ),
            key="quarantine_confirm",
        )
        if st.button(
            t("Move aside (quarantine)"),
            key="quarantine_button",
            disabled=not confirmed,
            icon=":material/move_item:",
        ):
            try:
                moved = store.quarantine(damage)
            except OSError as error:  # e.g. a file another program holds open (Windows)
                st.error(t("Could not move the damaged files aside: {error}", error=error))
                return
            layout.flash(
                "success",
                t(
                    "Moved {n} damaged file(s) aside into {folder}; nothing was deleted.",
                    n=len(moved),
                    folder=f"`{store.quarantine_dir}`",
                ),
            )
            st.session_state.pop("quarantine_confirm", None)
            st.rerun()
    lost = store.to_refetch()
    if lost.empty:
        return
    st.subheader(t("Series to re-fetch or re-import"))
    st.caption(
        t(
            "Held by damaged files that were moved aside into the quarantine folder; each "
            "leaves this list once it is stored again."
        )
    )
    st.dataframe(
        lost[["symbol", "source", "detail", "how"]],
        hide_index=True,
        width="stretch",
        key="refetch_table",
        column_config={
            "symbol": t("Series"),
            "source": t("Source"),
            "detail": t("Provenance"),
            "how": t("How to get it back"),
        },
    )
    fetchable = [
        row.symbol
        for row in lost.itertuples()
        if row.source in PROVIDERS and PROVIDERS[row.source].serves(row.symbol)
    ]
    if fetchable and st.button(
        t("Fetch these {n} from akshare", n=len(fetchable)),
        key="refetch_button",
        icon=":material/download:",
    ):
        fetch_with_progress(store, fetchable, t("series to re-fetch"))


def render_fetch(store: Store) -> None:
    st.subheader(t("Fetch from akshare"))
    st.caption(
        t(
            "Downloads daily bars from Eastmoney through akshare (indices unadjusted; C-REITs "
            "back-adjusted, 后复权, so distributions are not read as price drops). A fetched "
            "series replaces that instrument's demo series. Needs a network connection; on "
            "failure the stored data stay as they are."
        )
    )
    symbols = list(registry())
    themes = filters.selected_themes()
    suggested = suggested_instruments(filters.filtered_catalogue(), themes)
    to_fetch = st.multiselect(
        t("Instruments to fetch"),
        symbols,
        default=suggested,
        format_func=formatting.label,
        key=layout.translated(fetch_key(themes)),
        placeholder=t("Choose options"),
        help=t(
            "Preselected: the instruments of the segments touched by the measures of the themes "
            "chosen in the sidebar."
        ),
    )
    if st.button(
        t("Fetch now"), disabled=not to_fetch, key="fetch_button", icon=":material/download:"
    ):
        fetch_with_progress(store, to_fetch, t("selected instruments"))


def render_calendar() -> None:
    st.subheader(t("Trading calendar"))
    st.caption(
        t(
            "exchange_calendars knows Shanghai sessions to {end}. Later sessions come from the "
            "official calendar fetched through akshare (kept with the data), else from the days "
            "your stored akshare series have bars, else from weekdays. `python -m data_sources "
            "refresh` fetches it too.",
            end=f"{library_end():%Y-%m-%d}",
        )
    )
    st.caption(formatting.calendar_note() or t("No inferred sessions."))
    if isinstance(load_official_sessions(), str):  # damaged: named, ignored, kept for inspection
        st.warning(
            t(
                "The stored calendar {path} cannot be read and is ignored; fetch it again.",
                path=f"`{calendar_path()}`",
            )
        )
    if st.button(
        t("Fetch the official calendar"), key="calendar_fetch", icon=":material/calendar_month:"
    ):
        try:
            official, _ = refresh_official_calendar()
        except DataSourceError as error:
            layout.flash("error", t("The calendar was not fetched: {error}", error=error))
        else:
            layout.flash(
                "success",
                t(
                    "Calendar stored: {n} sessions to {last}.",
                    n=f"{len(official.sessions):,}",
                    last=f"{official.sessions[-1]:%Y-%m-%d}",
                ),
            )
        st.rerun()


def render_constituents(store: Store) -> None:
    st.subheader(t("Fetch every firm of an index"))
    st.warning(t(SURVIVORSHIP_CAVEAT), icon=":material/history:")
    cons_left, cons_right = st.columns([1, 3])
    index_text = cons_left.text_input(
        t("CSI index code"),
        value="399975",
        key="constituents_index",
        help=t("e.g. 399975 securities companies, 399986 banks"),
    )
    list_then_fetch(
        store,
        "constituents",
        t("List constituents"),
        lambda: constituents(index_text),
        t("constituents of {index}", index=index_text),
        cons_left,
        cons_right,
    )


def render_creits(store: Store) -> None:
    st.subheader(t("Fetch every listed C-REIT"))
    st.caption(
        t(
            "The full list from Eastmoney, page by page (akshare's `reits_realtime_em` stops at "
            "100 rows). Histories are back-adjusted (后复权), so distributions are not read as "
            "price drops. Headless: `python -m data_sources refresh --all-creits`."
        )
    )
    reit_left, reit_right = st.columns([1, 3])
    list_then_fetch(
        store,
        "creits",
        t("List C-REITs"),
        listed_creits,
        t("every listed C-REIT"),
        reit_left,
        reit_right,
    )


def render_import(store: Store) -> None:
    st.subheader(t("Import your own price files"))
    st.caption(
        t(
            "CSV or Excel with a date and a close column (date, close[, open, high, low, volume, "
            "amount]); exports of akshare, Wind, Choice, iFinD, baostock and tushare are "
            "recognised (日期/交易日期, 收盘/收盘价(元), trade_date, …); UTF-8, UTF-16 or GBK. The "
            "series name is the instrument's symbol when the file's code column (代码, code, "
            "ts_code, …) or its name gives a stock, ETF or C-REIT code (600030.csv → 600030.SH), "
            "else the file name without its extension. Headless: "
            "`python -m data_sources import FILE …`."
        )
    )
    date_format = st.selectbox(
        t("Date format"),
        list(DATE_FORMAT_CHOICES),
        format_func=lambda choice: t(DATE_FORMAT_CHOICES[choice]),
        key=layout.translated("import_date_format"),
        help=t(
            "Inferred from the whole column by default; a column such as 10/01/2024 … 12/01/2024 "
            "fits both day/month/year and month/day/year and is refused until you choose."
        ),
        placeholder=t("Choose an option"),
    )
    strict = st.checkbox(
        t("Refuse files whose prices look unadjusted (strict)"),
        key="import_strict_adjustment",
        help=t(
            "A day-return beyond the board's price limit (±10 % main board, ±20 % ChiNext and "
            "STAR, ±30 % BSE, ±5 % ST) in a file without a return or adjustment-factor column "
            "means the prices are unadjusted. Off: such a file is imported flagged "
            "“unadjusted” with those days listed. On: it is refused, naming the days."
        ),
    )
    uploads = st.file_uploader(
        t("Price files"),
        type=["csv", "txt", "xlsx", "xls"],
        accept_multiple_files=True,
        key=f"import_files_{st.session_state.get('import_round', 0)}",
    )
    parsed = []
    uploads = uploads or []
    # Two uploads may share a file name: widgets are keyed by the upload, never by its name.
    for upload, shown_name in zip(uploads, shown_names([u.name for u in uploads]), strict=True):
        try:
            check_file_size(upload.size, f"file {upload.name}")  # before reading it into memory
            inference = infer_file_symbol(upload.getvalue(), upload.name)
        except DataSourceError as error:
            st.error(escape_markdown(tr(error)))
            continue
        symbol = st.text_input(
            t("Series name for {name}", name=escape_markdown(shown_name)),
            value=inference.symbol or "",
            key=f"import_symbol_{upload.file_id}",
        )
        show_inference(inference, symbol, upload.name)
        if not symbol.strip():
            st.error(t("Give {name} a series name.", name=escape_markdown(shown_name)))
            continue
        try:
            bars = parse_price_file(
                upload.getvalue(),
                upload.name,
                symbol,
                date_format or None,
                strict_adjustment=strict,
            )
        except DataSourceError as error:
            st.error(escape_markdown(tr(error)))
            continue
        st.caption(import_summary(shown_name, bars))
        for kind, text in price_record_lines(bars):
            (st.warning if kind == "warning" else st.caption)(text)
        st.dataframe(preview_table(bars), hide_index=True, key=f"import_preview_{upload.file_id}")
        parsed.append((shown_name, bars))
    # Two files under one series name: saving both would silently replace the first (the CLI
    # refuses too); nothing is saved until every series name is distinct.
    clashes = series_name_clashes(parsed)
    for series, names in clashes.items():
        st.error(
            t(
                "Series name {series} is given to {files}: one would overwrite the other. Give "
                "each file its own series name; nothing is saved until they differ.",
                series=escape_markdown(series),
                files=escape_markdown(" and ".join(names)),
            )
        )
    if (
        parsed
        and not clashes
        and st.button(t("Save {n} file(s) to the store", n=len(parsed)), key="import_save")
    ):
        for name, bars in parsed:
            rows = store.write(FetchResult(bars, IMPORT_PROVIDER.name, f"file {name}"), merge=False)
            layout.flash(
                "success",
                t(
                    "{symbol}: {rows:,} rows stored from {name}",
                    symbol=escape_markdown(bars["symbol"].iloc[0]),
                    rows=rows,
                    name=escape_markdown(name),
                ),
            )
        for symbol, kept, rows in store.replaced:
            layout.flash(
                "info",
                t(
                    "The {rows:,} rows {symbol} held before were kept in {path} (import that file "
                    "under the same series name to restore them).",
                    rows=rows,
                    symbol=escape_markdown(symbol),
                    path=code(str(kept)),
                ),
            )
        store.replaced.clear()
        flash_quarantined(store)
        # a new uploader key empties the uploader, so the saved files are not offered again
        st.session_state["import_round"] = st.session_state.get("import_round", 0) + 1
        st.rerun()


def remove_demo_series(store: Store) -> list[str]:
    """Delete every SYNTHETIC demo series still stored (read again now: a series replaced by
    real data meanwhile is no longer demo and stays), through the store's delete; the copies
    kept in ``replaced/`` stay as they are. Returns the symbols removed."""
    demo = sorted(synthetic_symbols(store.coverage()))
    for symbol in demo:
        store.delete(symbol)
        loaders.live_symbols().discard(symbol)
    return demo


def render_remove_demo(store: Store) -> None:
    """One action removes the whole demo, after a confirmation; offered only once real series
    are stored (a store holding only the demo would be empty, and an empty store is filled with
    the demo again on the next page)."""
    coverage = loaders.coverage()
    demo = sorted(synthetic_symbols(coverage))
    if not demo:
        return
    real = int(coverage["source"].notna().sum()) - len(demo)
    st.subheader(t("Remove the SYNTHETIC demo"))
    if not real:
        st.caption(
            t(
                "The store holds only the {n} SYNTHETIC demo series. Fetch or import real data "
                "first: a fetched or imported series replaces its demo series, and the rest of "
                "the demo can then be removed here in one step (an empty store is filled with "
                "the demo again).",
                n=len(demo),
            )
        )
        return
    if not st.session_state.get("remove_demo_asked"):
        st.caption(
            t(
                "{n} SYNTHETIC demo series are stored beside {real} real series. Studies leave "
                "them out by default; removing them keeps the real series as they are.",
                n=len(demo),
                real=real,
            )
        )
        if st.button(
            t("Remove all {n} demo series…", n=len(demo)),
            key="remove_demo_button",
            icon=":material/delete_sweep:",
        ):
            st.session_state["remove_demo_asked"] = True
            st.rerun()
        return
    with st.container(border=True):
        st.warning(
            t(
                "Remove these {n} SYNTHETIC demo series from the store? The {real} real series "
                "stay. {symbols}",
                n=len(demo),
                real=real,
                symbols=escape_markdown(", ".join(demo)),
            ),
            icon=":material/delete_sweep:",
        )
        confirm, cancel = st.columns(2)
        if confirm.button(t("Yes, remove the demo"), key="remove_demo_confirm", type="primary"):
            removed = remove_demo_series(store)
            st.session_state.pop("remove_demo_asked", None)
            layout.flash("success", t("Removed {n} SYNTHETIC demo series.", n=len(removed)))
            st.rerun()
        if cancel.button(t("Cancel"), key="remove_demo_cancel"):
            st.session_state.pop("remove_demo_asked", None)
            st.rerun()


def render_remove(store: Store) -> None:
    stored_symbols = list(loaders.coverage()["symbol"])
    if stored_symbols:
        st.subheader(t("Remove a series"))
        url_state.keep_valid("delete_symbol", stored_symbols)
        victim = st.selectbox(
            t("Series"),
            stored_symbols,
            format_func=formatting.label,
            key=layout.translated("delete_symbol"),
            placeholder=t("Choose an option"),
        )
        confirmed = st.checkbox(
            t(
                "Yes, delete {name} and its stored rows",
                name=escape_markdown(formatting.label(victim)),
            ),
            key="delete_confirm",
        )
        if st.button(
            t("Remove from the store"),
            key="delete_button",
            type="secondary",
            disabled=not confirmed,
        ):
            store.delete(victim)
            loaders.live_symbols().discard(victim)
            layout.flash("success", t("Removed {name}.", name=escape_markdown(victim)))
            st.session_state.pop("delete_confirm", None)
            st.rerun()


def render() -> None:
    layout.run_through_app()
    st.title(t("Data"))
    store = loaders.store()
    # A run interrupted by Cancel (or Stop) left its partial outcomes: say what was stored.
    interrupted = st.session_state.pop("refresh_running", None)
    if interrupted is not None:
        report_outcomes(
            interrupted["done"], interrupted["what"], cancelled_after=interrupted["total"]
        )
    layout.show_flashes()
    render_damage(store)
    st.subheader(t("Stored series"))
    # Filled at the end of the run, after any fetch, import or removal below, so it is never
    # stale.
    stored_series = st.container()
    render_fetch(store)
    render_calendar()
    render_constituents(store)
    render_creits(store)
    render_import(store)
    render_traits_import(store)
    render_remove(store)
    render_remove_demo(store)
    with stored_series:
        render_stored_series(store)


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests import its pieces
    render()
