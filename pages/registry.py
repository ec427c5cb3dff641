"""The dashboard's pages in navigation order: the one list that app.py, the tests and the
benchmarks read, so a page added here is in the navigation and in every test that visits all
pages. The helper modules beside the pages (loaders, formatting, …) are not pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Page:
    #: The page script, relative to the project root (as ``st.Page`` and AppTest take it).
    file: str
    #: The navigation title in English; shown through ``t()`` (translated in pages/i18n.py).
    title: str
    #: The navigation icon, a Material Symbols name (``:material/…:``).
    icon: str
    #: Whether the page draws a Plotly chart as it opens: its first visit has the browser
    #: load Plotly at once, the others once they are drawn (pages/warmup.py). The Event
    #: study's first chart is Vega-Lite (pages/charts.py, event_window_chart): only its
    #: sections opened later draw Plotly.
    charts: bool = False

    @property
    def url_path(self) -> str:
        """Where Streamlit serves the page: its file name without ``.py`` (``/event_study``)."""
        return PurePosixPath(self.file).stem


#: The first page is the default one (served at ``/``).
PAGES = (
    Page("pages/overview.py", "Overview", ":material/show_chart:", charts=True),
    Page("pages/policies.py", "Policies", ":material/gavel:"),
    Page("pages/event_study.py", "Event study", ":material/query_stats:"),
    Page("pages/themes.py", "Themes", ":material/grid_on:", charts=True),
    Page("pages/data.py", "Data", ":material/database:"),
    Page("pages/method.py", "Method", ":material/menu_book:"),
)
