"""Review fixes of the K-regressor models (factors, two-index): factor-file gaps and units said,
a repeated factor header refused, model inputs given to another model refused, a late second
series named, every coefficient of the fit exported, the dof text following the model."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from tests.test_models_multi import _bars, _write_factor_csv


def _ch3(rng, dates, market):
    return pd.DataFrame(
        {
            "MKT": market.fillna(0.0),
            "SMB": rng.normal(0, 0.006, len(dates)),
            "VMP": rng.normal(0, 0.005, len(dates)),
        },
        index=dates,
    )


def _market(bars, dates):
    closes = bars.pivot(index="date", columns="symbol", values="close")
    return (closes["MKT.SH"] / closes["MKT.SH"].shift(1) - 1).reindex(dates)


def test_factor_file_gaps_in_the_windows_are_noted_with_the_file_and_dates(rng, tmp_path):
    from analysis.api import BarsSource, StudyRequest, run_study

    bars, dates = _bars(rng)
    factors = _ch3(rng, dates, _market(bars, dates))
    march = (factors.index >= "2020-03-01") & (factors.index < "2020-04-01")
    t0_plus_1 = pd.Timestamp("2020-08-25")  # t0 = 2020-08-24 (a Monday)
    gappy = factors[~march & (factors.index != t0_plus_1)]
    path = _write_factor_csv(tmp_path / "gaps.csv", gappy)
    request = StudyRequest(
        dates=("2020-08-24",), instruments=("REIT1.SH",), model="factors", factors=str(path)
    )
    outcome = run_study(request, BarsSource(bars))
    notes = [str(text) for text in outcome.notes_of("model")]
    (gap_note,) = [text for text in notes if "has no factor values" in text]
    assert "the factor file gaps.csv" in gap_note and "event 2020-08-24" in gap_note
    assert f"{int(march.sum())} session(s) of its estimation window [-250, -11]" in gap_note
    assert "(2020-03-02, 2020-03-03, 2020-03-04, 2020-03-05, 2020-03-06, …)" in gap_note
    assert "1 session(s) of its event window [-5, 5] (2020-08-25)" in gap_note
    # the complete file says nothing of gaps
    full = _write_factor_csv(tmp_path / "full.csv", factors)
    outcome = run_study(
        StudyRequest(
            dates=("2020-08-24",), instruments=("REIT1.SH",), model="factors", factors=str(full)
        ),
        BarsSource(bars),
    )
    assert not [text for text in outcome.notes_of("model") if "has no factor values" in text]


def test_a_factor_file_mixing_percent_and_decimal_columns_is_refused(tmp_path):
    from analysis.factors import FactorFileError, parse_factor_table, read_factor_file

    days = pd.bdate_range("2020-01-02", periods=60)
    rng = np.random.default_rng(3)
    mixed = pd.DataFrame(
        {"MKT": rng.normal(0, 1.2, 60), "SMB": rng.normal(0, 0.006, 60)}, index=days
    )  # MKT in %, SMB in decimals: a whole-file /100 would shrink SMB a hundredfold
    path = _write_factor_csv(tmp_path / "mixed.csv", mixed)
    with pytest.raises(FactorFileError, match="columns in different units") as caught:
        read_factor_file(path)
    assert "'MKT' looks like percent" in str(caught.value)
    assert "'SMB' like decimals" in str(caught.value)
    # the same units in every column: read, and each column's size stated in the note
    same = _write_factor_csv(tmp_path / "same.csv", mixed.assign(SMB=mixed["SMB"] * 100))
    table = read_factor_file(same)
    assert table.units_detected == "percent"
    assert "each column's median |value| alone: MKT" in table.notes[0]
    assert "SMB" in table.notes[0] and "(%)" in table.notes[0]
    raw = pd.DataFrame({"date": ["2020-01-02"], "MKT": ["0.5"], "SMB": ["0.4"]})
    assert parse_factor_table(raw, "x.csv").units_detected == "percent"


def test_a_repeated_factor_header_is_refused_naming_the_column(tmp_path):
    from analysis.factors import FactorFileError, read_factor_file

    path = tmp_path / "twice.csv"
    path.write_text("date,MKT,MKT\n2020-01-02,0.1,0.2\n2020-01-03,0.3,0.1\n", encoding="utf-8")
    with pytest.raises(FactorFileError, match="factor file twice.csv: column 'MKT' appears twice"):
        read_factor_file(path)


def test_the_cli_refuses_model_inputs_given_to_another_model(rng, tmp_path, capsys):
    from analysis.cli import main
    from tests.conftest import write_price_csv

    bars, dates = _bars(rng)
    paths = {}
    for symbol, rows in bars.groupby("symbol"):
        paths[symbol] = write_price_csv(tmp_path / f"{symbol}.csv", rows["date"], rows["close"])
    factor_file = _write_factor_csv(
        tmp_path / "ff.csv", pd.DataFrame({"MKT": rng.normal(0, 1.1, len(dates))}, index=dates)
    )
    common = ["study", "--prices", str(paths["REIT1.SH"]), "--event-date", "2020-08-24"]
    common += ["--market", str(paths["MKT.SH"]), "--out", str(tmp_path / "out")]
    capsys.readouterr()
    assert main([*common, "--model", "market", "--second-index", str(paths["BOND.SH"])]) == 2
    err = capsys.readouterr().err.strip()
    assert "--second-index goes with --model two-index, not --model market" in err
    assert len(err.splitlines()) == 1
    assert main([*common, "--second-index", str(paths["BOND.SH"])]) == 2  # the default model
    assert "--second-index goes with --model two-index" in capsys.readouterr().err
    second = ["--second-index", str(paths["BOND.SH"]), "--factors", str(factor_file)]
    assert main([*common, "--model", "two-index", *second]) == 2
    err = capsys.readouterr().err.strip()
    assert "--factors goes with --model factors, not --model two-index" in err
    assert not (tmp_path / "out").exists()


def test_a_second_index_that_starts_late_is_named_with_its_first_date(rng):
    from analysis.api import BarsSource, StudyRequest, run_study

    bars, _ = _bars(rng)
    late = (bars["symbol"] == "BOND.SH") & (bars["date"] < "2020-06-01")
    bars = bars[~late]
    request = StudyRequest(
        dates=("2020-08-24",),
        instruments=("REIT1.SH",),
        benchmark="MKT.SH",
        model="two-index",
        second_index="BOND.SH",
    )
    try:
        outcome = run_study(request, BarsSource(bars))
        text = " ".join(str(r) for r in outcome.diagnostics_frame()["reason"])
    except Exception as error:  # every pair skipped: the study's error carries the reason
        text = str(error)
    assert "the regressor BOND.SH has only" in text
    assert "(its first there: 2020-06-02" in text  # the first return: the 2nd close's day
    assert "(factors or indices) has" not in text


def test_every_coefficient_of_the_fit_is_a_table_and_a_file(rng, tmp_path):
    from analysis.api import BarsSource, StudyRequest, run_study
    from analysis.glossary import COLUMN_GLOSSARY, FILE_GLOSSARY

    bars, _ = _bars(rng)
    request = StudyRequest(
        dates=("2020-08-24",),
        instruments=("REIT1.SH", "REIT2.SZ"),
        benchmark="MKT.SH",
        model="two-index",
        second_index="BOND.SH",
    )
    outcome = run_study(request, BarsSource(bars))
    table = outcome.model_coefficients
    assert list(table.columns) == ["event_id", "instrument", "model", "regressor", "coefficient"]
    closes = bars.pivot(index="date", columns="symbol", values="close")
    simple = closes / closes.shift(1) - 1
    t0 = outcome.resolved.events[0].event_session
    position = simple.index.get_loc(t0)
    rows = slice(position - 250, position - 10)
    for name in request.instruments:
        x = sm.add_constant(simple[["MKT.SH", "BOND.SH"]].iloc[rows])
        y = simple[name].iloc[rows]
        ok = y.notna() & x.notna().all(axis=1)
        params = sm.OLS(y[ok], x[ok]).fit().params
        mine = table[table["instrument"] == name].set_index("regressor")["coefficient"]
        assert list(mine.index) == ["const", "MKT.SH", "BOND.SH"]
        assert mine.to_numpy() == pytest.approx(params.to_numpy(), rel=1e-10)
    assert "model_coefficients" in outcome.file_names() or any(
        "model_coefficients" in f for f in outcome.file_names()
    )
    with zipfile.ZipFile(io.BytesIO(outcome.to_zip("study"))) as archive:
        (member,) = [n for n in archive.namelist() if "model_coefficients" in n]
        assert "BOND.SH" in archive.read(member).decode("utf-8")
    assert "model_coefficients.csv" in FILE_GLOSSARY
    assert set(table.columns) <= set(COLUMN_GLOSSARY)
    # the one-index models' files are as they were
    market = run_study(
        StudyRequest(dates=("2020-08-24",), instruments=("REIT1.SH",), benchmark="MKT.SH"),
        BarsSource(bars),
    )
    assert not any("model_coefficients" in f for f in market.file_names())


def test_the_dof_text_follows_the_model():
    from analysis.event_study import EventStudySpec
    from pages.study_view import dof_caption

    assert "L1 − K degrees of freedom" in dof_caption("factors")
    assert "L1 − K degrees of freedom" in dof_caption("two-index")
    assert "L1 − 2" not in dof_caption("two-index")
    assert "L1 − 2" in dof_caption("market")
    assert "L1-K df" in str(EventStudySpec(model="factors").describe())
    assert "L1-3 df" in str(EventStudySpec(model="two-index").describe())
    assert "k = 2 market model" in str(EventStudySpec(model="market").describe())
