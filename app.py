"""PolicyLens — how Chinese capital-market policy moves markets.

Entry point: page navigation, the sidebar (theme filter, data mode) and the data-mode banner.
Run with ``streamlit run app.py``; no network is needed (an empty store is filled with a
labelled synthetic demo).
"""

import streamlit as st

from pages import ui

st.set_page_config(page_title="PolicyLens", page_icon=":material/policy:", layout="wide")

navigation = st.navigation(
    [
        st.Page("pages/overview.py", title="Overview", icon=":material/show_chart:", default=True),
        st.Page("pages/policies.py", title="Policies", icon=":material/gavel:"),
        st.Page("pages/event_study.py", title="Event study", icon=":material/query_stats:"),
        st.Page("pages/themes.py", title="Themes", icon=":material/grid_on:"),
        st.Page("pages/data.py", title="Data", icon=":material/database:"),
        st.Page("pages/method.py", title="Method", icon=":material/menu_book:"),
    ]
)
ui.ensure_data()
ui.sidebar()
ui.banner()
ui.show_url_problems()
navigation.run()
