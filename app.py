"""PolicyLens — how Chinese capital-market policy moves markets.

Entry point: page navigation, the sidebar (theme filter, data mode) and the data-mode banner.
Run with ``streamlit run app.py``; no network is needed (an empty store is filled with a
labelled synthetic demo).
"""

import streamlit as st

from pages import filters, layout, url_state
from pages.i18n import t
from pages.registry import PAGES

# An emoji favicon is drawn locally (a data: URL); a ":material/…:" one is fetched from
# fonts.gstatic.com on every visit, a request to an outside host the app must not make.
st.set_page_config(page_title="PolicyLens", page_icon="📈", layout="wide")

layout.init_language()
navigation = st.navigation(
    [
        st.Page(page.file, title=t(page.title), icon=page.icon, default=page is PAGES[0])
        for page in PAGES
    ]
)
layout.ensure_data()
filters.sidebar()
layout.banner()
url_state.show_url_problems()
navigation.run()
