"""中文 / English: every text the pages wrap in t() has a Chinese translation, and every page
renders in Chinese without an exception and with Chinese labels."""

from __future__ import annotations

import ast
import re
import string

import pytest

from analysis.glossary import COLUMN_GLOSSARY
from data_sources import catalogue
from data_sources.constituents import SURVIVORSHIP_CAVEAT
from pages import registry
from pages.i18n import ZH
from tests.apptest_helpers import PAGES, goto
from tests.conftest import PROJECT

# Texts passed to t() through a variable rather than a literal.
DYNAMIC_KEYS = [
    SURVIVORSHIP_CAVEAT,
    "live akshare",
    "SYNTHETIC DEMO",
    "imported file",
    "all",
    *catalogue.CONFIDENCE_LEVELS,
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    *COLUMN_GLOSSARY.values(),
    *(page.title for page in registry.PAGES),  # navigation titles (app.py)
]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _wrapped_texts() -> dict[str, str]:
    texts = {}
    for path in [*sorted((PROJECT / "pages").glob("*.py")), PROJECT / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args:
                argument = node.args[0]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    texts[argument.value] = f"{path.name}:{node.lineno}"
    return texts


def test_every_wrapped_text_has_a_chinese_translation_with_the_same_placeholders():
    texts = _wrapped_texts()
    assert len(texts) > 200
    missing = {text: where for text, where in texts.items() if text not in ZH}
    assert not missing, missing
    for text in [*texts, *DYNAMIC_KEYS]:
        assert text in ZH, text
        names = {f[1] for f in string.Formatter().parse(text) if f[1]}
        assert names == {f[1] for f in string.Formatter().parse(ZH[text]) if f[1]}, text


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_chinese(app, page):
    app.query_params["lang"] = "zh"
    goto(app, page)
    assert not app.exception
    assert app.session_state["language"] == "zh"
    titles = [element.value for element in app.title]
    assert titles and all(CJK.search(title) for title in titles), titles
    sidebar_labels = [widget.label for widget in app.sidebar.multiselect]
    assert "政策主题（公报任务）" in sidebar_labels
    main_labels = [
        widget.label
        for kind in ("multiselect", "selectbox", "slider", "radio", "text_input", "toggle")
        for widget in getattr(app.main, kind)
    ]
    english_only = [label for label in main_labels if label and not CJK.search(label)]
    assert not english_only, english_only
    assert app.query_params["lang"] == "zh"


def test_every_multiselect_names_its_placeholder_through_t():
    """Streamlit's own placeholder, "Choose options", stayed English in 中文 (Data page's
    instruments to fetch, the add-measure form): every multiselect in pages/ passes one."""
    missing = []
    for path in sorted((PROJECT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "multiselect"
                and "placeholder" not in {keyword.arg for keyword in node.keywords}
            ):
                missing.append(f"{path.name}:{node.lineno}")
    assert not missing, missing
