"""Data: what is stored, from which source; fetch from akshare; import your own price files."""

import streamlit as st

from data_sources.akshare_source import AkshareSource
from data_sources.base import FetchResult
from data_sources.constituents import SURVIVORSHIP_CAVEAT, constituents
from data_sources.errors import DataSourceError
from data_sources.files import parse_price_file
from data_sources.instruments import registry, segment_instruments
from data_sources.listings import listed_creits
from data_sources.refresh import refresh
from data_sources.store import COVERAGE_COLUMNS
from pages import ui

ui.run_through_app()
SOURCE_NAMES = {"demo": "SYNTHETIC DEMO", "akshare": "akshare", "import": "imported file"}

st.title("Data")
store = ui.store()


def show_stored_series() -> None:
    coverage = ui.coverage()
    if coverage.empty:
        st.info("The store is empty. Fetch from akshare or import a file below.")
        return
    live = ui.live_symbols()
    table = coverage.assign(
        name=coverage["symbol"].map(ui.label),
        mode=[
            ("live akshare" if sym in live else SOURCE_NAMES.get(src, "—"))
            for sym, src in zip(coverage["symbol"], coverage["source"], strict=True)
        ],
    )
    st.dataframe(
        table[["name", "mode", *COVERAGE_COLUMNS[2:]]],
        hide_index=True,
        width="stretch",
        key="data_coverage",
        column_config={
            "name": "Instrument",
            "mode": "Source",
            "detail": "Provenance",
            "first_date": st.column_config.DateColumn("First session", format="YYYY-MM-DD"),
            "last_date": st.column_config.DateColumn("Last session", format="YYYY-MM-DD"),
            "rows": st.column_config.NumberColumn("Rows"),
            "fetched_at": "Fetched / generated (UTC)",
            "last_error": "Last error",
        },
    )
    st.caption(
        f"{int(coverage['rows'].fillna(0).sum()):,} rows in {len(coverage)} series · "
        f"store: `{store.root}`"
    )


def fetch_with_progress(symbols: list[str], what: str, where=st) -> None:
    """Refresh ``symbols`` with a progress bar, per-item status and a Cancel button; flash the
    outcome and rerun so every page sees the new data.

    Cancel (or the app's Stop) interrupts the run between instruments: nothing new starts, the
    fetches under way commit atomically or not at all, and stored data stay intact. The outcomes
    seen so far are kept in the session so the rerun after a cancel can say what was stored.
    """
    st.session_state["refresh_running"] = {"what": what, "total": len(symbols), "done": []}
    where.button("Cancel", key="refresh_cancel", icon=":material/cancel:")
    bar = where.progress(0.0, text="Starting…")
    status = where.empty()
    lines: list[str] = []

    def show_progress(done, total, outcome):
        st.session_state["refresh_running"]["done"].append(outcome)
        mark = "✅" if outcome.status == "ok" else "❌"
        lines.append(f"{mark} {ui.label(outcome.symbol)}: {outcome.message or outcome.status}")
        bar.progress(done / total, text=f"{done}/{total} · {ui.label(outcome.symbol)}")
        status.caption("  \n".join(lines[-6:]))

    # incremental, retried, two at a time with a pause (these endpoints throttle)
    outcomes = refresh(symbols, store, AkshareSource(), progress=show_progress)
    st.session_state.pop("refresh_running", None)
    report_outcomes(outcomes, what)
    st.rerun()


def report_outcomes(outcomes, what: str, cancelled_after: int | None = None) -> None:
    ok = [o for o in outcomes if o.status == "ok"]
    failures = [o for o in outcomes if o.status == "failed"]
    for outcome in ok:
        ui.live_symbols().add(outcome.symbol)
        ui.flash(
            "write",
            f"✅ {ui.label(outcome.symbol)}: {outcome.rows_fetched:,} rows "
            f"fetched from {outcome.start:%Y-%m-%d}, {outcome.rows_stored:,} stored",
        )
    for outcome in failures:
        ui.flash("write", f"❌ {ui.label(outcome.symbol)}: {outcome.message}")
    if cancelled_after is not None:
        ui.flash(
            "error",
            f"Cancelled {what}: {len(ok)} of {cancelled_after} series stored before the cancel; "
            "the rest keep their stored data.",
        )
    elif failures:
        ui.flash(
            "error",
            f"{len(failures)} of {len(outcomes)} failed "
            f"({', '.join(o.symbol for o in failures)}); their stored data are unchanged.",
        )
    else:
        ui.flash("success", f"Fetched {len(ok)} series ({what}).")


def list_then_fetch(key: str, label: str, load, what: str, left, right) -> None:
    """A "List …" button that shows a list of instruments (kept in the session), then a
    button that fetches every one of them; a failed listing is named in place."""
    if left.button(label, key=f"{key}_button"):
        try:
            st.session_state[key] = load()
        except DataSourceError as error:
            st.session_state.pop(key, None)
            right.error(str(error))
    listing = st.session_state.get(key)
    if listing is not None:
        right.dataframe(listing, hide_index=True, key=f"{key}_table", height=220)
        if right.button(f"Fetch all {len(listing)} from akshare", key=f"{key}_fetch"):
            fetch_with_progress(list(listing["symbol"]), what, right)


# A run interrupted by Cancel (or Stop) left its partial outcomes: say what was stored.
interrupted = st.session_state.pop("refresh_running", None)
if interrupted is not None:
    report_outcomes(interrupted["done"], interrupted["what"], cancelled_after=interrupted["total"])
ui.show_flashes()

st.subheader("Stored series")
# Filled at the end of the run, after any fetch, import or removal below, so it is never stale.
stored_series = st.container()

st.subheader("Fetch from akshare")
st.caption(
    "Downloads daily bars from Eastmoney through akshare (indices unadjusted; C-REITs "
    "back-adjusted, 后复权, so distributions are not read as price drops). A fetched "
    "series replaces that instrument's demo series. Needs a network connection; on "
    "failure the stored data stay as they are."
)
symbols = list(registry())
# Honour the sidebar's theme filter: offer the instruments of the segments its measures touch.
themed_segments = (
    set().union(*ui.filtered_catalogue()["segments"]) if ui.selected_themes() else set()
)
suggested = segment_instruments(sorted(themed_segments))
to_fetch = st.multiselect(
    "Instruments to fetch",
    symbols,
    default=suggested,
    format_func=ui.label,
    key=f"fetch_symbols_{'_'.join(ui.selected_themes()) or 'all'}",
    help="Preselected: the instruments of the segments touched by the measures of the themes "
    "chosen in the sidebar.",
)
if st.button("Fetch now", disabled=not to_fetch, key="fetch_button", icon=":material/download:"):
    fetch_with_progress(to_fetch, "selected instruments")

st.subheader("Fetch every firm of an index")
st.warning(SURVIVORSHIP_CAVEAT, icon=":material/history:")
cons_left, cons_right = st.columns([1, 3])
index_text = cons_left.text_input(
    "CSI index code",
    value="399975",
    key="constituents_index",
    help="e.g. 399975 securities companies, 399986 banks",
)
list_then_fetch(
    "constituents",
    "List constituents",
    lambda: constituents(index_text),
    f"constituents of {index_text}",
    cons_left,
    cons_right,
)

st.subheader("Fetch every listed C-REIT")
st.caption(
    "The full list from Eastmoney, page by page (akshare's `reits_realtime_em` stops at 100 "
    "rows). Histories are back-adjusted (后复权), so distributions are not read as price drops. "
    "Headless: `python -m data_sources refresh --all-creits`."
)
reit_left, reit_right = st.columns([1, 3])
list_then_fetch(
    "creits", "List C-REITs", listed_creits, "every listed C-REIT", reit_left, reit_right
)

st.subheader("Import your own price files")
st.caption(
    "CSV or Excel with a date and a close column (date, close[, open, high, low, volume, "
    "amount]); exports of akshare, Wind, Choice, iFinD, baostock and tushare are recognised "
    "(日期/交易日期, 收盘/收盘价(元), trade_date, …); UTF-8, UTF-16 or GBK. The series name "
    "defaults to the file name without its extension. Headless: "
    "`python -m data_sources import FILE …`."
)
uploads = st.file_uploader(
    "Price files",
    type=["csv", "txt", "xlsx", "xls"],
    accept_multiple_files=True,
    key=f"import_files_{st.session_state.get('import_round', 0)}",
)
parsed = []
for upload in uploads or []:
    stem = upload.name.rsplit(".", 1)[0]
    symbol = st.text_input(
        f"Series name for {upload.name}", value=stem, key=f"import_symbol_{upload.name}"
    )
    try:
        bars = parse_price_file(upload.getvalue(), upload.name, symbol)
    except DataSourceError as error:
        st.error(str(error))
        continue
    st.caption(
        f"{upload.name}: {len(bars):,} rows, {bars['date'].iloc[0]:%Y-%m-%d} to "
        f"{bars['date'].iloc[-1]:%Y-%m-%d}"
        + (
            f"; skipped {bars.attrs['skipped_empty_rows']} dated rows with no values "
            "(sessions without data)"
            if bars.attrs.get("skipped_empty_rows")
            else ""
        )
    )
    st.dataframe(bars.head(5), hide_index=True, key=f"import_preview_{upload.name}")
    parsed.append((upload.name, bars))
if parsed and st.button(f"Save {len(parsed)} file(s) to the store", key="import_save"):
    for name, bars in parsed:
        rows = store.write(FetchResult(bars, "import", f"file {name}"), merge=False)
        ui.flash("success", f"{bars['symbol'].iloc[0]}: {rows:,} rows stored from {name}")
    # a new uploader key empties the uploader, so the saved files are not offered again
    st.session_state["import_round"] = st.session_state.get("import_round", 0) + 1
    st.rerun()

stored_symbols = list(ui.coverage()["symbol"])
if stored_symbols:
    st.subheader("Remove a series")
    victim = st.selectbox("Series", stored_symbols, format_func=ui.label, key="delete_symbol")
    if st.button("Remove from the store", key="delete_button", type="secondary"):
        store.delete(victim)
        ui.live_symbols().discard(victim)
        ui.flash("success", f"Removed {victim}.")
        st.rerun()

with stored_series:
    show_stored_series()
