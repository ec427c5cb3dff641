"""PolicyLens — how Chinese capital-market policy moves markets.

Entry point: page navigation, the sidebar (theme filter, data mode) and the data-mode banner.
Run with ``streamlit run app.py``; no network is needed (an empty store is filled with a
labelled synthetic demo).
"""

import streamlit as st

from pages import warmup

# At the top of the page: where the first page with charts a session opens has the browser
# load its Plotly code (seconds) while the server builds the page (pages/warmup.py).
plotly_loader = st.empty()
# An emoji favicon is drawn locally (a data: URL); a ":material/…:" one is fetched from
# fonts.gstatic.com on every visit, a request to an outside host the app must not make.
st.set_page_config(page_title="PolicyLens", page_icon="📈", layout="wide")

from pages import filters, layout, url_state  # noqa: E402
from pages.i18n import t  # noqa: E402
from pages.registry import PAGES  # noqa: E402

layout.init_language()
entries = [
    (st.Page(page.file, title=t(page.title), icon=page.icon, default=page is PAGES[0]), page)
    for page in PAGES
]
navigation = st.navigation([streamlit_page for streamlit_page, _ in entries])
draws_charts = next((page.charts for shown, page in entries if shown is navigation), True)
warmup.load_plotly_in_browser(plotly_loader, draws_charts)
layout.ensure_data()
filters.sidebar()
with st.sidebar:  # a page without charts: Plotly is loaded once it is drawn (pages/warmup.py)
    warmup.preload_plotly_when_idle(draws_charts)
layout.banner()
url_state.show_url_problems()
navigation.run()
plotly_loader.empty()
# After the page is drawn (the first page does not wait for it): what a study needs next.
warmup.start()
