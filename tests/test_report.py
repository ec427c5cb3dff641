"""The HTML report (issue 16 point 5): one self-contained file, bilingual, every table's
numbers equal to the CSVs', hostile text shown as text, sources linked only for tiers A-C,
SYNTHETIC marked, nothing loaded from the network; and the CLI's ``--report``."""

from __future__ import annotations

import hashlib
import io
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from analysis.api import BarsSource, StoreSource, StudyRequest, run_study
from analysis.report import REPORT_ZH, study_report
from data_sources import catalogue as cat
from data_sources.bootstrap import seed_demo_if_empty
from data_sources.data_mode import DataMode
from data_sources.store import Store

SEPT = "sept-2024-package"
CHINEXT = "chinext-first-listings-2020"
HOSTILE = "<script>alert('x')</script> </style> \"quoted\" & 'single'"
MADE_UP_SPAM_HOST = "spam-reposts.example"


class _Tables(HTMLParser):
    """Every ``table.data`` of a page: by ``data-table``, its rows as
    ``{column: (shown text, data-value or None)}``."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[dict]] = {}
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self._table = self.tables.setdefault(attrs["data-table"], [])
        elif tag == "tr" and self._table is not None:
            self._row = {}
        elif tag == "td" and self._row is not None:
            self._cell = [attrs["data-column"], "", attrs.get("data-value")]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row[self._cell[0]] = (self._cell[1], self._cell[2])
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row:
                self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None


def tables_of(page: str) -> dict[str, list[dict]]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        directory = tmp_path_factory.mktemp("report") / "data"
        patch.setenv("POLICYLENS_DATA_DIR", str(directory))
        store = Store(directory / "store")
        seed_demo_if_empty(store)
        source = StoreSource(store)
        several = run_study(
            StudyRequest(measures=(SEPT, CHINEXT), pairing="segments", responses=True), source
        )
        one = run_study(StudyRequest(measures=(CHINEXT,), placebo_draws=50), source)
        yield {"several": several, "one": one, "store": store}


def test_every_tables_numbers_equal_the_csvs(demo):
    outcome = demo["several"]
    page = study_report(outcome)
    tables = tables_of(page)
    csvs = outcome.all_csv_bytes()
    assert set(tables) >= set(csvs)  # every CSV is in the report (placebo draws: none here)
    for name, content in csvs.items():
        csv = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig")
        rows = tables[name]
        assert len(rows) == len(csv), name
        for column in csv.columns:
            if column in ("method", "data_mode", "data_vintage", "units"):
                continue  # metadata columns: the report says them once, in its Data section
            values = csv[column]
            if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
                continue
            for i in range(len(csv)):
                text, full = rows[i][column]
                if pd.isna(values.iloc[i]):
                    assert full in ("", None) and text in ("", "–"), (name, column, i)
                    continue
                assert float(full) == values.iloc[i], (name, column, i)
                assert float(text) == pytest.approx(values.iloc[i], rel=5e-6, abs=1e-300)


def test_the_forest_rows_in_the_report_are_the_forest_tables(demo):
    from analysis.forest import forest_table

    outcome = demo["several"]
    page = study_report(outcome)
    shown = tables_of(page)["forest"]
    table = forest_table(outcome)
    assert sorted(float(r["car"][1]) for r in shown) == sorted(table["car"])
    assert sorted(float(r["ci_high"][1]) for r in shown) == sorted(table["ci_high"])


def test_english_and_chinese(demo):
    outcome = demo["one"]
    english = study_report(outcome, language="en")
    chinese = study_report(outcome, language="zh")
    assert '<html lang="en">' in english and '<html lang="zh-CN">' in chinese
    assert "<h1>PolicyLens event study report</h1>" in english
    assert f"<h1>{REPORT_ZH['PolicyLens event study report']}</h1>" in chinese
    assert "事件研究报告" not in english
    row = cat.load_catalogue().set_index("id").loc[CHINEXT]
    assert row["title_zh"] in chinese and row["title_en"] in english
    assert "Survivorship of constituent lists" in english
    assert REPORT_ZH["Survivorship of constituent lists"] in chinese
    # every heading of the Chinese report is Chinese (the section names are the report's own)
    headings = re.findall(r"<h2 id=\"\w+\">([^<]+)</h2>", chinese)
    assert headings and all(re.search(r"[\u4e00-\u9fff]", h) for h in headings)
    # a translation given by the caller (the dashboard's tr) is used for the engine's notes
    translated = study_report(outcome, language="zh", translate=lambda text: f"译：{text}")
    assert "译：" in translated
    with pytest.raises(ValueError, match="language must be"):
        study_report(outcome, language="fr")


def test_the_report_texts_match_the_dashboards_chinese():
    """One wording: where the dashboard already translates a text, the report says the same."""
    from pages.i18n import ZH

    shared = {text for text in REPORT_ZH if text in ZH}
    assert shared  # e.g. "Placebo test", "Source"
    assert {text: ZH[text] for text in shared} == {text: REPORT_ZH[text] for text in shared}


def test_synthetic_is_marked_and_real_data_is_not(demo, tmp_path):
    page = study_report(demo["one"])
    assert 'id="synthetic"' in page and "SYNTHETIC DEMO DATA" in page
    assert page.index('id="synthetic"') < page.index('id="measures"')  # at the top
    real = _bars_outcome(symbol="REAL.X", vintage="file.csv sha256 abc")
    page = study_report(real)
    assert 'id="synthetic"' not in page
    assert "SYNTHETIC" not in page


def _bars_outcome(symbol: str, vintage: str, title_event: str = "2020-08-24"):
    rng = np.random.default_rng(7)
    dates = pd.bdate_range("2019-01-02", "2020-12-31")
    market = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(dates))))
    stock = 50 * np.exp(np.cumsum(rng.normal(0, 0.012, len(dates))))
    bars = pd.concat(
        [
            pd.DataFrame({"symbol": "MKT.X", "date": dates, "close": market}),
            pd.DataFrame({"symbol": symbol, "date": dates, "close": stock}),
        ],
        ignore_index=True,
    )
    mode = DataMode("imported files", False, {"file": 2}, ("file",))
    request = StudyRequest(
        dates=(title_event,), instruments=(symbol,), benchmark="MKT.X", calendar="data"
    )
    return run_study(request, BarsSource(bars, mode, vintage))


def test_hostile_text_is_shown_as_text(demo, monkeypatch):
    """Titles, citations, addresses, series names and the vintage: nothing a user wrote can
    open a tag, close the style or script, or break out of an attribute."""
    monkeypatch.setattr(
        cat,
        "tier_e_digests",
        lambda: frozenset({hashlib.sha256(MADE_UP_SPAM_HOST.encode()).hexdigest()}),
    )
    catalogue = cat.load_catalogue().copy()
    index = catalogue.index[catalogue["id"] == CHINEXT][0]
    catalogue.at[index, "title_en"] = HOSTILE
    catalogue.at[index, "citation_en"] = HOSTILE
    catalogue.at[index, "source_url"] = 'https://www.csrc.gov.cn/a"onmouseover="alert(1)'
    catalogue.at[index, "evidence_url"] = f"https://{MADE_UP_SPAM_HOST}/post"
    page = study_report(demo["one"], catalogue=catalogue, parameters={"url": HOSTILE})
    assert "<script>alert" not in page and "alert('x')</script>" not in page
    escaped = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &lt;/style&gt; &quot;quoted&quot;"
    assert escaped in page
    assert page.count("</style>") == 1 and page.count("<style>") == 1
    assert 'href="https://www.csrc.gov.cn/a&quot;onmouseover=&quot;alert(1)"' in page
    assert MADE_UP_SPAM_HOST not in page  # tier E is never shown
    # a hostile series name and data vintage (a file's name)
    outcome = _bars_outcome(symbol="<img src=x onerror=alert(2)>", vintage=HOSTILE)
    page = study_report(outcome)
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert page.count("</style>") == 1


def test_sources_are_linked_only_for_tiers_a_to_c(demo):
    catalogue = cat.load_catalogue().copy()
    index = catalogue.index[catalogue["id"] == CHINEXT][0]
    catalogue.at[index, "source_url"] = "https://www.csrc.gov.cn/csrc/c100028/notice.shtml"
    catalogue.at[index, "evidence_url"] = "https://www.laitimes.com/article/repost.html"
    page = study_report(demo["one"], catalogue=catalogue)
    assert '<a href="https://www.csrc.gov.cn/csrc/c100028/notice.shtml"' in page
    assert "https://www.laitimes.com/article/repost.html" in page
    assert 'href="https://www.laitimes.com' not in page
    assert "Repost (not linked)" in page
    citation = catalogue.at[index, "citation_en"]
    assert f"Source: {citation}".replace("'", "&#x27;") in page or citation in page


def test_the_file_needs_no_network_and_inlines_plotly_once(demo):
    from plotly.offline import get_plotlyjs

    page = study_report(demo["one"])
    bundle = get_plotlyjs()
    assert page.count(bundle[:200]) == 1  # plotly.js, once
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link\b", page, re.IGNORECASE)
    assert not re.search(r"<img\b", page, re.IGNORECASE)
    assert not re.search(r"\bsrc\s*=\s*[\"']?https?:", page, re.IGNORECASE)
    assert not re.search(r"@import|url\(\s*[\"']?https?:", page.split("<body", 1)[0])
    # one chart per figure: the event window and the placebo
    figures = int(re.search(r'data-figures="(\d+)"', page).group(1))
    assert figures == 2 == len(re.findall(r'<div id="chart-', page))


def test_the_cli_writes_the_report_next_to_the_csvs(demo, tmp_path, monkeypatch, capsys):
    from analysis.cli import main

    monkeypatch.setenv("POLICYLENS_DATA_DIR", str(demo["store"].root.parent))
    report = tmp_path / "report.html"
    code = main(
        [
            "study",
            "--measure",
            CHINEXT,
            "--instrument",
            "399006.SZ",
            "--out",
            str(tmp_path / "out"),
            "--report",
            str(report),
            "--report-language",
            "zh",
        ]
    )
    assert code == 0, capsys.readouterr().err
    page = report.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    car = pd.read_csv(tmp_path / "out" / "car_summary.csv", encoding="utf-8-sig")
    shown = [float(r["car"][1]) for r in tables_of(page)["car_summary"]]
    assert shown == list(car["car"])
    assert f"wrote {report}" in capsys.readouterr().out


def test_the_event_studys_report_download_is_the_study_on_the_page(app):
    """The "Report (HTML)" button gives the report of the very study shown, in 中文 (the
    page's language), with the page's link among its parameters; made only on click."""
    from tests.apptest_helpers import download_bytes, goto

    app.query_params.update(
        {"measures": CHINEXT, "instruments": "399006.SZ,000688.SH", "lang": "zh"}
    )
    goto(app, "pages/event_study.py")
    page = download_bytes(app, "download_report").decode("utf-8")
    assert '<html lang="zh-CN">' in page
    assert 'id="synthetic"' in page
    car = pd.read_csv(io.BytesIO(download_bytes(app, "download_car_summary")), encoding="utf-8-sig")
    shown = [float(r["car"][1]) for r in tables_of(page)["car_summary"]]
    assert shown == list(car["car"])
    assert "measures=chinext-first-listings-2020" in page  # the link, in the parameters


def test_a_long_table_is_cut_and_says_where_the_rest_is(demo):
    outcome = demo["one"]
    rows = len(outcome.abnormal_returns)
    page = study_report(outcome, max_rows=5)
    tables = tables_of(page)
    assert len(tables["abnormal_returns"]) == 5
    assert f"Showing the first 5 of {rows} rows; abnormal_returns.csv has them all." in page
    assert len(tables["placebo_summary"]) == len(outcome.placebo.summary) <= 5  # short: whole
    assert len(tables_of(study_report(outcome, max_rows=None))["abnormal_returns"]) == rows


def test_a_study_of_dates_alone_has_a_forest_with_its_dates_and_no_catalogue_entries():
    outcome = _bars_outcome_dates(("2020-08-24", "2020-10-12"))
    page = study_report(outcome)
    assert page.count("Event date given by the user (no catalogue entry)") == 2
    forest = tables_of(page)["forest"]
    assert [row["title"][0] for row in forest] == list(
        dict.fromkeys(outcome.car_summary["event_id"])
    )
    assert "no theme" in page  # the forest's legend entry for rows without a theme


def _bars_outcome_dates(dates):
    rng = np.random.default_rng(11)
    days = pd.bdate_range("2019-01-02", "2020-12-31")
    bars = pd.concat(
        [
            pd.DataFrame(
                {
                    "symbol": s,
                    "date": days,
                    "close": 100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(days)))),
                }
            )
            for s in ("MKT.X", "A.X", "B.X")
        ],
        ignore_index=True,
    )
    request = StudyRequest(
        dates=dates, instruments=("A.X", "B.X"), benchmark="MKT.X", calendar="data"
    )
    return run_study(request, BarsSource(bars))
