"""One unit for returns, and downloads that say what they are.

Tables on the pages show returns in % and their column labels say so; the CSVs keep decimals
(``parameters.json`` and the glossary say so). The abnormal-volume CSVs name log volume, not
returns. Every file of the study's ZIP is listed under its full name with a line on what it
holds.
"""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest

from analysis.glossary import COLUMN_GLOSSARY, FILE_GLOSSARY, RETURN_UNITS, VOLUME_UNITS
from tests.apptest_helpers import download_bytes, goto, open_sections


def _csv(app, key) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(download_bytes(app, key)), encoding="utf-8-sig")


def _table(app, *columns):
    """The shown table holding ``columns``, and its column labels (from the element's column
    configuration: what the reader sees above each column)."""
    for element in app.dataframe:
        if set(columns) <= set(element.value.columns):
            config = json.loads(element.proto.columns or "{}")
            labels = {name: (setting or {}).get("label", name) for name, setting in config.items()}
            return element.value, labels
    raise AssertionError(f"no table with {columns}")


@pytest.fixture
def study(app):
    """The Event study of the default measure on two instruments (a placebo, tests, volume)."""
    app.query_params.update(
        {"measures": "chinext-first-listings-2020", "instruments": "399006.SZ,000688.SH"}
    )
    goto(app, "pages/event_study.py")
    # the daily ARs, all statistics, placebo, trading response and diagnostics are drawn only
    # when their expanders are open
    open_sections(app).run()
    return app


def test_every_table_of_the_event_study_shows_returns_in_percent(study):
    """The CAR table read CAR (%) beside α 0.00041 and σ 0.00786, the daily AR table and the
    placebo summary decimals, the tests' mean CAR a decimal among z values: now every
    return shown is the CSV's decimal × 100 under a label with "(%)"."""
    window = study.selectbox(key="study_car_window").value
    summary = _csv(study, "download_car_summary")
    headline = summary[
        (summary["window_start"] == window[0]) & (summary["window_end"] == window[1])
    ]
    shown, labels = _table(study, "car_pct", "alpha_pct", "sigma_pct")
    for column in ("car", "car_se", "alpha", "sigma"):
        pct = "car_se_pct" if column == "car_se" else f"{column}_pct"
        assert shown[pct].tolist() == pytest.approx(
            (100 * headline[column]).tolist(), rel=1e-9, nan_ok=True
        )
        assert labels[pct].endswith("(%)"), labels
    daily = _csv(study, "download_abnormal_returns")
    shown, labels = _table(study, "abnormal_return", "sar")
    for column in ("return", "expected_return", "abnormal_return", "car"):
        assert shown[column].tolist() == pytest.approx(
            (100 * daily[column]).tolist(), rel=1e-9, nan_ok=True
        )
        assert labels[column].endswith("(%)"), (column, labels)
    assert shown["sar"].tolist() == pytest.approx(
        daily["sar"].tolist(), nan_ok=True
    )  # no unit: unchanged
    placebo = _csv(study, "download_placebo_summary")
    shown, labels = _table(study, "observed_car", "placebo_sd")
    for column in ("observed_car", "placebo_mean", "placebo_sd"):
        assert shown[column].tolist() == pytest.approx(
            (100 * placebo[column]).tolist(), nan_ok=True
        )
        assert labels[column].endswith("(%)"), (column, labels)
    tests = _csv(study, "download_tests")
    mean = tests[
        (tests["statistic"] == "mean")
        & tests["rel_day"].isna()
        & (tests["window_start"] == window[0])
        & (tests["window_end"] == window[1])
    ]
    shown, _ = _table(study, "statistic", "value", "event_id")
    shown_mean = shown[shown["statistic"] == "mean (%)"]
    assert shown_mean["value"].tolist() == pytest.approx((100 * mean["value"]).tolist())
    patell = shown[shown["statistic"] == "patell_z"]["value"].tolist()  # a z: unchanged
    assert patell == pytest.approx(
        tests[
            (tests["statistic"] == "patell_z")
            & tests["rel_day"].isna()
            & (tests["window_start"] == window[0])
            & (tests["window_end"] == window[1])
        ]["value"].tolist()
    )
    assert any("CSV files keep decimals (0.01 = 1 %)" in c.value for c in study.caption)


def test_the_csvs_keep_decimals_and_say_so(study):
    archive = zipfile.ZipFile(io.BytesIO(download_bytes(study, "download_zip")))
    (member,) = [name for name in archive.namelist() if name.endswith("/parameters.json")]
    document = json.loads(archive.read(member))
    assert "decimals (0.01 = 1 %)" in document["units"]
    for column in ("return", "abnormal_return", "car", "caar"):
        assert "0.01 = 1 %" in COLUMN_GLOSSARY[column]


def test_each_csv_downloaded_on_its_own_states_its_units(study):
    """A CSV opened without parameters.json still says what its numbers are."""
    summary = _csv(study, "download_car_summary")
    assert set(summary["units"]) == {RETURN_UNITS}
    assert "0.01 = 1 %" in RETURN_UNITS
    volume = _csv(study, "download_abnormal_volume")
    assert set(volume["units"]) == {VOLUME_UNITS}
    assert "log" in VOLUME_UNITS and "decimals" not in VOLUME_UNITS


def test_the_themes_cell_csv_states_its_units(app):
    goto(app, "pages/themes.py")
    pairs = _csv(app, "download_themes_pairs")
    assert set(pairs["units"]) == {RETURN_UNITS}


def test_the_abnormal_volume_csvs_name_log_volume_not_returns(study):
    daily = _csv(study, "download_abnormal_volume")
    windows = _csv(study, "download_abnormal_volume_windows")
    assert {"log_volume", "abnormal_log_volume", "cumulative_abnormal_log_volume"} <= set(
        daily.columns
    )
    assert "cumulative_abnormal_log_volume" in windows.columns
    return_names = {"return", "expected_return", "abnormal_return", "car", "car_se", "sar"}
    assert not return_names & (set(daily.columns) | set(windows.columns))
    assert set(daily.columns) | set(windows.columns) <= set(COLUMN_GLOSSARY)


def test_every_file_of_the_zip_is_listed_with_its_full_name_and_what_it_holds(study):
    archive = zipfile.ZipFile(io.BytesIO(download_bytes(study, "download_zip")))
    in_zip = sorted(name.split("/", 1)[1] for name in archive.namelist())
    stem = "chinext-first-listings-2020"
    # the single files: every button but the ZIP and the HTML report (both first, side by side)
    labels = [
        button.proto.label.replace("\\", "")
        for button in study.get("download_button")
        if button.key not in ("download_zip", "download_report")
    ]
    listed = sorted(label.removeprefix(f"{stem}_") for label in labels)
    assert listed == in_zip
    for file_name in in_zip:  # the same bytes as in the ZIP, and a line on what it holds
        table = file_name.rsplit(".", 1)[0]
        assert download_bytes(study, f"download_{table}") == archive.read(
            f"policylens_{stem}/{file_name}"
        )
        assert FILE_GLOSSARY[file_name]
        assert any(FILE_GLOSSARY[file_name] in c.value.replace("\\", "") for c in study.caption)


def test_the_zip_records_the_link_as_the_browser_reads_it(study):
    """``parameters.json`` keeps the study's link, URL-encoded (the placebo series
    "CAAR (equal-weighted)" holds spaces and brackets): it reads back as the page's URL."""
    from urllib.parse import parse_qsl

    archive = zipfile.ZipFile(io.BytesIO(download_bytes(study, "download_zip")))
    (member,) = [name for name in archive.namelist() if name.endswith("/parameters.json")]
    url = json.loads(archive.read(member))["parameters"]["url"]
    assert dict(parse_qsl(url.removeprefix("?"))) == dict(study.query_params)
    assert study.query_params["placebo"] == "CAAR (equal-weighted)"


@pytest.fixture
def url_messages(monkeypatch):
    """The query strings Streamlit sends the browser, one per message, as they are sent."""
    from streamlit.runtime.state.query_params import QueryParams

    sent = []
    original = QueryParams._send_query_param_msg

    def send(self):
        sent.append(dict(self._query_params))
        return original(self)

    monkeypatch.setattr(QueryParams, "_send_query_param_msg", send)
    return sent


def test_several_url_values_go_to_the_browser_in_one_message(url_messages):
    """A removal is a message of its own; every value set goes in one; a run that changes
    nothing sends none."""
    from streamlit.testing.v1 import AppTest

    def script():
        from pages import url_state

        url_state.write_all_to_url({"a": "1", "b": ["x", "y"], "c": None, "d": "kept", "e": ()})

    app = AppTest.from_function(script)
    app.query_params["c"] = "gone"
    app.query_params["d"] = "kept"
    app.run()
    assert not app.exception
    assert len(url_messages) == 2
    assert url_messages[-1] == {"a": "1", "b": "x,y", "d": "kept", "e": ""}
    app.run()
    assert len(url_messages) == 2


def test_the_event_study_writes_its_choices_to_the_url_in_few_messages(app, url_messages):
    """Opening the Event study writes about a dozen choices into the URL: the browser gets
    them in a handful of messages (it updates its address for each), not one per choice."""
    from tests.apptest_helpers import goto

    url_messages.clear()
    goto(app, "pages/event_study.py")
    assert not app.exception
    written = url_messages[-1]
    assert {"measures", "instruments", "benchmark", "window", "estimation", "clean"} <= set(written)
    assert len(url_messages) <= 4, url_messages
