"""The Shanghai calendar, the t0 rule and the policy catalogue."""

from __future__ import annotations

import pandas as pd
import pytest

from data_sources.catalogue import (
    filter_by_themes,
    load_catalogue,
    segments,
    studyable,
    themes,
)
from data_sources.trading_calendar import CalendarError, event_session, next_session


@pytest.mark.parametrize(
    ("announced", "timing", "t0"),
    [
        ("2019-12-28", "non_trading_day", "2019-12-30"),  # Saturday
        ("2020-04-30", "after_close", "2020-05-06"),  # evening before the May-Day closure
        ("2021-07-06", "after_close", "2021-07-07"),  # Xinhua 18:54
        ("2023-08-27", "non_trading_day", "2023-08-28"),  # Sunday
        ("2024-09-24", "before_open", "2024-09-24"),
        ("2024-10-01", "unknown", "2024-10-08"),  # National Day week
        ("2025-01-28", "unknown", "2025-02-05"),  # Spring Festival
    ],
)
def test_event_session_rule_on_real_dates(announced, timing, t0):
    assert event_session(announced, timing) == pd.Timestamp(t0)


def test_next_session_outside_the_calendar_is_a_clear_error():
    with pytest.raises(CalendarError, match="outside the Shanghai calendar"):
        next_session("2040-01-01")
    with pytest.raises(ValueError, match="timing"):
        event_session("2020-01-02", "lunchtime")


def test_shipped_catalogue_covers_the_communique():
    catalogue = load_catalogue()
    assert len(catalogue) >= 40
    assert set(catalogue["theme"]) == set(themes()["id"])  # all nine tasks
    assert catalogue["id"].is_unique
    verified = catalogue[catalogue["confidence"] == "verified"]
    addresses = verified["source_url"].where(verified["source_url"] != "", verified["evidence_url"])
    assert addresses.str.match(r"^https?://").all()
    vocabulary = set(segments()["id"])
    assert all(set(codes) <= vocabulary for codes in catalogue["segments"])
    by_id = catalogue.set_index("id")
    assert by_id.at["securities-law-2019", "event_session"] == pd.Timestamp("2019-12-30")
    # issue 13: no source states the hour of the REIT notice: unknown keeps the day itself (a
    # session), and the study also considers 2020-05-06, after the May-Day closure
    assert by_id.at["reits-pilot-notice-2020", "event_session"] == pd.Timestamp("2020-04-30")
    assert by_id.at["reits-pilot-notice-2020", "timing_confidence"] == "unknown"
    assert by_id.at["csrc-midyear-meeting-2020", "confidence"] == "unverified"


def test_studies_leave_out_unverified_and_context_records_by_default():
    catalogue = load_catalogue()
    default = set(studyable(catalogue)["id"])
    assert "csrc-midyear-meeting-2020" not in default
    assert "clean-government-conference-2020" not in default  # context only
    assert "csrc-midyear-meeting-2020" in set(studyable(catalogue, include_unverified=True)["id"])


def test_theme_filter_uses_primary_and_secondary_themes():
    catalogue = load_catalogue()
    zero_tolerance = filter_by_themes(catalogue, ["T4"])
    assert (zero_tolerance["theme"] == "T4").sum() == 5
    assert "fraud-buyback-draft-2020" in set(zero_tolerance["id"])  # T8 with secondary T4
    assert len(filter_by_themes(catalogue, [])) == len(catalogue)
