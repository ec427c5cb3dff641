"""``python -m analysis crosssection``: the study's flags, trait names checked, crosssection.csv
against statsmodels fitted here on the CARs the command wrote, bad input exits 2."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.cli import build_parser, main
from analysis.crosssection import COLUMNS
from data_sources.trading_calendar import sessions_between
from tests.conftest import write_price_csv

#: the CLI reads the data directory's trait table when --traits is not given: a test's own
pytestmark = pytest.mark.usefixtures("data_dir")

STOCKS = [f"STK{i}" for i in range(8)]


@pytest.fixture
def files(tmp_path, rng):
    sessions = sessions_between("2019-01-02", "2021-06-30")
    market_returns = rng.normal(0.0003, 0.012, len(sessions))
    market = write_price_csv(tmp_path / "MKT.csv", sessions, 3000 * np.cumprod(1 + market_returns))
    paths = []
    for i, name in enumerate(STOCKS):
        returns = (0.6 + 0.15 * i) * market_returns + rng.normal(0, 0.01, len(sessions))
        paths.append(
            write_price_csv(tmp_path / f"{name}.csv", sessions, 20 * np.cumprod(1 + returns))
        )
    traits = pd.DataFrame(
        {"leverage": np.linspace(0.1, 0.8, len(STOCKS)), "soe": [True, False] * 4},
        index=pd.Index(STOCKS, name="symbol"),
    )
    return SimpleNamespace(market=market, stocks=paths, traits=traits, tmp=tmp_path)


@pytest.fixture
def trait_reader(files):
    """The fixture's traits as a trait file (read by data_sources.traits.read_trait_file)."""
    path = files.tmp / "traits.csv"
    files.traits.to_csv(path)
    return path


def _argv(files, out, *extra):
    argv = ["crosssection", "--market", str(files.market), "--out", str(out)]
    for path in files.stocks:
        argv += ["--prices", str(path)]
    return [*argv, "--event-date", "2020-08-24", *extra]


def _run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_writes_crosssection_csv_equal_to_statsmodels_on_the_written_cars(
    files, trait_reader, tmp_path, capsys
):
    out = tmp_path / "out"
    argv = _argv(files, out, "--traits", str(trait_reader), "--regressors", "leverage", "soe")
    code, stdout, stderr = _run(argv, capsys)
    assert code == 0, stderr
    assert "crosssection.csv" in stdout and "car_summary.csv" in stdout
    table = pd.read_csv(out / "crosssection.csv", encoding="utf-8-sig")
    assert list(table.columns) == [*COLUMNS, "method", "data_mode", "data_vintage", "units"]
    assert list(table["term"]) == ["const", "leverage", "soe"]
    assert table["cov_type"].eq("hc3").all()  # one measure: HC3
    # the regression redone here from the files the command wrote
    cars = pd.read_csv(out / "car_summary.csv", encoding="utf-8-sig")
    cars = cars[(cars["window_start"] == -5) & (cars["window_end"] == 5)]
    traits = files.traits.loc[cars["instrument"]]
    design = sm.add_constant(
        np.column_stack([traits["leverage"], traits["soe"].astype(float)]), has_constant="add"
    )
    expected = sm.OLS(cars["car"].to_numpy(), design).fit(cov_type="HC3", use_t=True)
    np.testing.assert_allclose(table["coef"], expected.params, rtol=1e-7)
    np.testing.assert_allclose(table["se"], expected.bse, rtol=1e-7)
    np.testing.assert_allclose(table["p"], expected.pvalues, rtol=1e-6)
    np.testing.assert_allclose(table["ci_low"], expected.conf_int()[:, 0], rtol=1e-7)
    assert table["r2"].iloc[0] == pytest.approx(expected.rsquared)
    assert table["n"].iloc[0] == len(STOCKS)
    parameters = json.loads((out / "parameters.json").read_text(encoding="utf-8"))
    assert parameters["parameters"]["crosssection"]["regressors"] == ["leverage", "soe"]
    assert (
        parameters["files"][-1] == "crosssection.csv" and "car_summary.csv" in parameters["files"]
    )
    assert "8 firm(s), 2 trait(s) from traits.csv" in stderr  # the reader's notes


def test_scar_nonrobust_and_a_derived_trait(files, tmp_path, capsys):
    out = tmp_path / "out"
    argv = _argv(files, out, "--regressors", "beta", "--dependent", "scar", "--cov", "nonrobust")
    code, _, stderr = _run(argv, capsys)
    assert code == 0, stderr
    table = pd.read_csv(out / "crosssection.csv", encoding="utf-8-sig")
    cars = pd.read_csv(out / "car_summary.csv", encoding="utf-8-sig")
    cars = cars[(cars["window_start"] == -5) & (cars["window_end"] == 5)]
    expected = sm.OLS(cars["scar"].to_numpy(), sm.add_constant(cars["beta"].to_numpy())).fit()
    np.testing.assert_allclose(table["coef"], expected.params, rtol=1e-7)
    np.testing.assert_allclose(table["se"], expected.bse, rtol=1e-7)
    assert table["dependent"].eq("scar").all() and table["cov_type"].eq("nonrobust").all()
    assert "beta: slope on the benchmark" in table["units"].iloc[0]


def test_size_without_turnover_exits_2_naming_the_instruments(files, tmp_path, capsys):
    code, _, stderr = _run(_argv(files, tmp_path / "o", "--regressors", "size"), capsys)
    assert code == 2
    assert "too few observations: 0 pair" in stderr and "no size: STK0" in stderr
    assert "Traceback" not in stderr


def test_unknown_regressor_exits_2_naming_it_and_the_available_traits(
    files, trait_reader, tmp_path, capsys
):
    argv = _argv(files, tmp_path / "o", "--traits", str(trait_reader), "--regressors", "levrage")
    code, stdout, stderr = _run(argv, capsys)
    assert code == 2 and stdout == ""
    assert stderr.count("\n") == 1
    assert "unknown trait(s) levrage; available: size, beta, idio_vol" in stderr
    assert "leverage, soe" in stderr
    assert not (tmp_path / "o").exists()  # checked before the study runs


@pytest.mark.parametrize(
    "extra, message",
    [
        ([], "the following arguments are required: --regressors"),
        (["--regressors", "beta", "--cov", "hc1"], "argument --cov: invalid choice"),
        (["--regressors", "beta", "--traits", "nope.csv"], "--traits nope.csv: no such file"),
        (
            ["--regressors", "beta", "--regression-window", "0", "3"],
            r"CAR window [0, 3] is not one of the study's",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(files, tmp_path, capsys, extra, message):
    code, _, stderr = _run(_argv(files, tmp_path / "o", *extra), capsys)
    assert code == 2
    assert message in stderr and stderr.count("\n") == 1


def test_the_study_flags_are_shared_by_both_commands():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    study = {a.dest for a in commands["study"]._actions}
    crosssection = {a.dest for a in commands["crosssection"]._actions}
    assert study <= crosssection
    assert crosssection - study == {
        "traits", "regressors", "dependent", "cov", "regression_window", "no_measure_effects",
    }  # fmt: skip


def test_a_trait_file_the_reader_refuses_exits_2_naming_it(files, trait_reader, tmp_path, capsys):
    damaged = tmp_path / "damaged.csv"
    damaged.write_text("symbol,leverage\nSTK0,0.5\nSTK1,abc\n", encoding="utf-8")
    argv = _argv(files, tmp_path / "o", "--traits", str(damaged), "--regressors", "leverage")
    code, _, stderr = _run(argv, capsys)
    assert code == 2 and stderr.count("\n") == 1
    assert f"--traits {damaged}: file damaged.csv: row 3, column 'leverage': 'abc' is not a" in (
        stderr
    )


BROKERS = ["600030", "601688", "600837", "601211", "600999", "000776", "601788", "601901"]


def test_real_broker_stocks_traits_by_hand_and_the_fit_by_statsmodels(tmp_path, capsys):
    """Eight broker stocks (baostock, unadjusted) vs CSI 300 around the ChiNext reform's
    first listings (2020-08-24): past return and price level recomputed here from the raw
    files, the regression redone with statsmodels on the CARs the command wrote."""
    from tests.conftest import shared_path

    csi300 = shared_path("data", "market", "indices", "000300.SH.csv")
    stocks = {code: shared_path("data", "market", "stocks", f"{code}.csv") for code in BROKERS}
    out = tmp_path / "out"
    argv = ["crosssection", "--market", str(csi300), "--event-date", "2020-08-24"]
    for path in stocks.values():
        argv += ["--prices", str(path)]
    argv += ["--regressors", "past_return", "log_price", "--out", str(out)]
    code, _, stderr = _run(argv, capsys)
    assert code == 0, stderr
    cars = pd.read_csv(out / "car_summary.csv", encoding="utf-8-sig", dtype={"instrument": str})
    cars = cars[(cars["window_start"] == -5) & (cars["window_end"] == 5)].set_index("instrument")
    sessions = sessions_between("2019-01-01", "2020-12-31")
    t0 = sessions.get_loc(pd.Timestamp("2020-08-24"))
    before, first, last = sessions[t0 - 251], sessions[t0 - 250], sessions[t0 - 11]
    by_hand = {}
    for code, path in stocks.items():
        # the files are unadjusted with preclose: the import adjusts them from the day returns
        # close / preclose (dividends, rights), anchored at the file's last close
        raw = pd.read_csv(path, parse_dates=["date"]).set_index("date")
        traded = raw[raw["tradestatus"] == 1]
        gross = traded["close"] / traded["preclose"]
        past_return = gross.loc[before:last].iloc[1:].prod() - 1  # the close before the window
        end = traded.loc[first:last].index[-1]
        level = traded["close"].iloc[-1] / gross.loc[end:].iloc[1:].prod()
        by_hand[code] = (past_return, np.log(level))
    hand = pd.DataFrame(by_hand, index=["past_return", "log_price"]).T.loc[cars.index]
    design = sm.add_constant(hand.to_numpy())
    expected = sm.OLS(cars["car"].to_numpy(), design).fit(cov_type="HC3", use_t=True)
    table = pd.read_csv(out / "crosssection.csv", encoding="utf-8-sig")
    assert list(table["term"]) == ["const", "past_return", "log_price"]
    # the file's preclose is rounded to the cent: agreement to about 1e-6 in the traits
    np.testing.assert_allclose(table["coef"], expected.params, rtol=1e-4)
    np.testing.assert_allclose(table["se"], expected.bse, rtol=1e-4)
    assert "log_price uses adjusted closes" in stderr
    assert table["n"].iloc[0] == len(BROKERS)


# -- review fixes --------------------------------------------------------------------------------


def _save_store_traits(frame):
    from data_sources.store import Store
    from data_sources.traits import parse_trait_file, save_traits

    content = frame.to_csv().encode("utf-8")
    save_traits(parse_trait_file(content, "page.csv"), Store())


def test_without_traits_the_data_page_traits_are_used_and_said(files, tmp_path, capsys):
    _save_store_traits(files.traits)
    out = tmp_path / "out"
    code, _, stderr = _run(_argv(files, out, "--regressors", "soe", "leverage"), capsys)
    assert code == 0, stderr
    assert "note: traits from the data directory's trait table (2 trait(s): leverage, soe" in (
        stderr
    )
    table = pd.read_csv(out / "crosssection.csv", encoding="utf-8-sig")
    assert list(table["term"]) == ["const", "soe", "leverage"]
    # --traits FILE overrides the stored table
    other = tmp_path / "other.csv"
    pd.DataFrame({"symbol": STOCKS, "northbound": np.arange(len(STOCKS)) % 3}).to_csv(
        other, index=False
    )
    code, _, stderr = _run(_argv(files, tmp_path / "o2", "--traits", str(other),
                                 "--regressors", "northbound"), capsys)  # fmt: skip
    assert code == 0, stderr
    assert "data directory's trait table" not in stderr
    code, _, stderr = _run(_argv(files, tmp_path / "o3", "--traits", str(other),
                                 "--regressors", "soe"), capsys)  # fmt: skip
    assert code == 2 and "unknown trait(s) soe" in stderr


def test_a_trait_named_const_is_kept_as_const_file(files, tmp_path, capsys):
    path = tmp_path / "const.csv"
    frame = files.traits.assign(const=[1.0, 3.0, 2.0, 5.0, 4.0, 1.5, 2.5, 6.0])
    frame[["const", "leverage"]].to_csv(path)
    out = tmp_path / "out"
    argv = _argv(files, out, "--traits", str(path), "--regressors", "const_file", "leverage")
    code, _, stderr = _run(argv, capsys)
    assert code == 0, stderr
    table = pd.read_csv(out / "crosssection.csv", encoding="utf-8-sig")
    assert list(table["term"]) == ["const", "const_file", "leverage"]
    code, _, stderr = _run(
        _argv(files, tmp_path / "o2", "--traits", str(path), "--regressors", "const"), capsys
    )
    assert code == 2 and "unknown trait(s) const;" in stderr and "const_file" in stderr


def test_pooled_measures_have_measure_effects_unless_turned_off(files, trait_reader, tmp_path,
                                                                capsys):  # fmt: skip
    dates = ["--event-date", "2020-03-02", "--event-date", "2020-11-02"]
    argv = [*_argv(files, tmp_path / "fe", "--traits", str(trait_reader)), *dates]
    code, _, stderr = _run([*argv, "--regressors", "leverage"], capsys)
    assert code == 0, stderr
    table = pd.read_csv(tmp_path / "fe" / "crosssection.csv", encoding="utf-8-sig")
    assert table["measure_effects"].eq("yes").all()
    assert sum(term.startswith("measure[") for term in table["term"]) == 2
    argv = [*_argv(files, tmp_path / "no", "--traits", str(trait_reader)), *dates]
    code, _, stderr = _run([*argv, "--regressors", "leverage", "--no-measure-effects"], capsys)
    assert code == 0, stderr
    table = pd.read_csv(tmp_path / "no" / "crosssection.csv", encoding="utf-8-sig")
    assert table["measure_effects"].eq("no").all()
    assert list(table["term"]) == ["const", "leverage"]
