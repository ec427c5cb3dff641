"""Issue 15 review findings in the merged dashboard, each pinned by a test that failed before:
a Themes cell's names shown as text, URL values checked where they are read (and said on the
first run), stale link parameters dropped, the multi-measure chart's counts."""

from __future__ import annotations

import pytest

from pages import charts
from tests.apptest_helpers import goto, open_sections
from tests.markdown_render import injected, shown
from tests.test_zh_everywhere import zh_app  # noqa: F401  (the 中文 AppTest fixture)

CHINEXT = "chinext-first-listings-2020"


def _drawn(app, key) -> bool:
    try:
        app.get_by_key(key)
    except KeyError:
        return False
    return True


def _tables_with(app, column: str) -> list:
    return [frame for frame in app.dataframe if column in frame.value.columns]


def _url_warnings(app) -> list[str]:
    return [shown(w.value) for w in app.warning if "URL parameter" in shown(w.value)]


def test_a_themes_cell_names_its_segment_as_text(app):
    """ "Small caps, ST and *ST": the asterisk is text, not the start of italics."""
    app.query_params["cell"] = "T1|SMALL"
    goto(app, "pages/themes.py")
    heading = next(m.value for m in app.markdown if "CAAR" in m.value and "×" in m.value)
    assert "*ST" in shown(heading)
    assert not injected(heading, allowed_tags=("p", "strong"))


def test_a_bad_cell_in_the_link_is_named_on_the_first_run(app):
    app.query_params["cell"] = "bogus|ZZ"
    goto(app, "pages/themes.py")
    warnings = _url_warnings(app)
    assert warnings and "cell=bogus|ZZ" in warnings[0]


def test_a_bad_pairing_is_named_even_for_one_measure(app):
    app.query_params.update({"measures": CHINEXT, "pairing": "x"})
    goto(app, "pages/event_study.py")
    warnings = _url_warnings(app)
    assert warnings and "pairing=x" in warnings[0]
    assert "pairing" not in app.query_params


def test_a_url_value_is_quoted_as_the_url_writes_it_with_the_choices(app):
    app.query_params.update({"measures": CHINEXT, "car": "99,100"})
    goto(app, "pages/event_study.py")
    warnings = _url_warnings(app)
    assert warnings and "'99,100' is not one of the choices" in warnings[0]
    assert "(99, 100)" not in warnings[0]
    assert "-1,1" in warnings[0]  # the windows that are offered


def test_a_multi_measure_study_drops_the_placebo_series_from_the_link(app):
    app.query_params.update({"measures": CHINEXT, "instruments": "399006.SZ"})
    goto(open_sections(app), "pages/event_study.py")
    app.selectbox(key="study_placebo_series").set_value("399006.SZ").run()
    assert app.query_params.get("placebo") == "399006.SZ"
    app.button(key="study_all_measures").click().run()
    assert not app.exception
    assert "placebo" not in app.query_params


@pytest.mark.parametrize("pairing", ["all", "segments"])
def test_the_panel_title_does_not_claim_a_pairing(pairing):
    """The panels draw whatever pairs the study has; the title must not say "each on its own
    instruments" when every instrument met every measure."""
    import pandas as pd

    rows = [
        {
            "event_id": event,
            "instrument": symbol,
            "rel_day": day,
            "date": pd.Timestamp("2020-08-24") + pd.Timedelta(days=day + 5),
            "abnormal_return": 0.001,
            "car": 0.001 * (day + 6),
        }
        for event in ("a", "b")
        for symbol in ("S1", "S2", "S3")
        for day in range(-5, 6)
    ]
    spec = charts.event_window_chart(pd.DataFrame(rows), {}, False, "2 events")
    assert spec["title"]["text"] == "2 events · CAR (%) by measure"


def test_hand_picked_instruments_outside_the_segments_say_how_to_study_them(app):
    pair = ["chinext-first-listings-2020", "reits-pilot-notice-2020"]
    app.query_params.update({"measures": ",".join(pair), "pairing": "segments"})
    goto(app, "pages/event_study.py")
    key = f"study_instruments_{'_'.join(sorted(pair))}"
    app.multiselect(key=key).set_value(["000688.SH"]).run()  # STAR 50: neither's segment
    assert not app.exception
    assert any("no instrument named" in shown(e.value) for e in app.error)
    assert any("Every instrument with every measure" in shown(i.value) for i in app.info)
    app.radio(key="study_pairing").set_value("all").run()
    assert not any("no instrument named" in shown(e.value) for e in app.error)


def test_closed_expanders_and_tabs_draw_nothing_until_opened(app):
    """A full run of the Event study sends only what is in view: the daily ARs, every
    statistic and the volatility tab are drawn when opened (the browser's redraw is most of
    what a person waits for after adding an instrument)."""
    app.query_params.update({"measures": CHINEXT, "instruments": "399006.SZ,000688.SH"})
    goto(app, "pages/event_study.py")
    assert not _tables_with(app, "sar")  # the daily ARs (sar: only there)
    assert not _tables_with(app, "rel_day")  # every statistic, daily and per window
    assert not _drawn(app, "study_volatility_chart")
    assert not _drawn(app, "study_volume_chart")  # the trading response is closed
    assert not _drawn(app, "study_placebo_chart")
    assert not _tables_with(app, "observed_car")  # the placebo summary
    assert not _tables_with(app, "reason")  # the diagnostics
    assert {e.label for e in app.expander} >= {
        "Trading response: abnormal volume and volatility",
        "Placebo test",
    }
    app.session_state["study_response_open"] = True
    app.run()
    assert _drawn(app, "study_volume_chart")  # the first tab is open
    assert not _drawn(app, "study_volatility_chart")
    open_sections(app)
    app.session_state["study_response_tab"] = "Abnormal volatility"
    app.run()
    assert not app.exception
    assert _tables_with(app, "sar")
    assert _tables_with(app, "rel_day")
    assert _drawn(app, "study_volatility_chart")
    assert not _drawn(app, "study_volume_chart")
    assert _drawn(app, "study_placebo_chart")
    assert _tables_with(app, "observed_car") and _tables_with(app, "reason")


def test_an_open_tab_survives_a_language_switch(app):
    app.query_params.update({"measures": CHINEXT, "instruments": "399006.SZ,000688.SH"})
    goto(open_sections(app), "pages/event_study.py")
    app.session_state["study_response_tab"] = "Abnormal volatility"
    app.run()
    app.session_state["language"] = "zh"
    app.run()
    assert not app.exception
    assert _drawn(app, "study_volume_chart") or _drawn(app, "study_volatility_chart")


def test_daily_and_diagnostics_tables_name_columns_and_series_for_the_reader(zh_app):  # noqa: F811
    """In 中文 the shared columns are labelled in Chinese, days are days, and a demo series is
    marked as the pickers mark it."""
    import json

    app = zh_app
    app.query_params.update({"measures": CHINEXT, "instruments": "399006.SZ,000688.SH"})
    goto(app, "pages/event_study.py")
    app.session_state["study_daily_open"] = True
    app.run()
    (daily,) = _tables_with(app, "sar")
    config = {k: v or {} for k, v in json.loads(daily.proto.columns or "{}").items()}
    assert config["instrument"]["label"] == "标的"
    assert config["rel_day"]["label"] == "相对交易日"
    assert config["date"]["type_config"]["format"] == "YYYY-MM-DD"
    assert config["event_date"]["type_config"]["format"] == "YYYY-MM-DD"
    assert all(name.endswith("合成演示") for name in daily.value["instrument"])
