"""The reliability matrix: network faults, generated bad inputs, store durability under kill -9,
export round trips and a long AppTest run. Each part returns rows of :class:`Outcome`; the
pytest suite (``tests/test_reliability.py``, marker ``reliability``) asserts on them and
``python -m tests.reliability_report`` prints them as a table.

A *failure* is a case that did not behave as specified (wrong message, wrong exit code, data
changed); a *crash* is an exception nobody caught (in the CLI: its "internal error" path; in the
dashboard: Streamlit's exception box); *rows lost* counts stored rows that changed or vanished
when they should not have. Nothing here touches the network: HTTP is replayed with
``responses``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import requests
import responses

from tests.akshare_payloads import (
    CONCEPT_URL,
    INDUSTRY_URL,
    KLINE_URL,
    SHENWAN_URL,
    UNKNOWN_CODE,
    kline_line,
    kline_payload,
    shenwan_payload,
    shenwan_record,
)

PROJECT = Path(__file__).resolve().parents[1]


@dataclass
class Outcome:
    part: str
    entry_point: str
    cases: int = 0
    failures: int = 0
    crashes: int = 0
    rows_lost: int = 0
    notes: list[str] = field(default_factory=list)
    rss: tuple = ()  # long run: RSS in MB at start, after 50 steps, at the end

    def fail(self, note: str) -> None:
        self.failures += 1
        if len(self.notes) < 5:
            self.notes.append(note)

    def crash(self, note: str) -> None:
        self.crashes += 1
        if len(self.notes) < 5:
            self.notes.append(note)


@contextlib.contextmanager
def data_directory() -> Iterator[Path]:
    """A fresh POLICYLENS_DATA_DIR for the duration (restored afterwards). It sits three levels
    down a private sandbox, so a path-like symbol that escaped it would land in the sandbox,
    where :func:`_files_outside` sees it."""
    previous = os.environ.get("POLICYLENS_DATA_DIR")
    with tempfile.TemporaryDirectory() as sandbox:
        directory = Path(sandbox, "one", "two", "data")
        directory.mkdir(parents=True)
        os.environ["POLICYLENS_DATA_DIR"] = str(directory)
        try:
            yield directory
        finally:
            if previous is None:
                os.environ.pop("POLICYLENS_DATA_DIR", None)
            else:
                os.environ["POLICYLENS_DATA_DIR"] = previous


class _NoSleepTime:
    """The ``time`` module as seen by one module, with ``sleep`` a no-op."""

    def __getattr__(self, name):
        return getattr(time, name)

    @staticmethod
    def sleep(seconds) -> None:
        return None


@contextlib.contextmanager
def no_sleeping() -> Iterator[None]:
    """Back-off pauses (ours and akshare's) cost nothing in the matrix. Only the modules that
    pause see a sleepless ``time``: AppTest's own waiting must keep sleeping."""
    import akshare.utils.func
    import akshare.utils.request

    import data_sources.refresh

    modules = [data_sources.refresh, akshare.utils.func, akshare.utils.request]
    for module in modules:
        module.time = _NoSleepTime()
    try:
        yield
    finally:
        for module in modules:
            module.time = time


# -- 1. network faults ---------------------------------------------------------------------------
KLINE, INDUSTRY, CONCEPT, SHENWAN = KLINE_URL, INDUSTRY_URL, CONCEPT_URL, SHENWAN_URL
DATES = ["2024-09-23", "2024-09-24", "2024-09-25", "2024-09-26"]


@dataclass(frozen=True)
class BarEndpoint:
    """How one akshare bar function is reached and what a healthy payload looks like."""

    function: str
    symbol: str
    url: str
    width: int  # values per kline line (0: Shenwan JSON records)

    def healthy(self, dates=DATES, close="3351.91"):
        if not self.width:
            return shenwan_payload(
                [shenwan_record(d, close, 3300.0, high=3360.0, low=3235.0) for d in dates]
            )
        lines = [kline_line(d, 3300, close, 3360, 3235, 260000, width=self.width) for d in dates]
        return kline_payload(lines)


BAR_ENDPOINTS = [
    BarEndpoint("stock_zh_index_daily_em", "000300.SH", KLINE, 8),
    BarEndpoint("fund_etf_hist_em", "508000.SH", KLINE, 11),
    BarEndpoint("stock_zh_a_hist", "600030.SH", KLINE, 11),
    BarEndpoint("stock_board_industry_hist_em", "BK0473.EM", INDUSTRY, 11),
    BarEndpoint("stock_board_concept_hist_em", "BK0711.EMC", CONCEPT, 11),
    BarEndpoint("index_hist_sw", "801193.SI", SHENWAN, 0),
]


def _renamed(endpoint: BarEndpoint) -> dict:
    payload = endpoint.healthy()
    if not endpoint.width:
        for record in payload["data"]:
            record["close_index"] = record.pop("closeindex")
        return payload
    payload["data"]["kline"] = payload["data"].pop("klines")
    return payload


def _empty(endpoint: BarEndpoint) -> dict:
    payload = endpoint.healthy()
    if endpoint.width:
        payload["data"]["klines"] = []
    else:
        payload["data"] = []
    return payload


#: fault name → how to make ``responses`` answer
BAR_FAULTS: dict[str, Callable[[BarEndpoint], dict]] = {
    "connection refused": lambda e: {"body": requests.ConnectionError("connection refused")},
    "timeout": lambda e: {"body": requests.ReadTimeout("read timed out")},
    "HTTP 429": lambda e: {"status": 429, "body": "Too Many Requests"},
    "HTTP 500": lambda e: {"status": 500, "body": "<html>Internal Server Error</html>"},
    "HTTP 503": lambda e: {"status": 503, "body": ""},
    "truncated JSON": lambda e: {"body": json.dumps(e.healthy())[:60]},
    "empty data list": lambda e: {"json": _empty(e)},
    "data null": lambda e: {"json": UNKNOWN_CODE},
    "renamed field": lambda e: {"json": _renamed(e)},
    "non-numeric values": lambda e: {"json": e.healthy(close="-")},
    "duplicate dates": lambda e: {"json": e.healthy(dates=[DATES[0], *DATES])},
    "dates out of order": lambda e: {"json": e.healthy(dates=list(reversed(DATES)))},
}


#: (function, fault) pairs that are accepted, not refused: Shenwan's site sends its history in
#: no particular order (issue 14), so ``index_hist_sw`` rows are sorted before validation and
#: reversed dates are stored in order; every other endpoint still refuses them.
ACCEPTED_FAULTS = {("index_hist_sw", "dates out of order")}


def _stored_before(symbol: str):
    from data_sources.base import FetchResult
    from data_sources.schema import to_canonical
    from data_sources.store import Store

    old = to_canonical(
        pd.DataFrame({"date": ["2024-09-18", "2024-09-19", "2024-09-20"], "close": [1.0, 2, 3]}),
        symbol,
    )
    store = Store()
    store.write(FetchResult(old, "akshare", f"akshare stored before ({symbol})"))
    return store, store.read([symbol])


def network_faults_cli() -> Outcome:
    """Every bar function × every fault through ``python -m data_sources refresh``."""
    from data_sources.cli import main

    outcome = Outcome("network faults", "refresh CLI (6 akshare bar functions)")
    with no_sleeping():
        for endpoint in BAR_ENDPOINTS:
            # control: the same harness with a healthy payload stores the new sessions, so a
            # named error below is the fault's doing, not a mis-registered URL
            with data_directory(), responses.RequestsMock() as http:
                store, before = _stored_before(endpoint.symbol)
                http.get(endpoint.url, json=endpoint.healthy())
                with (
                    contextlib.redirect_stderr(io.StringIO()),
                    contextlib.redirect_stdout(io.StringIO()),
                ):
                    code = main(["refresh", "--symbol", endpoint.symbol, "--delay", "0"])
                if code != 0 or len(store.read([endpoint.symbol])) != len(before) + len(DATES):
                    outcome.fail(f"{endpoint.function}: the healthy control did not store")
            for fault, reply in BAR_FAULTS.items():
                outcome.cases += 1
                with data_directory(), responses.RequestsMock() as http:
                    store, before = _stored_before(endpoint.symbol)
                    http.get(endpoint.url, **reply(endpoint))
                    stderr = io.StringIO()
                    with (
                        contextlib.redirect_stderr(stderr),
                        contextlib.redirect_stdout(io.StringIO()),
                    ):
                        code = main(["refresh", "--symbol", endpoint.symbol, "--delay", "0"])
                    where = f"{endpoint.function} / {fault}"
                    message = stderr.getvalue()
                    accepted = (endpoint.function, fault) in ACCEPTED_FAULTS
                    symbol_named = endpoint.symbol in message
                    if "internal error" in message:
                        outcome.crash(f"{where}: {message.strip()[-200:]}")
                    elif code != (0 if accepted else 1) or not (accepted or symbol_named):
                        outcome.fail(f"{where}: exit {code}, stderr {message.strip()[-160:]!r}")
                    after = store.read([endpoint.symbol])
                    outcome.rows_lost += _rows_changed(before, after)
                    error = store.coverage().set_index("symbol").at[endpoint.symbol, "last_error"]
                    if accepted:
                        new = after.loc[after["date"] > before["date"].max(), "date"]
                        payload = sorted(pd.to_datetime(DATES))  # the reply's dates, reversed
                        if not after["date"].is_monotonic_increasing or list(new) != payload:
                            outcome.fail(f"{where}: stored {list(after['date'])}, not sorted")
                        if error:
                            outcome.fail(f"{where}: an error was recorded: {error!r}")
                    elif not error:
                        outcome.fail(f"{where}: no error recorded for the Data page")
    return outcome


def _rows_changed(before: pd.DataFrame, after: pd.DataFrame) -> int:
    merged = before.merge(after, on=["symbol", "date"], how="left", suffixes=("", "_after"))
    gone = merged["close_after"].isna()
    changed = ~gone & (merged["close"] != merged["close_after"])
    return int(gone.sum() + changed.sum())


LISTING_FAULTS = {
    "connection refused": {"body": requests.ConnectionError("connection refused")},
    "timeout": {"body": requests.ReadTimeout("read timed out")},
    "HTTP 429": {"status": 429, "body": "Too Many Requests"},
    "HTTP 500": {"status": 500, "body": "<html>error</html>"},
    "truncated JSON": {"body": '{"rc":0,"data":{"total":3,"diff":[{"f12"'},
    "empty data list": {"json": {"rc": 0, "data": {"total": 0, "diff": []}}},
    "data null": {"json": {"rc": 0, "data": None}},
    "renamed field": {"json": {"rc": 0, "data": {"total": 1, "diff": [{"f3": 1, "code": "x"}]}}},
}


def network_faults_listings() -> Outcome:
    """The whole-market lists (C-REITs, Eastmoney boards, CSI constituents) under the faults
    that apply to a list: each must raise one named DataSourceError."""
    import akshare.stock.stock_board_industry_em as boards

    from data_sources.constituents import constituents
    from data_sources.errors import DataSourceError
    from data_sources.listings import CREIT_LIST_URL, industry_boards, listed_creits

    outcome = Outcome("network faults", "lists: C-REITs, boards, constituents")
    constituent_url = (
        "https://oss-ch.csindex.com.cn/static/html/csindex/public/uploads/file/autofile/cons/"
        "399975cons.xls"
    )
    targets = [
        ("C-REIT list", CREIT_LIST_URL, listed_creits),
        ("industry boards", "https://17.push2.eastmoney.com/api/qt/clist/get", industry_boards),
        ("constituents", constituent_url, lambda: constituents("399975")),
    ]
    with no_sleeping():
        for name, url, call in targets:
            for fault, reply in LISTING_FAULTS.items():
                outcome.cases += 1
                boards.__stock_board_industry_name_em.cache_clear()
                with responses.RequestsMock(assert_all_requests_are_fired=False) as http:
                    http.get(url, **reply)
                    try:
                        call()
                    except DataSourceError:
                        pass
                    except Exception as error:  # counting what escapes
                        outcome.crash(f"{name} / {fault}: {type(error).__name__}: {error}")
                    else:
                        outcome.fail(f"{name} / {fault}: no error raised")
    return outcome


def network_faults_dashboard() -> Outcome:
    """Each fault once through the Data page's Fetch: named error, stored data still served."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest_helpers import goto, make_app
    from tests.markdown_render import shown

    outcome = Outcome("network faults", "dashboard Data page fetch")
    endpoint = BAR_ENDPOINTS[0]
    patcher = _MonkeyPatch()
    with data_directory(), no_sleeping():
        app: AppTest = make_app(patcher)
        goto(app, "pages/data.py")
        for fault, reply in BAR_FAULTS.items():
            outcome.cases += 1
            from data_sources.store import Store

            before = Store().read([endpoint.symbol])
            with responses.RequestsMock() as http:
                http.get(endpoint.url, **reply(endpoint))
                app.multiselect(key="fetch_symbols_all").set_value([endpoint.symbol]).run()
                app.button(key="fetch_button").click().run()
            if app.exception:
                outcome.crash(f"{fault}: {app.exception[0].value[:200]}")
                continue
            errors = " ".join(shown(e.value) for e in app.error)
            if endpoint.symbol not in errors:
                outcome.fail(f"{fault}: no error naming {endpoint.symbol}: {errors[:160]!r}")
            outcome.rows_lost += _rows_changed(before, Store().read([endpoint.symbol]))
    patcher.undo()
    return outcome


class _MonkeyPatch:
    """pytest's MonkeyPatch without pytest (the report script runs outside pytest)."""

    def __init__(self):
        import pytest

        self._patch = pytest.MonkeyPatch()

    def setattr(self, *args, **kwargs):
        self._patch.setattr(*args, **kwargs)

    def setenv(self, *args, **kwargs):
        self._patch.setenv(*args, **kwargs)

    def undo(self):
        self._patch.undo()


# -- 3. store durability ---------------------------------------------------------------------
_REFRESHING_WRITER = """
import os
import sys
import numpy as np, pandas as pd
from data_sources.base import FetchResult
from data_sources.schema import to_canonical
from data_sources.store import Store
root = sys.argv[1]
store = Store(root)
dates = pd.bdate_range("2010-01-04", periods=3000)
symbols = [f"K{n:02d}" for n in range(8)]
version = {s: float(store.read([s])["close"].iloc[0]) for s in symbols}
print("ready", flush=True)
while True:
    for symbol in symbols:  # like a refresh: one instrument after another
        version[symbol] += 1
        bars = to_canonical(
            pd.DataFrame({"date": dates, "close": np.full(3000, version[symbol])}), symbol
        )
        store.write(FetchResult(bars, "akshare", "kill loop"))
        # one write(2) per report: a pipe write this small is atomic, so a kill cannot cut it
        os.write(1, f"{symbol} {version[symbol]}\\n".encode())
"""


_COMMIT_REPORT = re.compile(r"(?P<symbol>K\d\d) (?P<version>\d+\.\d+)")


def store_durability(kills: int = 50, seed: int = 7) -> Outcome:
    """SIGKILL a refreshing writer at random moments, ``kills`` times. After each kill the store
    must open, every symbol must hold one whole version (3,000 rows, one close value) no older
    than the last commit the writer reported, and the untouched neighbours stay intact."""
    from data_sources.base import FetchResult
    from data_sources.schema import to_canonical
    from data_sources.store import Store

    outcome = Outcome("store durability", f"kill -9 during refresh ({kills} kills)")
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as root:
        dates = pd.bdate_range("2010-01-04", periods=3000)
        symbols = [f"K{n:02d}" for n in range(8)]
        neighbours = [f"N{n:02d}" for n in range(20)]
        Store(root).write_many(
            [
                FetchResult(
                    to_canonical(pd.DataFrame({"date": dates, "close": 1.0}), s), "akshare", "v1"
                )
                for s in symbols
            ]
            + [
                FetchResult(
                    to_canonical(pd.DataFrame({"date": dates, "close": np.arange(1.0, 3001)}), s),
                    "import",
                    "neighbour",
                )
                for s in neighbours
            ]
        )
        committed = dict.fromkeys(symbols, 1.0)
        environment = {**os.environ, "PYTHONPATH": str(PROJECT)}
        torn_writes = 0
        unreadable_reports: list[str] = []
        for _ in range(kills):
            outcome.cases += 1
            writer = subprocess.Popen(
                [sys.executable, "-c", _REFRESHING_WRITER, root],
                stdout=subprocess.PIPE,
                text=True,
                env=environment,
            )
            if writer.stdout.readline().strip() != "ready":
                outcome.crash("writer did not start")
                writer.kill()
                continue
            time.sleep(rng.uniform(0.02, 0.4))
            writer.send_signal(signal.SIGKILL)
            output, _ = writer.communicate(timeout=30)
            for line in output.splitlines():
                # Only a whole "SYMBOL VERSION" line reports a commit; anything else (a report the
                # kill cut short) reports none, so the check below stays on the last whole one.
                report = _COMMIT_REPORT.fullmatch(line.strip())
                if report is None:
                    unreadable_reports.append(line)
                    continue
                committed[report["symbol"]] = float(report["version"])
            try:
                store = Store(root)
                torn_writes += len(list((Path(root) / "shards").glob(".*.tmp")))
                for symbol in symbols:
                    closes = store.read([symbol])["close"]
                    if len(closes) != 3000 or closes.nunique() != 1:
                        outcome.rows_lost += 3000 - int((closes == closes.iloc[0]).sum())
                        outcome.fail(f"{symbol}: a torn version is visible")
                    elif closes.iloc[0] < committed[symbol]:
                        outcome.rows_lost += 3000
                        outcome.fail(f"{symbol}: committed version {committed[symbol]} lost")
                for neighbour in neighbours:
                    closes = store.read([neighbour])["close"].to_numpy()
                    if not np.array_equal(closes, np.arange(1.0, 3001)):
                        outcome.rows_lost += 3000
                        outcome.fail(f"{neighbour}: changed")
            except Exception as error:  # a store that does not open is a crash
                outcome.crash(f"store did not open after a kill: {type(error).__name__}: {error}")
        outcome.notes.append(f"{torn_writes} kills landed mid-write (temporary file left)")
        if max(committed.values()) == 1.0:
            outcome.fail("the writer reported no commit, so no kill tested a committed version")
        if unreadable_reports:
            cut_short = unreadable_reports[:5]
            outcome.notes.append(f"writer reports cut short by the kill: {cut_short!r}")
    return outcome


def concurrent_writers() -> Outcome:
    """Two refreshing processes writing interleaved dates of shared and separate symbols."""
    from tests.test_store import _same_shard_symbols

    outcome = Outcome("store durability", "two writers at once")
    with tempfile.TemporaryDirectory() as root:
        dates = [f"{d:%Y-%m-%d}" for d in pd.bdate_range("2020-01-01", periods=40)]
        first, second = _same_shard_symbols(2)
        script = (
            "import sys, pandas as pd\n"
            "from data_sources.base import FetchResult\n"
            "from data_sources.schema import to_canonical\n"
            "from data_sources.store import Store\n"
            "store = Store(sys.argv[1])\n"
            "for date in sys.argv[3:]:\n"
            "    for symbol in ('SHARED', sys.argv[2]):\n"
            "        bars = to_canonical(pd.DataFrame({'date': [date], 'close': [1.0]}), symbol)\n"
            "        store.write(FetchResult(bars, 'akshare', 'two writers'))\n"
        )
        environment = {**os.environ, "PYTHONPATH": str(PROJECT)}
        writers = [
            subprocess.Popen(
                [sys.executable, "-c", script, root, symbol, *dates[offset::2]], env=environment
            )
            for offset, symbol in ((0, first), (1, second))
        ]
        for writer in writers:
            if writer.wait(180) != 0:
                outcome.crash("a writer failed")
        from data_sources.store import Store

        store = Store(root)
        for symbol, expected in (("SHARED", dates), (first, dates[0::2]), (second, dates[1::2])):
            outcome.cases += 1
            got = list(store.read([symbol])["date"].dt.strftime("%Y-%m-%d"))
            missing = len(set(expected) - set(got))
            if missing:
                outcome.rows_lost += missing
                outcome.fail(f"{symbol}: {missing} rows lost")
    return outcome


#: A measure the catalogue accepts; generated and hostile cases vary it.
VALID_MEASURE = {
    "id": "my-measure",
    "title_zh": "测试措施",
    "title_en": "A test measure",
    "announcement_date": "2021-03-01",
    "timing": "before_open",
    "theme": "T2",
    "segments": ["CHN"],
    "source_url": "https://www.csrc.gov.cn/",
    "confidence": "verified",
}


# -- 4. exports ----------------------------------------------------------------------------------
INJECTIONS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]


def _spreadsheet_cells(content: bytes) -> list[list[str]]:
    """What a spreadsheet would see: the CSV cells as text (BOM stripped as Excel does)."""
    assert content.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8"))))


def _check_export(outcome: Outcome, name: str, content: bytes, chinese: str | None) -> None:
    outcome.cases += 1
    try:
        cells = _spreadsheet_cells(content)
        frame = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
    except Exception as error:
        outcome.crash(f"{name}: unreadable: {error}")
        return
    header = cells[0]
    if not {"method", "data_mode", "data_vintage"} <= set(header):
        outcome.fail(f"{name}: metadata columns missing from {header}")
    for row in cells[1:]:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@"):
                try:
                    float(cell)
                except ValueError:
                    outcome.fail(f"{name}: live formula {cell[:40]!r}")
    if (
        chinese is not None
        and len(frame)
        and not frame.astype(str).apply(lambda c: c.str.contains(chinese)).any().any()
    ):
        outcome.fail(f"{name}: Chinese text {chinese!r} did not survive")


def export_round_trips() -> Outcome:
    """Every CSV the app writes, with hostile and Chinese text in it, read back two ways."""
    from analysis.api import study_from_bars
    from analysis.event_study import Event, EventStudySpec
    from analysis.export import csv_bytes, study_zip
    from analysis.themes import cell_statistics
    from data_sources import catalogue
    from data_sources.base import BarQuery
    from data_sources.demo import DemoSource
    from data_sources.trading_calendar import all_sessions

    outcome = Outcome("exports", "every CSV (+ ZIP) the app writes")
    with data_directory():
        rows = [
            {
                **VALID_MEASURE,
                "id": f"hostile-{number}",
                "title_zh": f"注册制改革{number}",
                "title_en": text,
                "note": text,
            }
            for number, text in enumerate(INJECTIONS)
        ]
        catalogue.add_user_measures(rows, "reliability", row_labels=["r"] * len(rows))
        table = catalogue.load_catalogue()
        metadata = {"method": "=cmd", "data_mode": "SYNTHETIC DEMO", "data_vintage": "演示 @x"}
        _check_export(
            outcome,
            "catalogue export",
            csv_bytes(catalogue.export_table(table), catalogue.export_metadata()),
            "注册制改革",
        )
        bars = pd.concat([DemoSource().fetch(BarQuery(s)).bars for s in ("000300.SH", "399006.SZ")])
        t0 = pd.Timestamp("2021-03-01")
        result = study_from_bars(
            bars,
            ["399006.SZ"],
            [Event("=HYPERLINK(1)", t0, t0)],
            EventStudySpec(),
            all_sessions(),
            "000300.SH",
            placebo_draws=50,
            responses=True,
        )
        for name, frame in result.frames().items():
            _check_export(outcome, f"study {name}", csv_bytes(frame, metadata), "演示")
        archive = study_zip(result.frames(), metadata, {"note": "=1+1"}, "s")
        import zipfile

        with zipfile.ZipFile(io.BytesIO(archive)) as opened:
            for member in opened.namelist():
                if member.endswith(".csv"):
                    _check_export(outcome, f"zip {member}", opened.read(member), "演示")
        pairs = pd.DataFrame(
            {
                "theme": ["T2", "T2"],
                "segment": ["CHN", "CHN"],
                "event_id": ["-a", "@b"],
                "instrument": ["399006.SZ", "399006.SZ"],
                "event_session": pd.to_datetime(["2021-03-01", "2021-06-01"]),
                "car": [0.01, -0.02],
                "t_stat": [1.0, -1.0],
                "p_value": [0.3, 0.3],
            }
        )
        _check_export(outcome, "themes cells", csv_bytes(cell_statistics(pairs), metadata), "演示")
    return outcome


# -- 5. long run ---------------------------------------------------------------------------------
def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def long_run(interactions: int = 500, seed: int = 20200727) -> Outcome:
    """Random clicks across every page of the dashboard, through AppTest, on demo data."""
    from tests.apptest_helpers import PAGES, goto, make_app

    outcome = Outcome("long run", f"{interactions} random dashboard interactions")
    rng = random.Random(seed)
    patcher = _MonkeyPatch()
    with data_directory():
        app = make_app(patcher, record_downloads=False)
        start_rss = _rss_mb()
        rss_after_warmup = None
        trace = []
        for step in range(interactions):
            outcome.cases += 1
            try:
                _random_interaction(app, rng, PAGES, goto)
            except Exception as error:  # AppTest could not drive the page
                outcome.crash(f"step {step}: {type(error).__name__}: {error}"[:200])
                app = make_app(patcher, record_downloads=False)  # a fresh session
                continue
            if app.exception:
                outcome.crash(f"step {step}: {app.exception[0].value[:200]}")
            if step == 49:
                rss_after_warmup = _rss_mb()
            if step % 100 == 99:
                trace.append(f"{_rss_mb():.0f}")
        end_rss = _rss_mb()
    patcher.undo()
    warm = rss_after_warmup if rss_after_warmup is not None else end_rss
    outcome.notes.append(
        f"RSS start {start_rss:.0f} MB, after 50 steps {warm:.0f} MB, end {end_rss:.0f} MB "
        f"(every 100 steps: {', '.join(trace)} MB)"
    )
    outcome.rss = (start_rss, warm, end_rss)
    return outcome


def _random_interaction(app, rng: random.Random, pages, goto) -> None:
    """One user action: open a page, change the theme filter, or set one widget of the page to
    a random value it offers (the values are what the page's own options are made of)."""
    roll = rng.random()
    if roll < 0.15:
        goto(app, rng.choice(pages))
        return
    if roll < 0.3:
        themes = rng.sample([f"T{n}" for n in range(1, 10)], rng.randint(0, 2))
        app.sidebar.multiselect(key="theme_filter").set_value(themes).run()
        return
    if roll < 0.35:
        app.sidebar.toggle(key="include_unverified").set_value(rng.random() < 0.5).run()
        return
    choices = _widget_choices(app)
    present = [key for key in choices if _has_widget(app, key)]
    if not present:
        app.run()
        return
    key = rng.choice(present)
    _set(app, key, choices[key](rng))


def _has_widget(app, key: str) -> bool:
    try:
        app.get_by_key(key)
    except KeyError:
        return False
    return True


def _set(app, key: str, value) -> None:
    for kind in ("selectbox", "radio", "multiselect", "slider", "checkbox", "text_input"):
        for widget in getattr(app, kind):
            if widget.key == key:
                widget.set_value(value).run()
                return


def _widget_choices(app) -> dict[str, Callable[[random.Random], object]]:
    """Widget key → a random valid value, from the same sources the pages use."""
    from analysis.event_study import DEFAULT_CAR_WINDOWS
    from analysis.models import MODELS
    from analysis.overlaps import OVERLAP_CHOICES
    from data_sources import catalogue
    from data_sources.instruments import segment_table
    from data_sources.store import Store

    state = app.session_state
    themes = list(state["theme_filter"]) if "theme_filter" in state else []
    unverified = bool(state["include_unverified"]) if "include_unverified" in state else False
    measures = catalogue.studyable(
        catalogue.filter_by_themes(catalogue.load_catalogue(), themes), unverified
    )
    ids = list(measures["id"]) or ["chinext-first-listings-2020"]
    stored = Store().symbols()

    def some(items, most=3):
        return lambda rng: rng.sample(items, rng.randint(1, min(most, len(items))))

    def pair(low, high):
        return lambda rng: tuple(sorted(rng.randint(low, high) for _ in range(2)))

    choices = {
        "study_measures": some(ids, 2),
        "study_benchmark": lambda rng: rng.choice(stored),
        "study_model": lambda rng: rng.choice(MODELS),
        "study_overlap": lambda rng: rng.choice(OVERLAP_CHOICES),
        "study_estimation": pair(-500, -1),
        "study_window": pair(-30, 30),
        "study_car_window": lambda rng: rng.choice(_car_windows(state)),
        "themes_window": lambda rng: rng.choice(DEFAULT_CAR_WINDOWS),
        "themes_model": lambda rng: rng.choice(["market", "market-adjusted", "constant-mean"]),
        "policies_segments": some(list(segment_table()["id"]), 2),
        "policies_confidence": lambda rng: rng.choice(["all", *catalogue.CONFIDENCE_LEVELS]),
        "policies_search": lambda rng: rng.choice(["", "注册制", "REIT", "delisting", "zzz"]),
        "overview_instruments": some(stored, 4),
    }
    if "study_measures" in state:
        instruments_key = f"study_instruments_{'_'.join(sorted(state['study_measures']))}"
        choices[instruments_key] = some(stored, 4)
    return choices


# -- 2. generated bad inputs -----------------------------------------------------------------
def _run_generated(strategy, check: Callable, examples: int) -> None:
    """Feed ``examples`` generated values to ``check`` (which records, never raises)."""
    from hypothesis import HealthCheck, given, settings

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(value) -> None:
        check(value)

    run()


def _files_outside(directory: Path) -> set[str]:
    """Every file in the sandbox around the data directory but outside it."""
    sandbox = directory.parents[2]
    return {
        str(path) for path in sandbox.rglob("*") if path.is_file() and directory not in path.parents
    }


def _expected(outcome: Outcome, where: str, call: Callable, expected: tuple) -> object:
    """Run ``call``; an ``expected`` error is a clear message, anything else a crash."""
    outcome.cases += 1
    try:
        return call()
    except expected:
        return None
    except Exception as error:  # counting what escapes
        outcome.crash(f"{where}: {type(error).__name__}: {error}"[:220])
        return None


def bad_inputs(examples: int = 60) -> list[Outcome]:
    """Generated bad input against every entry point (``examples`` each)."""
    from hypothesis import strategies as st

    from analysis.api import study_from_bars
    from analysis.cli import main as analysis_main
    from analysis.event_study import Event, EventStudyInputError, EventStudySpec
    from data_sources import catalogue
    from data_sources.base import BarQuery
    from data_sources.cli import main as data_main
    from data_sources.demo import DemoSource
    from data_sources.errors import DataSourceError
    from data_sources.files import parse_price_file
    from data_sources.instruments import get_instrument
    from data_sources.schema import check_symbol
    from data_sources.store import Store
    from data_sources.trading_calendar import all_sessions

    outcomes = []
    text = st.text(max_size=60)
    nasty = st.sampled_from(
        [
            "../../etc/passwd",
            "..",
            "/abs/path",
            "a/b",
            "C:\\x",
            "\x00",
            "\x1b[31m",
            "x" * 5000,
            "",
            " ",
            "NUL",
            "证券公司/..",
            "%2e%2e%2f",
            "\n",
        ]
    )

    with data_directory() as directory:
        before_outside = _files_outside(directory)

        # measures: the add-a-measure form and catalogue import go through the same validation
        form = Outcome("bad inputs", "add-a-measure form (validate_measures)")
        field_values = st.one_of(
            text,
            nasty,
            st.integers(),
            st.floats(),
            st.none(),
            st.lists(text, max_size=3),
            st.dates().map(str),
            st.booleans(),
        )
        rows = st.dictionaries(st.sampled_from([*VALID_MEASURE, "extra"]), field_values).map(
            lambda changes: {**VALID_MEASURE, **changes}
        )

        def check_form(row):
            user_file = catalogue.user_measures_path()
            before = user_file.read_bytes() if user_file.exists() else None
            added = _expected(
                form,
                "form",
                lambda: catalogue.add_user_measures([row], "form", row_labels=["the form"]),
                (catalogue.CatalogueError,),
            )
            after = user_file.read_bytes() if user_file.exists() else None
            if added is None and after != before:
                form.fail("a refused measure changed the user file")
            if added is not None:
                catalogue.remove_user_measure(row["id"])

        _run_generated(rows, check_form, examples)
        outcomes.append(form)

        imports = Outcome("bad inputs", "catalogue import (YAML and CSV files)")
        import yaml

        def as_file(kind_rows):
            kind, rows_, noise = kind_rows
            if kind == "yaml":
                content = yaml.safe_dump(rows_, allow_unicode=True).encode() + noise
                return content, "m.yaml"
            frame = pd.DataFrame(rows_)
            return frame.to_csv(index=False).encode("utf-8") + noise, "m.csv"

        files = st.tuples(
            st.sampled_from(["yaml", "csv"]),
            st.lists(rows, min_size=1, max_size=3),
            st.one_of(st.just(b""), st.binary(max_size=30)),
        ).map(as_file)

        def check_import(file):
            content, name = file
            user_file = catalogue.user_measures_path()
            before = user_file.read_bytes() if user_file.exists() else None

            def run():
                parsed, labels = catalogue.parse_measures_file(content, name)
                return catalogue.add_user_measures(parsed, name, row_labels=labels)

            added = _expected(imports, name, run, (catalogue.CatalogueError,))
            after = user_file.read_bytes() if user_file.exists() else None
            if added is None and after != before:
                imports.fail("a refused file was half-imported")
            if added is not None:
                for measure_id in added["id"]:
                    catalogue.remove_user_measure(measure_id)

        _run_generated(files, check_import, examples)
        outcomes.append(imports)

        # price files: any bytes, any encoding, mutated exports
        prices = Outcome("bad inputs", "price-file import (CSV/Excel, any encoding)")
        good = "日期,收盘\n2024-09-23,3201.35\n2024-09-24,3351.91\n2024-09-25,3399.66\n"
        mutated = st.tuples(
            st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16", "latin-1"]),
            st.lists(st.tuples(st.integers(0, len(good) - 1), st.characters()), max_size=4),
        ).map(lambda spec: _mutate(good, spec[1]).encode(spec[0], errors="replace"))
        contents = st.one_of(st.binary(max_size=200), mutated)
        names = st.sampled_from(["p.csv", "p.txt", "p.xlsx", "p.xls", "证券.csv", "..csv"])

        def check_prices(case):
            content, name = case
            _expected(prices, name, lambda: parse_price_file(content, name), (DataSourceError,))

        _run_generated(st.tuples(contents, names), check_prices, examples)
        outcomes.append(prices)

        # the import CLI end to end: exit 0 or 2, never half-imported
        cli_import = Outcome("bad inputs", "python -m data_sources import FILE")

        def check_cli_import(case):
            content, name = case
            cli_import.cases += 1
            path = directory / "uploads" / "input.csv"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(content)
            store = Store()
            before = set(store.symbols())
            stderr = io.StringIO()
            with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
                code = data_main(["import", str(path), "--symbol", "probe"])
            if "internal error" in stderr.getvalue():
                cli_import.crash(stderr.getvalue()[-200:])
            elif code == 2 and set(store.symbols()) != before:
                cli_import.fail("refused file stored anyway")
            elif code not in (0, 2):
                cli_import.fail(f"exit {code}")
            if code == 0:
                store.delete("probe")

        _run_generated(st.tuples(mutated, st.just("input.csv")), check_cli_import, examples)
        outcomes.append(cli_import)

        # CLI arguments
        arguments = Outcome("bad inputs", "CLI arguments (analysis and data_sources)")
        flags = [
            "study",
            "--prices",
            "--market",
            "--event-date",
            "--model",
            "--estimation",
            "--window",
            "--car-window",
            "--test",
            "--placebo",
            "--seed",
            "--out",
            "--returns",
            "--calendar",
            "--min-estimation",
            "--conventions",
            "refresh",
            "--symbol",
            "--segment",
            "--workers",
            "--delay",
            "--retries",
            "import",
            "catalogue",
            "export",
            "--format",
            "constituents",
            "--volume",
            "--bh",
        ]
        tokens = st.one_of(st.sampled_from(flags), text, nasty, st.integers().map(str))
        argv = st.tuples(st.booleans(), st.lists(tokens, max_size=8))

        def check_arguments(case):
            analysis_cli, args = case
            arguments.cases += 1
            if not analysis_cli and args[:1] == ["refresh"]:
                args = ["refresh", "--symbol", "NOT/VALID", *args[1:]]  # never the network
            if not analysis_cli and "--all-creits" in args:
                return
            stderr = io.StringIO()
            try:
                with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
                    code = (analysis_main if analysis_cli else data_main)(list(args))
            except SystemExit as exit_:
                code = exit_.code
            if "internal error" in stderr.getvalue() or "Traceback" in stderr.getvalue():
                arguments.crash(f"{args}: {stderr.getvalue()[-200:]}")
            elif code not in (0, 1, 2):
                arguments.fail(f"{args}: exit {code}")

        _run_generated(argv, check_arguments, examples)
        outcomes.append(arguments)

        # windows
        windows = Outcome("bad inputs", "estimation and event windows")
        bars = pd.concat([DemoSource().fetch(BarQuery(s)).bars for s in ("000300.SH", "399006.SZ")])
        sessions = all_sessions()
        t0 = pd.Timestamp("2021-03-01")
        ints = st.one_of(st.integers(-400, 400), st.integers(-(10**9), 10**9))

        def check_windows(case):
            est_a, est_b, win_a, win_b, model = case

            def run():
                spec = EventStudySpec(
                    model=model, estimation_window=(est_a, est_b), event_window=(win_a, win_b)
                )
                return study_from_bars(
                    bars, ["399006.SZ"], [Event("e", t0, t0)], spec, sessions, "000300.SH"
                )

            _expected(windows, f"{case}", run, (EventStudyInputError, DataSourceError))

        _run_generated(
            st.tuples(ints, ints, ints, ints, st.sampled_from(["market", "constant-mean", "x"])),
            check_windows,
            examples,
        )
        outcomes.append(windows)

        # symbols
        symbols = Outcome("bad inputs", "symbols (store, registry, import name)")

        def check_symbols(symbol):
            _expected(symbols, repr(symbol), lambda: check_symbol(symbol), (DataSourceError,))
            _expected(symbols, repr(symbol), lambda: Store().read([symbol]), (DataSourceError,))
            _expected(symbols, repr(symbol), lambda: get_instrument(symbol), (DataSourceError,))
            _expected(
                symbols,
                repr(symbol),
                lambda: parse_price_file(good.encode(), "p.csv", symbol),
                (DataSourceError,),
            )

        _run_generated(st.one_of(text, nasty), check_symbols, examples)
        outcomes.append(symbols)

        written_outside = _files_outside(directory) - before_outside
        if written_outside:
            symbols.fail(f"files written outside the data directory: {sorted(written_outside)[:3]}")
    return outcomes


def _mutate(text_: str, edits) -> str:
    characters = list(text_)
    for position, character in edits:
        characters[position % len(characters)] = character
    return "".join(characters)


def url_parameters(cases: int = 30, seed: int = 11) -> Outcome:
    """Random query strings on every page, through AppTest."""
    from tests.apptest_helpers import PAGES, make_app

    outcome = Outcome("bad inputs", "URL query parameters")
    rng = random.Random(seed)
    values = [
        "",
        "T42",
        "-5",
        "9,-9",
        "a,b",
        "1e9,2e9",
        "../../etc/passwd",
        "%00",
        "market,market",
        "chinext-first-listings-2020",
        "000300.SH,NOPE",
        "-500,-1",
        "-30,30",
        "zh",
        "xx",
        "1",
        "☃",
        "2020-13-45,2021-01-01",
        "x" * 300,
    ]
    params = [
        "themes",
        "unverified",
        "lang",
        "measures",
        "instruments",
        "benchmark",
        "model",
        "overlap",
        "estimation",
        "window",
        "segments",
        "years",
        "confidence",
        "q",
        "measure",
        "range",
        "cell",
    ]
    patcher = _MonkeyPatch()
    with data_directory():
        for _ in range(cases):
            outcome.cases += 1
            app = make_app(patcher)
            for param in rng.sample(params, rng.randint(1, 4)):
                app.query_params[param] = rng.choice(values)
            page = rng.choice(PAGES)
            try:
                app.switch_page(page)
                app.run()
            except Exception as error:
                outcome.crash(f"{dict(app.query_params)}: {error}"[:200])
                continue
            if app.exception:
                outcome.crash(f"{page} {dict(app.query_params)}: {app.exception[0].value[:160]}")
    patcher.undo()
    return outcome


def _car_windows(state) -> list:
    """The CAR windows the Event study page offers for the chosen event window."""
    from analysis.event_study import EventStudySpec

    window = tuple(state["study_window"]) if "study_window" in state else (-5, 5)
    try:
        return list(EventStudySpec(event_window=window, estimation_window=(-250, -31)).windows)
    except Exception:  # a window the page itself refuses: offer the default
        return [window]
