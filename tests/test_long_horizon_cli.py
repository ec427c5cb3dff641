"""``python -m analysis bhar`` on a store built here (POLICYLENS_DATA_DIR), checked against the
closes themselves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.cli import main
from data_sources.base import FetchResult
from data_sources.schema import to_canonical
from data_sources.store import Store
from data_sources.trading_calendar import sessions_between

EVENT = "2020-08-24"
SYMBOLS = ("600001.SH", "600002.SH", "600003.SH", "600004.SH", "300001.SZ", "000300.SH")


@pytest.fixture
def stored(data_dir, rng):
    sessions = sessions_between("2019-01-02", "2021-06-30")
    closes = {
        symbol: 10 * np.cumprod(1 + rng.normal(0.0004, 0.015, len(sessions))) for symbol in SYMBOLS
    }
    store = Store(data_dir / "store")
    for symbol, values in closes.items():
        bars = to_canonical(pd.DataFrame({"date": sessions, "close": values}), symbol)
        store.write(FetchResult(bars, "akshare", "akshare test"))
    return sessions, closes


def _run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _base(out, *extra):
    return [
        "bhar",
        "--instrument",
        "600001.SH",
        "--instrument",
        "600002.SH",
        "--event-date",
        EVENT,
        "--horizons",
        "21",
        "63",
        "--out",
        str(out),
        *extra,
    ]


def _hand(sessions, closes, symbol, horizon):
    t0 = sessions.get_loc(pd.Timestamp(EVENT))
    return closes[symbol][t0 + horizon] / closes[symbol][t0] - 1


def test_bhar_against_the_benchmark(stored, tmp_path, capsys):
    sessions, closes = stored
    out = tmp_path / "o"
    code, stdout, err = _run(_base(out, "--bootstrap", "0"), capsys)
    assert code == 0, err
    assert "bhar.csv" in stdout and "bhar_tests.csv" in stdout
    table = pd.read_csv(out / "bhar.csv", encoding="utf-8-sig")
    assert len(table) == 4
    for row in table.itertuples():
        expected = _hand(sessions, closes, row.instrument, row.horizon) - _hand(
            sessions, closes, "000300.SH", row.horizon
        )
        assert row.bhar == pytest.approx(expected, rel=1e-9)
        assert row.status == "complete"
    assert {"method", "data_mode", "data_vintage", "units"} <= set(table.columns)
    assert "buy-and-hold" in table["method"].iloc[0]
    tests = pd.read_csv(out / "bhar_tests.csv", encoding="utf-8-sig")
    assert list(tests["horizon"]) == [21, 63] and (tests["n"] == 2).all()
    mean21 = table.loc[table["horizon"] == 21, "bhar"].mean()
    assert tests.loc[0, "mean_bhar"] == pytest.approx(mean21)


def test_bhar_against_named_and_matched_controls(stored, tmp_path, capsys):
    sessions, closes = stored
    out = tmp_path / "named"
    argv = _base(out, "--against", "matched", "--controls", "600003.SH", "600004.SH")
    code, _, err = _run([*argv, "--bootstrap", "10", "--seed", "4"], capsys)
    assert code == 0, err
    table = pd.read_csv(out / "bhar.csv", encoding="utf-8-sig")
    for row in table.itertuples():
        portfolio = np.mean(
            [_hand(sessions, closes, c, row.horizon) for c in ("600003.SH", "600004.SH")]
        )
        assert row.bhar == pytest.approx(
            _hand(sessions, closes, row.instrument, row.horizon) - portfolio, rel=1e-9
        )
    # chosen from the store: same board (SH main), neither studied nor the benchmark; the
    # ChiNext series 300001.SZ is never a control of a main-board instrument
    out = tmp_path / "auto"
    code, _, err = _run(_base(out, "--against", "matched", "--bootstrap", "0"), capsys)
    assert code == 0, err
    table = pd.read_csv(out / "bhar.csv", encoding="utf-8-sig")
    t0 = sessions.get_loc(pd.Timestamp(EVENT))

    def past(symbol):  # the 250 sessions before t0
        return closes[symbol][t0 - 1] / closes[symbol][t0 - 251] - 1

    for row in table.drop_duplicates("instrument").itertuples():
        nearest = sorted(
            ("600003.SH", "600004.SH"), key=lambda c: abs(past(c) - past(row.instrument))
        )
        assert row.reference == "matched: " + ", ".join(nearest)


@pytest.mark.parametrize(
    "extra, message",
    [
        (("--controls", "600003.SH"), "--controls goes with --against matched"),
        (("--horizons", "0"), "horizons must be whole numbers"),
        (("--against", "matched", "--controls", "600999.SH"), "600999.SH: not in the store"),
        (("--bootstrap", "-1"), "--bootstrap B must be 0"),
    ],
)
def test_bad_bhar_input_exits_2_naming_it(stored, tmp_path, capsys, extra, message):
    code, _, err = _run([*_base(tmp_path / "x"), *extra], capsys)
    assert code == 2 and message in err
