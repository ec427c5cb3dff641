"""Real data end to end: import files with the CLI, study them in the dashboard, and get the
CLI's numbers (the Foundation's promise: one engine behind both front ends)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from analysis.cli import main as analysis_main
from data_sources.cli import main as data_main
from tests.apptest_helpers import download_bytes, goto
from tests.conftest import shared_path


def test_imported_real_series_give_the_cli_numbers_in_the_dashboard(app, tmp_path, capsys):
    chinext = shared_path("data", "market", "indices", "399006.SZ.csv")
    csi300 = shared_path("data", "market", "indices", "000300.SH.csv")
    assert data_main(["import", str(chinext), str(csi300)]) == 0  # replaces the demo series
    assert (
        analysis_main(
            [
                "study",
                "--prices",
                str(chinext),
                "--market",
                str(csi300),
                # the dashboard's measure (t0 2020-08-24): the same catalogue, so the same
                # estimation sessions left out as other measures' windows
                "--measure",
                "chinext-first-listings-2020",
                "--out",
                str(tmp_path / "cli"),
            ]
        )
        == 0
    )
    capsys.readouterr()
    cli = pd.read_csv(tmp_path / "cli" / "car_summary.csv").iloc[0]

    goto(app, "pages/event_study.py")
    assert app.multiselect(key="study_measures").value == ["chinext-first-listings-2020"]
    raw = download_bytes(app, "download_car_summary")
    dashboard = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig").iloc[0]
    assert dashboard["instrument"] == "399006.SZ"
    for column in ("n_estimation", "alpha", "beta", "sigma", "car", "car_se", "t_stat", "p_value"):
        assert dashboard[column] == pytest.approx(cli[column], rel=1e-12), column
    assert dashboard["data_mode"] == "imported files"
    assert "399006.SZ.csv" in dashboard["data_vintage"]
    assert not any("SYNTHETIC" in w.value for w in app.warning if "results" in w.value)
