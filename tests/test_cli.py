"""``python -m analysis study``: contract columns, real data vs statsmodels, bad input."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from analysis.cli import main
from data_sources.trading_calendar import sessions_between
from tests.conftest import PROJECT, shared_path, write_price_csv

AR_CONTRACT = [
    "instrument",
    "event_date",
    "rel_day",
    "date",
    "return",
    "expected_return",
    "abnormal_return",
    "car",
]
CAR_CONTRACT = [
    "instrument",
    "event_date",
    "event_session",
    "window_start",
    "window_end",
    "n_estimation",
    "alpha",
    "beta",
    "sigma",
    "car",
    "car_se",
    "t_stat",
    "p_value",
]


@pytest.fixture
def price_files(tmp_path, rng):
    sessions = sessions_between("2019-01-02", "2021-06-30")
    market = 3000 * np.cumprod(1 + rng.normal(0.0003, 0.012, len(sessions)))
    stock = 50 * np.cumprod(
        1 + 1.2 * np.diff(np.log(np.r_[3000, market])) + rng.normal(0, 0.01, len(sessions))
    )
    return (
        write_price_csv(tmp_path / "STOCK.csv", sessions, stock),
        write_price_csv(tmp_path / "MKT.csv", sessions, market),
    )


def _run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_writes_contract_files_with_bom_and_metadata(price_files, tmp_path, capsys):
    stock, market = price_files
    out = tmp_path / "out"
    code, stdout, _ = _run(
        [
            "study",
            "--prices",
            str(stock),
            "--market",
            str(market),
            "--event-date",
            "2020-08-22",
            "--out",
            str(out),
        ],
        capsys,
    )
    assert code == 0, stdout
    raw = (out / "car_summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    summary = pd.read_csv(out / "car_summary.csv")
    ar = pd.read_csv(out / "abnormal_returns.csv")
    assert list(summary.columns[: len(CAR_CONTRACT)]) == CAR_CONTRACT
    assert list(ar.columns[: len(AR_CONTRACT)]) == AR_CONTRACT
    assert {"method", "data_mode", "data_vintage"} <= set(summary.columns)
    assert "market model" in summary.loc[0, "method"]
    assert "STOCK.csv sha256" in summary.loc[0, "data_vintage"]
    # Saturday 2020-08-22 maps to the next Shanghai session, Monday 2020-08-24.
    assert summary.loc[0, "event_date"] == "2020-08-22"
    assert summary.loc[0, "event_session"] == "2020-08-24"
    assert summary.loc[0, "instrument"] == "STOCK"
    assert len(ar) == 11 and ar["rel_day"].tolist() == list(range(-5, 6))
    assert ar.loc[ar["rel_day"] == 0, "date"].item() == "2020-08-24"


def test_chinext_vs_csi300_real_data_equals_statsmodels(tmp_path, capsys):
    """The Foundation's acceptance check: ChiNext (399006) vs CSI 300 around 2020-08-24."""
    chinext = shared_path("data", "market", "indices", "399006.SZ.csv")
    csi300 = shared_path("data", "market", "indices", "000300.SH.csv")
    out = tmp_path / "out"
    code, _, err = _run(
        [
            "study",
            "--prices",
            str(chinext),
            "--market",
            str(csi300),
            "--event-date",
            "2020-08-24",
            "--out",
            str(out),
        ],
        capsys,
    )
    assert code == 0, err
    row = pd.read_csv(out / "car_summary.csv").iloc[0]

    # Independent computation: returns on the files' own consecutive rows (both series have
    # every Shanghai session in 2019-2023, per the data's manifest), statsmodels OLS.
    def closes(path):
        return pd.read_csv(path, parse_dates=["date"]).set_index("date")["close"]

    both = pd.concat([closes(chinext), closes(csi300)], axis=1, keys=["y", "m"], sort=True)
    both = both.dropna()
    both = both.loc["2018-06-01":"2021-06-30"]
    expected_sessions = sessions_between(both.index[0], both.index[-1])
    assert both.index.equals(expected_sessions.rename(both.index.name)), "gaps in the real data"
    rets = both.pct_change().dropna()
    t0 = rets.index.get_loc(pd.Timestamp("2020-08-24"))
    est = rets.iloc[t0 - 250 : t0 - 10]
    event = rets.iloc[t0 - 5 : t0 + 6]
    fit = sm.OLS(est["y"], sm.add_constant(est["m"])).fit()
    x_star = sm.add_constant(event["m"])
    abnormal = event["y"] - x_star @ fit.params
    var_car = (
        fit.scale * np.eye(11)
        + x_star.to_numpy() @ fit.cov_params().to_numpy() @ x_star.to_numpy().T
    ).sum()
    t_stat = abnormal.sum() / np.sqrt(var_car)
    assert row["n_estimation"] == 240
    assert row["alpha"] == pytest.approx(fit.params["const"], rel=1e-9)
    assert row["beta"] == pytest.approx(fit.params["m"], rel=1e-9)
    assert row["sigma"] == pytest.approx(np.sqrt(fit.scale), rel=1e-9)
    assert row["car"] == pytest.approx(abnormal.sum(), rel=1e-9)
    assert row["car_se"] == pytest.approx(np.sqrt(var_car), rel=1e-9)
    assert row["t_stat"] == pytest.approx(t_stat, rel=1e-9)
    assert row["p_value"] == pytest.approx(2 * stats.t.sf(abs(t_stat), 238), rel=1e-8)


def _covid_price_files(folder, directory, tickers=None) -> list[str]:
    """estudy2's prices as one date,close file per ticker plus GSPC.csv; ``--prices`` args."""
    prices = pd.read_csv(folder / "prices.csv")
    arguments = []
    for ticker in tickers or prices.columns[1:]:
        path = directory / f"{ticker}.csv"
        prices[["date", ticker]].rename(columns={ticker: "close"}).dropna().to_csv(
            path, index=False
        )
        arguments += ["--prices", str(path)]
    pd.read_csv(folder / "prices_indx.csv").rename(columns={"^GSPC": "close"}).to_csv(
        directory / "GSPC.csv", index=False
    )
    return arguments


def _covid_design(directory) -> list[str]:
    """estudy2's COVID-19 example design: S&P 500 market, 2020-03-16, the data's own
    calendar, log returns, estimation [-240, -1], event window [0, 4], at least 200 returns."""
    return [
        "--market",
        str(directory / "GSPC.csv"),
        "--event-date",
        "2020-03-16",
        "--calendar",
        "data",
        "--returns",
        "log",
        "--estimation",
        "-240",
        "-1",
        "--window",
        "0",
        "4",
        "--min-estimation",
        "200",
    ]


def test_textbook_reference_through_the_cli_with_the_data_calendar(tmp_path, capsys):
    folder = shared_path("validation", "estudy2_covid7")
    prices = _covid_price_files(folder, tmp_path, ("AMZN", "ZM"))
    out = tmp_path / "out"
    code, _, err = _run(
        [
            "study",
            *prices,
            *_covid_design(tmp_path),
            "--out",
            str(out),
        ],
        capsys,
    )
    assert code == 0, err
    ours = pd.read_csv(out / "car_summary.csv")
    ours = ours[(ours["window_start"] == 0) & (ours["window_end"] == 4)].set_index("instrument")
    reference = pd.read_csv(folder / "reference_textbook_firm.csv", index_col="firm")
    for firm in ("AMZN", "ZM"):
        assert ours.loc[firm, "n_estimation"] == reference.loc[firm, "L1"]
        assert ours.loc[firm, "car"] == pytest.approx(reference.loc[firm, "CAR"], rel=1e-8)
        assert ours.loc[firm, "car_se"] == pytest.approx(reference.loc[firm, "se_CAR"], rel=1e-8)


def test_chinese_headers_in_gbk_are_read(tmp_path, capsys, rng):
    sessions = sessions_between("2019-01-02", "2020-12-31")
    market = 3000 * np.cumprod(1 + rng.normal(0, 0.01, len(sessions)))
    stock = write_price_csv(tmp_path / "创业板.csv", sessions, market * 1.1, "gbk", chinese=True)
    index = write_price_csv(tmp_path / "沪深300.csv", sessions, market, "gbk", chinese=True)
    code, _, err = _run(
        [
            "study",
            "--prices",
            str(stock),
            "--market",
            str(index),
            "--model",
            "constant-mean",
            "--event-date",
            "2020-06-01",
            "--out",
            str(tmp_path / "o"),
        ],
        capsys,
    )
    assert code == 0, err
    summary = pd.read_csv(tmp_path / "o" / "car_summary.csv")
    assert summary.loc[0, "instrument"] == "创业板"
    assert summary.loc[0, "model"] == "constant-mean"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda a, f: a.__setitem__(a.index("--prices") + 1, str(f / "nope.csv")),
            "does not exist",
        ),
        (lambda a, f: a.__setitem__(a.index("--event-date") + 1, "2030-01-05"), "outside"),
        (
            lambda a, f: a.__setitem__(a.index("--event-date") + 1, "2019-02-01"),
            "valid estimation returns",
        ),
        (lambda a, f: a.__setitem__(a.index("--event-date") + 1, "24/08/2020"), "YYYY-MM-DD"),
        (lambda a, f: a.__setitem__(a.index("--event-date") + 1, "2020-02-30"), "not a real date"),
        (lambda a, f: a.extend(["--window", "5", "-5"]), "starts after it ends"),
        (lambda a, f: a.extend(["--estimation", "-100", "-11"]), "fewer than the minimum"),
        (lambda a, f: a.extend(["--model", "garch"]), "invalid choice"),
        (lambda a, f: (a.remove("--market"), a.remove(str(f / "MKT.csv"))), "--market FILE is "),
    ],
)
def test_bad_input_exits_2_with_one_line(price_files, tmp_path, capsys, change, message):
    stock, market = price_files
    argv = [
        "study",
        "--prices",
        str(stock),
        "--market",
        str(market),
        "--event-date",
        "2020-08-24",
        "--out",
        str(tmp_path / "out"),
    ]
    change(argv, tmp_path)
    code, _, err = _run(argv, capsys)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_bad_file_contents_name_the_file_row_and_column(tmp_path, capsys, price_files):
    _, market = price_files

    def study(prices):
        return _run(
            [
                "study",
                "--prices",
                str(prices),
                "--market",
                str(market),
                "--event-date",
                "2020-08-24",
                "--out",
                str(tmp_path / "o"),
            ],
            capsys,
        )

    bad = tmp_path / "BAD.csv"
    bad.write_text("date,close\n2020-01-02,10\n2020-01-03,abc\n", encoding="utf-8")
    code, _, err = study(bad)
    assert code == 2
    assert "BAD.csv" in err and "row 3" in err and "'close'" in err
    nocolumn = tmp_path / "NOCLOSE.csv"
    nocolumn.write_text("date,price\n2020-01-02,10\n", encoding="utf-8")
    code, _, err = study(nocolumn)
    assert code == 2 and "no 'close' column" in err


def test_skip_invalid_keeps_the_valid_events(price_files, tmp_path, capsys):
    stock, market = price_files
    code, _, err = _run(
        [
            "study",
            "--prices",
            str(stock),
            "--market",
            str(market),
            "--event-date",
            "2020-08-24",
            "--event-date",
            "2019-02-01",
            "--skip-invalid",
            "--out",
            str(tmp_path / "o"),
        ],
        capsys,
    )
    assert code == 0
    assert "skipped: STOCK around 2019-02-01" in err
    assert set(pd.read_csv(tmp_path / "o" / "car_summary.csv")["event_id"]) == {"2020-08-24"}
    diagnostics = pd.read_csv(tmp_path / "o" / "diagnostics.csv")
    assert diagnostics["status"].tolist() == ["skipped"]


def test_real_process_exit_code_and_no_traceback(tmp_path):
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "study",
            "--prices",
            str(tmp_path / "missing.csv"),
            "--event-date",
            "2020-08-24",
            "--out",
            str(tmp_path / "o"),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 2
    assert completed.stderr.strip().startswith("python -m analysis: error:")
    assert "Traceback" not in completed.stderr


TESTS_CONTRACT = ["statistic", "window_start", "window_end", "rel_day", "value", "p_value", "n"]


def test_tests_csv_and_car_windows(price_files, tmp_path, capsys):
    stock, market = price_files
    out = tmp_path / "out"
    code, _, err = _run(
        [
            "study",
            "--prices",
            str(stock),
            "--market",
            str(market),
            "--event-date",
            "2020-08-24",
            "--test",
            "kp_bmp_t",
            "--test",
            "wilcoxon_w",
            "--car-window",
            "0",
            "1",
            "--car-window",
            "-1",
            "1",
            "--diagnostics",
            "--out",
            str(out),
        ],
        capsys,
    )
    assert code == 0, err
    tests = pd.read_csv(out / "tests.csv")
    assert list(tests.columns[: len(TESTS_CONTRACT)]) == TESTS_CONTRACT
    assert set(tests["statistic"]) == {"kp_bmp_t", "wilcoxon_w"}
    daily = tests[tests["rel_day"].notna()]
    assert sorted(daily["rel_day"].unique()) == list(range(-5, 6))
    windows = tests[tests["rel_day"].isna()]
    assert sorted(zip(windows["window_start"], windows["window_end"], strict=True)) == sorted(
        [(-5, 5), (0, 1), (-1, 1)] * 2
    )
    summary = pd.read_csv(out / "car_summary.csv")
    assert list(zip(summary["window_start"], summary["window_end"], strict=True)) == [
        (-5, 5),
        (0, 1),
        (-1, 1),
    ]
    assert (out / "diagnostics.csv").exists()


def test_placebo_and_volume_files(tmp_path, capsys, rng):
    sessions = sessions_between("2015-01-05", "2021-12-31")
    market = 3000 * np.cumprod(1 + rng.normal(0, 0.01, len(sessions)))
    frame = pd.DataFrame(
        {
            "date": sessions.strftime("%Y-%m-%d"),
            "close": market * np.cumprod(1 + rng.normal(0, 0.01, len(sessions))),
            "volume": np.exp(rng.normal(15, 0.2, len(sessions))),
        }
    )
    frame.to_csv(tmp_path / "X.csv", index=False)
    write_price_csv(tmp_path / "M.csv", sessions, market)
    out = tmp_path / "out"
    code, _, err = _run(
        [
            "study",
            "--prices",
            str(tmp_path / "X.csv"),
            "--market",
            str(tmp_path / "M.csv"),
            "--event-date",
            "2021-06-21",
            "--placebo",
            "200",
            "--volume",
            "--out",
            str(out),
        ],
        capsys,
    )
    assert code == 0, err
    placebo = pd.read_csv(out / "placebo.csv")
    assert placebo["draw"].nunique() == 200
    summary = pd.read_csv(out / "placebo_summary.csv")
    assert 0 < summary.loc[0, "p_value"] <= 1
    catalogue_t0 = {"2021-06-21", "2021-07-07", "2020-12-31"}
    assert not catalogue_t0 & set(placebo["event_session"])
    assert (out / "abnormal_volume.csv").exists() and (out / "abnormal_volatility.csv").exists()
    write_price_csv(tmp_path / "SHORT.csv", sessions[-700:], frame["close"].to_numpy()[-700:])
    code, _, err = _run(
        [
            "study",
            "--prices",
            str(tmp_path / "SHORT.csv"),
            "--market",
            str(tmp_path / "M.csv"),
            "--event-date",
            "2021-06-21",
            "--placebo",
            "1000",
            "--out",
            str(tmp_path / "short"),
        ],
        capsys,
    )
    assert code == 0, err
    assert "draws instead of 1000" in err


def test_estudy2_conventions_through_the_cli(tmp_path, capsys):
    folder = shared_path("validation", "estudy2_covid7")
    paths = _covid_price_files(folder, tmp_path)
    out = tmp_path / "out"
    code, _, err = _run(
        [
            "study",
            *paths,
            *_covid_design(tmp_path),
            "--car-window",
            "0",
            "4",
            "--conventions",
            "estudy2",
            "--test",
            "crude_dependence_t",
            "--out",
            str(out),
        ],
        capsys,
    )
    assert code == 0, err
    tests = pd.read_csv(out / "tests.csv")
    window = tests[tests["rel_day"].isna()]["value"].item()
    assert window == pytest.approx(3.948093, abs=5e-7)
    assert "estudy2 conventions" in tests["method"].iloc[0]


def test_new_flags_bad_input_exit_2(price_files, tmp_path, capsys):
    stock, market = price_files
    base = ["study", "--prices", str(stock), "--market", str(market), "--out", str(tmp_path)]
    code, _, err = _run([*base, "--event-date", "2020-08-24", "--test", "magic_z"], capsys)
    assert code == 2 and "invalid choice: 'magic_z'" in err
    code, _, err = _run(
        [*base, "--event-date", "2020-08-24", "--event-date", "2020-09-01", "--placebo", "10"],
        capsys,
    )
    assert code == 2 and "--placebo needs exactly one event (one --measure or --event-date)" in err
    code, _, err = _run([*base, "--event-date", "2020-08-24", "--car-window", "3", "1"], capsys)
    assert code == 2 and "CAR window [3, 1] starts after it ends" in err


# -- study inputs (issue 11, items 4 and 7) --------------------------------------------------
@pytest.fixture
def degenerate_files(tmp_path, rng):
    """STOCK and MKT as in ``price_files``; FLAT (a constant price), SAME (MKT's closes under
    another name), HOLE (STOCK without closes around 2020-08-24) and MKTHOLE (the same gap in
    the benchmark)."""
    sessions = sessions_between("2019-01-02", "2021-06-30")
    market = 3000 * np.cumprod(1 + rng.normal(0.0003, 0.012, len(sessions)))
    stock = 50 * np.cumprod(
        1 + 1.2 * np.diff(np.log(np.r_[3000, market])) + rng.normal(0, 0.01, len(sessions))
    )
    hole = (sessions >= "2020-08-10") & (sessions <= "2020-09-10")
    files = {
        "STOCK": stock,
        "MKT": market,
        "FLAT": np.full(len(sessions), 100.0),
        "SAME": market,
    }
    paths = {
        name: write_price_csv(tmp_path / f"{name}.csv", sessions, c) for name, c in files.items()
    }
    paths["HOLE"] = write_price_csv(tmp_path / "HOLE.csv", sessions[~hole], stock[~hole])
    paths["MKTHOLE"] = write_price_csv(tmp_path / "MKTHOLE.csv", sessions[~hole], market[~hole])
    return {name: str(path) for name, path in paths.items()}


def _study_argv(files, instrument, market, out, *extra, dates=("2020-08-24",)):
    argv = ["study", "--prices", files[instrument], "--market", files[market], "--out", str(out)]
    for date in dates:
        argv += ["--event-date", date]
    return [*argv, *extra]


@pytest.mark.parametrize(
    "dates",
    [("2020-08-22", "2020-08-24"), ("2020-08-24", "2020-08-23", "2020-08-22")],
    ids=["pair", "triple"],
)
def test_event_dates_on_one_session_are_merged_with_a_note(
    degenerate_files, tmp_path, capsys, dates
):
    out = tmp_path / "o"
    argv = _study_argv(degenerate_files, "STOCK", "MKT", out, dates=dates)
    code, _, err = _run(argv, capsys)
    assert code == 0, err
    merged = "+".join(sorted(dates))
    assert f"share the event session t0 2020-08-24: studied as one event, {merged}" in err
    tests = pd.read_csv(out / "tests.csv")
    assert set(tests["event_id"]) == {merged}  # one event: no pooled pair of identical values
    assert not np.isinf(tests["value"].to_numpy(dtype=float)).any()
    summary = pd.read_csv(out / "car_summary.csv")
    assert len(summary[summary["window_start"] == -5]) == 1
    diagnostics = pd.read_csv(out / "diagnostics.csv")
    assert "share the event session" in diagnostics.loc[0, "reason"]
    assert diagnostics.loc[0, "status"] == "overlap (warn)"
    assert "overlapping event windows: warn" in summary["method"].iloc[0]


def test_event_dates_on_one_session_with_overlap_drop_exit_2_naming_both(
    degenerate_files, tmp_path, capsys
):
    argv = _study_argv(
        degenerate_files,
        "STOCK",
        "MKT",
        tmp_path,
        "--overlap",
        "drop",
        dates=("2020-08-22", "2020-08-24"),
    )
    code, _, err = _run(argv, capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "2020-08-22" in err and "2020-08-24 (t0 2020-08-24)" in err


@pytest.mark.parametrize(
    ("instrument", "market", "extra", "message"),
    [
        ("STOCK", "FLAT", (), "benchmark FLAT has zero variance over the estimation window"),
        ("SAME", "MKT", (), "instrument SAME is identical to the benchmark MKT over the "),
        (
            "SAME",
            "MKT",
            ("--model", "market-adjusted"),
            "its abnormal returns are all zero",
        ),
        ("FLAT", "MKT", (), "instrument FLAT has constant returns over the estimation window"),
        ("FLAT", "MKT", ("--model", "constant-mean"), "instrument FLAT has constant returns"),
        ("HOLE", "MKT", (), "HOLE around 2020-08-24: no returns in the event window [-5, 5]"),
        ("STOCK", "MKTHOLE", (), "benchmark MKTHOLE has no returns in the event window [-5, 5]"),
        (
            "STOCK",
            "MKT",
            ("--car-window", "10", "20"),
            "--car-window [10, 20] is not inside the event window [-5, 5]",
        ),
        (
            "SAME",
            "MKT",
            ("--skip-invalid",),
            "nothing to write: every instrument-event was skipped",
        ),
        # the placebo of a study with nothing estimated once hid the reason ("too short")
        ("STOCK", "FLAT", ("--placebo", "20"), "benchmark FLAT has zero variance"),
    ],
)
def test_degenerate_series_name_what_is_wrong(
    degenerate_files, tmp_path, capsys, instrument, market, extra, message
):
    argv = _study_argv(degenerate_files, instrument, market, tmp_path / "o", *extra)
    code, _, err = _run(argv, capsys)
    assert code == 2, err
    assert message in err
    assert err.strip().splitlines()[-1].startswith("python -m analysis: error:")
    assert "Traceback" not in err and "internal error" not in err


def test_a_constant_benchmark_with_the_market_adjusted_model_still_runs(
    degenerate_files, tmp_path, capsys
):
    argv = _study_argv(
        degenerate_files, "STOCK", "FLAT", tmp_path / "o", "--model", "market-adjusted"
    )
    code, _, err = _run(argv, capsys)
    assert code == 0, err  # AR = R − 0: defined, if uninformative


def test_log_returns_print_no_runtime_warning(degenerate_files, tmp_path, capsys):
    import warnings

    frame = pd.read_csv(degenerate_files["STOCK"])
    frame["close"] = frame["close"].astype(object)
    frame.loc[100, "close"] = "inf"  # an infinite close, next to finite ones: ln(x / inf)
    path = tmp_path / "INF.csv"
    frame.to_csv(path, index=False)
    files = {**degenerate_files, "INF": str(path)}
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # a RuntimeWarning would be exit 1
        code, _, err = _run(
            _study_argv(files, "INF", "MKT", tmp_path / "o", "--returns", "log"), capsys
        )
    assert "RuntimeWarning" not in err
    if code == 2:  # the file reader may refuse a non-finite close itself (issue 11, item 6)
        assert "INF.csv" in err
    else:
        assert code == 0, err
        assert "INF: 1 close(s) that are not finite positive numbers were treated as missing" in err


# -- one overlap rule (issue 13, item 5) -----------------------------------------------------


@pytest.fixture
def files_2024(tmp_path, rng):
    sessions = sessions_between("2022-06-01", "2024-12-31")
    market = 3000 * np.cumprod(1 + rng.normal(0.0003, 0.012, len(sessions)))
    stock = 50 * np.cumprod(
        1 + 1.2 * np.diff(np.log(np.r_[3000, market])) + rng.normal(0, 0.01, len(sessions))
    )
    return {
        "STOCK": str(write_price_csv(tmp_path / "STOCK.csv", sessions, stock)),
        "MKT": str(write_price_csv(tmp_path / "MKT.csv", sessions, market)),
    }


# 2024-02-10 (Saturday, Spring Festival) and 2024-02-18 (Sunday) both map to 2024-02-19
SPRING_FESTIVAL = ("2024-02-10", "2024-02-18")


@pytest.mark.parametrize("how", ["warn", "merge"])
def test_two_dates_on_one_session_are_one_event_with_a_note(files_2024, tmp_path, capsys, how):
    out = tmp_path / "o"
    argv = _study_argv(files_2024, "STOCK", "MKT", out, "--overlap", how, dates=SPRING_FESTIVAL)
    code, _, err = _run(argv, capsys)
    assert code == 0, err
    summary = pd.read_csv(out / "car_summary.csv")
    event_window = summary[(summary["window_start"] == -5) & (summary["window_end"] == 5)]
    assert list(event_window["event_id"]) == ["2024-02-10+2024-02-18"]  # N = 1, not 2
    assert list(event_window["event_session"]) == ["2024-02-19"]
    tests = pd.read_csv(out / "tests.csv")
    assert set(tests["event_id"]) == {"2024-02-10+2024-02-18"}  # no pooled pair of copies
    assert not np.isinf(tests["value"].to_numpy(dtype=float)).any()
    assert "2024-02-10" in err and "2024-02-18" in err and "2024-02-19" in err  # the note


def test_two_dates_on_one_session_with_drop_are_refused_naming_both(files_2024, tmp_path, capsys):
    argv = _study_argv(
        files_2024, "STOCK", "MKT", tmp_path / "o", "--overlap", "drop", dates=SPRING_FESTIVAL
    )
    code, _, err = _run(argv, capsys)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "every event was dropped" in err
    assert "2024-02-10, 2024-02-18" in err and "t0 2024-02-19" in err
    assert not (tmp_path / "o").exists()


def test_contaminated_estimation_is_cleaned_by_default_and_kept_on_request(
    files_2024, tmp_path, capsys
):
    dates = ("2024-01-02", "2024-02-19")  # 01-02's window lies in 02-19's estimation window
    cleaned, kept = tmp_path / "clean", tmp_path / "kept"
    code, _, err = _run(_study_argv(files_2024, "STOCK", "MKT", cleaned, dates=dates), capsys)
    assert code == 0, err
    assert "estimation window of 2024-02-19 contains the event window(s) of 2024-01-02" in err
    argv = _study_argv(
        files_2024, "STOCK", "MKT", kept, "--keep-contaminated-estimation", dates=dates
    )
    code, _, err = _run(argv, capsys)
    assert code == 0, err
    assert "cleaning is off" in err

    def length(directory):
        summary = pd.read_csv(directory / "car_summary.csv")
        return summary.set_index("event_id")["n_estimation"].groupby(level=0).first()

    assert length(cleaned)["2024-02-19"] == 240 - 11
    assert length(kept)["2024-02-19"] == 240
    assert length(cleaned)["2024-01-02"] == length(kept)["2024-01-02"] == 240
    diagnostics = pd.read_csv(cleaned / "diagnostics.csv")
    assert "estimation cleaned" in set(diagnostics["status"])


def test_an_estimation_sample_emptied_by_cleaning_names_the_flag_that_keeps_it(
    files_2024, tmp_path, capsys
):
    """Events every 14 sessions leave a late event fewer than --min-estimation sessions once
    the others' windows are left out: the error says why and which option turns that off."""
    sessions = sessions_between("2023-03-01", "2024-06-28")
    dates = [f"{day:%Y-%m-%d}" for day in sessions[::14]]
    code, _, err = _run(
        _study_argv(files_2024, "STOCK", "MKT", tmp_path / "o", dates=dates), capsys
    )
    assert code == 2
    error = err.strip().splitlines()[-1]
    assert "after leaving out" in error and "of other events' windows" in error
    assert "--keep-contaminated-estimation" in error
    argv = _study_argv(
        files_2024, "STOCK", "MKT", tmp_path / "k", "--keep-contaminated-estimation", dates=dates
    )
    code, _, err = _run(argv, capsys)
    assert code == 0, err
