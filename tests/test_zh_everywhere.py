"""中文 everywhere a person reads: every page rendered in 中文 on the demo store, in the states
that show the most text (a study with overlapping measures, an uncertain t0 and a measure before
its segment's data; the overlap rules 'drop' and 'merge'; a Themes cell; a measure's details),
and every text a person reads collected (tests/zh_texts.py): no English phrase may be left
outside the whitelist (codes, ids, CSV column and file names, proper names).

English that stays English on purpose, each named here:
* catalogue text that exists only in English (expected-sign reasons, notes, timing evidence),
  shown after the translated lead-in "（英文原文）" (the lead-in is required: the text is
  allowed only right after it);
* the Method page's references, and the titles of catalogue sources published only in English
  (a citation names a document by its own title: SAFE's English page, a US public law).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil

import pytest

import pages
from pages import i18n, registry
from pages.i18n import ZH
from tests.apptest_helpers import PAGES, goto, make_app
from tests.conftest import PROJECT
from tests.zh_texts import CJK, LEAD_IN, english_sentences, leaks, page_texts

PAGE_SCRIPTS = {page.file for page in registry.PAGES}


def test_the_lead_in_is_the_pages_own():
    assert ZH["(in English) "] == LEAD_IN


@pytest.fixture
def zh_app(data_dir, monkeypatch):
    """AppTest of app.py in 中文 on the demo store.

    AppTest formats a select's current value with the page's format_func *outside* the script
    run, where the session language is unknown; so the language is 中文 for the whole test, in
    i18n and in every helper module that imported ``language`` (page scripts are not imported).
    """
    for module in pkgutil.iter_modules(pages.__path__):
        if f"pages/{module.name}.py" in PAGE_SCRIPTS:
            continue
        helper = importlib.import_module(f"pages.{module.name}")
        function = getattr(helper, "language", None)
        # by name, not identity: another test may have imported a module under a patch
        if getattr(function, "__module__", None) == "pages.i18n":
            monkeypatch.setattr(helper, "language", lambda: "zh")
    monkeypatch.setattr(i18n, "language", lambda: "zh")
    at = make_app(monkeypatch, record_downloads=False)
    at.query_params["lang"] = "zh"
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_page_reads_in_chinese(zh_app, page):
    goto(zh_app, page)
    texts = [text for _, text in page_texts(zh_app)]
    assert len(texts) > 5 and any(CJK.search(text) for text in texts)
    assert not leaks(zh_app)


def test_a_study_with_overlaps_an_uncertain_t0_and_a_data_start_reads_in_chinese(zh_app):
    goto(zh_app, "pages/event_study.py")
    zh_app.multiselect(key="study_measures").set_value(
        ["sept-2024-package", "trading-fee-cut-2023", "star-board-opens-2019"]
    ).run()
    assert not zh_app.exception
    warnings = " ".join(w.value for w in zh_app.warning)
    assert "事件窗口 [-5, 5] 重叠" in warnings.replace("\\", "")  # the overlap warning, in 中文
    infos = " ".join(i.value for i in zh_app.info).replace("\\", "")
    assert "早于板块 STAR 的数据" in infos  # the data-start note
    assert "的估计窗口包含" in infos  # the estimation-window note
    assert "未做安慰剂检验" in infos  # the placebo note
    captions = [c.value.replace("\\", "") for c in zh_app.caption]
    method = next(c for c in captions if "估计窗口 [-250, -11]" in c)
    assert "市场模型（OLS）" in method and "market model" not in method
    results = zh_app.dataframe[0].value
    assert set(results["model"]) <= {"市场模型", "常数均值", "市场调整"}
    assert not leaks(zh_app)
    for rule in ("drop", "merge"):
        zh_app.radio(key="study_overlap").set_value(rule).run()
        assert not zh_app.exception
        assert not leaks(zh_app), rule


def test_a_study_that_cannot_run_says_why_in_chinese(zh_app):
    goto(zh_app, "pages/event_study.py")
    zh_app.multiselect(key="study_measures").set_value(["star-board-opens-2019"]).run()
    zh_app.radio(key="study_overlap").set_value("drop").run()
    errors = " ".join(e.value for e in zh_app.error).replace("\\", "")
    assert "有效估计收益" in errors  # the skip reason, from its template
    assert not leaks(zh_app)


def test_a_themes_cell_and_a_measure_read_in_chinese(zh_app):
    goto(zh_app, "pages/themes.py")
    zh_app.selectbox(key="themes_cell").set_value("T2|CHN").run()
    assert not zh_app.exception
    captions = " ".join(c.value for c in zh_app.caption)
    assert LEAD_IN in captions  # the expected-sign reasons say they are the English original
    assert not leaks(zh_app)
    goto(zh_app, "pages/policies.py")
    detail = [m.value for m in zh_app.markdown if m.value.startswith("####")]
    assert detail and CJK.search(detail[0])
    assert not leaks(zh_app)


def test_the_detector_finds_english_phrases_and_passes_codes():
    assert english_sentences("placebo left out: no instrument could be estimated")
    assert english_sentences("公报任务 1 — Six stabilities, six guarantees")
    assert english_sentences("市场模型（OLS）; simple returns; estimation window")
    for code in (
        "000300.SH 沪深300",
        "CSI 300 · CAR [0, +1] · BMP · t0 · kp_bmp_t",
        "`abnormal_volume_tests.csv` 与 car_summary.csv",
        "chinext-first-listings-2020（t0 2020-08-24）",
        "STAR, BRK, ALL",
        "合成演示数据 SYNTHETIC DEMO",
        "constant-mean",
    ):
        assert not english_sentences(code), code


def test_every_select_names_its_placeholder_through_t():
    """Without one, a selectbox carries Streamlit's English "Choose an option" (shown when
    nothing is chosen, and read by screen readers); multiselects: tests/test_i18n.py."""
    missing = []
    for path in sorted((PROJECT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("selectbox", "multiselect")
            ):
                placeholder = {k.arg: k.value for k in node.keywords}.get("placeholder")
                if not (
                    isinstance(placeholder, ast.Call) and getattr(placeholder.func, "id", "") == "t"
                ):
                    missing.append(f"{path.name}:{node.lineno}")
    assert not missing, missing
