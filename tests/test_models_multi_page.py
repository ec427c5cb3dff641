"""The Event study page runs the factors and two-index models from a shared link (AppTest on the
demo store): the factor file saved in the data directory is read again by name, the second
index is picked from the stored series, and both round-trip through the URL."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.apptest_helpers import make_app
from tests.test_url_roundtrip import _raw_options

PAGE = "pages/event_study.py"
BASE = {"measures": "chinext-first-listings-2020", "instruments": "399006.SZ,000688.SH"}


def _open(monkeypatch, params):
    at = make_app(monkeypatch, record_downloads=False)
    at.query_params.clear()
    at.query_params.update(params)
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


def _car_models(at) -> set[str]:
    models = set()
    for frame in (element.value for element in at.dataframe):
        if "model" in getattr(frame, "columns", ()):
            models |= set(frame["model"].astype(str))
    return models


def test_a_saved_factor_file_named_in_the_link_runs_the_factors_model(monkeypatch, data_dir):
    folder = data_dir / "factors"
    folder.mkdir(parents=True)
    dates = pd.bdate_range("2018-01-02", "2021-12-31")
    rng = np.random.default_rng(3)
    pd.DataFrame(
        {
            "date": dates.strftime("%Y%m%d"),
            "MKT": rng.normal(0, 1.2, len(dates)),  # in percent, as vendors ship them
            "SMB": rng.normal(0, 0.6, len(dates)),
            "VMP": rng.normal(0, 0.5, len(dates)),
        }
    ).to_csv(folder / "ch3.csv", index=False)
    at = _open(monkeypatch, BASE | {"model": "factors", "factors": "ch3.csv"})
    assert not _errors(at), _errors(at)
    assert at.session_state["study_factors"] == "ch3.csv"
    assert at.query_params["factors"] == "ch3.csv"
    assert "factors" in _car_models(at)
    shown = " ".join(str(e.value) for e in [*at.info, *at.caption, *at.markdown])
    assert "read as percent" in shown


def test_the_factors_model_without_a_file_says_so(monkeypatch, data_dir):
    at = _open(monkeypatch, BASE | {"model": "factors"})
    assert any("needs a factor file" in text for text in _errors(at)), _errors(at)


def test_the_two_index_model_takes_its_second_series_from_the_link(monkeypatch, data_dir):
    at = _open(monkeypatch, BASE | {"model": "two-index"})
    assert any("needs a second index" in text for text in _errors(at)), _errors(at)
    picker = at.selectbox(key="study_second_index")
    studied = {*BASE["instruments"].split(","), at.session_state["study_benchmark"]}
    options = _raw_options(at, picker)
    assert at.session_state["study_benchmark"] not in options  # never the benchmark itself
    picker.set_value(next(s for s in options if s not in studied)).run()
    assert not at.exception
    chosen = at.session_state["study_second_index"]
    assert chosen and at.query_params["second"] == chosen
    assert not _errors(at), _errors(at)
    assert "two-index" in _car_models(at)
    link = dict(at.query_params)
    again = _open(monkeypatch, link)
    assert again.session_state["study_second_index"] == chosen
    assert not _errors(again)
