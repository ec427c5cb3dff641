"""Start-up cost: what the dashboard's first page loads, and the demo seeding it waits for.

The first visit of a fresh install waits for everything the first run imports and does
(``python -m tests.bench_startup`` measures it). Libraries that only a study, a fetch or the
Method page needs are imported when first used: scipy (a second on a two-core machine),
statsmodels, and akshare (seconds, and it is only needed when a fetch really happens).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from tests.conftest import PROJECT

#: Imported only when used: never by the first page, nor by importing what the pages import.
DEFERRED = ("akshare", "scipy", "statsmodels")


def _loaded_in_fresh_python(code: str, data_dir, timeout: float = 300) -> dict:
    """Run ``code`` in a new interpreter (its imports are its own) and return the JSON it
    prints last: ``deferred`` lists the DEFERRED packages that ended up imported."""
    finish = (
        "\nimport json as _json, sys as _sys\n"
        "_result['deferred'] = sorted({m.split('.')[0] for m in _sys.modules} & set(_DEFERRED))\n"
        "print(_json.dumps(_result))\n"
    )
    program = f"_DEFERRED = {DEFERRED!r}\n_result = {{}}\n{code}{finish}"
    completed = subprocess.run(
        [sys.executable, "-c", program],
        cwd=PROJECT,
        env={**os.environ, "POLICYLENS_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _page_imports() -> list[str]:
    """The top-level import statements of app.py and every pages/*.py, as source lines."""
    statements = set()
    for path in [PROJECT / "app.py", *sorted((PROJECT / "pages").glob("*.py"))]:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                continue
            if isinstance(node, ast.Import | ast.ImportFrom):
                statements.add(ast.unparse(node))
    return sorted(statements)


def test_what_the_pages_import_loads_no_study_or_fetch_library(tmp_path):
    statements = _page_imports()
    # the list is the real one: the pages' shared helpers and the study code are in it
    assert any(line.startswith("from pages import") and "loaders" in line for line in statements)
    assert any(line.startswith("from analysis.api import") for line in statements)
    assert any(line.startswith("from analysis.study import") for line in statements)
    code = "".join(line + "\n" for line in statements)
    assert _loaded_in_fresh_python(code, tmp_path / "data")["deferred"] == []


def test_the_first_page_of_a_fresh_install_loads_no_study_or_fetch_library(tmp_path):
    """The real first run: app.py on an empty data directory seeds the demo and draws the
    Overview chart without having imported scipy, statsmodels or akshare; once the page is
    drawn, scipy is imported in the background for the study pages (pages/warmup.py)."""
    code = (
        "import sys, pytest, streamlit\n"
        "from tests.apptest_helpers import make_app\n"
        "from pages import warmup\n"
        "_draw = streamlit.plotly_chart\n"
        "_at_chart = []\n"
        "def _recording_chart(*args, **kwargs):\n"
        "    _at_chart.append(sorted({m.split('.')[0] for m in sys.modules} & set(_DEFERRED)))\n"
        "    return _draw(*args, **kwargs)\n"
        "streamlit.plotly_chart = _recording_chart\n"
        "at = make_app(pytest.MonkeyPatch(), record_downloads=False)\n"
        "_result['exceptions'] = [str(e.value) for e in at.exception]\n"
        "_result['at_chart'] = _at_chart\n"
        "_result['seeded'] = at.session_state['demo_seeded']\n"
        "_result['warmed'] = warmup.finished.wait(120)\n"
    )
    result = _loaded_in_fresh_python(code, tmp_path / "data")
    assert result["exceptions"] == []
    assert result["seeded"] > 20
    assert result["at_chart"] == [[]]  # one chart, drawn before any deferred library loaded
    assert result["warmed"]
    assert result["deferred"] == ["scipy"]  # the warm-up's, after the chart


def test_p_values_from_scipy_special_are_scipy_stats_bit_for_bit():
    """The studies' p-values come from scipy.special (a quarter of the import time of
    scipy.stats): the same numbers as scipy.stats' t and normal survival functions, checked
    against scipy.stats itself and against textbook values."""
    from scipy import stats

    from analysis.statistics import _normal_p, _t_p

    generator = np.random.default_rng(7)
    values = np.concatenate([generator.normal(0, 3, 2000), [0.0, 40.0, -40.0, np.inf, np.nan]])
    dof = np.concatenate([generator.integers(1, 300, 2000).astype(float), [1, 2, 3, 4, 5]])
    assert np.array_equal(_t_p(values, dof), 2.0 * stats.t.sf(np.abs(values), dof), equal_nan=True)
    assert np.array_equal(_normal_p(values), 2.0 * stats.norm.sf(np.abs(values)), equal_nan=True)
    assert np.isnan(_t_p(np.array([2.0]), np.array([0.0]))[0])  # no degrees of freedom
    assert _t_p(np.array([2.0]), np.array([10]))[0] == pytest.approx(0.0733880, abs=1e-6)
    assert _normal_p(np.array([1.96]))[0] == pytest.approx(0.0499958, abs=1e-6)


def test_the_demo_factors_are_shared_and_cannot_be_changed_by_a_caller():
    """The market factors are drawn once for every demo series: a series is the same whether
    it is the first generated in a process or comes after others, and the shared arrays are
    read-only, so no series can alter another's."""
    from data_sources import demo

    demo._factors.cache_clear()
    alone = demo.demo_bars("399006.SZ", end=pd.Timestamp("2024-12-31"))
    for symbol in ("000300.SH", "000688.SH"):
        demo.demo_bars(symbol, end=pd.Timestamp("2024-12-31"))
    again = demo.demo_bars("399006.SZ", end=pd.Timestamp("2024-12-31"))
    pd.testing.assert_frame_equal(alone, again)
    assert demo._factors.cache_info().misses == 1
    market = demo._factors(len(demo._demo_sessions()))[0]
    with pytest.raises(ValueError, match="read-only"):
        market[0] = 0.0


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="names open files through /proc")
def test_seeding_flushes_each_shard_to_disk_but_not_its_fallback_index(tmp_path, monkeypatch):
    """Every shard the demo seeding writes is flushed, then its directory (so a power cut
    cannot lose or tear it); the index beside each shard, only a fallback for naming what a
    damaged shard held, is replaced atomically without the two flushes that were half of the
    seeding's disk waits."""
    from data_sources.bootstrap import seed_demo_if_empty
    from data_sources.store import Store

    store = Store(tmp_path / "store")
    flushed = []
    real_fsync = os.fsync

    def recording_fsync(descriptor):
        flushed.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    seed_demo_if_empty(store)
    shards = sorted(store.shards_dir.glob("shard-*.arrow"))
    indexes = sorted(store.shards_dir.glob("shard-*.index.json"))
    assert len(shards) == len(indexes) > 10
    flushed_names = [os.path.basename(path) for path in flushed]
    for shard in shards:  # flushed as its temporary, before the rename
        assert sum(name.startswith(f".{shard.name}.") for name in flushed_names) == 1
    assert not any(".index.json" in name for name in flushed_names)
    assert flushed.count(str(store.shards_dir)) == len(shards)
    assert len(flushed) == 2 * len(shards)


def test_the_catalogue_looks_the_calendar_up_once_and_gets_the_same_t0s(data_dir, monkeypatch):
    """Validating the catalogue places every measure on the calendar; the calendar (which
    checks the store for changes on every look-up) is looked up once for all of them, and
    each t0 is what :func:`event_session` gives for that measure alone."""
    from data_sources import catalogue
    from data_sources.trading_calendar import all_sessions, event_session

    lookups = []

    def counting_all_sessions():
        lookups.append(1)
        return all_sessions()

    monkeypatch.setattr(catalogue, "all_sessions", counting_all_sessions)
    catalogue.shipped_catalogue.cache_clear()
    try:
        shipped = catalogue.shipped_catalogue()
    finally:
        catalogue.shipped_catalogue.cache_clear()  # not kept with the counting look-up
    assert len(lookups) == 1
    placed = shipped.dropna(subset=["announcement_date"])
    assert len(placed) > 40
    for row in placed.itertuples():
        assert row.event_session == event_session(row.announcement_date, row.timing)


def test_a_sessions_first_run_sends_an_invisible_chart_so_the_browser_loads_plotly():
    """The loader chart is sent in a session's first run only (later runs keep an empty
    placeholder, so every run builds the same page), and it has no size or ink to show."""
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from pages import warmup

        # a page with charts; not emptied here, to see what the browser gets
        warmup.load_plotly_in_browser(st.empty(), page_draws_charts=True)

    app = AppTest.from_function(script).run()
    assert not app.exception
    (loader,) = app.get("plotly_chart")
    layout = json.loads(loader.proto.spec)["layout"]
    assert layout["height"] <= 10 and layout["margin"] == {"l": 0, "r": 0, "t": 0, "b": 0}
    assert not layout["xaxis"]["visible"] and not layout["yaxis"]["visible"]
    assert "rgba(0,0,0,0)" == layout["paper_bgcolor"] == layout["plot_bgcolor"]
    app.run()
    assert not app.exception
    assert app.get("plotly_chart") == []


def test_the_loader_is_gone_once_the_first_page_is_drawn(app):
    """After app.py's first run the page holds only the Overview's own chart."""
    (chart,) = app.get("plotly_chart")
    assert "Rebased to 100" in json.loads(chart.proto.spec)["layout"]["title"]["text"]


def test_the_loader_waits_for_the_first_page_with_charts(app, monkeypatch):
    """A page that draws no Plotly chart as it opens shows no loader: its own content would
    wait while the browser parses Plotly. That is Policies (tables), and the Event study,
    whose first chart is Vega-Lite (pages/charts.py, event_window_chart). The first page with
    Plotly charts the session opens afterwards (Themes) shows it at its top (emptied by the
    end of the run), and the next run shows none."""
    from pages import warmup
    from tests.apptest_helpers import goto

    drawn = []
    monkeypatch.setattr(warmup, "_draw_loader", lambda placeholder: drawn.append("loader"))
    del app.session_state["_plotly_loader_sent"]  # as if the session had seen no chart yet
    goto(app, "pages/policies.py")
    goto(app, "pages/event_study.py")
    assert drawn == [] and "_plotly_loader_sent" not in app.session_state
    assert app.get("plotly_chart") == [] and len(app.get("vega_lite_chart")) == 1
    goto(app, "pages/themes.py")
    assert drawn == ["loader"]
    assert not any("plotly_loader" in chart.proto.id for chart in app.get("plotly_chart"))
    goto(app, "pages/themes.py")
    assert drawn == ["loader"]


def test_a_page_without_charts_has_the_browser_load_plotly_once_idle(app):
    """Policies, the Event study, Data and Method draw no Plotly chart as they open: they send
    the idle-time preload (a fixed script naming Streamlit's own Vega-Lite and Plotly files,
    which exist in this installation); a page with Plotly charts, or a session that has
    loaded Plotly already, sends none."""
    from pathlib import Path

    import streamlit as st

    from pages import warmup
    from tests.apptest_helpers import goto

    chunks = warmup.chart_chunks()
    assert [name.split(".")[0] for name in chunks] == ["ArrowVegaLiteChart", "PlotlyChart"]
    assert all(
        (Path(st.__file__).parent / "static" / "static" / "js" / c).is_file() for c in chunks
    )
    del app.session_state["_plotly_loader_sent"]  # as if the session had seen no chart yet
    for page in ("pages/policies.py", "pages/event_study.py", "pages/data.py", "pages/method.py"):
        goto(app, page)
        (preload,) = [html for html in app.get("html") if "__policylensPlotly" in html.proto.body]
        assert preload.proto.unsafe_allow_javascript
        assert json.dumps(list(chunks)) in preload.proto.body
    goto(app, "pages/themes.py")
    assert not [html for html in app.get("html") if "__policylensPlotly" in html.proto.body]
    goto(app, "pages/policies.py")  # the loader of Themes loaded it
    assert not [html for html in app.get("html") if "__policylensPlotly" in html.proto.body]


def test_the_server_does_no_extra_work_after_each_run():
    """Streamlit's source watcher (live reload while editing) walks all ~2,000 imported modules
    after every run, on the server's event loop: 0.24-0.66 s per new visitor in which no chart
    code or message was served (cold loads 0.4-0.5 s slower in Chromium, interleaved runs).
    The forced full garbage collection after each run holds the GIL for 90-125 ms just after the
    run's last messages are queued, so they wait. The project's config turns both off; it is
    read here by Streamlit's own config module, from the project directory as the server is."""
    code = (
        "from streamlit import config\n"
        "print(config.get_option('server.fileWatcherType'), config.get_option('server.runOnSave'),"
        " config.get_option('runner.postScriptGC'))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.split() == ["none", "False", "False"]
