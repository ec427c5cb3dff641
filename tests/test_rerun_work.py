"""Reruns that change nothing a result is made of build nothing again (issue 15 point 1).

Counts calls of the expensive builders across reruns in AppTest: the study itself, its CSV
files, its figures, the Overview's price chart and the Policies table's per-row flags. Speed
itself is measured in a real browser by ``python -m tests.bench_browser``, never here.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter

import pytest

import analysis.api
import pages.charts
import pages.loaders
import pages.sources
from tests.apptest_helpers import download_bytes, goto


@pytest.fixture
def calls(monkeypatch):
    """Wrap named callables so that each call is counted; returns the counter."""
    counted: Counter = Counter()

    def count(owner, name: str, label: str | None = None) -> None:
        original = getattr(owner, name)

        def counting(*args, **kwargs):
            counted[label or name] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counting)

    counted.count = count
    return counted


def test_event_study_reruns_that_keep_the_study_do_no_study_work(app, calls):
    """A theme filter that keeps the measure, another CAR window, a download, a visit to
    another page and back: the study is neither run nor serialised again, and its charts
    are not rebuilt (a language switch rebuilds them once, for the new labels, and the ZIP
    from the CSVs already made). Drawing the page serialises no table: the files are made
    when a download is asked for."""
    calls.count(pages.loaders, "run_study")
    calls.count(analysis.api.StudyOutcome, "all_csv_bytes")
    calls.count(analysis.api.StudyOutcome, "sign_table")
    calls.count(pages.charts, "event_window_chart")
    calls.count(pages.charts, "response_by_day_figure")
    goto(app, "pages/event_study.py")
    # the files are made when a download is asked for, not to draw the page
    assert calls["run_study"] == 1 and calls["all_csv_bytes"] == 0
    archive = download_bytes(app, "download_zip")
    assert download_bytes(app, "download_car_summary").startswith(b"\xef\xbb\xbf")
    assert calls["all_csv_bytes"] == 1
    built = dict(calls)

    # another CAR window: its rows and expected signs are picked once
    app.selectbox(key="study_car_window").set_value((-1, 1)).run()
    assert calls["sign_table"] == built["sign_table"] + 1
    built = dict(calls)
    # the default measure (ChiNext first listings) is a T5 measure: the study stays
    app.sidebar.multiselect(key="theme_filter").set_value(["T5"]).run()
    app.sidebar.multiselect(key="theme_filter").set_value([]).run()
    goto(app, "pages/overview.py")
    goto(app, "pages/event_study.py")
    assert not app.exception
    assert download_bytes(app, "download_zip") == archive
    assert dict(calls) == built

    # a language switch changes the link the ZIP records and the charts' labels: the ZIP is
    # made again from the CSVs already serialised, the charts once for the new language.
    # (Switched on another page: AppTest cannot rerun a page whose selectboxes' labels changed.)
    goto(app, "pages/method.py")
    app.sidebar.button_group(key="language").set_value("zh").run()
    goto(app, "pages/event_study.py")
    zipped = zipfile.ZipFile(io.BytesIO(download_bytes(app, "download_zip")))
    parameters = json.loads(zipped.read("policylens_chinext-first-listings-2020/parameters.json"))
    assert "lang=zh" in parameters["parameters"]["url"]
    assert calls["run_study"] == 1 and calls["all_csv_bytes"] == 1
    assert calls["event_window_chart"] == built["event_window_chart"] + 1


def test_the_overview_chart_is_built_once_per_choice(app, calls):
    """Reruns that keep the instruments, dates, measures and language (another page, a
    click on the chart) reuse the figure; a new theme filter builds it again."""
    calls.count(pages.charts, "normalised_price_figure")
    calls.count(pages.loaders.Store, "read", "store_read")
    # the app's first run drew the Overview: a new theme filter is a new chart
    app.sidebar.multiselect(key="theme_filter").set_value(["T4"]).run()
    assert not app.exception
    first = dict(calls)
    assert first == {"normalised_price_figure": 1}  # the prices are not read again
    app.run()
    goto(app, "pages/policies.py")
    goto(app, "pages/overview.py")
    assert not app.exception
    assert dict(calls) == first


def test_the_policies_table_is_built_once_per_catalogue(app, calls):
    """The per-row flags and citations of the measures table are made once per catalogue
    (and language), not on every rerun: the filters only pick rows of it."""
    calls.count(pages.sources, "flags")
    goto(app, "pages/policies.py")
    built = calls["flags"]
    assert built > 0
    app.sidebar.multiselect(key="theme_filter").set_value(["T5"]).run()
    app.text_input(key="policies_search").set_value("ChiNext").run()
    app.run()
    assert not app.exception
    assert calls["flags"] == built
    assert 0 < len(app.dataframe[0].value) < 20
    app.sidebar.button_group(key="language").set_value("zh").run()
    assert not app.exception
    assert calls["flags"] == 2 * built  # the flags' words, in 中文: once more


def test_policies_rows_follow_the_filters_in_catalogue_order(app):
    """The cached table shows exactly the filtered measures, in the catalogue's order."""
    from data_sources.catalogue import load_catalogue

    goto(app, "pages/policies.py")
    app.sidebar.multiselect(key="theme_filter").set_value(["T2", "T6"]).run()
    shown = app.dataframe[0].value
    catalogue = load_catalogue()
    expected = catalogue[catalogue["theme"].isin(["T2", "T6"])]["id"]
    assert list(shown["id"]) == [i for i in catalogue["id"] if i in set(shown["id"])]
    assert set(expected) <= set(shown["id"])


def test_downloads_do_not_rerun_the_page(app):
    """A click on a download changes nothing on the page, so it starts no rerun (a rerun of
    the Event study redraws every chart and table)."""
    goto(app, "pages/event_study.py")
    study = [b for b in app.get("download_button") if b.proto.id]
    assert len(study) > 5
    assert all(button.proto.ignore_rerun for button in study), [
        button.key for button in study if not button.proto.ignore_rerun
    ]
    goto(app, "pages/policies.py")
    exports = [app.get_by_key(key) for key in ("export_csv", "export_yaml", "download_measures")]
    assert all(button.proto.ignore_rerun for button in exports)
