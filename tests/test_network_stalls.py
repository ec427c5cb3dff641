"""A live source that stalls or throttles, replayed by a real server on 127.0.0.1.

akshare calls fixed Eastmoney, Shenwan and CSI hosts. Here every requests session is routed to
a local socket instead: ``requests.Session.get_adapter`` is patched to return an adapter that
rewrites the URL to ``http://127.0.0.1:<port>/<same path>?<same query>`` and then sends it the
ordinary way (so the request passes through everything PolicyLens put between akshare and the
socket, the time limit included). Two servers:

* *stalling*: accepts the connection, reads the request, never answers;
* *disconnecting*: accepts, reads the request and closes the connection without a reply —
  what Eastmoney does to an address that fetches too fast.

Nothing leaves the machine; nothing sleeps (pauses and back-offs go through recorders).
"""

from __future__ import annotations

import inspect
import socket
import threading
import time
from urllib.parse import parse_qs, urlsplit, urlunsplit

import pandas as pd
import pytest
import requests
import responses
from requests.adapters import HTTPAdapter
from responses import matchers

from data_sources import network
from data_sources.akshare_source import SUPPORTED_FUNCTIONS, AkshareSource, akshare_call
from data_sources.base import BarQuery
from data_sources.cli import main
from data_sources.errors import DataSourceError
from data_sources.listings import CREIT_LIST_URL, industry_boards, listed_creits
from data_sources.refresh import DEFAULT_DELAY, THROTTLE_LIMIT, refresh
from data_sources.store import Store
from tests.akshare_payloads import SHENWAN_URL, clist_payload, shenwan_payload, shenwan_record

TIMEOUT = 0.3  # seconds: the test's POLICYLENS_HTTP_TIMEOUT
#: Longest a bounded call may take here: a few attempts of TIMEOUT each, plus slack for a
#: loaded machine. An unbounded call never ends; these are run in a thread and abandoned.
ENDS_WITHIN = 20.0


class LocalServer:
    """A TCP server on 127.0.0.1 that stalls or disconnects every connection."""

    def __init__(self, mode: str):
        self.mode = mode
        self.requests: list[bytes] = []
        self.held: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.closing = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.closing.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            connection.settimeout(5)
            try:
                self.requests.append(connection.recv(65536))
            except OSError:
                self.requests.append(b"")
            if self.mode == "stall":
                self.held.append(connection)  # accepted, read, never answered
            else:
                connection.close()

    def symbols_asked(self) -> list[str]:
        """The ``secid`` (Eastmoney) of each request received, in order."""
        asked = []
        for raw in self.requests:
            target = raw.split(b" ")[1].decode() if raw.count(b" ") >= 2 else ""
            asked.append(parse_qs(urlsplit(target).query).get("secid", [""])[0])
        return asked

    def close(self) -> None:
        self.closing.set()
        self.listener.close()
        for connection in self.held:
            connection.close()


class ForwardingAdapter(HTTPAdapter):
    """Sends every request to the local server, keeping its path and query."""

    def __init__(self, port: int):
        super().__init__()
        self.port = port

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        request.url = urlunsplit(("http", f"127.0.0.1:{self.port}", parts.path, parts.query, ""))
        return super().send(request, **kwargs)


@pytest.fixture
def serve(monkeypatch):
    """``serve(mode)`` starts a local server and routes every requests session to it."""
    monkeypatch.setenv(network.HTTP_TIMEOUT_ENV, str(TIMEOUT))
    servers = []

    def start(mode: str) -> LocalServer:
        server = LocalServer(mode)
        servers.append(server)
        adapter = ForwardingAdapter(server.port)
        monkeypatch.setattr(requests.Session, "get_adapter", lambda self, url: adapter)
        return server

    yield start
    for server in servers:
        server.close()


def _run_bounded(call):
    """Run ``call`` in a thread; return (finished, result or exception, seconds)."""
    box: dict = {}

    def target():
        try:
            box["value"] = call()
        except BaseException as error:  # the outcome to assert on, whatever it is
            box["value"] = error

    began = time.monotonic()
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(ENDS_WITHIN)
    return not thread.is_alive(), box.get("value"), time.monotonic() - began


@pytest.fixture
def no_sleep(monkeypatch):
    """akshare's own retry helpers sleep between attempts: record instead of waiting."""
    pauses: list[float] = []
    monkeypatch.setattr(time, "sleep", pauses.append)
    return pauses


# -- stalls: every request ends within the time limit, with a named error ------------------------
@pytest.mark.parametrize(
    "symbol", ["000300.SH", "508000.SH", "600377.SH", "BK0473.EM", "BK0711.EMC", "801193.SI"]
)
def test_a_stalled_bar_request_ends_in_a_named_time_out(serve, symbol):
    """Each of the six akshare bar functions, against a server that never answers."""
    server = serve("stall")
    finished, outcome, seconds = _run_bounded(lambda: AkshareSource().fetch(BarQuery(symbol)))
    assert finished, f"{symbol}: still waiting after {ENDS_WITHIN} s (no time limit)"
    assert isinstance(outcome, DataSourceError), outcome
    assert f"did not answer within {TIMEOUT:g} s" in str(outcome)
    assert outcome.symbol == symbol
    assert server.requests  # the request did reach the (stalling) server
    assert seconds < ENDS_WITHIN


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (listed_creits, "C-REIT list"),
        (industry_boards, "stock_board_industry_name_em"),
        (lambda: __import__("data_sources.constituents").constituents.constituents("399975"), ""),
    ],
    ids=["creit-list", "board-list", "constituents"],
)
def test_stalled_list_requests_end_in_an_error(serve, no_sleep, call, expected):
    serve("stall")
    finished, outcome, _ = _run_bounded(call)
    assert finished, "a list request waited forever"
    assert isinstance(outcome, DataSourceError), outcome
    assert "Timeout" in str(outcome) and expected in str(outcome)


def test_the_refresh_cli_ends_when_the_source_stalls(serve, data_dir, capsys, monkeypatch):
    serve("stall")
    pauses: list[float] = []
    monkeypatch.setattr("data_sources.refresh.time.sleep", pauses.append)
    argv = ["refresh", "--symbol", "000300.SH", "--symbol", "399006.SZ", "--retries", "1"]
    finished, code, _ = _run_bounded(lambda: main(argv))
    assert finished, "the refresh CLI never ended"
    assert code == 1
    err = capsys.readouterr().err
    assert "000300.SH: akshare stock_zh_index_daily_em failed: ReadTimeout" in err
    assert f"did not answer within {TIMEOUT:g} s" in err
    # the official calendar is fetched first: it stalled too, and is reported, not fatal
    assert "calendar: could not fetch the official calendar" in err
    assert "the calendar was not fetched" in err
    assert pauses  # the back-off and the pause went through the (patched) sleep


def test_a_stalled_calendar_fetch_ends_in_a_named_time_out(serve, tmp_path):
    """akshare's tool_trade_date_hist_sina asks Sina with no time-out; the stored calendar is
    left as it was."""
    from data_sources.calendar_store import (
        load_official_sessions,
        refresh_official_calendar,
        save_official_sessions,
    )

    path = tmp_path / "calendar" / "xshg_sessions.json"
    stored = pd.DatetimeIndex(pd.to_datetime(["2026-12-30", "2026-12-31"]))
    save_official_sessions(stored, path=path)
    server = serve("stall")
    finished, outcome, _ = _run_bounded(lambda: refresh_official_calendar(path))
    assert finished, f"the calendar fetch was still waiting after {ENDS_WITHIN} s"
    assert isinstance(outcome, DataSourceError), outcome
    assert "could not fetch the official calendar" in str(outcome)
    assert f"ReadTimeout: the source did not answer within {TIMEOUT:g} s" in str(outcome)
    assert b"/realstock/company/klc_td_sh.txt" in server.requests[0]
    assert load_official_sessions(path).sessions.equals(stored)


def test_every_akshare_timeout_argument_is_given(monkeypatch):
    """Where an akshare bar function takes ``timeout=`` (stock_zh_a_hist in 1.19.5), the query
    passes the configured limit; for the rest the adapter-level bound applies."""
    import akshare

    monkeypatch.setenv(network.HTTP_TIMEOUT_ENV, "7.5")
    symbols = {akshare_call(s)[0]: s for s in ("600377.SH", "000300.SH")}
    with_timeout = [
        name
        for name in SUPPORTED_FUNCTIONS
        if "timeout" in inspect.signature(getattr(akshare, name)).parameters
    ]
    assert with_timeout == ["stock_zh_a_hist"]
    kwargs = AkshareSource().transform_query(BarQuery(symbols["stock_zh_a_hist"]))["kwargs"]
    assert kwargs["timeout"] == 7.5
    index = AkshareSource().transform_query(BarQuery(symbols["stock_zh_index_daily_em"]))
    assert "timeout" not in index["kwargs"]


def test_the_bound_shortens_long_timeouts_and_leaves_other_threads_alone(serve):
    """fund_etf_hist_em asks for 15 s: inside the bound it waits TIMEOUT; outside any bound a
    request keeps its own time-out."""
    serve("stall")
    with network.bounded_requests(TIMEOUT):
        began = time.monotonic()
        with pytest.raises(requests.Timeout):
            requests.get("https://push2his.eastmoney.com/x", timeout=15)
        assert time.monotonic() - began < 5
    began = time.monotonic()
    with pytest.raises(requests.Timeout):
        requests.get("https://push2his.eastmoney.com/x", timeout=0.6)
    assert time.monotonic() - began >= 0.5  # its own 0.6 s, not the (gone) bound


def test_the_bound_survives_a_patch_that_puts_the_adapter_back(serve, monkeypatch):
    """``responses`` (like ``mock.patch``) restores the ``HTTPAdapter.send`` it found when it
    stops. When a process's first bounded request ran inside it, the bound's wrapper went with
    it and every later request waited without limit (the suite's order after a merge)."""
    # a fresh process: the adapter's own send, no wrapper yet
    monkeypatch.setattr(HTTPAdapter, "send", inspect.unwrap(HTTPAdapter.send))
    with responses.RequestsMock() as mocked:
        mocked.get("https://push2his.eastmoney.com/x", body="ok")
        with network.bounded_requests(TIMEOUT):
            assert requests.get("https://push2his.eastmoney.com/x").text == "ok"
    serve("stall")

    def stalled_request():
        with network.bounded_requests(TIMEOUT):
            return requests.get("https://push2his.eastmoney.com/x")

    finished, outcome, _ = _run_bounded(stalled_request)
    assert finished, f"still waiting after {ENDS_WITHIN} s: the bound was lost"
    assert isinstance(outcome, requests.Timeout), outcome


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_a_bad_timeout_setting_is_named(monkeypatch, value):
    monkeypatch.setenv(network.HTTP_TIMEOUT_ENV, value)
    with pytest.raises(DataSourceError, match=f"POLICYLENS_HTTP_TIMEOUT={value!r}"):
        network.http_timeout()


# -- disconnects: retried, then the batch stops with the throttling message ----------------------
INDICES = ["000300.SH", "000001.SH", "399001.SZ", "000905.SH", "000852.SH", "399006.SZ"]


def test_a_disconnecting_source_stops_the_batch(serve, tmp_path):
    server = serve("disconnect")
    store = Store(tmp_path)
    pauses: list[float] = []
    outcomes = refresh(INDICES, store, retries=2, backoff=1.0, sleep=pauses.append)
    statuses = [outcome.status for outcome in outcomes]
    assert statuses == ["failed"] * THROTTLE_LIMIT + ["skipped"] * (6 - THROTTLE_LIMIT)
    assert all(outcome.throttled for outcome in outcomes[:THROTTLE_LIMIT])
    assert all(outcome.attempts == 3 for outcome in outcomes[:THROTTLE_LIMIT])  # retried
    # only the first three were asked for, each three times; the rest never reached the server
    asked = server.symbols_asked()
    assert asked == [s for s in ("1.000300", "1.000001", "0.399001") for _ in range(3)]
    assert "throttling" in outcomes[-1].message and "30 minutes" in outcomes[-1].message
    # back-offs 1 s, 2 s per instrument, and one jittered pause in [1, 2] s after each
    backoffs = [p for p in pauses if p in (1.0, 2.0)]
    assert len(backoffs) >= 2 * THROTTLE_LIMIT
    assert store.coverage().empty or store.coverage()["rows"].fillna(0).eq(0).all()


def test_the_refresh_cli_says_the_source_is_throttling(serve, data_dir, capsys, monkeypatch):
    serve("disconnect")
    monkeypatch.setattr("data_sources.refresh.time.sleep", lambda seconds: None)
    argv = ["refresh", "--retries", "1"]
    for symbol in INDICES:
        argv += ["--symbol", symbol]
    finished, code, _ = _run_bounded(lambda: main(argv))
    assert finished and code == 1
    captured = capsys.readouterr()
    assert "The source is throttling this connection" in captured.err
    assert "3 not attempted: 000905.SH, 000852.SH, 399006.SZ" in captured.err
    assert "Try again in 30 minutes or more." in captured.err
    assert "refreshed 0 of 6 series" in captured.out


def test_a_success_between_disconnects_resets_the_count(tmp_path):
    """Throttling means failures in a row: one instrument that arrives starts the count anew."""
    from data_sources.demo import DemoSource

    class Flaky(DemoSource):
        calls = 0

        def fetch(self, query):
            Flaky.calls += 1
            if query.symbol in ("000001.SH", "399001.SZ", "000852.SH", "399006.SZ"):
                cause = requests.ConnectionError("Remote end closed connection without response")
                raise DataSourceError("disconnected", symbol=query.symbol) from cause
            return super().fetch(query)

    outcomes = refresh(INDICES, Store(tmp_path), Flaky(), retries=0, sleep=lambda s: None)
    assert [o.status for o in outcomes] == ["ok", "failed", "failed", "ok", "failed", "failed"]


def test_default_refresh_is_one_at_a_time_with_a_jittered_pause(tmp_path):
    from data_sources.demo import DemoSource

    running, most, guard = [0], [0], threading.Lock()

    class Counting(DemoSource):
        def fetch(self, query):
            with guard:
                running[0] += 1
                most[0] = max(most[0], running[0])
            try:
                threading.Event().wait(0.01)  # long enough for a second worker to overlap
                return super().fetch(query)
            finally:
                with guard:
                    running[0] -= 1

    pauses: list[float] = []
    outcomes = refresh(INDICES, Store(tmp_path), Counting(), sleep=pauses.append)
    assert [o.status for o in outcomes] == ["ok"] * 6
    assert most[0] == 1
    assert len(pauses) == 6
    assert all(DEFAULT_DELAY[0] <= p <= DEFAULT_DELAY[1] for p in pauses)
    assert len(set(pauses)) > 1  # jittered, not a fixed rhythm


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["refresh", "--delay", "soon"], "'soon' is not seconds (1.5) or a range (1-2)"),
        (["refresh", "--delay", "3-1"], "expected 0 ≤ LOW ≤ HIGH"),
    ],
)
def test_bad_delay_is_named(data_dir, capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


# -- the C-REIT list is paged by code; Shenwan rows are sorted, a missing open is accepted -------
@responses.activate
def test_creit_list_pages_are_sorted_by_code_not_by_the_live_change(no_sleep):
    rows = [
        {"f2": 2.9, "f3": 0.5, "f12": "180101", "f13": 0, "f14": "A"},
        {"f2": 3.1, "f3": -0.2, "f12": "508000", "f13": 1, "f14": "B"},
    ]
    for number, page in enumerate(([rows[0]], [rows[1]]), start=1):
        responses.get(
            CREIT_LIST_URL,
            json=clist_payload(page, total=2),
            match=[
                matchers.query_param_matcher({"pn": str(number), "fid": "f12"}, strict_match=False)
            ],
        )
    assert listed_creits()["symbol"].tolist() == ["180101.SZ", "508000.SH"]
    assert all(parse_qs(urlsplit(c.request.url).query)["fid"] == ["f12"] for c in responses.calls)


@responses.activate
def test_shenwan_rows_are_sorted_and_a_missing_open_is_accepted():
    records = [
        shenwan_record("2024-09-24", 6500.0, "6110.0"),
        shenwan_record("2024-09-20", 6000.0, None),  # the site leaves the open empty
        shenwan_record("2024-09-23", 6100.0, "6001.0"),
    ]
    responses.get(SHENWAN_URL, json=shenwan_payload(records))
    bars = AkshareSource().fetch(BarQuery("801193.SI")).bars
    assert bars["date"].tolist() == list(pd.to_datetime(["2024-09-20", "2024-09-23", "2024-09-24"]))
    assert bars["close"].tolist() == [6000.0, 6100.0, 6500.0]
    assert pd.isna(bars["open"].iloc[0]) and bars["open"].iloc[1:].tolist() == [6001.0, 6110.0]
    assert bars["low"].tolist() == [5980.0, 5981.0, 6090.0]  # kept: no row contradicts itself


@responses.activate
def test_shenwan_open_that_is_text_is_still_refused():
    records = [
        shenwan_record("2024-09-23", 6100.0, "n/a"),
        shenwan_record("2024-09-20", 6000.0, "5990"),
    ]
    responses.get(SHENWAN_URL, json=shenwan_payload(records))
    with pytest.raises(DataSourceError, match="non-numeric open 'n/a' on 2024-09-23"):
        AkshareSource().fetch(BarQuery("801193.SI"))


def test_the_data_page_says_the_source_is_throttling(app, monkeypatch):
    """Five instruments fetched from the Data page against a source that disconnects: three
    are tried, the page names the two not attempted and says when to try again."""
    from tests.apptest_helpers import goto

    def disconnect(self, query, params):
        cause = requests.ConnectionError("Remote end closed connection without response")
        raise DataSourceError("akshare failed: disconnected", symbol=query.symbol) from cause

    monkeypatch.setattr(AkshareSource, "extract", disconnect)
    monkeypatch.setattr("data_sources.refresh.time.sleep", lambda seconds: None)
    goto(app, "pages/data.py")
    picker = app.multiselect(key="fetch_symbols_all")
    labels = [option for option in picker.options if option.split(" ")[0] in INDICES[:5]]
    for label in labels:
        picker.select(label)
    picker.run()
    app.button(key="fetch_button").click().run()
    assert not app.exception
    messages = " ".join(element.value for element in app.error)
    assert "The source is throttling this connection" in messages
    assert "2 not attempted" in messages and "Try again in 30 minutes or more." in messages
