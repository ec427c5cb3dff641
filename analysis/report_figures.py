"""Plotly figures built without Streamlit: the forest plot (the Event study, the Themes page and
the HTML report draw the same one) and the report's event-window, CAR-path and placebo charts.

Fixed texts pass through ``text`` (a translation function: the pages give
:func:`pages.i18n.t`, the report its own table, :data:`analysis.report.REPORT_ZH`); user text
(titles, ids, series names) is HTML-escaped, since Plotly renders a small HTML subset in names,
titles and hover texts. Colours are given by the caller; the defaults are the pages' own, from
:mod:`analysis.palette`, which both read.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.palette import LINE_COLOURS, THEME_COLOURS, UP_DOWN

SCHEME_COLOURS = UP_DOWN  # (up, down) per colour scheme, as the pages draw them
#: The marker of each expected sign: ▲ a rise expected, ▼ a fall, ◆ ambiguous, ● none stated.
SIGN_SYMBOLS = {"+": "triangle-up", "-": "triangle-down", "ambiguous": "diamond", "": "circle"}

Text = Callable[..., str]


def _plain(text: str, **values) -> str:
    return text.format(**values) if values else text


def escape(value) -> str:
    """User text for a Plotly name/title/hover: its HTML shown as text, on one line."""
    return html.escape(" ".join(str(value).split()), quote=False)


#: Room (in Latin characters; a Chinese one takes two) for a forest row's label: a longer one
#: is cut with "…" (the hover shows it whole), so Plotly never clips it at the figure's edge.
LABEL_WIDTH = 44


def short_label(text: str, width: int = LABEL_WIDTH) -> str:
    """``text`` cut to about ``width`` Latin characters' room, a wide (CJK) character counting
    two (``unicodedata.east_asian_width``); the pages' chart titles are cut the same way."""
    used = 0
    for position, character in enumerate(text):
        used += 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1
        if used > width - 1 and position < len(text) - 1:
            return text[:position].rstrip() + "…"
    return text


def rgba(colour: str, alpha: float) -> str:
    """``#RRGGBB`` as a CSS ``rgba()`` with opacity ``alpha``."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def forest_figure(
    table: pd.DataFrame,
    *,
    synthetic: bool = False,
    scheme: str = "green-up",
    text: Text = _plain,
    theme_names: Mapping[str, str] | None = None,
    theme_colours: Mapping[str, str] | None = None,
) -> go.Figure:
    """One row per row of ``table`` (:func:`analysis.forest.forest_table`, in the order to
    show, top first): the CAR (%) as a marker coloured by the measure's theme, shaped by its
    expected sign (:data:`SIGN_SYMBOLS`), with its 95 % interval as an error bar; the half of
    the plot where a CAR is a rise is shaded in the scheme's up colour, the other half in its
    down colour. Segment rows are indented under their measure."""
    theme_colours = theme_colours or THEME_COLOURS
    theme_names = theme_names or {}
    up, down = SCHEME_COLOURS.get(scheme, SCHEME_COLOURS["green-up"])
    figure = go.Figure()
    # a category axis needs unique labels: a repeated one (two segment rows "· ALL" under two
    # measures, two measures of one title) gets invisible zero-width spaces after it
    seen: dict[str, int] = {}
    unique = []
    for row in table.itertuples():
        label = (
            escape(short_label(str(row.title)))
            if row.level == "measure"
            else f"   · {escape(short_label(str(row.segment), LABEL_WIDTH - 5))}"
        )
        unique.append(label + "\u200b" * seen.get(label, 0))
        seen[label] = seen.get(label, 0) + 1
    y_of = dict(zip(table.index, unique, strict=True))
    for theme, group in table.groupby("theme", sort=False):
        colour = theme_colours.get(theme, "#999999")
        car = 100 * group["car"]
        low, high = 100 * group["ci_low"], 100 * group["ci_high"]
        name = escape(theme_names.get(theme, theme) or text("no theme"))
        # the legend shows the theme's colour as a plain dot (a row's marker is its sign)
        figure.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=name,
                legendgroup=theme,
                marker={"color": colour, "size": 11, "symbol": "circle"},
                hoverinfo="skip",
            )
        )
        figure.add_trace(
            go.Scatter(
                x=car,
                y=[y_of[i] for i in group.index],
                mode="markers",
                name=name,
                legendgroup=theme,
                showlegend=False,
                marker={
                    "color": colour,
                    "size": np.where(group["level"] == "measure", 13, 9),
                    "symbol": [SIGN_SYMBOLS.get(s, "circle") for s in group["expected_sign"]],
                    "line": {"color": "#333333", "width": 1},
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (high - car).to_numpy(),
                    "arrayminus": (car - low).to_numpy(),
                    "color": colour,
                    "thickness": 2,
                    "width": 4,
                },
                customdata=np.column_stack(
                    [
                        low.round(4),
                        high.round(4),
                        group["t_stat"].round(3),
                        group["n"],
                        group["event_session"].dt.strftime("%Y-%m-%d"),
                        [escape(s) or "—" for s in group["expected_sign"]],
                        [escape(s) for s in group["test"]],
                        [
                            escape(title if level == "measure" else f"{title} · {segment}")
                            for title, level, segment in zip(
                                group["title"], group["level"], group["segment"], strict=True
                            )
                        ],
                    ]
                ),
                hovertemplate="CAR %{x:.2f}% [%{customdata[0]}, %{customdata[1]}]<br>"
                + "t %{customdata[2]} · N %{customdata[3]} · t0 %{customdata[4]}<br>"
                + text("expected sign")
                + " %{customdata[5]} · %{customdata[6]}<extra>%{customdata[7]}</extra>",
            )
        )
    finite = pd.concat([table["ci_low"], table["ci_high"], table["car"]]).dropna()
    reach = 100 * float(finite.abs().max()) * 1.1 if len(finite) else 1.0
    reach = reach if reach > 0 else 1.0
    figure.add_vrect(x0=0, x1=reach, fillcolor=rgba(up, 0.07), line_width=0, layer="below")
    figure.add_vrect(x0=-reach, x1=0, fillcolor=rgba(down, 0.07), line_width=0, layer="below")
    figure.add_vline(x=0, line={"color": "#555", "width": 1})
    windows = set(zip(table["window_start"], table["window_end"], strict=True))
    if len(windows) == 1:
        a, b = windows.pop()
        title = text("CAR [{a}, {b}] per measure with its 95% interval", a=int(a), b=int(b))
    else:  # e.g. a measure whose t0 is uncertain has its CAR over [0, +1]
        title = text("CAR per measure with its 95% interval")
    if synthetic:
        title += text(" — SYNTHETIC DEMO DATA")
    tests = [s for s in dict.fromkeys(table["test"]) if s]
    # the figure says which test its intervals come from (a one-pair row: its own t-test)
    x_title = "CAR (%) · " + text("95% interval: {tests}", tests=", ".join(tests))
    figure.update_layout(
        title=title,
        height=max(260, 120 + 30 * len(table)),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis={"title": x_title, "range": [-reach, reach], "zeroline": False},
        # automargin makes room for the labels; Plotly drops it (and clips every label at the
        # figure's edge) when they would leave too little plot: hence LABEL_WIDTH
        yaxis={"autorange": "reversed", "type": "category", "automargin": True},
        legend={"title": {"text": text("Theme")}},
    )
    return figure


def car_path_figure(
    abnormal_returns: pd.DataFrame,
    car_path: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    title: str = "",
    synthetic: bool = False,
    scheme: str = "green-up",
    text: Text = _plain,
    bars: bool = True,
) -> go.Figure:
    """The event window: each pair's CAR path (%) with its 95 % band (CAR ± 1.96 SE, the SE of
    the CAR table) and, with ``bars``, its daily ARs as bars in the scheme's up/down colours."""
    labels = labels or {}
    up, down = SCHEME_COLOURS.get(scheme, SCHEME_COLOURS["green-up"])
    figure = go.Figure()
    groups = abnormal_returns.groupby(["event_id", "instrument"], sort=False)
    several = abnormal_returns["event_id"].nunique() > 1
    for position, ((event_id, symbol), group) in enumerate(groups):
        colour = LINE_COLOURS[position % len(LINE_COLOURS)]
        name = escape(labels.get(symbol, symbol) + (f" · {event_id}" if several else ""))
        path = car_path[(car_path["event_id"] == event_id) & (car_path["instrument"] == symbol)]
        if len(path):
            upper = 100 * (path["car"] + 1.96 * path["car_se"])
            lower = 100 * (path["car"] - 1.96 * path["car_se"])
            figure.add_trace(
                go.Scatter(
                    x=list(path["rel_day"]) + list(path["rel_day"])[::-1],
                    y=list(upper) + list(lower)[::-1],
                    fill="toself",
                    fillcolor=rgba(colour, 0.12),
                    line={"width": 0},
                    hoverinfo="skip",
                    legendgroup=name,
                    showlegend=False,
                )
            )
        if bars:
            values = group["abnormal_return"]
            figure.add_trace(
                go.Bar(
                    x=group["rel_day"],
                    y=100 * values,
                    name=f"AR {name}",
                    marker={
                        "color": [up if v >= 0 else down for v in values.fillna(0)],
                        "line": {"color": colour, "width": 1},
                    },
                    legendgroup=name,
                    showlegend=False,
                    hovertemplate="AR %{y:.2f}%<extra>" + name + "</extra>",
                )
            )
        figure.add_trace(
            go.Scatter(
                x=group["rel_day"],
                y=100 * group["car"],
                name=f"CAR {name}",
                legendgroup=name,
                mode="lines+markers",
                line={"color": colour, "width": 2},
                hovertemplate="CAR %{y:.2f}%<extra>" + name + "</extra>",
            )
        )
    figure.add_vline(x=0, line={"color": "#555", "dash": "dash", "width": 1})
    figure.add_hline(y=0, line={"color": "#888", "width": 1})
    title = escape(title)
    if synthetic:
        title += text(" — SYNTHETIC DEMO DATA")
    figure.update_layout(
        title=title,
        barmode="group",
        height=440,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis_title=text("Relative session (0 = event session t0)"),
        yaxis_title=text("Abnormal return / CAR (%)") if bars else "CAR (%)",
        # below the x-axis title (about 60 px under the plot), never over it
        legend={"orientation": "h", "yanchor": "top", "y": -0.28},
    )
    return figure


def placebo_figure(
    draws: pd.DataFrame,
    observed: float,
    name: str,
    p_value: float,
    *,
    synthetic: bool = False,
    scheme: str = "green-up",
    text: Text = _plain,
) -> go.Figure:
    """The placebo CARs (%) of one series as a histogram, the observed CAR as a line."""
    up, down = SCHEME_COLOURS.get(scheme, SCHEME_COLOURS["green-up"])
    figure = go.Figure(
        go.Histogram(
            x=100 * draws["car"].dropna(),
            nbinsx=50,
            marker_color="#BBBBBB",
            name=text("placebo CARs"),
        )
    )
    figure.add_vline(
        x=100 * observed,
        line={"color": up if observed >= 0 else down, "width": 3},
        annotation_text=text("observed {car:.2f}% (p = {p:.3f})", car=100 * observed, p=p_value),
    )
    title = text("Placebo distribution of the CAR — {name}", name=escape(name))
    if synthetic:
        title += text(" — SYNTHETIC DEMO DATA")
    figure.update_layout(
        title=title,
        height=360,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis_title=text("CAR over the event window (%)"),
        yaxis_title=text("Pseudo-event sessions"),
        showlegend=False,
    )
    return figure


#: Panels per row in :func:`car_panels_figure` (as ``pages.charts.PANEL_COLUMNS``).
PANEL_COLUMNS = 2


def car_panels_figure(
    abnormal_returns: pd.DataFrame,
    *,
    event_titles: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    title: str = "",
    synthetic: bool = False,
    text: Text = _plain,
) -> go.Figure:
    """Several measures: one panel per measure (study order, :data:`PANEL_COLUMNS` a row) with
    the CAR (%) of its instruments, no bands and no bars (as the dashboard's
    ``pages.charts.event_window_panels``): one colour and one legend entry per instrument
    across the panels, shared axes; the legend sits below the x-axis titles."""
    from plotly.subplots import make_subplots

    event_titles = event_titles or {}
    labels = labels or {}
    events = list(dict.fromkeys(abnormal_returns["event_id"]))
    instruments = list(dict.fromkeys(abnormal_returns["instrument"]))
    colours = {s: LINE_COLOURS[i % len(LINE_COLOURS)] for i, s in enumerate(instruments)}
    columns = min(PANEL_COLUMNS, len(events))
    rows = -(-len(events) // columns)
    figure = make_subplots(
        rows=rows,
        cols=columns,
        shared_xaxes="all",
        shared_yaxes="all",
        subplot_titles=[escape(short_label(str(event_titles.get(e, e)))) for e in events],
        vertical_spacing=min(0.3, 70 / (260 * rows)),
        horizontal_spacing=0.06,
    )
    shown: set[str] = set()
    for event_id, event_rows in abnormal_returns.groupby("event_id", sort=False):
        row, column = divmod(events.index(event_id), columns)
        for symbol, group in event_rows.groupby("instrument", sort=False):
            name = escape(labels.get(symbol, symbol))
            figure.add_trace(
                go.Scatter(
                    x=group["rel_day"],
                    y=100 * group["car"],
                    name=name,
                    legendgroup=str(symbol),
                    showlegend=symbol not in shown,
                    mode="lines",
                    line={"color": colours[symbol], "width": 2},
                    hovertemplate="CAR %{y:.2f}%<extra>" + name + "</extra>",
                ),
                row=row + 1,
                col=column + 1,
            )
            shown.add(symbol)
    figure.add_vline(x=0, line={"color": "#555", "dash": "dash", "width": 1})
    figure.add_hline(y=0, line={"color": "#888", "width": 1})
    title = escape(title)
    if synthetic:
        title += text(" — SYNTHETIC DEMO DATA")
    height = 120 + 260 * rows
    figure.update_layout(
        title=title,
        height=height,
        margin={"l": 10, "r": 10, "t": 90, "b": 10},  # the title above the panels' titles
        # below the last row's x-axis title (about 60 px under the plot), never over it
        legend={"orientation": "h", "yanchor": "top", "y": -70 / (height - 70)},
    )
    figure.update_xaxes(title_text=text("Relative session (0 = event session t0)"), row=rows)
    figure.update_yaxes(title_text="CAR (%)", col=1)
    return figure
