"""The reliability part "hostile text" runs every case without an injection or a crash."""

from __future__ import annotations

import pytest

from tests.reliability_hostile_text import hostile_text


@pytest.mark.reliability
def test_hostile_text_part_has_cases_and_no_failures():
    outcomes = hostile_text(generated=4)
    assert {o.entry_point for o in outcomes} == {
        "measure fields: Policies, Event study, Overview pages",
        "URL parameters with backticks, brackets, $ and HTML",
        "upload file names on the Data page",
    }
    for outcome in outcomes:
        assert outcome.cases > 0, outcome
        assert (outcome.failures, outcome.crashes, outcome.rows_lost) == (0, 0, 0), outcome
