"""Issue 13 study framing through AppTest: an uncertain t0 is said next to the CAR table and
flagged in the catalogue table; the Method page explains tiers, timing and segments."""

from __future__ import annotations

from data_sources import catalogue as cat
from tests.apptest_helpers import dataframe_at, goto
from tests.markdown_render import shown

UNKNOWN = {
    "id": "release-time-unknown",
    "title_zh": "发布时点未知的措施",
    "title_en": "A measure released at an unknown time",
    "announcement_date": "2020-08-24",  # a Monday session
    "timing": "unknown",
    "theme": "T1",
    "segments": ["CHN"],
    "confidence": "verified",
    "source_url": "https://www.csrc.gov.cn/csrc/c100028/content.shtml",
}


def test_an_uncertain_t0_is_said_next_to_the_car_table_and_flagged_in_the_catalogue(app):
    cat.add_user_measures([UNKNOWN], "test", row_labels=["row 1"])
    goto(app, "pages/event_study.py")
    app.multiselect(key="study_measures").set_value(["release-time-unknown"]).run()
    assert not app.exception
    assert app.selectbox(key="study_car_window").value == (0, 1)
    assert any(s.value == "CAR [0, 1]" for s in app.subheader)
    warnings = [shown(w.value) for w in app.warning]
    assert any(
        "t0 uncertain for release-time-unknown" in w and "2020-08-25 (t0+1)" in w for w in warnings
    )
    assert {"expected_sign", "response"} <= set(dataframe_at(app, 0).columns)

    goto(app, "pages/policies.py")
    app.text_input(key="policies_search").input("unknown time").run()
    row = dataframe_at(app, 0).set_index("id").loc["release-time-unknown"]
    assert row["flags"] == "t0 uncertain: day or next session"


def test_method_page_explains_source_tiers_timing_and_segments(app):
    goto(app, "pages/method.py")
    assert not app.exception
    headers = [h.value for h in app.header]
    assert "Sources and timing" in headers and "Segments" in headers
    text = " ".join(m.value for m in app.markdown)
    assert "**E** hijacked or spam domains: never shown" in text
    assert "leads with CAR [0, +1]" in text
    assert "the first C-REITs traded on 2021-06-21" in text
