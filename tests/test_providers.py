"""The provider registry: a source added from outside (one module, one ``register`` line) flows
through the store, the refresh, the data CLI and the data mode; every registered provider meets
one contract (modelled on OpenBB's ``Fetcher.test``)."""

from __future__ import annotations

import pandas as pd
import pytest
import responses

from data_sources.base import BarQuery, BarSource, Provider
from data_sources.cli import main
from data_sources.data_mode import data_mode, data_vintage
from data_sources.demo import DemoSource
from data_sources.errors import DataSourceError
from data_sources.files import FileSource
from data_sources.providers import PROVIDERS, provider, provider_for, register, unregister
from data_sources.refresh import FETCH_START, OVERLAP_SESSIONS, incremental_start, refresh
from data_sources.schema import CANONICAL_COLUMNS, to_canonical, validate_bars
from data_sources.store import Store
from data_sources.trading_calendar import sessions_between
from tests.akshare_payloads import KLINE_URL, kline_lines, kline_payload


# -- a toy provider, exactly as the README shows a new source's module ----------------------
class ConstantSource(BarSource):
    source_kind = "constant"  # the provenance stored with each series

    def transform_query(self, query: BarQuery) -> dict:
        return {"start": query.start or "2018-01-01", "end": query.end or "2024-06-28"}

    def extract(self, query: BarQuery, params: dict) -> pd.DataFrame:
        return pd.DataFrame({"date": sessions_between(params["start"], params["end"])})

    def transform_data(self, query: BarQuery, raw: pd.DataFrame) -> pd.DataFrame:
        return to_canonical(raw.assign(close=100.0), query.symbol, source="constant")


CONSTANT = Provider(
    ConstantSource,
    label="constant prices",
    serves=lambda symbol: symbol.endswith(".CONST"),
    incremental=True,
)
LAST = pd.Timestamp("2024-06-28")


@pytest.fixture
def constant_provider():
    register(CONSTANT)  # the one registry line
    yield CONSTANT
    unregister("constant")


def _no_sleep(seconds):
    return None


def test_a_registered_provider_flows_through_refresh_store_and_data_mode(
    constant_provider, tmp_path
):
    store = Store(tmp_path)
    assert provider_for("TOY.CONST") is constant_provider
    assert provider_for("000300.SH").name == "akshare"  # registration order: akshare first
    (outcome,) = refresh(["TOY.CONST"], store, delay=0, sleep=_no_sleep)
    assert outcome.status == "ok" and outcome.start == FETCH_START
    sessions = sessions_between(FETCH_START, LAST)
    assert outcome.rows_stored == len(sessions)
    bars = store.read(["TOY.CONST"])
    assert (bars["close"] == 100.0).all() and bars["date"].iloc[-1] == LAST
    coverage = store.coverage()
    assert coverage.set_index("symbol").at["TOY.CONST", "source"] == "constant"

    # incremental: the provider says it can, so a second refresh starts a few sessions back
    assert incremental_start(store, "TOY.CONST") == sessions[-1 - OVERLAP_SESSIONS]
    (again,) = refresh(["TOY.CONST"], store, delay=0, sleep=_no_sleep)
    assert again.rows_fetched == OVERLAP_SESSIONS + 1 and again.rows_stored == len(sessions)

    mode = data_mode(coverage)
    assert (mode.label, mode.synthetic, mode.sources) == ("constant prices", False, ("constant",))
    assert mode.counts == {"constant": 1}
    assert "TOY.CONST: ConstantSource(TOY.CONST) fetched" in data_vintage(coverage, ["TOY.CONST"])

    # beside the synthetic demo: the warning leads, the structure names both
    store.write(DemoSource().fetch(BarQuery("000300.SH", end="2020-12-31")))
    mixed = data_mode(store.coverage())
    assert mixed.label == "SYNTHETIC DEMO + constant prices"
    assert mixed.synthetic and mixed.sources == ("demo", "constant")


def test_a_lost_series_is_refetched_from_the_provider_that_stored_it(constant_provider):
    from data_sources.store import refetch_hint

    hint = refetch_hint("TOY.CONST", {"source": "constant"})
    assert hint == "python -m data_sources refresh --symbol TOY.CONST"
    assert refetch_hint("399006.SZ", {"source": "akshare"}).endswith("--symbol 399006.SZ")
    assert refetch_hint("MINE", {"source": "import", "detail": "file mine.csv"}).startswith(
        "re-import the file: python -m data_sources import mine.csv"
    )
    unregister("constant")
    assert refetch_hint("TOY.CONST", {"source": "constant"}).startswith("source unknown")


def test_the_data_cli_refreshes_through_the_registry(constant_provider, data_dir, capsys):
    assert main(["refresh", "--symbol", "TOY.CONST", "--no-calendar", "--delay", "0"]) == 0
    assert "refreshed 1 of 1 series" in capsys.readouterr().out
    assert Store().coverage().set_index("symbol").at["TOY.CONST", "source"] == "constant"


def test_a_symbol_no_provider_serves_is_named_with_what_each_serves(data_dir, capsys):
    assert main(["refresh", "--symbol", "TOY.CONST", "--no-calendar"]) == 2
    err = capsys.readouterr().err
    assert "TOY.CONST: no data provider serves this symbol" in err
    assert "akshare serves instruments in the instrument registry" in err
    assert "constant" not in err  # not registered here
    (outcome,) = refresh(["TOY.CONST"], Store(data_dir), delay=0)
    assert outcome.status == "failed" and "no data provider serves" in outcome.message


def test_an_unknown_provider_name_lists_the_registered_ones():
    with pytest.raises(DataSourceError, match="no data provider 'nope'; providers: akshare"):
        provider("nope")


def test_a_stored_source_no_provider_knows_is_labelled_by_its_name(tmp_path):
    """A store written by a provider since removed still gets a truthful label."""
    store = Store(tmp_path)
    bars = to_canonical(pd.DataFrame({"date": ["2024-01-02"], "close": [1.0]}), "OLD")
    from data_sources.base import FetchResult

    store.write(FetchResult(bars, "retired", "retired source"))
    mode = data_mode(store.coverage())
    assert (mode.label, mode.sources, mode.synthetic) == ("retired", ("retired",), False)


def test_every_akshare_symbol_form_comes_from_the_provider_not_the_registry():
    from data_sources.akshare_source import akshare_call
    from data_sources.instruments import registry

    assert not any("akshare" in field for field in registry()["000300.SH"].__dataclass_fields__)
    assert akshare_call("000300.SH") == ("stock_zh_index_daily_em", "sh000300")
    assert akshare_call("932000.CSI") == ("stock_zh_index_daily_em", "csi932000")
    assert akshare_call("BK0711.EMC") == ("stock_board_concept_hist_em", "BK0711")
    assert akshare_call("801193.SI") == ("index_hist_sw", "801193")


# -- one contract for every registered provider ------------------------------------------------
def _akshare_example():
    responses.get(KLINE_URL, json=kline_payload(kline_lines(["2024-09-23", "2024-09-24"])))
    return PROVIDERS["akshare"].fetcher(), "000300.SH"


EXAMPLES = {
    "akshare": _akshare_example,
    "demo": lambda: (DemoSource(), "399006.SZ"),
    "import": lambda: (FileSource(b"date,close\n2024-09-23,1\n2024-09-24,2\n", "m.csv"), "M"),
    "constant": lambda: (ConstantSource(), "TOY.CONST"),
}


@pytest.mark.parametrize("name", ["akshare", "demo", "import", "constant"])
@responses.activate
def test_every_provider_meets_the_contract(name, constant_provider):
    """Every registered provider has an example here (a new one fails until it gets one); each
    declares a label and yields validated canonical bars stored under its own name."""
    assert set(PROVIDERS) == set(EXAMPLES)
    declared = provider(name)
    assert declared.label and declared.verb
    source, symbol = EXAMPLES[name]()
    query = BarQuery(symbol, start="2024-09-23", end="2024-09-24")
    params = source.transform_query(query)
    assert isinstance(params, dict)
    raw = source.extract(query, params)
    assert raw is not None and len(raw) > 0
    result = source.fetch(query)
    assert list(result.bars.columns) == CANONICAL_COLUMNS
    validate_bars(result.bars)
    assert (result.bars["symbol"] == symbol).all()
    assert result.bars["date"].between(query.start, query.end).all()
    assert result.source == declared.name and result.detail
    if declared.serves(symbol):
        assert provider_for(symbol).name in ("akshare", name)


def test_the_readme_provider_example_runs_as_written(tmp_path):
    """The README's example module, executed verbatim, is a working provider."""
    from pathlib import Path

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Adding a data source", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {"__name__": "data_sources.constant"}
    exec(compile(code, "README.md", "exec"), namespace)  # the project's own README
    register(namespace["PROVIDER"])
    try:
        store = Store(tmp_path)
        (outcome,) = refresh(["TOY.CONST"], store, delay=0, sleep=_no_sleep)
        assert outcome.status == "ok"
        assert data_mode(store.coverage()).label == "constant prices"
    finally:
        unregister("constant")
