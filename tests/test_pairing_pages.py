"""Theme-wide studies on the pages (issue 15 item 4): each measure on its own segments'
instruments, an event-window chart that stays readable with many measures, and a word on why
a multi-measure study has no placebo section."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from data_sources.catalogue import load_catalogue
from data_sources.instruments import display_name
from pages import charts
from tests.apptest_helpers import goto, vega_charts
from tests.markdown_render import shown

#: How the pages name a stored demo series (pages.formatting.label): the demo store is synthetic.
DEMO_MARK = " · SYNTHETIC DEMO"


def demo_name(symbol: str) -> str:
    return display_name(symbol) + DEMO_MARK


CHINEXT = "chinext-first-listings-2020"
CSI_BANKS = "399986.SZ"


def _abnormal_returns(pairs: dict[str, list[str]]) -> pd.DataFrame:
    """Event-window rows ([-5, 5]) for these measure → instruments pairs."""
    rng = np.random.default_rng(7)
    frames = []
    for number, (event_id, symbols) in enumerate(pairs.items()):
        for symbol in symbols:
            ar = rng.normal(0, 0.01, 11)
            frames.append(
                pd.DataFrame(
                    {
                        "event_id": event_id,
                        "instrument": symbol,
                        "rel_day": np.arange(-5, 6),
                        "date": pd.bdate_range("2021-01-04", periods=11)
                        + pd.Timedelta(days=30 * number),
                        "abnormal_return": ar,
                        "car": np.cumsum(ar),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def test_eleven_measures_get_one_panel_each_with_car_lines_and_one_legend_entry_per_instrument():
    symbols = ["399006.SZ", "000688.SH", "399975.SZ", "399986.SZ", "399809.SZ", "899050.BJ"]
    # 11 measures, each on one to three of six instruments (a theme-wide study, paired)
    pairs = {f"m{i:02d}": symbols[i % 6 : i % 6 + 1 + i % 3] for i in range(11)}
    frame = _abnormal_returns(pairs)
    titles = {event_id: f"Measure {event_id} " + "with a long title " * 4 for event_id in pairs}
    titles["m00"] = 'Measure <a href="http://x">link</a>'  # shown as text, not as a live link
    spec = charts.event_window_chart(
        frame, {s: display_name(s) for s in symbols}, False, "11 events", None, event_titles=titles
    )
    n_pairs = sum(len(v) for v in pairs.values())
    lines = spec["datasets"]["car_lines"]
    layers = spec["spec"]["layer"]
    assert [layer["mark"]["type"] for layer in layers] == ["line", "rule", "rule"]  # no AR bars
    assert "ar_bars" not in spec["datasets"]
    # one CAR line per pair, nothing per day
    assert lines.groupby(["panel", "series"]).ngroups == n_pairs and len(lines) == 11 * n_pairs
    # one legend entry per instrument, one colour for it in every panel
    colour = layers[0]["encoding"]["color"]
    assert colour["field"] == "series" and layers[0]["encoding"]["opacity"]["condition"]
    assert sorted(colour["scale"]["domain"]) == sorted(
        {display_name(s) for v in pairs.values() for s in v}
    )
    assert len(set(colour["scale"]["range"])) == len(colour["scale"]["domain"])
    # 11 panels (4 rows of 3) in study order, each titled with its measure (cut short)
    assert spec["facet"]["field"] == "panel" and spec["columns"] == 3
    subtitles = spec["facet"]["sort"]
    assert subtitles == sorted(set(lines["panel"]), key=lambda p: int(p.split(".")[0]))
    assert len(subtitles) == 11 and all(len(text) <= 48 for text in subtitles)
    assert subtitles[0] == '1. Measure <a href="http://x">link</a>'  # Vega draws it as text
    assert all(text.startswith(f"{n}. Measure m{n - 1:02d}") for n, text in
               enumerate(subtitles[1:], start=2))  # fmt: skip
    assert "href" not in json.dumps(layers)  # no mark is a link


def test_a_handful_of_pairs_keeps_ar_bars_and_one_measure_with_many_instruments_drops_them():
    few = _abnormal_returns({CHINEXT: ["399006.SZ", "399001.SZ"]})
    spec = charts.event_window_chart(few, {}, False, "ChiNext")
    assert spec["datasets"]["ar_bars"].groupby("series").ngroups == 2
    many = _abnormal_returns({CHINEXT: [f"S{i}" for i in range(8)]})
    spec = charts.event_window_chart(many, {}, False, "ChiNext")
    assert "ar_bars" not in spec["datasets"]
    assert spec["datasets"]["car_lines"].groupby("series").ngroups == 8
    (lines,) = [layer for layer in spec["layer"] if layer["data"]["name"] == "car_lines"]
    assert lines["encoding"]["y"]["title"] == "CAR (%)"


def _results(app) -> pd.DataFrame:
    return app.dataframe[0].value


def test_all_measures_of_a_theme_pair_each_measure_with_its_own_segments(app):
    app.sidebar.multiselect(key="theme_filter").set_value(["T5"]).run()
    goto(app, "pages/event_study.py")
    app.button(key="study_all_measures").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.radio(key="study_pairing").value == "segments"
    from pages import study_view

    chosen = app.multiselect(key="study_measures").value
    keys = [
        "study_measures",
        study_view.instruments_key(chosen),
        "study_benchmark",
        "study_model",
        "study_estimation",
        "study_window",
        "study_overlap",
        "study_pairing",
    ]
    request = study_view.request_from_widgets({key: app.session_state[key] for key in keys})
    assert request.pairing == "segments" and CHINEXT in request.measures
    # the results table: ChiNext listings on ChiNext, never on CSI Banks
    table = _results(app)
    chinext_title = load_catalogue().set_index("id").at[CHINEXT, "title_en"]
    chinext_rows = table[table["measure"] == chinext_title]
    assert list(chinext_rows["name"]) == [demo_name("399006.SZ")]
    assert demo_name(CSI_BANKS) in set(table["name"])  # the pension measures keep it
    assert any("pairing by segments" in shown(i.value) for i in app.info)
    # no placebo section for several measures, and a caption saying why
    assert not any(e.label == "Placebo test" for e in app.expander)
    assert any("No placebo test" in c.value for c in app.caption)
    assert any("One panel per measure" in c.value for c in app.caption)
    # the chart: one panel per measure, no AR bars
    ((spec, datasets),) = vega_charts(app)
    assert "ar_bars" not in datasets and spec["facet"]["field"] == "panel"
    assert datasets["car_lines"]["panel"].nunique() == len(set(table["measure"]))


def test_hand_picked_instruments_for_several_measures_pair_everything(app):
    goto(app, "pages/event_study.py")
    measures = [CHINEXT, "star-eight-measures-2024"]
    app.multiselect(key="study_measures").set_value(measures).run()
    from pages import study_view

    key = study_view.instruments_key(measures)
    assert app.radio(key="study_pairing").value == "segments"  # the segments' defaults
    app.multiselect(key=key).set_value(["399006.SZ", "000688.SH", CSI_BANKS]).run()
    app.radio(key="study_pairing").set_value("all").run()
    assert not app.exception, [e.value for e in app.exception]
    chinext_title = load_catalogue().set_index("id").at[CHINEXT, "title_en"]
    table = _results(app)
    # every instrument with data around each measure (STAR data start after the 2020 listing)
    assert demo_name(CSI_BANKS) in set(table[table["measure"] == chinext_title]["name"])
    assert len(table) == 5
    app.radio(key="study_pairing").set_value("segments").run()
    table = _results(app)
    assert list(table[table["measure"] == chinext_title]["name"]) == [demo_name("399006.SZ")]
    assert len(table) == 2
    assert app.query_params.get("pairing") in ("segments", ["segments"])


def test_a_themes_cell_of_several_measures_opens_them_paired_by_segments(app):
    from urllib.parse import parse_qs

    goto(app, "pages/themes.py")
    (link,) = app.get("page_link")
    query = parse_qs(link.proto.query_string)
    assert len(query["measures"][0].split(",")) > 1
    assert query["pairing"] == ["segments"]
    # opened, the Event study pairs them by segments
    app.query_params.clear()
    for name, values in query.items():
        app.query_params[name] = values[0]
    goto(app, "pages/event_study.py")
    assert app.radio(key="study_pairing").value == "segments"
    app.query_params["pairing"] = "all"  # a shared link's pairing is taken as it is
    app.run()
    assert app.radio(key="study_pairing").value == "all"
