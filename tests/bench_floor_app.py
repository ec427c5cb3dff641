"""The floor of ``python -m tests.bench_browser``: a bare Streamlit page drawing one plotly line
chart, served with the same flags as the app. No page of the app can load faster than this."""

import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(
    go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2], mode="lines"), layout={"title": "floor"}),
    key="floor_chart",
)
