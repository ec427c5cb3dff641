"""Speed as felt in a real browser: every page's cold load and the common interactions.

    python -m tests.bench_browser [--repeat 3] [--only NAME ...]

Starts ``streamlit run app.py`` on a temporary data directory (the SYNTHETIC demo is seeded on
the first visit, which is not timed) and, with the same server flags, the floor: a bare
Streamlit page drawing one plotly line chart (tests/bench_floor_app.py). Headless Debian
Chromium (/usr/bin/chromium, never ``playwright install``) drives both. Prints one
``name: value s`` line per figure, the median of ``--repeat`` runs, with its target and
PASS/FAIL: a cold load within 0.5 s of the floor measured in the same run, an interaction
within 0.7 s.

What is timed (no fixed pauses: every wait is a condition):

* ``floor`` and ``cold_<page>``: a new browser context (no cache, a new session) opens the
  page; the clock stops when the page's main content is drawn (:data:`READY`) and Streamlit's
  run has finished (the app's script state is ``notRunning``, the status widget gone, no
  element still a skeleton waiting for its code, every Plotly chart on the page has drawn
  its SVG). Both servers have served one untimed session first (the app: every page once),
  so a cold load is a new visitor on a running server. The first page is opened at ``/``.
* interactions: from the click or key press to the rerun it starts having finished and the
  page's main content drawn again. ``filter_<page>`` adds, then removes, a sidebar theme
  (T5: the Event study's default measure stays chosen), ``add_instrument`` adds the next
  stored series to the Event study, ``event_window_slider`` moves the event window's start by
  one session, ``language`` switches to 中文 and back (both switches are samples),
  ``study_this_measure`` follows the Policies link to a drawn Event study of a measure not
  studied before in this server (:data:`STUDY_MEASURES`, one per repeat), clicked as a reader
  would, once the Policies page has been drawn and its idle-time load of the chart code has
  ended (pages/warmup.py); ``study_this_measure_at_once`` clicks the moment the page is drawn
  (the next measures of the list, so at most three repeats for both),
  ``download`` is the click on the study's ZIP until the browser has the download.

The machine's load changes every figure; compare with the floor of the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pages import registry
from tests import streamlit_server

CHROMIUM = "/usr/bin/chromium"  # tests/conftest.py names the same browser
FLOOR_SCRIPT = Path(__file__).with_name("bench_floor_app.py")
#: Targets of issue 15: a cold load within this of the floor, an interaction within this.
COLD_MARGIN = 0.5
INTERACTION_TARGET = 0.7
TIMEOUT_MS = 120_000

#: When a page's main content counts as drawn (a JS expression, true once drawn). A chart
#: counts once its SVG is visible; pages without a chart wait for their main table or title.
CHART = "visible('{} .js-plotly-plot .main-svg')"
READY = {
    "floor": CHART.format(".st-key-floor_chart"),
    # the rebased price lines (not app.py's invisible Plotly loader)
    "overview": CHART.format(".st-key-overview_chart"),
    # the measures table (the page's first) and the chosen measure's details (its 中文 title)
    "policies": "visible('[data-testid=\"stDataFrame\"] canvas') && visible('h5')",
    # the abnormal-return chart of the default measure (Vega-Lite: pages/charts.py)
    "event_study": "visible('.st-key-study_chart svg.marks')",
    # the theme × segment heat-map
    "themes": CHART.format(".st-key-themes_heatmap"),
    # the stored-series table (the page's first)
    "data": "visible('[data-testid=\"stDataFrame\"] canvas')",
    # text only: its title and the last section drawn
    "method": "visible('h1') && visible('[data-testid=\"stMarkdown\"]')",
}
#: Streamlit has finished the run, no element waits for its code (a skeleton stands in for a
#: widget whose code is still loading) and every Plotly chart on the page has its SVG, but
#: the invisible Plotly loader (pages/warmup.py: no size, no ink, there only to load code for
#: the charts of a later page; a page without charts shows it after its own content).
SETTLED = """
    (() => {
        const app = document.querySelector('[data-testid="stApp"]');
        return app && app.getAttribute('data-test-script-state') === 'notRunning'
            && !document.querySelector('[data-testid="stStatusWidget"]')
            && !document.querySelector('[data-testid="stSkeleton"]')
            && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                .every(chart => chart.querySelector('svg.main-svg')
                    || chart.closest('[class*="st-key-plotly_loader"]'));
    })()
"""
VISIBLE = """
    const visible = selector => [...document.querySelectorAll(selector)].some(element => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && box.height > 0;
    });
"""
#: Measures studied by ``study_this_measure``, one per repeat: each is new to the server, so
#: its study is computed as a visitor following the link would have it computed.
STUDY_MEASURES = (
    "securities-law-2019",
    "broker-takeovers-2020",
    "governance-campaign-2020",
    "kangmei-judgment-2021",
    "csi1000-derivatives-2022",
    "securities-crackdown-opinions-2021",
)
FILTER_THEME = "T5 Paced reform"


def address(url: str, path: str) -> str:
    """The page's address: the first page is served at ``/`` (``/overview`` is "not found")."""
    return f"{url}/" if path == registry.PAGES[0].url_path else f"{url}/{path}"


def wait_ready(page, name: str, timeout: float = TIMEOUT_MS) -> None:
    page.wait_for_function(
        f"() => {{ {VISIBLE} return ({READY[name]}) && {SETTLED}; }}",
        timeout=timeout,
        polling="raf",
    )


def wait_background_load(page) -> None:
    """Wait until the page's idle-time load of the chart code has ended (pages/warmup.py)."""
    page.wait_for_function(
        "() => ['loaded', 'failed', 'no entry script'].includes(window.__policylensPlotly)",
        timeout=TIMEOUT_MS,
        polling="raf",
    )


def watch_runs(page) -> None:
    """Count the script runs that start from now on (the browser tests' counter)."""
    from tests.test_browser import _watch_runs

    _watch_runs(page)


def wait_rerun(page, name: str) -> None:
    """Wait until a run started after :func:`watch_runs` has finished and ``name`` is drawn."""
    page.wait_for_function("() => window.__policylensRuns > 0", timeout=TIMEOUT_MS, polling="raf")
    wait_ready(page, name)


def launch(playwright):
    """The browser the tests use (Debian Chromium, the same flags)."""
    from tests.test_browser import _launch

    return _launch(playwright)


@contextlib.contextmanager
def served(data_dir: str, script: str | Path = "app.py") -> Iterator[str]:
    with open(Path(data_dir) / "streamlit.log", "w") as log:
        process, url = streamlit_server.start(Path(data_dir) / "data", log, script=script)
        try:
            if not streamlit_server.wait_until_healthy(url, timeout=120):
                raise RuntimeError(f"streamlit did not come up: {script}")
            yield url
        finally:
            process.terminate()
            process.wait(20)


@contextlib.contextmanager
def fresh_page(browser, url: str | None = None, ready: str | None = None):
    """A page in a new context (no cache, a new Streamlit session), opened at ``url``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1600}, accept_downloads=True)
    try:
        page = context.new_page()
        if url is not None:
            page.goto(url)
            wait_ready(page, ready)
        yield page
    finally:
        context.close()


def cold_load(browser, url: str, name: str) -> float:
    with fresh_page(browser) as page:
        started = time.perf_counter()
        page.goto(url)
        wait_ready(page, name)
        return time.perf_counter() - started


def timed(page, name: str, action: Callable[[], None]) -> float:
    """Seconds from ``action`` to the rerun it starts finished and ``name`` drawn again."""
    watch_runs(page)
    started = time.perf_counter()
    action()
    wait_rerun(page, name)
    return time.perf_counter() - started


def open_multiselect(page, container: str) -> None:
    page.locator(f"{container} input").first.click()


def choose_option(page, text: str | None = None):
    """The option to click in the open drop-down (the first when ``text`` is None)."""
    options = page.locator('[role="option"]:not([data-key="__select_all__"])')
    option = options.filter(has_text=text).first if text else options.first
    option.wait_for(timeout=TIMEOUT_MS)
    return option


def close_dropdown(page) -> None:
    page.keyboard.press("Escape")
    page.locator('[role="option"]').first.wait_for(state="detached", timeout=TIMEOUT_MS)


def filter_samples(page, name: str, repeat: int) -> list[float]:
    """Add the T5 theme in the sidebar, then remove it again: both are timed."""
    sidebar = '[data-testid="stSidebar"] .st-key-theme_filter'
    samples = []
    for _ in range(repeat):
        open_multiselect(page, sidebar)
        option = choose_option(page, FILTER_THEME)
        samples.append(timed(page, name, option.click))
        close_dropdown(page)
        remove = page.locator(f'{sidebar} button[aria-label^="Remove {FILTER_THEME}"]').first
        samples.append(timed(page, name, remove.click))
    return samples


class Samples(dict):
    """Every figure's samples; each is echoed to stderr as it comes (a long run shows progress)."""

    def __setitem__(self, name: str, samples: list[float]) -> None:
        shown = " ".join(f"{sample:.2f}" for sample in samples)
        print(f"  {name}: {shown}", file=sys.stderr, flush=True)
        super().__setitem__(name, samples)


@contextlib.contextmanager
def guarded(name: str) -> Iterator[None]:
    """A figure that cannot be taken (a widget that did not answer) is reported on stderr and
    left out; the other figures are still taken."""
    try:
        yield
    except Exception as error:  # playwright's errors, whatever their kind
        first_line = str(error).splitlines()[0] if str(error) else ""
        print(f"  {name}: not taken ({type(error).__name__}: {first_line})", file=sys.stderr)


def run(repeat: int, only: set[str] | None) -> list[tuple[str, float, float | None]]:
    """Every figure as (name, median seconds, target seconds or None)."""
    from playwright.sync_api import sync_playwright

    results = Samples()

    def wanted(name: str) -> bool:
        return not only or any(name.startswith(prefix) for prefix in only)

    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        browser = launch(playwright)
        floor_dir = Path(scratch) / "floor"
        floor_dir.mkdir()
        with served(str(floor_dir), FLOOR_SCRIPT) as url:
            cold_load(browser, url, "floor")  # the server's first session imports its runtime
            results["floor"] = [cold_load(browser, url, "floor") for _ in range(repeat)]
        app_dir = Path(scratch) / "app"
        app_dir.mkdir()
        with served(str(app_dir)) as url:
            # untimed: the first visit seeds the demo; then every page once, so each cold
            # load below is a new session on a running server, as for a visitor
            for entry in registry.PAGES:
                with fresh_page(browser, address(url, entry.url_path), entry.url_path):
                    pass
            for entry in registry.PAGES:
                name = f"cold_{entry.url_path}"
                if wanted(name):
                    results[name] = [
                        cold_load(browser, address(url, entry.url_path), entry.url_path)
                        for _ in range(repeat)
                    ]
            for path in ("event_study", "overview", "policies", "themes"):
                name = f"filter_{path}"
                if wanted(name):
                    with guarded(name), fresh_page(browser, address(url, path), path) as page:
                        results[name] = filter_samples(page, path, repeat)
            if wanted("add_instrument"):
                with (
                    guarded("add_instrument"),
                    fresh_page(browser, f"{url}/event_study", "event_study") as page,
                ):
                    picker = '[class*="st-key-study_instruments_"]'
                    samples = []
                    for _ in range(repeat):
                        open_multiselect(page, picker)
                        option = choose_option(page)
                        samples.append(timed(page, "event_study", option.click))
                        close_dropdown(page)
                    results["add_instrument"] = samples
            if wanted("event_window_slider"):
                with (
                    guarded("event_window_slider"),
                    fresh_page(browser, f"{url}/event_study", "event_study") as page,
                ):
                    thumb = page.locator('.st-key-study_window input[type="range"]').first
                    samples = []
                    for _ in range(repeat):
                        thumb.focus()
                        samples.append(
                            timed(page, "event_study", lambda: page.keyboard.press("ArrowLeft"))
                        )
                    results["event_window_slider"] = samples
            if wanted("language"):
                with (
                    guarded("language"),
                    fresh_page(browser, f"{url}/event_study", "event_study") as page,
                ):
                    sidebar = page.locator('[data-testid="stSidebar"]')
                    samples = []
                    for _ in range(repeat):
                        for label in ("中文", "English"):
                            target = sidebar.get_by_text(label, exact=True).first
                            samples.append(timed(page, "event_study", target.click))
                    results["language"] = samples
            measures = iter(STUDY_MEASURES)  # each measure is studied once in this server
            for name, read_first in (
                ("study_this_measure", True),
                ("study_this_measure_at_once", False),
            ):
                if not wanted(name):
                    continue
                with guarded(name):
                    samples = []
                    for measure in [next(measures) for _ in range(min(repeat, 3))]:
                        with fresh_page(
                            browser, f"{url}/policies?measure={measure}", "policies"
                        ) as page:
                            if read_first:
                                wait_background_load(page)
                            link = page.get_by_role("link", name="Study this measure")
                            samples.append(timed(page, "event_study", link.click))
                    results[name] = samples
            if wanted("download"):
                with (
                    guarded("download"),
                    fresh_page(browser, f"{url}/event_study", "event_study") as page,
                ):
                    button = page.locator(".st-key-download_zip button").first
                    samples = []
                    for _ in range(repeat):
                        started = time.perf_counter()
                        with page.expect_download(timeout=TIMEOUT_MS) as download:
                            button.click()
                        download.value  # noqa: B018  (waits for the download event)
                        samples.append(time.perf_counter() - started)
                        wait_ready(page, "event_study")
                    results["download"] = samples
        browser.close()
    floor = statistics.median(results["floor"])
    return [
        (
            name,
            statistics.median(samples),
            None
            if name == "floor"
            else floor + COLD_MARGIN
            if name.startswith("cold_")
            else INTERACTION_TARGET,
        )
        for name, samples in results.items()
    ]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median shown)")
    parser.add_argument("--only", nargs="*", help="figures whose names start with these")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing (apt-get install chromium)")
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S')} · repeat {args.repeat} · {load}")
    for name, seconds, target in run(args.repeat, set(args.only or ())):
        if target is None:
            print(f"{name}: {seconds:.2f} s")
        else:
            verdict = "PASS" if seconds <= target else "FAIL"
            print(f"{name}: {seconds:.2f} s (target ≤ {target:.2f} s) {verdict}")


if __name__ == "__main__":
    main()
