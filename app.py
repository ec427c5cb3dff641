"""PolicyLens — how Chinese capital-market policy moves markets.

Entry point: page navigation, the sidebar (theme filter, data mode) and the data-mode banner.
Run with ``streamlit run app.py``; no network is needed (an empty store is filled with a
labelled synthetic demo).
"""

import streamlit as st

from pages import warmup

# First of all, before the slow imports and the demo seeding: the browser loads and parses
# its Plotly code (seconds) meanwhile.
plotly_loader = warmup.load_plotly_in_browser()
# An emoji favicon is drawn locally (a data: URL); a ":material/…:" one is fetched from
# fonts.gstatic.com on every visit, a request to an outside host the app must not make.
st.set_page_config(page_title="PolicyLens", page_icon="📈", layout="wide")

from pages import ui  # noqa: E402  (pandas, pyarrow, the catalogue: after the loader is sent)
from pages.i18n import t  # noqa: E402

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
plotly_loader.empty()
ui.sidebar()
ui.banner()
ui.show_url_problems()
navigation.run()
# After the page is drawn (the first page does not wait for it): what a study needs next.
warmup.start()
