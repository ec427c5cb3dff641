"""PolicyLens — how Chinese capital-market policy moves markets.

Entry point: page navigation, the sidebar (theme filter, data mode) and the data-mode banner.
Run with ``streamlit run app.py``; no network is needed (an empty store is filled with a
labelled synthetic demo).
"""

import streamlit as st

from pages import warmup

# First of all, before the slow imports and the demo seeding: the browser loads and parses
# its Plotly code (seconds) meanwhile.
plotly_loader, loader_sent = warmup.load_plotly_in_browser()
# An emoji favicon is drawn locally (a data: URL); a ":material/…:" one is fetched from
# fonts.gstatic.com on every visit, a request to an outside host the app must not make.
st.set_page_config(page_title="PolicyLens", page_icon="📈", layout="wide")

# pandas, pyarrow, the catalogue: imported after the loader is sent
from pages import filters, layout, url_state  # noqa: E402
from pages.i18n import t  # noqa: E402
from pages.registry import PAGES  # noqa: E402

layout.init_language()
entries = [
    (st.Page(page.file, title=t(page.title), icon=page.icon, default=page is PAGES[0]), page)
    for page in PAGES
]
navigation = st.navigation([streamlit_page for streamlit_page, _ in entries])
draws_chart = next((page.charts for shown, page in entries if shown is navigation), True)
if not draws_chart:  # its own content first: Plotly is loaded after it (pages/warmup.py)
    plotly_loader.empty()
layout.ensure_data()
filters.sidebar()
layout.banner()
url_state.show_url_problems()
navigation.run()
plotly_loader.empty()
if loader_sent and not draws_chart:
    warmup.load_plotly_after_page()  # for the next page's charts
# After the page is drawn (the first page does not wait for it): what a study needs next.
warmup.start()
