"""Regressions of the HTML report and the forest plot (issue 16 review): the new analyses'
tables in the report (CLI and page hook), one CAR panel per measure, CJK row labels that fit,
the Chinese report's descriptions / vintage / notes, the kp_bmp_t interval by default."""

from __future__ import annotations

import html
import json
import re
import unicodedata

import numpy as np
import pandas as pd
import pytest

from analysis.forest import forest_table, forest_with_fallback
from analysis.glossary import FILE_GLOSSARY
from analysis.report import REPORT_ZH, message_translator, study_report, vintage_zh
from analysis.report_figures import LABEL_WIDTH, forest_figure, short_label
from tests.test_crosssection_cli import _argv, files, trait_reader  # noqa: F401
from tests.test_long_horizon_cli import _base, stored  # noqa: F401
from tests.test_report import demo, tables_of  # noqa: F401


def _figures(page: str) -> dict[str, dict]:
    """Each embedded figure's JSON (data and layout), by its div id."""
    out = {}
    for div_id, body in re.findall(
        r'Plotly\.newPlot\(\s*"([\w-]+)",\s*(\[.*?\]),\s*\{"template"', page, re.S
    ):
        out[div_id] = json.loads(body)
    return out


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


# 1. the new analyses' tables ---------------------------------------------------------------
def test_extra_tables_are_listed_with_their_glossary_description(demo):  # noqa: F811
    frame = pd.DataFrame({"term": ["const", "beta"], "coef": [0.01, -0.25]})
    page = study_report(demo["one"], extra_tables={"crosssection": frame})
    rows = tables_of(page)["crosssection"]
    assert [float(r["coef"][1]) for r in rows] == [0.01, -0.25]
    assert html.escape(FILE_GLOSSARY["crosssection.csv"].split(":")[0]) in page
    described = study_report(demo["one"], extra_tables={"bhar": ("my words", frame)})
    assert "my words" in described and "bhar" in tables_of(described)


def test_cli_crosssection_report_holds_the_regression(files, trait_reader, tmp_path, capsys):  # noqa: F811
    from analysis.cli import main

    report = tmp_path / "r.html"
    out = tmp_path / "out"
    argv = _argv(files, out, "--traits", str(trait_reader), "--regressors", "leverage")
    code = main([*argv, "--report", str(report)])
    stdout = capsys.readouterr().out
    assert code == 0
    # written after the regression, with its table equal to the CSV
    assert stdout.index("crosssection.csv") < stdout.index(f"wrote {report}")
    table = pd.read_csv(out / "crosssection.csv", encoding="utf-8-sig")
    shown = tables_of(report.read_text(encoding="utf-8"))["crosssection"]
    assert [float(r["coef"][1]) for r in shown] == list(table["coef"])


def test_cli_bhar_report_holds_the_bhar_tables(stored, tmp_path, capsys):  # noqa: F811
    from analysis.cli import main

    report = tmp_path / "r.html"
    code = main([*_base(tmp_path / "out", "--bootstrap", "0"), "--report", str(report)])
    assert code == 0, capsys.readouterr().err
    tables = tables_of(report.read_text(encoding="utf-8"))
    tests = pd.read_csv(tmp_path / "out" / "bhar_tests.csv", encoding="utf-8-sig")
    assert len(tables["bhar_tests"]) == len(tests) and "bhar" in tables


def test_the_page_hook_keeps_a_sections_table_for_the_report(demo):  # noqa: F811
    from pages import report_view

    frame = pd.DataFrame({"term": ["beta"], "coef": [0.5]})
    report_view.remember(demo["one"], "crosssection", frame)
    assert report_view.report_tables(demo["one"])["crosssection"][1] is frame


# 2. one panel per measure, a translated title ----------------------------------------------
def test_several_measures_get_one_car_panel_each_without_bands(demo):  # noqa: F811
    outcome = demo["several"]
    page = study_report(outcome, language="zh")
    figure = _figures(page)["chart-event-window"]
    assert not any(trace.get("fill") == "toself" for trace in figure)  # no bands
    assert not any(trace.get("type") == "bar" for trace in figure)
    axes = {trace.get("xaxis", "x") for trace in figure}
    assert len(axes) == outcome.abnormal_returns["event_id"].nunique()
    assert f"{len(outcome.events)} 个事件" in page and f"{len(outcome.events)} events" not in page


# 3. CJK row labels -------------------------------------------------------------------------
def test_forest_labels_fit_their_room_in_chinese_and_hover_shows_them_whole():
    long_zh = "关于进一步全面深化资本市场改革并发布多项配套制度规则的通知系列"
    assert _width(short_label(long_zh)) <= LABEL_WIDTH
    assert short_label("short title") == "short title"
    table = pd.DataFrame(
        {
            "level": ["measure"],
            "title": [long_zh],
            "segment": [""],
            "theme": ["T1"],
            "car": [0.01],
            "ci_low": [-0.01],
            "ci_high": [0.03],
            "t_stat": [1.0],
            "n": [5],
            "event_session": [pd.Timestamp("2024-09-24")],
            "expected_sign": ["+"],
            "test": ["kp_bmp_t"],
            "window_start": [-1],
            "window_end": [1],
        }
    )
    figure = forest_figure(table)
    (label,) = figure.data[1].y
    assert _width(label) <= LABEL_WIDTH and label.endswith("…")
    assert figure.data[1].customdata[0][-1] == long_zh  # the hover has it whole
    assert figure.layout.yaxis.automargin is True


# 4. the Chinese report -----------------------------------------------------------------------
def test_chinese_report_translates_descriptions_vintage_and_notes(demo):  # noqa: F811
    from data_sources.messages import Message
    from pages.i18n import ZH

    outcome = demo["several"]
    page = study_report(outcome, language="zh", translate=message_translator(ZH))
    assert ZH[FILE_GLOSSARY["car_summary.csv"]] in page
    assert FILE_GLOSSARY["car_summary.csv"] not in page
    assert " to 20" not in page.split('id="data"')[1].split('id="method"')[0]
    assert vintage_zh("X: y fetched 2026-01-01, 2020-01-02 to 2020-02-03").endswith(
        "2020-01-02 至 2020-02-03"
    )
    messages = [n.text for n in outcome.notes if isinstance(n.text, Message)]
    assert messages
    for text in messages:
        if text.template in ZH:
            assert message_translator(ZH)(text) != str(text)


# 5. the interval from kp_bmp_t ---------------------------------------------------------------
def test_the_report_forest_uses_kp_bmp_t_and_says_so(demo):  # noqa: F811
    page = study_report(demo["several"])
    shown = tables_of(page)["forest"]
    tests = {r["test"][0] for r in shown}
    assert "kp_bmp_t" in tests and "cross_sectional_t" not in tests
    layout_title = re.search(r'"title":\{"text":"CAR \(%\) · 95% interval: ([^"]+)"', page)
    assert layout_title and "kp_bmp_t" in layout_title.group(1)
    assert REPORT_ZH["95% interval: {tests}"].startswith("95%")


def test_a_row_without_kp_bmp_t_falls_back_to_the_cross_sectional_t(demo, monkeypatch):  # noqa: F811
    import analysis.forest as forest

    real = forest.forest_table

    def without_kp(outcome, window=None, test="kp_bmp_t", *args):
        table = real(outcome, window, test, *args)
        if test == "kp_bmp_t":
            table.loc[table["test"] == "kp_bmp_t", ["ci_low", "ci_high"]] = np.nan
        return table

    monkeypatch.setattr(forest, "forest_table", without_kp)
    table, fell_back = forest_with_fallback(demo["several"])
    assert fell_back
    assert "kp_bmp_t" not in set(table["test"]) and table["ci_low"].notna().all()
    expected = forest_table(demo["several"], None, "cross_sectional_t")
    assert list(table["ci_high"]) == pytest.approx(list(expected["ci_high"]))
