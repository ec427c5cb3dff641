"""End to end: ``streamlit run app.py`` on a free local port, driven by Debian Chromium.

Opens every page, checks that no Streamlit exception box appears and that the synthetic-data
banner is visible, and saves a full-page screenshot of each page to ``artifacts/screenshots``.
Skipped when /usr/bin/chromium or the playwright package is missing (``.ci/run`` installs both).
"""

from __future__ import annotations

import copy
import re
import subprocess

import pytest

from data_sources.catalogue import shipped_catalogue
from pages import registry
from tests.conftest import CHROMIUM, PROJECT, served_app

#: the Policies page details the catalogue's first measure until another is chosen
FIRST_MEASURE_TITLE_ZH = shipped_catalogue()["title_zh"].iloc[0]

SCREENSHOTS = PROJECT / "artifacts" / "screenshots"
#: Each page's heading (its st.title), by URL path; a page missing here fails the screenshot test.
HEADINGS = {
    "overview": "Overview",
    "policies": "Policy measures",
    "event_study": "Event study",
    "themes": "Themes × segments",
    "data": "Data",
    "method": "Method",
}

pytestmark = pytest.mark.browser


def _cjk_font_installed() -> bool:
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(listed.strip())


def wait_until_drawn(page) -> None:
    """Wait until the script run has finished (the status widget goes away) and every Plotly
    chart has drawn its SVG: conditions, never a fixed pause."""
    page.wait_for_function(
        """() => document.querySelector('[data-testid="stApp"]')
                ?.getAttribute('data-test-script-state') === 'notRunning'
            && !document.querySelector('[data-testid="stStatusWidget"]')
            && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                .every(chart => chart.querySelector('svg.main-svg'))""",
        timeout=60_000,
    )


#: The text of the Plotly hover label on the page, once there is one.
HOVER_LABEL = (
    "() => { const shown = document.querySelector('.hoverlayer .hovertext');"
    " return shown && shown.textContent; }"
)


def hover_label(page, move, timeout: float = 60_000, attempt: float = 5_000) -> str:
    """The text of the Plotly hover label that ``move()`` (the pointer onto a point) brings up.

    Plotly draws a label on a pointer move only: a move that brought none (the chart redrawn
    under a still pointer, or a move that landed before the chart took events; both seen in
    CI on a busy machine) is tried again, the pointer moved away and back, until a label
    shows or ``timeout`` ms have passed. Every wait is a condition, never a fixed pause."""
    import time

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + timeout / 1000
    while True:
        move()
        try:
            return page.wait_for_function(HOVER_LABEL, timeout=attempt).json_value()
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise
            page.mouse.move(1, 1)


def open_dropdown(page, combobox, option, timeout: float = 60_000, attempt: float = 5_000):
    """Click ``combobox`` until ``option`` (a locator in its list) shows, within ``timeout`` ms,
    and return ``option``. A click that focuses the select while a rerun redraws it can leave
    the list closed (seen on a loaded machine: the input focused, no list); a person clicks
    again, and so does this, after Escape so that no half-open list is toggled shut."""
    import time

    deadline = time.monotonic() + timeout / 1000
    while True:
        combobox.click()
        try:
            option.wait_for(timeout=attempt)
            return option
        except Exception:  # playwright's TimeoutError
            if time.monotonic() > deadline:
                raise
            page.keyboard.press("Escape")


def choose_and_wait_for_rerun(page, combobox, option, timeout: float = 60_000) -> None:
    """Pick ``option`` in the select ``combobox`` and wait until the run it starts has
    finished. On a loaded machine the list sometimes shuts between opening and the click on
    the option (the option is detached, and Playwright waits for it in vain): then open it and
    pick again, as a person would, until a run starts or ``timeout`` ms pass."""
    import time

    _watch_runs(page)
    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            open_dropdown(
                page, combobox, option, timeout=max(1, deadline - time.monotonic()) * 1000
            )
            option.click(timeout=5_000)
            page.wait_for_function("() => window.__policylensRuns > 0", timeout=5_000)
            break
        except Exception:  # playwright's TimeoutError
            if time.monotonic() > deadline:
                raise
            page.keyboard.press("Escape")
    wait_until_drawn(page)


def click_and_wait_for_rerun(page, target) -> None:
    """Click ``target`` and wait until the script run it starts has finished: the app's run
    state is watched from before the click, so a quick run is not missed."""
    _watch_runs(page)
    target.click()
    page.wait_for_function("() => window.__policylensRuns > 0", timeout=60_000)
    wait_until_drawn(page)


def _watch_runs(page) -> None:
    """Count, in ``window.__policylensRuns``, the script runs that start from now on."""
    page.evaluate(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            window.__policylensRuns = 0;
            // Each record keeps the value it replaced: a run that started and ended before
            // this callback ran (a quick rerun, a busy machine) is still counted.
            new MutationObserver(records => {
                for (const record of records) {
                    if (record.oldValue === 'running'
                        || app.getAttribute('data-test-script-state') === 'running') {
                        window.__policylensRuns += 1;
                    }
                }
            }).observe(app, {
                attributes: true,
                attributeOldValue: true,
                attributeFilter: ['data-test-script-state'],
            });
        }"""
    )


def test_every_page_renders_without_exception_in_chromium(server):
    from playwright.sync_api import expect, sync_playwright

    # Chinese titles render as glyphs only with a CJK font (Debian fonts-noto-cjk, which
    # .ci/run installs); without one the screenshots would show empty boxes.
    assert _cjk_font_installed(), "no CJK font: apt-get install fonts-noto-cjk"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        # Streamlit scrolls inside its own container, so a tall viewport shows whole pages.
        page = browser.new_page(viewport={"width": 1400, "height": 2600})
        for path, title in ((p.url_path, HEADINGS[p.url_path]) for p in registry.PAGES):
            page.goto(f"{server}/{path}")
            page.get_by_role("heading", name=title, exact=True).wait_for(timeout=60_000)
            wait_until_drawn(page)
            page.screenshot(path=str(SCREENSHOTS / f"{path}.png"), full_page=True)
            assert page.locator('[data-testid="stException"]').count() == 0, path
            expect(page.get_by_text("SYNTHETIC DEMO DATA", exact=False).first).to_be_visible()
            expect(page.get_by_text("Policy themes (communiqué tasks)")).to_be_visible()
            if path == "policies":  # Chinese titles are on the page, drawn with the CJK font
                heading = page.locator("h5", has_text=FIRST_MEASURE_TITLE_ZH)
                expect(heading).to_be_visible()
        browser.close()
    assert {p.url_path for p in registry.PAGES} <= {p.stem for p in SCREENSHOTS.glob("*.png")}


def test_language_switch_keeps_every_choice(server):
    """Switching to 中文 and back relabels every widget and keeps what was chosen (the browser
    identifies options by label, so this is checked in a real browser)."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 2000})
        page.goto(f"{server}/event_study?model=constant-mean&window=-3,3")
        page.get_by_role("heading", name="Event study", exact=True).wait_for(timeout=60_000)
        checked = page.locator('[data-testid="stRadio"] input[type="radio"]:checked')
        # the radios render one after the other: wait for both, however slow the machine
        expect(checked).to_have_count(2, timeout=60_000)  # model and overlap handling
        page.get_by_text("中文", exact=True).first.click()
        page.get_by_role("heading", name="事件研究", exact=True).wait_for(timeout=60_000)
        wait_until_drawn(page)
        expect(checked).to_have_count(2, timeout=60_000)  # none lost its choice on relabelling
        assert page.locator('[data-testid="stException"]').count() == 0
        expect(page.get_by_text("常数均值", exact=True).first).to_be_visible()
        expect(page).to_have_url(
            re.compile(r"lang=zh.*model=constant-mean|model=constant-mean.*lang=zh")
        )
        page.screenshot(path=str(SCREENSHOTS / "event_study_zh.png"), full_page=True)
        page.get_by_text("English", exact=True).first.click()
        page.get_by_role("heading", name="Event study", exact=True).wait_for(timeout=60_000)
        wait_until_drawn(page)
        expect(checked).to_have_count(2, timeout=60_000)
        expect(page).not_to_have_url(re.compile("lang="))
        browser.close()


def _launch(playwright):
    return playwright.chromium.launch(
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


def test_clicking_the_chosen_language_twice_keeps_every_page_working(server):
    """A click on the selected language unselects it in the segmented control; that once
    raised StreamlitWidgetAlreadyInstantiatedError and no page rendered (issue 11 item 13)."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(f"{server}/policies")
        page.get_by_role("heading", name="Policy measures", exact=True).wait_for(timeout=60_000)
        wait_until_drawn(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        for _ in range(2):
            click_and_wait_for_rerun(page, sidebar.get_by_text("English", exact=True))
            expect(page.get_by_role("heading", name="Policy measures", exact=True)).to_be_visible()
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        sidebar.get_by_text("中文", exact=True).click()
        page.get_by_role("heading", name="政策措施", exact=True).wait_for(timeout=60_000)
        for _ in range(2):
            click_and_wait_for_rerun(page, sidebar.get_by_text("中文", exact=True))
            expect(page.get_by_role("heading", name="政策措施", exact=True)).to_be_visible()
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        expect(page).to_have_url(re.compile("lang=zh"))
        browser.close()


class _OutsideHost:
    """A second local HTTP server standing in for an outside host: it logs every request."""

    def __init__(self):
        import http.server
        import threading

        self.requests: list[str] = []
        requests = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # the http.server API names it
                requests.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def outside_host():
    host = _OutsideHost()
    yield host
    host.close()


def _hostile_measures(outside: str) -> list[dict]:
    """Measures whose one-line texts carry markdown images, HTML, links and LaTeX aimed at
    ``outside`` (they pass the catalogue's validation: no line breaks, clean source URLs)."""
    title = (
        f'Cut $5 to $3 ![x]({outside}/title.png) <img src="{outside}/img.png"> '
        f'<a href="{outside}/a">click</a> $\\color{{red}}{{red}}$'
    )
    common = {
        "announcement_date": "2021-03-01",
        "timing": "before_open",
        "theme": "T2",
        "segments": ["CHN"],
        "confidence": "verified",
        "source_url": "https://www.csrc.gov.cn/csrc/c100028/common_list.shtml",
    }
    # Each measure gets its own copy of the shared values: PyYAML writes a list shared by two
    # records as an anchor and an alias, which the catalogue refuses (billion-laughs guard).
    return [
        {
            **copy.deepcopy(common),
            "id": "hostile-title",
            "title_en": title,
            "title_zh": f"标题 ![z]({outside}/zh.png)",
            "key_phrase": f"![k]({outside}/key.png) **k**",
            "note": f"# note ![n]({outside}/note.png) <img src={outside}/note2.png> $x^2$",
        },
        {
            **copy.deepcopy(common),
            "id": "hostile-second",
            "announcement_date": "2021-06-01",
            "title_en": f"[Session expired, log in again]({outside}/login)",
            "title_zh": f"<a href='{outside}/zh'>登录</a>",
            "note": f"\\color{{red}}{{x}} :red[alert] ![n]({outside}/n2.png)",
        },
    ]


@pytest.fixture
def hostile_server(tmp_path, outside_host):
    import yaml

    catalogue = tmp_path / "data" / "catalogue"
    catalogue.mkdir(parents=True)
    outside = f"http://127.0.0.1:{outside_host.port}"
    (catalogue / "user_measures.yaml").write_text(
        yaml.safe_dump(_hostile_measures(outside), allow_unicode=True), encoding="utf-8"
    )
    yield from served_app(tmp_path)


#: Any element pointing at the outside host (an image, a link, in HTML or in Plotly's SVG).
_POINTING_OUTSIDE = """port => [...document.querySelectorAll('*')].filter(element =>
    ['src', 'href', 'xlink:href', 'srcset', 'style'].some(name =>
        (element.getAttribute(name) || '').includes(':' + port))).length"""


def test_hostile_measure_text_loads_nothing_from_an_outside_host(hostile_server, outside_host):
    """Item 9: titles, notes and key phrases with images, HTML, links and LaTeX are shown as
    text on every page; the browser asks no host but the app's for anything."""
    from playwright.sync_api import expect, sync_playwright

    app_host = hostile_server.split("//", 1)[1]
    port = outside_host.port
    outside = f"http://127.0.0.1:{port}"
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 2600})
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        visits = {
            "overview": "Overview",
            "policies?measure=hostile-title": "Policy measures",
            "event_study?measures=hostile-title,hostile-second": "Event study",
            "event_study?measures=hostile-title": "Event study",
            "themes": "Themes × segments",
            "data": "Data",
            "method": "Method",
            "policies?measure=hostile-second": "Policy measures",
        }
        for path, title in visits.items():
            page.goto(f"{hostile_server}/{path}")
            page.get_by_role("heading", name=title, exact=True).wait_for(timeout=60_000)
            wait_until_drawn(page)
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
            assert page.evaluate(_POINTING_OUTSIDE, port) == 0, path
            if path == "data":  # an upload whose file name carries an image and HTML
                page.get_by_role("region", name="Price files").locator(
                    '[data-testid="stFileUploaderDropzoneInput"]'
                ).set_input_files(
                    files=[
                        {
                            "name": f"![u]({outside}/u.png) <img src={outside}/v.png> $5.csv",
                            "mimeType": "text/csv",
                            "buffer": b"date,close\n2024-09-23,1.1\n2024-09-24,1.2\n",
                        }
                    ]
                )
                page.get_by_text("Series name for ![u](", exact=False).wait_for(timeout=60_000)
                wait_until_drawn(page)
                assert page.evaluate(_POINTING_OUTSIDE, port) == 0, "upload file name"
            if path.startswith("policies?measure=hostile-title"):
                # the title is there, as the text the user typed
                expect(page.get_by_text("Cut $5 to $3 ![x](", exact=False).first).to_be_visible()
                expect(page.get_by_text("# note ![n](", exact=False).first).to_be_visible()
            if path == "event_study?measures=hostile-title":
                # the Vega-Lite chart's title is the measure's title, drawn as SVG text
                chart_text = page.locator(".st-key-study_chart svg.marks").first
                chart_text.wait_for(timeout=60_000)
                assert "Cut $5 to $3 ![x](" in chart_text.text_content()
                assert page.evaluate(_POINTING_OUTSIDE, port) == 0, "Vega chart"
            if path == "overview":
                # hover every policy marker: the hover labels show the titles as text
                markers = page.locator(
                    '[data-testid="stPlotlyChart"] .scatterlayer .trace .points path'
                )
                expect(markers).not_to_have_count(0, timeout=60_000)
                label = page.locator(".hoverlayer .hovertext")
                hovered = ""
                for index in range(markers.count()):
                    # read the label inside the page in one step: plotly redraws its hover
                    # layer, so a label located first can be replaced before it is read
                    marker = markers.nth(index)
                    hovered += hover_label(page, lambda marker=marker: marker.hover(force=True))
                    assert page.evaluate(_POINTING_OUTSIDE, port) == 0
                    page.mouse.move(1, 1)  # away, so the next hover draws a fresh label
                    expect(label).to_have_count(0, timeout=60_000)
                assert f'<a href="http://127.0.0.1:{port}/a">click</a>' in hovered
        browser.close()
    assert outside_host.requests == []
    others = [url for url in asked if not url.startswith(("data:", "blob:", f"http://{app_host}"))]
    assert others == [], sorted(set(others))


#: How many times the page has fetched Streamlit's chart code, per kind (pages/warmup.py).
CHART_FETCHES = """() => {
  const names = performance.getEntriesByType('resource').map((entry) => entry.name);
  return {
    vega: names.filter((name) => name.includes('/ArrowVegaLiteChart.')).length,
    plotly: names.filter((name) => name.includes('/PlotlyChart.')).length,
  };
}"""


def test_policies_has_the_chart_code_loaded_when_idle_and_the_study_reuses_it(server):
    """Policies draws no chart, yet once it is drawn and idle the browser loads the chart
    code, Vega-Lite's and Plotly's (pages/warmup.py), so "Study this measure" draws its chart
    (Vega-Lite) without fetching it again, and Plotly is there for the study's sections."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(f"{server}/policies?measure=securities-law-2019")  # estimable on the demo
        page.get_by_role("heading", name="Policy measures", exact=True).wait_for(timeout=60_000)
        page.wait_for_function("() => window.__policylensPlotly === 'loaded'", timeout=60_000)
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
        assert page.evaluate(CHART_FETCHES) == {"vega": 1, "plotly": 1}
        page.get_by_role("link", name="Study this measure").click()
        page.locator(".st-key-study_chart svg.marks").first.wait_for(timeout=60_000)
        wait_until_drawn(page)
        assert page.evaluate(CHART_FETCHES) == {"vega": 1, "plotly": 1}
        assert page.locator('[data-testid="stException"]').count() == 0
        browser.close()


def test_the_vega_chart_shows_measure_titles_as_text_in_panels_and_tooltips(tmp_path):
    """The Event study's chart is Vega-Lite (pages/charts.py): a measure's title with an image
    and a link heads its panel as SVG text and shows escaped in the hover tooltip; the chart
    holds no image, link or bold element."""
    from playwright.sync_api import sync_playwright

    from tests import streamlit_server

    with open(tmp_path / "streamlit.log", "w") as log:
        process, url = streamlit_server.start(
            tmp_path / "data", log, script="tests/vega_panels_app.py"
        )
    try:
        assert streamlit_server.wait_until_healthy(url), (tmp_path / "streamlit.log").read_text()
        with sync_playwright() as playwright:
            browser = _launch(playwright)
            page = browser.new_page(viewport={"width": 1400, "height": 1200})
            page.goto(url)
            chart = page.locator(".st-key-study_chart")
            chart.locator("svg.marks").wait_for(timeout=60_000)
            headers = chart.locator("text").all_text_contents()
            assert '1. <img src="http://127.0.0.1:9/x.png"><a href…' in headers
            assert "2. B & <b>bold</b>" in headers
            points = chart.locator(".mark-symbol path")
            points.first.wait_for(timeout=60_000)
            points.first.hover(force=True)
            tooltip = page.locator("#vg-tooltip-element")
            tooltip.get_by_text("<img src=", exact=False).wait_for(timeout=60_000)
            assert tooltip.locator("img, a, b").count() == 0
            assert chart.locator("img, a, b").count() == 0
            browser.close()
    finally:
        process.terminate()
        process.wait(20)
