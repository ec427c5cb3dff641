"""Colours for up and down in Chromium: the sidebar control redraws the Themes heat-map in the
chosen scheme, writes ``?colours=`` and keeps the choice across a switch to 中文; screenshots
of the heat-map in each scheme go to ``artifacts/screenshots``."""

from __future__ import annotations

import re

import pytest

from pages import colours
from pages.i18n import ZH
from tests.test_browser import SCREENSHOTS, _launch, wait_until_drawn
from tests.test_colours import reads_as

pytestmark = pytest.mark.browser

#: the scale's highest colour, as the browser's Plotly holds it
TOP_COLOUR = (
    "() => document.querySelector('[data-testid=\"stPlotlyChart\"] .js-plotly-plot')"
    ".data[0].colorscale.slice(-1)[0][1]"
)


def test_the_colour_control_redraws_the_heatmap_and_survives_a_language_switch(server):
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(f"{server}/themes")
        page.get_by_role("heading", name="Themes × segments", exact=True).wait_for(timeout=60_000)
        wait_until_drawn(page)
        heatmap = page.locator('[data-testid="stPlotlyChart"]').first
        assert reads_as(page.evaluate(TOP_COLOUR)) == "green"
        heatmap.screenshot(path=str(SCREENSHOTS / "themes_heatmap_green-up.png"))

        control = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox")
        control = control.filter(has_text="Colours for up/down")
        for option, family, scheme in [
            ("Red up, green down (China)", "red", "red-up"),
            ("Blue up, orange down (colour-blind safe)", "blue", "colour-blind"),
        ]:
            control.click()
            page.get_by_role("option", name=option).click()
            expect(page).to_have_url(re.compile(f"colours={scheme}"), timeout=60_000)
            # the browser's Plotly is given the figure of the new scheme, not the cached one
            page.wait_for_function(
                f"() => ({TOP_COLOUR})().toUpperCase() === '{colours.up_colour(scheme)}'",
                timeout=60_000,
            )
            wait_until_drawn(page)
            assert reads_as(page.evaluate(TOP_COLOUR)) == family, scheme
            heatmap.screenshot(path=str(SCREENSHOTS / f"themes_heatmap_{scheme}.png"))

        page.get_by_text("中文", exact=True).first.click()
        page.get_by_role("heading", name=ZH["Themes × segments"], exact=True).wait_for(
            timeout=60_000
        )
        wait_until_drawn(page)
        chosen = page.get_by_role("combobox", name=ZH["Colours for up/down"])
        expect(chosen).to_have_value(ZH["Blue up, orange down (colour-blind safe)"], timeout=60_000)
        assert reads_as(page.evaluate(TOP_COLOUR)) == "blue"  # the choice outlived the switch
        expect(page).to_have_url(re.compile("colours=colour-blind"))
        assert page.locator('[data-testid="stException"]').count() == 0
        browser.close()
