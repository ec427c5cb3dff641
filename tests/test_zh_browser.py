"""中文 in a real browser: Streamlit's own texts that AppTest cannot see (a select's placeholder,
a filtered select's "No results", the file uploader's button and size limit) and every visible
text of every page, read from Debian Chromium against ``streamlit run app.py`` with ?lang=zh.

Visible text is read from the DOM: text nodes drawn at a visible size (not inside code, formulas,
charts or the references), CSS-drawn text (``::after``) and the placeholders of empty inputs;
English outside the whitelist of tests/zh_texts.py fails, as in tests/test_zh_everywhere.py.
"""

from __future__ import annotations

import pytest

from pages import registry
from pages.i18n import ZH
from tests.test_browser import HEADINGS, _launch, wait_until_drawn
from tests.zh_texts import unexplained_english

pytestmark = pytest.mark.browser

#: Streamlit's own English that no API or style sheet reaches, each named: the keyboard
#: users' skip link (drawn off-screen until focused).
STREAMLIT_FIXED = ("Skip to main content",)
#: Streamlit's default English for texts the pages must set (or draw) in 中文.
STREAMLIT_DEFAULTS = ("Choose options", "Choose an option", "No results", "Upload")

VISIBLE_TEXTS = """() => {
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const skipped = 'code, pre, .katex, svg, script, style, noscript, .st-key-references';
    while (walker.nextNode()) {
        const element = walker.currentNode.parentElement;
        const text = walker.currentNode.textContent.trim();
        if (!text || !element || element.closest(skipped)) continue;
        if (!element.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
        if (parseFloat(getComputedStyle(element).fontSize) === 0) continue;
        texts.push(text);
    }
    for (const element of document.querySelectorAll('body *')) {
        const after = getComputedStyle(element, '::after').content;
        if (after && after.startsWith('"') && after.length > 2) texts.push(after.slice(1, -1));
    }
    for (const input of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
        if (!input.value) texts.push(input.placeholder);
    }
    return texts;
}"""


def _english(page) -> list[str]:
    texts = page.evaluate(VISIBLE_TEXTS)
    return [
        text
        for text in texts
        if text not in STREAMLIT_FIXED and (text in STREAMLIT_DEFAULTS or unexplained_english(text))
    ]


def test_every_page_and_streamlits_own_texts_read_in_chinese_in_chromium(server):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 2600})
        found, placeholders = {}, set()
        for path in (p.url_path for p in registry.PAGES):
            page.goto(f"{server}/{path}?lang=zh")
            # the page's own heading in 中文: a first deep link is rerouted through app.py
            # (layout.run_through_app), and the run before that lists every module in pages/
            page.get_by_role("heading", name=ZH[HEADINGS[path]], exact=True).wait_for(
                timeout=60_000
            )
            page.locator('[data-testid="stSidebar"]').wait_for(timeout=60_000)
            wait_until_drawn(page)
            assert page.locator('[data-testid="stException"]').count() == 0, path
            if english := _english(page):
                found[path] = english
            placeholders.update(
                page.evaluate(
                    "() => [...document.querySelectorAll('input[placeholder]')]"
                    ".map(input => input.placeholder)"
                )
            )
        assert not found, found
        # every select's and multiselect's placeholder is the page's own, in 中文
        assert {"请选择", "请选择一项"} <= placeholders, placeholders
        assert not placeholders & set(STREAMLIT_DEFAULTS), placeholders

        # a filter that matches nothing: Streamlit's "No results", drawn in 中文
        page.goto(f"{server}/event_study?lang=zh")
        page.locator('[data-testid="stMultiSelect"]').nth(1).wait_for(timeout=60_000)
        wait_until_drawn(page)
        search = page.locator('[data-testid="stMultiSelect"]').nth(1).locator("input")
        search.click()
        search.fill("zzzz-no-such-measure")
        empty = page.locator('[role="listbox"][data-empty="true"] [role="option"] > span')
        expect(empty).to_have_count(1, timeout=30_000)
        drawn = empty.evaluate(
            "e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content]"
        )
        assert drawn == ["0px", '"无匹配选项"'], drawn
        page.keyboard.press("Escape")

        # the file uploader's button and size limit on the Data page
        page.goto(f"{server}/data?lang=zh")
        uploader = page.locator('[data-testid="stFileUploaderDropzone"]').first
        uploader.wait_for(timeout=60_000)
        wait_until_drawn(page)
        button = uploader.locator('button [data-testid="stMarkdownContainer"] p')
        assert button.evaluate("e => getComputedStyle(e, '::after').content") == '"上传"'
        limit = uploader.locator('[data-testid="stFileUploaderDropzoneInstructions"] span')
        assert "每个文件至多" in limit.first.evaluate("e => getComputedStyle(e, '::after').content")
        browser.close()
