"""PolicyLens — how Chinese capital-market policy moves markets.

Entry point: page navigation, the sidebar (theme filter, data mode) and the data-mode banner.
Run with ``streamlit run app.py``; no network is needed (an empty store is filled with a
labelled synthetic demo).
"""

from urllib.parse import quote

import streamlit as st

from pages import ui
from pages.i18n import t

# The 📈 favicon as the data: URL Streamlit's browser side would draw for page_icon="📈": a
# ":material/…:" icon is fetched from fonts.gstatic.com on every visit (a request to an outside
# host the app must not make), and an emoji string makes the server import its emoji table
# and compile a regex of every emoji (0.4 s of the first page). Percent-encoded, so that it is
# ASCII and not looked up in that table either.
FAVICON = "data:image/svg+xml," + quote(
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'>"
    "<text y='.9em' font-size='90'>📈</text></svg>"
)
st.set_page_config(page_title="PolicyLens", page_icon=FAVICON, layout="wide")

ui.init_language()
navigation = st.navigation(
    [
        st.Page(
            "pages/overview.py", title=t("Overview"), icon=":material/show_chart:", default=True
        ),
        st.Page("pages/policies.py", title=t("Policies"), icon=":material/gavel:"),
        st.Page("pages/event_study.py", title=t("Event study"), icon=":material/query_stats:"),
        st.Page("pages/themes.py", title=t("Themes"), icon=":material/grid_on:"),
        st.Page("pages/data.py", title=t("Data"), icon=":material/database:"),
        st.Page("pages/method.py", title=t("Method"), icon=":material/menu_book:"),
    ]
)
ui.ensure_data()
ui.sidebar()
ui.banner()
ui.show_url_problems()
navigation.run()
