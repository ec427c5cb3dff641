"""Figure builders for the pages (pure functions of data frames): Plotly figures, and a
Vega-Lite spec for the Event study's first chart (:func:`event_window_chart` says why)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import palette
from analysis.report_figures import short_label
from data_sources.catalogue import theme_label
from pages import colours, formatting
from pages.i18n import PLOTLY_ZH_CN, language, t
from pages.text import escape_plotly

#: Colour-blind-safe line colours for instruments: Paul Tol's "muted" scheme, kept apart from
#: the Okabe–Ito colours that mark policy themes so a line is never read as a theme.
LINE_COLOURS = palette.LINE_COLOURS  # the report's too (analysis/palette.py)


def plot_config(filename: str) -> dict:
    """Plotly toolbar settings: the camera button saves a 2× PNG named after the view; in 中文
    the toolbar's tooltips and the date axes' month names are Chinese (a plotly locale)."""
    config = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }
    if language() == "zh":
        config |= {"locale": "zh-CN", "locales": {"zh-CN": PLOTLY_ZH_CN}}
    return config


def normalised_price_figure(
    closes: pd.DataFrame, measures: pd.DataFrame, labels: dict, theme_colours: dict, synthetic: bool
) -> go.Figure:
    """Lines of closes rebased to 100 at each series' first date, with policy markers.

    Plotly renders names and hover texts as HTML (a title with ``<a href>`` would be a live
    link), so every label and measure text is escaped here."""
    figure = go.Figure()
    rebased = closes.apply(lambda column: 100.0 * column / column.dropna().iloc[0])
    for position, symbol in enumerate(rebased.columns):
        series = rebased[symbol].dropna()
        figure.add_trace(
            go.Scatter(
                x=series.index,
                y=series.values,
                mode="lines",
                name=escape_plotly(labels.get(symbol, symbol)),
                line={"width": 1.6, "color": LINE_COLOURS[position % len(LINE_COLOURS)]},
                hovertemplate="%{x|%Y-%m-%d}: %{y:.1f}<extra>%{fullData.name}</extra>",
            )
        )
    top = float(rebased.max().max()) * 1.04 if len(rebased) else 100.0
    # One layout update with every marker line: add_vline per measure re-validates the whole
    # layout each time (quadratic; 0.4 s for the full catalogue).
    figure.update_layout(
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": row.event_session,
                "x1": row.event_session,
                "y0": 0,
                "y1": 1,
                "line": {
                    "color": theme_colours.get(row.theme, "#999999"),
                    "width": 1,
                    "dash": "dot",
                },
                "opacity": 0.6,
            }
            for row in measures.itertuples()
        ]
    )
    for theme, group in measures.groupby("theme", sort=True):
        colour = theme_colours.get(theme, "#999999")
        figure.add_trace(
            go.Scatter(
                x=group["event_session"],
                y=[top] * len(group),
                mode="markers",
                marker={
                    "symbol": "triangle-down",
                    "size": 11,
                    "color": colour,
                    "line": {"width": 0.5, "color": "#333"},
                },
                name=theme_label(theme, language()),
                legendgroup="measures",
                customdata=list(
                    zip(
                        group["title_en"].map(escape_plotly),
                        group["title_zh"].map(escape_plotly),
                        group["announcement_date"].dt.strftime("%Y-%m-%d"),
                        group["event_session"].dt.strftime("%Y-%m-%d"),
                        [theme_label(theme, language())] * len(group),
                        group["segments"].map(", ".join).map(escape_plotly),
                        group["id"],
                        strict=True,
                    )
                ),
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
                + t("announced")
                + " %{customdata[2]} · t0 %{customdata[3]}<br>%{customdata[4]}<br>"
                + t("segments")
                + ": %{customdata[5]}<extra></extra>",
            )
        )
    # Clicking picks markers only (Streamlit's point selection), not the price lines.
    figure.update_layout(clickmode="event+select")
    title = t("Rebased to 100 at each series' first date shown")
    if synthetic:
        title += t(" — SYNTHETIC DEMO DATA")
    figure.update_layout(
        title=title,
        height=520,
        hovermode="closest",
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.08},
        yaxis_title=t("Index (first date shown = 100)"),
        xaxis={
            "rangeselector": {
                "buttons": [
                    {"count": 6, "label": "6M", "step": "month", "stepmode": "backward"},
                    {"count": 1, "label": "1Y", "step": "year", "stepmode": "backward"},
                    {"count": 3, "label": "3Y", "step": "year", "stepmode": "backward"},
                    {"step": "all", "label": t("All")},
                ]
            }
        },
    )
    return figure


#: Beyond this many measure × instrument pairs the event-window chart drops the daily AR bars
#: (CAR lines only) and, with several measures, draws one panel per measure.
HANDFUL_OF_PAIRS = 4
#: Panels per row in the one-panel-per-measure view.
PANEL_COLUMNS = 3


def _axis_lines(figure: go.Figure, *, x: float, y: float, x_line: dict, y_line: dict) -> None:
    """A vertical line at ``x`` and a horizontal one at ``y`` across a single-panel figure:
    the shapes ``add_vline``/``add_hline`` make, set in one layout update (those walk the
    figure's subplots and re-validate it, ten times the cost of the whole rest of a small
    figure, on every new study)."""
    figure.update_layout(
        shapes=[
            {"type": "line", "xref": "x", "x0": x, "x1": x, "yref": "y domain", "y0": 0,
             "y1": 1, "line": x_line},
            {"type": "line", "yref": "y", "y0": y, "y1": y, "xref": "x domain", "x0": 0,
             "x1": 1, "line": y_line},
        ]
    )  # fmt: skip


def event_window_chart(
    abnormal_returns: pd.DataFrame,
    labels: dict,
    synthetic: bool,
    title: str,
    car_path: pd.DataFrame | None = None,
    *,
    scheme: str | None = None,
    event_titles: dict | None = None,
) -> dict:
    """The Event study's chart, a Vega-Lite spec (``st.vega_lite_chart``): AR bars and CAR
    lines (both in %) against relative session, one colour per instrument; with ``car_path``
    (and at most :data:`HANDFUL_OF_PAIRS` pairs) a 95 % band of CAR ± 1.96 SE around each.
    Each AR bar is filled with the up or down colour of ``scheme`` (default: the current one,
    :mod:`pages.colours`) and outlined in its instrument's colour; the legend lists the
    instruments (clicking an entry fades every other one). Beyond :data:`HANDFUL_OF_PAIRS`
    pairs the AR bars are dropped (CAR lines only; the daily ARs are in the table), and
    several measures get one panel each (:func:`event_window_panels`). The spec's
    ``datasets`` are data frames, one per layer (``band``, ``ar_bars``, ``car_lines``).

    Why Vega-Lite and not Plotly, like the other charts: this is the chart every visit of the
    Event study draws first, and the browser's Plotly code is 4.7 MB of JavaScript that takes
    it a second or more to load and parse on a two-core machine; Streamlit's Vega-Lite code is
    a sixth of that (a bare page with one line chart: 1.7 s against 3.2 s in Chromium here).
    The sections opened later keep Plotly. Written as a plain dict, not through Altair, whose
    objects and validation took 0.17 s per new study; Vega draws text as text (no HTML), so
    names and titles are used as they are."""
    groups = abnormal_returns.groupby(["event_id", "instrument"], sort=False)
    several_events = abnormal_returns["event_id"].nunique() > 1
    if several_events and groups.ngroups > HANDFUL_OF_PAIRS:
        return event_window_panels(abnormal_returns, labels, synthetic, title, event_titles)
    bars = groups.ngroups <= HANDFUL_OF_PAIRS
    bands = bars and car_path is not None and len(car_path) > 0
    lines, band_rows, bar_rows = [], [], []
    width = 0.8 / groups.ngroups  # the bars of one session share 0.8 of its unit on the axis
    for position, ((event_id, symbol), group) in enumerate(groups):
        series = labels.get(symbol, symbol) + (f" · {event_id}" if several_events else "")
        rel_day = group["rel_day"].to_numpy()
        dates = group["date"].dt.strftime("%Y-%m-%d").to_numpy()
        lines.append(
            pd.DataFrame(
                {"series": series, "rel_day": rel_day, "date": dates, "car_pct": 100 * group["car"]}
            )
        )
        if bars:
            left = rel_day - 0.4 + position * width
            bar_rows.append(
                pd.DataFrame(
                    {
                        "series": series,
                        "rel_day": rel_day,
                        "date": dates,
                        "left": left,
                        "right": left + width,
                        "ar_pct": 100 * group["abnormal_return"],
                        "fill": colours.sign_colours(group["abnormal_return"], scheme),
                    }
                )
            )
        if bands:
            path = car_path[(car_path["event_id"] == event_id) & (car_path["instrument"] == symbol)]
            band_rows.append(
                pd.DataFrame(
                    {
                        "series": series,
                        "rel_day": path["rel_day"],
                        "upper_pct": 100 * (path["car"] + 1.96 * path["car_se"]),
                        "lower_pct": 100 * (path["car"] - 1.96 * path["car_se"]),
                    }
                )
            )
    names = [frame["series"].iat[0] for frame in lines]
    colour = {"domain": names, "range": _line_colours(len(names))}
    x_title = t("Relative session (0 = event session t0)")
    y_title = t("Abnormal return / CAR (%)") if bars else t("CAR (%)")
    first, last = abnormal_returns["rel_day"].min(), abnormal_returns["rel_day"].max()
    x = {
        "field": "rel_day",
        "type": "quantitative",
        "title": x_title,
        "axis": {"tickMinStep": 1},
        # half a session either side: room for the first and last bars, no empty "nice" ticks
        "scale": {"domain": [int(first) - 0.5, int(last) + 0.5], "nice": False},
    }

    datasets = {"car_lines": pd.concat(lines, ignore_index=True), "one_row": [{"zero": 0}]}
    layers = []
    if bands:
        datasets["band"] = pd.concat(band_rows, ignore_index=True)
        layers.append(
            {
                "data": {"name": "band"},
                "mark": {"type": "area", "opacity": 0.12},
                "encoding": {
                    "x": x,
                    "y": {"field": "lower_pct", "type": "quantitative", "title": y_title},
                    "y2": {"field": "upper_pct"},
                    # fill, not color: a color legend turned off here would hide the lines'
                    "fill": {"field": "series", "type": "nominal", "scale": colour, "legend": None},
                },
            }
        )
    if bars:
        datasets["ar_bars"] = pd.concat(bar_rows, ignore_index=True)
        layers.append(
            {
                "data": {"name": "ar_bars"},
                "mark": {"type": "bar", "strokeWidth": 1},
                "encoding": {
                    "x": x | {"field": "left"},
                    "x2": {"field": "right"},
                    "y": {"field": "ar_pct", "type": "quantitative", "title": y_title},
                    "y2": {"datum": 0},  # from zero, not a sliver at the value
                    "fill": {"field": "fill", "type": "nominal", "scale": None, "legend": None},
                    "stroke": {
                        "field": "series",
                        "type": "nominal",
                        "scale": colour,
                        "legend": None,
                    },
                    "opacity": _faded_unless_chosen(0.85, 0.1),
                    "tooltip": _tooltip("ar_pct", "AR (%)"),
                },
            }
        )
    layers.append(
        {
            "data": {"name": "car_lines"},
            "mark": {"type": "line", "point": True, "strokeWidth": 2.2},
            "params": [_LEGEND_CHOICE],
            "encoding": {
                "x": x,
                "y": {"field": "car_pct", "type": "quantitative", "title": y_title},
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "scale": colour,
                    "legend": {"title": None, "orient": "bottom", "columns": 2, "labelLimit": 420},
                },
                "opacity": _faded_unless_chosen(1.0, 0.15),
                "tooltip": _tooltip("car_pct", "CAR (%)"),
            },
        }
    )
    layers += [{"data": {"name": "one_row"}} | rule for rule in _zero_rules()]
    return {
        "title": _chart_title(title, synthetic),
        "width": "container",
        "height": 420,
        "datasets": datasets,
        "layer": layers,
        # the lines' legend stands alone (merged with the band's and the bars' channels,
        # which have none, it would not be drawn)
        "resolve": {"legend": {"fill": "independent", "stroke": "independent"}},
    }


#: Clicking an instrument in the legend fades the others (Vega-Lite point selection).
_LEGEND_CHOICE = {
    "name": "instrument",
    "select": {"type": "point", "fields": ["series"]},
    "bind": "legend",
}


def _faded_unless_chosen(opacity: float, faded: float) -> dict:
    """A mark's opacity: ``opacity`` while no instrument or its own is chosen in the legend
    (:data:`_LEGEND_CHOICE`), ``faded`` while another is."""
    return {"condition": {"param": "instrument", "value": opacity}, "value": faded}


def _tooltip(field: str, label: str) -> list[dict]:
    """A point's hover text: its instrument, session, date and ``field`` (in %) as ``label``."""
    return [
        {"field": "series", "type": "nominal", "title": t("Instrument")},
        {"field": "rel_day", "type": "quantitative", "title": t("Relative session")},
        {"field": "date", "type": "nominal", "title": t("Date")},
        {"field": field, "type": "quantitative", "title": label, "format": ".2f"},
    ]


def _line_colours(n: int) -> list[str]:
    return [LINE_COLOURS[i % len(LINE_COLOURS)] for i in range(n)]


def _chart_title(title: str, synthetic: bool) -> dict:
    text = title + (t(" — SYNTHETIC DEMO DATA") if synthetic else "")
    return {"text": text, "anchor": "start", "fontSize": 15, "limit": 0}


def _zero_rules() -> list[dict]:
    """The event session (x = 0, dashed) and zero CAR (y = 0)."""
    return [
        {
            "mark": {"type": "rule", "color": "#555", "strokeDash": [4, 3], "strokeWidth": 1},
            "encoding": {"x": {"datum": 0}},
        },
        {
            "mark": {"type": "rule", "color": "#888", "strokeWidth": 1},
            "encoding": {"y": {"datum": 0}},
        },
    ]


def event_window_panels(
    abnormal_returns: pd.DataFrame,
    labels: dict,
    synthetic: bool,
    title: str,
    event_titles: dict | None = None,
) -> dict:
    """Small multiples (a Vega-Lite facet): one panel per measure (in study order,
    :data:`PANEL_COLUMNS` a row) with the CAR (%) of its instruments, one colour per
    instrument across every panel and one legend entry per instrument (clicking it fades the
    others in every panel); shared axes, so panels compare at a glance. A panel is titled
    with its number in study order and its measure's title cut short
    (:func:`analysis.report_figures.short_label`). The data set is ``car_lines``."""
    event_titles = event_titles or {}
    events = list(dict.fromkeys(abnormal_returns["event_id"]))
    instruments = list(dict.fromkeys(abnormal_returns["instrument"]))
    names = [labels.get(s, s) for s in instruments]
    panel = {
        event_id: f"{number}. " + short_label(str(event_titles.get(event_id, event_id)), 44)
        for number, event_id in enumerate(events, start=1)
    }
    frame = pd.DataFrame(
        {
            "panel": abnormal_returns["event_id"].map(panel).to_numpy(),
            "series": abnormal_returns["instrument"].map(lambda s: labels.get(s, s)).to_numpy(),
            "rel_day": abnormal_returns["rel_day"].to_numpy(),
            "date": abnormal_returns["date"].dt.strftime("%Y-%m-%d").to_numpy(),
            "car_pct": 100 * abnormal_returns["car"].to_numpy(),
        }
    )
    lines = {
        "mark": {"type": "line", "point": {"size": 14}, "strokeWidth": 1.8},
        "params": [_LEGEND_CHOICE],
        "encoding": {
            "x": {
                "field": "rel_day",
                "type": "quantitative",
                "title": t("Relative session"),
                "axis": {"tickMinStep": 1},
            },
            "y": {"field": "car_pct", "type": "quantitative", "title": "CAR (%)"},
            "color": {
                "field": "series",
                "type": "nominal",
                "scale": {"domain": names, "range": _line_colours(len(names))},
                "legend": {"title": None, "orient": "bottom", "columns": 3, "labelLimit": 300},
            },
            "opacity": _faded_unless_chosen(1.0, 0.15),
            "tooltip": [
                {"field": "panel", "type": "nominal", "title": t("Measure")},
                *_tooltip("car_pct", "CAR (%)"),
            ],
        },
    }
    # one rule of each per panel: the panel's rows counted into one
    rules = [{"transform": [{"aggregate": [{"op": "count", "as": "rows"}]}]} | rule
             for rule in _zero_rules()]  # fmt: skip
    return {
        "title": _chart_title(title + " · " + t("CAR (%) by measure"), synthetic),
        "datasets": {"car_lines": frame},
        "data": {"name": "car_lines"},
        "facet": {
            "field": "panel",
            "type": "nominal",
            "sort": list(panel.values()),
            "title": None,
            "header": {"labelFontSize": 12, "labelLimit": 300, "labelAnchor": "start"},
        },
        "columns": min(PANEL_COLUMNS, len(events)),
        "spec": {"width": 270, "height": 190, "layer": [lines, *rules]},
    }


def placebo_figure(
    draws: pd.DataFrame,
    observed: float,
    name: str,
    p_value: float,
    synthetic: bool,
    scheme: str | None = None,
) -> go.Figure:
    """Histogram of placebo CARs (%) in grey with the observed CAR marked in its sign's colour
    under ``scheme`` (default: the current one, :mod:`pages.colours`)."""
    figure = go.Figure(
        go.Histogram(
            x=100 * draws["car"].dropna(), nbinsx=50, marker_color="#BBBBBB", name=t("placebo CARs")
        )
    )
    figure.add_vline(
        x=100 * observed,
        line={"color": colours.sign_colours([observed], scheme)[0], "width": 3},
        annotation_text=t("observed {car:.2f}% (p = {p:.3f})", car=100 * observed, p=p_value),
        annotation_position="top",
    )
    title = t("Placebo distribution of the CAR — {name}", name=escape_plotly(name))
    if synthetic:
        title += t(" — SYNTHETIC DEMO DATA")
    figure.update_layout(
        title=title,
        height=360,
        xaxis_title=t("CAR over the event window (%)"),
        yaxis_title=t("Pseudo-event sessions"),
        showlegend=False,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure


def response_by_day_figure(
    frame: pd.DataFrame,
    value: str,
    labels: dict,
    synthetic: bool,
    title: str,
    y_title: str,
    reference: float,
) -> go.Figure:
    """One line per instrument (averaged over events) of ``value`` by relative session, with a
    dashed reference line at the no-effect level (0 for abnormal log volume, 1 for a ratio)."""
    figure = go.Figure()
    means = frame.groupby(["instrument", "rel_day"], sort=True)[value].mean().reset_index()
    for position, (instrument, group) in enumerate(means.groupby("instrument", sort=False)):
        figure.add_trace(
            go.Scatter(
                x=group["rel_day"],
                y=group[value],
                mode="lines+markers",
                name=escape_plotly(labels.get(instrument, instrument)),
                line={"color": LINE_COLOURS[position % len(LINE_COLOURS)], "width": 1.6},
                hovertemplate=t("day") + " %{x}: %{y:.3f}<extra>%{fullData.name}</extra>",
            )
        )
    _axis_lines(
        figure,
        x=0,
        y=reference,
        x_line={"dash": "dot", "color": "#666", "width": 1},
        y_line={"dash": "dash", "color": "#666", "width": 1},
    )
    figure.update_layout(
        title=title + (t(" — SYNTHETIC DEMO DATA") if synthetic else ""),
        height=380,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis_title=t("Relative session (0 = event session t0)"),
        yaxis_title=y_title,
        legend={"orientation": "h", "yanchor": "top", "y": -0.2},
    )
    return figure


def themes_heatmap_figure(
    cells: pd.DataFrame,
    theme_ids: list[str],
    segment_ids: list[str],
    window: tuple[int, int],
    synthetic: bool,
    scheme: str | None = None,
) -> go.Figure:
    """Theme × segment heat-map of CAAR (%) with stars, and invisible markers on every cell
    centre that carry the hover details and the clicks (Plotly selects points, not heat-map
    cells; a marker's customdata is ``"theme|segment"``, ``""`` on an empty cell).
    ``theme_ids`` / ``segment_ids``: rows and columns, in order.

    The markers must take part in hovering: a trace with ``hoverinfo="skip"`` sends no click
    either, and the heat-map cell was never chosen (issue 15). So the markers hover (with the
    cell's text) and the heat-map itself does not, and every cell is the nearest marker's
    (``hoverdistance=-1``) wherever it is clicked.
    Colours: the diverging scale of ``scheme`` (default: the current one, :mod:`pages.colours`),
    centred on a CAAR of 0."""
    grid = cells.set_index(["theme", "segment"])
    z = np.full((len(theme_ids), len(segment_ids)), np.nan)
    text = [["" for _ in segment_ids] for _ in theme_ids]
    hover = [["" for _ in segment_ids] for _ in theme_ids]
    xs, ys, keys = [], [], []
    for i, theme in enumerate(theme_ids):
        for j, segment in enumerate(segment_ids):
            xs.append(segment)
            ys.append(formatting.theme_short(theme))
            if (theme, segment) not in grid.index:
                keys.append("")
                hover[i][j] = t("No measure studied in this cell")
                continue
            cell = grid.loc[(theme, segment)]
            z[i, j] = 100 * cell["caar"]
            tested = pd.notna(cell["p_value"])
            stars = formatting.significance_stars(cell["p_value"]) if tested else ""
            text[i][j] = f"{100 * cell['caar']:+.1f}{stars}"
            p_text = f"{cell['p_value']:.3f}" if tested else "—"
            hover[i][j] = (
                f"<b>{formatting.theme_short(theme)}</b> × {formatting.segment_name(segment)}<br>"
                f"CAAR {100 * cell['caar']:+.2f}% · p {p_text}<br>"
                + t(
                    "{m} measure(s) in {c} overlap cluster(s), {n} pair(s)",
                    m=cell["n_measures"],
                    c=cell["n_clusters"],
                    n=cell["n_pairs"],
                )
                + f"<br>{formatting.cell_test(cell['test'])}"
            )
            keys.append(f"{theme}|{segment}")
    limit = float(np.nanmax(np.abs(z))) if np.isfinite(z).any() else 1.0
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=segment_ids,
            y=[formatting.theme_short(theme) for theme in theme_ids],
            text=text,
            texttemplate="%{text}",
            hoverinfo="skip",  # the markers above hover, with the same text
            # down colour → light grey at 0 → up colour
            colorscale=colours.diverging_scale(scheme),
            zmid=0,
            zmin=-limit,
            zmax=limit,
            colorbar={"title": "CAAR %"},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="markers",
            customdata=keys,
            text=[row for rows in hover for row in rows],
            hovertemplate="%{text}<extra></extra>",
            showlegend=False,
            marker={"size": 28, "opacity": 0, "symbol": "square"},
            selected={"marker": {"opacity": 0}},
            unselected={"marker": {"opacity": 0}},
        )
    )
    title = t("CAAR over [{a}, {b}] sessions, %", a=window[0], b=window[1])
    figure.update_layout(
        title=title + (t(" — SYNTHETIC DEMO DATA") if synthetic else ""),
        height=140 + 42 * len(theme_ids),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis={"title": t("Segment"), "side": "top"},
        yaxis={"autorange": "reversed"},
        clickmode="event+select",
        hovermode="closest",
        hoverdistance=-1,
    )
    return figure
