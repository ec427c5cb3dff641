"""Review of the long-horizon code (analysis/long_horizon.py, ``python -m analysis bhar``,
pages/long_horizon_view.py): the bootstrap's cap, minimum n, p-value and degenerate draws; the
skewness-adjusted t's p from t(n − 1); data that end early are no BHAR unless filled; studied
series are never controls; the study flags bhar does not use are refused; the test table in 中文."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.long_horizon import (
    DEFAULT_BOOTSTRAP,
    MAX_BOOTSTRAP,
    MIN_BOOTSTRAP_N,
    LongHorizonInputError,
    _tests,
    bootstrap_skewness_adjusted_t,
    buy_and_hold_abnormal_returns,
    skewness_adjusted_t,
)
from data_sources.base import FetchResult
from data_sources.schema import to_canonical
from data_sources.store import Store
from tests.test_long_horizon import SESSIONS, _closes, _pairs
from tests.test_long_horizon_cli import EVENT, _base, _run, stored  # noqa: F401

# -- 1. the bootstrap's upper limit ------------------------------------------------------------


def test_bootstrap_above_the_cap_is_refused_and_the_page_stays_below_it():
    assert MAX_BOOTSTRAP == 100_000 and DEFAULT_BOOTSTRAP <= MAX_BOOTSTRAP
    with pytest.raises(LongHorizonInputError, match="at most 100000"):
        bootstrap_skewness_adjusted_t(np.arange(40.0), draws=MAX_BOOTSTRAP + 1)
    with pytest.raises(LongHorizonInputError, match="at most 100000"):
        buy_and_hold_abnormal_returns(
            _closes(), SESSIONS, _pairs("600001.SH"), horizons=(2,), benchmark="000300.SH",
            bootstrap=100_000_000,
        )  # fmt: skip


def test_cli_bootstrap_above_the_cap_exits_2_naming_the_limit(stored, tmp_path, capsys):  # noqa: F811
    code, _, err = _run([*_base(tmp_path / "x"), "--bootstrap", "100000000"], capsys)
    assert code == 2 and "at most 100000" in err
    assert not (tmp_path / "x").exists()


# -- 2. the bootstrap on small samples, its p and its degenerate draws -------------------------


def test_no_bootstrap_below_twenty_values_and_a_note_says_why():
    rng = np.random.default_rng(1)
    eleven = rng.lognormal(0, 0.5, 11) - 1
    assert MIN_BOOTSTRAP_N == 20
    result = bootstrap_skewness_adjusted_t(eleven, draws=200)
    assert np.isnan(result["p"]) and result["used"] == 0  # resamples of 2: no skewness
    twenty = rng.lognormal(0, 0.5, 20) - 1
    assert bootstrap_skewness_adjusted_t(twenty, draws=200)["used"] > 0  # resamples of 5
    table = pd.DataFrame({"event_id": "E", "horizon": 21, "bhar": eleven, "status": "complete"})
    tests, notes = _tests(table, "benchmark", 200, 0)
    assert np.isnan(tests["p_bootstrap"].iloc[0])
    assert any("no bootstrap with 11 BHARs" in str(note) for note in notes)


def test_degenerate_resamples_are_counted_never_silently_dropped():
    values = np.r_[np.zeros(17), 0.5, 0.8, 1.2]  # 20 BHARs, 17 equal: many resamples of 5 tie
    result = bootstrap_skewness_adjusted_t(values, draws=1000, seed=0)
    assert result["degenerate"] > 0
    assert result["used"] + result["degenerate"] == 1000
    table = pd.DataFrame({"event_id": "E", "horizon": 21, "bhar": values, "status": "complete"})
    tests, notes = _tests(table, "benchmark", 1000, 0)
    expected = f"{result['degenerate']} of 1000 bootstrap resamples had no spread"
    assert any(expected in str(note) for note in notes)
    assert tests["n_bootstrap"].iloc[0] == result["used"]


def test_bootstrap_p_is_never_zero():
    values = np.random.default_rng(2).normal(1.0, 0.1, 40)  # far from 0: every t_b is smaller
    result = bootstrap_skewness_adjusted_t(values, draws=1000, seed=0)
    assert result["p"] == pytest.approx(2 / 1001)  # (count + 1)/(B + 1), two-sided


def test_skewness_adjusted_p_uses_student_t_with_n_minus_1():
    values = np.random.default_rng(3).normal(0.5, 0.05, 10)  # n = 10, a huge t
    result = skewness_adjusted_t(values)
    assert result["p_sa"] == pytest.approx(2 * stats.t.sf(abs(result["t_sa"]), 9), rel=1e-9)
    assert result["p_sa"] > 1e-12  # the normal gave p ≈ 1e-50 and less here


# -- 3. data that end before the horizon -------------------------------------------------------


def test_data_ending_early_is_no_bhar_by_default_with_a_note_naming_it():
    result = buy_and_hold_abnormal_returns(
        _closes(), SESSIONS, _pairs("600002.SH", "600001.SH"), horizons=(2, 6),
        benchmark="000300.SH", bootstrap=0,
    )  # fmt: skip
    table = result.to_frame().set_index(["instrument", "horizon"])
    assert np.isnan(table.loc[("600002.SH", 6), "bhar"])
    assert "no BHAR" in table.loc[("600002.SH", 6), "status"]
    assert not np.isnan(table.loc[("600002.SH", 2), "bhar"])  # before its data end: complete
    assert any(
        str(note).startswith("E, 600002.SH, h = 6: data end on") and "no BHAR" in str(note)
        for note in result.notes
    )
    assert "n_filled" not in result.summary().columns
    assert result.summary().set_index("horizon").loc[6, "n"] == 1


def test_fill_after_end_fills_with_the_benchmark_and_counts_the_pairs():
    result = buy_and_hold_abnormal_returns(
        _closes(), SESSIONS, _pairs("600002.SH", "600001.SH"), horizons=(2, 6),
        benchmark="000300.SH", bootstrap=0, fill_after_end=True,
    )  # fmt: skip
    row = result.to_frame().set_index(["instrument", "horizon"]).loc[("600002.SH", 6)]
    assert row["bh_return"] == pytest.approx(24 / 20 * 106 / 103 - 1)
    tests = result.summary().set_index("horizon")
    assert tests.loc[6, "n_filled"] == 1 and tests.loc[2, "n_filled"] == 0
    assert any("filled with the benchmark" in str(note) for note in result.notes)
    assert "filled with the benchmark" in str(result.metadata["method"])


@pytest.fixture
def ends_early(stored, data_dir):  # noqa: F811
    """600005.SH: its data end 30 sessions after EVENT while the others go on."""
    sessions, closes = stored
    t0 = sessions.get_loc(pd.Timestamp(EVENT))
    values = closes["600001.SH"][: t0 + 31] * 1.1
    bars = to_canonical(pd.DataFrame({"date": sessions[: t0 + 31], "close": values}), "600005.SH")
    Store(data_dir / "store").write(FetchResult(bars, "akshare", "akshare test"))
    return stored


def _argv(out, *extra):
    argv = _base(out, *extra)
    return [*argv[:3], "--instrument", "600005.SH", *argv[3:]]


def test_cli_data_ending_early_is_no_bhar_unless_fill_after_end(ends_early, tmp_path, capsys):
    code, _, err = _run(_argv(tmp_path / "a", "--bootstrap", "0"), capsys)
    assert code == 0, err
    table = pd.read_csv(tmp_path / "a" / "bhar.csv", encoding="utf-8-sig")
    row = table[(table["instrument"] == "600005.SH") & (table["horizon"] == 63)].iloc[0]
    assert np.isnan(row["bhar"]) and "no BHAR" in row["status"]
    assert "600005.SH, h = 63: data end on" in err
    tests = pd.read_csv(tmp_path / "a" / "bhar_tests.csv", encoding="utf-8-sig")
    assert "n_filled" not in tests.columns
    assert tests.set_index("horizon").loc[63, "n"] == 2
    code, _, err = _run(_argv(tmp_path / "b", "--bootstrap", "0", "--fill-after-end"), capsys)
    assert code == 0, err
    tests = pd.read_csv(tmp_path / "b" / "bhar_tests.csv", encoding="utf-8-sig")
    assert tests.set_index("horizon")["n_filled"].to_dict() == {21: 0, 63: 1}
    assert tests.set_index("horizon").loc[63, "n"] == 3


# -- 4. studied series are never controls; the caveat of automatic matching ---------------------


def test_a_studied_instrument_or_the_benchmark_is_refused_as_a_control():
    for control in ("600010.SH", "000300.SH"):
        with pytest.raises(LongHorizonInputError, match=control):
            buy_and_hold_abnormal_returns(
                _closes(), SESSIONS, _pairs("600001.SH", "600010.SH"), horizons=(6,),
                benchmark="000300.SH", against="matched", controls=[control, "600011.SH"],
                bootstrap=0,
            )  # fmt: skip


def test_automatic_matching_carries_the_same_board_caveat():
    result = buy_and_hold_abnormal_returns(
        _closes(), SESSIONS, _pairs("600001.SH"), horizons=(6,), benchmark="000300.SH",
        against="matched", candidates=["600010.SH", "600011.SH"], lookback=0, bootstrap=0,
    )  # fmt: skip
    assert any("pulls the BHAR towards 0" in str(note) for note in result.notes)


@pytest.mark.parametrize("control", ["600002.SH", "000300.SH"])
def test_cli_refuses_a_studied_control(stored, tmp_path, capsys, control):  # noqa: F811
    argv = _base(tmp_path / "x", "--against", "matched", "--controls", control, "600003.SH")
    code, _, err = _run(argv, capsys)
    assert code == 2 and f"--controls {control}: studied" in err


# -- 5. the study flags bhar does not use ------------------------------------------------------


@pytest.mark.parametrize(
    "extra, flag",
    [
        (("--placebo", "20"), "--placebo"),
        (("--test", "patell_z"), "--test"),
        (("--car-window", "0", "1"), "--car-window"),
        (("--model", "constant-mean"), "--model"),
    ],
)
def test_cli_refuses_study_flags_it_does_not_use(stored, tmp_path, capsys, extra, flag):  # noqa: F811
    code, _, err = _run([*_base(tmp_path / "x"), *extra], capsys)
    assert code == 2 and f"bhar does not use {flag}" in err
    assert not (tmp_path / "x").exists() and not (tmp_path / "x.html").exists()


# -- 6. the page: the test table in 中文, the fill checkbox -----------------------------------


def _tests_table(app):
    (table,) = [f for f in app.dataframe if "t_skew_adjusted" in f.value.columns]
    return table


def test_the_test_table_reads_in_chinese(zh_app):  # noqa: F811
    from tests.test_long_horizon_page import _open

    _open(zh_app)
    table = _tests_table(zh_app)
    config = json.loads(table.proto.columns)
    labels = {name: config.get(name, {}).get("label") for name in ("against", "n", "skewness")}
    assert labels == {"against": "参照", "n": "配对数 (n)", "skewness": "偏度"}
    assert config["t_stat"]["label"] == "t"
    assert set(table.value["against"]) == {"基准"}


def test_the_fill_checkbox_adds_n_filled(app):
    from tests.test_long_horizon_page import _open

    _open(app)
    assert "n_filled" not in _tests_table(app).value.columns
    app.checkbox(key="study_bhar_fill").check().run()
    assert not app.exception
    assert "n_filled" in _tests_table(app).value.columns


from tests.test_zh_everywhere import zh_app  # noqa: E402, F401
