"""Who responded, end to end as a user does it: baostock-style stock files with ``turn`` are
imported into the store, a trait file is imported on the Data page, and the Event study's
regression section (opened) regresses the CARs on ``size`` and a trait of that file. Its
coefficient table equals statsmodels OLS with HC3 fitted here on a design built from the raw
numbers written to the files (size = ln of the mean of amount / (turn / 100) over the
estimation window, by hand). The CLI does the same from the same store. A damaged saved trait
file is named and set aside; trait names that look like HTML or formulas stay text."""

from __future__ import annotations

import io
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.cli import main as analysis_main
from analysis.event_study import EventStudySpec
from data_sources.cli import main as data_main
from data_sources.store import Store
from data_sources.trading_calendar import sessions_between
from data_sources.traits import load_traits
from tests.apptest_helpers import download_bytes, goto
from tests.markdown_render import injected, shown
from tests.test_zh_everywhere import zh_app  # noqa: F401  (the 中文 AppTest fixture)

MEASURE = "chinext-first-listings-2020"
T0 = pd.Timestamp("2020-08-24")
BENCHMARK = "000300.SH"
#: code → (canonical symbol, exchange prefix of baostock's code column)
STOCKS = {
    "600030": ("600030.SH", "sh"),
    "601318": ("601318.SH", "sh"),
    "000001": ("000001.SZ", "sz"),
    "002142": ("002142.SZ", "sz"),
    "300750": ("300750.SZ", "sz"),
    "300059": ("300059.SZ", "sz"),
    "688981": ("688981.SH", "sh"),
    "688111": ("688111.SH", "sh"),
}
SYMBOLS = [symbol for symbol, _ in STOCKS.values()]
#: The user's traits, as typed into the file (SOE as 是/否).
TRAITS = pd.DataFrame(
    {
        "soe": ["是", "否", "否", "是", "否", "是", "是", "否"],
        "leverage": [0.61, 0.42, 0.55, 0.30, 0.25, 0.47, 0.38, 0.52],
    },
    index=list(STOCKS),
)


def _files(folder, seed: int = 16):
    """The benchmark's file and one baostock export per stock (date, code, …, amount, turn …),
    each with a suspended day and a few empty turn cells; returns the raw tables too."""
    rng = np.random.default_rng(seed)
    sessions = sessions_between("2019-05-06", "2020-11-30")
    market_returns = rng.normal(0.0003, 0.012, len(sessions))
    market = pd.DataFrame(
        {
            "date": sessions.strftime("%Y-%m-%d"),
            "close": np.round(4000 * np.cumprod(1 + market_returns), 4),
        }
    )
    market.to_csv(folder / f"{BENCHMARK}.csv", index=False)
    raw = {}
    for i, (code, (symbol, prefix)) in enumerate(STOCKS.items()):
        returns = (0.6 + 0.1 * i) * market_returns + rng.normal(0, 0.012, len(sessions))
        returns[sessions.get_loc(T0)] += 0.01 * (i - 4)  # some respond, some do not
        close = np.round(20 * np.cumprod(1 + returns), 2)
        float_value = 10 ** (9.5 + 0.25 * i) * np.exp(rng.normal(0, 0.05, len(sessions)))
        amount = np.round(rng.uniform(2e8, 9e8, len(sessions)), 2)
        turn = np.round(amount / float_value * 100, 6)
        status = np.ones(len(sessions), dtype=int)
        suspended = 120 + 7 * i  # inside every estimation window
        status[suspended] = 0
        close[suspended] = close[suspended - 1]
        amount[suspended] = 0.0
        turn_text = pd.Series(turn).map(lambda v: f"{v:.6f}")
        turn_text[[suspended, 100 + i, 200 + 3 * i]] = ""  # unknown, not zero
        frame = pd.DataFrame(
            {
                "date": sessions.strftime("%Y-%m-%d"),
                "code": f"{prefix}.{code}",
                "open": close,
                "high": close,
                "low": close,
                "close": close,
                "preclose": np.r_[close[0], close[:-1]],
                "volume": np.where(status == 1, 100000, 0),
                "amount": amount,
                "adjustflag": 3,
                "turn": turn_text,
                "tradestatus": status,
                "pctChg": 0.0,
                "isST": 0,
            }
        )
        frame.to_csv(folder / f"{code}.csv", index=False)
        raw[symbol] = frame
    return SimpleNamespace(sessions=sessions, raw=raw, paths=sorted(folder.glob("*.csv")))


def _size_by_hand(files, symbol: str) -> float:
    """ln(mean(amount / (turn / 100))) over the estimation window before t0, from the file's
    text: days with no trade or no turn are left out."""
    a, b = EventStudySpec().estimation_window
    position = files.sessions.get_loc(T0)
    window = set(files.sessions[position + a : position + b + 1].strftime("%Y-%m-%d"))
    raw = files.raw[symbol]
    rows = raw[raw["date"].isin(window)]
    turn = pd.to_numeric(rows["turn"].replace("", np.nan))
    usable = (rows["amount"] > 0) & (turn > 0)
    values = rows["amount"][usable] / (turn[usable] / 100)
    assert usable.sum() == len(window) - 3  # the suspended day and two empty cells
    return float(np.log(values.mean()))


def _trait_file(columns=None) -> bytes:
    table = TRAITS if columns is None else TRAITS.rename(columns=columns)
    return table.to_csv(index_label="代码").encode("utf-8")


def _expected_fit(cars: pd.DataFrame, files, trait: str):
    """statsmodels OLS with HC3 on [1, size, trait] built here from the raw numbers."""
    symbols = list(cars["instrument"])
    codes = {symbol: code for code, (symbol, _) in STOCKS.items()}
    size = [_size_by_hand(files, s) for s in symbols]
    user = TRAITS.loc[[codes[s] for s in symbols], trait].replace({"是": 1.0, "否": 0.0})
    design = sm.add_constant(np.column_stack([size, user.astype(float)]), has_constant="add")
    return sm.OLS(cars["car"].to_numpy(), design).fit(cov_type="HC3", use_t=True)


@pytest.fixture
def stored(data_dir, tmp_path):
    """The stock files and the benchmark imported into the store (`python -m data_sources
    import`, the Data page's import rules)."""
    folder = tmp_path / "files"
    folder.mkdir()
    files = _files(folder)
    assert data_main(["import", *map(str, files.paths)]) == 0
    store = Store(data_dir / "store")
    assert set(store.turnover(SYMBOLS)["symbol"]) == set(SYMBOLS)  # turn kept beside the bars
    return files


def _import_traits(app, content: bytes, name: str = "traits.csv") -> None:
    goto(app, "pages/data.py")
    app.file_uploader(key="import_traits_file_0").set_value([(name, content, "text/csv")]).run()
    assert not app.exception, [e.value for e in app.exception]
    app.button(key="import_traits_save").click().run()
    assert not app.exception, [e.value for e in app.exception]


def _open_section(app) -> None:
    app.query_params.update(
        {"measures": MEASURE, "instruments": ",".join(SYMBOLS), "benchmark": BENCHMARK}
    )
    goto(app, "pages/event_study.py")
    app.session_state["xsec_open"] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]


def _coefficients(app) -> pd.DataFrame:
    (table,) = [f.value for f in app.dataframe if "term" in f.value.columns]
    return table


def test_size_and_a_data_page_trait_in_the_event_study_equal_statsmodels(app, stored):
    _import_traits(app, _trait_file())
    _open_section(app)
    captions = [shown(c.value) for c in app.caption]
    assert any(
        "Traits file imported on the Data page: traits.csv (8 firm(s), 2 trait(s))" in c
        for c in captions
    )
    chosen = app.multiselect(key="xsec_regressors")
    # derived, listing (the boards vary here) and the file's traits are offered
    for name in ("size", "turnover", "beta", "board", "board_star", "soe", "leverage"):
        assert name in chosen.options, name
    assert "name" not in chosen.options and "board_bse" not in chosen.options
    chosen.set_value(["size", "soe"]).run()
    assert not app.exception, [e.value for e in app.exception]
    table = _coefficients(app)
    assert list(table["term"]) == ["const", "size", "soe"]
    window = app.selectbox(key="xsec_window").value
    # the CARs from the page's own car_summary.csv, the design from the raw files
    summary = pd.read_csv(
        io.BytesIO(download_bytes(app, "download_car_summary")), encoding="utf-8-sig"
    )
    cars = summary[(summary["window_start"] == window[0]) & (summary["window_end"] == window[1])]
    assert sorted(cars["instrument"]) == sorted(SYMBOLS)
    expected = _expected_fit(cars, stored, "soe")
    # the page shows CAR coefficients in % (percentage points per unit of the trait)
    np.testing.assert_allclose(table["coef"], 100 * expected.params, rtol=1e-6)
    np.testing.assert_allclose(table["se"], 100 * expected.bse, rtol=1e-6)
    np.testing.assert_allclose(table["p"], expected.pvalues, rtol=1e-5)
    np.testing.assert_allclose(table["ci_low"], 100 * expected.conf_int()[:, 0], rtol=1e-6)
    assert any("N = 8 pairs" in c and "HC3" in c for c in (shown(c.value) for c in app.caption))
    # the download is the same fit, in decimals
    csv = pd.read_csv(io.BytesIO(download_bytes(app, "xsec_download")), encoding="utf-8-sig")
    np.testing.assert_allclose(csv["coef"], expected.params, rtol=1e-6)
    assert csv["r2"].iloc[0] == pytest.approx(expected.rsquared, rel=1e-9)


def test_an_upload_in_the_section_overrides_the_data_page_traits_for_the_session(
    app, data_dir, stored
):
    _import_traits(app, _trait_file())
    _open_section(app)
    other = TRAITS.assign(leverage=TRAITS["leverage"][::-1].to_numpy()).rename(
        columns={"leverage": "northbound"}
    )
    app.file_uploader(key="xsec_trait_file").set_value(
        [("mine.csv", other.to_csv(index_label="code").encode(), "text/csv")]
    ).run()
    assert not app.exception, [e.value for e in app.exception]
    captions = [shown(c.value) for c in app.caption]
    assert any(
        "Traits from the uploaded file mine.csv (8 firm(s), 2 trait(s))" in c for c in captions
    )
    assert not any("imported on the Data page: traits.csv" in c for c in captions)
    chosen = app.multiselect(key="xsec_regressors")
    assert "northbound" in chosen.options and "leverage" not in chosen.options
    # the saved table is untouched: still the one a new session gets
    assert load_traits(Store(data_dir / "store")).traits == ["soe", "leverage"]


def test_the_cli_gives_the_same_fit_from_the_same_store(data_dir, stored, tmp_path, capsys):
    trait_path = tmp_path / "traits.csv"
    trait_path.write_bytes(_trait_file())
    out = tmp_path / "out"
    argv = ["crosssection", "--measure", MEASURE, "--benchmark", BENCHMARK, "--out", str(out)]
    for symbol in SYMBOLS:
        argv += ["--instrument", symbol]
    code = analysis_main([*argv, "--traits", str(trait_path), "--regressors", "size", "soe"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    table = pd.read_csv(out / "crosssection.csv", encoding="utf-8-sig")
    cars = pd.read_csv(out / "car_summary.csv", encoding="utf-8-sig")
    cars = cars[(cars["window_start"] == -5) & (cars["window_end"] == 5)]
    expected = _expected_fit(cars, stored, "soe")
    assert list(table["term"]) == ["const", "size", "soe"]
    np.testing.assert_allclose(table["coef"], expected.params, rtol=1e-7)
    np.testing.assert_allclose(table["se"], expected.bse, rtol=1e-7)
    assert table["cov_type"].eq("hc3").all() and table["n"].iloc[0] == 8


def test_a_damaged_saved_trait_file_is_named_set_aside_and_the_study_runs(app, data_dir, stored):
    _import_traits(app, _trait_file())
    saved = data_dir / "store" / "traits" / "traits.csv"
    saved.write_bytes(b"symbol,leverage\n600030.SH,0.5\n\x00\xff garbage,<b>x</b>\n")
    _open_section(app)
    warnings = [shown(w.value) for w in app.warning]
    assert any(
        "The traits file imported on the Data page (traits/traits.csv) was damaged" in w
        and "moved aside" in w
        for w in warnings
    ), warnings
    assert all(injected(w.value) == [] for w in app.warning)
    assert not saved.exists()
    assert list((data_dir / "store" / "quarantine").glob("traits.csv.*"))
    chosen = app.multiselect(key="xsec_regressors")
    assert "size" in chosen.options and "soe" not in chosen.options  # the study goes on
    assert _coefficients(app) is not None


def test_the_data_page_names_a_damaged_saved_trait_file_too(app, data_dir):
    folder = data_dir / "store" / "traits"
    folder.mkdir(parents=True)
    (folder / "traits.csv").write_bytes(b"")  # an empty file: a write cut short
    goto(app, "pages/data.py")
    warnings = [shown(w.value) for w in app.warning]
    assert any("(traits/traits.csv) was damaged (not a trait table" in w for w in warnings)
    assert not (folder / "traits.csv").exists()
    assert app.file_uploader(key="import_traits_file_0") is not None  # a new import is offered


def test_trait_names_like_html_or_formulas_stay_text(app, stored):
    hostile = {"soe": "<script>alert(1)</script>", "leverage": "=cmd()"}
    _import_traits(app, _trait_file(hostile))
    _open_section(app)
    chosen = app.multiselect(key="xsec_regressors")
    assert set(hostile.values()) <= set(chosen.options)
    chosen.set_value(["size", *hostile.values()]).run()
    assert not app.exception, [e.value for e in app.exception]
    assert list(_coefficients(app)["term"]) == ["const", "size", *hostile.values()]
    mentions = [
        node.value
        for node in [*app.caption, *app.markdown, *app.warning, *app.info]
        if "script" in node.value or "cmd" in node.value
    ]
    assert mentions and all(injected(text) == [] for text in mentions), mentions
    assert any("=cmd()" in shown(c.value) for c in app.caption)  # the units line, as text
    csv = download_bytes(app, "xsec_download").decode("utf-8-sig")
    assert "\n'=cmd()," in csv or ",'=cmd()," in csv  # a formula is never a formula in Excel


def test_the_trait_sources_and_the_files_notes_read_in_chinese(zh_app, stored):  # noqa: F811
    app = zh_app
    _import_traits(app, _trait_file())
    _open_section(app)
    captions = [shown(c.value) for c in app.caption]
    assert any("在数据页导入的特征文件：traits.csv（8 家公司，2 个特征）" in c for c in captions)
    # the reader's notes (Messages) in 中文, not in English
    assert any("8 家公司，2 个特征，来自 traits.csv" in c for c in captions), captions
    assert not any("firm(s)" in c for c in captions)


# -- the pieces between data_sources.traits and the regression (no app) ---------------------


@pytest.fixture(scope="module")
def real_code_outcome():
    """A synthetic study whose instruments carry real codes (two per board), so the listing
    traits have boards to tell apart."""
    from analysis.api import study_from_bars
    from analysis.bench_crosssection import synthetic_inputs

    bars, turnover, events, sessions = synthetic_inputs(6, 1, seed=3, n_sessions=420)
    codes = dict(zip([f"S{i:04d}" for i in range(6)], SYMBOLS[2:], strict=True))
    bars["symbol"] = bars["symbol"].replace(codes)
    turnover["symbol"] = turnover["symbol"].replace(codes)
    outcome = study_from_bars(bars, list(codes.values()), events, EventStudySpec(), sessions, "MKT")
    return outcome, turnover


def test_listing_traits_enter_without_firm_names_and_only_varying_ones_are_offered(
    real_code_outcome,
):
    from analysis.crosssection import cross_section, listing_table, trait_table, varying_traits
    from data_sources.traits import listing_traits

    outcome, turnover = real_code_outcome
    symbols = list(outcome.instruments)
    assert listing_table(symbols)["board"].tolist() == listing_traits(symbols)["board"].tolist()
    names = {s: f"*ST 公司{i}" if i == 0 else f"公司{i}" for i, s in enumerate(symbols)}
    listing = listing_traits(symbols, names=names)
    table = trait_table(outcome, listing=listing, turnover=turnover)
    assert "name" not in table.names  # a firm's name is not a trait (one dummy per firm)
    varying, constant = varying_traits(table)
    assert {"board", "board_main", "board_chinext", "board_star", "st", "size"} <= set(varying)
    assert "board_bse" in constant and "industry" not in varying + constant
    st_flags = table.frame.set_index("instrument")["st"]
    assert st_flags[symbols[0]] == 1.0 and st_flags[symbols[1:]].eq(0.0).all()
    # the board's text enters as dummies against its most common level (a tie: the first)
    result = cross_section(outcome, table, ["size", "board"], cov_type="nonrobust")
    assert list(result.params.index) == ["const", "size", "board[main]", "board[star]"]
    design = result.fitted.set_index("instrument")
    assert design.loc[symbols[:2], "board[main]"].eq(1.0).all()
    assert design.loc[symbols[2:4], ["board[main]", "board[star]"]].eq(0.0).all().all()


def test_the_trait_files_notes_stay_translatable_and_a_key_named_trait_stays_a_trait(
    real_code_outcome,
):
    from analysis.crosssection import cross_section, trait_table
    from data_sources.messages import Message
    from data_sources.traits import parse_trait_file

    outcome, turnover = real_code_outcome
    symbols = list(outcome.instruments)
    rows = "".join(f"{s},{0.1 * i:.1f},{i % 2}\n" for i, s in enumerate(symbols))
    user = parse_trait_file(f"symbol,instrument,soe\n{rows}".encode(), "mine.csv")
    table = trait_table(outcome, user=user, turnover=turnover)
    notes = [n for n in table.notes if "from mine.csv" in n]
    assert notes and all(isinstance(n, Message) for n in notes)  # tr() can show it in 中文
    assert notes[0].template == "{firms} firm(s), {n} trait(s) from {name}: {traits}"
    merged = table.frame.set_index("instrument")
    assert list(merged.index) == symbols  # keyed on the symbols, not on the trait's numbers
    assert merged["instrument_file"].tolist() == pytest.approx([0.1 * i for i in range(6)])
    result = cross_section(outcome, table, ["instrument_file", "soe"])
    assert result.n == 6 and list(result.params.index) == ["const", "instrument_file", "soe"]


def test_a_damaged_turnover_file_is_named_in_a_note(tmp_path):
    from analysis.crosssection import turnover_for
    from data_sources.files import FileSource

    store = Store(tmp_path / "store")
    folder = tmp_path / "files"
    folder.mkdir()
    files = _files(folder)
    for path in files.paths:
        if path.stem in ("600030", "601318"):
            source = FileSource(path.read_bytes(), path.name)
            store.write(source.fetch(source.symbol_query()), merge=False)
    (store.turnover_dir / "600030.SH.arrow").write_bytes(b"not arrow")
    table, notes = turnover_for(store, ["600030.SH", "601318.SH"])
    assert set(table["symbol"]) == {"601318.SH"}
    (note,) = notes
    assert "turnover file turnover/600030.SH.arrow is damaged" in note
    assert "size and turnover are not derived" in note


def test_the_cli_reads_turnover_from_price_files_that_carry_turn(tmp_path, capsys):
    folder = tmp_path / "files"
    folder.mkdir()
    files = _files(folder)
    prices = []
    for code, (symbol, _) in STOCKS.items():  # named by their symbols: the traits' keys
        prices += ["--prices", str((folder / f"{code}.csv").rename(folder / f"{symbol}.csv"))]
    trait_path = tmp_path / "traits.csv"
    trait_path.write_bytes(_trait_file())
    out = tmp_path / "out"
    argv = ["crosssection", *prices, "--market", str(folder / f"{BENCHMARK}.csv")]
    argv += ["--measure", MEASURE, "--out", str(out), "--traits", str(trait_path)]
    code = analysis_main([*argv, "--regressors", "size", "leverage"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    table = pd.read_csv(out / "crosssection.csv", encoding="utf-8-sig")
    cars = pd.read_csv(out / "car_summary.csv", encoding="utf-8-sig")
    cars = cars[(cars["window_start"] == -5) & (cars["window_end"] == 5)]
    expected = _expected_fit(cars, files, "leverage")
    np.testing.assert_allclose(table["coef"], expected.params, rtol=1e-7)
    np.testing.assert_allclose(table["se"], expected.bse, rtol=1e-7)
