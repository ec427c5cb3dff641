"""In Chromium at 1,400 px: every download shows its full file name, and the CAR window picked
inside its fragment reaches the URL and comes back from a shared link.

Uses test_browser.py's server fixture and waits (conditions, never fixed pauses).
"""

from __future__ import annotations

import re

import pytest

from tests.test_browser import (
    _launch,
    choose_and_wait_for_rerun,
    wait_until_drawn,
)

pytestmark = pytest.mark.browser


VIEWPORT = {"width": 1400, "height": 900}
STUDY = "event_study?measures=chinext-first-listings-2020&instruments=399006.SZ,000688.SH"

#: Per download button: its text, and whether the button or anything in it is cut (its content
#: wider than its box: "abnormal_volume_windo…") or reaches past the main area's right edge.
CUT_LABELS = """() => {
    const main = document.querySelector('[data-testid="stMain"]').getBoundingClientRect();
    return [...document.querySelectorAll('[data-testid="stDownloadButton"] button')].map(b => {
        const parts = [b, ...b.querySelectorAll('*')];
        const label = b.querySelector('[data-testid="stMarkdownContainer"]');
        return {
            text: (label ? label.innerText : b.innerText).trim(),
            cut: parts.some(e => e.scrollWidth > e.clientWidth + 1)
                || b.getBoundingClientRect().right > main.right + 1,
        };
    });
}"""


def _labels(page) -> list[dict]:
    return page.evaluate(CUT_LABELS)


def test_every_download_shows_its_full_file_name_at_1400_px(server):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(f"{server}/{STUDY}")
        page.get_by_role("heading", name="Downloads").wait_for(timeout=120_000)
        wait_until_drawn(page)
        listing = page.get_by_text(re.compile(r"^Single files \(\d+\)$"))
        listing.scroll_into_view_if_needed()
        listing.click()
        stem = "chinext-first-listings-2020"
        expect(page.get_by_text(f"{stem}_abnormal_volume_windows.csv")).to_be_visible()
        labels = _labels(page)
        names = [label["text"] for label in labels if label["text"].startswith(stem)]
        assert f"{stem}_abnormal_volume_windows.csv" in names
        assert f"{stem}_abnormal_volatility_tests.csv" in names
        assert f"{stem}_parameters.json" in names
        assert len(names) >= 12, names
        assert not [label for label in labels if label["cut"]], labels

        page.goto(f"{server}/themes?cell=T2|CHN")
        page.get_by_role("heading", name="Themes × segments").wait_for(timeout=120_000)
        wait_until_drawn(page)
        expect(page.get_by_text("policylens_themes_-1_1.csv")).to_be_visible()
        labels = _labels(page)
        assert {"policylens_themes_-1_1.csv", "policylens_themes_T2_CHN.csv"} <= {
            label["text"] for label in labels
        }
        assert not [label for label in labels if label["cut"]], labels
        browser.close()


def test_the_car_window_picked_in_its_fragment_reaches_the_url_and_a_shared_link(server):
    """The CAR window came back as [-5, 5] from a shared link: it was never in the URL."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 2000})
        page.goto(f"{server}/{STUDY}")
        page.get_by_role("heading", name="CAR [-5, 5]").wait_for(timeout=120_000)
        wait_until_drawn(page)
        expect(page).to_have_url(re.compile(r"car=-5%2C5|car=-5,5"))
        choose_and_wait_for_rerun(
            page,
            page.get_by_role("combobox", name="CAR window", exact=True),
            page.get_by_role("option", name="[0, 1]", exact=True),
        )
        page.get_by_role("heading", name="CAR [0, 1]").wait_for(timeout=60_000)
        expect(page).to_have_url(re.compile(r"car=0%2C1|car=0,1"))
        shared = page.url

        other = browser.new_page(viewport={"width": 1400, "height": 2000})  # a new session
        other.goto(shared)
        other.get_by_role("heading", name="CAR [0, 1]").wait_for(timeout=120_000)
        expect(other.get_by_role("heading", name="CAR [-5, 5]")).to_have_count(0)
        browser.close()
