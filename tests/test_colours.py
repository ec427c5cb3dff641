"""Colours for up and down (issue 15, point 10): red up in 中文 by default, green up in English,
a colour-blind-safe blue/orange, a user's choice kept across a language switch and in the URL,
and every figure that shows a sign drawn (and cached) in the current scheme."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pages import charts, colours
from tests.apptest_helpers import goto, open_sections, vega_charts


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def reads_as(colour: str) -> str:
    """The colour family a person names, from the RGB channels (not from the module's table)."""
    red, green, blue = _rgb(colour)
    if blue > red and blue > green:
        return "blue"
    if green > red and green > blue:
        return "green"
    if red > green > blue and green >= 0.3 * red:
        return "orange"
    if red > green and red > blue:
        return "red"
    return "other"


#: What the positive and the negative end of each scheme look like.
EXPECTED = {
    "green-up": ("green", "red"),
    "red-up": ("red", "green"),
    "colour-blind": ("blue", "orange"),
}


# -- pure pieces ------------------------------------------------------------------------------


def test_each_scheme_has_the_up_and_down_colours_it_promises():
    for name, (up, down) in EXPECTED.items():
        assert reads_as(colours.up_colour(name)) == up, name
        assert reads_as(colours.down_colour(name)) == down, name


def test_the_default_scheme_follows_the_language():
    assert colours.default_scheme("zh") == "red-up"
    assert colours.default_scheme("en") == "green-up"


def _cells() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme": ["T1", "T1"],
            "segment": ["CHN", "STAR"],
            "caar": [0.021, -0.008],
            "p_value": [0.03, np.nan],
            "n_measures": [2, 1],
            "n_clusters": [2, 1],
            "n_pairs": [2, 1],
            "test": ["cross-sectional t over 2 clusters", "CAR t-test (1 measure, 1 instrument)"],
        }
    )


@pytest.mark.parametrize("scheme", list(EXPECTED))
def test_the_heatmap_runs_from_the_down_colour_through_grey_to_the_up_colour(scheme):
    figure = charts.themes_heatmap_figure(
        _cells(), ["T1"], ["CHN", "STAR"], (-1, 1), False, scheme=scheme
    )
    heatmap = figure.data[0]
    scale = [list(stop) for stop in heatmap.colorscale]
    up, down = EXPECTED[scheme]
    assert scale[0][0] == 0 and reads_as(scale[0][1]) == down
    assert scale[-1][0] == 1 and reads_as(scale[-1][1]) == up
    middle = _rgb(next(colour for position, colour in scale if position == 0.5))
    assert min(middle) >= 0xE0 and max(middle) - min(middle) <= 16  # a light grey
    # centred on zero: the positive cell takes the up end, the negative one the down side
    assert heatmap.zmid == 0 and heatmap.zmin == -heatmap.zmax


def _abnormal_returns() -> pd.DataFrame:
    ar = [0.01, -0.02, 0.0, 0.015, -0.005]
    return pd.DataFrame(
        {
            "event_id": "m1",
            "instrument": "000300.SH",
            "rel_day": [-2, -1, 0, 1, 2],
            "date": pd.bdate_range("2020-08-03", periods=5),
            "abnormal_return": ar,
            "car": np.cumsum(ar),
        }
    )


@pytest.mark.parametrize("scheme", list(EXPECTED))
def test_each_ar_bar_takes_the_colour_of_its_sign(scheme):
    spec = charts.event_window_chart(
        _abnormal_returns(), {"000300.SH": "CSI 300"}, False, "A measure", scheme=scheme
    )
    layers = {layer["data"]["name"]: layer for layer in spec["layer"]}
    bars = spec["datasets"]["ar_bars"]
    assert layers["ar_bars"]["encoding"]["fill"] == {
        "field": "fill", "type": "nominal", "scale": None, "legend": None
    }  # fmt: skip
    up, down = EXPECTED[scheme]
    # +1 %, −2 %, 0, +1.5 %, −0.5 %: a zero return counts as no fall
    assert [reads_as(colour) for colour in bars["fill"]] == [up, down, up, up, down]
    assert list(bars["ar_pct"]) == pytest.approx([1.0, -2.0, 0.0, 1.5, -0.5])
    # the instrument stays recognisable: its CAR line's colour outlines its bars
    stroke = layers["ar_bars"]["encoding"]["stroke"]
    line = layers["car_lines"]["encoding"]["color"]
    assert stroke["field"] == line["field"] == "series" and stroke["scale"] == line["scale"]
    assert line["scale"]["domain"] == ["CSI 300"]


@pytest.mark.parametrize(("observed", "side"), [(0.012, 0), (-0.012, 1)])
@pytest.mark.parametrize("scheme", list(EXPECTED))
def test_the_placebo_marks_the_observed_car_in_its_signs_colour(scheme, observed, side):
    draws = pd.DataFrame({"car": np.linspace(-0.03, 0.03, 41)})
    figure = charts.placebo_figure(draws, observed, "CSI 300", 0.2, False, scheme=scheme)
    line = figure.layout.shapes[0]
    assert reads_as(line.line.color) == EXPECTED[scheme][side]


def test_table_returns_are_coloured_by_sign():
    frame = pd.DataFrame({"car_pct": [1.5, -0.5, 0.0, np.nan], "name": ["a", "b", "c", "d"]})
    styles = [colours.text_style(value, "red-up") for value in frame["car_pct"]]
    assert reads_as(styles[0].split(": ")[1]) == "red"
    assert reads_as(styles[1].split(": ")[1]) == "green"
    assert styles[2:] == ["", ""]
    styled = colours.style_returns(frame, ["car_pct"])
    css = styled._compute().ctx  # (row, column) → [(property, value)]
    assert dict(css[(0, 0)])["color"] == colours.up_colour()
    assert (0, 1) not in css  # other columns keep the table's own colours
    long = pd.DataFrame({"car_pct": np.ones(colours.STYLED_ROWS_LIMIT + 1)})
    assert colours.style_returns(long, ["car_pct"]) is long  # too long to style quickly


# -- the sidebar control and the URL (AppTest) ------------------------------------------------


def _sidebar_scheme(app) -> str:
    return app.sidebar.selectbox(key="colours").value


def test_chinese_starts_red_up_and_english_green_up(app):
    assert _sidebar_scheme(app) == "green-up"
    assert "colours" not in app.query_params  # nothing chosen: the language decides
    app.sidebar.button_group(key="language").set_value("zh").run()
    assert not app.exception
    assert _sidebar_scheme(app) == "red-up"
    assert app.sidebar.selectbox(key="colours").label == "涨跌颜色"
    app.sidebar.button_group(key="language").set_value("en").run()
    assert _sidebar_scheme(app) == "green-up"


def test_a_link_in_chinese_opens_red_up(app):
    app.query_params["lang"] = "zh"
    goto(app, "pages/themes.py")
    assert _sidebar_scheme(app) == "red-up"
    assert "colours" not in app.query_params


def test_a_chosen_scheme_survives_a_language_switch_and_is_in_the_url(app):
    app.sidebar.selectbox(key="colours").set_value("colour-blind").run()
    assert app.query_params["colours"] == "colour-blind"
    app.sidebar.button_group(key="language").set_value("zh").run()
    assert not app.exception
    assert _sidebar_scheme(app) == "colour-blind"
    # choosing the other language's default is a choice too
    app.sidebar.selectbox(key="colours").set_value("green-up").run()
    app.sidebar.button_group(key="language").set_value("en").run()
    app.sidebar.button_group(key="language").set_value("zh").run()
    assert _sidebar_scheme(app) == "green-up"
    assert app.query_params["colours"] == "green-up"


def test_a_shared_link_brings_its_scheme(app):
    app.query_params["lang"] = "zh"
    app.query_params["colours"] = "colour-blind"
    app.run()
    assert _sidebar_scheme(app) == "colour-blind"
    app.sidebar.button_group(key="language").set_value("en").run()
    assert _sidebar_scheme(app) == "colour-blind"  # a link's scheme is a choice


def test_a_bogus_scheme_in_the_url_is_named_not_raised(app):
    app.query_params["colours"] = "bogus"
    goto(app, "pages/themes.py")
    assert not app.exception
    warnings = [w.value for w in app.warning if "URL parameter" in w.value]
    assert warnings and "colours=bogus" in warnings[0]
    assert "'bogus' is not one of the choices" in warnings[0]
    assert _sidebar_scheme(app) == "green-up"
    assert "colours" not in app.query_params


# -- figures are redrawn when the scheme changes (their cache keys include it) ----------------


def _charts(app) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def test_the_themes_heatmap_is_redrawn_in_the_new_scheme(app):
    goto(app, "pages/themes.py")
    heatmap = next(t for chart in _charts(app) for t in chart["data"] if t["type"] == "heatmap")
    assert reads_as(heatmap["colorscale"][-1][1]) == "green"
    app.sidebar.selectbox(key="colours").set_value("red-up").run()
    heatmap = next(t for chart in _charts(app) for t in chart["data"] if t["type"] == "heatmap")
    assert reads_as(heatmap["colorscale"][-1][1]) == "red"
    assert reads_as(heatmap["colorscale"][0][1]) == "green"


def test_the_event_study_bars_and_placebo_are_redrawn_in_the_new_scheme(app):
    goto(open_sections(app), "pages/event_study.py")

    def colours_shown():
        figures = _charts(app)
        # the event-window chart is Vega-Lite: its AR bars' fill colours are a data column
        fills = [
            colour
            for _, datasets in vega_charts(app)
            for colour in datasets.get("ar_bars", {"fill": []})["fill"]
        ]
        assert fills
        families = {reads_as(colour) for colour in fills}
        placebo = next(f for f in figures if any(t["type"] == "histogram" for t in f["data"]))
        observed = reads_as(placebo["layout"]["shapes"][0]["line"]["color"])
        return families, observed

    families, observed = colours_shown()
    assert families == {"green", "red"} and observed in {"green", "red"}
    app.sidebar.selectbox(key="colours").set_value("colour-blind").run()
    assert not app.exception
    families, observed = colours_shown()
    assert families == {"blue", "orange"} and observed in {"blue", "orange"}
