"""A page for tests/test_browser.py: the Event study's panel chart (pages/charts.py,
event_window_chart) with measure titles that carry HTML, as served to a browser."""

import numpy as np
import pandas as pd
import streamlit as st

from pages import charts

#: Two measures' titles: an image and a link to an outside host, and bold text.
TITLES = {
    "a": '<img src="http://127.0.0.1:9/x.png"><a href="http://127.0.0.1:9/">link</a>',
    "b": "B & <b>bold</b>",
}
rows = [
    pd.DataFrame(
        {
            "event_id": event,
            "instrument": symbol,
            "rel_day": range(-5, 6),
            "date": pd.bdate_range("2020-08-17", periods=11),
            "abnormal_return": np.full(11, 0.001),
            "car": np.cumsum(np.full(11, 0.001)),
        }
    )
    for event in TITLES
    for symbol in ("X1", "X2", "X3")
]
spec = charts.event_window_chart(pd.concat(rows), {}, False, "2 events", event_titles=TITLES)
with st.container(key="study_chart"):
    st.vega_lite_chart(spec, width="content")
