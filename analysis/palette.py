"""The colours every chart uses, the dashboard's (pages/) and the HTML report's
(analysis/report_figures.py) alike: one definition, no Streamlit, no plotting library."""

from __future__ import annotations

#: Okabe–Ito colour-blind-safe palette, one colour per communiqué task (T9 grey).
THEME_COLOURS = {
    "T1": "#E69F00",
    "T2": "#0072B2",
    "T3": "#009E73",
    "T4": "#D55E00",
    "T5": "#CC79A7",
    "T6": "#56B4E9",
    "T7": "#000000",
    "T8": "#B8A300",
    "T9": "#999999",
}
#: (up, down) per colour scheme.
UP_DOWN = {
    # ColorBrewer RdYlGn's ends: a green and a red of similar weight
    "green-up": ("#1A9850", "#D73027"),
    "red-up": ("#D73027", "#1A9850"),
    # Okabe–Ito blue and vermillion
    "colour-blind": ("#0072B2", "#D55E00"),
}
#: Instrument line colours (Paul Tol's "muted" and two neutrals), cycled per instrument: kept apart
#: from the theme colours so a line is never read as a theme.
LINE_COLOURS = [
    "#332288",
    "#117733",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
    "#88CCEE",
    "#DDCC77",
    "#CC6677",
    "#555555",
]
