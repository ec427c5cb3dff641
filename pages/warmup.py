"""What a session's first run starts early, so that its first page does not wait for it.

* **The browser's Plotly bundle.** Streamlit's browser side loads its Plotly code (4.7 MB of
  JavaScript) only when a page first shows a chart, and then parses it before drawing: a
  second or more of the browser's time on this project's two-core machine, during which it
  draws nothing else. :func:`load_plotly_in_browser` shows an empty, invisible chart at the
  top of the first page with Plotly charts a session opens (Overview, Themes), so the browser
  loads Plotly while the server builds the page, not after. A page that draws no Plotly chart
  as it opens shows none: its own tables would wait for Plotly too. Such a page (Policies,
  the Event study, whose first chart is Vega-Lite, Data, Method) has the browser load the
  chart code afterwards instead, Vega-Lite's then Plotly's, once the page is drawn and the
  browser is idle (:func:`preload_plotly_when_idle`): a visitor who reads a measure on
  Policies and then follows "Study this measure" finds the chart code parsed already, and
  one who opens a section of the Event study finds Plotly there.
* **scipy.special.** The p-values of every study come from it, and it is imported where it is
  first used, so the first page of a fresh install does not wait for it (tests/test_startup.py).
  :func:`start` imports it in a background thread once a page has been drawn, so a visitor
  who opens the Event study or Themes page next does not wait for it either.

This module imports nothing but Streamlit: app.py uses it before its slower imports.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import threading
from pathlib import Path

import streamlit as st

#: Taken by the first call of :func:`start` in this process, never released.
_once = threading.Lock()
#: Set once the background imports have finished, whether or not they succeeded.
finished = threading.Event()
#: Session-state flag: this session's browser has been sent the Plotly loader.
_LOADER_SENT = "_plotly_loader_sent"


def load_plotly_in_browser(placeholder, page_draws_charts: bool) -> None:
    """On the first page with charts a session opens (its first page, or the first it
    switches to), show an empty chart with no size or ink in ``placeholder``, at the top of
    the page. The caller empties the placeholder at the end of the run (the browser keeps
    the code it loaded); later runs draw nothing, so every run builds the same page."""
    if not page_draws_charts or st.session_state.get(_LOADER_SENT):
        return
    st.session_state[_LOADER_SENT] = True
    _draw_loader(placeholder)


def _draw_loader(placeholder) -> None:
    invisible = {
        "height": 10,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "xaxis": {"visible": False},
        "yaxis": {"visible": False},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    placeholder.plotly_chart(
        # one trace without points: Plotly refuses a figure without traces
        {"data": [{"type": "scatter", "x": [], "y": []}], "layout": invisible},
        config={"staticPlot": True, "displayModeBar": False},
        key="plotly_loader",
    )


#: The names of Streamlit's browser code for charts, ``<Element>.<content hash>.js``: Vega-Lite
#: (the Event study's first chart; small, so first) and Plotly (every other chart).
_CHART_CHUNKS = (
    re.compile(r"ArrowVegaLiteChart\.[A-Za-z0-9_-]+\.js"),
    re.compile(r"PlotlyChart\.[A-Za-z0-9_-]+\.js"),
)
#: Runs once per browser page (the flag on ``window``): waits until, for a second, Streamlit's
#: run has ended, no element has waited for its code (a skeleton) and the visitor has not
#: clicked, typed or scrolled (the parse holds the page that long), then, when the browser is
#: idle, imports the chart code from the same address Streamlit's own lazy import uses (next
#: to its entry script), so that import later finds the module loaded.
#: ``window.__policylensPlotly`` says how far it got (waiting, loading, loaded, failed, no
#: entry script).
_PRELOAD_SCRIPT = """<script>
(() => {
  if (window.__policylensPlotly) return;
  window.__policylensPlotly = "waiting";
  const entry = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (!entry) { window.__policylensPlotly = "no entry script"; return; }
  const addresses = __CHUNKS__.map((chunk) => new URL(chunk, entry.src).href);
  const load = () => {
    window.__policylensPlotly = "loading";
    addresses.reduce((before, address) => before.then(() => import(address)), Promise.resolve())
      .then(
        () => { window.__policylensPlotly = "loaded"; },
        () => { window.__policylensPlotly = "failed"; },
      );
  };
  const settled = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute("data-test-script-state") !== "running"
      && !document.querySelector('[data-testid="stSkeleton"]');
  };
  // Parsing Plotly holds the browser for a second: not while the visitor is using the page.
  let lastInput = performance.now();
  const noted = () => { lastInput = performance.now(); };
  for (const kind of ["pointerdown", "keydown", "wheel", "touchstart"]) {
    addEventListener(kind, noted, { capture: true, passive: true });
  }
  // A second with the page drawn and no input: the visitor is reading, not clicking.
  let settledSince = null;
  const quiet = () => {
    const now = performance.now();
    settledSince = settled() ? (settledSince ?? now) : null;
    return settledSince !== null && now - settledSince >= 1000 && now - lastInput >= 1000;
  };
  const idle = window.requestIdleCallback || ((then) => setTimeout(then, 200));
  const wait = () => (quiet() ? idle(load, { timeout: 3000 }) : setTimeout(wait, 200));
  setTimeout(wait, 200);
})();
</script>"""


@functools.cache
def chart_chunks() -> tuple[str, ...]:
    """The file names of Streamlit's chart code in this installation (Vega-Lite, then Plotly);
    a kind with not exactly one file is left out (another Streamlit release may name or split
    it differently: not preloaded)."""
    static = Path(st.__file__).parent / "static" / "static" / "js"
    found = []
    for pattern in _CHART_CHUNKS:
        names = [p.name for p in static.glob("*.js") if pattern.fullmatch(p.name)]
        if len(names) == 1:
            found.append(names[0])
    return tuple(found)


def preload_plotly_when_idle(page_draws_charts: bool) -> None:
    """On a page that draws no Plotly chart as it opens, have the browser load the chart code
    (Vega-Lite, then Plotly) once the page is drawn and idle.

    A fixed script, no user text (``st.html`` runs it in the page). A page with Plotly charts
    loads Plotly through :func:`load_plotly_in_browser`, so draws nothing here; nor does a
    session whose browser has loaded Plotly already."""
    chunks = chart_chunks()
    if page_draws_charts or not chunks or st.session_state.get(_LOADER_SENT):
        return
    st.html(
        _PRELOAD_SCRIPT.replace("__CHUNKS__", json.dumps(list(chunks))),
        unsafe_allow_javascript=True,
    )


def _import_study_libraries() -> None:
    try:
        # A failed import is left to the page that needs the library: it imports it again
        # and shows why it fails.
        with contextlib.suppress(ImportError):
            import scipy.special  # noqa: F401  (the p-values of analysis.statistics & co.)
    finally:
        finished.set()


def start() -> None:
    """Start importing the study libraries in the background (once per process)."""
    if not _once.acquire(blocking=False):
        return
    threading.Thread(target=_import_study_libraries, name="policylens-warmup", daemon=True).start()
