"""AppTest helpers shared by the dashboard tests (the ``app`` fixture lives in conftest)."""

from __future__ import annotations

import pandas as pd
import streamlit.testing.v1.app_test as app_test_module
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from pages import registry
from tests.conftest import PROJECT

#: Every page's script, in navigation order (from the page registry).
PAGES = [page.file for page in registry.PAGES]


def make_app(monkeypatch, record_downloads: bool = True, query_params=None) -> AppTest:
    """AppTest of app.py in a fresh data directory (``query_params``: the URL of its first
    run, on the first page).

    AppTest re-detects Streamlit's legacy ``pages/``-directory mode before *every* run, where a
    live server does it once: the first run through app.py switches it off for good (and
    ``layout.run_through_app()`` reroutes a deep link that arrives first; see test_browser.py). A
    reroute on every AppTest run would drop button clicks, so the flag is kept off here, as it
    is on a running server.
    """
    original_init = PagesManager.__init__

    def init_without_pages_directory(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init_without_pages_directory)
    # Keep hold of each run's in-memory media storage, where download buttons put their bytes.
    storages = []

    class RecordingStorage(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            storages.append(self)

    # ... and of its media file manager, which keeps the callables of deferred downloads
    # (a download button whose data is made when it is clicked).
    managers = []

    class RecordingManager(MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            managers.append(self)

    if record_downloads:  # keeps every run's files: fine for a test, not for a long run
        monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", RecordingStorage)
        monkeypatch.setattr(app_test_module, "MediaFileManager", RecordingManager)
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=120)
    at.media_storages = storages
    at.query_params.update(query_params or {})  # a link opened in a new session
    at.media_managers = managers
    at.run()
    return at


def download_bytes(at, key) -> bytes:
    """The bytes a download button would give the browser (a deferred download's are made
    here, as a click would have them made)."""
    proto = at.get_by_key(key).proto
    url = proto.url
    if proto.deferred_file_id:
        url = at.media_managers[-1].execute_deferred(proto.deferred_file_id)
    file_id = url.rsplit("/", 1)[-1].split(".")[0]
    return at.media_storages[-1].get_file(file_id).content


def dataframe_at(at, position: int) -> pd.DataFrame:
    return at.dataframe[position].value


def goto(at, page):
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


#: The Event study's sections that are drawn only once opened (closed by default).
STUDY_SECTIONS = (
    "study_daily_open",
    "study_all_tests_open",
    "study_response_open",
    "study_placebo_open",
    "study_diagnostics_open",
    "xsec_open",
)


def open_sections(at, keys=STUDY_SECTIONS):
    """Open the Event study's closed sections, as a reader clicking each would (applies from
    the next run); returns ``at``."""
    for key in keys:
        at.session_state[key] = True
    return at


def vega_charts(at) -> list[tuple[dict, dict[str, pd.DataFrame]]]:
    """Every Vega-Lite chart the run drew, as Streamlit sent it: the spec (JSON) and its data
    sets (Arrow IPC bytes, moved out of the spec), read back into data frames by name."""
    import json

    import pyarrow as pa

    charts = []
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        datasets = {
            named.name: pa.ipc.open_stream(named.data.data).read_pandas()
            for named in element.proto.datasets
        }
        charts.append((spec, datasets))
    return charts
