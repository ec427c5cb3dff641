"""Start-up benchmark: how fast the dashboard is usable on a fresh machine with no data.

    python -m tests.bench_startup [--runs 3]

Each run starts ``streamlit run app.py`` with an empty data directory, opens the Overview page
in headless Chromium and prints the seconds until the server answers, until the first page
shows its chart (this includes seeding the synthetic demo into the store; the Overview's own
chart, drawn with its title, not the invisible one that makes the browser load Plotly early),
and for a second visit to the Event study page (a full market-model study). Needs
/usr/bin/chromium and the playwright package; no network. The machine's load changes every
figure: note ``uptime`` beside them.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from tests import streamlit_server
from tests.test_browser import _launch

OVERVIEW_CHART = ".st-key-overview_chart .js-plotly-plot .gtitle"
#: The floor: a bare Streamlit page drawing one plotly line chart (what no app can beat here).
FLOOR_SCRIPT = """
import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2]), layout={"title": "floor"}))
"""


def floor_run() -> float:
    """Seconds from opening a bare one-chart Streamlit page to its chart drawn."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch:
        script = f"{scratch}/floor.py"
        with open(script, "w", encoding="utf-8") as handle:
            handle.write(FLOOR_SCRIPT)
        process, url = streamlit_server.start(scratch, script=script)
        try:
            streamlit_server.wait_until_healthy(url)
            with sync_playwright() as playwright:
                browser = _launch(playwright)
                page = browser.new_page()
                opened = time.perf_counter()
                page.goto(url)
                page.locator(".js-plotly-plot .gtitle").wait_for(timeout=120_000)
                seconds = time.perf_counter() - opened
                browser.close()
        finally:
            process.terminate()
            process.wait(20)
    return seconds


def one_run() -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as data:
        started = time.perf_counter()
        process, url = streamlit_server.start(data)
        try:
            streamlit_server.wait_until_healthy(url)
            server_up = time.perf_counter() - started
            with sync_playwright() as playwright:
                browser = _launch(playwright)
                page = browser.new_page()
                opened = time.perf_counter()
                page.goto(url)
                # The Overview's own chart, drawn (its title is drawn with its data): not
                # the invisible chart app.py shows first so that the browser loads Plotly.
                page.locator(OVERVIEW_CHART).wait_for(timeout=120_000)
                first_page = time.perf_counter() - opened
                opened = time.perf_counter()
                page.get_by_role("link", name="Event study").click()
                page.get_by_text("CAR [-5, 5]").wait_for(timeout=120_000)
                study_page = time.perf_counter() - opened
                browser.close()
        finally:
            process.terminate()
            process.wait(20)
    return {
        "server up (s)": server_up,
        "first page with chart (s)": first_page,
        "event study page (s)": study_page,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = []
    for _ in range(parser.parse_args().runs):  # interleaved, so both see the same load
        run = one_run()
        run["floor: bare page, one chart (s)"] = floor_run()
        runs.append(run)
    print(
        f"{'measure':<28}{'median':>8}{'min':>8}{'max':>8}   ({len(runs)} cold starts, "
        "empty data directory, no network)"
    )
    for key in runs[0]:
        values = [run[key] for run in runs]
        print(f"{key:<28}{statistics.median(values):>8.2f}{min(values):>8.2f}{max(values):>8.2f}")


if __name__ == "__main__":
    main()
