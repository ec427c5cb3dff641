"""End to end: ``streamlit run app.py`` on a free local port, driven by Debian Chromium.

Opens every page, checks that no Streamlit exception box appears and that the synthetic-data
banner is visible, and saves a full-page screenshot of each page to ``artifacts/screenshots``.
Skipped when /usr/bin/chromium or the playwright package is missing (``.ci/run`` installs both).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests import streamlit_server
from tests.conftest import PROJECT

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = PROJECT / "artifacts" / "screenshots"
PAGES = {
    "overview": "Overview",
    "policies": "Policy measures",
    "event_study": "Event study",
    "themes": "Themes × segments",
    "data": "Data",
    "method": "Method",
}

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    pytest.importorskip("playwright.sync_api")
    with open(tmp_path / "streamlit.log", "w") as log:
        try:
            with streamlit_server.running(tmp_path / "data", log) as url:
                yield url
        except RuntimeError as error:
            pytest.fail(f"{error}: {(tmp_path / 'streamlit.log').read_text()}")


def _cjk_font_installed() -> bool:
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(listed.strip())


def test_every_page_renders_without_exception_in_chromium(server):
    from playwright.sync_api import sync_playwright

    # Chinese titles render as glyphs only with a CJK font (Debian fonts-noto-cjk, which
    # .ci/run installs); without one the screenshots would show empty boxes.
    assert _cjk_font_installed(), "no CJK font: apt-get install fonts-noto-cjk"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        # Streamlit scrolls inside its own container, so a tall viewport shows whole pages.
        page = browser.new_page(viewport={"width": 1400, "height": 2600})
        for path, title in PAGES.items():
            page.goto(f"{server}/{path}")
            page.get_by_role("heading", name=title, exact=True).wait_for(timeout=60_000)
            # wait until the script run has finished (the status widget goes away)
            page.wait_for_function(
                "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
            )
            page.wait_for_timeout(1500)  # let charts finish drawing for the screenshot
            page.screenshot(path=str(SCREENSHOTS / f"{path}.png"), full_page=True)
            assert page.locator('[data-testid="stException"]').count() == 0, path
            assert page.get_by_text("SYNTHETIC DEMO DATA", exact=False).first.is_visible(), path
            assert page.get_by_text("Policy themes (communiqué tasks)").is_visible(), path
            if path == "policies":  # Chinese titles are on the page, drawn with the CJK font
                heading = page.locator("h5", has_text="沪深300股指期权及ETF期权上市交易")
                assert heading.is_visible()
        browser.close()
    assert set(PAGES) <= {p.stem for p in SCREENSHOTS.glob("*.png")}


def test_language_switch_keeps_every_choice(server):
    """Switching to 中文 and back relabels every widget and keeps what was chosen (the browser
    identifies options by label, so this is checked in a real browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 2000})
        page.goto(f"{server}/event_study?model=constant-mean&window=-3,3")
        page.get_by_role("heading", name="Event study", exact=True).wait_for(timeout=60_000)
        checked = page.locator('[data-testid="stRadio"] input[type="radio"]:checked')
        page.wait_for_timeout(1500)
        assert checked.count() == 2  # model and overlap handling
        page.get_by_text("中文", exact=True).first.click()
        page.get_by_role("heading", name="事件研究", exact=True).wait_for(timeout=60_000)
        page.wait_for_timeout(2000)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert checked.count() == 2, "a radio lost its choice when the labels changed"
        assert page.get_by_text("常数均值", exact=True).first.is_visible()
        assert "lang=zh" in page.url and "model=constant-mean" in page.url
        page.screenshot(path=str(SCREENSHOTS / "event_study_zh.png"), full_page=True)
        page.get_by_text("English", exact=True).first.click()
        page.get_by_role("heading", name="Event study", exact=True).wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        assert checked.count() == 2 and "lang=" not in page.url
        browser.close()
