"""The HTML report opened in headless Chromium (Debian /usr/bin/chromium): every plotly chart
renders with no network at all, and the numbers the page shows equal the CSV files'."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.api import StoreSource, StudyRequest, run_study
from analysis.report_figures import short_label
from data_sources.bootstrap import seed_demo_if_empty
from data_sources.store import Store
from tests.conftest import CHROMIUM
from tests.test_browser import _launch

pytestmark = pytest.mark.browser
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)></style>"


@pytest.fixture
def report_files(data_dir, tmp_path):
    store = Store(data_dir / "store")
    seed_demo_if_empty(store)
    source = StoreSource(store)
    several = run_study(
        StudyRequest(
            measures=("sept-2024-package", "chinext-first-listings-2020"), pairing="segments"
        ),
        source,
    )
    one = run_study(
        StudyRequest(measures=("chinext-first-listings-2020",), placebo_draws=100), source
    )
    from analysis.report import study_report
    from data_sources.catalogue import load_catalogue

    # a hostile title and citation: shown as text in the page and in the charts' titles
    catalogue = load_catalogue().copy()
    row = catalogue.index[catalogue["id"] == "chinext-first-listings-2020"][0]
    catalogue.at[row, "title_zh"] = HOSTILE
    catalogue.at[row, "citation"] = HOSTILE
    out = {}
    for name, outcome in (("several", several), ("one", one)):
        path = tmp_path / f"{name}.html"
        path.write_text(study_report(outcome, language="zh", catalogue=catalogue), encoding="utf-8")
        outcome.write(tmp_path / name)
        out[name] = (path, tmp_path / name)
    return out


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig")


def _labels_inside(page) -> None:
    chart = page.locator("#chart-forest")
    chart.locator("svg.main-svg").first.wait_for(timeout=30_000)
    left = chart.bounding_box()["x"]
    labels = chart.locator(".ytick text").evaluate_all(
        "nodes => nodes.map(node => [node.textContent, node.getBoundingClientRect().left])"
    )
    assert labels and all(x >= left - 1 and len(text) > 1 for text, x in labels), (left, labels)


def test_every_chart_renders_offline_and_the_numbers_equal_the_csvs(report_files):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import sync_playwright

    requested = []

    def only_the_file(route):
        requested.append(route.request.url)
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            page.route("**/*", only_the_file)
            errors, dialogs = [], []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            for name, (path, csv_dir) in report_files.items():
                page.goto(path.as_uri())
                charts = page.locator("div[id^='chart-']")
                expected = int(page.locator("body").get_attribute("data-figures"))
                assert expected >= (2 if name == "several" else 2), name  # window + forest/placebo
                assert charts.count() == expected
                for i in range(expected):
                    # plotly draws each chart into svg.main-svg: waits until it has
                    charts.nth(i).locator("svg.main-svg").first.wait_for(timeout=30_000)
                    assert charts.nth(i).locator("g.trace, g.barlayer .point").count() > 0
                # the numbers shown equal the CSV's (6 significant digits; the full value in
                # data-value equals the CSV's to the last digit)
                car = _read_csv(csv_dir / "car_summary.csv")
                cells = page.locator("table[data-table='car_summary'] td[data-column='car']")
                assert cells.count() == len(car)
                for i in (0, len(car) - 1):
                    assert cells.nth(i).inner_text() == f"{car['car'].iloc[i]:.6g}"
                    assert float(cells.nth(i).get_attribute("data-value")) == car["car"].iloc[i]
                ar = _read_csv(csv_dir / "abnormal_returns.csv")
                shown = page.locator(
                    "table[data-table='abnormal_returns'] td[data-column='abnormal_return']"
                )
                assert shown.nth(3).inner_text() == f"{ar['abnormal_return'].iloc[3]:.6g}"
                assert page.locator("#synthetic").is_visible()
                # the hostile title is text: in the measures, and in a chart's title
                assert page.get_by_text(HOSTILE).first.is_visible()
                # (a chart's title: one measure; a forest row's label: several)
                chart_texts = page.locator(
                    "div[id^='chart-'] .gtitle, div[id^='chart-'] .ytick text"
                ).evaluate_all("nodes => nodes.map(node => node.textContent)")
                # (a long label is cut to its room with "…": its start is there, as text)
                shown_hostile = short_label(HOSTILE).rstrip("…")
                assert any(shown_hostile in text for text in chart_texts), chart_texts
                assert page.locator("img").count() == 0
                if name == "several":  # 中文 forest labels: inside the chart (cut with "…"),
                    # never clipped at its edge to their last character; at 1300 and 1920 px
                    _labels_inside(page)
                    wide = browser.new_page(viewport={"width": 1920, "height": 1000})
                    wide.route("**/*", only_the_file)
                    wide.goto(path.as_uri())
                    _labels_inside(wide)
                    wide.close()
            assert not errors, errors
            assert not dialogs, dialogs
            assert all(url.startswith("file://") for url in requested), requested
        finally:
            browser.close()
