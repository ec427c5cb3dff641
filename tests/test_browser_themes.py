"""The Themes heat-map in a real browser: a click on a cell chooses it (issue 15 item 2).

The heat-map's click layer (invisible markers on the cell centres) once had
``hoverinfo="skip"``, which also stops Plotly from sending the click: the cell never changed.
Same server and helpers as tests/test_browser.py (Debian Chromium, ``streamlit run``).
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from data_sources.instruments import segment_table
from tests.test_browser import (
    _launch,
    choose_and_wait_for_rerun,
    hover_label,
    open_dropdown,
    wait_until_drawn,
)

pytestmark = pytest.mark.browser

#: The heat-map's click layer (its second trace): each cell's key and its pixel centre on the
#: page, from the figure's own axes (category → pixel), so the test clicks where the cell is.
_CELL_CENTRES = """() => {
    const plot = [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')]
        .find(gd => gd.data && gd.data.length > 1 && gd.data[1].customdata);
    const layer = plot.data[1], layout = plot._fullLayout, box = plot.getBoundingClientRect();
    return layer.customdata.map((key, i) => ({
        key,
        x: box.left + layout.xaxis._offset + layout.xaxis.d2p(layer.x[i]),
        y: box.top + layout.yaxis._offset + layout.yaxis.d2p(layer.y[i]),
    }));
}"""


def test_clicking_a_heatmap_cell_chooses_it_and_puts_it_in_the_url(server):
    from playwright.sync_api import expect, sync_playwright

    names = segment_table().set_index("id")["name_en"]
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 2000})
        page.goto(f"{server}/themes")
        page.get_by_role("heading", name="Themes × segments", exact=True).wait_for(timeout=60_000)
        wait_until_drawn(page)
        expect(page).to_have_url(re.compile(r"cell="), timeout=60_000)
        shown = re.search(r"cell=([^&]+)", page.url).group(1)
        cells = [cell for cell in page.evaluate(_CELL_CENTRES) if cell["key"]]
        assert len(cells) > 1
        # a cell other than the one shown (the page shows the first until another is chosen)
        target = next(c for c in reversed(cells) if quote(c["key"], safe="") != shown)
        theme, segment = target["key"].split("|")
        # the hover still shows the cell's own text (the click layer carries it)
        hovered = hover_label(
            page, lambda: page.mouse.move(target["x"], target["y"]), timeout=10_000
        )
        assert f"× {segment} {names[segment]}" in hovered and "CAAR" in hovered
        page.mouse.click(target["x"], target["y"])
        expect(page).to_have_url(
            re.compile(r"cell=" + re.escape(theme) + r"(%7C|\|)" + re.escape(segment) + r"(&|$)"),
            timeout=60_000,
        )
        wait_until_drawn(page)
        # the cell detail below the heat-map is that cell's
        detail = page.locator('[data-testid="stMarkdownContainer"] p', has_text="· CAAR")
        expect(detail).to_contain_text(f"× {segment} {names[segment]}", timeout=60_000)
        picker = page.get_by_role("combobox", name="Cell (or click one in the heat-map)")
        expect(picker).to_have_value(re.compile(re.escape(f"× {segment} {names[segment]}")))
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        # the chart keeps its selection across reruns: a cell chosen in the picker afterwards
        # must not be taken back by that older click
        text = open_dropdown(page, picker, page.get_by_role("option").first).inner_text()
        chosen_theme, chosen_segment = text.split()[0], text.split("× ", 1)[1].split()[0]
        assert (chosen_theme, chosen_segment) != (theme, segment)
        page.keyboard.press("Escape")
        choose_and_wait_for_rerun(page, picker, page.get_by_role("option", name=text, exact=True))
        expect(page).to_have_url(
            re.compile(f"cell={re.escape(chosen_theme)}(%7C|\\|){re.escape(chosen_segment)}(&|$)"),
            timeout=60_000,
        )
        wait_until_drawn(page)
        expect(detail).to_contain_text(f"× {chosen_segment} {names[chosen_segment]}")
        expect(page).to_have_url(re.compile(f"cell={re.escape(chosen_theme)}"))
        browser.close()
